"""Issue 14: the 拉网式排查 view (整顿台账, p) on the demo year — the villages whose data shows a
situation, with evidence; list one proposed village as 拟认定 (Enter, Ctrl+S), dismiss another with a
reason (d); both kept, the first a new case in 整顿台账."""
from __future__ import annotations

from pathlib import Path

from ledgers import screening
from ledgers.models import CaseState
from tests.tui_support import SIZE, TODAY, choose, demo_db, open_section, settle, static_text
from tui.app import make_app


async def go_to(pilot, name: str) -> None:  # noqa: ANN001
    """Arrow keys down to ``name``'s row, as a clerk would."""
    table = pilot.app.screen.table
    await pilot.press("home")
    rows = [table.shown[int(table.coordinate_to_cell_key((i, 0)).row_key.value)] for i in range(table.row_count)]
    index = next(i for i, r in enumerate(rows) if r.village == name)
    await pilot.press(*["down"] * index)
    await pilot.pause()
    assert table.shown[table.cursor_id].village == name


async def test_screen_the_demo_year_list_one_and_dismiss_another(tmp_path: Path) -> None:
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_section(pilot, "3", "CasesScreen")
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ScreeningScreen"
        title = static_text(app, "#screening-title")
        assert f"{TODAY.year}年拉网式排查：25个村" in title
        shown = {r.village: r for r in screen.table.shown.values()}
        assert "S04" in shown["白云村"].codes and "S11" in shown["金沙村"].codes and "S05" in shown["马鞍村"].codes

        # 白云村: listed for its S04, with a ticked S09 from 信访.
        await go_to(pilot, "白云村")
        assert "第2季度支部党员大会" in static_text(app, "#screening-detail")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ListFormScreen"
        s09 = app.screen.query_one("#field-code_S09")
        s09.focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")  # no clue source yet: refused at the field
        await pilot.pause()
        assert type(app.screen).__name__ == "ListFormScreen"
        assert "线索来源" in static_text(app, "#form-message") or app.screen.query(".form-error")
        await choose(pilot, "source", "信访")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ScreeningScreen"
        case = next(c for c in app.ledger.cases() if app.ledger.village_name(c.village_id) == "白云村")
        assert case.state == CaseState.CANDIDATE and case.situations == ["S04", "S09"]
        assert screen.table.shown[case.village_id].decision == "已列入"

        # 金沙村: not listed this year, with the reason.
        await go_to(pilot, "金沙村")
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "DismissFormScreen"
        await pilot.press("ctrl+s")  # the reason is required
        await pilot.pause()
        assert type(app.screen).__name__ == "DismissFormScreen"
        await pilot.press(*"已核实：今年新确定发展对象1名", "ctrl+s")
        await settle(pilot)
        row = next(r for r in screening.screen(app.ledger, TODAY.year) if r.village.name == "金沙村")
        assert row.record.decision == screening.Decision.DISMISSED and "发展对象" in row.record.reason
        assert screen.table.shown[row.village.id].decision == "不列入"
        assert "已列入1个，不列入1个" in static_text(app, "#screening-title")

        # A village with a case already open cannot be listed again.
        await go_to(pilot, "河东村")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ScreeningScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "CasesScreen"
