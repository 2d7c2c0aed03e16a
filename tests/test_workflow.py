"""The two life cycles of workflow.py: every allowed and every refused transition, each guard naming
exactly what is missing, the soft warnings, and the history each step leaves. Posting actions start
from the status in force (``rules.status_of``: 期满待轮换 is computed from the date, never an action)."""
from __future__ import annotations

import copy
import itertools
from datetime import date, timedelta

import pytest

from ledgers import roster, rules, workflow
from ledgers.dates import add_months
from ledgers.errors import TransitionRefused
from ledgers.ledger import Ledger
from ledgers.models import (
    Acceptance,
    AcceptanceResult,
    Cadre,
    CaseState,
    Posting,
    RecallReason,
    RectificationCase,
    Review,
    Role,
    SecretaryStatus,
    Settings,
    StatusChange,
    Task,
    TaskStatus,
    Village,
)
from ledgers.workflow import CaseInput, PostingInput

TODAY = date(2026, 11, 23)
S = Settings()
C = CaseState
F = SecretaryStatus


def task(n: int = 1, **kw) -> Task:
    kw.setdefault("measure", "建立组织生活台账")
    kw.setdefault("owner", "李明")
    kw.setdefault("deadline", TODAY + timedelta(days=30))
    return Task(f"问题{n}", id=n, **kw)


def done(n: int = 1) -> Task:
    return task(n, status=TaskStatus.DONE, done_on=TODAY - timedelta(days=2))


def acceptance(result: AcceptanceResult = AcceptanceResult.PASS, score: float = 85, dissatisfied: int = 5,
               participants: int = 60, on: date = TODAY - timedelta(days=1)) -> Acceptance:
    return Acceptance(on, result, score, ["王建国"], participants,
                      participants - dissatisfied, 0, dissatisfied)


def case(state: CaseState = C.CANDIDATE, **kw) -> RectificationCase:
    return RectificationCase(village_id=1, year=2026, state=state, id=9, **kw)


def check(c: RectificationCase, to: CaseState, **kw) -> workflow.Verdict:
    return workflow.check_case(c, to, CaseInput(**kw), TODAY, S)


def missing(c: RectificationCase, to: CaseState, **kw) -> list[str]:
    return check(c, to, **kw).missing


def apply(c: RectificationCase, to: CaseState, **kw) -> list[str]:
    kw.setdefault("who", "党建办")
    return workflow.apply_case(c, to, CaseInput(**kw), TODAY, S)


# ---------------------------------------------------------------- every allowed transition

SIGNED = add_months(TODAY, -12) - timedelta(days=1)  # consolidation ended yesterday


def prepared(frm: CaseState, to: CaseState) -> tuple[RectificationCase, dict]:
    """A case in ``frm`` and the form input that satisfy every hard condition of ``frm → to``."""
    if (frm, to) == (C.CANDIDATE, C.IDENTIFIED):
        return case(frm), dict(on=TODAY - timedelta(days=1), situations=["S02", "S04"])
    if (frm, to) == (C.CANDIDATE, C.DISMISSED):
        return case(frm), dict(reason="经核查问题已整改")
    if (frm, to) == (C.IDENTIFIED, C.RECTIFYING):
        return case(frm, tasks=[task(1), task(2)]), dict(filled_roles=set(Role))
    if (frm, to) == (C.RECTIFYING, C.AWAITING_ACCEPTANCE):
        return case(frm, tasks=[done(1), done(2)]), {}
    if (frm, to) == (C.AWAITING_ACCEPTANCE, C.ACCEPTED):
        return case(frm, tasks=[done(1)], acceptances=[acceptance()]), {}
    if (frm, to) == (C.AWAITING_ACCEPTANCE, C.RECTIFYING):
        return case(frm, tasks=[done(1)], acceptances=[acceptance(AcceptanceResult.FAIL, 55)]), dict(
            new_deadline=TODAY + timedelta(days=40))
    if (frm, to) == (C.ACCEPTED, C.SIGNED_OFF):
        return case(frm, tasks=[done(1), task(2, waived=True, waive_note="已不适用")]), dict(
            on=TODAY, approver="县委组织部")
    if (frm, to) == (C.CONSOLIDATING, C.ARCHIVED):
        return case(frm, signed_off_on=SIGNED, reviews=[Review(TODAY - timedelta(days=90), "巩固良好")]), {}
    if (frm, to) == (C.CONSOLIDATING, C.RELAPSED):
        return case(frm, signed_off_on=SIGNED, reviews=[Review(TODAY, "班子又不团结", relapsed=True)]), {}
    if (frm, to) == (C.ARCHIVED, C.RELAPSED):
        return case(frm, signed_off_on=SIGNED), dict(reason="书记长期不在岗")
    raise AssertionError((frm, to))


@pytest.mark.parametrize("frm, to", list(workflow.TRANSITIONS), ids=lambda s: s.name)
def test_every_allowed_transition(frm: CaseState, to: CaseState) -> None:
    c, kw = prepared(frm, to)
    assert check(c, to, **kw).allowed
    before = len(c.history)
    apply(c, to, **kw)
    expected = C.CONSOLIDATING if to == C.SIGNED_OFF else to
    assert c.state == expected
    t = c.history[before]
    assert (t.from_state, t.to_state, t.who) == (frm, to, "党建办")
    assert t.on == (kw.get("on") or TODAY)


def test_the_transition_table_covers_the_domain() -> None:
    assert set(workflow.TRANSITIONS) == {
        (C.CANDIDATE, C.IDENTIFIED), (C.CANDIDATE, C.DISMISSED), (C.IDENTIFIED, C.RECTIFYING),
        (C.RECTIFYING, C.AWAITING_ACCEPTANCE), (C.AWAITING_ACCEPTANCE, C.ACCEPTED),
        (C.AWAITING_ACCEPTANCE, C.RECTIFYING), (C.ACCEPTED, C.SIGNED_OFF), (C.CONSOLIDATING, C.ARCHIVED),
        (C.CONSOLIDATING, C.RELAPSED), (C.ARCHIVED, C.RELAPSED),
    }
    assert workflow.next_states(C.AWAITING_ACCEPTANCE) == [C.ACCEPTED, C.RECTIFYING]
    assert workflow.next_states(C.DISMISSED) == [] and workflow.next_states(C.RELAPSED) == []
    # signed_off → consolidating is automatic, never the clerk's choice
    assert workflow.next_states(C.SIGNED_OFF) == []
    assert workflow.action_name(C.ACCEPTED, C.SIGNED_OFF) == "销号"
    assert workflow.action_name(C.CANDIDATE, C.ARCHIVED) == "转为“已归档”"


