"""One rectification case: situations, problem and cause, the task list, progress, acceptances,
reviews, the transition history and the 四个一 slots — and every key that changes them.

All changes go through the ledger (audited, undoable); after each one the app's ``ledger_changed``
makes every screen (this one included) re-read. User text is rendered as ``rich.text.Text``.
The panels are drawn by ``tui/widgets/case_panels.py``, the task list by ``tui/widgets/task_table.py``;
this module holds the screen and its actions.
"""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from ledgers import workflow
from ledgers.errors import LedgerError, NotFound
from ledgers.models import SLOTTED_CASE_STATES, TASK_EDIT_STATES, CaseState, RectificationCase, Task

from ..commands import Command
from ..widgets.case_panels import (
    acceptances_panel,
    history_panel,
    info_panel,
    progress_panel,
    reviews_panel,
    slots_panel,
)
from ..widgets.footer import KeyFooter
from ..widgets.task_table import TaskTable, task_text
from ..widgets.text import clip
from .base import CommandScreen


class CaseDetailScreen(CommandScreen):
    """Everything about one case; its keys change it through the ledger."""

    HELP_TITLE = "整顿案卷"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("case-transition", "t", "transition", "阶段转换", "转入下一阶段（认定、启动整顿、提请验收、销号、归档……）"),
        Command("case-task-add", "a", "add_task", "新增任务", "新增一项整改任务（问题、措施、责任人、完成时限）"),
        Command("case-task-edit", "e", "edit_task", "修改任务", "修改光标所在的整改任务"),
        Command("case-task-done", "x", "complete_task", "完成", "把光标所在任务标为已完成（填完成日期和佐证材料）"),
        Command("case-task-waive", "w", "waive_task", "免于整改", "光标所在任务免于整改（须写明理由）"),
        Command("case-task-delete", "delete", "delete_task", "删除任务", "删除光标所在的整改任务（可撤销）", show=False),
        Command("case-progress", "p", "add_progress", "推进情况", "记录一条推进情况（月报）"),
        Command("case-acceptance", "y", "add_acceptance", "验收", "录入验收记录和民主测评，然后确认合格或重新整改"),
        Command("case-review", "v", "add_review", "回头看", "录入巩固提升期的回头看；已反弹时转入认定反弹"),
        Command("case-edit", "c", "edit_case", "修改案卷", "修改主要问题、原因分析、情形和备注"),
        Command("case-slots", "m", "show_slots", "四个一", "查看该村的“四个一”包联（四个一栏目或村详情）"),
        Command("case-link", "l", "follow_link", "关联案卷", "跳转到反弹前的原案卷或反弹后新建的案卷"),
        Command("case-page-down", "pagedown", "page(1)", "下翻", "案卷内容向下翻一页（验收、回头看、阶段记录在下方）",
                show=False, priority=True),
        Command("case-page-up", "pageup", "page(-1)", "上翻", "案卷内容向上翻一页", show=False, priority=True),
        Command("case-back", "escape", "back", "返回", "返回上一界面"),
    )

    DEFAULT_CSS = """
    CaseDetailScreen #case-title { height: auto; padding: 0 1; background: $boost; }
    CaseDetailScreen #case-body { height: 1fr; }
    CaseDetailScreen .case-panel {
        height: auto; border: round $primary 50%; border-title-color: $text; border-title-style: bold;
        padding: 0 1;
    }
    CaseDetailScreen #case-tasks { height: auto; max-height: 14; border: round $primary 50%;
        border-title-color: $text; border-title-style: bold; }
    CaseDetailScreen #case-tasks:focus { border: round $accent; }
    CaseDetailScreen #case-task-text { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.case: RectificationCase | None = None
        self.select_task: int | None = None  # a task just added: the cursor goes there on refresh

    def compose(self) -> ComposeResult:
        yield Header()
        reason = self.ledger_app.read_only_reason
        if reason:
            yield Static(reason, id="readonly-banner", markup=False)
        yield Static("", id="case-title", markup=False)
        with VerticalScroll(id="case-body"):
            yield Static(id="case-info", classes="case-panel")
            yield TaskTable(id="case-tasks")
            yield Static("", id="case-task-text", markup=False)
            yield Static(id="case-slots", classes="case-panel")
            yield Static(id="case-progress", classes="case-panel")
            yield Static(id="case-acceptances", classes="case-panel")
            yield Static(id="case-reviews", classes="case-panel")
            yield Static(id="case-history", classes="case-panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        titles = {"#case-info": "案卷", "#case-slots": "“四个一”（m）", "#case-progress": "推进情况（p）",
                  "#case-acceptances": "验收（y）", "#case-reviews": "回头看（v）", "#case-history": "阶段记录"}
        for sel, title in titles.items():
            self.query_one(sel).border_title = title
        self.tasks_table.focus()
        self.refresh_data()

    @property
    def tasks_table(self) -> TaskTable:
        return self.query_one("#case-tasks", TaskTable)

    # ------------------------------------------------------------ drawing

    def refresh_data(self) -> None:
        try:
            c = self.ledger.case(self.case_id)
        except NotFound:
            # Its creation was undone while this screen was open.
            if self.app.screen is self:
                self.app.pop_screen()
            return
        self.case = c
        ledger = self.ledger
        vname = ledger.village_name(c.village_id)
        batch = c.batch if str(c.year) in c.batch else f"{c.year}年 {c.batch}".strip()
        title = Text.assemble((vname, "bold"), f"  {batch}  阶段：", (str(c.state), "bold"))
        upcoming = workflow.next_states(c.state)
        if upcoming:
            verbs = "、".join(workflow.action_name(c.state, s) for s in upcoming)
            title.append(f"  （t：{verbs}）", style="dim")
        overdue = c.overdue_tasks(ledger.today)
        if overdue:
            title.append(f"  逾期任务{len(overdue)}项", style="bold red")
        if c.relapse_of:
            title.append(f"\n由{self._case_label(c.relapse_of, state=False)}反弹转入（l 跳转）", style="yellow")
        if c.relapsed_into:
            title.append(f"\n已反弹，新案卷：{self._case_label(c.relapsed_into)}（l 跳转）", style="bold red")
        self.query_one("#case-title", Static).update(title)
        self.query_one("#case-info", Static).update(info_panel(c, ledger))
        self._fill_tasks(c)
        slots = ledger.slots(c.village_id)
        gaps = sum(1 for h in slots.values() if h is None)
        needed = c.state in SLOTTED_CASE_STATES
        self.query_one("#case-slots").border_title = "“四个一”（m）" + (f" 缺{gaps}项" if gaps and needed else "")
        self.query_one("#case-slots", Static).update(slots_panel(slots, needed))
        self.query_one("#case-progress", Static).update(progress_panel(c))
        self.query_one("#case-acceptances", Static).update(acceptances_panel(c))
        self.query_one("#case-reviews", Static).update(reviews_panel(c))
        self.query_one("#case-history", Static).update(history_panel(c))
        self.refresh_bindings()

    def _case_label(self, case_id: int, *, state: bool = True) -> str:
        try:
            other = self.ledger.case(case_id)
        except NotFound:
            return "（已删除的案卷）"
        return f"{other.batch or other.year}案卷" + (f"（{other.state}）" if state else "")

    def _fill_tasks(self, c: RectificationCase) -> None:
        select, self.select_task = self.select_task, None
        self.tasks_table.fill(c, self.ledger, select=select)
        self._show_task_text()

    def _show_task_text(self) -> None:
        self.query_one("#case-task-text", Static).update(task_text(self.cursor_task, self.case))

    @on(DataTable.RowHighlighted, "#case-tasks")
    def _task_highlighted(self) -> None:
        self._show_task_text()

    @property
    def cursor_task_id(self) -> int | None:
        return self.tasks_table.cursor_id

    @property
    def cursor_task(self) -> Task | None:
        tid = self.cursor_task_id
        if self.case is None or tid is None:
            return None
        return next((t for t in self.case.tasks if t.id == tid), None)

    # ------------------------------------------------------------ availability

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        c = self.case
        if c is None:
            return True
        if action == "transition":
            return bool(workflow.next_states(c.state))
        if action in ("add_task",):
            return c.state in TASK_EDIT_STATES
        if action in ("edit_task", "complete_task", "waive_task", "delete_task"):
            return c.state in TASK_EDIT_STATES and bool(c.tasks)
        if action == "add_acceptance":
            return c.state == CaseState.AWAITING_ACCEPTANCE
        if action == "add_review":
            return c.state in (CaseState.CONSOLIDATING, CaseState.ARCHIVED)
        if action == "add_progress":
            return c.active
        if action == "follow_link":
            return bool(c.relapse_of or c.relapsed_into)
        return True

    # ------------------------------------------------------------ actions

    def _changed(self, result: object, message: str = "") -> None:
        if result is None:
            return
        self.ledger_app.ledger_changed()
        if message:
            self.notify(message, markup=False)

    def _task_or_warn(self) -> Task | None:
        t = self.cursor_task
        if t is None:
            self.notify("没有选中的整改任务。", markup=False)
        return t

    def action_transition(self) -> None:
        if not self.check_writable():
            return
        from ..modals.transition_form import begin_transition

        begin_transition(self.app, self.case_id)

    def action_add_task(self) -> None:
        if not self.check_writable():
            return
        from ..modals.task_form import TaskFormScreen

        before = {t.id for t in self.case.tasks} if self.case else set()

        def saved(case: RectificationCase | None) -> None:
            if case is not None:
                self.select_task = next((t.id for t in case.tasks if t.id not in before), None)
            self._changed(case, "已新增整改任务。")

        self.app.push_screen(TaskFormScreen(self.case_id, None), saved)

    def action_edit_task(self) -> None:
        t = self._task_or_warn()
        if t is None or not self.check_writable():
            return
        from ..modals.task_form import TaskFormScreen

        self.app.push_screen(TaskFormScreen(self.case_id, t), lambda r: self._changed(r, "已保存整改任务。"))

    def action_complete_task(self) -> None:
        t = self._task_or_warn()
        if t is None or not self.check_writable():
            return
        if t.finished:
            self.notify("该任务已完成（或已免于整改）。", markup=False)
            return
        from ..modals.task_form import TaskDoneScreen

        self.app.push_screen(TaskDoneScreen(self.case_id, t), lambda r: self._changed(r, "任务已标为完成。"))

    def action_waive_task(self) -> None:
        t = self._task_or_warn()
        if t is None or not self.check_writable():
            return
        from ..modals.task_form import TaskWaiveScreen

        self.app.push_screen(TaskWaiveScreen(self.case_id, t), lambda r: self._changed(r, "任务已免于整改。"))

    def action_delete_task(self) -> None:
        t = self._task_or_warn()
        if t is None or not self.check_writable():
            return
        from ..modals.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.ledger.delete_task(self.case_id, t.id)
            except LedgerError as err:
                self.notify(str(err), severity="error", markup=False)
                return
            self._changed(True, "已删除整改任务（Ctrl+Z 可撤销）。")

        self.app.push_screen(ConfirmScreen(f"删除整改任务“{clip(t.problem, 40)}”？", "删除后可用 Ctrl+Z 撤销。"),
                             confirmed)

    def action_add_progress(self) -> None:
        if not self.check_writable():
            return
        from ..modals.case_progress import CaseProgressScreen

        self.app.push_screen(CaseProgressScreen(self.case_id), lambda r: self._changed(r, "已记录推进情况。"))

    def action_add_acceptance(self) -> None:
        if not self.check_writable():
            return
        from ..modals.acceptance_form import AcceptanceFormScreen
        from ..modals.transition_form import begin_transition

        def saved(result: object) -> None:
            if result is None:
                return
            self._changed(result)
            # The acceptance decides the next step: 合格 → confirm it, otherwise re-rectification.
            last = self.ledger.case(self.case_id).last_acceptance
            to = CaseState.ACCEPTED if last is not None and str(last.result) == "合格" else CaseState.RECTIFYING
            begin_transition(self.app, self.case_id, to)

        self.app.push_screen(AcceptanceFormScreen(self.case_id), saved)

    def action_add_review(self) -> None:
        if not self.check_writable():
            return
        from ..modals.review_form import ReviewFormScreen
        from ..modals.transition_form import begin_transition

        def saved(result: object) -> None:
            if result is None:
                return
            self._changed(result, "已录入回头看。")
            c = self.ledger.case(self.case_id)
            if c.reviews and c.reviews[-1].relapsed and CaseState.RELAPSED in workflow.next_states(c.state):
                begin_transition(self.app, self.case_id, CaseState.RELAPSED)

        self.app.push_screen(ReviewFormScreen(self.case_id), saved)

    def action_edit_case(self) -> None:
        if not self.check_writable():
            return
        from ..modals.case_edit import CaseEditScreen

        self.app.push_screen(CaseEditScreen(self.ledger.case(self.case_id)), lambda r: self._changed(r, "已保存案卷。"))

    def action_show_slots(self) -> None:
        if self.case is None:
            return
        app = self.ledger_app
        if not app.show_in_section("matrix", "show_village", self.case.village_id):
            app.open_village(self.case.village_id)

    def action_follow_link(self) -> None:
        c = self.case
        if c is None:
            return
        targets = [cid for cid in (c.relapsed_into, c.relapse_of) if cid]
        if not targets:
            self.notify("该案卷没有关联案卷。", markup=False)
            return
        self.app.switch_screen(CaseDetailScreen(targets[0]))

    def action_page(self, direction: int) -> None:
        body = self.query_one("#case-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    def action_back(self) -> None:
        self.app.pop_screen()
