"""A DataTable that paints only what is in view, and paints each cell's text once.

``DataTable`` repaints a frame by visiting every column of every visible line — a Coordinate, two
highlight tests, a width and a cell each — and sends every cell through Rich's console (Styled,
Padding, wrap, split, crop: ~0.1 ms a cell). Its caches are keyed by an update count that every
re-filter bumps, so each filter keystroke paid all of that again for cells that had not changed.
At prefecture scale that was most of the time between a keystroke and the repainted list.

Here, per frame:
  * the columns in view are worked out once (``render_lines``); a line is painted for the window
    in view only — columns out of it are not visited, the two it cuts through are cut — and made
    into a strip of known length (``_render_line``: DataTable's crop kept a wide table's whole
    line and cut it down segment by segment);
  * the component styles (which walk the DOM) are read once, not once a line;
  * a one-line plain cell is cut or padded to its column directly (``_paint_plain``); any other
    text cell (spans, two lines) is laid out by Rich once per cell object and width
    (``_paint_text``), and only its styles are applied per frame;
  * header cells are kept until their label or look changes;
  * the lines are framed as the first of them was (``SplicedFrame``), and the vertical scroll bar,
    repainted whenever the number of rows changes, frames each kind of its lines once
    (``RepeatedLines``), not each of its 30–40 lines;
  * a row's painted lines are kept by what they depend on — the row's content (an epoch each
    ``add_row``/``update_cell`` gives it), its place (row index: zebra colour, click meta), the
    columns and their spans — not by DataTable's update count, which one changed cell bumps: after
    Ctrl+S changed one village, the list under the closing form repainted all its rows (~20 ms of
    the save's frame at 120×40); now it paints that row.

The result must be the very segments DataTable paints — text, styles and the row/column meta a
mouse click reads: tests/test_row_table_render.py compares both, cell by cell and line by line, on
every table. Relies on DataTable internals (textual<9 is pinned); when they are missing, or a table
uses what is not handled here (row labels, auto-height rows, a column cursor), it paints the
DataTable way.
"""
from __future__ import annotations

import itertools
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual._segment_tools import line_crop
from textual._styles_cache import StylesCache
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from .line_frames import RepeatedLines, SplicedFrame

# Blank cells (out of view) by width, height and style: the same few, painted on every line.
_BLANKS: dict[tuple[int, int, Any], list[list[Segment]]] = {}
_CACHE_LIMIT = 20_000
_EPOCHS = itertools.count(1)  # a row's content version, unique across tables


def _blank(width: int, height: int, style: Style) -> list[list[Segment]]:
    key = (width, height, style)
    blank = _BLANKS.get(key)
    if blank is None:
        blank = _BLANKS[key] = [[Segment(" " * width, style)] for _ in range(height)]
    return blank


