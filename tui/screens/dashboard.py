"""概览: the figures of ``ledgers.stats.dashboard`` as panels; every item opens what it counts.

Each panel is an OptionList (Tab moves between panels, ↑↓ within, Enter opens): a case state opens
the cases section filtered by it when that section exists (``app.show_cases``), else the list of
villages in that state; a village item opens the village detail; an income tier lists its villages.
The screen is painted before the ledger is read (``LedgerApp.start`` calls ``ledger_opened``); the
statistics then run in a worker (prefecture scale), so the screen takes keys throughout.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ledgers.models import CaseState, IncomeTier, SecretaryStatus

from ..commands import Command
from ..widgets.bars import bar_line, pad
from .base import SectionScreen

if TYPE_CHECKING:
    from ledgers.stats import Dashboard

STATE_STYLE = {CaseState.RECTIFYING: "$warning", CaseState.AWAITING_ACCEPTANCE: "$warning",
               CaseState.RELAPSED: "$error", CaseState.DISMISSED: "$text-muted", CaseState.ARCHIVED: "$text-muted"}
GRID_COLUMNS = 3  # as in app.tcss (#dashboard-grid)
KEPT_LINES = 24  # lines per panel kept for the next start (``keep_view``)
DATED_PANELS = ("panel-overdue", "panel-matrix", "panel-terms", "panel-people")  # counted anew on another day

OPENING = "正在打开账本……"
COMPUTING = "正在统计……"
PANELS = (("panel-cases", "整顿案卷（按阶段）"), ("panel-overdue", "逾期整改任务"), ("panel-matrix", "“四个一”缺口与冲突"),
          ("panel-terms", "第一书记待办"), ("panel-tiers", "村集体经济收入档次"), ("panel-people", "书记队伍"))


class DashboardScreen(SectionScreen):
    """The overview (概览)."""

    MODE = "dashboard"
    FOOTER_WITH_SCREEN = False  # the start screen: its first frame (with the kept figures) first
    HELP_TITLE = "概览"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("dashboard-open", "enter", "open_item", "打开", "打开当前面板中选中的项（村详情、按阶段筛选的案卷……）",
                show=False),
        Command("dashboard-next", "tab", "app.focus_next", "下一面板", "切换到下一个面板", show=False),
        Command("dashboard-year", "y", "cycle_year", "年度", "切换统计的整顿年度（批次）：全部 → 各年度"),
        Command("dashboard-refresh", "g", "reload", "刷新", "重新计算统计数字（只读时先重新读取账本，看到同事的修改）"),
    )

    class Computed(Message):
        def __init__(self, figures: Dashboard, version: int) -> None:
            super().__init__()
            self.figures = figures
            self.version = version

    def __init__(self) -> None:
        super().__init__()
        self.year: int | None = None
        self.figures: Dashboard | None = None
        self.shown_version = -1
        self.from_copy = False  # showing the figures kept from the last run (``tui.figures_cache``)
        self._undated = ""  # the summary's figures that do not depend on the date (``show``)

    def compose_body(self) -> ComposeResult:
        yield Static(OPENING, id="dashboard-summary", markup=False)
        with Grid(id="dashboard-grid"):
            for pid, _title in PANELS:
                yield OptionList(id=pid, classes="panel")

    def on_mount(self) -> None:
        for pid, title in PANELS:
            self.query_one(f"#{pid}").border_title = title
        self.query_one("#panel-cases").focus()
        if self.ledger_app.ledger is None:  # start-up: the figures kept from the last run, if still true
            self.show_kept()
        self.refresh_data()  # nothing yet at start-up; the figures when mounted after the file was read

    def refresh_data(self) -> None:
        if self.ledger_app.ledger is None:  # still being read: ``ledger_opened`` comes back here
            return
        if self.figures is not None and not self.is_current:
            # Out of sight (the clerk saves in another section): computed when shown again, not
            # in a worker that takes the GIL from the screen the clerk is waiting on.
            return
        if self.figures is None and not self.from_copy:
            # Words, not a LoadingIndicator: its animation would take the GIL from the worker.
            self.query_one("#dashboard-summary", Static).update(COMPUTING)
        self.compute(self.year)

    def on_screen_resume(self) -> None:
        if self.figures is not None and self.ledger_app.ledger is not None and self.shown_version != self.ledger.version:
            self.compute(self.year)

    def action_reload(self) -> None:
        if self.ledger_app.ledger is None:
            return
        if self.ledger.read_only:
            # A read-only viewer sees the writer's changes only when it re-reads the file.
            self.ledger.reload()
            self.ledger_app.ledger_changed()
            self.notify("已重新读取账本。", markup=False)
        else:
            self.refresh_data()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def compute(self, year: int | None) -> None:
        from ledgers.stats import dashboard  # the app imports the ledger core after its first frame

        ledger = self.ledger
        version = ledger.version
        self.post_message(self.Computed(dashboard(ledger, year), version))

    def on_resize(self) -> None:
        if self.figures is not None:
            self.call_after_refresh(self.show, self.figures)  # bars follow the panel width

    def on_dashboard_screen_computed(self, message: Computed) -> None:
        self.figures = message.figures
        self.shown_version = message.version
        self.from_copy = False
        self.show(message.figures)
        if self.year is None and message.version == self.ledger.version:
            self.keep_view(message.figures)

    # ------------------------------------------------------------ the figures kept for the next start

    def keep_view(self, d: Dashboard) -> None:
        """Keep what is shown now beside the file: it describes the file as it is on disk (every
        change is written before ``version`` moves on) on ``d.today``."""
        from .. import figures_cache

        view = self._view()
        if view is not None:
            figures_cache.save(self.ledger_app.db_path, d.today, view)

    def keep_for_next_start(self) -> None:
        """On quitting: keep the figures of the file as it is now, counted here if the ones shown are
        older than the last change (~50 ms at prefecture scale), so the next start shows them at once."""
        ledger = self.ledger_app.ledger
        if ledger is None or not self.is_mounted:
            return
        if self.figures is None or self.shown_version != ledger.version or self.year is not None:
            from ledgers.stats import dashboard

            self.year = None
            self.figures, self.shown_version = dashboard(ledger, None), ledger.version
            self.show(self.figures)
        self.keep_view(self.figures)

    def _view(self) -> dict | None:
        panels = {}
        for pid, _title in PANELS:
            panel = self.query_one(f"#{pid}", OptionList)
            options = []
            # The lines a panel shows before the file is read: enough to fill it on a tall terminal
            # (laying out all of them — 180 gaps at prefecture scale — slowed the first frame).
            for option in panel.options[:KEPT_LINES]:
                prompt = option.prompt
                if not isinstance(prompt, Content) or any(not isinstance(sp.style, str) for sp in prompt.spans):
                    return None  # not kept as text and style names: no copy rather than a wrong one
                options.append([prompt.plain, [[sp.start, sp.end, sp.style] for sp in prompt.spans],
                                option.id, option.disabled])
            panels[pid] = {"title": str(panel.border_title or ""), "options": options}
        summary = self.query_one("#dashboard-summary", Static).content
        return {"summary": getattr(summary, "plain", str(summary)), "panels": panels,
                "undated": self._undated}

    def show_kept(self) -> None:
        """The figures kept by the last run for this very file, with the first frame (on another day
        only those that do not depend on the date)."""
        from datetime import date

        from textual.content import Span

        from .. import figures_cache

        today = self.ledger_app.today_override or date.today()
        kept = figures_cache.load(self.ledger_app.db_path, today)
        if kept is None:
            return
        view, same_day = kept
        try:
            # Another day: the figures that depend on the date (overdue tasks, terms, slots that start or
            # end, ages) are counted anew; the others are the file's, unchanged since.
            panels = [(pid, view["panels"][pid]) for pid, _title in PANELS if same_day or pid not in DATED_PANELS]
            built = [(pid, str(panel["title"]),
                      [Option(Content(str(plain), spans=[Span(int(a), int(b), str(st)) for a, b, st in spans]),
                              id=oid, disabled=bool(disabled)) for plain, spans, oid, disabled in panel["options"]])
                     for pid, panel in panels]
            summary = str(view["summary"]) if same_day else \
                f"{today.isoformat()} · 统计范围：全部年度 · {view['undated']} · 逾期任务等按今天的日期统计中……"
            if not same_day and not view["undated"]:
                return
        except (KeyError, TypeError, ValueError):
            return  # a copy this version cannot read: the figures come as usual
        self.query_one("#dashboard-summary", Static).update(Content(summary))
        for pid, title, options in built:
            panel = self.query_one(f"#{pid}", OptionList)
            panel.border_title = title
            panel.set_options(options)
            if options and not options[0].disabled:
                panel.highlighted = 0
        for pid in () if same_day else DATED_PANELS:
            self.query_one(f"#{pid}", OptionList).set_options([Option(Content.styled(COMPUTING, "dim"), disabled=True)])
        self.from_copy = True

    def action_cycle_year(self) -> None:
        if self.figures is None:  # the first figures are not there yet
            return
        options: list[int | None] = [None, *self.figures.years]
        self.year = options[(options.index(self.year) + 1) % len(options)] if self.year in options else None
        self.compute(self.year)

    # ------------------------------------------------------------ drawing

    def show(self, d: Dashboard) -> None:
        dual = f"{d.dual_role_ratio * 100:.1f}%" if d.dual_role_ratio is not None else "—"
        age = f"{d.secretary_avg_age:.1f}岁" if d.secretary_avg_age is not None else "—"
        # 在岗 and 期满待轮换 are both still in their village: "驻村", so the panel's 在岗 line is not contradicted.
        active_fs = sum(n for s, n in d.secretaries_by_status.items()
                        if s in (SecretaryStatus.ACTIVE, SecretaryStatus.TERM_ENDING))
        scope = f"{self.year}年批次" if self.year else "全部年度"
        summary = (f"{d.today.isoformat()} · 统计范围：{scope} · 村（社区）{d.villages}个 · 进行中整顿案卷{d.active_cases}个 · "
                   f"逾期任务{len(d.overdue)}项 · 一肩挑比例{dual} · 村书记平均年龄{age} · 驻村第一书记{active_fs}名")
        # What does not depend on the date, for the next start on another day (``show_kept``).
        self._undated = f"村（社区）{d.villages}个 · 进行中整顿案卷{d.active_cases}个 · 驻村第一书记{active_fs}名"
        self.query_one("#dashboard-summary", Static).update(Content(summary))
        self._fill("panel-cases", self._case_options(d), f"整顿案卷（按阶段，共{sum(d.cases_by_state.values())}个）")
        self._fill("panel-overdue", self._overdue_options(d), f"逾期整改任务（{len(d.overdue)}项）")
        gaps, conflicts = d.matrix.gap_count, len(d.matrix.conflicts)
        self._fill("panel-matrix", self._matrix_options(d), f"“四个一”缺{gaps}项、冲突{conflicts}项")
        self._fill("panel-terms", self._term_options(d), f"第一书记待办（{len(d.todos) + len(d.terms_ending)}项）")
        self._fill("panel-tiers", self._tier_options(d), "村集体经济收入档次")
        self._fill("panel-people", self._people_options(d), "书记队伍")

    def _fill(self, pid: str, options: list[Option], title: str) -> None:
        panel = self.query_one(f"#{pid}", OptionList)
        highlighted = panel.highlighted
        panel.border_title = title
        panel.set_options(options or [Option(Content.styled("（无）", "dim"), disabled=True)])
        if options:
            panel.highlighted = min(highlighted or 0, len(options) - 1)

    def _bar_width(self, pid: str, label_width: int, top: int) -> int:
        """Bars fill what the panel has left after the label and the number (at least 3 cells)."""
        # From the screen width, not the panel's current region: the panels may not be laid out yet
        # when the figures arrive. Three columns with 1-cell gutters; border and padding take 4
        # cells, a vertical scrollbar (small terminals) 2 more.
        room = (self.size.width - 2) // GRID_COLUMNS - 4
        return max(3, min(24, room - label_width - len(str(top)) - 4))

    def _case_options(self, d: Dashboard) -> list[Option]:
        top = max(d.cases_by_state.values(), default=0)
        width = self._bar_width("panel-cases", 9, top)
        return [Option(bar_line(s.value, n, top, label_width=9, bar_width=width, style=STATE_STYLE.get(s, "")),
                       id=f"state:{s.name}") for s, n in d.cases_by_state.items() if n]

    def _overdue_options(self, d: Dashboard) -> list[Option]:
        # Two lines per task: village and days overdue, then the problem (indented, wraps).
        return [Option(Content.assemble(Content(pad(o.village, 10)), Content.styled(f"逾期{o.days}天", "bold red"),
                                        Content("\n  "), Content.styled(o.task.problem, "dim")),
                       id=f"village:{o.village_id}:{n}")
                for n, o in enumerate(d.overdue)]

    def _matrix_options(self, d: Dashboard) -> list[Option]:
        out = []
        for n, row in enumerate(d.matrix.rows):
            if row.gaps:
                short = "、".join(r.short for r in row.gaps)
                out.append(Option(Content.assemble(Content(pad(row.village.name, 10)),
                                                   Content.styled(f"缺：{short}", "red")),
                                  id=f"matrix:{row.village.id}:g{n}"))
        names = {row.village.id: row.village.name for row in d.matrix.rows}
        for n, c in enumerate(d.matrix.conflicts):  # every one, at its village: the count in the title
            out.append(Option(Content.assemble(Content(pad(names.get(c.village_id, ""), 10)),
                                               Content.styled(f"冲突：{c.message}", "bold red")),
                              id=f"matrix:{c.village_id}:c{n}"))
        return out

    def _term_options(self, d: Dashboard) -> list[Option]:
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

    def _tier_options(self, d: Dashboard) -> list[Option]:
        top = max(d.tiers.values(), default=0)
        width = self._bar_width("panel-tiers", 13, top)
        return [Option(bar_line(t.value, n, top, label_width=13, bar_width=width,
                                style="$error" if t in (IncomeTier.SHELL, IncomeTier.WEAK) else ""),
                       id=f"tier:{t.name}") for t, n in d.tiers.items() if n]

    def _people_options(self, d: Dashboard) -> list[Option]:
        dual = f"{d.dual_role_ratio * 100:.1f}%" if d.dual_role_ratio is not None else "—"
        age = f"{d.secretary_avg_age:.1f}岁" if d.secretary_avg_age is not None else "—"
        college = f"{d.secretary_college_ratio * 100:.1f}%" if d.secretary_college_ratio is not None else "—"
        rows = [("村书记一肩挑", dual), ("村书记平均年龄", age), ("村书记大专以上", college)]
        rows += [(f"第一书记{status.value}" if status.value == "在岗" else status.value, str(n))
                 for status, n in d.secretaries_by_status.items() if n]
        width = max(cell_len(label) for label, _ in rows) + 1
        return [Option(Content.assemble(Content(pad(label, width)), Content.styled(value, "bold")))
                for label, value in rows]

    # ------------------------------------------------------------ opening

    @on(OptionList.OptionSelected, ".panel")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_item(event.option.id)

    def action_open_item(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList) and focused.highlighted_option is not None:
            oid = focused.highlighted_option.id
            if oid:
                self.open_item(oid)

    def open_item(self, oid: str) -> None:
        if self.ledger_app.ledger is None:  # the kept figures are up; the file is still being read
            self.notify("正在打开账本，请稍候再打开。", markup=False)
            return
        kind, _, rest = oid.partition(":")
        target = int(rest.split(":")[0]) if kind in ("village", "matrix", "posting") else 0
        if kind == "village":
            self.ledger_app.open_village(target)
        elif kind == "matrix":  # a gap or conflict: the 四个一 screen at that village
            if not self.ledger_app.show_in_section("matrix", "show_village", target):
                self.ledger_app.open_village(target)
        elif kind == "posting":  # an R11 to-do or a term ending: the roster at that posting
            self.ledger_app.show_in_section("secretaries", "show_posting", target)
        elif kind == "state":
            self.open_state(CaseState[rest])
        elif kind == "tier":
            self.open_tier(IncomeTier[rest])

    def open_state(self, state: CaseState) -> None:
        if self.ledger_app.show_cases(state=state, year=self.year):
            return
        seen: dict[int, str] = {}
        for c in self.ledger.cases():
            if c.state == state and (self.year is None or c.year == self.year):
                seen.setdefault(c.village_id, f"{self.ledger.village_name(c.village_id)}（{c.year}年）")
        self._pick(f"整顿案卷：{state.value}", list(seen.items()))

    def open_tier(self, tier: IncomeTier) -> None:
        from ledgers.rules import income_tier

        settings = self.ledger.settings
        items = [(v.id, f"{v.name}（{v.township}）") for v in self.ledger.villages()
                 if income_tier(v.income(), settings) == tier]
        self._pick(f"集体经济收入：{tier.value}", items)

    def _pick(self, title: str, items: list[tuple[int, str]]) -> None:
        from ..modals.village_list import VillageListScreen

        self.app.push_screen(VillageListScreen(title, items), self.ledger_app.open_village_or_none)
