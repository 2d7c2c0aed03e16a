"""The API the TUI and the CLI call: which documents exist, their generated 正文, build and write.

``preview_text`` gives the generated 正文 (the clerk may edit it and pass it back as
``ExportOptions.body``); ``build`` lays a document out with the GB/T 9704 builder; ``write`` saves it
to a temporary file beside the target and replaces the target, so a failed or interrupted write never
leaves half a document, and a file held open by Word/WPS gives a Chinese message instead of a crash.
"""
from __future__ import annotations

import importlib
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from ledgers.dates import cn_date
from ledgers.errors import LedgerError
from ledgers.ledger import Ledger

from .content import Content
from .gongwen import GongwenDocument
from .layout import Fonts
from .options import ExportOptions, cc_without_recipients, doc_number_text

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class DocumentKind:
    key: str  # CLI argument and stable id
    label: str  # Chinese name shown to the clerk
    module: str  # exporters.<module> with ``content(ledger, options) -> Content``
    village: str  # "none", "optional" or "required"
    help: str


KINDS: dict[str, DocumentKind] = {k.key: k for k in (
    DocumentKind("circular", "整顿工作进展情况通报", "circular", "none",
                 "通报当前整顿进展、逾期任务和“四个一”缺额，附整顿台账汇总表和“四个一”包联表"),
    DocumentKind("matrix", "“四个一”包联表", "matrix_table", "none",
                 "各整顿村的县级联系领导、乡镇包村领导、第一书记和结对单位"),
    DocumentKind("roster", "第一书记花名册", "roster", "none",
                 "在岗第一书记的花名册（身份证号、手机号默认隐去中间几位）"),
    DocumentKind("ledger", "整顿推进表", "progress", "optional",
                 "每项整改任务的措施、责任人、时限和完成情况；可选一个村或全部"),
    DocumentKind("signoff", "验收销号表", "signoff", "required",
                 "一个村的验收、民主测评、乡镇党委和县委组织部意见、销号日期"),
    DocumentKind("screening", "拉网式排查结果表", "screening_table", "none",
                 "本年度各村数据提示的软弱涣散情形、经办人勾选的情形和排查结论，供党委会研究拟认定名单"),
)}


def kind_of(key: str) -> DocumentKind:
    try:
        return KINDS[key]
    except KeyError:
        raise LedgerError(f"没有“{key}”这种文档，可选：{'、'.join(KINDS)}。") from None


def content(ledger: Ledger, kind: str, options: ExportOptions) -> Content:
    """What the document says (title, generated 正文, tables), before layout."""
    k = kind_of(kind)
    if k.village == "required" and options.village_id is None:
        raise LedgerError(f"生成{k.label}须先选择一个村。")
    module = importlib.import_module(f"exporters.{k.module}")
    c = module.content(ledger, options)
    if options.notice is False and c.notice:
        raise LedgerError(f"{k.label}没有“只输出表格”的形式：它本身就是公文（表格在附件中）。")
    return c


def _draft_gaps(ledger: Ledger, c: Content, options: ExportOptions) -> list[tuple[str, str]]:
    """What a document still lacks before it can be issued, as (short name, message): a blank
    发文字号, an upward document's 签发人. Said when it is written (``write_document``) and kept in the
    file's properties as its status."""
    if not c.notice:
        return []
    s = ledger.settings
    gaps = []
    if options.doc_number is None:
        number = doc_number_text(s.prefix, options.issue_date(ledger).year, None)
        gaps.append(("发文字号", f"发文字号留空（{number}），这是一份草稿：定稿前请编号（--doc-number 或导出时填写）。"))
    if c.upward and not (options.signer if options.signer is not None else s.signer).strip():
        gaps.append(("签发人", "上行文的签发人未填：请在设置中填写“签发人”，或导出时指定（--signer）。"))
    return gaps


def preview_text(ledger: Ledger, kind: str, options: ExportOptions) -> str:
    """The generated 正文 (one paragraph per line); empty for a table standing alone."""
    c = content(ledger, kind, options)
    return c.body if c.notice else ""


def build(ledger: Ledger, kind: str, options: ExportOptions, progress: Progress | None = None) -> DocxDocument:
    """Gather and lay the document out; ``progress(fraction, message)`` is called as it goes."""
    return _build(ledger, kind, options, progress or (lambda f, m: None))[0]


def _build(ledger: Ledger, kind: str, options: ExportOptions, report: Progress) -> tuple[DocxDocument, list[str]]:
    """The document, and what it still lacks (``_draft_gaps``) — from one gathering of its content."""
    report(0.02, "正在汇总台账数据…")
    c = content(ledger, kind, options)
    doc = layout(ledger, c, options, report)
    gaps = _draft_gaps(ledger, c, options)
    _properties(doc, ledger, c, options, [short for short, _ in gaps])
    return doc, [message for _, message in gaps]


def _properties(doc: DocxDocument, ledger: Ledger, c: Content, options: ExportOptions, gaps: list[str]) -> None:
    """File properties a clerk sees in Word's 属性: the office as author, now as the dates (not
    python-docx's template: "python-docx", 2013), the title, and 草稿 while something is missing."""
    import datetime as dt

    s = ledger.settings
    props = doc.core_properties
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.author = props.last_modified_by = s.printer or s.committee_name
    props.title = options.title or c.title
    props.subject = kind_label_of(c)
    props.keywords = props.comments = ""
    props.category = c.doc_type if c.notice else "表格"
    props.content_status = f"草稿（{'、'.join(gaps)}待填）" if gaps else "定稿"
    props.created = props.modified = now
    props.revision = 1
    props.language = "zh-CN"
    printed = props._element.find(qn("cp:lastPrinted"))
    if printed is not None:  # the template's 2013: this file has never been printed
        props._element.remove(printed)


