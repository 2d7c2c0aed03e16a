"""The tables paint themselves (``tui/widgets/fast_table.py``) instead of sending every cell of
every line through Rich: the result must be the very segments ``DataTable`` would paint — text,
styles, the row/column meta a mouse click reads — for every cell, with the cursor on it or not,
hovered or not, and for every line of the table as it is on screen, scrolled sideways or not.
Cells taken the general way are counted too, so the fast paths cannot silently stop being used."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from textual._styles_cache import StylesCache
from textual.geometry import Region
from textual.widgets import DataTable

from ledgers.ledger import Ledger
from ledgers.models import Village
from tests.tui_support import SIZE, TODAY, demo_db, open_section
from tui.app import make_app
from tui.widgets.fast_table import FastTable
from tui.widgets.line_frames import RepeatedLines, SplicedFrame
from tui.widgets.row_table import SortCell, gap_cell


def _segments(lines) -> list:
    return [list(Segment.simplify(line)) for line in lines]


def _paint(table: FastTable, row: int, col: int, cursor: bool, hover: bool) -> tuple[list, list] | None:
    """(fast, DataTable's) painting of one body cell; None when the fast path declines it."""
    width = table.ordered_columns[col].get_render_width(table)
    table._clear_caches()
    fast = table._render_body_cell(row, col, table.rich_style, width, cursor, hover)
    if fast is None:
        return None
    table._clear_caches()
    slow = DataTable._render_cell(table, row, col, table.rich_style, width, cursor, hover)
    table._clear_caches()
    return _segments(fast), _segments(slow)


def _screen_lines(table: FastTable) -> tuple[list, list]:
    """Every line of the table as shown, painted the fast way and DataTable's way (framed by
    Textual's own ``StylesCache``, not the table's ``SplicedFrame``)."""
    region = Region(0, 0, table.size.width, table.size.height)

    def paint(render) -> list:
        table._clear_caches()
        table._styles_cache.clear()
        # Empty pieces paint nothing (DataTable's crop leaves one where it cuts a cell at the window's
        # edge; the window is painted here without cutting a line): compared without them.
        return [[(s.text, s.style) for s in Segment.simplify(list(strip)) if s.text] for strip in render(region)]

    return _both_ways(table, lambda: paint(table.render_lines),
                      lambda: paint(lambda crop: DataTable.render_lines(table, crop)))


def _bar_lines(table: FastTable) -> tuple[list, list]:
    """The vertical scroll bar's lines, framed by its ``RepeatedLines`` and by ``StylesCache``."""
    bar = table.vertical_scrollbar
    region = Region(0, 0, bar.size.width, bar.size.height)

    def paint() -> list:
        bar._styles_cache.clear()
        bar.refresh()
        return [list(strip) for strip in bar.render_lines(region)]

    return _both_ways(bar, paint, paint)


def _both_ways(widget: Any, fast: Any, slow: Any) -> tuple[list, list]:
    """``fast()`` framed by the widget's own styles cache, ``slow()`` by Textual's ``StylesCache``."""
    painted = fast()
    own, widget._styles_cache = widget._styles_cache, StylesCache()
    try:
        return painted, slow()
    finally:
        widget._styles_cache = own


async def _check_table(pilot, table: FastTable) -> None:
    assert table.row_count > 5
    checked = 0
    rows = min(table.row_count, 30)
    for row in range(rows):
        for col in range(len(table.columns)):
            for cursor in (False, True):
                for hover in (False, True):
                    pair = _paint(table, row, col, cursor, hover)
                    if pair is None:
                        continue
                    checked += 1
                    assert pair[0] == pair[1], (row, col, cursor, hover)
    assert checked == rows * len(table.columns) * 4  # every cell of these tables is text
    # Whole lines: the cursor on the second row, at the left and scrolled to the far right.
    table.move_cursor(row=1, column=min(1, len(table.columns) - 1), animate=False)
    await pilot.pause()
    fast, slow = _screen_lines(table)
    assert fast == slow
    if table.max_scroll_x:
        table.scroll_to(x=table.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        fast, slow = _screen_lines(table)
        assert fast == slow
        table.scroll_to(x=0, animate=False, immediate=True)


@pytest.mark.parametrize("key", ["2", "3", "4", "5"])
async def test_tables_paint_as_datatable_does(tmp_path: Path, key: str) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as led:
        # A name a clerk typed that looks like markup.
        led.save_village(Village(id=0, name="[bold]红旗村", township="青石镇"))
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, key)
        await _check_table(pilot, app.screen.table)


async def test_narrow_screen_scrolled_sideways(tmp_path: Path) -> None:
    """At 80 columns the roster and the matrix (with its fixed village column) scroll sideways."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("5", "4"):
            await open_section(pilot, key)
            table = app.screen.table
            table.focus()
            await pilot.pause()
            for x in (0, 7, 23):
                table.scroll_to(x=min(x, table.max_scroll_x), animate=False, immediate=True)
                await pilot.pause()
                fast, slow = _screen_lines(table)
                assert fast == slow, (key, x)


async def test_cells_the_fast_path_leaves_alone(tmp_path: Path) -> None:
    """Right-justified, styled, cropped, empty and styled-in-parts cells paint as DataTable does;
    a cell that is not text goes the general way."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        table = app.screen.table
        key = str(table.cursor_id)
        col = table.ordered_columns[2].key
        spans = gap_cell("两种")
        spans.stylize("bold", 1, 2)
        for cell in (gap_cell("12", 12, justify="right", style="bold red"), gap_cell(""),
                     gap_cell("很长很长很长很长很长很长很长很长的名字", style="dim"), SortCell(""), spans,
                     gap_cell("居中", justify="center")):
            table.update_cell(key, col, cell)
            pair = _paint(table, table.cursor_row, 2, True, False)
            assert pair is not None and pair[0] == pair[1]
        from rich.table import Table

        table.update_cell(key, col, Table())
        assert _paint(table, table.cursor_row, 2, False, False) is None


def _warm_lines(table: FastTable) -> list:
    """The lines as shown, painted with whatever the table has kept from earlier frames."""
    region = Region(0, 0, table.size.width, table.size.height)
    table._styles_cache.clear()
    return [[(s.text, s.style) for s in Segment.simplify(list(strip))] for strip in table.render_lines(region)]


async def test_kept_lines_follow_each_change(tmp_path: Path) -> None:
    """Painted rows are kept across frames by their content, place and the columns (not repainted
    after every change): after a saved edit, a cursor move, a sort that moves rows, a
    removed row and a new one, the lines painted from what was kept are DataTable's lines."""
    from dataclasses import replace

    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        screen = app.screen
        table = screen.table
        ledger = app.ledger

        async def check(what: str) -> None:
            await pilot.pause()
            warm = _warm_lines(table)
            fast, slow = _screen_lines(table)  # both from cleared caches
            assert warm == slow == fast, what
            # Kept again for the next change (DataTable's painting above left its own line cache,
            # which would answer the next frame without asking for the kept rows).
            table._clear_caches()
            _warm_lines(table)

        _warm_lines(table)
        village = ledger.village(table.cursor_id)
        ledger.save_village(replace(village, population=village.population + 1234))
        app.ledger_changed()  # the list updates the one row in place
        await check("edited row")
        table.move_cursor(row=4, animate=False)
        await check("cursor moved")
        table.sort_by("population")
        await check("sorted: rows moved")
        table.sort_by("population")
        await check("reversed")
        ledger.delete_village(ledger.save_village(Village(id=0, name="新建村", township="青石镇")).id)
        app.ledger_changed()
        await check("added and removed")
        other = ledger.village(table.cursor_id)
        ledger.save_village(replace(other, population=1))
        app.ledger_changed()
        await check("edited row moves in the sort")


async def test_lines_framed_once_and_spliced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list frames its first line the usual way and splices the others in; its scroll bar frames
    each kind of line once. Both paint what ``StylesCache`` paints: at the top, in the middle and
    at the end of the list, in another colour, and after a filter that leaves fewer rows than the
    window (no thumb)."""
    usual: Counter[str] = Counter()  # lines framed the usual way, by the cache that asked
    framed = StylesCache.render_line

    def counting(self: StylesCache, *args: Any, **kwargs: Any) -> Any:
        usual[type(self).__name__] += 1
        return framed(self, *args, **kwargs)

    monkeypatch.setattr(StylesCache, "render_line", counting)
    db = demo_db(tmp_path / "l.json", "county")  # 300 villages: a thumb on the bar
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        screen = app.screen
        table = screen.table
        bar = table.vertical_scrollbar
        assert isinstance(table._styles_cache, SplicedFrame) and isinstance(bar._styles_cache, RepeatedLines)
        assert table.max_scroll_y > 0
        for y in (0, table.max_scroll_y // 2, table.max_scroll_y):
            table.scroll_to(y=y, animate=False, immediate=True)
            await pilot.pause()
            usual.clear()
            fast, slow = _screen_lines(table)
            assert fast == slow, y
            assert usual["SplicedFrame"] == 1 and usual["StylesCache"] == table.size.height
            usual.clear()
            fast, slow = _bar_lines(table)
            assert fast == slow, y
            kinds = len({tuple(line) for line in fast})
            assert usual["RepeatedLines"] == kinds and 2 <= kinds <= 5 < len(fast)  # each kind framed once
        table.styles.scrollbar_color = "red"  # another look (a theme's)
        await pilot.pause()
        red, slow = _bar_lines(table)
        assert red == slow and red != fast
        screen.query_text = next(iter(table.shown.values())).name  # one village
        screen.refilter()
        await pilot.pause()
        assert 0 < table.row_count < table.size.height
        fast, slow = _bar_lines(table)
        assert fast == slow
