"""A village's people and records (issue 14), from its card (``m``): the kinds on the left — 两委班子,
出缺, 后备干部, 组织生活, 党员发展, 满意度测评, 年度排名 — and the chosen kind's records on the right.
↑↓ on the left changes the list, Tab goes to the records; ``n`` adds, ``e`` (or Enter) edits, ``d``
deletes (Ctrl+Z undoes) a record of the kind shown. What these records make of the rules (R4, R16,
S01, S04, S10, S11, S13) shows on the card and in the 排查.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from ledgers import people, screening
from ledgers.dates import cn_date, month_text
from ledgers.people import RecruitStage

from ..commands import Command
from ..modals import people_forms as forms
from ..widgets.footer import KeyFooter
from ..widgets.row_table import Column, SortedRowTable
from ..widgets.row_table import gap_cell as _cell
from .base import CommandScreen


@dataclass(frozen=True)
class Line:
    id: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    key: str  # the collection
    label: str
    headers: tuple[str, ...]
    line: Callable[[Any, Any], tuple[str, ...]]  # (record, ledger) → cells
    form: type


def _stage(r: Any) -> str:
    reached = [s for s in RecruitStage if s in r.stages]
    return reached[-1].value if reached else ""


KINDS: tuple[Kind, ...] = (
    Kind("committee", "两委班子", ("姓名", "职务", "性别", "出生年月", "学历", "任期"),
         lambda m, led: (m.name, "、".join(p.value for p in m.posts) + ("（一肩挑）" if m.dual_role else ""),
                         m.gender.value if m.gender else "", month_text(m.birth), m.education,
                         f"{forms.day_text(m.term_start)}—{forms.day_text(m.term_end)}" if m.term_start or m.term_end else ""),
         forms.MemberFormScreen),
    Kind("vacancies", "出缺", ("岗位", "出缺日期", "补齐日期", "备注"),
         lambda v, led: (v.post.value, forms.day_text(v.since), forms.day_text(v.filled) or "仍出缺", v.note), forms.VacancyFormScreen),
    Kind("reserves", "后备干部", ("姓名", "后备岗位", "出生年月", "学历", "本年度“三定四个一”"),
         lambda r, led: (r.name, r.post.value, month_text(r.birth), r.education, _reserve_year(r, led.today.year)),
         forms.ReserveFormScreen),
    Kind("meetings", "组织生活", ("日期", "类型", "到会人数", "主题或备注"),
         lambda m, led: (forms.day_text(m.day), m.kind.value, str(m.attendance), m.note), forms.MeetingFormScreen),
    Kind("recruits", "党员发展", ("姓名", "当前阶段", *(people.STAGE_LABELS[s] for s in RecruitStage)),
         lambda r, led: (r.name, _stage(r), *(forms.day_text(r.stages.get(s)) for s in RecruitStage)), forms.RecruitFormScreen),
    Kind("polls", "满意度测评", ("测评日期", "测评人数", "满意人数", "满意度"),
         lambda p, led: (forms.day_text(p.day), str(p.asked), str(p.satisfied), f"{p.pct:.1f}%"), forms.PollFormScreen),
    Kind("rankings", "年度排名", ("年度", "名次", "参评总数"),
         lambda r, led: (str(r.year), str(r.rank), str(r.of)), forms.RankingFormScreen),
)


def _reserve_year(r: Any, year: int) -> str:
    done = r.years.get(year)
    if done is None:
        return "未填"
    items = [("培训", done.training), ("跟班", done.shadowing), ("主持群众会", done.meeting_chaired)]
    return "、".join(("✓" if ok else "✗") + name for name, ok in items) + f"、联系{done.households}户"


class PeopleTable(SortedRowTable[Line]):
    DEFAULT_SORT = "c0"

    def set_kind(self, kind: Kind) -> None:
        self.sort_column, self.sort_reverse = "c0", False
        self.set_columns(tuple(Column(f"c{i}", h, lambda r, i=i: _cell(r.values[i], r.values[i] or None))
                               for i, h in enumerate(kind.headers)))

    def _tiebreak(self, row: Line) -> int:
        return row.id


class VillagePeopleScreen(CommandScreen):
    """One village's people and records; Esc goes back to its card."""

    HELP_TITLE = "班子与组织生活"
    COMMANDS_LIST: ClassVar[tuple[Command, ...]] = (
        Command("people-new", "n", "new_record", "新增", "在当前类别中新增一条（两委成员、出缺、后备干部、组织生活……）"),
        Command("people-edit", "e", "edit_record", "修改", "修改光标所在的记录"),
        Command("people-delete", "d", "delete_record", "删除", "删除光标所在的记录（Ctrl+Z 可撤销）"),
        Command("people-back", "escape", "back", "返回", "回到村详情"),
    )
    DEFAULT_CSS = """
    VillagePeopleScreen #people-title { padding: 0 1; }
    VillagePeopleScreen #people-body { height: 1fr; }
    VillagePeopleScreen #people-kinds { width: 16; height: 1fr; border: round $primary 50%; }
    VillagePeopleScreen #people-table { width: 1fr; height: 1fr; }
    VillagePeopleScreen #people-status { padding: 0 1; color: $text-muted; }
    """

    def __init__(self, village_id: int, kind: str = "committee") -> None:
        super().__init__()
        self.village_id = village_id
        self.kind = next(k for k in KINDS if k.key == kind)
        self.loaded: tuple[str, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="people-title", markup=False)
        with Horizontal(id="people-body"):
            yield OptionList(*[Option(Content(k.label), id=k.key) for k in KINDS], id="people-kinds")
            yield PeopleTable(id="people-table")
        yield Static("", id="people-status", markup=False)
        yield KeyFooter()

    @property
    def table(self) -> PeopleTable:
        return self.query_one(PeopleTable)

    def on_mount(self) -> None:
        kinds = self.query_one("#people-kinds", OptionList)
        kinds.highlighted = KINDS.index(self.kind)
        self.query_one("#people-kinds").border_title = "类别"
        self.show_kind(self.kind)
        kinds.focus()

    @on(OptionList.OptionHighlighted, "#people-kinds")
    def _kind_moved(self, event: OptionList.OptionHighlighted) -> None:
        kind = next(k for k in KINDS if k.key == event.option.id)
        if kind is not self.kind:
            self.show_kind(kind)

    @on(OptionList.OptionSelected, "#people-kinds")
    def _kind_chosen(self) -> None:
        self.table.focus()

    def show_kind(self, kind: Kind) -> None:
        self.kind = kind
        self.table.set_kind(kind)
        self.loaded = None
        self.refresh_data()

    def records(self) -> list[Any]:
        return [r for r in self.ledger.records(self.kind.key) if r.village_id == self.village_id]

    def refresh_data(self) -> None:
        key = (self.kind.key, self.ledger.version)
        if self.loaded == key:
            return
        self.loaded = key
        lines = [Line(r.id, self.kind.line(r, self.ledger)) for r in self.records()]
        if self.table.shown:
            self.table.apply(lines)
        else:
            self.table.show(lines)
        v = self.ledger.village(self.village_id)
        p = people.people_of(self.ledger, self.village_id)
        age = people.secretary_age(self.ledger, self.village_id, self.ledger.today)
        reserves, named = people.reserve_count(self.ledger, self.village_id)
        facts = [f"两委{len(p.committee)}人", f"支委会{len(p.branch_committee)}人",
                 f"书记年龄{age}岁" if age is not None else ("书记出缺" if p.secretary is None else "书记年龄未填"),
                 f"后备干部{reserves}名" + ("" if named else "（村情中的人数，未逐人登记）"),
                 f"出缺{len(p.open_vacancies(self.ledger.today))}个"]
        self.query_one("#people-title", Static).update(Content(f"{v.name}（{v.township}）班子与组织生活 · " + " · ".join(facts)))
        year = self.ledger.today.year
        found = screening.screen(self.ledger, year, village_ids={self.village_id})[0]
        shown = "；".join(f"{x.code} {x.evidence}" for x in found.proposals) or "未发现有数据依据的情形"
        self.query_one("#people-status", Static).update(
            Content(f"{self.kind.label}{len(lines)}条 · {year}年排查提示：{shown} · 截至{cn_date(self.ledger.today)}"))

    # ------------------------------------------------------------ records

    def _cursor(self) -> Any | None:
        rid = self.table.cursor_id
        if rid is None:
            self.notify(f"{self.kind.label}还没有记录：按 n 新增。", markup=False)
            return None
        return next((r for r in self.ledger.records(self.kind.key) if r.id == rid), None)

    def action_new_record(self) -> None:
        if self.check_writable():
            self.app.push_screen(self.kind.form(self.village_id), self._saved)

    def action_edit_record(self) -> None:
        record = self._cursor()
        if record is not None and self.check_writable():
            from ledgers.codec import clone

            self.app.push_screen(self.kind.form(self.village_id, clone(record)), self._saved)

    @on(DataTable.RowSelected, "#people-table")
    def _row_selected(self) -> None:
        self.action_edit_record()

    def _saved(self, saved: Any) -> None:
        if saved is None:
            return
        self.ledger_app.ledger_changed()
        self.table.move_to(saved.id)
        self.notify(f"已保存：{self.kind.label}", markup=False)

    def action_delete_record(self) -> None:
        record = self._cursor()
        if record is None or not self.check_writable():
            return
        from ..modals.confirm import ConfirmScreen

        what = " ".join(self.kind.line(record, self.ledger)[:2])

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            self.ledger.commit(f"删除{self.kind.label}：{self.ledger.village_name(self.village_id)} {what}",
                               deletes=[(self.kind.key, record.id)])
            self.ledger_app.ledger_changed()
            self.notify(f"已删除：{what}（Ctrl+Z 可撤销）", markup=False)

        self.app.push_screen(ConfirmScreen(f"删除{self.kind.label}“{what}”？", "删除后可用 Ctrl+Z 撤销。"), confirmed)

    def action_back(self) -> None:
        self.app.pop_screen()
