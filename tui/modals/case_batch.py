"""批次收尾: closing a batch — ask for a year, then list that year's cases still open
(``Ledger.open_cases_of_batch``: not signed off, archived, dismissed or relapsed); Enter opens one.
"""
from __future__ import annotations

from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ledgers.models import RectificationCase

from ..widgets.footer import KeyFooter
from ..widgets.form import FormField, FormScreen
from .case_fields import year_field


class BatchYearScreen(FormScreen[int]):
    """Which year's batch to close; returns the year."""

    form_title = "批次收尾：列出该年度尚未销号或结束的案卷"
    save_label = "列出"
    # Nothing is saved here: Ctrl+S lists (the footer says so too; it replaces the form's 保存).
    BINDINGS = [Binding("ctrl+s", "save", "列出", priority=True, id="batch-year-list")]

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__()

    def form_fields(self) -> list[FormField]:
        return [FormField("year", "年度", year_field("年度"), str(self.year))]

    def save(self, values: dict[str, Any]) -> int:
        return int(values["year"])


class OpenCasesScreen(ModalScreen[int | None]):
    """The still-open cases of one batch; returns the case id chosen (Enter), None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "关闭", id="open-cases-close")]
    DEFAULT_CSS = """
    OpenCasesScreen #open-cases-dialog { width: 90; }
    OpenCasesScreen #open-cases { height: auto; max-height: 24; }
    """

    def __init__(self, year: int, lines: list[tuple[int, Content]]) -> None:
        super().__init__()
        self.year = year
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(id="open-cases-dialog", classes="dialog"):
            yield Static(Content(f"{self.year}年批次尚未销号或结束的案卷：{len(self.lines)}个（Enter 打开，Esc 关闭）"),
                         classes="dialog-title")
            yield OptionList(*(Option(line, id=str(cid)) for cid, line in self.lines), id="open-cases")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#open-cases", OptionList).focus()

    @on(OptionList.OptionSelected, "#open-cases")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


def case_line(ledger: Any, c: RectificationCase) -> Content:
    """Village, stage, progress and overdue tasks of one open case (names as data, never markup)."""
    overdue = len(c.overdue_tasks(ledger.today))
    parts = [Content.styled(ledger.village_name(c.village_id), "bold"), Content(f"  {c.batch}  "),
             Content.styled(str(c.state), "bold"), Content(f"  任务{c.tasks_done}/{len(c.tasks)}")]
    if overdue:
        parts.append(Content.styled(f"  逾期{overdue}项", "bold red"))
    return Content.assemble(*parts)


def start_batch_close(app: App, year: int) -> None:
    """Ask for the year, then list its open cases (or say the batch can be closed)."""

    def listed(chosen: int | None) -> None:
        if chosen is not None:
            from ..screens.cases import open_case

            open_case(app, chosen)

    def year_chosen(y: int | None) -> None:
        if y is None:
            return
        ledger = app.ledger  # type: ignore[attr-defined]
        cases = ledger.open_cases_of_batch(y)
        if not cases:
            total = sum(1 for c in ledger.cases() if c.year == y)
            app.notify(f"{y}年批次共{total}个案卷，均已销号或结束，可以收尾。" if total else f"{y}年没有整顿案卷。",
                       markup=False)
            return
        app.push_screen(OpenCasesScreen(y, [(c.id, case_line(ledger, c)) for c in cases]), listed)

    app.push_screen(BatchYearScreen(year), year_chosen)
