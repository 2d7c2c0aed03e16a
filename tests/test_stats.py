"""Dashboard figures, the 四个一 matrix, the whole-ledger check and the village status card, checked
against counts taken independently from the raw ledger file. First secretaries are cadres and their
postings; a posting's 期满待轮换 is computed from the date on every read (never stored), and the
first-secretary slot of the 四个一 is the village's serving posting."""
from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from ledgers import assignments, roster
from ledgers.check import CONFLICT_PREFIX, check_ledger, integrity_problems
from ledgers.dates import add_months
from ledgers.ledger import Ledger
from ledgers.matrix import assignment_matrix
from ledgers.models import (
    Assignment,
    Cadre,
    CaseState,
    Gender,
    IncomeTier,
    Leader,
    Level,
    Posting,
    RecallReason,
    RectificationCase,
    Role,
    RosterEntry,
    SecretaryStatus,
    Unit,
    Village,
)
from ledgers.rules import income_tier, secretary_findings
from ledgers.stats import dashboard
from ledgers.status import village_status
from ledgers.workflow import CaseInput, PostingInput

TODAY = date(2026, 11, 23)
TERMINAL = {"未认定", "已归档", "反弹"}
SLOTTED = {"已认定", "整顿中", "待验收", "验收合格", "已销号", "巩固提升"}
ENDED = {"召回", "调整", "期满离任", "取消选派"}
SERVING = {"在岗", "期满待轮换"}


