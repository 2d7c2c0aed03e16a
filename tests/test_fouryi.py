"""四个一 (ledgers.assignments, ledgers.matrix): slots, the first-secretary slot derived from the serving
posting, gaps, conflicts with one definition, leaders and units, and the same counts in every view."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from ledger_support import fill_slots, make_people
from ledgers import assignments, roster
from ledgers.check import CONFLICT_PREFIX, check_ledger
from ledgers.errors import LedgerError, NotFound, ValidationErrors
from ledgers.ledger import Ledger
from ledgers.matrix import assignment_matrix, find_conflicts
from ledgers.models import (
    Assignment, Cadre, CaseState, Leader, Posting, RecallReason, Role, SecretaryStatus, Unit, UnitLevel,
)
from ledgers.stats import dashboard
from ledgers.workflow import CaseInput, PostingInput

TODAY = date(2026, 11, 23)


@pytest.fixture
def people(ledger: Ledger) -> dict:
    return make_people(ledger)


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, str]:
    assert isinstance(exc.value, ValidationErrors)
    return {e.field: e.detail for e in exc.value.errors}


def recall(led: Ledger, posting_id: int, on: date | None = None):
    return roster.move(led, posting_id, SecretaryStatus.RECALLED,
                       PostingInput(on=on, recall_reason=RecallReason.HEALTH, approver="镇党委"))


def identified_case(led: Ledger, village_id: int) -> int:
    c = led.new_case(village_id)
    led.move_case(c.id, CaseState.IDENTIFIED, CaseInput(on=TODAY, situations=["S02"]))
    return c.id


# ---------------------------------------------------------------- slots


def test_slots_fill_and_the_first_secretary_is_the_serving_posting(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    slots = ledger.slots(vid)
    assert slots[Role.FIRST_SECRETARY].name == "李明" and slots[Role.FIRST_SECRETARY].detail == "县财政局"
    assert slots[Role.FIRST_SECRETARY].start == date(2025, 9, 1)
    assert [slots[r] for r in (Role.COUNTY_LEADER, Role.TOWNSHIP_LEADER, Role.PAIRED_UNIT)] == [None] * 3
    fill_slots(ledger, vid, people)
    slots = ledger.slots(vid)
    assert slots[Role.COUNTY_LEADER].name == "赵立新" and slots[Role.COUNTY_LEADER].detail == "县委常委、组织部部长"
    assert slots[Role.PAIRED_UNIT].detail == "县直" and slots[Role.PAIRED_UNIT].start == TODAY
    assert ledger.slots(people["b"].id) == {r: None for r in Role}


def test_the_first_secretary_slot_cannot_be_assigned_directly(ledger: Ledger, people: dict) -> None:
    with pytest.raises(LedgerError) as exc:
        assignments.assign(ledger, people["b"].id, Role.FIRST_SECRETARY, people["fs"].cadre.id)
    assert "花名册" in str(exc.value)


def test_a_planned_posting_is_not_a_filled_slot(ledger: Ledger, people: dict) -> None:
    e = roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id))
    assert e.status == SecretaryStatus.PROPOSED
    assert ledger.slots(people["b"].id)[Role.FIRST_SECRETARY] is None
    identified_case(ledger, people["b"].id)
    (row,) = assignment_matrix(ledger).rows
    assert Role.FIRST_SECRETARY in row.gaps and row.planned is not None and row.planned.name == "王芳"
    roster.move(ledger, e.id, SecretaryStatus.ACTIVE, PostingInput(on=TODAY))
    (row,) = assignment_matrix(ledger).rows
    assert row.slots[Role.FIRST_SECRETARY].name == "王芳" and row.planned is None


def test_assign_ends_the_previous_holder(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    assignments.assign(ledger, vid, Role.TOWNSHIP_LEADER, people["town"].id, date(2026, 1, 1))
    new = assignments.assign(ledger, vid, Role.TOWNSHIP_LEADER, people["town2"].id, date(2026, 6, 1))
    (old,) = [a for a in ledger.records("assignments") if a.id != new.id]
    assert old.end == date(2026, 5, 31) and new.end is None
    assert ledger.slots(vid)[Role.TOWNSHIP_LEADER].name == "郑晓东"
    assert ledger.slots(vid, date(2026, 3, 1))[Role.TOWNSHIP_LEADER].name == "吴海波"
    assert [h.name for h in assignments.history(ledger, vid, Role.TOWNSHIP_LEADER)] == ["吴海波", "郑晓东"]


def test_a_same_day_correction_leaves_one_holder(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    assignments.assign(ledger, vid, Role.TOWNSHIP_LEADER, people["town"].id)  # today, then corrected today
    assignments.assign(ledger, vid, Role.TOWNSHIP_LEADER, people["town2"].id)
    active = [a.holder_id for a in ledger.records("assignments") if a.active_on(TODAY)]
    assert active == [people["town2"].id] and find_conflicts(ledger, TODAY) == []


def test_assign_refusals(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    with pytest.raises(LedgerError) as exc:
        assignments.assign(ledger, vid, Role.COUNTY_LEADER, people["town"].id)
    assert "不是县级联系领导" in str(exc.value)
    with pytest.raises(NotFound):
        assignments.assign(ledger, vid, Role.PAIRED_UNIT, 99)
    with pytest.raises(NotFound):
        assignments.assign(ledger, 99, Role.PAIRED_UNIT, people["unit"].id)
    assignments.assign(ledger, vid, Role.PAIRED_UNIT, people["unit"].id, date(2026, 5, 1))
    with pytest.raises(ValidationErrors) as exc:
        assignments.assign(ledger, vid, Role.PAIRED_UNIT, people["unit"].id)
    assert "已在青山村包联" in errors_of(exc)["结对单位"]
    other = assignments.save_unit(ledger, Unit("县水利局"))
    with pytest.raises(ValidationErrors) as exc:
        assignments.assign(ledger, vid, Role.PAIRED_UNIT, other.id, date(2026, 4, 1))
    assert "不能早于现任县财政局的开始日期" in errors_of(exc)["开始日期"]


def test_end_assignment_keeps_history(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    a = assignments.assign(ledger, vid, Role.PAIRED_UNIT, people["unit"].id, date(2026, 5, 1))
    with pytest.raises(ValidationErrors) as exc:
        assignments.end_assignment(ledger, a.id, date(2026, 4, 1))
    assert "结束日期" in errors_of(exc)
    assignments.end_assignment(ledger, a.id, date(2026, 10, 1))
    assert ledger.slots(vid)[Role.PAIRED_UNIT] is None
    assert ledger.slots(vid, date(2026, 9, 1))[Role.PAIRED_UNIT].name == "县财政局"
    assert [h.name for h in assignments.history(ledger, vid, Role.PAIRED_UNIT)] == ["县财政局"]
    with pytest.raises(LedgerError):
        assignments.end_assignment(ledger, a.id)  # already over


def test_ending_a_posting_empties_the_slot_at_once(ledger: Ledger, people: dict) -> None:
    vid = people["a"].id
    assert ledger.slots(vid)[Role.FIRST_SECRETARY] is not None  # the index is built …
    recall(ledger, people["fs"].id, TODAY - timedelta(days=2))
    assert ledger.slots(vid)[Role.FIRST_SECRETARY] is None  # … and does not go stale
    assert ledger.slots(vid, TODAY - timedelta(days=3))[Role.FIRST_SECRETARY].name == "李明"
    assert find_conflicts(ledger, TODAY) == []


def test_a_recall_on_the_arrival_day_never_held_the_slot(ledger: Ledger, people: dict) -> None:
    e = roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id, arrival=TODAY, status=SecretaryStatus.ACTIVE))
    assert ledger.slots(people["b"].id)[Role.FIRST_SECRETARY].name == "王芳"
    recall(ledger, e.id)
    assert ledger.slots(people["b"].id)[Role.FIRST_SECRETARY] is None
    assert assignments.history(ledger, people["b"].id, Role.FIRST_SECRETARY)[0].name == "王芳"


def test_a_successor_fills_the_gap(ledger: Ledger, people: dict) -> None:
    recall(ledger, people["fs"].id)
    e = roster.enlist(ledger, Cadre("王芳"), Posting(0, people["a"].id, arrival=TODAY, status=SecretaryStatus.ACTIVE))
    assert ledger.slots(people["a"].id)[Role.FIRST_SECRETARY].name == "王芳" == e.name


# ---------------------------------------------------------------- conflicts


def test_conflict_one_cadre_serving_in_two_villages(ledger: Ledger, people: dict) -> None:
    # Entry paths refuse it; an old sheet (bulk load, no workflow) can still hold it.
    a, b = people["a"].id, people["b"].id
    ledger.bulk_load("导入", [("postings", Posting(people["fs"].cadre.id, b, arrival=date(2026, 2, 1),
                                                   status=SecretaryStatus.ACTIVE))])
    found = find_conflicts(ledger, TODAY)
    assert sorted(c.village_id for c in found) == [a, b]
    assert all(c.role == Role.FIRST_SECRETARY and "李明同时在青山村、石桥村驻村" in c.message for c in found)
    assert find_conflicts(ledger, date(2026, 1, 15)) == []  # before the second posting


def test_conflicts_are_kept_until_the_ledger_changes(ledger: Ledger, people: dict) -> None:
    """Worked out once per version of the ledger (a village card asked for all of them each time):
    a change, an undo or a re-read is seen at once; another day is counted anew."""
    calls = []
    assert ledger.current("probe", lambda: calls.append(1) or "first") == "first"
    assert ledger.current("probe", lambda: calls.append(1) or "again") == "first" and calls == [1]
    assert find_conflicts(ledger, TODAY) == []
    a, b = people["a"].id, people["b"].id
    ledger.bulk_load("导入", [("postings", Posting(people["fs"].cadre.id, b, arrival=date(2026, 2, 1),
                                                   status=SecretaryStatus.ACTIVE))])
    assert ledger.current("probe", lambda: "after the change") == "after the change"
    assert sorted(c.village_id for c in find_conflicts(ledger, TODAY)) == [a, b]
    assert find_conflicts(ledger, date(2026, 1, 15)) == []  # another day: its own
    found = find_conflicts(ledger, TODAY)
    found.clear()  # a caller's list is its own
    assert len(find_conflicts(ledger, TODAY)) == 2
    ledger.undo()
    assert find_conflicts(ledger, TODAY) == []
    ledger.bulk_load("导入", [("postings", Posting(people["fs"].cadre.id, b, arrival=date(2026, 2, 1),
                                                   status=SecretaryStatus.ACTIVE))])
    assert len(find_conflicts(ledger, TODAY)) == 2
    ledger.reload()
    assert len(find_conflicts(ledger, TODAY)) == 2


def test_one_village_s_conflicts_are_its_share_of_all(ledger: Ledger, people: dict, demo_ledger: Ledger) -> None:
    """A card counts only its village's conflicts (from its records and its secretaries'); they are
    exactly, and in the same order, the ones all-villages counting puts at that village."""
    from ledgers.assignments import conflicts

    a, b = people["a"].id, people["b"].id
    other = roster.enlist(ledger, Cadre("王芳"), Posting(0, b))
    ledger.bulk_load("导入", [
        ("postings", Posting(people["fs"].cadre.id, b, arrival=date(2026, 2, 1), status=SecretaryStatus.ACTIVE)),
        ("postings", Posting(other.cadre.id, a, arrival=date(2026, 3, 1), status=SecretaryStatus.ACTIVE)),
        ("assignments", Assignment(a, Role.COUNTY_LEADER, people["town"].id, date(2026, 1, 1))),
        ("assignments", Assignment(a, Role.PAIRED_UNIT, people["unit"].id, date(2026, 1, 1))),
        ("assignments", Assignment(a, Role.PAIRED_UNIT, 99, date(2026, 2, 1))),
    ])
    cadre = ledger.get("cadres", other.cadre.id, "第一书记")
    ledger.bulk_load("手工修改", [("cadres", replace(cadre, political_status="群众"))])
    for led in (ledger, demo_ledger):
        for day in (TODAY, date(2026, 1, 15)):
            villages = [v.id for v in led.villages()]
            led.reload()  # nothing counted yet: each village counts its own
            alone = {v: conflicts(led, day, village_id=v) for v in villages}
            everything = conflicts(led, day)
            assert (everything or day != TODAY) and sum(map(len, alone.values())) == len(everything)
            for v in villages:
                share = [c for c in everything if c.village_id == v]
                assert alone[v] == share == conflicts(led, day, village_id=v)  # (the last from the count kept)


def test_conflict_two_first_secretaries_in_one_village(ledger: Ledger, people: dict) -> None:
    other = roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id))
    ledger.bulk_load("导入", [("postings", Posting(other.cadre.id, people["a"].id, arrival=date(2026, 3, 1),
                                                   status=SecretaryStatus.ACTIVE))])
    found = find_conflicts(ledger, TODAY)
    assert [c.message for c in found if c.village_id == people["a"].id] == ["同时有2名第一书记在岗（李明、王芳）"]


def test_conflicts_of_assignment_records(ledger: Ledger, people: dict) -> None:
    a = people["a"].id
    ledger.bulk_load("导入", [
        ("assignments", Assignment(a, Role.COUNTY_LEADER, people["town"].id, date(2026, 1, 1))),  # wrong kind
        ("assignments", Assignment(a, Role.PAIRED_UNIT, people["unit"].id, date(2026, 1, 1))),
        ("assignments", Assignment(a, Role.PAIRED_UNIT, 99, date(2026, 2, 1))),  # two units, one unknown
    ])
    messages = [c.message for c in find_conflicts(ledger, TODAY)]
    assert "吴海波是乡镇包村领导，不能作为县级联系领导" in messages
    assert any(m.startswith("结对单位同时有2人（单位）") for m in messages)
    assert "结对单位引用的记录（编号99）不存在" in messages


def test_conflict_a_serving_first_secretary_who_is_not_a_party_member(ledger: Ledger, people: dict) -> None:
    cadre = ledger.get("cadres", people["fs"].cadre.id, "第一书记")
    ledger.bulk_load("手工修改", [("cadres", replace(cadre, political_status="群众"))])
    (c,) = find_conflicts(ledger, TODAY)
    assert c.village_id == people["a"].id and "应为中共党员" in c.message


def test_one_count_of_conflicts_everywhere(demo_ledger: Ledger) -> None:
    """The dashboard, the matrix, ``check`` and the 通报 count the same conflicts (issue 9)."""
    from exporters.circular import body_text, figures

    m = assignment_matrix(demo_ledger)
    d = dashboard(demo_ledger)
    report = check_ledger(demo_ledger)
    in_check = [f for f in report.integrity if f.message.startswith(CONFLICT_PREFIX)]
    facts = figures(demo_ledger, None)
    assert len(m.conflicts) == len(d.matrix.conflicts) == len(in_check) == len(facts.conflicts) == 3
    assert "另有3处包联冲突" in body_text(demo_ledger, facts)
    assert sum(len(r.conflicts) for r in m.rows) == len(m.conflicts)
    assert d.matrix.gap_count == m.gap_count == facts.gap_count == 3


# ---------------------------------------------------------------- leaders and units


def test_leader_and_unit_validation(ledger: Ledger) -> None:
    with pytest.raises(ValidationErrors) as exc:
        assignments.save_leader(ledger, Leader("", role=Role.PAIRED_UNIT, phone="abc"))
    errs = errors_of(exc)
    assert errs["姓名"] == "不能为空" and "类别" in errs and "联系电话" in errs
    saved = assignments.save_leader(ledger, Leader("赵立新", phone="138 0000 1111", role=Role.COUNTY_LEADER))
    assert saved.phone == "13800001111"
    with pytest.raises(ValidationErrors):
        assignments.save_unit(ledger, Unit(" "))
    assignments.save_unit(ledger, Unit("县水利局", UnitLevel.COUNTY))
    with pytest.raises(ValidationErrors) as exc:
        assignments.save_unit(ledger, Unit("县水利局"))
    assert errors_of(exc)["单位名称"] == "已有“县水利局”"
    assert [l.name for l in assignments.leaders(ledger, Role.COUNTY_LEADER)] == ["赵立新"]


def test_a_leader_links_several_villages_and_cannot_be_deleted_while_in_use(ledger: Ledger, people: dict) -> None:
    town = people["town"].id
    assignments.assign(ledger, people["a"].id, Role.TOWNSHIP_LEADER, town)
    assignments.assign(ledger, people["b"].id, Role.TOWNSHIP_LEADER, town)
    assert assignments.links(ledger, "leaders", town) == [people["a"].id, people["b"].id]
    assert assignments.link_counts(ledger)[("leaders", town)] == 2
    with pytest.raises(LedgerError) as exc:
        assignments.delete_holder(ledger, "leaders", town)
    assert "正在包联青山村、石桥村" in str(exc.value)
    with pytest.raises(ValidationErrors) as exc:
        assignments.save_leader(ledger, replace(people["town"], role=Role.COUNTY_LEADER))
    assert "不能改变类别" in errors_of(exc)["类别"]
    assignments.delete_holder(ledger, "leaders", people["town2"].id)  # never used
    assert [l.name for l in assignments.leaders(ledger, Role.TOWNSHIP_LEADER)] == ["吴海波"]


def test_a_holder_with_history_is_kept(ledger: Ledger, people: dict) -> None:
    a = assignments.assign(ledger, people["a"].id, Role.PAIRED_UNIT, people["unit"].id, date(2026, 1, 1))
    assignments.end_assignment(ledger, a.id, date(2026, 2, 1))
    with pytest.raises(LedgerError) as exc:
        assignments.delete_holder(ledger, "units", people["unit"].id)
    assert "包联历史记录" in str(exc.value)


def test_matrix_rows_and_year_filter(ledger: Ledger, people: dict) -> None:
    identified_case(ledger, people["a"].id)
    fill_slots(ledger, people["a"].id, people)
    m = assignment_matrix(ledger)
    (row,) = m.rows
    assert row.complete and m.complete_count == 1 and m.gap_count == 0 and row.since == TODAY
    assert assignment_matrix(ledger, year=TODAY.year - 1).rows == []
