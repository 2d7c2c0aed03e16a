"""Parsers for what clerks type: dates, months, numbers, ID and phone numbers, choices and names.

Each parser takes the raw text and the Chinese label of its field and returns the normalised value,
or raises ``FieldError(field, message)`` whose message names the bad value in a sentence a clerk
understands. Forms use them for immediate feedback and the ledger calls them again on save, so an
Input validator is never the only check.

Full-width digits and punctuation from Chinese IMEs are accepted everywhere (NFKC), because clerks
switch input methods all day and should not have to notice which one is on.
"""
from __future__ import annotations

import functools
import random
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from .errors import FieldError
from .models import Gender
from .text import clean_text

__all__ = [
    "check_id_agreement", "id_birth", "id_gender", "mask_id", "mask_phone", "normalize_id_number",
    "normalize_phone", "parse_choice", "parse_date", "parse_float", "parse_int", "parse_month", "parse_name",
    "parse_optional_date", "parse_optional_float", "parse_optional_int", "random_id_number",
]

MIN_YEAR = 1900
MAX_YEAR = 2100
DATE_EXAMPLE = "2026-11-23"

E = TypeVar("E", bound=StrEnum)


def _prepared(s: str) -> str:
    """Cleaned, NFKC-folded (full-width digits and punctuation) and without any spaces."""
    text = unicodedata.normalize("NFKC", clean_text(s or ""))
    # NFKC leaves the minus sign and the dashes IMEs offer; they all mean "-" in a number or a date.
    text = text.translate(_DASHES)
    return "".join(text.split())


_DASHES = {ord(c): "-" for c in "\u2212\u2010\u2011\u2012\u2013\u2014\u2015\ufe63"}


# ------------------------------------------------------------------ dates

_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MONTH_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月?(?:份)?"),
    re.compile(r"(\d{4})(\d{2})"),
)


