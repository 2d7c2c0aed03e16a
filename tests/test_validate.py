"""Tests of ledgers/text.py and ledgers/validate.py: cleaning typed text and parsing every kind of field."""
from __future__ import annotations

import random
import unicodedata
from datetime import date
from enum import StrEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from ledgers.errors import FieldError
from ledgers.models import Gender, Grade
from ledgers.text import clean_text, xml_safe
from ledgers.validate import (
    check_id_agreement, id_birth, id_gender, mask_id, mask_phone, normalize_id_number, normalize_phone,
    parse_choice, parse_date, parse_float, parse_int, parse_month, parse_name, parse_optional_date,
    parse_optional_float, parse_optional_int, random_id_number,
)

# A real-format number: 110101 (北京东城), born 1980-05-03, order code 123 (odd: male).
MALE_ID = "110101198005031230"
assert ric.is_valid(MALE_ID)


def _with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


FEMALE_ID = _with_check("11010119800503124")


def _is_bad(ch: str) -> bool:
    """Characters clean_text must never leave behind."""
    cp = ord(ch)
    return (
        (cp < 0x20 and ch != "\n") or 0x7F <= cp <= 0x9F
        or 0x200B <= cp <= 0x200F or 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069
        or cp in (0xFEFF, 0x2060) or 0xD800 <= cp <= 0xDFFF
        or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE
    )


# ------------------------------------------------------------------ clean_text


@pytest.mark.parametrize("raw, expected", [
    ("  张三  ", "张三"),
    ("\x1b]0;pwned\x07张三\x1b[2J", "张三"),  # whole escape sequences gone: nothing reaches the terminal
    ("张\x00三", "张三"),
    ("张\u200b三\u200d", "张三"),
    ("\u202e张三\u202c", "张三"),
    ("\u2066张三\u2069", "张三"),
    ("\ufeff张三", "张三"),
    ("张\u2060三", "张三"),
    ("张\ud800三", "张三"),
    ("张\ufffe三\U0001ffff", "张三"),
    ("张\x85三", "张 三"),
    ("阿沛・阿旺晋美", "阿沛·阿旺晋美"),
    ("阿沛•阿旺晋美", "阿沛·阿旺晋美"),
    ("阿沛‧阿旺晋美", "阿沛·阿旺晋美"),
    ("阿沛･阿旺晋美", "阿沛·阿旺晋美"),
    ("阿沛∙阿旺晋美", "阿沛·阿旺晋美"),
    ("a\tb", "a b"),
    ("第一行\n第二行", "第一行 第二行"),  # single-line fields keep the words apart
    ("[red]张三", "[red]张三"),  # markup-looking text is data
    ("[/]", "[/]"),
    ("[@click=app.quit]x[/]", "[@click=app.quit]x[/]"),
    ("e\u0301", "\u00e9"),  # NFC
    ("e\u200b\u0301", "\u00e9"),  # composed after the zero-width space is gone
    ("\u3000青山村\u3000", "青山村"),  # ideographic spaces trimmed
    ("", ""),
])
def test_clean_text_single_line(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_multiline() -> None:
    assert clean_text("  一、整改\r\n二、落实 \r三、验收\u2028四\n\n", multiline=True) == "一、整改\n二、落实\n三、验收\n四"
    assert clean_text("\n\n  正文 \n", multiline=True) == "正文"
    assert clean_text("a\x1b\nb", multiline=True) == "a\nb"


def test_clean_text_max_len() -> None:
    assert clean_text("青山村党支部", max_len=3) == "青山村"
    assert clean_text("青山 村党支部", max_len=3) == "青山"  # no trailing space left by the cut
    assert clean_text("青山", max_len=10) == "青山"


def test_xml_safe() -> None:
    assert xml_safe("a\x00b\x1bc\x0bd") == "abcd"
    assert xml_safe("a\ud800b\ufffec\uffff") == "abc"
    assert xml_safe("保留\t制表\n换行\r") == "保留\t制表\n换行\r"
    assert xml_safe("𠮷䶮") == "𠮷䶮"
    assert xml_safe("") == ""


_texts = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)
_tricky = st.text(alphabet=st.sampled_from(
    list("张三 \t\n\r\x1b\x00\x85\u200b\u200d\u202e\u2066\ufeff\u2060\u3000・•e\u0301\u0300[]/ \ud800\ufffe")),
    max_size=30)


