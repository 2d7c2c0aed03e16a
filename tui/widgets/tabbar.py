"""The section tab bar: ``1 概览  2 村情 …`` with the current section highlighted."""
from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widgets import Static

from ..sections import Section


class TabBar(Static):
    """Shows every available section with its number key; clicking one switches to it."""

    def __init__(self, sections: tuple[Section, ...], current: str) -> None:
        super().__init__(id="tabbar")
        self.sections = sections
        self.current = current
        self._spans: list[tuple[int, int, str]] = []  # (start cell, end cell, mode)

    def on_mount(self) -> None:
        self.update(self._render_tabs())

    def _render_tabs(self) -> Content:
        parts: list[Content] = []
        x = 0
        self._spans = []
        for s in self.sections:
            label = f" {s.key} {s.title} "
            width = cell_len(label)
            self._spans.append((x, x + width, s.mode))
            parts.append(Content.styled(label, "reverse bold" if s.mode == self.current else ""))
            parts.append(Content(" "))
            x += width + 1
        return Content.assemble(*parts)

    def on_click(self, event: events.Click) -> None:
        # Offsets are in cells from the content edge (the bar has one cell of padding).
        x = event.x - self.styles.padding.left
        for start, end, mode in self._spans:
            if start <= x < end:
                self.app.action_section(mode)  # type: ignore[attr-defined]
                return
