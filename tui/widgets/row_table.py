"""A row-cursor DataTable keyed by record id: the cursor row's id, moving to a record, and keys
that behave the way a clerk expects in a list.

``DataTable`` binds Home/End to horizontal scrolling, which does nothing visible in a table that
fits the screen; in a list of records they go to the first and last row (Ctrl+Home/End as well).

``SortedRowTable`` adds what the case and village tables share: columns declared once, sorting by
any of them, and in-place updates from a diff.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowDoesNotExist


class RowTable(DataTable):
    """A DataTable whose rows are records keyed by their id (``str(id)``)."""

    BINDINGS = [
        Binding("home", "scroll_top", "第一行", show=False, id="table-first-row"),
        Binding("end", "scroll_bottom", "最后一行", show=False, id="table-last-row"),
    ]

    def __init__(self, *, id: str | None = None, **kwargs: object) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(id=id, **kwargs)  # type: ignore[arg-type]

    @property
    def cursor_id(self) -> int | None:
        """The record id of the cursor row, or None in an empty table."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - an empty or shrinking table has no cursor row
            return None
        return int(key.value) if key.value is not None else None

    def move_to(self, record_id: int) -> bool:
        """Put the cursor on ``record_id``'s row; False when it is not shown."""
        try:
            index = self.get_row_index(str(record_id))
        except RowDoesNotExist:
            return False
        self.move_cursor(row=index, animate=False)
        return True

    def move_to_index(self, index: int) -> None:
        """Put the cursor on row ``index``, or the last row when there are fewer (after a delete)."""
        if self.row_count:
            self.move_cursor(row=max(0, min(index, self.row_count - 1)), animate=False)


class SortCell(Text):
    """A table cell that knows how it sorts (numbers as numbers, blanks last)."""

    __slots__ = ("sort_key",)

    def __init__(self, text: str, sort_key: Any = None, *, justify: str | None = None, style: str = "",
                 overflow: str | None = None) -> None:
        super().__init__(text, style=style, justify=justify, no_wrap=True, end="",  # type: ignore[arg-type]
                         overflow=overflow)  # type: ignore[arg-type]
        self.sort_key = (sort_key is None, sort_key if sort_key is not None else 0)


def gap_cell(text: str, sort_key: Any = None, **kw: Any) -> SortCell:
    """A cell with one leading space: the gap between columns. The sorted tables run with
    cell_padding=0 so that their columns fit the terminal (80 cells for cases, 120 for villages)."""
    return SortCell(" " + text, sort_key, **kw)


class Record(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Column(Generic[R]):
    key: str
    label: str  # "\n" splits it over the header lines
    cell: Callable[[R], SortCell]
    width: int | None = None  # fixed width in cells (a detail view shows the full value)


class SortedRowTable(RowTable, Generic[R]):
    """Rows of immutable records under ``COLUMNS``, sorted by any column: ``show(rows)`` replaces
    them, ``apply(rows)`` diffs them in place — never clear-and-reload after one edit (PITFALLS.md:
    ~1 s at 10,000 rows).

    A layer of its own, not part of ``RowTable``: the task and 情形 tables are row-cursor lists
    that neither sort nor diff.
    """

    COLUMNS: ClassVar[tuple[Column[Any], ...]] = ()
    DEFAULT_SORT: ClassVar[str] = ""
    # Whether a re-filter keeps the cursor on its record (the registry has always gone back to the top).
    KEEP_CURSOR_ON_SHOW: ClassVar[bool] = True

    def __init__(self, *, id: str | None = None, **kwargs: object) -> None:
        super().__init__(id=id, cell_padding=0, **kwargs)
        self.shown: dict[int, R] = {}
        self._cells: dict[int, tuple[R, list[SortCell]]] = {}
        self.sort_column = self.DEFAULT_SORT
        self.sort_reverse = False

    def on_mount(self) -> None:
        for c in self.COLUMNS:
            self.add_column(self._label(c), key=c.key, width=c.width)

    def _label(self, c: Column[Any]) -> Text:
        # One cell after every label holds the sort mark, so marking a column never widens it.
        mark = ("▼" if self.sort_reverse else "▲") if c.key == self.sort_column else " "
        return Text(f" {c.label}{mark}", no_wrap=True, style="bold" if c.key == self.sort_column else "")

    def cells(self, row: R) -> list[SortCell]:
        """The cells of ``row``, built once per row value: re-filtering 500 rows then costs no more
        than a bare table refresh (rows are immutable, and the table never mutates a cell)."""
        cached = self._cells.get(row.id)
        if cached is None or cached[0] != row:
            cached = (row, [c.cell(row) for c in self.COLUMNS])
            self._cells[row.id] = cached
        return cached[1]

    def show(self, rows: Iterable[R]) -> None:
        """Replace every row (first load, or a new filter)."""
        current = self.cursor_id if self.KEEP_CURSOR_ON_SHOW else None
        self.clear()
        ordered = self._ordered(rows)
        self.shown = {row.id: row for row in ordered}
        self.add_keyed_rows([(str(row.id), self.cells(row)) for row in ordered])
        if current is not None:
            self.move_to(current)

    def add_keyed_rows(self, rows: list[tuple[str, list[SortCell]]]) -> None:
        """Append rows (``(key, cells)``); a subclass may do it faster than one ``add_row`` each."""
        for key, cells in rows:
            self.add_row(*cells, key=key)

    def apply(self, rows: Sequence[R]) -> int:
        """Bring the shown rows in line with ``rows``, touching only what differs; returns rows touched."""
        wanted = {r.id: r for r in rows}
        touched = 0
        for rid in [rid for rid in self.shown if rid not in wanted]:
            self.remove_row(str(rid))
            del self.shown[rid]
            touched += 1
        for rid, row in wanted.items():
            old = self.shown.get(rid)
            if old == row:
                continue
            touched += 1
            if old is None:
                self.add_row(*self.cells(row), key=str(rid))
            else:
                old_cells = self.cells(old)
                for c, new_cell, old_cell in zip(self.COLUMNS, self.cells(row), old_cells):
                    # The style counts too: a tier or a state can change colour without changing text.
                    if new_cell.plain != old_cell.plain or new_cell.style != old_cell.style:
                        self.update_cell(str(rid), c.key, new_cell, update_width=True)
            self.shown[rid] = row
        if touched:
            self.resort()
        return touched

    def _tiebreak(self, row: R) -> Any:
        """Orders rows whose sort cells are equal; a constant keeps the order they came in, even
        when reversed (sorting is stable)."""
        return 0

    def _ordered(self, rows: Iterable[R]) -> list[R]:
        index = [c.key for c in self.COLUMNS].index(self.sort_column)
        return sorted(rows, key=lambda r: (self.cells(r)[index].sort_key, self._tiebreak(r)),
                      reverse=self.sort_reverse)

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        for c in self.COLUMNS:
            col = self.columns[ColumnKey(c.key)]
            col.label = self._label(c)
            # The mark may widen a label, and DataTable measures labels only when a column is added.
            col.content_width = max(col.content_width, *(cell_len(line) for line in col.label.plain.split("\n")))
        self._clear_caches()  # the header is cached with the old labels
        self.refresh(layout=True)
        self.resort()

    def resort(self) -> None:
        current = self.cursor_id
        self.sort(self.sort_column, key=lambda cell: cell.sort_key, reverse=self.sort_reverse)
        if current is not None:
            self.move_to(current)
        self.refresh()
