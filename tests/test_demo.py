"""The demo data: the 青石镇 township shows every state and every kind of problem, its histories are
genuine, it is fictional and valid, it works whatever day it is loaded, and the generated county and
prefecture ledgers have their documented sizes."""
from __future__ import annotations

import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgers import assignments, roster
from ledgers.check import CONFLICT_PREFIX, check_ledger
from ledgers.demo import SIZES, clear_ledger, generated_records, load_demo, township_records
from ledgers.ledger import Ledger
from ledgers.matrix import assignment_matrix
from ledgers.models import CaseState, RectificationCase, Role, SecretaryStatus, VillageKind
from ledgers.stats import dashboard
from ledgers.validate import check_id_agreement, normalize_id_number

TODAY = date(2026, 11, 23)
# signed_off → consolidating is automatic, so no case ever rests in 已销号: it only shows in histories.
RESTING_STATES = set(CaseState) - {CaseState.SIGNED_OFF}


def assert_case_history(c: RectificationCase, today: date) -> None:
    h = c.history
    assert h and h[0].from_state is None and h[0].to_state == CaseState.CANDIDATE, c
    for prev, nxt in zip(h, h[1:]):
        assert nxt.from_state == prev.to_state, c
        assert prev.on <= nxt.on, c
    assert h[-1].to_state == c.state
    assert all(t.on <= today for t in h)
    assert all(p.on <= today for p in c.progress) and all(a.on <= today for a in c.acceptances)
    assert all(r.on <= today for r in c.reviews)
    assert all(t.done_on is None or t.done_on <= today for t in c.tasks)


# ---------------------------------------------------------------- the township


def test_township_sizes(demo_ledger: Ledger) -> None:
    villages = demo_ledger.villages()
    assert len(villages) == 25
    assert Counter(v.kind for v in villages) == {VillageKind.VILLAGE: 23, VillageKind.COMMUNITY: 2}
    assert {v.township for v in villages} == {"青石镇"}
    assert len(roster.cadres(demo_ledger)) == 15
    assert len(roster.roster(demo_ledger)) == 17  # a reassignment and an old sheet's double listing
    assert len(assignments.leaders(demo_ledger, Role.COUNTY_LEADER)) == 4
    assert len(assignments.leaders(demo_ledger, Role.TOWNSHIP_LEADER)) == 6
    assert len(assignments.units(demo_ledger)) == 10
    assert demo_ledger.settings.township == "青石镇" and demo_ledger.settings.doc_prefix == "青石发"
    assert len(demo_ledger.situations()) >= 14  # the seeded table survives


def test_load_demo_counts_what_it_loaded(ledger: Ledger) -> None:
    counts = load_demo(ledger, "township")
    assert counts["villages"] == len(ledger.villages())
    assert counts["cases"] == len(ledger.cases())  # the relapsed case is put twice but is one case
    assert counts["cadres"] == len(roster.cadres(ledger))
    assert counts["postings"] == len(roster.roster(ledger))
    assert counts["assignments"] == len(ledger.records("assignments"))
    assert ledger.audit(1)[0].summary == "载入演示数据（乡镇规模）"


def test_cases_in_every_state(demo_ledger: Ledger) -> None:
    cases = demo_ledger.cases()
    assert {c.state for c in cases} == RESTING_STATES
    assert any(t.to_state == CaseState.SIGNED_OFF for c in cases for t in c.history)
    assert any(t.from_state == CaseState.AWAITING_ACCEPTANCE and t.to_state == CaseState.RECTIFYING
               for c in cases for t in c.history), "a re-rectified case"


def test_every_history_is_consistent(demo_ledger: Ledger) -> None:
    for c in demo_ledger.cases():
        assert_case_history(c, TODAY)
    for e in roster.roster(demo_ledger):
        h = e.posting.history
        assert h and h[0].from_status is None and h[-1].to_status == e.posting.status
        for prev, nxt in zip(h, h[1:]):
            # 期满待轮换 is the status in force near the term end, never a step of its own.
            came_from = SecretaryStatus.ACTIVE if nxt.from_status == SecretaryStatus.TERM_ENDING else nxt.from_status
            assert came_from == prev.to_status and prev.on <= nxt.on
        assert all(x.on <= TODAY for x in h)


def test_two_years_of_history(demo_ledger: Ledger) -> None:
    cases = demo_ledger.cases()
    assert {c.year for c in cases} == {2025, 2026}
    first = min(t.on for c in cases for t in c.history)
    assert first <= TODAY - timedelta(days=365 + 180)


def test_relapse_is_linked_both_ways(demo_ledger: Ledger) -> None:
    (old,) = [c for c in demo_ledger.cases() if c.state == CaseState.RELAPSED]
    new = demo_ledger.case(old.relapsed_into)
    assert new.relapse_of == old.id and new.village_id == old.village_id and new.state == CaseState.CANDIDATE
    assert any(r.relapsed for r in old.reviews)


