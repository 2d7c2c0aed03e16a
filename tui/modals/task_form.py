"""Task forms of a case: add/edit a task (问题/整改措施/责任领导/责任人/完成时限/完成情况/佐证),
mark it done (with a date), waive it (with a note). All saved through the ledger or not at all.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ledgers.errors import FieldError
from ledgers.models import RectificationCase, Task, TaskStatus

from ..widgets.form import FormField, FormScreen, text_parser
from .case_fields import date_field

# 已销项 is set by sign-off only; clerks choose among the others.
STATUS_CHOICES = (TaskStatus.NOT_STARTED.value, TaskStatus.IN_PROGRESS.value, TaskStatus.DONE.value)


def _iso(day: Any) -> str:
    return day.isoformat() if day else ""


class _CaseTaskForm(FormScreen[RectificationCase]):
    def __init__(self, case_id: int, task: Task | None) -> None:
        self.case_id = case_id
        self.record = task
        super().__init__()

    @property
    def ledger(self) -> Any:
        return self.app.ledger  # type: ignore[attr-defined]


class TaskFormScreen(_CaseTaskForm):
    """New task (``task is None``) or edit one; returns the saved case."""

    def title_text(self) -> str:
        return "修改整改任务" if self.record else "新增整改任务"

    def form_fields(self) -> list[FormField]:
        t = self.record or Task("")
        today = self.ledger.today
        return [
            FormField("problem", "具体问题", text_parser("具体问题", required=True), t.problem),
            FormField("measure", "整改措施", None, t.measure, help="启动整顿前每项任务须有措施、责任人和完成时限"),
            FormField("leader", "责任领导", None, t.leader),
            FormField("owner", "责任人", None, t.owner),
            FormField("deadline", "完成时限", date_field("完成时限", required=False), _iso(t.deadline),
                      placeholder="如：2026-12-31"),
            FormField("status", "完成情况", None, str(t.status) if str(t.status) in STATUS_CHOICES else "已完成",
                      kind="choice", choices=STATUS_CHOICES),
            FormField("done_on", "完成日期", date_field("完成日期", required=False, not_after=today), _iso(t.done_on),
                      help="完成情况为“已完成”时必填"),
            FormField("evidence", "佐证材料", None, t.evidence, placeholder="如：会议记录、照片、公示材料"),
        ]

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        if values["status"] == TaskStatus.DONE.value and values["done_on"] is None:
            return [FieldError("完成日期", "已完成的任务须填写完成日期")]
        return []

    def save(self, values: dict[str, Any]) -> RectificationCase:
        base = self.record or Task("")
        status = TaskStatus(values.pop("status") or TaskStatus.NOT_STARTED.value)
        if base.status == TaskStatus.CLOSED and status == TaskStatus.DONE:
            status = TaskStatus.CLOSED
        return self.ledger.save_task(self.case_id, replace(base, status=status, **values))


class TaskDoneScreen(_CaseTaskForm):
    """Mark a task done on a date, with its evidence."""

    def title_text(self) -> str:
        assert self.record is not None
        return f"任务完成：{self.record.problem}"

    def form_fields(self) -> list[FormField]:
        assert self.record is not None
        today = self.ledger.today
        return [
            FormField("on", "完成日期", date_field("完成日期", not_after=today), today.isoformat()),
            FormField("evidence", "佐证材料", None, self.record.evidence, placeholder="如：会议记录、照片、公示材料"),
        ]

    def save(self, values: dict[str, Any]) -> RectificationCase:
        assert self.record is not None
        return self.ledger.complete_task(self.case_id, self.record.id, values["on"], values["evidence"])


class TaskWaiveScreen(_CaseTaskForm):
    """Waive a task (免于整改) — only with a written reason."""

    def title_text(self) -> str:
        assert self.record is not None
        return f"免于整改：{self.record.problem}"

    def form_fields(self) -> list[FormField]:
        assert self.record is not None
        return [FormField("note", "免于整改说明", text_parser("免于整改说明", required=True), self.record.waive_note,
                          help="写明不再整改的理由（如：问题已不存在、已并入其他任务）")]

    def save(self, values: dict[str, Any]) -> RectificationCase:
        assert self.record is not None
        return self.ledger.waive_task(self.case_id, self.record.id, values["note"])
