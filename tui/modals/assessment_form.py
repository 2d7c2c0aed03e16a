"""年度考核: one year's grade and unexcused absences of one posting (``roster.set_assessment``).

R10 caps the grade by the absences: the form refuses a grade above the cap at 考核等次, saying
why, while the clerk types; the ledger checks again on save. R11 follows from the saved grade
(不称职 → a recall to-do, 基本称职 → an interview), which the caller tells the clerk.
"""
from __future__ import annotations

from typing import Any

from textual import on
from textual.widgets import Input

from ledgers import roster
from ledgers.errors import FieldError
from ledgers.ledger import Ledger
from ledgers.models import Grade, RosterEntry
from ledgers.rules import check_grade
from ledgers.validate import parse_int

from ..widgets.form import FormField, FormScreen

CLEAR = "清除该年度考核"


def _year(label: str) -> Any:
    return lambda s: parse_int(s, label, minimum=2000, maximum=2100)


def _count(label: str) -> Any:
    return lambda s: parse_int(s.strip() or "0", label, minimum=0, maximum=366)


def _chosen(label: str) -> Any:
    def parse(s: str) -> str:
        if not s:
            raise FieldError(label, f"请选择{label}")
        return s

    return parse


class AssessmentFormScreen(FormScreen[RosterEntry]):
    """Enter, change or clear one year's assessment; returns the posting's row after saving."""

    def __init__(self, posting_id: int) -> None:
        self.posting_id = posting_id
        self._entry: RosterEntry | None = None
        super().__init__()

    @property
    def entry(self) -> RosterEntry:
        """The posting as the form opened (read once)."""
        if self._entry is None:
            self._entry = roster.posting_entry(self.ledger, self.posting_id)
        return self._entry

    @property
    def ledger(self) -> Ledger:
        return self.app.ledger  # type: ignore[attr-defined]

    def title_text(self) -> str:
        e = self.entry
        return f"年度考核：{e.name}（{e.village}）"

    def form_fields(self) -> list[FormField]:
        ledger = self.ledger
        e = self.entry
        p, s, today = e.posting, ledger.settings, ledger.today
        first = p.arrival.year if p.arrival else 2000
        last_year = today.year - 1
        year = last_year if last_year not in p.assessments and first <= last_year else today.year
        done = "；".join(f"{y}年 {p.assessments[y].value}（无故不在岗{p.absences.get(y, 0)}次）"
                        for y in sorted(p.assessments))
        grade = p.assessments.get(year)
        rule = (f"不在岗{s.absences_no_excellent}次不能评优秀，{s.absences_max_basic}次最高基本称职，"
                f"{s.absences_incompetent}次及以上为不称职")
        return [
            FormField("year", "考核年度", _year("考核年度"), str(year),
                      help=f"已录入：{done}" if done else "尚未录入任何年度"),
            FormField("absences", "无故不在岗次数", _count("无故不在岗次数"), str(p.absences.get(year, 0))),
            FormField("grade", "考核等次", _chosen("考核等次"), grade.value if grade else "", kind="choice",
                      choices=(*(g.value for g in Grade), CLEAR), help=rule),
        ]

    @on(Input.Changed, "#field-year")
    def _year_typed(self, event: Input.Changed) -> None:
        """A year already entered: show its grade and absences, to change or clear them."""
        try:
            year = int(event.value.strip())
        except ValueError:
            return
        p = self.entry.posting
        if year in p.assessments:
            self.form.set_raw("absences", str(p.absences.get(year, 0)))
            self.form.set_raw("grade", p.assessments[year].value)

    def _grade(self, values: dict[str, Any]) -> Grade | None:
        text = values["grade"]
        return None if text in ("", CLEAR) else Grade(text)

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        e, today = self.entry, self.ledger.today
        errors = []
        first = e.posting.arrival.year if e.posting.arrival else 2000
        if not first <= values["year"] <= today.year:
            errors.append(FieldError("考核年度", f"应在{first}年至{today.year}年之间"))
        grade = self._grade(values)
        if grade is not None:
            try:
                check_grade(grade, values["absences"], self.ledger.settings, "考核等次")  # R10
            except FieldError as err:
                errors.append(err)
        if values["grade"] == CLEAR and values["year"] not in e.posting.assessments:
            errors.append(FieldError("考核等次", f"{values['year']}年没有考核记录可清除"))
        return errors

    def save(self, values: dict[str, Any]) -> RosterEntry:
        return roster.set_assessment(self.ledger, self.posting_id, values["year"], self._grade(values),
                                     values["absences"])
