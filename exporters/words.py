"""Where text in a table cell may break: between words, never inside one (回行时词意完整).

A printed table that breaks ``县委办`` / ``公室`` or ``2027.`` / ``02.15`` goes back to the clerk. Word
and LibreOffice break Chinese between any two characters, so the tables break lines themselves: the
layout (``exporters.tables``) measures every cell in words — a code, a date, an ID number or a phone
is one word and never wraps; Chinese is cut into words by jieba's dictionary plus the words of this
domain — and writes each cell's lines with explicit breaks, each line narrower than its column.

Widths are in ems of the cell's font: Chinese and full-width forms 1, Latin in Times New Roman about
½ (capitals ¾, full stops and commas ¼).
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

from .layout import _SCRIPT_CHANGE, AUTOSPACE_EM

# Words of this domain jieba's dictionary does not hold whole (or cuts differently).
DOMAIN_WORDS = (
    "软弱涣散", "村党组织", "党组织", "第一书记", "四个一", "包联表", "花名册", "推进表", "汇总表", "销号表",
    "验收销号", "人大常委会", "常委会", "县委办", "县政府办", "组织部", "宣传部", "统战部", "纪委监委",
    "政法委", "两委", "一肩挑", "后备干部", "党支部", "党总支", "村支部", "支部委员会", "民主测评",
    "易地扶贫", "搬迁安置", "脱贫村", "乡村振兴局", "农业农村局", "称职", "基本称职", "不称职",
)

_LATIN = re.compile(r"[0-9A-Za-z.\-*/:%·]+")
# Latin runs that belong with the Chinese unit after them: 2026年, 58分, 4项, 第十一批 stays Chinese.
_UNIT_AFTER_NUMBER = set("年月日号分项人个批期岁户元名条次届位票")
_NO_LINE_START = set("，。、；：？！）》”’〕】%/…—·,.;:!?)")  # 避头: never begins a line
_NO_LINE_END = set("（《“‘〔【(")  # 避尾: never ends a line
_BINDS_NEXT = {"副", "正", "原", "前", "代", "第", "原任", "驻"}  # 副/主任 is one word: 副主任

_lock = threading.Lock()
_ready = False


def _jieba():  # type: ignore[no-untyped-def]
    """jieba, initialised once (its dictionary takes ~0.5 s to load; the tables call it from the
    export worker, so the first caller loads it under a lock)."""
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                for w in DOMAIN_WORDS:
                    jieba.add_word(w, freq=200_000)
                _ready = True
    return jieba


def char_width(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in ("W", "F") or ch in "“”‘’—…·":
        return 1.0
    if "A" <= ch <= "Z":
        return 0.75
    if ch in ".,:;":
        return 0.25
    return 0.5


@lru_cache(maxsize=1 << 16)
def width(text: str) -> float:
    """Width of one line of text in ems, with the ¼ em LibreOffice puts where Chinese meets Latin
    letters or digits (it ignores ``autoSpaceDE``): ``2026年`` is 3¼ em there."""
    if text.isascii():
        wide = sum(1 for c in text if "A" <= c <= "Z")
        narrow = sum(1 for c in text if c in ".,:;")
        return 0.5 * len(text) + 0.25 * (wide - narrow)
    return sum(map(char_width, text)) + AUTOSPACE_EM * len(_SCRIPT_CHANGE.findall(text))


@lru_cache(maxsize=1 << 16)
def words(line: str) -> tuple[str, ...]:
    """The unbreakable pieces of one line, in order (joined they give the line back)."""
    if not line:
        return ()
    if len(line) <= 3 and all(unicodedata.east_asian_width(c) == "W" for c in line):
        return (line,)  # a name or a short word (赵立新, 整顿中) is never broken
    raw: list[str] = []
    pos = 0
    for m in _LATIN.finditer(line):
        if m.start() > pos:
            raw.extend(_chinese_words(line[pos:m.start()]))
        token = m.group()
        raw.append(token)
        pos = m.end()
    if pos < len(line):
        raw.extend(_chinese_words(line[pos:]))
    out: list[str] = []
    glue_next = False
    for w in raw:
        if not out:
            out.append(w)
        elif glue_next or w[0] in _NO_LINE_START or w.isspace():
            out[-1] += w
        elif w[0] in _UNIT_AFTER_NUMBER and out[-1][-1].isascii() and out[-1][-1].isdigit():
            out[-1] += w[0]
            if len(w) > 1:
                out.append(w[1:])
        else:
            out.append(w)
        glue_next = w in _BINDS_NEXT or w[-1] in _NO_LINE_END
    return tuple(out)


_PLACE_PREFIX = set("省市县区乡镇")
_SUFFIX = set("村局镇乡县市区办部委院所站室处科队组厅会")


def _chinese_words(text: str) -> list[str]:
    """jieba's words, with two repairs for the texts of a ledger: runs of single characters (a
    person's name jieba does not know, 万/林/兰; 在/岗) are one word of up to four, and a one-character
    place prefix binds to what follows (县人大常委会, not 县 alone on a line where the whole fits)."""
    if text.isascii():
        return [text]
    out: list[str] = []
    single = False
    for w in _jieba().cut(text, HMM=False):
        one = len(w) == 1 and unicodedata.east_asian_width(w) == "W" and w not in _NO_LINE_START \
            and w not in _NO_LINE_END
        if one and single and len(out[-1]) < 4:
            out[-1] += w
        elif out and len(w) == 1 and w in _SUFFIX and len(out[-1]) > 1 and not out[-1].isascii() \
                and out[-1][-1] not in _NO_LINE_START:
            out[-1] += w  # 安置村, 农村局: a one-character suffix never starts a line of its own
            one = False
        elif out and len(w) == 1 and w in _UNIT_AFTER_NUMBER and out[-1].startswith("第"):
            out[-1] += w  # 第十一批, 第三届
            one = False
        elif out and out[-1] in _PLACE_PREFIX and w[0] not in _NO_LINE_START and not w.isascii():
            out[-1] += w  # 县人大常委会: kept whole where it fits; ``pieces`` breaks it after 县 if not
            one = False
        else:
            out.append(w)
        single = one and len(out[-1]) < 4
    return out


@lru_cache(maxsize=1 << 14)
def pieces(word: str) -> tuple[str, ...]:
    """Where a long Chinese word may still break when its column is narrower than it: between the
    words it is made of (人大/常委会, 大学/本科, 出生/年月, 县/农业农村局) — a reader's break, unlike
    村党组/织书记. A one-character piece joins its neighbour (农村局). Codes and dates stay whole."""
    if len(word) > 2 and word[0] in _PLACE_PREFIX and unicodedata.east_asian_width(word[1]) == "W":
        return (word[0], *pieces(word[1:]))  # a bound place prefix: 县 / 人大常委会 before anything else
    core = word.rstrip("".join(_NO_LINE_START))
    if len(core) < 4 or not all(unicodedata.east_asian_width(c) == "W" for c in core):
        return (word,)
    parts = _cover(core)
    if len(parts) < 2:
        return (word,)
    parts[-1] += word[len(core):]
    return tuple(parts)


def _cover(core: str) -> list[str]:
    """``core`` as words of two characters or more that jieba's search mode finds in it, the longest
    as short as can be (a single character only where nothing else covers it, then joined to its
    neighbour): 交通/运输厅, not 交通运输/厅."""
    tokens: dict[int, list[int]] = {}
    for _, s, e in _jieba().tokenize(core, mode="search", HMM=False):
        if 2 <= e - s < len(core):
            tokens.setdefault(s, []).append(e)
    best: dict[int, tuple[int, int, int, list[str]]] = {0: (0, 0, 0, [])}
    for i in range(len(core)):
        if i not in best:
            continue
        singles, longest, count, parts = best[i]
        for e, extra in [(e, 0) for e in tokens.get(i, [])] + [(i + 1, 1)]:
            candidate = (singles + extra, max(longest, e - i), count + 1, parts + [core[i:e]])
            if e not in best or candidate[:3] < best[e][:3]:
                best[e] = candidate
    parts = best[len(core)][3]
    out: list[str] = []
    for p in parts:  # a single character joins the piece before it (or the one after, at the start)
        if out and (len(p) == 1 or len(out[-1]) == 1):
            out[-1] += p
        else:
            out.append(p)
    return out


def units(line: str) -> list[str]:
    """The smallest pieces ``line`` may be broken into (words, long words in their halves)."""
    return [p for w in words(line) for p in pieces(w)]


def longest_word(text: str) -> float:
    """The narrowest a column can be without breaking ``text`` where a reader would not."""
    return max((width(p) for line in text.split("\n") for p in units(line)), default=0.0)


def natural(text: str) -> float:
    """The width ``text`` takes unbroken (its longest line)."""
    return max((width(line) for line in text.split("\n")), default=0.0)


def wrap(text: str, room: float) -> list[str]:
    """``text`` in lines no wider than ``room`` ems, broken between words (a word wider than
    ``room`` takes a line of its own and is left to the renderer, the only case it breaks)."""
    out: list[str] = []
    for line in text.split("\n"):
        if width(line) <= room + 1e-6:
            out.append(line)
            continue
        current = ""
        for w in words(line):
            # a word wider than the room goes in its halves (大学/本科); words otherwise stay whole
            for p in (pieces(w) if width(w) > room + 1e-6 else (w,)):
                # measured whole: the gap where Chinese meets digits falls between pieces too
                if current and width(current + p) > room + 1e-6:
                    out.append(current.rstrip())
                    current = p.lstrip()
                else:
                    current += p
        out.append(current)
    return out


def lines_needed(text: str, room: float) -> int:
    return len(wrap(text, room))


def fewest_lines_width(text: str, lines: int) -> float:
    """The narrowest width (in ems) at which ``text`` takes at most ``lines`` lines, broken between
    words — what a header of two lines needs."""
    lo = longest_word(text)
    hi = natural(text)
    if lines <= 1 or hi <= lo:
        return hi
    # candidate widths: the widths of every run of consecutive words (one of them is the answer)
    widths = [width(p) for line in text.split("\n") for p in units(line)]
    candidates = sorted({round(sum(widths[i:j]), 4) for i in range(len(widths))
                         for j in range(i + 1, len(widths) + 1)})
    for c in candidates:
        if c >= lo - 1e-6 and lines_needed(text, c) <= lines:
            return c
    return hi