# ---------------------------------------------------------------- every refused transition

REFUSED = [(a, b) for a, b in itertools.product(CaseState, CaseState) if (a, b) not in workflow.TRANSITIONS]


@pytest.mark.parametrize("frm, to", REFUSED, ids=lambda s: s.name)
def test_every_refused_transition_names_the_current_state(frm: CaseState, to: CaseState) -> None:
    # Give the case everything any guard could want, so only the table can refuse.
    c = case(frm, tasks=[done(1)], acceptances=[acceptance()], signed_off_on=SIGNED, situations=["S02"],
             reviews=[Review(TODAY, "巩固良好")])
    kw = dict(on=TODAY, reason="理由", approver="县委组织部", new_deadline=TODAY + timedelta(days=30),
              filled_roles=set(Role))
    verdict = check(c, to, **kw)
    assert not verdict.allowed
    (msg,) = verdict.missing
    assert f"当前阶段“{frm.value}”" in msg and f"“{to.value}”" in msg
    allowed = workflow.next_states(frm)
    assert all(f"“{s.value}”" in msg.split("可转为：")[1] for s in allowed)
    if not allowed:
        assert "可转为：无" in msg
    before = copy.deepcopy(c)
    with pytest.raises(TransitionRefused) as err:
        apply(c, to, **kw)
    assert c == before
    assert err.value.missing == [msg] and f"当前阶段“{frm.value}”" in str(err.value)


# ---------------------------------------------------------------- candidate → identified / dismissed


def test_identify_needs_a_situation() -> None:
    assert missing(case(), C.IDENTIFIED, on=TODAY, situations=[]) == ["至少选择一项软弱涣散情形"]
    assert missing(case(), C.IDENTIFIED, on=TODAY) == ["至少选择一项软弱涣散情形"]
    assert missing(case(situations=["S04"]), C.IDENTIFIED, on=TODAY) == []  # the case's own list counts


def test_identify_s99_needs_a_note() -> None:
    assert missing(case(), C.IDENTIFIED, on=TODAY, situations=["S02", "S99"]) == ["选择“其他”情形须文字说明"]
    assert missing(case(), C.IDENTIFIED, on=TODAY, situations=["S99"], situation_note="  ") == [
        "选择“其他”情形须文字说明"]
    assert missing(case(), C.IDENTIFIED, on=TODAY, situations=["S99"], situation_note="村民小组长长期缺位") == []
    assert missing(case(situation_note="已说明"), C.IDENTIFIED, on=TODAY, situations=["S99"]) == []


def test_identify_needs_a_date() -> None:
    assert missing(case(), C.IDENTIFIED, situations=["S02"]) == ["认定日期"]
    assert missing(case(), C.IDENTIFIED) == ["至少选择一项软弱涣散情形", "认定日期"]
    c = case(identified_on=date(2026, 3, 1))
    assert missing(c, C.IDENTIFIED, situations=["S02"]) == []
    apply(c, C.IDENTIFIED, situations=["S02"])
    assert c.identified_on == date(2026, 3, 1)  # the date on file is kept


def test_identify_records_situations_note_and_date() -> None:
    c = case()
    assert apply(c, C.IDENTIFIED, on=date(2026, 4, 2), situations=["S02", "S99"], situation_note="说明") == []
    assert (c.situations, c.situation_note, c.identified_on) == (["S02", "S99"], "说明", date(2026, 4, 2))
    assert c.history[-1].on == date(2026, 4, 2)


def test_identify_refusal_message() -> None:
    with pytest.raises(TransitionRefused) as err:
        apply(case(), C.IDENTIFIED)
    assert str(err.value) == "不能认定：至少选择一项软弱涣散情形；认定日期"
    assert err.value.action == "认定"


def test_dismiss_needs_a_reason() -> None:
    assert missing(case(), C.DISMISSED) == ["不予认定的理由"]
    assert missing(case(), C.DISMISSED, reason="   ") == ["不予认定的理由"]
    c = case()
    apply(c, C.DISMISSED, reason="经核查问题已整改")
    assert c.dismissed_reason == "经核查问题已整改" and c.history[-1].reason == "经核查问题已整改"
    assert not c.active


# ---------------------------------------------------------------- identified → rectifying


def test_start_needs_tasks() -> None:
    assert missing(case(C.IDENTIFIED), C.RECTIFYING) == ["至少一项整改任务（含整改措施、责任人、完成时限）"]


def test_start_names_each_task_lacking_measure_owner_or_deadline() -> None:
    c = case(C.IDENTIFIED, tasks=[task(1, measure=""), task(2, owner=" ", deadline=None), task(3)])
    assert missing(c, C.RECTIFYING) == ["第1项任务缺少整改措施", "第2项任务缺少责任人、完成时限"]


def test_start_warns_about_four_ones_gaps() -> None:
    c = case(C.IDENTIFIED, tasks=[task()])
    v = check(c, C.RECTIFYING)
    assert v.allowed and v.warnings == ["“四个一”未落实：县级联系领导、乡镇包村领导、第一书记、结对单位"]
    v = check(c, C.RECTIFYING, filled_roles={Role.COUNTY_LEADER, Role.FIRST_SECRETARY})
    assert v.warnings == ["“四个一”未落实：乡镇包村领导、结对单位"]
    assert check(c, C.RECTIFYING, filled_roles=set(Role)).warnings == []
    assert apply(c, C.RECTIFYING) == ["“四个一”未落实：县级联系领导、乡镇包村领导、第一书记、结对单位"]
    assert c.state == C.RECTIFYING


# ---------------------------------------------------------------- rectifying → awaiting acceptance


def test_submit_with_an_open_task_is_refused() -> None:
    c = case(C.RECTIFYING, tasks=[done(1), task(2), task(3, status=TaskStatus.IN_PROGRESS)])
    (msg,) = missing(c, C.AWAITING_ACCEPTANCE)
    assert "第2项“问题2”" in msg and "第3项“问题3”" in msg and "第1项" not in msg


def test_submit_waived_with_a_note_counts_as_finished() -> None:
    assert missing(case(C.RECTIFYING, tasks=[done(1), task(2, waived=True, waive_note="政策调整不再适用")]),
                   C.AWAITING_ACCEPTANCE) == []
    assert missing(case(C.RECTIFYING, tasks=[task(1, status=TaskStatus.CLOSED)]), C.AWAITING_ACCEPTANCE) == []
    (msg,) = missing(case(C.RECTIFYING, tasks=[task(1, waived=True, waive_note=" ")]), C.AWAITING_ACCEPTANCE)
    assert "第1项" in msg


