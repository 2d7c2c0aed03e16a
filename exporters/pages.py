"""How many pages a document being built takes, worked out from its XML the way the renderer sets it.

The 版记 belongs on an even page, the back of a sheet (GB/T 9704). An ``evenPage`` section break
would do it in Word, but LibreOffice leaves the blank page it implies out of a PDF (the 版记 then
prints on an odd sheet), so the builder puts in a real blank page when the count says so — and the
count must be right. Every paragraph here states an exact line height and every table row its lines
(cells are broken into lines by the builder itself, ``exporters.words``), rows never split and
header rows repeat, so the count is arithmetic: lines × line height, rows × their lines, sections
starting new pages, keep-with-next chains moving together. Checked against LibreOffice's own page
count in tests/test_export_pages.py.
"""
from __future__ import annotations

import math

from docx.oxml.ns import qn

from . import layout as L
from . import words

_P, _TBL, _PPR, _SECT = qn("w:p"), qn("w:tbl"), qn("w:pPr"), qn("w:sectPr")


def _int(el, attr: str, default: int = 0) -> int:
    if el is None:
        return default
    v = el.get(qn(attr))
    try:
        return int(float(v)) if v is not None else default
    except ValueError:
        return default


class Styles:
    """Line height and font size of each paragraph style (cells refer to one, or to the default)."""

    def __init__(self, styles_el) -> None:
        self.line: dict[str | None, int] = {}
        self.size: dict[str | None, float] = {}
        default_id = None
        for st in styles_el.iter(qn("w:style")):
            if st.get(qn("w:type")) != "paragraph":
                continue
            sid = st.get(qn("w:styleId"))
            sp = st.find(f"{_PPR}/{qn('w:spacing')}")
            sz = st.find(f"{qn('w:rPr')}/{qn('w:sz')}")
            if sp is not None and sp.get(qn("w:line")):
                self.line[sid] = _int(sp, "w:line")
            if sz is not None:
                self.size[sid] = _int(sz, "w:val") / 2
            if st.get(qn("w:default")) == "1":
                default_id = sid
        self.line[None] = self.line.get(default_id, L.LINE_TWIPS)
        self.size[None] = self.size.get(default_id, L.SIZE_3)


def _run_width(r, size: float) -> tuple[list[float], float]:
    """Widths (twips) of the pieces of one run between line breaks, and its font size."""
    rpr = r.find(qn("w:rPr"))
    sz = rpr.find(qn("w:sz")) if rpr is not None else None
    if sz is not None:
        size = _int(sz, "w:val") / 2
    sp = rpr.find(qn("w:spacing")) if rpr is not None else None
    spacing = _int(sp, "w:val") if sp is not None else 0
    pieces, text = [0.0], ""
    for el in r:
        if el.tag == qn("w:t"):
            text += el.text or ""
        elif el.tag == qn("w:br"):
            pieces[-1] += words.width(text) * size * 20 + spacing * len(text)
            pieces.append(0.0)
            text = ""
        elif el.tag == qn("w:tab"):
            pieces[-1] += 1e9  # a tab to the right edge: the rest of the line (a 签发人 line)
    pieces[-1] += words.width(text) * size * 20 + spacing * len(text)
    return pieces, size


def paragraph_lines(p, width: int, styles: Styles) -> tuple[int, int]:
    """(lines, line height in twips) of paragraph ``p`` set ``width`` twips wide."""
    ppr = p.find(_PPR)
    style = None
    line = None
    left = right = first = 0
    if ppr is not None:
        ps = ppr.find(qn("w:pStyle"))
        style = ps.get(qn("w:val")) if ps is not None else None
        sp = ppr.find(qn("w:spacing"))
        if sp is not None and sp.get(qn("w:line")):
            line = _int(sp, "w:line")
        ind = ppr.find(qn("w:ind"))
        left, right = _int(ind, "w:left"), _int(ind, "w:right")
        first = _int(ind, "w:firstLine") - _int(ind, "w:hanging")
    if line is None:
        line = styles.line.get(style, styles.line[None])
    size = styles.size.get(style, styles.size[None])
    widths = [0.0]
    for r in p.iter(qn("w:r")):
        pieces, _ = _run_width(r, size)
        widths[-1] += pieces[0]
        widths.extend(pieces[1:])
    avail = max(1, width - left - right)
    lines = 0
    for n, w in enumerate(widths):
        if w >= 1e9:  # a right tab: one line
            lines += 1
            continue
        room = avail - (first if n == 0 else 0)
        lines += 1 if w <= room + 1 else 1 + math.ceil((w - room) / avail)
    return max(1, lines), line


