"""What a document says, before it is laid out: title, 正文, attachments (tables).

Each document module returns a ``Content``; ``exporters.documents`` lays it out with the
GB/T 9704 builder, either as a full 公文 (版头, 正文, 署名, attachments, 版记) or, for a table
standing alone, as its title and the table.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .layout import Fonts
from .tables import TableSpec


@dataclass
class Attachment:
    """One table attachment: a ``TableSpec`` (fast path), or ``xml`` producing a whole ``w:tbl``
    for forms with merged cells (given the fonts and the available width in twips)."""

    title: str
    table: TableSpec | None = None
    xml: Callable[[Fonts, int], str] | None = None
    landscape: bool = True
    subtitle: str = ""
    rows: int = 0  # data rows, for progress reporting


@dataclass
class Content:
    title: str
    body: str = ""  # generated 正文, one paragraph per line ("" for a table standing alone)
    attachments: list[Attachment] = field(default_factory=list)
    notice: bool = True  # a full 公文; False → the (single) table alone under its title
    doc_type: str = "通知"  # 通报 / 通知 / 报告
    to: str | None = None  # 主送 when not the office's default recipients (a 报告 goes up)

    @property
    def upward(self) -> bool:
        """An upward document (上行文, GB/T 9704 §7.2.4): its 版头 carries the 签发人."""
        return self.doc_type in ("报告", "请示")


def scope_words(township: str) -> tuple[str, str]:
    """(全镇, 镇党委) for a 镇; 乡, 街道 and 县 likewise."""
    for suffix, whole, committee in (("街道", "全街道", "街道党工委"), ("乡", "全乡", "乡党委"),
                                     ("县", "全县", "县委"), ("镇", "全镇", "镇党委")):
        if township.endswith(suffix):
            return whole, committee
    return "全镇", "镇党委"


def issued_table(committee_name: str, att: Attachment, body: str, notice: bool | None) -> Content:
    """A table 印发 by a 通知 with ``body`` as its 正文, or (``notice is False``) the table alone."""
    if notice is False:
        return Content(att.title, attachments=[att], notice=False)
    return Content(f"{committee_name}关于印发《{att.title}》的通知", body, [att])
