"""The GB/T 9704-2012 通用格式 builder: one class every formal document is made with.

``GongwenDocument`` owns a python-docx ``Document`` whose template defaults are cleared (no space
after, no theme fonts, no widow control), sets the A4 page with the 22 × 28 grid, and appends the
elements top to bottom: 版头, 标题, 主送机关, 正文 with its four heading levels, 附件说明, 署名 and
成文日期, 附注, attachments (each on a new page; wide tables in a landscape section), the 版记 at the
bottom of the last page, and page numbers ``— N —`` (odd right, even left). See ../shared/GONGWEN.md.

Paragraphs are written as XML (one parse each) so every property is explicit and every run of the
text names its East Asian font: what Word, WPS and LibreOffice show does not depend on their defaults.
Table cells take theirs from paragraph styles (see ``tables``).
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from . import layout as L
from .layout import Fonts, mm, pt, safe_text
from .pages import Styles, count_pages, page_of, paragraph_lines, room_before
from .tables import W_NS, TableSpec, cell_ppr, cell_rpr, table_element

_NS = f'xmlns:w="{W_NS}"'
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
CHAR_TW = pt(L.SIZE_3 + L.CHAR_SPACING)  # one 三号 character on the grid (15.75 pt)
EM_4 = pt(L.SIZE_4)  # one 四号 character (版记 and page-number gaps)


# Word's default (punctuation may hang in the margin) stated explicitly: LibreOffice (7.4 and later)
# imports w:overflowPunct inverted, so "1" is the one value on which Word, WPS and LibreOffice agree;
# with "0" LibreOffice hangs every closing mark and lines show 29 characters.
OVERFLOW_PUNCT = '<w:overflowPunct w:val="1"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def run(text: str, font: str, size: float = L.SIZE_3, *, color: str = "", spacing: float | None = None,
        bold: bool = False) -> str:
    """One ``w:r`` with explicit Latin and East Asian fonts (``font.name`` alone misses Chinese)."""
    half = round(size * 2)
    sp = L.CHAR_SPACING if spacing is None and size == L.SIZE_3 else (spacing or 0.0)
    lines = safe_text(text).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{_esc(t)}</w:t>' for t in lines)
    return (f'<w:r><w:rPr><w:rFonts w:ascii="{L.LATIN_FONT}" w:hAnsi="{L.LATIN_FONT}" w:eastAsia="{_esc(font)}" '
            f'w:cs="{L.LATIN_FONT}"/>{"<w:b/><w:bCs/>" if bold else ""}'
            f'{f"<w:color w:val={chr(34)}{color}{chr(34)}/>" if color else ""}'
            f'<w:spacing w:val="{pt(sp)}"/><w:kern w:val="0"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
            f'</w:rPr>{body}</w:r>')


def ppr(*, align: str = "both", first_line: int = 0, left: int = 0, right: int = 0, hanging: int = 0,
        line: int = L.LINE_TWIPS, snap: bool = True, keep_next: bool = False, page_break: bool = False,
        border_bottom: str = "", tabs: str = "") -> str:
    """A ``w:pPr`` in schema order; every paragraph states its exact line height and indents."""
    ind = f'<w:ind w:left="{left}" w:right="{right}" ' + (
        f'w:hanging="{hanging}"/>' if hanging else f'w:firstLine="{first_line}"/>')
    return ('<w:pPr><w:pStyle w:val="Normal"/>' + ("<w:keepNext/>" if keep_next else "")
            + ("<w:pageBreakBefore/>" if page_break else "")
            + '<w:widowControl w:val="0"/>' + border_bottom + tabs + OVERFLOW_PUNCT
            + ("" if snap else '<w:snapToGrid w:val="0"/>')
            + f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'
            + ind + f'<w:jc w:val="{align}"/></w:pPr>')


def paragraph_xml(runs: str, p: str) -> str:
    return f"<w:p {_NS}>{p}{runs}</w:p>"


class GongwenDocument:
    """A formal document being built; call the element methods in reading order, then ``document``."""

    def __init__(self, fonts: Fonts | None = None, *, landscape: bool = False) -> None:
        self.fonts = fonts or Fonts()
        self.doc: DocxDocument = Document()
        self.body = self.doc.element.body
        for p in list(self.body.iterchildren(qn("w:p"))):
            self.body.remove(p)
        self._reset_styles()
        self.landscape = landscape
        self._cell_styles: dict[tuple[str, float, str], str] = {}
        self._setup_section(self.body.sectPr, landscape=landscape)
        self._page_numbers()

    # ------------------------------------------------------------ set-up

    def _reset_styles(self) -> None:
        """Clear python-docx's template defaults: theme fonts, space after, Japanese fallback."""
        styles = self.doc.styles.element
        for rfonts in styles.iter(qn("w:rFonts")):
            for attr in list(rfonts.attrib):
                if attr.endswith("Theme") or attr.endswith("theme"):
                    del rfonts.attrib[attr]
        defaults = styles.find(qn("w:docDefaults"))
        f = self.fonts
        new = parse_xml(
            f'<w:docDefaults {_NS}><w:rPrDefault><w:rPr><w:rFonts w:ascii="{L.LATIN_FONT}" '
            f'w:hAnsi="{L.LATIN_FONT}" w:eastAsia="{_esc(f.body)}" w:cs="{L.LATIN_FONT}"/>'
            f'<w:spacing w:val="{pt(L.CHAR_SPACING)}"/><w:kern w:val="0"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
            f'<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            f'</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/>{OVERFLOW_PUNCT}'
            # no snapping to the line grid: body lines are exact 28.95 pt anyway (22 a page), and a
            # snapped line in a table cell would take a whole 10.2 mm grid line
            f'<w:snapToGrid w:val="0"/>'
            f'<w:spacing w:before="0" w:after="0" w:line="{L.LINE_TWIPS}" w:lineRule="exact"/>'
            f'<w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>')
        if defaults is not None:
            defaults.addprevious(new)
            styles.remove(defaults)
        else:
            styles.insert(0, new)
        # Normal states nothing: the 三号仿宋 body lives in the document defaults (each text paragraph
        # names Normal and states its own properties; see ``paragraph_style`` for why).
        normal = self.doc.styles["Normal"].element
        for child in list(normal):
            if child.tag in (qn("w:pPr"), qn("w:rPr")):
                normal.remove(child)
        settings = self.doc.settings.element
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        self.doc.settings.odd_and_even_pages_header_footer = True

    def _setup_section(self, sect, *, landscape: bool) -> None:
        """Page size, margins, footer distance and the line grid of one section."""
        for tag in ("w:pgSz", "w:pgMar", "w:cols", "w:docGrid"):
            for el in sect.findall(qn(tag)):
                sect.remove(el)
        top, bottom, left, right = L.LANDSCAPE_MARGINS if landscape else L.PORTRAIT_MARGINS
        w, h = (L.PAGE_H, L.PAGE_W) if landscape else (L.PAGE_W, L.PAGE_H)
        # The page number's line (exact 16 pt) starts 7 mm below the 版心.
        footer = bottom - mm(7) - pt(16)
        orient = ' w:orient="landscape"' if landscape else ""
        for el in (f'<w:pgSz {_NS} w:w="{w}" w:h="{h}"{orient}/>',
                   f'<w:pgMar {_NS} w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" '
                   f'w:header="{mm(15)}" w:footer="{footer}" w:gutter="0"/>',
                   f'<w:cols {_NS} w:space="425"/>',
                   f'<w:docGrid {_NS} w:type="lines" w:linePitch="{L.LINE_TWIPS}"/>'):
            sect.append(parse_xml(el))
        self._order_sectpr(sect)

    @staticmethod
    def _order_sectpr(sect) -> None:
        order = ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
                 "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
                 "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"]
        children = sorted(sect, key=lambda el: order.index(el.tag.split("}")[1])
                          if el.tag.split("}")[1] in order else len(order))
        for el in children:
            sect.append(el)

    def _page_field(self) -> str:
        """``— N —`` runs: 四号半角宋体 (the digits' Latin font is 宋体 too), N a PAGE field."""
        font = self.fonts.page_number
        rpr = (f'<w:rPr><w:rFonts w:ascii="{_esc(font)}" w:hAnsi="{_esc(font)}" w:eastAsia="{_esc(font)}" '
               f'w:cs="{_esc(font)}"/><w:spacing w:val="0"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>')
        return "".join(f"<w:r>{rpr}{inner}</w:r>" for inner in (
            '<w:t xml:space="preserve">— </w:t>', '<w:fldChar w:fldCharType="begin"/>',
            '<w:instrText xml:space="preserve"> PAGE </w:instrText>', '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>1</w:t>", '<w:fldChar w:fldCharType="end"/>', '<w:t xml:space="preserve"> —</w:t>'))

    @staticmethod
    def _number_ppr(align: str) -> str:
        return ppr(align=align, left=EM_4 if align == "left" else 0, right=EM_4 if align == "right" else 0,
                   line=pt(16), snap=False)

    def _set_footers(self, section, content: dict[str, str]) -> None:
        """Own (unlinked) odd and even footers for ``section``, each one paragraph of XML."""
        for footer, key in ((section.footer, "odd"), (section.even_page_footer, "even")):
            footer.is_linked_to_previous = False
            el = footer._element
            for child in list(el):
                el.remove(child)
            el.append(parse_xml(content[key]))

    def _page_numbers(self) -> None:
        """``— N —`` in 四号 宋体: odd pages right, even pages left, one character in."""
        fld = self._page_field()
        self._set_footers(self.doc.sections[0], {"odd": paragraph_xml(fld, self._number_ppr("right")),
                                                 "even": paragraph_xml(fld, self._number_ppr("left"))})

    def _landscape_page_numbers(self, section) -> None:
        """Page numbers of a landscape page where they are on every other page of the bound document
        (GB/T 9704 §10: 横排表格的页码位置与公文其他页码保持一致; 单页码表头在订口一边，双页码表头
        在切口一边): the table's top faces the left edge of the sheet as bound, so the portrait page's
        foot is the landscape page's left edge — the number runs down it, 7 mm outside the 版心, at the
        bottom end on odd pages and the top end on even ones, one character in."""
        top, bottom, left, _right = L.LANDSCAPE_MARGINS
        emu = 635  # EMU per twip
        line = pt(16)
        x = left - mm(7) - line  # the portrait foot: 7 mm below the 版心, turned
        height = L.PAGE_W - top - bottom  # the 版心's height on the landscape page
        fld = self._page_field()
        boxes = {}
        for key, align, n in (("odd", "right", 1), ("even", "left", 2)):
            box = (
                f'<w:r><w:drawing><wp:anchor xmlns:wp="{WP_NS}" distT="0" distB="0" distL="0" distR="0" '
                f'simplePos="0" relativeHeight="{n}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
                f'<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="page"><wp:posOffset>{x * emu}'
                f'</wp:posOffset></wp:positionH><wp:positionV relativeFrom="page"><wp:posOffset>{top * emu}'
                f'</wp:posOffset></wp:positionV><wp:extent cx="{line * emu}" cy="{height * emu}"/>'
                f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/><wp:docPr id="{900 + n}" name="页码{n}"/>'
                f'<wp:cNvGraphicFramePr/><a:graphic xmlns:a="{A_NS}"><a:graphicData uri="{WPS_NS}">'
                f'<wps:wsp xmlns:wps="{WPS_NS}"><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
                f'<a:ext cx="{line * emu}" cy="{height * emu}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
                f'</a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent>'
                f'{paragraph_xml(fld, self._number_ppr(align)).replace(f" {_NS}", "")}</w:txbxContent></wps:txbx>'
                f'<wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t">'
                f'<a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')
            boxes[key] = paragraph_xml(box, ppr(line=pt(1), snap=False))
        self._set_footers(section, boxes)

    # ------------------------------------------------------------ low level

    def add(self, xml: str):
        """Append one block-level element (``w:p`` or ``w:tbl`` XML) before the final sectPr."""
        el = parse_xml(xml.encode("utf-8") if isinstance(xml, str) else xml)
        self.body.sectPr.addprevious(el)
        return el

    def add_element(self, el) -> None:
        self.body.sectPr.addprevious(el)

    def paragraph(self, text: str, *, font: str | None = None, size: float = L.SIZE_3, color: str = "",
                  **p: object):
        return self.add(paragraph_xml(run(text, font or self.fonts.body, size, color=color) if text else "",
                                      ppr(**p)))  # type: ignore[arg-type]

    def blank(self, n: int = 1, *, keep_next: bool = False) -> list:
        """空一行: an empty paragraph with the same exact 28.95 pt line (never space-before)."""
        return [self.add(paragraph_xml("", ppr(keep_next=keep_next))) for _ in range(n)]

    def fit_on_page(self, chain: Sequence, blanks: Sequence, *, slack: Sequence = ()) -> bool:
        """Keep a chain of paragraphs that must stay together (the last 正文 paragraph, 附件说明, 署名,
        date) on the page where it starts by tightening it, rather than moving it whole to the next
        page and leaving lines empty at the foot of this one (GB/T 9704 §7.3.5: when the space left
        cannot hold the 署名 and date, line spacing is adjusted): blank lines down to half a line,
        then text lines down to 24 pt. The chain's own lines first; when that is not enough, also the
        ``slack`` — what comes before it on the same page (the blank lines around the title, the 主送,
        the earlier 正文; never the 版头 above the red line, which has fixed places) — so a cover 通知
        whose last paragraph, 附件说明 and 署名 are 2–3 lines short of room stays on one page. When
        even that is not enough, the chain moves as before. True when it was tightened."""
        # 10 pt to spare: the count is LibreOffice's to within a few points (its line boxes round)
        room = room_before(self.doc, chain[0]) - pt(10)
        styles = Styles(self.doc.styles.element)
        need = sum(n * h for _, n, h in self._lines(chain, styles)) - room
        if need <= 0:
            return False
        blank_ids = {id(b) for b in blanks}
        if need <= self._savings(self._lines(chain, styles), blank_ids):
            self._tighten(self._lines(chain, styles), blank_ids, need)
            return True
        page = page_of(self.doc, chain[0])
        before = [el for el in slack if page_of(self.doc, el) == page]
        sizes = self._lines([*before, *chain], styles)
        if not before or need > self._savings(sizes, blank_ids):
            return False
        self._tighten(sizes, blank_ids, need)
        return True

    def _lines(self, elements: Sequence, styles: Styles) -> list[tuple]:
        return [(el, *paragraph_lines(el, self.text_width, styles)) for el in elements]

    _TIGHT = pt(24)  # the closest a line of 3号 text is set

    def _savings(self, sizes: Sequence[tuple], blank_ids: set[int]) -> int:
        """How much tightening ``sizes`` can give: blank lines to half, text lines to 24 pt."""
        return (sum(h - h // 2 for el, n, h in sizes if id(el) in blank_ids)
                + sum(n * (h - self._TIGHT) for el, n, h in sizes if id(el) not in blank_ids and h > self._TIGHT))

    def _tighten(self, sizes: Sequence[tuple], blank_ids: set[int], need: int) -> None:
        """Take ``need`` twips out of ``sizes``: blank lines first (each by up to half), then every
        text line by the same amount (a page set evenly, not one paragraph squeezed)."""
        for el, n, h in sizes:
            if id(el) in blank_ids and need > 0:
                new = max(h // 2, h - need)
                need -= h - new
                self._set_line(el, new)
        text = [(el, n, h) for el, n, h in sizes if id(el) not in blank_ids and h > self._TIGHT]
        while need > 0 and text:
            lines = sum(n for _, n, _ in text)
            cut = -(-need // lines)
            for el, n, h in text:
                new = max(self._TIGHT, h - cut)
                need -= n * (h - new)
                self._set_line(el, new)
            text = [(el, n, h - cut) for el, n, h in text if h - cut > self._TIGHT]

    @staticmethod
    def _set_line(p, line: int) -> None:
        spacing = p.find(qn("w:pPr") + "/" + qn("w:spacing"))
        if spacing is not None:
            spacing.set(qn("w:line"), str(int(line)))
        p_pr = p.find(qn("w:pPr"))
        if p_pr is not None and p_pr.find(qn("w:snapToGrid")) is None:
            # off the 28.95 pt grid, or a renderer snaps the tightened line back to a full one
            spacing.addprevious(parse_xml(f'<w:snapToGrid {_NS} w:val="0"/>'))

    def _last_block(self):
        """The last element added (the one before the final sectPr), or None."""
        return self.body.sectPr.getprevious()

    # ------------------------------------------------------------ 版头

    def letterhead(self, mark: str, doc_number: str, *, copy_no: str = "", secrecy: str = "",
                   urgency: str = "", signer: str | None = None) -> None:
        """份号/密级/紧急程度, the red 发文机关标志 (top 35 mm below the 版心 top), 发文字号, red line.

        ``signer`` (not None) makes it an upward document's 版头 (GB/T 9704 §7.2.3–7.2.4): the 发文字号
        one character in from the left and ``签发人：姓名`` one character in from the right, on one
        line; 签发人 in 仿宋, the name in 楷体 (an empty name leaves room to write it in)."""
        lines = 0
        for text, font in ((copy_no, self.fonts.body), (secrecy, self.fonts.heading1), (urgency, self.fonts.heading1)):
            if text:
                self.paragraph(text, font=font, align="left")
                lines += 1
        size = min(L.SIZE_MARK_MAX, int(L.TEXT_W / 20 / max(L.text_em(mark), 1)))
        mark_line = pt(size * 1.25)
        # The glyphs' top sits about 0.16 em below the top of an exact line of 1.25 em.
        inset = pt(size * 0.16)
        spacer = max(pt(1), mm(35) - lines * L.LINE_TWIPS - inset)
        self.add(paragraph_xml(run("", self.fonts.body, 1), ppr(line=spacer, snap=False)))
        self.add(paragraph_xml(run(mark, self.fonts.title, size, color=L.RED, spacing=0),
                               ppr(align="center", line=mark_line, snap=False)))
        self.blank(2)
        # 4 mm from the 文号 down to the red line: the line box ends ~1.7 mm under the glyphs (measured
        # on the rendered page), the border's space adds 7 pt (2.5 mm).
        red_line = f'<w:pBdr><w:bottom w:val="single" w:sz="8" w:space="7" w:color="{L.RED}"/></w:pBdr>'
        if signer is None:
            self.add(paragraph_xml(run(doc_number, self.fonts.body), ppr(align="center", border_bottom=red_line)))
            return
        name = safe_text(signer).strip() or "\u3000" * 3
        tabs = f'<w:tabs><w:tab w:val="right" w:pos="{self.text_width - CHAR_TW}"/></w:tabs>'
        # one full-width space, not an indent: an indent would shorten the red line under the paragraph
        self.add(paragraph_xml(run("\u3000" + doc_number, self.fonts.body) + "<w:r><w:tab/></w:r>"
                               + run("签发人：", self.fonts.body) + run(name, self.fonts.heading2),
                               ppr(align="left", border_bottom=red_line, tabs=tabs)))

    # ------------------------------------------------------------ 主体

    def title(self, text: str, *, page_break: bool = False) -> None:
        """二号小标宋, centred, broken by meaning into a 梯形/菱形."""
        width_em = self.text_width / 20 / L.SIZE_2
        for n, line in enumerate(L.break_title(safe_text(text), width_em)):
            self.add(paragraph_xml(run(line, self.fonts.title, L.SIZE_2, spacing=0),
                                   ppr(align="center", keep_next=True, page_break=page_break and n == 0)))

    def recipients(self, text: str) -> None:
        text = safe_text(text).strip().rstrip("：:")
        if text:
            self.paragraph(text + "：", align="left")

    def body_text(self, text: str) -> list:
        """正文 paragraphs (one per line): first-line indent 2, justified; 一、 黑体, （一） 楷体, run-in
        headings end at the first 。 and the rest of the paragraph is 仿宋."""
        added = []
        f = self.fonts
        for para in L.paragraphs(safe_text(text)):
            level = L.heading_level(para)
            if level in (1, 2):
                head, rest = L.split_run_in_heading(para)
                runs = run(head, f.heading1 if level == 1 else f.heading2) + (run(rest, f.body) if rest else "")
                keep = not rest  # a heading standing alone stays with its text
            else:
                runs, keep = run(para, f.body), False
            added.append(self.add(paragraph_xml(runs, ppr(first_line=2 * pt(L.SIZE_3), keep_next=keep))))
        return added

    def attachment_note(self, names: Sequence[str]) -> list:
        """附件：1. 名称 (numbers only when more than one), names aligned under each other."""
        names = [safe_text(n).strip().rstrip("。.，,；;") for n in names if safe_text(n).strip()]
        out = []
        if not names:
            return out
        first = 2 * pt(L.SIZE_3)
        label = L.text_twips("附件：", L.SIZE_3, L.CHAR_SPACING)
        if len(names) == 1:
            out.append(self.add(paragraph_xml(run("附件：" + names[0], self.fonts.body),
                                              ppr(first_line=first, keep_next=True))))
            return out
        for n, name in enumerate(names, 1):
            text = f"{n}. {name}"
            if n == 1:
                out.append(self.add(paragraph_xml(run("附件：" + text, self.fonts.body),
                                                  ppr(align="left", left=first + label, hanging=label, keep_next=True))))
            else:
                out.append(self.add(paragraph_xml(run(text, self.fonts.body),
                                                  ppr(align="left", left=first + label, keep_next=True))))
        return out

    def signature(self, signer: str, date_text: str, *, note: str = "", sealed: bool = False) -> list:
        """署名 and 成文日期 (GB/T 9704 §7.3.5), returning the paragraphs added.

        Unsealed (§7.3.5.2): the 署名 right-indented 2 characters, the date on the next line starting
        2 characters right of the 署名's start; a date longer than that keeps 2 characters on the
        right and the 署名 moves left. Sealed (§7.3.5.1): the date 4 characters in from the right, the
        署名 centred over it, and room above them for the seal, whose top comes within a line of the
        text (the caller leaves the blank lines). Widths are measured as LibreOffice sets them (the
        gap it puts between Chinese and digits counts), so the date never ends closer than 2 (4)
        characters to the margin."""
        signer, date_text = safe_text(signer), safe_text(date_text)
        em = pt(L.SIZE_3)
        sw = round(L.line_em(signer) * em + pt(L.CHAR_SPACING) * len(signer))
        dw = round(L.line_em(date_text) * em + pt(L.CHAR_SPACING) * len(date_text))
        if sealed:
            right_date = 4 * CHAR_TW
            date_centre = L.TEXT_W - right_date - dw / 2
            right_signer = max(0, round(L.TEXT_W - date_centre - sw / 2))
            date_left = L.TEXT_W - right_date - dw
        else:
            right_signer = 2 * CHAR_TW
            right_date = right_signer + sw - 2 * CHAR_TW - dw
            if right_date < 2 * CHAR_TW:
                right_date = 2 * CHAR_TW
                right_signer = right_date + dw + 2 * CHAR_TW - sw
            # placed by its start: 2 characters right of the 署名's
            date_left = L.TEXT_W - right_signer - sw + 2 * CHAR_TW
        out = [self.add(paragraph_xml(run(signer, self.fonts.body),
                                      ppr(align="right", right=right_signer, keep_next=True)))]
        out.append(self.add(paragraph_xml(run(date_text, self.fonts.body),
                                          ppr(align="left", left=max(0, round(date_left)), keep_next=bool(note)))))
        if note:
            text = safe_text(note).strip()
            if not text.startswith(("（", "(")):
                text = f"（{text}）"
            out.append(self.paragraph(text, first_line=2 * pt(L.SIZE_3)))
        return out

    @staticmethod
    def keep_with_next(elements: Sequence) -> None:
        """Mark paragraphs keep-with-next (the last 正文 paragraph stays with the 署名)."""
        for el in elements:
            if el.tag != qn("w:p"):
                continue
            p = el.find(qn("w:pPr"))
            if p is not None and p.find(qn("w:keepNext")) is None:
                # schema order: keepNext right after the style reference
                p.insert(1 if p.find(qn("w:pStyle")) is not None else 0, parse_xml(f"<w:keepNext {_NS}/>"))

    # ------------------------------------------------------------ sections and attachments

    def new_section(self, *, landscape: bool) -> None:
        """End the current section here; the next content starts a new page in the given orientation."""
        ending = self.body.sectPr
        last = self._last_block()
        if last is None or last.tag != qn("w:p") or last.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            # after a table a paragraph must carry the break: a 1 pt one, so it can never spill a page
            last = self.add(paragraph_xml(run("", self.fonts.body, 1), ppr(line=20, snap=False)))
        following = copy.deepcopy(ending)
        for ref in following.findall(qn("w:headerReference")) + following.findall(qn("w:footerReference")):
            following.remove(ref)
        for t in following.findall(qn("w:type")):
            following.remove(t)
        following.insert(0, parse_xml(f'<w:type {_NS} w:val="nextPage"/>'))
        self._setup_section(following, landscape=landscape)
        p_pr = last.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = parse_xml(f"<w:pPr {_NS}/>")
            last.insert(0, p_pr)
        ending.getparent().remove(ending)
        p_pr.append(ending)
        self.body.append(following)
        self.landscape = landscape
        if landscape:
            self._landscape_page_numbers(self.doc.sections[-1])
        else:
            self._number_pages_again()  # not the landscape pages' numbers, which it would inherit

    def attachment(self, number: int | None, title: str, *, landscape: bool = False, subtitle: str = "") -> None:
        """A new page (a landscape section for wide tables): ``附件N`` 三号黑体 on line 1, the title
        centred on line 3 (二号小标宋)."""
        if landscape or self.landscape:
            self.new_section(landscape=landscape)
            page_break = False
        else:
            page_break = True
        label = "附件" if number is None else f"附件{number}"
        self.add(paragraph_xml(run(label, self.fonts.heading1), ppr(align="left", keep_next=True,
                                                                   page_break=page_break)))
        self.blank(1, keep_next=True)
        self.title(title)
        if subtitle:
            self.add(paragraph_xml(run(subtitle, self.fonts.heading2), ppr(align="center", keep_next=True)))

    def table_title(self, title: str, *, subtitle: str = "") -> None:
        """A table standing alone: its title on line 1 and an optional 楷体 subtitle."""
        self.title(title)
        if subtitle:
            self.add(paragraph_xml(run(subtitle, self.fonts.heading2), ppr(align="center", keep_next=True)))

    @property
    def text_width(self) -> int:
        """Width of the 版心 in the current section (twips)."""
        return L.LANDSCAPE_TEXT_W if self.landscape else L.TEXT_W

    def paragraph_style(self, font: str, size: float, align: str) -> str:
        """A paragraph style for table cells (created on first use): fonts, size, alignment, exact
        line height, no grid. Never the document's default paragraph style: that stays ``Normal``,
        the 三号仿宋 body, so a paragraph cleared in Word or WPS turns into body text, not 小五
        centred table text."""
        key = (font, size, align)
        if key not in self._cell_styles:
            style_id = f"GwT{len(self._cell_styles) + 1}"  # short: it is in every cell
            name = f"表格 {_esc(font)} {size:g}磅 {align}"
            self.doc.styles.element.append(parse_xml(
                f'<w:style {_NS} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
                f'<w:name w:val="{name}"/>{cell_ppr(size, align)}{cell_rpr(_esc(font), size)}</w:style>'))
            self._cell_styles[key] = style_id
        return self._cell_styles[key]

    def table(self, spec: TableSpec, progress: Callable[[int], None] | None = None):
        """A data table across the 版心 (see ``tables``)."""
        spec.width = self.text_width
        return table_element(spec, self.fonts, self, progress, place=self.add_element)

    # ------------------------------------------------------------ 版记

    def colophon(self, cc: str, printer: str, print_date: str, *, own_page: bool = False) -> None:
        """版记 at the bottom of the last page: 抄送 then 印发 line between 0.35/0.25/0.35 mm rules.

        After a landscape attachment (or with ``own_page``) it gets a portrait page of its own and is
        pushed down by one exact-height spacer (the page is empty, so the height is known). Otherwise
        it floats at the bottom of the 版心 below the last text: rows of exact height placed by their
        offset from the top margin, because LibreOffice ignores ``tblpYSpec="bottom"`` and only floats a
        table as wide as the 版心 when it is positioned horizontally relative to the page.
        """
        own_page = own_page or self.landscape
        if own_page:
            # The back of a sheet (版记 on the last, even page): a blank page first when the 版记's
            # page would be odd. A real page, not an evenPage break, which LibreOffice drops from PDFs.
            if count_pages(self.doc) % 2 == 0:
                self.blank_page()
            self.new_section(landscape=False)
            self._number_pages_again()
        cc = safe_text(cc).strip().rstrip("。.")
        font, size = self.fonts.body, L.SIZE_4
        width = L.TEXT_W
        rows = []
        height = 0
        if cc:
            label = L.text_twips("抄送：", size)
            text = f"抄送：{cc}。"
            lines = -(-L.text_twips(text, size) // (width - 2 * EM_4 - label))  # ceil
            height += lines * L.LINE_TWIPS
            rows.append(self._colophon_row(run(text, font, size), lines,
                                           ppr(align="left", left=EM_4 + label, right=EM_4, hanging=label,
                                               snap=False)))
        tabs = f'<w:tabs><w:tab w:val="right" w:pos="{width - EM_4}"/></w:tabs>'
        height += L.LINE_TWIPS
        rows.append(self._colophon_row(
            run(safe_text(printer), font, size) + "<w:r><w:tab/></w:r>" + run(f"{safe_text(print_date)}印发", font, size),
            1, ppr(align="left", left=EM_4, right=0, snap=False, tabs=tabs)))
        thick = '<w:{0} w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
        borders = (thick.format("top") + '<w:left w:val="nil"/>' + thick.format("bottom") + '<w:right w:val="nil"/>'
                   + '<w:insideH w:val="single" w:sz="6" w:space="0" w:color="000000"/><w:insideV w:val="nil"/>')
        tiny = 20  # the 1 pt paragraph that must follow a table
        if own_page:
            self.add(paragraph_xml(run("", font, 1), ppr(line=L.TEXT_H - height - 6 * tiny, snap=False)))
            floating = ""
        else:
            floating = (f'<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" '
                        f'w:vertAnchor="margin" w:horzAnchor="page" w:tblpX="{L.PORTRAIT_MARGINS[2]}" '
                        f'w:tblpY="{L.TEXT_H - height - tiny}"/><w:tblOverlap w:val="never"/>')
        self.add(
            f'<w:tbl {_NS}><w:tblPr>{floating}<w:tblW w:w="{width}" w:type="dxa"/>'
            f'<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            f'<w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid>{"".join(rows)}</w:tbl>')
        # a 1 pt paragraph after the table (the float's anchor): it can never push a page of its own
        self.add(paragraph_xml(run("", font, 1), ppr(line=tiny, snap=False)))

    def blank_page(self) -> None:
        """A page left blank, without a page number (it still counts: the next page is one more)."""
        self.new_section(landscape=False)
        self.add(paragraph_xml("", ppr()))
        section = self.doc.sections[-1]
        # new_section pointed this section at the first one's footers: drop the references, or the
        # blank footers below would be written into the numbered ones
        for ref in section._sectPr.findall(qn("w:footerReference")):
            section._sectPr.remove(ref)
        for footer in (section.footer, section.even_page_footer):
            footer.is_linked_to_previous = False
            for child in list(footer._element):
                footer._element.remove(child)
            footer._element.append(parse_xml(paragraph_xml("", ppr(line=pt(16), snap=False))))

    def _number_pages_again(self) -> None:
        """The current section shows the page numbers of the first (after a blank page, which has none)."""
        first = self.doc.sections[0]._sectPr
        current = self.body.sectPr
        if current is first:
            return
        for ref in current.findall(qn("w:footerReference")):
            current.remove(ref)
        for ref in first.findall(qn("w:footerReference")):
            current.insert(0, copy.deepcopy(ref))
        self._order_sectpr(current)

    @staticmethod
    def _colophon_row(runs: str, lines: int, p: str) -> str:
        return (f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{lines * L.LINE_TWIPS}" w:hRule="exact"/></w:trPr>'
                f'<w:tc><w:tcPr><w:tcW w:w="{L.TEXT_W}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                f'<w:p>{p}{runs}</w:p></w:tc></w:tr>')

    # ------------------------------------------------------------ result

    def document(self) -> DocxDocument:
        return self.doc
