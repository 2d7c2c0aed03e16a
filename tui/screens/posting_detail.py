"""One roster row in full: the person, the posting (term, days left, how it ended), the annual
assessments with R10/R11, the status history and the cadre's other postings — and the keys that
change them. ``PostingActions`` holds those keys' actions; the roster screen uses them too.

ID and phone numbers are shown masked; user text goes in as ``rich.text.Text``, never markup.
Every change goes through ``ledgers.roster`` (audited, one Ctrl+Z) and then ``ledger_changed``.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from ledgers import roster, workflow
from ledgers.errors import LedgerError, NotFound
from ledgers.models import GRADE_ORDER, Grade, Level, RosterEntry, SecretaryStatus, Settings
from ledgers.rules import best_grade_allowed, r11_todo
from ledgers.validate import mask_id, mask_phone

from ..commands import Command
from ..widgets.facts import facts
from ..widgets.footer import KeyFooter
from ..widgets.roster_table import GRADE_STYLE, STATUS_STYLE
from .base import CommandScreen

if TYPE_CHECKING:
    from ..modals.posting_action import ActionDone

F = SecretaryStatus


# ---------------------------------------------------------------- the actions (roster and detail)


class PostingActions:
    """The record keys shared by the roster and the detail screen. The host is a ``CommandScreen``
    that says which posting a key acts on (``target_posting``) and where a new posting goes
    (``posting_created``)."""

    def target_posting(self) -> int | None:
        raise NotImplementedError

    def posting_created(self, posting_id: int) -> None:
        """A change made a new posting (再次选派, 调整, 新增): show it."""

    def _target_entry(self) -> RosterEntry | None:
        pid = self.target_posting()
        if pid is None:
            self.notify("没有选中的驻村记录。", markup=False)  # type: ignore[attr-defined]
            return None
        try:
            return roster.posting_entry(self.ledger, pid)  # type: ignore[attr-defined]
        except LedgerError as err:
            self.notify(str(err), severity="error", markup=False)  # type: ignore[attr-defined]
            return None

    def _roster_changed(self, message: str, *, new_posting: int | None = None, warning: bool = False) -> None:
        self.ledger_app.ledger_changed()  # type: ignore[attr-defined]
        if new_posting is not None:
            self.posting_created(new_posting)
        self.notify(message, markup=False, severity="warning" if warning else "information",  # type: ignore[attr-defined]
                    timeout=8 if warning else 5)

    def action_new_secretary(self, village_id: int | None = None) -> None:
        if not self.check_writable():  # type: ignore[attr-defined]
            return
        from ..modals.posting_form import PostingFormScreen

        def saved(e: RosterEntry | None) -> None:
            if e is not None:
                self._roster_changed(f"已新增第一书记：{e.name}（{e.village}，{e.status.value}）", new_posting=e.id)

        self.app.push_screen(PostingFormScreen("new", village_id=village_id), saved)  # type: ignore[attr-defined]

    def action_edit_posting(self) -> None:
        e = self._target_entry()
        if e is None or not self.check_writable():  # type: ignore[attr-defined]
            return
        from ..modals.posting_form import PostingFormScreen

        def saved(new: RosterEntry | None) -> None:
            if new is not None:
                self._roster_changed(f"已保存：{new.name}（{new.village}）")

        self.app.push_screen(PostingFormScreen("edit", e), saved)  # type: ignore[attr-defined]

    def action_post_again(self) -> None:
        e = self._target_entry()
        if e is None or not self.check_writable():  # type: ignore[attr-defined]
            return
        current = roster.in_force(self.ledger, e.cadre.id)  # type: ignore[attr-defined]
        if current is not None:
            now = roster.posting_entry(self.ledger, current.id)  # type: ignore[attr-defined]
            self.notify(f"{e.name}仍有“{now.status.value}”的驻村记录（{now.village}），同一时间只能驻一个村："  # type: ignore[attr-defined]
                        "请先在该记录上按 t 办理期满离任、召回、调整或取消选派。",
                        title="不能再次选派", severity="error", markup=False, timeout=10)
            return
        from ..modals.posting_form import PostingFormScreen

        def saved(new: RosterEntry | None) -> None:
            if new is not None:
                self._roster_changed(f"已再次选派：{new.name} → {new.village}（{new.status.value}）", new_posting=new.id)

        self.app.push_screen(PostingFormScreen("post", e), saved)  # type: ignore[attr-defined]

    def action_assess(self) -> None:
        e = self._target_entry()
        if e is None or not self.check_writable():  # type: ignore[attr-defined]
            return
        if e.status in (F.PROPOSED, F.WITHDRAWN):
            self.notify(f"{e.name}尚未到村（{e.status.value}），没有年度考核。", markup=False)  # type: ignore[attr-defined]
            return
        from ..modals.assessment_form import AssessmentFormScreen

        def saved(new: RosterEntry | None) -> None:
            if new is None:
                return
            todo = r11_todo(new)
            message = f"已保存年度考核：{new.name}（{new.village}）"
            if todo is not None:
                message += f"。{todo.message}" + ("（按 t 召回）" if todo.level == Level.ERROR else "")
            self._roster_changed(message, warning=todo is not None)

        self.app.push_screen(AssessmentFormScreen(e.id), saved)  # type: ignore[attr-defined]

    def action_posting_action(self) -> None:
        e = self._target_entry()
        if e is None or not self.check_writable():  # type: ignore[attr-defined]
            return
        from ..modals.posting_action import begin_posting_action

        begin_posting_action(self.app, e.id, self._action_done)  # type: ignore[attr-defined]

    def _action_done(self, done: ActionDone) -> None:
        e = done.entry
        if done.to == F.REASSIGNED:
            message = f"已调整：{e.name}由{done.old_village}调整到{e.village}（新的驻村记录，在岗）"
        else:
            message = f"已{done.verb}：{e.name}（{done.old_village}），现为“{e.status.value}”"
        if done.vacated and done.to in (F.RECALLED, F.REASSIGNED, F.LEFT):
            message += f"。{done.old_village}第一书记现已空缺（“四个一”未落实），可按 n 新增或在其他人员记录上按 p 选派接任"
        self._roster_changed(message, new_posting=e.id if done.to == F.REASSIGNED else None, warning=done.vacated)


# ---------------------------------------------------------------- panels


def days_text(end: date | None, today: date, s: Settings, serving: bool) -> Text:
    text = Text(end.isoformat() if end else "未填到村时间，无法计算")
    if end is not None and serving:
        days = (end - today).days
        style = "bold red" if days <= s.term_urgent_days else "yellow" if days <= s.term_warn_days else ""
        text.append(f" （还有{days}天）" if days >= 0 else f" （已过期{-days}天）", style=style)
    return text


def person_panel(e: RosterEntry, today: date) -> RenderableType:
    c = e.cadre
    age = roster.age(c, today)
    birth = f"{c.birth.year}年{c.birth.month}月" + (f"（{age}岁）" if age is not None else "") if c.birth else "—"
    rows: list[tuple[str, str | Text]] = [
        ("姓名", c.name), ("性别", str(c.gender)), ("民族", c.ethnicity or "—"), ("出生年月", birth),
        ("政治面貌", Text(c.political_status, style="" if c.political_status == "中共党员" else "bold red")),
        ("学历", c.education or "—"), ("派出单位", f"{c.dispatching_unit or '—'}（{c.unit_level}）"),
        ("原职务", c.original_post or "—"), ("职级", c.rank or "—"),
        ("身份证号", mask_id(c.id_number) if c.id_number else "—"),
        ("联系电话", mask_phone(c.phone) if c.phone else "—"),
    ]
    if c.note:
        rows.append(("个人备注", c.note))
    return facts(rows)


def posting_panel(e: RosterEntry, ledger_today: date, s: Settings, predecessor: str) -> RenderableType:
    p = e.posting
    status = Text(e.status.value, style=STATUS_STYLE.get(e.status, "bold"))
    rows: list[tuple[str, str | Text]] = [
        ("驻村", f"{e.township} {e.village}".strip()), ("村类型", str(p.village_type)),
        ("选派批次", p.batch or "—"), ("状态", status),
        ("到村时间", p.arrival.isoformat() if p.arrival else "—（尚未到村）"),
        ("任期", f"{p.term_months or s.secretary_term_months}个月" + ("（届满时间已单独填写）" if p.term_end else "")),
        ("任期届满", days_text(e.term_end, ledger_today, s, e.serving)),
    ]
    if p.ended_on:
        rows.append(("在村最后一天", p.ended_on.isoformat()))
    if p.recall_reason:
        rows.append(("召回原因", str(p.recall_reason)))
    if p.approver:
        rows.append(("批准", p.approver))
    if p.end_reason:
        rows.append(("结束原因", p.end_reason))
    if predecessor:
        rows.append(("调整自", predecessor))
    if p.note:
        rows.append(("备注", p.note))
    return facts(rows)


def assessments_panel(e: RosterEntry, s: Settings) -> RenderableType:
    p = e.posting
    if not p.assessments:
        return Text("尚未录入（按 a 录入）", style="dim")
    table = Table(box=None, padding=(0, 2), show_edge=False)
    table.add_column("年度", no_wrap=True)
    table.add_column("等次", no_wrap=True)
    table.add_column("无故不在岗", justify="right", no_wrap=True)
    table.add_column("说明", overflow="fold")
    for year in sorted(p.assessments):
        grade: Grade = p.assessments[year]
        absences = p.absences.get(year, 0)
        cap = best_grade_allowed(absences, s)
        note = Text()
        if GRADE_ORDER.index(grade) < GRADE_ORDER.index(cap):
            note.append(f"R10：不在岗{absences}次最高为“{cap.value}”", style="bold red")
        table.add_row(Text(str(year)), Text(grade.value, style=GRADE_STYLE.get(grade, "")), Text(f"{absences}次"), note)
    todo = r11_todo(e)
    if todo is None:
        return table
    return Group(table, Text(f"R11：{todo.message}", style="bold red" if todo.level == Level.ERROR else "yellow"))


def history_panel(e: RosterEntry) -> RenderableType:
    if not e.posting.history:
        return Text("无", style="dim")
    lines = []
    for h in e.posting.history:
        line = Text(f"{h.on.isoformat()} ")
        line.append(f"{h.from_status.value} → " if h.from_status else "")
        line.append(h.to_status.value, style="bold")
        if h.reason:
            line.append(f"  {h.reason}")
        if h.who:
            line.append(f"（{h.who}）", style="dim")
        lines.append(line)
    return Group(*lines)


def career_panel(others: list[RosterEntry], current: int) -> RenderableType:
    lines = []
    for o in others:
        p = o.posting
        span = f"{p.arrival.isoformat() if p.arrival else '未到村'}至{p.ended_on.isoformat() if p.ended_on else '今'}"
        line = Text("▶ " if o.id == current else "  ", style="bold")
        line.append(f"{o.village}  ").append(span, style="dim").append(f"  {o.status.value}",
                                                                     style=STATUS_STYLE.get(o.status, ""))
        lines.append(line)
    return Group(*lines) if lines else Text("无", style="dim")


# ---------------------------------------------------------------- the screen


class PostingDetailScreen(PostingActions, CommandScreen):
    """One posting of the roster with its person; its keys change it through the ledger."""

    HELP_TITLE = "第一书记驻村记录"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("posting-action", "t", "posting_action", "状态操作",
                "选择到村任职、留任、期满离任、召回、调整或取消选派，填写该操作所需的内容"),
        Command("posting-edit", "e", "edit_posting", "修改", "修改该同志的人员信息和这条驻村记录"),
        Command("posting-assess", "a", "assess", "年度考核", "录入或修改某一年度的考核等次和无故不在岗次数（R10 限制等次）"),
        Command("posting-again", "p", "post_again", "再次选派", "为该同志新建一条驻村记录（原驻村记录须已结束）"),
        Command("posting-page-down", "pagedown", "page(1)", "下翻", "向下翻一页", show=False, priority=True),
        Command("posting-page-up", "pageup", "page(-1)", "上翻", "向上翻一页", show=False, priority=True),
        Command("posting-back", "escape", "back", "返回", "返回花名册"),
    )

    DEFAULT_CSS = """
    PostingDetailScreen #posting-title { height: auto; padding: 0 1; background: $boost; }
    PostingDetailScreen #posting-body { height: 1fr; }
    """

    def __init__(self, posting_id: int) -> None:
        super().__init__()
        self.posting_id = posting_id
        self.entry: RosterEntry | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        reason = self.ledger_app.read_only_reason
        if reason:
            yield Static(reason, id="readonly-banner", markup=False)
        yield Static("", id="posting-title", markup=False)
        with VerticalScroll(id="posting-body"):
            for pid in ("person", "posting", "assessments", "history", "career"):
                yield Static(id=f"posting-{pid}", classes="detail-panel")  # the village card's panels (app.tcss)
        yield KeyFooter()

    def on_mount(self) -> None:
        titles = {"person": "人员信息（e 修改）", "posting": "驻村", "assessments": "年度考核（a）",
                  "history": "状态记录（t 状态操作）", "career": "驻村经历（p 再次选派）"}
        for pid, title in titles.items():
            self.query_one(f"#posting-{pid}").border_title = title
        self.query_one("#posting-body").focus()
        self.refresh_data()

    def target_posting(self) -> int | None:
        return self.posting_id

    def posting_created(self, posting_id: int) -> None:
        self.posting_id = posting_id
        self.refresh_data()

    def refresh_data(self) -> None:
        ledger = self.ledger
        try:
            e = roster.posting_entry(ledger, self.posting_id)
        except NotFound:
            # Its creation was undone while this screen was open.
            if self.app.screen is self:
                self.app.pop_screen()
            return
        self.entry = e
        s, today = ledger.settings, ledger.today
        title = Text.assemble((e.name, "bold"), f"  {e.township} {e.village}  ",
                              (e.status.value, STATUS_STYLE.get(e.status, "bold")))
        if e.serving and e.term_end:
            title.append("  任期届满 ").append_text(days_text(e.term_end, today, s, True))
        verbs = "、".join(workflow.SECRETARY_TRANSITIONS[(e.status, to)]
                         for to in workflow.next_secretary_states(e.status))
        if verbs:
            title.append(f"  （t：{verbs}）", style="dim")
        self.query_one("#posting-title", Static).update(title)
        predecessor = ""
        if e.posting.successor_of:
            try:
                before = roster.posting_entry(ledger, e.posting.successor_of)
                predecessor = f"{before.village}（{before.posting.ended_on or ''}结束）"
            except NotFound:
                predecessor = "（原驻村记录已删除）"
        self.query_one("#posting-person", Static).update(person_panel(e, today))
        self.query_one("#posting-posting", Static).update(posting_panel(e, today, s, predecessor))
        self.query_one("#posting-assessments", Static).update(assessments_panel(e, s))
        self.query_one("#posting-history", Static).update(history_panel(e))
        self.query_one("#posting-career", Static).update(career_panel(roster.postings_of(ledger, e.cadre.id), e.id))

    def action_page(self, direction: int) -> None:
        body = self.query_one("#posting-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    def action_back(self) -> None:
        self.app.pop_screen()
