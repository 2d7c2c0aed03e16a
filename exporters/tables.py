"""Fast, print-ready tables: one prototype row, deep-copied per record.

python-docx's ``table.rows[i]`` / ``table.cell()`` rebuild the cell grid on every call (quadratic: a
500 × 8 table took minutes), and auto-fit tables make LibreOffice lay out for minutes. Here every table
is fixed layout with explicit widths summing to the 版心 (measured from the content, in the grid),
header rows (黑体) repeat on every page, rows never split, cells are vertically centred.

A data cell carries only its vertical alignment and a paragraph-style reference (the document's
default paragraph style stays the 三号仿宋 body, ``Normal``). The style holds the fonts (with
``w:eastAsia``), size, alignment, exact line height and ``snapToGrid`` off (so the 28.95 pt body grid
does not inflate rows). Cells leave out ``w:tcW`` (the grid of a fixed table gives the widths). (A table *style* would do the same for every table,
but LibreOffice converts such a document about twice as slowly: it applies the style cell by cell.)
"""
from __future__ import annotations

import math
import re
from copy import deepcopy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from . import words
from .layout import LATIN_FONT, SIZE_S4, TEXT_W, Fonts, pt, safe_text



class StyleFactory(Protocol):
    """Creates (once) and names the styles a table refers to (``GongwenDocument`` is one)."""

    def paragraph_style(self, font: str, size: float, align: str) -> str:
        """The id of a paragraph style formatting table cells (font, size, alignment, exact lines)."""

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ALIGN = {"left": "left", "center": "center", "right": "right", "both": "both"}


@dataclass(frozen=True)
class Column:
    """One column: header text, width in mm (relative: scaled so all columns fill the table width),
    alignment of its cells, and an optional group title shared by neighbouring columns (a two-row
    header such as 县级联系领导 over 姓名 | 职务)."""

    title: str
    width: float  # mm, relative; used as is when the table is empty or ``auto`` is off
    align: str = "center"
    group: str = ""
    min_em: float = 0.0  # at least this many characters wide
    max_em: float = 0.0  # at most (0: no cap); long texts wrap


@dataclass
class TableSpec:
    """What to draw: columns, rows of cell values (str, or anything printable), font sizes in pt."""

    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    size: float = SIZE_S4
    header_size: float | None = None
    width: int = TEXT_W  # twips
    empty_text: str = "无"
    auto: bool = True  # widths from the content (sampled), the way a browser lays out a table
    margin: int = 57  # left and right cell padding, twips
    widths: list[int] = field(default_factory=list)  # explicit twips; empty → computed
    totals: Sequence[str] = ()  # a 合计 row under the data (one value per column), or none


def column_widths(columns: Sequence[Column], total: int) -> list[int]:
    """Relative widths → twips summing exactly to ``total`` (the last column absorbs rounding)."""
    weight = sum(c.width for c in columns) or 1.0
    widths = [int(total * c.width / weight) for c in columns]
    widths[-1] += total - sum(widths)
    return widths


SAMPLE_ROWS = 100
_SLACK = 20  # twips per column, so a word measured to fit exactly is not wrapped by rounding
# Font sizes a table may step down to when its words do not fit across the page at its own size
# (小四, 五号, 小五, 8 pt, 六号): a smaller type rather than an ID number or a date on two lines.
SIZE_STEPS = (12.0, 10.5, 9.0, 8.0, 7.5)


@dataclass(frozen=True)
class TableLayout:
    """Column widths (twips), the body and header font sizes (pt), and each column's room for text
    in ems — what ``table_element`` draws and breaks lines by."""

    widths: list[int]
    size: float
    header_size: float
    rooms: list[float]


def _spread(base: list[float], want: list[float], extra: float) -> list[float]:
    """``base`` plus ``extra`` shared in proportion to ``want`` (never more than wanted)."""
    total = sum(want)
    if total <= 0:
        return list(base)
    share = min(1.0, extra / total)
    return [b + w * share for b, w in zip(base, want)]


