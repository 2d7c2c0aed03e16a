"""Start-up: the dashboard is painted before the file is read (in a thread), keys pressed meanwhile are
kept for when it is open, quitting meanwhile leaves no lock behind, a failure ends on the error screen.

The file is held back by a gate so the "still reading" moment can be looked at by the test."""
from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from ledgers.errors import StoreLocked
from ledgers.ledger import Ledger
from tests.tui_support import SIZE, TODAY, demo_db, notifications, option_texts, settle, static_text
from textual.widgets._footer import FooterKey
from tui.app import LedgerApp, make_app


class Gate(threading.Event):
    """Set by the test to let the file be read; ``read`` is set once it has been, ``ledgers`` are
    what was opened."""

    def __init__(self) -> None:
        super().__init__()
        self.read = threading.Event()
        self.ledgers: list[Ledger] = []


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    """Reading the file waits until the test sets the gate (at most 10 s)."""
    event = Gate()
    read = LedgerApp.read_ledger

    def held(self: LedgerApp):  # noqa: ANN202
        event.wait(10)
        try:
            opened = read(self)
            if opened[0] is not None:
                event.ledgers.append(opened[0])
            return opened
        finally:
            event.read.set()

    monkeypatch.setattr(LedgerApp, "read_ledger", held)
    return event


async def test_dashboard_is_shown_while_the_file_is_read(tmp_path: Path, gate: Gate) -> None:
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.ledger is None and app.opening
        assert "正在打开账本" in static_text(app, "#dashboard-summary")
        assert "l.json" in app.sub_title
        # The dashboard's own keys do nothing yet (no figures to cycle or open), and break nothing.
        for key in ("y", "g", "tab", "enter", "down"):
            await pilot.press(key)
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen" and app.ledger is None
        gate.set()
        await settle(pilot)
        assert app.ledger is not None and not app.opening
        assert "青石镇" in app.title
        assert "村（社区）25个" in static_text(app, "#dashboard-summary")


async def test_last_section_key_pressed_while_reading_is_shown(tmp_path: Path, gate: Gate) -> None:
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2", "3")  # 村情, then 整顿台账: the later one is meant
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"  # nothing to show them with yet
        gate.set()
        await settle(pilot)
        assert type(app.screen).__name__ == "CasesScreen"
        assert len(app.screen_stack) == 1


async def test_lookup_typed_while_reading_searches_once_the_file_is_there(tmp_path: Path, gate: Gate) -> None:
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"qsc")  # "q" goes into the lookup, not to the quit key
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "LookupScreen"
        assert static_text(app, "#lookup-status") == "正在打开账本……"
        assert option_texts(app, "#lookup-results") == []
        gate.set()
        await settle(pilot)
        assert option_texts(app, "#lookup-results")[0].startswith("青山村")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillageDetailScreen"


async def test_undo_while_reading_is_refused_not_queued(tmp_path: Path, gate: Gate) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as ledger:
        entries = [e.seq for e in ledger.audit(50)]
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.pause()
        assert any("正在打开账本" in n for n in notifications(app))
        gate.set()
        await settle(pilot)
        assert app.ledger is not None
        assert [e.seq for e in app.ledger.audit(50)] == entries  # nothing was undone behind the clerk's back
        assert not any(e.undone for e in app.ledger.audit(50))


async def test_help_and_quit_work_while_reading(tmp_path: Path, gate: Gate) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        threading.Timer(0.2, gate.set).start()  # the file arrives after the clerk has quit
        await pilot.press("q")
    assert app.return_code in (0, None)
    # The thread still opens the file after the app has gone; it must close it again, or the next
    # start would find the file locked by nobody visible.
    for _ in range(200):  # the event loop must keep running: the thread hands the file back through it
        if gate.read.is_set() and gate.ledgers and gate.ledgers[0].store.closed:
            break
        await asyncio.sleep(0.05)
    assert gate.ledgers and gate.ledgers[0].store.closed  # closed by the app, not left to the garbage collector
    deadline = time.monotonic() + 10
    while True:
        try:
            Ledger.open(db, today=TODAY).close()
            break
        except StoreLocked:
            assert time.monotonic() < deadline, "the file stayed locked after quitting during start-up"
            await asyncio.sleep(0.05)


async def test_unexpected_failure_while_reading_ends_on_the_error_screen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = demo_db(tmp_path / "l.json")

    def broken(*args: object, **kwargs: object) -> Ledger:
        raise ValueError("磁盘读错误")

    monkeypatch.setattr(Ledger, "open", broken)
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "OpenErrorScreen"
        text = static_text(app, "#open-error-text")
        assert "读取账本时出错" in text and "磁盘读错误" in text
        await pilot.press("2")  # no ledger: section keys stay inert
        await pilot.pause()
        assert type(app.screen).__name__ == "OpenErrorScreen"


async def test_failing_read_only_fallback_ends_on_the_error_screen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = demo_db(tmp_path / "l.json")
    writer = Ledger.open(db, today=TODAY)  # another copy holds the file: this one falls back to read-only
    real_open = Ledger.open

    def read_only_breaks(path: Path, **kwargs: object) -> Ledger:
        if kwargs.get("read_only"):
            raise ValueError("无法解码")
        return real_open(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "open", read_only_breaks)
    try:
        app = make_app(db, today=TODAY)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert type(app.screen).__name__ == "OpenErrorScreen" and not app.opening
            assert "无法解码" in static_text(app, "#open-error-text")
    finally:
        writer.close()


async def test_footer_keys_are_rebuilt_only_when_they_change(tmp_path: Path) -> None:
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = list(app.screen.query(FooterKey))
        assert before and any(k.key == "question_mark" for k in before)
        app.screen.refresh_bindings()  # the same keys: the same widgets stay
        await settle(pilot)
        assert list(app.screen.query(FooterKey)) == before
        await pilot.press("2")  # another screen, other keys
        await settle(pilot)
        keys = [k.key for k in app.screen.query(FooterKey)]
        assert "n" in keys and "question_mark" in keys


