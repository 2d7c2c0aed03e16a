"""第一书记花名册 (ledgers.roster): one cadre with many postings, validation at the field, the posting
actions through the service, computed 期满待轮换, assessments under R10/R11, statistics, and the
migration of a file written by the previous release (one row = person + posting)."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger_support import ID_FEMALE_1992, ID_MALE_1990, make_people
from ledgers import assignments, roster
from ledgers.store import Store
from ledgers.check import check_ledger
from ledgers.errors import LedgerError, TransitionRefused, ValidationErrors
from ledgers.ledger import Ledger
from ledgers.matrix import assignment_matrix
from ledgers.models import Cadre, Gender, Grade, Posting, RecallReason, Role, SecretaryStatus, Village
from ledgers.stats import dashboard
from ledgers.workflow import PostingInput

TODAY = date(2026, 11, 23)
F = SecretaryStatus
V1_FILE = Path(__file__).parent / "data" / "ledger_v1_township.json"


@pytest.fixture
def people(ledger: Ledger) -> dict:
    return make_people(ledger)


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, str]:
    assert isinstance(exc.value, ValidationErrors)
    return {e.field: e.detail for e in exc.value.errors}


# ---------------------------------------------------------------- entering


def test_enlist_normalises_fills_the_birth_and_records_history(ledger: Ledger, people: dict) -> None:
    e = roster.enlist(ledger, Cadre("王芳", gender=Gender.FEMALE, id_number=ID_FEMALE_1992.lower(),
                                    phone="138-0000-1234"), Posting(0, people["b"].id))
    assert e.cadre.phone == "13800001234" and e.cadre.birth == date(1992, 5, 1)
    assert e.township == "青石镇" and e.village == "石桥村" and e.status == F.PROPOSED
    assert e.posting.term_months == 24  # the settings' term, kept with the posting
    (h,) = e.posting.history
    assert (h.from_status, h.to_status, h.reason) == (None, F.PROPOSED, "录入花名册")
    assert ledger.audit(1)[0].summary == "新增第一书记：王芳（石桥村）"


def test_enlist_validation_names_each_field_and_saves_nothing(ledger: Ledger, people: dict) -> None:
    before = (len(roster.cadres(ledger)), len(roster.roster(ledger)))
    with pytest.raises(ValidationErrors) as exc:
        roster.enlist(ledger, Cadre("", political_status="群众", id_number="430121199003070012", phone="12345",
                                    birth=date(1990, 1, 1), gender=Gender.FEMALE),
                      Posting(0, 99, term_months=-1, arrival=date(2005, 1, 1), status=F.ACTIVE,
                              assessments={2025: Grade.COMPETENT}, absences={2025: 2, 2024: -1}))
    errs = errors_of(exc)
    assert errs["姓名"] == "不能为空" and errs["政治面貌"] == "第一书记应为中共党员"
    assert errs["身份证号"].startswith("校验位错误") and "联系电话" in errs
    assert errs["驻村"] == "所选村不存在" and errs["任期（月）"] == "应在1至120个月之间"
    assert "未满18岁" in errs["到村时间"]
    assert "基本称职" in errs["2025年度考核"] and errs["2024年无故不在岗次数"] == "不能为负数"
    assert (len(roster.cadres(ledger)), len(roster.roster(ledger))) == before


@pytest.mark.parametrize(("cadre", "field", "words"), [
    (Cadre("王芳", id_number=ID_FEMALE_1992, gender=Gender.MALE), "身份证号", "与性别“男”不一致"),
    (Cadre("王芳", id_number=ID_FEMALE_1992, gender=Gender.FEMALE, birth=date(1992, 6, 1)), "身份证号", "不一致"),
    (Cadre("王芳", birth=date(2030, 1, 1)), "出生年月", "不能晚于今天"),
    (Cadre("王芳", birth=date(1940, 1, 1)), "出生年月", "应在18至70岁之间"),
    (Cadre("王" * 21), "姓名", "不能超过20个字"),
    (Cadre("李四", id_number=ID_MALE_1990), "身份证号", "已登记为李明"),
])
def test_cadre_field_errors(ledger: Ledger, people: dict, cadre: Cadre, field: str, words: str) -> None:
    with pytest.raises(ValidationErrors) as exc:
        roster.enlist(ledger, cadre, Posting(0, people["b"].id))
    assert words in errors_of(exc)[field]


def test_one_village_one_serving_first_secretary(ledger: Ledger, people: dict) -> None:
    with pytest.raises(ValidationErrors) as exc:
        roster.enlist(ledger, Cadre("王芳"), Posting(0, people["a"].id, arrival=TODAY, status=F.ACTIVE))
    assert "李明仍在岗" in errors_of(exc)["驻村"]
    with pytest.raises(ValidationErrors) as exc:
        roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id, status=F.ACTIVE))
    assert errors_of(exc)["到村时间"] == "在岗的第一书记须填写到村时间"
    with pytest.raises(LedgerError):
        roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id, status=F.LEFT))


def test_the_same_cadre_posted_again_is_one_person(ledger: Ledger, people: dict) -> None:
    fs = people["fs"]
    with pytest.raises(ValidationErrors) as exc:
        roster.post(ledger, fs.cadre.id, people["b"].id, arrival=TODAY)
    assert "同一时间只能驻一个村" in errors_of(exc)["姓名"]
    # Near the term end (a shorter term stands in for a later day) the posting can end, and the
    # same person can be posted again: one cadre, two postings, no duplicate ID number.
    roster.save_posting(ledger, replace(roster.posting_entry(ledger, fs.id).posting, term_end=TODAY + timedelta(days=5)))
    roster.move(ledger, fs.id, F.LEFT, PostingInput(on=TODAY))
    again = roster.post(ledger, fs.cadre.id, people["b"].id, arrival=TODAY, batch="第十三批")
    assert again.cadre.id == fs.cadre.id and again.status == F.ACTIVE and again.id != fs.id
    assert len(roster.cadres(ledger)) == 1 and [e.village for e in roster.postings_of(ledger, fs.cadre.id)] == [
        "青山村", "石桥村"]
    assert check_ledger(ledger).integrity == []


def test_save_posting_and_cadre_edit_their_own_fields_only(ledger: Ledger, people: dict) -> None:
    e = roster.posting_entry(ledger, people["fs"].id)
    saved = roster.save_posting(ledger, replace(e.posting, batch="第十二批", note="表现良好"),
                                replace(e.cadre, phone="13900001111"))
    assert (saved.posting.batch, saved.cadre.phone) == ("第十二批", "13900001111")
    for change in ({"status": F.RECALLED}, {"assessments": {2025: Grade.EXCELLENT}}, {"ended_on": TODAY}):
        with pytest.raises(LedgerError) as exc:
            roster.save_posting(ledger, replace(e.posting, **change))
        assert "只能通过" in str(exc.value)
    with pytest.raises(ValidationErrors) as exc:
        roster.save_posting(ledger, replace(e.posting, village_id=people["b"].id))
    assert "调整" in errors_of(exc)["驻村"]
    with pytest.raises(ValidationErrors) as exc:
        roster.save_posting(ledger, replace(e.posting, term_end=date(2025, 1, 1)))
    assert errors_of(exc)["任期届满时间"] == "应晚于到村时间"
    cadre = roster.save_cadre(ledger, replace(e.cadre, name="李明明"))
    assert cadre.name == "李明明" and ledger.slots(people["a"].id)[Role.FIRST_SECRETARY].name == "李明明"


def test_new_postings_take_the_term_from_the_settings(ledger: Ledger, people: dict) -> None:
    s = ledger.settings
    s.secretary_term_months = 36
    ledger.save_settings(s)
    e = roster.enlist(ledger, Cadre("周红"), Posting(0, people["b"].id, arrival=date(2026, 3, 1), status=F.ACTIVE))
    assert e.posting.term_months == 36 and e.term_end == date(2029, 3, 1)
    assert roster.posting_entry(ledger, people["fs"].id).posting.term_months == 24  # an earlier one keeps its term


# ---------------------------------------------------------------- actions


def test_arrive_and_withdraw(ledger: Ledger, people: dict) -> None:
    e = roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id))
    e = roster.move(ledger, e.id, F.ACTIVE, PostingInput(on=date(2024, 12, 1), who="镇党委"))
    assert e.posting.arrival == date(2024, 12, 1) and e.posting.history[-1].who == "镇党委"
    planned = roster.enlist(ledger, Cadre("周红"), Posting(0, people["b"].id))
    with pytest.raises(TransitionRefused) as exc:
        roster.move(ledger, planned.id, F.ACTIVE, PostingInput(on=TODAY))
    assert "王芳仍在岗" in str(exc.value)
    with pytest.raises(TransitionRefused) as exc:
        roster.move(ledger, planned.id, F.WITHDRAWN)
    assert "取消选派的原因" in str(exc.value)
    w = roster.move(ledger, planned.id, F.WITHDRAWN, PostingInput(reason="派出单位另有安排"))
    assert w.status == F.WITHDRAWN and w.ended and w.posting.end_reason == "派出单位另有安排"
    assert len(roster.roster(ledger)) == 3 and len(roster.roster(ledger, include_ended=False)) == 2


def test_status_in_force_is_computed_from_the_date(ledger: Ledger, people: dict) -> None:
    e = roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id))
    e = roster.move(ledger, e.id, F.ACTIVE, PostingInput(on=date(2024, 12, 1)))
    assert e.term_end == date(2026, 12, 1) and e.status == F.TERM_ENDING and e.posting.status == F.ACTIVE
    with Ledger.open(ledger.store.path, today=date(2026, 9, 1), read_only=True) as earlier:
        assert roster.posting_entry(earlier, e.id).status == F.ACTIVE
        assert dashboard(earlier).secretaries_by_status[F.TERM_ENDING] == 0
    assert dashboard(ledger).secretaries_by_status[F.TERM_ENDING] == 1
    with pytest.raises(TransitionRefused) as exc:
        roster.move(ledger, people["fs"].id, F.LEFT)
    assert "当前状态“在岗”" in str(exc.value)


def test_extend_by_months_or_to_a_date(ledger: Ledger, people: dict) -> None:
    e = roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id, arrival=date(2024, 12, 1), status=F.ACTIVE))
    with pytest.raises(TransitionRefused):
        roster.move(ledger, e.id, F.ACTIVE, PostingInput())
    e = roster.move(ledger, e.id, F.ACTIVE, PostingInput(extend_months=12))
    assert e.term_end == date(2027, 12, 1) and e.status == F.ACTIVE
    assert e.posting.history[-1].from_status == F.TERM_ENDING and "留任" in e.posting.history[-1].reason


def test_recall_needs_reason_and_approver_and_ends_the_stay(ledger: Ledger, people: dict) -> None:
    fs = people["fs"]
    with pytest.raises(TransitionRefused) as exc:
        roster.move(ledger, fs.id, F.RECALLED, PostingInput(recall_reason=RecallReason.OTHER))
    assert "须文字说明" in str(exc.value) and "批准召回" in str(exc.value)
    e = roster.move(ledger, fs.id, F.RECALLED, PostingInput(on=TODAY - timedelta(days=1),
                                                          recall_reason=RecallReason.DISCIPLINE, approver="镇党委"))
    assert e.posting.ended_on == TODAY - timedelta(days=2) and e.posting.approver == "镇党委"
    assert "违纪违法" in e.posting.end_reason and ledger.slots(people["a"].id)[Role.FIRST_SECRETARY] is None


def test_reassign_opens_a_new_posting_for_the_same_cadre(ledger: Ledger, people: dict) -> None:
    fs = people["fs"]
    with pytest.raises(TransitionRefused) as exc:
        roster.move(ledger, fs.id, F.REASSIGNED, PostingInput(reason="工作需要", village_id=fs.posting.village_id))
    assert "应不同于现驻村" in str(exc.value)
    new = roster.move(ledger, fs.id, F.REASSIGNED, PostingInput(reason="工作需要", village_id=people["b"].id))
    assert new.village == "石桥村" and new.status == F.ACTIVE and new.posting.successor_of == fs.id
    assert new.cadre.id == fs.cadre.id and new.posting.arrival == TODAY
    old = roster.posting_entry(ledger, fs.id)
    assert old.status == F.REASSIGNED and "调整到石桥村" in old.posting.history[-1].reason
    assert ledger.slots(people["a"].id)[Role.FIRST_SECRETARY] is None
    assert ledger.slots(people["b"].id)[Role.FIRST_SECRETARY].name == "李明"
    assert check_ledger(ledger).integrity == []
    ledger.undo()  # one change, one undo
    assert roster.posting_entry(ledger, fs.id).status == F.ACTIVE and len(roster.roster(ledger)) == 1


def test_a_refused_action_writes_nothing(ledger: Ledger, people: dict) -> None:
    size = len(ledger.audit())
    with pytest.raises(TransitionRefused):
        roster.move(ledger, people["fs"].id, F.RECALLED, PostingInput(on=TODAY + timedelta(days=1),
                                                                      recall_reason=RecallReason.HEALTH, approver="x"))
    assert len(ledger.audit()) == size and roster.posting_entry(ledger, people["fs"].id).status == F.ACTIVE


# ---------------------------------------------------------------- assessments (R10, R11)


def test_assessment_capped_by_absences(ledger: Ledger, people: dict) -> None:
    fs = people["fs"]
    with pytest.raises(ValidationErrors) as exc:
        roster.set_assessment(ledger, fs.id, 2025, Grade.EXCELLENT, 2)
    assert "最高为“基本称职”" in errors_of(exc)["考核等次"]
    with pytest.raises(ValidationErrors) as exc:
        roster.set_assessment(ledger, fs.id, 2024, Grade.COMPETENT, -1)
    errs = errors_of(exc)
    assert "2025年" in errs["考核年度"] and errs["无故不在岗次数"] == "不能为负数"  # arrived in 2025
    e = roster.set_assessment(ledger, fs.id, 2025, Grade.BASIC, 2)
    assert e.posting.assessments == {2025: Grade.BASIC} and e.posting.absences == {2025: 2}
    (todo,) = roster.todos(ledger)
    assert not todo.recall and "约谈" in todo.finding.message
    roster.set_assessment(ledger, fs.id, 2026, Grade.INCOMPETENT, 3)
    (todo,) = roster.todos(ledger)
    assert todo.recall and "召回" in todo.finding.message and dashboard(ledger).todos[0].entry.id == fs.id
    roster.move(ledger, fs.id, F.RECALLED, PostingInput(recall_reason=RecallReason.INCOMPETENT_GRADE, approver="镇党委"))
    assert roster.todos(ledger) == []  # acted on
    roster.set_assessment(ledger, fs.id, 2026, None, 0)
    assert 2026 not in roster.posting_entry(ledger, fs.id).posting.assessments


# ---------------------------------------------------------------- statistics


def test_roster_statistics(demo_ledger: Ledger) -> None:
    entries = roster.roster(demo_ledger, include_ended=False)
    s = roster.stats(entries, TODAY)
    assert s.total == len(entries) == sum(s.by_status.values()) == sum(s.by_gender.values())
    assert sum(s.by_age.values()) == sum(s.by_unit_level.values()) == sum(s.by_village_type.values()) == s.total
    assert set(s.by_status) <= {F.PROPOSED.value, F.ACTIVE.value, F.TERM_ENDING.value}
    assert roster.age_band(35) == "35岁及以下" and roster.age_band(36) == "36至45岁" and roster.age_band(None) == "未填"


_PARTS = st.tuples(*(st.sampled_from(v) for v in (["在岗", "拟选派", "期满待轮换"], ["县直", "市直", "省直"],
                                                    ["本科", "大专", "未填", "研究生"],
                                                    ["35岁及以下", "36至45岁", "46至55岁", "56岁及以上", "未填"],
                                                    ["男", "女"], ["重点村", "软弱涣散村", "其他"])))


@settings(max_examples=80, deadline=None)
@given(st.lists(_PARTS, max_size=60))
def test_statistics_from_keys_count_as_a_plain_count(keys: list[tuple]) -> None:
    """The panel counts pre-made keys (one pass a keystroke); the figures and their order are what a
    plain count of each part gives: most frequent first, ties in the order first met, ages by band."""
    from collections import Counter

    s = roster.stats_of_keys(keys)
    assert s.total == len(keys)
    for i, group in enumerate((s.by_status, s.by_unit_level, s.by_education, None, s.by_gender, s.by_village_type)):
        if group is not None:
            assert list(group.items()) == Counter(k[i] for k in keys).most_common()
    bands = Counter(k[3] for k in keys)
    assert list(s.by_age) == [b for b in ["35岁及以下", "36至45岁", "46至55岁", "56岁及以上", "未填"] if bands[b]]
    assert all(s.by_age[b] == bands[b] for b in s.by_age)


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(2025, 9, 1), max_value=date(2028, 12, 31)))
def test_status_in_force_only_moves_forward_with_the_date(day: date) -> None:
    from ledgers.models import Settings
    from ledgers.rules import status_of

    p = Posting(1, 1, arrival=date(2025, 9, 1), term_months=24, status=F.ACTIVE)
    s = Settings()
    now, later = status_of(p, s, day), status_of(p, s, day + timedelta(days=1))
    assert not (now == F.TERM_ENDING and later == F.ACTIVE)
    assert (now == F.TERM_ENDING) == ((date(2027, 9, 1) - day).days <= s.term_warn_days)


# ---------------------------------------------------------------- migration from the first format


def test_a_file_of_the_previous_release_opens_and_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    shutil.copy(V1_FILE, path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    rows = raw["secretaries"]
    old_slots = [a for a in raw["assignments"].values() if a["role"] == "第一书记"]
    assert raw["_meta"]["1"]["schema"] == 1 and len(rows) == 15 and old_slots
    with Ledger.open(path, today=date(2026, 11, 30)) as led:
        entries = roster.roster(led)
        assert len(entries) == len(rows) and len(roster.cadres(led)) == 15
        by_id = {e.id: e for e in entries}
        for key, row in rows.items():
            e = by_id[int(key)]
            assert (e.name, e.cadre.id_number, e.posting.village_id) == (row["name"], row["id_number"], row["village_id"])
            stored = {"期满待轮换": "在岗"}.get(row["status"], row["status"])
            assert e.posting.status.value == stored
        assert not [a for a in led.records("assignments") if a.role == Role.FIRST_SECRETARY]
        assert led.audit(1)[0].summary == f"账本格式升级：版本 1 → {Store.SCHEMA_VERSION}" and led.undo() is None
        assert check_ledger(led).integrity == []  # the old double listing is gone: the posting is the truth
        m = assignment_matrix(led)
        assert m.rows and all(r.slots[Role.FIRST_SECRETARY] is None or r.slots[Role.FIRST_SECRETARY].name in
                              {e.name for e in entries if e.serving} for r in m.rows)
        new = roster.post(led, entries[-1].cadre.id, led.find_village("大坪村").id, arrival=date(2026, 11, 30)) \
            if entries[-1].ended else None
        assert new is None or new.cadre.id == entries[-1].cadre.id
    backups = list(Path(str(path) + ".backups").glob("*pre-migration*"))
    assert backups and json.loads(backups[0].read_text(encoding="utf-8"))["_meta"]["1"]["schema"] == 1
    assert json.loads(path.read_text(encoding="utf-8"))["_meta"]["1"]["schema"] == Store.SCHEMA_VERSION


def test_migration_merges_rows_of_one_person_and_keeps_rows_without_a_village(tmp_path: Path) -> None:
    from ledgers.migrations import _split_first_secretaries

    row = dict(name="李明", id_number=ID_MALE_1990, gender="男", status="期满离任", village_id=1, batch="第十批",
               history=[{"on": "2025-06-30", "from_status": "期满待轮换", "to_status": "期满离任"}])
    data = {"_meta": {"1": {"schema": 1, "next_id": {"secretaries": 4}}},
            "secretaries": {"1": {**row, "id": 1}, "2": {**row, "id": 2, "status": "在岗", "village_id": None,
                                                         "phone": "13800001111", "history": []},
                            "3": {**row, "id": 3, "name": "王芳", "id_number": "", "village_id": None,
                                  "status": "拟选派", "history": []}},
            "assignments": {"7": {"id": 7, "village_id": 5, "role": "第一书记", "holder_id": 2, "end": None}}}
    out = _split_first_secretaries(data)
    assert len(out["cadres"]) == 2 and out["cadres"]["1"]["phone"] == "13800001111"
    assert out["postings"]["1"]["ended_on"] == "2025-06-29"
    assert out["postings"]["2"]["village_id"] == 5 and out["postings"]["2"]["cadre_id"] == 1  # the slot's village
    assert "3" not in out["postings"] and "拟选派" in out["cadres"]["2"]["note"]
    assert out["assignments"] == {} and out["_meta"]["1"]["next_id"]["postings"] == 4


# ---------------------------------------------------------------- found by a second reader


def test_a_village_is_taken_by_a_first_secretary_arriving_later_too(ledger: Ledger, people: dict) -> None:
    # 李明 serves 青山村 since 2025-09-01: a second one dated before that would overlap him.
    with pytest.raises(ValidationErrors) as exc:
        roster.enlist(ledger, Cadre("王芳"), Posting(0, people["a"].id, arrival=date(2025, 1, 1), status=F.ACTIVE))
    assert "李明仍在岗" in errors_of(exc)["驻村"]
    planned = roster.enlist(ledger, Cadre("周红"), Posting(0, people["a"].id, arrival=date(2025, 6, 1)))
    with pytest.raises(TransitionRefused):
        roster.move(ledger, planned.id, F.ACTIVE, PostingInput())  # dated by its planned arrival


def test_an_arrival_before_2000_is_refused_by_the_step_itself(ledger: Ledger, people: dict) -> None:
    e = roster.enlist(ledger, Cadre("王芳", birth=date(1990, 1, 1)), Posting(0, people["b"].id))
    with pytest.raises(TransitionRefused) as exc:
        roster.move(ledger, e.id, F.ACTIVE, PostingInput(on=date(1999, 5, 1)))
    assert "到村时间" in str(exc.value)
    assert roster.posting_entry(ledger, e.id).status == F.PROPOSED


def test_grades_need_an_arrival_and_absences_a_bound(ledger: Ledger, people: dict) -> None:
    with pytest.raises(ValidationErrors) as exc:
        roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id, assessments={2025: Grade.COMPETENT}))
    assert errors_of(exc)["年度考核"] == "尚未到村，没有可考核的年度"
    with pytest.raises(ValidationErrors) as exc:
        roster.enlist(ledger, Cadre("王芳"), Posting(0, people["b"].id, arrival=date(2025, 1, 1), status=F.ACTIVE,
                                                    assessments={2025: Grade.INCOMPETENT}, absences={2025: 400}))
    assert errors_of(exc)["2025年无故不在岗次数"] == "不能超过366"


def test_migration_keeps_the_latest_stays_details_and_tolerates_rows_without_an_id() -> None:
    from ledgers.migrations import _split_first_secretaries

    old = dict(name="李明", id_number=ID_MALE_1990, status="期满离任", village_id=1, arrival="2020-01-01",
               phone="13800000001", history=[{"on": "2022-01-02", "from_status": "期满待轮换", "to_status": "期满离任"}])
    now = dict(name="李明", id_number=ID_MALE_1990.replace("1", "１", 1), status="在岗", village_id=2,
               arrival="2025-01-01", phone="13800000002", history=[])
    data = {"_meta": {"1": {"schema": 1, "next_id": {"secretaries": 9}}},
            "secretaries": {"1": now, "8": {**old, "id": 8}}, "assignments": {}}
    out = _split_first_secretaries(data)
    (cadre,) = out["cadres"].values()
    assert cadre["phone"] == "13800000002"  # the stay in force, though entered first
    assert out["postings"]["1"]["cadre_id"] == out["postings"]["8"]["cadre_id"] == cadre["id"]
