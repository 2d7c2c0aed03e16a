"""The roster's statistics panel: counts of the postings shown, by status, unit level, education,
age band, gender and village type (``ledgers.roster.stats``).

The counts are computed from the rows the roster shows (its filters apply), so "the 县直 cadres of
the 在岗 postings" is one filter away. Labels are data (education is free text): ``Text``, never markup.
"""
from __future__ import annotations

from typing import Any, Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.scroll_view import ScrollView

from ledgers.roster import AGE_BANDS, RosterStats

from .line_frames import SplicedFrame

GROUPS = (("by_status", "状态"), ("by_unit_level", "单位层级"), ("by_education", "学历"),
          ("by_age", "年龄"), ("by_gender", "性别"), ("by_village_type", "村类型"))
AGE_ORDER = [label for _lo, _hi, label in AGE_BANDS] + ["未填"]


def _fit(label: str, width: int) -> str:
    """``label`` cut to ``width`` cells (with …) and padded to it."""
    if cell_len(label) > width:
        while cell_len(label) > width - 1:
            label = label[:-1]
        label += "…"
    return label + " " * (width - cell_len(label))


Line = tuple[tuple[str, str], ...]  # a line as its pieces: (text, style)
_BLANK = Strip([])  # below the last line, up to the most lines shown so far


def stats_lines(stats: RosterStats, room: int | None = None) -> list[Line]:
    """One block per grouping: label, count, share of the total — plain lines, each its pieces (a
    Rich table per group cost ~25 ms per filter keystroke to lay out; a Text split into lines ~0.4).
    The groups are set apart by a blank line when that still fits in ``room`` lines, and follow
    one another (each under its bold title) when it would not: at 120×40 the prefecture's
    figures then fit the panel whole."""
    if not stats.total:
        return [(("没有显示的驻村记录", "dim"),)]
    spaced = _stats_lines(stats)
    if room is None or len(spaced) <= room:
        return spaced
    return [line for line in spaced if line]


def _stats_lines(stats: RosterStats) -> list[Line]:
    """The groups, each after a blank line."""
    lines: list[Line] = [((f"共{stats.total}条驻村记录", "bold"),)]
    for attr, title in GROUPS:
        counts: dict[str, int] = getattr(stats, attr)
        items = list(counts.items())
        if attr == "by_age":
            items.sort(key=lambda kv: AGE_ORDER.index(kv[0]) if kv[0] in AGE_ORDER else len(AGE_ORDER))
        width = min(18, max((cell_len(label) for label, _ in items), default=0))
        digits = max((len(str(n)) for _, n in items), default=1)
        lines += [(), ((title, "bold underline"),)]
        lines += [((f"{_fit(label, width)} {n:>{digits}} ", ""), (f"{n * 100 / stats.total:3.0f}%", "dim"))
                  for label, n in items]
    return lines


