"""Every document, written and read back: GB/T 9704 page, grid, fonts, 版头, footers, sections,
tables, 版记 — and the 通报's figures against ``ledgers.stats.dashboard``."""
from __future__ import annotations

import re
from datetime import date

import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from exporters import documents
from exporters.circular import STATE_PHRASES
from exporters.options import ExportOptions
from ledgers.models import CaseState
from ledgers.roster import roster
from ledgers.stats import dashboard
from test_export_support import DocxReader, demo_ledger, has_text, near_mm, page_field_in, twips

KINDS = ("circular", "matrix", "roster", "ledger", "signoff")
ISSUED = date(2026, 11, 22)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    ledger = demo_ledger(tmp_path_factory.mktemp("ledger") / "ledger.json")
    yield ledger
    ledger.close()


def accepted_village(ledger) -> int:
    return next(c.village_id for c in ledger.cases() if c.acceptances)


@pytest.fixture(scope="module")
def written(ledger, tmp_path_factory) -> dict[str, DocxReader]:
    out = tmp_path_factory.mktemp("docs")
    docs = {}
    for kind in KINDS:
        options = ExportOptions(doc_number=12, date=ISSUED)
        if kind == "signoff":
            options.village_id = accepted_village(ledger)
        docs[kind] = DocxReader(documents.write(ledger, kind, options, out / f"{kind}.docx"))
    return docs


# ---------------------------------------------------------------- page and grid


@pytest.mark.parametrize("kind", KINDS)
def test_a4_margins_and_grid(written, kind):
    r = written[kind]
    first = r.sections()[0]
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert near_mm(first.page_width, 210) and near_mm(first.page_height, 297)
    assert near_mm(first.top_margin, 37) and near_mm(first.bottom_margin, 35)
    assert near_mm(first.left_margin, 28) and near_mm(first.right_margin, 26)
    for section in r.sections():
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"


@pytest.mark.parametrize("kind", KINDS)
def test_text_paragraphs_have_exact_grid_lines(written, kind):
    r = written[kind]
    checked = 0
    for p in r.body_paragraphs():
        text = r.p_text(p)
        red = any(c.get(qn("w:val")) == "FF0000" for c in p.iter(qn("w:color")))
        if not text or red:  # the 发文机关标志 has a line of its own size
            continue
        spacing = p.find(qn("w:pPr") + "/" + qn("w:spacing"))
        assert spacing is not None, text
        tightened = p.find(qn("w:pPr") + "/" + qn("w:snapToGrid")) is not None
        # 28.95 pt, or — the chain that keeps the 署名 with its text, tightened to stay on its page
        # (``GongwenDocument.fit_on_page``) — at least 24 pt, off the grid
        assert spacing.get(qn("w:lineRule")) == "exact", text
        assert spacing.get(qn("w:line")) == "579" or (tightened and 480 <= int(spacing.get(qn("w:line"))) < 579), text
        assert twips(spacing.get(qn("w:before"))) == 0 and twips(spacing.get(qn("w:after"))) == 0
        checked += 1
    assert checked > 5


@pytest.mark.parametrize("kind", KINDS)
def test_east_asian_font_on_every_run(written, kind):
    r = written[kind]
    fonts = set()
    for run in r.runs():
        font = r.effective_east_asia(run)
        assert font, f"run without an East Asian font: {run.xml[:200]}"
        fonts.add(font)
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体"} <= fonts


def test_no_theme_fonts_left(written):
    r = written["circular"]
    for rfonts in r.doc.styles.element.iter(qn("w:rFonts")):
        assert not [a for a in rfonts.attrib if a.endswith("Theme") or a.endswith("theme")]


# ---------------------------------------------------------------- 版头


