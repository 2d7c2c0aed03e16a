"""The village lookup index: find a village by hanzi, full pinyin or pinyin initials, per keystroke.

Clerks type 青山, ``qingshan``, ``qingsh``, ``shancun`` or ``qsc`` for 青山村. Every reading of a
多音字 counts (长安村 is found by ``cac`` and ``zac``, 曾家村 by ``zjc`` and ``cjc``): pypinyin reads
some place names and surnames wrong, and a clerk should never have to guess which reading the
software chose. Each character therefore carries the set of all its readings (pypinyin
``heteronym=True`` per character) plus the phrase-aware reading of the whole name (so 重庆 still
gives ``cq``), plus the local readings in ``data/place_readings.txt``.

All pypinyin work happens in ``build``/``update`` (pypinyin is imported lazily there: it costs
~0.16 s and 55 MB). ``search`` only reads precomputed, sorted key lists with ``bisect``: a query is
matched as the prefix of a key, where the keys are, for each start character of each name, the
initials (one letter per character) and the concatenated syllables from that character to the end.
That makes prefix, syllable-aligned substring and partial-syllable matches one range lookup each.
"""
from __future__ import annotations

import bisect
import heapq
import itertools
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .text import clean_text

__all__ = ["PLACE_READINGS", "Hit", "VillageIndex", "load_place_readings"]

PLACE_READINGS = Path(__file__).resolve().parent.parent / "data" / "place_readings.txt"

# Scores per kind of match: the ranking is by kind first (see ``search``).
EXACT = 1000
PREFIX = 900
INITIALS_WHOLE = 800
INITIALS_PREFIX = 700
INITIALS_INNER = 600
PINYIN_WHOLE = 550
PINYIN_PREFIX = 500
PINYIN_INNER = 400
SUBSTRING = 300

# A name whose characters have many readings each would produce a product of combinations; past
# this many per start character the rarest combinations are dropped (no real village name gets near).
MAX_COMBINATIONS = 512
# Keys run this many characters from each start at most: nobody types more initials or syllables in
# one query, and a name of any length (a hand-edited file may hold anything) then costs the index
# time and memory in proportion to its length (a 600-character name took 11.7 s and 3.6 GB).
MAX_KEY_CHARS = 16
MAX_KEY_STARTS = 24  # and start within the first characters: nobody types initials from mid-name

# Full-width letters and digits from a Chinese IME mean the same as ASCII ones in a query.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_TOP = chr(0x10FFFF)

K = TypeVar("K", bound=tuple[Any, ...])


@dataclass(frozen=True)
class Hit:
    """One village found by ``VillageIndex.search``."""

    village_id: int
    name: str
    score: int  # higher is better
    how: str  # "exact" | "prefix" | "initials" | "pinyin" | "substring"
    spans: tuple[tuple[int, int], ...]  # matched character ranges [start, end) in ``name``, for highlighting


@dataclass(frozen=True)
class _Entry:
    """What the index keeps per village: enough to compute spans and to remove its keys again."""

    village_id: int
    name: str
    folded: str  # lower-cased name for case-insensitive hanzi/Latin matching
    initials: tuple[tuple[str, int, int], ...]  # (initials from start, village id, start)
    pinyin: tuple[tuple[str, int, int, tuple[int, ...]], ...]  # (+ syllable end offsets in the key)


# ------------------------------------------------------------------ place readings

_readings_lock = threading.Lock()
_readings_loaded: dict[Path, tuple[float, list[str]]] = {}  # path → (mtime, problems)


def load_place_readings(path: Path = PLACE_READINGS) -> list[str]:
    """Teach pypinyin the local readings in ``path`` (``词 pin1 yin1`` per line, ``#`` comments).

    Returns a Chinese description of each line that could not be used (a missing file is fine: the
    list is optional). pypinyin's phrase dictionary is global to the process, so a file is read
    again only when it changed; until then its earlier problems are returned.
    """
    from pypinyin import load_phrases_dict
    from pypinyin.contrib.tone_convert import to_tone

    path = Path(path)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return []
    with _readings_lock:
        cached = _readings_loaded.get(path)
        if cached is not None and cached[0] == mtime:
            return list(cached[1])
        problems: list[str] = []
        phrases: dict[str, list[list[str]]] = {}
        for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            line = clean_text(raw.split("#", 1)[0])
            if not line:
                continue
            word, *syllables = line.split()
            ok = len(syllables) == len(word) and all(s.isascii() and s[:1].isalpha() for s in syllables)
            if not ok:
                problems.append(f"地名读音表第{number}行无法识别（应为“词语 拼音 拼音”，每个字一个拼音）：{line}")
                continue
            phrases[word] = [[to_tone(s.lower().replace("ü", "v"))] for s in syllables]
        if phrases:
            load_phrases_dict(phrases)
        _readings_loaded[path] = (mtime, problems)
        return list(problems)


# ------------------------------------------------------------------ readings of one name


