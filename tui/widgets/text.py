"""Text measured in terminal cells: a CJK character is two cells wide, so ``len()`` never decides
where text is cut (STYLE.md). Cut text always ends in ``…`` and the full value is shown elsewhere."""
from __future__ import annotations

from rich.cells import cell_len


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in ``…`` when cut (one line: newlines become spaces)."""
    if "\n" in text:
        text = text.replace("\n", " ")
    if 2 * len(text) <= width or cell_len(text) <= width:  # no character is wider than two cells
        return text
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"
