"""The last gate before a record is stored: every field holds a value of its declared type.

Forms and the importer parse what clerks type, but the service is also called directly (scripts, a
county server later): there a population given as "12", a score as True or a deadline in 9999
used to be stored as they came, and crashed or misled every screen that read them later. This check
runs on every commit (``Ledger.commit``), whatever path the record came by.
"""
from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date
from functools import cache
from typing import Any

from .errors import FieldError

MIN_YEAR, MAX_YEAR = 1900, 2100


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _describe(tp: Any) -> str:
    return {int: "整数", float: "数字", str: "文字", bool: "是或否", date: "日期"}.get(tp, getattr(tp, "__name__", str(tp)))


def _check(value: Any, tp: Any, where: str, out: list[FieldError]) -> None:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            _check(value, inner[0], where, out)
        return
    if origin is list:
        if not isinstance(value, list):
            out.append(FieldError(where, f"应为列表，收到 {type(value).__name__}"))
            return
        (item,) = typing.get_args(tp)
        for n, v in enumerate(value):
            _check(v, item, f"{where}[{n + 1}]", out)
        return
    if origin is dict:
        if not isinstance(value, dict):
            out.append(FieldError(where, f"应为对照表，收到 {type(value).__name__}"))
            return
        key_tp, val_tp = typing.get_args(tp)
        for k, v in value.items():
            _check(k, key_tp, f"{where}（{k}）", out)
            _check(v, val_tp, f"{where}（{k}）", out)
        return
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, tp):
            out.append(FieldError(where, f"应为{tp.__name__}"))
        else:
            out.extend(problems(value, prefix=f"{where}."))
        return
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        if not isinstance(value, tp):
            allowed = "、".join(str(m.value) for m in tp)
            out.append(FieldError(where, f"“{value}”不是可选的值（{allowed}）"))
        return
    if tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif tp is bool:
        ok = isinstance(value, bool)
    elif tp is str:
        ok = isinstance(value, str)
    elif tp is date:
        ok = isinstance(value, date)
        if ok and not MIN_YEAR <= value.year <= MAX_YEAR:
            out.append(FieldError(where, f"日期{value.isoformat()}不合理（年份应在{MIN_YEAR}至{MAX_YEAR}之间）"))
    else:
        return
    if not ok:
        out.append(FieldError(where, f"应为{_describe(tp)}，收到“{value}”（{type(value).__name__}）"))


# Text lengths, whatever path a record comes by (forms cap their fields; a script or a file edited by
# hand need not). Names are short; other one-line fields and long texts get generous caps.
NAME_LIMITS = {"name": 50, "township": 30, "secretary_name": 20, "owner": 50, "leader": 50, "who": 50,
               "title": 60, "org_name": 80, "batch": 30, "code": 10, "approver": 50}
LINE_LIMIT, TEXT_LIMIT = 200, 5000


def problems(obj: Any, prefix: str = "") -> list[FieldError]:
    """Every field of the dataclass ``obj`` whose value is not of its declared type (recursively),
    every date outside 1900–2100, and every text longer than its field allows."""
    from .ledger import MULTILINE

    out: list[FieldError] = []
    hints = _hints(type(obj))
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        _check(value, hints[f.name], prefix + f.name, out)
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            limit = NAME_LIMITS.get(f.name, TEXT_LIMIT if f.name in MULTILINE else LINE_LIMIT)
            if len(value) > limit:
                out.append(FieldError(prefix + f.name, f"不能超过{limit}个字（现有{len(value)}个字）"))
    return out
