"""Reading an office's own spreadsheets: finding the header, naming the columns, reading the cells.

Real sheets have a title row or two above the header, merged (two-row) headers, a 序号 column,
blank and subtotal rows, and cells typed every which way: dates as Excel serials, ``1985.03``,
``1985年3月``; numbers with 万元, commas or full-width digits; names padded with full-width spaces.
This module turns one grid of cell values (as a spreadsheet reader gives them: str, float, int, bool,
date, datetime, None) into rows of named raw values; ``ledgers.importing`` decides what they mean.
Pure Python: the file itself is read in ``exporters.xlsx_in``.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, timedelta
from typing import Any

from .errors import FieldError
from .text import clean_text
from .validate import parse_date, parse_int, parse_month

Cell = Any  # str | float | int | bool | date | datetime | None
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
SUBTOTAL_WORDS = ("合计", "小计", "总计", "共计", "总数")
HEADER_SCAN_ROWS = 12  # the header is searched among the first rows


@dataclass(frozen=True)
class Column:
    """One field a sheet kind knows: its key, the label used in messages, and the headers offices use."""

    key: str
    label: str
    variants: tuple[str, ...] = ()

    @cached_property
    def folded(self) -> frozenset[str]:
        return frozenset(fold(v) for v in (self.label, *self.variants))


@dataclass
class SheetRow:
    """One data row: its number in the sheet (1-based, as Excel shows it), the cells by column key,
    and the row as it was (for the rejection report)."""

    number: int
    values: dict[str, Cell]
    original: list[Cell]

    def text(self, key: str) -> str:
        return cell_text(self.values.get(key))

    def has(self, key: str) -> bool:
        return self.text(key) != ""


@dataclass
class SheetTable:
    """A sheet read against one kind: the header rows, which column is which, and the data rows."""

    name: str
    header: list[str]  # the (combined) header label of every column, as found
    columns: dict[str, int]  # key → column index
    scales: dict[str, int]  # key → multiplier from a unit in the header (万元 → 10000)
    years: dict[int, int]  # column index → year for year-labelled columns (2025年集体经济收入)
    rows: list[SheetRow] = field(default_factory=list)
    skipped: int = 0  # blank and subtotal rows


def fold(s: str) -> str:
    """A header as compared: NFKC, no spaces or line breaks, no trailing colon."""
    text = unicodedata.normalize("NFKC", clean_text(str(s or "")))
    return re.sub(r"\s+", "", text).rstrip(":")


_PAREN = re.compile(r"\(([^()]*)\)")


def _strip_units(h: str) -> tuple[str, int]:
    """A folded header without a trailing unit in brackets, and the unit's multiplier."""
    scale = 1
    m = re.search(r"\((万?元|人|户|名|个|次|年|月|天)\)$", h)
    if m:
        scale = 10_000 if m.group(1).startswith("万") else 1
        h = h[:m.start()]
    elif h.endswith("万元"):
        scale, h = 10_000, h[:-2]
    elif h.endswith("(元)"):
        h = h[:-3]
    return h, scale


_YEAR_PREFIX = re.compile(r"^(\d{4})年(?:度)?")


def match_header(label: str, columns: Sequence[Column]) -> tuple[Column | None, int, int | None]:
    """(the column a header means, its unit multiplier, a year it names) — or None."""
    h = fold(label)
    if not h:
        return None, 1, None
    year = None
    m = _YEAR_PREFIX.match(h)
    if m and len(h) > m.end():
        year, h = int(m.group(1)), h[m.end():]
    h, scale = _strip_units(h)
    for candidate in (h, _PAREN.sub("", h)):
        for col in columns:
            if candidate in col.folded:
                return col, scale, year
    return None, 1, None


def _fill_merged(grid: list[list[Cell]], merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range the value of its top-left cell (headers only need this)."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(grid) or r0 > HEADER_SCAN_ROWS + 2:
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else None
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, c1 + 1):
                if c < len(row) and (row[c] is None or row[c] == ""):
                    row[c] = value


def header_labels(grid: list[list[Cell]], at: int, groups: frozenset[str]) -> tuple[list[str], int]:
    """The labels of the header at row ``at`` and the number of header rows (1 or 2).

    A two-row header has group labels (县级联系领导, 第一书记 …) over sub-labels (姓名, 职务 …):
    a column then reads ``group|sub``; a group merged across columns without merge information
    (an old .xls) is carried to the right while the row below has a sub-label."""
    top = [cell_text(c) for c in grid[at]]
    if at + 1 >= len(grid):
        return top, 1
    below = [cell_text(c) for c in grid[at + 1]]
    if not any(fold(t) in groups for t in top):
        return top, 1
    labels = []
    group = ""
    for n, t in enumerate(top):
        sub = below[n] if n < len(below) else ""
        if fold(t) in groups:
            group = t
        elif t:
            group = ""
        if group and sub:
            labels.append(f"{group}|{sub}")
        else:
            labels.append(t or (f"{group}|{sub}" if group else sub))
    return labels, 2


def is_subtotal(row: Sequence[Cell]) -> bool:
    """合计 / 小计 … in one of the first cells (only short text cells are looked at)."""
    for c in row[:4]:
        if isinstance(c, str) and len(c) <= 12 and any(w in c for w in SUBTOTAL_WORDS):
            f = fold(c)
            if f in SUBTOTAL_WORDS or f.startswith(SUBTOTAL_WORDS) and len(f) <= 4:
                return True
    return False


def is_blank(row: Sequence[Cell]) -> bool:
    return all(c is None or c == "" or isinstance(c, str) and not clean_text(c) for c in row)


