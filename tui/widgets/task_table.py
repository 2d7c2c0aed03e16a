"""The task list of one case (问题清单 / 整改措施): one row per task keyed by task id, long texts
clipped in cells with the full text of the cursor task shown under the table (``task_text``).

``TaskTable.fill`` redraws the (short) list after a change and keeps the cursor where the clerk
was: on the same task, on the row that took a deleted task's place, or on a task just added.
"""
from __future__ import annotations

from rich.text import Text

from ledgers.ledger import Ledger
from ledgers.models import RectificationCase, Task

from .row_table import RowTable
from .text import clip

# The columns a clerk checks first come first, so they stay visible in an 80-column terminal;
# the full text of the task under the cursor shows below the table.
TASK_COLUMNS = (("n", "序号"), ("problem", "具体问题"), ("deadline", "完成时限"), ("status", "完成情况"),
                ("owner", "责任人"), ("measure", "整改措施"), ("leader", "责任领导"), ("evidence", "佐证材料"))
CLIP = 18  # cells of the long task texts in the table
STATUS_CLIP = 22  # cells of the status column (a waiver note can be long)


def task_status_text(t: Task, ledger: Ledger) -> Text:
    kind = t.completion(ledger.today)
    if kind == "waived":
        return Text(clip(f"免于整改：{t.waive_note}", STATUS_CLIP), style="dim")
    if kind == "done":
        return Text(f"{str(t.status)} {t.done_on.isoformat() if t.done_on else ''}".strip(), style="green")
    if kind == "overdue":
        return Text(f"{str(t.status)}（逾期{t.days_overdue(ledger.today)}天）", style="bold red")
    return Text(str(t.status))


def task_cells(n: int, t: Task, ledger: Ledger) -> list[Text]:
    overdue = t.overdue(ledger.today)
    return [
        Text(str(n), justify="right"), Text(clip(t.problem, CLIP)),
        Text(t.deadline.isoformat() if t.deadline else "未定", style="bold red" if overdue else ""),
        task_status_text(t, ledger), Text(clip(t.owner, 10)), Text(clip(t.measure, CLIP)), Text(clip(t.leader, 14)),
        Text(clip(t.evidence, 12)),
    ]


def task_text(t: Task | None, case: RectificationCase | None) -> Text:
    """Everything about the cursor task, unclipped (shown under the table)."""
    if t is None:
        return Text("还没有整改任务：按 a 新增。" if case is not None and not case.tasks else "")
    parts = Text.assemble(("问题：", "bold"), t.problem, "\n", ("措施：", "bold"), t.measure or "—", "\n",
                          ("责任领导：", "bold"), t.leader or "—", ("  责任人：", "bold"), t.owner or "—")
    if t.evidence:
        parts.append("\n").append("佐证：", style="bold").append(t.evidence)
    if t.waived and t.waive_note:
        parts.append("\n").append("免于整改说明：", style="bold").append(t.waive_note)
    return parts


class TaskTable(RowTable):
    """The tasks of one case."""

    def on_mount(self) -> None:
        for key, label in TASK_COLUMNS:
            self.add_column(Text(label), key=key)

    def fill(self, case: RectificationCase, ledger: Ledger, *, select: int | None = None) -> None:
        """Show ``case``'s tasks; the cursor goes to ``select`` (a task id) if given, else stays on
        its task, else on the row where it was (the next task after a delete)."""
        current, index = self.cursor_id, self.cursor_row
        self.clear()
        for n, t in enumerate(case.tasks, 1):
            self.add_row(*task_cells(n, t, ledger), key=str(t.id))
        done = case.tasks_done
        self.border_title = f"整改任务 {done}/{len(case.tasks)}（a 新增 e 修改 x 完成 w 免于整改）"
        target = select if select is not None else current
        if target is None or not self.move_to(target):
            self.move_to_index(index)
