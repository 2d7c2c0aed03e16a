"""附件：整顿台账汇总表 — one row per listed case, in DOMAIN.md's column order (21 columns)."""
from __future__ import annotations

from ledgers.ledger import Ledger
from ledgers.models import SLOTTED_CASE_STATES, CaseState, RectificationCase, Role

from .layout import SIZE_S5
from .options import table_date
from .tables import Column, TableSpec

# States of a case that was listed (认定) in its batch: everything but 拟认定 and 未认定.
NOT_LISTED = frozenset({CaseState.CANDIDATE, CaseState.DISMISSED})

COLUMNS = (
    Column("序号", 7), Column("乡镇", 11), Column("村名", 12), Column("党组织名称", 15, "left", max_em=6),
    Column("组织类型", 10), Column("党员数", 8), Column("村党组织书记", 11), Column("认定年度/批次", 11),
    Column("软弱涣散情形", 24, "left", min_em=6, max_em=10), Column("主要问题", 22, "left", min_em=5, max_em=9),
    Column("县级联系领导", 10), Column("乡镇包村领导", 10), Column("第一书记", 10),
    Column("结对单位", 14, "left", max_em=6), Column("整改措施（项数/已完成）", 11), Column("完成时限", 11),
    Column("当前阶段", 10), Column("验收时间", 11), Column("验收得分", 8), Column("销号时间", 11),
    Column("备注", 11, "left", max_em=6),
)


def listed_cases(ledger: Ledger, year: int | None) -> list[RectificationCase]:
    """Cases of ``year`` (all years when None) that were listed as weak branches."""
    rank = ledger.village_rank()
    cases = [c for c in ledger.cases() if (year is None or c.year == year) and c.state not in NOT_LISTED]
    return sorted(cases, key=lambda c: (rank.get(c.village_id, len(rank)), c.year, c.id))


def _deadline(c: RectificationCase):
    deadlines = [t.deadline for t in c.tasks if t.deadline]
    return c.rectify_deadline or (max(deadlines) if deadlines else None)


def summary_rows(ledger: Ledger, year: int | None) -> list[list[str]]:
    rows = []
    for n, c in enumerate(listed_cases(ledger, year), 1):
        v = ledger.village(c.village_id)
        slots = ledger.slots(c.village_id)
        situations = "；".join(ledger.situation_text(code) for code in c.situations)
        if c.situation_note:
            situations += f"（{c.situation_note}）"
        problem = c.problem_summary or "；".join(t.problem for t in c.tasks)
        acc = c.last_acceptance
        note = c.note
        if c.relapse_of:
            note = "反弹后重新列入" + (f"；{note}" if note else "")
        gap = "未落实" if c.state in SLOTTED_CASE_STATES else ""  # closed cases need no 四个一

        def holder(role: Role) -> str:
            h = slots[role]
            return h.name if h is not None else gap

        rows.append([
            str(n), v.township, v.name, v.org_name or f"{v.name}{v.org_type.value}", v.org_type.value, str(v.members), v.secretary_name,
            c.batch or f"{c.year}年", situations, problem, holder(Role.COUNTY_LEADER), holder(Role.TOWNSHIP_LEADER),
            holder(Role.FIRST_SECRETARY), holder(Role.PAIRED_UNIT), f"{len(c.tasks)}/{c.tasks_done}",
            table_date(_deadline(c)), c.state.value, table_date(acc.on if acc else None),
            "" if acc is None or acc.score is None else f"{acc.score:g}", table_date(c.signed_off_on),
            note,
        ])
    return rows


def summary_table(ledger: Ledger, year: int | None) -> TableSpec:
    """21 columns across one A4 landscape page: 小五 type, narrow cell padding and dates on two lines
    (四号/小四 would leave two characters a column); long texts wrap in their cells."""
    rows = summary_rows(ledger, year)
    return TableSpec(COLUMNS, rows, size=SIZE_S5, margin=28, totals=summary_totals(rows))


def summary_totals(rows: list[list[str]]) -> list[str]:
    """合计 under the columns that are counts: villages, Party members, tasks (all / done)."""
    if not rows:
        return []
    col = {c.title: i for i, c in enumerate(COLUMNS)}
    out = [""] * len(COLUMNS)
    out[col["序号"]] = "合计"
    out[col["村名"]] = f"{len(rows)}个"
    out[col["党员数"]] = str(sum(int(r[col["党员数"]] or 0) for r in rows))
    tasks = [r[col["整改措施（项数/已完成）"]].split("/") for r in rows]
    out[col["整改措施（项数/已完成）"]] = f"{sum(int(a) for a, _ in tasks)}/{sum(int(b) for _, b in tasks)}"
    return out
