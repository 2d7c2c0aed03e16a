"""The Ledger service through its public methods on a temporary file: villages, cases, tasks,
acceptance and reviews, 四个一, first secretaries, settings, undo and read-only use."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from ledgers import assignments, roster, workflow
from ledgers.codec import to_dict
from ledgers.errors import LedgerError, NotFound, ReadOnlyError, StoreLocked, TransitionRefused, ValidationErrors
from ledgers.ledger import Ledger
from ledgers.matrix import assignment_matrix
from ledgers.models import (
    Acceptance,
    AcceptanceResult,
    Assignment,
    CaseState,
    Cadre,
    Gender,
    Grade,
    Leader,
    OrgType,
    Posting,
    ProgressReport,
    RecallReason,
    Review,
    Role,
    SecretaryStatus,
    Settings,
    Situation,
    Task,
    TaskStatus,
    Unit,
    Village,
    VillageKind,
)
from ledgers.workflow import CaseInput, PostingInput
from ledger_support import fill_slots, make_people

TODAY = date(2026, 11, 23)
C = CaseState


def snapshot(led: Ledger) -> dict:
    """Everything the ledger holds, as plain data (audit log aside)."""
    return {
        "villages": [to_dict(v) for v in led.villages()],
        "cases": [to_dict(c) for c in led.cases()],
        "cadres": [to_dict(c) for c in roster.cadres(led)],
        "postings": [to_dict(e.posting) for e in roster.roster(led)],
        "assignments": [to_dict(a) for a in sorted(led.records("assignments"), key=lambda a: a.id)],
        "leaders": [to_dict(x) for x in assignments.leaders(led)],
        "units": [to_dict(u) for u in assignments.units(led)],
        "situations": [to_dict(s) for s in led.situations()],
        "settings": to_dict(led.settings),
    }


def reopened(path: Path, today: date = TODAY) -> dict:
    with Ledger.open(path, today=today, read_only=True) as led:
        return snapshot(led)


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, str]:
    assert isinstance(exc.value, ValidationErrors)
    return {e.field: e.detail for e in exc.value.errors}


def task(n: int = 1, **kw) -> Task:
    kw.setdefault("measure", "建立组织生活台账，每月固定主题党日")
    kw.setdefault("owner", "李明")
    kw.setdefault("leader", "镇党委副书记")
    kw.setdefault("deadline", TODAY + timedelta(days=30))
    return Task(f"问题{n}", **kw)


@pytest.fixture
def people(ledger: Ledger) -> dict:
    return make_people(ledger)


# ---------------------------------------------------------------- opening


def test_new_file_gets_situations_and_settings(ledger: Ledger) -> None:
    codes = [s.code for s in ledger.situations()]
    assert codes[:3] == ["S01", "S02", "S03"] and "S99" in codes
    assert ledger.situation_text("S02") == "书记不胜任现职、工作不在状态"
    assert ledger.situation_text("S77") == "S77"
    assert ledger.settings.township == "青石镇" and ledger.settings.circular_requirements
    assert ledger.is_empty() and ledger.today == TODAY
    assert [e.summary for e in ledger.audit()] == ["初始化：软弱涣散情形表和默认设置"]


def test_second_writer_is_locked_out(ledger: Ledger) -> None:
    with pytest.raises(StoreLocked):
        Ledger.open(ledger.store.path, today=TODAY)


# ---------------------------------------------------------------- villages


def test_save_village_fills_defaults_and_round_trips(ledger: Ledger) -> None:
    v = ledger.save_village(Village("  青山村 ", full_members=30, collective_income={2025: 60_000}))
    assert v.id > 0 and v.name == "青山村" and v.township == "青石镇" and v.org_name == "青山村党支部"
    assert ledger.village(v.id) == v
    assert ledger.find_village("青山村") == v and ledger.find_village("青山村", "别的镇") is None
    assert ledger.village_name(v.id) == "青山村" and ledger.village_name(None) == ""
    path = ledger.store.path
    ledger.close()
    with Ledger.open(path, today=TODAY) as again:
        assert again.village(v.id) == v


def test_saving_keeps_enum_types(tmp_path: Path) -> None:
    """Cleaning string fields must not turn StrEnum members into plain strings (``.value`` breaks)."""
    with Ledger.open(tmp_path / "l.json", today=TODAY) as led:
        v = led.save_village(Village("新民社区", kind=VillageKind.COMMUNITY, org_type=OrgType.GENERAL_BRANCH))
        assert type(v.kind) is VillageKind and type(v.org_type) is OrgType
        assert type(led.village(v.id).org_type) is OrgType
        fs = roster.enlist(led, Cadre("李明", gender=Gender.FEMALE), Posting(0, v.id))
        assert type(fs.cadre.gender) is Gender and type(roster.posting_entry(led, fs.id).posting.status) is SecretaryStatus
        c = led.new_case(v.id)
        c = led.save_task(c.id, task(1, status=TaskStatus.IN_PROGRESS))
        assert type(c.tasks[0].status) is TaskStatus and type(c.state) is CaseState


def test_committee_org_name(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村", full_members=120, org_type=OrgType.COMMITTEE))
    assert v.org_name == "中共青山村委员会"


def test_general_branch_org_name(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村", full_members=60, org_type=OrgType.GENERAL_BRANCH))
    assert v.org_name == "青山村党总支"


def test_village_validation_names_each_field_and_saves_nothing(ledger: Ledger) -> None:
    before = len(ledger.audit())
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_village(Village("", population=-1, households=-2, full_members=-3, probationary_members=-4,
                                    reserve_cadres=-5, secretary_age=17, secretary_pay=-1,
                                    collective_income={1980: -5}))
    errs = errors_of(exc)
    assert errs["村名"] == "不能为空"
    for field in ("人口", "户数", "正式党员", "预备党员", "后备干部", "书记基本报酬"):
        assert errs[field] == "不能为负数"
    assert errs["书记年龄"] == "应在18至100岁之间"
    assert "1980" in errs["集体经济收入"]
    assert "“人口”：不能为负数" in str(exc.value)
    assert ledger.villages() == [] and len(ledger.audit()) == before


def test_secretary_age_boundaries(ledger: Ledger) -> None:
    ledger.save_village(Village("甲村", secretary_age=18))
    ledger.save_village(Village("乙村", secretary_age=100))
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_village(Village("丙村", secretary_age=101))
    assert "书记年龄" in errors_of(exc)


def test_duplicate_village_names(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村"))
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_village(Village("青山村"))
    assert errors_of(exc)["村名"] == "青石镇已有“青山村”"
    ledger.save_village(Village("青山村", township="白云镇"))  # another township may have one
    ledger.save_village(v)  # saving the same record again is no duplicate


def test_village_control_characters_are_cleaned(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山\x1b[2J村", note="第一行\n第二行\x07"))
    assert v.name == "青山村"  # the whole escape sequence goes, no "[2J" debris
    assert "\x07" not in v.note and "\n" in v.note


def test_returned_objects_are_copies(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村"))
    v.name = "改了"
    ledger.villages()[0].name = "又改了"
    assert ledger.village(v.id).name == "青山村"


def test_unknown_village(ledger: Ledger) -> None:
    with pytest.raises(NotFound) as exc:
        ledger.village(99)
    assert "编号99" in str(exc.value)


def test_delete_village_refused_while_referenced(ledger: Ledger, people: dict) -> None:
    a, b = people["a"], people["b"]
    with pytest.raises(LedgerError) as exc:
        ledger.delete_village(a.id)
    assert "不能删除“青山村”" in str(exc.value) and "1条第一书记驻村记录" in str(exc.value)
    ledger.new_case(b.id)
    assignments.assign(ledger, b.id, Role.PAIRED_UNIT, people["unit"].id)
    msg = str(pytest.raises(LedgerError, ledger.delete_village, b.id).value)
    assert "1个整顿案卷" in msg and "1条“四个一”包联记录" in msg
    c = ledger.save_village(Village("单家庄村"))
    ledger.delete_village(c.id)
    assert ledger.find_village("单家庄村") is None
    with pytest.raises(NotFound):
        ledger.delete_village(c.id)


def test_lookup_follows_saves_renames_and_deletes(ledger: Ledger) -> None:
    a = ledger.save_village(Village("青山村"))
    b = ledger.save_village(Village("石桥村"))
    hits = ledger.lookup("qsc")
    assert hits and hits[0].village_id == a.id and hits[0].name == "青山村"
    assert ledger.lookup("石桥")[0].village_id == b.id
    b.name = "石门村"
    ledger.save_village(b)  # the index is built: it must follow the rename
    assert ledger.lookup("smc")[0].village_id == b.id
    assert all(h.village_id != b.id for h in ledger.lookup("sqc"))
    ledger.delete_village(b.id)
    assert all(h.village_id != b.id for h in ledger.lookup("石门"))
    c = ledger.save_village(Village("曾家村"))
    assert any(h.village_id == c.id for h in ledger.lookup("zjc"))


# ---------------------------------------------------------------- cases


def test_new_case_starts_as_candidate(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id, problem_summary="班子不团结")
    assert (c.state, c.year, c.batch, c.problem_summary) == (C.CANDIDATE, 2026, "2026年", "班子不团结")
    (t,) = c.history
    assert (t.from_state, t.to_state, t.on, t.reason) == (None, C.CANDIDATE, TODAY, "列入拟认定名单")
    assert t.who == ledger.user
    assert ledger.active_case(people["a"].id) == c and ledger.cases_for_village(people["a"].id) == [c]


def test_new_case_refused_while_one_is_active(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    with pytest.raises(LedgerError) as exc:
        ledger.new_case(people["a"].id, 2027)
    assert "青山村已有未结束的整顿案卷（2026年，拟认定）" in str(exc.value)
    ledger.move_case(c.id, C.DISMISSED, CaseInput(reason="经核查不属于软弱涣散"))
    again = ledger.new_case(people["a"].id, 2027)
    assert ledger.active_case(people["a"].id) == again


def test_new_case_year_must_be_sensible(ledger: Ledger, people: dict) -> None:
    with pytest.raises(ValidationErrors) as exc:
        ledger.new_case(people["a"].id, 1999)
    assert "年度" in errors_of(exc)
    with pytest.raises(NotFound):
        ledger.new_case(999)


def test_full_life_cycle_over_two_years(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    with Ledger.open(path, today=date(2025, 3, 1)) as led:
        v = led.save_village(Village("青山村", full_members=30))
        ids = dict(
            county=assignments.save_leader(led, Leader("赵立新", "副县长", Role.COUNTY_LEADER)).id,
            town=assignments.save_leader(led, Leader("吴海波", "镇党委书记", Role.TOWNSHIP_LEADER)).id,
            unit=assignments.save_unit(led, Unit("县财政局")).id,
        )
        c = led.new_case(v.id)
        c, warnings = led.move_case(c.id, C.IDENTIFIED, CaseInput(on=date(2025, 3, 1), situations=["S02", "S04"],
                                                                   who="王芳"))
        assert warnings == [] and c.identified_on == date(2025, 3, 1) and c.situations == ["S02", "S04"]
        led.save_task(c.id, task(1, deadline=date(2025, 6, 1)))
        led.save_task(c.id, task(2, deadline=date(2025, 7, 1)))
        verdict = led.check_move(c.id, C.RECTIFYING)
        assert verdict.allowed and len(verdict.warnings) == 1  # no 四个一 yet
        for role, key in ((Role.COUNTY_LEADER, "county"), (Role.TOWNSHIP_LEADER, "town"), (Role.PAIRED_UNIT, "unit")):
            assignments.assign(led, v.id, role, ids[key])
        roster.enlist(led, Cadre("李明"), Posting(0, v.id, arrival=date(2025, 1, 5), status=SecretaryStatus.ACTIVE))
        c, warnings = led.move_case(c.id, C.RECTIFYING, CaseInput(who="王芳"))
        assert warnings == [] and c.state == C.RECTIFYING
    with Ledger.open(path, today=date(2025, 7, 10)) as led:
        with pytest.raises(TransitionRefused) as exc:
            led.move_case(c.id, C.AWAITING_ACCEPTANCE)
        assert "第1项“问题1”" in str(exc.value)
        led.complete_task(c.id, 1, date(2025, 5, 30), evidence="会议记录")
        led.complete_task(c.id, 2)
        c, _ = led.move_case(c.id, C.AWAITING_ACCEPTANCE, CaseInput(on=date(2025, 7, 10)))
        led.add_acceptance(c.id, Acceptance(date(2025, 7, 10), AcceptanceResult.PASS, 86, ["王建国"], 60, 45, 10, 5))
        c, warnings = led.move_case(c.id, C.ACCEPTED)
        assert warnings == []
        c, _ = led.move_case(c.id, C.SIGNED_OFF, CaseInput(on=date(2025, 7, 10), approver="县委组织部", who="刘洋"))
        assert c.state == C.CONSOLIDATING and all(t.status == TaskStatus.CLOSED for t in c.tasks)
    with Ledger.open(path, today=date(2026, 7, 12)) as led:
        led.add_review(c.id, Review(date(2026, 1, 10), "组织生活正常", who="冯建华"))
        c, _ = led.move_case(c.id, C.ARCHIVED)
        assert not c.active and led.active_case(v.id) is None
        stored = led.case(c.id)
    assert stored == c
    with Ledger.open(path, today=date(2026, 7, 12), read_only=True) as led:
        c = led.case(c.id)
    assert [(t.from_state, t.to_state) for t in c.history] == [
        (None, C.CANDIDATE), (C.CANDIDATE, C.IDENTIFIED), (C.IDENTIFIED, C.RECTIFYING),
        (C.RECTIFYING, C.AWAITING_ACCEPTANCE), (C.AWAITING_ACCEPTANCE, C.ACCEPTED), (C.ACCEPTED, C.SIGNED_OFF),
        (C.SIGNED_OFF, C.CONSOLIDATING), (C.CONSOLIDATING, C.ARCHIVED)]
    assert [t.who for t in c.history][1:3] == ["王芳", "王芳"] and c.history[5].who == "刘洋"
    assert all(t.who for t in c.history)
    assert c.history[-1].on == date(2026, 7, 12)
    assert c.tasks[0].evidence == "会议记录" and c.tasks[1].done_on == date(2025, 7, 10)


def test_refused_move_writes_nothing(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    before, audit = snapshot(ledger), len(ledger.audit())
    with pytest.raises(TransitionRefused) as exc:
        ledger.move_case(c.id, C.IDENTIFIED)
    assert exc.value.missing == ["至少选择一项软弱涣散情形", "认定日期"]
    with pytest.raises(TransitionRefused) as exc:
        ledger.move_case(c.id, C.ARCHIVED)
    assert "当前阶段“拟认定”" in str(exc.value)
    assert snapshot(ledger) == before and len(ledger.audit()) == audit
    assert reopened(ledger.store.path) == before


def test_move_with_unknown_situation_code(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    with pytest.raises(ValidationErrors) as exc:
        ledger.move_case(c.id, C.IDENTIFIED, CaseInput(on=TODAY, situations=["S02", "X1"]))
    assert "X1" in errors_of(exc)["软弱涣散情形"]
    assert ledger.case(c.id).state == C.CANDIDATE


def consolidating_case(led: Ledger, village_id: int, reviews: list[Review]) -> int:
    """A case walked to 巩固提升 with the given reviews, on a ledger whose today is TODAY."""
    c = led.new_case(village_id, 2025, listed_on=date(2025, 2, 20))
    led.move_case(c.id, C.IDENTIFIED, CaseInput(on=date(2025, 3, 1), situations=["S02"]))
    led.save_task(c.id, task(1, deadline=date(2025, 6, 1)))
    led.move_case(c.id, C.RECTIFYING, CaseInput(on=date(2025, 3, 10)))
    led.complete_task(c.id, 1, date(2025, 5, 1))
    led.move_case(c.id, C.AWAITING_ACCEPTANCE, CaseInput(on=date(2025, 5, 20)))
    led.add_acceptance(c.id, Acceptance(date(2025, 6, 1), AcceptanceResult.PASS, 80, [], 50, 40, 8, 2))
    led.move_case(c.id, C.ACCEPTED, CaseInput(on=date(2025, 6, 5)))
    led.move_case(c.id, C.SIGNED_OFF, CaseInput(on=date(2025, 6, 10), approver="县委组织部"))
    for r in reviews:
        led.add_review(c.id, r)
    return c.id


def test_relapse_opens_a_linked_case(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    cid = consolidating_case(ledger, vid, [])
    n = len(ledger.audit())
    # A review that finds the village relapsed is the relapse: review, relapse and new case, one change.
    old = ledger.add_review(cid, Review(date(2026, 10, 1), "书记长期不在岗，班子又不团结", relapsed=True, who="冯建华"))
    assert len(ledger.audit()) == n + 1
    new = ledger.active_case(vid)
    assert new is not None and new.id != cid
    assert (old.state, old.relapsed_into) == (C.RELAPSED, new.id)
    assert (new.state, new.relapse_of, new.year, new.batch) == (C.CANDIDATE, cid, 2026, "2026年（反弹）")
    assert new.problem_summary == "书记长期不在岗，班子又不团结"
    assert new.history[0].to_state == C.CANDIDATE and "2025年案卷反弹" in new.history[0].reason
    assert new.history[0].who == "冯建华"
    assert reopened(ledger.store.path)["cases"] == [to_dict(c) for c in ledger.cases()]
    ledger.undo()  # one Ctrl+Z: back in 巩固提升, without the 已反弹 review
    assert ledger.case(cid).state == C.CONSOLIDATING and len(ledger.cases()) == 1
    assert ledger.case(cid).reviews == []


def test_relapse_from_archive_with_a_reason(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    cid = consolidating_case(ledger, vid, [Review(date(2026, 1, 5), "巩固良好")])
    ledger.move_case(cid, C.ARCHIVED)
    old, _ = ledger.move_case(cid, C.RELAPSED, CaseInput(reason="信访矛盾再次集中"))
    new = ledger.case(old.relapsed_into)
    assert new.relapse_of == cid and new.problem_summary == "信访矛盾再次集中"


def test_relapse_of_an_archive_never_makes_two_active_cases(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    cid = consolidating_case(ledger, vid, [Review(date(2026, 1, 5), "巩固良好")])
    ledger.move_case(cid, C.ARCHIVED)
    ledger.new_case(vid)  # this year's listing
    try:
        ledger.move_case(cid, C.RELAPSED, CaseInput(reason="信访矛盾再次集中"))
    except LedgerError:
        pass  # refusing is one acceptable answer; linking to the active case another
    assert sum(1 for c in ledger.cases_for_village(vid) if c.active) == 1


def test_save_case_cannot_move_a_case_to_another_village(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    c.village_id = 999
    with pytest.raises(LedgerError):
        ledger.save_case(c)


def test_save_case_edits_texts_but_not_the_state(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    c.cause_analysis = "书记能力偏弱"
    c.situations = ["S02"]
    saved = ledger.save_case(c)
    assert ledger.case(c.id).cause_analysis == "书记能力偏弱" and saved.situations == ["S02"]
    c.state = C.ARCHIVED
    with pytest.raises(LedgerError) as exc:
        ledger.save_case(c)
    assert "阶段转换" in str(exc.value)
    c = ledger.case(c.id)
    c.situations = ["S99", "S88"]
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_case(c)
    errs = errors_of(exc)
    assert "S88" in errs["软弱涣散情形"] and "文字说明" in errs["情形说明"]


# ---------------------------------------------------------------- tasks


def test_tasks_add_edit_complete_waive_delete(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    c = ledger.save_task(c.id, task(1))
    c = ledger.save_task(c.id, task(2))
    assert [t.id for t in c.tasks] == [1, 2]
    t = c.tasks[0]
    t.measure = "改为每周例会"
    c = ledger.save_task(c.id, t)
    assert ledger.case(c.id).tasks[0].measure == "改为每周例会" and len(c.tasks) == 2
    c = ledger.complete_task(c.id, 1, evidence="照片")
    assert (c.tasks[0].status, c.tasks[0].done_on, c.tasks[0].evidence) == (TaskStatus.DONE, TODAY, "照片")
    with pytest.raises(ValidationErrors) as exc:
        ledger.waive_task(c.id, 2, "  ")
    assert errors_of(exc)["免于整改说明"] == "免于整改须写明理由"
    c = ledger.waive_task(c.id, 2, "上级政策调整，不再适用")
    assert c.tasks[1].waived and c.tasks[1].finished and c.tasks_done == 2
    c = ledger.delete_task(c.id, 1)
    assert [t.id for t in c.tasks] == [2]
    c = ledger.save_task(c.id, task(3))
    assert [t.id for t in c.tasks] == [2, 3]  # ids are never reused within a case while 2 exists
    with pytest.raises(NotFound):
        ledger.delete_task(c.id, 1)
    with pytest.raises(NotFound):
        ledger.complete_task(c.id, 9)
    with pytest.raises(NotFound):
        ledger.save_task(c.id, task(9, id=9))


def test_task_validation(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_task(c.id, Task("", status=TaskStatus.DONE))
    errs = errors_of(exc)
    assert errs["具体问题"] == "不能为空" and errs["完成日期"] == "已完成的任务须填写完成日期"
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_task(c.id, task(1, status=TaskStatus.DONE, done_on=TODAY + timedelta(days=1)))
    assert errors_of(exc)["完成日期"] == "不能晚于今天"
    assert ledger.case(c.id).tasks == []


def test_tasks_are_frozen_after_sign_off(ledger: Ledger, people: dict) -> None:
    cid = consolidating_case(ledger, people["a"].id, [])
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_task(cid, task(5))
    assert "巩固提升" in errors_of(exc)["整改任务"]


def test_progress_reports(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    c = ledger.add_progress(c.id, ProgressReport(TODAY, "召开专题组织生活会"))
    assert c.progress[0].who == ledger.user and c.progress[0].text == "召开专题组织生活会"
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_progress(c.id, ProgressReport(TODAY, " "))
    assert "推进情况" in errors_of(exc)
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_progress(c.id, ProgressReport(TODAY + timedelta(days=1), "明天的事"))
    assert errors_of(exc)["日期"] == "不能晚于今天"


# ---------------------------------------------------------------- acceptance and reviews


def awaiting_case(led: Ledger, village_id: int) -> int:
    c = led.new_case(village_id)
    led.move_case(c.id, C.IDENTIFIED, CaseInput(on=TODAY, situations=["S04"]))
    led.save_task(c.id, task(1))
    led.move_case(c.id, C.RECTIFYING)
    led.complete_task(c.id, 1)
    led.move_case(c.id, C.AWAITING_ACCEPTANCE)
    return c.id


def test_acceptance_only_while_awaiting(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_acceptance(c.id, Acceptance(TODAY, AcceptanceResult.PASS, 80, [], 10, 10))
    assert "待验收" in errors_of(exc)["验收"] and "拟认定" in errors_of(exc)["验收"]
    cid = awaiting_case(ledger, people["b"].id)
    c = ledger.add_acceptance(cid, Acceptance(TODAY, AcceptanceResult.FAIL, 55, ["王建国"], 10, 3, 2, 5))
    assert c.last_acceptance.result == AcceptanceResult.FAIL


def test_acceptance_poll_validation(ledger: Ledger, people: dict) -> None:
    cid = awaiting_case(ledger, people["a"].id)
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_acceptance(cid, Acceptance(TODAY, AcceptanceResult.PASS, 80, [], 10, 8, 2, 1))
    assert "超过参评人数10人" in errors_of(exc)["民主测评"]
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_acceptance(cid, Acceptance(TODAY, AcceptanceResult.PASS, 120, [], 10, 8))
    assert "0至100" in errors_of(exc)["民主测评"]
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_acceptance(cid, Acceptance(TODAY + timedelta(days=1), AcceptanceResult.PASS, 80, [], 10, 8))
    assert errors_of(exc)["验收日期"] == "不能晚于今天"
    assert ledger.case(cid).acceptances == []


def test_rerectification_through_the_service(ledger: Ledger, people: dict) -> None:
    cid = awaiting_case(ledger, people["a"].id)
    ledger.add_acceptance(cid, Acceptance(TODAY, AcceptanceResult.BASIC, 66, [], 20, 8, 4, 8))
    with pytest.raises(TransitionRefused) as exc:
        ledger.move_case(cid, C.ACCEPTED)
    assert "基本合格" in str(exc.value)
    with pytest.raises(TransitionRefused) as exc:
        ledger.move_case(cid, C.RECTIFYING, CaseInput(new_deadline=TODAY - timedelta(days=3)))
    assert "应晚于今天" in str(exc.value)
    c, _ = ledger.move_case(cid, C.RECTIFYING, CaseInput(new_deadline=TODAY + timedelta(days=60)))
    assert c.state == C.RECTIFYING and c.rectify_deadline == TODAY + timedelta(days=60)


def test_reviews_only_while_consolidating(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_review(c.id, Review(TODAY, ""))
    errs = errors_of(exc)
    assert errs["回头看情况"] == "不能为空" and "巩固提升" in errs["回头看"]
    cid = consolidating_case(ledger, people["b"].id, [])
    c = ledger.add_review(cid, Review(TODAY, "组织生活正常"))
    assert c.reviews[0].who == ledger.user
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_review(cid, Review(TODAY + timedelta(days=1), "未来"))
    assert errs and errors_of(exc)["日期"] == "不能晚于今天"














# ---------------------------------------------------------------- settings and situations


def test_settings_validation_and_persistence(ledger: Ledger) -> None:
    s = ledger.settings
    s.township = " "
    s.pass_score = -1
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_settings(s)
    errs = errors_of(exc)
    assert errs["乡镇名称"] == "不能为空" and errs["R18 验收合格分数线"] == "不能为负数"
    s = ledger.settings
    s.pass_score, s.clerk = 75, "党建办"
    ledger.save_settings(s)
    assert ledger.user == "党建办"
    assert reopened(ledger.store.path)["settings"]["pass_score"] == 75


@pytest.mark.parametrize(("changes", "label", "message"), [
    ({"pass_score": 101}, "R18 验收合格分数线", "不能大于100"),
    ({"max_dissatisfied_pct": 150}, "R18 不满意率上限（%）", "不能大于100"),
    ({"consolidation_months": 0}, "R19 巩固提升期（月）", "应大于0"),
    ({"secretary_term_months": 0}, "R8 第一书记任期（月）", "应大于0"),
    ({"term_urgent_days": 90, "term_warn_days": 60}, "R8 任期届满紧急提醒（天）",
     "不能大于“R8 任期届满提醒（天）”（60）"),
    ({"absences_max_basic": 4}, "R10 最高基本称职的缺勤次数", "不能大于“R10 评不称职的缺勤次数”（3）"),
])
def test_settings_range_checks(ledger: Ledger, changes: dict, label: str, message: str) -> None:
    before = ledger.settings
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_settings(replace(before, **changes))
    assert errors_of(exc)[label] == message
    assert ledger.settings == before  # nothing half-saved


def test_relapse_links_to_the_case_already_open(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    cid = consolidating_case(ledger, vid, [Review(date(2026, 1, 5), "巩固良好")])
    ledger.move_case(cid, C.ARCHIVED)
    listed = ledger.new_case(vid)
    old, _ = ledger.move_case(cid, C.RELAPSED, CaseInput(reason="信访矛盾再次集中"))
    assert old.relapsed_into == listed.id and ledger.case(listed.id).relapse_of == cid
    assert [c.id for c in ledger.cases_for_village(vid) if c.active] == [listed.id]


def test_save_case_refuses_to_relink(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    c.relapse_of = 42
    with pytest.raises(LedgerError) as exc:
        ledger.save_case(c)
    assert "反弹关联" in str(exc.value)


def test_settings_change_the_rules(ledger: Ledger, people: dict) -> None:
    cid = awaiting_case(ledger, people["a"].id)
    ledger.add_acceptance(cid, Acceptance(TODAY, AcceptanceResult.PASS, 72, [], 10, 9, 1, 0))
    assert ledger.check_move(cid, C.ACCEPTED).warnings == []
    s = ledger.settings
    s.pass_score = 80
    ledger.save_settings(s)
    assert ledger.check_move(cid, C.ACCEPTED).warnings == ["按验收标准：验收得分72分，低于80分"]


def test_situations(ledger: Ledger) -> None:
    s = ledger.save_situation(Situation("S14", "村级组织活动场所不达标"))
    assert ledger.situation_text("S14") == "村级组织活动场所不达标"
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_situation(Situation("S14", "重复"))
    assert "已存在" in errors_of(exc)["代码"]
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_situation(Situation("14", ""))
    assert set(errors_of(exc)) == {"代码", "情形"}
    s.active = False
    ledger.save_situation(s)
    assert "S14" not in [x.code for x in ledger.situations(active_only=True)]
    assert "S14" in [x.code for x in ledger.situations()]



# ---------------------------------------------------------------- undo and read-only


def _case_in(led: Ledger, p: dict) -> int:
    c = led.new_case(p["a"].id)
    led.move_case(c.id, C.IDENTIFIED, CaseInput(on=TODAY, situations=["S02"]))
    led.save_task(c.id, task(1))
    return c.id


CHANGES = {
    "new village": lambda led, p, cid: led.save_village(Village("新华村")),
    "edit village": lambda led, p, cid: led.save_village(Village("石桥村", full_members=99, id=p["b"].id)),
    "delete village": lambda led, p, cid: led.delete_village(p["b"].id),
    "new case": lambda led, p, cid: led.new_case(p["b"].id),
    "move case": lambda led, p, cid: led.move_case(cid, C.RECTIFYING),
    "edit case": lambda led, p, cid: led.save_case(replace(led.case(cid), cause_analysis="原因")),
    "add task": lambda led, p, cid: led.save_task(cid, task(2)),
    "complete task": lambda led, p, cid: led.complete_task(cid, 1),
    "waive task": lambda led, p, cid: led.waive_task(cid, 1, "不再适用"),
    "delete task": lambda led, p, cid: led.delete_task(cid, 1),
    "progress": lambda led, p, cid: led.add_progress(cid, ProgressReport(TODAY, "推进中")),
    "assign": lambda led, p, cid: assignments.assign(led, p["a"].id, Role.PAIRED_UNIT, p["unit"].id),
    "reassign": lambda led, p, cid: assignments.assign(led, p["a"].id, Role.TOWNSHIP_LEADER, p["town2"].id),
    "end assignment": lambda led, p, cid: assignments.end_assignment(led, led.records("assignments")[0].id),
    "new secretary": lambda led, p, cid: roster.enlist(led, Cadre("王芳", gender=Gender.FEMALE), Posting(0, p["b"].id)),
    "assessment": lambda led, p, cid: roster.set_assessment(led, p["fs"].id, 2025, Grade.COMPETENT, 0),
    "recall": lambda led, p, cid: roster.move(led, p["fs"].id, SecretaryStatus.RECALLED,
                                              PostingInput(recall_reason=RecallReason.HEALTH, approver="镇党委")),
    "reassign secretary": lambda led, p, cid: roster.move(led, p["fs"].id, SecretaryStatus.REASSIGNED,
                                                          PostingInput(reason="工作需要", village_id=p["b"].id)),
    "edit cadre": lambda led, p, cid: roster.save_cadre(led, replace(p["fs"].cadre, phone="13900001111")),
    "settings": lambda led, p, cid: led.save_settings(replace(led.settings, pass_score=60)),
    "situation": lambda led, p, cid: led.save_situation(Situation("S14", "新情形")),
    "leader": lambda led, p, cid: assignments.save_leader(led, Leader("孙红梅", role=Role.COUNTY_LEADER)),
    "unit": lambda led, p, cid: assignments.save_unit(led, Unit("县水利局")),
    "delete unit": lambda led, p, cid: assignments.delete_holder(led, "units", p["unit"].id),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_undo_restores_the_previous_state(ledger: Ledger, people: dict, kind: str) -> None:
    cid = _case_in(ledger, people)
    assignments.assign(ledger, people["a"].id, Role.TOWNSHIP_LEADER, people["town"].id, date(2026, 1, 1))
    before = snapshot(ledger)
    version = ledger.version
    CHANGES[kind](ledger, people, cid)
    assert snapshot(ledger) != before and ledger.version > version
    entry = ledger.undo()
    assert entry is not None and entry.summary
    assert snapshot(ledger) == before
    path = ledger.store.path
    ledger.close()
    assert reopened(path) == before


def test_undo_of_the_demo_load(ledger: Ledger) -> None:
    from ledgers.demo import load_demo

    before = snapshot(ledger)
    load_demo(ledger, "township")
    assert len(ledger.villages()) == 25
    ledger.undo()
    assert snapshot(ledger) == before and ledger.is_empty()


def test_nothing_to_undo_after_undoing_everything(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "x.json", today=TODAY) as led:
        led.save_village(Village("青山村"))
        assert led.undo() is not None
        assert led.villages() == []


def test_the_seeding_of_a_new_file_cannot_be_undone(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "x.json", today=TODAY) as led:
        assert led.situations() and led.undo() is None
        assert led.situations() and led.settings.circular_requirements


def test_read_only_ledger_refuses_writes(ledger: Ledger, people: dict) -> None:
    cid = _case_in(ledger, people)
    with Ledger.open(ledger.store.path, today=TODAY, read_only=True) as ro:
        assert ro.read_only and not ledger.read_only
        before = snapshot(ro)
        assert before == snapshot(ledger)
        for write in (lambda: ro.save_village(Village("新华村")),
                      lambda: ro.new_case(people["b"].id),
                      lambda: ro.move_case(cid, C.RECTIFYING),
                      lambda: ro.save_task(cid, task(2)),
                      lambda: assignments.assign(ro, people["a"].id, Role.PAIRED_UNIT, people["unit"].id),
                      lambda: roster.move(ro, people["fs"].id, SecretaryStatus.REASSIGNED,
                                          PostingInput(reason="工作需要", village_id=people["b"].id)),
                      lambda: roster.enlist(ro, Cadre("王芳"), Posting(0, people["b"].id)),
                      lambda: ro.delete_village(people["b"].id),
                      lambda: ro.save_settings(ro.settings)):
            with pytest.raises(ReadOnlyError) as exc:
                write()
            assert "只读" in str(exc.value)
        assert snapshot(ro) == before
    # The writer sees a read-only viewer's copy never changed anything.
    assert snapshot(ledger) == before


def test_read_only_viewer_reloads_the_writers_changes(ledger: Ledger, people: dict) -> None:
    with Ledger.open(ledger.store.path, today=TODAY, read_only=True) as ro:
        ledger.save_village(Village("新华村"))
        assert ro.find_village("新华村") is None
        ro.reload()
        assert ro.find_village("新华村") is not None




def test_save_case_cannot_rewrite_what_the_steps_own(ledger: Ledger, people: dict) -> None:
    cid = awaiting_case(ledger, people["a"].id)
    for change in ({"signed_off_on": date(2024, 1, 1)}, {"approver": "某人"}, {"identified_on": date(2001, 1, 1)},
                   {"acceptances": [Acceptance(TODAY, AcceptanceResult.PASS, 150, [], 1, 0, 0, 9)]},
                   {"tasks": []}):
        with pytest.raises(LedgerError) as exc:
            ledger.save_case(replace(ledger.case(cid), **change))
        assert "只能通过相应操作修改" in str(exc.value)
    saved = ledger.save_case(replace(ledger.case(cid), note="备注", batch="2026年第二批"))
    assert (saved.note, saved.batch) == ("备注", "2026年第二批")


def test_tasks_are_frozen_once_submitted(ledger: Ledger, people: dict) -> None:
    cid = awaiting_case(ledger, people["a"].id)
    assert ledger.case(cid).state == C.AWAITING_ACCEPTANCE
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_task(cid, task(2))
    assert "整改任务已不能修改" in errors_of(exc)["整改任务"]
    with pytest.raises(LedgerError):
        ledger.delete_task(cid, 1)
    assert len(ledger.case(cid).tasks) == 1


def test_closed_is_set_by_the_sign_off_only(ledger: Ledger, people: dict) -> None:
    c = ledger.new_case(people["a"].id)
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_task(c.id, task(1, status=TaskStatus.CLOSED, done_on=TODAY))
    assert "自动标记" in errors_of(exc)["完成情况"]



def test_an_acceptance_is_not_dated_before_the_submission(ledger: Ledger, people: dict) -> None:
    cid = awaiting_case(ledger, people["a"].id)
    with pytest.raises(ValidationErrors) as exc:
        ledger.add_acceptance(cid, Acceptance(TODAY - timedelta(days=30), AcceptanceResult.PASS, 80, [], 10, 9, 1, 0))
    assert "不能早于提请验收的日期" in errors_of(exc)["验收日期"]


@pytest.mark.parametrize(("changes", "kind"), [
    ({}, "open"), ({"deadline": TODAY - timedelta(days=3)}, "overdue"),
    ({"status": TaskStatus.DONE, "done_on": TODAY, "deadline": TODAY - timedelta(days=3)}, "done"),
    ({"waived": True, "waive_note": "已撤并", "deadline": TODAY - timedelta(days=3)}, "waived"),
    ({"waived": True, "waive_note": ""}, "open"),
])
def test_task_completion(changes: dict, kind: str) -> None:
    t = replace(task(1, deadline=TODAY + timedelta(days=5)), **changes)
    assert t.completion(TODAY) == kind
    assert t.days_overdue(TODAY) == (3 if kind == "overdue" else 0)




# ---------------------------------------------------------------- bulk loading and the garbage collector


def test_bulk_load_pauses_cyclic_gc_and_restores_it() -> None:
    import gc

    from ledgers.ledger import bulk_load

    assert gc.isenabled()
    with bulk_load():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), bulk_load():
        raise ValueError("mid-load")
    assert gc.isenabled()  # restored after a failure too
    gc.disable()
    try:
        with bulk_load():
            pass
        assert not gc.isenabled()  # a caller who had it off keeps it off
    finally:
        gc.enable()


def test_open_and_reload_leave_gc_on_even_when_the_file_is_bad(tmp_path: Path) -> None:
    import gc

    from ledgers.errors import StoreCorrupt

    db = tmp_path / "l.json"
    with Ledger.open(db, today=date(2026, 11, 23)) as ledger:
        ledger.reload()
        assert gc.isenabled()
    db.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreCorrupt):
        Ledger.open(db)
    assert gc.isenabled()


def test_audit_log_names_the_clerk_from_settings(tmp_path: Path) -> None:
    """Issue 13: the audit log said ``root`` (the login) where a case's history said 党建办 — one name
    for the person at the keyboard: the settings' clerk, the login name only when none is set."""
    led = Ledger.open(tmp_path / "l.json", today=TODAY, user="root")
    try:
        led.save_village(Village(id=0, name="青山村", township="青石镇"))
        assert led.store.audit(1)[0].who == "root"
        led.save_settings(replace(led.settings, clerk="党建办"))
        led.save_village(Village(id=0, name="石桥村", township="青石镇"))
        assert led.store.audit(1)[0].who == "党建办" == led.user
    finally:
        led.close()
    with Ledger.open(tmp_path / "l.json", today=TODAY, user="root") as again:  # read back: same name
        again.save_village(Village(id=0, name="长安村", township="青石镇"))
        assert again.store.audit(1)[0].who == "党建办"


