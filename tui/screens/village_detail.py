"""One village on one screen: everything a clerk is asked about it (pushed from lookup, the
registry and the dashboard).

Built from ``ledgers.status.village_status``: registry facts, organisation type with the rule
findings, income tier, the active case (state, overdue tasks in red), the four 四个一 slots
(未落实 in red), the first secretary with term end (phone masked), and past cases.
User text goes in as ``rich.text.Text``, never as markup.
"""
from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Static

from ledgers.errors import LedgerError, NotFound
from ledgers.models import SLOTTED_CASE_STATES, Level, RectificationCase, Role, Settings
from ledgers.status import VillageStatus, village_status
from ledgers.validate import mask_phone

from ..commands import Command
from ..widgets.case_panels import holder_text
from ..widgets.facts import Facts, facts
from ..widgets.footer import KeyFooter
from .base import CommandScreen

LEVEL_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "cyan"}


def money(amount: int) -> str:
    """元 the way circulars write it: 56万元, 1.2万元, 8000元."""
    if amount >= 10_000:
        return f"{amount / 10_000:.2f}".rstrip("0").rstrip(".") + "万元"
    return f"{amount}元"


def registry_panel(st: VillageStatus) -> RenderableType:
    v = st.village
    income = v.income()
    year = max(v.collective_income) if v.collective_income else None
    secretary = Text(v.secretary_name or "（未填）")
    if v.secretary_age:
        secretary.append(f"，{v.secretary_age}岁")
    if v.secretary_education:
        secretary.append(f"，{v.secretary_education}")
    if v.secretary_is_director:
        secretary.append("，一肩挑")
    rows: list[tuple[str, str | Text]] = [
        ("乡镇", v.township),
        ("类型", str(v.kind)),
        ("人口/户数", f"{v.population}人 / {v.households}户"),
        ("党员", f"正式{v.full_members}名，预备{v.probationary_members}名（共{v.members}名）"),
        ("党组织", Text(f"{v.org_name}（{str(v.org_type)}）" if v.org_name else str(v.org_type))),
        ("书记", secretary),
        ("集体经济", f"{year}年经营性收入{money(income)}（{st.tier.value}）" if income is not None
         else f"未填报（{st.tier.value}）"),
        ("后备干部", f"{v.reserve_cadres}名"),
        ("标签", "、".join(v.tags) or "—"),
        ("经费", st.funds),
    ]
    if v.org_term_start:
        rows.append(("换届时间", v.org_term_start.isoformat()))
    if v.note:
        rows.append(("备注", v.note))
    return facts(rows)


def findings_panel(st: VillageStatus) -> RenderableType:
    if not st.findings:
        return Text("无规则提示", style="dim")
    return Facts([(Text.assemble((f.level.value, LEVEL_STYLE[f.level]), (f" {f.rule}", "dim")), Text(f.message))
                  for f in st.findings], gap=1, label_style="")


def case_panel(st: VillageStatus) -> RenderableType:
    c = st.case
    if c is None:
        return Text("无进行中的整顿案卷", style="dim")
    rows: list[tuple[str, str | Text]] = [
        ("阶段", Text(str(c.state), style="bold")),
        ("年度/批次", f"{c.year}年" if c.batch in ("", f"{c.year}年") else f"{c.year}年（{c.batch}）"),
        ("情形", "、".join(c.situations) or "—"),
        ("整改任务", f"已完成{c.tasks_done}/{len(c.tasks)}项"),
    ]
    if c.rectify_deadline:
        rows.append(("完成时限", c.rectify_deadline.isoformat()))
    for t in st.overdue:
        # The deadline and owner are separate words: a narrow panel wraps before them, never inside a date.
        due = t.deadline.isoformat() if t.deadline else "未定"
        rows.append(("逾期", Text.assemble((t.problem, "bold red"), (f" 期限{due} {t.owner or '未定责任人'}", "red"))))
    return facts(rows)


def needs_slots(st: VillageStatus) -> bool:
    """The active case is in a stage whose 四个一 slots must be filled (认定 … 巩固提升)."""
    return st.case is not None and st.case.state in SLOTTED_CASE_STATES


def slots_panel(st: VillageStatus) -> RenderableType:
    needed = needs_slots(st)
    rows: list[tuple[str, str | Text]] = []
    for role, h in st.slots.items():
        if h is None and role == Role.FIRST_SECRETARY and st.planned is not None:
            cell = Text("未落实", style="bold red" if needed else "dim")
            cell.append(f"（拟选派：{st.planned.name}）", style="yellow")
            rows.append((role.value, cell))
        elif h is None:
            rows.append((role.value, Text("未落实", style="bold red" if needed else "dim")))
        else:
            rows.append((role.value, holder_text(h)))
    for c in st.conflicts:
        rows.append(("冲突", Text(c.message, style="bold red")))
    return facts(rows)


def case_label(c: RectificationCase) -> str:
    """``2026年第一批`` or ``2025年``: the year once, even when the batch repeats it."""
    return c.batch if c.batch and str(c.year) in c.batch else f"{c.year}年 {c.batch}".strip()


def secretary_panel(st: VillageStatus, today: date, s: Settings) -> RenderableType:
    fs = st.secretary
    if fs is None:
        return Text("无驻村第一书记", style="dim")
    end = st.secretary_term_end
    days = (end - today).days if end else None
    term = Text(end.isoformat() if end else "未填到村时间")
    if days is not None:
        term.append(f"（还有{days}天）" if days >= 0 else f"（已过期{-days}天）",
                    style="bold red" if days <= s.term_urgent_days else "yellow" if days <= s.term_warn_days else "")
    return facts([
        ("姓名", fs.name),
        ("派出单位", fs.cadre.dispatching_unit or "—"),
        ("状态", str(fs.status)),
        ("任期届满", term),
        ("电话", mask_phone(fs.cadre.phone) if fs.cadre.phone else "—"),
    ])


