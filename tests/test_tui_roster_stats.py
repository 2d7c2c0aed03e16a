"""The roster's statistics panel paints what Textual's own framing would, with less work.

``SplicedFrame`` frames a line of figures by splicing it between the border pieces of a line framed
the usual way in the same pass; these tests compare every line with the usual way's, on the demo
roster before and after filters, and check that the short way is taken (and left when it would
differ)."""
from __future__ import annotations

from pathlib import Path

from textual._styles_cache import StylesCache
from textual.color import Color

from tests.tui_support import TODAY, demo_db, open_section, settle
from tui.app import make_app
from tui.widgets.roster_stats import RosterStatsPanel, SplicedFrame


def _both_ways(panel: RosterStatsPanel) -> tuple[list, list]:
    """The panel's whole region painted by its own cache and by a plain ``StylesCache``."""
    region = panel.size.region.__class__(0, 0, *panel.outer_size)
    panel._styles_cache.clear()
    spliced = [list(strip) for strip in panel.render_lines(region)]
    own, panel._styles_cache = panel._styles_cache, StylesCache()
    try:
        plain = [list(strip) for strip in panel.render_lines(region)]
    finally:
        panel._styles_cache = own
    return spliced, plain


async def test_spliced_lines_are_the_usual_lines(tmp_path: Path, monkeypatch) -> None:
    app = make_app(demo_db(tmp_path / "r.json"), today=TODAY)
    usual_calls = []
    usual = StylesCache.render_line

    def counted(self, *args, **kwargs):
        usual_calls.append(type(self))
        return usual(self, *args, **kwargs)

    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "5")
        panel = app.screen.query_one(RosterStatsPanel)
        assert isinstance(panel._styles_cache, SplicedFrame)
        for query in ("", "q", "zzzz", "青石"):
            await pilot.press("escape")
            if query:
                await pilot.press("f", *query, "enter")
            await settle(pilot)
            assert panel.content.plain  # figures, or "没有显示的驻村记录"
            spliced, plain = _both_ways(panel)
            assert spliced == plain, query
            assert len(spliced) == panel.outer_size.height > 20
            # The usual way framed the borders and one line of figures; the rest were spliced.
            monkeypatch.setattr(StylesCache, "render_line", counted)
            usual_calls.clear()
            panel._styles_cache.clear()
            panel.render_lines(panel.size.region.__class__(0, 0, *panel.outer_size))
            monkeypatch.setattr(StylesCache, "render_line", usual)
            assert len(usual_calls) <= 3, len(usual_calls)


async def test_a_tint_is_framed_the_usual_way(tmp_path: Path) -> None:
    """A tint changes every segment of a framed line: the spliced pieces would lose it."""
    app = make_app(demo_db(tmp_path / "r.json"), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "5")
        panel = app.screen.query_one(RosterStatsPanel)
        panel.styles.tint = Color(255, 0, 0, 0.3)
        await settle(pilot)
        spliced, plain = _both_ways(panel)
        assert spliced == plain
        assert any(seg.style and seg.style.bgcolor and seg.style.bgcolor.triplet
                   and seg.style.bgcolor.triplet.red > 60 for seg in spliced[5])  # the tint is there


def test_a_finished_line_is_the_styled_and_fitted_line() -> None:
    """``finished`` does in one strip what ``apply_style`` then ``crop_extend`` do."""
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    from tui.widgets.roster_stats import finished

    base = Style(color="white", bgcolor="#202020")
    lines = [Strip([]), Strip([Segment("共12条驻村记录", Style(bold=True))]),
             Strip([Segment("县直单位 12 ", None), Segment(" 40%", Style(dim=True))]),
             Strip([Segment("很长很长很长很长很长很长很长很长很长很长", None)])]
    for strip in lines:
        for width in (10, 34):
            expected = strip.apply_style(base).crop_extend(0, width, base)
            got = finished(strip, width, base)
            assert list(got) == list(expected) and got.cell_length == width


def test_groups_close_up_when_spaced_they_would_not_fit() -> None:
    from ledgers.roster import RosterStats
    from tui.widgets.roster_stats import stats_lines

    stats = RosterStats(total=10, by_status={"在岗": 8, "拟选派": 2}, by_unit_level={"县直": 10},
                        by_education={"大学本科": 10}, by_age={"36至45岁": 10}, by_gender={"男": 6, "女": 4},
                        by_village_type={"脱贫村": 10})
    spaced = stats_lines(stats)
    assert spaced.count(()) == 6  # a blank line before each group
    assert stats_lines(stats, len(spaced)) == spaced
    closed = stats_lines(stats, len(spaced) - 1)
    assert () not in closed and closed == [line for line in spaced if line]


async def test_the_panel_fits_or_says_the_wheel_shows_the_rest(tmp_path: Path) -> None:
    """No scroll bar (a widget every filter keystroke's frame cut up): the figures close up to fit,
    and what still does not fit is reached with the wheel, as the border says."""
    app = make_app(demo_db(tmp_path / "r.json"), today=TODAY)
    async with app.run_test(size=(120, 50)) as pilot:
        await open_section(pilot, "5")
        panel = app.screen.query_one(RosterStatsPanel)
        assert panel.scrollbar_size_vertical == 0 and not panel.vertical_scrollbar.region.width
        lines = panel.content.plain.split("\n")
        assert "" in lines and panel.border_subtitle is None  # room enough: groups set apart
        room = panel.scrollable_content_region.height
        assert len(lines) <= room
        await pilot.resize_terminal(120, 24)
        await settle(pilot)
        lines = panel.content.plain.split("\n")
        assert "" not in lines  # closed up
        assert len(lines) > panel.scrollable_content_region.height
        assert panel.border_subtitle == "滚轮查看其余"
        panel.scroll_end(animate=False, immediate=True)
        await settle(pilot)
        assert panel.scroll_y > 0  # the wheel (or anything that scrolls) still reaches the rest
