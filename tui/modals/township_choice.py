"""按乡镇筛选: the townships of a county's or prefecture's ledger, found by typing their name, full
pinyin or initials (as villages are); Enter picks one, "全部乡镇" lifts the filter, Esc leaves it
as it was. Returns the township's name, "" for all, or None (cancelled)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ledgers.lookup import find_places

from ..widgets.footer import KeyFooter
from .lookup import highlighted_name

ALL = "*"  # the option id of 全部乡镇


class TownshipChoiceScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "取消", id="township-cancel"),
        Binding("enter", "choose", "选定", id="township-choose", priority=True),
        Binding("down", "cursor_down", "下一个", show=False, id="township-down"),
        Binding("up", "cursor_up", "上一个", show=False, id="township-up"),
        Binding("ctrl+home", "first", "第一个", show=False, id="township-first"),
        Binding("ctrl+end", "last", "最后一个", show=False, id="township-last"),
    ]
    DEFAULT_CSS = """
    TownshipChoiceScreen OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, townships: Iterable[str], current: str | None, what: str = "个村") -> None:
        """``townships``: one per row of the list (so each is counted); ``what`` names the rows."""
        super().__init__()
        counts = Counter(t for t in townships if t)
        self.names = sorted(counts)
        self.counts = counts
        self.current = current
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="township-dialog", classes="dialog"):
            yield Static(Content(f"按乡镇筛选（共{len(self.names)}个乡镇；↑↓ Enter 选定，Ctrl+Home 回到“全部乡镇”，Esc 取消）"),
                         classes="dialog-title")
            yield Input(placeholder="输入乡镇名 / 全拼 / 首字母", id="township-query")
            yield OptionList(id="township-results")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        self.query_one(Input).focus()
        self.show_results("")

    @on(Input.Changed, "#township-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.show_results(event.value)

    def _line(self, name: Content, township: str) -> Content:
        parts = [name, Content.styled(f"  {self.counts[township]}{self.what}", "dim")]
        if township == self.current:
            parts.append(Content.styled("  当前", "bold"))
        return Content.assemble(*parts)

    def show_results(self, query: str) -> None:
        results = self.query_one(OptionList)
        query = query.strip()
        options: list[Option] = []
        if query:
            hits = find_places(self.names, query, limit=len(self.names))
            options = [Option(self._line(highlighted_name(h), self.names[h.village_id]), id=str(h.village_id))
                       for h in hits]
            if not options:
                options = [Option(Content(f"没有名称、全拼或首字母匹配“{query}”的乡镇"), disabled=True)]
        else:
            label = "全部乡镇" + ("  当前" if self.current is None else "")
            options = [Option(Content(label), id=ALL)]
            options += [Option(self._line(Content(n), n), id=str(i)) for i, n in enumerate(self.names)]
        results.set_options(options)
        results.highlighted = 0
        if not query and self.current in self.names:
            results.highlighted = self.names.index(self.current) + 1

    def on_key(self, event: events.Key) -> None:
        # Letters typed before the input had focus are the query.
        if event.is_printable and event.character and not isinstance(self.focused, Input):
            field = self.query_one(Input)
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_first(self) -> None:
        self.query_one(OptionList).action_first()

    def action_last(self) -> None:
        self.query_one(OptionList).action_last()

    def action_choose(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id is None or option.disabled:
            return
        self.dismiss("" if option.id == ALL else self.names[int(option.id)])

    @on(OptionList.OptionSelected, "#township-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss("" if event.option.id == ALL else self.names[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)
