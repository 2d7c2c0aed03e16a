"""导出 Excel: every ledger as one workbook (村情, 整顿台账, 整顿推进表, 四个一包联表, 第一书记花名册).

The clerk types where to save it (a sensible name is offered) and whether to show ID numbers and
phones in full (masked by default); Ctrl+S writes it in a worker and says where. Returns the path.
"""
from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from ledgers.errors import LedgerError

from ..widgets.footer import KeyFooter


def default_path(township: str, today, folder: Path | None = None) -> Path:
    return (folder or Path.home()) / f"{township}台账-{today:%Y%m%d}.xlsx"


class XlsxExportScreen(ModalScreen["Path | None"]):
    BINDINGS = [
        Binding("ctrl+s", "write", "导出", id="xlsx-write", priority=True),
        Binding("escape", "close", "关闭", id="xlsx-close"),
    ]
    DEFAULT_CSS = """
    #xlsx-dialog { width: 90%; max-width: 100; height: auto; }
    #xlsx-dialog Input { width: 1fr; }
    #xlsx-dialog .xlsx-row { height: auto; }
    #xlsx-dialog .xlsx-label { width: 8; padding: 1 1 0 0; }
    #xlsx-result { height: auto; margin: 1 0 0 0; }
    #xlsx-result.-error { color: $error; text-style: bold; }
    """

    class Written(Message):
        def __init__(self, path: Path | None, error: str = "") -> None:
            super().__init__()
            self.path, self.error = path, error

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.initial = path
        self.written: Path | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(id="xlsx-dialog", classes="dialog"):
            yield Static(Content("导出 Excel 工作簿"), classes="dialog-title")
            yield Static(Content("全部台账导出为一个工作簿：村情、整顿台账、整顿推进表、四个一包联表、第一书记花名册、"
                                 "两委班子、后备干部、组织生活、党员发展。"
                                 "可用“从 Excel 导入”再读回。"))
            with Horizontal(classes="xlsx-row"):
                yield Static("保存为", classes="xlsx-label")
                yield Input(str(self.initial), id="xlsx-path")
            yield Checkbox("显示完整的身份证号和手机号（默认隐去中间几位）", False, id="xlsx-unmask")
            yield Static("按 Ctrl+S 导出，Esc 关闭。", id="xlsx-result", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#xlsx-path", Input).focus()

    @on(Input.Submitted, "#xlsx-path")
    def _submitted(self) -> None:
        self.action_write()

    def _target(self) -> Path:
        text = self.query_one("#xlsx-path", Input).value.strip().strip('"')
        if not text:
            raise LedgerError("请填写要保存的文件名")
        path = Path(text).expanduser()
        if path.suffix.lower() != ".xlsx":
            raise LedgerError("文件名应以 .xlsx 结尾")
        if not path.parent.is_dir():
            raise LedgerError(f"文件夹不存在：{path.parent}")
        return path

    def action_write(self) -> None:
        if self.running:
            return
        try:
            path = self._target()
        except LedgerError as err:
            self._show(str(err), error=True)
            return
        self.running = True
        self._show("正在导出……")
        self.write(path, not self.query_one("#xlsx-unmask", Checkbox).value)

    @work(thread=True, exclusive=True, group="xlsx-export", exit_on_error=False)
    def write(self, path: Path, mask: bool) -> None:
        from exporters.xlsx_out import write_ledger

        try:
            written = write_ledger(self.app.ledger, path, mask=mask)  # type: ignore[attr-defined]
        except LedgerError as err:
            self.post_message(self.Written(None, str(err)))
        except OSError as err:
            self.post_message(self.Written(None, f"无法写入 {path.name}：{err.strerror or err}"))
        else:
            self.post_message(self.Written(written))

    def on_xlsx_export_screen_written(self, message: Written) -> None:
        self.running = False
        if message.error:
            self._show(message.error, error=True)
            return
        self.written = message.path
        self._show(f"已导出：{message.path}" + ("" if self.query_one("#xlsx-unmask", Checkbox).value
                                               else "（身份证号、手机号已隐去中间几位）"))

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.written)

    def _show(self, text: str, *, error: bool = False) -> None:
        result = self.query_one("#xlsx-result", Static)
        result.update(Content(text))
        result.set_class(error, "-error")
