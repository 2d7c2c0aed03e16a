"""回头看: a follow-up visit during consolidation — date, finding, who, and whether the village has
relapsed (已反弹). Saved through ``Ledger.add_review``; a relapse then leads to 认定反弹.
"""
from __future__ import annotations

from typing import Any

from ledgers.models import RectificationCase, Review

from ..widgets.form import FormField
from .case_progress import CaseEntryScreen


class ReviewFormScreen(CaseEntryScreen):
    """Returns the case with the new review, or None when cancelled."""

    form_title = "录入回头看"

    def form_fields(self) -> list[FormField]:
        return [
            *self.dated_text("finding", "回头看情况"),
            FormField("relapsed", "已反弹", None, False, kind="bool",
                      help="勾选后将转入“认定反弹”，并新建一个关联的整顿案卷"),
            self.who("检查人"),
        ]

    def save(self, values: dict[str, Any]) -> RectificationCase:
        return self.app.ledger.add_review(  # type: ignore[attr-defined]
            self.case_id, Review(values["on"], values["finding"], values["relapsed"], values["who"]))
