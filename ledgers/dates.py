"""Calendar arithmetic the rules need (months added the way offices count terms)."""
from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 31st of a short month clamps to its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_on(birth: date, day: date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def month_text(day: date | None) -> str:
    """``2026-03``: a 出生年月 as forms and tables show it; "" for none."""
    return f"{day.year:04d}-{day.month:02d}" if day else ""


def cn_date(day: date) -> str:
    """``2026年11月22日``: Arabic numerals, no leading zeros (GB/T 9704 成文日期)."""
    return f"{day.year}年{day.month}月{day.day}日"


def day_before(day: date) -> date:
    """The last day of a holding that ends because of something on ``day`` (a successor starting, a
    recall): on ``day`` itself the slot shows the successor or a gap. One ended on its own first day
    never held the slot, which is what a same-day correction means."""
    return day - timedelta(days=1)
