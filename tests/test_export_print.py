"""What a reader of the printed page sees, checked on the written file (and, when LibreOffice is
installed, on the rendered PDF): titles broken between words and never wider than the line, ID
numbers and dates that fit their columns, column widths in whole characters, and a written file
that others in the office can open.

Each test here stands for a defect found by rendering every document and looking at the pages:
``软弱`` / ``涣散`` and ``2026`` / ``年度`` split across title lines, a title line of exactly 20
characters pushed over by the space LibreOffice puts between Chinese and digits (its last
character alone on a line), an ID number ending in X broken onto a third line, columns 2.6
characters wide setting two characters a line, and documents saved with mode 0600.
"""
from __future__ import annotations

import math
import os
import re
import stat
import subprocess

import pytest
from docx.oxml.ns import qn

from exporters import documents
from exporters.layout import break_title
from exporters.options import ExportOptions
from test_export_support import DocxReader, demo_ledger, render_missing, render_pdf, twips

# Latin glyph widths (em) of Times New Roman / Liberation Serif, the Latin font of every run
TIMES = {**{d: 0.5 for d in "0123456789*"}, "X": 0.722, ".": 0.25}
TITLE_WIDTH_EM = round(156 * 1440 / 25.4) / 20 / 22  # the portrait 版心 in 二号 characters (20.1)
AUTOSPACE_EM = 0.2  # measured: LibreOffice's gap where Chinese meets digits at 22 pt (4.4 pt)


def times_em(text: str) -> float:
    return sum(TIMES.get(c, 0.5) for c in text)


def set_em(text: str) -> float:
    """Width of a title line as LibreOffice sets it: Chinese 1 em, Latin ½, plus the gap at each
    change between Chinese and Latin."""
    em = sum(1.0 if ord(c) > 0x2E80 else 0.5 for c in text)
    changes = sum(1 for a, b in zip(text, text[1:]) if (a.isascii() and a.isalnum()) != (b.isascii() and b.isalnum())
                  and not (a.isascii() and not a.isalnum()) and not (b.isascii() and not b.isalnum()))
    return em + AUTOSPACE_EM * changes


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    ledger = demo_ledger(tmp_path_factory.mktemp("ledger") / "ledger.json")
    yield ledger
    ledger.close()


def village(ledger, name: str) -> int:
    return next(v.id for v in ledger.villages() if v.name == name)


def title_lines(r: DocxReader) -> list[str]:
    """The 标题 as written: the first run of consecutive 二号 (sz 44) body paragraphs."""
    lines: list[str] = []
    for p in r.body_paragraphs():
        sizes = {sz.get(qn("w:val")) for sz in p.iter(qn("w:sz"))}
        if sizes == {"44"} and r.p_text(p):
            lines.append(r.p_text(p))
        elif lines:
            break
    return lines


NOTICES = {
    "matrix": {},  # 《青石镇软弱涣散村党组织“四个一”包联表》: was split 软弱 / 涣散
    "ledger-village": {"village": "石桥村"},  # 《石桥村2026年度…》: was split 2026 / 年度
    "ledger-empty-village": {"village": "曾家村"},
    "ledger": {},
    "roster": {},
    "circular": {},
    "signoff": {"village": "重阳村"},
}


@pytest.fixture(scope="module")
def notices(ledger, tmp_path_factory) -> dict[str, DocxReader]:
    out = tmp_path_factory.mktemp("notices")
    docs = {}
    for name, extra in NOTICES.items():
        options = ExportOptions(doc_number=12)
        if "village" in extra:
            options.village_id = village(ledger, extra["village"])
        docs[name] = DocxReader(documents.write(ledger, name.split("-")[0], options, out / f"{name}.docx"))
    return docs


# ---------------------------------------------------------------- titles


def assert_title_broken_by_meaning(lines: list[str], width_em: float = TITLE_WIDTH_EM) -> None:
    whole = "".join(lines)
    for line in lines:
        assert set_em(line) <= width_em, f"title line wider than the 版心 as LibreOffice sets it: {line}"
    for upper, lower in zip(lines, lines[1:]):
        assert not (upper[-1].isdigit() and (lower[0].isdigit() or lower[0] in "年月日")), (upper, lower)
    for word in ("软弱涣散", "党组织", "四个一", "第一书记", "花名册"):
        assert sum(line.count(word) for line in lines) == whole.count(word), f"{word} cut: {lines}"


