"""第一书记: the roster — one row per posting, filters, sorting, statistics, and every key that
changes a posting (新增, 修改, 状态操作, 年度考核, 再次选派; see ``PostingActions``).

Rows are plain ``RosterRow`` values built off the main thread (``build_roster_rows``) and keyed by
posting id; after a change anywhere in the app ``refresh_data`` rebuilds them in a worker and the
table touches only the rows that differ (prefecture scale: ~1,500 postings). The default view shows
the postings in force (拟选派, 在岗, 期满待轮换); ``h`` adds the ended ones. The query filter matches
the cadre's name, or the village by the lookup (hanzi, full pinyin, initials). The statistics panel
counts the rows shown; it sits on the right of a wide terminal and ``i`` shows or hides it.

``show_posting(posting_id)`` (the dashboard's R11 to-dos and terms ending) puts the cursor on a
posting — clearing the filters that hide it, waiting for the rows if they are not built yet — and
opens its detail.
"""
from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable

from ledgers import roster
from ledgers.models import ENDED_SECRETARY_STATES, RosterEntry, SecretaryStatus, UnitLevel, VillageType

from ..commands import Command
from ..widgets.filter_bar import FilterBar
from ..widgets.roster_stats import RosterStatsPanel
from ..widgets.roster_table import OPEN_COMMAND, RosterRow, RosterTable, build_roster_rows, column_label
from .base import FilteredSectionScreen
from .posting_detail import PostingActions

FILTER_DELAY = 0.15  # seconds of quiet typing before the table is re-filtered
STATS_MIN_WIDTH = 110  # the statistics panel shows by itself from this terminal width


def _cycle(options: list[Any], current: Any) -> Any:
    """The next of ``options`` after ``current``, then None ("all"), then the first again."""
    ring: list[Any] = [*options, None]
    return ring[(ring.index(current) + 1) % len(ring)] if current in ring else (options[0] if options else None)


