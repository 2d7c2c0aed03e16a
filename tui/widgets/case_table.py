"""The case table of 整顿台账: row data (``CaseRow``, built off the main thread by
``build_case_rows``), its columns, and ``CaseTable`` — rows keyed by case id, sorting by any
column, and in-place updates from a diff (never clear-and-reload after one change).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date


from ledgers.assignments import conflicts, filled_roles
from ledgers.ledger import Ledger
from ledgers.models import SLOTTED_CASE_STATES, CaseState, Role

from ..commands import Command
from .row_table import Column, SortCell, SortedRowTable
from .row_table import gap_cell as _cell

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
    conflicts: int = 0  # 四个一 conflicts at the village (ledgers.assignments.conflicts)


def build_case_rows(ledger: Ledger) -> tuple[list[CaseRow], int]:
    """Every case in ledger order (year, id), and the number of villages (the lookup's limit).

    Safe to run in a worker thread: it only reads the ledger."""
    today = ledger.today
    villages = {v.id: (v.name, v.township) for v in ledger.villages()}
    filled = filled_roles(ledger, today)
    clashes = Counter(c.village_id for c in conflicts(ledger, today))
    rows = []
    for c in ledger.cases():
        deadline = c.next_deadline()
        name, township = villages.get(c.village_id, ("（已删除）", ""))
        rows.append(CaseRow(
            c.id, c.village_id, name, township, c.year, c.batch, tuple(c.situations), CaseState(c.state),
            c.tasks_done,
            len(c.tasks), deadline, deadline is not None and deadline < today, len(c.overdue_tasks(today)),
            len(Role) - len(filled.get(c.village_id, ())) if c.state in SLOTTED_CASE_STATES else None,
            clashes.get(c.village_id, 0) if c.state in SLOTTED_CASE_STATES else 0,
        ))
    return rows, max(1, len(villages))


# ---------------------------------------------------------------- columns


def _gaps_cell(r: CaseRow) -> SortCell:
    if r.gaps is None:
        return _cell("—", None, style="dim")
    if r.conflicts:  # the graver of the two; the case's 四个一 panel lists gaps and conflicts alike
        return _cell("冲突", 10 * r.conflicts + r.gaps, style="bold red reverse")
    if r.gaps == 0:
        return _cell("齐全", 0)
    return _cell(f"缺{r.gaps}项", r.gaps, style="bold red")


# The columns a clerk scans first come first, so they fit an 80-column terminal.
COLUMNS: tuple[Column[CaseRow], ...] = (
    Column("village", "村名", lambda r: _cell(r.village, r.village)),
    Column("batch", "批次", lambda r: _cell(r.batch, (r.year, r.batch))),
    Column("state", "阶段", lambda r: _cell(r.state.value, STATE_ORDER[r.state], style=STATE_STYLE.get(r.state, ""))),
    Column("progress", "进度", lambda r: _cell(f"{r.done}/{r.total}" if r.total else "—",
                                             r.done / r.total if r.total else None, justify="right")),
    Column("deadline", "最近期限", lambda r: _cell(r.next_deadline.isoformat() if r.next_deadline else "",
                                                r.next_deadline, style="bold red" if r.deadline_passed else "")),
    Column("overdue", "逾期", lambda r: _cell(f"{r.overdue}项" if r.overdue else "", r.overdue or None,
                                            justify="right", style="bold red" if r.overdue else "")),
    Column("gaps", "四个一", _gaps_cell),
    Column("situations", "情形", lambda r: _cell("、".join(r.situations), r.situations or None)),
    Column("township", "乡镇", lambda r: _cell(r.township, r.township)),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


def column_label(key: str) -> str:
    return next(c.label for c in COLUMNS if c.key == key)


# Enter on the table: the same footer entry and help as the screen's (see roster_table.OPEN_COMMAND).
OPEN_COMMAND = Command("cases-table-open", "enter", "select_cursor", "详情", "打开光标所在案卷（任务、验收、回头看、阶段转换）")


class CaseTable(SortedRowTable[CaseRow]):
    """The case table. ``show(rows)`` replaces the visible rows; ``apply`` diffs them in place."""

    BINDINGS = [OPEN_COMMAND.binding()]
    COLUMNS = COLUMNS
    DEFAULT_SORT = "batch"

    @property
    def cursor_case_id(self) -> int | None:
        return self.cursor_id

    def _tiebreak(self, row: CaseRow) -> int:
        # Equal cells list cases in the order they were opened, whatever the filter.
        return row.id