def test_problems_the_demo_shows(demo_ledger: Ledger) -> None:
    db = dashboard(demo_ledger)
    assert len(db.overdue) >= 1
    m = assignment_matrix(demo_ledger)
    assert m.gap_count >= 1 and len(m.conflicts) >= 1
    statuses = Counter(e.status for e in roster.roster(demo_ledger))
    assert statuses[SecretaryStatus.RECALLED] >= 1 and statuses[SecretaryStatus.ACTIVE] >= 5
    assert statuses[SecretaryStatus.TERM_ENDING] == 1  # computed from the date, not stored
    assert statuses[SecretaryStatus.PROPOSED] == 1 and statuses[SecretaryStatus.REASSIGNED] == 1
    assert {t.recall for t in db.todos} == {True, False}  # R11: a recall and an interview to-do
    assert db.tiers and any(n for t, n in db.tiers.items() if t.value == "空壳村")


def test_demo_integrity_problems_are_only_the_built_in_conflicts(demo_ledger: Ledger) -> None:
    report = check_ledger(demo_ledger)
    m = assignment_matrix(demo_ledger)
    assert [f.message for f in report.integrity] == [CONFLICT_PREFIX + c.message for c in m.conflicts]
    assert len(m.conflicts) == 3 and {demo_ledger.village_name(c.village_id) for c in m.conflicts} == {"青山村", "东风村"}


def test_people_are_fictional_and_valid(demo_ledger: Ledger) -> None:
    phones = []
    for c in roster.cadres(demo_ledger):
        assert c.political_status == "中共党员"
        assert normalize_id_number(c.id_number) == c.id_number
        assert check_id_agreement(c.id_number, birth=c.birth, gender=c.gender) == []
        phones.append(c.phone)
    phones += [l.phone for l in assignments.leaders(demo_ledger)]
    assert all(p.startswith("138") and len(p) == 11 and p.isdigit() for p in phones)
    assert len(set(phones)) == len(phones)
    assert len({c.id_number for c in roster.cadres(demo_ledger)}) == 15


def test_clear_ledger_keeps_situations_and_can_be_undone(demo_ledger: Ledger) -> None:
    situations = demo_ledger.situations()
    clear_ledger(demo_ledger)
    assert demo_ledger.is_empty() and demo_ledger.villages() == [] and demo_ledger.records("assignments") == []
    assert demo_ledger.situations() == situations
    demo_ledger.undo()
    assert len(demo_ledger.villages()) == 25


def test_demo_on_a_file_without_the_situation_table(ledger: Ledger) -> None:
    assert ledger.undo() is None  # the seeding of a new file cannot be undone …
    with ledger.store.transaction("旧文件：没有情形表"):  # … but a file from elsewhere may lack the table
        for rec in ledger.store.all("situations"):
            ledger.store.delete("situations", rec["id"])
    ledger.reload()
    assert ledger.situations() == []
    load_demo(ledger, "township")
    assert len(ledger.situations()) >= 14
    s = ledger.settings
    assert (s.doc_prefix, s.clerk, s.rural_income_per_capita) == ("青石发", "党建办", 18_500)  # not reset


def test_unknown_scale(ledger: Ledger) -> None:
    with pytest.raises(ValueError):
        load_demo(ledger, "province")


# ---------------------------------------------------------------- any day


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 3, 15), date(2026, 6, 30), date(2026, 10, 14),
                                   date(2026, 10, 15), date(2026, 12, 31), date(2028, 2, 29)])
def test_demo_works_whatever_the_day(today: date) -> None:
    cases = [o for coll, o in township_records(today) if coll == "cases"]
    assert {c.state for c in cases} == RESTING_STATES
    for c in cases:
        assert_case_history(c, today)
    assert len({c.year for c in cases}) == 2


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_demo_histories_never_reach_into_the_future(today: date) -> None:
    for coll, o in township_records(today):
        if coll == "cases":
            assert_case_history(o, today)
        elif coll == "postings":
            assert all(h.on <= today for h in o.history)


# ---------------------------------------------------------------- generated scales


def test_county_scale(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "county.json", today=TODAY) as led:
        counts = load_demo(led, "county")
        size = SIZES["county"]
        assert len(led.villages()) == counts["villages"] == size["townships"] * size["villages_per"] == 300
        assert len({v.township for v in led.villages()}) == 12
        cases = led.cases()
        assert len(cases) == 60 and len(roster.roster(led)) == 150
        assert all(len(c.tasks) == 5 for c in cases)
        assert sum(len(c.progress) for c in cases) >= 600
        for c in cases:
            assert_case_history(c, TODAY)
        assert check_ledger(led).ok


def test_prefecture_scale(tmp_path: Path) -> None:
    started = time.perf_counter()
    with Ledger.open(tmp_path / "prefecture.json", today=TODAY) as led:
        load_demo(led, "prefecture")
        villages = led.villages()
        assert len(villages) >= 2_000 and len({v.township for v in villages}) == 60
        assert len({(v.township, v.name) for v in villages}) == len(villages)
        cases = led.cases()
        assert len(cases) == 500 and all(len(c.tasks) == 5 for c in cases)
        assert len(roster.roster(led)) == len(roster.cadres(led)) == 1_500
        assert sum(len(c.progress) for c in cases) >= 5_000
        for c in cases:
            assert_case_history(c, TODAY)
    assert time.perf_counter() - started < 30


def test_generated_records_are_deterministic() -> None:
    small = dict(townships=2, villages_per=5, cases=8, secretaries=6, reports=40)
    a = [(coll, o) for coll, o in generated_records(TODAY, **small)]
    b = [(coll, o) for coll, o in generated_records(TODAY, **small)]
    assert a == b
    cases = [o for coll, o in a if coll == "cases"]
    assert sum(len(c.progress) for c in cases) >= 40
