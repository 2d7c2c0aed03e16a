"""通报：软弱涣散村党组织整顿工作进展情况 — figures from ``ledgers.stats.dashboard``.

The 正文 is generated from the current figures (listed, each stage, overdue tasks by village,
"四个一" gaps and conflicts) plus the office's editable 下步工作要求 template
(``settings.circular_requirements``); the clerk may edit the whole text before it is written.
Attachments: the 整顿台账 summary and the "四个一"包联表.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ledgers.dates import cn_date
from ledgers.ledger import Ledger
from ledgers.models import AcceptanceResult, CaseState, Role
from ledgers.stats import dashboard

from .content import Attachment, Content, scope_words
from .layout import demote_headings
from .matrix_table import matrix_attachment
from .options import ExportOptions
from .summary import NOT_LISTED, listed_cases, summary_table

# How each stage is named in the 通报, in life-cycle order (listed cases only).
STATE_PHRASES: dict[CaseState, str] = {
    CaseState.IDENTIFIED: "已认定待整顿",
    CaseState.RECTIFYING: "整顿中",
    CaseState.AWAITING_ACCEPTANCE: "待验收",
    CaseState.ACCEPTED: "验收合格待销号",
    CaseState.SIGNED_OFF: "已销号",
    CaseState.CONSOLIDATING: "巩固提升",
    CaseState.ARCHIVED: "已归档",
    CaseState.RELAPSED: "反弹",
}


@dataclass(frozen=True)
class VillageOverdue:
    village: str
    tasks: int
    max_days: int


@dataclass(frozen=True)
class FailedAcceptance:
    village: str
    on: date
    score: float | None
    result: str


@dataclass(frozen=True)
class Relapse:
    village: str
    on: date
    case_year: int
    relisted: str  # what became of it: "已重新列入整顿" / "正在核查认定" / ""
    in_summary: bool  # the new case is a row of 附件1


@dataclass(frozen=True)
class CircularFigures:
    """Every number the 通报 states, taken from one ``dashboard`` call."""

    year: int | None
    today: date
    total: int  # cases of the batch
    listed: int  # of which listed (认定)
    by_state: dict[CaseState, int]
    overdue: list[VillageOverdue]
    gaps: list[tuple[str, list[Role]]]  # village → missing roles
    conflicts: list[str] = field(default_factory=list)
    failed: list[FailedAcceptance] = field(default_factory=list)  # acceptances that did not pass
    relapsed: list[Relapse] = field(default_factory=list)  # 回头看 that found a relapse in the period

    @property
    def overdue_tasks(self) -> int:
        return sum(o.tasks for o in self.overdue)

    @property
    def gap_count(self) -> int:
        return sum(len(roles) for _, roles in self.gaps)


def figures(ledger: Ledger, year: int | None) -> CircularFigures:
    d = dashboard(ledger, year)
    by_village: dict[str, VillageOverdue] = {}
    for o in d.overdue:  # sorted most overdue first
        prev = by_village.get(o.village)
        by_village[o.village] = VillageOverdue(o.village, (prev.tasks if prev else 0) + 1,
                                               max(prev.max_days if prev else 0, o.days))
    gaps = [(r.village.name, r.gaps) for r in d.matrix.rows if r.gaps]
    # One line per conflict at each village, as the matrix, the dashboard and ``check`` count them.
    names = {r.village.id: r.village.name for r in d.matrix.rows}
    conflicts = [f"{names.get(c.village_id, '')}：{c.message}" for c in d.matrix.conflicts]
    total = sum(d.cases_by_state.values())
    listed = sum(n for s, n in d.cases_by_state.items() if s not in NOT_LISTED)
    # The listed cases in the 附件1's order: what the 通报 states of them is what its rows show.
    listed_ids = set()
    failed: list[FailedAcceptance] = []
    for c in listed_cases(ledger, year):
        listed_ids.add(c.id)
        for a in c.acceptances:
            if a.result == AcceptanceResult.FAIL:
                failed.append(FailedAcceptance(ledger.village_name(c.village_id), a.on, a.score, a.result.value))
    # A relapse belongs to the period in which the 回头看 found it, whichever batch the case was.
    rank = ledger.village_rank()
    relapsed: list[Relapse] = []
    for c in sorted(ledger.cases(), key=lambda c: (rank.get(c.village_id, len(rank)), c.year, c.id)):
        for r in c.reviews:
            if r.relapsed and (year is None or r.on.year == year):
                new = next((x for x in ledger.cases() if x.id == c.relapsed_into), None) if c.relapsed_into else None
                relisted = "" if new is None else "正在核查认定" if new.state in NOT_LISTED else "已重新列入整顿"
                relapsed.append(Relapse(ledger.village_name(c.village_id), r.on, c.year, relisted,
                                        new is not None and new.id in listed_ids))
    return CircularFigures(year, d.today, total, listed, dict(d.cases_by_state), list(by_village.values()),
                           gaps, conflicts, failed, relapsed)


def body_text(ledger: Ledger, f: CircularFigures) -> str:
    s = ledger.settings
    whole, committee = scope_words(s.township)
    year_text = f"{f.year}年度" if f.year else ""
    lines = [
        f"为深入贯彻落实抓党建促乡村振兴有关部署，持续推进软弱涣散村党组织整顿工作，{committee}对{whole}{year_text}"
        f"软弱涣散村党组织整顿工作进展情况进行了梳理。现将有关情况通报如下。",
        "一、总体进展",
    ]
    dismissed = f.by_state.get(CaseState.DISMISSED, 0)
    candidate = f.by_state.get(CaseState.CANDIDATE, 0)
    first = f"截至{cn_date(f.today)}，{whole}{year_text}共排查列入软弱涣散村党组织{f.total}个，认定{f.listed}个"
    if dismissed:
        first += f"，经核查未予认定{dismissed}个"
    if candidate:
        first += f"，正在核查认定{candidate}个"
    lines.append(first + "。")
    if f.listed:
        stages = "、".join(f"{phrase}{f.by_state[state]}个" for state, phrase in STATE_PHRASES.items()
                           if f.by_state.get(state))
        lines.append(f"已认定的{f.listed}个村党组织中，{stages}（详见附件1）。")
    lines.append("二、存在的问题")
    if not f.total:
        lines.append(f"{whole}{year_text}暂无列入整顿的软弱涣散村党组织，不涉及整改任务和“四个一”包联。")
        return _requirements(s, lines)
    n = iter("（一）（二）（三）（四）（五）".replace("）", "）|").split("|"))
    if f.overdue:
        detail = "；".join((f"{o.village}{o.tasks}项（最长逾期{o.max_days}天）" if o.tasks > 1 else f"{o.village}1项（逾期{o.max_days}天）") for o in f.overdue)
        lines.append(f"{next(n)}部分整改任务逾期未完成。共有{len(f.overdue)}个村{f.overdue_tasks}项整改任务超过完成时限"
                     f"仍未完成：{detail}。相关责任领导和责任人要逐项分析原因，限期完成。")
    else:
        lines.append(f"{next(n)}整改任务均在完成时限内推进，暂无逾期未完成的整改任务。")
    if f.failed:
        detail = "；".join(f"{x.village}于{cn_date(x.on)}验收" + (f"得分{x.score:g}分，" if x.score is not None else "")
                           + f"等次为{x.result}" for x in f.failed)
        lines.append(f"{next(n)}部分村验收未通过。{len(f.failed)}次验收未通过：{detail}（详见附件1）。"
                     f"未通过验收的村须针对验收发现的问题重新整改，整改到位后再申请验收。")
    if f.relapsed:
        detail = "；".join(
            f"{x.village}（{x.case_year}年度整顿村）{cn_date(x.on)}回头看发现反弹"
            + (f"，{x.relisted}" if x.relisted else "") + ("（详见附件1）" if x.in_summary else "")
            for x in f.relapsed)
        lines.append(f"{next(n)}个别村出现反弹。{len(f.relapsed)}个村整顿销号后出现反弹：{detail}。"
                     f"要深入剖析反弹原因，巩固整顿成果，防止问题反复。")
    if f.gaps:
        detail = "；".join(f"{village}缺{'、'.join(r.value for r in roles)}" for village, roles in f.gaps)
        text = (f"{next(n)}“四个一”包联力量尚未配齐。{len(f.gaps)}个村“四个一”包联力量未配齐，共缺{f.gap_count}项："
                f"{detail}（详见附件2）。")
    else:
        text = f"{next(n)}“四个一”包联力量已全部配齐（详见附件2）。"
    if f.conflicts:
        text += f"另有{len(f.conflicts)}处包联冲突：" + "；".join(f.conflicts) + "，须及时调整。"
    lines.append(text)
    return _requirements(s, lines)


def _requirements(s, lines: list[str]) -> str:  # noqa: ANN001 - Settings
    lines.append("三、下步工作要求")
    requirements = s.circular_requirements.strip()
    if requirements:
        lines.append(demote_headings(requirements))
    return "\n".join(lines)


def content(ledger: Ledger, options: ExportOptions) -> Content:
    year = options.batch_year(ledger)
    f = figures(ledger, year)
    s = ledger.settings
    year_text = f"{year}年度" if year else ""
    as_of = f"（截至{cn_date(ledger.today)}）"
    summary = summary_table(ledger, year)
    matrix = matrix_attachment(ledger, options)
    # within the township's own 通报 the attachment titles need not repeat the township
    return Content(
        title=f"{s.committee_name}关于{year_text}软弱涣散村党组织整顿工作进展情况的通报",
        body=body_text(ledger, f),
        attachments=[
            Attachment(f"{year_text}软弱涣散村党组织整顿台账汇总表", summary, subtitle=as_of,
                       rows=len(listed_cases(ledger, year))),
            Attachment("软弱涣散村党组织“四个一”包联表", matrix.table, subtitle=matrix.subtitle, rows=matrix.rows),
        ],
        doc_type="通报",
    )
