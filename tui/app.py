"""The App: opens the ledger, hosts one screen per section (number keys), global commands.

Kept small on purpose: screens live in ``tui/screens``, forms in ``tui/modals``, commands in
``tui/commands.py``. Tests build the app with ``make_app(tmp_db, today=...)``.

Start-up: the first section (概览) is the app's default screen and is painted before the ledger is
read; the file is opened in a thread after that first frame (a prefecture file takes ~0.1 s to
decode), then every mounted screen is told (``ledger_opened``). Meanwhile ``?`` and ``q`` work, ``/``
opens the lookup (it searches once the file is there), the last section key pressed is kept for then,
and Ctrl+Z says to wait (an undo the clerk cannot see happen is not queued).
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from functools import partial
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Input, TextArea
from textual.worker import Worker, WorkerState

from ledgers.errors import LedgerError, StoreLocked, StoreNotWritable

from .commands import GLOBAL_COMMANDS, bindings
from .idle_gc import IdleCollector
from .palette import ChinesePalette
from .sections import Section, available_sections

if TYPE_CHECKING:
    from ledgers.ledger import Ledger
    from ledgers.models import CaseState


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
        self._pending_section: str | None = None  # the last section key pressed while the file was read
        self._froze = False  # this app has frozen the loaded ledger out of garbage collection
        self.idle_gc = IdleCollector()  # full collections in the clerk's pauses (tui/idle_gc.py)
        # The first section's screen is the default screen (see get_default_screen), under its own mode.
        self.DEFAULT_MODE = self.sections[0].mode
        super().__init__()
        self.sub_title = str(self.db_path)
        for s in self.sections[1:]:
            # Screens are built (and their modules imported) when first visited.
            self.add_mode(s.mode, partial(self._section_screen, s))

    def _section_screen(self, section: Section) -> Screen:
        """A section's screen on its first visit, marked as styled by the CSS in force.

        Textual re-reads every stylesheet from scratch (a fresh parse of app.tcss and every widget's
        CSS, then a restyle of the whole app) when a screen's CSS count differs from the app's, which
        a new screen's always does: ~150 ms of each section's first opening, growing with every
        section seen before. A new screen is styled when it mounts, by the stylesheet as it is; the
        refresh is for screens that missed a theme change while hidden. (Relies on the private
        ``_css_update_count``; textual<9 is pinned.)"""
        screen = section.make_screen()
        screen._css_update_count = self._css_update_count
        return screen

    @property
    def opening(self) -> bool:
        """The file is still being read (the first screen shows "正在打开账本"): neither a ledger nor an error yet."""
        return self.ledger is None and self.open_error is None

    def get_default_screen(self) -> Screen:
        # The first section is the default screen, made with the app: a mode registered before
        # start-up, or a switch to one, would re-parse every style sheet before the first frame.
        # Its mode is registered in on_mount, when its screen stack already exists.
        return self.sections[0].make_screen()

    # ------------------------------------------------------------ opening

    def read_ledger(self) -> tuple[Ledger | None, str, LedgerError | None]:
        """Open the file: (ledger, read-only reason, error). Never raises: whatever goes wrong ends
        on the open-error screen, not on "正在打开账本" for ever. Touches no state of the app (runs in
        a thread)."""
        try:
            ledger, reason = self._open_file()
            return ledger, reason, None
        except LedgerError as err:
            return None, "", err
        except Exception as err:  # noqa: BLE001
            return None, "", LedgerError(f"读取账本时出错：{type(err).__name__}: {err}")

    def _open_file(self) -> tuple[Ledger, str]:
        """The ledger and the read-only reason: a second copy of the app gets a read-only view."""
        # Imported here, in the reading thread: the ledger core's modules take ~60 ms to import,
        # which the first frame does not need.
        from ledgers.ledger import Ledger

        try:
            return Ledger.open(self.db_path, today=self.today_override), ""
        except StoreLocked as err:
            ledger = Ledger.open(self.db_path, today=self.today_override, read_only=True)
            return ledger, f"只读模式：{err}可以查看，不能修改；对方退出后按 F2 改为可写。"
        except StoreNotWritable as err:
            ledger = Ledger.open(self.db_path, today=self.today_override, read_only=True)
            return ledger, f"只读模式：{err}。可以查看，不能修改。"

    def open_ledger(self) -> None:
        """Open the file now, on this thread (the open-error screen's restore)."""
        self.ledger, self.read_only_reason, self.open_error = self.read_ledger()

    def on_mount(self) -> None:
        self.add_mode(self.sections[0].mode, self.sections[0].make_screen)

    def on_ready(self) -> None:
        # Ready = the first frame is on the terminal; a thread decoding the file before that would
        # share the GIL with it.
        self._open_in_background()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_in_background(self) -> None:
        ledger, reason, error = self.read_ledger()
        adopted = False

        def hand_over() -> None:  # on the app's thread
            nonlocal adopted
            if self.is_running:
                adopted = True
                self._ledger_read(ledger, reason, error)

        try:
            self.call_from_thread(hand_over)
        except BaseException:
            if adopted:  # an error in start(): reported like any failed worker
                raise
            # Otherwise the clerk quit while the file was being read (the app or its loop is gone).
        finally:
            if not adopted and ledger is not None:
                ledger.close()  # the next start must not find the file locked

    def _ledger_read(self, ledger: Ledger | None, reason: str, error: LedgerError | None) -> None:
        self.ledger, self.read_only_reason, self.open_error = ledger, reason, error
        # What is in memory now (the ledger, Textual) lives as long as the app: leave it out of every
        # later full collection, which would walk it all (~60 ms at prefecture scale) at random moments.
        gc.freeze()
        self._froze = True
        self.idle_gc.start(self)
        if self.open_error is not None or self.ledger is None:
            from .screens.open_error import OpenErrorScreen

            self._pending_section = None
            self.push_screen(OpenErrorScreen(self.open_error, self.db_path))
            return
        self.start()

    def start(self) -> None:
        """The ledger is open: every screen shows it (also after a restore from the open-error screen)."""
        assert self.ledger is not None
        self.update_titles()
        self._tell_screens("ledger_opened")
        # The lookup index (pypinyin over every name) is built once the first figures are up; a
        # thread competing for the GIL would delay them.
        self.set_timer(INDEX_DELAY, self.build_index)
        if self.ledger.is_empty() and not self.ledger.read_only:
            self.call_after_refresh(self.offer_first_run)
        pending, self._pending_section = self._pending_section, None
        if pending is not None:
            self.action_section(pending)  # a modal opened since (help, lookup) wins: it is later

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
        elif choice == "import":
            self.open_import(first_run=True)
        else:
            from .modals.settings_form import TownshipFormScreen

            self.push_screen(TownshipFormScreen(), self._township_named)

    def _township_named(self, settings: object) -> None:
        where = getattr(settings, "township", "") or "本乡镇"
        self.notify(f"从空账本开始（{where}）：按 2 进入“村情”，按 n 新增村。"
                    + ("" if settings is not None else "乡镇名称可在“设置”（7）中填写。"), markup=False)
        self.ledger_changed()

    def open_import(self, *, first_run: bool = False) -> None:
        """The Excel import dialog (from the first-run screen, or the 导出 section)."""
        from .modals.import_dialog import ImportScreen

        def closed(imported: bool | None) -> None:
            if imported:
                self.notify("导入完成。可按 Ctrl+Z 撤销本次导入。", markup=False)
            elif first_run and self.ledger is not None and self.ledger.is_empty():
                self.offer_first_run()  # nothing came in: the three ways to start again

        self.push_screen(ImportScreen(), closed)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def build_index(self) -> None:
        """pypinyin over every village name is slow: build the lookup index off the main thread,
        and the per-village lines the lookup shows (state, gaps) with it."""
        if self.ledger is not None:
            from ledgers.validate import load_region_codes

            from .modals.lookup import BRIEFS

            self.ledger.ensure_index()
            BRIEFS.prime(self.ledger)
            # The county codes an ID number is checked against: read here, not when the first card
            # with a first secretary opens (~40 ms of that card at once).
            load_region_codes()

    async def action_quit(self) -> None:
        for screen in self._all_screens():
            keep = getattr(screen, "keep_for_next_start", None)
            if keep is not None:
                try:
                    keep()
                except Exception:  # noqa: BLE001 - a copy for the next start never stops a quit
                    pass
        await super().action_quit()

    def on_unmount(self) -> None:
        if self.ledger is not None:
            self.ledger.close()
        self.idle_gc.stop()
        if self._froze:
            gc.unfreeze()  # what it froze may be collected again (tests run many apps in one process)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.idle_gc.touched()
        await super().on_event(event)

    # ------------------------------------------------------------ change propagation

    def ledger_changed(self) -> None:
        """Call after any change: every mounted screen refreshes what it shows."""
        assert self.ledger is not None
        self.update_titles()
        self.build_index()  # the index only if a reload (undo, demo) dropped it; the lookup lines
        self._tell_screens("refresh_data")

    def _tell_screens(self, method: str) -> None:
        """Call ``method`` on every mounted screen that has it (in every mode's stack)."""
        for screen in self._all_screens():
            handler = getattr(screen, method, None)
            if handler is not None and screen.is_mounted:
                handler()

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
        if self.ledger is None and not self.opening and action in ("lookup", "undo", "redo", "help", "section",
                                                                     "command_palette"):
            return False
        if action == "lookup" and isinstance(self.focused, (Input, TextArea)):
            return False  # "/" is typed into the field (the lookup binding has priority)
        return True

    def action_section(self, mode: str) -> None:
        if mode not in {s.mode for s in self.sections}:
            return
        if self.opening:
            self._pending_section = mode  # shown once the file is read; the last key pressed wins
            return
        if self.ledger is None:
            return
        # A modal (form, lookup) on top would be left behind half-done: switch only from a screen.
        if self.screen.is_modal:
            return
        # Another section's key: the drill-down open here (a case, a village card) stays where it is,
        # and is there again when the clerk comes back (issue 13: switching forgot the open case).
        # The key of the section already shown leads back to its list.
        if mode != self.current_mode:
            self.switch_mode(mode)
            return
        while len(self.screen_stack) > 1 and not self.screen.is_modal:
            self.pop_screen()

    def action_lookup(self) -> None:
        # At once, even while the file is read: what the clerk types goes into the lookup, which
        # searches when the file is there (a typed "q" must not reach the quit key).
        if self.ledger is None and not self.opening:
            return
        from .modals.lookup import LookupScreen

        self.push_screen(LookupScreen(), self.open_village_or_none)

    def open_village_or_none(self, village_id: int | None) -> None:
        if village_id is not None:
            self.open_village(village_id)

    def open_village(self, village_id: int) -> None:
        from .screens.village_detail import VillageDetailScreen

        self.push_screen(VillageDetailScreen(village_id))

    def show_in_section(self, mode: str, method: str, *args: object) -> bool:
        """Switch to section ``mode`` and call its screen's ``method`` with ``args`` (the matrix at a
        village, the roster at a posting); False when there is no such section."""
        if mode not in {s.mode for s in self.sections} or self.ledger is None:
            return False
        self.action_section(mode)
        target = getattr(self.screen, method, None)
        if target is not None:
            target(*args)
        return True

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

    def action_become_writer(self) -> None:
        """A read-only copy becomes the writer once the file can be written (the other copy quit)."""
        if self.ledger is None or not self.ledger.read_only:
            return
        if getattr(self.screen, "is_modal", False):
            return
        from ledgers.ledger import Ledger

        try:
            writer = Ledger.open(self.db_path, today=self.today_override)
        except (StoreLocked, StoreNotWritable) as err:
            self.notify(f"仍不能改为可写：{err}", severity="warning", markup=False, timeout=8)
            return
        except LedgerError as err:
            self.notify(str(err), severity="error", markup=False, timeout=8)
            return
        old, self.ledger, self.read_only_reason = self.ledger, writer, ""
        old.close()
        for screen in self._all_screens():
            for banner in screen.query("#readonly-banner"):
                banner.remove()
        self.update_titles()
        self.ledger_changed()
        self.build_index()
        self.notify("已改为可写：现在可以修改账本。", markup=False)

    def action_undo(self) -> None:
        self._undo_or_redo(redo=False)

    def action_redo(self) -> None:
        self._undo_or_redo(redo=True)

    def _undo_or_redo(self, *, redo: bool) -> None:
        verb = "重做" if redo else "撤销"
        if self.opening:
            self.notify(f"正在打开账本，请稍候再{verb}。", markup=False)
            return
        if getattr(self.screen, "running", False):  # an import (or export) at work: it is one change
            self.notify(f"正在导入，请等它完成后再{verb}。", markup=False)
            return
        if self.ledger is None:
            return
        if self.ledger.read_only:
            self.notify(f"只读模式下不能{verb}。", severity="warning", markup=False)
            return
        try:
            entry = self.ledger.redo() if redo else self.ledger.undo()
        except LedgerError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        if entry is None:
            self.notify("没有可以重做的修改（撤销之后又有新的修改时，不能再重做）。" if redo
                        else "没有可以撤销的修改。", markup=False)
            return
        self.notify(f"已{verb}：{entry.summary}", title=verb, markup=False)
        self.ledger_changed()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for s in self.sections:
            yield SystemCommand(f"{s.key} {s.title}", f"切换到“{s.title}”", lambda m=s.mode: self.action_section(m))
        for c in GLOBAL_COMMANDS:
            if c.id != "palette":
                yield SystemCommand(c.description, c.help, lambda a=c.action: self.run_action(a))
        # Textual's own commands, in Chinese (issue 13: the palette was half English). Its "Keys"
        # panel is left out: ? lists every key, in Chinese.
        yield SystemCommand("配色主题", "更换界面配色", self.action_change_theme)
        if screen.maximized is not None:
            yield SystemCommand("还原", "把放大的部分还原为正常大小", screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand("放大", "把光标所在的部分放大到整个窗口", screen.action_maximize)
        yield SystemCommand("截图", "把当前画面存为 SVG 图片", lambda: self.set_timer(0.1, self.deliver_screenshot))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(ChinesePalette(id="--command-palette"))

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
