"""The case list (整顿台账): columns, overdue in red against a fixed today, filters by keys and by the
lookup query, sorting, rows updated in place after an edit, closing a batch, the hooks."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input
from textual.widgets.data_table import RowKey

from ledgers.models import CaseState
from tests.tui_support import SIZE, TODAY, demo_db, notifications, open_section, option_texts, settle, table_rows
from tui.app import make_app
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.cases import COLUMN_KEYS, CaseTable, CasesScreen, open_new_case, show_cases
from tui.widgets.row_table import gap_cell


def col(name: str) -> int:
    return COLUMN_KEYS.index(name)


async def open_cases(pilot) -> CaseTable:  # noqa: ANN001
    await open_section(pilot, "3")
    assert isinstance(pilot.app.screen, CasesScreen)
    return pilot.app.screen.query_one("#cases-table", CaseTable)


async def test_rows_and_overdue_in_red(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_cases(pilot)
        ledger = app.ledger
        cases = ledger.cases()
        assert table.row_count == len(cases) > 0
        overdue = [c for c in cases if c.overdue_tasks(TODAY)]
        assert overdue, "the demo has overdue tasks"
        for c in cases:
            cell = table.get_cell(str(c.id), "overdue")
            deadline = table.get_cell(str(c.id), "deadline")
            if c.overdue_tasks(TODAY):
                assert cell.plain.strip() == f"{len(c.overdue_tasks(TODAY))}项" and "red" in str(cell.style)
                assert "red" in str(deadline.style)
            else:
                assert cell.plain.strip() == "" and "red" not in str(cell.style)
            assert table.get_cell(str(c.id), "village").plain.strip() == ledger.village_name(c.village_id)
            progress = table.get_cell(str(c.id), "progress").plain.strip()
            assert progress == (f"{c.tasks_done}/{len(c.tasks)}" if c.tasks else "—")


async def test_overdue_depends_on_today(tmp_path: Path) -> None:
    """The same file seen a year earlier has no overdue task: the red comes from "today"."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY - timedelta(days=400))
    async with app.run_test(size=SIZE) as pilot:
        table = await open_cases(pilot)
        assert all(table.get_cell(str(cid), "overdue").plain.strip() == "" for cid in table.shown)


