"""The "四个一" matrix: for every village with an active case, its four slots, gaps and conflicts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import NotFound
from .ledger import Holder, Ledger
from .models import ENDED_SECRETARY_STATES, RectificationCase, Role, Village


@dataclass(frozen=True)
class Conflict:
    village_id: int
    role: Role
    message: str


@dataclass(frozen=True)
class MatrixRow:
    village: Village
    case: RectificationCase
    slots: dict[Role, Holder | None]
    since: date | None  # 落实时间: when the last of the filled slots was set

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

    def conflicts_of(self, village_id: int) -> list[Conflict]:
        return [c for c in self.conflicts if c.village_id == village_id]


def assignment_matrix(ledger: Ledger, on: date | None = None, year: int | None = None) -> AssignmentMatrix:
    """The 四个一 of every village whose case needs it (only the cases of ``year`` when given)."""
    day = on or ledger.today
    rows = []
    for case in ledger.slotted_cases():
        if year is not None and case.year != year:
            continue
        slots = ledger.slots(case.village_id, day)
        starts = [h.start for h in slots.values() if h is not None and h.start]
        rows.append(MatrixRow(ledger.village(case.village_id), case, slots, max(starts) if starts else None))
    rows.sort(key=lambda r: (r.village.township, r.village.name))
    conflicts = find_conflicts(ledger, day)
    if year is not None:
        listed = {r.village.id for r in rows}
        conflicts = [c for c in conflicts if c.village_id in listed]
    return AssignmentMatrix(rows, conflicts)


def find_conflicts(ledger: Ledger, day: date) -> list[Conflict]:
    """A first secretary active in two villages; an ended posting still holding a slot."""
    out: list[Conflict] = []
    by_secretary: dict[int, list[int]] = {}
    for a in ledger.assignments(active_on=day):
        if a.role == Role.FIRST_SECRETARY:
            by_secretary.setdefault(a.holder_id, []).append(a.village_id)
    for fs_id, villages in by_secretary.items():
        try:
            fs = ledger.secretary(fs_id)
        except NotFound:
            continue  # a dangling reference: ``check.integrity_problems`` reports it on its own
        if len(set(villages)) > 1:
            names = "、".join(ledger.village_name(v) for v in sorted(set(villages)))
            for v in sorted(set(villages)):
                out.append(Conflict(v, Role.FIRST_SECRETARY, f"第一书记{fs.name}同时在{names}包联"))
        if fs.status in ENDED_SECRETARY_STATES:
            for v in sorted(set(villages)):
                out.append(Conflict(v, Role.FIRST_SECRETARY,
                                    f"第一书记{fs.name}已“{fs.status.value}”，仍在“四个一”名单中"))
    return out
