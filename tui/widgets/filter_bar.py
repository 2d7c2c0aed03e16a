"""The filter line above a list (村情, 整顿台账): a one-line input for a village query (hanzi, full
pinyin or initials) and a status line under it.

Typing is debounced — the query is reported ``delay`` seconds after the last key, or at once on
Enter — as ``FilterBar.QueryChanged``; Enter also reports ``FilterBar.Done`` so the screen can put
the focus back on its table. The screen owns every filter and writes the status line.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from .statics import update_static


# Printable keys whose name textual.keys.key_to_character does not know (it looks up "SLASH", whose
# Unicode name is SOLIDUS): an Input types them, but the footer still listed "/ 查村" as if the key
# opened the lookup while the clerk typed in the filter line.
UNNAMED_PRINTABLE = {"slash": "/", "minus": "-", "plus": "+"}


class QueryInput(Input):
    """An Input that tells the footer it consumes every printable key, ``/`` included."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return super().check_consume_key(key, character or UNNAMED_PRINTABLE.get(key))


class FilterBar(Widget):
    """Query input (``#<prefix>-filter``) and status line (``#<prefix>-status``)."""

    DEFAULT_CSS = """
    FilterBar { height: auto; }
    FilterBar Input {
        height: 1; border: none; padding: 0 1; background: $boost;
    }
    FilterBar Input:focus { background: $primary 30%; border: none; }  /* Input:focus draws a tall border */
    FilterBar Static { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """

    class QueryChanged(Message):
        """The query text settled (stripped)."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Done(Message):
        """Enter in the input: the clerk is done typing."""

    def __init__(self, prefix: str, *, placeholder: str, delay: float = 0.2) -> None:
        super().__init__(id=f"{prefix}-bar")
        self.prefix = prefix
        self.placeholder = placeholder
        self.delay = delay
        self.query_text = ""
        self._timer: Timer | None = None
        self._status_shape = (0, 0)  # the status's width and the most lines it has taken at it

    def compose(self) -> ComposeResult:
        yield QueryInput(placeholder=self.placeholder, id=f"{self.prefix}-filter")
        yield Static("", id=f"{self.prefix}-status", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def set_status(self, text: str) -> None:
        # The status keeps the most lines it has taken at this width (padded with blank lines): a
        # keystroke that changed its height laid the screen out again, resized the table under it
        # and toggled its scroll bars — as much time as repainting the table's new rows.
        status = self.query_one(Static)
        width = status.content_region.width
        if width != self._status_shape[0]:
            self._status_shape = (width, 0)
        content = Content(text)
        height = content.get_height(status.styles, width) if width > 0 else 0
        most = self._status_shape[1]
        if height < most:
            content = Content(text + "\n" * (most - height))
        update_static(status, content)
        self._status_shape = (width, max(height, most))

    def clear(self) -> None:
        """Empty the input without reporting a change."""
        self._stop()
        with self.input.prevent(Input.Changed):
            self.input.value = ""
        self.query_text = ""

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _report(self, text: str) -> None:
        text = text.strip()
        if text != self.query_text:
            self.query_text = text
            self.post_message(self.QueryChanged(text))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._stop()
        value = event.value
        self._timer = self.set_timer(self.delay, lambda: self._report(value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._stop()
        self._report(event.value)
        self.post_message(self.Done())
