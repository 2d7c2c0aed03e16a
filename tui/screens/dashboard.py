"""概览: the figures of ``ledgers.stats.dashboard`` as panels; every item opens what it counts.

Each panel is an OptionList (Tab moves between panels, ↑↓ within, Enter opens): a case state opens
the cases section filtered by it when that section exists (``app.show_cases``), else the list of
villages in that state; a village item opens the village detail; an income tier lists its villages.
The screen is painted before the ledger is read (``LedgerApp.start`` calls ``ledger_opened``); the
statistics then run in a worker (prefecture scale), so the screen takes keys throughout.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ledgers.models import CaseState, IncomeTier

from ..commands import Command
from ..dashboard_view import DATED_PANELS, PANELS, panels, summary, view_of
from .base import SectionScreen

if TYPE_CHECKING:
    from ledgers.stats import Dashboard

OPENING = "正在打开账本……"
COMPUTING = "正在统计……"

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
        self._shown: tuple[str, list] = ("", [])  # the summary and panels ``show`` last built

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
        """Keep what is shown now (``d``, all years) beside the file: it describes the file as it is on
        disk (every change is written before ``version`` moves on) on ``d.today``."""
        from .. import figures_cache

        line, shown = self._shown
        view = view_of(line, self._undated, shown)
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
            chosen = [(pid, view["panels"][pid]) for pid, _title in PANELS if same_day or pid not in DATED_PANELS]
            built = [(pid, str(panel["title"]),
                      [Option(Content(str(plain), spans=[Span(int(a), int(b), str(st)) for a, b, st in spans]),
                              id=oid, disabled=bool(disabled)) for plain, spans, oid, disabled in panel["options"]])
                     for pid, panel in chosen]
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
        line, self._undated = summary(d, self.year)
        shown = panels(d, self.size.width)
        self._shown = (line, shown)  # what ``keep_view`` keeps: the lines as built here, not built again
        self.query_one("#dashboard-summary", Static).update(Content(line))
        for pid, title, options in shown:
            self._fill(pid, options, title)

    def _fill(self, pid: str, options: list[Option], title: str) -> None:
        panel = self.query_one(f"#{pid}", OptionList)
        highlighted = panel.highlighted
        panel.border_title = title
        panel.set_options(options)
        if not options[0].disabled:
            panel.highlighted = min(highlighted or 0, len(options) - 1)

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
