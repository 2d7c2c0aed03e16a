"""Life cycles: the rectification case and the first-secretary posting (DOMAIN.md).

Each transition has a guard that returns what is missing (hard: the transition is refused with a
Chinese message naming it) and what is only advisable (soft: warnings the clerk acknowledges).
``check_*`` only looks; ``apply_*`` changes the object in memory and records history. Saving is the
ledger service's job, so a refused transition never writes anything.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .dates import add_months, day_before
from .errors import TransitionRefused
from .models import (
    AcceptanceResult,
    CaseState,
    Posting,
    RecallReason,
    RectificationCase,
    Role,
    SecretaryStatus,
    Settings,
    StatusChange,
    TaskStatus,
    Transition,
)
from .rules import acceptance_problems, consolidation_end, term_end

S = CaseState


@dataclass
class CaseInput:
    """What a transition's confirm form collects; each guard reads only what it needs."""

    on: date | None = None  # the date of the step (identification, sign-off …); defaults to today
    who: str = ""
    reason: str = ""
    situations: list[str] | None = None
    situation_note: str | None = None
    new_deadline: date | None = None
    approver: str = ""
    filled_roles: set[Role] = field(default_factory=set)  # 四个一 slots currently filled (from the ledger)


@dataclass(frozen=True)
class Verdict:
    missing: list[str]
    warnings: list[str]

    @property
    def allowed(self) -> bool:
        return not self.missing


Guard = Callable[[RectificationCase, CaseInput, date, Settings], Verdict]


