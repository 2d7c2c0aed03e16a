"""What the clerk chooses before a document is written, and the small formatting rules around it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledgers.errors import FieldError, LedgerError
from ledgers.ledger import Ledger

ALL_YEARS = 0  # ``year=ALL_YEARS``: every batch in the ledger


@dataclass
class ExportOptions:
    """Options shared by every document; each document reads the ones that concern it.

    ``None`` means "the usual": the current year's batch, today as 成文日期, the office's default
    主送/抄送 from the settings, the generated 正文 and title.
    """

    year: int | None = None  # batch year; None → the ledger's current year; ALL_YEARS → all batches
    village_id: int | None = None  # 整顿推进表 of one village; required for the 验收销号表
    doc_number: int | None = None  # 12 → 青石发〔2026〕12号; None leaves the number blank to fill in
    date: date | None = None  # 成文日期
    to: str | None = None  # 主送机关
    cc: str | None = None  # 抄送机关
    mask: bool = True  # 身份证号 and 手机号 masked
    body: str | None = None  # the clerk's edited 正文 (one paragraph per line); None → generated
    title: str | None = None  # None → generated
    notice: bool | None = None  # table documents: a 通知 with the table attached, or the table alone
    include_ended: bool = False  # 花名册: also postings that have ended (召回, 调整, 期满离任)
    copy_no: str = ""  # 份号
    secrecy: str = ""  # 密级和保密期限
    urgency: str = ""  # 紧急程度
    annotation: str = ""  # 附注
    signer: str | None = None  # 签发人 of an upward document; None → settings.signer
    sealed: bool = True  # the 加盖印章 signature layout (a 镇委员会文件 is normally sealed); False → unsealed

    def batch_year(self, ledger: Ledger) -> int | None:
        """The year whose cases are reported, or None for all batches."""
        if self.year == ALL_YEARS:
            return None
        return self.year or ledger.today.year

    def issue_date(self, ledger: Ledger) -> date:
        return self.date or ledger.today


def doc_number_text(prefix: str, year: int, number: int | None) -> str:
    """``青石发〔2026〕12号``: 六角括号, full year, no 第, no leading zeros; a blank to fill in by hand
    when no number is given yet."""
    if number is None:
        return f"{prefix}〔{year}〕　　号"
    if number <= 0:
        raise FieldError("发文字号", "序号应为正整数")
    return f"{prefix}〔{year}〕{int(number)}号"


_ORGAN_SEPARATORS = re.compile(r"[，、,；;\s]+")


def cc_without_recipients(cc: str, to: str) -> str:
    """抄送 are the organs *besides* the 主送 that must know: a 报告 to 县委组织部 does not also list it
    as 抄送 (the office's default 抄送 names it for the circulars to the villages). The text is
    left as typed unless an organ is dropped."""
    recipients = {t for t in _ORGAN_SEPARATORS.split(to.strip().rstrip("：:")) if t}
    organs = [c for c in _ORGAN_SEPARATORS.split(cc.strip().rstrip("。.")) if c]
    kept = [c for c in organs if c not in recipients]
    return cc if len(kept) == len(organs) else "，".join(kept)


def table_date(day: date | None, *, two_lines: bool = False) -> str:
    """Dates inside tables: ``2026.11.23``; ``two_lines`` breaks after the year for the narrowest
    columns (a renderer would otherwise cut the number anywhere); empty when unknown."""
    if day is None:
        return ""
    return f"{day.year}.{chr(10) if two_lines else ''}{day.month:02d}.{day.day:02d}"


def month_text(day: date | None) -> str:
    """出生年月 in tables: ``1985.03``."""
    return f"{day.year}.{day.month:02d}" if day else ""


def require_village(ledger: Ledger, options: ExportOptions, what: str) -> int:
    if options.village_id is None:
        raise LedgerError(f"生成{what}须先选择一个村。")
    ledger.village(options.village_id)  # NotFound with a Chinese message when it is gone
    return options.village_id


def parse_year(text: str | None, field: str = "年度") -> int | None:
    """``2026`` → 2026; ``all``/``全部`` → every batch; nothing → the current year (None)."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    if t.lower() in ("all", "全部"):
        return ALL_YEARS
    if not t.isdigit() or not 2000 <= int(t) <= 2100:
        raise FieldError(field, f"“{t}”不是年度，应为如 2026 的四位年份，或“全部”（all）")
    return int(t)


def parse_issue_date(text: str | None, field: str = "成文日期") -> date | None:
    """成文日期 as typed (YYYY-MM-DD, via the ledger's date parser); nothing → today (None)."""
    if text is None or not text.strip():
        return None
    message = "日期格式应为 YYYY-MM-DD，如 2026-11-22"
    try:
        from ledgers.validate import parse_date
    except ImportError:  # pragma: no cover - core module missing
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise FieldError(field, message) from None
    try:
        return parse_date(text, field)
    except ValueError:
        raise FieldError(field, message) from None


def parse_doc_number(text: str | None, field: str = "发文字号") -> int | None:
    """The 序号 of the 发文字号: a positive whole number, or nothing (left blank to fill in)."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    if not t.isdigit() or int(t) <= 0:
        raise FieldError(field, f"“{t}”不是序号，应为正整数，如 12")
    return int(t)


def find_village_id(ledger: Ledger, name: str) -> int:
    """A village by its name, or by 乡镇+村名 where several townships have one of that name."""
    from ledgers.text import clean_text

    wanted = clean_text(name)
    villages = ledger.villages()
    hits = [v for v in villages if v.name == wanted] or [v for v in villages if v.township + v.name == wanted]
    if not hits:
        # Pinyin or initials of a whole name, as ``/`` takes them (issue 13): used when they name one
        # village. Not a part of a name (红旗 for 红旗岭村, or one letter): a document must not go out
        # for a village the clerk did not name.
        from ledgers.lookup import INITIALS_WHOLE, PINYIN_WHOLE

        found = ledger.lookup(wanted, 6) if wanted.isascii() else []
        whole = [h for h in found if h.score in (INITIALS_WHOLE, PINYIN_WHOLE)]
        if len(whole) == 1:
            return whole[0].village_id
        found = whole or found
        if found:
            names = "、".join(ledger.village_name(h.village_id) for h in found[:5])
            more = "等" if len(found) > 5 else ""
            raise LedgerError(f"“{wanted}”对应多个村（{names}{more}），请写出村名。")
        raise LedgerError(f"没有找到村“{wanted}”。")
    if len(hits) > 1:
        towns = "、".join(f"{v.township}{v.name}" for v in hits[:5])
        raise LedgerError(f"有{len(hits)}个名为“{wanted}”的村（{towns}），请连同乡镇写，如“{hits[0].township}{wanted}”。")
    return hits[0].id