@pytest.mark.parametrize("name", NOTICES)
def test_written_titles_are_broken_between_words_and_fit_the_line(notices, name):
    lines = title_lines(notices[name])
    assert lines and "".join(lines).startswith("中共青石镇委员会关于")
    assert_title_broken_by_meaning(lines)


def test_a_title_never_breaks_inside_a_number():
    # 40 em: the only two-line split cuts 2026 in two, so three lines are taken
    lines = break_title("中共青石镇委员会关于印发《青石镇青山村2026年度软弱涣散村党组织整顿推进表》的通知",
                        TITLE_WIDTH_EM)
    assert not any(line.endswith(("20", "202")) for line in lines)
    assert_title_broken_by_meaning(lines)


def test_a_title_line_leaves_room_for_the_gap_before_digits():
    # 20 em as counted, 20.4 em as LibreOffice sets it: must not be one line
    lines = break_title("中共青石镇委员会关于印发《曾家村2026年度软弱涣散村党组织整顿推进表》的通知", TITLE_WIDTH_EM)
    assert "中共青石镇委员会关于印发《曾家村2026年度" not in lines
    assert_title_broken_by_meaning(lines)


# ---------------------------------------------------------------- table columns


def cell_text(tc) -> str:
    """A cell's text, line breaks (``w:br``) as newlines."""
    return "".join("\n" if el.tag == qn("w:br") else el.text or "" for el in tc.iter(qn("w:t"), qn("w:br")))


def table_columns(r: DocxReader, tbl) -> tuple[list[str], list[float], float, list[list[str]]]:
    """(first header row's texts, content width of each grid column in pt, data font size in pt,
    data rows as texts)."""
    margins = tbl.find(qn("w:tblPr") + "/" + qn("w:tblCellMar"))
    pad = twips(margins.find(qn("w:left")).get(qn("w:w"))) + twips(margins.find(qn("w:right")).get(qn("w:w")))
    widths = [(twips(g.get(qn("w:w"))) - pad) / 20 for g in tbl.iter(qn("w:gridCol"))]
    rows = tbl.findall(qn("w:tr"))
    header = [cell_text(tc).replace("\n", "") for tc in rows[0].findall(qn("w:tc"))]  # titles break between words
    data = [[cell_text(tc) for tc in tr.findall(qn("w:tc"))] for tr in rows
            if tr.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is None]
    first = next(tr for tr in rows if tr.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is None)
    style_id = first.find(".//" + qn("w:pStyle")).get(qn("w:val"))  # the data cells' style
    size = int(r.styles[style_id].find(qn("w:rPr") + "/" + qn("w:sz")).get(qn("w:val"))) / 2
    return header, widths, size, data


@pytest.mark.parametrize("mask", (True, False))
def test_roster_codes_and_dates_never_wrap(ledger, tmp_path, mask):
    """An ID number, a phone and a date print on one line: their columns are at least as wide as
    the widest of them at the table's type (which steps down rather than break one)."""
    options = ExportOptions(notice=False, include_ended=True, mask=mask)
    r = DocxReader(documents.write(ledger, "roster", options, tmp_path / "roster.docx"))
    (tbl,) = r.data_tables()
    header, widths, size, rows = table_columns(r, tbl)
    assert size < 9  # 21 columns: the type stepped down from 小五 to keep every code whole
    ids = [row[header.index("身份证号")] for row in rows]
    assert any(i.endswith("X") for i in ids), "the demo should hold an ID number ending in X"
    for column in ("身份证号", "联系电话", "出生年月", "到村时间", "任期届满时间"):
        width = widths[header.index(column)]
        values = [row[header.index(column)] for row in rows]
        assert all("\n" not in v for v in values), column
        assert all(times_em(v) * size <= width for v in values), (column, width)


