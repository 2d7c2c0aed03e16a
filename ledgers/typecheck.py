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
from typing import Any, Callable

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


def _fast_check(tp: Any) -> Callable[[Any], bool] | None:
    """A quick yes for the common cases (a plain value of the right type); None where the full
    ``_check`` must run."""
    optional = False
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            return None
        tp, optional = args[0], True
    if tp is str:
        test = lambda v: type(v) is str or isinstance(v, str)  # noqa: E731
    elif tp is int:
        test = lambda v: type(v) is int  # noqa: E731 - bool is not int here
    elif tp is bool:
        test = lambda v: type(v) is bool  # noqa: E731
    elif tp is float:
        test = lambda v: type(v) in (float, int)  # noqa: E731
    elif tp is date:
        test = lambda v: type(v) is date and MIN_YEAR <= v.year <= MAX_YEAR  # noqa: E731
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        test = lambda v: isinstance(v, tp)  # noqa: E731
    else:
        return None
    return (lambda v: v is None or test(v)) if optional else test


@cache
def _plan(cls: type) -> tuple[tuple[str, Any, Callable[[Any], bool] | None, int | None], ...]:
    """Per field: (name, type, quick check, text limit) — worked out once per class (an import checks
    thousands of records)."""
    from .ledger import MULTILINE

    hints = _hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        text = tp is str or (typing.get_origin(tp) in (typing.Union, types.UnionType) and str in typing.get_args(tp))
        limit = NAME_LIMITS.get(f.name, TEXT_LIMIT if f.name in MULTILINE else LINE_LIMIT) if text else None
        out.append((f.name, tp, _fast_check(tp), limit))
    return tuple(out)


def problems(obj: Any, prefix: str = "") -> list[FieldError]:
    """Every field of the dataclass ``obj`` whose value is not of its declared type (recursively),
    every date outside 1900–2100, and every text longer than its field allows."""
    out: list[FieldError] = []
    for name, tp, quick, limit in _plan(type(obj)):
        value = getattr(obj, name)
        if quick is None or not quick(value):
            _check(value, tp, prefix + name, out)
        if limit is not None and isinstance(value, str) and len(value) > limit and not isinstance(value, enum.Enum):
            out.append(FieldError(prefix + name, f"不能超过{limit}个字（现有{len(value)}个字）"))
    return out
