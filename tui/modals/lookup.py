"""Instant village lookup (``/``): hanzi, full pinyin or initials; results on every keystroke.

Its own palette rather than the general command palette (STYLE.md: the general palette mixes the
scores of every provider and a village sinks below built-in commands). A command-palette provider
(``VillageProvider``) also lets Ctrl+P find villages.

Each result is the village name with the matched characters highlighted (``Hit.spans``), then the
township, the active case's state and the 四个一 gaps. Names are data: built as ``Content``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import Hit as PaletteHit, Hits, Provider
from textual.containers import Vertical
from textual.content import Content, Span
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ledgers.errors import LedgerError
from ledgers.ledger import Ledger
from ledgers.lookup import EXACT, Hit
from ledgers.models import SLOTTED_CASE_STATES, CaseState, Role

from ..widgets.footer import KeyFooter

RESULT_LIMIT = 20
HIGHLIGHT = "bold reverse"


@dataclass(frozen=True)
class Brief:
    """What a lookup result shows besides the name."""

    township: str
    state: CaseState | None
    gaps: int  # 四个一 slots not filled (only for cases that need them)


def build_briefs(ledger: Ledger) -> dict[int, Brief]:
    """Briefs of every village in one pass (a worker at start-up and after changes): a cold
    per-village lookup deep-copies the village's cases, too slow for 20 new results per keystroke."""
    state: dict[int, CaseState] = {}
    for c in ledger.cases():  # by (year, id): the last active one wins, as in Ledger.active_case
        if c.active:
            state[c.village_id] = c.state
    from ledgers.assignments import filled_roles

    filled = filled_roles(ledger)
    return {v.id: Brief(v.township, state.get(v.id),
                        len(Role) - len(filled.get(v.id, ())) if state.get(v.id) in SLOTTED_CASE_STATES else 0)
            for v in ledger.villages()}


class BriefCache:
    """Briefs per village for the current ledger version: a table primed off the main thread, and
    single villages computed on demand until it is ready (or after a change, until re-primed)."""

    def __init__(self) -> None:
        self._key: tuple[int, int] = (0, -1)  # (id of the ledger, its version)
        self._briefs: dict[int, Brief] = {}

    def prime(self, ledger: Ledger) -> None:
        """Build the whole table (safe in a worker thread; dropped if the ledger changed meanwhile)."""
        key = (id(ledger), ledger.version)
        table = build_briefs(ledger)
        if (id(ledger), ledger.version) == key:
            self._briefs, self._key = table, key

    def get(self, ledger: Ledger, village_id: int) -> Brief:
        key = (id(ledger), ledger.version)
        if self._key != key:
            self._briefs, self._key = {}, key
        brief = self._briefs.get(village_id)
        if brief is None:
            case = ledger.active_case(village_id)
            gaps = 0
            if case is not None and case.state in SLOTTED_CASE_STATES:
                gaps = sum(1 for h in ledger.slots(village_id).values() if h is None)
            township = ""
            try:
                township = ledger.village(village_id).township
            except LedgerError:  # removed meanwhile
                pass
            brief = Brief(township, case.state if case else None, gaps)
            self._briefs[village_id] = brief
        return brief


BRIEFS = BriefCache()


def highlighted_name(hit: Hit) -> Content:
    """The village name with the characters the query matched highlighted."""
    spans = [Span(start, end, HIGHLIGHT) for start, end in _span_pairs(hit.spans)]
    return Content(hit.name, spans=spans)


def _span_pairs(spans: object) -> list[tuple[int, int]]:
    """``Hit.spans`` as (start, end) character offsets, whatever shape the index gives."""
    out: list[tuple[int, int]] = []
    for s in spans or ():  # type: ignore[attr-defined]
        if isinstance(s, int):
            out.append((s, s + 1))
        else:
            start, end = s[0], s[1]
            out.append((start, end))
    return out


