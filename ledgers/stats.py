"""Statistics for the 概览 dashboard and the 通报: one pass over the ledger, plain numbers out."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from . import people, roster
from .codec import clone
from .ledger import Ledger
from .matrix import AssignmentMatrix, assignment_matrix
from .models import CaseState, IncomeTier, RectificationCase, RosterEntry, SecretaryStatus, Task, Village
from .rules import income_tier


@dataclass(frozen=True)
class OverdueTask:
    case_id: int
    village_id: int
    village: str
    task: Task
    days: int  # days past the deadline


@dataclass(frozen=True)
class TermEnding:
    secretary: RosterEntry
    village: str
    days: int
    urgent: bool = False  # within Settings.term_urgent_days (R8's second warning) or past the end


@dataclass
class Dashboard:
    today: date
    villages: int
    cases_by_state: dict[CaseState, int]
    overdue: list[OverdueTask]
    matrix: AssignmentMatrix
    secretaries_by_status: dict[SecretaryStatus, int]
    terms_ending: list[TermEnding]
    todos: list[roster.Todo]  # R11: recalls and interviews the latest assessments ask for
    tiers: dict[IncomeTier, int]
    dual_role_ratio: float | None  # 一肩挑 share of villages with a secretary
    secretary_avg_age: float | None
    secretary_college_ratio: float | None = None  # 大专及以上 share of the secretaries whose education is known
    years: list[int] = field(default_factory=list)

    @property
    def active_cases(self) -> int:
        return sum(n for s, n in self.cases_by_state.items()
                   if s not in (CaseState.DISMISSED, CaseState.ARCHIVED, CaseState.RELAPSED))

    @property
    def overdue_villages(self) -> list[str]:
        seen: dict[str, None] = {}
        for o in self.overdue:
            seen.setdefault(o.village)
        return list(seen)


COLLEGE_WORDS = ("大专", "专科", "本科", "大学", "研究生", "硕士", "博士")  # 大专及以上


def dashboard(ledger: Ledger, year: int | None = None) -> Dashboard:
    """Figures for the whole ledger, or for the cases of one year (batch)."""
    today = ledger.today
    s = ledger.settings
    all_cases: list[RectificationCase] = ledger.records("cases")
    cases = [c for c in all_cases if year is None or c.year == year]
    by_state = Counter(c.state for c in cases)
    overdue = []
    for c in cases:
        if not c.active:
            continue
        for t in c.overdue_tasks(today):
            assert t.deadline is not None
            overdue.append(OverdueTask(c.id, c.village_id, ledger.village_name(c.village_id), clone(t),
                                       (today - t.deadline).days))
    overdue.sort(key=lambda o: (-o.days, o.village))
    entries = roster.roster(ledger)
    terms = []
    for e in entries:
        if e.serving and e.term_end is not None:
            left = (e.term_end - today).days
            if left <= s.term_warn_days:
                terms.append(TermEnding(e, e.village, left, left <= s.term_urgent_days))
    terms.sort(key=lambda t: t.days)
    villages: list[Village] = ledger.records("villages")
    tiers = Counter(income_tier(v.income(), s) for v in villages)
    # The secretaries: from the 两委 where it is on file (age from the birth date, 一肩挑 from the posts
    # held), else the registry's figures (issue 14: people, not numbers that go stale).
    secretaries = [people.secretary_facts(ledger, v, today) for v in villages]
    with_secretary = [x for x in secretaries if x is not None]
    ages = [age for _dual, age, _edu in with_secretary if age]
    educated = [any(w in edu for w in COLLEGE_WORDS) for _dual, _age, edu in with_secretary if edu]
    return Dashboard(
        today=today,
        villages=len(villages),
        cases_by_state={st: by_state.get(st, 0) for st in CaseState},
        overdue=overdue,
        matrix=assignment_matrix(ledger, year=year),
        secretaries_by_status={st: sum(1 for e in entries if e.status == st) for st in SecretaryStatus},
        terms_ending=terms,
        todos=roster.todos(ledger),
        tiers={t: tiers.get(t, 0) for t in IncomeTier},
        dual_role_ratio=(sum(dual for dual, _age, _edu in with_secretary) / len(with_secretary)
                         if with_secretary else None),
        secretary_avg_age=sum(ages) / len(ages) if ages else None,
        secretary_college_ratio=sum(educated) / len(educated) if educated else None,
        years=sorted({c.year for c in all_cases}),
    )
