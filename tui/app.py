"""The App: opens the ledger, hosts one screen per section (number keys), global commands.

Kept small on purpose: screens live in ``tui/screens``, forms in ``tui/modals``, commands in
``tui/commands.py``. Tests build the app with ``make_app(tmp_db, today=...)``.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ledgers.errors import LedgerError, StoreCorrupt, StoreLocked
from ledgers.ledger import Ledger

from .commands import GLOBAL_COMMANDS, bindings
from .sections import Section, available_sections


class LedgerChanged:
    """Marker type: screens implement ``refresh_data()`` and are told after every change."""


class LedgerApp(App[int]):
    """党建台账."""

    CSS_PATH = "app.tcss"
    TITLE = "党建台账"
    ENABLE_COMMAND_PALETTE = True
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
            self.add_mode(s.mode, s.factory())

    # ------------------------------------------------------------ opening

    def open_ledger(self) -> None:
        """Open the file; a second copy of the app gets a read-only view with a banner."""
        try:
            self.ledger = Ledger.open(self.db_path, today=self.today_override)
        except StoreLocked as err:
            self.ledger = Ledger.open(self.db_path, today=self.today_override, read_only=True)
            self.read_only_reason = f"只读：{err}"
        except LedgerError as err:
            self.open_error = err

    def on_mount(self) -> None:
        self.open_ledger()
        if self.open_error is not None or self.ledger is None:
            from .screens.open_error import OpenErrorScreen

            self.push_screen(OpenErrorScreen(self.open_error, self.db_path))
            return
        self.title = f"党建台账 · {self.ledger.settings.township}"
        self.sub_title = str(self.db_path) + ("（只读）" if self.read_only_reason else "")
        if self.sections:
            self.switch_mode(self.sections[0].mode)
        self.build_index()
        if self.ledger.is_empty() and not self.ledger.read_only:
            self.call_after_refresh(self.offer_first_run)

    def offer_first_run(self) -> None:
        from .modals.first_run import FirstRunScreen

        self.push_screen(FirstRunScreen())

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def build_index(self) -> None:
        """pypinyin over every village name is slow: build the lookup index off the main thread."""
        assert self.ledger is not None
        self.ledger.ensure_index()

    def on_unmount(self) -> None:
        if self.ledger is not None:
            self.ledger.close()

    # ------------------------------------------------------------ change propagation

    def ledger_changed(self) -> None:
        """Call after any change: every mounted section screen refreshes what it shows."""
        assert self.ledger is not None
        self.title = f"党建台账 · {self.ledger.settings.township}"
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

    def action_section(self, mode: str) -> None:
        if self.ledger is None:
            return
        # A modal on top of a section would be left behind: only switch from a section screen.
        if isinstance(self.screen, Screen) and getattr(self.screen, "is_modal", False):
            return
        self.switch_mode(mode)

    def action_lookup(self) -> None:
        if self.ledger is None:
            return
        from .modals.lookup import LookupScreen

        self.push_screen(LookupScreen(), self._open_village)

    def _open_village(self, village_id: int | None) -> None:
        if village_id is not None:
            self.open_village(village_id)

    def open_village(self, village_id: int) -> None:
        from .screens.village_detail import VillageDetailScreen

        self.push_screen(VillageDetailScreen(village_id))

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