def test_submit_without_tasks_is_refused() -> None:
    assert missing(case(C.RECTIFYING), C.AWAITING_ACCEPTANCE) == ["没有整改任务"]


# ---------------------------------------------------------------- awaiting → accepted / re-rectify


def test_accept_needs_an_acceptance() -> None:
    assert missing(case(C.AWAITING_ACCEPTANCE), C.ACCEPTED) == ["验收记录"]


@pytest.mark.parametrize("result", [AcceptanceResult.FAIL, AcceptanceResult.BASIC])
def test_accept_needs_a_passing_result(result: AcceptanceResult) -> None:
    (msg,) = missing(case(C.AWAITING_ACCEPTANCE, acceptances=[acceptance(result)]), C.ACCEPTED)
    assert "合格" in msg and f"最近一次为“{result.value}”" in msg


def test_accept_uses_the_latest_acceptance() -> None:
    c = case(C.AWAITING_ACCEPTANCE, acceptances=[acceptance(AcceptanceResult.FAIL), acceptance()])
    assert check(c, C.ACCEPTED).allowed
    c = case(C.AWAITING_ACCEPTANCE, acceptances=[acceptance(), acceptance(AcceptanceResult.FAIL)])
    assert not check(c, C.ACCEPTED).allowed


def test_accept_warns_below_the_r18_thresholds() -> None:
    c = case(C.AWAITING_ACCEPTANCE, acceptances=[acceptance(score=69, dissatisfied=31, participants=60)])
    v = check(c, C.ACCEPTED)
    assert v.allowed
    assert v.warnings == ["按验收标准：验收得分69分，低于70分", "按验收标准：不满意率51.7%，超过50%"]
    c = case(C.AWAITING_ACCEPTANCE, acceptances=[acceptance(score=70, dissatisfied=30, participants=60)])
    assert check(c, C.ACCEPTED).warnings == []


def test_rerectify_needs_a_failed_acceptance_and_a_new_deadline() -> None:
    later = TODAY + timedelta(days=30)
    assert missing(case(C.AWAITING_ACCEPTANCE), C.RECTIFYING) == [
        "结论为“不合格”或“基本合格”的验收记录", "重新整改的完成时限"]
    assert missing(case(C.AWAITING_ACCEPTANCE, acceptances=[acceptance()]), C.RECTIFYING, new_deadline=later) == [
        "结论为“不合格”或“基本合格”的验收记录"]
    for result in (AcceptanceResult.FAIL, AcceptanceResult.BASIC):
        c = case(C.AWAITING_ACCEPTANCE, acceptances=[acceptance(result, 60)])
        assert missing(c, C.RECTIFYING) == ["重新整改的完成时限"]
        assert missing(c, C.RECTIFYING, new_deadline=TODAY) == ["重新整改的完成时限应晚于今天"]
        assert missing(c, C.RECTIFYING, new_deadline=TODAY - timedelta(days=1)) == ["重新整改的完成时限应晚于今天"]
        assert missing(c, C.RECTIFYING, new_deadline=later) == []


def test_rerectify_records_the_new_deadline() -> None:
    c = case(C.AWAITING_ACCEPTANCE, tasks=[done()], acceptances=[acceptance(AcceptanceResult.FAIL, 55)])
    later = TODAY + timedelta(days=45)
    apply(c, C.RECTIFYING, new_deadline=later)
    assert c.state == C.RECTIFYING and c.rectify_deadline == later
    assert later.isoformat() in c.history[-1].reason and "重新整改" in c.history[-1].reason


# ---------------------------------------------------------------- accepted → signed off → consolidating


def test_sign_off_needs_date_and_approver() -> None:
    c = case(C.ACCEPTED)
    assert missing(c, C.SIGNED_OFF) == ["销号日期", "审批人"]
    assert missing(c, C.SIGNED_OFF, on=TODAY) == ["审批人"]
    assert missing(c, C.SIGNED_OFF, on=TODAY, approver="  ") == ["审批人"]
    assert missing(c, C.SIGNED_OFF, approver="县委组织部") == ["销号日期"]


def test_sign_off_closes_tasks_and_moves_on_to_consolidation() -> None:
    c = case(C.ACCEPTED, tasks=[done(1), done(2), task(3, waived=True, waive_note="不适用")])
    n = len(c.history)
    on = date(2026, 11, 20)
    assert apply(c, C.SIGNED_OFF, on=on, approver="县委组织部", who="王芳") == []
    assert [t.status for t in c.tasks] == [TaskStatus.CLOSED] * 3
    assert (c.state, c.signed_off_on, c.approver) == (C.CONSOLIDATING, on, "县委组织部")
    first, second = c.history[n:]
    assert (first.from_state, first.to_state, first.on, first.who) == (C.ACCEPTED, C.SIGNED_OFF, on, "王芳")
    assert (second.from_state, second.to_state, second.on, second.who) == (C.SIGNED_OFF, C.CONSOLIDATING, on, "王芳")
    assert "2027-11-20" in second.reason and "巩固提升" in second.reason
    assert c.active


# ---------------------------------------------------------------- consolidating → archived / relapsed


def test_archive_before_the_period_ends_is_refused() -> None:
    signed = add_months(TODAY, -12) + timedelta(days=1)  # ends tomorrow
    c = case(C.CONSOLIDATING, signed_off_on=signed, reviews=[Review(TODAY, "巩固良好")])
    (msg,) = missing(c, C.ARCHIVED)
    assert "巩固提升期未满" in msg and add_months(signed, 12).isoformat() in msg
    c.signed_off_on = add_months(TODAY, -12)  # ends today: allowed
    assert missing(c, C.ARCHIVED) == []


def test_archive_needs_a_review_that_did_not_relapse() -> None:
    c = case(C.CONSOLIDATING, signed_off_on=SIGNED)
    assert missing(c, C.ARCHIVED) == ["至少一次未反弹的“回头看”记录"]
    c.reviews.append(Review(TODAY - timedelta(days=30), "巩固良好"))
    assert missing(c, C.ARCHIVED) == []
    c.reviews.append(Review(TODAY - timedelta(days=3), "班子又不团结", relapsed=True))
    (msg,) = missing(c, C.ARCHIVED)  # the latest review counts: a relapse found is not archived over
    assert "最近一次“回头看”" in msg and "应认定反弹" in msg
    c.reviews.append(Review(TODAY, "已好转"))
    assert missing(c, C.ARCHIVED) == []


