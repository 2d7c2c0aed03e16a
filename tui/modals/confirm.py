"""A yes/no question (delete a record …): ``y``/Enter confirms, ``n``/Esc declines."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..widgets.footer import KeyFooter


class ConfirmScreen(ModalScreen[bool]):
    """Returns True when confirmed. The question is shown literally (it may contain names)."""

    BINDINGS = [
        Binding("y", "answer(True)", "确定", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "取消", id="confirm-no"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "确定") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Content(self.question), classes="dialog-title")
            if self.detail:
                yield Static(Content(self.detail))
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self.yes}（Y）"), variant="error", id="confirm-yes")
                yield Button(Content("取消（N）"), id="confirm-no")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)
