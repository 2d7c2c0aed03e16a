"""GB/T 9704-2012 measures and text helpers shared by the builder and the documents.

Units, the font set, how wide a string is on the character grid, how a long title is broken into a
symmetric 梯形/菱形, which 正文 paragraphs are headings, and text that is safe to put into XML.
Pure Python: no python-docx here, so the documents can compute layout without building anything.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from ledgers.models import Settings

# ------------------------------------------------------------------ units

TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    """Millimetres → twips (1/20 pt)."""
    return round(value * TWIPS_PER_MM)


def pt(value: float) -> int:
    """Points → twips."""
    return round(value * 20)


# Font sizes in points (字号).
SIZE_2 = 22.0  # 二号: title
SIZE_3 = 16.0  # 三号: everything by default
SIZE_4 = 14.0  # 四号: 版记, page numbers, roomy tables
SIZE_S4 = 12.0  # 小四: tables
SIZE_5 = 10.5  # 五号
SIZE_S5 = 9.0  # 小五: the 21-column ledgers (整顿台账, 花名册) on one landscape page width
SIZE_MARK_MAX = 36.0  # 发文机关标志 (ours: at most 36 pt, shrunk to fit the 版心)

LINE_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm 版心
CHAR_SPACING = -0.25  # pt between 三号 characters so 28 of them fit in 156 mm
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22

PAGE_W, PAGE_H = mm(210), mm(297)
# portrait margins (top, bottom, left = binding side, right)
PORTRAIT_MARGINS = (mm(37), mm(35), mm(28), mm(26))
# landscape: the portrait margins turned (GONGWEN.md)
LANDSCAPE_MARGINS = (mm(28), mm(26), mm(35), mm(37))
TEXT_W = PAGE_W - PORTRAIT_MARGINS[2] - PORTRAIT_MARGINS[3]  # 156 mm
TEXT_H = PAGE_H - PORTRAIT_MARGINS[0] - PORTRAIT_MARGINS[1]  # 225 mm
LANDSCAPE_TEXT_W = PAGE_H - LANDSCAPE_MARGINS[2] - LANDSCAPE_MARGINS[3]  # 225 mm

RED = "FF0000"
LATIN_FONT = "Times New Roman"


@dataclass(frozen=True)
class Fonts:
    """The East Asian font names of one office (settings.font_*)."""

    body: str = "仿宋_GB2312"
    title: str = "方正小标宋简体"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"

    @classmethod
    def from_settings(cls, s: Settings) -> "Fonts":
        d = cls()
        return cls(body=s.font_body or d.body, title=s.font_title or d.title,
                   heading1=s.font_heading1 or d.heading1, heading2=s.font_heading2 or d.heading2,
                   page_number=s.font_page_number or d.page_number)


# ------------------------------------------------------------------ safe text

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _core_xml_safe() -> Callable[[str], str]:
    try:
        from ledgers.text import xml_safe
    except ImportError:  # pragma: no cover - only while the core module is missing
        return lambda s: s
    return xml_safe


_xml_safe: Callable[[str], str] | None = None


def safe_text(value: object) -> str:
    """Text from the database as it will go into the document: literally, minus what XML cannot hold.

    ``ledgers.text.xml_safe`` does the cleaning; the regex behind it is a second net so a lone
    surrogate or a control character can never crash a write (lxml raises on both).
    """
    global _xml_safe
    if _xml_safe is None:
        _xml_safe = _core_xml_safe()
    text = "" if value is None else str(value)
    if not text:
        return text
    return _XML_ILLEGAL.sub("", _xml_safe(text))


# ------------------------------------------------------------------ widths on the grid


def char_em(ch: str) -> float:
    """Width of one character in ems: CJK and full-width forms 1, Latin letters and digits ½."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in "“”‘’—…·":  # ambiguous-width punctuation is set full width in Chinese fonts
        return 1.0
    return 0.5


def text_em(text: str) -> float:
    return sum(char_em(c) for c in text)


