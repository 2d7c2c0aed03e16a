"""整顿台账: every rectification case in one table — filters, sorting, new case, closing a batch.

Rows are plain ``CaseRow`` values built off the main thread (``build_case_rows``) and keyed by case
id. After a change anywhere in the app ``refresh_data`` rebuilds the row data in a worker and the
table touches only the rows that differ; a new filter re-shows the (small) visible set at once.
The query filter is the village lookup (hanzi, full pinyin, initials) via ``ledger.lookup``.

Hooks for other screens (the lead wires them into the App): ``show_cases(app, state=...)`` opens
this section filtered by a state, ``open_new_case(app, village_id)`` lists a village for screening.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import Row, RowDoesNotExist, RowKey

from ledgers.ledger import Ledger
from ledgers.models import SLOTTED_CASE_STATES, CaseState

from ..commands import Command
from ..widgets.village_table import SortCell
from .base import SectionScreen

FILTER_DELAY = 0.15  # seconds of quiet typing before the table is re-filtered
STATE_ORDER = {s: n for n, s in enumerate(CaseState)}
STATE_STYLE = {CaseState.RECTIFYING: "bold", CaseState.AWAITING_ACCEPTANCE: "bold yellow",
               CaseState.RELAPSED: "bold red", CaseState.DISMISSED: "dim", CaseState.ARCHIVED: "dim"}


@dataclass(frozen=True)
class CaseRow:
    """What one table row shows (plain, comparable data: a diff finds the rows that changed)."""

    id: int
    village_id: int
    village: str
    township: str
    year: int
    batch: str
    situations: tuple[str, ...]
    state: CaseState
    done: int
    total: int
    next_deadline: date | None
    deadline_passed: bool
    overdue: int  # tasks past their deadline and not finished
    gaps: int | None  # 四个一 slots not filled; None when the state needs none


def build_case_rows(ledger: Ledger) -> tuple[list[CaseRow], int]:
    """Every case in ledger order (year, id), and the number of villages (the lookup's limit).

    Safe to run in a worker thread: it only reads the ledger."""
    today = ledger.today
    villages = {v.id: (v.name, v.township) for v in ledger.villages()}
    filled: dict[int, set[Any]] = defaultdict(set)
    for a in ledger.assignments(active_on=today):
        filled[a.village_id].add(a.role)
    rows = []
    for c in ledger.cases():
        deadline = c.next_deadline()
        name, township = villages.get(c.village_id, ("（已删除）", ""))
        rows.append(CaseRow(
            c.id, c.village_id, name, township, c.year, c.batch, tuple(c.situations), CaseState(c.state),
            c.tasks_done,
            len(c.tasks), deadline, deadline is not None and deadline < today, len(c.overdue_tasks(today)),
            4 - len(filled[c.village_id]) if c.state in SLOTTED_CASE_STATES else None,
        ))
    return rows, max(1, len(villages))


# ---------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    cell: Callable[[CaseRow], SortCell]


def _gaps_cell(r: CaseRow) -> SortCell:
    if r.gaps is None:
        return SortCell("—", None, style="dim")
    if r.gaps == 0:
        return SortCell("齐全", 0)
    return SortCell(f"缺{r.gaps}项", r.gaps, style="bold red")


# The columns a clerk scans first come first, so they fit an 80-column terminal.
COLUMNS: tuple[Column, ...] = (
    Column("village", "村名", lambda r: SortCell(r.village, r.village)),
    Column("batch", "批次", lambda r: SortCell(r.batch, (r.year, r.batch))),
    Column("state", "当前阶段", lambda r: SortCell(r.state.value, STATE_ORDER[r.state],
                                               style=STATE_STYLE.get(r.state, ""))),
    Column("progress", "整改进度", lambda r: SortCell(f"{r.done}/{r.total}" if r.total else "—",
                                                  r.done / r.total if r.total else None, justify="right")),
    Column("deadline", "最近期限", lambda r: SortCell(r.next_deadline.isoformat() if r.next_deadline else "",
                                                  r.next_deadline, style="bold red" if r.deadline_passed else "")),
    Column("overdue", "逾期", lambda r: SortCell(f"{r.overdue}项" if r.overdue else "", r.overdue or None,
                                               justify="right", style="bold red" if r.overdue else "")),
    Column("gaps", "四个一", _gaps_cell),
    Column("situations", "情形", lambda r: SortCell("、".join(r.situations), r.situations or None)),
    Column("township", "乡镇", lambda r: SortCell(r.township, r.township)),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


class CaseTable(DataTable):
    """The case table. ``show(rows)`` replaces the visible rows; ``apply`` diffs them in place."""

    BINDINGS = [Binding("enter", "select_cursor", "详情", id="cases-table-open")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.shown: dict[int, CaseRow] = {}
        self._cells: dict[int, tuple[CaseRow, list[SortCell]]] = {}
        self.sort_column = "batch"
        self.sort_reverse = False

    def on_mount(self) -> None:
        for c in COLUMNS:
            self.add_column(self._label(c), key=c.key)

    def _label(self, c: Column) -> Text:
        mark = ("▼" if self.sort_reverse else "▲") if c.key == self.sort_column else " "
        return Text(f"{c.label} {mark}", no_wrap=True)

    def cells(self, row: CaseRow) -> list[SortCell]:
        """The cells of ``row``, built once per row value: re-filtering 500 rows then costs no more
        than a bare table refresh (rows are immutable, and the table never mutates a cell)."""
        cached = self._cells.get(row.id)
        if cached is None or cached[0] != row:
            cached = (row, [c.cell(row) for c in COLUMNS])
            self._cells[row.id] = cached
        return cached[1]

    def show(self, rows: Iterable[CaseRow]) -> None:
        """Replace every row (first load, or a new filter); the cursor stays on its case if shown."""
        current = self.cursor_case_id
        self.clear()
        ordered = self._ordered(rows)
        self.shown = {row.id: row for row in ordered}
        self.add_keyed_rows([(str(row.id), self.cells(row)) for row in ordered])
        if current is not None:
            self.move_to(current)

    def add_keyed_rows(self, rows: list[tuple[str, list[SortCell]]]) -> None:
        """Append rows in one go.

        ``DataTable.add_row`` re-validates the cursor and recomputes the column order for every row,
        which is most of the time a 500-row re-filter takes (measured in bench/bench_cases.py); this
        does the same bookkeeping once for the batch. It relies on DataTable internals (pinned
        textual<9) and falls back to ``add_row`` if they change.
        """
        internals = ("_row_locations", "_data", "_new_rows", "_require_update_dimensions", "_update_count")
        if not all(hasattr(self, name) for name in internals) or any(k in self._row_locations for k, _ in rows):
            for key, cells in rows:
                self.add_row(*cells, key=key)
            return
        was_empty = self.row_count == 0
        columns = [c.key for c in self.ordered_columns]
        for key, cells in rows:
            row_key = RowKey(key)
            self._row_locations[row_key] = len(self.rows)
            self._data[row_key] = dict(zip(columns, cells))
            self.rows[row_key] = Row(row_key, 1, None, False)
            self._new_rows.add(row_key)
        if not rows:
            return
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

    def apply(self, rows: Sequence[CaseRow]) -> int:
        """Bring the shown rows in line with ``rows``, touching only what differs; returns rows touched."""
        wanted = {r.id: r for r in rows}
        touched = 0
        for cid in [cid for cid in self.shown if cid not in wanted]:
            self.remove_row(str(cid))
            del self.shown[cid]
            touched += 1
        for cid, row in wanted.items():
            old = self.shown.get(cid)
            if old == row:
                continue
            touched += 1
            if old is None:
                self.add_row(*self.cells(row), key=str(cid))
            else:
                old_cells = self.cells(old)
                for c, new_cell, old_cell in zip(COLUMNS, self.cells(row), old_cells):
                    if new_cell.plain != old_cell.plain or new_cell.style != old_cell.style:
                        self.update_cell(str(cid), c.key, new_cell, update_width=True)
            self.shown[cid] = row
        if touched:
            self.resort()
        return touched

    def _ordered(self, rows: Iterable[CaseRow]) -> list[CaseRow]:
        index = COLUMN_KEYS.index(self.sort_column)
        return sorted(rows, key=lambda r: (self.cells(r)[index].sort_key, r.id), reverse=self.sort_reverse)

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        for c in COLUMNS:
            self.columns[c.key].label = self._label(c)  # type: ignore[index]
        self._clear_caches()
        self.resort()

    def resort(self) -> None:
        current = self.cursor_case_id
        self.sort(self.sort_column, key=lambda cell: cell.sort_key, reverse=self.sort_reverse)
        if current is not None:
            self.move_to(current)
        self.refresh()

    @property
    def cursor_case_id(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - an empty or shrinking table has no cursor row
            return None
        return int(key.value) if key.value is not None else None

    def move_to(self, case_id: int) -> None:
        try:
            index = self.get_row_index(str(case_id))
        except RowDoesNotExist:
            return
        self.move_cursor(row=index, animate=False)


# ---------------------------------------------------------------- the screen


def _cycle(options: list[Any], current: Any) -> Any:
    """The next of ``options`` after ``current``, then None ("all"), then the first again."""
    ring: list[Any] = [*options, None]
    return ring[(ring.index(current) + 1) % len(ring)] if current in ring else (options[0] if options else None)


class CasesScreen(SectionScreen):
    """The rectification ledger (整顿台账)."""

    MODE = "cases"
    AUTO_FOCUS = "#cases-table"
    HELP_TITLE = "整顿台账"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("cases-open", "enter", "open_case", "详情", "打开光标所在案卷（任务、验收、回头看、阶段转换）"),
        Command("cases-new", "n", "new_case", "列入排查", "查找一个村，把它列入软弱涣散排查（新建案卷）"),
        Command("cases-filter", "f", "focus_filter", "筛选", "在筛选栏输入村名、全拼或首字母，Enter 回到表格"),
        Command("cases-year", "y", "cycle_year", "年度", "按年度筛选（依次切换各年度、全部）"),
        Command("cases-batch", "b", "cycle_batch", "批次", "按批次筛选（依次切换各批次、全部）"),
        Command("cases-state", "j", "cycle_state", "阶段", "按当前阶段筛选（依次切换各阶段、全部）"),
        Command("cases-overdue", "o", "toggle_overdue", "逾期", "只看有逾期任务的案卷 / 全部"),
        Command("cases-sort", "s", "cycle_sort", "排序", "按下一列排序（也可点击列标题）"),
        Command("cases-reverse", "r", "reverse_sort", "倒序", "当前排序列升序/降序切换"),
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
        self._filter_timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="筛选：村名 / 全拼 / 首字母（f 进入，Enter 回到表格，Esc 清除）", id="cases-filter")
        yield Static("", id="cases-status", markup=False)
        yield CaseTable(id="cases-table")

    DEFAULT_CSS = """
    #cases-filter { height: 3; }
    #cases-status { height: 1; padding: 0 1; color: $text-muted; }
    #cases-table { height: 1fr; }
    """

    @property
    def table(self) -> CaseTable:
        return self.query_one("#cases-table", CaseTable)

    def on_mount(self) -> None:
        self.table.loading = True
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
        self.table.loading = False
        if first:
            self.table.show(self.visible_rows())
            if not isinstance(self.focused, Input):
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
        return rows

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
        overdue = sum(1 for r in self.table.shown.values() if r.overdue)
        if overdue:
            parts.append(f"其中{overdue}个有逾期任务")
        label = next(c.label for c in COLUMNS if c.key == self.table.sort_column)
        parts.append(f"排序：{label}{'▼' if self.table.sort_reverse else '▲'}")
        if self.ledger.read_only:
            parts.append("只读")
        self.query_one("#cases-status", Static).update(Content(" · ".join(parts)))

    @on(Input.Changed, "#cases-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, lambda: self._apply_query(event.value))

    def _apply_query(self, text: str) -> None:
        text = text.strip()
        if text != self.query_text:
            self.query_text = text
            self.refilter()

    @on(Input.Submitted, "#cases-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._apply_query(event.value)
        self.table.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#cases-filter", Input).focus()

    def action_clear_filters(self) -> None:
        had = bool(self.query_text or self.year or self.batch or self.state or self.overdue_only)
        self.query_one("#cases-filter", Input).value = ""
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self.query_text, self.year, self.batch, self.state, self.overdue_only = "", None, None, None, False
        if had:
            self.refilter()
        self.table.focus()

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

    def action_cycle_sort(self) -> None:
        self.table.sort_by(COLUMN_KEYS[(COLUMN_KEYS.index(self.table.sort_column) + 1) % len(COLUMN_KEYS)],
                           reverse=False)
        self.update_status()

    def action_reverse_sort(self) -> None:
        self.table.sort_by(self.table.sort_column, reverse=not self.table.sort_reverse)
        self.update_status()

    @on(DataTable.HeaderSelected, "#cases-table")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.table.sort_by(str(event.column_key.value))
        self.update_status()

    # ------------------------------------------------------------ records

    @on(DataTable.RowSelected, "#cases-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            open_case(self.app, int(event.row_key.value))

    def action_open_case(self) -> None:
        cid = self.table.cursor_case_id
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
