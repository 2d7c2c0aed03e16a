"""第一书记 (the roster) by real keys: the table with masked personal data, status actions (召回
with reason and approver, 留任, 调整, 取消选派), 再次选派, the assessment capped by absences (R10), a
new first secretary refused at 身份证号 then saved, filters, sorting, ``show_posting``, an 80-column
terminal and user text that looks like markup.

Names come from the demo data as the ledger reads it (``ledgers.roster.roster``), never from a
hand-kept list: a test picks "the 期满待轮换 posting", "a village without a first secretary" …
"""
from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from ledgers import roster
from ledgers.check import check_ledger
from ledgers.ledger import Ledger
from ledgers.models import Gender, Grade, RecallReason, Role, RosterEntry, SecretaryStatus
from ledgers.validate import mask_id, random_id_number
from ledgers.workflow import PostingInput
from tests.tui_support import (SIZE, TODAY, choose, demo_db, notifications, open_section, retype, settle, static_text,
                                table_rows)
from tui.app import make_app
from tui.modals.posting_action import PostingActionChoiceScreen
from tui.screens.posting_detail import PostingDetailScreen
from tui.screens.secretaries import SecretariesScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.roster_table import COLUMN_KEYS, RosterTable

F = SecretaryStatus


# ---------------------------------------------------------------- helpers


def col(name: str) -> int:
    return COLUMN_KEYS.index(name)


def entries(ledger: Ledger) -> list[RosterEntry]:
    return roster.roster(ledger, include_ended=True)


def pick(ledger: Ledger, status: SecretaryStatus, *, assessed: bool | None = None) -> RosterEntry:
    """The first posting in ``status`` (in force today) whose cadre has no other posting in force."""
    for e in entries(ledger):
        if e.status != status:
            continue
        if assessed is not None and bool(e.posting.assessments) != assessed:
            continue
        if roster.in_force(ledger, e.cadre.id, excluding=e.id) is None:
            return e
    raise AssertionError(f"no {status.value} posting in the demo")


def vacant_villages(ledger: Ledger) -> list[str]:
    """Villages with no first secretary serving and none planned, by name."""
    taken = {e.posting.village_id for e in entries(ledger) if e.status in (F.PROPOSED, F.ACTIVE, F.TERM_ENDING)}
    return [v.name for v in ledger.villages()
            if v.id not in taken and ledger.slots(v.id)[Role.FIRST_SECRETARY] is None]


def screen_name(app) -> str:  # noqa: ANN001
    return type(app.screen).__name__


def form_error(app, field: str) -> str:  # noqa: ANN001
    w = app.screen.query_one(f"#error-{field}", Static)
    return str(w.content) if w.display else ""


