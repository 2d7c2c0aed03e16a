"""The cards' label–value panels (tui/widgets/facts.py) draw what the Rich grid they replace drew —
the same lines at every width (labels never wrap, values fold under themselves, a date is one word),
the labels bold and the values in their own styles."""
from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from tui.widgets.facts import Facts

ROWS = [("乡镇", "青石镇"), ("人口/户数", Text("1300人 / 405户", style="red")),
        ("党员", "正式50名，预备2名（共52名）"), ("标签", "—"), ("[bold]备注", "[red]不是标记"),
        ("逾期", Text.assemble(("完善村规民约并公示很长很长的问题描述", "bold red"), (" 期限2026-05-07 张三", "red"))),
        ("备注", "第一行\n第二行 with english words that wrap nicely")]


def _grid(rows, gap: int, label_style: str) -> Table:  # noqa: ANN001
    grid = Table.grid(padding=(0, gap))
    grid.add_column(style=label_style, no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label if isinstance(label, Text) else Text(label), value if isinstance(value, Text) else Text(value))
    return grid


def _lines(renderable, width: int) -> list[list[tuple[str, object]]]:  # noqa: ANN001
    console = Console(width=width, file=io.StringIO(), color_system="truecolor")
    return [[(s.text, s.style) for s in Segment.simplify(line)]
            for line in console.render_lines(renderable, console.options.update_width(width), pad=True)]


def _visible(lines: list[list[tuple[str, object]]]) -> list[list[tuple[str, object]]]:
    """Each line's characters with their styles, blanks without (a style on padding shows nothing)."""
    return [[(ch, style if ch.strip() else None) for text, style in line for ch in text] for line in lines]


@pytest.mark.parametrize("width", [20, 26, 33, 40, 56, 80, 120])  # a card panel is never narrower
def test_facts_draw_what_the_grid_drew(width: int) -> None:
    findings = [(Text.assemble(("错误", "bold red"), (" R4", "dim")), Text("两委班子成员不足3人，很长的消息需要折行显示")),
                (Text.assemble(("提示", "cyan"), (" R16", "dim")), Text("短"))]
    assert _visible(_lines(Facts(ROWS), width)) == _visible(_lines(_grid(ROWS, 2, "bold"), width))
    assert _visible(_lines(Facts(findings, gap=1, label_style=""), width)) == \
        _visible(_lines(_grid(findings, 1, ""), width))


def test_facts_keep_every_value_style() -> None:
    lines = _lines(Facts(ROWS), 80)
    assert any(text.startswith("1300人") and style is not None and style.color.name == "red"
               for text, style in lines[1])
    assert lines[0][0][1].bold and "乡镇" in lines[0][0][0]
    assert any("[red]不是标记" in text for line in lines for text, _ in line)  # text, never markup
