"""A row-cursor DataTable keyed by record id: the cursor row's id, moving to a record, and keys
that behave the way a clerk expects in a list.

``DataTable`` binds Home/End to horizontal scrolling, which does nothing visible in a table that
fits the screen; in a list of records they go to the first and last row (Ctrl+Home/End as well).

``SortedRowTable`` adds what the case and village tables share: columns declared once, sorting by
any of them, and in-place updates from a diff.
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets.data_table import ColumnKey, Row, RowDoesNotExist, RowKey

from ledgers.ledger import bulk_load
from ledgers.text import clean_text

from .fast_table import FastTable


class RowTable(FastTable):
    """A DataTable whose rows are records keyed by their id (``str(id)``)."""

    BINDINGS = [
        Binding("home", "scroll_top", "第一行", show=False, id="table-first-row"),
        Binding("end", "scroll_bottom", "最后一行", show=False, id="table-last-row"),
    ]

    def __init__(self, *, id: str | None = None, **kwargs: object) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(id=id, **kwargs)

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

    __slots__ = ("sort_key", "_measured")

    def __init__(self, text: str, sort_key: Any = None, *, justify: str | None = None, style: str = "",
                 overflow: str | None = None) -> None:
        # Text.__init__ without its control-code pass for text that has none (``isprintable`` is one C
        # call): a 1,500-row roster builds 36,000 cells, and the pass was most of their cost. Text that
        # is not printable (a hand-edited file) is cleaned of escape sequences and control characters
        # as a whole — more than Rich's pass, which lets ESC through.
        self._text = [text if text.isprintable() else clean_text(text, multiline=True)]
        self.style = style
        self.justify = justify  # type: ignore[assignment]
        self.overflow = overflow  # type: ignore[assignment]
        self.no_wrap = True
        self.end = ""
        self.tab_size = None
        self._spans = []
        self._length = len(self._text[0])
        self.sort_key = (sort_key is None, sort_key if sort_key is not None else 0)
        # Measured once, where the cell is made (a worker, for a first load): the table's column
        # widths then cost an attribute read per cell on the main thread.
        plain = self._text[0]
        width = _WIDTHS.get(plain)
        if width is None:
            width = _measure(plain)
        self._measured = (self._length, width)

    def cell_width(self) -> int:
        """The longest line's width in cells, kept until the text grows (a matrix cell appends)."""
        length, width = self._measured
        if length != self._length:
            width = _measure(self.plain)
            self._measured = (self._length, width)
        return width


# Widths of cell texts already measured: a table's cells repeat (states, levels, dates, townships),
# and measuring CJK text walks it character by character. Shared by threads (a dict's get and set
# are atomic); bounded.
_WIDTHS: dict[str, int] = {}


def _measure(plain: str) -> int:
    width = cell_len(plain) if "\n" not in plain else max(map(cell_len, plain.split("\n")))
    if len(_WIDTHS) > 100_000:
        _WIDTHS.clear()
    _WIDTHS[plain] = width
    return width


def gap_cell(text: str, sort_key: Any = None, **kw: Any) -> SortCell:
    """A cell with one leading space: the gap between columns. The sorted tables run with
    cell_padding=0 so that their columns fit the terminal (80 cells for cases, 120 for villages)."""
    return SortCell(" " + text, sort_key, **kw)


def _cell_width(table: Any, cell: Any) -> int:
    """A cell's width as DataTable measures it: the longest line of its text."""
    if type(cell) is SortCell:
        return cell.cell_width()
    if isinstance(cell, Text):
        plain = cell.plain
        return cell_len(plain) if "\n" not in plain else max(map(cell_len, plain.split("\n")))
    from textual.render import measure

    return measure(table.app.console, cell, 1)


class Record(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=Record)