class SecretariesScreen(PostingActions, FilteredSectionScreen):
    """The first-secretary roster (第一书记花名册)."""

    NOTHING_MATCHES = "没有符合条件的驻村记录，按 Esc 清除筛选"
    TOWNSHIP_UNIT = "条驻村记录"
    EMPTY_HINT = "还没有第一书记：按 n 新增"

    MODE = "secretaries"
    AUTO_FOCUS = "#roster-table"
    HELP_TITLE = "第一书记"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("roster-open", "enter", "open_posting", OPEN_COMMAND.description, OPEN_COMMAND.help),
        Command("roster-new", "n", "new_secretary", "新增", "新增一名第一书记（人员信息和驻村记录；光标在已出缺村的记录上时预填该村）"),
        Command("roster-edit", "e", "edit_posting", "修改", "修改光标所在记录的人员信息和驻村信息"),
        Command("roster-action", "t", "posting_action", "状态操作",
                "选择到村任职、留任、期满离任、召回、调整或取消选派，填写该操作所需的内容"),
        Command("roster-assess", "a", "assess", "考核", "录入光标所在记录某一年度的考核等次和无故不在岗次数（R10 限制等次）"),
        Command("roster-again", "p", "post_again", "再次选派", "为光标所在记录的同一人新建一条驻村记录（原记录须已结束）"),
        Command("roster-filter", "f", "focus_filter", "筛选", "在筛选栏输入姓名，或村名、全拼、首字母，Enter 回到表格"),
        Command("roster-status", "z", "cycle_status", "状态", "按状态筛选（依次切换各状态、全部）"),
        Command("roster-due", "d", "cycle_due", "到期", "只看任期在若干天内届满（含已过期）的（依次切换天数、全部）"),
        Command("roster-ended", "h", "toggle_ended", "含已结束", "同时显示已结束的驻村记录（召回、调整、期满离任、取消选派）/ 只看在任"),
        Command("roster-stats", "i", "toggle_stats", "统计", "显示或隐藏统计（按状态、单位层级、学历、年龄、性别、村类型，随筛选）"),
        Command("roster-level", "c", "cycle_level", "层级", "按派出单位层级筛选（依次切换）", show=False),
        Command("roster-type", "v", "cycle_type", "村类型", "按村类型筛选（依次切换）", show=False),
        Command("roster-township", "x", "choose_township", "乡镇", "按乡镇筛选：输入乡镇名、全拼或首字母选择（县、市账本），选“全部乡镇”取消", show=False),
        Command("roster-sort", "s", "cycle_sort", "排序", "选择按哪一列排序（也可点击列标题）", show=False),
        Command("roster-reverse", "r", "reverse_sort", "倒序", "当前排序列升序/降序切换", show=False),
        Command("roster-clear", "escape", "clear_filters", "清除筛选", "清除筛选栏和状态、到期、层级、村类型、乡镇筛选",
                show=False),
    )

    DEFAULT_CSS = """
    SecretariesScreen #roster-body { height: 1fr; }
    SecretariesScreen #roster-table { width: 1fr; height: 1fr; }
    """

    class RowsBuilt(Message):
        """The worker built the row data for ledger ``version``."""

        def __init__(self, rows: list[RosterRow], entries: dict[int, RosterEntry], version: int,
                     villages: int, cells: dict | None = None, stats: roster.RosterStats | None = None,
                     stat_keys: dict[int, roster.StatsKey] | None = None) -> None:
            super().__init__()
            self.cells = cells or {}
            self.stats = stats  # of the postings in force: the default view's statistics
            self.stat_keys = stat_keys or {}  # what the statistics count of each posting
            self.rows = rows
            self.entries = entries
            self.version = version
            self.villages = villages

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[RosterRow] = []
        self.in_force_rows: list[RosterRow] = []
        self.folded_names: dict[int, str] = {}
        self.entries: dict[int, RosterEntry] = {}
        self.default_stats: roster.RosterStats | None = None  # of the default view (the postings in force)
        self.stat_keys: dict[int, roster.StatsKey] = {}
        self._stats_counted: tuple | None = None  # what the panel's figures were counted from
        self.loaded_version = -1
        self.village_count = 1
        self.query_text = ""
        self.status: SecretaryStatus | None = None
        self.unit_level: str | None = None
        self.village_type: str | None = None
        self.township: str | None = None
        self.due_days: int | None = None
        self.include_ended = False
        self.stats_wanted: bool | None = None  # None: shown when the terminal is wide enough
        self.pending_posting: int | None = None  # put the cursor there once the rows are built
        self.pending_detail = False  # … and open its detail

    def compose_body(self) -> ComposeResult:
        yield FilterBar("roster", placeholder="筛选：姓名 / 村名 / 全拼 / 首字母（f 进入，Enter 回到表格，Esc 清除）",
                        delay=FILTER_DELAY)
        with Horizontal(id="roster-body"):
            yield RosterTable(id="roster-table")
            yield RosterStatsPanel(id="roster-stats")

    @property
    def table(self) -> RosterTable:
        return self.query_one("#roster-table", RosterTable)

    @property
    def stats_panel(self) -> RosterStatsPanel:
        return self.query_one("#roster-stats", RosterStatsPanel)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def on_mount(self) -> None:
        self.stats_panel.border_title = "统计"
        self.table.waiting = True
        self.table.focus()
        self._layout_stats()
        self.load_rows()

    def on_resize(self) -> None:
        self._layout_stats()

    # ------------------------------------------------------------ data

    @work(thread=True, exclusive=True, group="roster-rows", exit_on_error=False)
    def load_rows(self) -> None:
        """Row data for every posting, off the main thread."""
        for attempt in range(3):
            ledger = self.ledger
            version = ledger.version
            try:
                rows, entries = build_roster_rows(ledger)
                villages = len(ledger.records("villages"))
            except RuntimeError:
                # The main thread changed the ledger while this thread read it: read again.
                if attempt == 2:
                    raise
                continue
            # First load only, and the rows shown by default (ended postings are built when shown).
            in_force = [r for r in rows if r.in_force]
            cells = RosterTable.prebuild(in_force) if self.loaded_version < 0 else None
            keys = {rid: roster.stats_key(e, ledger.today) for rid, e in entries.items()}
            stats = roster.stats_of_keys(keys[r.id] for r in in_force)
            self.post_message(self.RowsBuilt(rows, entries, version, max(1, villages), cells, stats, keys))
            return

    def on_secretaries_screen_rows_built(self, message: RowsBuilt) -> None:
        first = self.loaded_version < 0
        self.all_rows, self.entries = message.rows, message.entries
        self.default_stats, self.stat_keys = message.stats, message.stat_keys
        # Worked out once per load, not per filter keystroke.
        self.in_force_rows = [r for r in self.all_rows if r.in_force]
        self.folded_names = {r.id: r.name.casefold() for r in self.all_rows}
        self.loaded_version, self.village_count = message.version, message.villages
        self.table.waiting = False
        self.table.adopt(message.cells)
        if first:
            self.table.show(self.visible_rows())
            if self.focused is not self.filter_bar.input:
                self.table.focus()  # a loading table cannot take focus; it can now
        else:
            self.table.apply(self.visible_rows())
        self.update_status()
        if self.loaded_version != self.ledger.version:
            self.load_rows()
        elif self.pending_posting is not None:
            self._go_to_pending()

    def refresh_data(self) -> None:
        """After any change (or an undo): rebuild the rows off the main thread, then diff them in."""
        if self.loaded_version != self.ledger.version:
            self.load_rows()

    # ------------------------------------------------------------ going to one posting

    def show_posting(self, posting_id: int, open_detail: bool = True) -> None:
        """Put the cursor on ``posting_id`` (clearing filters that hide it) and open its detail; if
        the rows are not built yet, do it when they are. The App's and the dashboard's hook."""
        self.pending_posting, self.pending_detail = posting_id, open_detail
        if self.is_mounted and self.loaded_version == self.ledger.version:
            self._go_to_pending()

    def posting_created(self, posting_id: int) -> None:
        """A new posting (新增, 再次选派, 调整): the cursor goes there once the rows include it."""
        self.show_posting(posting_id, open_detail=False)

    def _go_to_pending(self) -> None:
        pid, self.pending_posting = self.pending_posting, None
        detail, self.pending_detail = self.pending_detail, False
        if pid is None:
            return
        row = next((r for r in self.all_rows if r.id == pid), None)
        if row is None:
            self.notify(f"花名册中找不到该驻村记录（编号{pid}），可能已被撤销。", markup=False)
            return
        if pid not in self.table.shown:
            self.filter_bar.clear()
            self.query_text, self.status, self.unit_level, self.village_type = "", None, None, None
            self.township, self.due_days = None, None
            self.include_ended = self.include_ended or not row.in_force
            self.refilter()
        self.table.move_to(pid)
        if detail and self.app.screen is self:
            self.open_detail(pid)

    # ------------------------------------------------------------ filters

    def visible_rows(self) -> list[RosterRow]:
        rows = self.all_rows
        if self.status is not None:
            rows = [r for r in rows if r.status == self.status]  # an ended status shows its rows
        elif not self.include_ended:
            rows = self.in_force_rows
        if self.query_text:
            ids = {h.village_id for h in self.ledger.lookup(self.query_text, self.village_count)}
            folded, names = self.query_text.casefold(), self.folded_names
            rows = [r for r in rows if r.village_id in ids or folded in names[r.id]]
        if self.unit_level is not None:
            rows = [r for r in rows if r.unit_level == self.unit_level]
        if self.village_type is not None:
            rows = [r for r in rows if r.village_type == self.village_type]
        if self.due_days is not None:
            rows = [r for r in rows if r.days_left is not None and r.days_left <= self.due_days]
        return self.by_township(rows)

    @property
    def filtered(self) -> bool:
        return bool(self.query_text or self.status or self.unit_level or self.village_type or self.township
                    or self.due_days is not None)

    def refilter(self) -> None:
        self.table.show(self.visible_rows())
        self.update_status()

    def update_status(self) -> None:
        in_force = len(self.in_force_rows)
        parts = [f"在任{in_force}条（共{len(self.all_rows)}条驻村记录）", f"显示{len(self.table.shown)}条"]
        if self.query_text:
            parts.append(f"筛选：{self.query_text}")
        if self.status is not None:
            parts.append(f"状态：{self.status.value}")
        if self.due_days is not None:
            parts.append(f"{self.due_days}天内届满")
        for label, value in (("层级", self.unit_level), ("村类型", self.village_type), ("乡镇", self.township)):
            if value is not None:
                parts.append(f"{label}：{value}")
        if self.status is None:
            parts.append("含已结束" if self.include_ended else "不含已结束（h 显示）")
        self.show_status(parts, column_label(self.table.sort_column))
        self._show_stats()

    def action_clear_filters(self) -> None:
        had = self.filtered
        self.filter_bar.clear()
        self.query_text, self.status, self.unit_level, self.village_type = "", None, None, None
        self.township, self.due_days = None, None
        if had:
            self.refilter()
        self.table.focus()

    def action_cycle_status(self) -> None:
        present = [s for s in SecretaryStatus if any(r.status == s for r in self.all_rows)]
        self.status = _cycle(present, self.status)
        self.refilter()

    def action_cycle_level(self) -> None:
        present = [u.value for u in UnitLevel if any(r.unit_level == u.value for r in self.all_rows)]
        self.unit_level = _cycle(present, self.unit_level)
        self.refilter()

    def action_cycle_type(self) -> None:
        present = [t.value for t in VillageType if any(r.village_type == t.value for r in self.all_rows)]
        self.village_type = _cycle(present, self.village_type)
        self.refilter()

    def due_options(self) -> list[int]:
        s = self.ledger.settings
        return sorted({s.term_urgent_days, s.term_warn_days, 90, 180, 365})

    def action_cycle_due(self) -> None:
        self.due_days = _cycle(self.due_options(), self.due_days)
        self.refilter()

    def action_toggle_ended(self) -> None:
        self.include_ended = not self.include_ended
        if self.status in ENDED_SECRETARY_STATES:
            self.status = None  # the toggle decides again
        self.refilter()

    # ------------------------------------------------------------ statistics

    def _layout_stats(self) -> None:
        box = self.stats_panel
        wanted = self.stats_wanted if self.stats_wanted is not None else self.size.width >= STATS_MIN_WIDTH
        box.display = wanted
        if wanted:
            self._show_stats()

    def _show_stats(self) -> None:
        box = self.stats_panel
        if not box.display or self.loaded_version < 0:
            return
        # Counted from the rows shown: a keystroke that shows the same rows changes no figure.
        counted = (self.table.shown_version, id(self.stat_keys), self.filtered, self.include_ended,
                   self.default_stats is not None)
        if counted == self._stats_counted:
            return
        self._stats_counted = counted
        if self.default_stats is not None and not self.filtered and not self.include_ended:
            stats = self.default_stats  # counted with the rows, off the main thread
        else:
            keys = self.stat_keys
            stats = roster.stats_of_keys(keys[rid] for rid in self.table.shown if rid in keys)
        if box.border_title != "统计（随筛选）":  # setting it repaints the box, even unchanged
            box.border_title = "统计（随筛选）"
        box.show(stats)

    def action_toggle_stats(self) -> None:
        self.stats_wanted = not self.stats_panel.display
        self._layout_stats()

    # ------------------------------------------------------------ sorting


    # ------------------------------------------------------------ records

    def target_posting(self) -> int | None:
        return self.table.cursor_id

    @on(DataTable.RowSelected, "#roster-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_detail(int(event.row_key.value))

    def action_open_posting(self) -> None:
        pid = self.table.cursor_id
        if pid is None:
            self.notify("表格中没有选中的驻村记录。", markup=False)
            return
        self.open_detail(pid)

    def open_detail(self, posting_id: int) -> None:
        from .posting_detail import PostingDetailScreen

        self.app.push_screen(PostingDetailScreen(posting_id))

    def action_new_secretary(self, village_id: int | None = None) -> None:
        """新增; on an ended posting whose village has no first secretary now, that village is
        filled in (a successor)."""
        if village_id is None:
            row = self.table.shown.get(self.table.cursor_id or 0)
            if row is not None and not row.in_force and not any(
                    r.village_id == row.village_id and r.in_force for r in self.all_rows):
                village_id = row.village_id
        super().action_new_secretary(village_id)
