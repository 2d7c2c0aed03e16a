"""The 四个一 holders: the leaders (县级联系领导, 乡镇包村领导) and the paired units, each a small
list with how many villages it links today; new, edit, delete (refused with the reason while in use).

Pushed from the matrix (``l`` leaders, ``u`` units; the same keys switch lists here). Enter lists
the villages one links; choosing one goes back to the matrix at that village. Leaders' phones are
masked (personal data): the edit form shows the number.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from ledgers.errors import LedgerError
from ledgers.ledger import Ledger
from ledgers.models import Role

from ..commands import Command
from ..widgets.footer import KeyFooter
from ..widgets.row_table import Column, SortCell, SortedRowTable
from ..widgets.row_table import gap_cell as _cell
from .base import CommandScreen

Kind = Literal["leaders", "units"]


@dataclass(frozen=True)
class LeaderLine:
    id: int
    name: str
    role: Role
    title: str
    phone: str  # masked
    links: int


@dataclass(frozen=True)
class UnitLine:
    id: int
    name: str
    level: str
    links: int


def _links(n: int) -> SortCell:
    return _cell(f"{n}个村" if n else "—", n, justify="right", style="" if n else "dim")


LEADER_COLUMNS: tuple[Column[LeaderLine], ...] = (
    Column("name", "姓名", lambda r: _cell(r.name, r.name)),
    Column("role", "类别", lambda r: _cell(r.role.value, list(Role).index(r.role))),
    Column("title", "职务", lambda r: _cell(r.title, r.title or None, overflow="ellipsis"), width=34),
    Column("phone", "联系电话", lambda r: _cell(r.phone, r.phone or None)),
    Column("links", "包联村数", lambda r: _links(r.links)),
)
UNIT_COLUMNS: tuple[Column[UnitLine], ...] = (
    Column("name", "单位名称", lambda r: _cell(r.name, r.name, overflow="ellipsis"), width=34),
    Column("level", "级别", lambda r: _cell(r.level, r.level)),
    Column("links", "结对村数", lambda r: _links(r.links)),
)


class LeaderTable(SortedRowTable[LeaderLine]):
    COLUMNS = LEADER_COLUMNS
    DEFAULT_SORT = "role"

    def _tiebreak(self, row: LeaderLine) -> int:
        return row.id


class UnitTable(SortedRowTable[UnitLine]):
    COLUMNS = UNIT_COLUMNS
    DEFAULT_SORT = "name"

    def _tiebreak(self, row: UnitLine) -> int:
        return row.id


def leader_lines(ledger: Ledger) -> list[LeaderLine]:
    from ledgers.assignments import leaders, link_counts
    from ledgers.validate import mask_phone

    counts = link_counts(ledger)
    return [LeaderLine(l.id, l.name, l.role, l.title, mask_phone(l.phone) if l.phone else "",
                       counts.get(("leaders", l.id), 0)) for l in leaders(ledger)]


def unit_lines(ledger: Ledger) -> list[UnitLine]:
    from ledgers.assignments import link_counts, units

    counts = link_counts(ledger)
    return [UnitLine(u.id, u.name, u.level.value, counts.get(("units", u.id), 0)) for u in units(ledger)]


class HoldersScreen(CommandScreen):
    """Leaders or units (``kind``); ``l`` / ``u`` switch, Esc goes back to the matrix."""

    HELP_TITLE = "领导和结对单位"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("holders-links", "enter", "show_links", "包联村", "列出光标所在领导（单位）正在包联的村，选中后回到“四个一”该村"),
        Command("holders-new", "n", "new_holder", "新增", "新增一位领导或一个结对单位"),
        Command("holders-edit", "e", "edit_holder", "修改", "修改光标所在的领导（单位）"),
        Command("holders-delete", "d", "delete_holder", "删除", "删除光标所在的领导（单位）；正在包联或有包联历史时不能删除，并说明原因"),
        Command("holders-leaders", "l", "show_kind('leaders')", "领导", "县级联系领导和乡镇包村领导名单"),
        Command("holders-units", "u", "show_kind('units')", "结对单位", "结对单位名单"),
        Command("holders-back", "escape", "back", "返回", "回到“四个一”"),
    )

    def __init__(self, kind: Kind = "leaders") -> None:
        super().__init__()
        self.kind: Kind = kind
        self.loaded_version = -1

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="holders-title", markup=False)
        yield LeaderTable(id="holders-leaders")
        yield UnitTable(id="holders-units")
        yield Static("", id="holders-status", markup=False)
        yield KeyFooter()

    @property
    def table(self) -> LeaderTable | UnitTable:
        return self.query_one(f"#holders-{self.kind}", SortedRowTable)  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.show_kind(self.kind)

    def action_show_kind(self, kind: Kind) -> None:
        self.show_kind(kind)

    def show_kind(self, kind: Kind) -> None:
        self.kind = kind
        for k in ("leaders", "units"):
            self.query_one(f"#holders-{k}").display = k == kind
        self.loaded_version = -1
        self.refresh_data()
        self.table.focus()

    def refresh_data(self) -> None:
        """After any change: the lists are small (hundreds at most); rows are diffed in place."""
        if self.loaded_version == self.ledger.version:
            return
        self.loaded_version = self.ledger.version
        leaders, units = leader_lines(self.ledger), unit_lines(self.ledger)
        for table, rows in ((self.query_one("#holders-leaders", LeaderTable), leaders),
                            (self.query_one("#holders-units", UnitTable), units)):
            if table.row_count or table.shown:
                table.apply(rows)  # type: ignore[arg-type]
            else:
                table.show(rows)  # type: ignore[arg-type]
        if self.kind == "leaders":
            county = sum(1 for r in leaders if r.role == Role.COUNTY_LEADER)
            title = f"领导名单：县级联系领导{county}人，乡镇包村领导{len(leaders) - county}人"
            linked = sum(1 for r in leaders if r.links)
        else:
            title = f"结对单位名单：{len(units)}个"
            linked = sum(1 for r in units if r.links)
        self.query_one("#holders-title", Static).update(Content(title))
        hint = "n 新增 · e 修改 · d 删除 · Enter 看包联的村 · " + ("u 结对单位" if self.kind == "leaders" else "l 领导")
        self.query_one("#holders-status", Static).update(Content(f"正在包联的{linked}个 · {hint}"))

    # ------------------------------------------------------------ records

    def _cursor(self) -> int | None:
        rid = self.table.cursor_id
        if rid is None:
            self.notify("名单是空的：按 n 新增。", markup=False)
        return rid

    def action_new_holder(self) -> None:
        if not self.check_writable():
            return
        from ..modals.holder_form import LeaderFormScreen, UnitFormScreen

        form = LeaderFormScreen(None) if self.kind == "leaders" else UnitFormScreen(None)
        self.app.push_screen(form, self._saved)

    def action_edit_holder(self) -> None:
        rid = self._cursor()
        if rid is None or not self.check_writable():
            return
        from ledgers.assignments import leaders, units

        from ..modals.holder_form import LeaderFormScreen, UnitFormScreen

        if self.kind == "leaders":
            leader = next((l for l in leaders(self.ledger) if l.id == rid), None)
            if leader is not None:
                self.app.push_screen(LeaderFormScreen(leader), self._saved)
        else:
            unit = next((u for u in units(self.ledger) if u.id == rid), None)
            if unit is not None:
                self.app.push_screen(UnitFormScreen(unit), self._saved)

    def _saved(self, holder: object) -> None:
        if holder is None:
            return
        self.ledger_app.ledger_changed()
        self.table.move_to(holder.id)  # type: ignore[attr-defined]
        self.notify(f"已保存：{holder.name}", markup=False)  # type: ignore[attr-defined]

    def action_delete_holder(self) -> None:
        rid = self._cursor()
        if rid is None or not self.check_writable():
            return
        from ledgers.assignments import delete_holder, links

        row = self.table.shown[rid]
        if links(self.ledger, self.kind, rid):
            try:  # in use: refused at once, with the ledger's reason (nothing is written)
                delete_holder(self.ledger, self.kind, rid)
            except LedgerError as err:
                self.notify(str(err), severity="error", markup=False, timeout=10)
                return
        from ..modals.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                delete_holder(self.ledger, self.kind, rid)
            except LedgerError as err:
                self.notify(str(err), severity="error", markup=False, timeout=10)
                return
            self.ledger_app.ledger_changed()
            self.notify(f"已删除：{row.name}（Ctrl+Z 可撤销）", markup=False)

        self.app.push_screen(ConfirmScreen(f"删除“{row.name}”？", "删除后可用 Ctrl+Z 撤销。"), confirmed)

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.table.sort_by(str(event.column_key.value))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_show_links()

    def action_show_links(self) -> None:
        rid = self._cursor()
        if rid is None:
            return
        from ledgers.assignments import links

        from ..modals.village_list import VillageListScreen

        row = self.table.shown[rid]
        items = [(vid, self.ledger.village_name(vid)) for vid in links(self.ledger, self.kind, rid)]

        def chosen(village_id: int | None) -> None:
            if village_id is None:
                return
            self.app.pop_screen()
            show = getattr(self.app.screen, "show_village", None)
            if show is not None:
                show(village_id)

        self.app.push_screen(VillageListScreen(f"{row.name}正在包联的村", items), chosen)

    def action_back(self) -> None:
        self.app.pop_screen()