def _measure(spec: TableSpec, rows: Sequence[Sequence[object]]
             ) -> tuple[list[float], list[float], list[float], list[list[str]], list[float]]:
    """Per column, in ems: the hard minimum (its longest word: a code, a date, an ID number never
    breaks; a header its longest word), the soft minimum (a header on two lines at a word break,
    three characters of longer Chinese text), the natural width (its longest line unbroken) and a
    code's width (a Latin word: never narrower); and the sampled rows' texts.
    Large tables are sampled: the first rows plus an even spread of the others."""
    step = max(1, (len(rows) - SAMPLE_ROWS) // SAMPLE_ROWS) if rows else 1
    sample = list(rows[:SAMPLE_ROWS]) + list(rows[SAMPLE_ROWS::step])
    hards, softs, maxs, codes = [], [], [], []
    for i, c in enumerate(spec.columns):
        title = safe_text(c.title)
        hard = words.longest_word(title)
        soft = words.fewest_lines_width(title, 2)
        hi = soft
        latin = 0.0
        for row in sample:
            if i >= len(row):
                continue
            text = safe_text(row[i])
            if not text:
                continue
            natural = words.natural(text)
            hi = max(hi, natural)
            if natural <= hard:
                continue
            for line in text.split("\n"):
                for w in words.units(line):
                    ww = words.width(w)
                    if w.isascii():
                        latin = max(latin, ww)
                    hard = max(hard, ww)
            soft = max(soft, natural if natural <= 3 else 3.0)
        if c.max_em:
            hard, soft, hi = min(hard, c.max_em), min(soft, c.max_em), min(hi, c.max_em)
        hard = max(hard, latin, c.min_em)  # a cap never breaks a code
        soft = max(soft, hard)
        hards.append(hard)
        softs.append(soft)
        maxs.append(max(hi, soft))
        codes.append(latin)
    return hards, softs, maxs, [[safe_text(v) for v in row] for row in sample], codes


def table_layout(spec: TableSpec, rows: Sequence[Sequence[object]]) -> TableLayout:
    """How a table is laid across the page: every column gets its hard minimum, then its soft
    minimum as far as space allows, then the rest goes, a whole character at a time, to the columns
    where it takes the most lines off the tallest cells (``_whole_characters``).

    The type steps down (``SIZE_STEPS``) until the soft minimums fit, or at least the hard ones; only
    when not even the smallest type holds every word do words break (the minimums shrink alike)."""
    cols = list(spec.columns)
    header = spec.header_size or spec.size
    if spec.widths or not spec.auto or not rows:
        widths = spec.widths or column_widths(cols, spec.width)
        rooms = [(w - 2 * spec.margin - _SLACK) / (spec.size * 20) for w in widths]
        return TableLayout(widths, spec.size, header, rooms)
    hards, softs, maxs, sample, codes = _measure(spec, rows)
    steps = [spec.size] + [s for s in SIZE_STEPS if s < spec.size]

    def avail(size: float) -> float:
        return (spec.width - len(cols) * (2 * spec.margin + _SLACK)) / (size * 20)

    size = next((s for s in steps if sum(softs) <= avail(s)), None)
    if size is None:
        size = next((s for s in steps if sum(hards) <= avail(s)), steps[-1])
    room = avail(size)
    if sum(hards) >= room:  # not even the smallest type holds every word: Chinese words break, codes never
        floor = [min(h, c) for h, c in zip(hards, codes)]
        give = sum(hards) - sum(floor)
        left = max(0.0, room - sum(floor))
        ems = [f + (h - f) * min(1.0, left / give) if give else h * room / sum(hards)
               for f, h in zip(floor, hards)]
    else:
        ems = _spread(hards, [s - h for h, s in zip(hards, softs)], room - sum(hards))
        # the rest in whole characters, where each takes the most lines off the tallest cells
        ems = _whole_characters(ems, hards, maxs, room, sample)
        if room - sum(ems) > 0.01:  # everything fits on one line: widen all alike
            ems = [e + (room - sum(ems)) * e / sum(ems) for e in ems]
    em_tw = size * 20
    widths = [math.ceil(e * em_tw) + 2 * spec.margin + _SLACK for e in ems]
    widths[-1] += spec.width - sum(widths)
    rooms = [(w - 2 * spec.margin - _SLACK) / em_tw for w in widths]
    return TableLayout(widths, size, header * size / spec.size, rooms)


def auto_widths(spec: TableSpec, rows: Sequence[Sequence[object]]) -> list[int]:
    """Column widths (twips) from the content (``table_layout``)."""
    return table_layout(spec, rows).widths


def broken(value: object, room: float) -> str:
    """A cell's text with its lines broken between words to fit ``room`` ems (the renderer would
    break Chinese anywhere, and a code at its column's edge)."""
    text = safe_text(value)
    if not text or words.natural(text) <= room + 1e-6:
        return text
    return "\n".join(words.wrap(text, room))


def _whole_characters(ems: list[float], hards: list[float], maxs: list[float], avail: float,
                      rows: Sequence[Sequence[str]] = ()) -> list[float]:
    """Widths that hold whole characters, given out where they make the table shortest.

    A column of Chinese text 2.9 em wide sets two characters a line, no more than one 2 em wide, so
    the 0.9 em is wasted while a neighbour wraps for want of it: columns whose text wraps are rounded
    down to whole ems (never below their hard minimum, which may be fractional: an ID number). What
    that frees goes back a whole character at a time to the column where it takes the most lines
    off the table — the sum over the (sampled) rows of each row's tallest cell, lines counted as
    the text will be broken (``exporters.words``) — for the least width."""
    out = [m if e >= m - 1e-6 else max(h, math.floor(e + 1e-6)) for e, h, m in zip(ems, hards, maxs)]
    spare = avail - sum(out)
    n = len(out)
    texts = [[str(row[i]) if i < len(row) else "" for i in range(n)] for row in rows]
    cache: dict[tuple[int, int, float], int] = {}

    def lines(i: int, r: int, width: float) -> int:
        key = (i, r, width)
        got = cache.get(key)
        if got is None:
            text = texts[r][i]
            got = 1 if not text or words.natural(text) <= width + 1e-6 else words.lines_needed(text, width)
            cache[key] = got
        return got

    while spare > 1e-6 and texts:
        per_row = [[lines(i, r, out[i]) for i in range(n)] for r in range(len(texts))]
        heights = [max(row) for row in per_row]
        best: tuple[float, int, float, int, float] | None = None  # (gain/em, gain, -cost, -index, width)
        for i in range(n):
            if out[i] >= maxs[i] - 1e-6:
                continue
            # what the row would be without this column: its tallest other cell
            others = [max((c for j, c in enumerate(row) if j != i), default=1) for row in per_row]
            w = math.floor(out[i] + 1e-6)
            while True:
                w = min(w + 1, maxs[i])
                cost = w - out[i]
                if cost > spare + 1e-6:
                    break
                gain = sum(h - max(o, lines(i, r, w)) for r, (h, o) in enumerate(zip(heights, others)))
                if gain > 0:
                    key = (gain / cost, gain, -cost, -i, w)
                    if best is None or key > best:
                        best = key
                    break  # the narrowest width that takes lines off
                if w >= maxs[i] - 1e-6:
                    break
        if best is None:
            break
        i, target = -best[3], best[4]
        spare -= target - out[i]
        out[i] = target
    return out


def escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_rpr(font: str, size: float, bold: bool = False) -> str:
    """Run properties stated in full (forms, and the paragraph styles of data tables)."""
    half = round(size * 2)
    return (f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}" '
            f'w:cs="{LATIN_FONT}"/>{"<w:b/>" if bold else ""}<w:spacing w:val="0"/><w:kern w:val="0"/>'
            f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>')


def cell_ppr(size: float, align: str) -> str:
    """Paragraph properties of a cell: exact line height 1.3 × the font size (predictable rows in
    Word, WPS and LibreOffice alike), no grid, no indent."""
    return (f'<w:pPr><w:widowControl w:val="0"/><w:overflowPunct w:val="1"/><w:snapToGrid w:val="0"/>'
            f'<w:spacing w:before="0" w:after="0" w:line="{pt(size * 1.3)}" w:lineRule="exact"/>'
            f'<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="{_ALIGN.get(align, "center")}"/></w:pPr>')


class CellTemplate:
    """One column's cell as text: prefix + escaped text + suffix. ``ppr``/``rpr`` are either full
    properties (forms) or just a ``w:pStyle`` reference with no run properties (data tables)."""

    def __init__(self, width: int | None, ppr: str, rpr: str = "", span: int = 1, vmerge: str = "") -> None:
        extra = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
            '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>" if vmerge else "")
        tcw = f'<w:tcW w:w="{width}" w:type="dxa"/>' if width is not None else ""
        self.prefix = f'<w:tc><w:tcPr>{tcw}{extra}<w:vAlign w:val="center"/></w:tcPr><w:p>{ppr}'
        self.ppr = ppr
        self.rpr = rpr
        self.run_open = f'<w:r>{rpr}<w:t xml:space="preserve">'
        self.run_close = "</w:t></w:r>"
        self.suffix = "</w:p></w:tc>"

    def render(self, value: object) -> str:
        text = safe_text(value)
        if not text:
            return self.prefix + self.run_open + self.run_close + self.suffix
        # several lines: a paragraph each (see ``_set_text``)
        between = self.run_close + "</w:p><w:p>" + self.ppr + self.run_open
        body = between.join(escape_xml(t) for t in text.split("\n"))
        return self.prefix + self.run_open + body + self.run_close + self.suffix


def _style_ppr(style_id: str | None) -> str:
    return f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""




def _header_rows(spec: TableSpec, head_ppr: str, layout: TableLayout) -> list[str]:
    size, widths = layout.header_size, layout.widths
    em_tw = size * 20

    def title(text: str, width: int) -> str:  # broken between words, like the cells
        return broken(text, (width - 2 * spec.margin - _SLACK) / em_tw)

    row_open = (f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{pt(size * 2.2)}" w:hRule="atLeast"/>'
                f"<w:tblHeader/></w:trPr>")
    cols = list(spec.columns)
    if not any(c.group for c in cols):
        return [row_open + "".join(CellTemplate(w, head_ppr).render(title(c.title, w)) for c, w in zip(cols, widths))
                + "</w:tr>"]
    top, bottom = [], []
    i = 0
    while i < len(cols):
        c = cols[i]
        if not c.group:
            top.append(CellTemplate(widths[i], head_ppr, vmerge="restart").render(title(c.title, widths[i])))
            bottom.append(CellTemplate(widths[i], head_ppr, vmerge="continue").render(""))
            i += 1
            continue
        j = i
        while j < len(cols) and cols[j].group == c.group:
            bottom.append(CellTemplate(widths[j], head_ppr).render(title(cols[j].title, widths[j])))
            j += 1
        top.append(CellTemplate(sum(widths[i:j]), head_ppr, span=j - i).render(title(c.group, sum(widths[i:j]))))
        i = j
    return [row_open + "".join(top) + "</w:tr>", row_open + "".join(bottom) + "</w:tr>"]


_T = qn("w:t")
_EDGE_SPACE = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")  # a value starting or ending with whitespace
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _set_text(t, value: object) -> None:
    """Put a value into a prototype's ``w:t``: the fast path is a plain assignment; text lxml refuses
    (control characters, lone surrogates) is cleaned and retried; several lines get ``w:br``."""
    text = value if type(value) is str else ("" if value is None else str(value))
    t.set(_SPACE, "preserve")
    if "\n" in text:
        # one paragraph a line, not line breaks: LibreOffice sets lines after a w:br closer than the
        # paragraph's exact line height, and the page count (exporters/pages.py) must be right
        first, *rest = safe_text(text).split("\n")
        t.text = first
        p = t.getparent().getparent()
        anchor = p
        for line in rest:
            np = deepcopy(p)
            next(np.iter(_T)).text = line
            anchor.addnext(np)
            anchor = np
        return
    try:
        t.text = text
    except (ValueError, UnicodeEncodeError):
        t.text = safe_text(text)


def table_element(spec: TableSpec, fonts: Fonts, styles: StyleFactory,
                  progress: Callable[[int], None] | None = None, place: Callable[[object], None] | None = None):
    """The table as an lxml element.

    Frame and header rows are parsed from a string; each data row is a deep copy of one prototype
    row whose texts are then set (what python-docx itself would do at its fastest). ``place`` puts the
    frame into the document *before* the rows are added: moving a finished 30,000-cell table into
    another lxml document walks every node again (a quarter of a second for a 1,500-row roster)."""

    rows = spec.rows if isinstance(spec.rows, list) else list(spec.rows)
    layout = table_layout(spec, rows)
    widths, size = layout.widths, layout.size
    rooms = layout.rooms
    # Lines broken between words here: the renderer would break Chinese anywhere (县委办/公室).
    rows = [[broken(v, rooms[i]) if i < len(rooms) else v for i, v in enumerate(row)] for row in rows]
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    head_ppr = _style_ppr(styles.paragraph_style(fonts.heading1, layout.header_size, "center"))
    frame = (
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="{spec.margin}" w:type="dxa"/>'
        f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="{spec.margin}" w:type="dxa"/></w:tblCellMar>'
        f'<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
        + "".join(_header_rows(spec, head_ppr, layout)) + "</w:tbl>")
    tbl = parse_xml(frame.encode("utf-8"))
    if place is not None:
        place(tbl)
    cells = [CellTemplate(None, _style_ppr(styles.paragraph_style(fonts.body, size, c.align)))
             for c in spec.columns]
    row_open = f'<w:tr xmlns:w="{W_NS}"><w:trPr><w:cantSplit/></w:trPr>'
    if not rows:
        empty = CellTemplate(sum(widths), cells[0].ppr, span=len(cells))
        tbl.append(parse_xml((row_open + empty.render(spec.empty_text) + "</w:tr>").encode("utf-8")))
        return tbl
    # the prototype's w:t carry no xml:space: set only on the rare value with edge whitespace
    proto = parse_xml((row_open + "".join(c.render("") for c in cells) + "</w:tr>")
                      .replace(' xml:space="preserve"', "").encode("utf-8"))
    # Adopt the prototype into the document first (as python-docx's own rows are): copies of a node
    # from the same document move into the table without a namespace fix-up of every element.
    tbl.append(proto)
    tbl.remove(proto)
    append = tbl.append
    for count, row in enumerate(rows, 1):
        tr = deepcopy(proto)
        try:
            # the fast path, one check per row: plain strings, one line each, no edge whitespace
            joined = "\x00".join(row)  # TypeError for a value that is not a string
            if "\n" in joined or _EDGE_SPACE.search(joined):
                raise TypeError
            for t, value in zip(tr.iter(_T), row):
                if value:
                    t.text = value  # ValueError / UnicodeEncodeError for what XML cannot hold
        except (TypeError, ValueError, UnicodeEncodeError):
            for t, value in zip(tr.iter(_T), row):
                if value or value == 0:
                    _set_text(t, value)
        append(tr)
        if progress is not None and count % 250 == 0:
            progress(count)
    if spec.totals:
        # 合计: in the header's type, the figures under their columns
        total_cells = [CellTemplate(None, head_ppr) for _ in spec.columns]
        tbl.append(parse_xml((row_open + "".join(
            t.render(broken(v, rooms[i])) for i, (t, v) in enumerate(zip(total_cells, spec.totals)))
            + "</w:tr>").encode("utf-8")))
    return tbl
