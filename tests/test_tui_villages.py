"""The village registry and its form, driven by real keys: add with a bad value (refused at the
field), fix and save, undo; edit in place; filter; sort; delete refusals; literal user text."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from ledgers.ledger import Ledger
from ledgers.models import Village
from tests.tui_support import SIZE, TODAY, demo_db, notifications, open_section, settle, table_rows
from tui.app import make_app
from tui.widgets.village_table import COLUMN_KEYS, VillageTable


def col(name: str) -> int:
    return COLUMN_KEYS.index(name)


async def open_registry(pilot) -> VillageTable:  # noqa: ANN001
    await open_section(pilot, "2")
    return pilot.app.screen.query_one("#villages-table", VillageTable)


async def type_into(pilot, field: str, text: str) -> None:  # noqa: ANN001
    w = pilot.app.screen.query_one(f"#field-{field}", Input)
    w.focus()
    w.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_add_refused_at_field_then_saved_then_undone(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await open_registry(pilot)
        assert table.row_count == 25
        await pilot.press("n")
        await pilot.pause()
        form_screen = app.screen
        assert type(form_screen).__name__ == "VillageFormScreen"
        await pilot.press(*"新村")
        await type_into(pilot, "population", "12o0")  # a letter o typed for a zero
        error = form_screen.query_one("#error-population", Static)
        assert error.display and "整数" in str(error.content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form_screen  # not saved, the draft is kept
        assert form_screen.query_one("#field-name", Input).value == "新村"
        assert app.ledger.find_village("新村") is None
        await type_into(pilot, "population", "1200")
        assert not form_screen.query_one("#error-population", Static).display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form_screen
        saved = app.ledger.find_village("新村")
        assert saved is not None and saved.population == 1200
        assert table.row_count == 26 and str(saved.id) in table.rows
        assert table.cursor_village_id == saved.id
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.ledger.find_village("新村") is None
        assert table.row_count == 25 and str(saved.id) not in table.rows
        assert any("已撤销" in n and "新村" in n for n in notifications(app))
        await pilot.press("ctrl+y")  # redo: the village is back, named in the message
        await settle(pilot)
        back = app.ledger.find_village("新村")
        assert back is not None and back.id == saved.id and back.population == 1200
        assert table.row_count == 26 and str(saved.id) in table.rows
        assert any("已重做" in n and "新村" in n for n in notifications(app))
        await pilot.press("ctrl+y")  # nothing more to redo: said so, nothing changes
        await settle(pilot)
        assert any("没有可以重做的修改" in n for n in notifications(app))
        assert table.row_count == 26


async def test_duplicate_name_shown_while_typing(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_registry(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"青山村")
        await pilot.pause()
        error = app.screen.query_one("#error-name", Static)
        assert error.display and "已有" in str(error.content)
        await pilot.press("escape")  # a filled form asks before throwing the typing away …
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")  # … "no" keeps the draft …
        await pilot.pause()
        assert type(app.screen).__name__ == "VillageFormScreen"
        await pilot.press("escape", "y")  # … "yes" discards it: nothing written
        await pilot.pause()
        assert type(app.screen).__name__ == "VillagesScreen"
        assert len(app.ledger.villages()) == 25


async def test_edit_updates_the_row_in_place(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_registry(pilot)
        cleared: list[bool] = []
        monkeypatch.setattr(table, "clear", lambda *a, **k: cleared.append(True))
        table.move_cursor(row=2)
        vid = table.cursor_village_id
        await pilot.press("e")
        await pilot.pause()
        await type_into(pilot, "population", "4321")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.ledger.village(vid).population == 4321
        assert table.get_row(str(vid))[col("population")].plain.strip() == "4321"
        assert not cleared  # one change never reloads the whole table
        assert table.row_count == 25


async def test_filter_by_initials_tag_and_tier(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_registry(pilot)
        await pilot.press("f", *"qsc", "enter")
        await pilot.pause()
        names = [r[col("name")] for r in table_rows(table)]
        assert "青山村" in names and len(names) < 25
        assert app.focused is table
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 25
        await pilot.press("t")
        tag = app.screen.tag  # type: ignore[attr-defined]
        assert tag and all(tag in r[col("tags")] or r[col("tags")].endswith("…") for r in table_rows(table))
        assert table.row_count == sum(1 for v in app.ledger.villages() if tag in v.tags)
        await pilot.press("escape", "i")
        tier = app.screen.tier  # type: ignore[attr-defined]
        assert tier is not None and 0 < table.row_count < 25


async def test_sort_by_key_and_reverse(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_registry(pilot)
        # s opens the column chooser (issue 13: s stepped one column per press); 人口 by its number.
        await pilot.press("s")
        await settle(pilot)
        assert type(app.screen).__name__ == "SortChoiceScreen"
        assert col("population") < 9
        await pilot.press(str(col("population") + 1))
        await settle(pilot)
        assert table.sort_column == "population" and not table.sort_reverse
        populations = [int(r[col("population")]) for r in table_rows(table)]
        assert populations == sorted(populations)
        assert "▲" in table.columns[table.ordered_columns[col("population")].key].label.plain
        await pilot.press("r")
        populations = [int(r[col("population")]) for r in table_rows(table)]
        assert populations == sorted(populations, reverse=True)
        assert "▼" in table.ordered_columns[col("population")].label.plain
        # The current column chosen again turns the order round; Esc leaves the order as it is.
        await pilot.press("s", str(col("population") + 1))
        await settle(pilot)
        assert table.sort_column == "population" and not table.sort_reverse
        await pilot.press("s", "escape")
        await settle(pilot)
        assert table.sort_column == "population" and type(app.screen).__name__ == "VillagesScreen"
        # A column past the ninth: ↑↓ Enter (the list opens on the next column).
        await pilot.press("s", "up", "enter")
        await settle(pilot)
        assert table.sort_column == "population" and table.sort_reverse


async def test_delete_refused_while_referenced_and_allowed_otherwise(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as ledger:
        lone = ledger.save_village(Village("孤村", township="青石镇"))
        referenced = next(v for v in ledger.villages() if ledger.village_references(v.id))
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await open_registry(pilot)
        table.move_to(referenced.id)
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "VillagesScreen"  # no confirmation: refused at once
        assert any("不能删除" in n and referenced.name in n for n in notifications(app))
        table.move_to(lone.id)
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(pilot)
        assert str(lone.id) not in table.rows
        assert app.ledger.find_village("孤村") is None


async def test_markup_and_control_characters_render_literally(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as ledger:
        odd = ledger.save_village(Village("[red]张三村", township="青石镇", secretary_name="[b]李[/]"))
        esc = ledger.save_village(Village("坏\x1b[2J村", township="青石镇"))
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_registry(pilot)
        row = table.get_row(str(odd.id))
        assert row[col("name")].plain.strip() == "[red]张三村"
        assert row[col("secretary")].plain.strip() == "[b]李[/]"
        assert "\x1b" not in table.get_row(str(esc.id))[col("name")].plain
        table.move_to(odd.id)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillageDetailScreen"
        from tests.tui_support import static_text

        assert "[red]张三村" in static_text(app, "#detail-title")
        assert "[b]李[/]" in static_text(app, "#detail-registry")


async def test_edit_from_detail_refreshes_detail_and_registry(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_registry(pilot)
        table.move_cursor(row=0)
        vid = table.cursor_village_id
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert type(detail).__name__ == "VillageDetailScreen"
        await pilot.press("e")
        await pilot.pause()
        await type_into(pilot, "households", "999")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        from tests.tui_support import static_text

        assert "999户" in static_text(app, "#detail-registry")
        assert table.get_row(str(vid))[col("households")].plain.strip() == "999"


async def test_a_sort_shows_the_top_of_the_new_order(tmp_path: Path) -> None:
    """Issue 13: after a sort the view stayed on the row selected before (人口▲ seemed to start at
    2734). Now the view shows the top; the selection stays only if it is on that first screen."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=(100, 18)) as pilot:
        table = await open_registry(pilot)
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1 and table.scroll_y > 0
        await pilot.press("s", str(col("population") + 1))
        await settle(pilot)
        await pilot.pause()
        assert table.scroll_y == 0
        populations = [int(r[col("population")]) for r in table_rows(table)]
        assert populations == sorted(populations)
        assert table.cursor_row < table.scrollable_content_region.height  # on the first screen
        await pilot.press("down", "down")
        kept = table.cursor_id
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        assert table.scroll_y == 0  # reversed: the top again; the record was not on it, so row 0
        assert table.cursor_id == kept or table.cursor_row == 0