def kind_label_of(c: Content) -> str:
    return c.attachments[0].title if c.attachments else c.title


def layout(ledger: Ledger, c: Content, options: ExportOptions, progress: Progress | None = None) -> DocxDocument:
    """Lay out a document's content as a full 公文, or a table standing alone under its title."""
    report = progress or (lambda f, m: None)
    s = ledger.settings
    fonts = Fonts.from_settings(s)
    total_rows = sum(a.rows for a in c.attachments) or 1
    done_rows = 0

    def add_attachment_table(g: GongwenDocument, att) -> None:
        nonlocal done_rows
        base = done_rows
        if att.table is not None:
            g.table(att.table, lambda n: report(0.25 + 0.6 * (base + n) / total_rows, f"正在生成表格（{base + n}行）…"))
        elif att.xml is not None:
            g.add(att.xml(fonts, g.text_width))
        done_rows += att.rows
        report(0.25 + 0.6 * done_rows / total_rows, f"正在生成表格（{done_rows}行）…")

    report(0.2, "正在排版…")
    if not c.notice:
        att = c.attachments[0]
        g = GongwenDocument(fonts, landscape=att.landscape)
        g.table_title(options.title or att.title, subtitle=att.subtitle)
        add_attachment_table(g, att)
        report(0.9, "排版完成")
        return g.document()

    g = GongwenDocument(fonts)
    issue = options.issue_date(ledger)
    signer = (options.signer if options.signer is not None else s.signer) if c.upward else None
    g.letterhead(s.mark, doc_number_text(s.prefix, issue.year, options.doc_number), copy_no=options.copy_no,
                 secrecy=options.secrecy, urgency=options.urgency, signer=signer)
    blanks = g.blank(2)
    g.title(options.title or c.title)
    blanks += g.blank()
    to = options.to if options.to is not None else (c.to if c.to is not None else s.default_recipients)
    before = len(g.body)
    g.recipients(to)
    slack = [*blanks, *([g._last_block()] if len(g.body) > before else [])]
    paragraphs = g.body_text(options.body if options.body is not None else c.body)
    if not paragraphs:
        raise LedgerError("正文不能为空。")
    # The last 正文 paragraph stays with the 附件说明 and the 署名 (no page with only a signature) —
    # unless it is the only one: page 1 must show 正文, so a one-paragraph 正文 is never pulled over.
    chain = []
    if len(paragraphs) > 1:
        g.keep_with_next(paragraphs[-1:])
        chain.append(paragraphs[-1])
        slack += paragraphs[:-1]
    if c.attachments:
        blanks += g.blank(keep_next=True)
        chain += blanks[-1:] + g.attachment_note([a.title for a in c.attachments])
    # sealed: two blank lines, so the seal's top comes within a line of the text and the 署名 and
    # date sit below its centre (GB/T 9704 §7.3.5.1); unsealed: one (§7.3.5.2)
    gap = g.blank(2 if options.sealed else 1, keep_next=True)
    blanks += gap
    chain += gap + g.signature(s.committee_name, cn_date(issue), note=options.annotation, sealed=options.sealed)
    g.fit_on_page(chain, blanks, slack=slack)
    numbered = len(c.attachments) > 1
    for n, att in enumerate(c.attachments, 1):
        g.attachment(n if numbered else None, att.title, landscape=att.landscape, subtitle=att.subtitle)
        add_attachment_table(g, att)
    # After a table attachment the 版记 takes a portrait page of its own: a float beside a table that
    # fills the page pushes the table away (LibreOffice) or overlaps it.
    cc = cc_without_recipients(options.cc if options.cc is not None else s.default_cc, to)
    g.colophon(cc, s.printer, cn_date(issue),
               own_page=bool(c.attachments))
    report(0.9, "排版完成")
    return g.document()


def _file_mode(path: Path) -> int:
    """Permission bits for the written document: those of the file it replaces, else 0666 less the
    umask (what ``open()`` would have given a new file)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def save_docx(doc: DocxDocument, path: Path) -> Path:
    """Write to a temporary file in the target folder, then replace the target (never half a file)."""
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise LedgerError(f"文件名应以 .docx 结尾：{path.name}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise LedgerError(f"文件夹不存在：{folder}")
    busy = (f"无法写入“{path}”：文件可能正被 Word/WPS 打开，或没有该文件夹的写入权限。"
            "请关闭该文件后重试。")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".docx.tmp", dir=folder)
    except PermissionError:
        raise LedgerError(busy) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            doc.save(fh)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600): give it the mode a new file gets, or the mode of the
        # file it replaces, so a document in a shared folder stays readable by the others
        os.chmod(tmp, _file_mode(path))
        for attempt in range(5):
            try:
                os.replace(tmp, path)
                break
            except PermissionError:
                # Windows: Word holds the file open, or an antivirus scans the new one for a moment
                if attempt == 4:
                    raise LedgerError(busy) from None
                time.sleep(0.2)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write(ledger: Ledger, kind: str, options: ExportOptions, path: str | Path,
          progress: Progress | None = None) -> Path:
    """Build and save; returns the path written."""
    return write_document(ledger, kind, options, path, progress)[0]


def write_document(ledger: Ledger, kind: str, options: ExportOptions, path: str | Path,
                   progress: Progress | None = None) -> tuple[Path, list[str]]:
    """Build and save; returns the path written and what the document still lacks before it can be
    issued (empty for a final copy; a draft otherwise) — to be said to the clerk."""
    report = progress or (lambda f, m: None)
    doc, drafts = _build(ledger, kind, options, report)
    report(0.92, "正在保存…")
    out = save_docx(doc, Path(path))
    report(1.0, f"已保存：{out}")
    return out, drafts
