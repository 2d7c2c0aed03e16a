"""The read-only panels of one rectification case (整顿案卷 detail): facts and situations, the
四个一 slots, progress, acceptances, reviews and the transition history.

Each function turns plain domain objects into a Rich renderable; user text always enters as
``rich.text.Text`` (never markup). Values that hold a date are separated by spaces so a narrow
terminal wraps between words instead of cutting ``2026-05-07`` in two.
"""
from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ledgers.ledger import Holder, Ledger
from ledgers.models import RectificationCase, Role
from ledgers.rules import consolidation_end, dissatisfied_pct

from .facts import facts


def holder_text(h: Holder) -> Text:
    """``赵立新（县委常委） 2026-05-07起``: the date is its own word."""
    text = Text(h.name)
    if h.detail:
        text.append(f"（{h.detail}）")
    if h.start:
        text.append(f" {h.start.isoformat()}起", style="dim")
    return text


def info_panel(c: RectificationCase, ledger: Ledger) -> RenderableType:
    rows: list[tuple[str, str | Text]] = []
    sits = Text()
    for n, code in enumerate(c.situations):
        if n:
            sits.append("\n")
        sits.append(code, style="bold").append(" " + ledger.situation_text(code))
    rows.append(("软弱涣散情形", sits if c.situations else Text("（未认定）", style="dim")))
    if c.situation_note:
        rows.append(("情形说明", c.situation_note))
    rows.append(("主要问题", c.problem_summary or "—"))
    rows.append(("原因分析", c.cause_analysis or "—"))
    if c.identified_on:
        rows.append(("认定日期", c.identified_on.isoformat()))
    if c.rectify_deadline:
        rows.append(("整改完成时限", c.rectify_deadline.isoformat()))
    if c.dismissed_reason:
        rows.append(("不予认定理由", c.dismissed_reason))
    if c.signed_off_on:
        end = consolidation_end(c, ledger.settings)
        rows.append(("销号", f"{c.signed_off_on.isoformat()} 审批人：{c.approver or '—'}"))
        if end:
            over = ledger.today >= end
            rows.append(("巩固提升期至", Text(end.isoformat() + ("（已满）" if over else ""),
                                          style="green" if over else "")))
    if c.note:
        rows.append(("备注", c.note))
    return facts(rows)


def slots_panel(slots: dict[Role, Holder | None], needed: bool) -> RenderableType:
    """The four 四个一 slots; an empty one is red only when the case's stage needs it filled."""
    rows: list[tuple[str, str | Text]] = []
    for role, h in slots.items():
        if h is None:
            rows.append((role.value, Text("未落实", style="bold red" if needed else "dim")))
        else:
            rows.append((role.value, holder_text(h)))
    return facts(rows)


def progress_panel(c: RectificationCase) -> RenderableType:
    if not c.progress:
        return Text("无（按 p 记录）", style="dim")
    return Group(*(Text.assemble((p.on.isoformat(), "bold"), f"  {p.text}", (f"  {p.who}" if p.who else "", "dim"))
                   for p in c.progress))


def acceptances_panel(c: RectificationCase) -> RenderableType:
    if not c.acceptances:
        return Text("无", style="dim")
    lines = []
    for a in c.acceptances:
        pct = dissatisfied_pct(a)
        line = Text.assemble((a.on.isoformat(), "bold"), "  ",
                             (str(a.result), "bold green" if str(a.result) == "合格" else "bold red"))
        line.append(f"  得分{a.score:g}" if a.score is not None else "  未评分")
        line.append(f"  测评：参评{a.participants} 满意{a.satisfied} 基本满意{a.basically_satisfied} "
                    f"不满意{a.dissatisfied}" + (f"（{pct:.1f}%）" if pct is not None else ""))
        if a.members:
            line.append("\n  验收组：" + "、".join(a.members))
        for label, text in (("乡镇党委意见", a.township_opinion), ("县委组织部意见", a.county_opinion), ("备注", a.note)):
            if text:
                line.append(f"\n  {label}：{text}")
        lines.append(line)
    return Group(*lines)


def reviews_panel(c: RectificationCase) -> RenderableType:
    if not c.reviews:
        return Text("无", style="dim")
    return Group(*(Text.assemble((r.on.isoformat(), "bold"), "  ", ("已反弹 " if r.relapsed else "", "bold red"),
                                 r.finding, (f"  {r.who}" if r.who else "", "dim")) for r in c.reviews))


def history_panel(c: RectificationCase) -> RenderableType:
    if not c.history:
        return Text("无", style="dim")
    lines = []
    for h in c.history:
        frm = str(h.from_state) if h.from_state else "—"
        line = Text.assemble((h.on.isoformat(), "bold"), f"  {frm} → ", (str(h.to_state), "bold"))
        if h.reason:
            line.append(f"  {h.reason}")
        if h.who:
            line.append(f"  {h.who}", style="dim")
        lines.append(line)
    return Group(*lines)