def text_twips(text: str, size_pt: float, spacing_pt: float = 0.0) -> int:
    """Approximate advance width of ``text`` at ``size_pt`` with ``spacing_pt`` after each character."""
    return round(sum(char_em(c) * size_pt + spacing_pt for c in text) * 20)


# ------------------------------------------------------------------ titles


_GOOD_AFTER = set("于、，的与和及）”》")
_GOOD_BEFORE = ("关于", "软弱涣散", "的通报", "的通知", "的报告", "的意见", "情况", "工作")
_OPEN_QUOTE = re.compile(r"“[^”]*$|《[^》]*$|（[^）]*$")
# Words a title line must not end in the middle of (回行时词意完整): a reader sees "软弱" / "涣散" or
# "2026" / "年度" as a broken word. Longest first, so a break inside 村党组织 counts once.
_WORDS = re.compile("软弱涣散|村党组织|党组织|第一书记|花名册|四个一|包联表|推进表|汇总表|销号表|验收销号|委员会"
                    "|进展情况|整顿|台账|[0-9]+年度?")
_LATIN_IN_WORD = 50.0  # inside a number or a Latin word: only when nothing else fits
_IN_QUOTE = 20.0  # inside 《》“” or （）: only when the quoted name is too long for one line
_IN_WORD = 8.0


@lru_cache(maxsize=64)
def _inside_words(text: str) -> frozenset[int]:
    """Indices a break before which would cut one of ``_WORDS`` in two."""
    return frozenset(i for m in _WORDS.finditer(text) for i in range(m.start() + 1, m.end()))


def _break_score(text: str, i: int) -> float:
    """Penalty for breaking ``text`` before index ``i`` (0 = a natural place).

    A break inside quotation marks is penalised on top of (not instead of) the word-level score, so
    that when a long 《书名》 has to be broken it is broken between words, never inside 软弱涣散 or a
    year, and never inside a number."""
    head, tail = text[:i], text[i:]
    if head[-1:].isascii() and head[-1:].isalnum() and tail[:1].isascii() and tail[:1].isalnum():
        return _LATIN_IN_WORD
    if i in _inside_words(text):
        score = _IN_WORD
    elif head.endswith("年度") or head.endswith("年") and not tail[:1].isdigit():
        score = 0.0
    elif head[-1] in _GOOD_AFTER or tail.startswith(_GOOD_BEFORE):
        score = 0.0
    elif head.endswith(("委员会", "党组织", "村", "社区", "镇", "乡")):
        score = 1.0
    else:
        score = 4.0
    return score + (_IN_QUOTE if _OPEN_QUOTE.search(head) else 0.0)


_SCRIPT_CHANGE = re.compile(r"(?<=[^\x00-\x7f])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[^\x00-\x7f])")
AUTOSPACE_EM = 0.25  # LibreOffice puts this much between Chinese and Latin text (it ignores autoSpaceDE)


def line_em(text: str) -> float:
    """Width of one line of text as set: ``text_em`` plus the space a renderer may put where Chinese
    meets Latin letters or digits (``关于2026年度`` is 9 em wide in Word, about 9½ in LibreOffice)."""
    return text_em(text) + AUTOSPACE_EM * len(_SCRIPT_CHANGE.findall(text))


def _long_split(title: str, n: int, width_em: float) -> tuple[float, list[str]] | None:
    """``_best_split`` for four lines and more, by dynamic programming (trying every combination of
    cuts of an 80-character title would take minutes): the sum of the break penalties plus how far
    each line is from the average width."""
    size = len(title)
    average = line_em(title) / n
    # best[k][j]: (score, cuts) for title[:j] in k lines
    best: list[dict[int, tuple[float, tuple[int, ...]]]] = [{0: (0.0, ())}] + [{} for _ in range(n)]
    for k in range(1, n + 1):
        for j in range(1, size + 1):
            if k == n and j != size:
                continue
            for i, (score, cuts) in best[k - 1].items():
                if i >= j:
                    continue
                width = line_em(title[i:j])
                if width > width_em:
                    continue
                total = score + 0.4 * abs(width - average) + (_break_score(title, j) if j < size else 0.0)
                if j not in best[k] or total < best[k][j][0]:
                    best[k][j] = (total, cuts + (j,))
    if size not in best[n]:
        return None
    score, cuts = best[n][size]
    return score, [title[a:b] for a, b in zip((0, *cuts), cuts)]


