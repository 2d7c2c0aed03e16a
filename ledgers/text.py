"""Cleaning text where it enters the ledger (forms, import, CLI) and where it leaves for Word.

Everything a clerk types or pastes passes ``clean_text`` before it is stored: a control character
stored once would reach the terminal on every repaint (ESC sequences retitle or clear the window),
and bidi or zero-width marks make two names that look alike compare unequal. Markup-looking text
such as ``[red]张三`` is data and stays exactly as typed; the UI is responsible for never reading
it as markup.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["MIDDLE_DOT", "clean_text", "terminal_safe", "xml_safe"]

MIDDLE_DOT = "\u00b7"  # · the separator the national standard uses in minority names (阿沛·阿旺晋美)

# Look-alike dots that IMEs and Japanese fonts produce; unified so a name is found however typed.
_DOT_LOOKALIKES = "\u30fb\u2022\u2027\uff65\u2219\u22c5"

# Characters dropped everywhere: C0 controls except the whitespace handled separately, DEL and C1,
# soft hyphen and the Arabic letter mark (invisible), zero-width and bidi marks, the word joiner and
# invisible operators, the BOM, interlinear annotation marks, surrogates (a lone one cannot even be
# encoded to UTF-8), noncharacters, and the invisible tag characters used to smuggle hidden text.
_NONCHARACTERS = "".join(
    chr(plane * 0x10000 + low) + "-" + chr(plane * 0x10000 + low + 1) for plane in range(17) for low in (0xFFFE,)
)
_DROP = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u00ad\u061c\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufff9-\ufffb"
    "\ud800-\udfff"
    "\ufdd0-\ufdef"
    + _NONCHARACTERS
    + "\U000e0000-\U000e007f"
    "]"
)

# Terminal escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \\, also unterminated),
# DCS/APC/PM/SOS strings, the 8-bit CSI/OSC introducers, and two-character ESC sequences.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)

# Line breaks of every kind (CR LF, CR, NEL, LINE/PARAGRAPH SEPARATOR) become "\n" first, so the
# multi-line and single-line rules below only need to know one of them.
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")

_TRANSLATE = {ord(c): MIDDLE_DOT for c in _DOT_LOOKALIKES} | {ord("\t"): " "}

# XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(s: str, *, multiline: bool = False, max_len: int | None = None) -> str:
    """Text as it should be stored: NFC, no invisible or control characters, trimmed.

    ``multiline`` keeps line breaks (normalised to "\\n") and trims each line; otherwise a line
    break becomes a space, because a cell pasted from Excel may carry one and the words on either
    side should stay apart. ``max_len`` cuts the result to that many characters. The function is
    idempotent: cleaning clean text changes nothing.
    """
    if not s:
        return ""
    # A terminal escape sequence goes as a whole (ESC alone would leave "]0;pwned" behind).
    text = _ESCAPES.sub("", s) if "\x1b" in s or "\x9b" in s or "\x9d" in s else s
    text = _LINE_BREAKS.sub("\n", text)
    if not multiline:
        text = text.replace("\n", " ")
    text = _DROP.sub("", text).translate(_TRANSLATE)
    # NFC after dropping: removing a zero-width mark can bring a base letter and a combining mark
    # together, and only composing afterwards keeps the function idempotent.
    text = unicodedata.normalize("NFC", text)
    text = _trim(text, multiline)
    if max_len is not None and len(text) > max_len:
        text = _trim(text[:max(max_len, 0)], multiline)
    # Clean input comes back as the very same object, so a str subclass (a StrEnum member passed
    # through a generic "clean every string field" loop) keeps its type.
    return s if text == s else text


def _trim(text: str, multiline: bool) -> str:
    if multiline:
        return "\n".join(line.strip() for line in text.split("\n")).strip("\n")
    return text.strip()


def xml_safe(s: str) -> str:
    """``s`` without the characters XML 1.0 cannot hold (lxml raises on them when Word files are written).

    Only removes; it does not clean otherwise, so text that went through ``clean_text`` comes out
    unchanged.
    """
    if not s:
        return ""
    return _XML_ILLEGAL.sub("", s)


def terminal_safe(s: object) -> str:
    """Stored text as the CLI may print it: escape sequences and control characters removed (a file
    edited by hand, or written by an older release, may hold what entry now refuses), line breaks
    kept."""
    return clean_text(str(s), multiline=True) if s is not None else ""
