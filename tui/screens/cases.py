"""整顿台账: every rectification case in one table — filters, sorting, new case, closing a batch.

Rows are plain ``CaseRow`` values built off the main thread (``build_case_rows``) and keyed by case
id. After a change anywhere in the app ``refresh_data`` rebuilds the row data in a worker and the
table touches only the rows that differ; a new filter re-shows the (small) visible set at once.
The query filter is the village lookup (hanzi, full pinyin, initials) via ``ledger.lookup``.
The table and its row data live in ``tui/widgets/case_table.py``, the filter line in
``tui/widgets/filter_bar.py``; this module holds the screen, its filters and the hooks.

Hooks for other screens (the lead wires them into the App): ``show_cases(app, state=...)`` opens
this section filtered by a state, ``open_new_case(app, village_id)`` lists a village for screening.
"""
from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import DataTable

from ledgers.ledger import Ledger
from ledgers.models import CaseState

from ..commands import Command
from ..widgets.case_table import COLUMN_KEYS, COLUMNS, OPEN_COMMAND, CaseRow, CaseTable, build_case_rows, column_label
from ..widgets.filter_bar import FilterBar
from .base import FilteredSectionScreen

__all__ = ["COLUMNS", "COLUMN_KEYS", "CaseRow", "CaseTable", "CasesScreen", "build_case_rows", "open_case",
           "open_new_case", "show_cases"]

FILTER_DELAY = 0.15  # seconds of quiet typing before the table is re-filtered


# ---------------------------------------------------------------- the screen


def _cycle(options: list[Any], current: Any) -> Any:
    """The next of ``options`` after ``current``, then None ("all"), then the first again."""
    ring: list[Any] = [*options, None]
    return ring[(ring.index(current) + 1) % len(ring)] if current in ring else (options[0] if options else None)


