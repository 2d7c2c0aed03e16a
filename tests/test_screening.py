"""Issue 14: the village's people (ledgers/people.py), the rules computed from them (R4, R16) and the
拉网式排查 (ledgers/screening.py): each computed situation one below, at and one above its threshold,
the decisions, the migration of a version-2 file, the CLI."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledgers import people, screening
from ledgers.dates import add_months
from ledgers.demo import load_demo
from ledgers.errors import LedgerError, ValidationErrors
from ledgers.ledger import Ledger
from ledgers.models import CaseState, Level, OrgType, Village
from ledgers.people import CommitteeMember, MeetingKind, OrgMeeting, Post, Recruit, RecruitStage, ReserveCadre, Vacancy
from ledgers.rules import village_findings
from ledgers.screening import Clue, Decision, Poll, Ranking
from ledgers.store import Store
from main import cli

TODAY = date(2026, 11, 23)


@pytest.fixture
def ledger(tmp_path: Path):
    with Ledger.open(tmp_path / "l.json", today=TODAY) as led:
        led.save_settings(led.settings)
        yield led


def village(led: Ledger, name: str = "青山村", **kw) -> Village:
    v = Village(name, "青石镇", full_members=12, secretary_name="王明", secretary_age=50,
                collective_income={2025: 200_000}, org_term_start=date(2024, 1, 15), **kw)
    return led.save_village(v)


def codes(led: Ledger, v: Village, year: int = 2026) -> list[str]:
    return [p.code for p in screening.screen(led, year, village_ids={v.id})[0].proposals]


def unknown(led: Ledger, v: Village) -> tuple[str, ...]:
    return screening.screen(led, 2026, village_ids={v.id})[0].unknown


# ---------------------------------------------------------------- each situation at its threshold


@pytest.mark.parametrize("since, fires", [
    (add_months(TODAY, -3) + timedelta(days=1), False),  # two months and a bit
    (add_months(TODAY, -3), False),  # exactly three months: not yet "超过"
    (add_months(TODAY, -3) - timedelta(days=1), True),  # a day more
])
def test_s01_a_post_vacant_longer_than_three_months(ledger, since, fires) -> None:
    v = village(ledger)
    people.save_vacancy(ledger, Vacancy(v.id, Post.SECRETARY, since))
    assert ("S01" in codes(ledger, v)) is fires


def test_s01_a_filled_vacancy_is_not_one(ledger) -> None:
    v = village(ledger)
    people.save_vacancy(ledger, Vacancy(v.id, Post.SECRETARY, date(2026, 1, 1), filled=date(2026, 6, 1)))
    assert "S01" not in codes(ledger, v)


def meetings(led: Ledger, v: Village, kind: MeetingKind, days: list[date]) -> None:
    for d in days:
        people.save_meeting(led, OrgMeeting(v.id, kind, d, 10))


def full_year(led: Ledger, v: Village, skip_congress_quarter: int | None = None) -> None:
    meetings(led, v, MeetingKind.CONGRESS, [date(2026, 3 * q + 1, 10) for q in range(4)
                                            if q + 1 != skip_congress_quarter and date(2026, 3 * q + 1, 10) <= TODAY])
    meetings(led, v, MeetingKind.LECTURE, [date(2026, 3 * q + 2, 10) for q in range(4) if date(2026, 3 * q + 2, 10) <= TODAY])
    meetings(led, v, MeetingKind.COMMITTEE, [date(2026, m, 5) for m in range(1, 12)])


def test_s04_every_completed_quarter_and_month_is_counted(ledger) -> None:
    v = village(ledger)
    assert "S04" in unknown(ledger, v)  # no 组织生活 on file: not known, not proposed
    full_year(ledger, v)
    assert "S04" not in codes(ledger, v) and "S04" not in unknown(ledger, v)


def test_s04_a_quarter_without_a_congress(ledger) -> None:
    v = village(ledger)
    full_year(ledger, v, skip_congress_quarter=2)
    found = screening.screen(ledger, 2026, village_ids={v.id})[0].proposals
    assert [p.code for p in found] == ["S04"] and "第2季度支部党员大会" in found[0].evidence


def test_s04_the_current_quarter_is_not_judged_yet(ledger) -> None:
    v = village(ledger)
    full_year(ledger, v, skip_congress_quarter=4)  # 2026-10-01 … 12-31 is not over on 11-23
    assert "S04" not in codes(ledger, v)


def test_s04_the_required_count_is_a_setting(ledger) -> None:
    v = village(ledger)
    full_year(ledger, v)
    s = ledger.settings
    s.congresses_per_quarter = 2
    ledger.save_settings(s)
    assert "S04" in codes(ledger, v)


@pytest.mark.parametrize("start, fires", [
    (add_months(TODAY, -60) + timedelta(days=1), False),  # the term ends tomorrow
    (add_months(TODAY, -60), False),  # ends today
    (add_months(TODAY, -60) - timedelta(days=1), True),  # ended yesterday
])
def test_s05_the_term_over_without_an_election(ledger, start, fires) -> None:
    v = village(ledger)
    v.org_term_start = start
    ledger.save_village(v)
    assert ("S05" in codes(ledger, v)) is fires


@pytest.mark.parametrize("satisfied, fires", [(31, False), (30, False), (29, True)])  # of 50: 62, 60, 58 %
def test_s10_the_latest_poll_below_sixty_percent(ledger, satisfied, fires) -> None:
    v = village(ledger)
    screening.save_poll(ledger, Poll(v.id, date(2025, 6, 1), 10, 50))  # an older, worse one does not count
    screening.save_poll(ledger, Poll(v.id, date(2026, 6, 1), satisfied, 50))
    assert ("S10" in codes(ledger, v)) is fires


@pytest.mark.parametrize("candidate, fires", [
    (date(2024, 11, 24), False),  # a day less than two years ago
    (date(2024, 11, 23), True),  # two years: "连续2年以上"
    (date(2024, 11, 22), True),
])
def test_s11_no_development_candidate_for_two_years(ledger, candidate, fires) -> None:
    v = village(ledger)
    assert "S11" in unknown(ledger, v)
    people.save_recruit(ledger, Recruit(v.id, "李华", {RecruitStage.APPLICANT: candidate - timedelta(days=400),
                                                        RecruitStage.CANDIDATE: candidate}))
    assert ("S11" in codes(ledger, v)) is fires


@pytest.mark.parametrize("income, fires", [(50_001, False), (50_000, False), (49_999, True), (0, True)])
def test_s12_shell_or_weak_collective_income(ledger, income, fires) -> None:
    v = village(ledger)
    v.collective_income = {2025: income}
    ledger.save_village(v)
    assert ("S12" in codes(ledger, v)) is fires


@pytest.mark.parametrize("rank, last_places, fires", [(24, 1, False), (25, 1, True), (24, 2, True), (23, 2, False)])
def test_s13_last_places_of_the_year_s_ranking(ledger, rank, last_places, fires) -> None:
    v = village(ledger)
    s = ledger.settings
    s.last_places = last_places
    ledger.save_settings(s)
    screening.save_ranking(ledger, Ranking(v.id, 2026, rank, 25))
    assert ("S13" in codes(ledger, v)) is fires
    assert "S13" not in codes(ledger, v, 2025)  # another year's screening


def test_bad_polls_rankings_and_people_are_refused_at_the_field(ledger) -> None:
    v = village(ledger)
    with pytest.raises(ValidationErrors) as err:
        screening.save_poll(ledger, Poll(v.id, date(2026, 6, 1), 60, 50))
    assert err.value.errors[0].field == "满意人数"
    with pytest.raises(ValidationErrors):
        screening.save_ranking(ledger, Ranking(v.id, 2026, 26, 25))
    with pytest.raises(ValidationErrors) as err:
        people.save_recruit(ledger, Recruit(v.id, "李华", {RecruitStage.APPLICANT: date(2026, 5, 1),
                                                            RecruitStage.ACTIVIST: date(2026, 4, 1)}))
    assert err.value.errors[0].field == RecruitStage.ACTIVIST.value
    with pytest.raises(ValidationErrors):
        people.save_member(ledger, CommitteeMember(v.id, " ", [Post.SECRETARY]))
    with pytest.raises(ValidationErrors):
        people.save_meeting(ledger, OrgMeeting(v.id, MeetingKind.CONGRESS, TODAY + timedelta(days=1)))


# ---------------------------------------------------------------- R4 and R16 from people


def test_r4_from_the_branch_committee(ledger) -> None:
    v = village(ledger)
    r4 = lambda: [f for f in village_findings(v, ledger.settings, TODAY, people.people_of(ledger, v.id))  # noqa: E731
                  if f.rule == "R4"]
    assert [f.level for f in r4()] == [Level.INFO]  # nobody on file: a reminder
    for name, post in (("王明", Post.SECRETARY), ("李强", Post.DEPUTY_SECRETARY)):
        people.save_member(ledger, CommitteeMember(v.id, name, [post]))
    assert [f.level for f in r4()] == [Level.WARNING] and "现有2名" in r4()[0].message
    people.save_member(ledger, CommitteeMember(v.id, "赵敏", [Post.BRANCH_MEMBER]))
    assert r4() == []  # three: cleared
    v.org_type = OrgType.JOINT_BRANCH
    for n in range(3):
        people.save_member(ledger, CommitteeMember(v.id, f"委员{n}", [Post.BRANCH_MEMBER]))
    assert "现有6名" in r4()[0].message


def test_r16_named_reserves_both_ways(ledger) -> None:
    v = village(ledger, reserve_cadres=4)
    r16 = lambda: [f.message for f in village_findings(v, ledger.settings, TODAY, people.people_of(ledger, v.id))  # noqa: E731
                   if f.rule == "R16"]
    assert r16() == []  # the registry's count (unknown people): four is enough
    people.save_member(ledger, CommitteeMember(v.id, "王明", [Post.SECRETARY, Post.DIRECTOR]))  # 一肩挑
    people.save_member(ledger, CommitteeMember(v.id, "李强", [Post.DEPUTY_SECRETARY]))
    people.save_reserve(ledger, ReserveCadre(v.id, "后备一", Post.SECRETARY))
    found = r16()
    assert "后备干部1名，不足3名" in found[0] and "书记兼主任应有2名，现有1名" in found[1] and "副书记应有1名，现有0名" in found[1]
    people.save_reserve(ledger, ReserveCadre(v.id, "后备二", Post.DIRECTOR))
    people.save_reserve(ledger, ReserveCadre(v.id, "后备三", Post.DEPUTY_SECRETARY))
    assert r16() == []  # 正职 1:2 and 副职 1:1, three in all
    for n in range(3):
        people.save_reserve(ledger, ReserveCadre(v.id, f"后备{n + 4}", Post.BRANCH_MEMBER))
    assert r16() == ["后备干部6名，多于5名"]


def test_secretary_age_and_reserves_come_from_people_when_on_file(ledger) -> None:
    v = village(ledger, reserve_cadres=3)
    assert people.secretary_age(ledger, v.id, TODAY) == 50 and people.reserve_count(ledger, v.id) == (3, False)
    people.save_member(ledger, CommitteeMember(v.id, "王明", [Post.SECRETARY], birth=date(1980, 12, 1)))
    assert people.secretary_age(ledger, v.id, TODAY) == 45  # from the birth date, never stale
    people.save_reserve(ledger, ReserveCadre(v.id, "后备一", Post.SECRETARY))
    assert people.reserve_count(ledger, v.id) == (1, True)


# ---------------------------------------------------------------- decisions


def test_list_a_proposed_village_and_undo_it_in_one_step(ledger) -> None:
    v = village(ledger)
    v.collective_income = {2025: 0}
    ledger.save_village(v)
    case_id = screening.list_village(ledger, v.id, 2026, ["S12"], {"S09": Clue("信访", "今年来信3件")})
    case = ledger.case(case_id)
    assert case.state == CaseState.CANDIDATE and case.situations == ["S09", "S12"] and case.year == 2026
    assert "S12 2025年集体经营性收入0元" in case.problem_summary and "信访" in case.problem_summary
    row = screening.screen(ledger, 2026, village_ids={v.id})[0]
    assert row.record.decision == Decision.LISTED and row.open_case
    ledger.undo()
    assert ledger.cases() == [] and screening.screen(ledger, 2026, village_ids={v.id})[0].record is None


def test_a_ticked_situation_needs_its_clue_source(ledger) -> None:
    v = village(ledger)
    with pytest.raises(ValidationErrors) as err:
        screening.list_village(ledger, v.id, 2026, [], {"S07": Clue(" ")})
    assert "线索来源" in err.value.errors[0].field
    with pytest.raises(ValidationErrors):
        screening.list_village(ledger, v.id, 2026, [], {"S12": Clue("信访")})  # S12 comes from data, not a tick
    with pytest.raises(LedgerError):
        screening.list_village(ledger, v.id, 2026, [])


def test_dismissal_is_kept_with_its_reason(ledger) -> None:
    v = village(ledger)
    with pytest.raises(ValidationErrors):
        screening.dismiss(ledger, v.id, 2026, "  ")
    screening.dismiss(ledger, v.id, 2026, "收入下降系统计口径调整，已核实")
    row = screening.screen(ledger, 2026, village_ids={v.id})[0]
    assert row.record.decision == Decision.DISMISSED and "统计口径" in row.record.reason
    assert screening.screen(ledger, 2027, village_ids={v.id})[0].record is None  # next year: considered afresh
    screening.dismiss(ledger, v.id, 2026, "再次核实")  # the same year's decision is replaced, not doubled
    assert len(ledger.records("screenings")) == 1


def test_a_listed_village_cannot_then_be_dismissed(ledger) -> None:
    v = village(ledger)
    screening.list_village(ledger, v.id, 2026, [], {"S02": Clue("走访调研")})
    with pytest.raises(LedgerError, match="未认定"):
        screening.dismiss(ledger, v.id, 2026, "不认定")


# ---------------------------------------------------------------- the demo, the migration, the CLI


def test_the_demo_screening_shows_several_situations(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "d.json", today=TODAY) as led:
        load_demo(led, "township")
        found = {p.code for r in screening.screen(led, 2026) for p in r.proposals}
        assert {"S01", "S04", "S05", "S10", "S11", "S12", "S13"} <= found
        r4 = [f for v in led.villages() for f in village_findings(v, led.settings, TODAY, people.people_of(led, v.id))
              if f.rule == "R4"]
        assert len(r4) <= 2  # the committees are on file: R4 no longer fires for every larger branch


def test_a_version_2_file_migrates_keeping_counts_as_unknown_people(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    with Ledger.open(path, today=TODAY) as led:
        v = led.save_village(Village("青山村", "青石镇", full_members=9, secretary_age=51, reserve_cadres=2))
    data = json.loads(path.read_text(encoding="utf-8"))
    for table in list(people.COLLECTIONS) + list(screening.COLLECTIONS):
        data.pop(table, None)
    data["_meta"]["1"]["schema"] = 2
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with Ledger.open(path, today=TODAY) as led:
        assert led.store.get_meta("schema") == Store.SCHEMA_VERSION == 3
        assert all(led.records(t) == [] for t in people.COLLECTIONS)  # no invented names
        assert people.reserve_count(led, v.id) == (2, False) and people.secretary_age(led, v.id, TODAY) == 51
        assert led.audit(1)[0].summary == "账本格式升级：版本 2 → 3"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["_meta"]["1"]["schema"] == 3 and raw["committee"] == {} and raw["screenings"] == {}


def test_cli_screen_prints_and_writes_json(tmp_path: Path) -> None:
    db = tmp_path / "d.json"
    with Ledger.open(db, today=TODAY) as led:
        load_demo(led, "township")
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", str(db), "--today", TODAY.isoformat(), "screen", "--year", "2026"])
    assert out.exit_code == 0, out.output
    assert "2026年拉网式排查：25个村" in out.output and "S01 书记自" in out.output and "（标准：出缺超过3个月）" in out.output
    out = runner.invoke(cli, ["--db", str(db), "--today", TODAY.isoformat(), "screen", "--json"])
    data = json.loads(out.output)
    assert data["year"] == 2026 and data["villages"] == 25
    first = data["proposals"][0]
    assert set(first) == {"village", "township", "code", "evidence", "threshold"}
    assert {p["code"] for p in data["proposals"]} >= {"S01", "S04", "S05", "S10", "S11", "S12", "S13"}


# ---------------------------------------------------------------- the result table (.docx, .xlsx) and people sheets


def test_screening_result_table_in_word_and_excel(tmp_path: Path) -> None:
    import docx
    import openpyxl

    from exporters import documents
    from exporters.options import ExportOptions
    from exporters.xlsx_out import screening_sheet, write_sheets

    with Ledger.open(tmp_path / "d.json", today=TODAY) as led:
        load_demo(led, "township")
        jinsha = led.find_village("金沙村").id
        screening.dismiss(led, jinsha, 2026, "已核实：今年新确定发展对象1名")
        baiyun = led.find_village("白云村").id
        screening.list_village(led, baiyun, 2026, ["S04"], {"S09": Clue("信访", "来信3件")})
        path = documents.write(led, "screening", ExportOptions(doc_number=9), tmp_path / "排查.docx")
        book = write_sheets([screening_sheet(led, 2026)], tmp_path / "排查.xlsx")
    d = docx.Document(str(path))
    # (a cell's text is set a line a paragraph: joined again here)
    rows = {r.cells[2].text.replace("\n", ""): [c.text.replace("\n", "") for c in r.cells]
            for t in d.tables for r in t.rows if r.cells[0].text.isdigit()}
    assert len(rows) == 25  # every village, in the registry's order
    assert rows["白云村"][6] == "列入拟认定" and "S09（信访：来信3件）" in rows["白云村"][5] and "S04" in rows["白云村"][3]
    assert rows["金沙村"][6] == "不列入" and "发展对象" in rows["金沙村"][7]
    assert rows["马鞍村"][3] == "S05" and rows["马鞍村"][6] == "待党委研究"
    assert rows["河东村"][6] == "已在整顿中"
    ws = openpyxl.load_workbook(book)["排查结果"]
    assert ws["A1"].value == "青石镇2026年软弱涣散村党组织拉网式排查结果"
    sheet = {r[2]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert sheet["白云村"][6] == "列入拟认定" and sheet["金沙村"][6] == "不列入" and len(sheet) == 25


def test_people_sheets_import_with_problems_at_their_cells(tmp_path: Path) -> None:
    import openpyxl

    from exporters.xlsx_in import read_workbook
    from ledgers.importing import run_import

    book = tmp_path / "两委.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "两委"
    ws.append(["村（社区）名称", "姓名", "现任职务", "性别", "出生年月"])
    ws.append(["青山村", "王明", "党支部书记、村委会主任", "男", "1976.05"])
    ws.append(["青山村", "李强", "会计", "男", "1980-02"])  # not a 两委 post
    ws.append(["白云村", "赵敏", "支委", "女", "1988年3月"])  # no such village
    meetings = wb.create_sheet("三会一课")
    meetings.append(["村名", "类型", "召开日期", "到会人数"])
    meetings.append(["青山村", "党员大会", "2026-04-12", 10])
    meetings.append(["青山村", "党课", "2026-02-30", 9])  # no such day
    wb.save(book)
    with Ledger.open(tmp_path / "l.json", today=TODAY) as led:
        village(led)
        report = run_import(led, read_workbook(book), source=str(book))
        assert [s.kind for s in report.sheets] == ["committee", "meetings"]
        reasons = [r.reason for s in report.sheets for r in s.rejected]
        assert any("“现任职务”" in r and "会计" in r for r in reasons)
        assert any("白云村" in r for r in reasons)
        assert any("“召开日期”" in r for r in reasons)
        m = led.records("committee")
        assert len(m) == 1 and m[0].dual_role and m[0].birth == date(1976, 5, 1)
        assert [x.kind for x in led.records("meetings")] == [MeetingKind.CONGRESS]


def test_next_year_s_screening_shows_last_year_s_decision(ledger) -> None:
    v = village(ledger)
    screening.dismiss(ledger, v.id, 2025, "问题已整改")
    row = screening.screen(ledger, 2026, village_ids={v.id})[0]
    assert row.record is None and row.earlier is not None and row.earlier.reason == "问题已整改"


def test_dashboard_secretaries_come_from_the_committee_when_on_file(ledger) -> None:
    from ledgers.stats import dashboard

    v = village(ledger)  # registry: 50 years old, not 一肩挑
    assert dashboard(ledger).secretary_avg_age == 50 and dashboard(ledger).dual_role_ratio == 0
    people.save_member(ledger, CommitteeMember(v.id, "王明", [Post.SECRETARY, Post.DIRECTOR], birth=date(1980, 1, 1)))
    d = dashboard(ledger)
    assert d.secretary_avg_age == 46 and d.dual_role_ratio == 1


def test_dashboard_college_share_of_the_secretaries(ledger) -> None:
    from ledgers.stats import dashboard

    a = village(ledger, "青山村", secretary_education="高中")
    village(ledger, "石桥村", secretary_education="本科")
    assert dashboard(ledger).secretary_college_ratio == 0.5  # the registry's figures
    people.save_member(ledger, CommitteeMember(a.id, "王明", [Post.SECRETARY], education="大专"))
    assert dashboard(ledger).secretary_college_ratio == 1.0  # the 两委 on file wins
