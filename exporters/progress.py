"""整顿推进表: one row per task (DOMAIN.md column order), for one village or for every listed case
of the batch."""
from __future__ import annotations

from datetime import date

from ledgers.dates import cn_date
from ledgers.errors import LedgerError
from ledgers.ledger import Ledger
from ledgers.models import RectificationCase, Task

from .content import Attachment, Content, issued_table, scope_words
from .layout import SIZE_S4
from .options import ExportOptions, table_date
from .summary import NOT_LISTED, listed_cases
from .tables import Column, TableSpec

COLUMNS = (
    Column("序号", 9), Column("村名", 17), Column("具体问题", 38, "left", max_em=11),
    Column("整改措施", 46, "left", max_em=14), Column("责任领导", 20), Column("责任人", 15), Column("完成时限", 18),
    Column("完成情况", 26), Column("佐证材料", 36, "left", max_em=9),
)


def task_state(t: Task, today: date) -> str:
    """完成情况: the status, with the day it was done, the days overdue, or why it was waived."""
    kind = t.completion(today)
    if kind == "waived":
        return f"免于整改：{t.waive_note}"
    if kind == "done":
        return t.status.value + (f"\n{table_date(t.done_on)}" if t.done_on else "")
    if kind == "overdue":
        return f"{t.status.value}\n逾期{t.days_overdue(today)}天"
    return t.status.value


def cases_for(ledger: Ledger, options: ExportOptions) -> list[RectificationCase]:
    year = options.batch_year(ledger)
    if options.village_id is None:
        return listed_cases(ledger, year)
    cases = [c for c in ledger.cases_for_village(options.village_id) if c.state not in NOT_LISTED]
    chosen = [c for c in cases if year is None or c.year == year] or cases[-1:]
    if not chosen:
        raise LedgerError(f"{ledger.village_name(options.village_id)}没有已认定的整顿案卷，无法生成整顿推进表。")
    return chosen


def progress_rows(ledger: Ledger, options: ExportOptions) -> list[list[str]]:
    rows = []
    today = ledger.today
    for c in cases_for(ledger, options):
        village = ledger.village_name(c.village_id)
        for t in c.tasks:
            rows.append([str(len(rows) + 1), village, t.problem, t.measure, t.leader, t.owner,
                         table_date(t.deadline), task_state(t, today), t.evidence])
    return rows


def progress_attachment(ledger: Ledger, options: ExportOptions) -> Attachment:
    rows = progress_rows(ledger, options)
    year = options.batch_year(ledger)
    who = ledger.village_name(options.village_id) if options.village_id is not None else ledger.settings.township
    title = f"{who}{f'{year}年度' if year else ''}软弱涣散村党组织整顿推进表"
    return Attachment(title, TableSpec(COLUMNS, rows, size=SIZE_S4), subtitle=f"（截至{cn_date(ledger.today)}）",
                      rows=len(rows))


def content(ledger: Ledger, options: ExportOptions) -> Content:
    att = progress_attachment(ledger, options)
    s = ledger.settings
    body = (f"现将《{att.title}》印发给你们，请认真抓好落实。\n"
            f"各责任领导和责任人要对照问题清单和整改措施逐项推进，按时限完成整改并留存佐证材料，"
            f"推进情况每月报{scope_words(s.township)[1]}。")
    c = issued_table(s.committee_name, att, body, options.notice)
    if options.village_id is not None and c.notice:
        # one village's 推进表 goes to that village's Party organisation, not to every village
        v = ledger.village(options.village_id)
        c.to = v.org_name or f"{v.name}{v.org_type.value}"
    return c
