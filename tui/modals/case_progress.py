"""推进情况: one dated progress entry (月报) of a case, saved through ``Ledger.add_progress``.

``CaseEntryScreen`` is also the base of 回头看 (review_form.py): both add one dated entry —
a date, what was found, who reported it — to a case.
"""
from __future__ import annotations

from typing import Any

from ledgers.models import ProgressReport, RectificationCase

from ..widgets.form import FormField, FormScreen, text_parser
from .case_fields import date_field


class CaseEntryScreen(FormScreen[RectificationCase]):
    """A dated entry added to case ``case_id``; returns the case with it, or None when cancelled."""

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        super().__init__()

    def dated_text(self, key: str, label: str) -> list[FormField]:
        """The date (today, and never later: an entry records what has happened) and the entry's text."""
        today = self.app.ledger.today  # type: ignore[attr-defined]
        return [
            FormField("on", "日期", date_field("日期", not_after=today), today.isoformat()),
            FormField(key, label, text_parser(label, required=True, multiline=True), "", kind="multiline"),
        ]

    @staticmethod
    def who(label: str) -> FormField:
        return FormField("who", label, None, "", placeholder="留空则记为经办人")


class CaseProgressScreen(CaseEntryScreen):
    """Returns the case with the new entry, or None when cancelled."""

    form_title = "记录推进情况"

    def form_fields(self) -> list[FormField]:
        return [*self.dated_text("text", "推进情况"), self.who("填报人")]

    def save(self, values: dict[str, Any]) -> RectificationCase:
        return self.app.ledger.add_progress(  # type: ignore[attr-defined]
            self.case_id, ProgressReport(values["on"], values["text"], values["who"]))
