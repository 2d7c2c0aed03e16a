"""The section tab bar: ``1 概览  2 村情 …`` with the current section highlighted."""
from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ..sections import Section


class TabBar(Static):
    """Shows every available section with its number key; clicking one switches to it."""

    def __init__(self, sections: tuple[Section, ...], current: str) -> None:
        super().__init__(id="tabbar")
        self.sections = sections
        self.current = current

    def on_mount(self) -> None:
        self.update(self._render_tabs())

    def _render_tabs(self) -> Content:
        parts = []
        for s in self.sections:
            label = f" {s.key} {s.title} "
            parts.append(Content.styled(label, "reverse bold" if s.mode == self.current else ""))
            parts.append(Content(" "))
        return Content.assemble(*parts)
