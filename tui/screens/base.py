"""Bases for screens: commands from the registry, and the section frame (header, tab bar,
read-only banner, body, footer).

Subclasses list their keys in ``COMMANDS_LIST`` (``tui.commands.Command``), from which their
BINDINGS, footer entries and help lines are derived. Section screens implement ``compose_body``
and ``refresh_data``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ..commands import Command
from ..widgets.filter_bar import FilterBar
from ..widgets.footer import KeyFooter

if TYPE_CHECKING:
    from ledgers.ledger import Ledger

    from ..app import LedgerApp


class CommandScreen(Screen):
    """A screen whose bindings come from its ``COMMANDS_LIST``."""

    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = ()
    HELP_TITLE: ClassVar[str] = ""  # heading of this screen's keys on the help screen

    def __init_subclass__(cls, **kwargs: object) -> None:
        # Set BINDINGS *before* Textual merges them in DOMNode.__init_subclass__.
        if "COMMANDS_LIST" in cls.__dict__:
            cls.BINDINGS = [c.binding() for c in cls.COMMANDS_LIST]
        super().__init_subclass__(**kwargs)  # type: ignore[arg-type]

    @property
    def ledger_app(self) -> LedgerApp:
        return self.app  # type: ignore[return-value]

    @property
    def ledger(self) -> Ledger:
        ledger = self.ledger_app.ledger
        assert ledger is not None
        return ledger

    def check_writable(self) -> bool:
        """True when changes are allowed; otherwise tells the clerk why not."""
        if self.ledger.read_only:
            self.notify("只读模式：另一位同事正在使用该账本，不能修改。", severity="warning", markup=False)
            return False
        return True

    def refresh_data(self) -> None:
        """Re-read from the ledger after a change (or an undo) anywhere in the app."""


class SectionScreen(CommandScreen):
    """A top-level section (概览, 村情 …)."""

    MODE: ClassVar[str] = ""
    # The footer's keys in the screen's first frame (a section opened later: one layout, not two);
    # the start screen leaves them to just after it, so the first frame comes sooner.
    FOOTER_WITH_SCREEN: ClassVar[bool] = True

    def compose(self) -> ComposeResult:
        from ..widgets.tabbar import TabBar

        yield Header()
        yield TabBar(self.ledger_app.sections, self.MODE)
        reason = self.ledger_app.read_only_reason
        if reason:
            yield self._banner(reason)
        yield from self.compose_body()
        yield KeyFooter(with_screen=self.FOOTER_WITH_SCREEN)

    @staticmethod
    def _banner(reason: str) -> Static:
        return Static(reason, id="readonly-banner", markup=False)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def ledger_opened(self) -> None:
        """The file has been read (the first screen is shown before): the read-only banner, the data."""
        from ..widgets.tabbar import TabBar

        reason = self.ledger_app.read_only_reason
        if reason and not self.query("#readonly-banner"):
            self.mount(self._banner(reason), after=self.query_one(TabBar))
        self.refresh_data()


class FilteredSectionScreen(SectionScreen):
    """A section whose body is a ``FilterBar`` over a sortable row table (村情, 整顿台账).

    Subclasses provide ``filter_bar``, ``table`` (with ``shown``, ``sort_reverse``), ``all_rows``,
    ``loaded_version``, ``query_text``, the ``filtered`` property and ``refilter()``."""

    NOTHING_MATCHES: ClassVar[str] = "没有符合条件的记录，按 Esc 清除筛选"
    EMPTY_HINT: ClassVar[str] = ""
    TOWNSHIP_UNIT: ClassVar[str] = "个村"  # how the township chooser counts this section's rows

    township: str | None = None  # the township filter (county and prefecture ledgers)

    def by_township(self, rows: list) -> list:
        """``rows`` of the township chosen with ``x`` (all when none is)."""
        township = self.township
        return rows if township is None else [r for r in rows if r.township == township]

    def township_part(self, parts: list[str]) -> None:
        if self.township is not None:
            parts.append(f"乡镇：{self.township}")

    def action_choose_township(self) -> None:
        """``x``: pick a township by typing its name, pinyin or initials (issue 13: a county's or a
        prefecture's ledger has dozens; stepping through them one key press at a time does not do)."""
        from ..modals.township_choice import TownshipChoiceScreen

        rows = self.all_rows  # type: ignore[attr-defined]
        if not rows:
            self.notify("还没有记录，无从按乡镇筛选。", markup=False)
            return

        def chosen(name: str | None) -> None:
            if name is None or (name or None) == self.township:
                return
            self.township = name or None
            self.refilter()  # type: ignore[attr-defined]

        self.app.push_screen(TownshipChoiceScreen([r.township for r in rows], self.township, self.TOWNSHIP_UNIT),
                             chosen)

    def show_status(self, parts: list[str], sort_label: str, shown_at: int = 1) -> None:
        """The status line: ``parts`` (counts, filters; ``parts[shown_at]`` says how many rows are
        shown), then sort order, read-only, and hints. When a filter leaves nothing, that is said
        in place of "显示0…", and the order of no rows is not: the line then still fits one row at
        120 columns (it took a second row on the roster, and laying the screen out again held that
        keystroke back ~90 ms)."""
        if not self.table.shown and self.all_rows and self.filtered:  # type: ignore[attr-defined]
            parts[shown_at] = self.NOTHING_MATCHES  # first thing read, before the filters
        else:
            parts.append(f"排序：{sort_label}{'▼' if self.table.sort_reverse else '▲'}")  # type: ignore[attr-defined]
            if not self.all_rows and self.loaded_version >= 0:  # type: ignore[attr-defined]
                parts.append(self.EMPTY_HINT)
        if self.ledger.read_only:
            parts.append("只读")
        self.filter_bar.set_status(" · ".join(parts))  # type: ignore[attr-defined]

    @on(FilterBar.QueryChanged)
    def _query_changed(self, event: FilterBar.QueryChanged) -> None:
        self.query_text = event.query
        self.refilter()  # type: ignore[attr-defined]

    @on(FilterBar.Done)
    def _query_done(self) -> None:
        self.table.focus()  # type: ignore[attr-defined]

    def action_focus_filter(self) -> None:
        self.filter_bar.input.focus()  # type: ignore[attr-defined]

    # Sorting, for sections whose table is a ``SortedRowTable`` and that show it in ``update_status``.

    def action_cycle_sort(self) -> None:
        """``s``: the column chooser (issue 13: one column per press across 14–24 columns)."""
        from ..modals.sort_choice import SortChoiceScreen

        table = self.table  # type: ignore[attr-defined]
        columns = [(c.key, c.label) for c in table.COLUMNS]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            table.sort_by(key, reverse=not table.sort_reverse if key == table.sort_column else False)
            table.show_top()
            self.update_status()  # type: ignore[attr-defined]

        self.app.push_screen(SortChoiceScreen(columns, table.sort_column, table.sort_reverse), chosen)

    def action_reverse_sort(self) -> None:
        table = self.table  # type: ignore[attr-defined]
        table.sort_by(table.sort_column, reverse=not table.sort_reverse)
        table.show_top()
        self.update_status()  # type: ignore[attr-defined]

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        if event.data_table is self.table:  # type: ignore[attr-defined]
            self.table.sort_by(str(event.column_key.value))  # type: ignore[attr-defined]
            self.table.show_top()  # type: ignore[attr-defined]
            self.update_status()  # type: ignore[attr-defined]
