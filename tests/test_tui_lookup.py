"""Instant lookup from anywhere: initials, hanzi; results per keystroke with highlights; Enter opens
the village detail; the command-palette provider; names shown literally."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from ledgers.ledger import Ledger
from ledgers.models import Village
from tests.tui_support import SIZE, TODAY, demo_db, open_section, option_texts, settle, static_text
from tui.app import make_app
from tui.modals.lookup import HIGHLIGHT, VillageProvider


async def test_initials_from_dashboard_open_the_right_village(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as ledger:
        qingshan = ledger.find_village("青山村")
        assert qingshan is not None
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("slash")
        await pilot.pause()
        assert type(app.screen).__name__ == "LookupScreen"
        await pilot.press("q", "s", "c")
        await pilot.pause()
        results = option_texts(app, "#lookup-results")
        assert results and results[0].startswith("青山村")
        await pilot.press("x", "x")  # every keystroke updates the list
        await pilot.pause()
        assert option_texts(app, "#lookup-results") == []
        await pilot.press("backspace", "backspace")
        await pilot.pause()
        assert option_texts(app, "#lookup-results") == results
        assert "青石镇" in results[0]
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillageDetailScreen"
        assert app.screen.village_id == qingshan.id  # type: ignore[attr-defined]
        assert "青山村" in static_text(app, "#detail-title")
        await pilot.press("escape")
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_results_highlight_matches_and_show_state(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        await pilot.press("slash", *"青山")  # from another section, by hanzi
        await pilot.pause()
        ol = app.screen.query_one("#lookup-results", OptionList)
        first = ol.options[0].prompt
        assert first.plain.startswith("青山村")
        highlighted = {first.plain[s.start:s.end] for s in first.spans if s.style == HIGHLIGHT}
        assert "青山" in "".join(sorted(highlighted, key=first.plain.find))
        state = app.ledger.active_case(int(ol.options[0].id)).state.value  # type: ignore[union-attr, arg-type]
        assert state in first.plain
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "VillagesScreen"


async def test_no_match_says_so(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"xyzxyz")
        await pilot.pause()
        assert option_texts(app, "#lookup-results") == []
        assert "没有" in static_text(app, "#lookup-status")
        await pilot.press("enter")  # nothing to open: stays
        assert type(app.screen).__name__ == "LookupScreen"


async def test_markup_names_are_literal_in_results(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    with Ledger.open(db, today=TODAY) as ledger:
        ledger.save_village(Village("[red]张三村", township="[/]镇"))
        ledger.save_village(Village("[@click=app.quit]李四村", township="青石镇"))
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"张三")
        await pilot.pause()
        texts = option_texts(app, "#lookup-results")
        assert texts and texts[0].startswith("[red]张三村") and "[/]镇" in texts[0]
        await pilot.press("ctrl+a", "ctrl+k", *"李四")  # clear the line, search again
        await pilot.pause()
        texts = option_texts(app, "#lookup-results")
        assert texts and texts[0].startswith("[@click=app.quit]李四村")
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and "[@click=app.quit]李四村" in static_text(app, "#detail-title")


async def test_command_palette_provider_finds_villages(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = VillageProvider(app.screen)
        hits = [h async for h in provider.search("qsc")]
        assert hits and hits[0].text == "青山村"
        hits[0].command()
        await settle(pilot)
        assert type(app.screen).__name__ == "VillageDetailScreen"


async def test_characters_typed_before_the_lookup_is_up_go_into_the_query(tmp_path: Path) -> None:
    # "/qsc" typed in one burst (as fast as a terminal can deliver it): the letters come before the
    # lookup screen is up; "q" must not quit, none may be lost.
    from textual import events

    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, ch in (("slash", "/"), ("q", "q"), ("s", "s"), ("c", "c")):
            app.post_message(events.Key(key, ch))
        await settle(pilot)
        assert app.is_running and type(app.screen).__name__ == "LookupScreen"
        assert app.screen.query_one("#lookup-input").value == "qsc"  # type: ignore[attr-defined]
        assert option_texts(app, "#lookup-results")[0].startswith("青山村")
        await pilot.press("x")  # typing on, through the input: each character once
        assert app.screen.query_one("#lookup-input").value == "qscx"  # type: ignore[attr-defined]


async def test_slash_in_a_text_field_is_typed_not_the_lookup(tmp_path: Path) -> None:
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_section(pilot, "2")
        await pilot.press("f", "slash")  # into the filter line
        await settle(pilot)
        assert type(app.screen).__name__ == "VillagesScreen"
        assert app.screen.filter_bar.input.value == "/"  # type: ignore[attr-defined]
        await pilot.press("enter", "slash")  # back in the table: "/" is the lookup again
        await settle(pilot)
        assert type(app.screen).__name__ == "LookupScreen"


async def test_command_palette_speaks_chinese(tmp_path: Path) -> None:
    """Issue 13: the palette was half English (Theme, Quit, Keys, Screenshot; its prompt and its
    "No matches found"). Ctrl+P, the prompt, every command the palette lists, a miss."""
    import re

    from textual.command import CommandList, CommandPalette

    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles and all(re.search(r"[\u4e00-\u9fff]", t) for t in titles), titles
        assert "配色主题" in titles and "退出" in titles and "Theme" not in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(Input).placeholder == "输入命令名称查找……"
        await pilot.press(*"zzqq")
        await pilot.pause(1.2)  # the palette waits a moment before saying nothing matched
        await settle(pilot)
        options = palette.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt.renderable) for i in range(options.option_count)]
        assert any("没有找到这个命令" in s for s in shown), shown
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
