"""The 四个一 matrix table: one row per case that needs the four slots, one column per slot.

Row data is plain (``MatrixLine``, built off the main thread by ``build_lines`` from
``ledgers.matrix.assignment_matrix`` — the one definition of gaps and conflicts), keyed by the case
id (a village may be listed once per case). Each slot cell takes two lines: the holder's name with
title/unit, then since when; a gap is 未落实 in red, a 拟选派 first secretary is shown as planned
(yellow "拟：…"), never as filled; a conflict adds a red ⚠ marker (its reason is shown under the table).

Column widths follow the terminal (``fit``): the village column fits its names, the four slot
columns share the rest, and cells end in ``…`` when cut (the line under the table shows the full
value). Cells are ``rich.text.Text``: names are data, never markup.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets.data_table import ColumnKey, Row, RowKey

from ledgers.matrix import AssignmentMatrix
from ledgers.models import CaseState, Role

from ..commands import Command
from .row_table import Column, SortCell, SortedRowTable

ROLE_KEYS: dict[Role, str] = {Role.COUNTY_LEADER: "county", Role.TOWNSHIP_LEADER: "township_leader",
                              Role.FIRST_SECRETARY: "first_secretary", Role.PAIRED_UNIT: "paired_unit"}
KEY_ROLES: dict[str, Role] = {k: r for r, k in ROLE_KEYS.items()}
ROW_HEIGHT = 2
GAP_WORD = "未落实"
CONFLICT_MARK = "⚠冲突"


@dataclass(frozen=True)
class SlotCell:
    """One slot of one village as shown (plain, comparable)."""

    role: Role
    filled: bool = False
    name: str = ""
    detail: str = ""  # a leader's title, a unit's level, a first secretary's dispatching unit
    start: date | None = None
    assignment_id: int = 0  # the Assignment (leaders, units) or the Posting (first secretary)
    holder_id: int = 0
    planned: str = ""  # a 拟选派 first secretary while the slot is a gap
    planned_detail: str = ""
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatrixLine:
    """One row: a case's village and its four slots (plain, comparable: a diff finds changed rows)."""

    id: int  # the case id
    village_id: int
    village: str
    township: str
    year: int
    state: CaseState
    slots: tuple[SlotCell, ...]  # in Role order
    conflicts: tuple[str, ...]  # every conflict at the village, each message once
    since: date | None

    def slot(self, role: Role) -> SlotCell:
        return next(s for s in self.slots if s.role == role)

    @property
    def gaps(self) -> int:
        return sum(1 for s in self.slots if not s.filled)

    @property
    def township_leader(self) -> tuple[int, str] | None:
        """(leader id, name) of the township leader, for the "by township leader" filter."""
        s = self.slot(Role.TOWNSHIP_LEADER)
        return (s.holder_id, s.name) if s.filled else None


def build_lines(matrix: AssignmentMatrix) -> list[MatrixLine]:
    """The rows of ``matrix`` (safe in a worker thread: plain data only)."""
    out = []
    for row in matrix.rows:
        by_role: dict[Role, list[str]] = {}
        for c in row.conflicts:
            by_role.setdefault(c.role, []).append(c.message)
        cells = []
        for role in Role:
            h = row.slots.get(role)
            mine = tuple(by_role.get(role, ()))
            if h is not None:
                cells.append(SlotCell(role, True, h.name, h.detail, h.start, h.assignment_id, h.holder_id,
                                      conflicts=mine))
            else:
                p = row.planned if role == Role.FIRST_SECRETARY else None
                cells.append(SlotCell(role, planned=p.name if p else "", planned_detail=p.detail if p else "",
                                      conflicts=mine))
        messages = tuple(dict.fromkeys(c.message for c in row.conflicts))
        out.append(MatrixLine(row.case.id, row.village.id, row.village.name, row.village.township, row.case.year,
                              CaseState(row.case.state), tuple(cells), messages, row.since))
    return out


