"""Issue 14: a village's people and records from its card (m) — add a 两委 member who is 书记 and 主任
(一肩挑), see R4 and the secretary's age follow; record a 组织生活 entry; a bad date refused at its
field; delete a record and undo it."""
from __future__ import annotations

from pathlib import Path

from ledgers import people
from ledgers.models import Level
from ledgers.people import MeetingKind, Post
from ledgers.rules import village_findings
from tests.tui_support import SIZE, TODAY, choose, demo_db, notifications, settle, static_text
from tui.app import make_app


async def open_people(pilot, name: str) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("slash", *name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "VillageDetailScreen"
    await pilot.press("m")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "VillagePeopleScreen"


async def test_enter_people_and_meetings_from_the_village_card(tmp_path: Path) -> None:
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_people(pilot, "hdc")  # 河东村: its secretary's post is vacant
        ledger = app.ledger
        vid = ledger.find_village("河东村").id
        assert "书记出缺" in static_text(app, "#people-title") and "S01" in static_text(app, "#people-status")
        before = len(people.people_of(ledger, vid).committee)

        # A new secretary who is also the director.
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "MemberFormScreen"
        await pilot.press(*"周强", "tab", *"书记、主任")
        await choose(pilot, "gender", "男")
        app.screen.query_one("#field-birth").focus()
        await pilot.press(*"1979-13")  # no such month: refused at the field
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "MemberFormScreen"
        await pilot.press("backspace", "backspace", *"04", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillagePeopleScreen"
        p = people.people_of(ledger, vid)
        assert len(p.committee) == before + 1 and p.secretary is not None and p.secretary.dual_role
        assert people.secretary_age(ledger, vid, TODAY) == 47
        assert "书记年龄47岁" in static_text(app, "#people-title")

        # 组织生活: the fourth kind on the left, a 党课 today.
        await pilot.press("down", "down", "down")
        await settle(pilot)
        assert app.screen.kind.key == "meetings"
        count = len(people.people_of(ledger, vid).meetings)
        await pilot.press("n")
        await settle(pilot)
        await choose(pilot, "kind", MeetingKind.LECTURE.value)
        app.screen.query_one("#field-attendance").focus()
        await pilot.press(*"12", "ctrl+s")
        await settle(pilot)
        meetings = people.people_of(ledger, vid).meetings
        assert len(meetings) == count + 1 and any(m.kind == MeetingKind.LECTURE and m.day == TODAY for m in meetings)

        # Delete it again (y), then Ctrl+Z brings it back.
        table = app.screen.table
        table.focus()
        lecture = next(m for m in meetings if m.kind == MeetingKind.LECTURE and m.day == TODAY)
        await pilot.press("end")  # the newest day sorts last
        await pilot.pause()
        assert table.cursor_id == lecture.id
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert len(people.people_of(ledger, vid).meetings) == count
        assert any("已删除" in n for n in notifications(app))
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(people.people_of(ledger, vid).meetings) == count + 1

        # The rules follow the people: R4 counts the branch committee now on file.
        v = ledger.village(vid)
        r4 = [f for f in village_findings(v, ledger.settings, TODAY, people.people_of(ledger, vid)) if f.rule == "R4"]
        assert all(f.level != Level.INFO for f in r4)
        assert any(Post.SECRETARY in m.posts for m in people.people_of(ledger, vid).branch_committee)
