"""The status of one village: everything a clerk is asked about it on the phone, in one object.

Used by the lookup card (CLI and TUI) and the village detail screen; ``to_json`` is the CLI's
``--json`` shape. Personal data is masked unless asked otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import roster
from .assignments import Conflict, conflicts, planned_holder, serving_postings
from .ledger import Holder, Ledger
from .models import CaseState, IncomeTier, RectificationCase, Role, RosterEntry, Task, Village
from .people import people_of
from .rules import Finding, income_tier, secretary_findings, slot_findings, village_findings, village_funds
from .validate import mask_phone


@dataclass
class VillageStatus:
    village: Village
    tier: IncomeTier
    case: RectificationCase | None
    overdue: list[Task]
    slots: dict[Role, Holder | None]
    secretary: RosterEntry | None  # the serving first secretary (or the planned one)
    secretary_term_end: date | None
    findings: list[Finding]
    funds: str
    past_cases: list[RectificationCase] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    planned: Holder | None = None  # a 拟选派 first secretary while the slot is a gap

    @property
    def gaps(self) -> list[Role]:
        return [r for r, h in self.slots.items() if h is None]

    def to_json(self, *, unmask: bool = False) -> dict:
        v = self.village
        c = self.case
        return {
            "id": v.id,
            "name": v.name,
            "township": v.township,
            "kind": v.kind.value,
            "population": v.population,
            "households": v.households,
            "members": {"full": v.full_members, "probationary": v.probationary_members},
            "org_type": v.org_type.value,
            "org_name": v.org_name,
            "secretary": {"name": v.secretary_name, "age": v.secretary_age, "education": v.secretary_education,
                          "is_director": v.secretary_is_director},
            "income": {"year": max(v.collective_income) if v.collective_income else None,
                       "amount": v.income(), "tier": self.tier.value},
            "tags": v.tags,
            "case": None if c is None else {
                "id": c.id, "year": c.year, "batch": c.batch, "state": c.state.value,
                "situations": c.situations, "tasks_total": len(c.tasks), "tasks_done": c.tasks_done,
                "overdue_tasks": [{"problem": t.problem, "deadline": t.deadline.isoformat() if t.deadline else None,
                                   "owner": t.owner} for t in self.overdue],
            },
            "four_ones": {r.value: (None if h is None else {"name": h.name, "detail": h.detail})
                          for r, h in self.slots.items()},
            "conflicts": [c.message for c in self.conflicts],
            "first_secretary": None if self.secretary is None else {
                "name": self.secretary.name, "unit": self.secretary.cadre.dispatching_unit,
                "status": self.secretary.status.value,
                "term_end": self.secretary_term_end.isoformat() if self.secretary_term_end else None,
                "phone": self.secretary.cadre.phone if unmask else mask_phone(self.secretary.cadre.phone),
            },
            "findings": [{"level": f.level.value, "rule": f.rule, "message": f.message} for f in self.findings],
            "funds": self.funds,
        }


def village_status(ledger: Ledger, village_id: int) -> VillageStatus:
    v = ledger.village(village_id)
    s = ledger.settings
    today = ledger.today
    cases = ledger.cases_for_village(village_id)
    active = [c for c in cases if c.active]
    case = active[-1] if active else None
    slots = ledger.slots(village_id)
    serving = serving_postings(ledger, village_id)
    planned = planned_holder(ledger, village_id) if not serving else None
    secretary = roster.entry(ledger, serving[-1]) if serving else (
        roster.posting_entry(ledger, planned.assignment_id) if planned else None)
    findings = village_findings(v, s, today, people_of(ledger, village_id))
    if case is not None and case.state != CaseState.CANDIDATE:
        findings += slot_findings(v, case, {r: (h.name if h else None) for r, h in slots.items()})
    if secretary is not None:
        findings += [f for f in secretary_findings(secretary, s, today) if f.rule in ("R8", "R10", "R11")]
    return VillageStatus(
        village=v,
        tier=income_tier(v.income(), s),
        case=case,
        overdue=case.overdue_tasks(today) if case else [],
        slots=slots,
        secretary=secretary,
        secretary_term_end=secretary.term_end if secretary else None,
        findings=findings,
        funds=village_funds(v, s).describe(),
        past_cases=[c for c in cases if c is not case],
        conflicts=conflicts(ledger, village_id=village_id),
        planned=planned,
    )
