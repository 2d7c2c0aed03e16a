"""阶段转换: the confirm form of a case transition, asking for exactly what its guard needs.

``begin_transition(app, case_id, to=None)`` runs the whole step: pick the transition (always in the
chooser, even when the stage has one), check first what the form cannot supply (tasks not done, no acceptance …) and refuse
at once with the guard's message; otherwise open ``TransitionFormScreen``. Saving re-checks with the
typed values: a refusal lists what is missing (nothing is written), soft warnings (四个一未落实, R18)
must be acknowledged in a confirm step, then ``Ledger.move_case`` moves the case.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from textual import on
from textual.app import App
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from ledgers import workflow
from ledgers.errors import LedgerError, TransitionRefused, ValidationErrors
from ledgers.ledger import Ledger
from ledgers.models import CaseState, RectificationCase

from ..widgets.form import FormField, FormScreen, text_parser
from .choice import NumberedChoiceScreen, numbered_bindings
from .case_fields import date_field, last_step

S = CaseState


@dataclass(frozen=True)
class TransitionDone:
    """What a completed transition returns to its caller."""

    case: RectificationCase
    verb: str
    warnings: list[str]


def _ledger(app: App) -> Ledger:
    return app.ledger  # type: ignore[attr-defined]


def probe_input(ledger: Ledger, c: RectificationCase) -> workflow.CaseInput:
    """A CaseInput holding everything a form could supply: what a guard still misses with it is
    missing from the case itself (tasks, acceptance, reviews …) — refuse before any typing."""
    return workflow.CaseInput(on=ledger.today, reason="（核对）", situations=c.situations or ["S01"],
                              situation_note="（核对）", new_deadline=ledger.today + timedelta(days=1),
                              approver="（核对）")


# ---------------------------------------------------------------- choosing the transition


class TransitionChoiceScreen(NumberedChoiceScreen[CaseState]):
    """Several transitions are possible from this stage: pick one (↑↓ Enter, or its number)."""

    BINDINGS = numbered_bindings("transition-choice")
    DIALOG_ID, LIST_ID = "transition-choice-dialog", "transition-choices"

    def line(self, n: int, option: tuple) -> Content:
        to, verb, missing = option
        line = Content.assemble(Content.styled(f"{n} ", "bold"), Content.styled(verb, "bold"), Content(f" → {to.value}"))
        if missing:
            line = Content.assemble(line, Content.styled("\n   尚缺：" + "；".join(missing), "dim"))
        return line


# ---------------------------------------------------------------- the form


class TransitionFormScreen(FormScreen[TransitionDone]):
    """The confirm form of moving one case to ``to``."""

    DEFAULT_CSS = """
    TransitionFormScreen #transition-situations-box { height: auto; padding: 0 0 1 0; }
    TransitionFormScreen #transition-situations { height: auto; max-height: 12; }
    TransitionFormScreen .transition-label { text-style: bold; padding: 0 0 0 1; }
    """

    def __init__(self, case_id: int, to: CaseState) -> None:
        self.case_id = case_id
        self.to = to
        super().__init__()

    @property
    def ledger(self) -> Ledger:
        return _ledger(self.app)

    @property
    def case(self) -> RectificationCase:
        return self.ledger.case(self.case_id)

    @property
    def verb(self) -> str:
        return workflow.action_name(self.case.state, self.to)

    @property
    def identifying(self) -> bool:
        return self.case.state == S.CANDIDATE and self.to == S.IDENTIFIED

    def title_text(self) -> str:
        c = self.case
        return (f"{self.verb}：{self.ledger.village_name(c.village_id)}（{c.year}年）"
                f"  {str(c.state)} → {self.to.value}")

    def form_fields(self) -> list[FormField]:
        c, today, frm, to = self.case, self.ledger.today, self.case.state, self.to
        day_label = {S.IDENTIFIED: "认定日期", S.SIGNED_OFF: "销号日期", S.ARCHIVED: "归档日期",
                     S.AWAITING_ACCEPTANCE: "提请日期"}.get(to, "日期")
        if frm == S.AWAITING_ACCEPTANCE and to == S.ACCEPTED and c.last_acceptance is not None:
            default_day = c.last_acceptance.on
        else:
            default_day = today
        step = last_step(c)  # steps happen in order: refused at the field, not after the whole save
        not_before, what = step if step else (None, "")
        fields = [FormField("on", day_label, date_field(day_label, not_after=today, not_before=not_before,
                                                        before_what=what), default_day.isoformat())]
        reason = FormField("reason", "说明", None, "", placeholder="记入阶段记录（可留空）")
        if to == S.IDENTIFIED:
            fields.append(FormField("situation_note", "情形说明", None, c.situation_note,
                                    help="勾选 S99“其他”时必须文字说明"))
            fields.append(reason)
        elif to == S.DISMISSED:
            fields.append(FormField("reason", "不予认定理由", text_parser("不予认定理由", required=True), ""))
        elif frm == S.AWAITING_ACCEPTANCE and to == S.RECTIFYING:
            fields.append(FormField("new_deadline", "重新整改完成时限",
                                    date_field("重新整改完成时限", after=today), "", placeholder="如：2027-03-31",
                                    help="验收未通过，限期重新整改；应晚于今天"))
            fields.append(reason)
        elif to == S.SIGNED_OFF:
            fields.append(FormField("approver", "审批人", text_parser("审批人", required=True), c.approver,
                                    placeholder="如：县委组织部"))
            fields.append(reason)
        elif to == S.RELAPSED:
            relapsed = next((r for r in reversed(c.reviews) if r.relapsed), None)
            fields.append(FormField("reason", "反弹原因", None, relapsed.finding if relapsed else "",
                                    help="将新建一个关联的整顿案卷（拟认定），原因记入其主要问题"))
        else:
            fields.append(reason)
        return fields

    def on_mount(self) -> None:
        super().on_mount()
        if self.identifying:
            c = self.case
            items = [Selection(Content(f"{s.code} {s.text}"), s.code, s.code in c.situations)
                     for s in self.ledger.situations() if s.active or s.code in c.situations]
            box = Vertical(Label(Content("软弱涣散情形（空格勾选，可多选）"), classes="transition-label"),
                           SelectionList[str](*items, id="transition-situations"), id="transition-situations-box")
            self.form.mount(box, after=self.form.query(".form-field").first())

    # ------------------------------------------------------------ saving

    def case_input(self, values: dict[str, Any]) -> workflow.CaseInput:
        i = workflow.CaseInput(on=values["on"], reason=values.get("reason", ""),
                               new_deadline=values.get("new_deadline"), approver=values.get("approver", ""))
        if self.identifying:
            i.situations = list(self.query_one("#transition-situations", SelectionList).selected)
            i.situation_note = values.get("situation_note", "")
        return i

    def action_save(self) -> None:
        try:
            values = self.form.values()
        except ValidationErrors as err:
            self.form.show_errors(err)
            self._count_message(max(1, self.form.error_count), "有 %d 处需要修改，未做任何修改。")
            return
        i = self.case_input(values)
        try:
            verdict = self.ledger.check_move(self.case_id, self.to, i)
        except LedgerError as err:
            self._message(str(err))
            return
        if verdict.missing:
            self._message(str(TransitionRefused(self.verb, verdict.missing)) + "。未做任何修改。")
            return
        if not verdict.warnings:
            self._move(i, [])
            return
        from .confirm import ConfirmScreen

        def acknowledged(yes: bool | None) -> None:
            if yes:
                self._move(i, verdict.warnings)
            else:
                self._message("已取消：未做任何修改。")

        detail = "\n".join(f"· {w}" for w in verdict.warnings)
        self.app.push_screen(ConfirmScreen(f"{self.verb}前请确认以下提醒：", detail + "\n\n确认后仍将转换。",
                                           yes=f"仍然{self.verb}"), acknowledged)

    def _move(self, i: workflow.CaseInput, warnings: list[str]) -> None:
        verb = self.verb
        if warnings:
            # The history keeps that the clerk went ahead despite the warnings.
            note = "已确认提醒：" + "；".join(warnings)
            i.reason = f"{i.reason}；{note}" if i.reason else note
        try:
            case, _ = self.ledger.move_case(self.case_id, self.to, i)
        except TransitionRefused as err:
            self._message(f"不能{err.action}：" + "；".join(err.missing) + "。未做任何修改。")
            return
        except LedgerError as err:
            self._message(str(err))
            return
        self.dismiss(TransitionDone(case, verb, warnings))


# ---------------------------------------------------------------- the whole step


def begin_transition(app: App, case_id: int, to: CaseState | None = None) -> None:
    """Choose (if needed), pre-check, then open the confirm form; refresh and report when done."""
    ledger = _ledger(app)
    try:
        c = ledger.case(case_id)
    except LedgerError as err:
        app.notify(str(err), severity="error", markup=False)
        return
    options = workflow.next_states(c.state)
    if not options:
        app.notify(f"案卷处于“{str(c.state)}”阶段，已结束，不能再转换。", markup=False)
        return
    probe = probe_input(ledger, c)
    if to is None:
        # Always the chooser, even for one step: the same keys every time (issue 13: with one
        # step ``t`` went straight to the form, so ``t 1`` — right elsewhere — switched to 概览).
        choices = [(s, workflow.action_name(c.state, s), ledger.check_move(case_id, s, probe).missing)
                   for s in options]
        title = f"{ledger.village_name(c.village_id)}（{c.year}年，{str(c.state)}）：选择阶段转换（数字键或 ↑↓ Enter）"
        app.push_screen(TransitionChoiceScreen(title, choices),
                        lambda chosen: _open_form(app, case_id, chosen) if chosen is not None else None)
        return
    _open_form(app, case_id, to or options[0])


def _open_form(app: App, case_id: int, to: CaseState) -> None:
    ledger = _ledger(app)
    c = ledger.case(case_id)
    verb = workflow.action_name(c.state, to)
    verdict = ledger.check_move(case_id, to, probe_input(ledger, c))
    if verdict.missing:
        hint = {S.ACCEPTED: "（按 y 录入验收）", S.RECTIFYING: "（按 a 新增任务）" if c.state == S.IDENTIFIED else "",
                S.AWAITING_ACCEPTANCE: "（按 x 完成或 w 免于整改）", S.ARCHIVED: "（按 v 录入回头看）"}.get(to, "")
        app.notify("尚缺：" + "；".join(verdict.missing) + hint, title=f"不能{verb}", severity="error",
                   timeout=10, markup=False)
        return

    def done(result: TransitionDone | None) -> None:
        if result is None:
            return
        app.ledger_changed()  # type: ignore[attr-defined]
        name = ledger.village_name(result.case.village_id)
        message = f"已{result.verb}：{name}，现为“{str(result.case.state)}”。"
        if result.case.relapsed_into:
            message += "已新建关联的整顿案卷（拟认定），按 l 跳转。"
        app.notify(message, markup=False)

    app.push_screen(TransitionFormScreen(case_id, to), done)
