"""Styles caches for widgets whose lines are framed alike: what ``StylesCache.render_line`` does for
each line (read a dozen style rules, apply border, padding, background, tint) is done once and
reused for the others.

``StylesCache.render_line`` costs ~0.05 ms a line here. A filter keystroke repaints a list's 35
lines, the scroll bar beside it and the roster's statistics panel: a tenth of the keystroke's frame
went to framing lines that were framed alike.

* ``SplicedFrame``: lines that differ, framed alike (the lists, the statistics panel). The left and
  right pieces (border, padding) of the first content line of a pass are put around the others.
* ``RepeatedLines``: lines that repeat (a vertical scroll bar is 30–40 lines of three or four
  kinds: track above, thumb, track below, the thumb's ends). A line equal to one already framed in
  the pass gets that framed line.
"""
from __future__ import annotations

from typing import Any, Callable

from rich.segment import Segment
from textual._styles_cache import StylesCache
from textual.geometry import Size
from textual.strip import Strip


class SplicedFrame(StylesCache):
    """A styles cache that frames a content line by putting its strip between the left and right
    pieces (border, padding) of a line it framed the usual way in the same pass.

    The pieces are taken from the first content line of each pass and used only if that line is
    exactly its content between them — a tint, an opacity or a content strip that had to be cut or
    padded leaves them unused, and every line then goes the usual way."""

    def __init__(self) -> None:
        super().__init__()
        # (first content y, end, left segments, right segments, width, content width) of this pass
        self._pieces: tuple[int, int, list[Segment], list[Segment], int, int] | None = None
        self._learned = False  # the pieces were looked for in this pass

    def render(self, *args: Any, **kwargs: Any) -> list[Strip]:
        self._pieces, self._learned = None, False
        try:
            return super().render(*args, **kwargs)
        finally:
            self._pieces, self._learned = None, False

    def render_line(self, styles: Any, y: int, size: Size, content_size: Size, padding: Any,
                    base_background: Any, background: Any, render_content_line: Callable[[int], Strip],
                    *rest: Any) -> Strip:
        pieces = self._pieces
        if pieces is not None:
            top, end, left, right, width, content_width = pieces
            if top <= y < end:
                content = render_content_line(y - top)
                if content.cell_length == content_width:
                    return Strip([*left, *content, *right], width)
        seen: list[tuple[int, Strip]] = []

        def content_line(content_y: int) -> Strip:
            strip = render_content_line(content_y)
            seen.append((content_y, strip))
            return strip

        framed = super().render_line(styles, y, size, content_size, padding, base_background, background,
                                     content_line, *rest)
        if not self._learned and len(seen) == 1:
            self._learned = True
            content_y, content = seen[0]
            self._pieces = _pieces(framed, content, y - content_y, content_size, size.width)
        return framed


def _pieces(framed: Strip, content: Strip, top: int, content_size: Size,
            width: int) -> tuple[int, int, list[Segment], list[Segment], int, int] | None:
    """What is left and right of ``content`` in ``framed``, if ``framed`` is exactly the two around it
    (the content's own segments, untouched, between them)."""
    if content.cell_length != content_size.width or framed.cell_length != width:
        return None
    whole, inner = list(framed), list(content)
    for start in range(len(whole) - len(inner) + 1):
        if whole[start:start + len(inner)] == inner:
            return (top, top + content_size.height, whole[:start], whole[start + len(inner):], width,
                    content_size.width)
    return None


class RepeatedLines(StylesCache):
    """``StylesCache`` framing each distinct content line once per ``render`` pass."""

    def __init__(self) -> None:
        super().__init__()
        self._framed: dict[tuple, Strip] | None = None  # content segments → framed line, this pass

    def render(self, styles: Any, *args: Any, **kwargs: Any) -> list[Strip]:
        self._framed = {} if _rows_alike(styles, kwargs.get("padding")) else None
        try:
            return super().render(styles, *args, **kwargs)
        finally:
            self._framed = None

    def render_line(self, styles: Any, y: int, size: Size, content_size: Size, padding: Any,
                    base_background: Any, background: Any, render_content_line: Callable[[int], Strip],
                    *rest: Any) -> Strip:
        framed = self._framed
        if framed is None:
            return super().render_line(styles, y, size, content_size, padding, base_background, background,
                                       render_content_line, *rest)
        content = render_content_line(y)
        key = tuple(content)
        line = framed.get(key)
        if line is None:
            line = framed[key] = super().render_line(styles, y, size, content_size, padding, base_background,
                                                     background, lambda _y: content, *rest)
        return line


def _rows_alike(styles: Any, padding: Any) -> bool:
    """No row above or below the content (border, outline, padding), so that a line's place in the
    widget changes nothing but its content."""
    try:
        top, _right, bottom, _left = padding if padding is not None else styles.padding
        (border_top, _), _, (border_bottom, _), _ = styles.border
        (outline_top, _), _, (outline_bottom, _), _ = styles.outline
        return not (top or bottom or border_top or border_bottom or outline_top or outline_bottom)
    except (AttributeError, TypeError, ValueError):
        return False