class FastTable(DataTable):
    """``DataTable`` with the painting described above; behaves and looks the same."""

    # The frame being painted: visible window [lo, hi) in scrollable-line cells, column spans.
    _view: tuple[int, int, list[tuple[int, int]]] | None = None
    _frame_styles: dict[str, Style] | None = None  # component styles read in this frame
    _frame_cell: tuple[Any, ...] | None = None  # ``_cell_frame()`` for this frame
    _frame_line: tuple[Any, ...] | None = None  # width, scroll x and y, fixed rows' height, style

    WAITING_TEXT = "正在读取……"
    _waiting = False

    @property
    def waiting(self) -> bool:
        """True while the rows are being read: the empty body says so (a line of text the table
        paints, not Textual's ``loading`` cover — mounting and removing that widget laid the screen
        out three times more while a section opened)."""
        return self._waiting

    @waiting.setter
    def waiting(self, value: bool) -> None:
        if value != self._waiting:
            self._waiting = value
            self.refresh()

    def __init__(self, **kwargs: Any) -> None:
        # Set first: DataTable's constructor clears caches.
        self._painted: dict[Any, list[list[Segment]]] = {}  # body cells of this update
        self._painted_token: Any = None
        self._laid_out: dict[Any, tuple[Any, list[list[tuple[str, Style | None]]]]] = {}  # by cell object
        self._style_sums: dict[Any, Style] = {}
        self._header_cells: dict[Any, Any] = {}
        self._row_epochs: dict[RowKey, int] = {}  # row → the version of its cells (see the docstring)
        self._frame_sig: tuple[Any, ...] | None = None  # the columns and their spans in this frame
        super().__init__(**kwargs)
        self._styles_cache = SplicedFrame()  # every line framed alike (no border, no padding)

    # ------------------------------------------------------------ row content versions

    def add_row(self, *cells: Any, **kwargs: Any) -> RowKey:
        row_key = super().add_row(*cells, **kwargs)
        self._row_epochs[row_key] = next(_EPOCHS)
        return row_key

    def update_cell(self, row_key: Any, column_key: Any, value: Any, *, update_width: bool = False) -> None:
        super().update_cell(row_key, column_key, value, update_width=update_width)
        self._row_epochs[row_key if isinstance(row_key, RowKey) else RowKey(row_key)] = next(_EPOCHS)

    def remove_row(self, row_key: Any) -> None:
        super().remove_row(row_key)
        self._row_epochs.pop(row_key if isinstance(row_key, RowKey) else RowKey(row_key), None)

    def clear(self, columns: bool = False) -> Any:
        self._row_epochs = {}
        return super().clear(columns)

    def mark_rows_added(self, keys: Any) -> None:
        """Rows put in by a caller that bypasses ``add_row`` (``RowTable.add_keyed_rows``)."""
        for key in keys:
            self._row_epochs[key] = next(_EPOCHS)

    def _row_version(self, row_key: RowKey) -> Any:
        """The row's content epoch; a row that came some other way is keyed by the update count
        (repainted after any change, as DataTable does)."""
        epoch = self._row_epochs.get(row_key)
        return ("u", self._update_count) if epoch is None else epoch

    # ------------------------------------------------------------ the frame

    def render_lines(self, crop: Any) -> Any:
        # What is in view is worked out once a frame: ``size`` walks the DOM and ``ordered_columns``
        # builds a list, and asking them per cell cost more than painting the cell.
        self._frame_styles = {}
        try:
            spans, x, fixed_width = [], 0, 0
            columns = self.ordered_columns
            for index, column in enumerate(columns):
                w = column.get_render_width(self)
                spans.append((x, x + w))
                x += w
                if index < self.fixed_columns:
                    fixed_width += w
            width, height = self.size
            self._frame_sig = (tuple(c.key for c in columns), tuple(spans), width, self._row_label_column_width)
            scroll_x, scroll_y = round(self.scroll_x), round(self.scroll_y)
            self._view = (scroll_x + fixed_width, scroll_x + width, spans)
            fixed_rows_height = sum(self.get_row_height(self._row_locations.get_key(i)) for i in range(self.fixed_rows))
            if self.show_header:
                fixed_rows_height += self.get_row_height(self._header_row_key)
            self._pseudo_class_state = self.get_pseudo_class_state()  # as DataTable.render_lines does
            self._frame_line = (width, scroll_x, scroll_y, fixed_rows_height, self.rich_style)
            self._frame_cell = self._cell_frame()
        except AttributeError:
            self._view = self._frame_line = self._frame_cell = self._frame_sig = None
        try:
            return super().render_lines(crop)
        finally:
            self._view = self._frame_styles = self._frame_cell = self._frame_line = self._frame_sig = None

    def render_line(self, y: int) -> Any:
        if self._waiting and not self.row_count and y == max(1, self.size.height // 3):
            width = self.size.width
            text = self.WAITING_TEXT
            pad = max(0, width - cell_len(text)) // 2
            style = self.rich_style
            return Strip([Segment(" " * pad, style), Segment(text, style + Style(dim=True))]).crop_extend(0, width, style)
        # DataTable.render_line reads ``rich_style`` (a walk up the DOM) and the fixed rows' height
        # for every line; they do not change within a frame.
        frame = self._frame_line
        if frame is None:
            return super().render_line(y)
        width, scroll_x, scroll_y, fixed_rows_height, style = frame
        if y >= fixed_rows_height:
            y += scroll_y
        return self._render_line(y, scroll_x, scroll_x + width, style)

    @property
    def vertical_scrollbar(self) -> Any:
        # Its lines are three or four kinds repeated: framed once each (``RepeatedLines``).
        bar = super().vertical_scrollbar
        if type(bar._styles_cache) is StylesCache:
            bar._styles_cache = RepeatedLines()
        return bar

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        # The row cache's key does not know the scroll position, and a row painted for one window
        # has blanks where another shows cells.
        if round(old_value) != round(new_value):
            cache = getattr(self, "_row_render_cache", None)
            if cache is not None:
                cache.clear()
            lines = getattr(self, "_line_cache", None)
            if lines is not None:
                lines.clear()
        super().watch_scroll_x(old_value, new_value)

    def _cell_frame(self) -> tuple[Any, ...]:
        """What every cell of a frame reads from the table: padding, cursor settings, fixed rows and
        columns (reactives: a descriptor call each) and the token that makes painted cells stale."""
        # In a frame, painted cells are keyed by their row's content and place (``_render_body_cell``)
        # and the columns; outside one, by the update count as DataTable keys them.
        columns = self._frame_sig or ("u", self._update_count)
        return (self.cell_padding, self.show_cursor, self._show_hover_cursor,
                self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
                self.fixed_rows, self.fixed_columns,
                (columns, self._pseudo_class_state, self._show_hover_cursor))

    def _clear_caches(self) -> None:
        # Called by ``clear()`` on every re-filter. The laid-out cells, style sums and header cells are
        # keyed by all they depend on (the header style changes with the theme): only kept bounded.
        super()._clear_caches()
        self._painted = {}
        for cache in (self._laid_out, self._style_sums, self._header_cells):
            if len(cache) > _CACHE_LIMIT:
                cache.clear()

    # ------------------------------------------------------------ lines

    def _row_style(self, row_index: int, base_style: Style) -> Style:
        """``_get_row_style``, with the component styles read once a frame."""
        if row_index == -1:
            name = "datatable--header"
        elif row_index < self.fixed_rows:
            name = "datatable--fixed"
        elif self.zebra_stripes:
            name = "datatable--odd-row" if row_index % 2 else "datatable--even-row"
        else:
            return base_style
        return self._component(name)

    def _component(self, name: str) -> Style:
        styles = self._frame_styles
        if styles is None:
            return self.get_component_styles(name).rich_style
        style = styles.get(name)
        if style is None:
            style = styles[name] = self.get_component_styles(name).rich_style
        return style

    def _painted_here(self) -> bool:
        """Whether this frame's lines are painted here (else the DataTable way: see the docstring)."""
        return (self._view is not None and self.cursor_type in ("row", "cell")
                and not getattr(self, "_labelled_row_exists", True) and not self._row_label_column_width)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """``DataTable._render_line`` for lines painted here: the row's pieces already fill the
        window exactly (fixed columns, then [x1 + their width, x2)), so they make the line as they
        are, its length known."""
        if not self._painted_here():
            return super()._render_line(y, x1, x2, base_style)
        width = x2 - x1
        try:
            row_key, y_offset_in_row = self._get_offsets(y)
        except LookupError:
            return Strip.blank(width, base_style)
        cache_key = (y, x1, x2, width, self.cursor_coordinate, self.hover_coordinate, base_style, self.cursor_type,
                     self._show_hover_cursor, self._update_count, self._pseudo_class_state)
        strip = self._line_cache.get(cache_key)
        if strip is None:
            fixed, scrollable = self._render_line_in_row(row_key, y_offset_in_row, base_style,
                                                         cursor_location=self.cursor_coordinate,
                                                         hover_location=self.hover_coordinate)
            segments = [segment for piece in fixed for segment in piece]
            segments += [segment for piece in scrollable for segment in piece]
            strip = self._line_cache[cache_key] = Strip(segments, width).simplify()
        return strip

    def _render_line_in_row(self, row_key: RowKey, line_no: int, base_style: Style, cursor_location: Any,
                            hover_location: Any) -> Any:
        """One line of a row, touching only the columns in view (see the module's docstring)."""
        view = self._view
        cursor_type = self.cursor_type
        if not self._painted_here():
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        row_index = self._row_locations.get(row_key) if row_key in self._row_locations else -1
        # The cursor changes only its own row: the other rows keep their lines when it moves (each
        # arrow key repainted every row).
        cache_key = (row_key, self._row_version(row_key), row_index, self._frame_sig, line_no, base_style,
                     cursor_location if cursor_location.row == row_index else None, hover_location,
                     cursor_type, self.show_cursor, self._show_hover_cursor, self._pseudo_class_state)
        cached = self._row_render_cache.get(cache_key)
        if cached is not None:
            return cached
        lo, hi, spans = view
        by_row = cursor_type == "row"
        row_cursor, row_hover = cursor_location.row == row_index, hover_location.row == row_index
        render_cell = self._render_cell

        def highlight(column_index: int) -> tuple[bool, bool]:
            if by_row:
                return row_cursor, row_hover
            return (row_cursor and cursor_location.column == column_index,
                    row_hover and hover_location.column == column_index)

        fixed: list[list[Segment]] = []
        if self.fixed_columns:
            fixed_style = self._component("datatable--header")
            if row_index != -1:
                fixed_style = self._component("datatable--fixed") + Style.from_meta({"fixed": True})
            for column_index, (left, right) in enumerate(spans[: self.fixed_columns]):
                cursor, hover = highlight(column_index)
                fixed.append(render_cell(row_index, column_index, fixed_style, right - left,
                                         cursor=cursor, hover=hover)[line_no])

        row_style = self._row_style(row_index, base_style)
        # The scrollable part is painted for the window [lo, hi) exactly — the cells in it, the
        # cells on its edges cut at them — so that ``_render_line`` has nothing left to crop:
        # DataTable crops a line with the window's width as the line's length, which keeps a
        # wider table's whole line, and then cuts it to the width segment by segment (the roster's
        # 256 cells to 84, measuring every piece of text again on each line).
        scrollable: list[list[Segment]] = []
        for column_index, (left, right) in enumerate(spans):
            if right <= lo or left >= hi:
                continue
            cursor, hover = highlight(column_index)
            cell = render_cell(row_index, column_index, row_style, right - left, cursor=cursor, hover=hover)[line_no]
            if left < lo or right > hi:
                cell = line_crop(cell, max(0, lo - left), min(hi, right) - left, right - left)
            scrollable.append(cell)

        # The rest of the window past the last column, as DataTable paints it: a run in the row's
        # style as wide as the window is wider than the table, then (scrolled past it) the base style.
        end = spans[-1][1] if spans else 0
        fixed_width = spans[self.fixed_columns - 1][1] if self.fixed_columns and spans else 0
        extended = end + max(0, self._frame_line[0] - (end - fixed_width))  # the frame's width
        remaining = max(0, min(hi, extended) - max(lo, end))
        past = (hi - lo) - max(0, min(hi, end) - lo) - remaining
        if remaining:  # (a table wider than the window has none: no style to work out per line)
            if by_row:
                extend_style, _ = self._get_styles_to_render_cell(
                    row_index == -1, False, False, hover_location.row == (row_index or 0), row_cursor,
                    self.show_cursor, self._show_hover_cursor, False, False)
                extend_style = row_style + extend_style
            elif row_style.bgcolor is not None:
                faded = Color.from_rich_color(row_style.bgcolor).blend(self.background_colors[1], factor=0.25)
                extend_style = Style.from_color(color=row_style.color, bgcolor=faded.rich_color)
            else:
                extend_style = Style.from_color(row_style.color, row_style.bgcolor)
            extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
            scrollable.append([Segment(" " * remaining, extend_style)])
        if past > 0:
            scrollable.append([Segment(" " * past, base_style)])
        pair = (fixed, scrollable)
        self._row_render_cache[cache_key] = pair
        return pair

    # ------------------------------------------------------------ cells

    def _render_cell(self, row_index: int, column_index: int, base_style: Any, width: int,
                     cursor: bool = False, hover: bool = False) -> Any:
        view = self._view
        if view is not None and column_index >= 0:
            if row_index == -1:
                return self._render_header_cell(column_index, base_style, width, cursor, hover)
            if row_index >= 0:
                lo, hi, spans = view
                if column_index >= self.fixed_columns and column_index < len(spans):
                    left, right = spans[column_index]
                    if right <= lo or left >= hi:  # out of view: cropped away
                        height = self.rows[self._row_locations.get_key(row_index)].height
                        return _blank(width, height, base_style)
                try:
                    lines = self._render_body_cell(row_index, column_index, base_style, width, cursor, hover)
                except (AttributeError, KeyError, TypeError):
                    lines = None
                if lines is not None:
                    return lines
        return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)

    def _render_header_cell(self, column_index: int, base_style: Any, width: int, cursor: bool,
                            hover: bool) -> Any:
        """A header cell, painted by DataTable and kept until its label or look changes."""
        label = self.ordered_columns[column_index].label
        key = (column_index, label.plain, label.style, tuple(label.spans), width, base_style, cursor, hover,
               self._show_hover_cursor, self._pseudo_class_state, self.header_height)
        lines = self._header_cells.get(key)
        if lines is None:
            lines = self._header_cells[key] = super()._render_cell(-1, column_index, base_style, width, cursor, hover)
        return lines

    def _render_body_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                          cursor: bool, hover: bool) -> list[list[Segment]] | None:
        """A body cell that is text, painted here; None sends anything else the DataTable way."""
        row_key = self._row_locations.get_key(row_index)
        frame = self._frame_cell or self._cell_frame()
        if row_key is None:
            return None
        row = self.rows[row_key]
        if row.label is not None or row.height < 1:
            return None
        token = frame[7]
        if self._painted_token != token or len(self._painted) > _CACHE_LIMIT:
            # DataTable's cell cache keys every cell by these; one change makes every entry stale.
            self._painted, self._painted_token = {}, token
        column_key = self._column_locations.get_key(column_index)
        cache_key = (row_key, self._row_version(row_key), row_index, column_key, column_index, base_style, cursor,
                     hover, width)
        cached = self._painted.get(cache_key)
        if cached is not None:
            return cached
        cell = self._data[row_key].get(column_key)
        padding, show_cursor, show_hover, fg_css, bg_css, fixed_rows, fixed_columns, _token = frame
        if cell is None:
            cell = ""
        if isinstance(cell, str):
            cell = Text(cell)
        elif not isinstance(cell, Text):
            return None
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, row_index < fixed_rows or column_index < fixed_columns, hover, cursor,
            show_cursor, show_hover, fg_css, bg_css)
        # DataTable's style for a piece of text is base + meta + component + its own + post; the meta
        # (row and column, for a mouse click) carries no colour, so adding it last gives the same
        # style, and the sums before it are the same few for every cell of a frame.
        pre = (base_style, component_style, post_style)
        meta = Style.from_meta({"row": row_index, "column": column_index})
        if (row.height == 1 and not padding and not cell._spans and cell.end == ""
                and cell.justify != "center" and "\n" not in cell.plain):
            lines = self._paint_plain(cell, pre, meta, width)
        else:
            lines = self._paint_text(cell, pre, meta, width, row.height, padding)
        self._painted[cache_key] = lines
        return lines

    def _styled(self, pre: tuple[Style, Style, Style], own: Style | None) -> Style:
        key = (pre, own)
        style = self._style_sums.get(key)
        if style is None:
            base_style, component_style, post_style = pre
            style = base_style + component_style + own + post_style if own else base_style + component_style + post_style
            self._style_sums[key] = style
        return style

    def _paint_plain(self, cell: Text, pre: tuple[Style, Style, Style], meta: Style, width: int) -> list[list[Segment]]:
        """A one-line cell in one style: the text, cut or padded to the column."""
        text = cell.plain
        own = self.app.console.get_style(cell.style) if cell.style else None
        length = cell_len(text)
        if length > width:
            text, length = set_cell_size(text, width), width
        pad = " " * (width - length)
        if cell.justify == "right":
            return [[Segment(pad + text, self._styled(pre, own) + meta)] if text or pad else []]
        line = []
        if text:
            line.append(Segment(text, self._styled(pre, own) + meta))
        if pad:
            line.append(Segment(pad, self._styled(pre, None) + meta))
        return [line]

    def _paint_text(self, cell: Text, pre: tuple[Style, Style, Style], meta: Style, width: int, height: int,
                    padding: int) -> list[list[Segment]]:
        """Any text cell: laid out by Rich as DataTable lays it out, once per cell and width; the
        frame's styles are applied to the pieces."""
        key = (id(cell), width, height, padding)
        entry = self._laid_out.get(key)
        if entry is None or entry[0][0] is not cell or entry[0][1] != len(cell):
            console = self.app.console
            options = self.app.console_options.update_dimensions(width, height)
            if height == 1:
                options = options.update(no_wrap=True)
            rendered = console.render_lines(Padding(cell, (0, padding)), options)
            pieces = [[(seg.text, seg.style) for seg in line] for line in rendered]
            entry = self._laid_out[key] = ((cell, len(cell)), pieces)
        return [[Segment(text, self._styled(pre, own) + meta) for text, own in line] for line in entry[1]]