@given(st.one_of(_texts, _tricky), st.booleans())
@settings(max_examples=400)
def test_clean_text_is_idempotent_and_leaves_nothing_invisible(s: str, multiline: bool) -> None:
    once = clean_text(s, multiline=multiline)
    assert clean_text(once, multiline=multiline) == once
    assert not any(_is_bad(ch) for ch in once)
    assert once == unicodedata.normalize("NFC", once)
    assert once == once.strip()
    if not multiline:
        assert "\n" not in once
    assert xml_safe(once) == once


@given(_texts)
def test_xml_safe_output_is_xml(s: str) -> None:
    out = xml_safe(s)
    assert all(ch in "\t\n\r" or 0x20 <= ord(ch) <= 0xD7FF or 0xE000 <= ord(ch) <= 0xFFFD or ord(ch) >= 0x10000
               for ch in out)


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize("raw", [
    "2026-02-03", "2026/2/3", "2026.2.3", "2026年2月3日", "2026年2月3号", "20260203", "２０２６－０２－０３",
    "２０２６年２月３日", " 2026-2-3 ", "2026 - 02 - 03",
])
def test_parse_date_accepts(raw: str) -> None:
    assert parse_date(raw, "认定时间") == date(2026, 2, 3)


def test_parse_date_refuses_nonexistent_day() -> None:
    with pytest.raises(FieldError) as err:
        parse_date("2026-02-30", "认定时间")
    assert err.value.field == "认定时间"
    assert err.value.detail == "日期不存在：2026-02-30"
    assert str(err.value) == "“认定时间”：日期不存在：2026-02-30"
    with pytest.raises(FieldError, match="日期不存在"):
        parse_date("2025年2月29日", "认定时间")  # not a leap year
    with pytest.raises(FieldError, match="日期不存在"):
        parse_date("20261301", "认定时间")
    assert parse_date("2024-02-29", "x") == date(2024, 2, 29)


@pytest.mark.parametrize("raw", ["明天", "2026-02", "26-2-3", "2026-02-03-04", "2026/02/0x", "abc", "[red]"])
def test_parse_date_refuses_garbage(raw: str) -> None:
    with pytest.raises(FieldError) as err:
        parse_date(raw, "认定时间")
    assert "日期格式应为 2026-11-23" in err.value.detail
    assert raw.strip() in err.value.detail


@pytest.mark.parametrize("raw", ["1899-12-31", "2101-01-01", "0001-01-01"])
def test_parse_date_refuses_years_out_of_range(raw: str) -> None:
    with pytest.raises(FieldError, match="1900年至2100年"):
        parse_date(raw, "日期")


def test_parse_date_blank_and_optional() -> None:
    with pytest.raises(FieldError, match="不能为空"):
        parse_date("  ", "日期")
    assert parse_optional_date("", "日期") is None
    assert parse_optional_date("   ", "日期") is None
    assert parse_optional_date(None, "日期") is None
    assert parse_optional_date("2026.11.23", "日期") == date(2026, 11, 23)
    with pytest.raises(FieldError):
        parse_optional_date("2026-02-30", "日期")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trips_isoformat(d: date) -> None:
    assert parse_date(d.isoformat(), "日期") == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日", "日期") == d


@pytest.mark.parametrize("raw", ["1980-05", "1980.5", "1980/05", "1980年5月", "1980年05月", "198005", "１９８０．５",
                                 "1980-05-17", "1980年5月17日", "19800517"])