def test_changed_since_names_the_records_or_says_it_does_not_know(tmp_path: Path) -> None:
    """What a screen needs to update only the rows a change touched: the records changed after the
    version it shows, or None when the ledger was re-read since (an undo) — then it rebuilds all."""
    with Ledger.open(tmp_path / "l.json", today=TODAY) as led:
        v = led.save_village(Village(id=0, name="青山村", township="青石镇"))
        shown = led.version
        assert led.changed_since(shown) == []
        led.save_village(replace(v, population=1200))
        w = led.save_village(Village(id=0, name="石桥村", township="青石镇"))
        assert led.changed_since(shown) == [("villages", v.id, "update"), ("villages", w.id, "add")]
        now = led.version
        led.delete_village(w.id)
        assert led.changed_since(now) == [("villages", w.id, "delete")]
        now = led.version
        led.undo()
        assert led.changed_since(now) is None  # re-read from the file: not known
        assert led.changed_since(led.version) == []


def test_versions_never_repeat_across_ledgers(tmp_path: Path) -> None:
    """A screen keeps the version it shows; a ledger opened anew (F2 改为可写 replaces the read-only
    one) must not start again at a version that screen has shown, or it would look up to date."""
    with Ledger.open(tmp_path / "a.json", today=TODAY) as first:
        seen = first.version
    with Ledger.open(tmp_path / "a.json", today=TODAY) as again:
        assert again.version > seen
        assert again.changed_since(seen) is None  # not this ledger's history: rebuild


def test_changed_since_after_the_log_was_trimmed(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.json", today=TODAY) as led:
        v = led.save_village(Village(id=0, name="青山村", township="青石镇"))
        early = led.version
        for n in range(300):
            led.save_village(replace(v, population=n))
        assert led.changed_since(early) is None  # trimmed away: not known
        recent = led.version
        led.save_village(replace(v, population=1))
        assert led.changed_since(recent) == [("villages", v.id, "update")]