def summary_of(matrix: AssignmentMatrix, year: int | None, township: str | None = None) -> AssignmentMatrix:
    """The matrix of one year's cases (and one township's), cut from the whole one the way
    ``assignment_matrix(year=…)`` cuts it (rows of that year, the conflicts at their villages), so
    the counts stay its counts."""
    if year is None and township is None:
        return matrix
    rows = [r for r in matrix.rows if (year is None or r.case.year == year)
            and (township is None or r.village.township == township)]
    listed = {r.village.id for r in rows}
    return AssignmentMatrix(rows, [c for c in matrix.conflicts if c.village_id in listed])


# ---------------------------------------------------------------- cells


def since_text(day: date | None) -> str:
    return f"{day.isoformat()}起" if day else "起始日期未填"


def _village_cell(line: MatrixLine) -> SortCell:
    cell = SortCell(" " + line.village, (line.township, line.village, line.year), overflow="ellipsis")
    cell.append(f"\n {line.year}·{line.state.value}", style="dim")
    if line.conflicts:
        cell.append(f" ⚠{len(line.conflicts)}", style="bold red")
    return cell


def _township_cell(line: MatrixLine) -> SortCell:
    return SortCell(" " + line.township, (line.township, line.village), overflow="ellipsis")


def slot_cell(s: SlotCell) -> SortCell:
    """Two lines: who (name and title/unit), then since when — or 未落实 in red, with a planned first
    secretary in yellow; a conflict marker leads the second line so a narrow column never cuts it."""
    if s.filled:
        cell = SortCell(" " + s.name, (0, s.name), overflow="ellipsis")
        if s.detail:
            cell.append(f"（{s.detail}）", style="dim")
    else:
        cell = SortCell(" ", (-1, ""), overflow="ellipsis")
        cell.append(GAP_WORD, style="bold red")
    cell.append("\n ")
    if s.conflicts:
        cell.append(CONFLICT_MARK + " ", style="bold red")
    if s.filled:
        cell.append(since_text(s.start), style="dim")
    elif s.planned:
        cell.append(f"拟：{s.planned}", style="yellow")
    return cell


def _slot_column(role: Role) -> Column[MatrixLine]:
    return Column(ROLE_KEYS[role], role.value, lambda line: slot_cell(line.slot(role)))


VILLAGE_COLUMN: Column[MatrixLine] = Column("village", "村名", _village_cell)
TOWNSHIP_COLUMN: Column[MatrixLine] = Column("township", "乡镇", _township_cell)
SLOT_COLUMNS: tuple[Column[MatrixLine], ...] = tuple(_slot_column(r) for r in Role)


def columns(county: bool) -> tuple[Column[MatrixLine], ...]:
    """The columns: 乡镇 first only when the ledger spans several townships (a county's file)."""
    return ((TOWNSHIP_COLUMN,) if county else ()) + (VILLAGE_COLUMN,) + SLOT_COLUMNS


TABLE_COMMANDS: tuple[Command, ...] = (
    Command("matrix-assign", "enter", "select_cursor", "指派",
            "在光标所在格指派：输入姓名、全拼或首字母选择，或 Ctrl+N 新增；在村名格打开村详情"),
)

SCROLLBAR = 2  # cells kept for the vertical scrollbar
SLOT_MIN, SLOT_MAX = 12, 40  # cells per slot column, the leading gap included