class CasesScreen(FilteredSectionScreen):
    """The rectification ledger (整顿台账)."""

    TOWNSHIP_UNIT = "个案卷"
    NOTHING_MATCHES = "没有符合条件的案卷，按 Esc 清除筛选"
    EMPTY_HINT = "还没有整顿案卷：按 n 把一个村列入排查"

    MODE = "cases"
    AUTO_FOCUS = "#cases-table"
    HELP_TITLE = "整顿台账"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("cases-open", "enter", "open_case", OPEN_COMMAND.description, OPEN_COMMAND.help),
        Command("cases-new", "n", "new_case", "列入排查", "查找一个村，把它列入软弱涣散排查（新建案卷）"),
        Command("cases-filter", "f", "focus_filter", "筛选", "在筛选栏输入村名、全拼或首字母，Enter 回到表格"),
        Command("cases-year", "y", "cycle_year", "年度", "按年度筛选（依次切换各年度、全部）"),
        Command("cases-batch", "b", "cycle_batch", "批次", "按批次筛选（依次切换各批次、全部）"),
        Command("cases-state", "j", "cycle_state", "阶段", "按当前阶段筛选（依次切换各阶段、全部）"),
        Command("cases-overdue", "o", "toggle_overdue", "逾期", "只看有逾期任务的案卷 / 全部"),
        Command("cases-sort", "s", "cycle_sort", "排序", "选择按哪一列排序（也可点击列标题）"),
        Command("cases-reverse", "r", "reverse_sort", "倒序", "当前排序列升序/降序切换"),
        Command("cases-township", "x", "choose_township", "乡镇", "按乡镇筛选：输入乡镇名、全拼或首字母选择（县、市账本），选“全部乡镇”取消"),
        Command("cases-screening", "p", "screening", "排查", "拉网式排查：按账本数据列出各村可能存在的情形，逐村列入拟认定或不列入"),
        Command("cases-batch-close", "c", "close_batch", "批次收尾", "输入年度，列出该年度批次中尚未销号或结束的案卷"),
        Command("cases-clear", "escape", "clear_filters", "清除筛选", "清除筛选栏和年度、批次、阶段、逾期筛选",
                show=False),
    )

    class RowsBuilt(Message):
        """The worker built the row data for ledger ``version``."""

        def __init__(self, rows: list[CaseRow], version: int, villages: int) -> None:
            super().__init__()
            self.rows = rows
            self.version = version
            self.villages = villages

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[CaseRow] = []
        self.loaded_version = -1
        self.village_count = 1
        self.query_text = ""
        self.year: int | None = None
        self.batch: str | None = None
        self.state: CaseState | None = None
        self.overdue_only = False

    def compose_body(self) -> ComposeResult:
        yield FilterBar("cases", placeholder="筛选：村名 / 全拼 / 首字母（f 进入，Enter 回到表格，Esc 清除）",
                        delay=FILTER_DELAY)
        yield CaseTable(id="cases-table")

    DEFAULT_CSS = """
    #cases-table { height: 1fr; }
    """

    @property
    def table(self) -> CaseTable:
        return self.query_one("#cases-table", CaseTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def on_mount(self) -> None:
        self.table.waiting = True
        self.table.focus()
        self.load_rows()

    # ------------------------------------------------------------ data

    @work(thread=True, exclusive=True, group="cases-rows", exit_on_error=False)
    def load_rows(self) -> None:
        for attempt in range(3):
            version = self.ledger.version
            try:
                rows, villages = build_case_rows(self.ledger)
            except RuntimeError:
                # The main thread changed the ledger while this thread read it ("dictionary changed
                # size during iteration"): read again.
                if attempt == 2:
                    raise
                continue
            self.post_message(self.RowsBuilt(rows, version, villages))
            return

    def on_cases_screen_rows_built(self, message: RowsBuilt) -> None:
        first = self.loaded_version < 0
        self.all_rows, self.loaded_version, self.village_count = message.rows, message.version, message.villages
        self.table.waiting = False
        if first:
            self.table.show(self.visible_rows())
            if self.focused is not self.filter_bar.input:
                self.table.focus()  # a loading table cannot take focus; it can now
        else:
            self.table.apply(self.visible_rows())
        self.update_status()
        if self.loaded_version != self.ledger.version:
            self.load_rows()

    def refresh_data(self) -> None:
        """After any change (or an undo): rebuild the rows off the main thread, then diff them in."""
        if self.loaded_version != self.ledger.version:
            self.load_rows()

    # ------------------------------------------------------------ filters

    def visible_rows(self) -> list[CaseRow]:
        rows = self.all_rows
        if self.query_text:
            ids = {h.village_id for h in self.ledger.lookup(self.query_text, self.village_count)}
            rows = [r for r in rows if r.village_id in ids]
        if self.year is not None:
            rows = [r for r in rows if r.year == self.year]
        if self.batch is not None:
            rows = [r for r in rows if r.batch == self.batch]
        if self.state is not None:
            rows = [r for r in rows if r.state == self.state]
        if self.overdue_only:
            rows = [r for r in rows if r.overdue]
        return self.by_township(rows)

    @property
    def filtered(self) -> bool:
        return bool(self.query_text or self.year or self.batch or self.state or self.overdue_only or self.township)

    def refilter(self) -> None:
        self.table.show(self.visible_rows())
        self.update_status()

    def set_filters(self, *, state: CaseState | None = None, year: int | None = None,
                    overdue: bool = False) -> None:
        """Show the cases of one state / year (the dashboard opens this section this way)."""
        self.state, self.year, self.batch, self.overdue_only = state, year, None, overdue
        if self.loaded_version >= 0:
            self.refilter()

    def update_status(self) -> None:
        parts = [f"共{len(self.all_rows)}个案卷", f"显示{len(self.table.shown)}个"]
        if self.query_text:
            parts.append(f"筛选：{self.query_text}")
        if self.year is not None:
            parts.append(f"年度：{self.year}")
        if self.batch is not None:
            parts.append(f"批次：{self.batch}")
        if self.state is not None:
            parts.append(f"阶段：{self.state.value}")
        if self.overdue_only:
            parts.append("只看逾期")
        self.township_part(parts)
        overdue = sum(1 for r in self.table.shown.values() if r.overdue)
        if overdue:
            parts.append(f"其中{overdue}个有逾期任务")
        self.show_status(parts, column_label(self.table.sort_column))

    def action_clear_filters(self) -> None:
        had = self.filtered
        self.filter_bar.clear()
        self.query_text, self.year, self.batch, self.state, self.overdue_only = "", None, None, None, False
        self.township = None
        if had:
            self.refilter()
        self.table.focus()

    def action_screening(self) -> None:
        from .screening import ScreeningScreen

        self.app.push_screen(ScreeningScreen(self.year))

    def action_cycle_year(self) -> None:
        self.year = _cycle(sorted({r.year for r in self.all_rows}, reverse=True), self.year)
        self.batch = None
        self.refilter()

    def action_cycle_batch(self) -> None:
        rows = [r for r in self.all_rows if self.year is None or r.year == self.year]
        batches = sorted({r.batch for r in rows}, key=lambda b: (-min(r.year for r in rows if r.batch == b), b))
        self.batch = _cycle(batches, self.batch)
        self.refilter()

    def action_cycle_state(self) -> None:
        present = [s for s in CaseState if any(r.state == s for r in self.all_rows)]
        self.state = _cycle(present, self.state)
        self.refilter()

    def action_toggle_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.refilter()

    # ------------------------------------------------------------ sorting


    # ------------------------------------------------------------ records

    @on(DataTable.RowSelected, "#cases-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            open_case(self.app, int(event.row_key.value))

    def action_open_case(self) -> None:
        cid = self.table.cursor_id
        if cid is None:
            self.notify("表格中没有选中的案卷。", markup=False)
            return
        open_case(self.app, cid)

    def action_new_case(self) -> None:
        if not self.check_writable():
            return
        from ..modals.lookup import LookupScreen

        def chosen(village_id: int | None) -> None:
            if village_id is not None:
                open_new_case(self.app, village_id)

        self.app.push_screen(LookupScreen(), chosen)

    def action_close_batch(self) -> None:
        from ..modals.case_batch import start_batch_close

        start_batch_close(self.app, self.year or self.ledger.today.year)


# ---------------------------------------------------------------- hooks for the App and other screens


def open_case(app: App, case_id: int) -> None:
    """Push the detail of one case."""
    from .case_detail import CaseDetailScreen

    app.push_screen(CaseDetailScreen(case_id))


def show_cases(app: App, state: CaseState | None = None, year: int | None = None, overdue: bool = False) -> None:
    """Switch to this section showing only the cases of ``state`` (and ``year``); the dashboard's hook."""
    app.action_section("cases")  # type: ignore[attr-defined]
    screen = app.screen
    if isinstance(screen, CasesScreen):
        screen.set_filters(state=state, year=year, overdue=overdue)


def open_new_case(app: App, village_id: int) -> None:
    """List ``village_id`` for screening (new case form), then open the new case; the village detail's hook."""
    from ledgers.errors import LedgerError

    ledger: Ledger = app.ledger  # type: ignore[attr-defined]
    if ledger.read_only:
        app.notify("只读模式：另一位同事正在使用该账本，不能修改。", severity="warning", markup=False)
        return
    try:
        current = ledger.active_case(village_id)
        name = ledger.village_name(village_id)
    except LedgerError as err:
        app.notify(str(err), severity="error", markup=False)
        return
    if current is not None:
        app.notify(f"{name}已有未结束的整顿案卷（{current.year}年，{str(current.state)}），不能重复列入。",
                   severity="error", markup=False, timeout=8)
        open_case(app, current.id)
        return
    from ..modals.case_new import CaseNewFormScreen

    def saved(case: object) -> None:
        if case is None:
            return
        app.ledger_changed()  # type: ignore[attr-defined]
        app.notify(f"已列入排查：{name}（拟认定）。按 t 认定或不予认定。", markup=False)
        open_case(app, case.id)  # type: ignore[attr-defined]

    app.push_screen(CaseNewFormScreen(village_id), saved)
