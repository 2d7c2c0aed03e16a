"""第一书记花名册 (DOMAIN.md column order, 21 columns); ID numbers and phones masked by default."""
from __future__ import annotations

from datetime import date

from ledgers.dates import cn_date
from ledgers.ledger import Ledger
from ledgers.models import RosterEntry
from ledgers.roster import roster
from ledgers.validate import mask_id, mask_phone

from .content import Attachment, Content, issued_table, scope_words
from .layout import SIZE_S5
from .options import ExportOptions, month_text, table_date
from .tables import Column, TableSpec

COLUMNS = (
    Column("序号", 9), Column("姓名", 12), Column("性别", 7), Column("民族", 9), Column("出生年月", 13),
    Column("政治面貌", 10), Column("学历", 10), Column("派出单位", 18, "left", max_em=6), Column("单位层级", 9),
    Column("原职务", 11), Column("职级", 12, max_em=4), Column("驻村", 17, "left", max_em=6),
    Column("村类型", 12, max_em=5), Column("选派批次", 9), Column("到村时间", 14), Column("任期届满时间", 14),
    # an ID number, a phone and a date are one word each: never broken (exporters/words.py)
    Column("身份证号", 22), Column("联系电话", 15), Column("年度考核", 13, max_em=5),
    Column("状态", 10), Column("备注", 12, "left", max_em=6),
)


def secretaries(ledger: Ledger, options: ExportOptions) -> list[RosterEntry]:
    """In the registry's village order (``Ledger.village_rank``), as every document lists villages."""
    rank = ledger.village_rank()
    entries = roster(ledger, include_ended=options.include_ended)
    return sorted(entries, key=lambda e: (rank.get(e.posting.village_id, len(rank)), e.posting.arrival or date.max,
                                          e.id))


def roster_rows(ledger: Ledger, options: ExportOptions) -> list[list[str]]:
    out = []
    entries = secretaries(ledger, options)
    # The township in 驻村 only when the roster spans several (the title names a single one).
    several = len({e.township for e in entries}) > 1
    for n, e in enumerate(entries, 1):
        c, p = e.cadre, e.posting
        grades = "\n".join(f"{year}年{grade.value}" for year, grade in sorted(p.assessments.items()))
        note = p.note
        if p.recall_reason is not None:
            note = f"召回原因：{p.recall_reason.value}" + (f"；{note}" if note else "")
        out.append([
            str(n), c.name, c.gender.value, c.ethnicity, month_text(c.birth), c.political_status, c.education,
            c.dispatching_unit, c.unit_level.value, c.original_post, c.rank,
            e.township + e.village if several else e.village,
            p.village_type.value, p.batch, table_date(p.arrival), table_date(e.term_end),
            mask_id(c.id_number) if options.mask else c.id_number,
            mask_phone(c.phone) if options.mask else c.phone,
            grades, e.status.value, note,
        ])
    return out


def roster_attachment(ledger: Ledger, options: ExportOptions) -> Attachment:
    rows = roster_rows(ledger, options)
    return Attachment(f"{ledger.settings.township}第一书记花名册", TableSpec(COLUMNS, rows, size=SIZE_S5, margin=28),
                      subtitle=f"（截至{cn_date(ledger.today)}）", rows=len(rows))


def content(ledger: Ledger, options: ExportOptions) -> Content:
    att = roster_attachment(ledger, options)
    s = ledger.settings
    body = (f"现将《{att.title}》印发给你们，请各村（社区）党组织和派出单位认真核对。\n"
            f"第一书记的任职、考核和联系方式等信息有变动的，请及时报{scope_words(s.township)[1]}。")
    return issued_table(s.committee_name, att, body, options.notice)
