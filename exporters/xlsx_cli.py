"""``python main.py import FILE [--kind …] [--dry-run]``: an office's Excel ledgers into the ledger.

Exit status: 0 every row was taken (or nothing needed changing), 1 some rows were refused (the
report of them is written beside the file and its path printed), 2 the file cannot be read.
main.py wraps the command in its ``clerk_errors`` (one Chinese line on stderr, exit 2).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ledgers.importing import KIND_NAMES, ImportReport

SHOWN_REJECTIONS = 10


def describe(report: ImportReport) -> list[str]:
    """The report as lines for a terminal (also used by the app)."""
    lines = []
    for s in report.sheets:
        how = "（按表头识别）" if s.guessed else ""
        extra = f"，跳过空行和合计行等{s.skipped}行" if s.skipped else ""
        lines.append(f"工作表“{s.name}”：{KIND_NAMES[s.kind]}{how}——新增{s.added}、更新{s.updated}、"
                     f"无变化{s.unchanged}、未通过{len(s.rejected)}{extra}")
    for name in report.unreadable:
        lines.append(f"工作表“{name}”：没有识别出表头，未导入")
    return lines


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(list(KIND_NAMES)), help="表格类型（默认按表头识别）：村情、第一书记、整顿台账、四个一、两委、后备干部、组织生活、党员发展")
@click.option("--dry-run", is_flag=True, help="只检查并报告将新增、更新和未通过的行，不改动账本")
@click.pass_obj
def import_command(obj: Any, file: Path, kind: str | None, dry_run: bool) -> None:
    """从 Excel（.xlsx/.xls）导入村情、第一书记花名册、整顿台账（整改任务）、“四个一”包联表，以及各村两委成员、
    后备干部、组织生活（三会一课）和党员发展记录。"""
    from ledgers.importing import run_import

    from .xlsx_in import read_workbook
    from .xlsx_out import write_rejections

    sheets = read_workbook(file)
    with obj.open(read_only=dry_run, create=True) as ledger:  # a dry run reads; it never creates
        report = run_import(ledger, sheets, kind, dry_run=dry_run, source=str(file))
    for line in describe(report):
        click.echo(line)
    head = "试导入（未改动账本）" if dry_run else ("已导入" if report.committed else "导入完成，账本没有变化")
    click.echo(f"{head}：{report.summary()}")
    if report.rejected:
        for r in report.rejected[:SHOWN_REJECTIONS]:
            click.echo(f"  “{r.sheet}”第{r.row}行：{r.reason}", err=True)
        if len(report.rejected) > SHOWN_REJECTIONS:
            click.echo(f"  ……另有{len(report.rejected) - SHOWN_REJECTIONS}行，见未导入行报告", err=True)
        path = write_rejections(report, file)
        click.echo(f"未导入的行及原因已写入：{path}")
        sys.exit(1)
    if report.committed:
        click.echo("如需撤销本次导入：python main.py undo（或在程序中按 Ctrl+Z）")