def test_wrapping_columns_are_whole_characters_wide(ledger, tmp_path):
    """A column of Chinese text 2.6 characters wide sets two a line: the 0.6 is wasted while its
    neighbours wrap for want of it. Among the columns whose Chinese text wraps, the fractions of a
    character left over add up to less than one character (else one of them could have had it)."""
    slack = 12 / 20  # pt: the allowance every column gets so a text measured to fit is not wrapped
    for kind in ("roster", "matrix", "ledger"):
        r = DocxReader(documents.write(ledger, kind, ExportOptions(notice=False), tmp_path / f"{kind}.docx"))
        (tbl,) = r.data_tables()
        header, widths, size, rows = table_columns(r, tbl)
        assert all(len(row) == len(widths) for row in rows)
        wasted = {}
        for i, width in enumerate(widths):
            chinese = [row[i] for row in rows if any(ord(c) > 0x2E80 for c in row[i])]
            if any(sum(1.0 if ord(c) > 0x2E80 else 0.5 for c in line) * size > width
                   for text in chinese for line in text.split("\n")):
                em = (width - slack) / size
                wasted[i + 1] = round(em - math.floor(em), 2)
        assert sum(wasted.values()) < 1.0, f"{kind}: wasted fractions of a character by column {wasted}"


# ---------------------------------------------------------------- the report (验收销号)


def test_report_neither_copies_its_recipient_nor_asks_for_anything(notices, ledger):
    r = notices["signoff"]
    paragraphs = [r.p_text(p) for p in r.body.iter(qn("w:p"))]
    assert "县委组织部：" in paragraphs  # 主送
    (cc,) = [p for p in paragraphs if p.startswith("抄送：")]
    assert "县委组织部" not in cc.removeprefix("抄送：").replace("县委农村工作领导小组办公室", "")
    assert cc == "抄送：县委农村工作领导小组办公室。"
    body = "\n".join(paragraphs)
    assert "请审核" not in body and "特此报告。" in paragraphs  # 报告不得夹带请示事项
    # the circulars to the villages keep the office's whole 抄送 list
    assert f"抄送：{ledger.settings.default_cc}。" in notices["matrix"].text()


# ---------------------------------------------------------------- the file


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_written_file_is_readable_like_any_new_file(ledger, tmp_path):
    old = os.umask(0o022)
    try:
        path = documents.write(ledger, "matrix", ExportOptions(), tmp_path / "m.docx")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's private 0600
        path.chmod(0o640)
        documents.write(ledger, "matrix", ExportOptions(), path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o640  # a replaced file keeps its mode
    finally:
        os.umask(old)


# ---------------------------------------------------------------- rendered (LibreOffice)

MISSING = render_missing()


def render_lines(path, tmp_path) -> list[list[str]]:
    """Text lines of every page of the PDF LibreOffice makes of ``path`` (as pdftotext -layout
    lays them out)."""
    pdf = render_pdf(path, tmp_path)
    txt = tmp_path / f"{path.stem}.txt"
    subprocess.run(["pdftotext", "-layout", str(pdf), str(txt)], check=True)
    return [[line for line in page.splitlines() if line.strip()] for page in txt.read_text(encoding="utf-8").split("\f")]


@pytest.mark.skipif(bool(MISSING), reason=f"LibreOffice/poppler or the fonts the layout was checked with are missing: {MISSING}")
def test_rendered_title_keeps_its_lines_and_id_numbers_their_x(ledger, tmp_path):
    options = ExportOptions(doc_number=12, village_id=village(ledger, "曾家村"))
    path = documents.write(ledger, "ledger", options, tmp_path / "ledger.docx")
    written = title_lines(DocxReader(path))
    page1 = [re.sub(r"\s+", "", line) for line in render_lines(path, tmp_path)[0]]
    for line in written:  # each written title line is one printed line: nothing pushed over
        assert line in page1, (line, page1[:8])

    roster = documents.write(ledger, "roster", ExportOptions(notice=False, include_ended=True, mask=False),
                             tmp_path / "roster.docx")
    tokens = [tok for page in render_lines(roster, tmp_path) for line in page for tok in line.split()]
    assert any(re.fullmatch(r"[0-9]{17}X", tok) for tok in tokens)  # an ID ending in X, whole on its line
    assert "X" not in tokens  # never an X alone on a line
