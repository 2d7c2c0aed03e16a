"""Rich renderings for the command line: the village status card and the check report.

User text goes in as ``Text`` objects, never as markup, so a name like ``[red]张三`` prints literally,
and through ``terminal_safe``: a name holding an escape sequence (a hand-edited file) never reaches
the terminal raw (it would retitle the window or clear the screen).
"""
from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from ledgers.check import CheckReport
from ledgers.models import Level, Role
from ledgers.status import VillageStatus
from ledgers.text import terminal_safe
from ledgers.validate import mask_phone


def Text(text: str = "", style: str = "", **kw: object) -> RichText:  # noqa: N802 - stands in for rich's
    """rich's ``Text`` of stored text made safe for a terminal."""
    return RichText(terminal_safe(text), style=style, **kw)  # type: ignore[arg-type]

LEVEL_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "cyan"}


def status_card(st: VillageStatus, *, unmask: bool = False) -> Panel:
    v = st.village
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()

    def row(label: str, value: str | RichText) -> None:
        facts.add_row(label, value if isinstance(value, RichText) else Text(value))

    row("乡镇", v.township)
    row("人口/户数", f"{v.population}人 / {v.households}户")
    row("党组织", f"{v.org_name}（{v.org_type.value}），正式党员{v.full_members}名、预备党员{v.probationary_members}名")
    row("书记", f"{v.secretary_name}，{v.secretary_age or '?'}岁，{v.secretary_education}"
        + ("，一肩挑" if v.secretary_is_director else ""))
    income = v.income()
    row("集体经济", f"{income if income is not None else '未填报'}元（{st.tier.value}）")
    if st.case is None:
        row("整顿", "无进行中的整顿案卷")
    else:
        c = st.case
        row("整顿", f"{c.year}年 {c.state.value}，任务{c.tasks_done}/{len(c.tasks)}")
        for t in st.overdue:
            row("", Text(f"逾期：{t.problem}（期限{t.deadline}，{t.owner}）", style="red"))
    for role, h in st.slots.items():
        planned = f"（拟选派：{st.planned.name}）" if role == Role.FIRST_SECRETARY and st.planned else ""
        row(role.value, Text("未落实" + planned, style="bold red") if h is None else Text(f"{h.name}（{h.detail}）"))
    for c in st.conflicts:
        row("冲突", Text(c.message, style="bold red"))
    if st.secretary is not None:
        fs = st.secretary
        phone = fs.cadre.phone if unmask else mask_phone(fs.cadre.phone)
        row("驻村第一书记", f"{fs.name}，{fs.cadre.dispatching_unit}，{fs.status.value}，任期至{st.secretary_term_end or '?'}，{phone}")
    row("经费", st.funds)
    findings = [Text(f"[{f.rule}] {f.message}", style=LEVEL_STYLE[f.level]) for f in st.findings]
    return Panel(Group(facts, *findings), title=Text(f"{v.name}（{v.kind.value}）", style="bold"), expand=False)


def print_status_cards(statuses: list[VillageStatus], *, unmask: bool = False) -> None:
    console = Console()
    for st in statuses:
        console.print(status_card(st, unmask=unmask))


def print_check(report: CheckReport) -> None:
    console = Console()
    if report.integrity:
        console.print(Text(f"完整性错误 {len(report.integrity)} 项：", style="bold red"))
        for f in report.integrity:
            console.print(Text(f"  {f.subject}：{f.message}", style="red"))
    else:
        console.print(Text("完整性检查通过。", style="green"))
    counts = {lvl: sum(1 for f in report.findings if f.level == lvl) for lvl in Level}
    console.print(Text("规则检查：" + "，".join(f"{lvl.value}{n}项" for lvl, n in counts.items())))
    for f in report.findings:
        console.print(Text(f"  [{f.rule}] {f.subject}：{f.message}", style=LEVEL_STYLE[f.level]))


def print_screening(rows: list, year: int, *, show_all: bool = False) -> None:
    """``python main.py screen``: the villages whose data supports a situation, each with its evidence
    and the threshold; then the decisions taken and what could not be judged."""
    console = Console()
    found = [r for r in rows if r.proposals]
    console.print(Text(f"{year}年拉网式排查：{len(rows)}个村，{len(found)}个村有数据依据的情形", style="bold"))
    for r in rows:
        if not r.proposals and not show_all:
            continue
        head = Text(f"{r.village.name}（{r.village.township}）", style="bold")
        head.append("  ")
        if r.record is not None:
            head.append_text(Text(f"已{r.record.decision.value}" if r.record.decision.value == "列入拟认定"
                                  else f"不列入：{r.record.reason}", style="dim"))
        elif r.open_case:
            head.append("已有未结束的整顿案卷", style="dim")
        console.print(head, soft_wrap=True)
        if not r.proposals:
            console.print(RichText("  未发现有数据依据的情形", style="dim"))
        for p in r.proposals:
            line = RichText("  ")
            line.append(f"{p.code} ", style="bold red")
            line.append_text(Text(p.evidence))
            line.append_text(Text(f"（标准：{p.threshold}）", style="dim"))
            console.print(line, soft_wrap=True)
    for code, what in (("S04", "组织生活"), ("S11", "党员发展")):
        n = sum(1 for r in rows if code in r.unknown)
        if n:
            console.print(Text(f"{n}个村没有{what}记录，无法判断{code}。", style="yellow"))
