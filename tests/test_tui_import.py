"""Excel import and export in the app, by keys: from the first-run screen of an empty ledger, and
from the 导出 section (F5 import, F6 export)."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.tui_support import SIZE, TODAY, demo_db, notifications, open_section, settle, static_text
from tui.app import make_app


def village_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["青石镇各村基本情况"], ["序号", "村（社区）名称", "户籍人口", "正式党员数"], [1, "青山村", 1817, 30],
                [2, "石桥村", -3, 12], [3, "长安村", 900, 8]):
        ws.append(row)
    ws.merge_cells("A1:D1")
    wb.save(path)
    return path


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def test_import_from_the_first_run_screen_by_keys(tmp_path: Path) -> None:
    book = village_book(tmp_path / "村情.xlsx")
    app = make_app(tmp_path / "l.json", today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "FirstRunScreen"
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "ImportScreen"
        await type_text(pilot, str(book))
        await pilot.press("enter")  # the dry run
        await settle(pilot)
        result = static_text(app, "#import-result")
        assert "试导入（账本未改动）：将新增2条" in result and "第4行：“户籍人口”：不能为负数" in result
        assert app.ledger.villages() == []  # nothing yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        result = static_text(app, "#import-result")
        assert "已导入：新增2条" in result and "未导入的行及原因" in result
        assert sorted(v.name for v in app.ledger.villages()) == ["长安村", "青山村"]
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert any("Ctrl+Z" in n for n in notifications(app))
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.ledger.villages() == []


async def test_confirm_before_checking_runs_the_check_first(tmp_path: Path) -> None:
    book = village_book(tmp_path / "村情.xlsx")
    app = make_app(tmp_path / "l.json", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(tmp_path / "nothing.xlsx"))
        await pilot.press("enter")
        await settle(pilot)
        assert "找不到文件" in static_text(app, "#import-result")
        await pilot.press(*["backspace"] * len("nothing.xlsx"))
        await type_text(pilot, "村情.xlsx")
        await pilot.press("ctrl+s")  # not checked yet: the dry run comes first
        await settle(pilot)
        assert "试导入" in static_text(app, "#import-result") and app.ledger.villages() == []


async def test_import_and_export_from_the_export_section(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    out = tmp_path / "全部台账.xlsx"
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "6")
        await pilot.press("f6")
        await settle(pilot)
        assert type(app.screen).__name__ == "XlsxExportScreen"
        await pilot.press("ctrl+a", "ctrl+k")  # clear the offered name
        await type_text(pilot, str(out))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "已导出" in static_text(app, "#xlsx-result") and out.exists()
        assert openpyxl.load_workbook(out).sheetnames[4:] == ["第一书记花名册", "两委班子", "后备干部", "组织生活", "党员发展"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert type(app.screen).__name__ == "ImportScreen"
        await type_text(pilot, str(out))
        await pilot.press("enter")
        await settle(pilot)
        assert "无变化" in static_text(app, "#import-result")  # its own export: nothing new