def raw(path: Path) -> dict[str, list[dict]]:
    """The ledger file as plain JSON records, read without the service."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: list(table.values()) for name, table in data.items() if not name.startswith("_")}


def d(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def active_on(a: dict, day: date) -> bool:
    return (a["start"] is None or d(a["start"]) <= day) and (a["end"] is None or day <= d(a["end"]))


def settings_of(data: dict) -> dict:
    return data["settings"][0] if data.get("settings") else {"term_warn_days": 60, "term_urgent_days": 30,
                                                             "secretary_term_months": 24}


def term_end_of(p: dict, settings: dict) -> date | None:
    """R8 from the raw record: an explicit end, else arrival + months (a zero term: the settings' term)."""
    if p["term_end"]:
        return d(p["term_end"])
    return add_months(d(p["arrival"]), p["term_months"] or settings["secretary_term_months"]) if p["arrival"] else None


def in_force(p: dict, settings: dict, day: date = TODAY) -> str:
    """The status in force, worked out from the raw record: a serving posting within the warning
    window (or past its end) is 期满待轮换."""
    if p["status"] not in SERVING:
        return p["status"]
    end = term_end_of(p, settings)
    return "期满待轮换" if end is not None and (end - day).days <= settings["term_warn_days"] else "在岗"


def serves(p: dict, day: date = TODAY) -> bool:
    if p["status"] in ("拟选派", "取消选派") or not p["arrival"]:
        return False
    return d(p["arrival"]) <= day and (p["ended_on"] is None or day <= d(p["ended_on"]))


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
    settings = settings_of(data)
    assert "期满待轮换" not in {p["status"] for p in data["postings"]}  # never stored …
    by_status = Counter(in_force(p, settings) for p in data["postings"])
    assert by_status["期满待轮换"] >= 1  # … but counted as in force
    assert {s.value: n for s, n in db.secretaries_by_status.items() if n} == dict(by_status)
    assert set(db.secretaries_by_status) == set(SecretaryStatus)
    names = {c["id"]: c["name"] for c in data["cadres"]}
    villages = {v["id"]: v["name"] for v in data["villages"]}
    expected = []
    for p in data["postings"]:
        if p["status"] not in SERVING or not p["arrival"]:
            continue
        end = term_end_of(p, settings)
        days = (end - TODAY).days
        if days <= settings["term_warn_days"]:
            expected.append((names[p["cadre_id"]], villages[p["village_id"]], days,
                             days <= settings["term_urgent_days"]))
    assert [(t.secretary.name, t.village, t.days, t.urgent) for t in db.terms_ending] == \
        sorted(expected, key=lambda x: x[2])
    assert expected and all(0 <= x[2] <= 60 for x in expected)
    for t in db.terms_ending:
        assert t.secretary.status == SecretaryStatus.TERM_ENDING  # in force …
        assert t.secretary.posting.status == SecretaryStatus.ACTIVE  # … as stored
        assert t.secretary.term_end == TODAY + timedelta(days=t.days)


def test_dashboard_todos(demo_ledger: Ledger, data: dict) -> None:
    """R11: the latest grade of every posting still in force asks for a recall (不称职) or an interview
    (基本称职); recalls come first."""
    names = {c["id"]: c["name"] for c in data["cadres"]}
    expected = []
    for p in data["postings"]:
        if p["status"] in ENDED or not p["assessments"]:
            continue
        grade = p["assessments"][max(p["assessments"], key=int)]
        if grade in ("不称职", "基本称职"):
            expected.append((names[p["cadre_id"]], p["id"], grade == "不称职"))
    db = dashboard(demo_ledger)
    got = [(t.entry.name, t.entry.id, t.recall) for t in db.todos]
    assert sorted(got) == sorted(expected)
    assert {r for _, _, r in got} == {True, False}  # the demo has one of each
    assert [t.recall for t in db.todos] == sorted((t.recall for t in db.todos), reverse=True)
    for t in db.todos:
        assert t.finding.rule == "R11" and t.finding.ref == t.entry.id
        assert ("召回" in t.finding.message) == t.recall and ("约谈" in t.finding.message) != t.recall
    # a recalled posting with a 不称职 grade needs nothing more
    recalled = [p for p in data["postings"] if p["status"] == "召回" and "不称职" in p["assessments"].values()]
    assert recalled and all(p["id"] not in {t.entry.id for t in db.todos} for p in recalled)


def enlisted(ledger: Ledger, name: str, village: str, **kw) -> tuple[Village, RosterEntry]:
    v = ledger.find_village(village) or ledger.save_village(Village(village))
    kw.setdefault("status", SecretaryStatus.ACTIVE)
    return v, roster.enlist(ledger, Cadre(name), Posting(0, v.id, **kw))


def test_the_term_status_is_computed_on_every_read(tmp_path: Path) -> None:
    """The same file read on successive days: 在岗 until ``term_warn_days`` before the end, then
    期满待轮换 (urgent from ``term_urgent_days``, and past the end), with nothing written."""
    path = tmp_path / "ledger.json"
    end = TODAY + timedelta(days=61)
    with Ledger.open(path, today=TODAY) as led:
        _, e = enlisted(led, "李明", "青山村", arrival=add_months(end, -24))
        assert e.term_end == end and e.status == SecretaryStatus.ACTIVE
        db = dashboard(led)
        assert db.terms_ending == [] and db.secretaries_by_status[SecretaryStatus.ACTIVE] == 1
    stored = raw(path)["postings"]
    for shift, status, days, urgent in [(0, "在岗", None, None), (1, "期满待轮换", 60, False),
                                        (2, "期满待轮换", 59, False), (30, "期满待轮换", 31, False),
                                        (31, "期满待轮换", 30, True), (61, "期满待轮换", 0, True),
                                        (62, "期满待轮换", -1, True)]:
        with Ledger.open(path, today=TODAY + timedelta(days=shift)) as led:
            db = dashboard(led)
            assert {s.value: n for s, n in db.secretaries_by_status.items() if n} == {status: 1}, shift
            assert [(t.days, t.urgent) for t in db.terms_ending] == ([] if days is None else [(days, urgent)])
            (row,) = roster.roster(led)
            assert row.status.value == status and row.posting.status == SecretaryStatus.ACTIVE
    assert raw(path)["postings"] == stored and stored[0]["status"] == "在岗"  # reading wrote nothing


def test_the_warning_window_is_a_setting(ledger: Ledger) -> None:
    enlisted(ledger, "李明", "青山村", arrival=add_months(TODAY + timedelta(days=80), -24))
    assert dashboard(ledger).terms_ending == []
    s = ledger.settings
    s.term_warn_days, s.term_urgent_days = 90, 80
    ledger.save_settings(s)
    db = dashboard(ledger)
    assert [(t.days, t.urgent) for t in db.terms_ending] == [(80, True)]
    assert db.secretaries_by_status[SecretaryStatus.TERM_ENDING] == 1


def test_a_zero_term_follows_the_settings_term(ledger: Ledger) -> None:
    s = ledger.settings
    s.secretary_term_months = 36
    ledger.save_settings(s)
    _, e = enlisted(ledger, "李明", "青山村", arrival=date(2025, 1, 10))
    assert e.posting.term_months == 36 and e.term_end == date(2028, 1, 10)  # filled in when saved


def test_dashboard_counts_ended_and_planned_postings(ledger: Ledger) -> None:
    v, active = enlisted(ledger, "李明", "青山村", arrival=date(2026, 1, 5))
    _, planned = enlisted(ledger, "王芳", "石桥村", status=SecretaryStatus.PROPOSED)
    _, gone = enlisted(ledger, "张伟", "长安村", status=SecretaryStatus.PROPOSED)
    roster.move(ledger, gone.id, SecretaryStatus.WITHDRAWN, PostingInput(reason="另有任用"))
    roster.move(ledger, active.id, SecretaryStatus.RECALLED,
                PostingInput(on=date(2026, 6, 1), recall_reason=RecallReason.HEALTH, approver="镇党委"))
    db = dashboard(ledger)
    assert {s: n for s, n in db.secretaries_by_status.items() if n} == {
        SecretaryStatus.PROPOSED: 1, SecretaryStatus.RECALLED: 1, SecretaryStatus.WITHDRAWN: 1}
    assert db.terms_ending == [] and db.todos == []
def test_dashboard_villages(demo_ledger: Ledger, data: dict) -> None:
    db = dashboard(demo_ledger)
    s = demo_ledger.settings
    tiers = Counter()
    for v in data["villages"]:
        income = v["collective_income"]
        tiers[income_tier(income[max(income, key=int)] if income else None, s)] += 1
    assert db.tiers == {t: tiers.get(t, 0) for t in IncomeTier}
    assert sum(db.tiers.values()) == 25 and db.tiers[IncomeTier.SHELL] >= 1
    # The demo keeps every village's 两委 (issue 14): the secretary is the member holding 书记 (河东村's
    # post is vacant), 一肩挑 when they also hold 主任, the age from the birth date.
    secretaries = [m for m in data["committee"] if "书记" in m["posts"]]
    assert len(secretaries) == 24
    assert db.dual_role_ratio == pytest.approx(sum("主任" in m["posts"] for m in secretaries) / len(secretaries))
    births = [date.fromisoformat(m["birth"]) for m in secretaries]
    ages = [TODAY.year - b.year - ((TODAY.month, TODAY.day) < (b.month, b.day)) for b in births]
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


def expected_conflicts(data: dict, day: date = TODAY) -> Counter:
    """(village id, what) of every 四个一 conflict, worked out from the raw file."""
    cadres = {c["id"]: c for c in data["cadres"]}
    leaders = {l["id"]: l for l in data["leaders"]}
    units = {u["id"] for u in data["units"]}
    out: Counter = Counter()
    by_cadre: dict[int, set[int]] = {}
    by_village: Counter = Counter()
    for p in data["postings"]:
        if serves(p, day):
            by_cadre.setdefault(p["cadre_id"], set()).add(p["village_id"])
            by_village[p["village_id"]] += 1
    for cid, villages in by_cadre.items():
        for vid in villages:
            if len(villages) > 1:
                out[(vid, "two villages")] += 1
            if cid not in cadres:
                out[(vid, "no cadre")] += 1
            elif cadres[cid]["political_status"] != "中共党员":
                out[(vid, "not a member")] += 1
    for vid, n in by_village.items():
        if n > 1:
            out[(vid, "two secretaries")] += 1
    held: dict[tuple[int, str], list[dict]] = {}
    for a in data["assignments"]:
        if a["role"] != "第一书记" and active_on(a, day):
            held.setdefault((a["village_id"], a["role"]), []).append(a)
    for (vid, role), rows in held.items():
        if len(rows) > 1:
            out[(vid, "two holders")] += 1
        for a in rows:
            exists = a["holder_id"] in (units if role == "结对单位" else leaders)
            if not exists:
                out[(vid, "no holder")] += 1
            elif role != "结对单位" and leaders[a["holder_id"]]["role"] != role:
                out[(vid, "wrong kind")] += 1
    return out


def test_matrix_rows_gaps_and_conflicts(demo_ledger: Ledger, data: dict) -> None:
    m = assignment_matrix(demo_ledger)
    slotted = [c for c in data["cases"] if c["state"] in SLOTTED]
    assert sorted(r.case.id for r in m.rows) == sorted(c["id"] for c in slotted)
    assert not any(a["role"] == "第一书记" for a in data["assignments"])  # the slot is the posting
    gaps = 0
    for c in slotted:
        filled = {a["role"] for a in data["assignments"] if a["village_id"] == c["village_id"] and active_on(a, TODAY)}
        if any(p["village_id"] == c["village_id"] and serves(p) for p in data["postings"]):
            filled.add("第一书记")
        gaps += len({r.value for r in Role} - filled)
        row = next(r for r in m.rows if r.case.id == c["id"])
        assert {r.value for r in row.gaps} == {r.value for r in Role} - filled
        assert row.complete == (not row.gaps)
        assert list(row.conflicts) == m.conflicts_of(row.village.id)
        if row.slots[Role.FIRST_SECRETARY] is not None:
            assert row.planned is None
    assert m.gap_count == gaps >= 1
    assert m.complete_count == sum(1 for r in m.rows if r.complete and not r.conflicts)
    # the registry's order (Ledger.village_rank: township, then the order villages were entered),
    # as in every document
    rank = demo_ledger.village_rank()
    order = [rank[r.village.id] for r in m.rows]
    assert order == sorted(order)
    assert [v.id for v in demo_ledger.villages()] == sorted(rank, key=rank.get)
    # conflicts: the same cadre serving in two villages (at each), two serving in one village
    listed = {c["village_id"] for c in slotted}
    expected = Counter({k: n for k, n in expected_conflicts(data).items() if k[0] in listed})
    assert len(m.conflicts) == sum(expected.values()) >= 3
    per_village: Counter = Counter()
    for (vid, _), n in expected.items():
        per_village[vid] += n
    assert Counter(c.village_id for c in m.conflicts) == per_village
    assert sum(1 for c in m.conflicts if "同时在" in c.message and "驻村" in c.message) == 2
    assert any("同时有2名第一书记在岗" in c.message for c in m.conflicts)
    assert all(c.role == Role.FIRST_SECRETARY for c in m.conflicts)
    for c in m.conflicts:
        assert m.conflicts_of(c.village_id)


def test_matrix_since_is_the_latest_start(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村"))
    c = ledger.new_case(v.id)
    assert assignment_matrix(ledger).rows == []  # a candidate needs no slots
    ledger.move_case(c.id, CaseState.IDENTIFIED, CaseInput(on=TODAY, situations=["S02"]))
    county = assignments.save_leader(ledger, Leader("赵立新", role=Role.COUNTY_LEADER))
    unit = assignments.save_unit(ledger, Unit("县财政局"))
    assignments.assign(ledger, v.id, Role.COUNTY_LEADER, county.id, date(2026, 3, 1))
    assignments.assign(ledger, v.id, Role.PAIRED_UNIT, unit.id, date(2026, 5, 1))
    (row,) = assignment_matrix(ledger).rows
    assert row.since == date(2026, 5, 1)
    assert row.gaps == [Role.TOWNSHIP_LEADER, Role.FIRST_SECRETARY]
    assert assignment_matrix(ledger, date(2026, 4, 1)).rows[0].gaps == [
        Role.TOWNSHIP_LEADER, Role.FIRST_SECRETARY, Role.PAIRED_UNIT]
    roster.enlist(ledger, Cadre("李明"), Posting(0, v.id, arrival=date(2026, 6, 1), status=SecretaryStatus.ACTIVE))
    (row,) = assignment_matrix(ledger).rows
    assert row.since == date(2026, 6, 1) and row.gaps == [Role.TOWNSHIP_LEADER]  # the arrival counts


def test_the_first_secretary_slot_is_the_serving_posting(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村"))
    c = ledger.new_case(v.id)
    ledger.move_case(c.id, CaseState.IDENTIFIED, CaseInput(on=TODAY, situations=["S02"]))
    e = roster.enlist(ledger, Cadre("李明", dispatching_unit="县财政局"), Posting(0, v.id))
    (row,) = assignment_matrix(ledger).rows
    # 拟选派: shown as planned, the slot still a gap (also on the card and in the findings)
    assert Role.FIRST_SECRETARY in row.gaps and row.planned is not None and row.planned.name == "李明"
    st = village_status(ledger, v.id)
    assert st.planned is not None and st.secretary is not None and st.secretary.status == SecretaryStatus.PROPOSED
    assert any(f.rule == "R7" and "第一书记" in f.message for f in st.findings)
    roster.move(ledger, e.id, SecretaryStatus.ACTIVE, PostingInput(on=date(2026, 9, 1)))
    (row,) = assignment_matrix(ledger).rows
    holder = row.slots[Role.FIRST_SECRETARY]
    assert holder is not None and (holder.name, holder.detail, holder.start) == ("李明", "县财政局", date(2026, 9, 1))
    assert row.planned is None
    assert assignment_matrix(ledger, date(2026, 8, 31)).rows[0].slots[Role.FIRST_SECRETARY] is None
    roster.move(ledger, e.id, SecretaryStatus.RECALLED,
                PostingInput(on=date(2026, 11, 1), recall_reason=RecallReason.HEALTH, approver="镇党委"))
    # ended the day before the recall: on the recall's day the slot is a gap
    assert assignment_matrix(ledger, date(2026, 10, 31)).rows[0].slots[Role.FIRST_SECRETARY] is not None
    assert assignment_matrix(ledger, date(2026, 11, 1)).rows[0].slots[Role.FIRST_SECRETARY] is None
    (row,) = assignment_matrix(ledger).rows
    assert Role.FIRST_SECRETARY in row.gaps and row.planned is None


# ---------------------------------------------------------------- check


def test_check_reports_the_demo_conflicts(demo_ledger: Ledger, data: dict) -> None:
    report = check_ledger(demo_ledger)
    assert not report.ok
    messages = [f.message for f in report.integrity]
    assert all(f.level == Level.ERROR and f.rule == "完整性" for f in report.integrity)
    conflicts = [m for m in messages if m.startswith(CONFLICT_PREFIX)]
    assert len(conflicts) == sum(expected_conflicts(data).values()) == 3
    assert sum(1 for m in conflicts if "同时在" in m and "驻村" in m) == 2  # at each village
    assert any("同时有2名第一书记在岗" in m for m in conflicts)
    rules = {f.rule for f in report.findings}
    assert {"R1", "R3", "R5", "R7", "R8", "R11", "R13", "R16"} <= rules
    texts = [str(f) for f in report.findings]
    assert any("青山村：党员52名，可设党总支" in t for t in texts)
    assert any(t.startswith("[R1] 乐平村") for t in texts)
    assert any(t.startswith("[R13] 河西村") and "空壳村" in t for t in texts)
    # R8 and R11 point at the roster row (the posting)
    postings = {p["id"] for p in data["postings"]}
    assert all(f.kind == "secretary" and f.ref in postings for f in report.findings if f.rule in ("R8", "R11"))
    assert any(f.rule == "R8" and "还有38天" in f.message for f in report.findings)


def test_check_of_a_clean_ledger(ledger: Ledger) -> None:
    assert check_ledger(ledger).ok and check_ledger(ledger).integrity == []
    v = ledger.save_village(Village("青山村", full_members=20, reserve_cadres=3))
    c = ledger.new_case(v.id)
    ledger.move_case(c.id, CaseState.IDENTIFIED, CaseInput(on=TODAY, situations=["S02"]))
    roster.enlist(ledger, Cadre("李明"), Posting(0, v.id, arrival=date(2026, 1, 5), status=SecretaryStatus.ACTIVE))
    report = check_ledger(ledger)
    assert report.ok and report.integrity == []
    (r7,) = [f for f in report.findings if f.rule == "R7"]  # the other three slots are gaps
    assert r7.message == "“四个一”未落实：县级联系领导、乡镇包村领导、结对单位"


def test_a_serving_non_member_is_a_four_ones_conflict(ledger: Ledger) -> None:
    """R7: the first secretary must be a Party member. Entry refuses a non-member; one found in the
    file (an old sheet, a hand edit) is a 四个一 conflict while serving, a roster finding while planned."""
    v, e = enlisted(ledger, "李明", "青山村", arrival=date(2026, 1, 5))
    _, planned = enlisted(ledger, "王芳", "石桥村", status=SecretaryStatus.PROPOSED)
    for cid in (e.cadre.id, planned.cadre.id):
        c = ledger.get("cadres", cid, "第一书记")
        c.political_status = "群众"
        ledger.commit("手工修改", [("cadres", c)])  # past validation, as a hand-edited file would be
    report = check_ledger(ledger)
    (conflict,) = [f for f in report.integrity if f.message.startswith(CONFLICT_PREFIX)]
    assert conflict.subject == "青山村" and "李明政治面貌为“群众”，应为中共党员" in conflict.message
    (r7,) = [f for f in report.findings if f.rule == "R7"]
    assert r7.subject == "王芳" and r7.ref == planned.id and "中共党员" in r7.message
    st = village_status(ledger, v.id)
    assert [c.message for c in st.conflicts] == ["第一书记李明政治面貌为“群众”，应为中共党员"]
    assert st.to_json()["conflicts"] == ["第一书记李明政治面貌为“群众”，应为中共党员"]
    serving = roster.posting_entry(ledger, e.id)
    assert not any(f.rule == "R7" for f in secretary_findings(serving, ledger.settings, TODAY))


def test_check_finds_broken_references(ledger: Ledger) -> None:
    v = ledger.save_village(Village("青山村"))
    from ledgers.validate import random_id_number

    number = random_id_number(random.Random(1), birth=date(1990, 3, 7), gender=Gender.MALE)
    _, e = enlisted(ledger, "李明", "青山村", arrival=date(2026, 1, 5))
    cadre = ledger.get("cadres", e.cadre.id, "第一书记")
    cadre.id_number, cadre.birth = number, date(1990, 3, 7)
    ledger.commit("身份证号", [("cadres", cadre)])
    county = assignments.save_leader(ledger, Leader("赵立新", role=Role.COUNTY_LEADER))
    town = assignments.save_leader(ledger, Leader("钱进", role=Role.TOWNSHIP_LEADER))
    ledger.bulk_load("导入", [
        ("cases", RectificationCase(99, 2026)),
        ("cases", RectificationCase(v.id, 2026, relapse_of=77, relapsed_into=78)),
        ("cases", RectificationCase(v.id, 2026)),
        ("cadres", Cadre("王芳", id_number=number)),
        ("postings", Posting(e.cadre.id, 98, status=SecretaryStatus.PROPOSED)),
        ("postings", Posting(999, v.id, arrival=date(2026, 2, 1), status=SecretaryStatus.ACTIVE)),
        ("assignments", Assignment(v.id, Role.FIRST_SECRETARY, 556, date(2026, 1, 1))),  # first format: ignored
        ("assignments", Assignment(v.id, Role.PAIRED_UNIT, 555, date(2026, 1, 1))),
        ("assignments", Assignment(v.id, Role.COUNTY_LEADER, county.id, date(2026, 1, 1))),
        ("assignments", Assignment(v.id, Role.COUNTY_LEADER, town.id, date(2026, 2, 1))),
        ("assignments", Assignment(97, Role.PAIRED_UNIT, 1, date(2026, 1, 1))),
        ("villages", Village("青山村", township="青石镇")),
    ])
    messages = [f"{f.subject}：{f.message}" for f in integrity_problems(ledger)]
    expected = ["引用的村（编号99）不存在", "关联的原案卷#77不存在", "反弹后转入的案卷#78不存在",
                "同时有2个未结束的整顿案卷", "驻村（编号98）不存在", "引用的第一书记（编号999）不存在",
                "2名第一书记的身份证号相同", "同时有2条未结束的驻村记录（含拟选派）", "村名重复2次", "引用的村不存在",
                CONFLICT_PREFIX + "第一书记（编号999）不存在", CONFLICT_PREFIX + "同时有2名第一书记在岗",
                CONFLICT_PREFIX + "结对单位引用的记录（编号555）不存在",
                CONFLICT_PREFIX + "县级联系领导同时有2人（单位）：赵立新、钱进",
                CONFLICT_PREFIX + "钱进是乡镇包村领导，不能作为县级联系领导"]
    for text in expected:
        assert any(text in m for m in messages), (text, messages)
    assert not any("556" in m for m in messages)


# ---------------------------------------------------------------- village status card


def test_village_status_of_the_demo(demo_ledger: Ledger) -> None:
    v = demo_ledger.find_village("青山村")
    st = village_status(demo_ledger, v.id)
    assert st.case is not None and st.case.state == CaseState.RECTIFYING
    assert len(st.overdue) == 2 and st.gaps == []
    assert st.secretary is not None and st.secretary.posting.village_id == v.id
    assert st.secretary_term_end == st.secretary.term_end is not None
    j = st.to_json()
    assert j["name"] == "青山村" and j["case"]["state"] == "整顿中" and len(j["case"]["overdue_tasks"]) == 2
    phone = st.secretary.cadre.phone
    assert j["first_secretary"]["phone"] == phone[:3] + "****" + phone[-4:]
    assert j["first_secretary"]["unit"] == st.secretary.cadre.dispatching_unit
    assert j["first_secretary"]["status"] == "在岗"
    assert j["first_secretary"]["term_end"] == st.secretary.term_end.isoformat()
    assert st.to_json(unmask=True)["first_secretary"]["phone"] == phone
    assert json.dumps(j, ensure_ascii=False)  # plain JSON
    assert any(f["rule"] == "R3" for f in j["findings"])
    assert j["four_ones"]["第一书记"]["name"] == st.secretary.name
    assert len(st.conflicts) == 1 and "同时在" in st.conflicts[0].message  # also listed in 东风村


def test_village_status_shows_the_status_in_force(demo_ledger: Ledger) -> None:
    st = village_status(demo_ledger, demo_ledger.find_village("曾家村").id)
    assert st.secretary is not None and st.secretary.status == SecretaryStatus.TERM_ENDING
    assert st.secretary.posting.status == SecretaryStatus.ACTIVE
    assert st.to_json()["first_secretary"]["status"] == "期满待轮换"
    assert any(f.rule == "R8" and "还有38天" in f.message for f in st.findings)


def test_village_status_planned_and_conflicting_secretaries(demo_ledger: Ledger) -> None:
    planned = village_status(demo_ledger, demo_ledger.find_village("马鞍村").id)
    assert Role.FIRST_SECRETARY in planned.gaps and planned.planned is not None
    assert planned.secretary is not None and planned.secretary.status == SecretaryStatus.PROPOSED
    assert planned.secretary_term_end is None and planned.to_json()["first_secretary"]["status"] == "拟选派"
    two = village_status(demo_ledger, demo_ledger.find_village("东风村").id)
    assert Role.FIRST_SECRETARY not in two.gaps and two.planned is None
    assert sorted(c.message for c in two.conflicts) == sorted(two.to_json()["conflicts"])
    assert any("同时有2名第一书记在岗" in m for m in two.to_json()["conflicts"])
    moved = village_status(demo_ledger, demo_ledger.find_village("龙泉村").id)
    assert moved.secretary is None and Role.FIRST_SECRETARY in moved.gaps  # 调整 away: a gap
    there = village_status(demo_ledger, demo_ledger.find_village("李家湾村").id)
    assert there.secretary is not None and there.secretary.posting.successor_of is not None


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
