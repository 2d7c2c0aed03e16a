"""从 Excel 导入: pick a file (and a sheet kind, or let the headers tell), see what a dry run finds —
what would be added, updated and refused, with the first refusals and their reasons — then confirm.

The dry run and the import run in a worker with a progress bar (a prefecture's roster is thousands
of rows); the worker posts messages and never touches widgets. The import is one change: Ctrl+Z
undoes it. Refused rows are written to a report beside the file. Returns True when something was
imported.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, ProgressBar, Select, Static

from ledgers.errors import LedgerError

from ..widgets.footer import KeyFooter

KIND_CHOICES = [("按表头自动识别", ""), ("村情", "villages"), ("第一书记花名册", "secretaries"),
                ("整顿台账（整改任务）", "cases"), ("“四个一”包联表", "matrix")]
SHOWN_REJECTIONS = 6


def check_path(text: str) -> Path:
    """The workbook path typed, or LedgerError saying what is wrong with it."""
    from exporters.xlsx_in import SUFFIXES

    t = text.strip().strip('"').strip("'")
    if not t:
        raise LedgerError("请填写 Excel 文件的路径（.xlsx 或 .xls）")
    path = Path(t).expanduser()
    if not path.exists():
        raise LedgerError(f"找不到文件：{path}")
    if path.suffix.lower() not in SUFFIXES:
        raise LedgerError("应为 Excel 文件（.xlsx 或 .xls）")
    return path


class ImportScreen(ModalScreen[bool]):
    """The import dialog: Enter checks the file (a dry run), Ctrl+S imports, Esc closes."""

    BINDINGS = [
        Binding("ctrl+s", "import_now", "确认导入", id="import-confirm", priority=True),
        Binding("ctrl+r", "check", "试导入", id="import-check", priority=True),
        Binding("escape", "close", "关闭", id="import-close"),
    ]
    DEFAULT_CSS = """
    #import-dialog { width: 90%; max-width: 110; height: auto; max-height: 90%; }
    #import-dialog Input, #import-dialog Select { width: 1fr; }
    #import-dialog .import-row { height: auto; }
    #import-dialog .import-label { width: 10; padding: 1 1 0 0; }
    #import-progress { height: 1; margin: 1 0 0 0; }
    #import-result { height: auto; max-height: 18; overflow-y: auto; margin: 1 0 0 0; }
    #import-result.-error { color: $error; text-style: bold; }
    """

    class Finished(Message):
        def __init__(self, report: Any, dry_run: bool, rejections: Path | None, error: str = "") -> None:
            super().__init__()
            self.report, self.dry_run, self.rejections, self.error = report, dry_run, rejections, error

    class Progressed(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial = path
        self.checked: tuple[Path, str] | None = None  # (file, kind) the last dry run was for
        self.running = False
        self.imported = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="dialog"):
            yield Static(Content("从 Excel 导入现有台账"), classes="dialog-title")
            yield Static(Content("村情、第一书记花名册、整顿台账（整改任务）、“四个一”包联表；每一行按录入表单的规则检查，"
                                 "不合格的行不导入并说明原因。先按 Enter 试导入（不改动账本），再按 Ctrl+S 确认。"))
            with Horizontal(classes="import-row"):
                yield Static("文件", classes="import-label")
                yield Input(self.initial, placeholder="Excel 文件路径，如 /home/dang/花名册.xlsx", id="import-path")
            with Horizontal(classes="import-row"):
                yield Static("表格类型", classes="import-label")
                yield Select(KIND_CHOICES, value="", allow_blank=False, id="import-kind")
            yield ProgressBar(total=100, show_eta=False, id="import-progress")
            yield Static("", id="import-result", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.query_one("#import-path", Input).focus()

    # ------------------------------------------------------------ actions

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self.action_check()

    @on(Input.Changed, "#import-path")
    @on(Select.Changed, "#import-kind")
    def _changed(self) -> None:
        self.checked = None  # a confirmation is for the file and kind that were checked

    def _chosen(self) -> tuple[Path, str] | None:
        try:
            path = check_path(self.query_one("#import-path", Input).value)
        except LedgerError as err:
            self._show(str(err), error=True)
            return None
        return path, str(self.query_one("#import-kind", Select).value or "")

    def action_check(self) -> None:
        chosen = self._chosen()
        if chosen is not None and not self.running:
            self._start(chosen, dry_run=True)

    def action_import_now(self) -> None:
        if self.running:
            return
        chosen = self._chosen()
        if chosen is None:
            return
        if self.checked != chosen:
            self._show("请先按 Enter 试导入，看过结果后再按 Ctrl+S 确认导入。")
            if not self.running:
                self._start(chosen, dry_run=True)
            return
        if self.app.ledger.read_only:  # type: ignore[attr-defined]
            self._show("只读模式：另一位同事正在使用该账本，不能导入。", error=True)
            return
        self._start(chosen, dry_run=False)

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.imported)

    def _start(self, chosen: tuple[Path, str], *, dry_run: bool) -> None:
        self.running = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=100, progress=0)
        self._show("正在试导入……" if dry_run else "正在导入……")
        self.run_import(chosen[0], chosen[1] or None, dry_run)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, path: Path, kind: str | None, dry_run: bool) -> None:
        from exporters.xlsx_in import read_workbook
        from exporters.xlsx_out import write_rejections
        from ledgers.importing import run_import

        ledger = self.app.ledger  # type: ignore[attr-defined]
        try:
            sheets = read_workbook(path)
            report = run_import(ledger, sheets, kind, dry_run=dry_run, source=str(path),
                                progress=lambda done, total: self.post_message(self.Progressed(done, total)))
            rejections = write_rejections(report, path) if report.rejected else None
        except LedgerError as err:
            self.post_message(self.Finished(None, dry_run, None, str(err)))
            return
        except OSError as err:
            self.post_message(self.Finished(None, dry_run, None, f"无法写入未导入行报告：{err.strerror or err}"))
            return
        except Exception as err:  # noqa: BLE001 - the dialog must never stay "running"; nothing was kept
            self.post_message(self.Finished(None, dry_run, None,
                                            f"导入时出错，账本没有改动：{type(err).__name__}: {err}"))
            return
        self.post_message(self.Finished(report, dry_run, rejections))

    def on_import_screen_progressed(self, message: Progressed) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(1, message.total), progress=message.done)

    def on_import_screen_finished(self, message: Finished) -> None:
        from exporters.xlsx_cli import describe

        self.running = False
        self.query_one("#import-progress").display = False
        if message.error:
            self._show(message.error, error=True)
            return
        report = message.report
        # The outcome first: on an 80×24 terminal the sheet-by-sheet lines below it may be cut.
        lines = []
        if message.dry_run:
            self.checked = self._chosen()
            lines.append(f"试导入（账本未改动）：{report.summary()}")
            lines.append("确认导入请按 Ctrl+S；导入后可按 Ctrl+Z 撤销。" if report.changed else "没有需要导入的变化。")
        else:
            self.imported = self.imported or report.committed
            lines.append(("已导入：" if report.committed else "导入完成，账本没有变化：") + report.summary())
            if report.committed:
                lines.append("本次导入是一次修改，按 Esc 关闭后可按 Ctrl+Z 撤销。")
                self.app.ledger_changed()  # type: ignore[attr-defined]
            self.checked = None
        if message.rejections is not None:
            lines.append(f"未导入的行及原因：{message.rejections}")
        lines += describe(report)
        for r in report.rejected[:SHOWN_REJECTIONS]:
            lines.append(f"  “{r.sheet}”第{r.row}行：{r.reason}")
        if len(report.rejected) > SHOWN_REJECTIONS:
            lines.append(f"  ……另有{len(report.rejected) - SHOWN_REJECTIONS}行")
        self._show("\n".join(lines))

    def _show(self, text: str, *, error: bool = False) -> None:
        result = self.query_one("#import-result", Static)
        result.update(Content(text))
        result.set_class(error, "-error")
