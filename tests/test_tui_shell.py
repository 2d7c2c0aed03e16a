"""The shell driven by real keys: first run, sections, title, help, quit, read-only, open errors,
dashboard drill-downs."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from ledgers.ledger import Ledger
from tests.tui_support import SIZE, TODAY, demo_db, notifications, open_section, option_texts, settle, static_text
from tui.app import make_app
from tui.commands import GLOBAL_COMMANDS, key_label


async def test_first_run_offers_demo_and_loads_it(tmp_path: Path) -> None:
    app = make_app(tmp_path / "l.json", today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "FirstRunScreen"
        texts = option_texts(app, "#first-run-options")
        assert any("演示数据" in t for t in texts)
        assert any("Excel" in t and "暂未提供" not in t for t in texts)  # the importer is there
        await pilot.press("enter")  # the demo is the highlighted choice
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.ledger is not None and len(app.ledger.villages()) == 25
        assert "村（社区）25个" in static_text(app, "#dashboard-summary")
        assert any("演示数据" in n for n in notifications(app))


async def test_first_run_can_start_empty(tmp_path: Path) -> None:
    """Issue 13: an empty ledger was named after the demo township (青石镇); starting empty asks for
    the township, its county and who keeps the ledger, and the title, history and audit use them."""
    app = make_app(tmp_path / "l.json", today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert type(app.screen).__name__ == "TownshipFormScreen"
        assert app.screen.query_one("#field-township", Input).value == ""  # not the demo's name
        await pilot.press("ctrl+s")  # the name is required: refused at the field
        await settle(pilot)
        assert type(app.screen).__name__ == "TownshipFormScreen"
        await pilot.press(*"桃花镇", "tab", *"青县", "tab", *"组织委员")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.ledger is not None and app.ledger.is_empty()
        s = app.ledger.settings
        assert (s.township, s.county, s.clerk) == ("桃花镇", "青县", "组织委员")
        assert "桃花镇" in app.title and "青石镇" not in app.title
        assert any("桃花镇" in n for n in notifications(app))


async def test_first_run_empty_name_can_wait(tmp_path: Path) -> None:
    """Esc on the township form starts empty all the same, and says where to fill the name in."""
    app = make_app(tmp_path / "l.json", today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert any("设置" in n for n in notifications(app))


async def test_title_tabs_and_number_keys(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "青石镇" in app.title and "l.json" in app.sub_title
        assert "1 概览" in static_text(app, "#tabbar") and "2 村情" in static_text(app, "#tabbar")
        await pilot.press("2")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillagesScreen"
        await pilot.press("7")
        await settle(pilot)
        assert type(app.screen).__name__ == "SettingsScreen"
        await pilot.press("1")
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_help_lists_keys_from_the_registry(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        villages = app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        text = static_text(app, "#help-table")
        for c in villages.COMMANDS_LIST:  # type: ignore[attr-defined]
            assert c.description in text and c.help in text
        for c in GLOBAL_COMMANDS:
            assert key_label(c.key) in text and c.description in text
        for s in app.sections:
            assert s.title in text
        await pilot.press("escape")
        assert app.screen is villages


async def test_q_quits(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    # The lock is released: the file opens for writing again.
    Ledger.open(db, today=TODAY).close()


async def test_second_copy_is_read_only_with_banner(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    holder = Ledger.open(db, today=TODAY)  # the first clerk
    try:
        app = make_app(db, today=TODAY)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert app.ledger is not None and app.ledger.read_only
            assert "只读" in static_text(app, "#readonly-banner")
            assert "只读" in app.sub_title
            await pilot.press("2")
            await settle(pilot)
            assert "只读" in static_text(app, "#readonly-banner")
            await pilot.press("n")  # refused with a notification, no form
            await pilot.pause()
            assert type(app.screen).__name__ == "VillagesScreen"
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert any("只读" in n for n in notifications(app))
    finally:
        holder.close()


async def test_read_only_banner_is_whole_at_80_columns(tmp_path: Path) -> None:
    """Issue 13: at 80 columns the banner was one line, cut before it said what to do (F2)."""
    db = demo_db(tmp_path / "l.json")
    holder = Ledger.open(db, today=TODAY)
    try:
        app = make_app(db, today=TODAY)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            banner = app.screen.query_one("#readonly-banner")
            shown = "".join(s.text for y in range(banner.size.height) for s in banner.render_line(y))
            assert "F2" in app.read_only_reason
            assert "".join(shown.split()) == "".join(app.read_only_reason.split())
    finally:
        holder.close()


async def test_switching_sections_keeps_the_open_case(tmp_path: Path) -> None:
    """Issue 13: a case opened in 整顿台账 was gone after a look at 村情. It stays open in its section;
    that section's own key leads back to its list."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "3", "CasesScreen")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "CaseDetailScreen"
        case_id = app.screen.case_id
        await open_section(pilot, "2", "VillagesScreen")
        await open_section(pilot, "3", "CaseDetailScreen")
        assert app.screen.case_id == case_id
        await open_section(pilot, "3", "CasesScreen")


async def test_dashboard_out_of_sight_catches_up_when_shown(tmp_path: Path) -> None:
    """The dashboard no longer recomputes its figures in a worker on every save made in another
    section (it took the GIL from the screen being saved on): it does so when it is shown again."""
    from ledgers.models import Village

    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "村（社区）25个" in static_text(app, "#dashboard-summary")
        await open_section(pilot, "2", "VillagesScreen")
        app.ledger.save_village(Village(id=0, name="新华村", township="青石镇"))
        app.ledger_changed()
        await settle(pilot)
        await open_section(pilot, "1", "DashboardScreen")
        await settle(pilot)
        assert "村（社区）26个" in static_text(app, "#dashboard-summary")


async def test_corrupt_file_shows_open_error(tmp_path: Path) -> None:
    db = tmp_path / "l.json"
    db.write_text('{"villages": {"1": ', encoding="utf-8")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "OpenErrorScreen"
        assert "l.json" in static_text(app, "#open-error-text")
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert db.read_text(encoding="utf-8") == '{"villages": {"1": '  # never overwritten


async def test_dashboard_items_open_what_they_count(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard = app.screen
        tiers = dashboard.query_one("#panel-tiers", OptionList)
        assert any("空壳村" in t for t in option_texts(app, "#panel-tiers"))
        tiers.focus()
        tiers.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "VillageListScreen"
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillageDetailScreen"
        await pilot.press("escape")
        assert app.screen is dashboard
        # Tab moves between panels; an overdue task opens its village.
        dashboard.query_one("#panel-cases").focus()
        await pilot.press("tab")
        assert app.focused is dashboard.query_one("#panel-overdue")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillageDetailScreen"
        assert "逾期" in static_text(app, "#detail-case")


async def test_case_state_opens_cases_section_or_village_list(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#panel-cases", OptionList)
        assert app.focused is panel and panel.highlighted_option.id == "state:CANDIDATE"  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        if app.has_cases_section():
            assert app.current_mode == "cases"
        else:
            assert type(app.screen).__name__ == "VillageListScreen"