# ---------------------------------------------------------------- figures kept for the next start


async def _figures_shown(db: Path) -> str:
    """Start the app on ``db``, let it count, quit: the summary line it ended with."""
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        return static_text(app, "#dashboard-summary")


async def test_next_start_shows_the_figures_with_its_first_frame(tmp_path: Path, gate: Gate) -> None:
    db = demo_db(tmp_path / "l.json")
    gate.set()
    figures = await _figures_shown(db)
    assert "村（社区）25个" in figures
    assert (tmp_path / "l.json.figures.json").exists()
    gate.clear()
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert app.ledger is None  # the file is still being read …
        assert static_text(app, "#dashboard-summary") == figures  # … and the figures are up
        overdue = option_texts(app, "#panel-overdue")
        assert overdue and "逾期" in overdue[0]
        # Enter on an item waits for the file, with a word.
        app.screen.query_one("#panel-overdue").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert any("正在打开账本" in n for n in notifications(app))
        gate.set()
        await settle(pilot)
        assert app.ledger is not None and app.screen.figures is not None
        assert static_text(app, "#dashboard-summary") == figures
        assert option_texts(app, "#panel-overdue") == overdue


async def test_on_another_day_only_the_figures_that_do_not_depend_on_the_date_are_kept(tmp_path: Path, gate: Gate) -> None:
    db = demo_db(tmp_path / "l.json")
    gate.set()
    await _figures_shown(db)
    gate.clear()
    app = make_app(db, today=TODAY + timedelta(days=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.ledger is None
        first = static_text(app, "#dashboard-summary")
        assert "村（社区）25个" in first and "统计中" in first and (TODAY + timedelta(days=1)).isoformat() in first
        assert option_texts(app, "#panel-cases")  # cases by stage: from the copy
        assert option_texts(app, "#panel-overdue") == ["正在统计……"]  # overdue depends on the day
        gate.set()
        await settle(pilot)
        assert "逾期任务" in static_text(app, "#dashboard-summary")
        assert option_texts(app, "#panel-overdue") != ["正在统计……"]


@pytest.mark.parametrize("change", ["edited", "damaged copy"])
async def test_kept_figures_are_not_used_when_no_longer_true(tmp_path: Path, gate: Gate, change: str) -> None:
    db = demo_db(tmp_path / "l.json")
    gate.set()
    await _figures_shown(db)
    if change == "edited":  # the CLI, or a colleague's copy, wrote the file since
        with Ledger.open(db, today=TODAY) as ledger:
            village = ledger.villages()[0]
            village.population += 1
            ledger.save_village(village)
    else:
        (tmp_path / "l.json.figures.json").write_text('{"format": 1, "view": [', encoding="utf-8")
    gate.clear()
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "正在打开账本" in static_text(app, "#dashboard-summary")
        gate.set()
        await settle(pilot)
        assert "村（社区）25个" in static_text(app, "#dashboard-summary")


async def test_quitting_keeps_the_figures_of_the_last_change(tmp_path: Path, gate: Gate) -> None:
    db = demo_db(tmp_path / "l.json")
    gate.set()
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # away from the dashboard, which then counts only when shown again
        await settle(pilot)
        ledger = app.ledger
        spare = next(v for v in ledger.villages() if not ledger.village_references(v.id))
        ledger.delete_village(spare.id)
        app.ledger_changed()
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    gate.clear()
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.ledger is None and "村（社区）24个" in static_text(app, "#dashboard-summary")
        gate.set()
        await settle(pilot)


@pytest.mark.parametrize("command", [["demo", "--force"], ["undo"]])
async def test_a_command_that_changed_the_file_keeps_the_figures_for_the_next_start(
        tmp_path: Path, gate: Gate, command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """After ``demo``, ``import`` or ``undo`` the next start found no copy that described the file and
    counted everything before its figures came; the command keeps them itself (issue 13), for the
    terminal it runs in (the bars' width)."""
    from click.testing import CliRunner

    monkeypatch.setenv("COLUMNS", str(SIZE[0]))
    monkeypatch.setenv("LINES", str(SIZE[1]))

    from main import cli
    from tui import figures_cache

    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as ledger:  # a change for undo to take back
        village = ledger.villages()[0]
        village.population += 1
        ledger.save_village(village)
    result = CliRunner().invoke(cli, ["--db", str(db), "--today", TODAY.isoformat(), *command])
    assert result.exit_code == 0, result.output
    assert figures_cache.load(db, TODAY) is not None  # describes the file as the command left it
    gate.clear()
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.ledger is None  # still reading …
        kept = static_text(app, "#dashboard-summary")
        assert "村（社区）25个" in kept  # … and the figures are up
        panels = {pid: option_texts(app, f"#{pid}") for pid in ("panel-cases", "panel-overdue", "panel-matrix",
                                                                  "panel-terms", "panel-tiers", "panel-people")}
        gate.set()
        await settle(pilot)
        assert app.screen.figures is not None and not app.screen.from_copy
        # The counted figures are the ones that were shown.
        assert static_text(app, "#dashboard-summary") == kept
        assert {pid: option_texts(app, f"#{pid}") for pid in panels} == panels


def test_read_only_commands_keep_no_figures(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from main import cli

    db = demo_db(tmp_path / "l.json")
    for args in (["check"], ["lookup", "qsc"], ["log"]):
        CliRunner().invoke(cli, ["--db", str(db), "--today", TODAY.isoformat(), *args])
    assert not (tmp_path / "l.json.figures.json").exists()