class RosterStatsPanel(ScrollView):
    """The statistics in their own bordered box, painted line by line and scrolled by themselves;
    ``show`` replaces what they show.

    Not a ``Static`` (in a scrolling container): a Static sends its whole text through Content's
    wrapping and styling on each update, ~5 ms of every filter keystroke for ~40 short lines, and
    the container, its child and their scroll bars made the roster's screen the slowest to open
    (~10 % more than 村情 at prefecture scale). The lines here never wrap (labels are cut to fit), so
    each is one ``Strip`` made once per update."""

    # No scroll bar: the figures fit the panel at 40 rows (``stats_lines`` closes the gaps between
    # groups when they would not), and below that the border says the wheel shows the rest. A scroll
    # bar is a widget of its own that every filter keystroke's frame cut into pieces, line by line
    # (the roster's frame paid ~4 % for it); appearing with the first figures, it laid the screen
    # out twice more. Scrolling stays (``overflow-y: scroll``, a bar of no width).
    DEFAULT_CSS = """
    RosterStatsPanel {
        width: 36; height: 1fr; border: round $primary 50%; border-title-color: $text;
        border-title-style: bold; padding: 0 1; overflow-y: scroll; overflow-x: hidden;
        scrollbar-size-vertical: 0; border-subtitle-color: $text-muted;
    }
    """

    _shape: tuple[int, int] = (0, 0)  # the most lines and the widest line shown so far

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._styles_cache = SplicedFrame()
        self._lines: list[Line] = []
        self._strips: list[Strip] = []
        self._strip_cache: dict[tuple, Strip] = {}
        self._finished: dict[tuple, tuple[Strip, Strip]] = {}  # (strip id, width, style) → (strip, line)

    @property
    def content(self) -> Text:
        """What the panel shows, as text (tests and readers; painting goes line by line)."""
        out = Text()
        for n, line in enumerate(self._lines):
            if n:
                out.append("\n")
            for text, style in line:
                out.append(text, style=style or None)
        return out

    _stats: RosterStats | None = None  # what is shown
    _room = 0  # the lines it was fitted to

    def on_resize(self) -> None:
        # Taller or shorter, the groups may now fit spaced out, or need closing up.
        if self._stats is not None and self.scrollable_content_region.height != self._room:
            self.show(self._stats)

    def show(self, stats: RosterStats) -> None:
        self._stats = stats
        room = self._room = self.scrollable_content_region.height
        lines = stats_lines(stats, room or None)
        # Lines below the panel's bottom are reached with the mouse wheel; the border says so.
        hint = "滚轮查看其余" if room and len(lines) > room else None
        if self.border_subtitle != hint:
            self.border_subtitle = hint
        height, width = len(lines), max(sum(cell_len(text) for text, _ in line) for line in lines)
        shape = (max(height, self._shape[0]), max(width, self._shape[1]))
        # A filter keystroke changes the figures and often drops or adds a group line: padded to the
        # largest size shown so far, the panel keeps its size and is only repainted — laying the
        # screen out again cost as much as repainting the roster (issue 13: key to repainted list).
        strips = [self._strip(line) for line in lines]
        strips += [_BLANK] * (shape[0] - height)
        old = self._strips
        self._strips, self._lines = strips, lines
        relayout = shape != self._shape
        self._shape = shape
        if relayout:
            self.virtual_size = Size(shape[1], shape[0])
            self.refresh()
            return
        # Only the lines whose figures changed are painted again (the same line is the same strip:
        # ``_strip`` keeps them, and padding is one blank strip).
        top = round(self.scroll_offset.y)
        width = self.size.width
        changed = [y for y, (a, b) in enumerate(zip(old, strips)) if a is not b]
        if changed:
            self.refresh(*(Region(0, y - top, width, 1) for y in changed))

    def _strip(self, line: Line) -> Strip:
        """A line as a strip, made once: most lines (titles, blanks, unchanged counts) repeat from one
        keystroke to the next."""
        strip = self._strip_cache.get(line)
        if strip is None:
            if len(self._strip_cache) > 2_000:
                self._strip_cache.clear()
            parse = self.app.console.get_style
            strip = self._strip_cache[line] = Strip(
                [Segment(text, parse(style) if style else None) for text, style in line if text])
        return strip

    _frame: tuple[Style, int, int] | None = None  # this frame's style, width and first line shown

    def render_lines(self, crop: Region) -> list[Strip]:
        # ``rich_style`` walks the ancestors (~0.1 ms), ``size`` and ``scroll_offset`` look up the
        # region: read once a frame, not once a line.
        self._frame = (self.rich_style, self.size.width, round(self.scroll_offset.y))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        style, width, top = self._frame or (self.rich_style, self.size.width, round(self.scroll_offset.y))
        index = y + top
        if index >= len(self._strips):
            return Strip.blank(width, style)
        strip = self._strips[index]
        # A line is styled and fitted once per look: a keystroke repaints the panel, and most of its
        # lines (titles, blanks, unchanged counts) are the same strips as before.
        key = (id(strip), width, style)
        done = self._finished.get(key)
        if done is None or done[0] is not strip:
            if len(self._finished) > 2_000:
                self._finished.clear()
            done = self._finished[key] = (strip, finished(strip, width, style))
        return done[1]


def finished(strip: Strip, width: int, style: Style) -> Strip:
    """``strip.apply_style(style).crop_extend(0, width, style)`` in one strip, not three (a strip
    carries seven caches of its own; a keystroke finishes 20–30 of the panel's lines)."""
    length = strip.cell_length
    if length > width:
        return strip.apply_style(style).crop_extend(0, width, style)
    segments = [Segment(text, style + own if own else style) for text, own, _ in strip]
    if width > length:
        segments.append(Segment(" " * (width - length), style))
    return Strip(segments, width)
