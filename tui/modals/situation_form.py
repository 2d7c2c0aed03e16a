"""One row of the 软弱涣散情形 table (S01…S99): code, text, core-list flag, in use."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ledgers.errors import FieldError
from ledgers.models import Situation

from ..widgets.form import FormField, FormScreen, text_parser


def _code(s: str) -> str:
    import re

    code = s.strip().upper()
    if not re.fullmatch(r"S\d{2}", code):
        raise FieldError("代码", "应为 S 加两位数字，如 S14")
    return code


class SituationFormScreen(FormScreen[Situation]):
    """New situation (``situation is None``) or edit; returns the saved row."""

    def __init__(self, situation: Situation | None) -> None:
        self.situation = situation
        super().__init__()

    def title_text(self) -> str:
        return f"修改软弱涣散情形 {self.situation.code}" if self.situation else "新增软弱涣散情形"

    def form_fields(self) -> list[FormField]:
        s = self.situation or Situation(self._next_code(), "")
        return [
            FormField("code", "代码", _code, s.code),
            FormField("core", "中央核心情形", None, s.core, kind="bool"),
            FormField("active", "启用", None, s.active, kind="bool"),
            FormField("text", "情形", text_parser("情形", required=True), s.text),
        ]

    def _next_code(self) -> str:
        codes = [int(s.code[1:]) for s in self.app.ledger.situations() if s.code[1:].isdigit()  # type: ignore[attr-defined]
                 and s.code != "S99"]
        return f"S{max(codes, default=0) + 1:02d}"

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        own = self.situation.id if self.situation else 0
        if any(o.code == values["code"] and o.id != own for o in self.app.ledger.situations()):  # type: ignore[attr-defined]
            return [FieldError("代码", f"{values['code']} 已存在")]
        return []

    def save(self, values: dict[str, Any]) -> Situation:
        base = self.situation or Situation("", "")
        return self.app.ledger.save_situation(replace(base, **values))  # type: ignore[attr-defined]
