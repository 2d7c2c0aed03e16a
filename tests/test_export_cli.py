"""``python main.py export …``: files written, options honoured, errors as one Chinese line."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from main import cli
from test_export_support import TODAY, DocxReader, demo_ledger


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "ledger.json"
    demo_ledger(path).close()
    return path


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), "--today", TODAY.isoformat(), "export", *args])


@pytest.mark.parametrize("kind", ["circular", "matrix", "roster", "ledger"])
def test_each_document(db, tmp_path, kind):
    out = tmp_path / f"{kind}.docx"
    result = run(db, kind, "--doc-number", "12", "--date", "2026-11-22", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    text = DocxReader(out).text()
    assert "青石发〔2026〕12号" in text and "2026年11月22日" in text


def test_signoff_for_a_village(db, tmp_path):
    out = tmp_path / "s.docx"
    result = run(db, "signoff", "--village", "金沙村", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "金沙村软弱涣散村党组织整顿验收销号表" in DocxReader(out).text()
    # no number and no 签发人: written as a draft, and said so
    assert "（草稿）" in result.output
    assert "注意：发文字号留空" in result.output and "注意：上行文的签发人未填" in result.output


def test_village_by_initials_or_pinyin(db, tmp_path):
    """Issue 13: --village takes initials and pinyin as / does; a short form that fits several
    villages is refused, naming them."""
    out = tmp_path / "s.docx"
    result = run(db, "signoff", "--village", "jinshacun", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "金沙村软弱涣散村党组织整顿验收销号表" in DocxReader(out).text()
    result = run(db, "ledger", "--village", "hdc", "--table-only", "-o", str(tmp_path / "h.docx"))
    assert result.exit_code == 0, result.output
    assert "河东村" in DocxReader(tmp_path / "h.docx").text()
    result = run(db, "signoff", "--village", "he", "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 2 and "对应多个村" in result.stderr and "河东村" in result.stderr


def test_signer_goes_on_the_upward_letterhead(db, tmp_path):
    out = tmp_path / "s.docx"
    result = run(db, "signoff", "--village", "金沙村", "--doc-number", "8", "--signer", "李明", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "草稿" not in result.output and "注意" not in result.output
    assert "青石发〔2026〕8号签发人：李明" in DocxReader(out).text()


def test_table_only_where_there_is_none_is_one_line(db, tmp_path):
    result = run(db, "circular", "--table-only", "-o", str(tmp_path / "c.docx"))
    assert result.exit_code == 2
    assert "没有“只输出表格”的形式" in result.output and not (tmp_path / "c.docx").exists()


def test_options_reach_the_document(db, tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("一、总体情况\n[red]照原样印出。\n二、要求\n请按时报送。", encoding="utf-8")
    out = tmp_path / "c.docx"
    result = run(db, "circular", "--to", "各村党支部", "--cc", "县委组织部", "--body-file", str(body),
                 "--title", "关于测试的通报", "--year", "all", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = DocxReader(out).text()
    for expected in ("各村党支部：", "抄送：县委组织部。", "[red]照原样印出。", "关于测试的通报"):
        assert expected in text


def test_roster_unmasked_only_on_request(db, tmp_path):
    masked, full = tmp_path / "m.docx", tmp_path / "f.docx"
    assert run(db, "roster", "--table-only", "-o", str(masked)).exit_code == 0
    assert run(db, "roster", "--table-only", "--no-mask", "-o", str(full)).exit_code == 0
    assert "*" in DocxReader(masked).text()
    assert "****" not in DocxReader(full).text()


@pytest.mark.parametrize("args, message", [
    (["signoff"], "选择一个村"),
    (["ledger", "--village", "不存在村"], "没有找到村"),
    (["ledger", "--village", "红旗"], "没有找到村"),  # a part of a name never picks a village
    (["ledger", "--village", "h"], "对应多个村"),
    (["circular", "--year", "26"], "年度"),
    (["circular", "--date", "2026-13-40"], "--date"),
    (["circular", "--doc-number", "0"], "发文字号"),
])
def test_errors_are_one_chinese_line(db, tmp_path, args, message):
    result = run(db, *args, "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.docx").exists()


def test_missing_folder(db, tmp_path):
    result = run(db, "matrix", "-o", str(tmp_path / "nope" / "x.docx"))
    assert result.exit_code == 2 and "文件夹不存在" in result.stderr
