"""The "四个一" matrix: for every village with a case that needs the four slots, who holds them,
the gaps and the conflicts (decided in ``ledgers.assignments``, shown the same everywhere)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .assignments import Conflict, conflicts, planned_holder, slots
from .ledger import Holder, Ledger
from .models import SLOTTED_CASE_STATES, RectificationCase, Role, Village

__all__ = ["AssignmentMatrix", "Conflict", "MatrixRow", "assignment_matrix", "find_conflicts"]


@dataclass(frozen=True)
class MatrixRow:
    village: Village
    case: RectificationCase
    slots: dict[Role, Holder | None]
    since: date | None  # 落实时间: when the last of the filled slots was set
    planned: Holder | None = None  # a 拟选派 first secretary while the slot is still a gap
    conflicts: tuple[Conflict, ...] = field(default_factory=tuple)

    @property
    def gaps(self) -> list[Role]:
        return [r for r, h in self.slots.items() if h is None]

    @property
    def complete(self) -> bool:
        return not self.gaps


@dataclass(frozen=True)
class AssignmentMatrix:
    rows: list[MatrixRow]
    conflicts: list[Conflict]

    @property
    def gap_count(self) -> int:
        return sum(len(r.gaps) for r in self.rows)

    @property
    def complete_count(self) -> int:
        return sum(1 for r in self.rows if r.complete and not r.conflicts)

    def conflicts_of(self, village_id: int) -> list[Conflict]:
        return [c for c in self.conflicts if c.village_id == village_id]


def assignment_matrix(ledger: Ledger, on: date | None = None, year: int | None = None) -> AssignmentMatrix:
    """The 四个一 of every village whose case needs it (only the cases of ``year`` when given); its
    conflicts are those of ``assignments.conflicts`` at the listed villages."""
    day = on or ledger.today
    found = conflicts(ledger, day)
    by_village: dict[int, list[Conflict]] = {}
    for c in found:
        by_village.setdefault(c.village_id, []).append(c)
    rows = []
    villages = ledger._cache["villages"]
    for case in ledger.records("cases"):
        if case.state not in SLOTTED_CASE_STATES or (year is not None and case.year != year):
            continue
        v = villages.get(case.village_id)
        if v is None:
            continue  # a dangling case: ``check`` reports it
        held = slots(ledger, case.village_id, day)
        starts = [h.start for h in held.values() if h is not None and h.start]
        planned = planned_holder(ledger, v.id) if held[Role.FIRST_SECRETARY] is None else None
        rows.append(MatrixRow(v, case, held, max(starts) if starts else None, planned,
                              tuple(by_village.get(v.id, ()))))
    rank = ledger.village_rank()
    rows.sort(key=lambda r: (rank.get(r.village.id, len(rank)), r.case.year, r.case.id))
    listed = {r.village.id for r in rows}
    return AssignmentMatrix(rows, [c for c in found if c.village_id in listed])


def find_conflicts(ledger: Ledger, day: date | None = None) -> list[Conflict]:
    """Every conflict in the ledger (not only at villages in the matrix): ``check`` reports these."""
    return conflicts(ledger, day)
