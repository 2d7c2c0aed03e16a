"""拉网式排查结果表 (issue 14): every village of the year, the situations its data shows (with the
evidence), those the clerk ticked (with the 线索来源), and the decision — the table the 党委 meeting
decides the list from. A 通知 with the table attached, or the table alone (``--table-only``); the
same rows are the .xlsx sheet (``xlsx_out.screening_sheet``). Villages in the registry's order.
"""
from __future__ import annotations

from ledgers import screening
from ledgers.dates import cn_date
from ledgers.ledger import Ledger

from .content import Attachment, Content, issued_table, scope_words
from .layout import SIZE_S4
from .options import ExportOptions
from .tables import Column, TableSpec

SCREENING_HEADER = ("序号", "乡镇", "村名", "数据提示的情形", "依据", "经办人勾选的情形", "排查结论", "理由或备注")
COLUMNS = (
    Column("序号", 8), Column("乡镇", 13), Column("村名", 15), Column("数据提示的情形", 18, max_em=6),
    Column("依据", 60, "left", max_em=18), Column("经办人勾选的情形", 30, "left", max_em=8),
    Column("排查结论", 18, max_em=6), Column("理由或备注", 36, "left", max_em=10),
)


def screening_rows(ledger: Ledger, year: int) -> list[list[str]]:
    rows = []
    for n, r in enumerate(screening.screen(ledger, year), 1):
        codes = "、".join(dict.fromkeys(p.code for p in r.proposals))
        evidence = "；".join(f"{p.code} {p.evidence}" for p in r.proposals)
        rec = r.record
        ticked = "；".join(f"{code}（{c.source}{'：' + c.note if c.note else ''}）"
                          for code, c in (rec.clues.items() if rec else ()))
        if rec is not None:
            decision = rec.decision.value
            note = rec.reason or ("、".join(rec.codes) if rec.codes else "")
        elif r.open_case:
            decision, note = "已在整顿中", "已有未结束的整顿案卷"
        else:
            decision, note = "待党委研究" if r.proposals else "未发现", ""
        rows.append([str(n), r.village.township, r.village.name, codes or "—", evidence, ticked, decision, note])
    return rows


def screening_attachment(ledger: Ledger, options: ExportOptions) -> Attachment:
    year = options.batch_year(ledger) or ledger.today.year
    rows = screening_rows(ledger, year)
    s = ledger.settings
    return Attachment(f"{s.township}{year}年软弱涣散村党组织拉网式排查结果表", TableSpec(COLUMNS, rows, size=SIZE_S4),
                      subtitle=f"（截至{cn_date(ledger.today)}）", rows=len(rows))


def content(ledger: Ledger, options: ExportOptions) -> Content:
    att = screening_attachment(ledger, options)
    s = ledger.settings
    whole, committee = scope_words(s.township)
    body = (f"根据软弱涣散村党组织整顿工作安排，{committee}对{whole}各村（社区）党组织开展了拉网式排查，"
            f"现将《{att.title}》印发给你们。\n"
            f"“数据提示的情形”来自台账记录，“经办人勾选的情形”注明线索来源，拟认定名单由{committee}研究确定。"
            "如有出入，请于一周内报党建办。")
    return issued_table(s.committee_name, att, body, options.notice)
