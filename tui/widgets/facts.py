"""Label–value lines for the read-only cards (village, case, posting): the labels in one bold column
that never wraps, each value folded under itself (CJK has no spaces to wrap at), two cells between.

This is what ``Table.grid(padding=(0, 2))`` with a no-wrap label column and a fold value column drew;
a table measures every cell and distributes widths for each render (and Textual renders a card
twice a frame: for its height, then its lines) — ~2 ms a panel, a fifth of opening a village card
at prefecture scale. Here a label's width is counted once and each value wrapped once per width.
User text enters as ``Text`` (never markup).
"""
from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text


class Facts:
    """``rows`` of (label, value); ``gap`` cells between the columns; labels in ``label_style``."""

    def __init__(self, rows: Iterable[tuple[str | Text, str | Text]], *, gap: int = 2,
                 label_style: str = "bold") -> None:
        self.rows = [(label if isinstance(label, Text) else Text(label),
                      value if isinstance(value, Text) else Text(value)) for label, value in rows]
        self.gap = gap
        self.label_style = label_style
        self.label_width = max((label.cell_len for label, _ in self.rows), default=0)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if not self.rows:
            return Measurement(0, 0)
        widest = max(max((cell_len(line) for line in value.plain.split("\n")), default=0) for _, value in self.rows)
        lead = self.label_width + self.gap
        return Measurement(min(lead + 1, options.max_width), min(lead + widest, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.rows:
            return
        lead = self.label_width + self.gap
        width = options.max_width
        value_width = max(1, width - lead)
        label_style = console.get_style(self.label_style) if self.label_style else Style.null()
        blank = Segment(" " * lead)
        new_line = Segment.line()
        for label, value in self.rows:
            # As a table cell: the label's column style under its own, over its padding and the gap.
            label = label.copy()
            label.truncate(self.label_width, pad=True)
            label.append(" " * self.gap)
            head = list(Segment.apply_style(label.render(console), label_style + console.get_style(label.style)))
            base = console.get_style(value.style) if value.style else None
            for n, line in enumerate(value.wrap(console, value_width, overflow="fold")):
                line.rstrip()
                yield from head if n == 0 else (blank,)
                # ``Text.render`` leaves a text's own (base) style out: under its spans, as Rich paints it.
                yield from Segment.apply_style(line.render(console), base) if base else line.render(console)
                yield new_line


def facts(rows: Iterable[tuple[str, str | Text]]) -> Facts:
    """Label / value pairs; labels never wrap, values fold (CJK has no spaces to wrap at)."""
    return Facts(rows)
