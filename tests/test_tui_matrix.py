"""四个一 (the assignment matrix) driven by real keys: the summary and the demo's gaps and conflicts,
filling a gap by typing initials, a first secretary posted from the matrix, ending a holding (history
kept), a leader created inline, deleting a leader in use refused with the reason, the filters,
``show_village``, narrow terminals, and user text shown literally."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input

from ledgers import assignments
from ledgers.ledger import Ledger
from ledgers.matrix import assignment_matrix
from ledgers.models import Leader, Role
from tests.tui_support import (
    SIZE,
    TODAY,
    demo_db,
    notifications,
    open_section,
    option_texts,
    retype,
    settle,
    static_text,
    table_rows,
)
from tui.app import make_app
from tui.screens.matrix import MatrixScreen
from tui.widgets.matrix_table import ROLE_KEYS, MatrixTable

# The demo township's 四个一 (ledgers/demo.py).
GAPS = {"河东村": Role.TOWNSHIP_LEADER, "东风村": Role.PAIRED_UNIT, "枫林村": Role.FIRST_SECRETARY}
CONFLICTS = {"青山村": 1, "东风村": 2}


def village_id(ledger: Ledger, name: str) -> int:
    v = ledger.find_village(name)
    assert v is not None
    return v.id


def summary(app) -> str:  # noqa: ANN001
    return static_text(app, "#matrix-summary")


def expected_summary(ledger: Ledger, year: int | None = None) -> str:
    m = assignment_matrix(ledger, year=year)
    return f"{len(m.rows)}个村 · 齐全{m.complete_count}个 · 缺口{m.gap_count}项 · 冲突{len(m.conflicts)}项"


async def open_matrix(pilot) -> MatrixTable:  # noqa: ANN001
    await open_section(pilot, "4", "MatrixScreen")
    return pilot.app.screen.query_one("#matrix-table", MatrixTable)


def names_shown(table: MatrixTable) -> list[str]:
    return [r[table.get_column_index("village")].split("\n")[0].strip() for r in table_rows(table)]


async def go_to(pilot, table: MatrixTable, village: str, role: Role | None) -> None:  # noqa: ANN001
    """Move the cell cursor with the arrow keys, the way a clerk does."""
    await pilot.press("ctrl+home")  # DataTable: first row (RowTable keeps Home/End for rows)
    names = names_shown(table)
    for _ in range(table.cursor_coordinate.row):
        await pilot.press("up")
    for _ in range(table.cursor_coordinate.column):
        await pilot.press("left")
    for _ in range(names.index(village)):
        await pilot.press("down")
    if role is not None:
        for _ in range(table.get_column_index(ROLE_KEYS[role])):
            await pilot.press("right")
    await pilot.pause()
    line = table.cursor_line()
    assert line is not None and line.village == village
    assert table.role_at_cursor() == role


def cell_text(table: MatrixTable, ledger: Ledger, village: str, role: Role) -> str:
    line = next(r for r in table.shown.values() if r.village == village)
    return table.get_cell(str(line.id), ROLE_KEYS[role]).plain


# ---------------------------------------------------------------- reading


async def test_summary_gaps_and_conflicts_as_the_ledger_counts_them(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_matrix(pilot)
        ledger = app.ledger
        m = assignment_matrix(ledger)
        # The demo's facts, and the same numbers the ledger (and the dashboard) computes.
        assert len(m.rows) == 8 and m.gap_count == 3 and len(m.conflicts) == 3
        assert expected_summary(ledger) in summary(app)
        assert "8个村" in summary(app) and "缺口3项" in summary(app) and "冲突3项" in summary(app)
        assert table.row_count == 8
        for village, role in GAPS.items():
            cell = cell_text(table, ledger, village, role)
            assert cell.strip().startswith("未落实")
            for other in Role:
                if other != role:
                    assert "未落实" not in cell_text(table, ledger, village, other)
        # Conflicts: a marker in the slot concerned, the count at the village, the reason below.
        for village, n in CONFLICTS.items():
            assert "⚠冲突" in cell_text(table, ledger, village, Role.FIRST_SECRETARY)
            line = next(r for r in table.shown.values() if r.village == village)
            assert f"⚠{n}" in table.get_cell(str(line.id), "village").plain
        await go_to(pilot, table, "东风村", Role.FIRST_SECRETARY)
        detail = static_text(app, "#matrix-detail")
        assert "万林兰" in detail and "冲突" in detail
        for c in m.conflicts_of(village_id(ledger, "东风村")):
            assert c.message in detail
        # A filled cell shows the holder with title and since when.
        qs = ledger.slots(village_id(ledger, "青山村"))[Role.COUNTY_LEADER]
        assert qs is not None and qs.start is not None
        text = cell_text(table, ledger, "青山村", Role.COUNTY_LEADER)
        assert qs.name in text and f"{qs.start.isoformat()}起" in text


# ---------------------------------------------------------------- assigning


async def test_fill_township_leader_gap_by_initials(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await open_matrix(pilot)
        ledger = app.ledger
        hedong = village_id(ledger, "河东村")
        before = assignment_matrix(ledger).gap_count
        assert ledger.slots(hedong)[Role.TOWNSHIP_LEADER] is None
        await go_to(pilot, table, "河东村", Role.TOWNSHIP_LEADER)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "SlotAssignScreen"
        await pilot.press(*"whb")
        await pilot.pause()
        assert option_texts(app, "#slot-results")[0].startswith("吴海波")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MatrixScreen"
        holder = ledger.slots(hedong)[Role.TOWNSHIP_LEADER]
        assert holder is not None and holder.name == "吴海波" and holder.start == TODAY
        after = assignment_matrix(ledger).gap_count
        assert after == before - 1
        assert f"缺口{after}项" in summary(app)
        assert "吴海波" in cell_text(table, ledger, "河东村", Role.TOWNSHIP_LEADER)
        assert table.role_at_cursor() == Role.TOWNSHIP_LEADER  # the cursor stays on the cell
        assert any("吴海波" in n for n in notifications(app))
        await pilot.press("ctrl+z")  # one change, one undo: the gap is back, in place
        await settle(pilot)
        assert ledger.slots(hedong)[Role.TOWNSHIP_LEADER] is None
        assert f"缺口{before}项" in summary(app)
        assert cell_text(table, ledger, "河东村", Role.TOWNSHIP_LEADER).strip().startswith("未落实")


async def test_first_secretary_slot_planned_then_posted_and_busy_cadre_refused(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await open_matrix(pilot)
        ledger = app.ledger
        fenglin = village_id(ledger, "枫林村")
        gaps = assignment_matrix(ledger).gap_count
        await go_to(pilot, table, "枫林村", Role.FIRST_SECRETARY)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        # 万林兰 is serving elsewhere: refused, pointing to 调整 in the 第一书记 section.
        await pilot.press(*"wll", "enter")
        await pilot.pause()
        assert app.screen is dialog
        message = static_text(app, "#slot-message")
        assert "万林兰" in message and "调整" in message and "按 5" in message
        assert ledger.slots(fenglin)[Role.FIRST_SECRETARY] is None
        # 韦丽 with no arrival date: 拟选派 — shown as planned, still a gap.
        await pilot.press("home", "ctrl+k", *"wl")
        await pilot.pause()
        assert option_texts(app, "#slot-results")[0].startswith("韦丽")
        await pilot.press("tab", "home", "ctrl+k", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MatrixScreen)
        assert ledger.slots(fenglin)[Role.FIRST_SECRETARY] is None
        cell = table.get_cell(str(table.cursor_line().id), "first_secretary")  # type: ignore[union-attr]
        assert "未落实" in cell.plain and "拟：韦丽" in cell.plain
        assert any("yellow" in str(span.style) for span in cell.spans)
        assert f"缺口{gaps}项" in summary(app)
        assert any("拟选派" in n for n in notifications(app))
        # 白健 has no posting in force: posted, serving from today, the gap filled.
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"bj", "enter")
        await settle(pilot)
        holder = ledger.slots(fenglin)[Role.FIRST_SECRETARY]
        assert holder is not None and holder.name == "白健" and holder.start == TODAY
        assert "白健" in cell_text(table, ledger, "枫林村", Role.FIRST_SECRETARY)
        assert f"缺口{gaps - 1}项" in summary(app)


async def test_end_a_holding_keeps_its_history(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await open_matrix(pilot)
        ledger = app.ledger
        qingshan = village_id(ledger, "青山村")
        held = ledger.slots(qingshan)[Role.COUNTY_LEADER]
        assert held is not None
        gaps = assignment_matrix(ledger).gap_count
        await go_to(pilot, table, "青山村", Role.COUNTY_LEADER)
        await pilot.press("delete")
        await pilot.pause()
        assert type(app.screen).__name__ == "EndHoldingScreen"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "MatrixScreen"
        assert ledger.slots(qingshan)[Role.COUNTY_LEADER] is None  # a gap from today
        past = assignments.history(ledger, qingshan, Role.COUNTY_LEADER)
        assert [h.assignment_id for h in past] == [held.assignment_id]  # the record is kept
        assert assignments.assignment_end(ledger, held.assignment_id) == TODAY - timedelta(days=1)
        assert f"缺口{gaps + 1}项" in summary(app)
        assert cell_text(table, ledger, "青山村", Role.COUNTY_LEADER).strip().startswith("未落实")
        await pilot.press("h")
        await pilot.pause()
        assert type(app.screen).__name__ == "SlotHistoryScreen"
        lines = option_texts(app, "#slot-history")
        assert len(lines) == 1 and held.name in lines[0]
        assert held.start is not None and held.start.isoformat() in lines[0]
        assert (TODAY - timedelta(days=1)).isoformat() in lines[0]
        await pilot.press("escape")
        # Ending a gap, or the first secretary, is refused with a word, no dialog.
        await pilot.press("delete")
        await pilot.pause()
        assert type(app.screen).__name__ == "MatrixScreen"
        assert any("未落实" in n for n in notifications(app))


async def test_create_a_leader_inline_and_assign_it(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_matrix(pilot)
        ledger = app.ledger
        hedong = village_id(ledger, "河东村")
        await go_to(pilot, table, "河东村", Role.TOWNSHIP_LEADER)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"李新民")  # not on file
        await pilot.pause()
        assert "Ctrl+N" in option_texts(app, "#slot-results")[0]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert type(app.screen).__name__ == "LeaderFormScreen"
        assert app.screen.query_one("#field-name", Input).value == "李新民"  # what was typed
        await retype(pilot, "title", "镇人大主席")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "MatrixScreen"
        new = [l for l in assignments.leaders(ledger) if l.name == "李新民"]
        assert len(new) == 1 and new[0].role == Role.TOWNSHIP_LEADER and new[0].title == "镇人大主席"
        holder = ledger.slots(hedong)[Role.TOWNSHIP_LEADER]
        assert holder is not None and holder.holder_id == new[0].id
        assert "李新民（镇人大主席）" in cell_text(table, ledger, "河东村", Role.TOWNSHIP_LEADER)


# ---------------------------------------------------------------- leaders and units


async def test_leader_list_counts_links_and_refuses_deleting_one_in_use(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_matrix(pilot)
        ledger = app.ledger
        await pilot.press("l")
        await settle(pilot)
        assert type(app.screen).__name__ == "HoldersScreen"
        table = app.screen.query_one("#holders-leaders")
        counts = assignments.link_counts(ledger)
        leaders = {l.name: l for l in assignments.leaders(ledger)}
        wu = leaders["吴海波"]
        row = table.get_row(str(wu.id))
        assert row[table.get_column_index("links")].plain.strip() == f"{counts[('leaders', wu.id)]}个村"
        phone = row[table.get_column_index("phone")].plain.strip()
        assert "*" in phone and wu.phone not in phone  # personal data masked
        table.move_to(wu.id)
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "HoldersScreen"  # refused at once, no confirmation
        assert any("不能删除" in n and "吴海波" in n and "包联" in n for n in notifications(app))
        assert "吴海波" in {l.name for l in assignments.leaders(ledger)}
        # Enter lists the villages one links; choosing one shows it in the matrix.
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "VillageListScreen"
        linked = assignments.links(ledger, "leaders", wu.id)
        assert len(option_texts(app, "#village-list")) == len(linked)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MatrixScreen)
        matrix = app.screen.query_one("#matrix-table", MatrixTable)
        assert matrix.cursor_line().village_id == linked[0]  # type: ignore[union-attr]
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one("#holders-leaders")
        # One linking nothing can go (after a confirmation).
        free = next(l for l in assignments.leaders(ledger) if not assignments.links(ledger, "leaders", l.id)
                    and not any(h for v in ledger.villages() for h in assignments.history(ledger, v.id, l.role)
                                if h.holder_id == l.id))
        table.move_to(free.id)
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(pilot)
        assert free.id not in {l.id for l in assignments.leaders(ledger)}
        assert str(free.id) not in table.rows
        # u switches to the units; Esc goes back to the matrix.
        await pilot.press("u")
        await pilot.pause()
        units = app.screen.query_one("#holders-units")
        assert units.display and units.row_count == len(assignments.units(ledger))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)


# ---------------------------------------------------------------- filters and the cursor


async def test_gaps_conflicts_leader_and_year_filters(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_matrix(pilot)
        ledger = app.ledger
        await pilot.press("g")
        assert sorted(names_shown(table)) == sorted(GAPS)
        await pilot.press("g", "c")
        assert sorted(names_shown(table)) == sorted(CONFLICTS)
        await pilot.press("c", "w")
        leader = app.screen.leader  # type: ignore[attr-defined]
        assert leader is not None
        shown = [r for r in table.shown.values()]
        assert shown and all(r.township_leader == leader for r in shown)
        assert f"包村领导：{leader[1]}" in static_text(app, "#matrix-status")
        await pilot.press("escape", "y")
        year = app.screen.year  # type: ignore[attr-defined]
        assert year is not None
        assert all(r.year == year for r in table.shown.values())
        assert table.row_count == len(assignment_matrix(ledger, year=year).rows)
        assert expected_summary(ledger, year) in summary(app)
        await pilot.press("escape", "f", *"qsc", "enter")
        await pilot.pause()
        assert names_shown(table) == ["青山村"] and app.focused is table


async def test_show_village_before_and_after_the_rows_exist(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ledger = app.ledger
        hedong, qingshan = village_id(ledger, "河东村"), village_id(ledger, "青山村")
        # From the dashboard: the section is built by this very call, before its rows.
        assert app.show_in_section("matrix", "show_village", hedong)
        await settle(pilot)
        table = app.screen.query_one("#matrix-table", MatrixTable)
        assert table.cursor_line().village_id == hedong  # type: ignore[union-attr]
        # Hidden by a filter: the filters are cleared.
        await pilot.press("c")
        assert hedong not in {r.village_id for r in table.shown.values()}
        app.screen.show_village(hedong)  # type: ignore[attr-defined]
        await pilot.pause()
        assert table.cursor_line().village_id == hedong  # type: ignore[union-attr]
        assert not app.screen.filtered  # type: ignore[attr-defined]
        app.screen.show_village(qingshan)  # type: ignore[attr-defined]
        assert table.cursor_line().village_id == qingshan  # type: ignore[union-attr]


async def test_fits_80_columns(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_matrix(pilot)
        widths = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert widths <= 80 - 2  # every slot column in view, with the scrollbar
        assert table.row_count == 8
        assert "缺口3项" in summary(app)


async def test_read_only_refuses_changes(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    holder = Ledger.open(db, today=TODAY)
    try:
        app = make_app(db, today=TODAY)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            table = await open_matrix(pilot)
            await go_to(pilot, table, "河东村", Role.TOWNSHIP_LEADER)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, MatrixScreen)
            assert any("只读" in n for n in notifications(app))
    finally:
        holder.close()


# ---------------------------------------------------------------- user text is data


async def test_markup_in_names_shows_literally(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as ledger:
        odd = assignments.save_leader(ledger, Leader("[red]张三", "[b]主任[/]", Role.TOWNSHIP_LEADER))
        assignments.assign(ledger, village_id(ledger, "河东村"), Role.TOWNSHIP_LEADER, odd.id)
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_matrix(pilot)
        ledger = app.ledger
        cell = cell_text(table, ledger, "河东村", Role.TOWNSHIP_LEADER)
        assert "[red]张三" in cell and "[b]主任[/]" in cell
        await go_to(pilot, table, "河东村", Role.TOWNSHIP_LEADER)
        assert "[red]张三（[b]主任[/]）" in static_text(app, "#matrix-detail")
        await pilot.press("h")
        await pilot.pause()
        assert any("[red]张三" in t for t in option_texts(app, "#slot-history"))
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert "[red]张三" in static_text(app, ".dialog-title")
        await pilot.press(*"zs")
        await pilot.pause()
        assert any(t.startswith("[red]张三") for t in option_texts(app, "#slot-results"))
        await pilot.press("escape", "l")
        await settle(pilot)
        leaders = app.screen.query_one("#holders-leaders")
        assert leaders.get_row(str(odd.id))[0].plain.strip() == "[red]张三"
