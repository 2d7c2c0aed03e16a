"""导出: formal Word documents (GB/T 9704-2012) from the ledgers.

Left, the options as a form (document, 村, 年度, 发文字号, 成文日期, 主送, 抄送, output file …; errors at
their field). Right, the generated 正文 in an editable TextArea: the clerk corrects it before the file
is written (Ctrl+R generates it again from the figures). Ctrl+S writes the .docx in a worker thread
with a progress bar; the path written is shown at the end. Workers never touch widgets: they post
messages. The exporters API is ``exporters.documents`` (content, write).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.timer import Timer
from textual.worker import get_current_worker
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, ProgressBar, Select, Static, TextArea

from exporters.documents import KINDS
from exporters.options import ExportOptions, find_village_id, parse_doc_number, parse_issue_date, parse_year
from exporters.signoff import RECIPIENTS as SIGNOFF_RECIPIENTS
from ledgers.errors import FieldError, LedgerError, ValidationErrors

from ..commands import Command
from ..widgets.form import Form, FormField, text_parser
from .base import SectionScreen

LABELS = {k.label: k.key for k in KINDS.values()}
NO_BODY = "（只输出表格和标题，不套公文格式，没有正文。）"
REGENERATE_AFTER = 0.4  # seconds of no typing in 村/年度 before the 正文 follows


def output_parser(label: str):  # noqa: ANN201 - a FormField parser
    def parse(text: str) -> Path:
        t = text.strip()
        if not t:
            raise FieldError(label, "请填写要保存的文件名")
        path = Path(t).expanduser()
        if path.suffix.lower() != ".docx":
            raise FieldError(label, "文件名应以 .docx 结尾")
        if not path.parent.is_dir():
            raise FieldError(label, f"文件夹不存在：{path.parent}")
        return path

    return parse


class ExportScreen(SectionScreen):
    """导出 (formal documents)."""

    MODE = "export"
    HELP_TITLE = "导出"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("export-write", "ctrl+s", "write", "写入Word", "按所选选项生成公文并保存为 .docx 文件", priority=True),
        Command("export-preview", "ctrl+r", "preview", "重新生成正文",
                "按当前选项重新生成正文（会替换正文框中的修改）"),
        Command("export-edit-body", "ctrl+t", "edit_body", "编辑正文", "把光标移到正文框，修改后再写入"),
        Command("export-options", "ctrl+o", "edit_options", "选项", "把光标移回选项"),
        Command("export-leave", "escape", "leave_field", "离开输入框",
                "光标离开输入框和正文框：之后数字键切换栏目、q 退出（Ctrl+O 回到选项，Ctrl+T 回到正文）"),
        Command("export-import-xlsx", "f5", "import_xlsx", "从Excel导入",
                "从 Excel（.xlsx/.xls）导入村情、第一书记花名册、整顿台账或四个一包联表：先试导入，再确认", priority=True),
        Command("export-xlsx", "f6", "export_xlsx", "导出Excel",
                "全部台账导出为一个 Excel 工作簿（身份证号、手机号默认隐去中间几位）", priority=True),
    )
    DEFAULT_CSS = """
    #export-body { height: 1fr; }
    #export-options { width: 55%; max-width: 60; min-width: 40; border: round $primary 50%; }
    #export-right { width: 1fr; }
    #export-text { height: 1fr; border: round $primary 50%; }
    #export-progress { height: 1; padding: 0 1; }
    #export-status { height: auto; padding: 0 1; }
    #export-status.-error { color: $error; text-style: bold; }
    """

    class Previewed(Message):
        def __init__(self, kind: str, title: str, body: str, notice: bool) -> None:
            super().__init__()
            self.kind, self.title, self.body, self.notice = kind, title, body, notice

    class Progressed(Message):
        def __init__(self, fraction: float, text: str) -> None:
            super().__init__()
            self.fraction, self.text = fraction, text

    class Written(Message):
        def __init__(self, path: Path, drafts: list[str] | None = None) -> None:
            super().__init__()
            self.path = path
            self.drafts = drafts or []  # what the document still lacks (a draft: no 发文字号, no 签发人)

    class Failed(Message):
        def __init__(self, text: str, preview: bool = False) -> None:
            super().__init__()
            self.text = text
            self.preview = preview

    def __init__(self) -> None:
        super().__init__()
        self.generated = ""  # the 正文 as last generated: an unedited text may be regenerated freely
        self.shown_kind = ""  # the document the text in the editor belongs to
        self.drafts: dict[str, tuple[str, str]] = {}  # kind → (generated, edited) kept when switching away
        self.written: Path | None = None
        self._typing: Timer | None = None
        self.auto_output = ""  # the file name last filled in for the clerk
        self.asked_scope: tuple[str, str, str] | None = None  # options of the 正文 being generated
        self.body_scope: tuple[str, str, str] | None = None  # options the 正文 in the editor was made for

    # ------------------------------------------------------------ layout

    def form_fields(self) -> list[FormField]:
        ledger = self.ledger
        s = ledger.settings
        first = next(iter(KINDS.values()))

        def village(text: str) -> int | None:
            if not text.strip():
                return None
            try:
                return find_village_id(ledger, text)
            except LedgerError as err:
                raise FieldError("村", str(err)) from None

        return [
            FormField("kind", "文档", kind="choice", choices=tuple(LABELS), value=first.label),
            FormField("village", "村", village, placeholder="整顿推进表可选；验收销号表必填"),
            FormField("year", "年度", lambda t: parse_year(t), str(ledger.today.year), placeholder="如 2026，或“全部”"),
            FormField("doc_number", "发文字号", lambda t: parse_doc_number(t), placeholder=f"序号，如 12 → {s.prefix}〔{ledger.today.year}〕12号"),
            FormField("issue", "成文日期", lambda t: parse_issue_date(t), ledger.today.isoformat(), placeholder="YYYY-MM-DD"),
            FormField("title", "标题", text_parser("标题"), placeholder="不填则自动生成"),
            FormField("to", "主送机关", text_parser("主送机关"), self.default_to(first.key)),
            FormField("cc", "抄送机关", text_parser("抄送机关"), s.default_cc),
            FormField("mask", "隐去证件号", kind="bool", value=True, help="身份证号、手机号只显示前后几位"),
            FormField("table_only", "只要表格", kind="bool", value=False, help="不套公文版头，只输出标题和表格"),
            FormField("include_ended", "含已离任", kind="bool", value=False, help="花名册也列出已召回、调整、期满离任的"),
            FormField("output", "保存为", output_parser("保存为"), str(self.default_output(first.key))),
        ]

    def default_to(self, kind: str) -> str:
        """A 报告 (the sign-off) goes up to the county; the rest go down to the villages."""
        return SIGNOFF_RECIPIENTS if kind == "signoff" else self.ledger.settings.default_recipients

    def default_output(self, kind: str) -> Path:
        """A file name that says what is in it — the document, the village and year when chosen, and
        the day — so that two villages' 验收销号表 are never written to one file."""
        folder = Path(getattr(self.ledger_app, "db_path", Path("ledger.json"))).resolve().parent
        parts = [KINDS[kind].label.strip("“”")]
        if self.is_mounted and self.query("#export-options"):
            village, year = self.form.raw("village"), str(self.form.raw("year")).strip()
            try:
                vid = find_village_id(self.ledger, str(village)) if str(village).strip() else None
            except LedgerError:
                vid = None
            if vid is not None:
                parts.append(self.ledger.village_name(vid))
            if year and year not in ("全部", "all"):
                parts.append(f"{year}年" if year.isdigit() else year)
        parts.append(f"{self.ledger.today:%Y%m%d}")
        return folder / ("-".join(parts) + ".docx")

    def _follow_output(self) -> None:
        """The file name follows the document, village and year until the clerk types one."""
        current = str(self.form.raw("output"))
        if not current or current == self.auto_output:
            self.auto_output = str(self.default_output(self.kind()))
            self.form.set_raw("output", self.auto_output)

    def scope(self) -> tuple[str, str, str]:
        """What the generated 正文 speaks of: the document, the village and the year."""
        return self.kind(), str(self.form.raw("village")).strip(), str(self.form.raw("year")).strip()

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="export-body"):
            yield Form(self.form_fields(), check=self.check, id="export-options", fit_labels=True)
            with Vertical(id="export-right"):
                yield TextArea("", id="export-text", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
                yield ProgressBar(total=100, show_eta=False, id="export-progress")
                yield Static("", id="export-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#export-options").border_title = "选项（Ctrl+S 写入 Word）"
        self.query_one("#export-text").border_title = "正文（可修改；Ctrl+R 重新生成）"
        self.query_one("#export-progress", ProgressBar).display = False
        self.query_one("#field-kind").focus()
        self.auto_output = str(self.form.raw("output"))
        self.action_preview()

    @property
    def form(self) -> Form:
        return self.query_one("#export-options", Form)

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#export-text", TextArea)

    # ------------------------------------------------------------ options

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        kind = LABELS.get(values.get("kind") or "", "circular")
        if KINDS[kind].village == "required" and values.get("village") is None:
            return [FieldError("村", f"{KINDS[kind].label}须选择一个村")]
        return []

    def kind(self) -> str:
        return LABELS.get(str(self.form.raw("kind")), "circular")

    def options(self, values: dict[str, Any], *, with_body: bool) -> ExportOptions:
        # only an edited 正文 is passed on; an unedited one is generated afresh from the same figures
        kind = LABELS.get(values.get("kind") or "", "")
        body = self.text_area.text if with_body and self.edited and kind == self.shown_kind else None
        return ExportOptions(
            year=values["year"], village_id=values["village"], doc_number=values["doc_number"],
            date=values["issue"], to=values["to"], cc=values["cc"], mask=values["mask"],
            body=body if body and body.strip() and not values["table_only"] else None,
            title=values["title"] or None,
            notice=False if values["table_only"] else None, include_ended=values["include_ended"],
        )

    def lenient_options(self) -> ExportOptions:
        """Options for a preview: fields that do not parse yet fall back to their defaults."""
        values: dict[str, Any] = {}
        for f in self.form.fields:
            try:
                values[f.name] = f.convert(self.form.raw(f.name))
            except FieldError:
                values[f.name] = None if f.kind != "bool" else f.value
        values["to"] = values["to"] or None
        values["cc"] = values["cc"] or None
        return self.options(values, with_body=False)

    @on(Select.Changed, "#field-kind")
    def _kind_changed(self) -> None:
        kind = self.kind()
        # fields the clerk has not typed in follow the document
        current = self.form.raw("to")
        if not current or current in {self.default_to(k) for k in KINDS}:
            self.form.set_raw("to", self.default_to(kind))
        self._follow_output()
        if self.shown_kind and self.shown_kind != kind:
            # A 发文字号 belongs to one document: it must not carry into the next one written.
            self.form.set_raw("doc_number", "")
            # an edited 正文 belongs to its document: keep it aside, bring back the new one's draft
            if self.edited:
                self.drafts[self.shown_kind] = (self.generated, self.text_area.text)
            if kind in self.drafts:
                self.generated, text = self.drafts.pop(kind)
                self.shown_kind = kind
                self.text_area.read_only = False
                self.text_area.load_text(text)
                self._status("已恢复该文档修改过的正文；按 Ctrl+R 可按当前选项重新生成。")
                return
            self.generated = ""
            self.text_area.load_text("")
        self._maybe_regenerate()

    @on(Checkbox.Changed, "#field-table_only")
    def _table_only_changed(self) -> None:
        self._maybe_regenerate()

    @on(Input.Changed, "#field-year, #field-village, #field-title")
    def _scope_typed(self) -> None:
        if self.is_mounted and self.auto_output:
            self._follow_output()
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(REGENERATE_AFTER, self._maybe_regenerate)

    @on(Form.Submitted)
    def _submitted(self) -> None:
        self.action_write()

    @property
    def edited(self) -> bool:
        """The clerk changed the generated 正文 (then it is written as typed)."""
        return self.text_area.text not in (self.generated, "", NO_BODY)

    def _maybe_regenerate(self) -> None:
        if not self.edited:
            self.action_preview()
        else:
            self._status("正文已修改，未自动更新；按 Ctrl+R 按新选项重新生成（会替换修改）。")

    # ------------------------------------------------------------ actions

    def action_preview(self) -> None:
        self._status("正在生成正文…")
        self.asked_scope = self.scope()
        self.generate(self.kind(), self.lenient_options())

    def action_edit_body(self) -> None:
        self.text_area.focus()

    def action_edit_options(self) -> None:
        self.query_one("#field-kind").focus()

    def action_leave_field(self) -> None:
        """Esc in a field or the 正文: the cursor leaves it, so the section keys (numbers, q, /, ?)
        reach the app again instead of being typed into the field (issue 13: a keyboard trap)."""
        if self.focused is None:
            return
        self.set_focus(None)
        self._status("已离开输入框：数字键切换栏目，Ctrl+O 回到选项，Ctrl+T 编辑正文。")

    def action_import_xlsx(self) -> None:
        if self.check_writable():
            self.ledger_app.open_import()

    def action_export_xlsx(self) -> None:
        from ..modals.xlsx_export import XlsxExportScreen, default_path

        ledger = self.ledger
        self.app.push_screen(XlsxExportScreen(default_path(ledger.settings.township, ledger.today)))

    def action_write(self) -> None:
        try:
            values = self.form.values()
        except ValidationErrors as err:
            self._status(f"有 {len(err.errors)} 处选项需要修改，未写入。", error=True)
            self.form.show_errors(err)
            return
        kind = LABELS[values["kind"]]
        if self.edited and self.body_scope is not None and self.body_scope[1:] != self.scope()[1:]:
            # The edited text speaks of the village and year it was generated for: written under
            # another title it would make a document whose title and body disagree.
            self._status("正文是按之前的村和年度生成后修改的，与现在的选项不一致，未写入。请按 Ctrl+R 按现在的选项"
                         "重新生成（会替换修改），或把村和年度改回去。", error=True)
            return
        output: Path = values["output"]

        def go(confirmed: bool | None = True) -> None:
            if not confirmed:
                self._status("未写入：没有覆盖已有的文件。可以修改“保存为”的文件名。")
                return
            bar = self.query_one("#export-progress", ProgressBar)
            bar.display = True
            bar.update(progress=0)
            self._status("正在生成…")
            self.write_document(kind, self.options(values, with_body=True), output)

        if output.exists():
            from ..modals.confirm import ConfirmScreen

            self.app.push_screen(ConfirmScreen(f"文件“{output.name}”已存在，覆盖它吗？",
                                               "覆盖后原文件的内容不能恢复。", yes="覆盖"), go)
            return
        go()

    # ------------------------------------------------------------ workers (no widget access in here)

    @work(thread=True, exclusive=True, group="export-preview", exit_on_error=False)
    def generate(self, kind: str, options: ExportOptions) -> None:
        from exporters import documents

        try:
            c = documents.content(self.ledger, kind, options)
        except LedgerError as err:
            self.post_message(self.Failed(str(err), preview=True))
            return
        if get_current_worker().is_cancelled:  # a newer preview was asked for meanwhile
            return
        self.post_message(self.Previewed(kind, c.title if c.notice else (c.attachments[0].title if c.attachments else ""),
                                         c.body, c.notice))

    @work(thread=True, exclusive=True, group="export-write", exit_on_error=False)
    def write_document(self, kind: str, options: ExportOptions, path: Path) -> None:
        from exporters import documents

        def progress(fraction: float, text: str) -> None:
            self.post_message(self.Progressed(fraction, text))

        try:
            written, drafts = documents.write_document(self.ledger, kind, options, path, progress)
        except LedgerError as err:
            self.post_message(self.Failed(str(err)))
            return
        self.post_message(self.Written(written, drafts))

    # ------------------------------------------------------------ results

    @on(Previewed)
    def _previewed(self, event: Previewed) -> None:
        area = self.text_area
        if event.kind != self.kind():  # the clerk moved on to another document meanwhile
            return
        text = event.body if event.notice else NO_BODY
        self.generated = text
        self.shown_kind = event.kind
        self.body_scope = self.asked_scope
        area.read_only = not event.notice
        area.load_text(text)
        area.border_subtitle = self.form.raw("title") or event.title
        self._status(f"已生成正文：{event.title}" if event.notice else f"将输出：{event.title}")

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        self.query_one("#export-progress", ProgressBar).update(progress=round(event.fraction * 100))
        self._status(event.text)

    @on(Written)
    def _written(self, event: Written) -> None:
        self.written = event.path
        self.query_one("#export-progress", ProgressBar).update(progress=100)
        if event.drafts:  # a draft: said where the clerk looks, and kept in the file's 属性 (状态：草稿)
            self._status(f"已写入草稿：{event.path}")
            self.notify("\n".join([f"已写入：{event.path}", *event.drafts]), title="导出完成（草稿）",
                        severity="warning", markup=False, timeout=12)
            return
        self._status(f"已写入：{event.path}")
        self.notify(f"已写入：{event.path}", title="导出完成", markup=False)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        if event.preview and not self.edited:
            # no 正文 for these options (e.g. no village yet): never leave another document's text
            self.generated = ""
            self.text_area.load_text("")
        self._status(event.text, error=True)
        if not event.preview:  # a failed write is worth a toast; a preview waiting for options is not
            self.query_one("#export-progress", ProgressBar).display = False
            self.notify(event.text, severity="error", markup=False)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(Content(text))
        status.set_class(error, "-error")

    def refresh_data(self) -> None:
        """After a change elsewhere the figures may differ: regenerate an unedited 正文."""
        if self.is_mounted:
            self._maybe_regenerate()