class _Reader:
    """Per-character reading sets for names, with a cache across one build (names share characters)."""

    def __init__(self) -> None:
        from pypinyin import Style, lazy_pinyin, pinyin

        self._pinyin = pinyin
        self._lazy = lazy_pinyin
        self._normal = Style.NORMAL
        self._cache: dict[str, frozenset[str]] = {}

    def _char(self, ch: str) -> frozenset[str]:
        found = self._cache.get(ch)
        if found is None:
            readings = self._pinyin(ch, style=self._normal, heteronym=True, errors=lambda s: list(s))
            spelled = {s for r in (readings[0] if readings else ()) for s in _spellings(r) if s}
            # A character pypinyin does not know (Latin, digits, ·) stands for itself.
            found = frozenset(spelled or {ch.lower()})
            self._cache[ch] = found
        return found

    def syllables(self, name: str) -> list[frozenset[str]]:
        """For each character of ``name``: every syllable it may be read as, lower-case, without tones."""
        per_char = [set(self._char(ch)) for ch in name]
        # The phrase-aware reading catches words the single-character dictionary reads differently
        # (重庆 chong, 洪洞 tong from the place-reading list).
        phrase = self._lazy(name, style=self._normal, errors=lambda s: list(s))
        if len(phrase) == len(name):
            for readings, syllable in zip(per_char, phrase):
                readings.update(_spellings(syllable))
        return [frozenset(r) for r in per_char]


def _spellings(syllable: str) -> tuple[str, ...]:
    """A syllable as a clerk may type it: pypinyin writes ü as v (lv); many type u (lu) instead."""
    s = syllable.lower()
    if "v" in s and s.isascii() and s.isalpha() and len(s) > 1:
        return (s, s.replace("v", "u"))
    return (s,)


def _keys(village_id: int, syllables: list[frozenset[str]]) -> tuple[
        tuple[tuple[str, int, int], ...], tuple[tuple[str, int, int, tuple[int, ...]], ...]]:
    """The initials keys and pinyin keys of one name, one set per start character."""
    initials: set[tuple[str, int, int]] = set()
    pinyin: set[tuple[str, int, int, tuple[int, ...]]] = set()
    heads = [sorted({s[0] for s in chars}) for chars in syllables]
    spelled = [sorted(chars) for chars in syllables]
    for start in range(min(len(syllables), MAX_KEY_STARTS)):
        end = start + MAX_KEY_CHARS
        for combo in itertools.islice(itertools.product(*heads[start:end]), MAX_COMBINATIONS):
            initials.add(("".join(combo), village_id, start))
        for combo in itertools.islice(itertools.product(*spelled[start:end]), MAX_COMBINATIONS):
            ends = tuple(itertools.accumulate(len(s) for s in combo))
            pinyin.add(("".join(combo), village_id, start, ends))
    return tuple(sorted(initials)), tuple(sorted(pinyin))


# ------------------------------------------------------------------ the index


