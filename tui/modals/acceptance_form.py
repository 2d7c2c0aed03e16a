"""验收: an acceptance inspection with its democratic poll (参评/满意/基本满意/不满意).

The result R18 suggests (``rules.suggested_result``: score ≥ 70 and dissatisfied ≤ 50 % by default)
is shown live as the clerk types; leaving 验收结论 blank takes the suggestion. Saved through
``Ledger.add_acceptance`` (only while the case awaits acceptance).
"""
from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from ledgers.errors import FieldError
from ledgers.models import Acceptance, AcceptanceResult, RectificationCase
from ledgers.rules import acceptance_problems, dissatisfied_pct, poll_problems, suggested_result

from ..widgets.form import FormField, FormScreen
from .case_fields import count_field, date_field, last_step, score_field, split_list

RESULT_CHOICES = tuple(r.value for r in AcceptanceResult)


class AcceptanceFormScreen(FormScreen[RectificationCase]):
    """Returns the case with the new acceptance, or None when cancelled."""

    DEFAULT_CSS = """
    AcceptanceFormScreen #acceptance-suggestion { height: auto; padding: 0 1; border: round $accent 60%; }
    """

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        super().__init__()

    @property
    def ledger(self) -> Any:
        return self.app.ledger  # type: ignore[attr-defined]

    def title_text(self) -> str:
        c = self.ledger.case(self.case_id)
        return f"录入验收：{self.ledger.village_name(c.village_id)}（{c.year}年）"

    def form_fields(self) -> list[FormField]:
        today = self.ledger.today
        # An acceptance dated before 提请验收 would be refused later, at 确认验收合格 (which takes its date).
        step = last_step(self.ledger.case(self.case_id))
        not_before, what = step if step else (None, "")
        return [
            FormField("on", "验收日期", date_field("验收日期", not_after=today, not_before=not_before, before_what=what),
                      today.isoformat()),
            FormField("score", "验收得分", score_field("验收得分"), "", placeholder="0–100"),
            FormField("participants", "参评人数", count_field("参评人数"), "", aliases=("民主测评",)),
            FormField("satisfied", "满意", count_field("满意"), ""),
            FormField("basically_satisfied", "基本满意", count_field("基本满意"), ""),
            FormField("dissatisfied", "不满意", count_field("不满意"), ""),
            FormField("result", "验收结论", None, "", kind="choice", choices=RESULT_CHOICES,
                      help="留空则采用下方按验收标准（R18）给出的建议结论"),
            FormField("members", "验收组成员", split_list, "", placeholder="用顿号分隔，如：王建国、刘芳"),
            FormField("township_opinion", "乡镇党委意见", None, ""),
            FormField("county_opinion", "县委组织部意见", None, ""),
            FormField("note", "备注", None, ""),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#form-dialog").mount(Static(Text(""), id="acceptance-suggestion"), before="#form-message")
        self.call_after_refresh(self.form._run_check)

    def acceptance(self, values: dict[str, Any]) -> Acceptance:
        a = Acceptance(values["on"], AcceptanceResult.PASS, values["score"], values["members"],
                       values["participants"], values["satisfied"], values["basically_satisfied"],
                       values["dissatisfied"], values["township_opinion"], values["county_opinion"], values["note"])
        a.result = AcceptanceResult(values["result"]) if values["result"] else suggested_result(a, self.ledger.settings)
        return a

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        a = self.acceptance(values)
        self._show_suggestion(a, bool(values["result"]))
        return [FieldError("民主测评", p) for p in poll_problems(a)]

    def _show_suggestion(self, a: Acceptance, chosen: bool) -> None:
        widgets = self.query("#acceptance-suggestion")
        if not widgets:
            return
        s = self.ledger.settings
        if a.score is None or not a.participants:
            widgets.first(Static).update(Text(f"按验收标准（R18：得分≥{s.pass_score}分，不满意率≤{s.max_dissatisfied_pct}%）"
                                              "给出建议结论：请先填写验收得分和民主测评人数。", style="dim"))
            return
        suggested = suggested_result(a, s)
        line = Text.assemble(("按验收标准（R18：得分≥", ""), f"{s.pass_score}分，不满意率≤{s.max_dissatisfied_pct}%）建议：",
                             (suggested.value, "bold green" if suggested == AcceptanceResult.PASS else "bold red"))
        pct = dissatisfied_pct(a)
        if pct is not None:
            line.append(f"　不满意率{pct:.1f}%")
        for p in acceptance_problems(a, s):
            line.append(f"\n· {p}", style="yellow")
        if chosen and a.result != suggested:
            line.append(f"\n所选结论“{str(a.result)}”与建议不同，将按所选结论保存。", style="bold yellow")
        widgets.first(Static).update(line)

    def save(self, values: dict[str, Any]) -> RectificationCase:
        return self.ledger.add_acceptance(self.case_id, self.acceptance(values))
