"""The printed sheet, as a 办公室 reviewer checks it: the 版记 on an even page (the back of a sheet,
after a blank page without a number when needed), no ID number, phone or date broken across lines,
an upward document's 签发人 on the 文号 line — and the builder's own page count
(``exporters.pages``), which decides the blank page, equal to LibreOffice's.

The structure is checked on every machine; the rendered checks run where LibreOffice and the fonts
the layout was checked with are installed (as ../shared/tools/print-check does it)."""
from __future__ import annotations

import re
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from exporters import documents
from exporters.options import ExportOptions
from exporters.pages import count_pages
from test_export_support import demo_ledger, render_missing, render_pdf

MISSING = render_missing()
LONG_BODY = "\n".join(["（四）加强督导检查。镇党委将采取明察暗访、随机抽查等方式，对各村整顿工作进展情况进行督导，"
                       "督导结果纳入年度考核，对工作不力、进展缓慢的村予以通报批评。"] * 9)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    ledger = demo_ledger(tmp_path_factory.mktemp("ledger") / "ledger.json")
    yield ledger
    ledger.close()


def village(ledger, name: str) -> int:
    return next(v.id for v in ledger.villages() if v.name == name)


def cases(ledger):
    """Every document, and documents whose 正文 runs to a different number of pages."""
    body = documents.preview_text(ledger, "circular", ExportOptions())
    return {
        "circular": ExportOptions(doc_number=12),
        "circular-long": ExportOptions(doc_number=12, body=body + "\n" + LONG_BODY),
        "circular-longer": ExportOptions(doc_number=12, body=body + "\n" + LONG_BODY + "\n" + LONG_BODY),
        "matrix": ExportOptions(doc_number=3),
        "roster": ExportOptions(doc_number=4),
        "roster-all": ExportOptions(doc_number=4, include_ended=True),
        "ledger": ExportOptions(doc_number=5),
        "ledger-one": ExportOptions(doc_number=6, village_id=village(ledger, "曾家村")),
        "signoff": ExportOptions(doc_number=7, village_id=village(ledger, "石桥村"), signer="李明"),
        "screening": ExportOptions(doc_number=9),
    }


@pytest.fixture(scope="module")
def written(ledger, tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    return {name: documents.write(ledger, name.split("-")[0], options, out / f"{name}.docx")
            for name, options in cases(ledger).items()}


def test_the_colophon_ends_an_even_count_and_a_blank_page_has_no_number(written):
    blanks = 0
    for name, path in written.items():
        d = docx.Document(str(path))
        assert count_pages(d) % 2 == 0, name
        sections = d.sections
        last = sections[-1]
        refs = {r.get(qn("w:type")): r.get(qn("r:id")) for r in last._sectPr.findall(qn("w:footerReference"))}
        first = {r.get(qn("w:type")): r.get(qn("r:id")) for r in sections[0]._sectPr.findall(qn("w:footerReference"))}
        assert refs == first, name  # the 版记's page is numbered like every other
        if len(sections) > 2 and not "".join(p.text for p in sections[-2].footer.paragraphs).strip():
            blanks += 1  # the blank page before the 版记: its own, empty footers
            body = d.element.body
            texts = "".join(t.text or "" for t in body.iter(qn("w:t")))
            assert texts
    assert blanks >= 1  # the demo's documents need one somewhere


CODES = (("ID number", r"\d{6}\*{8}\d{3}[\dX]"), ("phone", r"1\d{2}\*{4}\d{4}"), ("date", r"\d{4}\.\d{2}\.\d{2}"))


@pytest.mark.skipif(bool(MISSING), reason=f"LibreOffice/poppler or the fonts are missing: {MISSING}")
def test_rendered_sheets_as_a_reviewer_checks_them(written, tmp_path):
    for name, path in written.items():
        pdf = render_pdf(path, tmp_path)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        rendered = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert rendered == count_pages(docx.Document(str(path))), name  # the builder counts as LibreOffice sets
        pages = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        written_text = "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p))
                                 for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S))
        for label, pattern in CODES:  # every code written prints whole on one line
            assert len(re.findall(pattern, "\f".join(pages))) >= len(re.findall(pattern, written_text)), (name, label)
        imprint = [i + 1 for i, p in enumerate(pages) if re.search(r"\d{4}年\d{1,2}月\d{1,2}日印发", re.sub(r"\s", "", p))]
        assert imprint and imprint[-1] % 2 == 0 and imprint[-1] == rendered, (name, imprint, rendered)
        if name == "signoff":
            first = re.sub(r"[ \u3000]", "", pages[0])
            assert re.search(r"青石发〔2026〕7号签发人：李明", first), first[:200]


