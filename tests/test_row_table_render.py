"""The tables paint one-line plain cells themselves (``RowTable._render_plain_cell``) instead of
sending each through Rich's console: the result must be the very segments ``DataTable`` would
paint — text, styles, the row/column meta a mouse click reads — for every cell, with the cursor on
it or not, hovered or not. Cells that take the general way (spans, two lines) are counted too, so
the fast path cannot silently stop being used."""
from __future__ import annotations

from pathlib import Path

import pytest
from rich.segment import Segment
from textual.widgets import DataTable

from ledgers.ledger import Ledger
from ledgers.models import Village
from tests.tui_support import SIZE, TODAY, demo_db, open_section
from tui.app import make_app
from tui.widgets.row_table import RowTable, SortCell, gap_cell


def _paint(table: RowTable, row: int, col: int, cursor: bool, hover: bool) -> tuple[list, list] | None:
    width = table.ordered_columns[col].get_render_width(table)
    table._cell_render_cache.clear()
    fast = table._render_plain_cell(row, col, table.rich_style, width, cursor, hover)
    if fast is None:
        return None
    table._cell_render_cache.clear()
    slow = DataTable._render_cell(table, row, col, table.rich_style, width, cursor, hover)
    table._cell_render_cache.clear()
    return list(Segment.simplify(fast[0])), list(Segment.simplify(slow[0]))


@pytest.mark.parametrize("key", ["2", "3", "5"])
async def test_plain_cells_paint_as_datatable_does(tmp_path: Path, key: str) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as led:
        # A name a clerk typed that looks like markup.
        led.save_village(Village(id=0, name="[bold]红旗村", township="青石镇"))
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, key)
        table = app.screen.table
        assert table.row_count > 5
        checked = 0
        for row in range(min(table.row_count, 30)):
            for col in range(len(table.columns)):
                for cursor in (False, True):
                    for hover in (False, True):
                        pair = _paint(table, row, col, cursor, hover)
                        if pair is None:
                            continue
                        checked += 1
                        assert pair[0] == pair[1], (row, col, cursor, hover)
        assert checked >= min(table.row_count, 30) * len(table.columns) * 4 * 0.9


async def test_cells_the_fast_path_leaves_alone(tmp_path: Path) -> None:
    """Right-justified, styled, cropped and empty cells; a cell with spans goes the general way."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        table = app.screen.table
        key = str(table.cursor_id)
        col = table.ordered_columns[2].key
        for cell in (gap_cell("12", 12, justify="right", style="bold red"), gap_cell(""),
                     gap_cell("很长很长很长很长很长很长很长很长的名字", style="dim"), SortCell("")):
            table.update_cell(key, col, cell)
            pair = _paint(table, table.cursor_row, 2, True, False)
            assert pair is not None and pair[0] == pair[1]
        spans = gap_cell("两种")
        spans.stylize("bold", 1, 2)
        table.update_cell(key, col, spans)
        assert _paint(table, table.cursor_row, 2, False, False) is None
