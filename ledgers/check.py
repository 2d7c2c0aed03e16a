"""Whole-ledger check: integrity errors (broken references, duplicates, conflicting postings) and
every rule finding. ``python main.py check`` exits 1 when integrity errors exist."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import roster
from .ledger import Ledger
from .matrix import assignment_matrix, find_conflicts
from .models import Level, Role
from .people import people_of
from .rules import Finding, secretary_findings, slot_findings, village_findings


@dataclass(frozen=True)
class CheckReport:
    integrity: list[Finding]
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.integrity


CONFLICT_PREFIX = "“四个一”冲突："


def _err(subject: str, msg: str, kind: str = "", ref: int = 0) -> Finding:
    return Finding(Level.ERROR, "完整性", subject, msg, kind, ref)


def integrity_problems(ledger: Ledger) -> list[Finding]:
    # Records a tolerant open left out (they do not load): named first, each with its field.
    out = [_err(f"{p.collection}#{p.id}", p.message, "", 0) for p in ledger.unreadable]
    villages = {v.id: v for v in ledger.villages()}
    cases = ledger.cases()  # each call deep-copies every case: take them once
    case_ids = {c.id for c in cases}
    for c in cases:
        if c.village_id not in villages:
            out.append(_err(f"整顿案卷#{c.id}", f"引用的村（编号{c.village_id}）不存在", "case", c.id))
        if c.relapse_of is not None and c.relapse_of not in case_ids:
            out.append(_err(f"整顿案卷#{c.id}", f"关联的原案卷#{c.relapse_of}不存在", "case", c.id))
        if c.relapsed_into is not None and c.relapsed_into not in case_ids:
            out.append(_err(f"整顿案卷#{c.id}", f"反弹后转入的案卷#{c.relapsed_into}不存在", "case", c.id))
    active = Counter(c.village_id for c in cases if c.active)
    for vid, n in active.items():
        if n > 1:
            out.append(_err(ledger.village_name(vid) or f"村#{vid}", f"同时有{n}个未结束的整顿案卷", "village", vid))
    for subject, problem, ref in roster.integrity_problems(ledger):
        out.append(_err(subject, problem, "secretary", ref))
    names = Counter((v.township, v.name) for v in villages.values())
    for (township, name), n in names.items():
        if n > 1:
            out.append(_err(f"{township}{name}", f"村名重复{n}次", "village"))
    for a in ledger.records("assignments"):
        if a.village_id not in villages:
            out.append(_err(f"包联记录#{a.id}", "引用的村不存在", "assignment", a.id))
    # Conflicts of the 四个一 (two holders of one slot, a first secretary in two villages, a holder
    # that no longer exists …): the same list the matrix, the dashboard and the 通报 count.
    for c in find_conflicts(ledger, ledger.today):
        out.append(_err(ledger.village_name(c.village_id) or f"村#{c.village_id}", CONFLICT_PREFIX + c.message,
                        "village", c.village_id))
    return out


def rule_findings(ledger: Ledger) -> list[Finding]:
    s, today = ledger.settings, ledger.today
    out: list[Finding] = []
    for v in ledger.villages():
        out += village_findings(v, s, today, people_of(ledger, v.id))
    for row in assignment_matrix(ledger).rows:
        out += slot_findings(row.village, row.case, {r: (h.name if h else None) for r, h in row.slots.items()})
    for e in roster.roster(ledger):
        out += secretary_findings(e, s, today)
    return out


def check_ledger(ledger: Ledger) -> CheckReport:
    return CheckReport(integrity_problems(ledger), rule_findings(ledger))