def hit_content(hit: Hit, brief: Brief) -> Content:
    parts = [highlighted_name(hit), Content("  "), Content.styled(brief.township, "dim")]
    if brief.state is not None:
        parts += [Content("  "), Content.styled(str(brief.state), "bold")]
    if brief.gaps:
        parts += [Content("  "), Content.styled(f"四个一缺{brief.gaps}项", "bold red")]
    return Content.assemble(*parts)


class LookupScreen(ModalScreen[int | None]):
    """Type to find a village; Enter opens it, Esc closes."""

    BINDINGS = [
        Binding("escape", "cancel", "关闭", id="lookup-cancel"),
        Binding("down", "cursor_down", "下一个", show=False, id="lookup-down"),
        Binding("up", "cursor_up", "上一个", show=False, id="lookup-up"),
        Binding("enter", "choose", "打开", id="lookup-open", priority=True),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query

    @property
    def ledger(self) -> Ledger | None:
        """None while the app is still reading the file (the lookup opens at once all the same)."""
        return self.app.ledger  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup-dialog", classes="dialog"):
            yield Static(Content("查村：输入村名、全拼或拼音首字母（如 qsc），Enter 打开，Esc 关闭"),
                         classes="dialog-title")
            yield Input(self.initial_query, placeholder="村名 / 全拼 / 首字母", id="lookup-input")
            yield OptionList(id="lookup-results")
            yield Static("", id="lookup-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#lookup-results", OptionList).can_focus = False
        self.query_one("#lookup-input", Input).focus()
        self.show_results(self.initial_query)

    def on_key(self, event: events.Key) -> None:
        # A character that reaches the screen itself (not through the input, which keeps what it
        # takes) was typed right after "/", before the screen was up: it belongs in the query.
        if event.is_printable and event.character:
            field = self.query_one("#lookup-input", Input)
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()

    @on(Input.Changed, "#lookup-input")
    def _changed(self, event: Input.Changed) -> None:
        self.show_results(event.value)

    def show_results(self, query: str) -> None:
        results = self.query_one("#lookup-results", OptionList)
        status = self.query_one("#lookup-status", Static)
        query = query.strip()
        ledger = self.ledger
        if not query or ledger is None:
            results.clear_options()
            status.update("正在打开账本……" if ledger is None and query else "")
            return
        hits = ledger.lookup(query, RESULT_LIMIT)
        results.set_options(Option(hit_content(h, BRIEFS.get(ledger, h.village_id)), id=str(h.village_id))
                            for h in hits)
        if hits:
            results.highlighted = 0
            status.update(f"找到 {len(hits)} 个村" + ("（只显示前 20 个）" if len(hits) >= RESULT_LIMIT else ""))
        else:
            status.update("没有匹配的村")

    def ledger_opened(self) -> None:
        """The app has read the file: search what was typed meanwhile."""
        self.show_results(self.query_one("#lookup-input", Input).value)

    def action_cursor_down(self) -> None:
        self.query_one("#lookup-results", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#lookup-results", OptionList).action_cursor_up()

    def action_choose(self) -> None:
        results = self.query_one("#lookup-results", OptionList)
        option = results.highlighted_option
        if option is not None and option.id is not None:
            self.dismiss(int(option.id))

    @on(OptionList.OptionSelected, "#lookup-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


class VillageProvider(Provider):
    """Command-palette provider: Ctrl+P finds villages by the same index as ``/``."""

    async def search(self, query: str) -> Hits:
        app = self.app
        ledger: Ledger | None = getattr(app, "ledger", None)
        if ledger is None or not query.strip():
            return
        for hit in ledger.lookup(query, 10):
            brief = BRIEFS.get(ledger, hit.village_id)
            yield PaletteHit(
                min(1.0, hit.score / EXACT),  # the palette wants 0–1; EXACT is the best match kind
                hit_content(hit, brief),
                partial(app.open_village, hit.village_id),  # type: ignore[attr-defined]
                text=hit.name,
                help=f"打开{brief.township}{hit.name}的详情",
            )
