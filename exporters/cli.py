"""``python main.py export circular|matrix|roster|ledger|signoff -o FILE.docx``: formal documents
from the command line (registered by main.py when this module exists).

main.py wraps it in its ``clerk_errors``: errors are one Chinese line on stderr and exit status 2.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .documents import KINDS
from .options import ExportOptions, find_village_id, parse_issue_date, parse_year


@click.command("export")
@click.argument("kind", type=click.Choice([*KINDS, "xlsx"]), metavar="circular|matrix|roster|ledger|signoff|screening|xlsx")
@click.option("--village", "village", help="村名（整顿推进表可选；验收销号表必填）")
@click.option("--year", help="年度（批次），如 2026；all 为全部年度；默认今年")
@click.option("--doc-number", type=int, help="发文字号的序号，如 12 → 青石发〔2026〕12号；不填则留空待填")
@click.option("--date", "issue", help="成文日期 YYYY-MM-DD（默认今天）")
@click.option("--signer", help="签发人（上行文，如验收销号报告；默认取设置中的签发人）")
@click.option("--unsealed", is_flag=True, help="不加盖印章的署名版式（默认为加盖印章的版式：成文日期右空四字）")
@click.option("--to", help="主送机关（默认取设置中的主送机关）")
@click.option("--cc", help="抄送机关，用中文逗号分隔（默认取设置）")
@click.option("--no-mask", is_flag=True, help="显示完整的身份证号和手机号（默认隐去中间几位）")
@click.option("--table-only", is_flag=True, help="只输出表格和标题，不套公文版头")
@click.option("--all-secretaries", is_flag=True, help="花名册也列出已召回、调整和期满离任的第一书记")
@click.option("--body-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="用此文本文件（UTF-8，一段一行）代替自动生成的正文")
@click.option("--title", help="代替自动生成的标题")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出的 .docx 文件（xlsx：.xlsx 工作簿；screening 以 .xlsx 结尾时输出排查结果工作表）")
@click.pass_obj
def export(obj: Any, kind: str, village: str | None, year: str | None, doc_number: int | None, issue: str | None,
           signer: str | None, unsealed: bool, to: str | None, cc: str | None, no_mask: bool, table_only: bool, all_secretaries: bool,
           body_file: Path | None, title: str | None, output: Path) -> None:
    """生成公文（GB/T 9704-2012 格式的 Word 文档）：通报、“四个一”包联表、第一书记花名册、整顿推进表、验收销号表、
    拉网式排查结果表；xlsx：全部台账导出为一个 Excel 工作簿（村情、整顿台账、整顿推进表、四个一包联表、第一书记花名册、
    两委班子、后备干部、组织生活、党员发展）。"""
    if kind == "screening" and output.suffix.lower() == ".xlsx":
        from .xlsx_out import screening_sheet, write_sheets

        with obj.open(read_only=True) as ledger:
            path = write_sheets([screening_sheet(ledger, parse_year(year, "--year") or None)], output)
        click.echo(f"已导出：{path}")
        return
    if kind == "xlsx":
        from .xlsx_out import write_ledger

        with obj.open(read_only=True) as ledger:
            path = write_ledger(ledger, output.with_suffix(".xlsx") if output.suffix.lower() != ".xlsx" else output,
                                mask=not no_mask)
        click.echo(f"已导出：{path}" + ("" if no_mask else "（身份证号、手机号已隐去中间几位；完整导出请加 --no-mask）"))
        return
    from . import documents

    options = ExportOptions(
        year=parse_year(year, "--year"), doc_number=doc_number, date=parse_issue_date(issue, "--date"), to=to, cc=cc,
        mask=not no_mask, notice=False if table_only else None, include_ended=all_secretaries,
        body=body_file.read_text(encoding="utf-8") if body_file else None, title=title, signer=signer,
        sealed=not unsealed,
    )
    with obj.open(read_only=True) as ledger:
        if village:
            options.village_id = find_village_id(ledger, village)
        path, drafts = documents.write_document(ledger, kind, options, output)
    click.echo(f"已生成：{path}" + ("（草稿）" if drafts else ""))
    for note in drafts:
        click.echo(f"注意：{note}")
