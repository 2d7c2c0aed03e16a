"""Dashboard figures, the 四个一 matrix, the whole-ledger check and the village status card, checked
against counts taken independently from the raw ledger file."""
from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from ledgers.check import check_ledger, integrity_problems
from ledgers.dates import add_months
from ledgers.ledger import Ledger
from ledgers.matrix import assignment_matrix
from ledgers.models import (
    Assignment,
    CaseState,
    FirstSecretary,
    Gender,
    IncomeTier,
    Level,
    RectificationCase,
    Role,
    SecretaryStatus,
    Village,
)
from ledgers.rules import income_tier
from ledgers.stats import dashboard
from ledgers.status import village_status
from ledgers.workflow import CaseInput

TODAY = date(2026, 11, 23)
TERMINAL = {"未认定", "已归档", "反弹"}
SLOTTED = {"已认定", "整顿中", "待验收", "验收合格", "已销号", "巩固提升"}
ENDED = {"召回", "调整", "期满离任"}


def raw(path: Path) -> dict[str, list[dict]]:
    """The ledger file as plain JSON records, read without the service."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: list(table.values()) for name, table in data.items() if not name.startswith("_")}


def d(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def active_on(a: dict, day: date) -> bool:
    return (a["start"] is None or d(a["start"]) <= day) and (a["end"] is None or day <= d(a["end"]))


@pytest.fixture
def data(demo_db: Path) -> dict[str, list[dict]]:
    return raw(demo_db)


# ---------------------------------------------------------------- dashboard


def test_dashboard_counts_match_the_file(demo_ledger: Ledger, data: dict) -> None:
    db = dashboard(demo_ledger)
    assert db.today == TODAY and db.villages == len(data["villages"]) == 25
    states = Counter(c["state"] for c in data["cases"])
    assert {s.value: n for s, n in db.cases_by_state.items() if n} == dict(states)
    assert set(db.cases_by_state) == set(CaseState)
    assert db.active_cases == sum(n for s, n in states.items() if s not in TERMINAL)
    assert db.years == sorted({c["year"] for c in data["cases"]}) == [2025, 2026]


def test_dashboard_overdue_tasks(demo_ledger: Ledger, data: dict) -> None:
    expected = []
    for c in data["cases"]:
        if c["state"] in TERMINAL:
            continue
        for t in c["tasks"]:
            finished = t["status"] in ("已完成", "已销项") or (t["waived"] and t["waive_note"].strip())
            if not finished and t["deadline"] and d(t["deadline"]) < TODAY:
                expected.append((c["id"], t["id"], (TODAY - d(t["deadline"])).days))
    db = dashboard(demo_ledger)
    assert sorted((o.case_id, o.task.id, o.days) for o in db.overdue) == sorted(expected)
    assert len(expected) >= 1
    assert [o.days for o in db.overdue] == sorted((o.days for o in db.overdue), reverse=True)
    names = {v["id"]: v["name"] for v in data["villages"]}
    cases = {c["id"]: c for c in data["cases"]}
    assert set(db.overdue_villages) == {names[cases[cid]["village_id"]] for cid, _, _ in expected}
    assert all(o.village == names[o.village_id] for o in db.overdue)


def test_dashboard_secretaries_and_terms(demo_ledger: Ledger, data: dict) -> None:
    db = dashboard(demo_ledger)
    by_status = Counter(f["status"] for f in data["secretaries"])
    assert {s.value: n for s, n in db.secretaries_by_status.items() if n} == dict(by_status)
    expected = []
    for f in data["secretaries"]:
        if f["status"] not in ("在岗", "期满待轮换") or not f["arrival"]:
            continue
        end = d(f["term_end"]) or add_months(d(f["arrival"]), f["term_months"])
        if (end - TODAY).days <= 60:
            expected.append((f["name"], (end - TODAY).days))
    assert [(t.secretary.name, t.days) for t in db.terms_ending] == sorted(expected, key=lambda x: x[1])
    assert expected and all(0 <= days <= 60 for _, days in expected)


def test_dashboard_villages(demo_ledger: Ledger, data: dict) -> None:
    db = dashboard(demo_ledger)
    s = demo_ledger.settings
    tiers = Counter()
    for v in data["villages"]:
        income = v["collective_income"]
        tiers[income_tier(income[max(income, key=int)] if income else None, s)] += 1
    assert db.tiers == {t: tiers.get(t, 0) for t in IncomeTier}
    assert sum(db.tiers.values()) == 25 and db.tiers[IncomeTier.SHELL] >= 1
    with_secretary = [v for v in data["villages"] if v["secretary_name"]]
    assert db.dual_role_ratio == pytest.approx(
        sum(v["secretary_is_director"] for v in with_secretary) / len(with_secretary))
    ages = [v["secretary_age"] for v in with_secretary if v["secretary_age"]]
    assert db.secretary_avg_age == pytest.approx(sum(ages) / len(ages))


def test_dashboard_of_one_year(demo_ledger: Ledger, data: dict) -> None:
    db = dashboard(demo_ledger, 2025)
    expected = Counter(c["state"] for c in data["cases"] if c["year"] == 2025)
    assert {s.value: n for s, n in db.cases_by_state.items() if n} == dict(expected)
    assert db.overdue == [] and db.years == [2025, 2026]


def test_dashboard_of_an_empty_ledger(ledger: Ledger) -> None:
    db = dashboard(ledger)
    assert db.villages == 0 and db.active_cases == 0 and db.overdue == []
    assert db.dual_role_ratio is None and db.secretary_avg_age is None and db.matrix.rows == []


# ---------------------------------------------------------------- 四个一 matrix


def test_matrix_rows_gaps_and_conflicts(demo_ledger: Ledger, data: dict) -> None:
    m = assignment_matrix(demo_ledger)
    slotted = [c for c in data["cases"] if c["state"] in SLOTTED]
    assert sorted(r.case.id for r in m.rows) == sorted(c["id"] for c in slotted)
    gaps = 0
    for c in slotted:
        filled = {a["role"] for a in data["assignments"] if a["village_id"] == c["village_id"] and active_on(a, TODAY)}
        gaps += len({r.value for r in Role} - filled)
        row = next(r for r in m.rows if r.case.id == c["id"])
        assert {r.value for r in row.gaps} == {r.value for r in Role} - filled
        assert row.complete == (not row.gaps)
    assert m.gap_count == gaps >= 1
    names = [(r.village.township, r.village.name) for r in m.rows]
    assert names == sorted(names)
    # conflicts: the secretaries holding a slot in two villages, or holding one though their posting ended
    secretaries = {f["id"]: f for f in data["secretaries"]}
    fs_slots: dict[int, set[int]] = {}
    for a in data["assignments"]:
        if a["role"] == "第一书记" and active_on(a, TODAY):
            fs_slots.setdefault(a["holder_id"], set()).add(a["village_id"])
    expected = sum(len(v) for k, v in fs_slots.items() if len(v) > 1) + \
        sum(len(v) for k, v in fs_slots.items() if secretaries[k]["status"] in ENDED)
    assert len(m.conflicts) == expected >= 2
    assert any("同时在" in c.message for c in m.conflicts)
    assert any("已“召回”" in c.message for c in m.conflicts)
    for c in m.conflicts:
        assert m.conflicts_of(c.village_id)


def test_matrix_since_is_the_latest_start(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村"))
    c = ledger.new_case(v.id)
    assert assignment_matrix(ledger).rows == []  # a candidate needs no slots
    ledger.move_case(c.id, CaseState.IDENTIFIED, CaseInput(on=TODAY, situations=["S02"]))
    from ledgers.models import Leader, Unit

    county = ledger.save_leader(Leader("赵立新", role=Role.COUNTY_LEADER))
    unit = ledger.save_unit(Unit("县财政局"))
    ledger.assign(v.id, Role.COUNTY_LEADER, county.id, date(2026, 3, 1))
    ledger.assign(v.id, Role.PAIRED_UNIT, unit.id, date(2026, 5, 1))
    (row,) = assignment_matrix(ledger).rows
    assert row.since == date(2026, 5, 1)
    assert row.gaps == [Role.TOWNSHIP_LEADER, Role.FIRST_SECRETARY]
    assert assignment_matrix(ledger, date(2026, 4, 1)).rows[0].gaps == [
        Role.TOWNSHIP_LEADER, Role.FIRST_SECRETARY, Role.PAIRED_UNIT]


# ---------------------------------------------------------------- check


def test_check_reports_the_demo_conflicts(demo_ledger: Ledger) -> None:
    report = check_ledger(demo_ledger)
    assert not report.ok
    messages = [f.message for f in report.integrity]
    assert all(f.level == Level.ERROR and f.rule == "完整性" for f in report.integrity)
    assert any("同时在" in m and "包联" in m for m in messages)
    assert any("已“召回”，仍在“四个一”名单中" in m for m in messages)
    rules = {f.rule for f in report.findings}
    assert {"R1", "R3", "R5", "R7", "R8", "R11", "R13", "R16"} <= rules
    texts = [str(f) for f in report.findings]
    assert any("青山村：党员52名，可设党总支" in t for t in texts)
    assert any(t.startswith("[R1] 乐平村") for t in texts)
    assert any(t.startswith("[R13] 河西村") and "空壳村" in t for t in texts)


def test_check_of_a_clean_ledger(ledger: Ledger) -> None:
    assert check_ledger(ledger).ok and check_ledger(ledger).integrity == []
    v = ledger.save_village(Village("青山村", full_members=20, reserve_cadres=3))
    c = ledger.new_case(v.id)
    ledger.move_case(c.id, CaseState.IDENTIFIED, CaseInput(on=TODAY, situations=["S02"]))
    fs = ledger.save_secretary(FirstSecretary("李明", village_id=v.id, arrival=date(2026, 1, 5),
                                              status=SecretaryStatus.ACTIVE))
    ledger.assign(v.id, Role.FIRST_SECRETARY, fs.id, date(2026, 1, 5))
    report = check_ledger(ledger)
    assert report.ok and report.integrity == []
    assert any(f.rule == "R7" for f in report.findings)  # the other three slots are gaps


def test_check_finds_broken_references(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村"))
    from ledgers.validate import random_id_number

    number = random_id_number(random.Random(1), birth=date(1990, 3, 7), gender=Gender.MALE)
    fs = ledger.save_secretary(FirstSecretary("李明", id_number=number, birth=date(1990, 3, 7)))
    ledger.bulk_load("导入", [
        ("cases", RectificationCase(99, 2026)),
        ("cases", RectificationCase(v.id, 2026, relapse_of=77, relapsed_into=78)),
        ("cases", RectificationCase(v.id, 2026)),
        ("secretaries", FirstSecretary("王芳", village_id=98, id_number=fs.id_number)),
        ("assignments", Assignment(v.id, Role.FIRST_SECRETARY, 555, date(2026, 1, 1))),
        ("assignments", Assignment(97, Role.PAIRED_UNIT, 1, date(2026, 1, 1))),
        ("villages", Village("青山村", township="青石镇")),
    ])
    messages = [f"{f.subject}：{f.message}" for f in integrity_problems(ledger)]
    expected = ["引用的村（编号99）不存在", "关联的原案卷#77不存在", "反弹后转入的案卷#78不存在",
                "同时有2个未结束的整顿案卷", "驻村（编号98）不存在", "2条花名册记录的身份证号相同",
                "村名重复2次", "引用的第一书记不存在", "引用的村不存在"]
    for text in expected:
        assert any(text in m for m in messages), (text, messages)


# ---------------------------------------------------------------- village status card


def test_village_status_of_the_demo(demo_ledger: Ledger) -> None:
    v = demo_ledger.find_village("青山村")
    st = village_status(demo_ledger, v.id)
    assert st.case is not None and st.case.state == CaseState.RECTIFYING
    assert len(st.overdue) == 2 and st.gaps == []
    assert st.secretary is not None and st.secretary.village_id == v.id
    j = st.to_json()
    assert j["name"] == "青山村" and j["case"]["state"] == "整顿中" and len(j["case"]["overdue_tasks"]) == 2
    phone = st.secretary.phone
    assert j["first_secretary"]["phone"] == phone[:3] + "****" + phone[-4:]
    assert st.to_json(unmask=True)["first_secretary"]["phone"] == phone
    assert json.dumps(j, ensure_ascii=False)  # plain JSON
    assert any(f["rule"] == "R3" for f in j["findings"])
    assert j["four_ones"]["第一书记"]["name"] == st.secretary.name


def test_village_status_with_gap_and_no_case(demo_ledger: Ledger) -> None:
    hd = village_status(demo_ledger, demo_ledger.find_village("河东村").id)
    assert hd.gaps == [Role.TOWNSHIP_LEADER]
    assert any(f.rule == "R7" and "乡镇包村领导" in f.message for f in hd.findings)
    quiet = village_status(demo_ledger, demo_ledger.find_village("大坪村").id)
    assert quiet.case is None and quiet.overdue == [] and quiet.to_json()["case"] is None
    assert quiet.funds.startswith("办公经费")


def test_status_past_cases_after_relapse(demo_ledger: Ledger) -> None:
    st = village_status(demo_ledger, demo_ledger.find_village("龙泉村").id)
    assert st.case is not None and st.case.state == CaseState.CANDIDATE and st.case.relapse_of is not None
    assert [c.state for c in st.past_cases] == [CaseState.RELAPSED]
    assert st.past_cases[0].relapsed_into == st.case.id


def test_the_figures_of_one_year_show_only_that_year_s_matrix(demo_ledger: Ledger) -> None:
    whole = dashboard(demo_ledger)
    years = sorted({r.case.year for r in whole.matrix.rows})
    assert len(years) >= 1
    for year in {c.year for c in demo_ledger.cases()}:
        d = dashboard(demo_ledger, year=year)
        assert all(r.case.year == year for r in d.matrix.rows)
        listed = {r.village.id for r in d.matrix.rows}
        assert all(c.village_id in listed for c in d.matrix.conflicts)
    assert sum(len(dashboard(demo_ledger, year=y).matrix.rows) for y in {c.year for c in demo_ledger.cases()}) \
        == len(whole.matrix.rows)
