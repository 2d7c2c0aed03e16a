"""The first-secretary roster table (第一书记花名册): one row per posting, keyed by posting id.

Row data is plain: ``RosterRow`` (built off the main thread by ``build_roster_rows`` from
``ledgers.roster.roster``), comparable, so ``apply`` touches only the rows that changed. Cells are
rich ``Text`` (names are data, never markup); ID and phone numbers are masked before they reach a
row; age is computed from the birth date on the ledger's "today".

Columns follow the roster's column order (DOMAIN.md), except that what a clerk scans first — name,
village, status, term end, days left — comes first, so it fits an 80-column terminal; the rest
scrolls sideways (← →). Long names are clipped by cells; the detail view shows them whole.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


from ledgers import roster
from ledgers.dates import month_text
from ledgers.ledger import Ledger
from ledgers.models import GRADE_ORDER, Grade, Level, RosterEntry, SecretaryStatus, Settings
from ledgers.rules import r11_todo
from ledgers.validate import mask_id, mask_phone

from ..commands import Command
from .row_table import Column, SortCell, SortedRowTable
from .row_table import gap_cell as _cell
from .text import clip

F = SecretaryStatus

STATUS_ORDER = {s: n for n, s in enumerate(SecretaryStatus)}
STATUS_STYLE = {F.TERM_ENDING: "bold yellow", F.PROPOSED: "italic cyan", F.RECALLED: "red",
                F.REASSIGNED: "dim", F.LEFT: "dim", F.WITHDRAWN: "dim"}
GRADE_STYLE = {Grade.INCOMPETENT: "bold red", Grade.BASIC: "yellow", Grade.EXCELLENT: "green"}
IN_FORCE = frozenset({F.PROPOSED, F.ACTIVE, F.TERM_ENDING})

NAME_WIDTH = 11  # cells, the leading gap included: 5 CJK characters (the detail shows a longer name)
VILLAGE_WIDTH = 11
UNIT_WIDTH = 17
NOTE_WIDTH = 21


@dataclass(frozen=True)
class RosterRow:
    """What one roster row shows (plain data; comparable, so a diff finds changed rows)."""

    id: int  # the posting id
    cadre_id: int
    name: str
    gender: str
    ethnicity: str
    birth: date | None
    age: int | None
    political: str
    education: str
    unit: str
    unit_level: str
    original_post: str
    rank: str
    township: str
    village_id: int
    village: str
    village_type: str
    batch: str
    arrival: date | None
    term_end: date | None
    days_left: int | None  # serving postings only
    urgency: int  # 0 none, 1 within the warning days, 2 within the urgent days or past the end
    status: SecretaryStatus
    id_masked: str
    phone_masked: str
    grade_year: int | None  # the latest assessment
    grade: Grade | None
    todo: str  # R11: "应召回" / "应约谈" / ""
    note: str

    @property
    def in_force(self) -> bool:
        """拟选派, 在岗 or 期满待轮换: shown by default."""
        return self.status in IN_FORCE

    @property
    def serving(self) -> bool:
        return self.status in (F.ACTIVE, F.TERM_ENDING)


def roster_row(e: RosterEntry, today: date, s: Settings) -> RosterRow:
    c, p = e.cadre, e.posting
    days = (e.term_end - today).days if e.serving and e.term_end else None
    urgency = 0
    if days is not None:
        urgency = 2 if days <= s.term_urgent_days else 1 if days <= s.term_warn_days else 0
    year = max(p.assessments) if p.assessments else None
    todo = r11_todo(e)
    return RosterRow(
        e.id, c.id, c.name, str(c.gender), c.ethnicity, c.birth, roster.age(c, today), c.political_status,
        c.education, c.dispatching_unit, str(c.unit_level), c.original_post, c.rank, e.township, p.village_id,
        e.village, str(p.village_type), p.batch, p.arrival, e.term_end, days, urgency, e.status,
        mask_id(c.id_number) if c.id_number else "", mask_phone(c.phone) if c.phone else "",
        year, p.assessments[year] if year is not None else None,
        ("应召回" if todo.level == Level.ERROR else "应约谈") if todo is not None else "", p.note,
    )


def build_roster_rows(ledger: Ledger) -> tuple[list[RosterRow], dict[int, RosterEntry]]:
    """Every posting (ended ones too) as a row, and the roster entries by posting id (for the
    statistics). Safe in a worker thread: it only reads the ledger."""
    today, s = ledger.today, ledger.settings_ref()
    entries = roster.roster(ledger, include_ended=True)
    return [roster_row(e, today, s) for e in entries], {e.id: e for e in entries}


# ---------------------------------------------------------------- columns


def _days_cell(r: RosterRow) -> SortCell:
    if r.days_left is None:
        return _cell("", None)
    text = f"{r.days_left}天" if r.days_left >= 0 else f"过期{-r.days_left}天"
    style = {2: "bold red", 1: "yellow"}.get(r.urgency, "")
    return _cell(text, r.days_left, justify="right", style=style)


def _grade_cell(r: RosterRow) -> SortCell:
    if r.grade is None:
        return _cell("", None)
    text = f"{r.grade_year}{r.grade.value}" + (f"·{r.todo}" if r.todo else "")
    return _cell(text, (GRADE_ORDER.index(r.grade), -(r.grade_year or 0)), style=GRADE_STYLE.get(r.grade, ""))


def _date(d: date | None) -> SortCell:
    return _cell(d.isoformat() if d else "", d)


def _text(value: str, width: int | None = None) -> SortCell:
    shown = clip(value, width - 1) if width else value
    return _cell(shown, value or None)


COLUMNS: tuple[Column[RosterRow], ...] = (
    Column("seq", "序号", lambda r: _cell(str(r.id), r.id, justify="right")),
    Column("name", "姓名", lambda r: _text(r.name, NAME_WIDTH), width=NAME_WIDTH),
    Column("village", "驻村", lambda r: _text(r.village, VILLAGE_WIDTH), width=VILLAGE_WIDTH),
    Column("status", "状态", lambda r: _cell(r.status.value, STATUS_ORDER[r.status],
                                           style=STATUS_STYLE.get(r.status, ""))),
    Column("term_end", "任期届满", lambda r: _date(r.term_end)),
    Column("days", "剩余", _days_cell),
    Column("grade", "年度考核", _grade_cell),
    Column("gender", "性别", lambda r: _cell(r.gender, r.gender)),
    Column("age", "年龄", lambda r: _cell("" if r.age is None else str(r.age), r.age, justify="right")),
    Column("ethnicity", "民族", lambda r: _text(r.ethnicity)),
    Column("birth", "出生年月", lambda r: _cell(month_text(r.birth), r.birth)),
    Column("political", "政治面貌", lambda r: _cell(r.political, r.political,
                                                 style="" if r.political == "中共党员" else "bold red")),
    Column("education", "学历", lambda r: _text(r.education)),
    Column("unit", "派出单位", lambda r: _text(r.unit, UNIT_WIDTH), width=UNIT_WIDTH),
    Column("unit_level", "单位层级", lambda r: _cell(r.unit_level, r.unit_level)),
    Column("original_post", "原职务", lambda r: _text(r.original_post, UNIT_WIDTH)),
    Column("rank", "职级", lambda r: _text(r.rank)),
    Column("township", "乡镇", lambda r: _text(r.township)),
    Column("village_type", "村类型", lambda r: _cell(r.village_type, r.village_type)),
    Column("batch", "选派批次", lambda r: _text(r.batch)),
    Column("arrival", "到村时间", lambda r: _date(r.arrival)),
    Column("id_number", "身份证号", lambda r: _cell(r.id_masked, r.id_masked or None)),
    Column("phone", "联系电话", lambda r: _cell(r.phone_masked, r.phone_masked or None)),
    Column("note", "备注", lambda r: _text(r.note, NOTE_WIDTH), width=NOTE_WIDTH),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


def column_label(key: str) -> str:
    return next(c.label for c in COLUMNS if c.key == key)


# Enter on the table: the same footer entry and help as the screen's, so the footer's keys do not
# change (and are not rebuilt, ~45 ms) when the table takes the focus once its rows are in.
OPEN_COMMAND = Command("roster-table-open", "enter", "select_cursor", "详情",
                       "打开光标所在驻村记录的详情（人员、任期、考核、状态记录）")


class RosterTable(SortedRowTable[RosterRow]):
    """The roster. ``show(rows)`` replaces the visible rows; ``apply`` diffs them in place."""

    BINDINGS = [OPEN_COMMAND.binding()]
    COLUMNS = COLUMNS
    DEFAULT_SORT = "seq"

    def _tiebreak(self, row: RosterRow) -> int:
        # Equal cells keep the order postings were entered, whatever the filter.
        return row.id

    @property
    def cursor_posting_id(self) -> int | None:
        return self.cursor_id
