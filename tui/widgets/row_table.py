"""A row-cursor DataTable keyed by record id: the cursor row's id, moving to a record, and keys
that behave the way a clerk expects in a list.

``DataTable`` binds Home/End to horizontal scrolling, which does nothing visible in a table that
fits the screen; in a list of records they go to the first and last row (Ctrl+Home/End as well).
"""
from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


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