def test_steps_are_dated_in_order() -> None:
    c = case(C.CANDIDATE)
    apply(c, C.IDENTIFIED, on=date(2026, 3, 1), situations=["S02"])
    c.tasks = [task(1, deadline=date(2026, 6, 1))]
    (msg,) = missing(c, C.RECTIFYING, on=date(2026, 2, 1), filled_roles=set(Role))
    assert msg == "日期不能早于上一步“已认定”的日期（2026-03-01）"
    assert missing(c, C.RECTIFYING, on=date(2026, 3, 1), filled_roles=set(Role)) == []


def test_sign_off_not_before_the_acceptance() -> None:
    c = case(C.ACCEPTED, acceptances=[acceptance(on=date(2026, 9, 1))])
    assert "销号日期不能早于验收日期（2026-09-01）" in missing(c, C.SIGNED_OFF, on=date(2026, 8, 1), approver="县委组织部")


def test_archive_cannot_be_dated_into_the_future() -> None:
    signed = add_months(TODAY, -6)
    c = case(C.CONSOLIDATING, signed_off_on=signed, reviews=[Review(TODAY, "巩固良好")])
    future = add_months(signed, 12)
    msgs = missing(c, C.ARCHIVED, on=future)
    assert msgs and "晚于今天" in msgs[-1]


def test_relapse_needs_a_relapsed_review_or_a_reason() -> None:
    for state in (C.CONSOLIDATING, C.ARCHIVED):
        c = case(state, signed_off_on=SIGNED, reviews=[Review(TODAY, "巩固良好")])
        assert missing(c, C.RELAPSED) == ["标记为“已反弹”的回头看记录，或反弹原因"]
        assert missing(c, C.RELAPSED, reason=" ") == ["标记为“已反弹”的回头看记录，或反弹原因"]
        assert missing(c, C.RELAPSED, reason="书记长期不在岗") == []
        c.reviews.append(Review(TODAY, "又出现问题", relapsed=True))
        assert missing(c, C.RELAPSED) == []
        apply(c, C.RELAPSED, reason="书记长期不在岗")
        assert c.state == C.RELAPSED and not c.active and c.history[-1].reason == "书记长期不在岗"


def test_no_step_is_dated_after_today() -> None:
    c, kw = prepared(C.CANDIDATE, C.IDENTIFIED)
    kw["on"] = TODAY + timedelta(days=1)
    assert missing(c, C.IDENTIFIED, **kw) == ["日期不能晚于今天（填写的是2026-11-24）"]


def test_full_walk_keeps_a_consistent_history() -> None:
    c = case()
    apply(c, C.IDENTIFIED, on=date(2025, 3, 1), situations=["S02"])
    c.tasks = [task(1, deadline=date(2025, 6, 1))]
    apply(c, C.RECTIFYING, on=date(2025, 3, 10), filled_roles=set(Role))
    c.tasks[0].status, c.tasks[0].done_on = TaskStatus.DONE, date(2025, 5, 30)
    apply(c, C.AWAITING_ACCEPTANCE, on=date(2025, 6, 2))
    c.acceptances.append(acceptance(AcceptanceResult.BASIC, 66, on=date(2025, 6, 8)))
    apply(c, C.RECTIFYING, on=date(2025, 6, 10), new_deadline=date(2025, 8, 1))
    apply(c, C.AWAITING_ACCEPTANCE, on=date(2025, 7, 30))
    c.acceptances.append(acceptance(on=date(2025, 8, 3)))
    apply(c, C.ACCEPTED, on=date(2025, 8, 5))
    apply(c, C.SIGNED_OFF, on=date(2025, 8, 20), approver="县委组织部")
    c.reviews.append(Review(date(2026, 2, 1), "巩固良好"))
    apply(c, C.ARCHIVED, on=date(2026, 8, 20))
    states = [(t.from_state, t.to_state) for t in c.history]
    assert states == [(C.CANDIDATE, C.IDENTIFIED), (C.IDENTIFIED, C.RECTIFYING),
                      (C.RECTIFYING, C.AWAITING_ACCEPTANCE), (C.AWAITING_ACCEPTANCE, C.RECTIFYING),
                      (C.RECTIFYING, C.AWAITING_ACCEPTANCE), (C.AWAITING_ACCEPTANCE, C.ACCEPTED),
                      (C.ACCEPTED, C.SIGNED_OFF), (C.SIGNED_OFF, C.CONSOLIDATING), (C.CONSOLIDATING, C.ARCHIVED)]
    for prev, nxt in zip(c.history, c.history[1:]):
        assert nxt.from_state == prev.to_state


# ---------------------------------------------------------------- first-secretary postings
#
# A posting stores the status its last action set; the actions start from the status in force
# (rules.status_of), in which 期满待轮换 is computed from the date and never an action's result.

ENDING = add_months(TODAY, -24) + timedelta(days=40)  # an arrival whose term ends in 40 days
SERVING = add_months(TODAY, -12)  # an arrival a year ago: 在岗, far from the term end
ELSEWHERE = 5  # the village a 调整 moves to


def posting(status: SecretaryStatus = F.ACTIVE, **kw) -> Posting:
    """A stored posting; a serving one whose status in force is 期满待轮换 is stored 在岗 (as on file)."""
    kw.setdefault("arrival", None if status == F.PROPOSED else SERVING)
    kw.setdefault("term_months", 24)
    stored = F.ACTIVE if status == F.TERM_ENDING else status
    return Posting(cadre_id=2, village_id=3, status=stored, id=4, **kw)


def in_force(p: Posting, today: date = TODAY, s: Settings = S) -> SecretaryStatus:
    return rules.status_of(p, s, today)


def posting_missing(p: Posting, to: SecretaryStatus, *, status: SecretaryStatus | None = None,
                    s: Settings = S, **kw) -> list[str]:
    return workflow.check_posting(p, status or in_force(p, s=s), to, PostingInput(**kw), TODAY, s).missing


def act(p: Posting, to: SecretaryStatus, *, status: SecretaryStatus | None = None, today: date = TODAY,
        s: Settings = S, **kw) -> None:
    kw.setdefault("who", "镇党委")
    workflow.apply_posting(p, status or in_force(p, today, s), to, PostingInput(**kw), today, s)