def test_the_signature_stays_with_its_text_by_tightening(written):
    """The matrix's cover 通知 ends a line or two short of room for its last paragraph, 附件说明 and
    署名: the chain is tightened (blank lines to half, lines to 24 pt at least) and stays on page 1
    instead of moving whole to page 2 and leaving the foot of page 1 empty."""
    d = docx.Document(str(written["matrix"]))
    body = d.element.body
    tightened = [int(p.find(qn("w:pPr") + "/" + qn("w:spacing")).get(qn("w:line"))) for p in body.iter(qn("w:p"))
                 if p.find(qn("w:pPr") + "/" + qn("w:snapToGrid")) is not None
                 and p.find(qn("w:pPr") + "/" + qn("w:keepNext")) is not None]
    assert tightened and all(289 <= line < 579 for line in tightened)  # never below half a line
    # the whole cover fits one page: the table starts on page 2, the 版记 on page 4 (after a blank)
    assert count_pages(d) == 4


def test_a_cover_lines_short_of_room_is_tightened_with_the_rest_of_its_page(written):
    """The 推进表's cover 通知 is ~3 lines short of room for its last paragraph, 附件说明 and 署名 —
    more than the chain alone can give. The page's other lines take their share (blank lines around
    the title, the 主送, the first paragraph: §7.3.5 adjusts line spacing), so the cover keeps one
    page; the 版头 above the red line is never touched."""
    d = docx.Document(str(written["ledger"]))
    body = d.element.body
    line = {}
    for p in body.iter(qn("w:p")):
        spacing = p.find(qn("w:pPr") + "/" + qn("w:spacing"))
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if spacing is not None and spacing.get(qn("w:line")) and text:
            line.setdefault(text if text == "中共青石镇委员会" else text[:4], int(spacing.get(qn("w:line"))))
    tightened = range(289, 579)  # at least half a line, less than the 28.95 pt grid
    assert line["各村（社"] in tightened and line["现将《青"] in tightened  # before the chain
    assert line["附件：青"] in tightened and line["中共青石镇委员会"] in tightened  # the chain (署名)
    assert line["青石发〔"] not in tightened  # the 版头 keeps its places


@pytest.mark.skipif(bool(MISSING), reason=f"LibreOffice/poppler or the fonts are missing: {MISSING}")
@pytest.mark.parametrize("name", ["matrix", "roster", "ledger", "ledger-one", "screening"])
def test_rendered_cover_keeps_its_signature_on_page_one(written, tmp_path, name):
    pdf = render_pdf(written[name], tmp_path)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-raw", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    flat = re.sub(r"\s", "", first)
    assert re.search(r"附件：", flat), flat  # the 附件说明 …
    assert re.search(r"中共青石镇委员会\d{4}年\d{1,2}月\d{1,2}日—1—$", flat), flat  # … and the 署名 on page 1


def test_landscape_pages_are_numbered_where_the_bound_document_numbers_them(written):
    """GB/T 9704 §10: a landscape table's page number stays where the portrait pages have theirs —
    the landscape page's left edge (the sheet's foot as bound), text turned to run down it, at the
    foot (odd) or the head (even), one character in; the 版记's portrait page is numbered again."""
    d = docx.Document(str(written["roster"]))
    first = {r.get(qn("w:type")): r.get(qn("r:id")) for r in d.sections[0]._sectPr.findall(qn("w:footerReference"))}
    landscape = [s for s in d.sections if s.page_width > s.page_height]
    assert landscape
    for s in landscape:
        for footer, align in ((s.footer, "right"), (s.even_page_footer, "left")):
            xml = footer._element.xml
            assert 'vert="vert"' in xml and 'relativeFrom="page"' in xml  # turned, placed on the page
            assert "PAGE" in xml
            box = footer._element.find(".//" + qn("w:txbxContent"))
            assert box.find(".//" + qn("w:jc")).get(qn("w:val")) == align
        refs = {r.get(qn("w:type")): r.get(qn("r:id")) for r in s._sectPr.findall(qn("w:footerReference"))}
        assert refs and refs != first
    last = {r.get(qn("w:type")): r.get(qn("r:id")) for r in d.sections[-1]._sectPr.findall(qn("w:footerReference"))}
    assert last == first
