"""推进情况: one dated progress entry (月报) of a case, saved through ``Ledger.add_progress``."""
from __future__ import annotations

from typing import Any

from ledgers.models import ProgressReport, RectificationCase

from ..widgets.form import FormField, FormScreen, text_parser
from .case_fields import date_field


class CaseProgressScreen(FormScreen[RectificationCase]):
    """Returns the case with the new entry, or None when cancelled."""

    form_title = "记录推进情况"

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        super().__init__()

    def form_fields(self) -> list[FormField]:
        today = self.app.ledger.today  # type: ignore[attr-defined]
        return [
            FormField("on", "日期", date_field("日期", not_after=today), today.isoformat()),
            FormField("text", "推进情况", text_parser("推进情况", required=True, multiline=True), "",
                      kind="multiline"),
            FormField("who", "填报人", None, "", placeholder="留空则记为经办人"),
        ]

    def save(self, values: dict[str, Any]) -> RectificationCase:
        return self.app.ledger.add_progress(  # type: ignore[attr-defined]
            self.case_id, ProgressReport(values["on"], values["text"], values["who"]))
