"""Base for section screens: header, tab bar, read-only banner, the body, footer.

Subclasses implement ``compose_body`` and ``refresh_data`` and list their keys in ``COMMANDS``
(tui/commands.py), from which their BINDINGS and help lines are derived.
"""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ledgers.ledger import Ledger

from ..commands import Command


class SectionScreen(Screen):
    """A top-level section (概览, 村情 …)."""

    MODE: ClassVar[str] = ""
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # Derive bindings from the one definition of each command.
        cls.BINDINGS = [c.binding() for c in cls.COMMANDS_LIST]

    @property
    def ledger(self) -> Ledger:
        ledger = self.app.ledger  # type: ignore[attr-defined]
        assert ledger is not None
        return ledger

    def compose(self) -> ComposeResult:
        from ..widgets.tabbar import TabBar

        yield Header()
        yield TabBar(self.app.sections, self.MODE)  # type: ignore[attr-defined]
        reason = self.app.read_only_reason  # type: ignore[attr-defined]
        if reason:
            yield Static(reason, id="readonly-banner", markup=False)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def refresh_data(self) -> None:
        """Re-read from the ledger after a change (or an undo) anywhere in the app."""

    def check_writable(self) -> bool:
        """True when changes are allowed; otherwise tells the clerk why not."""
        if self.ledger.read_only:
            self.notify("只读模式：另一位同事正在使用该账本，不能修改。", severity="warning", markup=False)
            return False
        return True