class _Page:
    def __init__(self, height: int) -> None:
        self.height = height
        self.pages = 0
        self.used = 0

    def new(self) -> None:
        self.pages += 1
        self.used = 0

    def place(self, h: int) -> None:
        """A block that may not be split: on this page if it fits, else on the next."""
        if self.pages == 0:
            self.new()
        if self.used and self.used + h > self.height:
            self.new()
        self.used += h

    def flow(self, lines: int, line: int) -> None:
        """Lines that may run over to the next page (widow control is off)."""
        if self.pages == 0:
            self.new()
        for _ in range(lines):
            if self.used + line > self.height + 1:
                self.new()
            self.used += line


def _table(tbl, page: _Page, styles: Styles) -> None:
    tblpr = tbl.find(qn("w:tblPr"))
    if tblpr is not None and tblpr.find(qn("w:tblpPr")) is not None:
        return  # a floating table (the 版记 at the bottom) takes no room in the flow
    mar = tblpr.find(qn("w:tblCellMar")) if tblpr is not None else None
    pad_v = _int(mar.find(qn("w:top")) if mar is not None else None, "w:w") + \
        _int(mar.find(qn("w:bottom")) if mar is not None else None, "w:w")
    pad_h = _int(mar.find(qn("w:left")) if mar is not None else None, "w:w", 108) + \
        _int(mar.find(qn("w:right")) if mar is not None else None, "w:w", 108)
    grid = [_int(g, "w:w") for g in tbl.iter(qn("w:gridCol"))]
    header = 0
    for tr in tbl.findall(qn("w:tr")):
        trpr = tr.find(qn("w:trPr"))
        h_el = trpr.find(qn("w:trHeight")) if trpr is not None else None
        exact = h_el is not None and h_el.get(qn("w:hRule")) == "exact"
        height = _int(h_el, "w:val")
        if not exact:
            col = 0
            for tc in tr.findall(qn("w:tc")):
                span = _int(tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}"), "w:val", 1)
                width = sum(grid[col:col + span]) - pad_h
                col += span
                content = 0
                for p in tc.findall(_P):
                    n, line = paragraph_lines(p, width, styles)
                    content += n * line
                height = max(height, content + pad_v + 20)  # the borders above and below (½ pt each)
        is_header = trpr is not None and trpr.find(qn("w:tblHeader")) is not None
        if is_header:
            header += height
            page.place(height)
            continue
        before = page.pages
        page.place(height)
        if page.pages != before and header:  # a new page: the header rows repeat first
            page.used += header


def _geometry(sect) -> tuple[int, int]:
    sz, mar = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    w, h = _int(sz, "w:w", L.PAGE_W), _int(sz, "w:h", L.PAGE_H)
    return (w - _int(mar, "w:left") - _int(mar, "w:right"), h - _int(mar, "w:top") - _int(mar, "w:bottom"))


def count_pages(document) -> int:
    """Pages of ``document`` (a python-docx Document) as far as it is built."""
    return _simulate(document, None)[0]


def room_before(document, element) -> int:
    """Height (twips) left on the page where ``element`` would start if nothing held it back:
    what the blocks before it leave of their last page."""
    return _simulate(document, element)[1]


def page_of(document, element) -> int:
    """The page (from 1) on which ``element`` would start if nothing held it back."""
    return _simulate(document, element)[0]


def _simulate(document, stop) -> tuple[int, int]:
    body = document.element.body
    styles = Styles(document.styles.element)
    sections: list[tuple[list, object]] = []
    blocks: list = []
    for el in body:
        if el.tag == _SECT:
            continue
        blocks.append(el)
        if el.tag == _P:
            sect = el.find(f"{_PPR}/{_SECT}")
            if sect is not None:
                sections.append((blocks, sect))
                blocks = []
    sections.append((blocks, body.sectPr))
    total = 0
    for blocks, sect in sections:
        width, height = _geometry(sect)
        page = _Page(height)
        chain: list[tuple[int, int]] = []  # keep-with-next paragraphs waiting for the next block
        for el in blocks:
            if el is stop:
                for n, h in chain:
                    page.flow(n, h)
                if page.pages == 0:
                    page.new()
                return total + page.pages, page.height - page.used
            if el.tag == _TBL:
                for lines, line in chain:
                    page.flow(lines, line)
                chain = []
                _table(el, page, styles)
                continue
            ppr = el.find(_PPR)
            if ppr is not None and ppr.find(qn("w:pageBreakBefore")) is not None and page.pages:
                for lines, line in chain:
                    page.flow(lines, line)
                chain = []
                page.new()
            lines, line = paragraph_lines(el, width, styles)
            chain.append((lines, line))
            if ppr is not None and ppr.find(qn("w:keepNext")) is not None:
                continue
            block = sum(n * h for n, h in chain)
            if len(chain) > 1 and block <= height:
                page.place(block)
            else:
                for n, h in chain:
                    page.flow(n, h)
            chain = []
        for n, h in chain:
            page.flow(n, h)
        total += max(1, page.pages)
    return total, 0
