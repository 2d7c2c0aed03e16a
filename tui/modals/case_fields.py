"""Field parsers shared by the case forms (dates, years, counts, scores, situation codes).

Each returns a parser for ``tui.widgets.form.FormField``: text in, typed value out, or a
``FieldError`` under the field's own label so the message sits next to the field.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from ledgers.errors import FieldError
from ledgers.models import RectificationCase
from ledgers.validate import parse_date, parse_float, parse_int, parse_month

Parser = Callable[[str], Any]


def date_field(label: str, *, required: bool = True, not_after: date | None = None,
               after: date | None = None, not_before: date | None = None, before_what: str = "") -> Parser:
    """A date (2026-03-01, 2026/3/1, 2026年3月1日 … whatever ``parse_date`` accepts).

    ``not_before`` (with ``before_what`` naming it, e.g. "上一步“待验收”") refuses an earlier date at
    the field, before the ledger would refuse the whole save."""

    def parse(s: str) -> date | None:
        if not s.strip():
            if required:
                raise FieldError(label, "不能为空")
            return None
        day = parse_date(s, label)
        if not_after is not None and day > not_after:
            raise FieldError(label, f"不能晚于今天（{not_after.isoformat()}）")
        if after is not None and day <= after:
            raise FieldError(label, f"应晚于{after.isoformat()}")
        if not_before is not None and day < not_before:
            raise FieldError(label, f"不能早于{before_what or ''}（{not_before.isoformat()}）")
        return day

    parse.is_date = True  # type: ignore[attr-defined]  # the form lets only date characters in
    return parse


def last_step(c: RectificationCase) -> tuple[date, str] | None:
    """The date and stage of the case's last step, or its listing before any step: a later step
    cannot be dated before it (``workflow.check_case``)."""
    step = c.last_step
    if step is None:  # the first step: not before the listing
        return (c.history[0].on, "列入排查的日期") if c.history else None
    return step.on, f"上一步“{step.to_state.value}”的日期"


def month_field(label: str) -> Parser:
    """A 出生年月 (1986-08, 1986年8月 …); blank means not given."""
    return lambda s: parse_month(s, label) if s.strip() else None


def year_field(label: str) -> Parser:
    def parse(s: str) -> int:
        year = parse_int(s, label)
        if not 2000 <= year <= 2100:
            raise FieldError(label, f"{year}不是合理的年度")
        return year

    return parse


def count_field(label: str) -> Parser:
    """A head count of the poll: blank is 0, never negative."""

    def parse(s: str) -> int:
        return parse_int(s.strip() or "0", label, minimum=0)

    return parse


def score_field(label: str) -> Parser:
    """An acceptance score 0–100 (decimals allowed, full-width digits too); blank means not scored."""

    def parse(s: str) -> float | None:
        text = s.strip().removesuffix("分")
        return parse_float(text, label, minimum=0, maximum=100) if text else None

    return parse


def split_list(s: str) -> list[str]:
    """Names or codes separated by 、，, ; or spaces."""
    from ledgers.text import clean_text

    return [p for p in (clean_text(x) for x in re.split(r"[,，、;；\s]+", s)) if p]


def codes_field(label: str, known: set[str]) -> Parser:
    """Situation codes (S02、S04); each must be in the situation table."""

    def parse(s: str) -> list[str]:
        codes = [c.upper() for c in split_list(s)]
        bad = [c for c in codes if c not in known]
        if bad:
            raise FieldError(label, "未知情形代码：" + "、".join(bad))
        return sorted(dict.fromkeys(codes))

    return parse