POSTING_OK: dict[tuple[SecretaryStatus, SecretaryStatus], dict] = {
    (F.PROPOSED, F.ACTIVE): dict(on=TODAY),
    (F.PROPOSED, F.WITHDRAWN): dict(reason="派出单位另有任用"),
    (F.ACTIVE, F.RECALLED): dict(recall_reason=RecallReason.HEALTH, approver="镇党委"),
    (F.ACTIVE, F.REASSIGNED): dict(reason="工作需要", village_id=ELSEWHERE),
    (F.TERM_ENDING, F.LEFT): dict(),
    (F.TERM_ENDING, F.ACTIVE): dict(extend_months=12),
    (F.TERM_ENDING, F.RECALLED): dict(recall_reason=RecallReason.OTHER, reason="本人申请", approver="县委组织部"),
    (F.TERM_ENDING, F.REASSIGNED): dict(reason="工作需要", village_id=ELSEWHERE),
}
ENDING_STEPS = (F.RECALLED, F.REASSIGNED, F.LEFT)


def prepared_posting(frm: SecretaryStatus) -> Posting:
    """A stored posting whose status in force today is ``frm``."""
    p = posting(frm, arrival=ENDING if frm == F.TERM_ENDING else None if frm == F.PROPOSED else SERVING)
    assert in_force(p) == frm
    return p


def test_posting_table_matches_the_domain() -> None:
    assert set(workflow.SECRETARY_TRANSITIONS) == set(POSTING_OK)
    assert workflow.next_secretary_states(F.PROPOSED) == [F.ACTIVE, F.WITHDRAWN]
    assert workflow.next_secretary_states(F.ACTIVE) == [F.RECALLED, F.REASSIGNED]
    assert workflow.next_secretary_states(F.TERM_ENDING) == [F.LEFT, F.ACTIVE, F.RECALLED, F.REASSIGNED]
    for ended in (F.RECALLED, F.REASSIGNED, F.LEFT, F.WITHDRAWN):
        assert workflow.next_secretary_states(ended) == []
    # 期满待轮换 follows from the date: no action leads to it
    assert all(to != F.TERM_ENDING for _, to in workflow.SECRETARY_TRANSITIONS)
    names = workflow.SECRETARY_TRANSITIONS
    assert (names[(F.PROPOSED, F.ACTIVE)], names[(F.PROPOSED, F.WITHDRAWN)], names[(F.TERM_ENDING, F.ACTIVE)],
            names[(F.TERM_ENDING, F.LEFT)]) == ("到村任职", "取消选派", "留任", "期满离任")
    assert names[(F.ACTIVE, F.RECALLED)] == names[(F.TERM_ENDING, F.RECALLED)] == "召回"
    assert names[(F.ACTIVE, F.REASSIGNED)] == names[(F.TERM_ENDING, F.REASSIGNED)] == "调整"


@pytest.mark.parametrize("frm, to", list(POSTING_OK), ids=lambda s: s.name)
def test_every_allowed_posting_transition(frm: SecretaryStatus, to: SecretaryStatus) -> None:
    p = prepared_posting(frm)
    kw = POSTING_OK[(frm, to)]
    assert posting_missing(p, to, **kw) == []
    act(p, to, **kw)
    assert p.status == to
    h = p.history[-1]
    assert (h.from_status, h.to_status, h.who, h.on) == (frm, to, "镇党委", TODAY)
    assert h.reason or to == F.LEFT  # a default where the form asks for nothing (期满离任 speaks for itself)
    assert p.ended_on == (TODAY - timedelta(days=1) if to in ENDING_STEPS else None)
    assert in_force(p) == to


@pytest.mark.parametrize("frm, to", list(POSTING_OK), ids=lambda s: s.name)
def test_no_posting_step_is_dated_after_today(frm: SecretaryStatus, to: SecretaryStatus) -> None:
    p = prepared_posting(frm)
    kw = dict(POSTING_OK[(frm, to)], on=TODAY + timedelta(days=1))
    assert posting_missing(p, to, **kw)[-1] == "日期不能晚于今天（填写的是2026-11-24）"
    before = copy.deepcopy(p)
    with pytest.raises(TransitionRefused):
        act(p, to, **kw)
    assert p == before


POSTING_REFUSED = [(a, b) for a, b in itertools.product(SecretaryStatus, SecretaryStatus)
                   if (a, b) not in workflow.SECRETARY_TRANSITIONS]


@pytest.mark.parametrize("frm, to", POSTING_REFUSED, ids=lambda s: s.name)
def test_every_refused_posting_transition(frm: SecretaryStatus, to: SecretaryStatus) -> None:
    # Give the form everything any guard could want, so only the table can refuse.
    p = posting(frm, arrival=ENDING)
    kw = dict(on=TODAY, reason="理由", recall_reason=RecallReason.HEALTH, approver="镇党委", extend_months=12,
              village_id=ELSEWHERE)
    (msg,) = posting_missing(p, to, status=frm, **kw)
    assert f"当前状态“{frm.value}”" in msg and f"“{to.value}”" in msg
    allowed = workflow.next_secretary_states(frm)
    assert all(f"“{s.value}”" in msg.split("可转为：")[1] for s in allowed)
    if not allowed:
        assert "可转为：无" in msg
    before = copy.deepcopy(p)
    with pytest.raises(TransitionRefused) as err:
        act(p, to, status=frm, **kw)
    assert p == before and err.value.missing == [msg]


def test_term_ending_is_not_an_action() -> None:
    p = posting(arrival=ENDING)
    (msg,) = posting_missing(p, F.TERM_ENDING, status=F.ACTIVE)
    assert msg == "当前状态“在岗”不能转为“期满待轮换”（可转为：“召回”、“调整”）"
    assert in_force(p) == F.TERM_ENDING and p.status == F.ACTIVE  # it follows from the date instead


def test_the_status_in_force_decides_which_actions_exist() -> None:
    p = posting(arrival=ENDING)  # stored 在岗, in force 期满待轮换
    assert posting_missing(p, F.LEFT) == []
    assert posting_missing(p, F.LEFT, status=F.ACTIVE) == [
        "当前状态“在岗”不能转为“期满离任”（可转为：“召回”、“调整”）"]
    young = posting(arrival=SERVING)
    assert in_force(young) == F.ACTIVE
    assert posting_missing(young, F.LEFT)[0].startswith("当前状态“在岗”不能转为“期满离任”")
    assert posting_missing(young, F.ACTIVE, extend_months=12)[0].startswith("当前状态“在岗”不能转为“在岗”")


def test_refused_steps_raise_with_the_action_name() -> None:
    with pytest.raises(TransitionRefused) as err:
        act(posting(), F.RECALLED)
    assert err.value.action == "召回" and str(err.value) == "不能召回：召回原因；批准召回的单位或领导"
    with pytest.raises(TransitionRefused) as err:
        act(posting(F.RECALLED), F.ACTIVE, extend_months=12)
    assert err.value.action == "转为“在岗”"