class VillageIndex:
    """Villages by name, pinyin and initials; built once, updated per change, searched per keystroke."""

    def __init__(self, readings: Path | None = PLACE_READINGS) -> None:
        self._readings = readings
        self.reading_problems: list[str] = []
        self._entries: dict[int, _Entry] = {}
        self._by_char: dict[str, set[int]] = {}
        self._initials: list[tuple[str, int, int]] = []
        self._pinyin: list[tuple[str, int, int, tuple[int, ...]]] = []

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, village_id: object) -> bool:
        return village_id in self._entries

    # -------------------------------------------------------------- building

    def _reader(self) -> _Reader:
        if self._readings is not None:
            self.reading_problems = load_place_readings(self._readings)
        return _Reader()

    def build(self, villages: Iterable[tuple[int, str, str]]) -> None:
        """Index ``(id, name, township)`` for every village, replacing what was indexed before."""
        reader = self._reader()
        entries: dict[int, _Entry] = {}
        for village_id, name, _township in villages:
            entries[village_id] = self._entry(reader, village_id, name)
        by_char: dict[str, set[int]] = {}
        initials: list[tuple[str, int, int]] = []
        pinyin: list[tuple[str, int, int, tuple[int, ...]]] = []
        for e in entries.values():
            for ch in set(e.folded):
                by_char.setdefault(ch, set()).add(e.village_id)
            initials.extend(e.initials)
            pinyin.extend(e.pinyin)
        initials.sort()
        pinyin.sort()
        # Swap in complete structures at the end: the index may be built in a worker thread while
        # the old one is still being searched.
        self._entries, self._by_char, self._initials, self._pinyin = entries, by_char, initials, pinyin

    @staticmethod
    def _entry(reader: _Reader, village_id: int, name: str) -> _Entry:
        name = clean_text(name)
        initials, pinyin = _keys(village_id, reader.syllables(name))
        return _Entry(village_id, name, name.lower(), initials, pinyin)

    def update(self, village_id: int, name: str, township: str = "") -> None:
        """Add a village or change its name (the township is accepted for symmetry and not indexed)."""
        entry = self._entry(self._reader(), village_id, name)
        self.remove(village_id)
        self._entries[village_id] = entry
        for ch in set(entry.folded):
            self._by_char.setdefault(ch, set()).add(village_id)
        for key in entry.initials:
            bisect.insort(self._initials, key)
        for pkey in entry.pinyin:
            bisect.insort(self._pinyin, pkey)

    def remove(self, village_id: int) -> None:
        """Forget a village (nothing happens when it is not indexed)."""
        entry = self._entries.pop(village_id, None)
        if entry is None:
            return
        for ch in set(entry.folded):
            ids = self._by_char.get(ch)
            if ids is not None:
                ids.discard(village_id)
                if not ids:
                    del self._by_char[ch]
        for key in entry.initials:
            del self._initials[bisect.bisect_left(self._initials, key)]
        for pkey in entry.pinyin:
            del self._pinyin[bisect.bisect_left(self._pinyin, pkey)]

    # -------------------------------------------------------------- searching

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Villages matching ``query``, best first, at most ``limit``.

        Ranking: exact name > name prefix > initials (whole name, then prefix, then inside) > full
        pinyin (prefix, then inside; a partly typed last syllable counts) > hanzi substring; ties go
        to the shorter name, then the lower id. Never calls pypinyin.
        """
        q = "".join(clean_text(query or "").translate(_FULLWIDTH).lower().split())
        if not q or limit <= 0:
            return []
        # village id → (score, start, extra); extra is the match length in characters, or the
        # syllable end offsets of a pinyin key (turned into a span only for the hits returned).
        best: dict[int, tuple[int, int, object]] = {}

        for village_id in self._by_char.get(q[0], ()):
            folded = self._entries[village_id].folded
            at = folded.find(q)
            if at >= 0:
                score = EXACT if folded == q else PREFIX if at == 0 else SUBSTRING
                best[village_id] = (score, at, len(q))

        letters = q.replace("'", "")
        # xi'an: an apostrophe marks a syllable boundary (西安, not 县); such a query is full pinyin.
        breaks = [at for at in itertools.accumulate(len(part) for part in q.split("'")[:-1]) if at > 0]
        if letters and letters.isascii() and letters.isalnum():
            n = len(letters)
            for key, village_id, start in () if "'" in q else _prefixed(self._initials, letters):
                if start == 0:
                    score = INITIALS_WHOLE if len(key) == n else INITIALS_PREFIX
                else:
                    score = INITIALS_INNER
                old = best.get(village_id)
                if old is None or score > old[0]:
                    best[village_id] = (score, start, n)
            # One letter is an initial already; a pinyin key adds nothing new for it.
            if n > 1:
                for key, village_id, start, ends in _prefixed(self._pinyin, letters):
                    if breaks and not all(b in ends for b in breaks):
                        continue
                    if start == 0:
                        score = PINYIN_WHOLE if len(key) == n else PINYIN_PREFIX
                    else:
                        score = PINYIN_INNER
                    old = best.get(village_id)
                    if old is None or score > old[0]:
                        best[village_id] = (score, start, ends)

        entries = self._entries
        top = heapq.nsmallest(limit, best.items(),
                              key=lambda item: (-item[1][0], len(entries[item[0]].name), item[0]))
        return [self._hit(entries[village_id], score, start, extra, len(letters))
                for village_id, (score, start, extra) in top]

    @staticmethod
    def _hit(entry: _Entry, score: int, start: int, extra: object, typed: int) -> Hit:
        if isinstance(extra, tuple):  # pinyin: the characters whose syllables the query reached into
            end = start + bisect.bisect_left(extra, typed) + 1
        else:
            assert isinstance(extra, int)
            end = start + extra
        return Hit(entry.village_id, entry.name, score, _HOW[score], ((start, end),))


_HOW = {
    EXACT: "exact", PREFIX: "prefix", SUBSTRING: "substring",
    INITIALS_WHOLE: "initials", INITIALS_PREFIX: "initials", INITIALS_INNER: "initials",
    PINYIN_WHOLE: "pinyin", PINYIN_PREFIX: "pinyin", PINYIN_INNER: "pinyin",
}


def _prefixed(keys: list[K], prefix: str) -> Iterator[K]:
    """The entries of a sorted key list whose key (first element) starts with ``prefix``."""
    # Every key starting with the prefix sorts between (prefix,) and (prefix + the highest code
    # point,): keys are mostly letters, but a character pypinyin does not know stands for itself.
    lo = bisect.bisect_left(keys, (prefix,))
    hi = bisect.bisect_left(keys, (prefix + _TOP,), lo)
    return itertools.islice(keys, lo, hi)


# ------------------------------------------------------------------ place names (townships)

_place_lock = threading.Lock()
_place_index: tuple[tuple[str, ...], VillageIndex] | None = None


def find_places(names: Iterable[str], query: str, limit: int = 50) -> list[Hit]:
    """Which of ``names`` (townships: place names, read with the local readings) ``query`` finds, by
    name, full pinyin or initials, best first; a hit's ``village_id`` is the name's position in
    ``names``. The index of the last set of names is kept (a county has a few dozen townships)."""
    global _place_index
    key = tuple(names)
    with _place_lock:
        if _place_index is None or _place_index[0] != key:
            index = VillageIndex()
            index.build((i, name, "") for i, name in enumerate(key))
            _place_index = (key, index)
        index = _place_index[1]
    return index.search(query, limit)
