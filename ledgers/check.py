"""Whole-ledger check: integrity errors (broken references, duplicates, conflicting postings) and
every rule finding. ``python main.py check`` exits 1 when integrity errors exist."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .ledger import Ledger
from .matrix import find_conflicts
from .models import Level, Role
from .rules import Finding, secretary_findings, slot_findings, village_findings


@dataclass(frozen=True)
class CheckReport:
    integrity: list[Finding]
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.integrity


def _err(subject: str, msg: str, kind: str = "", ref: int = 0) -> Finding:
    return Finding(Level.ERROR, "完整性", subject, msg, kind, ref)


def integrity_problems(ledger: Ledger) -> list[Finding]:
    out = []
    villages = {v.id: v for v in ledger.villages()}
    cases = ledger.cases()  # each call deep-copies every case: take them once
    secretaries = ledger.secretaries()
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
    for fs in secretaries:
        if fs.village_id is not None and fs.village_id not in villages:
            out.append(_err(fs.name, f"驻村（编号{fs.village_id}）不存在", "secretary", fs.id))
    ids = Counter(fs.id_number for fs in secretaries if fs.id_number)
    for number, n in ids.items():
        if n > 1:
            names = "、".join(f.name for f in secretaries if f.id_number == number)
            out.append(_err(names, f"{n}条花名册记录的身份证号相同", "secretary"))
    names = Counter((v.township, v.name) for v in villages.values())
    for (township, name), n in names.items():
        if n > 1:
            out.append(_err(f"{township}{name}", f"村名重复{n}次", "village"))
    for a in ledger.assignments():
        if a.village_id not in villages:
            out.append(_err(f"包联记录#{a.id}", "引用的村不存在", "assignment", a.id))
        name, _ = ledger.holder_name(a.role, a.holder_id)
        if name == "（已删除）":
            out.append(_err(f"包联记录#{a.id}", f"引用的{a.role.value}不存在", "assignment", a.id))
    slots: Counter[tuple[int, Role]] = Counter(
        (a.village_id, a.role) for a in ledger.assignments(active_on=ledger.today))
    for (vid, role), n in slots.items():
        if n > 1:
            out.append(_err(ledger.village_name(vid), f"{role.value}同时有{n}人（单位）在岗", "village", vid))
    for c in find_conflicts(ledger, ledger.today):
        out.append(_err(ledger.village_name(c.village_id), c.message, "village", c.village_id))
    return out


def rule_findings(ledger: Ledger) -> list[Finding]:
    s, today = ledger.settings, ledger.today
    out: list[Finding] = []
    for v in ledger.villages():
        out += village_findings(v, s, today)
    for c in ledger.slotted_cases():
        slots = ledger.slots(c.village_id)
        out += slot_findings(ledger.village(c.village_id), c, {r: (h.name if h else None) for r, h in slots.items()},
                             None)
    for fs in ledger.secretaries():
        out += secretary_findings(fs, s, today)
    return out


def check_ledger(ledger: Ledger) -> CheckReport:
    return CheckReport(integrity_problems(ledger), rule_findings(ledger))