def _best_split(title: str, n: int, width_em: float) -> tuple[float, list[str]] | None:
    """The best way to break ``title`` into ``n`` lines no wider than ``width_em`` (score, lines)."""
    if n > 3:
        return _long_split(title, n, width_em)
    best: tuple[float, list[str]] | None = None
    for cuts in combinations(range(1, len(title)), n - 1):
        lines = [title[a:b] for a, b in zip((0, *cuts), (*cuts, len(title)))]
        widths = [line_em(line) for line in lines]
        if max(widths) > width_em:
            continue
        score = sum(_break_score(title, c) for c in cuts) + 0.4 * (max(widths) - min(widths))
        if n == 2 and widths[0] > widths[1]:
            score += 1.5  # prefer 正梯形: the upper line shorter
        if n == 3 and widths[1] < max(widths[0], widths[2]):
            score += 1.5  # prefer 菱形: the middle line longest
        if best is None or score < best[0]:
            best = (score, lines)
    return best


def break_title(title: str, width_em: float = 20.0) -> list[str]:
    """Split a title into lines by meaning: no line wider than ``width_em``, no word (软弱涣散, a year,
    a number) cut in two, upper lines no longer than lower ones where that is possible (梯形), the
    middle longest for three lines (菱形). When the fewest lines can only be had by cutting a word or
    a number, one line more is taken instead.

    Explicit line breaks in ``title`` are kept as they are.
    """
    title = title.strip()
    if "\n" in title:
        return [line.strip() for line in title.splitlines() if line.strip()]
    if line_em(title) <= width_em:
        return [title]
    n = 2
    while line_em(title) > width_em * n:
        n += 1
    best = _best_split(title, n, width_em)
    if (best is None or best[0] >= _IN_WORD + _IN_QUOTE) and n < 3:
        more = _best_split(title, n + 1, width_em)
        if more is not None and (best is None or more[0] + 3.0 < best[0]):
            best = more
    return best[1] if best else [title]


# ------------------------------------------------------------------ 正文 structure

_CN_NUM = "一二三四五六七八九十"
HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^[{_CN_NUM}]+、")),
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    (3, re.compile(r"^\d+[.．](?!\d)")),
    (4, re.compile(r"^[（(]\d+[）)]")),
)


def heading_level(paragraph: str) -> int:
    """1 for 一、 2 for （一） 3 for 1. 4 for （1）; 0 for plain text."""
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(paragraph):
            return level
    return 0


def split_run_in_heading(paragraph: str) -> tuple[str, str]:
    """A heading followed by text in the same paragraph: the heading ends at the first 。 (kept),
    e.g. ``一、压实责任。各村要……`` → (``一、压实责任。``, ``各村要……``)."""
    cut = paragraph.find("。")
    if 0 < cut < len(paragraph) - 1:
        return paragraph[: cut + 1], paragraph[cut + 1:]
    return paragraph, ""


def demote_headings(text: str) -> str:
    """Turn a template's 一、二、 items into （一）（二） so it fits under a level-1 heading."""
    out = []
    for line in text.splitlines():
        m = re.match(rf"^([{_CN_NUM}]+)、", line.strip())
        out.append(f"（{m.group(1)}）{line.strip()[m.end():]}" if m else line)
    return "\n".join(out)


def paragraphs(text: str) -> list[str]:
    """The clerk's text → 正文 paragraphs: one per line, blank lines dropped (the grid has no gaps)."""
    return [line.strip() for line in text.splitlines() if line.strip()]