# ---------------------------------------------------------------- 到村任职


def test_arrival_needs_a_date() -> None:
    p = posting(F.PROPOSED)
    assert posting_missing(p, F.ACTIVE) == ["到村时间"]
    assert posting_missing(p, F.ACTIVE, on=date(2026, 11, 1)) == []
    assert posting_missing(posting(F.PROPOSED, arrival=date(2026, 10, 8)), F.ACTIVE) == []  # the one on file


def test_arrival_is_the_date_of_the_step() -> None:
    p = posting(F.PROPOSED)
    act(p, F.ACTIVE, on=date(2026, 11, 1))
    assert (p.arrival, p.status, in_force(p)) == (date(2026, 11, 1), F.ACTIVE, F.ACTIVE)
    h = p.history[-1]
    assert (h.on, h.from_status, h.to_status, h.reason) == (date(2026, 11, 1), F.PROPOSED, F.ACTIVE, "到村任职")
    assert p.serves_on(date(2026, 11, 1)) and not p.serves_on(date(2026, 10, 31))
    # A date in the form is the arrival, over the planned one on file …
    p = posting(F.PROPOSED, arrival=date(2026, 10, 8))
    act(p, F.ACTIVE, on=date(2026, 11, 1))
    assert p.arrival == date(2026, 11, 1)
    # … and without one the arrival on file is kept.
    p = posting(F.PROPOSED, arrival=date(2026, 10, 8))
    act(p, F.ACTIVE)
    assert p.arrival == date(2026, 10, 8)
    p = posting(F.PROPOSED)
    act(p, F.ACTIVE, on=TODAY, reason="按期到村")
    assert p.history[-1].reason == "按期到村"


def test_arrival_is_not_dated_after_today() -> None:
    assert posting_missing(posting(F.PROPOSED), F.ACTIVE, on=TODAY + timedelta(days=1)) == [
        "日期不能晚于今天（填写的是2026-11-24）"]


def test_arrival_guards_that_need_other_records_are_the_ledger_s(ledger: Ledger) -> None:
    """check_posting sees one posting; roster.move adds R7 (the cadre must be a Party member) and one
    first secretary per village, and refuses with the same action name."""
    v = ledger.save_village(Village("青山村"))
    planned = roster.enlist(ledger, Cadre("李明"), Posting(0, v.id))
    c = ledger.get("cadres", planned.cadre.id, "第一书记")
    c.political_status = "群众"
    ledger.commit("手工修改", [("cadres", c)])  # as an old sheet or a hand edit would have it
    with pytest.raises(TransitionRefused) as err:
        roster.move(ledger, planned.id, F.ACTIVE, PostingInput(on=date(2026, 11, 1)))
    assert err.value.action == "到村任职" and "第一书记应为中共党员" in err.value.missing
    roster.enlist(ledger, Cadre("王芳"), Posting(0, v.id, arrival=date(2026, 10, 1), status=F.ACTIVE))
    c.political_status = "中共党员"
    ledger.commit("手工修改", [("cadres", c)])
    with pytest.raises(TransitionRefused) as err:
        roster.move(ledger, planned.id, F.ACTIVE, PostingInput(on=date(2026, 11, 1)))
    (msg,) = err.value.missing
    assert "青山村的第一书记王芳仍在岗" in msg
    assert roster.posting_entry(ledger, planned.id).status == F.PROPOSED  # nothing written


def test_a_planned_posting_is_not_held_to_its_listing_date() -> None:
    # The listing is typed in whenever the clerk gets to it: a planned posting's steps may be dated before it.
    listed = [StatusChange(TODAY, None, F.PROPOSED, "录入花名册")]
    assert posting_missing(posting(F.PROPOSED, history=listed), F.ACTIVE, on=date(2026, 3, 1)) == []
    assert posting_missing(posting(F.PROPOSED, history=list(listed)), F.WITHDRAWN, on=date(2026, 3, 1),
                           reason="另有任用") == []


def test_arrival_without_a_date_refuses_a_planned_arrival_in_the_future() -> None:
    p = posting(F.PROPOSED, arrival=TODAY + timedelta(days=10))
    assert posting_missing(p, F.ACTIVE)  # refused: the arrival on file is after today


def test_arrival_without_a_date_is_recorded_on_the_arrival() -> None:
    p = posting(F.PROPOSED, arrival=date(2026, 10, 8))
    act(p, F.ACTIVE)
    assert p.history[-1].on == date(2026, 10, 8)
    assert posting_missing(p, F.RECALLED, on=date(2026, 11, 1), recall_reason=RecallReason.HEALTH,
                           approver="镇党委") == []


# ---------------------------------------------------------------- 取消选派


def test_withdrawal_needs_a_reason() -> None:
    p = posting(F.PROPOSED)
    assert posting_missing(p, F.WITHDRAWN) == ["取消选派的原因"]
    assert posting_missing(p, F.WITHDRAWN, reason="   ") == ["取消选派的原因"]
    with pytest.raises(TransitionRefused) as err:
        act(p, F.WITHDRAWN)
    assert err.value.action == "取消选派" and p.status == F.PROPOSED and p.history == []
    act(p, F.WITHDRAWN, reason="派出单位另有任用")
    assert (p.status, p.end_reason, p.ended_on) == (F.WITHDRAWN, "派出单位另有任用", None)  # never arrived
    h = p.history[-1]
    assert (h.from_status, h.to_status, h.reason) == (F.PROPOSED, F.WITHDRAWN, "派出单位另有任用")
    assert workflow.next_secretary_states(p.status) == [] and not p.serves_on(TODAY)


def test_only_a_planned_posting_can_be_withdrawn() -> None:
    for frm in (F.ACTIVE, F.TERM_ENDING):
        (msg,) = posting_missing(prepared_posting(frm), F.WITHDRAWN, reason="理由")
        assert f"当前状态“{frm.value}”不能转为“取消选派”" in msg


# ---------------------------------------------------------------- 召回


def test_recall_needs_a_reason_and_an_approver() -> None:
    p = posting()
    assert posting_missing(p, F.RECALLED) == ["召回原因", "批准召回的单位或领导"]
    assert posting_missing(p, F.RECALLED, reason="表现差", approver="镇党委") == ["召回原因"]
    assert posting_missing(p, F.RECALLED, recall_reason=RecallReason.HEALTH) == ["批准召回的单位或领导"]
    assert posting_missing(p, F.RECALLED, recall_reason=RecallReason.HEALTH, approver="  ") == ["批准召回的单位或领导"]
    assert posting_missing(p, F.RECALLED, recall_reason=RecallReason.OTHER, approver="镇党委") == [
        "召回原因为“其他”时须文字说明"]
    assert posting_missing(p, F.RECALLED, recall_reason=RecallReason.OTHER, reason=" ") == [
        "召回原因为“其他”时须文字说明", "批准召回的单位或领导"]
    assert posting_missing(p, F.RECALLED, recall_reason=RecallReason.HEALTH, approver="镇党委") == []