def test_parse_month(raw: str) -> None:
    assert parse_month(raw, "出生年月") == date(1980, 5, 1)


@pytest.mark.parametrize("raw, message", [
    ("1980-13", "月份不存在"), ("1980-00", "月份不存在"), ("1980-02-30", "日期不存在"), ("1850-05", "1900年至2100年"),
    ("八十年代", "年月格式应为 1980-05"), ("", "不能为空"),
])
def test_parse_month_refuses(raw: str, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        parse_month(raw, "出生年月")


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize("raw, expected", [
    ("0", 0), ("42", 42), ("１２３", 123), ("1,234", 1234), ("1,234,567", 1234567), ("１，２３４", 1234),
    ("3万", 30000), ("2.5万", 25000), ("3万元", 30000), ("120户", 120), (" 7 ", 7), ("+5", 5), ("007", 7),
    ("2.50", None),
])
def test_parse_int(raw: str, expected: int | None) -> None:
    if expected is None:
        with pytest.raises(FieldError, match="应为整数"):
            parse_int(raw, "人口")
    else:
        assert parse_int(raw, "人口") == expected


@pytest.mark.parametrize("raw, message", [
    ("-5", "不能为负数"), ("－3", "不能为负数"), ("3.5", "应为整数：3.5"), ("2.00005万", "应为整数"),
    ("abc", "“abc”不是有效的整数"), ("1,23", "不是有效的整数"), ("12a", "不是有效的整数"), ("", "不能为空"),
    ("万", "不是有效的整数"), ("1e5", "不是有效的整数"), ("nan", "不是有效的整数"),
])
def test_parse_int_refuses(raw: str, message: str) -> None:
    with pytest.raises(FieldError, match=message) as err:
        parse_int(raw, "人口")
    assert err.value.field == "人口"


def test_parse_int_bounds() -> None:
    assert parse_int("-5", "温度", minimum=-10) == -5
    assert parse_int("-5", "温度", minimum=None) == -5
    with pytest.raises(FieldError, match="不能大于100"):
        parse_int("101", "分数", maximum=100)
    with pytest.raises(FieldError, match="不能小于1"):
        parse_int("0", "任期", minimum=1)
    assert parse_optional_int("", "人口") is None
    assert parse_optional_int(None, "人口") is None
    assert parse_optional_int("3万", "人口") == 30000
    with pytest.raises(FieldError):
        parse_optional_int("-1", "人口")


@given(st.integers(min_value=0, max_value=10**15))
def test_parse_int_round_trips(n: int) -> None:
    assert parse_int(str(n), "数") == n
    assert parse_int(f"{n:,}", "数") == n


def test_parse_float() -> None:
    assert parse_float("85", "得分") == 85.0
    assert parse_float("85.5", "得分", maximum=100) == 85.5
    assert parse_float("８５．５分", "得分") == 85.5
    assert parse_float("0", "得分") == 0.0
    with pytest.raises(FieldError, match="不能大于100"):
        parse_float("100.5", "得分", maximum=100)
    with pytest.raises(FieldError, match="不能为负数"):
        parse_float("-1", "得分")
    for bad in ("八十", "inf", "nan", "1.2.3"):
        with pytest.raises(FieldError, match="不是有效的数字"):
            parse_float(bad, "得分")
    assert parse_optional_float(" ", "得分") is None
    assert parse_optional_float("70", "得分", maximum=100) == 70.0


# ------------------------------------------------------------------ ID numbers


def test_id_number_valid_and_normalised() -> None:
    assert normalize_id_number(MALE_ID) == MALE_ID
    assert normalize_id_number(f" {MALE_ID[:6]} {MALE_ID[6:14]} {MALE_ID[14:]} ") == MALE_ID
    fullwidth = MALE_ID.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert normalize_id_number(fullwidth) == MALE_ID
    with_x = _with_check("11010519491231002")
    assert with_x.endswith("X")
    assert normalize_id_number(with_x.lower()) == with_x


def test_id_number_15_digits_converted() -> None:
    old = "110101800503123"  # 1980-05-03, order 123
    assert normalize_id_number(old) == MALE_ID
    assert id_birth(old) == date(1980, 5, 3)


@pytest.mark.parametrize("raw, message", [
    ("11010119800503123", "应为18位"),
    ("1101011980050312301", "应为18位"),
    ("11010119800503123Y", "只能由数字和末位的X组成"),
    ("1101011980050312X0", "只能由数字和末位的X组成"),
    ("身份证110101198005", "只能由数字和末位的X组成"),
    (_with_check("11010119800230123"), "出生日期19800230不存在"),
    (_with_check("11010118500101123"), "出生日期"),
    (MALE_ID[:-1] + "1", "校验位错误"),
    (MALE_ID[:6] + "19800513" + MALE_ID[14:], "校验位错误"),  # one digit mistyped
    (_with_check("99999919800503123"), "地区码999999不存在"),
    ("", "不能为空"),
])
def test_id_number_refused(raw: str, message: str) -> None:
    with pytest.raises(FieldError, match=message) as err:
        normalize_id_number(raw)
    assert err.value.field == "身份证号"


def test_id_number_refusal_names_the_value() -> None:
    bad = MALE_ID[:-1] + "1"
    with pytest.raises(FieldError) as err:
        normalize_id_number(bad, "第一书记身份证号")
    assert bad in err.value.detail and err.value.field == "第一书记身份证号"


def test_id_birth_and_gender() -> None:
    assert id_birth(MALE_ID) == date(1980, 5, 3)
    assert id_gender(MALE_ID) == Gender.MALE
    assert id_gender(FEMALE_ID) == Gender.FEMALE
    with pytest.raises(FieldError):
        id_gender("123")


def test_id_agreement() -> None:
    assert check_id_agreement(MALE_ID, birth=date(1980, 5, 1), gender=Gender.MALE) == []
    assert check_id_agreement(MALE_ID, birth=date(1980, 5, 3), gender=None) == []
    assert check_id_agreement(MALE_ID, birth=None, gender=None) == []
    assert check_id_agreement(MALE_ID, birth=date(1981, 5, 1), gender=Gender.MALE) == [
        "身份证号中的出生日期1980年5月与出生年月1981年5月不一致"]
    assert check_id_agreement(FEMALE_ID, birth=None, gender=Gender.MALE) == ["身份证号显示为女性，与性别“男”不一致"]
    assert check_id_agreement(MALE_ID, birth=date(1980, 6, 1), gender=Gender.FEMALE) == [
        "身份证号中的出生日期1980年5月与出生年月1980年6月不一致", "身份证号显示为男性，与性别“女”不一致"]
    problems = check_id_agreement(MALE_ID[:-1] + "1", birth=None, gender=None)
    assert len(problems) == 1 and "校验位错误" in problems[0]


@given(st.integers(min_value=0, max_value=2**32), st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
       st.sampled_from(list(Gender)))
def test_random_id_number_is_valid_and_agrees(seed: int, birth: date, gender: Gender) -> None:
    number = random_id_number(random.Random(seed), birth=birth, gender=gender)
    assert len(number) == 18
    assert ric.is_valid(number)
    assert normalize_id_number(number) == number
    assert id_birth(number) == birth
    assert id_gender(number) == gender
    assert check_id_agreement(number, birth=birth, gender=gender) == []


def test_random_id_number_is_reproducible() -> None:
    a = random_id_number(random.Random(5), birth=date(1990, 1, 2), gender=Gender.FEMALE)
    b = random_id_number(random.Random(5), birth=date(1990, 1, 2), gender=Gender.FEMALE)
    assert a == b
    other = random_id_number(random.Random(5), birth=date(1990, 1, 2), gender=Gender.FEMALE, region="110101")
    assert other.startswith("110101") and ric.is_valid(other)


def test_mask_id() -> None:
    assert mask_id("11010119800503123X") == "110101********123X"
    assert mask_id(MALE_ID) == "110101********1230"
    assert mask_id("") == ""
    assert mask_id("12") == "**"
    assert mask_id("12345") == "1***5"
    assert mask_id("1234567890") == "1********0"  # short: never shown whole
    for s in ("", "1", "123", MALE_ID):
        assert len(mask_id(s)) == len(s)


# ------------------------------------------------------------------ phones


@pytest.mark.parametrize("raw, expected", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+86-13812345678", "13812345678"),
    ("0086 13812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("19912345678", "19912345678"),
    ("0731-84123456", "0731-84123456"),
    ("0731 8412 3456", "0731-84123456"),
    ("(0731)84123456", "0731-84123456"),
    ("（0731）84123456", "0731-84123456"),
    ("073184123456", "0731-84123456"),
    ("010-12345678", "010-12345678"),
    ("01012345678", "010-12345678"),
    ("0739-5123456", "0739-5123456"),
    ("+86 10 12345678", None),
])
def test_normalize_phone(raw: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(FieldError):
            normalize_phone(raw)
    else:
        assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345678901", "1381234567", "138123456789", "84123456", "0731-123", "abc",
                                 "138****5678", "0731-84123456转801", ""])
