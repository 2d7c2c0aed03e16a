"""A numbered chooser: the steps possible now (a case's transitions, a posting's actions), picked by
their number or with ↑↓ Enter; Esc cancels. Subclasses say how one option reads."""
from __future__ import annotations

import enum
from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..widgets.footer import KeyFooter

E = TypeVar("E", bound=enum.Enum)


def numbered_bindings(prefix: str) -> list[Binding]:
    return [Binding("escape", "cancel", "取消", id=f"{prefix}-cancel")] + [
        Binding(str(n), f"choose({n})", str(n), show=False, id=f"{prefix}-{n}") for n in range(1, 10)]


class NumberedChoiceScreen(ModalScreen["E | None"], Generic[E]):
    """``options`` are tuples whose first item is the enum member chosen; ``line`` renders one."""

    DIALOG_ID: ClassVar[str] = ""
    LIST_ID: ClassVar[str] = ""
    # (The dialog's width is app.tcss's ``.dialog``: the width the two choosers each declared here
    # never applied, as the app's style sheet takes precedence over a widget's default CSS.)
    DEFAULT_CSS = """
    NumberedChoiceScreen OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, options: list[tuple[Any, ...]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def line(self, n: int, option: tuple[Any, ...]) -> Content:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id=self.DIALOG_ID, classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield OptionList(*[Option(self.line(n, o), id=str(n)) for n, o in enumerate(self.options, 1)],
                             id=self.LIST_ID)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_choose(int(event.option.id))

    def action_choose(self, n: int) -> None:
        if 1 <= n <= len(self.options):
            self.dismiss(self.options[n - 1][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