def test_recall_records_reason_approver_and_end() -> None:
    p = posting()
    act(p, F.RECALLED, recall_reason=RecallReason.OTHER, reason="本人申请", approver="镇党委", on=date(2026, 11, 2))
    assert (p.status, p.recall_reason, p.approver) == (F.RECALLED, RecallReason.OTHER, "镇党委")
    assert p.history[-1].reason == p.end_reason == "其他：本人申请（镇党委批准）"
    assert p.ended_on == date(2026, 11, 1)
    g = posting(arrival=ENDING)
    act(g, F.RECALLED, recall_reason=RecallReason.INCOMPETENT_GRADE, approver="县委组织部")
    assert g.history[-1].reason == "考核不称职（县委组织部批准）"
    assert g.history[-1].from_status == F.TERM_ENDING


# ---------------------------------------------------------------- 调整


def test_reassign_needs_a_reason_and_another_village() -> None:
    assert posting_missing(posting(), F.REASSIGNED) == ["调整原因", "调整到的村"]
    assert posting_missing(posting(), F.REASSIGNED, village_id=ELSEWHERE) == ["调整原因"]
    assert posting_missing(posting(arrival=ENDING), F.REASSIGNED, reason="  ", village_id=ELSEWHERE) == ["调整原因"]
    assert posting_missing(posting(), F.REASSIGNED, reason="工作需要") == ["调整到的村"]
    assert posting_missing(posting(), F.REASSIGNED, reason="工作需要", village_id=3) == ["调整到的村应不同于现驻村"]
    assert posting_missing(posting(), F.REASSIGNED, reason="工作需要", village_id=ELSEWHERE) == []


def test_reassign_ends_this_posting() -> None:
    p = posting()
    act(p, F.REASSIGNED, reason="工作需要", village_id=ELSEWHERE, on=date(2026, 9, 1))
    # The posting keeps its village: the stay in the other village is a new posting (roster.move).
    assert (p.status, p.village_id, p.end_reason, p.ended_on) == (F.REASSIGNED, 3, "工作需要", date(2026, 8, 31))
    assert p.history[-1].reason == "工作需要"


# ---------------------------------------------------------------- 期满离任


def test_leaving_at_the_term_end() -> None:
    p = posting(arrival=ENDING)
    act(p, F.LEFT, on=TODAY - timedelta(days=2))
    assert (p.status, p.ended_on) == (F.LEFT, TODAY - timedelta(days=3))
    late = posting(arrival=add_months(TODAY, -25))  # past the end: still 期满待轮换, may leave
    assert in_force(late) == F.TERM_ENDING
    act(late, F.LEFT, reason="期满轮换")
    assert (late.status, late.end_reason, late.history[-1].reason) == (F.LEFT, "期满轮换", "期满轮换")


def test_leaving_cannot_be_dated_before_the_warning_window() -> None:
    p = posting(arrival=ENDING)  # 期满待轮换 today, term ends in 40 days
    early = TODAY - timedelta(days=200)
    assert in_force(p, early) == F.ACTIVE
    assert posting_missing(p, F.LEFT, on=early)  # refused: on that day it was not 期满待轮换


# ---------------------------------------------------------------- ending steps: the day before


@pytest.mark.parametrize("to", ENDING_STEPS, ids=lambda s: s.name)
def test_an_ending_step_ends_the_stay_the_day_before(to: SecretaryStatus) -> None:
    frm = F.TERM_ENDING if to == F.LEFT else F.ACTIVE
    p = prepared_posting(frm)
    # 期满离任 is dated inside the warning window (the term ends 2027-01-02); the others any day.
    on = date(2026, 11, 10) if to == F.LEFT else date(2026, 10, 15)
    act(p, to, on=on, **{k: v for k, v in POSTING_OK[(frm, to)].items() if k != "on"})
    assert p.ended_on == on - timedelta(days=1)
    assert p.serves_on(on - timedelta(days=1)) and not p.serves_on(on)  # on the step's day the slot is free
    assert p.history[-1].on == on


def test_an_ending_step_on_the_arrival_day_never_held_the_slot() -> None:
    p = posting(arrival=date(2026, 11, 1))
    act(p, F.RECALLED, on=date(2026, 11, 1), recall_reason=RecallReason.UNFIT, approver="镇党委")
    assert p.ended_on == date(2026, 10, 31) and not p.serves_on(date(2026, 11, 1))


# ---------------------------------------------------------------- 留任


def test_staying_on_needs_months_or_a_new_end() -> None:
    p = posting(arrival=ENDING)
    assert posting_missing(p, F.ACTIVE) == ["留任的延长月数或新的任期届满时间"]
    assert posting_missing(p, F.ACTIVE, extend_months=-3) == ["留任的延长月数或新的任期届满时间"]
    assert posting_missing(p, F.ACTIVE, extend_months=0) == ["留任的延长月数或新的任期届满时间"]
    assert posting_missing(p, F.ACTIVE, extend_months=1) == []
    assert posting_missing(p, F.ACTIVE, new_term_end=add_months(ENDING, 36)) == []


def test_staying_on_by_months_extends_the_term() -> None:
    p = posting(arrival=ENDING)
    end = add_months(ENDING, 24)
    act(p, F.ACTIVE, extend_months=12)
    assert p.status == F.ACTIVE and p.term_end == add_months(end, 12)
    assert rules.term_end(p, S) == add_months(end, 12) and in_force(p) == F.ACTIVE
    h = p.history[-1]
    assert (h.from_status, h.to_status) == (F.TERM_ENDING, F.ACTIVE)
    assert h.reason == f"留任，任期延至{add_months(end, 12).isoformat()}"


def test_staying_on_extends_an_explicit_term_end() -> None:
    p = posting(arrival=ENDING, term_end=TODAY + timedelta(days=20))
    act(p, F.ACTIVE, extend_months=6)
    assert p.term_end == add_months(TODAY + timedelta(days=20), 6)


def test_staying_on_past_the_term_end_extends_from_the_old_end() -> None:
    arrival = add_months(TODAY, -24) - timedelta(days=10)  # ended 10 days ago
    p = posting(arrival=arrival)
    act(p, F.ACTIVE, extend_months=12)
    assert p.term_end == add_months(add_months(arrival, 24), 12)


