"""The App: opens the ledger, hosts one screen per section (number keys), global commands.

Kept small on purpose: screens live in ``tui/screens``, forms in ``tui/modals``, commands in
``tui/commands.py``. Tests build the app with ``make_app(tmp_db, today=...)``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ledgers.errors import LedgerError, StoreLocked
from ledgers.ledger import Ledger
from ledgers.models import CaseState

from .commands import GLOBAL_COMMANDS, bindings
from .sections import Section, available_sections


INDEX_DELAY = 1.0  # seconds after start-up: after the dashboard figures at prefecture scale


def _village_provider() -> type:
    from .modals.lookup import VillageProvider

    return VillageProvider


class LedgerApp(App[int]):
    """党建台账."""

    CSS_PATH = "app.tcss"
    TITLE = "党建台账"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_village_provider}
    BINDINGS = [Binding(s.key, f"section('{s.mode}')", s.title, show=False, id=f"section-{s.mode}")
                for s in available_sections()] + bindings(GLOBAL_COMMANDS)

    def __init__(self, db_path: Path, today: date | None = None) -> None:
        self.db_path = Path(db_path)
        self.today_override = today
        self.sections: tuple[Section, ...] = available_sections()
        self.ledger: Ledger | None = None
        self.read_only_reason: str = ""  # non-empty → the read-only banner shows it
        self.open_error: LedgerError | None = None
        super().__init__()
        for s in self.sections:
            # Screens are built when first visited (add_mode takes a factory, not an instance).
            self.add_mode(s.mode, s.factory())

    # ------------------------------------------------------------ opening

    def open_ledger(self) -> None:
        """Open the file; a second copy of the app gets a read-only view with a banner."""
        try:
            self.ledger = Ledger.open(self.db_path, today=self.today_override)
        except StoreLocked as err:
            try:
                self.ledger = Ledger.open(self.db_path, today=self.today_override, read_only=True)
            except LedgerError as err2:
                self.open_error = err2
                return
            self.read_only_reason = f"只读模式：{err}可以查看，不能修改。"
        except LedgerError as err:
            self.open_error = err

    def on_mount(self) -> None:
        self.open_ledger()
        if self.open_error is not None or self.ledger is None:
            from .screens.open_error import OpenErrorScreen

            self.push_screen(OpenErrorScreen(self.open_error, self.db_path))
            return
        self.start()

    def start(self) -> None:
        """Show the first section (also after a restore from the open-error screen)."""
        assert self.ledger is not None
        self.update_titles()
        if self.sections:
            self.switch_mode(self.sections[0].mode)
        # The lookup index (pypinyin over every name) is built once the first screen is up; a thread
        # competing for the GIL would delay its first paint.
        self.set_timer(INDEX_DELAY, self.build_index)
        if self.ledger.is_empty() and not self.ledger.read_only:
            self.call_after_refresh(self.offer_first_run)

    def update_titles(self) -> None:
        assert self.ledger is not None
        self.title = f"党建台账 · {self.ledger.settings.township}"
        self.sub_title = str(self.db_path) + ("（只读）" if self.ledger.read_only else "")

    def offer_first_run(self) -> None:
        from .modals.first_run import FirstRunScreen

        self.push_screen(FirstRunScreen(self.db_path.name), self.first_run_chosen)

    def first_run_chosen(self, choice: str | None) -> None:
        assert self.ledger is not None
        if choice == "demo":
            from ledgers.demo import load_demo

            counts = load_demo(self.ledger, "township")
            self.notify(f"已载入演示数据：{counts.get('villages', 0)}个村、{counts.get('cases', 0)}个整顿案卷。"
                        "可用 Ctrl+Z 撤销。", markup=False)
            self.ledger_changed()
        else:
            self.notify("从空账本开始：按 2 进入“村情”，按 n 新增村。", markup=False)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def build_index(self) -> None:
        """pypinyin over every village name is slow: build the lookup index off the main thread,
        and the per-village lines the lookup shows (state, gaps) with it."""
        if self.ledger is not None:
            from .modals.lookup import BRIEFS

            self.ledger.ensure_index()
            BRIEFS.prime(self.ledger)

    def on_unmount(self) -> None:
        if self.ledger is not None:
            self.ledger.close()

    # ------------------------------------------------------------ change propagation

    def ledger_changed(self) -> None:
        """Call after any change: every mounted screen refreshes what it shows."""
        assert self.ledger is not None
        self.update_titles()
        self.build_index()  # the index only if a reload (undo, demo) dropped it; the lookup lines
        for screen in self._all_screens():
            refresh = getattr(screen, "refresh_data", None)
            if refresh is not None and screen.is_mounted:
                refresh()

    def _all_screens(self) -> Iterable[Screen]:
        seen: set[int] = set()
        for stack in self._screen_stacks.values():
            for screen in stack:
                if id(screen) not in seen:
                    seen.add(id(screen))
                    yield screen

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without an open ledger (open-error screen) only quitting makes sense.
        if self.ledger is None and action in ("lookup", "undo", "help", "section", "command_palette"):
            return False
        return True

    def action_section(self, mode: str) -> None:
        if self.ledger is None or mode not in {s.mode for s in self.sections}:
            return
        # A modal (form, lookup) on top would be left behind half-done: switch only from a screen.
        if self.screen.is_modal:
            return
        # Drill-downs (village detail) close: a section key always shows the section itself.
        while len(self.screen_stack) > 1 and not self.screen.is_modal:
            self.pop_screen()
        self.switch_mode(mode)

    def action_lookup(self) -> None:
        if self.ledger is None:
            return
        from .modals.lookup import LookupScreen

        self.push_screen(LookupScreen(), self.open_village_or_none)

    def open_village_or_none(self, village_id: int | None) -> None:
        if village_id is not None:
            self.open_village(village_id)

    def open_village(self, village_id: int) -> None:
        from .screens.village_detail import VillageDetailScreen

        self.push_screen(VillageDetailScreen(village_id))

    # ------------------------------------------------------------ hooks into the cases section

    def _cases_hook(self, name: str) -> Callable[..., None] | None:
        """A function of the cases section (tui/screens/cases.py), if that section exists."""
        if "cases" not in {s.mode for s in self.sections}:
            return None
        import importlib

        return getattr(importlib.import_module("tui.screens.cases"), name, None)

    def has_cases_section(self) -> bool:
        return self._cases_hook("open_new_case") is not None

    def show_cases(self, state: CaseState | None = None, year: int | None = None, overdue: bool = False) -> bool:
        """The cases section filtered (the dashboard's drill-down); False when there is no such section."""
        hook = self._cases_hook("show_cases")
        if hook is None:
            return False
        hook(self, state=state, year=year, overdue=overdue)
        return True

    def new_case_for_village(self, village_id: int) -> bool:
        """List a village for screening (the village detail's ``n``); False without a cases section."""
        hook = self._cases_hook("open_new_case")
        if hook is None:
            return False
        hook(self, village_id)
        return True

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_undo(self) -> None:
        if self.ledger is None:
            return
        if self.ledger.read_only:
            self.notify("只读模式下不能撤销。", severity="warning", markup=False)
            return
        try:
            entry = self.ledger.undo()
        except LedgerError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        if entry is None:
            self.notify("没有可以撤销的修改。", markup=False)
            return
        self.notify(f"已撤销：{entry.summary}", title="撤销", markup=False)
        self.ledger_changed()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for s in self.sections:
            yield SystemCommand(f"{s.key} {s.title}", f"切换到“{s.title}”", lambda m=s.mode: self.action_section(m))
        for c in GLOBAL_COMMANDS:
            if c.id != "palette":
                yield SystemCommand(c.description, c.help, lambda a=c.action: self.run_action(a))
        yield from super().get_system_commands(screen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One handler for failed workers: a clerk error is a notification, anything else too — with
        the exception text — instead of the whole app closing."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            err = event.worker.error
            msg = str(err) if isinstance(err, LedgerError) else f"后台任务出错：{type(err).__name__}: {err}"
            self.notify(msg, severity="error", timeout=10, markup=False)


def make_app(db_path: str | Path, today: date | None = None) -> LedgerApp:
    """The app on ``db_path``; ``today`` fixes the date for tests."""
    return LedgerApp(Path(db_path), today)
