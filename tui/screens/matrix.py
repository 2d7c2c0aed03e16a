"""四个一: who holds each slot (县级联系领导, 乡镇包村领导, 第一书记, 结对单位) of every village whose
case is identified … consolidating; gaps in red, conflicts with their reason, and the summary the
dashboard shows (``ledgers.matrix.assignment_matrix`` decides all of it).

Enter on a slot cell assigns it (``tui/modals/slot_assign.py``: type a name, pick, or create one),
``x`` ends a holding (kept as history), ``h`` shows the slot's history; ``l`` and ``u`` open the
leader and unit lists (``tui/screens/holders.py``). Filters: the village query line (hanzi, full
pinyin, initials via ``ledger.lookup``), year, gaps only, conflicts only, by township leader.

Rows are built in a worker thread and diffed into the table after every change (never
clear-and-reload); ``show_village`` puts the cursor on a village, also before the rows exist.
"""
from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from ledgers.matrix import AssignmentMatrix, assignment_matrix
from ledgers.models import Role

from ..commands import Command
from ..widgets.filter_bar import FilterBar
from ..widgets.statics import update_static
from ..widgets.matrix_table import (
    TABLE_COMMANDS,
    MatrixLine,
    MatrixTable,
    build_lines,
    cell_detail,
    summary_of,
)
from .base import FilteredSectionScreen

FILTER_DELAY = 0.15  # seconds of quiet typing before the table is re-filtered
PRIME_DELAY = 1.0  # seconds after the first rows before the name indexes are built


def _cycle(options: list[Any], current: Any) -> Any:
    """The next of ``options`` after ``current``, then None ("all"), then the first again."""
    ring: list[Any] = [*options, None]
    return ring[(ring.index(current) + 1) % len(ring)] if current in ring else (options[0] if options else None)


def summary_text(matrix: AssignmentMatrix, year: int | None, township: str | None = None) -> str:
    """The counts the dashboard shows: villages, complete, gaps, conflicts."""
    scope = (f"{township}，" if township else "") + (f"{year}年" if year is not None else "全部年度")
    return (f"“四个一”（{scope}）：{len(matrix.rows)}个村 · 齐全{matrix.complete_count}个 · "
            f"缺口{matrix.gap_count}项 · 冲突{len(matrix.conflicts)}项")