class MatrixTable(SortedRowTable[MatrixLine]):
    """The matrix: cell cursor (Enter on a slot assigns it), two-line rows, widths fit the terminal."""

    BINDINGS = [c.binding() for c in TABLE_COMMANDS]
    COLUMNS = columns(False)
    DEFAULT_SORT = "village"
    ROW_HEIGHT = ROW_HEIGHT

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell")
        self.county = False
        self.sizing_rows: list[MatrixLine] = []  # every row of the matrix: the widths fit them all

    # ------------------------------------------------------------ columns

    def configure(self, county: bool) -> None:
        """Show the township column (or not); re-adds the columns, so only before rows are shown."""
        if county != self.county or not self.columns:
            self.county = county
            self.set_columns(columns(county))
        self.fixed_columns = 2 if county else 1  # the village stays in view when scrolled sideways
        self.fit()

    def role_at_cursor(self) -> Role | None:
        """The slot under the cell cursor (None on the village or township column)."""
        if not self.columns or not self.row_count:
            return None
        key = self.ordered_columns[self.cursor_coordinate.column].key.value
        return KEY_ROLES.get(str(key))

    def cursor_line(self) -> MatrixLine | None:
        rid = self.cursor_id
        return self.shown.get(rid) if rid is not None else None

    def move_to_column(self, role: Role) -> None:
        keys = [str(c.key.value) for c in self.ordered_columns]
        if ROLE_KEYS[role] in keys:
            self.move_cursor(column=keys.index(ROLE_KEYS[role]), animate=False)

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Column widths for the current terminal: names fit, the slot columns share the rest.

        Sized from every row of the matrix (``sizing_rows``), not only the shown ones, so a filter
        never changes the widths (and the table is re-measured only on a resize or a new name)."""
        if not self.columns or self.size.width <= 0:
            return
        rows = self.sizing_rows or list(self.shown.values())

        def widest(values: Iterable[str], low: int, high: int) -> int:
            return max(low, min(high, max((cell_len(v) + 1 for v in values), default=low)))

        second = [f"{r.year}·{r.state.value}" + (f" ⚠{len(r.conflicts)}" if r.conflicts else "") for r in rows]
        widths: dict[str, int] = {"village": widest([r.village for r in rows] + second, 8, 16)}
        if self.county:
            widths["township"] = widest([r.township for r in rows], 5, 11)
        room = self.size.width - SCROLLBAR - sum(widths.values())
        share = max(SLOT_MIN, min(SLOT_MAX, room // len(SLOT_COLUMNS)))
        for c in SLOT_COLUMNS:
            widths[c.key] = share
        changed = False
        for key, width in widths.items():
            column = self.columns.get(ColumnKey(key))
            if column is not None and (column.width != width or column.auto_width):
                column.width, column.auto_width = width, False
                changed = True
        if changed:
            self._require_update_dimensions = True
            self._clear_caches()
            self.refresh(layout=True)

    # ------------------------------------------------------------ rows

    def add_row(self, *cells: Any, height: int | None = ROW_HEIGHT, key: str | None = None,
                label: Any = None) -> RowKey:
        return super().add_row(*cells, height=height, key=key, label=label)

    def show(self, rows: Iterable[MatrixLine]) -> bool:
        changed = super().show(rows)
        if changed:
            self.fit()
        return changed

    def apply(self, rows: list[MatrixLine]) -> int:  # type: ignore[override]
        touched = super().apply(rows)
        if touched:
            self.fit()
        return touched

    def _tiebreak(self, row: MatrixLine) -> Any:
        return (row.township, row.village, row.year, row.id)


def cell_detail(line: MatrixLine, role: Role | None) -> Text:
    """The full text of the cursor cell for the line under the table (the cell may be cut)."""
    text = Text(no_wrap=False)
    if role is None:
        text.append(line.village, style="bold")
        text.append(f"（{line.township}）· {line.year}年 {line.state.value}")
        text.append(f" · 缺{line.gaps}项" if line.gaps else " · 四项齐全", style="bold red" if line.gaps else "")
        if line.since:
            text.append(f" · 最近落实 {line.since.isoformat()}")
    else:
        s = line.slot(role)
        text.append(f"{line.village} · {role.value}：", style="bold")
        if s.filled:
            text.append(s.name)
            if s.detail:
                text.append(f"（{s.detail}）")
            text.append(f"，{since_text(s.start)}")
        else:
            text.append(GAP_WORD, style="bold red")
            if s.planned:
                text.append(f"（拟选派：{s.planned}" + (f"，{s.planned_detail}" if s.planned_detail else "") + "）",
                            style="yellow")
    if line.conflicts:
        text.append("\n冲突：" + "；".join(line.conflicts), style="bold red")
    return text
