"""设置: the township profile, the rule parameters and the 软弱涣散情形 table.

The left side shows every setting (labels from ``tui.modals.settings_form``); ``e``/``p``/``w`` open
the forms. The right side is the situation table: ``a`` adds, Enter edits, ``x`` switches a row
on or off (codes in use by cases are never deleted, only switched off).
"""
from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from ledgers.errors import LedgerError
from ledgers.models import Situation
from ledgers.settings_meta import PROFILE_LABELS, RULE_LABELS, setting_label

from ..commands import Command
from ..widgets.row_table import RowTable
from .base import SectionScreen

LABEL_MIN = 16  # cells a label keeps before it wraps (所属县（市、区）), even in an 80-column terminal


def settings_table(values: dict[str, object], names: list[str]) -> Table:
    grid = Table.grid(padding=(0, 2))
    # Both columns fold rather than vanish when the panel is narrow (80 columns); short labels never.
    longest = max((cell_len(setting_label(n)) for n in names), default=0)
    grid.add_column(style="bold", overflow="fold", min_width=min(longest, LABEL_MIN))
    grid.add_column(min_width=6, overflow="fold")
    for name in names:
        value = values.get(name)
        grid.add_row(Text(setting_label(name)), Text("" if value in (None, "") else str(value)))
    return grid


def situation_text(s: Situation) -> Table:
    """The full text of one situation (the table cuts long ones), folded beside its code."""
    flags = "、".join(x for x in ("中央核心情形" if s.core else "", "启用" if s.active else "已停用") if x)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    grid.add_row(Text(s.code), Text.assemble(s.text, (f"（{flags}）", "dim")))
    return grid


class SituationTable(RowTable):
    """The 软弱涣散情形 table; Enter edits the cursor row (shown in the footer)."""

    BINDINGS = [Binding("enter", "select_cursor", "修改情形", id="situations-edit")]


class SettingsScreen(SectionScreen):
    """Settings (设置)."""

    MODE = "settings"
    HELP_TITLE = "设置"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("settings-profile", "e", "edit('profile')", "乡镇信息", "修改乡镇名称、发文机关、文号前缀、字体等"),
        Command("settings-rules", "p", "edit('rules')", "规则参数", "修改各项规则（R1–R19）的参数"),
        Command("settings-text", "w", "edit('text')", "通报模板", "修改通报中“下步工作要求”的模板文字"),
        Command("settings-new-situation", "a", "new_situation", "新增情形", "在软弱涣散情形表中新增一行"),
        Command("settings-edit-situation", "enter", "edit_situation", "修改情形", "修改光标所在的情形"),
        Command("settings-toggle-situation", "x", "toggle_situation", "启用/停用", "启用或停用光标所在的情形"),
    )

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="settings-body"):
            with VerticalScroll(id="settings-left"):
                yield Static(id="settings-profile", classes="detail-panel")
                yield Static(id="settings-rules", classes="detail-panel")
            with Vertical(id="settings-right"):
                yield SituationTable(id="situations")
                yield Static("", id="situation-text", markup=False)

    def on_mount(self) -> None:
        self.query_one("#settings-profile").border_title = "乡镇信息与公文（e）"
        self.query_one("#settings-rules").border_title = "规则参数（p）"
        table = self.query_one("#situations", SituationTable)
        table.border_title = "软弱涣散情形（a 新增，Enter 修改，x 启用/停用）"
        for key, label in (("code", "代码"), ("core", "核心"), ("active", "启用"), ("text", "情形")):
            table.add_column(Text(label), key=key)
        table.focus()
        self.refresh_data()

    def refresh_data(self) -> None:
        s = self.ledger.settings
        values = vars(s)
        self.query_one("#settings-profile", Static).update(settings_table(values, list(PROFILE_LABELS)))
        rules = [n for n, v in values.items() if isinstance(v, int) and not isinstance(v, bool) and n != "id"]
        rules.sort(key=lambda n: list(RULE_LABELS).index(n) if n in RULE_LABELS else len(RULE_LABELS))
        self.query_one("#settings-rules", Static).update(settings_table(values, rules))
        self._fill_situations()

    def _fill_situations(self) -> None:
        table = self.query_one("#situations", DataTable)
        current = self._situation_id()
        rows = {str(s.id): s for s in self.ledger.situations()}
        for key in [k.value for k in table.rows if k.value not in rows]:
            table.remove_row(key)
        for key, s in rows.items():
            cells = [Text(s.code), Text("是" if s.core else ""), Text("是" if s.active else "停用",
                                                                     style="" if s.active else "dim"), Text(s.text)]
            if key in table.rows:
                for col, cell in zip(("code", "core", "active", "text"), cells):
                    if table.get_cell(key, col).plain != cell.plain:
                        table.update_cell(key, col, cell, update_width=True)
            else:
                table.add_row(*cells, key=key)
        table.sort("code", key=lambda cell: cell.plain)
        if current is not None:
            table.move_to(current)
        self._show_situation_text()

    def _situation_id(self) -> int | None:
        return self.query_one("#situations", SituationTable).cursor_id

    def _show_situation_text(self) -> None:
        sid = self._situation_id()
        s = next((s for s in self.ledger.situations() if s.id == sid), None)
        self.query_one("#situation-text", Static).update(situation_text(s) if s is not None else Text(""))

    @on(DataTable.RowHighlighted, "#situations")
    def _situation_highlighted(self) -> None:
        self._show_situation_text()

    # ------------------------------------------------------------ actions

    def action_edit(self, group: str) -> None:
        if not self.check_writable():
            return
        from ..modals.settings_form import SettingsFormScreen

        self.app.push_screen(SettingsFormScreen(group), self._saved)

    def _saved(self, result: object) -> None:
        if result is not None:
            self.notify("已保存设置。", markup=False)
            self.ledger_app.ledger_changed()

    def action_new_situation(self) -> None:
        if not self.check_writable():
            return
        from ..modals.situation_form import SituationFormScreen

        self.app.push_screen(SituationFormScreen(None), self._saved)

    @on(DataTable.RowSelected, "#situations")
    def _row_selected(self) -> None:
        self.action_edit_situation()

    def action_edit_situation(self) -> None:
        sid = self._situation_id()
        if sid is None or not self.check_writable():
            return
        from ..modals.situation_form import SituationFormScreen

        situation = next(s for s in self.ledger.situations() if s.id == sid)
        self.app.push_screen(SituationFormScreen(situation), self._saved)

    def action_toggle_situation(self) -> None:
        sid = self._situation_id()
        if sid is None or not self.check_writable():
            return
        s = next(s for s in self.ledger.situations() if s.id == sid)
        try:
            self.ledger.save_situation(replace(s, active=not s.active))
        except LedgerError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        self.notify(f"{s.code} 已{'停用' if s.active else '启用'}。", markup=False)
        self.ledger_app.ledger_changed()
