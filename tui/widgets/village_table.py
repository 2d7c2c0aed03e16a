"""The village registry table: rows keyed by village id, cells as rich ``Text`` (never markup,
CJK measured in cells), sorting by any column, and in-place updates from a diff.

Row data is plain: ``VillageRow`` (built off the main thread at start-up by ``build_rows``).
``apply`` compares new rows with what is shown and touches only the rows that changed —
never clear-and-reload for one edit (PITFALLS.md: ~1 s at 10,000 rows).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text

from ledgers.ledger import Ledger
from ledgers.models import CaseState, IncomeTier, Settings, Village
from ledgers.rules import income_tier

from ..commands import Command
from .row_table import Column, SortCell, SortedRowTable
from .row_table import gap_cell as _cell
from .text import clip


def _wan(amount: int | None) -> str:
    """Income as clerks write it: 56万, 1.2万, 8000元, 0."""
    if amount is None:
        return ""
    if amount == 0:
        return "0"
    if amount < 10_000:
        return f"{amount}元"
    return f"{amount / 10_000:.2f}".rstrip("0").rstrip(".") + "万"


@dataclass(frozen=True)
class VillageRow:
    """What one table row shows (plain data; comparable, so a diff finds changed rows)."""

    id: int
    seq: int
    township: str
    name: str
    kind: str
    population: int
    households: int
    full: int
    probationary: int
    org_type: str
    secretary: str
    age: int | None
    dual: bool
    income: int | None
    tier: IncomeTier
    tags: tuple[str, ...]
    state: CaseState | None


def _num(n: int | None) -> SortCell:
    return _cell("" if n is None else str(n), n, justify="right")


# Short tier labels keep the 15 columns within 120 cells (the detail view shows the full label).
TIER_SHORT = {IncomeTier.T5_10: "5-10万", IncomeTier.T10_50: "10-50万", IncomeTier.T50_100: "50-100万",
              IncomeTier.T100: "100万以上"}

TAGS_WIDTH = 13  # cells, the leading gap included: the detail view shows every tag

STATE_STYLE = {CaseState.RECTIFYING: "bold", CaseState.AWAITING_ACCEPTANCE: "bold",
               CaseState.RELAPSED: "bold red"}

COLUMNS: tuple[Column[VillageRow], ...] = (
    Column("seq", "序号", lambda r: _num(r.seq)),
    Column("township", "乡镇", lambda r: _cell(r.township, r.township)),
    Column("name", "村名", lambda r: _cell(r.name, r.name)),
    Column("kind", "类型", lambda r: _cell(r.kind, r.kind)),
    Column("population", "人口", lambda r: _num(r.population)),
    Column("households", "户数", lambda r: _num(r.households)),
    Column("members", "党员\n正式/预备",
           lambda r: _cell(f"{r.full}/{r.probationary}", r.full + r.probationary, justify="right")),
    Column("org_type", "组织类型", lambda r: _cell(r.org_type, r.org_type)),
    Column("secretary", "书记", lambda r: _cell(r.secretary, r.secretary or None)),
    Column("age", "年龄", lambda r: _num(r.age)),
    Column("dual", "一肩挑", lambda r: _cell("是" if r.dual else "否", not r.dual)),
    Column("income", "集体经济\n收入", lambda r: _cell(_wan(r.income), r.income, justify="right")),
    Column("tier", "收入档次", lambda r: _cell(TIER_SHORT.get(r.tier, r.tier.value), list(IncomeTier).index(r.tier),
                                                 style="red" if r.tier in (IncomeTier.SHELL, IncomeTier.WEAK) else "")),
    Column("tags", "标签", lambda r: _cell(clip("、".join(r.tags), TAGS_WIDTH - 1), "、".join(r.tags) or None),
           width=TAGS_WIDTH),
    Column("state", "当前整顿\n阶段", lambda r: _cell(str(r.state) if r.state else "",
                                                  list(CaseState).index(r.state) if r.state else None,
                                                  style=STATE_STYLE.get(r.state, "") if r.state else "")),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


def village_row(ledger: Ledger, v: Village, seq: int, settings: Settings) -> VillageRow:
    # str() rather than .value: the same for a StrEnum member and for a plain str from older data.
    case = ledger.active_case(v.id)
    return VillageRow(v.id, seq, v.township, v.name, str(v.kind), v.population, v.households, v.full_members,
                      v.probationary_members, str(v.org_type), v.secretary_name, v.secretary_age,
                      v.secretary_is_director, v.income(), income_tier(v.income(), settings),
                      tuple(v.tags), case.state if case else None)


def build_rows(ledger: Ledger) -> list[VillageRow]:
    """Every village in ledger order (township, id); safe to run in a worker thread."""
    settings = ledger.settings
    return [village_row(ledger, v, seq, settings) for seq, v in enumerate(ledger.villages(), 1)]


TABLE_COMMANDS: tuple[Command, ...] = (
    Command("villages-open", "enter", "select_cursor", "详情", "打开光标所在村的详情"),
)


class VillageTable(SortedRowTable[VillageRow]):
    """The registry table. ``show(rows)`` sets the visible rows; ``apply`` diffs them in place."""

    BINDINGS = [c.binding() for c in TABLE_COMMANDS]
    COLUMNS = COLUMNS
    DEFAULT_SORT = "seq"
    KEEP_CURSOR_ON_SHOW = False

    def __init__(self, *, id: str | None = None) -> None:
        # Two header lines: long labels (党员(正式/预备) …) wrap instead of widening their columns.
        super().__init__(id=id, header_height=2)

    def _label(self, c: Column[Any]) -> Text:
        label = " " + c.label.replace("\n", "\n ")
        if c.key != self.sort_column:
            return Text(label, no_wrap=True)
        # The ▲/▼ goes on the second header line so it never widens a one-line label's column.
        mark = "▼" if self.sort_reverse else "▲"
        return Text(f"{label}{mark}" if "\n" in label else f"{label}\n {mark}", no_wrap=True, style="bold")

    @property
    def cursor_village_id(self) -> int | None:
        return self.cursor_id