async def test_filters_by_keys_and_query(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_cases(pilot)
        screen = app.screen
        total = table.row_count
        await pilot.press("o")  # only overdue
        assert 0 < table.row_count < total
        assert all(r.overdue for r in table.shown.values())
        await pilot.press("o", "j")  # state filter: the first state present
        states = {r.state for r in table.shown.values()}
        assert len(states) == 1 and screen.state in states
        await pilot.press("escape")
        assert table.row_count == total
        await pilot.press("y")
        years = {r.year for r in table.shown.values()}
        assert years == {screen.year}
        await pilot.press("escape")
        # the lookup query: a village's pinyin initials
        row = next(iter(table.shown.values()))
        from pypinyin import Style, lazy_pinyin

        initials = "".join(lazy_pinyin(row.village, style=Style.FIRST_LETTER))
        await pilot.press("f")
        await pilot.press(*initials, "enter")
        await pilot.pause()
        assert row.id in table.shown and table.row_count < total
        found = {h.village_id for h in app.ledger.lookup(initials, 100)}
        assert all(r.village_id in found for r in table.shown.values())
        assert app.screen.focused is table
        await pilot.press("escape")
        assert table.row_count == total and screen.query_one("#cases-filter", Input).value == ""


async def test_sort_by_any_column(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_cases(pilot)
        assert table.sort_column == "batch"
        await pilot.press("s", "enter")  # the chooser opens on the next column
        await settle(pilot)
        assert table.sort_column == COLUMN_KEYS[col("batch") + 1] == "state"
        rows = table_rows(table)
        order = list(CaseState)
        seen = [CaseState(r[col("state")]) for r in rows]
        assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)
        await pilot.press("r")
        assert table.sort_reverse
        rows = table_rows(table)
        seen = [CaseState(r[col("state")]) for r in rows]
        assert [order.index(s) for s in seen] == sorted((order.index(s) for s in seen), reverse=True)
        await pilot.press("s", "enter")  # 整改进度: numbers sort as numbers (3/5 before 4/4), blanks last
        await settle(pilot)
        assert table.sort_column == "progress" and not table.sort_reverse
        fractions = [r.done / r.total for r in table.shown.values() if r.total]
        ordered = [table.shown[int(table.coordinate_to_cell_key((i, 0)).row_key.value)] for i in range(table.row_count)]
        with_tasks = [r.done / r.total for r in ordered if r.total]
        assert with_tasks == sorted(fractions)
        assert all(not r.total for r in ordered[len(with_tasks):])


async def test_row_updated_in_place_after_edit(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_cases(pilot)
        ledger = app.ledger
        c = next(c for c in ledger.cases() if c.state == CaseState.RECTIFYING and not all(t.finished for t in c.tasks))
        table.move_to(c.id)
        cleared = []
        table.clear = lambda *a, **k: cleared.append(1)  # type: ignore[method-assign]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == c.id
        task = next(t for t in c.tasks if not t.finished)
        tasks_table = app.screen.query_one("#case-tasks")
        tasks_table.move_cursor(row=tasks_table.get_row_index(str(task.id)))
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        assert table.get_cell(str(c.id), "progress").plain.strip() == f"{c.tasks_done + 1}/{len(c.tasks)}"
        assert not cleared  # updated in place, never cleared and reloaded
        assert table.cursor_case_id == c.id


async def test_new_case_refused_for_village_with_open_case(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_cases(pilot)
        busy = next(c for c in app.ledger.cases() if c.active)
        before = len(app.ledger.cases())
        open_new_case(app, busy.village_id)
        await settle(pilot)
        assert any("不能重复列入" in n for n in notifications(app))
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == busy.id
        assert len(app.ledger.cases()) == before


async def test_close_batch_lists_open_cases(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_cases(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert type(app.screen).__name__ == "BatchYearScreen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "OpenCasesScreen"
        expected = app.ledger.open_cases_of_batch(TODAY.year)
        lines = option_texts(app, "#open-cases")
        assert len(lines) == len(expected) > 0
        assert all(app.ledger.village_name(c.village_id) in line for c, line in zip(expected, lines))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == expected[0].id


async def test_show_cases_hook_filters_by_state(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        show_cases(app, state=CaseState.AWAITING_ACCEPTANCE)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CasesScreen)
        table = screen.query_one("#cases-table", CaseTable)
        expected = {c.id for c in app.ledger.cases() if c.state == CaseState.AWAITING_ACCEPTANCE}
        assert set(table.shown) == expected and expected


async def test_bulk_rows_same_as_add_row(tmp_path: Path) -> None:
    """``CaseTable.add_keyed_rows`` (the fast path of a re-filter) gives the table ``add_row`` gives."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_cases(pilot)
        other = CaseTable(id="other")
        await app.screen.mount(other)
        await pilot.pause()
        for row in table._ordered(table.shown.values()):
            other.add_row(*other.cells(row), key=str(row.id))
        await pilot.pause()
        assert table_rows(other) == table_rows(table)
        assert [table.get_row_index(k) for k in table.rows] == [other.get_row_index(k) for k in other.rows]
        assert [c.width for c in table.columns.values()] == [c.width for c in other.columns.values()]
        await pilot.press("down", "down")
        assert table.cursor_row == 2 and str(table.cursor_case_id) == table.coordinate_to_cell_key((2, 0)).row_key.value


async def test_rows_shown_again_keep_their_cells_not_a_changed_cell(tmp_path: Path) -> None:
    """A row shown again by the next filter keystroke gets the row it had (not built and freed again);
    a cell changed in place (``update_cell``) is not carried into the next showing of the row's
    own cells; new columns (new cells) give new rows."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_cases(pilot)
        screen = app.screen
        before = table_rows(table)
        rid = table.cursor_case_id
        key = RowKey(str(rid))
        held = table._data[key]

        async def filtered_away_and_back() -> None:
            screen.query_text = "zzz"
            screen.refilter()
            screen.query_text = ""
            screen.refilter()
            await pilot.pause()

        await filtered_away_and_back()
        assert table._data[key] is held and table_rows(table) == before
        column = table.ordered_columns[1].key
        table.update_cell(str(rid), column, gap_cell("改过"))
        assert table.get_cell(str(rid), column).plain.strip() == "改过"
        await filtered_away_and_back()
        assert table_rows(table) == before  # the row's cells, not the cell changed in place
        table.set_columns(table.COLUMNS)
        table.show(screen.visible_rows())
        await pilot.pause()
        assert table._data[key] is not held and table_rows(table) == before


async def test_new_case_from_village_detail(tmp_path: Path) -> None:
    """The village detail's ``n`` (the App's ``new_case_for_village`` hook) lists the village."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ledger = app.ledger
        free = next(v for v in ledger.villages() if ledger.active_case(v.id) is None)
        app.open_village(free.id)
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "CaseNewFormScreen"
        await pilot.press("ctrl+s")
        await settle(pilot)
        case = ledger.active_case(free.id)
        assert case is not None and case.state == CaseState.CANDIDATE and case.year == TODAY.year
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == case.id