def read_table(name: str, grid: list[list[Cell]], merged: Sequence, columns: Sequence[Column], at: int,
               groups: frozenset[str] = frozenset()) -> SheetTable:
    """The sheet ``grid`` read with its header at row ``at`` (0-based) against ``columns``."""
    grid = [list(r) for r in grid]
    _fill_merged(grid, merged)
    labels, depth = header_labels(grid, at, groups)
    found: dict[str, int] = {}
    scales: dict[str, int] = {}
    years: dict[int, int] = {}
    for n, label in enumerate(labels):
        col, scale, year = match_header(label, columns)
        if col is None:
            continue
        if year is not None:
            years[n] = year
        if col.key not in found or year is not None and found[col.key] in years and years[found[col.key]] < year:
            found.setdefault(col.key, n)
        scales[col.key] = scale
    table = SheetTable(name, labels, found, scales, years)
    for r in range(at + depth, len(grid)):
        row = grid[r]
        if is_blank(row):
            table.skipped += 1
            continue
        if is_subtotal(row):
            table.skipped += 1
            continue
        values = {key: row[n] if n < len(row) else None for key, n in found.items()}
        for n, year in years.items():
            values[f"year:{year}:{labels[n]}"] = row[n] if n < len(row) else None
        table.rows.append(SheetRow(r + 1, values, list(grid[r])))
    return table


def find_header(grid: list[list[Cell]], merged: Sequence, columns: Sequence[Column], required: Sequence[str],
                groups: frozenset[str] = frozenset()) -> tuple[int, int] | None:
    """(row index of the header, number of known columns in it) — the best row among the first ones
    that has every ``required`` key; None if there is none."""
    grid = [list(r) for r in grid[:HEADER_SCAN_ROWS + 2]]
    _fill_merged(grid, merged)
    best: tuple[int, int] | None = None
    for at in range(min(HEADER_SCAN_ROWS, len(grid))):
        labels, _ = header_labels(grid, at, groups)
        keys = {col.key for col in (match_header(l, columns)[0] for l in labels) if col is not None}
        if all(k in keys for k in required) and (best is None or len(keys) > best[1]):
            best = (at, len(keys))
    return best


# ---------------------------------------------------------------- cells


def cell_text(v: Cell) -> str:
    """A cell as clean one-line text (numbers without a spurious .0, dates as ISO)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return clean_text(str(v))


def cell_name(v: Cell) -> str:
    """A person's or a place's name: spaces inside CJK names (王　芳, alignment padding) removed."""
    text = cell_text(v)
    if re.search(r"[\u3400-\u9fff]", text):
        text = re.sub(r"\s+", "", text)
    return text


def _serial(v: float | int, field: str) -> date:
    if not 1 <= v < 2_958_466:
        raise FieldError(field, f"“{cell_text(v)}”不是有效的日期")
    return EXCEL_EPOCH + timedelta(days=int(v))


def _looks_like_serial(v: float | int) -> bool:
    return 10_000 <= v <= 80_000  # 1927 … 2119: a date column's serial, not 1985.03 or 19850301


def cell_date(v: Cell, field: str) -> date | None:
    """A day: a date cell, an Excel serial, or any text ``parse_date`` reads; blank → None."""
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if _looks_like_serial(v):
            return _serial(v, field)
        return parse_date(cell_text(v), field)
    text = cell_text(v)
    return parse_date(text, field) if text else None


def cell_month(v: Cell, field: str) -> date | None:
    """A year and month (出生年月): a date cell or serial, ``1985.03`` typed as a number or text,
    ``1985-3``, ``1985年3月``, ``1985/3/1``; blank → None. ``1985.1`` typed as a number is refused:
    Excel has dropped the zero of 1985.10, so it may mean January or October."""
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date().replace(day=1)
    if isinstance(v, date):
        return v.replace(day=1)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if _looks_like_serial(v):
            return _serial(v, field).replace(day=1)
        if isinstance(v, float) and not v.is_integer():
            text = f"{v:.2f}"
            if text.endswith("0") and text[-2] == "1":
                raise FieldError(field, f"“{v}”可能是{int(v)}年1月，也可能是{int(v)}年10月"
                                        "（Excel去掉了末尾的0），请写成1985-01或1985-10的形式")
            return parse_month(text, field)
    text = cell_text(v)
    return parse_month(text, field) if text else None


def cell_int(v: Cell, field: str, *, scale: int = 1, minimum: int | None = 0,
             maximum: int | None = None) -> int | None:
    """A whole number (万, commas, full-width digits, a unit in the header); blank → None."""
    if v is None or v == "" or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise FieldError(field, f"“{cell_text(v)}”不是有效的整数")
    if isinstance(v, (int, float)):
        value = v * scale
        if isinstance(value, float) and not math.isfinite(value) or abs(value) >= 2 ** 53:
            raise FieldError(field, f"“{cell_text(v)}”不是有效的数字")
        if isinstance(value, float):
            if abs(value - round(value)) > 1e-6:
                raise FieldError(field, f"应为整数：{cell_text(v)}")
            value = round(value)
        return parse_int(str(value), field, minimum=minimum, maximum=maximum)
    text = cell_text(v)
    if scale != 1 and not text.endswith(("万", "元", "万元")):
        text += "万" if scale == 10_000 else ""
    return parse_int(text, field, minimum=minimum, maximum=maximum)


YES = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "1", "有"})
NO = frozenset({"否", "×", "x", "n", "no", "false", "0", "无", "不是"})


def cell_bool(v: Cell, field: str) -> bool | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    text = fold(cell_text(v)).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise FieldError(field, f"“{cell_text(v)}”应为“是”或“否”")