def _check_year(year: int, field: str, shown: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise FieldError(field, f"年份应在{MIN_YEAR}年至{MAX_YEAR}年之间：{shown}")


def parse_date(s: str, field: str) -> date:
    """A calendar date typed as 2026-02-03, 2026/2/3, 2026.2.3, 2026年2月3日 or 20260203."""
    text = _prepared(s)
    if not text:
        raise FieldError(field, f"不能为空，日期格式应为 {DATE_EXAMPLE}")
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            year, month, day = (int(g) for g in m.groups())
            _check_year(year, field, text)
            try:
                return date(year, month, day)
            except ValueError:
                raise FieldError(field, f"日期不存在：{text}") from None
    raise FieldError(field, f"无法识别“{text}”，日期格式应为 {DATE_EXAMPLE}")


def parse_optional_date(s: str | None, field: str) -> date | None:
    """Like ``parse_date``, but blank means "not known yet" and gives None."""
    if s is None or not _prepared(s):
        return None
    return parse_date(s, field)


def parse_month(s: str, field: str) -> date:
    """A year and month (出生年月) as the first day of that month.

    Accepts 1980-05, 1980/5, 1980.5, 1980年5月, 198005, or any full date ``parse_date`` accepts (the
    day is then dropped, so every 出生年月 compares alike).
    """
    text = _prepared(s)
    if not text:
        raise FieldError(field, "不能为空，应填写年月，如 1980-05")
    for pattern in _MONTH_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            _check_year(year, field, text)
            if not 1 <= month <= 12:
                raise FieldError(field, f"月份不存在：{text}")
            return date(year, month, 1)
    try:
        return parse_date(s, field).replace(day=1)
    except FieldError as err:
        if err.detail.startswith(("日期不存在", "年份应在")):
            raise
    raise FieldError(field, f"无法识别“{text}”，年月格式应为 1980-05")


# ------------------------------------------------------------------ numbers

# A single unit after a number is common ("3万元", "120户") and harmless to drop.
_UNITS = "元人户名个次分"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def _number(s: str, field: str, what: str) -> tuple[str, Decimal]:
    """(shown text, exact value) of a typed number, with thousands separators and 万 resolved."""
    text = _prepared(s)
    if not text:
        raise FieldError(field, "不能为空")
    body = text[:-1] if len(text) > 1 and text[-1] in _UNITS else text
    scale = Decimal(1)
    if body.endswith("万"):
        body, scale = body[:-1], Decimal(10000)
    if not _PLAIN_NUMBER.fullmatch(body):
        raise FieldError(field, f"“{text}”不是有效的{what}")
    try:
        value = Decimal(body.replace(",", "")) * scale
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise FieldError(field, f"“{text}”不是有效的{what}") from None
    return text, value


def _check_range(value: Decimal | int | float, field: str, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        if minimum == 0:  # the common case: say it the way clerks think of it
            raise FieldError(field, f"不能为负数（填写的是{_fmt(value)}）")
        raise FieldError(field, f"不能小于{_fmt(minimum)}（填写的是{_fmt(value)}）")
    if maximum is not None and value > maximum:
        raise FieldError(field, f"不能大于{_fmt(maximum)}（填写的是{_fmt(value)}）")


def _fmt(value: Decimal | int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def parse_int(s: str, field: str, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    """A whole number: full-width digits, thousands separators and 万 (3万, 2.5万) are accepted."""
    text, value = _number(s, field, "整数")
    if value != value.to_integral_value():
        raise FieldError(field, f"应为整数：{text}")
    _check_range(value, field, minimum, maximum)
    return int(value)


def parse_optional_int(s: str | None, field: str, *, minimum: int | None = 0,
                       maximum: int | None = None) -> int | None:
    """Like ``parse_int``, but blank gives None."""
    if s is None or not _prepared(s):
        return None
    return parse_int(s, field, minimum=minimum, maximum=maximum)


def parse_float(s: str, field: str, *, minimum: float | None = 0, maximum: float | None = None) -> float:
    """A decimal number such as a score (pass ``maximum=100`` for 0–100 scores)."""
    _, value = _number(s, field, "数字")
    _check_range(value, field, minimum, maximum)
    return float(value)


def parse_optional_float(s: str | None, field: str, *, minimum: float | None = 0,
                         maximum: float | None = None) -> float | None:
    """Like ``parse_float``, but blank gives None."""
    if s is None or not _prepared(s):
        return None
    return parse_float(s, field, minimum=minimum, maximum=maximum)


# ------------------------------------------------------------------ 身份证号 (GB 11643)

ID_FIELD = "身份证号"
_ID_CHARS = re.compile(r"[0-9]*[0-9X]")
DEMO_REGION = "430121"  # 长沙县: a real, long-lived county code, so demo numbers pass the region check


def _id_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def normalize_id_number(s: str, field: str = ID_FIELD) -> str:
    """The 18-character ID number, validated (see ``_normalize_id_number``); remembered per text, as
    a save checks one number several times and the region lookup is the slow part of the check."""
    return _normalize_id_number(s or "", field)


@functools.lru_cache(maxsize=8192)
def _normalize_id_number(s: str, field: str) -> str:
    """The 18-character ID number, validated; an old 15-digit number is converted to 18.

    Checked in the order a clerk can act on: characters, length, birth date, check character and
    finally the 6-digit region code (python-stdnum's ``cn.ric``).
    """
    from stdnum.cn import ric

    text = _prepared(s).upper()
    if not text:
        raise FieldError(field, "不能为空")
    if not _ID_CHARS.fullmatch(text):
        raise FieldError(field, f"只能由数字和末位的X组成：{text}")
    if len(text) == 15:
        if not text.isdigit():
            raise FieldError(field, f"15位旧号码只能由数字组成：{text}")
        # Old numbers were issued to people born in the 1900s and have no check character.
        body = text[:6] + "19" + text[6:]
        text = body + ric.calc_check_digit(body + "0")
    elif len(text) != 18:
        raise FieldError(field, f"应为18位（或15位旧号码），“{text}”为{len(text)}位")
    birth = _id_birth_date(text)
    if birth is None or birth.year < MIN_YEAR:
        raise FieldError(field, f"其中的出生日期{text[6:14]}不存在：{text}")
    if birth > date.today():
        raise FieldError(field, f"其中的出生日期{text[6:14]}晚于今天：{text}")
    if ric.calc_check_digit(text) != text[17]:
        raise FieldError(field, f"校验位错误，请逐位核对：{text}")
    # Any county code on file is accepted, also one assigned after the birth year (stdnum refuses
    # those; people who moved their household registration legitimately hold such numbers).
    if not _region_known(text[:6]):
        raise FieldError(field, f"前6位地区码{text[:6]}不存在：{text}")
    return text


def load_region_codes() -> None:
    """Read the county-code table now (it is read on the first ID number checked otherwise)."""
    _region_known("110101")


@functools.lru_cache(maxsize=4096)
def _region_known(code: str) -> bool:
    from stdnum import numdb

    info = {k: v for _, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return bool(info.get("county"))


def id_birth(s: str) -> date:
    """The birth date written in an ID number (raises FieldError when the number is invalid)."""
    number = normalize_id_number(s)
    birth = _id_birth_date(number)
    assert birth is not None  # normalize_id_number has checked it
    return birth


def id_gender(s: str) -> Gender:
    """The gender of an ID number: the 17th digit is odd for men and even for women."""
    number = normalize_id_number(s)
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


def check_id_agreement(id_number: str, *, birth: date | None, gender: Gender | None) -> list[str]:
    """Problems between an ID number and the separately entered 出生年月 and 性别 (empty when they agree).

    出生年月 may lack the day, so only the year and month are compared.
    """
    try:
        number = normalize_id_number(id_number)
    except FieldError as err:
        return [err.detail]
    problems = []
    id_day = _id_birth_date(number)
    assert id_day is not None
    if birth is not None and (birth.year, birth.month) != (id_day.year, id_day.month):
        problems.append(f"身份证号中的出生日期{id_day.year}年{id_day.month}月"
                        f"与出生年月{birth.year}年{birth.month}月不一致")
    id_sex = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    if gender is not None and gender != id_sex:
        shown = "男性" if id_sex == Gender.MALE else "女性"
        problems.append(f"身份证号显示为{shown}，与性别“{Gender(gender).value}”不一致")
    return problems


def random_id_number(rng: random.Random, *, birth: date, gender: Gender, region: str = DEMO_REGION) -> str:
    """A fictional ID number with a valid format and check character, for demo data only."""
    from stdnum.cn import ric

    # Order codes 001–999; the last of the three digits is odd for men, even for women, and 000
    # is never issued.
    order = rng.randrange(1, 500) * 2 + (1 if gender == Gender.MALE else 0)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def mask_id(s: str) -> str:
    """An ID number for print or screen: the first 6 and last 4 characters kept (110101********123X)."""
    text = (s or "").strip()
    n = len(text)
    if n > 10:
        return text[:6] + "*" * (n - 10) + text[-4:]
    if n > 2:  # too short to be a real number: still never show it whole
        return text[0] + "*" * (n - 2) + text[-1]
    return "*" * n


# ------------------------------------------------------------------ phone numbers

PHONE_FIELD = "联系电话"
_MOBILE = re.compile(r"1[3-9]\d{9}")
_AREA = re.compile(r"0\d{2,3}")
_LOCAL = re.compile(r"\d{7,8}")


def normalize_phone(s: str, field: str = PHONE_FIELD) -> str:
    """A mobile number as 11 digits, or a landline as 区号-号码 (0731-84123456)."""
    raw = _prepared(s)
    if not raw:
        raise FieldError(field, "不能为空")
    # Parentheses around an area code mark the same split a dash does.
    text = raw.replace("(", "").replace(")", "-")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    text = text.strip("-")
    digits = text.replace("-", "")
    if _MOBILE.fullmatch(digits):
        return digits
    if digits.isdigit() and digits.startswith("0") and len(digits) >= 2:
        first = text.split("-", 1)[0]
        if "-" in text and _AREA.fullmatch(first):
            area, local = first, digits[len(first):]
        else:
            # Without a separator: 010 and 02x are the only 3-digit area codes, all others have 4.
            cut = 3 if digits[1] in "12" else 4
            area, local = digits[:cut], digits[cut:]
        if _AREA.fullmatch(area) and _LOCAL.fullmatch(local):
            return f"{area}-{local}"
    raise FieldError(field, f"“{raw}”不是有效的电话号码（手机号为11位，固定电话请写成“区号-号码”）")


def mask_phone(s: str) -> str:
    """A phone number for print or screen: 138****5678; landlines keep the area code and last 2 digits."""
    text = (s or "").strip()
    if "-" in text:
        area, _, local = text.partition("-")
        return f"{area}-{'*' * max(len(local) - 2, 0)}{local[-2:] if len(local) > 2 else '*' * len(local)}"
    n = len(text)
    if n >= 8:
        return text[:3] + "*" * (n - 7) + text[-4:]
    if n > 2:
        return "*" * (n - 2) + text[-2:]
    return "*" * n


# ------------------------------------------------------------------ choices and names


def parse_choice(s: str, field: str, enum_cls: type[E]) -> E:
    """The member of ``enum_cls`` whose Chinese value was typed (or whose name, case-insensitively)."""
    text = clean_text(s or "")
    allowed = "、".join(m.value for m in enum_cls)
    if not text:
        raise FieldError(field, f"不能为空，应为以下之一：{allowed}")
    for member in enum_cls:
        if member.value == text:
            return member
    folded = text.casefold()
    for member in enum_cls:
        if member.name.casefold() == folded:
            return member
    raise FieldError(field, f"“{text}”不是可选的值，应为以下之一：{allowed}")


def parse_name(s: str, field: str, *, required: bool = True, max_len: int = 50) -> str:
    """A cleaned name or title; refused when blank (if required) or longer than ``max_len`` characters."""
    text = clean_text(s or "")
    if not text and required:
        raise FieldError(field, "不能为空")
    if len(text) > max_len:
        raise FieldError(field, f"不能超过{max_len}个字（现为{len(text)}个字）：{text[:10]}…")
    return text
