"""Snapshots of the 整顿台账 screens (demo township, fixed today, CJK rows): the case list at 120×40
and 80×24, and one case's detail. Update with ``pytest tests/test_tui_cases_snapshots.py
--snapshot-update`` and look at the SVGs before accepting them."""
from __future__ import annotations

from pathlib import Path

from tests.test_snapshots import SIZE, demo_app, prepare


def test_case_list(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=prepare("3"))


def test_case_list_small_terminal(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=prepare("3"))


def test_case_detail(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    # The sixth row (batch order) is a case being rectified with overdue tasks in red.
    keys = ("3", "down", "down", "down", "down", "down", "enter")
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=prepare(*keys))
