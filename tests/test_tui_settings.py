"""Settings by real keys: township profile, a rule parameter (refused, fixed, saved), the
situation table (add, switch off)."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from tests.tui_support import SIZE, TODAY, demo_db, open_section, retype, settle, static_text
from tui.app import make_app


async def open_settings(pilot) -> None:  # noqa: ANN001
    await open_section(pilot, "7", "SettingsScreen")


async def test_township_profile_saved_and_title_follows(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsFormScreen"
        await retype(pilot, "township", "")
        assert "不能为空" in str(app.screen.query_one("#error-township", Static).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsFormScreen"
        assert app.ledger.settings.township == "青石镇"
        await retype(pilot, "township", "白水镇")
        await retype(pilot, "doc_prefix", "白水发")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "SettingsScreen"
        assert app.ledger.settings.township == "白水镇" and app.ledger.settings.doc_prefix == "白水发"
        assert "白水镇" in app.title
        assert "白水发" in static_text(app, "#settings-profile")


async def test_rule_parameter_refused_then_saved(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("p")
        await pilot.pause()
        await retype(pilot, "pass_score", "-5")
        assert "负数" in str(app.screen.query_one("#error-pass_score", Static).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.ledger.settings.pass_score == 70
        await retype(pilot, "pass_score", "75")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.ledger.settings.pass_score == 75
        assert "75" in static_text(app, "#settings-rules")


async def test_situation_added_and_switched_off(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        table = app.screen.query_one("#situations", DataTable)
        before = table.row_count
        await pilot.press("a")
        await pilot.pause()
        code = app.screen.query_one("#field-code", Input).value
        assert code.startswith("S")
        await retype(pilot, "text", "村级组织阵地建设滞后")
        await pilot.press("enter")  # Enter on the last field submits
        await settle(pilot)
        added = next(s for s in app.ledger.situations() if s.code == code)
        assert added.text == "村级组织阵地建设滞后" and table.row_count == before + 1
        table.move_cursor(row=table.get_row_index(str(added.id)))
        await pilot.press("x")
        await settle(pilot)
        assert not next(s for s in app.ledger.situations() if s.code == code).active
        assert table.get_row(str(added.id))[2].plain == "停用"
