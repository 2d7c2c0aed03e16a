"""Snapshots of the main screens at a fixed size with a fixed today, CJK rows included.

``snap_compare`` only works from non-async tests. The title bar shows the ledger's full path, which
differs per run: ``run_before`` replaces it with the file name so snapshots are stable.
Update with ``pytest tests/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from tests.tui_support import TODAY, demo_db, settle
from tui.app import make_app

SIZE = (120, 40)


def prepare(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.sub_title = "l.json"
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.sub_title = pilot.app.sub_title.replace(str(pilot.app.db_path), "l.json")  # type: ignore[attr-defined]

    return run_before


def demo_app(tmp_path: Path):  # noqa: ANN201
    return make_app(demo_db(tmp_path / "l.json"), today=TODAY)


def test_first_run(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(make_app(tmp_path / "l.json", today=TODAY), terminal_size=SIZE, run_before=prepare())


def test_dashboard(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=prepare())


def test_dashboard_small_terminal(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=prepare())


def test_village_registry(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=prepare("2"))


def test_lookup_results(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=prepare("slash", "q", "s"))


def test_village_detail(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE,
                        run_before=prepare("slash", "q", "s", "c", "enter"))


def test_village_form_with_error(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    keys = ("2", "n", "新", "村", "tab", "tab", "tab", "x")
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=prepare(*keys))


def test_settings(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=prepare("7"))


def test_help(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=prepare("2", "question_mark"))
