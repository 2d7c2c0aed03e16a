"""A 四个一 slot over time: who held it from when to when (``h``), and ending a holding (``x``).

Ending keeps the record (``ledgers.assignments.end_assignment``): the slot shows 未落实 from the day
after the last day, and the history still lists the holder with both dates.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ledgers.errors import FieldError
from ledgers.ledger import Holder, Ledger
from ledgers.models import Role

from ..widgets.footer import KeyFooter
from ..widgets.form import FormField, FormScreen


def holding_end(ledger: Ledger, h: Holder) -> date | None:
    """The last day of a holding (None while it runs on)."""
    if h.role == Role.FIRST_SECRETARY:
        from ledgers import roster

        return roster.posting_entry(ledger, h.assignment_id).posting.ended_on
    from ledgers.assignments import assignment_end

    return assignment_end(ledger, h.assignment_id)


def history_lines(ledger: Ledger, village_id: int, role: Role) -> list[Content]:
    """One line per holder, newest first: name（title）  start — end."""
    from ledgers.assignments import history

    out = []
    today = ledger.today
    for h in reversed(history(ledger, village_id, role)):
        end = holding_end(ledger, h)
        start = h.start.isoformat() if h.start else "（未填）"
        if end is None or end >= today:
            span = Content.styled(f"{start} 至今" + (f"（至{end.isoformat()}）" if end else ""), "bold")
        else:
            span = Content.styled(f"{start} — {end.isoformat()}", "dim")
        parts = [Content(h.name)]
        if h.detail:
            parts.append(Content.styled(f"（{h.detail}）", "dim"))
        out.append(Content.assemble(*parts, Content("  "), span))
    return out


class SlotHistoryScreen(ModalScreen[None]):
    """Everyone who held one slot of one village; Esc closes."""

    BINDINGS = [Binding("escape,h", "close", "关闭", id="slot-history-close")]

    def __init__(self, village_id: int, village: str, role: Role) -> None:
        super().__init__()
        self.village_id = village_id
        self.village = village
        self.role = role

    def compose(self) -> ComposeResult:
        lines = history_lines(self.app.ledger, self.village_id, self.role)  # type: ignore[attr-defined]
        with Vertical(id="slot-history-dialog", classes="dialog"):
            yield Static(Content(f"{self.village} · {self.role.value} 历任（{len(lines)}）"), classes="dialog-title")
            yield OptionList(*(Option(line) for line in lines), id="slot-history")
            if not lines:
                yield Static(Content("该项还没有任何记录。"))
            elif self.role == Role.FIRST_SECRETARY:
                yield Static(Content("第一书记以花名册的驻村记录为准（拟选派、取消选派不列入）。"), classes="form-help")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#slot-history", OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(None)


def default_last_day(today: date, start: date | None) -> date:
    """Yesterday, so the slot is a gap today — or the start day for a holding that began today."""
    yesterday = today - timedelta(days=1)
    return max(yesterday, start) if start else yesterday


class EndHoldingScreen(FormScreen[object]):
    """Confirm ending one leader's or unit's holding, with its last day; returns the ended Assignment."""

    save_label = "结束包联"

    def __init__(self, village: str, holder: Holder) -> None:
        self.village = village
        self.holder = holder
        super().__init__()

    def title_text(self) -> str:
        h = self.holder
        return f"结束包联：{self.village} · {h.role.value} {h.name}"

    def form_fields(self) -> list[FormField]:
        from ledgers.validate import parse_date

        today = self.app.ledger.today  # type: ignore[attr-defined]
        last = default_last_day(today, self.holder.start)
        return [FormField("end", "最后一天", lambda s: parse_date(s, "最后一天"), last.isoformat(),
                          aliases=("结束日期",),
                          help="包联记录保留（h 查看历任）；最后一天之后该项显示“未落实”。")]

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        start = self.holder.start
        if start and values["end"] < start:
            return [FieldError("最后一天", f"不能早于开始日期（{start.isoformat()}）")]
        return []

    def save(self, values: dict[str, Any]) -> object:
        from ledgers.assignments import end_assignment

        return end_assignment(self.app.ledger, self.holder.assignment_id, values["end"])  # type: ignore[attr-defined]