def test_staying_on_by_a_new_term_end_must_be_later() -> None:
    end = add_months(ENDING, 24)
    p = posting(arrival=ENDING)
    msg = f"新的任期届满时间应晚于原届满时间（{end.isoformat()}）"
    assert posting_missing(p, F.ACTIVE, new_term_end=end) == [msg]
    assert posting_missing(p, F.ACTIVE, new_term_end=end - timedelta(days=1)) == [msg]
    assert posting_missing(p, F.ACTIVE, new_term_end=end + timedelta(days=1)) == []
    assert posting_missing(p, F.ACTIVE, new_term_end=end, extend_months=12) == [msg]  # the date is what counts
    later = date(2028, 6, 30)
    act(p, F.ACTIVE, new_term_end=later, extend_months=3)  # the new end wins over months
    assert p.term_end == later and rules.term_end(p, S) == later
    assert p.history[-1].reason == "留任，任期延至2028-06-30"


def test_staying_on_with_a_zero_term_uses_the_settings_term() -> None:
    s = Settings(secretary_term_months=36)
    arrival = add_months(TODAY, -36) + timedelta(days=40)  # a 36-month term ending in 40 days
    p = posting(arrival=arrival, term_months=0)
    assert in_force(p, s=s) == F.TERM_ENDING
    assert posting_missing(p, F.ACTIVE, s=s, new_term_end=add_months(arrival, 36)) == [
        f"新的任期届满时间应晚于原届满时间（{add_months(arrival, 36).isoformat()}）"]
    act(p, F.ACTIVE, s=s, extend_months=12)
    assert p.term_end == add_months(arrival, 48)  # 36 + 12, never 24 + 12


def test_staying_on_briefly_leaves_the_posting_term_ending() -> None:
    # 留任 stores 在岗; whether it is 期满待轮换 is read from the new end like any other term.
    p = posting(arrival=add_months(TODAY, -24) + timedelta(days=10))  # ends in 10 days
    act(p, F.ACTIVE, extend_months=1)
    assert p.status == F.ACTIVE
    assert (rules.term_end(p, S) - TODAY).days == 41 <= S.term_warn_days
    assert in_force(p) == F.TERM_ENDING


def test_staying_on_to_an_end_already_past_is_refused() -> None:
    arrival = add_months(TODAY, -24) - timedelta(days=20)  # ended 20 days ago
    p = posting(arrival=arrival)
    assert posting_missing(p, F.ACTIVE, new_term_end=TODAY - timedelta(days=10))


# ---------------------------------------------------------------- dates of posting steps


def test_a_step_is_not_dated_before_the_arrival() -> None:
    p = posting(arrival=date(2026, 6, 1))
    kw = dict(recall_reason=RecallReason.HEALTH, approver="镇党委")
    assert posting_missing(p, F.RECALLED, on=date(2026, 5, 31), **kw) == ["日期不能早于到村时间（2026-06-01）"]
    assert posting_missing(p, F.RECALLED, on=date(2026, 6, 1), **kw) == []
    assert posting_missing(p, F.REASSIGNED, on=date(2026, 5, 1), reason="工作需要", village_id=ELSEWHERE) == [
        "日期不能早于到村时间（2026-06-01）"]


def test_a_step_is_not_dated_before_the_previous_one() -> None:
    history = [StatusChange(date(2025, 1, 10), None, F.PROPOSED), StatusChange(date(2025, 2, 1), F.PROPOSED, F.ACTIVE),
               StatusChange(date(2026, 10, 1), F.TERM_ENDING, F.ACTIVE, "留任")]
    p = posting(arrival=date(2025, 2, 1), history=history)
    kw = dict(recall_reason=RecallReason.HEALTH, approver="镇党委")
    assert posting_missing(p, F.RECALLED, on=date(2026, 9, 30), **kw) == ["日期不能早于上一次状态变动（2026-10-01）"]
    assert posting_missing(p, F.RECALLED, on=date(2026, 10, 1), **kw) == []
    both = posting(arrival=date(2026, 6, 1), history=[StatusChange(date(2026, 8, 1), F.PROPOSED, F.ACTIVE)])
    assert posting_missing(both, F.RECALLED, on=date(2026, 5, 1), **kw) == [
        "日期不能早于到村时间（2026-06-01）", "日期不能早于上一次状态变动（2026-08-01）"]


def test_a_future_date_is_named() -> None:
    p = posting(arrival=ENDING)
    assert posting_missing(p, F.LEFT, on=add_months(TODAY, 2)) == ["日期不能晚于今天（填写的是2027-01-23）"]
    assert posting_missing(p, F.RECALLED, on=TODAY + timedelta(days=1)) == [
        "召回原因", "批准召回的单位或领导", "日期不能晚于今天（填写的是2026-11-24）"]


# ---------------------------------------------------------------- a posting over its years


def test_full_posting_walk_keeps_a_consistent_history() -> None:
    p = posting(F.PROPOSED, history=[StatusChange(date(2024, 2, 20), None, F.PROPOSED, "录入花名册")])
    act(p, F.ACTIVE, on=date(2024, 3, 1), today=date(2024, 3, 1))
    assert rules.term_end(p, S) == date(2026, 3, 1)
    assert in_force(p, date(2025, 12, 30)) == F.ACTIVE  # 61 days before the end
    assert in_force(p, date(2025, 12, 31)) == F.TERM_ENDING  # 60 days: by the date alone, no action
    act(p, F.ACTIVE, on=date(2026, 1, 15), today=date(2026, 1, 15), extend_months=12)
    assert p.term_end == date(2027, 3, 1) and in_force(p, date(2026, 1, 15)) == F.ACTIVE
    assert in_force(p, date(2027, 1, 1)) == F.TERM_ENDING
    act(p, F.LEFT, on=date(2027, 3, 2), today=date(2027, 3, 2))
    assert (p.status, p.ended_on) == (F.LEFT, date(2027, 3, 1))
    assert [(h.on, h.from_status, h.to_status) for h in p.history] == [
        (date(2024, 2, 20), None, F.PROPOSED), (date(2024, 3, 1), F.PROPOSED, F.ACTIVE),
        (date(2026, 1, 15), F.TERM_ENDING, F.ACTIVE), (date(2027, 3, 2), F.TERM_ENDING, F.LEFT)]
    # each step starts from the status in force: 期满待轮换 comes between, never from an action
    assert all(h.to_status != F.TERM_ENDING for h in p.history)
    assert [h.on for h in p.history] == sorted(h.on for h in p.history)