@pytest.mark.parametrize("kind", KINDS)
def test_red_mark_number_and_separator(written, ledger, kind):
    r = written[kind]
    s = ledger.settings
    paragraphs = r.body_paragraphs()
    mark = next(p for p in paragraphs if r.p_text(p) == s.mark)
    colors = {c.get(qn("w:val")) for c in mark.iter(qn("w:color"))}
    assert colors == {"FF0000"}
    size = int(mark.find(".//" + qn("w:sz")).get(qn("w:val"))) / 2
    assert size <= 36
    assert mark.find(".//" + qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    number = next(p for p in paragraphs if "〔" in r.p_text(p))
    if kind == "signoff":
        # an upward document (a 报告 to 县委组织部): 发文字号 one character in from the left, 签发人 on
        # the right of the same line (GB/T 9704 §7.2.4), the name in 楷体 — blank here, to write in
        assert r.p_text(number) == "\u3000青石发〔2026〕12号签发人：\u3000\u3000\u3000"
        assert number.find(qn("w:pPr") + "/" + qn("w:tabs") + "/" + qn("w:tab")).get(qn("w:val")) == "right"
        fonts = [rf.get(qn("w:eastAsia")) for rf in number.iter(qn("w:rFonts"))]
        assert fonts[-2:] == ["仿宋_GB2312", "楷体_GB2312"]
    else:
        assert r.p_text(number) == "青石发〔2026〕12号"
        assert number.find(qn("w:pPr") + "/" + qn("w:jc")).get(qn("w:val")) == "center"
    assert "签发人" not in r.text().replace(r.p_text(number), "")
    border = number.find(qn("w:pPr") + "/" + qn("w:pBdr") + "/" + qn("w:bottom"))
    assert int(border.get(qn("w:space"))) == 7  # 4 mm under the 文号 (measured on the rendered page)
    border = number.find(qn("w:pPr") + "/" + qn("w:pBdr") + "/" + qn("w:bottom"))
    assert border is not None and border.get(qn("w:color")) == "FF0000"
    ind = number.find(qn("w:pPr") + "/" + qn("w:ind"))
    assert twips(ind.get(qn("w:left"))) == 0 and twips(ind.get(qn("w:right"))) == 0  # the line spans 156 mm


def test_signature_date_and_colophon(written, ledger):
    r = written["circular"]
    text = r.text()
    s = ledger.settings
    assert f"{s.committee_name}\n2026年11月22日" in text
    assert "2026年11月22日印发" in text and s.printer in text
    assert f"抄送：{s.default_cc}。" in text
    assert f"{s.default_recipients}：" in text


def test_colophon_is_on_the_last_page_bottom(written):
    r = written["circular"]
    last = r.section_blocks()[-1]
    tables = [el for el in last if el.tag == qn("w:tbl")]
    assert len(tables) == 1 and "印发" in "".join(t.text or "" for t in tables[0].iter(qn("w:t")))
    rows = tables[0].findall(qn("w:tr"))
    assert all(tr.find(qn("w:trPr") + "/" + qn("w:trHeight")).get(qn("w:hRule")) == "exact" for tr in rows)
    borders = tables[0].find(qn("w:tblPr") + "/" + qn("w:tblBorders"))
    assert borders.find(qn("w:top")).get(qn("w:sz")) == "8" and borders.find(qn("w:bottom")).get(qn("w:sz")) == "8"
    assert borders.find(qn("w:insideH")).get(qn("w:sz")) == "6"


def test_colophon_floats_at_the_bottom_without_attachments(ledger, tmp_path):
    options = ExportOptions(doc_number=3, body="为做好工作，现通知如下。\n请认真落实。")
    content = documents.content(ledger, "matrix", options)
    content.attachments = []
    doc = documents.layout(ledger, content, options)
    doc.save(tmp_path / "n.docx")
    r = DocxReader(tmp_path / "n.docx")
    floating = r.body.find(".//" + qn("w:tblpPr"))
    assert floating is not None and floating.get(qn("w:vertAnchor")) == "margin"
    assert int(floating.get(qn("w:tblpY"))) > 10000  # near the bottom of the 225 mm 版心
    assert len(r.sections()) == 1


# ---------------------------------------------------------------- footers


@pytest.mark.parametrize("kind", KINDS)
def test_page_numbers_odd_right_even_left(written, kind):
    r = written[kind]
    assert "evenAndOddHeaders" in r.settings_xml
    first = r.sections()[0]
    odd, even = first.footer._element, first.even_page_footer._element
    for footer, align in ((odd, "right"), (even, "left")):
        xml = footer.xml
        assert page_field_in(xml)
        assert "— " in xml and " —" in xml
        jc = footer.find(".//" + qn("w:jc")).get(qn("w:val"))
        assert jc == align
        assert all(f.get(qn("w:eastAsia")) == "宋体" for f in footer.iter(qn("w:rFonts")))


# ---------------------------------------------------------------- attachments and tables


@pytest.mark.parametrize("kind", ("circular", "matrix", "roster", "ledger"))
def test_landscape_attachment_sections(written, kind):
    r = written[kind]
    landscape = [s for s in r.sections() if s.page_width > s.page_height]
    assert landscape
    for s in landscape:
        assert s.orientation == WD_ORIENT.LANDSCAPE
        assert near_mm(s.top_margin, 28) and near_mm(s.bottom_margin, 26)
        assert near_mm(s.left_margin, 35) and near_mm(s.right_margin, 37)
        assert s.start_type is not None  # a new page
    assert r.sections()[-1].page_width < r.sections()[-1].page_height  # the 版记 page is portrait


@pytest.mark.parametrize("kind", ("circular", "matrix", "roster", "ledger"))
def test_tables_fixed_header_repeated_rows_unsplit(written, kind):
    r = written[kind]
    tables = r.data_tables()
    assert tables
    for tbl in tables:
        assert tbl.find(qn("w:tblPr") + "/" + qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [int(g.get(qn("w:w"))) for g in tbl.iter(qn("w:gridCol"))]
        assert abs(sum(grid) - round(225 * 1440 / 25.4)) <= 2  # landscape 版心 width
        rows = tbl.findall(qn("w:tr"))
        assert rows[0].find(qn("w:trPr") + "/" + qn("w:tblHeader")) is not None
        assert all(tr.find(qn("w:trPr") + "/" + qn("w:cantSplit")) is not None for tr in rows)
        assert all(tc.find(qn("w:tcPr") + "/" + qn("w:tcW")) is not None for tc in rows[0].findall(qn("w:tc")))
        assert all(tc.find(qn("w:tcPr") + "/" + qn("w:vAlign")).get(qn("w:val")) == "center"
                   for tc in rows[-1].findall(qn("w:tc")))


def test_attachment_pages_start_with_label_and_title(written):
    r = written["circular"]
    blocks = r.section_blocks()
    starts = [b for b in blocks[1:] if b and r.p_text(b[0]).startswith("附件")]
    assert [r.p_text(b[0]) for b in starts] == ["附件1", "附件2"]
    for b in starts:
        assert not r.p_text(b[1])  # line 2 blank, the title on line 3
        assert "表" in r.p_text(b[2])


def test_signoff_form_is_portrait(written):
    r = written["signoff"]
    assert all(s.page_width < s.page_height for s in r.sections())
    assert "民主测评" in r.text() and "县委组织部意见" in r.text()


@pytest.mark.parametrize("kind", KINDS)
def test_no_empty_page(written, kind):
    """Every section has content — except the blank page that puts the 版记 on an even page, just
    before it — and no page is broken twice (a section break then a page break)."""
    r = written[kind]
    blocks = r.section_blocks()
    for n, block in enumerate(blocks):
        assert any(has_text(el) for el in block) or n == len(blocks) - 2, (kind, n)
    for block in r.section_blocks()[1:]:
        first = block[0]
        if first.tag == qn("w:p"):
            assert first.find(qn("w:pPr") + "/" + qn("w:pageBreakBefore")) is None
    assert 'w:type="page"' not in r.document_xml


# ---------------------------------------------------------------- the 通报's figures


def test_circular_figures_equal_dashboard(written, ledger):
    text = written["circular"].text()
    d = dashboard(ledger, 2026)
    total = sum(d.cases_by_state.values())
    listed = sum(n for s, n in d.cases_by_state.items() if s not in (CaseState.CANDIDATE, CaseState.DISMISSED))
    assert f"共排查列入软弱涣散村党组织{total}个，认定{listed}个" in text
    if d.cases_by_state[CaseState.CANDIDATE]:
        assert f"正在核查认定{d.cases_by_state[CaseState.CANDIDATE]}个" in text
    for state, phrase in STATE_PHRASES.items():
        n = d.cases_by_state[state]
        if n:
            assert f"{phrase}{n}个" in text
    villages = d.overdue_villages
    assert d.overdue and f"共有{len(villages)}个村{len(d.overdue)}项整改任务" in text
    for v in villages:
        assert v in text
    gaps = [r for r in d.matrix.rows if r.gaps]
    assert f"{len(gaps)}个村“四个一”包联力量未配齐，共缺{d.matrix.gap_count}项" in text
    assert f"另有{len(d.matrix.conflicts)}处包联冲突" in text  # as the matrix, the dashboard and check count
    # the requirements template, under 三、, with its items demoted to （一）
    assert "三、下步工作要求" in text and "（一）压紧压实整顿责任。" in text


def test_circular_attachments_match_the_ledger(written, ledger):
    d = dashboard(ledger, 2026)
    summary, matrix = written["circular"].data_tables()
    listed = sum(n for s, n in d.cases_by_state.items() if s not in (CaseState.CANDIDATE, CaseState.DISMISSED))
    rows = summary.findall(qn("w:tr"))
    assert len(rows) == 1 + listed + 1  # the header, a row per listed case, 合计
    cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in rows[-1].findall(qn("w:tc"))]
    cases = [c for c in ledger.cases() if c.year == 2026 and c.state not in (CaseState.CANDIDATE, CaseState.DISMISSED)]
    assert cells[0] == "合计" and cells[2] == f"{listed}个"
    assert cells[5] == str(sum(ledger.village(c.village_id).members for c in cases))
    assert cells[14] == f"{sum(len(c.tasks) for c in cases)}/{sum(c.tasks_done for c in cases)}"
    assert len(matrix.findall(qn("w:tr"))) == 2 + len(d.matrix.rows)  # two header rows (姓名 | 职务 …)


def test_roster_masks_personal_data_unless_asked(ledger, tmp_path):
    fs = next(e.cadre for e in roster(ledger) if e.cadre.id_number and e.cadre.phone and e.status.value == "在岗")
    masked = DocxReader(documents.write(ledger, "roster", ExportOptions(), tmp_path / "m.docx")).text()
    assert fs.id_number not in masked and fs.phone not in masked
    assert fs.id_number[:6] in masked and fs.phone[-4:] in masked
    full = DocxReader(documents.write(ledger, "roster", ExportOptions(mask=False), tmp_path / "f.docx")).text()
    assert fs.id_number in full.replace("\n", "") and fs.phone in full


def test_edited_body_title_and_recipients_go_in(ledger, tmp_path):
    body = "第一段[bold]文字。\n\n二、第二个标题\n（一）小标题。正文继续。"
    options = ExportOptions(doc_number=7, body=body, title="关于测试的通知", to="各村党支部", cc="县委组织部")
    r = DocxReader(documents.write(ledger, "matrix", options, tmp_path / "e.docx"))
    text = r.text()
    assert "第一段[bold]文字。" in text and "关于测试的通知" in text and "各村党支部：" in text
    assert "抄送：县委组织部。" in text and "青石发〔2026〕7号" in text
    heading = next(p for p in r.body_paragraphs() if r.p_text(p) == "二、第二个标题")
    assert heading.find(".//" + qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    level2 = next(p for p in r.body_paragraphs() if r.p_text(p).startswith("（一）小标题"))
    fonts = [rf.get(qn("w:eastAsia")) for rf in level2.iter(qn("w:rFonts"))]
    assert fonts == ["楷体_GB2312", "仿宋_GB2312"]  # run-in heading, then body text


def test_table_only_option(ledger, tmp_path):
    r = DocxReader(documents.write(ledger, "roster", ExportOptions(notice=False), tmp_path / "t.docx"))
    assert r.sections()[0].page_width > r.sections()[0].page_height
    assert ledger.settings.mark not in r.text()
    assert r.data_tables()


def test_fonts_follow_the_settings(ledger, tmp_path):
    s = ledger.settings
    s.font_body, s.font_heading2 = "仿宋", "楷体"
    ledger.save_settings(s)
    try:
        r = DocxReader(documents.write(ledger, "circular", ExportOptions(), tmp_path / "s.docx"))
        fonts = {r.effective_east_asia(run) for run in r.runs()}
        assert "仿宋" in fonts and "楷体" in fonts and "仿宋_GB2312" not in fonts
    finally:
        ledger.undo()


@pytest.mark.parametrize("kind", KINDS)
def test_paragraph_properties_in_schema_order(written, kind):
    """Word refuses a document whose pPr children are out of order; keepNext must follow pStyle."""
    order = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange"]
    for ppr in written[kind].body.iter(qn("w:pPr")):
        names = [child.tag.split("}")[1] for child in ppr]
        assert names == sorted(names, key=order.index), names


# ---------------------------------------------------------------- what a 办公室 reviewer sent back (issue 12)


def village_named(ledger, name: str) -> int:
    return next(v.id for v in ledger.villages() if v.name == name)


def test_circular_states_failed_acceptances_and_relapses_as_the_attachment_shows(written, ledger):
    r = written["circular"]
    text = r.text()
    # 石桥村's failed acceptance, with the score its 附件1 row shows
    from ledgers.dates import cn_date

    case = next(c for c in ledger.cases() if ledger.village_name(c.village_id) == "石桥村" and c.year == 2026)
    failed = case.acceptances[-1]
    assert f"石桥村于{cn_date(failed.on)}验收得分58分，等次为不合格（详见附件1）" in text
    summary, _ = r.data_tables()
    rows = [["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
            for tr in summary.findall(qn("w:tr"))]
    (stone,) = [row for row in rows if row[2] == "石桥村"]
    assert stone[18] == "58"
    # 龙泉村's relapse, found by a 回头看 this year on its 2025 case
    old = next(c for c in ledger.cases() if ledger.village_name(c.village_id) == "龙泉村" and c.year == 2025)
    found = next(r for r in old.reviews if r.relapsed)
    assert f"龙泉村（2025年度整顿村）{cn_date(found.on)}回头看发现反弹，正在核查认定" in text
    # the problems are numbered in order, whatever is present
    heads = re.findall(r"^（([一二三四五])）", text, re.M)
    assert heads[:4] == ["一", "二", "三", "四"]


def test_a_year_without_cases_claims_nothing(ledger, tmp_path):
    r = DocxReader(documents.write(ledger, "circular", ExportOptions(year=2030, doc_number=1), tmp_path / "c.docx"))
    text = r.text()
    assert "暂无列入整顿的软弱涣散村党组织" in text
    assert "已全部配齐" not in text and "超过完成时限" not in text


def test_one_village_progress_table_goes_to_that_village(ledger, tmp_path):
    vid = village_named(ledger, "曾家村")
    v = ledger.village(vid)
    r = DocxReader(documents.write(ledger, "ledger", ExportOptions(village_id=vid, doc_number=2), tmp_path / "p.docx"))
    text = r.text()
    assert f"{v.org_name or v.name + v.org_type.value}：" in text
    assert f"{ledger.settings.default_recipients}：" not in text


def test_table_only_is_refused_where_a_document_has_no_such_form(ledger, tmp_path):
    from ledgers.errors import LedgerError

    with pytest.raises(LedgerError, match="没有“只输出表格”的形式"):
        documents.write(ledger, "circular", ExportOptions(notice=False), tmp_path / "c.docx")


def test_file_properties_are_the_offices_and_a_draft_says_so(ledger, tmp_path):
    import datetime as dt

    import docx

    draft = docx.Document(str(documents.write(ledger, "matrix", ExportOptions(), tmp_path / "d.docx")))
    final = docx.Document(str(documents.write(ledger, "matrix", ExportOptions(doc_number=3), tmp_path / "f.docx")))
    for d in (draft, final):
        p = d.core_properties
        assert p.author == ledger.settings.printer and p.last_modified_by == ledger.settings.printer
        assert "python-docx" not in (p.author + p.last_modified_by + (p.comments or ""))
        assert p.created.date() == dt.datetime.now(dt.timezone.utc).date() and p.last_printed is None
        assert p.title.endswith("“四个一”包联表》的通知")
    assert draft.core_properties.content_status == "草稿（发文字号待填）"
    assert final.core_properties.content_status == "定稿"
    _, notes = documents.write_document(ledger, "signoff", ExportOptions(village_id=village_named(ledger, "石桥村")),
                                        tmp_path / "s.docx")
    assert [n[:4] for n in notes] == ["发文字号", "上行文的"]


def test_the_default_paragraph_style_is_the_body(written):
    """A paragraph cleared in Word takes the default style: it must be 三号仿宋 body text, not the
    small centred table style."""
    r = written["roster"]
    (default,) = [s for s in r.styles.values() if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) == "1"]
    assert default.get(qn("w:styleId")) == "Normal"
    assert default.find(qn("w:rPr")) is None and default.find(qn("w:pPr")) is None  # the document defaults: 三号仿宋
    cells = [p for tbl in r.data_tables() for p in tbl.iter(qn("w:p"))]
    assert all(p.find(qn("w:pPr") + "/" + qn("w:pStyle")) is not None for p in cells)  # cells name their style