def form_message(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#form-message", Static).content)


async def open_roster(pilot: Pilot) -> RosterTable:
    await open_section(pilot, "5", "SecretariesScreen")
    return pilot.app.screen.query_one("#roster-table", RosterTable)


async def filter_to(pilot: Pilot, text: str) -> None:
    """``f``, type, Enter: the filter line, as a clerk uses it."""
    await pilot.press("f")
    field = pilot.app.screen.query_one("#roster-filter", Input)
    assert pilot.app.focused is field
    await pilot.press("home", "ctrl+k", *text, "enter")
    await settle(pilot)


async def start_action(pilot: Pilot, to: SecretaryStatus) -> None:
    """``t``, then the number of the action leading to ``to`` in the chooser."""
    await pilot.press("t")
    await pilot.pause()
    chooser = pilot.app.screen
    assert isinstance(chooser, PostingActionChoiceScreen)
    number = [o[0] for o in chooser.options].index(to) + 1
    await pilot.press(str(number))
    await pilot.pause()
    assert screen_name(pilot.app) == "PostingActionScreen"


async def save(pilot: Pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


# ---------------------------------------------------------------- the table


async def test_roster_shows_postings_in_force_with_masked_personal_data(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_roster(pilot)
        ledger = app.ledger
        everything = entries(ledger)
        in_force = [e for e in everything if not e.ended]
        assert len(everything) == 17 and table.row_count == len(in_force) < 17
        rows = {r[col("seq")]: r for r in table_rows(table)}
        for e in in_force:
            row = rows[str(e.id)]
            assert row[col("name")] == e.name and row[col("status")] == e.status.value
            assert row[col("id_number")] == mask_id(e.cadre.id_number)
            assert row[col("age")] == str(roster.age(e.cadre, TODAY))
        shown = "\n".join(" ".join(r) for r in table_rows(table))
        for e in everything:  # never a whole ID or phone number on screen
            assert e.cadre.id_number not in shown and e.cadre.phone not in shown
        ending = pick(ledger, F.TERM_ENDING)
        days = (ending.term_end - TODAY).days
        assert 0 < days <= ledger.settings.term_warn_days
        row = rows[str(ending.id)]
        assert row[col("term_end")] == ending.term_end.isoformat() and row[col("days")] == f"{days}天"
        stats = static_text(app, "#roster-stats")
        assert "期满待轮换" in stats and "单位层级" in stats and "年龄" in stats and "村类型" in stats

        await pilot.press("h")  # the ended ones too
        await settle(pilot)
        assert table.row_count == 17
        assert "含已结束" in static_text(app, "#roster-status")

        await pilot.press("enter")  # the detail of the cursor row, masked too
        await settle(pilot)
        assert isinstance(app.screen, PostingDetailScreen)
        first = next(e for e in everything if e.id == app.screen.posting_id)
        person = static_text(app, "#posting-person")
        assert mask_id(first.cadre.id_number) in person and first.cadre.id_number not in person
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SecretariesScreen)


async def test_filters_and_sorting(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_roster(pilot)
        screen = app.screen
        ledger = app.ledger
        ending = pick(ledger, F.TERM_ENDING)
        in_force = [e for e in entries(ledger) if not e.ended]

        # Status: z cycles the statuses present; 期满待轮换 shows only that one.
        for _ in range(len(SecretaryStatus) + 1):
            await pilot.press("z")
            await pilot.pause()
            if screen.status == F.TERM_ENDING:
                break
        assert set(table.shown) == {e.id for e in entries(ledger) if e.status == F.TERM_ENDING}
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == len(in_force)

        # Term ending within N days: the first step (30) misses a term 38 days off, the next (60) has it.
        days = (ending.term_end - TODAY).days
        await pilot.press("d")
        await pilot.pause()
        assert screen.due_days == 30
        assert (ending.id in table.shown) == (days <= 30)
        await pilot.press("d")
        await pilot.pause()
        assert screen.due_days == 60 and ending.id in table.shown
        assert all(r.days_left is not None and r.days_left <= 60 for r in table.shown.values())
        assert "60天内届满" in static_text(app, "#roster-status")
        await pilot.press("escape")
        await pilot.pause()

        # The village by initials (曾家村 as zjc), the cadre by name.
        village = ledger.village(ending.posting.village_id)
        await filter_to(pilot, "zjc" if village.name == "曾家村" else village.name)
        assert ending.id in table.shown
        assert all(r.village_id == village.id for r in table.shown.values())
        await filter_to(pilot, ending.name)
        assert ending.id in table.shown and all(ending.name in r.name for r in table.shown.values())
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.filtered and table.row_count == len(in_force)

        # Unit level and village type cycle through the values present; the township is chosen.
        await pilot.press("c")
        await pilot.pause()
        assert screen.unit_level is not None
        assert table.shown and all(r.unit_level == screen.unit_level for r in table.shown.values())
        await pilot.press("escape", "v")
        await pilot.pause()
        assert screen.village_type is not None
        assert all(r.village_type == screen.village_type for r in table.shown.values())
        await pilot.press("escape", "x")  # the township chooser: typed initials, Enter
        await pilot.pause()
        await pilot.press(*"qsz", "enter")
        await pilot.pause()
        assert screen.township == "青石镇" and table.row_count == len(in_force)
        await pilot.press("escape")
        await pilot.pause()

        # Sorting: s Enter takes the next column (姓名), then on to 剩余; r reverses.
        await pilot.press("s", "enter")
        await settle(pilot)
        assert table.sort_column == "name"
        while table.sort_column != "days":
            await pilot.press("s", "enter")
            await settle(pilot)
        days_shown = [r.days_left for r in (table.shown[int(table.coordinate_to_cell_key((i, 0)).row_key.value)]
                                            for i in range(table.row_count))]
        known = [d for d in days_shown if d is not None]
        assert known == sorted(known) and days_shown[: len(known)] == known
        await pilot.press("r")
        await pilot.pause()
        reversed_days = [r.days_left for r in (table.shown[int(table.coordinate_to_cell_key((i, 0)).row_key.value)]
                                               for i in range(table.row_count))]
        assert [d for d in reversed_days if d is not None] == sorted(known, reverse=True)
        assert "排序：剩余▼" in static_text(app, "#roster-status")


# ---------------------------------------------------------------- status actions


async def test_recall_by_keys_empties_the_slot(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await open_roster(pilot)
        ledger = app.ledger
        e = pick(ledger, F.ACTIVE, assessed=True)
        vid = e.posting.village_id
        assert ledger.slots(vid)[Role.FIRST_SECRETARY] is not None
        await filter_to(pilot, e.name)
        assert table.cursor_id == e.id

        await start_action(pilot, F.RECALLED)
        audit = len(ledger.audit())
        await save(pilot)  # nothing chosen or typed: refused at the fields, nothing written
        assert screen_name(app) == "PostingActionScreen"
        assert "召回原因" in form_error(app, "recall_reason")
        assert "不能为空" in form_error(app, "approver")
        assert len(ledger.audit()) == audit

        await choose(pilot, "recall_reason", RecallReason.OTHER.value)
        await retype(pilot, "approver", "县委组织部")
        await save(pilot)  # 其他 needs a note
        assert "必须说明" in form_error(app, "reason")
        assert len(ledger.audit()) == audit
        await choose(pilot, "recall_reason", RecallReason.UNFIT.value)
        await save(pilot)

        assert isinstance(app.screen, SecretariesScreen)
        after = roster.posting_entry(ledger, e.id)
        assert after.status == F.RECALLED and after.posting.recall_reason == RecallReason.UNFIT
        assert after.posting.approver == "县委组织部"
        assert ledger.slots(vid)[Role.FIRST_SECRETARY] is None
        assert e.id not in table.shown  # the default view shows postings in force
        assert any("已召回" in n and "空缺" in n for n in notifications(app))

        await pilot.press("ctrl+z")  # one change, one undo
        await settle(pilot)
        assert roster.posting_entry(ledger, e.id).status == F.ACTIVE
        assert ledger.slots(vid)[Role.FIRST_SECRETARY] is not None
        assert e.id in table.shown


async def test_post_the_same_cadre_again_after_a_recall(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as ledger:
        e = pick(ledger, F.ACTIVE, assessed=True)
        roster.move(ledger, e.id, F.RECALLED, PostingInput(
            recall_reason=RecallReason.HEALTH, approver="县委组织部"))
        before = {(f.subject, f.message) for f in check_ledger(ledger).integrity}
        target = vacant_villages(ledger)[0]
        serving = pick(ledger, F.TERM_ENDING)
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await open_roster(pilot)
        ledger = app.ledger

        # p on someone still serving is refused at once, with the reason.
        await filter_to(pilot, serving.name)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, SecretariesScreen)
        assert any("不能再次选派" in n and serving.name in n for n in notifications(app))

        await pilot.press("escape", "h")
        await filter_to(pilot, e.name)
        assert table.cursor_id == e.id
        await pilot.press("p")
        await pilot.pause()
        assert screen_name(app) == "PostingFormScreen"
        await retype(pilot, "village", target)
        assert target in static_text(app, "#village-resolved")
        await retype(pilot, "arrival", "2026-11-20")
        await retype(pilot, "batch", "2026年第二批")
        await save(pilot)

        assert isinstance(app.screen, SecretariesScreen)
        mine = roster.postings_of(ledger, e.cadre.id)
        new = mine[-1]
        assert len(mine) == 2 and new.id != e.id and new.village == target
        assert new.status == F.ACTIVE and new.posting.arrival == date(2026, 11, 20)
        assert ledger.slots(new.posting.village_id)[Role.FIRST_SECRETARY].holder_id == e.cadre.id
        after = {(f.subject, f.message) for f in check_ledger(ledger).integrity}
        assert not [p for p in after - before if e.name in p[0] or e.name in p[1]]
        assert table.cursor_id == new.id


async def test_extend_the_term_of_one_ending(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_roster(pilot)
        ledger = app.ledger
        e = pick(ledger, F.TERM_ENDING)
        await filter_to(pilot, e.name)
        await start_action(pilot, F.ACTIVE)  # 留任
        await save(pilot)
        assert "延长月数" in form_error(app, "extend_months")
        await retype(pilot, "new_term_end", e.term_end.isoformat())  # not later than the old end
        assert "应晚于原届满时间" in form_error(app, "new_term_end")
        await retype(pilot, "new_term_end", "")
        await retype(pilot, "extend_months", "12")
        await save(pilot)
        after = roster.posting_entry(ledger, e.id)
        assert after.term_end == date(e.term_end.year + 1, e.term_end.month, e.term_end.day)
        assert after.status == F.ACTIVE
        row = table_rows(table)[table.get_row_index(str(e.id))]
        assert row[col("status")] == "在岗" and row[col("term_end")] == after.term_end.isoformat()


async def test_reassign_to_another_village(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await open_roster(pilot)
        ledger = app.ledger
        e = pick(ledger, F.ACTIVE, assessed=False)
        old = e.posting.village_id
        taken = pick(ledger, F.TERM_ENDING)  # a village whose first secretary still serves
        target = vacant_villages(ledger)[1]
        await filter_to(pilot, e.name)
        await start_action(pilot, F.REASSIGNED)
        await retype(pilot, "village", e.village)
        assert "应不同于现驻村" in form_error(app, "village")
        await retype(pilot, "village", taken.village)
        assert "仍在岗" in form_error(app, "village")
        await retype(pilot, "village", target)
        await save(pilot)
        assert "不能为空" in form_error(app, "reason")
        await retype(pilot, "reason", "工作需要")
        await save(pilot)

        assert isinstance(app.screen, SecretariesScreen)
        assert roster.posting_entry(ledger, e.id).status == F.REASSIGNED
        new = roster.postings_of(ledger, e.cadre.id)[-1]
        assert new.village == target and new.status == F.ACTIVE and new.posting.successor_of == e.id
        assert ledger.slots(old)[Role.FIRST_SECRETARY] is None
        assert ledger.slots(new.posting.village_id)[Role.FIRST_SECRETARY].holder_id == e.cadre.id
        assert table.cursor_id == new.id and e.id not in table.shown
        assert any("已调整" in n and target in n for n in notifications(app))


async def test_withdraw_a_selection_from_the_detail(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_roster(pilot)
        ledger = app.ledger
        e = pick(ledger, F.PROPOSED)
        await filter_to(pilot, e.name)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PostingDetailScreen) and app.screen.posting_id == e.id
        await start_action(pilot, F.WITHDRAWN)
        await save(pilot)
        assert "不能为空" in form_error(app, "reason")
        assert roster.posting_entry(ledger, e.id).status == F.PROPOSED
        await retype(pilot, "reason", "原单位另有任用")
        await save(pilot)
        assert isinstance(app.screen, PostingDetailScreen)
        after = roster.posting_entry(ledger, e.id)
        assert after.status == F.WITHDRAWN and after.posting.end_reason == "原单位另有任用"
        assert "取消选派" in static_text(app, "#posting-history")
        await pilot.press("t")  # nothing left to do on it: told so, no chooser
        await pilot.pause()
        assert isinstance(app.screen, PostingDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert e.id not in table.shown

        # n on an ended posting whose village has no first secretary: that village is filled in.
        await pilot.press("h")
        await filter_to(pilot, e.name)
        assert table.cursor_id == e.id
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#field-village", Input).value == e.village
        await pilot.press("escape")


# ---------------------------------------------------------------- assessments and the form


async def test_assessment_capped_by_absences(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_roster(pilot)
        ledger = app.ledger
        e = pick(ledger, F.ACTIVE, assessed=True)
        year = TODAY.year
        assert year not in e.posting.assessments
        await filter_to(pilot, e.name)
        await pilot.press("a")
        await pilot.pause()
        assert screen_name(app) == "AssessmentFormScreen"
        await retype(pilot, "year", str(year))
        await retype(pilot, "absences", "2")
        await choose(pilot, "grade", Grade.EXCELLENT.value)
        error = form_error(app, "grade")
        assert "无故不在岗2次" in error and "基本称职" in error and "优秀" in error
        audit = len(ledger.audit())
        await save(pilot)
        assert screen_name(app) == "AssessmentFormScreen"  # refused, the draft kept
        assert "无故不在岗2次" in form_error(app, "grade")
        assert len(ledger.audit()) == audit
        assert year not in roster.posting_entry(ledger, e.id).posting.assessments

        await choose(pilot, "grade", Grade.BASIC.value)
        assert form_error(app, "grade") == ""
        await save(pilot)
        p = roster.posting_entry(ledger, e.id).posting
        assert p.assessments[year] == Grade.BASIC and p.absences[year] == 2
        assert any("约谈" in n for n in notifications(app))  # R11
        assert any(t.entry.id == e.id and not t.recall for t in roster.todos(ledger))


async def test_new_first_secretary_refused_at_id_number_then_saved(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_roster(pilot)
        ledger = app.ledger
        village = vacant_villages(ledger)[0]
        good = random_id_number(random.Random(7), birth=date(1985, 3, 14), gender=Gender.MALE)
        wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
        count = len(entries(ledger))

        await pilot.press("n")
        await pilot.pause()
        assert screen_name(app) == "PostingFormScreen"
        await pilot.press(*"[red]张三")
        await retype(pilot, "id_number", wrong)
        assert "校验位" in form_error(app, "id_number")
        await retype(pilot, "phone", "1380000")
        assert "不是有效的电话号码" in form_error(app, "phone")
        await retype(pilot, "phone", "13800001234")
        await retype(pilot, "village", village)
        await retype(pilot, "arrival", "2026-11-02")
        await save(pilot)
        assert screen_name(app) == "PostingFormScreen"  # refused: the draft is kept
        assert app.screen.query_one("#field-name", Input).value == "[red]张三"
        assert "校验位" in form_error(app, "id_number")
        assert len(entries(ledger)) == count

        await retype(pilot, "id_number", good)
        assert form_error(app, "id_number") == ""
        assert app.screen.query_one("#field-birth", Input).value == "1985-03"  # taken from the number
        await choose(pilot, "political_status", "群众")
        assert "中共党员" in form_error(app, "political_status")
        await choose(pilot, "political_status", "中共党员")
        await choose(pilot, "gender", "女")
        assert "不一致" in form_error(app, "id_number")  # R21: the number says male
        await choose(pilot, "gender", "男")
        await save(pilot)

        assert isinstance(app.screen, SecretariesScreen)
        new = entries(ledger)[-1]
        assert len(entries(ledger)) == count + 1
        assert new.name == "[red]张三" and new.cadre.id_number == good and new.village == village
        assert new.status == F.ACTIVE and ledger.slots(new.posting.village_id)[Role.FIRST_SECRETARY] is not None
        row = table_rows(table)[table.get_row_index(str(new.id))]
        assert row[col("name")] == "[red]张三"  # literally, never as markup
        assert row[col("id_number")] == mask_id(good)
        assert table.cursor_id == new.id
        await pilot.press("enter")
        await settle(pilot)
        assert "[red]张三" in static_text(app, "#posting-title")

        # The same person again by ID number: refused at 身份证号, pointing to p.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"张三")
        await retype(pilot, "id_number", good)
        assert "按 p" in form_error(app, "id_number")
        await pilot.press("escape")


async def test_edit_keeps_the_masked_numbers(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_roster(pilot)
        ledger = app.ledger
        e = pick(ledger, F.ACTIVE, assessed=False)
        await filter_to(pilot, e.name)
        await pilot.press("e")
        await pilot.pause()
        assert screen_name(app) == "PostingFormScreen"
        number = app.screen.query_one("#field-id_number", Input)
        assert number.value == "" and mask_id(e.cadre.id_number) in number.placeholder
        await retype(pilot, "term_end", (e.posting.arrival or TODAY).isoformat())  # dates in order
        assert "应晚于到村时间" in form_error(app, "term_end")
        await retype(pilot, "term_end", "")
        await retype(pilot, "batch", "第十一批")
        await save(pilot)
        after = roster.posting_entry(ledger, e.id)
        assert after.posting.batch == "第十一批" and after.cadre.id_number == e.cadre.id_number
        assert after.cadre.phone == e.cadre.phone


# ---------------------------------------------------------------- going to a posting, small terminal, help


async def test_show_posting_clears_filters_and_opens_the_detail(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ledger = app.ledger
        recalled = next(e for e in entries(ledger) if e.status == F.RECALLED)
        # From the dashboard, before the roster was ever built: pending until its rows are there.
        assert app.show_in_section("secretaries", "show_posting", recalled.id)
        await settle(pilot)
        assert isinstance(app.screen, PostingDetailScreen) and app.screen.posting_id == recalled.id
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SecretariesScreen)
        assert screen.include_ended and screen.table.cursor_id == recalled.id

        ending = pick(ledger, F.TERM_ENDING)
        await pilot.press("h")
        await filter_to(pilot, "no-such-village")
        assert screen.table.row_count == 0
        screen.show_posting(ending.id)
        await settle(pilot)
        assert isinstance(app.screen, PostingDetailScreen) and app.screen.posting_id == ending.id
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.filtered and screen.table.cursor_id == ending.id


async def test_80_columns_show_name_village_status_term_end_and_days(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_roster(pilot)
        assert not app.screen.query_one("#roster-stats").display  # too narrow: on i only
        needed = ("seq", "name", "village", "status", "term_end", "days")
        width = sum(table.columns[k].get_render_width(table) for k in table.columns if str(k.value) in needed)
        assert width <= table.scrollable_content_region.width <= 80
        keys = app.screen.query_one(KeyFooter).visible_keys
        assert "question_mark" in keys and "t" in keys
        await pilot.press("i")
        await pilot.pause()
        assert app.screen.query_one("#roster-stats").display


async def test_help_lists_every_roster_key(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await open_roster(pilot)
        screen = app.screen
        footer = screen.query_one(KeyFooter).visible_keys
        for key in ("n", "e", "t", "a", "p"):  # every action has its key in the footer
            assert key in footer
        await pilot.press("question_mark")
        await pilot.pause()
        text = static_text(app, "#help-table")
        for c in screen.COMMANDS_LIST:  # type: ignore[attr-defined]
            assert c.description in text and c.help in text