class Prebuilt(dict, Generic[R]):  # type: ignore[type-arg]
    """Cells built by ``SortedRowTable.prebuild`` (row id → (row, cells)), with each column's widest
    cell (``widths``, column key → cells)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.widths: dict[str, int] = {}


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

    # The vertical scroll bar stays when a filter leaves fewer rows than fit (as in a spreadsheet):
    # otherwise the table changes width on such a keystroke, and the screen is laid out again.
    DEFAULT_CSS = """
    SortedRowTable { overflow-y: scroll; }
    """

    COLUMNS: ClassVar[tuple[Column[Any], ...]] = ()
    DEFAULT_SORT: ClassVar[str] = ""
    ROW_HEIGHT: ClassVar[int] = 1  # lines per row

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        """Column widths from the new rows, measured as the cells' plain cell length.

        ``DataTable`` measures every new cell with Rich (``measure``): 36,000 cells for 1,500
        postings took ~0.6 s after each re-filter, 50 ms of every 村情 filter keystroke. Every cell
        here is a ``SortCell`` (Text) whose width is its longest line's ``cell_len``; the rows have no
        labels and no auto height, so what is left for ``DataTable`` is the virtual size. Relies on
        DataTable internals (textual<9 is pinned) and falls back to its own measuring if they change."""
        data = getattr(self, "_data", None)
        if not isinstance(data, dict):
            super()._update_dimensions(new_rows)
            return
        columns = [c for c in self.ordered_columns if c.auto_width]
        known, self._prebuilt_widths = self._prebuilt_widths, None
        if known is not None and len(known[0]) == len(new_rows) and known[0] == {k.value for k in new_rows}:
            # The first rows shown are the rows built in the worker, measured there (36,000 cells).
            for column in columns:
                column.content_width = max(column.content_width, known[1].get(str(column.key.value), 0))
            self._resize_virtually()
            return
        measured, built = self._measured_cells, self._cells
        for row_key in new_rows:
            cells = data.get(row_key)
            if cells is None:  # removed before the idle update
                continue
            # A re-filter shows rows measured before, with the same cells, and widths only grow: a
            # keystroke measured up to 36,000 cells again (~5 ms of the roster's).
            try:
                rid = int(row_key.value)
            except (TypeError, ValueError):
                rid = None
            source = built.get(rid) if rid is not None else None
            if source is not None:
                if measured.get(rid) is source[1]:
                    continue
                measured[rid] = source[1]
            for column in columns:
                cell = cells.get(column.key)
                if cell is None:
                    continue
                width = _cell_width(self, cell)
                if width > column.content_width:
                    column.content_width = width
        self._resize_virtually()

    def _resize_virtually(self) -> None:
        """The virtual size after rows came or went, as ``DataTable._update_dimensions`` sets it —
        without laying the screen out again when only the height changed.

        ``virtual_size`` is a layout reactive: each filter keystroke that changed the number of rows
        laid out the whole screen (~5 ms) although only this table's scroll range changed. With the
        vertical bar always shown (``overflow-y: scroll``) and the width unchanged, no scroll bar
        appears or goes, so updating the scroll range and repainting is all there is to do."""
        try:
            width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
            height = self._total_row_height + (self.header_height if self.show_header else 0)
        except AttributeError:
            super()._update_dimensions(())
            return
        new, old = Size(width, height), self.virtual_size
        if new == old:
            return
        height_rule = self.styles.height
        if (new.width != old.width or self.styles.overflow_y != "scroll" or not self.size
                or height_rule is None or height_rule.is_auto):  # a table sized by its rows lays out
            self.virtual_size = new
            return
        self.set_reactive(Widget.virtual_size, new)
        # ``_scroll_update`` without repainting the horizontal bar, which has not changed.
        bar = self.vertical_scrollbar
        bar.window_virtual_size = new.height
        bar.window_size = self.container_size.height - self.scrollbar_size_horizontal
        self.scroll_y = self.validate_scroll_y(self.scroll_y)
        self.refresh()
    # Whether a re-filter keeps the cursor on its record (the registry has always gone back to the top).
    KEEP_CURSOR_ON_SHOW: ClassVar[bool] = True

    def __init__(self, *, id: str | None = None, **kwargs: object) -> None:
        super().__init__(id=id, cell_padding=0, **kwargs)
        self.shown: dict[int, R] = {}
        self.shown_version = 0  # changes whenever the rows shown do (what is counted from them follows)
        self._cells: dict[int, tuple[R, list[SortCell]]] = {}
        self._measured_cells: dict[int, list[SortCell]] = {}  # row id → the cells its width counts
        # Row key → (its cells, the table's row of them by column): see ``add_keyed_rows``.
        self._row_dicts: dict[str, tuple[list[SortCell], dict[ColumnKey, SortCell]]] = {}
        self.sort_column = self.DEFAULT_SORT
        self.sort_reverse = False

    def clear(self, columns: bool = False) -> Any:
        if columns:  # new columns start unmeasured
            self._measured_cells.clear()
        return super().clear(columns)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, *, update_width: bool = False) -> None:
        # DataTable writes the value into the row it holds: that row no longer matches its cells.
        self._row_dicts.pop(row_key.value if isinstance(row_key, RowKey) else row_key, None)
        super().update_cell(row_key, column_key, value, update_width=update_width)

    def on_mount(self) -> None:
        for c in self.COLUMNS:
            self.add_column(self._label(c), key=c.key, width=c.width)

    def set_columns(self, columns: tuple[Column[Any], ...]) -> None:
        """Other columns for this table (their set depends on the file or the list shown): the rows
        and their cells go with the old ones."""
        self.COLUMNS = columns  # type: ignore[misc]  # per table
        self._cells.clear()
        self._row_dicts.clear()
        self.clear(columns=True)
        self.shown = {}
        self.shown_version += 1
        for c in columns:
            self.add_column(self._label(c), key=c.key, width=c.width)

    def _label(self, c: Column[Any]) -> Text:
        # One cell after every label holds the sort mark, so marking a column never widens it.
        mark = ("▼" if self.sort_reverse else "▲") if c.key == self.sort_column else " "
        return Text(f" {c.label}{mark}", no_wrap=True, style="bold" if c.key == self.sort_column else "")

    def cells(self, row: R) -> list[SortCell]:
        """The cells of ``row``, built once per row value: re-filtering 500 rows then costs no more
        than a bare table refresh (rows are immutable, and the table never mutates a cell)."""
        cached = self._cells.get(row.id)
        # The same row object (a re-filter of the loaded rows) is the common case: no field-by-field
        # comparison of a 29-field roster row for each row of each keystroke.
        if cached is None or (cached[0] is not row and cached[0] != row):
            cached = (row, [c.cell(row) for c in self.COLUMNS])
            self._cells[row.id] = cached
        return cached[1]

    _prebuilt_widths: tuple[set[str], dict[str, int]] | None = None  # rows (keys) and column widths

    @classmethod
    def prebuild(cls, rows: Iterable[R]) -> Prebuilt[R]:
        """The cells of ``rows``, built where the rows are (a worker thread): a pure function of the
        rows and ``COLUMNS``. Building 36,000 roster cells on the main thread was a third of the
        time the roster took to open at prefecture scale; ``adopt`` hands them to the table.
        The cells are acyclic and live as long as the table: collecting while they are made only
        walks them again and again (60 % of the build time measured)."""
        with bulk_load():
            built = Prebuilt({row.id: (row, [c.cell(row) for c in cls.COLUMNS]) for row in rows})
        # The widest cell of each column too, for the first ``show`` of these rows.
        for index, column in enumerate(cls.COLUMNS):
            built.widths[column.key] = max((cells[index].cell_width() for _row, cells in built.values()), default=0)
        return built

    def adopt(self, built: dict[int, tuple[R, list[SortCell]]]) -> None:
        """Take cells built by ``prebuild`` (main thread)."""
        self._cells.update(built)
        widths = getattr(built, "widths", None)
        if widths:
            self._prebuilt_widths = ({str(rid) for rid in built}, widths)
        if len(built) >= 500:
            # Tens of thousands of new, acyclic, long-lived objects: the next full collections would
            # walk them all (~100 ms in the first paint of the roster, measured), as they would the
            # loaded ledger, which the App freezes for the same reason.
            gc.freeze()

    def show(self, rows: Iterable[R]) -> bool:
        """Replace every row (first load, or a new filter). False when these very rows are shown
        already, in this order — a letter typed that finds the same villages: nothing to repaint."""
        ordered = self._ordered(rows)
        shown = self.shown
        if (len(ordered) == len(shown) == self.row_count
                and all(old is new for old, new in zip(shown.values(), ordered))):
            return False
        current = self.cursor_id if self.KEEP_CURSOR_ON_SHOW else None
        self.clear()
        self.shown = {row.id: row for row in ordered}
        self.shown_version += 1
        self.add_keyed_rows([(str(row.id), self.cells(row)) for row in ordered])
        self._settle_dimensions()
        if current is not None:
            self.move_to(current)
        return True

    def _settle_dimensions(self) -> None:
        """The column widths and scroll range of the new rows now, as ``DataTable._on_idle`` would
        do after this message: a section's first rows are then laid out with the frame that shows
        them, not in a second layout of the whole screen (~30 ms at 120×40)."""
        if getattr(self, "_require_update_dimensions", False) and isinstance(getattr(self, "_new_rows", None), set):
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def add_keyed_rows(self, rows: list[tuple[str, list[SortCell]]]) -> None:
        """Append rows (``(key, cells)``) in one go.

        ``DataTable.add_row`` re-validates the cursor and recomputes the column order for every row,
        which is most of the time a 500-row re-filter takes (measured in bench/bench_cases.py); this
        does the same bookkeeping once for the batch. It relies on DataTable internals (pinned
        textual<9) and falls back to ``add_row`` if they change.
        """
        internals = ("_row_locations", "_data", "_new_rows", "_require_update_dimensions", "_update_count")
        if not all(hasattr(self, name) for name in internals) or any(k in self._row_locations for k, _ in rows):
            for key, cells in rows:
                self.add_row(*cells, key=key, height=self.ROW_HEIGHT)
            return
        was_empty = self.row_count == 0
        columns = [c.key for c in self.ordered_columns]
        # DataTable holds a row as a dict by column. The same cells (a row shown again by the next
        # filter keystroke) are given the same dict: building a dict of 24 cells for every roster row
        # shown, to free it at the next ``clear``, was a third of the roster's ``show`` (2.2 ms of a
        # keystroke at prefecture scale, 1.5 ms with the dicts kept).
        row_dicts = self._row_dicts
        for key, cells in rows:
            row_key = RowKey(key)
            self._row_locations[row_key] = len(self.rows)
            entry = row_dicts.get(key)
            if entry is None or entry[0] is not cells:
                entry = row_dicts[key] = (cells, dict(zip(columns, cells)))
            self._data[row_key] = entry[1]
            self.rows[row_key] = Row(row_key, self.ROW_HEIGHT, None, False)
            self._new_rows.add(row_key)
        self.mark_rows_added(RowKey(key) for key, _ in rows)
        if not rows:
            return
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

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
            self.shown_version += 1
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

    def show_top(self) -> None:
        """After a sort the clerk asked for, the view goes to the top of the new order; the cursor
        stays on its record if that record is on the first screen, else it goes to the first row
        (issue 13: after 人口▲ the list still showed the row that had been selected, at 2734)."""
        self.call_after_refresh(self._to_top)

    def _to_top(self) -> None:
        height = self.scrollable_content_region.height - (self.header_height if self.show_header else 0)
        if self.cursor_row >= max(1, height // max(1, self.ROW_HEIGHT)):
            self.move_cursor(row=0, animate=False)
        self.scroll_to(y=0, animate=False, immediate=True)

    def resort(self) -> None:
        current = self.cursor_id
        self.sort(self.sort_column, key=lambda cell: cell.sort_key, reverse=self.sort_reverse)
        if current is not None:
            self.move_to(current)
        self.refresh()
