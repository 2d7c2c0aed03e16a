"""Horizontal bar charts drawn with block characters (eighths, so small counts still show)."""
from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, maximum: float, width: int) -> str:
    """A bar ``width`` cells long at ``maximum``; a non-zero value always shows at least ▏."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def pad(text: str, width: int) -> str:
    """Pad to ``width`` terminal cells (CJK characters are two cells)."""
    return text + " " * max(0, width - cell_len(text))


def bar_line(label: str, value: int, maximum: int, *, label_width: int, bar_width: int,
             style: str = "") -> Content:
    """``整顿中  ██████▍ 5``: label padded in cells, the bar, then the number."""
    b = bar(value, maximum, bar_width)
    return Content.assemble(
        Content(pad(label, label_width)),
        Content.styled(pad(b, bar_width + 1), style or "$accent"),
        Content.styled(str(value), "bold"),
    )
