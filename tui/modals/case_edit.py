"""修改案卷: the texts of a case — problem summary, cause analysis, situation codes and their note,
batch and remarks. Its stage changes only through transitions (``t``), never here.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ledgers.models import RectificationCase

from ..widgets.form import FormField, FormScreen
from .case_fields import codes_field


class CaseEditScreen(FormScreen[RectificationCase]):
    """Edit one case's texts; saved through ``Ledger.save_case``."""

    def __init__(self, case: RectificationCase) -> None:
        self.case = case
        super().__init__()

    def title_text(self) -> str:
        ledger = self.app.ledger  # type: ignore[attr-defined]
        return f"修改整顿案卷：{ledger.village_name(self.case.village_id)}（{self.case.year}年）"

    def form_fields(self) -> list[FormField]:
        c = self.case
        known = {s.code for s in self.app.ledger.situations()}  # type: ignore[attr-defined]
        return [
            FormField("batch", "批次", None, c.batch),
            FormField("situations", "软弱涣散情形", codes_field("软弱涣散情形", known), "、".join(c.situations),
                      placeholder="情形代码，如：S02、S04", help="认定时在多选表中勾选；此处可修正代码"),
            FormField("situation_note", "情形说明", None, c.situation_note,
                      help="选择 S99“其他”时必填"),
            FormField("problem_summary", "主要问题", None, c.problem_summary, kind="multiline"),
            FormField("cause_analysis", "原因分析", None, c.cause_analysis, kind="multiline"),
            FormField("note", "备注", None, c.note),
        ]

    def save(self, values: dict[str, Any]) -> RectificationCase:
        return self.app.ledger.save_case(replace(self.case, **values))  # type: ignore[attr-defined]
