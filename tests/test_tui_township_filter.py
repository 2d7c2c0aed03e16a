"""Issue 13: in a county's ledger (12 townships), `x` in 村情, 整顿台账, 四个一 and 第一书记 picks a
township by typing its name, full pinyin or initials; Esc in the chooser leaves the filter as it was,
"全部乡镇" or Esc on the list lifts it. The 四个一 summary counts the chosen township."""
from __future__ import annotations

from pathlib import Path

import pytest

from ledgers.lookup import find_places
from tui.app import make_app

from tui_support import SIZE, TODAY, demo_db, open_section, option_texts, settle, static_text

TOWNSHIPS = ["石口镇", "石坪镇", "青口镇", "青坪镇", "长乐镇"]


@pytest.fixture(scope="module")
def county_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_db(tmp_path_factory.mktemp("county") / "county.json", "county")


def test_places_are_found_by_name_pinyin_and_initials() -> None:
    found = lambda q: [TOWNSHIPS[h.village_id] for h in find_places(TOWNSHIPS, q)]  # noqa: E731
    assert found("qkz") == ["青口镇"]
    assert found("qingkou") == ["青口镇"]
    assert found("青口") == ["青口镇"]
    assert set(found("shi")) == {"石口镇", "石坪镇"}
    assert found("clz") == ["长乐镇"]  # a place reading: 长 cháng, 乐 lè
    assert found("zzz") == []


async def choose(pilot, typed: str) -> None:  # noqa: ANN001
    await pilot.press("x")
    await pilot.pause()
    assert type(pilot.app.screen).__name__ == "TownshipChoiceScreen"
    await pilot.press(*typed)
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("key, screen_name", [("2", "VillagesScreen"), ("3", "CasesScreen"),
                                              ("4", "MatrixScreen"), ("5", "SecretariesScreen")])
async def test_x_filters_a_section_by_township(county_db: Path, key: str, screen_name: str) -> None:
    app = make_app(county_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, key, screen_name)
        screen = app.screen
        table = screen.table
        everything = table.row_count
        assert everything and len({r.township for r in screen.all_rows}) == 12

        await choose(pilot, "qkz")  # initials
        assert screen.township == "青口镇"
        rows = list(table.shown.values())
        assert rows and all(r.township == "青口镇" for r in rows)
        assert len(rows) == sum(1 for r in screen.visible_rows())
        assert "乡镇：青口镇" in static_text(app, f"#{screen.filter_bar.prefix}-status")

        # The chooser lists every township with its count, the current one marked; Esc keeps it.
        await pilot.press("x")
        await pilot.pause()
        lines = option_texts(app, "#township-results")
        assert lines[0].startswith("全部乡镇") and len(lines) == 13
        assert any(line.startswith("青口镇") and "当前" in line for line in lines)
        await pilot.press(*"shiqiao")  # full pinyin
        await pilot.pause()
        assert option_texts(app, "#township-results")[0].startswith("石桥镇")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == screen_name and screen.township == "青口镇"

        await choose(pilot, "石桥")  # hanzi
        assert screen.township == "石桥镇"
        assert all(r.township == "石桥镇" for r in table.shown.values())

        # 全部乡镇 (the first line when nothing is typed) lifts the filter.
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("ctrl+home", "enter")
        await settle(pilot)
        assert screen.township is None and table.row_count == everything

        # Esc on the list clears it with the other filters.
        await choose(pilot, "qkz")
        assert table.row_count < everything
        await pilot.press("escape")
        await settle(pilot)
        assert screen.township is None and table.row_count == everything


async def test_matrix_summary_counts_the_chosen_township(county_db: Path) -> None:
    app = make_app(county_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "4", "MatrixScreen")
        screen = app.screen
        await choose(pilot, "qkz")
        summary = static_text(app, "#matrix-summary")
        shown = len({r.village_id for r in screen.table.shown.values()})
        assert "青口镇" in summary and f"{shown}个村" in summary


async def test_a_typed_name_that_matches_no_township_says_so(county_db: Path) -> None:
    app = make_app(county_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2", "VillagesScreen")
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"zzz", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "TownshipChoiceScreen"  # nothing to pick: the dialog stays
        assert "没有" in option_texts(app, "#township-results")[0]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.township is None
