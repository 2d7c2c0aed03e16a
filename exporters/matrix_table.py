""""四个一"包联表: one row per village whose case needs the four slots (DOMAIN.md column order).

A gap shows ``未落实`` in the name cell (a 拟选派 first secretary is named in 备注); conflicts
(``ledgers.assignments.conflicts``) go to 备注. Stand-alone it is a 通知 with the table attached, or the table
alone under its title (``options.notice``).
"""
from __future__ import annotations

from ledgers.dates import cn_date
from ledgers.ledger import Ledger
from ledgers.matrix import assignment_matrix
from ledgers.models import Role

from .content import Attachment, Content, issued_table, scope_words
from .layout import SIZE_S4
from .options import ExportOptions, table_date
from .tables import Column, TableSpec

GAP = "未落实"

COLUMNS = (
    Column("序号", 8), Column("乡镇", 13), Column("村名", 15),
    Column("姓名", 12, group="县级联系领导"), Column("职务", 22, group="县级联系领导", max_em=7),
    Column("姓名", 12, group="乡镇包村领导"), Column("职务", 22, group="乡镇包村领导", max_em=7),
    Column("姓名", 12, group="第一书记"), Column("派出单位", 22, group="第一书记", max_em=7),
    Column("结对单位", 24, max_em=7), Column("落实时间", 17), Column("备注", 26, "left", max_em=10),
)


def matrix_rows(ledger: Ledger, year: int | None = None) -> list[list[str]]:
    """One row per village whose case of ``year`` (every batch when None) needs the four slots — the
    same villages, gaps and conflicts as ``ledgers.stats.dashboard`` counts for the 通报."""
    m = assignment_matrix(ledger, year=year)
    rows = []
    for n, r in enumerate(m.rows, 1):
        def pair(role: Role) -> list[str]:
            h = r.slots[role]
            return [h.name, h.detail] if h is not None else [GAP, ""]

        unit = r.slots[Role.PAIRED_UNIT]
        notes = [c.message for c in m.conflicts_of(r.village.id)]
        if r.gaps:
            notes.insert(0, "缺" + "、".join(g.value for g in r.gaps))
        if r.planned is not None:
            notes.insert(1 if r.gaps else 0, f"第一书记拟选派{r.planned.name}")
        rows.append([str(n), r.village.township, r.village.name, *pair(Role.COUNTY_LEADER),
                     *pair(Role.TOWNSHIP_LEADER), *pair(Role.FIRST_SECRETARY),
                     unit.name if unit is not None else GAP, table_date(r.since), "；".join(notes)])
    return rows


def matrix_attachment(ledger: Ledger, options: ExportOptions) -> Attachment:
    rows = matrix_rows(ledger, options.batch_year(ledger))
    s = ledger.settings
    return Attachment(f"{s.township}软弱涣散村党组织“四个一”包联表", TableSpec(COLUMNS, rows, size=SIZE_S4),
                      subtitle=f"（截至{cn_date(ledger.today)}）", rows=len(rows))


def content(ledger: Ledger, options: ExportOptions) -> Content:
    att = matrix_attachment(ledger, options)
    s = ledger.settings
    committee = scope_words(s.township)[1]
    body = (f"现将《{att.title}》印发给你们，请各村（社区）党组织和包联责任人认真核对。\n"
            f"“四个一”包联力量未落实的，{committee}将于近期研究配齐；包联人员有变动的，请及时报{committee}。")
    return issued_table(s.committee_name, att, body, options.notice)
