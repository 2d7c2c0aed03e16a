"""Status actions of a first-secretary posting: 到村任职, 留任, 期满离任, 召回, 调整, 取消选派.

``begin_posting_action(app, posting_id, done)`` runs the whole step: a chooser of the actions the
status in force allows (``workflow.next_secretary_states``; always shown, even for one action, so
``t`` then a number is the same gesture everywhere), then a form asking exactly what that action's
guard needs. Saving re-checks with ``workflow.check_posting`` (a refusal lists what is missing,
nothing is written), then ``roster.move`` makes the change — one audited change, one Ctrl+Z.
Ending a posting empties the village's 四个一 slot at once; the result says so.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on
from textual.app import App
from textual.content import Content

from ledgers import roster, workflow
from ledgers.errors import FieldError, LedgerError, TransitionRefused, ValidationErrors
from ledgers.ledger import Ledger
from ledgers.models import Grade, RecallReason, Role, RosterEntry, SecretaryStatus

from ..widgets.form import FormField, FormScreen, text_parser
from .choice import NumberedChoiceScreen, numbered_bindings
from .posting_form import VillageResolver, optional_date, required_date

F = SecretaryStatus

# What each action does, in a few words, for the chooser.
EFFECT = {
    (F.PROPOSED, F.ACTIVE): "已到村，开始任期（填补“四个一”第一书记）",
    (F.PROPOSED, F.WITHDRAWN): "不再选派（须写明原因）",
    (F.TERM_ENDING, F.ACTIVE): "延长任期（填延长月数或新的届满时间）",
    (F.TERM_ENDING, F.LEFT): "任期届满，离开该村（该村第一书记出缺）",
    (F.ACTIVE, F.RECALLED): "召回派出单位（原因、批准人；该村第一书记出缺）",
    (F.TERM_ENDING, F.RECALLED): "召回派出单位（原因、批准人；该村第一书记出缺）",
    (F.ACTIVE, F.REASSIGNED): "改派到另一个村（新建驻村记录）",
    (F.TERM_ENDING, F.REASSIGNED): "改派到另一个村（新建驻村记录）",
}


@dataclass(frozen=True)
class ActionDone:
    """What a completed action returns: the posting after it (for 调整 the NEW posting)."""

    entry: RosterEntry
    verb: str
    to: SecretaryStatus
    old_village_id: int
    old_village: str
    vacated: bool  # the old village has no serving first secretary now


def _ledger(app: App) -> Ledger:
    return app.ledger  # type: ignore[attr-defined]


def verb_of(status: SecretaryStatus, to: SecretaryStatus) -> str:
    return workflow.SECRETARY_TRANSITIONS.get((status, to), f"转为“{to.value}”")


# ---------------------------------------------------------------- choosing the action


class PostingActionChoiceScreen(NumberedChoiceScreen[SecretaryStatus]):
    """The actions possible now: pick one (its number, or ↑↓ Enter)."""

    BINDINGS = numbered_bindings("posting-action")
    DIALOG_ID, LIST_ID = "posting-action-dialog", "posting-actions"

    def line(self, n: int, option: tuple) -> Content:
        to, verb, effect = option
        arrow = Content(f" → {to.value}") if to.value != verb else Content("")
        return Content.assemble(Content.styled(f"{n} ", "bold"), Content.styled(verb, "bold"), arrow,
                                Content.styled(f"  {effect}", "dim"))


# ---------------------------------------------------------------- the form


class PostingActionScreen(FormScreen[ActionDone]):
    """The form of one action on one posting; asks only what its guard reads."""

    def __init__(self, posting_id: int, to: SecretaryStatus) -> None:
        self.posting_id = posting_id
        self.to = to
        super().__init__()

    @property
    def ledger(self) -> Ledger:
        return _ledger(self.app)

    @property
    def entry(self) -> RosterEntry:
        return roster.posting_entry(self.ledger, self.posting_id)

    @property
    def verb(self) -> str:
        return verb_of(self.entry.status, self.to)

    @property
    def save_label(self) -> str:  # type: ignore[override]
        return self.verb

    def title_text(self) -> str:
        e = self.entry
        return f"{self.verb}：{e.name}（{e.village}）  {e.status.value} → {self.to.value}"

    def _not_before(self, e: RosterEntry) -> tuple[date | None, str]:
        """The earliest date of the step (``workflow.check_posting``): arrival and the last change."""
        if e.status == F.PROPOSED:
            return None, ""
        candidates = []
        if e.posting.arrival is not None:
            candidates.append((e.posting.arrival, "到村时间"))
        if e.posting.history:
            candidates.append((e.posting.history[-1].on, "上一次状态变动"))
        return max(candidates) if candidates else (None, "")

    def form_fields(self) -> list[FormField]:
        e, today, to, status = self.entry, self.ledger.today, self.to, self.entry.status
        self.original = e
        not_before, what = self._not_before(e)

        def day(label: str, default: date) -> FormField:
            return FormField("on", label, required_date(label, not_after=today, not_before=not_before,
                                                         before_what=what), default.isoformat())

        note = FormField("reason", "说明", None, "", placeholder="记入状态记录（可留空）")
        if status == F.PROPOSED and to == F.ACTIVE:
            planned = e.posting.arrival if e.posting.arrival and e.posting.arrival <= today else today
            return [day("到村时间", planned), note]
        if status == F.PROPOSED and to == F.WITHDRAWN:
            return [day("取消日期", today),
                    FormField("reason", "取消原因", text_parser("取消原因", required=True), "")]
        if to == F.ACTIVE:  # 留任
            end = e.term_end.isoformat() if e.term_end else "未知"
            return [day("留任日期", today),
                    FormField("extend_months", "延长（月）", _months("延长（月）"), "",
                              placeholder="如：12", help=f"原任期届满时间 {end}；延长月数和新的届满时间填一项"),
                    FormField("new_term_end", "新的任期届满时间", optional_date("新的任期届满时间"), "",
                              placeholder="如：2027-12-31"),
                    note]
        if to == F.RECALLED:
            latest = e.posting.assessments[max(e.posting.assessments)] if e.posting.assessments else None
            default = RecallReason.INCOMPETENT_GRADE.value if latest == Grade.INCOMPETENT else ""
            return [day("召回日期", today),
                    FormField("recall_reason", "召回原因", _required("召回原因"), default, kind="choice",
                              choices=tuple(r.value for r in RecallReason)),
                    FormField("reason", "说明", None, "", help="召回原因为“其他”时必须说明"),
                    FormField("approver", "批准单位或领导", text_parser("批准单位或领导", required=True), "",
                              placeholder="如：县委组织部")]
        if to == F.REASSIGNED:
            self.resolver = VillageResolver(self.ledger, "调整到的村")
            return [day("调整日期", today),
                    FormField("village", "调整到的村", self._target_village, "", placeholder="村名、全拼或首字母",
                              help="原驻村记录结束，同一人在新村新建一条在岗的驻村记录"),
                    FormField("reason", "调整原因", text_parser("调整原因", required=True), "")]
        if to == F.LEFT:
            return [day("离任日期", today), note]
        return [day("日期", today), note]

    # ------------------------------------------------------------ checking and saving

    def _target_village(self, s: str) -> int:
        """调整到的村: resolved, not the present village, no other first secretary serving there today
        (the date of the step is checked again on save)."""
        vid = self.resolver(s)
        if vid == self.original.posting.village_id:
            raise FieldError("调整到的村", f"应不同于现驻村（{self.original.village}）")
        self._target_village_free(vid, None)
        return vid

    def _target_village_free(self, vid: int, on: date | None) -> None:
        holder = self.ledger.slots(vid, on)[Role.FIRST_SECRETARY]
        if holder is not None and holder.assignment_id != self.original.id:
            raise FieldError("调整到的村", f"{self.ledger.village_name(vid)}的第一书记{holder.name}仍在岗，"
                                      "请先为其办理期满离任、召回或调整")

    def posting_input(self, values: dict[str, Any]) -> workflow.PostingInput:
        recall = values.get("recall_reason")
        return workflow.PostingInput(
            on=values.get("on"), reason=values.get("reason", ""),
            recall_reason=RecallReason(recall) if recall else None, approver=values.get("approver", ""),
            extend_months=values.get("extend_months") or 0, new_term_end=values.get("new_term_end"),
            village_id=values.get("village"),
        )

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        """What a field alone cannot tell, at its field (the guard's own words follow on save)."""
        e = self.original
        errors = []
        if self.to == F.ACTIVE and e.status == F.TERM_ENDING:
            months, new_end = values.get("extend_months"), values.get("new_term_end")
            if not months and new_end is None:
                errors.append(FieldError("延长（月）", "请填写延长月数，或填写新的任期届满时间"))
            elif months and new_end is not None:
                errors.append(FieldError("新的任期届满时间", "延长月数和新的届满时间只填一项"))
            elif new_end is not None and e.term_end is not None and new_end <= e.term_end:
                errors.append(FieldError("新的任期届满时间", f"应晚于原届满时间（{e.term_end.isoformat()}）"))
        if self.to == F.RECALLED:
            if values.get("recall_reason") == RecallReason.OTHER.value and not values.get("reason", "").strip():
                errors.append(FieldError("说明", "召回原因为“其他”时必须说明"))
        if self.to == F.REASSIGNED and values.get("village") is not None:
            try:
                self._target_village_free(values["village"], values.get("on"))
            except FieldError as err:
                errors.append(err)
        return errors

    def action_save(self) -> None:
        try:
            values = self.form.values()
        except ValidationErrors as err:
            self.form.show_errors(err)
            self._count_message(max(1, self.form.error_count), "有 %d 处需要修改，未做任何修改。")
            return
        i = self.posting_input(values)
        ledger = self.ledger
        e = self.entry
        verdict = workflow.check_posting(e.posting, e.status, self.to, i, ledger.today, ledger.settings)
        if not verdict.allowed:
            self._message(str(TransitionRefused(self.verb, verdict.missing)) + "。未做任何修改。")
            return
        verb = self.verb
        try:
            new = roster.move(ledger, self.posting_id, self.to, i)
        except TransitionRefused as err:
            self._message(f"不能{err.action}：" + "；".join(err.missing) + "。未做任何修改。")
            return
        except LedgerError as err:
            rest = self.form.show_errors(err)
            self._message(rest or str(err))
            return
        vacated = ledger.slots(e.posting.village_id)[Role.FIRST_SECRETARY] is None
        self.dismiss(ActionDone(new, verb, self.to, e.posting.village_id, e.village, vacated))


def _required(label: str) -> Any:
    def parse(s: str) -> str:
        if not s:
            raise FieldError(label, f"请选择{label}")
        return s

    return parse


def _months(label: str) -> Any:
    from ledgers.validate import parse_int

    return lambda s: parse_int(s, label, minimum=1, maximum=120) if s.strip() else 0


# ---------------------------------------------------------------- the whole step


def begin_posting_action(app: App, posting_id: int, done: Callable[[ActionDone], None]) -> None:
    """Choose the action (always a chooser), then open its form; ``done`` gets the result."""
    ledger = _ledger(app)
    try:
        e = roster.posting_entry(ledger, posting_id)
    except LedgerError as err:
        app.notify(str(err), severity="error", markup=False)
        return
    options = workflow.next_secretary_states(e.status)
    if not options:
        app.notify(f"{e.name}在{e.village}的驻村记录已“{e.status.value}”，不能再变动。"
                   "同一人再次选派请按 p。", markup=False)
        return
    choices = [(to, verb_of(e.status, to), EFFECT.get((e.status, to), "")) for to in options]
    title = f"{e.name}（{e.village}，{e.status.value}）：选择操作（数字键或 ↑↓ Enter）"

    def chosen(to: SecretaryStatus | None) -> None:
        if to is None:
            return

        def finished(result: ActionDone | None) -> None:
            if result is not None:
                done(result)

        app.push_screen(PostingActionScreen(posting_id, to), finished)

    app.push_screen(PostingActionChoiceScreen(title, choices), chosen)
