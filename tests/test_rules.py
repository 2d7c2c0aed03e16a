"""The rules of DOMAIN.md (R1–R5, R7, R8, R10, R11, R13–R16, R18, R19, R21) at their boundaries,
plus the calendar and codec helpers they stand on. First-secretary rules read a ``RosterEntry`` (a
cadre's posting with its status in force: 期满待轮换 is computed from the date by ``status_of``)."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgers import rules
from ledgers.codec import from_dict, to_dict
from ledgers.dates import add_months, age_on, cn_date
from ledgers.errors import FieldError
from ledgers.models import (
    Acceptance,
    AcceptanceResult,
    Cadre,
    Gender,
    Grade,
    IncomeTier,
    Level,
    OrgType,
    Posting,
    RecallReason,
    RectificationCase,
    Role,
    RosterEntry,
    SecretaryStatus,
    Settings,
    StatusChange,
    Task,
    TaskStatus,
    UnitLevel,
    Village,
    VillageKind,
    VillageType,
)

TODAY = date(2026, 11, 23)
S = Settings()


def only(findings: list[rules.Finding], rule: str) -> list[rules.Finding]:
    return [f for f in findings if f.rule == rule]


def one(findings: list[rules.Finding], rule: str) -> rules.Finding:
    found = only(findings, rule)
    assert len(found) == 1, findings
    return found[0]


def village(**kw) -> Village:
    kw.setdefault("name", "青山村")
    kw.setdefault("reserve_cadres", 3)
    kw.setdefault("id", 7)
    return Village(**kw)


def org(**kw) -> list[rules.Finding]:
    return rules.org_findings(village(**kw), S, TODAY)


# ---------------------------------------------------------------- R1–R4: organisation form


def test_r1_two_full_members_cannot_form_own_branch() -> None:
    f = one(org(full_members=2, org_type=OrgType.BRANCH), "R1")
    assert f.level == Level.WARNING
    assert "正式党员2名" in f.message and "不足3名" in f.message and "联合党支部" in f.message
    assert (f.subject, f.kind, f.ref) == ("青山村", "village", 7)


def test_r1_three_full_members_may_form_own_branch() -> None:
    assert only(org(full_members=3, org_type=OrgType.BRANCH), "R1") == []


def test_r1_probationary_members_do_not_count() -> None:
    assert only(org(full_members=2, probationary_members=5, org_type=OrgType.BRANCH), "R1")


def test_r1_joint_branch_under_three_is_fine() -> None:
    found = org(full_members=2, org_type=OrgType.JOINT_BRANCH)
    assert only(found, "R1") == [] and only(found, "R2") == []


def test_r2_joint_branch_with_three_may_stand_alone() -> None:
    f = one(org(full_members=3, org_type=OrgType.JOINT_BRANCH), "R2")
    assert f.level == Level.WARNING
    assert "正式党员3名" in f.message and "可单独成立党支部" in f.message


def test_r2_branch_of_49_has_nothing_to_say() -> None:
    found = org(full_members=45, probationary_members=4)
    assert only(found, "R2") == [] and only(found, "R3") == []


def test_r2_branch_of_50_may_become_general_branch() -> None:
    found = org(full_members=48, probationary_members=2)
    f = one(found, "R2")
    assert f.level == Level.WARNING and f.message == "党员50名，可设党总支"
    assert only(found, "R3") == []


def test_r2_at_100_may_become_party_committee() -> None:
    for org_type in (OrgType.BRANCH, OrgType.GENERAL_BRANCH):
        f = one(org(full_members=100, org_type=org_type), "R2")
        assert f.level == Level.WARNING and f.message == "党员100名，可设党委"
    assert only(org(full_members=99, org_type=OrgType.GENERAL_BRANCH), "R2") == []
    assert only(org(full_members=100, org_type=OrgType.COMMITTEE), "R2") == []


def test_r2_general_branch_and_committee_below_their_size_are_warned() -> None:
    f = one(org(full_members=49, org_type=OrgType.GENERAL_BRANCH), "R2")
    assert f.level == Level.WARNING and "党员49名" in f.message and "不足50名" in f.message and "党总支" in f.message
    assert only(org(full_members=50, org_type=OrgType.GENERAL_BRANCH), "R2") == []
    f = one(org(full_members=99, org_type=OrgType.COMMITTEE), "R2")
    assert f.level == Level.WARNING and "党员99名" in f.message and "不足100名" in f.message and "党委" in f.message


def test_r3_branch_at_50_is_not_split_at_51_it_is() -> None:
    assert only(org(full_members=50), "R3") == []
    f = one(org(full_members=51), "R3")
    assert f.level == Level.WARNING
    assert "党员51名" in f.message and "超过50名" in f.message and "分设党支部" in f.message
    assert only(org(full_members=51), "R2") == []  # R3 says it all; no duplicate R2 note


def test_r3_counts_probationary_members() -> None:
    f = one(org(full_members=50, probationary_members=2), "R3")
    assert f.message.startswith("党员52名，可设党总支")


def test_r3_also_applies_to_a_branch_big_enough_for_a_committee() -> None:
    found = org(full_members=104)
    assert one(found, "R2").message == "党员104名，可设党委"
    assert "党员104名" in one(found, "R3").message


def test_r3_follows_its_own_setting() -> None:
    s = Settings(split_branch_over=40)
    found = rules.org_findings(village(full_members=41), s, TODAY)
    assert "超过40名" in one(found, "R3").message


def test_r4_seven_full_members_need_a_branch_committee() -> None:
    assert only(org(full_members=6, probationary_members=3), "R4") == []
    f = one(org(full_members=7), "R4")
    assert f.level == Level.INFO and "正式党员7名" in f.message and "3至5名" in f.message
    assert only(org(full_members=70, org_type=OrgType.GENERAL_BRANCH), "R4") == []


# ---------------------------------------------------------------- R5: term of the village organisation


@pytest.mark.parametrize("days_left, level", [(181, None), (180, Level.WARNING), (0, Level.WARNING),
                                              (-1, Level.ERROR)])
def test_r5_term_warning_window(days_left: int, level: Level | None) -> None:
    end = TODAY + timedelta(days=days_left)
    start = add_months(end, -60)
    assert rules.org_term_end(village(org_term_start=start), S) == end
    found = only(org(full_members=5, org_term_start=start), "R5")
    if level is None:
        assert found == []
        return
    (f,) = found
    assert f.level == level and end.isoformat() in f.message
    if level == Level.WARNING:
        assert f"还有{days_left}天" in f.message
    else:
        assert "已于" in f.message and "换届" in f.message


def test_r5_without_a_term_start_says_nothing() -> None:
    assert only(org(full_members=5), "R5") == []
    assert rules.org_term_end(village(), S) is None


# ---------------------------------------------------------------- R13: collective income tiers


@pytest.mark.parametrize("amount, tier", [
    (None, IncomeTier.UNKNOWN), (0, IncomeTier.SHELL), (1, IncomeTier.WEAK), (49_999, IncomeTier.WEAK),
    (50_000, IncomeTier.T5_10), (99_999, IncomeTier.T5_10), (100_000, IncomeTier.T10_50),
    (499_999, IncomeTier.T10_50), (500_000, IncomeTier.T50_100), (999_999, IncomeTier.T50_100),
    (1_000_000, IncomeTier.T100),
])
def test_r13_income_tiers(amount: int | None, tier: IncomeTier) -> None:
    assert rules.income_tier(amount, S) == tier


def test_r13_shell_village_finding() -> None:
    f = one(rules.income_findings(village(collective_income={2024: 30_000, 2025: 0}), S), "R13")
    assert f.level == Level.WARNING and f.message == "2025年村集体无经营性收入，属空壳村"


def test_r13_weak_village_finding_names_the_exact_amount() -> None:
    f = one(rules.income_findings(village(collective_income={2025: 49_999}), S), "R13")
    assert f.message == "2025年村集体经营性收入4.9999万元，不足5万元，属薄弱村"
    f = one(rules.income_findings(village(collective_income={2025: 12_000}), S), "R13")
    assert "1.2万元" in f.message


def test_r13_uses_the_latest_year_and_ignores_healthy_villages() -> None:
    assert rules.income_findings(village(collective_income={2024: 0, 2025: 50_000}), S) == []
    assert rules.income_findings(village(), S) == []


def test_r13_threshold_is_a_setting() -> None:
    s = Settings(weak_income_below=80_000)
    assert rules.income_tier(79_999, s) == IncomeTier.WEAK
    assert "不足8万元" in one(rules.income_findings(village(collective_income={2025: 60_000}), s), "R13").message


# ---------------------------------------------------------------- R14: secretary pay


def test_r14_needs_the_per_capita_income() -> None:
    assert rules.pay_findings(village(secretary_pay=1), S) == []
    s = Settings(rural_income_per_capita=18_500)
    assert rules.pay_findings(village(secretary_pay=None), s) == []


def test_r14_two_times_for_a_secretary() -> None:
    s = Settings(rural_income_per_capita=18_500)
    f = one(rules.pay_findings(village(secretary_pay=36_999), s), "R14")
    assert f.level == Level.WARNING
    assert "村党组织书记基本报酬3.6999万元" in f.message and "2倍（3.7万元）" in f.message
    assert rules.pay_findings(village(secretary_pay=37_000), s) == []


def test_r14_three_times_for_one_shoulder() -> None:
    s = Settings(rural_income_per_capita=18_500)
    f = one(rules.pay_findings(village(secretary_pay=55_499, secretary_is_director=True), s), "R14")
    assert "一肩挑书记基本报酬5.5499万元" in f.message and "3倍（5.55万元）" in f.message
    assert rules.pay_findings(village(secretary_pay=55_500, secretary_is_director=True), s) == []
    # The same pay is enough without 一肩挑 and too little with it.
    assert rules.pay_findings(village(secretary_pay=40_000), s) == []
    assert rules.pay_findings(village(secretary_pay=40_000, secretary_is_director=True), s)


# ---------------------------------------------------------------- R15: funds


@pytest.mark.parametrize("population, office", [(1_499, 20_000), (1_500, 25_000), (4_000, 25_000)])
def test_r15_office_funds_by_population(population: int, office: int) -> None:
    f = rules.village_funds(village(population=population, full_members=40), S)
    assert f.office == office and f.party_building == 5_000


def test_r15_community_funds() -> None:
    f = rules.village_funds(village(kind=VillageKind.COMMUNITY, population=100, full_members=40), S)
    assert (f.office, f.party_building) == (30_000, 50_000)


@pytest.mark.parametrize("members, activity", [(0, 3_000), (29, 3_000), (30, 3_000), (31, 3_100), (45, 4_500)])
def test_r15_activity_funds(members: int, activity: int) -> None:
    assert rules.village_funds(village(full_members=members), S).member_activity == activity


def test_r15_minimum_only_below_thirty_members() -> None:
    s = Settings(activity_fund_per_member=50)
    assert rules.village_funds(village(full_members=29), s).member_activity == 3_000
    assert rules.village_funds(village(full_members=30), s).member_activity == 1_500


def test_r15_describe() -> None:
    assert rules.village_funds(village(population=800, full_members=12), S).describe() == \
        "办公经费2万元/年，党建工作经费5000元，党员活动经费3000元"
    assert "办公经费2.5万元/年" in rules.village_funds(village(population=1500, full_members=12), S).describe()


# ---------------------------------------------------------------- R16: reserve cadres


def test_r16_reserve_cadres() -> None:
    f = one(rules.reserve_findings(village(reserve_cadres=2), S), "R16")
    assert f.level == Level.WARNING and f.message == "后备干部2名，不足3名"
    assert rules.reserve_findings(village(reserve_cadres=3), S) == []


def test_village_findings_collects_every_village_rule() -> None:
    v = village(full_members=2, reserve_cadres=0, collective_income={2025: 0}, secretary_pay=1,
                org_term_start=add_months(TODAY, -61))
    found = rules.village_findings(v, Settings(rural_income_per_capita=10_000), TODAY)
    assert {f.rule for f in found} == {"R1", "R5", "R13", "R14", "R16"}


# ---------------------------------------------------------------- roster entries (as ledgers.roster builds them)


def posting(status: SecretaryStatus = SecretaryStatus.ACTIVE, **kw) -> Posting:
    kw.setdefault("cadre_id", 2)
    kw.setdefault("village_id", 7)
    kw.setdefault("id", 4)
    return Posting(status=status, **kw)


def entry(p: Posting | None = None, cadre: Cadre | None = None, s: Settings = S, today: date = TODAY,
          **kw) -> RosterEntry:
    """A roster row the way ``roster.entry`` reads it: the status in force and the term end computed."""
    p = p if p is not None else posting(**kw)
    c = cadre if cadre is not None else Cadre("李明", id=p.cadre_id)
    return RosterEntry(c, p, rules.status_of(p, s, today), rules.term_end(p, s), "青山村", "青石镇")


def test_roster_entry_reads_as_its_posting_and_cadre() -> None:
    e = entry(posting(id=11, arrival=add_months(TODAY, -3)), Cadre("王芳", id=2))
    assert (e.id, e.name, e.status, e.serving, e.ended) == (11, "王芳", SecretaryStatus.ACTIVE, True, False)
    assert e.term_end == add_months(TODAY, 21)
    ending = entry(arrival=add_months(TODAY, -24) + timedelta(days=10))
    assert (ending.status, ending.serving, ending.ended) == (SecretaryStatus.TERM_ENDING, True, False)
    assert ending.posting.status == SecretaryStatus.ACTIVE  # computed, never stored
    for status in (SecretaryStatus.RECALLED, SecretaryStatus.REASSIGNED, SecretaryStatus.LEFT,
                   SecretaryStatus.WITHDRAWN):
        e = entry(status=status, arrival=add_months(TODAY, -3))
        assert (e.serving, e.ended) == (False, True)
    planned = entry(status=SecretaryStatus.PROPOSED)
    assert (planned.serving, planned.ended, planned.term_end) == (False, False, None)


# ---------------------------------------------------------------- R7: 四个一


def test_r7_missing_slots_are_named() -> None:
    case = RectificationCase(village_id=7, year=2026, id=3)
    holders = {Role.COUNTY_LEADER: "赵立新", Role.TOWNSHIP_LEADER: None, Role.FIRST_SECRETARY: "李明",
               Role.PAIRED_UNIT: ""}
    f = one(rules.slot_findings(village(), case, holders), "R7")
    assert f.level == Level.WARNING and (f.kind, f.ref) == ("case", 3)
    assert f.message == "“四个一”未落实：乡镇包村领导、结对单位"
    full = {r: "某人" for r in Role}
    assert rules.slot_findings(village(), case, full) == []
    f = one(rules.slot_findings(village(), case, {r: None for r in Role}), "R7")
    assert f.message == "“四个一”未落实：县级联系领导、乡镇包村领导、第一书记、结对单位"


def test_r7_a_planned_first_secretary_must_be_a_party_member() -> None:
    cadre = Cadre("李明", political_status="群众", id=2)
    f = one(rules.secretary_findings(entry(posting(SecretaryStatus.PROPOSED, id=4), cadre), S, TODAY), "R7")
    assert f.level == Level.ERROR and "群众" in f.message and "中共党员" in f.message
    assert (f.subject, f.kind, f.ref) == ("李明", "secretary", 4)  # the posting's id: a roster row
    member = Cadre("李明", id=2)
    assert only(rules.secretary_findings(entry(posting(SecretaryStatus.PROPOSED), member), S, TODAY), "R7") == []


@pytest.mark.parametrize("status", [SecretaryStatus.ACTIVE, SecretaryStatus.RECALLED, SecretaryStatus.REASSIGNED,
                                    SecretaryStatus.LEFT, SecretaryStatus.WITHDRAWN])
def test_r7_a_serving_or_ended_non_member_is_not_a_roster_finding(status: SecretaryStatus) -> None:
    # A serving non-member is a 四个一 conflict (assignments.conflicts, see test_stats); an ended
    # posting asks for nothing. Only a 拟选派 one is flagged on the roster.
    cadre = Cadre("李明", political_status="共青团员", id=2)
    e = entry(posting(status, arrival=add_months(TODAY, -3)), cadre)
    assert only(rules.secretary_findings(e, S, TODAY), "R7") == []


def test_r7_a_non_member_in_the_term_warning_window_is_still_not_a_roster_finding() -> None:
    cadre = Cadre("李明", political_status="群众", id=2)
    e = entry(posting(arrival=add_months(TODAY, -24) + timedelta(days=5)), cadre)
    assert e.status == SecretaryStatus.TERM_ENDING
    assert only(rules.secretary_findings(e, S, TODAY), "R7") == []


# ---------------------------------------------------------------- R8: first-secretary term


def test_r8_term_end_is_arrival_plus_term() -> None:
    assert rules.term_end(posting(arrival=date(2025, 3, 31), term_months=24), S) == date(2027, 3, 31)
    assert rules.term_end(posting(arrival=date(2024, 8, 31), term_months=18), S) == date(2026, 2, 28)
    assert rules.term_end(posting(arrival=date(2025, 3, 1), term_end=date(2026, 1, 1)), S) == date(2026, 1, 1)
    assert rules.term_end(posting(arrival=date(2025, 3, 1), term_months=36, term_end=date(2026, 1, 1)), S) == \
        date(2026, 1, 1)  # an explicit end (留任, a document) wins over the months
    assert rules.term_end(posting(), S) is None
    assert rules.term_end(posting(term_months=24), S) is None  # months without an arrival say nothing


def test_r8_a_zero_term_uses_the_settings_term() -> None:
    arrival = date(2025, 3, 31)
    assert rules.term_end(posting(arrival=arrival), S) == add_months(arrival, S.secretary_term_months)
    assert rules.term_end(posting(arrival=arrival), Settings(secretary_term_months=36)) == date(2028, 3, 31)
    assert rules.term_end(posting(arrival=arrival), Settings(secretary_term_months=12)) == date(2026, 3, 31)
    # a posting's own term (filled in when it is saved) is the policy it was posted under
    assert rules.term_end(posting(arrival=arrival, term_months=24), Settings(secretary_term_months=36)) == \
        date(2027, 3, 31)


def test_r8_a_zero_term_reaches_status_and_findings_through_the_settings() -> None:
    s = Settings(secretary_term_months=36)
    p = posting(arrival=add_months(TODAY, -36) + timedelta(days=20))  # 36-month term ends in 20 days
    assert rules.status_of(p, s, TODAY) == SecretaryStatus.TERM_ENDING
    assert rules.status_of(p, S, TODAY) == SecretaryStatus.TERM_ENDING  # under 24 months: long past
    assert "已于" in one(rules.term_findings(entry(p), S, TODAY), "R8").message
    f = one(rules.term_findings(entry(p, s=s), s, TODAY), "R8")
    assert "还有20天" in f.message
    young = posting(arrival=add_months(TODAY, -24) + timedelta(days=20))
    assert rules.status_of(young, s, TODAY) == SecretaryStatus.ACTIVE  # 36 months: a year to go
    assert rules.status_of(young, S, TODAY) == SecretaryStatus.TERM_ENDING


@pytest.mark.parametrize("warn", [60, 90, 1, 0])
@pytest.mark.parametrize("offset, expected", [(1, SecretaryStatus.ACTIVE), (0, SecretaryStatus.TERM_ENDING),
                                              (-1, SecretaryStatus.TERM_ENDING)])
def test_status_of_term_ending_starts_at_the_warning_window(warn: int, offset: int,
                                                            expected: SecretaryStatus) -> None:
    """期满待轮换 is computed: a stored 在岗 posting reads so from ``term_warn_days`` before its end —
    one day before the window it is 在岗, on its first day and after it 期满待轮换."""
    s = Settings(term_warn_days=warn, term_urgent_days=min(warn, 30))
    end = TODAY + timedelta(days=warn + offset)
    p = posting(arrival=add_months(end, -24), term_months=24)
    assert rules.term_end(p, s) == end
    assert rules.status_of(p, s, TODAY) == expected
    assert p.status == SecretaryStatus.ACTIVE  # reading never changes the record


def test_status_of_past_the_term_end_stays_term_ending() -> None:
    p = posting(arrival=add_months(TODAY, -30), term_months=24)
    assert rules.status_of(p, S, TODAY) == SecretaryStatus.TERM_ENDING
    assert rules.status_of(p, S, TODAY + timedelta(days=3650)) == SecretaryStatus.TERM_ENDING


def test_status_of_the_same_posting_on_different_days() -> None:
    p = posting(arrival=date(2025, 1, 10), term_months=24)  # ends 2027-01-10; window from 2026-11-11
    assert rules.status_of(p, S, date(2026, 11, 10)) == SecretaryStatus.ACTIVE
    assert rules.status_of(p, S, date(2026, 11, 11)) == SecretaryStatus.TERM_ENDING
    assert rules.status_of(p, S, date(2027, 1, 10)) == SecretaryStatus.TERM_ENDING
    assert rules.status_of(p, S, date(2027, 1, 11)) == SecretaryStatus.TERM_ENDING


def test_status_of_a_stored_term_ending_is_read_again_from_the_date() -> None:
    # A file of the first format kept 期满待轮换; the status in force is computed all the same.
    stored = posting(SecretaryStatus.TERM_ENDING, arrival=add_months(TODAY, -6), term_months=24)
    assert rules.status_of(stored, S, TODAY) == SecretaryStatus.ACTIVE
    stored.arrival = add_months(TODAY, -24)
    assert rules.status_of(stored, S, TODAY) == SecretaryStatus.TERM_ENDING


def test_status_of_without_an_arrival_is_serving() -> None:
    assert rules.status_of(posting(), S, TODAY) == SecretaryStatus.ACTIVE
    assert rules.status_of(posting(SecretaryStatus.TERM_ENDING), S, TODAY) == SecretaryStatus.ACTIVE


@pytest.mark.parametrize("status", [SecretaryStatus.PROPOSED, SecretaryStatus.RECALLED, SecretaryStatus.REASSIGNED,
                                    SecretaryStatus.LEFT, SecretaryStatus.WITHDRAWN])
def test_status_of_other_statuses_do_not_depend_on_the_date(status: SecretaryStatus) -> None:
    p = posting(status, arrival=add_months(TODAY, -24), term_months=24)  # term ends today
    for day in (TODAY - timedelta(days=400), TODAY, TODAY + timedelta(days=400)):
        assert rules.status_of(p, S, day) == status


serving_postings = st.builds(
    Posting, cadre_id=st.just(1), village_id=st.just(1),
    arrival=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    term_months=st.integers(0, 120),
    term_end=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)),
    status=st.sampled_from([SecretaryStatus.ACTIVE, SecretaryStatus.TERM_ENDING]),
)
days = st.dates(min_value=date(1995, 1, 1), max_value=date(2055, 12, 31))


@given(serving_postings, days, days, st.integers(0, 400), st.integers(1, 120))
def test_status_of_is_monotone_in_the_date(p: Posting, a: date, b: date, warn: int, term: int) -> None:
    """Once a serving posting reads 期满待轮换 it never reads 在岗 again later (until an action)."""
    s = Settings(term_warn_days=warn, secretary_term_months=term)
    early, late = min(a, b), max(a, b)
    first, then = rules.status_of(p, s, early), rules.status_of(p, s, late)
    assert {first, then} <= {SecretaryStatus.ACTIVE, SecretaryStatus.TERM_ENDING}
    if first == SecretaryStatus.TERM_ENDING:
        assert then == SecretaryStatus.TERM_ENDING
    end = rules.term_end(p, s)
    assert end is not None
    assert (first == SecretaryStatus.TERM_ENDING) == ((end - early).days <= warn)


@given(serving_postings, days, st.integers(0, 400), st.integers(0, 400))
def test_status_of_is_monotone_in_the_warning_window(p: Posting, day: date, w1: int, w2: int) -> None:
    narrow, wide = Settings(term_warn_days=min(w1, w2)), Settings(term_warn_days=max(w1, w2))
    if rules.status_of(p, narrow, day) == SecretaryStatus.TERM_ENDING:
        assert rules.status_of(p, wide, day) == SecretaryStatus.TERM_ENDING


@given(serving_postings, st.integers(1, 120))
def test_a_zero_term_is_the_settings_term(p: Posting, months: int) -> None:
    s = Settings(secretary_term_months=months)
    zero = Posting(1, 1, arrival=p.arrival, term_months=0)
    assert rules.term_end(zero, s) == rules.term_end(Posting(1, 1, arrival=p.arrival, term_months=months), s)


@pytest.mark.parametrize("days_left, level", [(61, None), (60, Level.WARNING), (31, Level.WARNING),
                                              (30, Level.WARNING), (0, Level.WARNING), (-1, Level.ERROR)])
def test_r8_term_warnings(days_left: int, level: Level | None) -> None:
    end = TODAY + timedelta(days=days_left)
    e = entry(arrival=add_months(end, -24), term_months=24)
    assert e.term_end == end
    assert e.status == (SecretaryStatus.ACTIVE if level is None else SecretaryStatus.TERM_ENDING)
    found = rules.term_findings(e, S, TODAY)
    if level is None:
        assert found == []
        return
    f = one(found, "R8")
    assert f.level == level and end.isoformat() in f.message and (f.kind, f.ref) == ("secretary", 4)
    assert (f"还有{days_left}天" in f.message) if days_left >= 0 else ("已于" in f.message)
    assert ("尽快安排轮换" in f.message) == (0 <= days_left <= 30)


def test_r8_windows_follow_the_settings() -> None:
    s = Settings(term_warn_days=90, term_urgent_days=45)
    e = entry(arrival=add_months(TODAY + timedelta(days=80), -24), term_months=24, s=s)
    assert e.status == SecretaryStatus.TERM_ENDING
    f = one(rules.term_findings(e, s, TODAY), "R8")
    assert "还有80天" in f.message and "尽快" not in f.message
    e = entry(arrival=add_months(TODAY + timedelta(days=45), -24), term_months=24, s=s)
    assert "尽快安排轮换" in one(rules.term_findings(e, s, TODAY), "R8").message


def test_r8_only_for_serving_secretaries() -> None:
    for status in (SecretaryStatus.PROPOSED, SecretaryStatus.RECALLED, SecretaryStatus.REASSIGNED,
                   SecretaryStatus.LEFT, SecretaryStatus.WITHDRAWN):
        e = entry(status=status, arrival=add_months(TODAY, -24), term_months=24)
        assert rules.term_findings(e, S, TODAY) == []
    ending = entry(status=SecretaryStatus.ACTIVE, arrival=add_months(TODAY, -24), term_months=24)
    assert ending.status == SecretaryStatus.TERM_ENDING
    f = one(rules.term_findings(ending, S, TODAY), "R8")
    assert f.level == Level.WARNING and "尽快安排轮换" in f.message


def test_r8_missing_arrival_is_warned() -> None:
    f = one(rules.term_findings(entry(), S, TODAY), "R8")
    assert f.level == Level.WARNING and "到村时间" in f.message and (f.kind, f.ref) == ("secretary", 4)


# ---------------------------------------------------------------- R10, R11: assessment


@pytest.mark.parametrize("absences, best", [(0, Grade.EXCELLENT), (1, Grade.COMPETENT), (2, Grade.BASIC),
                                            (3, Grade.INCOMPETENT), (9, Grade.INCOMPETENT)])
def test_r10_absences_cap_the_grade(absences: int, best: Grade) -> None:
    assert rules.best_grade_allowed(absences, S) == best


@pytest.mark.parametrize("absences, refused, accepted", [
    (0, [], [Grade.EXCELLENT]),
    (1, [Grade.EXCELLENT], [Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]),
    (2, [Grade.EXCELLENT, Grade.COMPETENT], [Grade.BASIC, Grade.INCOMPETENT]),
    (3, [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC], [Grade.INCOMPETENT]),
])
def test_r10_check_grade(absences: int, refused: list[Grade], accepted: list[Grade]) -> None:
    for grade in accepted:
        rules.check_grade(grade, absences, S)
    for grade in refused:
        with pytest.raises(FieldError) as err:
            rules.check_grade(grade, absences, S, "2025年度考核")
        assert err.value.field == "2025年度考核"
        assert f"无故不在岗{absences}次" in err.value.detail and grade.value in err.value.detail


def test_r10_finding_for_a_grade_above_the_cap() -> None:
    e = entry(assessments={2025: Grade.COMPETENT}, absences={2025: 2})
    f = one(rules.assessment_findings(e, S), "R10")
    assert f.level == Level.ERROR and "2025年无故不在岗2次" in f.message and "基本称职" in f.message
    assert (f.subject, f.kind, f.ref) == ("李明", "secretary", 4)
    assert only(rules.assessment_findings(entry(assessments={2025: Grade.EXCELLENT}), S), "R10") == []
    # every year is checked, an ended posting's too (the record is wrong whatever happened since)
    e = entry(status=SecretaryStatus.LEFT, assessments={2024: Grade.EXCELLENT, 2025: Grade.EXCELLENT},
              absences={2024: 1, 2025: 1})
    assert [f.message[:4] for f in only(rules.assessment_findings(e, S), "R10")] == ["2024", "2025"]


def test_r11_low_grades_ask_for_action() -> None:
    f = one(rules.assessment_findings(entry(assessments={2025: Grade.INCOMPETENT}), S), "R11")
    assert f.level == Level.ERROR and "召回" in f.message and "2025" in f.message
    assert (f.kind, f.ref) == ("secretary", 4)
    f = one(rules.assessment_findings(entry(assessments={2025: Grade.BASIC}), S), "R11")
    assert f.level == Level.WARNING and "约谈" in f.message
    assert rules.assessment_findings(entry(assessments={2025: Grade.COMPETENT}), S) == []
    assert rules.assessment_findings(entry(), S) == []


def test_r11_only_the_latest_grade_asks() -> None:
    e = entry(assessments={2024: Grade.INCOMPETENT, 2025: Grade.COMPETENT}, absences={2024: 3})
    assert only(rules.assessment_findings(e, S), "R11") == [] and rules.r11_todo(e) is None
    e = entry(assessments={2025: Grade.BASIC, 2024: Grade.COMPETENT}, absences={2025: 2})
    assert "2025年度考核基本称职" in one(rules.assessment_findings(e, S), "R11").message


@pytest.mark.parametrize("status", [SecretaryStatus.RECALLED, SecretaryStatus.REASSIGNED, SecretaryStatus.LEFT,
                                    SecretaryStatus.WITHDRAWN])
def test_r11_an_ended_posting_needs_nothing(status: SecretaryStatus) -> None:
    e = entry(status=status, assessments={2025: Grade.INCOMPETENT}, absences={2025: 3})
    assert rules.assessment_findings(e, S) == [] and rules.r11_todo(e) is None


def test_r11_todo_in_the_term_warning_window() -> None:
    e = entry(arrival=add_months(TODAY, -24), term_months=24, assessments={2025: Grade.INCOMPETENT},
              absences={2025: 3})
    assert e.status == SecretaryStatus.TERM_ENDING  # still in force: the recall is still due
    f = rules.r11_todo(e)
    assert f is not None and f.rule == "R11" and f.level == Level.ERROR and f.subject == "李明"
    assert f in rules.assessment_findings(e, S)


# ---------------------------------------------------------------- R18: acceptance


def acceptance(score: float | None = 80, participants: int = 100, dissatisfied: int = 10) -> Acceptance:
    return Acceptance(TODAY, AcceptanceResult.PASS, score, participants=participants,
                      satisfied=participants - dissatisfied, dissatisfied=dissatisfied)


def test_r18_score_threshold() -> None:
    assert rules.acceptance_problems(acceptance(70), S) == []
    assert rules.acceptance_problems(acceptance(69), S) == ["验收得分69分，低于70分"]
    assert rules.acceptance_problems(acceptance(69.5), S) == ["验收得分69.5分，低于70分"]
    assert rules.acceptance_problems(acceptance(None), S) == ["未填写验收得分"]


def test_r18_dissatisfied_threshold() -> None:
    assert rules.acceptance_problems(acceptance(dissatisfied=50), S) == []
    assert rules.acceptance_problems(acceptance(dissatisfied=51), S) == ["不满意率51.0%，超过50%"]
    assert rules.acceptance_problems(acceptance(participants=0, dissatisfied=0), S) == ["未填写民主测评人数"]
    assert rules.dissatisfied_pct(acceptance(participants=60, dissatisfied=30)) == 50.0


def test_r18_suggested_result() -> None:
    assert rules.suggested_result(acceptance(70, dissatisfied=50), S) == AcceptanceResult.PASS
    assert rules.suggested_result(acceptance(69), S) == AcceptanceResult.BASIC
    assert rules.suggested_result(acceptance(60), S) == AcceptanceResult.BASIC
    assert rules.suggested_result(acceptance(59), S) == AcceptanceResult.FAIL
    assert rules.suggested_result(acceptance(90, dissatisfied=51), S) == AcceptanceResult.BASIC


def test_r18_settings_move_the_thresholds() -> None:
    s = Settings(pass_score=80, max_dissatisfied_pct=20)
    assert rules.acceptance_problems(acceptance(79, dissatisfied=21), s) == [
        "验收得分79分，低于80分", "不满意率21.0%，超过20%"]


def test_poll_problems() -> None:
    assert rules.poll_problems(acceptance()) == []
    bad = Acceptance(TODAY, AcceptanceResult.PASS, 80, participants=10, satisfied=6, basically_satisfied=3,
                     dissatisfied=2)
    assert rules.poll_problems(bad) == ["满意、基本满意、不满意合计11人，超过参评人数10人"]
    assert rules.poll_problems(acceptance(participants=10, dissatisfied=-1)) == ["测评人数不能为负数"]
    assert rules.poll_problems(acceptance(101)) == ["验收得分应在0至100分之间"]
    assert rules.poll_problems(acceptance(-1)) == ["验收得分应在0至100分之间"]


# ---------------------------------------------------------------- R19: consolidation


def test_r19_consolidation_end() -> None:
    c = RectificationCase(1, 2025, signed_off_on=date(2025, 10, 31))
    assert rules.consolidation_end(c, S) == date(2026, 10, 31)
    assert rules.consolidation_end(RectificationCase(1, 2024, signed_off_on=date(2024, 2, 29)), S) == date(2025, 2, 28)
    assert rules.consolidation_end(c, Settings(consolidation_months=6)) == date(2026, 4, 30)
    assert rules.consolidation_end(RectificationCase(1, 2025), S) is None


# ---------------------------------------------------------------- R21: 身份证号


def id_number(birth: date, gender: Gender) -> str:
    from ledgers.validate import random_id_number

    return random_id_number(random.Random(3), birth=birth, gender=gender)


def test_r21_valid_agreeing_number_is_fine() -> None:
    birth = date(1988, 5, 17)
    cadre = Cadre("王芳", id_number=id_number(birth, Gender.FEMALE), birth=birth, gender=Gender.FEMALE, id=2)
    assert rules.identity_findings(cadre) == []
    assert rules.identity_findings(Cadre("李明")) == []  # no number, nothing to check


def test_r21_bad_checksum() -> None:
    birth = date(1988, 5, 17)
    number = id_number(birth, Gender.MALE)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    cadre = Cadre("李明", id_number=wrong, birth=birth, gender=Gender.MALE, id=2)
    f = one(rules.identity_findings(cadre, 5), "R21")
    assert f.level == Level.ERROR and (f.subject, f.kind, f.ref) == ("李明", "secretary", 5) and f.message
    assert one(rules.identity_findings(cadre), "R21").ref == 0  # without a roster row to point at


def test_r21_disagreeing_birth_and_gender() -> None:
    birth = date(1988, 5, 17)
    number = id_number(birth, Gender.MALE)
    assert len(rules.identity_findings(Cadre("李明", id_number=number, birth=date(1989, 5, 17), gender=Gender.MALE))) == 1
    assert len(rules.identity_findings(Cadre("李明", id_number=number, birth=birth, gender=Gender.FEMALE))) == 1
    assert len(rules.identity_findings(Cadre("李明", id_number=number, birth=date(1990, 1, 1),
                                             gender=Gender.FEMALE))) == 2
    cadre = Cadre("李明", id_number=number, birth=birth, gender=Gender.FEMALE, id=2)
    (f,) = only(rules.secretary_findings(entry(posting(id=9), cadre), S, TODAY), "R21")
    assert f.ref == 9  # the roster row (posting), as every other secretary finding


def test_secretary_findings_collects_every_roster_rule() -> None:
    birth = date(1988, 5, 17)
    cadre = Cadre("李明", id_number=id_number(birth, Gender.MALE), birth=birth, gender=Gender.FEMALE, id=2)
    e = entry(posting(arrival=add_months(TODAY, -25), term_months=24, assessments={2025: Grade.COMPETENT},
                      absences={2025: 2}, id=9), cadre)
    found = rules.secretary_findings(e, S, TODAY)
    assert {f.rule for f in found} == {"R8", "R10", "R21"}
    assert all(f.ref == 9 and f.kind == "secretary" for f in found)
    e = entry(posting(SecretaryStatus.PROPOSED, assessments={2025: Grade.BASIC}, absences={2025: 2}),
              Cadre("李明", political_status="群众"))
    assert {f.rule for f in rules.secretary_findings(e, S, TODAY)} == {"R7", "R11"}


def test_finding_str() -> None:
    assert str(rules.Finding(Level.WARNING, "R16", "青山村", "后备干部2名，不足3名")) == "[R16] 青山村：后备干部2名，不足3名"


# ---------------------------------------------------------------- dates


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)), st.integers(-600, 600))
def test_add_months_properties(day: date, months: int) -> None:
    out = add_months(day, months)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
    assert out.day <= day.day
    if out.day < day.day:  # clamped: only ever to the last day of a shorter month
        assert (out + timedelta(days=1)).day == 1
    if day.day <= 28:
        assert out.day == day.day and add_months(out, -months) == day


def test_add_months_examples() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 23), -24) == date(2024, 11, 23)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


def test_age_and_cn_date() -> None:
    assert age_on(date(1980, 11, 24), TODAY) == 45
    assert age_on(date(1980, 11, 23), TODAY) == 46
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert cn_date(date(2026, 1, 5)) == "2026年1月5日"


# ---------------------------------------------------------------- codec round trips


def _json_round_trip(obj):
    return json.loads(json.dumps(to_dict(obj), ensure_ascii=False))


text = st.text(max_size=12)
small = st.integers(0, 10_000)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))

villages = st.builds(
    Village, name=text, township=text, kind=st.sampled_from(VillageKind), population=small, households=small,
    full_members=small, probationary_members=small, org_type=st.sampled_from(OrgType), org_name=text,
    secretary_name=text, secretary_age=st.none() | st.integers(18, 100), secretary_education=text,
    secretary_is_director=st.booleans(), secretary_pay=st.none() | small,
    collective_income=st.dictionaries(st.integers(1990, 2100), st.integers(0, 10**8), max_size=4),
    tags=st.lists(text, max_size=3), reserve_cadres=small, org_term_start=st.none() | dates, note=text,
    id=st.integers(0, 10**6),
)
tasks = st.builds(
    Task, problem=text, measure=text, leader=text, owner=text, deadline=st.none() | dates,
    status=st.sampled_from(TaskStatus), done_on=st.none() | dates, evidence=text, waived=st.booleans(),
    waive_note=text, id=st.integers(0, 1000),
)
history = st.lists(st.builds(
    StatusChange, on=dates, from_status=st.none() | st.sampled_from(SecretaryStatus),
    to_status=st.sampled_from(SecretaryStatus), reason=text, who=text), max_size=3)
cadres = st.builds(
    Cadre, name=text, gender=st.sampled_from(Gender), ethnicity=text, birth=st.none() | dates, political_status=text,
    education=text, dispatching_unit=text, unit_level=st.sampled_from(UnitLevel), original_post=text, rank=text,
    id_number=text, phone=text, note=text, id=st.integers(0, 10**6),
)
postings = st.builds(
    Posting, cadre_id=st.integers(1, 1000), village_id=st.integers(1, 1000), village_type=st.sampled_from(VillageType),
    batch=text, arrival=st.none() | dates, term_months=st.integers(0, 120), term_end=st.none() | dates,
    status=st.sampled_from(SecretaryStatus), ended_on=st.none() | dates,
    assessments=st.dictionaries(st.integers(2000, 2100), st.sampled_from(Grade), max_size=3),
    absences=st.dictionaries(st.integers(2000, 2100), st.integers(0, 9), max_size=3),
    recall_reason=st.none() | st.sampled_from(RecallReason), approver=text, end_reason=text,
    successor_of=st.none() | st.integers(1, 1000), history=history, note=text, id=st.integers(0, 10**6),
)


@given(villages)
def test_codec_round_trips_villages(v: Village) -> None:
    assert from_dict(Village, _json_round_trip(v)) == v


@given(tasks)
def test_codec_round_trips_tasks(t: Task) -> None:
    assert from_dict(Task, _json_round_trip(t)) == t


@given(cadres)
def test_codec_round_trips_cadres(c: Cadre) -> None:
    assert from_dict(Cadre, _json_round_trip(c)) == c


@given(postings)
def test_codec_round_trips_postings(p: Posting) -> None:
    assert from_dict(Posting, _json_round_trip(p)) == p


@given(st.lists(tasks, max_size=4), st.lists(st.sampled_from(["S01", "S02", "S99"]), max_size=3))
def test_codec_round_trips_cases(ts: list[Task], situations: list[str]) -> None:
    c = RectificationCase(3, 2026, situations=situations, tasks=ts,
                          acceptances=[Acceptance(TODAY, AcceptanceResult.BASIC, 65.5, ["王"], 10, 5, 3, 2)])
    assert from_dict(RectificationCase, _json_round_trip(c)) == c


def test_codec_ignores_unknown_keys_and_defaults_missing_ones() -> None:
    v = from_dict(Village, {"name": "青山村", "future_field": 1, "collective_income": {"2025": 5}})
    assert v == Village("青山村", collective_income={2025: 5})
