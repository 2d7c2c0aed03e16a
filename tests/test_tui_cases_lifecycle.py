"""整顿台账 by real keys: one case from listing to archive (with a refused transition, a failed
acceptance and re-rectification, warnings acknowledged), then a relapse that opens a linked case,
and undo refreshing the screens. Dates are typed into the forms against a fixed "today"."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, SelectionList, Static

from ledgers.ledger import Ledger
from ledgers.models import AcceptanceResult, CaseState, TaskStatus, Village
from tests.tui_support import SIZE, TODAY, notifications, open_section, retype, settle, static_text
from tui.app import make_app
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.cases import CasesScreen

NAME = "[red]青石村"  # user text that looks like markup must show literally


def one_village_db(path: Path) -> tuple[Path, int]:
    with Ledger.open(path, today=TODAY) as ledger:
        v = ledger.save_village(Village(NAME, population=900, full_members=12))
        ledger.save_village(Village("白云村", population=700, full_members=8))
    return path, v.id


async def save(pilot) -> None:  # noqa: ANN001
    await pilot.press("ctrl+s")
    await settle(pilot)


def form_message(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#form-message", Static).content)


def screen_name(app) -> str:  # noqa: ANN001
    return type(app.screen).__name__


async def test_whole_life_cycle_by_keys(tmp_path: Path) -> None:
    db, vid = one_village_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_section(pilot, "3")
        assert isinstance(app.screen, CasesScreen)
        ledger = app.ledger

        # ---- n: find the village with the lookup, list it for screening
        await pilot.press("n")
        await pilot.pause()
        assert screen_name(app) == "LookupScreen"
        await pilot.press(*"青石")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "CaseNewFormScreen"
        await retype(pilot, "batch", "2026年第一批")
        await retype(pilot, "listed_on", "2025-03-01")  # entered later: listed back then
        await save(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        case_id = app.screen.case_id
        c = ledger.case(case_id)
        assert c.village_id == vid and c.state == CaseState.CANDIDATE and c.batch == "2026年第一批"
        assert NAME in static_text(app, "#case-title")

        # ---- t → 认定: refused without situations (message, nothing written), then with them
        await pilot.press("t")
        await pilot.pause()
        assert screen_name(app) == "TransitionChoiceScreen"
        await pilot.press("1")
        await pilot.pause()
        assert screen_name(app) == "TransitionFormScreen"
        audit_before = len(ledger.audit())
        await save(pilot)
        assert screen_name(app) == "TransitionFormScreen"
        assert "不能认定" in form_message(app) and "至少选择一项软弱涣散情形" in form_message(app)
        assert ledger.case(case_id).state == CaseState.CANDIDATE
        assert len(ledger.audit()) == audit_before
        await retype(pilot, "on", "2025-03-10")
        app.screen.query_one("#transition-situations", SelectionList).focus()
        await pilot.press("down", "space", "down", "down", "space")  # S02 and S04
        await pilot.pause()
        await save(pilot)
        c = ledger.case(case_id)
        assert c.state == CaseState.IDENTIFIED
        assert c.situations == ["S02", "S04"] and c.identified_on.isoformat() == "2025-03-10"
        assert isinstance(app.screen, CaseDetailScreen)
        assert "S02" in static_text(app, "#case-info")

        # ---- t → 启动整顿 refused before any form: no task yet (message shown, nothing written)
        audit_before = len(ledger.audit())
        await pilot.press("t", "1")
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailScreen)
        assert any("不能启动整顿" in n and "至少一项整改任务" in n for n in notifications(app))
        assert ledger.case(case_id).state == CaseState.IDENTIFIED and len(ledger.audit()) == audit_before

        # ---- a: two tasks, one already past its deadline
        for problem, deadline in (("组织生活不规范", "2025-05-01"), ("村务公开不及时", "2026-12-31")):
            await pilot.press("a")
            await pilot.pause()
            assert screen_name(app) == "TaskFormScreen"
            await retype(pilot, "problem", problem)
            await retype(pilot, "measure", "建立制度按月落实")
            await retype(pilot, "owner", "张三")
            await retype(pilot, "deadline", deadline)
            await save(pilot)
            assert isinstance(app.screen, CaseDetailScreen)
        assert len(ledger.case(case_id).tasks) == 2

        # ---- t → 启动整顿: 四个一 gaps are a soft warning, acknowledged before the move.
        # Every step is dated in order (a step cannot precede the one before it), back far enough
        # for the consolidation period to be over by "today".
        await pilot.press("t", "1")
        await pilot.pause()
        assert screen_name(app) == "TransitionFormScreen"
        await retype(pilot, "on", "2025-03-20")
        await save(pilot)
        assert screen_name(app) == "ConfirmScreen"
        assert ledger.case(case_id).state == CaseState.IDENTIFIED  # not before the acknowledgement
        await pilot.press("y")
        await settle(pilot)
        c = ledger.case(case_id)
        assert c.state == CaseState.RECTIFYING
        assert "已确认提醒" in c.history[-1].reason and "四个一" in c.history[-1].reason

        # overdue task in red in the task table
        table = app.screen.query_one("#case-tasks")
        overdue_cell = table.get_cell(str(c.tasks[0].id), "deadline")
        assert "red" in str(overdue_cell.style)
        assert "red" not in str(table.get_cell(str(c.tasks[1].id), "deadline").style)

        # ---- x: task 1 done with a date; w: task 2 waived with a note (the cursor is on the task
        # added last: Home goes to the first)
        table.focus()
        await pilot.press("home", "x")
        await pilot.pause()
        assert screen_name(app) == "TaskDoneScreen"
        await retype(pilot, "on", "2025-04-30")
        await retype(pilot, "evidence", "会议记录")
        await save(pilot)
        await pilot.press("down", "w")
        await pilot.pause()
        assert screen_name(app) == "TaskWaiveScreen"
        await retype(pilot, "note", "已并入第1项")
        await save(pilot)
        c = ledger.case(case_id)
        assert c.tasks[0].status == TaskStatus.DONE and c.tasks[0].done_on.isoformat() == "2025-04-30"
        assert c.tasks[1].waived and c.tasks[1].waive_note == "已并入第1项"

        # ---- t → 提请验收
        await pilot.press("t", "1")
        await pilot.pause()
        await retype(pilot, "on", "2025-08-01")
        await save(pilot)
        assert ledger.case(case_id).state == CaseState.AWAITING_ACCEPTANCE

        # ---- y: a failed acceptance (R18 suggestion shown live) → re-rectification with a deadline
        await pilot.press("y")
        await pilot.pause()
        assert screen_name(app) == "AcceptanceFormScreen"
        for field, value in (("on", "2025-08-10"), ("score", "55"), ("participants", "60"), ("satisfied", "10"),
                             ("basically_satisfied", "20"), ("dissatisfied", "30")):
            await retype(pilot, field, value)
        suggestion = str(app.screen.query_one("#acceptance-suggestion", Static).content)
        assert "不合格" in suggestion and "低于70分" in suggestion
        await save(pilot)
        c = ledger.case(case_id)
        assert c.last_acceptance is not None and c.last_acceptance.result == AcceptanceResult.FAIL
        assert screen_name(app) == "TransitionFormScreen"  # 重新整改 follows
        await retype(pilot, "on", "2025-08-10")
        await save(pilot)  # no deadline: refused at the field
        assert ledger.case(case_id).state == CaseState.AWAITING_ACCEPTANCE
        await retype(pilot, "new_deadline", "2027-03-31")
        await save(pilot)
        c = ledger.case(case_id)
        assert c.state == CaseState.RECTIFYING and c.rectify_deadline.isoformat() == "2027-03-31"

        # ---- t → 提请验收 again; y: a passing acceptance → 确认验收合格
        await pilot.press("t", "1")
        await pilot.pause()
        await retype(pilot, "on", "2025-09-10")
        await save(pilot)
        assert ledger.case(case_id).state == CaseState.AWAITING_ACCEPTANCE
        await pilot.press("y")
        await pilot.pause()
        for field, value in (("on", "2025-09-20"), ("score", "88"), ("participants", "60"), ("satisfied", "45"),
                             ("basically_satisfied", "12"), ("dissatisfied", "3")):
            await retype(pilot, field, value)
        assert "建议：合格" in str(app.screen.query_one("#acceptance-suggestion", Static).content)
        await save(pilot)
        assert screen_name(app) == "TransitionFormScreen"
        await save(pilot)
        assert ledger.case(case_id).state == CaseState.ACCEPTED

        # ---- t → 销号 (a date far enough back for consolidation to be over) → 巩固提升
        await pilot.press("t", "1")
        await pilot.pause()
        await save(pilot)  # no approver: refused at the field
        assert ledger.case(case_id).state == CaseState.ACCEPTED
        await retype(pilot, "on", "2025-10-01")
        await retype(pilot, "approver", "县委组织部")
        await save(pilot)
        c = ledger.case(case_id)
        assert c.state == CaseState.CONSOLIDATING and c.signed_off_on.isoformat() == "2025-10-01"
        assert all(t.status == TaskStatus.CLOSED for t in c.tasks if not t.waived)

        # ---- t → 归档 refused (no review yet), v: review, t → 归档
        await pilot.press("t")
        await pilot.pause()
        assert screen_name(app) == "TransitionChoiceScreen"
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailScreen)
        assert any("不能归档" in n and "回头看" in n for n in notifications(app))
        assert ledger.case(case_id).state == CaseState.CONSOLIDATING
        await pilot.press("v")
        await pilot.pause()
        assert screen_name(app) == "ReviewFormScreen"
        app.screen.query_one("#field-finding").focus()
        await pilot.press(*"组织生活正常")
        await save(pilot)
        await pilot.press("t", "1")
        await pilot.pause()
        assert screen_name(app) == "TransitionFormScreen"
        await save(pilot)
        assert ledger.case(case_id).state == CaseState.ARCHIVED
        history = static_text(app, "#case-history")
        for state in ("拟认定", "已认定", "整顿中", "待验收", "验收合格", "已销号", "巩固提升", "已归档"):
            assert state in history

        # ---- v with 已反弹 → 认定反弹 → a new linked case; l jumps to it and back
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one("#field-finding").focus()
        await pilot.press(*"班子又不团结")
        # issue 13: a stray Space on the (selected) date does not wipe it
        day = app.screen.query_one("#field-on", Input)
        before = day.value
        day.focus()
        await pilot.press("space")
        assert day.value == before and before
        box = app.screen.query_one("#field-relapsed", Checkbox)
        assert str(box.label) == "✗ 否"  # the state in words, not by colour only
        box.focus()
        await pilot.press("space")
        assert str(box.label) == "✓ 是"
        await save(pilot)  # an 已反弹 review is the relapse itself: one change
        assert screen_name(app) == "CaseDetailScreen"
        c = ledger.case(case_id)
        assert c.state == CaseState.RELAPSED and c.relapsed_into
        new = ledger.case(c.relapsed_into)
        assert new.relapse_of == case_id and new.state == CaseState.CANDIDATE and new.village_id == vid
        assert "已反弹" in static_text(app, "#case-title")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == new.id
        assert "反弹转入" in static_text(app, "#case-title")

        # ---- Ctrl+Z undoes the relapse: the new case's screen closes, the old one is archived again
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert ledger.case(case_id).state == CaseState.ARCHIVED
        assert not any(r.relapsed for r in ledger.case(case_id).reviews)  # the review went with it
        assert not isinstance(app.screen, CaseDetailScreen) or app.screen.case_id != new.id
        await pilot.press("3")
        await settle(pilot)
        cases_table = app.screen.query_one("#cases-table")
        assert str(new.id) not in cases_table.rows and str(case_id) in cases_table.rows
        assert cases_table.get_cell(str(case_id), "state").plain.strip() == "已归档"