def _identify(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    missing = []
    situations = i.situations if i.situations is not None else c.situations
    note = i.situation_note if i.situation_note is not None else c.situation_note
    if not situations:
        missing.append("至少选择一项软弱涣散情形")
    if "S99" in situations and not note.strip():
        missing.append("选择“其他”情形须文字说明")
    if (i.on or c.identified_on) is None:
        missing.append("认定日期")
    return Verdict(missing, [])


def _dismiss(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    return Verdict([] if i.reason.strip() else ["不予认定的理由"], [])


def _start(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    missing = []
    if not c.tasks:
        missing.append("至少一项整改任务（含整改措施、责任人、完成时限）")
    for n, t in enumerate(c.tasks, 1):
        lacks = [name for name, ok in (("整改措施", t.measure.strip()), ("责任人", t.owner.strip()),
                                       ("完成时限", t.deadline)) if not ok]
        if lacks:
            missing.append(f"第{n}项任务缺少" + "、".join(lacks))
    gaps = [r.value for r in Role if r not in i.filled_roles]
    warnings = ["“四个一”未落实：" + "、".join(gaps)] if gaps else []
    return Verdict(missing, warnings)


def _submit(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    open_tasks = [f"第{n}项“{t.problem[:20]}”" for n, t in enumerate(c.tasks, 1) if not t.finished]
    missing = ["尚未完成（或未注明免于整改说明）的任务：" + "、".join(open_tasks)] if open_tasks else []
    if not c.tasks:
        missing.append("没有整改任务")
    return Verdict(missing, [])


def _accept(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    a = c.last_acceptance
    if a is None:
        return Verdict(["验收记录"], [])
    if a.result != AcceptanceResult.PASS:
        return Verdict([f"验收结论为“合格”的验收记录（最近一次为“{a.result.value}”）"], [])
    return Verdict([], ["按验收标准：" + p for p in acceptance_problems(a, s)])


def _rerectify(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    missing = []
    a = c.last_acceptance
    if a is None or a.result == AcceptanceResult.PASS:
        missing.append("结论为“不合格”或“基本合格”的验收记录")
    if i.new_deadline is None:
        missing.append("重新整改的完成时限")
    elif i.new_deadline <= (i.on or today):
        day = i.on or today
        missing.append("重新整改的完成时限应晚于" + ("今天" if day == today else f"重新整改日期（{day.isoformat()}）"))
    return Verdict(missing, [])


def _sign_off(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    missing = []
    if i.on is None:
        missing.append("销号日期")
    if not i.approver.strip():
        missing.append("审批人")
    a = c.last_acceptance
    if i.on is not None and a is not None and i.on < a.on:
        missing.append(f"销号日期不能早于验收日期（{a.on.isoformat()}）")
    return Verdict(missing, [])


def _archive(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    missing = []
    end = consolidation_end(c, s)
    day = i.on or today
    if end is None or day < end:
        missing.append(f"巩固提升期未满（至{end.isoformat() if end else f'销号后{s.consolidation_months}个月'}）")
    latest = max(c.reviews, key=lambda r: r.on) if c.reviews else None
    if latest is None:
        missing.append("至少一次未反弹的“回头看”记录")
    elif latest.relapsed:
        missing.append(f"最近一次“回头看”（{latest.on.isoformat()}）未反弹——该次已发现反弹，应认定反弹")
    return Verdict(missing, [])


def _relapse(c: RectificationCase, i: CaseInput, today: date, s: Settings) -> Verdict:
    if any(r.relapsed for r in c.reviews) or i.reason.strip():
        return Verdict([], [])
    return Verdict(["标记为“已反弹”的回头看记录，或反弹原因"], [])


# (from, to) → (the verb clerks see, guard)
TRANSITIONS: dict[tuple[CaseState, CaseState], tuple[str, Guard]] = {
    (S.CANDIDATE, S.IDENTIFIED): ("认定", _identify),
    (S.CANDIDATE, S.DISMISSED): ("不予认定", _dismiss),
    (S.IDENTIFIED, S.RECTIFYING): ("启动整顿", _start),
    (S.RECTIFYING, S.AWAITING_ACCEPTANCE): ("提请验收", _submit),
    (S.AWAITING_ACCEPTANCE, S.ACCEPTED): ("确认验收合格", _accept),
    (S.AWAITING_ACCEPTANCE, S.RECTIFYING): ("重新整改", _rerectify),
    (S.ACCEPTED, S.SIGNED_OFF): ("销号", _sign_off),
    (S.CONSOLIDATING, S.ARCHIVED): ("归档", _archive),
    (S.CONSOLIDATING, S.RELAPSED): ("认定反弹", _relapse),
    (S.ARCHIVED, S.RELAPSED): ("认定反弹", _relapse),
}


def next_states(state: CaseState) -> list[CaseState]:
    """The states a case in ``state`` may be moved to by the clerk."""
    return [to for (frm, to) in TRANSITIONS if frm == state]


def action_name(frm: CaseState, to: CaseState) -> str:
    return TRANSITIONS[(frm, to)][0] if (frm, to) in TRANSITIONS else f"转为“{to.value}”"


def check_case(c: RectificationCase, to: CaseState, i: CaseInput, today: date, s: Settings) -> Verdict:
    """What is missing and what is advisable for moving ``c`` to ``to``; never changes ``c``."""
    entry = TRANSITIONS.get((c.state, to))
    if entry is None:
        allowed = "、".join(f"“{t.value}”" for t in next_states(c.state)) or "无"
        return Verdict([f"当前阶段“{c.state.value}”不能直接转为“{to.value}”（可转为：{allowed}）"], [])
    verdict = entry[1](c, i, today, s)
    last = c.last_step
    listed = c.history[0].on if c.history else None
    if i.on is not None and last is None and listed is not None and i.on < listed:
        verdict = Verdict(verdict.missing + [f"日期不能早于列入排查的日期（{listed.isoformat()}）"], verdict.warnings)
    elif i.on is not None and last is not None and i.on < last.on:
        # Steps happen in order: a date before the previous step would also let later guards be
        # dodged (signing off "before" the acceptance, archiving a consolidation that never ran).
        verdict = Verdict(verdict.missing + [f"日期不能早于上一步“{last.to_state.value}”的日期（{last.on.isoformat()}）"],
                          verdict.warnings)
    return _not_in_future(verdict, i.on, today)


def _not_in_future(verdict: Verdict, on: date | None, today: date) -> Verdict:
    """A step cannot be dated after today: a future date would also slip past the guards that
    compare it with a deadline (archiving "after" the consolidation period, term-ending)."""
    if on is not None and on > today:
        return Verdict(verdict.missing + [f"日期不能晚于今天（填写的是{on.isoformat()}）"], verdict.warnings)
    return verdict


def apply_case(c: RectificationCase, to: CaseState, i: CaseInput, today: date, s: Settings) -> list[str]:
    """Move ``c`` to ``to`` in memory, recording history; returns the soft warnings.

    Raises TransitionRefused (nothing changed) when a hard condition fails. A relapse does not create
    the new linked case here: the ledger service does that, as it needs a new id.
    """
    verdict = check_case(c, to, i, today, s)
    frm = c.state
    if not verdict.allowed:
        raise TransitionRefused(action_name(frm, to), verdict.missing)
    on = i.on or today
    if to == S.IDENTIFIED:
        if i.situations is not None:
            c.situations = list(i.situations)
        if i.situation_note is not None:
            c.situation_note = i.situation_note
        # An identification date already on the case (typed in the form earlier) is kept.
        c.identified_on = i.on or c.identified_on or today
    elif to == S.DISMISSED:
        c.dismissed_reason = i.reason
    elif to == S.RECTIFYING and frm == S.AWAITING_ACCEPTANCE:
        c.rectify_deadline = i.new_deadline
    elif to == S.SIGNED_OFF:
        c.signed_off_on = on
        c.approver = i.approver
        for t in c.tasks:
            t.status = TaskStatus.CLOSED
    c.state = to
    reason = i.reason or (f"重新整改，完成时限{i.new_deadline.isoformat()}" if i.new_deadline and to == S.RECTIFYING else "")
    c.history.append(Transition(on, frm, to, i.who, reason))
    if to == S.SIGNED_OFF:
        # Consolidation follows sign-off automatically (DOMAIN.md).
        end = consolidation_end(c, s)
        c.state = S.CONSOLIDATING
        c.history.append(Transition(on, S.SIGNED_OFF, S.CONSOLIDATING, i.who,
                                    f"自动进入巩固提升期，至{end.isoformat() if end else ''}"))
    return verdict.warnings


# ---------------------------------------------------------------- first secretary postings

F = SecretaryStatus

# (status in force, new status) → the action's name. 期满待轮换 is not an action: it follows from the
# date (rules.status_of); the actions start from the status in force.
SECRETARY_TRANSITIONS: dict[tuple[SecretaryStatus, SecretaryStatus], str] = {
    (F.PROPOSED, F.ACTIVE): "到村任职",
    (F.PROPOSED, F.WITHDRAWN): "取消选派",
    (F.ACTIVE, F.RECALLED): "召回",
    (F.ACTIVE, F.REASSIGNED): "调整",
    (F.TERM_ENDING, F.LEFT): "期满离任",
    (F.TERM_ENDING, F.ACTIVE): "留任",
    (F.TERM_ENDING, F.RECALLED): "召回",
    (F.TERM_ENDING, F.REASSIGNED): "调整",
}


@dataclass
class PostingInput:
    """What a posting action's form collects; each guard reads only what it needs."""

    on: date | None = None  # the date of the step; defaults to today
    who: str = ""
    reason: str = ""
    recall_reason: RecallReason | None = None
    approver: str = ""  # 召回: who approved it
    extend_months: int = 0  # 留任: months added to the term …
    new_term_end: date | None = None  # … or the new term end itself
    village_id: int | None = None  # 调整: the village the cadre moves to


def next_secretary_states(status: SecretaryStatus) -> list[SecretaryStatus]:
    """The statuses a posting in ``status`` (the status in force) can be moved to."""
    return [to for (frm, to) in SECRETARY_TRANSITIONS if frm == status]


def check_posting(p: Posting, status: SecretaryStatus, to: SecretaryStatus, i: PostingInput, today: date,
                  s: Settings) -> Verdict:
    """May posting ``p``, whose status in force is ``status``, be moved to ``to``? (The ledger checks
    what needs other records: the cadre's party membership, the village's other first secretary.)"""
    verb = SECRETARY_TRANSITIONS.get((status, to))
    if verb is None:
        allowed = "、".join(f"“{t.value}”" for t in next_secretary_states(status)) or "无"
        return Verdict([f"当前状态“{status.value}”不能转为“{to.value}”（可转为：{allowed}）"], [])
    missing: list[str] = []
    on = i.on or today
    if to == F.ACTIVE and status == F.PROPOSED:
        if i.on is None and p.arrival is None:
            missing.append("到村时间")
        elif i.on is None and p.arrival is not None and p.arrival > today:
            missing.append(f"计划到村时间{p.arrival.isoformat()}晚于今天，到村后再办理")
    elif to == F.ACTIVE:  # 留任
        end = term_end(p, s)
        new_end = i.new_term_end or (add_months(end, i.extend_months) if end and i.extend_months > 0 else None)
        if i.new_term_end is None and i.extend_months <= 0:
            missing.append("留任的延长月数或新的任期届满时间")
        elif i.new_term_end is not None and end is not None and i.new_term_end <= end:
            missing.append(f"新的任期届满时间应晚于原届满时间（{end.isoformat()}）")
        elif new_end is not None and new_end <= today:
            missing.append(f"留任后任期届满时间{new_end.isoformat()}不晚于今天，请延长到今天以后")
    elif to == F.LEFT:
        end = term_end(p, s)
        if end is not None and (end - on).days > s.term_warn_days:
            missing.append(f"期满离任的日期应在任期届满（{end.isoformat()}）前{s.term_warn_days}天以内")
    elif to == F.RECALLED:
        if i.recall_reason is None:
            missing.append("召回原因")
        elif i.recall_reason == RecallReason.OTHER and not i.reason.strip():
            missing.append("召回原因为“其他”时须文字说明")
        if not i.approver.strip():
            missing.append("批准召回的单位或领导")
    elif to == F.REASSIGNED:
        if not i.reason.strip():
            missing.append("调整原因")
        if i.village_id is None:
            missing.append("调整到的村")
        elif i.village_id == p.village_id:
            missing.append("调整到的村应不同于现驻村")
    elif to == F.WITHDRAWN and not i.reason.strip():
        missing.append("取消选派的原因")
    if status != F.PROPOSED and p.arrival is not None and on < p.arrival:
        missing.append(f"日期不能早于到村时间（{p.arrival.isoformat()}）")
    last = p.history[-1].on if p.history else None
    if last is not None and on < last and status != F.PROPOSED:
        missing.append(f"日期不能早于上一次状态变动（{last.isoformat()}）")
    return _not_in_future(Verdict(missing, []), i.on, today)


def apply_posting(p: Posting, status: SecretaryStatus, to: SecretaryStatus, i: PostingInput, today: date,
                  s: Settings) -> None:
    """Move ``p`` to ``to`` in memory, recording history; TransitionRefused when not allowed.

    An ending step dated ``on`` ends the stay the day before: on ``on`` the slot is a gap (or the
    successor's), and one ended on its first day never held the slot (a same-day correction)."""
    verdict = check_posting(p, status, to, i, today, s)
    if not verdict.allowed:
        raise TransitionRefused(SECRETARY_TRANSITIONS.get((status, to), f"转为“{to.value}”"), verdict.missing)
    # Arriving without a date of its own is dated by the planned arrival on file.
    on = i.on or (p.arrival if to == F.ACTIVE and status == F.PROPOSED and p.arrival else today)
    reason = i.reason
    if to == F.ACTIVE and status == F.PROPOSED:
        p.arrival = on
        reason = reason or "到村任职"
    elif to == F.ACTIVE:  # 留任
        end = term_end(p, s)
        new_end = i.new_term_end or (add_months(end, i.extend_months) if end else None)
        p.term_end = new_end
        reason = reason or f"留任，任期延至{new_end.isoformat() if new_end else ''}"
    elif to == F.RECALLED:
        assert i.recall_reason is not None
        p.recall_reason = i.recall_reason
        p.approver = i.approver
        reason = i.recall_reason.value + (f"：{i.reason}" if i.reason else "") + f"（{i.approver}批准）"
    if to in (F.RECALLED, F.REASSIGNED, F.LEFT):
        p.ended_on = day_before(on)
        p.end_reason = reason
    elif to == F.WITHDRAWN:
        p.end_reason = reason
    p.status = to
    p.history.append(StatusChange(on, status, to, reason, i.who))
