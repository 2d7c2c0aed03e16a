"""回头看: a follow-up visit during consolidation — date, finding, who, and whether the village has
relapsed (已反弹). Saved through ``Ledger.add_review``; a relapse then leads to 认定反弹.
"""
from __future__ import annotations

from typing import Any

from ledgers.models import RectificationCase, Review

from ..widgets.form import FormField, FormScreen, text_parser
from .case_fields import date_field


class ReviewFormScreen(FormScreen[RectificationCase]):
    """Returns the case with the new review, or None when cancelled."""

    form_title = "录入回头看"

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        super().__init__()

    def form_fields(self) -> list[FormField]:
        today = self.app.ledger.today  # type: ignore[attr-defined]
        return [
            FormField("on", "日期", date_field("日期", not_after=today), today.isoformat()),
            FormField("finding", "回头看情况", text_parser("回头看情况", required=True, multiline=True), "",
                      kind="multiline"),
            FormField("relapsed", "已反弹", None, False, kind="bool",
                      help="勾选后将转入“认定反弹”，并新建一个关联的整顿案卷"),
            FormField("who", "检查人", None, "", placeholder="留空则记为经办人"),
        ]

    def save(self, values: dict[str, Any]) -> RectificationCase:
        return self.app.ledger.add_review(  # type: ignore[attr-defined]
            self.case_id, Review(values["on"], values["finding"], values["relapsed"], values["who"]))
