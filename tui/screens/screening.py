"""拉网式排查 (issue 14): one year's screening of every village — the situations its data supports,
with the evidence and the threshold — and the office's decision on each: ``Enter`` lists it as 拟认定
(the proposed situations ticked; S02/S03/S06–S09 ticked by the clerk with a 线索来源), ``d`` dismisses
it for the year with a reason (kept). Pushed from 整顿台账 with ``p``; ``a`` shows every village, not
only those with a proposal or a decision; ``y`` changes the year.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from ledgers import screening

from ..commands import Command
from ..widgets.footer import KeyFooter
from ..widgets.row_table import Column, SortedRowTable
from ..widgets.row_table import gap_cell as _cell
from ..widgets.text import clip
from .base import CommandScreen


@dataclass(frozen=True)
class ScreenLine:
    id: int  # the village
    township: str
    village: str
    codes: tuple[str, ...]
    evidence: str  # the first proposal's, for the table; the detail line shows them all
    decision: str  # 已列入 / 不列入 / 有案卷 / ""
    seq: int


def _decision(r: screening.VillageScreening) -> str:
    if r.record is not None:
        return "已列入" if r.record.decision == screening.Decision.LISTED else "不列入"
    return "有案卷" if r.open_case else ""


DECISION_STYLE = {"已列入": "bold", "不列入": "dim", "有案卷": "dim"}

COLUMNS: tuple[Column[ScreenLine], ...] = (
    Column("seq", "序号", lambda r: _cell(str(r.seq), r.seq, justify="right")),
    Column("township", "乡镇", lambda r: _cell(r.township, r.township)),
    Column("village", "村名", lambda r: _cell(r.village, r.village)),
    Column("codes", "情形", lambda r: _cell(" ".join(r.codes) or "—", (-len(r.codes), r.codes),
                                          style="bold red" if r.codes else "dim")),
    Column("evidence", "依据", lambda r: _cell(clip(r.evidence, 40), r.evidence or None), width=42),
    Column("decision", "结论", lambda r: _cell(r.decision or "待定", r.decision or "~",
                                             style=DECISION_STYLE.get(r.decision, "yellow"))),
)


LIST_HELP = "把光标所在村列入拟认定：有数据依据的情形已勾选，S02、S03、S06–S09 由经办人勾选并填写线索来源"
# Enter on the table: the same footer entry as the screen's (the focused table's binding wins).
LIST_COMMAND = Command("screening-table-list", "enter", "select_cursor", "列入", LIST_HELP)


class ScreeningTable(SortedRowTable[ScreenLine]):
    BINDINGS = [LIST_COMMAND.binding()]
    COLUMNS = COLUMNS
    DEFAULT_SORT = "seq"


class ScreeningScreen(CommandScreen):
    """The year's 排查 list; Esc goes back to 整顿台账."""

    HELP_TITLE = "拉网式排查"
    DEFAULT_CSS = """
    ScreeningScreen #screening-title { padding: 0 1; }
    ScreeningScreen #screening-table { height: 1fr; }
    ScreeningScreen #screening-detail { height: auto; max-height: 9; padding: 0 1; border-top: solid $primary 50%; }
    """
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("screening-list", "enter", "list_village", "列入", LIST_HELP),
        Command("screening-dismiss", "d", "dismiss_village", "不列入", "本年度不列入，填写理由（保留，明年排查时可见）"),
        Command("screening-all", "a", "toggle_all", "全部村", "显示全部村 / 只看有情形或已有结论的村"),
        Command("screening-year", "y", "cycle_year", "年度", "切换排查年度（今年、去年）"),
        Command("screening-back", "escape", "back", "返回", "回到整顿台账"),
    )

    def __init__(self, year: int | None = None) -> None:
        super().__init__()
        self.year = year
        self.show_all = False
        self.rows: list[screening.VillageScreening] = []
        self.loaded_version = -1

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="screening-title", markup=False)
        yield ScreeningTable(id="screening-table")
        yield Static("", id="screening-detail", markup=False)
        yield KeyFooter()

    @property
    def table(self) -> ScreeningTable:
        return self.query_one(ScreeningTable)

    def on_mount(self) -> None:
        self.year = self.year or self.ledger.today.year
        self.refresh_data()
        self.table.focus()

    def refresh_data(self) -> None:
        if self.loaded_version == self.ledger.version:
            return
        self.loaded_version = self.ledger.version
        self.rows = screening.screen(self.ledger, self.year)
        self._show()

    def _lines(self) -> list[ScreenLine]:
        out = []
        for n, r in enumerate(self.rows, 1):
            if not (self.show_all or r.proposals or r.record is not None):
                continue
            codes = tuple(dict.fromkeys(p.code for p in r.proposals))
            evidence = r.proposals[0].evidence + (f" 等{len(r.proposals)}项" if len(r.proposals) > 1 else "") \
                if r.proposals else (r.record.reason if r.record is not None else "")
            out.append(ScreenLine(r.village.id, r.village.township, r.village.name, codes, evidence, _decision(r), n))
        return out

    def _show(self) -> None:
        lines = self._lines()
        table = self.table
        if table.row_count or table.shown:
            table.apply(lines)
        else:
            table.show(lines)
        found = sum(1 for r in self.rows if r.proposals)
        listed = sum(1 for r in self.rows if r.record is not None and r.record.decision == screening.Decision.LISTED)
        dismissed = sum(1 for r in self.rows if r.record is not None and r.record.decision == screening.Decision.DISMISSED)
        parts = [f"{self.year}年拉网式排查：{len(self.rows)}个村，{found}个村有数据依据的情形",
                 f"已列入{listed}个，不列入{dismissed}个"]
        for code, what in (("S04", "组织生活"), ("S11", "党员发展")):
            n = sum(1 for r in self.rows if code in r.unknown)
            if n:
                parts.append(f"{n}个村无{what}记录（{code}无法判断）")
        parts.append("显示全部村" if self.show_all else "只看有情形或已有结论的村（a 显示全部）")
        self.query_one("#screening-title", Static).update(Content(" · ".join(parts)))
        self._detail()

    def _current(self) -> screening.VillageScreening | None:
        vid = self.table.cursor_id
        return next((r for r in self.rows if r.village.id == vid), None) if vid is not None else None

    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        self._detail()

    def _detail(self) -> None:
        r = self._current()
        detail = self.query_one("#screening-detail", Static)
        if r is None:
            detail.update(Content("没有需要处理的村：按 a 显示全部村。" if not self.show_all else ""))
            return
        lines = [f"{r.village.name}（{r.village.township}）"]
        lines += [f"{p.code} {p.evidence}（标准：{p.threshold}）" for p in r.proposals] or ["未发现有数据依据的情形"]
        if r.record is not None:
            lines.append(f"结论：{r.record.decision.value}" + (f"（{'、'.join(r.record.codes)}）" if r.record.codes else "")
                         + (f"，理由：{r.record.reason}" if r.record.reason else ""))
        elif r.open_case:
            lines.append("已有未结束的整顿案卷：不能再次列入")
        if r.earlier is not None:
            e = r.earlier
            lines.append(f"{e.year}年排查：{e.decision.value}" + (f"，理由：{e.reason}" if e.reason else "")
                         + (f"（{'、'.join(e.codes)}）" if e.codes else ""))
        detail.update(Content("\n".join(lines)))

    # ------------------------------------------------------------ decisions

    def _target(self) -> screening.VillageScreening | None:
        r = self._current()
        if r is None:
            self.notify("列表中没有选中的村。", markup=False)
        return r

    def action_list_village(self) -> None:
        r = self._target()
        if r is None or not self.check_writable():
            return
        if r.open_case:
            self.notify(f"{r.village.name}已有未结束的整顿案卷，不能再次列入。", severity="warning", markup=False)
            return
        from ..modals.screening_forms import ListFormScreen

        self.app.push_screen(ListFormScreen(r, self.year), self._decided)

    def action_dismiss_village(self) -> None:
        r = self._target()
        if r is None or not self.check_writable():
            return
        from ..modals.screening_forms import DismissFormScreen

        self.app.push_screen(DismissFormScreen(r, self.year), self._decided)

    def _decided(self, said: Any) -> None:
        if said is None:
            return
        self.ledger_app.ledger_changed()
        self.notify(str(said), markup=False)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self._show()

    def action_cycle_year(self) -> None:
        this = self.ledger.today.year
        self.year = this - 1 if self.year == this else this
        self.loaded_version = -1
        self.table.clear()
        self.table.shown = {}
        self.refresh_data()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_list_village()

    def action_back(self) -> None:
        self.app.pop_screen()
