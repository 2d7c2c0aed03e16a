"""Updating a Static without laying the screen out again when its size holds.

``Static.update`` asks for a layout of the whole screen by default. On a filter keystroke the status
line, the matrix's summary and its detail line are all updated; each layout cost as much as
repainting the list, though their size rarely changes. Laid out again here only when the new content
takes another number of lines at the widget's width (or the widget sizes itself to its content).
"""
from __future__ import annotations

from typing import Any

from textual.widgets import Static


def _auto_width(static: Static) -> bool:
    width = static.styles.width  # None: not set, the widget fills its container's width
    return width is not None and width.is_auto


def update_static(static: Static, content: Any) -> None:
    """``static.update(content)``, with a layout only when the height changes."""
    width = static.content_region.width
    old = static.visual
    if width <= 0 or old is None or _auto_width(static) or not hasattr(old, "get_height"):
        static.update(content)
        return
    static.update(content, layout=False)
    new = static.visual
    if new is None or not hasattr(new, "get_height") or \
            new.get_height(static.styles, width) != old.get_height(static.styles, width):
        static.refresh(layout=True)
