"""村情: the village registry — a table of every village, a filter line, sorting, and the forms.

The filter line takes the same queries as the lookup (hanzi, full pinyin, initials, via
``ledger.lookup``); ``t`` and ``i`` cycle a tag and an income-tier filter. After a change anywhere
in the app ``refresh_data`` rebuilds the row data and the table updates only the rows that differ.
The first load builds rows in a worker thread (prefecture scale: ~2,000 villages).
"""
from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable

from ledgers.errors import LedgerError
from ledgers.models import IncomeTier

from ..commands import Command
from ..widgets.filter_bar import FilterBar
from ..widgets.village_table import COLUMNS, TABLE_COMMANDS, VillageRow, VillageTable, build_rows, village_row
from .base import FilteredSectionScreen

FILTER_DELAY = 0.2  # seconds of quiet typing before a 2,000-row table is re-filtered


class VillagesScreen(FilteredSectionScreen):
    """The village registry (村情)."""

    NOTHING_MATCHES = "没有符合条件的村，按 Esc 清除筛选"
    EMPTY_HINT = "还没有村：按 n 新增"

    MODE = "villages"
    HELP_TITLE = "村情"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("villages-new", "n", "new_village", "新增", "新增一个村（社区）"),
        Command("villages-edit", "e", "edit_village", "修改", "修改光标所在村的村情"),
        Command("villages-delete", "d", "delete_village", "删除", "删除光标所在村（仍被案卷、驻村或包联记录引用时不能删除）"),
        Command("villages-filter", "f", "focus_filter", "筛选", "在筛选栏输入村名、全拼或首字母，Enter 回到表格"),
        Command("villages-tag", "t", "cycle_tag", "标签", "按标签筛选（依次切换各标签、全部）"),
        Command("villages-tier", "i", "cycle_tier", "档次", "按集体经济收入档次筛选（依次切换）"),
        Command("villages-sort", "s", "cycle_sort", "排序", "选择按哪一列排序（也可点击列标题）"),
        Command("villages-reverse", "r", "reverse_sort", "倒序", "当前排序列升序/降序切换"),
        Command("villages-township", "x", "choose_township", "乡镇", "按乡镇筛选：输入乡镇名、全拼或首字母选择（县、市账本），选“全部乡镇”取消"),
        Command("villages-clear", "escape", "clear_filters", "清除筛选", "清除筛选栏、标签、档次和乡镇筛选", show=False),
    )

    class RowsBuilt(Message):
        """The worker built the row data."""

        def __init__(self, rows: list[VillageRow], version: int, cells: dict | None = None) -> None:
            super().__init__()
            self.cells = cells or {}
            self.rows = rows
            self.version = version

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[VillageRow] = []
        self.loaded_version = -1
        self.query_text = ""
        self.tag: str | None = None
        self.tier: IncomeTier | None = None
        self.pending_cursor: int | None = None  # village to put the cursor on once rows are rebuilt

    def compose_body(self) -> ComposeResult:
        yield FilterBar("villages", placeholder="筛选：村名 / 全拼 / 首字母（f 进入，Enter 回到表格，Esc 清除）",
                        delay=FILTER_DELAY)
        yield VillageTable(id="villages-table")

    def help_commands(self) -> tuple[Command, ...]:
        return self.COMMANDS_LIST + TABLE_COMMANDS

    @property
    def table(self) -> VillageTable:
        return self.query_one("#villages-table", VillageTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    AUTO_FOCUS = "#villages-table"

    def on_mount(self) -> None:
        self.table.waiting = True
        self.load_rows()

    @work(thread=True, exclusive=True, group="villages-rows", exit_on_error=False)
    def load_rows(self) -> None:
        """Row data for every village, off the main thread (~0.2 s at prefecture scale)."""
        for attempt in range(3):
            version = self.ledger.version
            try:
                rows = build_rows(self.ledger)
            except RuntimeError:  # the ledger changed while we read it ("dict changed size"): again
                if attempt == 2:
                    raise
                continue
            cells = VillageTable.prebuild(rows) if self.loaded_version < 0 else None  # first load only
            self.post_message(self.RowsBuilt(rows, version, cells))
            return

    def on_villages_screen_rows_built(self, message: RowsBuilt) -> None:
        first = self.loaded_version < 0
        self.all_rows = message.rows
        self.loaded_version = message.version
        self.table.waiting = False
        self.table.adopt(message.cells)
        if first:
            self.table.show(self.visible_rows())
            if self.focused is not self.filter_bar.input:
                self.table.focus()
        else:
            self.table.apply(self.visible_rows())
        if self.pending_cursor is not None:
            self.table.move_to(self.pending_cursor)
            self.pending_cursor = None
        self.update_status()
        if self.loaded_version != self.ledger.version:
            self.load_rows()

    def refresh_data(self) -> None:
        """After any change: the rows of the villages that changed, when only existing villages
        changed (an edit: rebuilt here, at once); else every row again (worker). Either way the
        table then updates only the rows that differ."""
        if self.loaded_version == self.ledger.version:
            return
        if self.loaded_version >= 0 and self._update_changed_rows():
            return
        self.load_rows()

    def _update_changed_rows(self) -> bool:
        changes = self.ledger.changed_since(self.loaded_version)
        if not changes or any(c != "villages" or kind != "update" for c, _id, kind in changes):
            return False  # not known, or a case, a new or deleted village: the order or a state may move
        at = {r.id: i for i, r in enumerate(self.all_rows)}
        if any(vid not in at for _c, vid, _k in changes):
            return False
        settings = self.ledger.settings
        rows = list(self.all_rows)
        for _c, vid, _k in changes:
            i = at[vid]
            village = self.ledger.village(vid)
            if village.township != rows[i].township:
                return False  # the registry is in township order: the row may move
            rows[i] = village_row(self.ledger, village, rows[i].seq, settings)
        self.all_rows, self.loaded_version = rows, self.ledger.version
        self.table.apply(self.visible_rows())
        if self.pending_cursor is not None:
            self.table.move_to(self.pending_cursor)
            self.pending_cursor = None
        self.update_status()
        return True

    # ------------------------------------------------------------ filters

    def visible_rows(self) -> list[VillageRow]:
        rows = self.all_rows
        if self.query_text:
            ids = {h.village_id for h in self.ledger.lookup(self.query_text, max(len(rows), 1))}
            rows = [r for r in rows if r.id in ids]
        if self.tag is not None:
            rows = [r for r in rows if self.tag in r.tags]
        if self.tier is not None:
            rows = [r for r in rows if r.tier == self.tier]
        return self.by_township(rows)

    @property
    def filtered(self) -> bool:
        return bool(self.query_text or self.tag or self.tier or self.township)

    def refilter(self) -> None:
        self.table.show(self.visible_rows())
        self.update_status()

    def update_status(self) -> None:
        parts = [f"共{len(self.all_rows)}个村（社区）", f"显示{len(self.table.shown)}个"]
        if self.query_text:
            parts.append(f"筛选：{self.query_text}")
        if self.tag is not None:
            parts.append(f"标签：{self.tag}")
        if self.tier is not None:
            parts.append(f"档次：{self.tier.value}")
        self.township_part(parts)
        label = next(c.label for c in COLUMNS if c.key == self.table.sort_column).replace("\n", "")
        self.show_status(parts, label)

    def action_clear_filters(self) -> None:
        had = self.filtered
        self.filter_bar.clear()
        self.query_text, self.tag, self.tier, self.township = "", None, None, None
        if had:
            self.refilter()
        self.table.focus()

    def action_cycle_tag(self) -> None:
        tags = sorted({t for r in self.all_rows for t in r.tags})
        if not tags:
            self.notify("还没有村设置标签。", markup=False)
            return
        options: list[str | None] = [*tags, None]
        self.tag = options[(options.index(self.tag) + 1) % len(options)] if self.tag in options else tags[0]
        self.refilter()

    def action_cycle_tier(self) -> None:
        present = [t for t in IncomeTier if any(r.tier == t for r in self.all_rows)]
        if not present:
            return
        options: list[IncomeTier | None] = [*present, None]
        self.tier = options[(options.index(self.tier) + 1) % len(options)] if self.tier in options else present[0]
        self.refilter()

    # ------------------------------------------------------------ sorting


    # ------------------------------------------------------------ records

    @on(DataTable.RowSelected, "#villages-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.ledger_app.open_village(int(event.row_key.value))

    def _cursor_id(self) -> int | None:
        vid = self.table.cursor_id
        if vid is None:
            self.notify("表格中没有选中的村。", markup=False)
        return vid

    def action_new_village(self) -> None:
        if not self.check_writable():
            return
        from ..modals.village_form import VillageFormScreen

        self.app.push_screen(VillageFormScreen(None), self._saved)

    def action_edit_village(self) -> None:
        vid = self._cursor_id()
        if vid is None or not self.check_writable():
            return
        from ..modals.village_form import VillageFormScreen

        self.app.push_screen(VillageFormScreen(self.ledger.village(vid)), self._saved)

    def _saved(self, village: object) -> None:
        if village is None:
            return
        self.pending_cursor = village.id  # type: ignore[attr-defined]
        self.ledger_app.ledger_changed()
        self.notify(f"已保存：{village.name}", markup=False)  # type: ignore[attr-defined]

    def action_delete_village(self) -> None:
        vid = self._cursor_id()
        if vid is None or not self.check_writable():
            return
        v = self.ledger.village(vid)
        refs = self.ledger.village_references(vid)
        if refs:
            self.notify(f"不能删除“{v.name}”：仍有" + "、".join(refs) + "引用该村。", severity="error",
                        markup=False, timeout=8)
            return
        from ..modals.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.ledger.delete_village(vid)
            except LedgerError as err:
                self.notify(str(err), severity="error", markup=False, timeout=8)
                return
            self.ledger_app.ledger_changed()
            self.notify(f"已删除：{v.name}（Ctrl+Z 可撤销）", markup=False)

        self.app.push_screen(ConfirmScreen(f"删除“{v.name}”（{v.township}）？", "删除后可用 Ctrl+Z 撤销。"), confirmed)
