"""列入排查: open a new rectification case (拟认定) for one village — year, batch, first problem notes.

``Ledger.new_case`` refuses a village that already has an unfinished case; the message shows at the
bottom of the form and nothing is written.
"""
from __future__ import annotations

from typing import Any

from ledgers.models import RectificationCase

from ..widgets.form import FormField, FormScreen
from .case_fields import date_field, year_field


class CaseNewFormScreen(FormScreen[RectificationCase]):
    """Returns the new case (state 拟认定), or None when cancelled."""

    def __init__(self, village_id: int) -> None:
        self.village_id = village_id
        super().__init__()

    def title_text(self) -> str:
        ledger = self.app.ledger  # type: ignore[attr-defined]
        return f"列入软弱涣散排查（拟认定）：{ledger.village_name(self.village_id)}"

    def form_fields(self) -> list[FormField]:
        today = self.app.ledger.today  # type: ignore[attr-defined]
        year = today.year
        return [
            FormField("year", "年度", year_field("年度"), str(year)),
            FormField("listed_on", "列入日期", date_field("列入日期", not_after=today), today.isoformat(),
                      help="补录以前列入的案卷时改为当时的日期：以后各步的日期都不能早于它"),
            FormField("batch", "批次", None, "", placeholder=f"留空则为“{year}年”", help="如：2026年第一批"),
            FormField("problem_summary", "主要问题", None, "", placeholder="排查发现的主要问题（可稍后补充）"),
        ]

    def save(self, values: dict[str, Any]) -> RectificationCase:
        return self.app.ledger.new_case(  # type: ignore[attr-defined]
            self.village_id, values["year"], values["batch"], problem_summary=values["problem_summary"],
            listed_on=values["listed_on"])
