"""党建台账 command line: ``python main.py`` opens the app; subcommands serve scripts and quick answers.

The ledger file is ``--db PATH``, else ``$DANGJIAN_DB``, else the per-user data directory. Errors are
one Chinese line on stderr and a non-zero exit status, never a traceback.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ledgers.errors import LedgerError, StoreLocked

if TYPE_CHECKING:
    from ledgers.ledger import Ledger


def _fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def clerk_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn clerk-facing errors into one line on stderr; programming errors still surface."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LedgerError as err:
            _fail(f"错误：{err}")
        except PermissionError as err:
            _fail(f"错误：没有权限读写文件 {err.filename}（文件可能正被 Word/WPS 打开）。")
        except OSError as err:
            _fail(f"错误：文件操作失败：{err.strerror or err}（{err.filename or ''}）。")
        except KeyboardInterrupt:
            _fail("已中断。", 130)

    return wrapper


class Context:
    def __init__(self, db: Path, today: date | None) -> None:
        self.db = db
        self.today = today

    def require_file(self) -> None:
        if not self.db.exists():
            raise LedgerError(f"账本文件不存在：{self.db}。请检查 --db 路径（新账本在打开程序或载入演示数据时创建）。")

    @contextlib.contextmanager
    def open(self, *, read_only: bool = False, create: bool = False) -> Iterator[Ledger]:
        """The ledger; only commands that fill a ledger (demo, import, the app) create a missing
        file — a mistyped --db must not be answered "ok" by check, nor turned into a file by undo.

        A command that changed the file also keeps the dashboard's figures for the app's next start
        (``tui.dashboard_view.keep_figures``), still holding the file: the copy describes it as written."""
        from ledgers.ledger import Ledger

        if not create:
            self.require_file()
        with Ledger.open(self.db, today=self.today, read_only=read_only) as ledger:
            version = ledger.version
            yield ledger
            if ledger.version != version and not ledger.read_only:
                from tui.dashboard_view import keep_figures

                keep_figures(self.db, ledger)


def _parse_today(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if not value:
        return None
    from ledgers.validate import parse_date

    try:
        return parse_date(value, "--today")
    except LedgerError as err:
        raise click.BadParameter(str(err)) from None


class Commands(click.Group):
    """The command group. Commands that live with their feature (``export`` in exporters) are imported
    only when asked for: python-docx alone takes ~40 ms to import, which every start of the app paid."""

    # command name → (module, attribute) that defines it
    LAZY = {"export": ("exporters.cli", "export"), "import": ("exporters.xlsx_cli", "import_command")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY and name not in self.commands:
            try:
                module, attribute = self.LAZY[name]
                command = getattr(importlib.import_module(module), attribute)
            except ImportError:  # the feature is not there (yet)
                return None
            # The same clerk-facing error handling as every other command (one Chinese line, no traceback).
            command.callback = clerk_errors(command.callback)
            self.add_command(command)
        return super().get_command(ctx, name)


@click.group(cls=Commands, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="DANGJIAN_DB",
              help="账本文件（默认：环境变量 DANGJIAN_DB，或用户数据目录）")
@click.option("--today", callback=_parse_today, hidden=True, envvar="DANGJIAN_TODAY",
              help="以指定日期作为“今天”（测试、补录用）")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, today: date | None) -> None:
    """党建台账：软弱涣散村党组织整顿、“四个一”、第一书记花名册与公文。"""
    from ledgers.ledger import default_db_path

    ctx.obj = Context(db or default_db_path(), today)
    if ctx.invoked_subcommand is None:
        ctx.invoke(tui)


@cli.command()
@click.pass_obj
@clerk_errors
def tui(obj: Context) -> None:
    """打开台账程序（默认）。"""
    from tui.app import make_app

    app = make_app(obj.db, today=obj.today)
    app.run()
    code = getattr(app, "return_code", 0) or 0
    if code:
        sys.exit(code)


@cli.command()
@click.option("--scale", type=click.Choice(["township", "county", "prefecture"]), default="township",
              show_default=True, help="规模：乡镇（演示）、县、市州（性能测试）")
@click.option("--force", is_flag=True, help="账本已有数据时先清空再载入")
@click.pass_obj
@clerk_errors
def demo(obj: Context, scale: str, force: bool) -> None:
    """载入虚构的演示数据（青石镇）。"""
    from ledgers.demo import clear_ledger, demo_summary, load_demo

    with obj.open(create=True) as ledger:
        if not ledger.is_empty() and not force:
            _fail(f"错误：账本 {obj.db} 已有数据，未做改动。如确需覆盖，请加 --force（可用 undo 撤销）。")
        # Clearing and loading are one change: a crash between them cannot leave an empty ledger,
        # and one undo brings the old data back.
        with ledger.transaction(demo_summary(scale, replacing=not ledger.is_empty()), detail=False):
            if not ledger.is_empty():
                clear_ledger(ledger)
            counts = load_demo(ledger, scale)
    click.echo(f"已载入演示数据到 {obj.db}：" + "，".join(
        f"{label}{counts.get(key, 0)}" for key, label in (("villages", "村"), ("cases", "整顿案卷"),
                                                          ("cadres", "第一书记"), ("postings", "驻村记录"), ("assignments", "包联记录"))))


@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.option("--limit", default=5, show_default=True, help="最多显示几个村")
@click.option("--no-mask", is_flag=True, help="显示完整的手机号")
@click.pass_obj
@clerk_errors
def lookup(obj: Context, query: str, as_json: bool, limit: int, no_mask: bool) -> None:
    """按村名、全拼或拼音首字母查询村的情况，如：lookup qsc"""
    from ledgers.status import village_status

    with obj.open(read_only=True) as ledger:
        hits = ledger.lookup(query, limit + 1)  # one more: to know whether some were left out
        more = len(hits) > limit
        statuses = [village_status(ledger, h.village_id) for h in hits[:limit]]
    if as_json:
        click.echo(json.dumps([s.to_json(unmask=no_mask) for s in statuses], ensure_ascii=False, indent=2))
        if more:
            click.echo(f"只显示了前{limit}个匹配的村（--limit 可显示更多）。", err=True)
        if not statuses:  # like grep: scripts can test the exit status; stdout stays valid JSON
            _fail(f"没有找到与“{query}”匹配的村。", 1)
        return
    if not statuses:
        _fail(f"没有找到与“{query}”匹配的村。", 1)
    from tui.cli_render import print_status_cards

    print_status_cards(statuses, unmask=no_mask)
    if more:  # said on stderr: stdout stays the cards (and --json valid JSON)
        click.echo(f"只显示了前{limit}个匹配的村；输入更多字，或用 --limit 显示更多。", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.pass_obj
@clerk_errors
def check(obj: Context, as_json: bool) -> None:
    """检查账本完整性和各项规则；有完整性错误时退出码为 1。"""
    from ledgers.check import check_ledger

    from ledgers.ledger import Ledger

    if not obj.db.exists():
        obj.require_file()  # says the file does not exist
    # Tolerant: a record that does not load is reported as an integrity error, not a stop.
    with Ledger.open(obj.db, today=obj.today, read_only=True, tolerant=True) as ledger:
        report = check_ledger(ledger)
    if as_json:
        click.echo(json.dumps({
            "ok": report.ok,
            "integrity": [dict(level=f.level.value, rule=f.rule, subject=f.subject, message=f.message)
                          for f in report.integrity],
            "findings": [dict(level=f.level.value, rule=f.rule, subject=f.subject, message=f.message)
                         for f in report.findings],
        }, ensure_ascii=False, indent=2))
    else:
        from tui.cli_render import print_check

        print_check(report)
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.option("--year", type=click.IntRange(2000, 2100), help="排查年度（默认今年）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（供脚本和县里汇总）")
@click.option("--all", "show_all", is_flag=True, help="也列出没有发现情形的村")
@click.pass_obj
@clerk_errors
def screen(obj: Context, year: int | None, as_json: bool, show_all: bool) -> None:
    """拉网式排查：按账本数据列出各村可能存在的软弱涣散情形（村、乡镇、情形、依据、标准）。"""
    from ledgers import screening

    with obj.open(read_only=True) as ledger:
        year = year or ledger.today.year
        rows = screening.screen(ledger, year)
    if as_json:
        click.echo(json.dumps({
            "year": year,
            "villages": len(rows),
            "proposals": [dict(village=p.village, township=p.township, code=p.code, evidence=p.evidence,
                               threshold=p.threshold) for r in rows for p in r.proposals],
            "decisions": [dict(village=r.village.name, township=r.village.township, decision=r.record.decision.value,
                               codes=r.record.codes, reason=r.record.reason) for r in rows if r.record],
            "unknown": {code: sum(1 for r in rows if code in r.unknown) for code in ("S04", "S11")},
        }, ensure_ascii=False, indent=2))
        return
    from tui.cli_render import print_screening

    print_screening(rows, year, show_all=show_all)


@cli.command()
@click.pass_obj
@clerk_errors
def backup(obj: Context) -> None:
    """立即备份账本。"""
    with obj.open() as ledger:
        path = ledger.store.backup("manual")
    click.echo(f"已备份到 {path}")


@cli.command()
@click.argument("backup_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--list", "list_only", is_flag=True, help="只列出备份")
@click.pass_obj
@clerk_errors
def restore(obj: Context, backup_file: Path | None, list_only: bool) -> None:
    """从备份恢复（默认最新的备份）；恢复前会先备份当前账本。"""
    from ledgers.store import Store

    if list_only:
        with obj.open(read_only=True) as ledger:
            for p in ledger.store.backups():
                click.echo(str(p))
        return
    from ledgers.ledger import decode_records
    from ledgers.text import terminal_safe

    with Store.open_for_restore(obj.db, validator=decode_records) as store:
        path = store.restore(backup_file)
        for skipped, why in store.skipped_backups:
            click.echo(terminal_safe(f"跳过备份 {skipped.name}：{why}"))
    try:
        with obj.open() as ledger:  # the restored file's figures, for the app's next start
            from tui.dashboard_view import keep_figures

            keep_figures(obj.db, ledger)
    except LedgerError:
        pass  # restored all the same; the next start counts them
    click.echo(f"已从 {path} 恢复账本 {obj.db}")


@cli.command()
@click.pass_obj
@clerk_errors
def undo(obj: Context) -> None:
    """撤销最近一次修改。"""
    _undo_or_redo(obj, redo=False)


@cli.command()
@click.pass_obj
@clerk_errors
def redo(obj: Context) -> None:
    """重做刚撤销的修改。"""
    _undo_or_redo(obj, redo=True)


def _undo_or_redo(obj: Context, *, redo: bool) -> None:
    with obj.open() as ledger:
        entry = ledger.redo() if redo else ledger.undo()
    if entry is None:
        _fail("没有可以重做的修改（撤销之后又有新的修改时，不能再重做）。" if redo else "没有可以撤销的修改。", 1)
    assert entry is not None
    from ledgers.text import terminal_safe

    click.echo(terminal_safe(f"已{'重做' if redo else '撤销'}：{entry.summary}（{entry.at}，{entry.who}）"))


@cli.command()
@click.option("-n", "count", default=20, show_default=True, help="显示最近几条")
@click.pass_obj
@clerk_errors
def log(obj: Context, count: int) -> None:
    """显示修改记录（审计日志）。"""
    with obj.open(read_only=True) as ledger:
        entries = ledger.audit(count)
    from ledgers.text import terminal_safe

    for e in entries:
        flag = "（已撤销）" if e.undone else ""
        click.echo(terminal_safe(f"#{e.seq}  {e.at}  {e.who}  {e.summary}{flag}  [{len(e.changes)}项]"))


def main() -> None:
    try:
        cli(standalone_mode=True)
    except StoreLocked as err:  # pragma: no cover - clerk_errors handles it inside commands
        _fail(f"错误：{err}")


if __name__ == "__main__":
    main()
