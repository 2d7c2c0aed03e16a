"""The builder's pieces: titles, headings, 发文字号, hostile text, safe saving, table speed, and (when
LibreOffice is installed) what a reader sees: 22 lines × 28 characters, page numbers, no empty page."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from exporters import documents
from exporters.gongwen import GongwenDocument
from exporters.layout import break_title, demote_headings, heading_level, safe_text, text_em
from exporters.options import ExportOptions, doc_number_text
from exporters.tables import Column, TableSpec
from ledgers.errors import FieldError, LedgerError
from test_export_support import DocxReader, demo_ledger, render_missing, render_pdf

HOSTILE = "[bold]青\x07山\x1b[31m村\ud800[/]\x00\ufffe"


@pytest.fixture
def ledger(tmp_path):
    ledger = demo_ledger(tmp_path / "ledger.json")
    yield ledger
    ledger.close()


# ---------------------------------------------------------------- text rules


def test_titles_break_by_meaning_into_a_trapezoid():
    lines = break_title("中共青石镇委员会关于2026年度软弱涣散村党组织整顿工作进展情况的通报")
    assert lines == ["中共青石镇委员会关于2026年度", "软弱涣散村党组织整顿工作进展情况的通报"]
    assert break_title("关于调整包联力量的通知") == ["关于调整包联力量的通知"]
    assert break_title("第一行\n第二行") == ["第一行", "第二行"]
    long = "中共青石镇委员会关于印发《青石镇软弱涣散村党组织“四个一”包联表》和《青石镇第一书记花名册》的通知"
    lines = break_title(long)
    assert "".join(lines) == long and len(lines) == 3 and all(text_em(line) <= 20 for line in lines)


@given(st.text(alphabet="关于青石镇村党组织的通知报告、（）“”《》2026年度abc", min_size=1, max_size=70))
@settings(max_examples=60, deadline=None)
def test_title_lines_always_fit_and_keep_every_character(title):
    title = title.strip()
    if not title or "\n" in title:
        return
    lines = break_title(title)
    assert "".join(lines) == title
    assert all(text_em(line) <= 20 for line in lines) or len(lines) == 1


def test_heading_levels():
    assert heading_level("一、基本情况") == 1
    assert heading_level("十二、其他") == 1
    assert heading_level("（三）严格验收") == 2
    assert heading_level("(三)严格验收") == 2
    assert heading_level("3. 按期完成") == 3
    assert heading_level("（2）逐项销号") == 4
    assert heading_level("2026年，全镇") == 0
    assert heading_level("1.5万元") == 0
    assert demote_headings("一、压实责任。\n二、严格验收。") == "（一）压实责任。\n（二）严格验收。"


def test_doc_number_form():
    assert doc_number_text("青石发", 2026, 12) == "青石发〔2026〕12号"
    assert doc_number_text("青石发", 2026, None) == "青石发〔2026〕　　号"
    with pytest.raises(FieldError):
        doc_number_text("青石发", 2026, 0)


def test_safe_text_keeps_markup_literally():
    assert safe_text(HOSTILE) == "[bold]青山[31m村[/]"


# ---------------------------------------------------------------- hostile text everywhere


def test_hostile_text_in_every_element(tmp_path):
    g = GongwenDocument()
    g.letterhead(HOSTILE, "青石发〔2026〕1号", copy_no=HOSTILE)
    g.title(HOSTILE)
    g.recipients(HOSTILE)
    g.body_text(f"一、{HOSTILE}。{HOSTILE}\n{HOSTILE}")
    g.attachment_note([HOSTILE])
    g.signature(HOSTILE, "2026年11月23日", note=HOSTILE)
    g.attachment(None, HOSTILE, landscape=True, subtitle=HOSTILE)
    g.table(TableSpec([Column(HOSTILE, 10), Column("乙", 10, "left")], [[HOSTILE, f"多行\n{HOSTILE}"], [1, None]]))
    g.colophon(HOSTILE, HOSTILE, "2026年11月23日")
    path = tmp_path / "h.docx"
    g.document().save(path)
    text = DocxReader(path).text()
    assert "[bold]青山[31m村[/]" in text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", text)


def test_hostile_village_name_through_a_whole_document(ledger, tmp_path, monkeypatch):
    # the ledger cleans names where they enter; the exporter must survive one that slipped through
    monkeypatch.setattr(ledger, "village_name", lambda vid: HOSTILE)
    for kind in ("circular", "ledger"):
        path = documents.write(ledger, kind, ExportOptions(), tmp_path / f"{kind}.docx")
        # literally (a table cell may set it over two lines, a paragraph each)
        assert "[bold]青山[31m村[/]" in DocxReader(path).text().replace("\n", "")


# ---------------------------------------------------------------- saving


def test_write_replaces_the_target_and_leaves_no_temp_file(ledger, tmp_path):
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    documents.write(ledger, "matrix", ExportOptions(), target)
    Document(str(target))  # a complete document
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".json" and "ledger" not in p.name) == ["out.docx"]


def test_file_open_in_word_gives_a_chinese_message(ledger, tmp_path, monkeypatch):
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    monkeypatch.setattr("exporters.documents.time.sleep", lambda s: None)
    with pytest.raises(LedgerError, match="Word/WPS"):
        documents.write(ledger, "matrix", ExportOptions(), target)
    assert target.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_bad_paths_are_refused_in_chinese(ledger, tmp_path):
    with pytest.raises(LedgerError, match="docx"):
        documents.write(ledger, "matrix", ExportOptions(), tmp_path / "out.txt")
    with pytest.raises(LedgerError, match="文件夹不存在"):
        documents.write(ledger, "matrix", ExportOptions(), tmp_path / "missing" / "out.docx")


def test_signoff_needs_a_village_and_unknown_kinds_are_refused(ledger):
    with pytest.raises(LedgerError, match="选择一个村"):
        documents.build(ledger, "signoff", ExportOptions())
    with pytest.raises(LedgerError, match="没有"):
        documents.build(ledger, "minutes", ExportOptions())


def test_progress_is_reported(ledger, tmp_path):
    seen: list[float] = []
    documents.write(ledger, "circular", ExportOptions(), tmp_path / "p.docx", progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 4


# ---------------------------------------------------------------- speed


def test_a_1500_row_table_builds_well_under_two_seconds():
    cols = [Column(f"列{i}", 10) for i in range(21)]
    rows = [[f"{n}", "张三丰", "男", "汉族", "1985.03", "中共党员", "大学本科", "县农业农村局", "县直", "科员",
             "四级主任科员", "青石镇青山村", "脱贫村", "第十批", "2025.05.23", "2027.05.23", "110101********1234",
             "138****5678", "2025年称职", "在岗", ""] for n in range(1500)]
    start = time.perf_counter()
    g = GongwenDocument(landscape=True)
    g.table_title("第一书记花名册")
    g.table(TableSpec(cols, rows, size=9, margin=28))
    g.document().save(BytesIO())
    assert time.perf_counter() - start < 1.5
    tbl = g.body.find(qn("w:tbl"))
    assert len(tbl.findall(qn("w:tr"))) == 1501


# ---------------------------------------------------------------- what a reader sees (LibreOffice)




@pytest.mark.skipif(bool(render_missing()), reason=f"LibreOffice/poppler or fonts missing: {render_missing()}")
def test_rendered_pages_keep_the_grid(ledger, tmp_path):
    body = documents.preview_text(ledger, "circular", ExportOptions())
    body += "\n" + "\n".join(["（四）加强督导检查。镇党委将采取明察暗访、随机抽查等方式，对各村整顿工作进展"
                              "情况进行督导，督导结果纳入年度考核，对工作不力、进展缓慢的村予以通报批评。"] * 10)
    path = documents.write(ledger, "circular", ExportOptions(doc_number=12, body=body), tmp_path / "c.docx")
    pdf = render_pdf(path, tmp_path)
    subprocess.run(["pdftotext", "-layout", str(pdf), str(tmp_path / "c.txt")], check=True)
    pages = (tmp_path / "c.txt").read_text(encoding="utf-8").split("\f")
    pages = pages[:-1] if pages[-1].strip() == "" else pages  # the text after the last form feed
    numbers = []
    full_pages = 0
    for n, page in enumerate(pages, 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if not lines:  # the blank page that puts the 版记 on an even page: no number, but counted
            assert n == len(pages) - 1 and n % 2, "a blank page only before the 版记, on an odd page"
            numbers.append(n)
            continue
        folio = [line for line in lines if re.fullmatch(r"—\s*\d+\s*—", line)]
        assert folio, "a page without its number"
        numbers.append(int(re.sub(r"\D", "", folio[0])))
        body_lines = [line for line in lines if line not in folio]
        if len(body_lines) == 22 and all(len(line.replace(" ", "")) <= 34 for line in body_lines):
            full_pages += 1
            # Chinese characters per line: at most 28 (Latin digits are half width)
            assert all(sum(1 for c in line if ord(c) > 0x2E80) <= 28 for line in body_lines)
    assert numbers == list(range(1, len(pages) + 1))
    assert full_pages >= 2  # the long 正文 fills whole pages of 22 lines


def test_exporters_import_neither_textual_nor_click():
    code = ("import sys, exporters.documents, exporters.gongwen, exporters.tables, exporters.circular, "
            "exporters.matrix_table, exporters.roster, exporters.progress, exporters.signoff, exporters.summary; "
            "bad = [m for m in ('textual', 'click', 'rich') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
