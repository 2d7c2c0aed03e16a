"""What the 概览 shows, from ``ledgers.stats.dashboard``'s figures and the terminal's width: the summary
line and each panel's title and lines (text, styles, the id its Enter opens).

The screen (tui/screens/dashboard.py) shows it, and the copy kept beside the file for the next start
(tui/figures_cache.py) is made from it: by the app after it counted, and by the CLI after a command
that changed the file (``keep_figures``) — a start after ``import``, ``undo`` or ``demo`` used to
find no copy and count everything before the figures came (issue 13: 2.3× a bare app's start).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.content import Content
from textual.widgets.option_list import Option

from ledgers.models import CaseState, IncomeTier, SecretaryStatus

from .widgets.bars import bar_line, pad

if TYPE_CHECKING:
    from ledgers.ledger import Ledger
    from ledgers.stats import Dashboard

STATE_STYLE = {CaseState.RECTIFYING: "$warning", CaseState.AWAITING_ACCEPTANCE: "$warning",
               CaseState.RELAPSED: "$error", CaseState.DISMISSED: "$text-muted", CaseState.ARCHIVED: "$text-muted"}
GRID_COLUMNS = 3  # as in app.tcss (#dashboard-grid)
KEPT_LINES = 24  # lines per panel kept for the next start
DATED_PANELS = ("panel-overdue", "panel-matrix", "panel-terms", "panel-people")  # counted anew on another day
PANELS = (("panel-cases", "整顿案卷（按阶段）"), ("panel-overdue", "逾期整改任务"), ("panel-matrix", "“四个一”缺口与冲突"),
          ("panel-terms", "第一书记待办"), ("panel-tiers", "村集体经济收入档次"), ("panel-people", "书记队伍"))
NONE = "（无）"


def bar_width(screen_width: int, label_width: int, top: int) -> int:
    """Bars fill what a panel has left after the label and the number (at least 3 cells)."""
    # From the screen width, not a panel's region: the panels may not be laid out yet when the
    # figures arrive. Three columns with 1-cell gutters; border and padding take 4 cells, a
    # vertical scrollbar (small terminals) 2 more.
    room = (screen_width - 2) // GRID_COLUMNS - 4
    return max(3, min(24, room - label_width - len(str(top)) - 4))


def summary(d: Dashboard, year: int | None = None) -> tuple[str, str]:
    """The summary line, and its figures that do not depend on the date (for another day's start)."""
    dual = f"{d.dual_role_ratio * 100:.1f}%" if d.dual_role_ratio is not None else "—"
    age = f"{d.secretary_avg_age:.1f}岁" if d.secretary_avg_age is not None else "—"
    # 在岗 and 期满待轮换 are both still in their village: "驻村", so the panel's 在岗 line is not contradicted.
    active_fs = sum(n for s, n in d.secretaries_by_status.items()
                    if s in (SecretaryStatus.ACTIVE, SecretaryStatus.TERM_ENDING))
    scope = f"{year}年批次" if year else "全部年度"
    line = (f"{d.today.isoformat()} · 统计范围：{scope} · 村（社区）{d.villages}个 · 进行中整顿案卷{d.active_cases}个 · "
            f"逾期任务{len(d.overdue)}项 · 一肩挑比例{dual} · 村书记平均年龄{age} · 驻村第一书记{active_fs}名")
    return line, f"村（社区）{d.villages}个 · 进行中整顿案卷{d.active_cases}个 · 驻村第一书记{active_fs}名"


def panels(d: Dashboard, screen_width: int) -> list[tuple[str, str, list[Option]]]:
    """(panel id, title, lines) of every panel; an empty panel says （无）."""
    gaps, conflicts = d.matrix.gap_count, len(d.matrix.conflicts)
    out = [
        ("panel-cases", f"整顿案卷（按阶段，共{sum(d.cases_by_state.values())}个）", _case_options(d, screen_width)),
        ("panel-overdue", f"逾期整改任务（{len(d.overdue)}项）", _overdue_options(d)),
        ("panel-matrix", f"“四个一”缺{gaps}项、冲突{conflicts}项", _matrix_options(d)),
        ("panel-terms", f"第一书记待办（{len(d.todos) + len(d.terms_ending)}项）", _term_options(d)),
        ("panel-tiers", "村集体经济收入档次", _tier_options(d, screen_width)),
        ("panel-people", "书记队伍", _people_options(d)),
    ]
    return [(pid, title, options or [Option(Content.styled(NONE, "dim"), disabled=True)])
            for pid, title, options in out]


def view(d: Dashboard, screen_width: int) -> dict[str, Any] | None:
    """What ``figures_cache`` keeps of ``d`` (all years) at ``screen_width``: see ``view_of``."""
    line, undated = summary(d)
    return view_of(line, undated, panels(d, screen_width))


def view_of(line: str, undated: str, shown: list[tuple[str, str, list[Option]]]) -> dict[str, Any] | None:
    """What ``figures_cache`` keeps: the summary, each panel's title and first lines (text, style
    names, id, disabled), the undated figures; None if a line is not plain text with style names."""
    kept: dict[str, Any] = {}
    for pid, title, options in shown:
        lines = []
        for option in options[:KEPT_LINES]:
            prompt = option.prompt
            if not isinstance(prompt, Content) or any(not isinstance(sp.style, str) for sp in prompt.spans):
                return None  # not kept as text and style names: no copy rather than a wrong one
            lines.append([prompt.plain, [[sp.start, sp.end, sp.style] for sp in prompt.spans],
                          option.id, option.disabled])
        kept[pid] = {"title": title, "options": lines}
    return {"summary": line, "panels": kept, "undated": undated}


def keep_figures(db_path: Path, ledger: Ledger, screen_width: int | None = None) -> None:
    """Count the dashboard of ``ledger`` (as written to ``db_path``) and keep it for the next start.
    For a command that changed the file while holding it; never raises (no copy is no harm)."""
    from ledgers.stats import dashboard

    from . import figures_cache

    try:
        d = dashboard(ledger, None)
        kept = view(d, screen_width or shutil.get_terminal_size((120, 40)).columns)
    except Exception:  # noqa: BLE001 - the copy only saves time at the next start
        return
    if kept is not None:
        figures_cache.save(db_path, d.today, kept)


def _case_options(d: Dashboard, screen_width: int) -> list[Option]:
    top = max(d.cases_by_state.values(), default=0)
    width = bar_width(screen_width, 9, top)
    return [Option(bar_line(s.value, n, top, label_width=9, bar_width=width, style=STATE_STYLE.get(s, "")),
                   id=f"state:{s.name}") for s, n in d.cases_by_state.items() if n]


def _overdue_options(d: Dashboard) -> list[Option]:
    # Two lines per task: village and days overdue, then the problem (indented, wraps).
    return [Option(Content.assemble(Content(pad(o.village, 10)), Content.styled(f"逾期{o.days}天", "bold red"),
                                    Content("\n  "), Content.styled(o.task.problem, "dim")),
                   id=f"village:{o.village_id}:{n}")
            for n, o in enumerate(d.overdue)]


def _matrix_options(d: Dashboard) -> list[Option]:
    out = []
    for n, row in enumerate(d.matrix.rows):
        if row.gaps:
            short = "、".join(r.short for r in row.gaps)
            out.append(Option(Content.assemble(Content(pad(row.village.name, 10)), Content.styled(f"缺：{short}", "red")),
                              id=f"matrix:{row.village.id}:g{n}"))
    names = {row.village.id: row.village.name for row in d.matrix.rows}
    for n, c in enumerate(d.matrix.conflicts):  # every one, at its village: the count in the title
        out.append(Option(Content.assemble(Content(pad(names.get(c.village_id, ""), 10)),
                                           Content.styled(f"冲突：{c.message}", "bold red")),
                          id=f"matrix:{c.village_id}:c{n}"))
    return out


def _term_options(d: Dashboard) -> list[Option]:
    # R11 first (召回 / 约谈, each opening the posting), then the terms ending soonest.
    out = []
    for n, t in enumerate(d.todos):
        word, style = ("应召回", "bold red") if t.recall else ("应约谈", "yellow")
        out.append(Option(Content.assemble(Content(pad(t.entry.name, 8)), Content(pad(t.entry.village, 10)),
                                           Content.styled(word, style)),
                          id=f"posting:{t.entry.id}:r{n}"))
    for n, t in enumerate(d.terms_ending):
        style = "bold red" if t.urgent else "yellow"
        when = f"还有{t.days}天" if t.days >= 0 else f"已过期{-t.days}天"
        line = Content.assemble(Content(pad(t.secretary.name, 8)), Content(pad(t.village or "（未驻村）", 10)),
                                Content.styled(when, style))
        out.append(Option(line, id=f"posting:{t.secretary.id}:t{n}"))
    return out


def _tier_options(d: Dashboard, screen_width: int) -> list[Option]:
    top = max(d.tiers.values(), default=0)
    width = bar_width(screen_width, 13, top)
    return [Option(bar_line(t.value, n, top, label_width=13, bar_width=width,
                            style="$error" if t in (IncomeTier.SHELL, IncomeTier.WEAK) else ""),
                   id=f"tier:{t.name}") for t, n in d.tiers.items() if n]


def _people_options(d: Dashboard) -> list[Option]:
    dual = f"{d.dual_role_ratio * 100:.1f}%" if d.dual_role_ratio is not None else "—"
    age = f"{d.secretary_avg_age:.1f}岁" if d.secretary_avg_age is not None else "—"
    college = f"{d.secretary_college_ratio * 100:.1f}%" if d.secretary_college_ratio is not None else "—"
    rows = [("村书记一肩挑", dual), ("村书记平均年龄", age), ("村书记大专以上", college)]
    rows += [(f"第一书记{status.value}" if status.value == "在岗" else status.value, str(n))
             for status, n in d.secretaries_by_status.items() if n]
    width = max(cell_len(label) for label, _ in rows) + 1
    return [Option(Content.assemble(Content(pad(label, width)), Content.styled(value, "bold")))
            for label, value in rows]
