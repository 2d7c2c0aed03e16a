"""Pick one village from a short list (what a dashboard figure counts); returns its id."""
from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..widgets.footer import KeyFooter


class VillageListScreen(ModalScreen[int | None]):
    """``items`` are (village id, line shown); Enter opens the village, Esc closes."""

    BINDINGS = [Binding("escape", "cancel", "关闭", id="village-list-close")]

    def __init__(self, title: str, items: Sequence[tuple[int, str | Content]]) -> None:
        super().__init__()
        self.title_text = title
        self.items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical(id="village-list-dialog", classes="dialog"):
            yield Static(Content(f"{self.title_text}（{len(self.items)}个）"), classes="dialog-title")
            yield OptionList(*(Option(line if isinstance(line, Content) else Content(line), id=str(vid))
                               for vid, line in self.items), id="village-list")
            if not self.items:
                yield Static(Content("没有符合条件的村。"))
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#village-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#village-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
