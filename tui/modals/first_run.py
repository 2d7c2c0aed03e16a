"""First run: an empty ledger offers the demo township, Excel import, or an empty start.

Returns "demo", "import" or "empty" — never leaves a blank screen.
"""
from __future__ import annotations

import importlib.util

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..widgets.footer import KeyFooter


def importer_available() -> bool:
    return importlib.util.find_spec("exporters.xlsx_in") is not None


class FirstRunScreen(ModalScreen[str]):
    """The three ways to start."""

    BINDINGS = [
        Binding("d", "choose('demo')", "演示数据", id="first-run-demo"),
        Binding("i", "choose('import')", "从Excel导入", id="first-run-import"),
        Binding("k", "choose('empty')", "空账本", id="first-run-empty"),
        Binding("escape", "choose('empty')", "空账本", show=False, id="first-run-escape"),
    ]

    def __init__(self, db_label: str = "") -> None:
        super().__init__()
        self.db_label = db_label

    def compose(self) -> ComposeResult:
        can_import = importer_available()
        with Vertical(id="first-run-dialog", classes="dialog"):
            yield Static(Content("欢迎使用党建台账"), classes="dialog-title")
            yield Static(Content(f"账本 {self.db_label} 还是空的。请选择如何开始（↑↓ 选择，Enter 确定）：" if self.db_label
                                 else "账本还是空的。请选择如何开始（↑↓ 选择，Enter 确定）："))
            yield OptionList(
                Option(Content.assemble(Content.styled("D ", "bold"), Content("载入演示数据（虚构的青石镇，25个村）"),
                                        Content.styled("  先熟悉各项功能，以后可撤销或清空", "dim")), id="demo"),
                Option(Content.assemble(Content.styled("I ", "bold"), Content("从 Excel 导入现有台账"),
                                        Content.styled("  村情、第一书记花名册、整顿台账、四个一包联表（.xlsx/.xls）"
                                                       if can_import else "  暂未提供", "dim")),
                       id="import", disabled=not can_import),
                Option(Content.assemble(Content.styled("K ", "bold"), Content("从空账本开始"),
                                        Content.styled("  在“村情”中逐个录入", "dim")), id="empty"),
                id="first-run-options",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        options = self.query_one("#first-run-options", OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#first-run-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