def history_panel(st: VillageStatus) -> RenderableType:
    if not st.past_cases:
        return Text("无", style="dim")
    lines = []
    for c in st.past_cases:
        line = Text(f"{case_label(c)}：{str(c.state)}")
        if c.signed_off_on:
            line.append(f" {c.signed_off_on.isoformat()}销号")
        if c.relapsed_into:
            line.append("，已反弹", style="red")
        lines.append(line)
    return Group(*lines)


class VillageDetailScreen(CommandScreen):
    """Everything about one village; ``e`` edits, ``c`` opens its case, Esc goes back."""

    HELP_TITLE = "村详情"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("detail-edit", "e", "edit_village", "修改", "修改该村的村情信息"),
        Command("detail-open-case", "c", "open_case", "整顿案卷", "打开该村进行中的整顿案卷（任务、验收、阶段转换）"),
        Command("detail-new-case", "n", "new_case", "列入整顿", "把该村列入软弱涣散排查（新建整顿案卷）"),
        Command("detail-people", "m", "people", "班子与组织生活",
                "该村的两委班子、出缺、后备干部、组织生活、党员发展、满意度测评和年度排名：新增、修改、删除"),
        Command("detail-back", "escape", "back", "返回", "返回上一界面"),
    )
    # Below 100 columns the two panel columns stack: half of 80 cells folds every line.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, village_id: int) -> None:
        super().__init__()
        self.village_id = village_id
        self.gone = False  # the village no longer exists; close when shown again
        self.case_id: int | None = None  # the active case, for ``c``

    def on_screen_resume(self) -> None:
        if self.gone:
            self.app.pop_screen()

    def compose(self) -> ComposeResult:
        yield Header()
        reason = self.ledger_app.read_only_reason
        if reason:
            yield Static(reason, id="readonly-banner", markup=False)
        yield Static("", id="detail-title", markup=False)
        with VerticalScroll(id="detail-body"):
            with Horizontal(id="detail-columns"):
                with Vertical(classes="detail-column"):
                    yield Static(id="detail-registry", classes="detail-panel")
                    yield Static(id="detail-findings", classes="detail-panel")
                with Vertical(classes="detail-column"):
                    yield Static(id="detail-case", classes="detail-panel")
                    yield Static(id="detail-slots", classes="detail-panel")
                    yield Static(id="detail-secretary", classes="detail-panel")
                    yield Static(id="detail-history", classes="detail-panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        titles = {"#detail-registry": "村情", "#detail-findings": "规则提示", "#detail-case": "整顿案卷",
                  "#detail-slots": "“四个一”", "#detail-secretary": "驻村第一书记", "#detail-history": "历史案卷"}
        for sel, title in titles.items():
            self.query_one(sel).border_title = title
        self.refresh_data()

    def refresh_data(self) -> None:
        try:
            st = village_status(self.ledger, self.village_id)
        except NotFound:
            # Deleted (or its creation undone) while this screen was open: close it.
            if self.is_current:
                self.app.pop_screen()
            else:
                self.gone = True
            return
        v = st.village
        title = Text.assemble((v.name, "bold"), f"（{str(v.kind)}）  {v.township}")
        if st.case is not None:
            title.append(f"  整顿：{str(st.case.state)}", style="bold")
        if st.gaps and needs_slots(st):
            title.append(f"  四个一缺{len(st.gaps)}项", style="bold red")
        if st.case is not None and self.ledger_app.has_cases_section():
            title.append("  （c 查看案卷）", style="dim")
        self.case_id = st.case.id if st.case is not None else None
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-registry", Static).update(registry_panel(st))
        self.query_one("#detail-findings", Static).update(findings_panel(st))
        self.query_one("#detail-case", Static).update(case_panel(st))
        self.query_one("#detail-slots", Static).update(slots_panel(st))
        self.query_one("#detail-secretary", Static).update(secretary_panel(st, self.ledger.today, self.ledger.settings))
        self.query_one("#detail-history", Static).update(history_panel(st))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_case":  # a village with an unfinished case cannot be listed again
            return self.ledger_app.has_cases_section() and self.case_id is None
        if action == "open_case":
            return self.ledger_app.has_cases_section() and self.case_id is not None
        return True

    def action_edit_village(self) -> None:
        if not self.check_writable():
            return
        from ..modals.village_form import VillageFormScreen

        self.app.push_screen(VillageFormScreen(self.ledger.village(self.village_id)), self._edited)

    def _edited(self, result: object) -> None:
        if result is not None:
            self.ledger_app.ledger_changed()
            self.notify(f"已保存：{result.name}", markup=False)  # type: ignore[attr-defined]

    def action_open_case(self) -> None:
        if self.case_id is None:
            self.notify("该村没有进行中的整顿案卷。", markup=False)
            return
        from .cases import open_case

        open_case(self.app, self.case_id)

    def action_new_case(self) -> None:
        if not self.check_writable():
            return
        try:
            self.ledger_app.new_case_for_village(self.village_id)
        except LedgerError as err:
            self.notify(str(err), severity="error", markup=False)

    def action_people(self) -> None:
        from .village_people import VillagePeopleScreen

        self.app.push_screen(VillagePeopleScreen(self.village_id))

    def action_back(self) -> None:
        self.app.pop_screen()