class MatrixScreen(FilteredSectionScreen):
    """The assignment matrix (四个一)."""

    NOTHING_MATCHES = "没有符合条件的村，按 Esc 清除筛选"
    EMPTY_HINT = "没有需要落实“四个一”的村（整顿案卷已认定至巩固提升阶段的村列在这里）"

    MODE = "matrix"
    AUTO_FOCUS = "#matrix-table"
    HELP_TITLE = "四个一"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("matrix-end", "delete", "end_holding", "结束", "结束光标所在格的包联（记录保留在历任中，该项变为未落实）"),
        Command("matrix-history", "h", "slot_history", "历任", "光标所在格的历任人员（单位）和起止日期"),
        Command("matrix-filter", "f", "focus_filter", "筛选", "在筛选栏输入村名、全拼或首字母，Enter 回到表格"),
        Command("matrix-gaps", "g", "toggle_gaps", "缺口", "只看有未落实项的村 / 全部"),
        Command("matrix-conflicts", "c", "toggle_conflicts", "冲突", "只看有冲突的村 / 全部"),
        Command("matrix-leader", "w", "cycle_leader", "包村领导", "按乡镇包村领导筛选（依次切换各领导、全部）"),
        Command("matrix-township", "x", "choose_township", "乡镇", "按乡镇筛选：输入乡镇名、全拼或首字母选择（县、市账本），选“全部乡镇”取消"),
        Command("matrix-year", "y", "cycle_year", "年度", "按整顿年度筛选（依次切换各年度、全部）；汇总随之变化"),
        Command("matrix-leaders", "l", "open_holders('leaders')", "领导", "县级联系领导和乡镇包村领导名单：新增、修改、删除"),
        Command("matrix-units", "u", "open_holders('units')", "结对单位", "结对单位名单：新增、修改、删除"),
        Command("matrix-village", "v", "open_village", "村详情", "打开光标所在村的详情"),
        Command("matrix-clear", "escape", "clear_filters", "清除筛选", "清除筛选栏和年度、缺口、冲突、包村领导筛选",
                show=False),
    )

    class RowsBuilt(Message):
        """The worker built the matrix for ledger ``version``."""

        def __init__(self, matrix: AssignmentMatrix, lines: list[MatrixLine], version: int, villages: int,
                     county: bool) -> None:
            super().__init__()
            self.matrix = matrix
            self.lines = lines
            self.version = version
            self.villages = villages  # how many villages the ledger has (the lookup's limit)
            self.county = county

    def __init__(self) -> None:
        super().__init__()
        self.matrix = AssignmentMatrix([], [])
        self.all_rows: list[MatrixLine] = []
        self.loaded_version = -1
        self.village_count = 1
        self.query_text = ""
        self.year: int | None = None
        self.gaps_only = False
        self.conflicts_only = False
        self.leader: tuple[int, str] | None = None  # township leader filter: (id, name)
        self.pending_village: int | None = None  # show_village before the rows exist

    def compose_body(self) -> ComposeResult:
        yield Static("", id="matrix-summary", markup=False)
        yield FilterBar("matrix", placeholder="筛选：村名 / 全拼 / 首字母（f 进入，Enter 回到表格，Esc 清除）",
                        delay=FILTER_DELAY)
        yield MatrixTable(id="matrix-table")
        yield Static("", id="matrix-detail", markup=False)

    def help_commands(self) -> tuple[Command, ...]:
        return TABLE_COMMANDS + self.COMMANDS_LIST

    @property
    def table(self) -> MatrixTable:
        return self.query_one("#matrix-table", MatrixTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def on_mount(self) -> None:
        self.table.waiting = True
        self.load_rows()

    # ------------------------------------------------------------ data

    @work(thread=True, exclusive=True, group="matrix-rows", exit_on_error=False)
    def load_rows(self) -> None:
        """The matrix and its rows, off the main thread (~0.1 s at prefecture scale)."""
        ledger = self.ledger
        for attempt in range(3):
            version = ledger.version
            try:
                matrix = assignment_matrix(ledger)
                lines = build_lines(matrix)
                villages = ledger.villages()
                county = len({v.township for v in villages}) > 1
            except RuntimeError:  # the ledger changed while this thread read it: read again
                if attempt == 2:
                    raise
                continue
            self.post_message(self.RowsBuilt(matrix, lines, version, max(1, len(villages)), county))
            return

    @work(thread=True, exclusive=True, group="matrix-names", exit_on_error=False)
    def prime_names(self) -> None:
        """pypinyin over the leaders', units' and cadres' names, so the first Enter on a cell finds
        its index built; started a moment after the first rows (a thread competing for the GIL would
        delay them: ~0.3 s at prefecture scale)."""
        from ..modals.slot_assign import prime_indexes

        try:
            prime_indexes(self.ledger)
        except RuntimeError:
            pass  # the ledger changed meanwhile: the dialog builds what it needs

    def on_matrix_screen_rows_built(self, message: RowsBuilt) -> None:
        first = self.loaded_version < 0
        self.matrix, self.all_rows, self.loaded_version = message.matrix, message.lines, message.version
        self.village_count = message.villages
        table = self.table
        table.waiting = False
        table.sizing_rows = self.all_rows
        if first:
            table.configure(message.county)
            table.show(self.visible_rows())
            if self.focused is not self.filter_bar.input:
                table.focus()
            self.set_timer(PRIME_DELAY, self.prime_names)
        else:
            table.apply(self.visible_rows())
        if self.pending_village is not None:
            village, self.pending_village = self.pending_village, None
            self.show_village(village)
        self.update_status()
        if self.loaded_version != self.ledger.version:
            self.load_rows()

    def refresh_data(self) -> None:
        """After any change (or an undo): rebuild the rows off the main thread, then diff them in."""
        if self.loaded_version != self.ledger.version:
            self.load_rows()

    # ------------------------------------------------------------ filters

    def visible_rows(self) -> list[MatrixLine]:
        rows = self.all_rows
        if self.query_text:
            ids = {h.village_id for h in self.ledger.lookup(self.query_text, self.village_count)}
            rows = [r for r in rows if r.village_id in ids]
        if self.year is not None:
            rows = [r for r in rows if r.year == self.year]
        if self.gaps_only:
            rows = [r for r in rows if r.gaps]
        if self.conflicts_only:
            rows = [r for r in rows if r.conflicts]
        if self.leader is not None:
            rows = [r for r in rows if r.township_leader is not None and r.township_leader[0] == self.leader[0]]
        return self.by_township(rows)

    @property
    def filtered(self) -> bool:
        return bool(self.query_text or self.year is not None or self.gaps_only or self.conflicts_only
                    or self.leader is not None or self.township is not None)

    def refilter(self) -> None:
        self.table.show(self.visible_rows())
        self.update_status()

    def update_status(self) -> None:
        update_static(self.query_one("#matrix-summary", Static),
                      Content(summary_text(summary_of(self.matrix, self.year, self.township), self.year, self.township)))
        parts = [f"显示{len(self.table.shown)}个村", "Enter 在光标格指派"]
        if self.query_text:
            parts.append(f"筛选：{self.query_text}")
        if self.gaps_only:
            parts.append("只看缺口")
        if self.conflicts_only:
            parts.append("只看冲突")
        if self.leader is not None:
            parts.append(f"包村领导：{self.leader[1]}")
        self.township_part(parts)
        label = next(c.label for c in self.table.COLUMNS if c.key == self.table.sort_column)
        self.show_status(parts, label, shown_at=0)
        self.update_detail()

    def action_clear_filters(self) -> None:
        had = self.filtered
        self.filter_bar.clear()
        self.query_text, self.year, self.gaps_only, self.conflicts_only, self.leader = "", None, False, False, None
        self.township = None
        if had:
            self.refilter()
        self.table.focus()

    def action_toggle_gaps(self) -> None:
        self.gaps_only = not self.gaps_only
        self.refilter()

    def action_toggle_conflicts(self) -> None:
        self.conflicts_only = not self.conflicts_only
        self.refilter()

    def action_cycle_year(self) -> None:
        self.year = _cycle(sorted({r.year for r in self.all_rows}, reverse=True), self.year)
        self.refilter()

    def action_cycle_leader(self) -> None:
        rows = [r for r in self.all_rows if self.year is None or r.year == self.year]
        present = sorted({r.township_leader for r in rows if r.township_leader is not None}, key=lambda t: (t[1], t[0]))
        if not present:
            self.notify("当前列出的村都没有乡镇包村领导。", markup=False)
            return
        self.leader = _cycle(present, self.leader)
        self.refilter()

    # ------------------------------------------------------------ the cursor

    def show_village(self, village_id: int) -> None:
        """Put the cursor on ``village_id``'s row (its latest case), clearing the filters if they hide
        it; kept until the rows exist when called before the first load."""
        if self.loaded_version < 0 or not self.is_mounted:
            self.pending_village = village_id
            return
        lines = [r for r in self.all_rows if r.village_id == village_id]
        if not lines:
            name = self.ledger.village_name(village_id)
            self.notify(f"{name}当前没有需要落实“四个一”的整顿案卷（已认定至巩固提升阶段）。", markup=False)
            return
        target = max(lines, key=lambda r: (r.year, r.id))
        if target.id not in self.table.shown:
            self.action_clear_filters()
        self.table.move_to(target.id)
        self.table.focus()
        self.update_detail()

    @on(DataTable.CellHighlighted, "#matrix-table")
    def _cell_moved(self) -> None:
        self.update_detail()

    def update_detail(self) -> None:
        line = self.table.cursor_line()
        detail = self.query_one("#matrix-detail", Static)
        update_static(detail, cell_detail(line, self.table.role_at_cursor()) if line else "")

    def _cursor(self) -> tuple[MatrixLine, Role | None] | None:
        line = self.table.cursor_line()
        if line is None:
            self.notify("表格中没有选中的村。", markup=False)
            return None
        return line, self.table.role_at_cursor()

    # ------------------------------------------------------------ actions

    @on(DataTable.CellSelected, "#matrix-table")
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.assign_at_cursor()

    def assign_at_cursor(self) -> None:
        found = self._cursor()
        if found is None:
            return
        line, role = found
        if role is None:
            self.ledger_app.open_village(line.village_id)
            return
        if not self.check_writable():
            return
        from ..modals.slot_assign import SlotAssignScreen

        s = line.slot(role)
        current = s.name if s.filled else ""

        def done(message: str | None) -> None:
            if message:
                self.notify(message, markup=False)

        self.app.push_screen(SlotAssignScreen(line.village_id, line.village, role, current), done)

    def action_end_holding(self) -> None:
        found = self._cursor()
        if found is None:
            return
        line, role = found
        if role is None:
            self.notify("请把光标移到要结束的那一格（←→）。", markup=False)
            return
        s = line.slot(role)
        if not s.filled:
            self.notify(f"{line.village}的{role.value}未落实，没有可结束的包联。", markup=False)
            return
        if role == Role.FIRST_SECRETARY:
            self.notify("第一书记的期满离任、召回或调整请在“第一书记”栏目（按 5）办理。", markup=False, timeout=8)
            return
        if not self.check_writable():
            return
        from ledgers.ledger import Holder

        from ..modals.slot_history import EndHoldingScreen

        holder = Holder(s.assignment_id, role, s.holder_id, s.name, s.detail, s.start)

        def ended(result: object) -> None:
            if result is None:
                return
            self.ledger_app.ledger_changed()
            end = getattr(result, "end", None)
            self.notify(f"已结束：{line.village}{role.value} {s.name}" + (f"（最后一天 {end.isoformat()}）" if end else "")
                        + "。按 h 查看历任，Ctrl+Z 可撤销。", markup=False)

        self.app.push_screen(EndHoldingScreen(line.village, holder), ended)

    def action_slot_history(self) -> None:
        found = self._cursor()
        if found is None:
            return
        line, role = found
        if role is None:
            self.notify("请把光标移到要查看的那一格（←→）。", markup=False)
            return
        from ..modals.slot_history import SlotHistoryScreen

        self.app.push_screen(SlotHistoryScreen(line.village_id, line.village, role))

    def action_open_village(self) -> None:
        found = self._cursor()
        if found is not None:
            self.ledger_app.open_village(found[0].village_id)

    def action_open_holders(self, kind: str) -> None:
        from .holders import HoldersScreen

        self.app.push_screen(HoldersScreen("units" if kind == "units" else "leaders"))
