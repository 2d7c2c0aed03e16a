"""第一书记花名册 (DOMAIN.md column order, 21 columns); ID numbers and phones masked by default."""
from __future__ import annotations

from ledgers.dates import cn_date
from ledgers.ledger import Ledger
from ledgers.models import ENDED_SECRETARY_STATES, FirstSecretary
from ledgers.rules import term_end
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
    # an ID number on two lines of nine characters; the second may end in a capital X (¾ em wide)
    Column("身份证号", 22, max_em=4.75), Column("联系电话", 15, max_em=3), Column("年度考核", 13, max_em=5),
    Column("状态", 10), Column("备注", 12, "left", max_em=6),
)


def secretaries(ledger: Ledger, options: ExportOptions) -> list[FirstSecretary]:
    rows = ledger.secretaries()
    if not options.include_ended:
        rows = [f for f in rows if f.status not in ENDED_SECRETARY_STATES]
    return rows


def roster_rows(ledger: Ledger, options: ExportOptions) -> list[list[str]]:
    out = []
    for n, f in enumerate(secretaries(ledger, options), 1):
        # village_name reads the cache without copying the record (1,500 copies cost 0.05 s)
        village = ledger.village_name(f.village_id)
        township = f.township or (ledger.village(f.village_id).township if village else "")
        posted = township + village
        grades = "\n".join(f"{year}年{grade.value}" for year, grade in sorted(f.assessments.items()))
        note = f.note
        if f.recall_reason is not None:
            note = f"召回原因：{f.recall_reason.value}" + (f"；{note}" if note else "")
        out.append([
            str(n), f.name, f.gender.value, f.ethnicity, month_text(f.birth), f.political_status, f.education,
            f.dispatching_unit, f.unit_level.value, f.original_post, f.rank, posted, f.village_type.value, f.batch,
            table_date(f.arrival), table_date(term_end(f)),
            mask_id(f.id_number) if options.mask else f.id_number,
            mask_phone(f.phone) if options.mask else f.phone,
            grades, f.status.value, note,
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