def test_normalize_phone_refuses(raw: str) -> None:
    with pytest.raises(FieldError) as err:
        normalize_phone(raw)
    assert err.value.field == "联系电话"
    if raw:
        assert raw in err.value.detail


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0731-84123456") == "0731-******56"
    assert mask_phone("010-12345678") == "010-******78"
    assert mask_phone("") == ""
    assert mask_phone("1") == "*"
    assert mask_phone("12345") == "***45"
    assert mask_phone("0731-1") == "0731-*"


# ------------------------------------------------------------------ choices and names


class _Color(StrEnum):
    RED = "红"
    GREEN = "绿"


def test_parse_choice() -> None:
    assert parse_choice("优秀", "考核等次", Grade) is Grade.EXCELLENT
    assert parse_choice(" 基本称职 ", "考核等次", Grade) is Grade.BASIC
    assert parse_choice("excellent", "考核等次", Grade) is Grade.EXCELLENT
    assert parse_choice("Male", "性别", Gender) is Gender.MALE
    assert parse_choice("绿", "颜色", _Color) is _Color.GREEN
    with pytest.raises(FieldError) as err:
        parse_choice("良好", "考核等次", Grade)
    assert "良好" in err.value.detail and "优秀、称职、基本称职、不称职" in err.value.detail
    with pytest.raises(FieldError, match="不能为空"):
        parse_choice("", "考核等次", Grade)


def test_parse_name() -> None:
    assert parse_name("  张三\u200b ", "姓名") == "张三"
    assert parse_name("[red]张三", "姓名") == "[red]张三"
    assert parse_name("阿沛・阿旺晋美", "姓名") == "阿沛·阿旺晋美"
    assert parse_name("", "备注", required=False) == ""
    with pytest.raises(FieldError, match="不能为空"):
        parse_name(" \x1b ", "姓名")
    with pytest.raises(FieldError, match="不能超过5个字"):
        parse_name("青山村党支部委员会", "简称", max_len=5)
    assert parse_name("青山村", "简称", max_len=3) == "青山村"


def test_clean_text_keeps_clean_str_subclasses() -> None:
    # The ledger cleans every str field of a record; enum fields must stay enum members.
    assert clean_text(Grade.EXCELLENT) is Grade.EXCELLENT
    assert clean_text(Gender.MALE, multiline=True) is Gender.MALE


def test_id_number_with_a_birth_date_in_the_future_is_refused() -> None:
    from stdnum.cn import ric

    body = "11010120310101001"
    with pytest.raises(FieldError) as exc:
        normalize_id_number(body + ric.calc_check_digit(body))
    assert "晚于今天" in exc.value.detail
