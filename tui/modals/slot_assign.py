"""Fill one 四个一 slot: type a name (hanzi, full pinyin or initials), pick with ↑↓, Enter assigns.

Leaders and units are assigned with ``ledgers.assignments.assign`` (the previous holder ends the
day before the start date, its history kept); Ctrl+N creates a new leader or unit (the holder form)
and assigns it at once. The first-secretary slot is a posting: picking a cadre posts them with
``ledgers.roster.post`` (在岗 from the arrival date, 拟选派 when it is left empty); a cadre whose
posting is still planned or serving is refused (调整 belongs to the 第一书记 section), and new
cadres are entered there too.

Names are matched by ``NameIndex``: the village lookup's index (``ledgers.lookup.VillageIndex``:
every reading of a 多音字, one letter per character, highlight spans) over people's and units' names.
pypinyin is imported only when an index is first built, in a worker thread.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ledgers.errors import FieldError, LedgerError, ValidationErrors
from ledgers.ledger import Ledger
from ledgers.lookup import Hit, VillageIndex
from ledgers.models import Role, SecretaryStatus
from ledgers.text import clean_text

from ..widgets.footer import KeyFooter
from .lookup import highlighted_name

RESULT_LIMIT = 20
SECRETARY_SECTION_HINT = "请在“第一书记”栏目（按 5）"


# ---------------------------------------------------------------- name matching


class NameIndex:
    """Names found by hanzi, full pinyin or initials (吴海波: ``whb``, ``wuhai``, ``海波``).

    One ``VillageIndex`` per kind of name, rebuilt only when the names change; safe to build in a
    worker thread while the main thread waits for it (one lock)."""

    _lock = threading.Lock()
    _built: dict[str, tuple[tuple[tuple[int, str], ...], VillageIndex]] = {}

    @classmethod
    def get(cls, kind: str, names: Sequence[tuple[int, str]]) -> VillageIndex:
        """The index of ``names`` ((id, name) pairs), built now if needed (calls pypinyin)."""
        key = tuple(names)
        with cls._lock:
            cached = cls._built.get(kind)
            if cached is not None and cached[0] == key:
                return cached[1]
            index = VillageIndex(readings=None)  # person and unit names: no place-name readings
            index.build((i, n, "") for i, n in key)
            cls._built[kind] = (key, index)
            return index

    @classmethod
    def ready(cls, kind: str, names: Sequence[tuple[int, str]]) -> VillageIndex | None:
        """The index if it is already built for exactly these names, without waiting or building."""
        cached = cls._built.get(kind)
        return cached[1] if cached is not None and cached[0] == tuple(names) else None


def substring_hits(names: Sequence[tuple[int, str]], query: str, limit: int) -> list[Hit]:
    """Hanzi matches while the pinyin index is being built (no pypinyin needed)."""
    q = clean_text(query).lower()
    out = []
    for i, name in names:
        at = name.lower().find(q)
        if at >= 0:
            out.append(Hit(i, name, 1000 if at == 0 else 300, "substring", ((at, at + len(q)),)))
    out.sort(key=lambda h: (-h.score, len(h.name), h.village_id))
    return out[:limit]


# ---------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Candidate:
    """Someone (or a unit) who can fill the slot."""

    id: int
    name: str
    detail: str  # title / level / dispatching unit
    note: str = ""  # how many villages it links, or where a cadre is posted
    busy: bool = False  # a cadre with a posting planned or serving: cannot be posted again here


def candidates(ledger: Ledger, role: Role) -> list[Candidate]:
    """Who may fill ``role``: leaders of that kind, units, or cadres of the roster."""
    from ledgers import assignments

    if role == Role.FIRST_SECRETARY:
        from ledgers import roster

        busy: dict[int, str] = {}
        for e in roster.roster(ledger, include_ended=False):
            if e.status in (SecretaryStatus.PROPOSED, SecretaryStatus.ACTIVE, SecretaryStatus.TERM_ENDING):
                busy[e.cadre.id] = f"{e.status.value}：{e.village}"
        return [Candidate(c.id, c.name, c.dispatching_unit, busy.get(c.id, ""), c.id in busy)
                for c in roster.cadres(ledger)]
    counts = assignments.link_counts(ledger)
    if role == Role.PAIRED_UNIT:
        return [Candidate(u.id, u.name, u.level.value, _links_note(counts.get(("units", u.id), 0)))
                for u in assignments.units(ledger)]
    return [Candidate(l.id, l.name, l.title, _links_note(counts.get(("leaders", l.id), 0)))
            for l in assignments.leaders(ledger, role)]


def _links_note(n: int) -> str:
    return f"包联{n}个村" if n else "暂未包联"


def index_kind(role: Role) -> str:
    return {Role.FIRST_SECRETARY: "cadres", Role.PAIRED_UNIT: "units"}.get(role, f"leaders:{role.value}")


def prime_indexes(ledger: Ledger) -> None:
    """Build the name indexes of every slot kind (the matrix's worker does it ahead of the first Enter)."""
    for role in Role:
        NameIndex.get(index_kind(role), [(c.id, c.name) for c in candidates(ledger, role)])


def _parse_day(text: str, label: str) -> date | None:
    from ledgers.validate import parse_optional_date

    return parse_optional_date(text, label)


# ---------------------------------------------------------------- the modal


class SlotAssignScreen(ModalScreen[str | None]):
    """Pick (or create) who fills ``role`` in ``village_id``; returns what was done, for a toast.

    Each change is written at once through the ledger (and ``ledger_changed`` is called), so a failed
    assignment after a new leader was saved keeps the new leader."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", id="slot-cancel"),
        Binding("enter", "choose", "指派", id="slot-choose", priority=True),
        Binding("down", "cursor_down", "下一个", show=False, id="slot-down"),
        Binding("up", "cursor_up", "上一个", show=False, id="slot-up"),
        Binding("ctrl+n", "new_holder", "新增", id="slot-new"),
    ]

    def __init__(self, village_id: int, village: str, role: Role, current: str = "") -> None:
        super().__init__()
        self.village_id = village_id
        self.village = village
        self.role = role
        self.current = current  # who holds the slot now ("" for a gap)
        self.all: list[Candidate] = []
        self.by_id: dict[int, Candidate] = {}
        self.shown: list[Candidate] = []

    @property
    def ledger(self) -> Ledger:
        return self.app.ledger  # type: ignore[attr-defined]

    @property
    def date_label(self) -> str:
        return "到村时间" if self.role == Role.FIRST_SECRETARY else "开始日期"

    def compose(self) -> ComposeResult:
        now = f"（现任：{self.current}）" if self.current else "（未落实）"
        with Vertical(id="slot-dialog", classes="dialog"):
            yield Static(Content(f"{self.village} · {self.role.value}{now}"), classes="dialog-title")
            yield Input(placeholder="输入姓名 / 全拼 / 首字母" if self.role != Role.PAIRED_UNIT
                        else "输入单位名称 / 全拼 / 首字母", id="slot-query")
            yield OptionList(id="slot-results")
            with Horizontal(id="slot-date-row"):
                yield Label(Content(self.date_label), id="slot-date-label")
                yield Input(self.ledger.today.isoformat(), id="slot-date", placeholder="如：2026-11-23")
            yield Static(Content(self._date_help()), id="slot-help")
            yield Static("", id="slot-message", markup=False)
        yield KeyFooter()

    def _date_help(self) -> str:
        if self.role == Role.FIRST_SECRETARY:
            return "到村时间留空：录为“拟选派”（不算落实）。新的第一书记" + SECRETARY_SECTION_HINT + "新增。"
        hint = "Ctrl+N 新增" + ("结对单位" if self.role == Role.PAIRED_UNIT else "领导") + "并指派"
        return (f"现任从开始日期前一天起结束（保留历史）。{hint}。" if self.current else f"{hint}。")

    def on_mount(self) -> None:
        self.query_one("#slot-results", OptionList).can_focus = False
        self.query_one("#slot-message", Static).display = False
        self.query_one("#slot-query", Input).focus()
        self.load_candidates()

    def load_candidates(self) -> None:
        self.all = candidates(self.ledger, self.role)
        self.by_id = {c.id: c for c in self.all}
        self.show_results(self.query_one("#slot-query", Input).value)
        if NameIndex.ready(index_kind(self.role), self._names()) is None:
            self.build_index()

    def _names(self) -> list[tuple[int, str]]:
        return [(c.id, c.name) for c in self.all]

    @work(thread=True, exclusive=True, group="slot-index", exit_on_error=False)
    def build_index(self) -> None:
        NameIndex.get(index_kind(self.role), self._names())
        self.app.call_from_thread(self._index_built)

    def _index_built(self) -> None:
        if self.is_attached:
            self.show_results(self.query_one("#slot-query", Input).value)

    def on_key(self, event: events.Key) -> None:
        # Letters typed right after Enter opened the dialog, before the input had focus, are the query.
        if event.is_printable and event.character and not isinstance(self.focused, Input):
            field = self.query_one("#slot-query", Input)
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()

    @on(Input.Changed, "#slot-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.show_results(event.value)

    def hits(self, query: str, *, wait: bool = False) -> list[Hit]:
        """Matches for ``query``: the pinyin index once built (``wait`` builds it now), hanzi before."""
        names = self._names()
        kind = index_kind(self.role)
        index = NameIndex.get(kind, names) if wait else NameIndex.ready(kind, names)
        if index is None:
            return substring_hits(names, query, RESULT_LIMIT)
        return index.search(query, RESULT_LIMIT)

    def show_results(self, query: str, *, wait: bool = False) -> None:
        results = self.query_one("#slot-results", OptionList)
        query = query.strip()
        if query:
            found = [(self.by_id[h.village_id], highlighted_name(h)) for h in self.hits(query, wait=wait)
                     if h.village_id in self.by_id]
        else:
            pool = [c for c in self.all if not c.busy] or self.all
            found = [(c, Content(c.name)) for c in pool[:RESULT_LIMIT]]
        self.shown = [c for c, _ in found]
        results.set_options(Option(self._line(c, name), id=str(c.id)) for c, name in found)
        if found:
            results.highlighted = 0
        elif query:
            what = "结对单位" if self.role == Role.PAIRED_UNIT else "人员"
            new = (SECRETARY_SECTION_HINT + "新增" if self.role == Role.FIRST_SECRETARY else "按 Ctrl+N 新增")
            results.set_options([Option(Content(f"没有匹配的{what}：{new}"), disabled=True)])

    @staticmethod
    def _line(c: Candidate, name: Content) -> Content:
        parts = [name]
        if c.detail:
            parts += [Content("  "), Content.styled(c.detail, "dim")]
        if c.note:
            parts += [Content("  "), Content.styled(c.note, "yellow" if c.busy else "dim")]
        return Content.assemble(*parts)

    def action_cursor_down(self) -> None:
        self.query_one("#slot-results", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#slot-results", OptionList).action_cursor_up()

    def _message(self, text: str) -> None:
        m = self.query_one("#slot-message", Static)
        m.update(Content(text))
        m.display = bool(text)

    def action_choose(self) -> None:
        query = self.query_one("#slot-query", Input).value.strip()
        results = self.query_one("#slot-results", OptionList)
        if query and NameIndex.ready(index_kind(self.role), self._names()) is None:
            self.show_results(query, wait=True)  # Enter before the index was ready: match by pinyin now
        option = results.highlighted_option
        if option is None or option.id is None or option.disabled:
            self._message("请先输入姓名并从列表中选择（↑↓ 移动）。")
            return
        self.assign(int(option.id))

    @on(OptionList.OptionSelected, "#slot-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.assign(int(event.option.id))

    def assign(self, holder_id: int) -> None:
        """Write the choice; errors stay in the dialog (the draft is kept)."""
        try:
            day = _parse_day(self.query_one("#slot-date", Input).value, self.date_label)
        except FieldError as err:
            self._message(f"{err.field}：{err.detail}")
            self.query_one("#slot-date", Input).focus()
            return
        try:
            done = self._write(holder_id, day)
        except ValidationErrors as err:
            self._message("未指派：" + "；".join(f"{e.field}：{e.detail}" if e.field else e.detail
                                                for e in err.errors))
            return
        except LedgerError as err:
            self._message("未指派：" + str(err))
            return
        if done is None:
            return
        self.app.ledger_changed()  # type: ignore[attr-defined]
        self.dismiss(done)

    def _write(self, holder_id: int, day: date | None) -> str | None:
        ledger = self.ledger
        if self.role == Role.FIRST_SECRETARY:
            from ledgers import roster

            cadre = self.by_id.get(holder_id)
            name = cadre.name if cadre else ""
            current = roster.in_force(ledger, holder_id)
            if current is not None:
                self._message(f"{name}已有“{current.status.value}”的驻村记录（{ledger.village_name(current.village_id)}），"
                              f"同一时间只能驻一个村。换村{SECRETARY_SECTION_HINT}用“调整”办理。")
                return None
            entry = roster.post(ledger, holder_id, self.village_id, arrival=day)
            return (f"已选派：{self.village}第一书记 {entry.name}（{entry.status.value}）"
                    + ("" if day else "，到村后请在“第一书记”栏目办理到村"))
        from ledgers import assignments

        assignments.assign(ledger, self.village_id, self.role, holder_id, start=day)
        name = self.by_id[holder_id].name if holder_id in self.by_id else ""
        return f"已指派：{self.village}{self.role.value} {name}"

    def action_new_holder(self) -> None:
        if self.role == Role.FIRST_SECRETARY:
            self._message(SECRETARY_SECTION_HINT + "新增第一书记，再回到这里选择。")
            return
        from .holder_form import LeaderFormScreen, UnitFormScreen

        typed = self.query_one("#slot-query", Input).value.strip()
        name = "" if typed.isascii() else typed  # pinyin typed to search is not a name

        def saved(holder: object) -> None:
            if holder is None:
                return
            self.app.ledger_changed()  # type: ignore[attr-defined]
            self.load_candidates()
            self.assign(holder.id)  # type: ignore[attr-defined]

        if self.role == Role.PAIRED_UNIT:
            self.app.push_screen(UnitFormScreen(None, name=name), saved)
        else:
            self.app.push_screen(LeaderFormScreen(None, role=self.role, name=name), saved)

    def action_cancel(self) -> None:
        self.dismiss(None)
