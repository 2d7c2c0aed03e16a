"""The two life cycles of workflow.py: every allowed and every refused transition, each guard naming
exactly what is missing, the soft warnings, and the history each step leaves."""
from __future__ import annotations

import copy
import itertools
from datetime import date, timedelta

import pytest

from ledgers import workflow
from ledgers.dates import add_months
from ledgers.errors import TransitionRefused
from ledgers.models import (
    Acceptance,
    AcceptanceResult,
    CaseState,
    FirstSecretary,
    RecallReason,
    RectificationCase,
    Review,
    Role,
    SecretaryStatus,
    Settings,
    Task,
    TaskStatus,
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


def fs(status: SecretaryStatus = F.ACTIVE, **kw) -> FirstSecretary:
    kw.setdefault("village_id", 3)
    kw.setdefault("arrival", add_months(TODAY, -12))
    return FirstSecretary("李明", status=status, id=4, **kw)


def posting_missing(f: FirstSecretary, to: SecretaryStatus, **kw) -> list[str]:
    return workflow.check_secretary(f, to, PostingInput(**kw), TODAY, S).missing


def move(f: FirstSecretary, to: SecretaryStatus, **kw) -> None:
    kw.setdefault("who", "镇党委")
    workflow.apply_secretary(f, to, PostingInput(**kw), TODAY, S)


ENDING = add_months(TODAY, -24) + timedelta(days=40)  # an arrival whose term ends in 40 days

POSTING_OK: dict[tuple[SecretaryStatus, SecretaryStatus], dict] = {
    (F.PROPOSED, F.ACTIVE): dict(on=TODAY),
    (F.ACTIVE, F.TERM_ENDING): dict(),
    (F.ACTIVE, F.RECALLED): dict(recall_reason=RecallReason.HEALTH),
    (F.ACTIVE, F.REASSIGNED): dict(reason="工作需要"),
    (F.TERM_ENDING, F.LEFT): dict(),
    (F.TERM_ENDING, F.ACTIVE): dict(extend_months=12),
    (F.TERM_ENDING, F.RECALLED): dict(recall_reason=RecallReason.OTHER, reason="本人申请"),
    (F.TERM_ENDING, F.REASSIGNED): dict(reason="工作需要"),
}


def test_posting_table_matches_the_domain() -> None:
    assert set(workflow.SECRETARY_TRANSITIONS) == set(POSTING_OK)


@pytest.mark.parametrize("frm, to", list(POSTING_OK), ids=lambda s: s.name)
def test_every_allowed_posting_transition(frm: SecretaryStatus, to: SecretaryStatus) -> None:
    f = fs(frm, arrival=None if frm == F.PROPOSED else ENDING)
    kw = POSTING_OK[(frm, to)]
    assert posting_missing(f, to, **kw) == []
    move(f, to, **kw)
    assert f.status == to
    h = f.history[-1]
    assert (h.from_status, h.to_status, h.who, h.on) == (frm, to, "镇党委", TODAY)


POSTING_REFUSED = [(a, b) for a, b in itertools.product(SecretaryStatus, SecretaryStatus)
                   if (a, b) not in workflow.SECRETARY_TRANSITIONS]


@pytest.mark.parametrize("frm, to", POSTING_REFUSED, ids=lambda s: s.name)
def test_every_refused_posting_transition(frm: SecretaryStatus, to: SecretaryStatus) -> None:
    f = fs(frm, arrival=ENDING)
    kw = dict(on=TODAY, reason="理由", recall_reason=RecallReason.HEALTH, extend_months=12)
    (msg,) = posting_missing(f, to, **kw)
    assert f"当前状态“{frm.value}”" in msg and f"“{to.value}”" in msg
    before = copy.deepcopy(f)
    with pytest.raises(TransitionRefused):
        move(f, to, **kw)
    assert f == before


def test_arrival_needs_village_date_and_party_membership() -> None:
    f = fs(F.PROPOSED, village_id=None, arrival=None, political_status="群众")
    assert posting_missing(f, F.ACTIVE) == ["驻村村名", "到村时间", "第一书记应为中共党员"]
    f = fs(F.PROPOSED, arrival=None)
    move(f, F.ACTIVE, on=date(2026, 11, 1))
    assert f.arrival == date(2026, 11, 1)
    f = fs(F.PROPOSED, arrival=date(2026, 10, 8))
    move(f, F.ACTIVE, on=date(2026, 11, 1))
    assert f.arrival == date(2026, 10, 8)  # the arrival on file is kept


def test_recall_needs_a_reason() -> None:
    f = fs()
    assert posting_missing(f, F.RECALLED) == ["召回原因"]
    assert posting_missing(f, F.RECALLED, reason="表现差") == ["召回原因"]
    assert posting_missing(f, F.RECALLED, recall_reason=RecallReason.OTHER) == ["召回原因为“其他”时须文字说明"]
    assert posting_missing(f, F.RECALLED, recall_reason=RecallReason.OTHER, reason=" ") == [
        "召回原因为“其他”时须文字说明"]
    move(f, F.RECALLED, recall_reason=RecallReason.OTHER, reason="本人申请")
    assert f.recall_reason == RecallReason.OTHER and f.history[-1].reason == "其他：本人申请"
    g = fs()
    move(g, F.RECALLED, recall_reason=RecallReason.INCOMPETENT_GRADE)
    assert g.history[-1].reason == "考核不称职"


def test_reassign_needs_a_reason() -> None:
    assert posting_missing(fs(), F.REASSIGNED) == ["调整原因"]
    assert posting_missing(fs(F.TERM_ENDING, arrival=ENDING), F.REASSIGNED, reason="  ") == ["调整原因"]


@pytest.mark.parametrize("days_left, allowed", [(61, False), (60, True), (1, True), (-5, True)])
def test_term_ending_only_within_the_window(days_left: int, allowed: bool) -> None:
    f = fs(arrival=add_months(TODAY + timedelta(days=days_left), -24))
    msgs = posting_missing(f, F.TERM_ENDING)
    assert (msgs == []) == allowed
    if not allowed:
        assert msgs == ["距任期届满不足60天时才能转为期满待轮换"]


def test_term_ending_needs_an_arrival() -> None:
    assert posting_missing(fs(arrival=None), F.TERM_ENDING) == ["距任期届满不足60天时才能转为期满待轮换"]


def test_term_ending_cannot_be_forced_by_a_future_date() -> None:
    f = fs(arrival=add_months(TODAY, -12))
    assert "晚于今天" in posting_missing(f, F.TERM_ENDING, on=add_months(TODAY, 11))[-1]


def test_staying_on_extends_the_term() -> None:
    f = fs(F.TERM_ENDING, arrival=ENDING)
    assert posting_missing(f, F.ACTIVE) == ["留任的延长月数"]
    assert posting_missing(f, F.ACTIVE, extend_months=-3) == ["留任的延长月数"]
    end = add_months(ENDING, 24)
    move(f, F.ACTIVE, extend_months=12)
    assert f.status == F.ACTIVE and f.term_months == 36
    from ledgers.rules import term_end

    assert term_end(f) == add_months(end, 12)
    assert f.history[-1].reason == "留任12个月"


def test_staying_on_extends_an_explicit_term_end() -> None:
    f = fs(F.TERM_ENDING, arrival=ENDING, term_end=TODAY + timedelta(days=20))
    move(f, F.ACTIVE, extend_months=6)
    assert f.term_end == add_months(TODAY + timedelta(days=20), 6)
