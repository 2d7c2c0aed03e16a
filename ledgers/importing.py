"""Moving an office's existing Excel ledgers in: villages, first secretaries, cases with their tasks,
and the 四个一 matrix.

Every row goes through the same services and validation as the forms (``save_village``,
``roster.enlist``, ``save_task``, ``assignments.assign`` …), so what a form refuses an import refuses,
with the row and the column named in Chinese. A real run is one change — all accepted rows or none,
one audit entry, one undo; a dry run does the same work and rolls it back, so it reports exactly what
a real run would do and leaves the file untouched. Rows match what is already there (villages on
township + name, cadres on ID number), so importing the same file twice changes nothing.

The workbook itself is read in ``exporters.xlsx_in``; this module sees only grids of cell values.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from . import assignments, roster
from .codec import clone
from .errors import FieldError, LedgerError, ValidationErrors
from .ledger import Ledger
from .models import (
    Cadre,
    CaseState,
    Gender,
    Grade,
    Leader,
    OrgType,
    Posting,
    Role,
    SecretaryStatus,
    Task,
    TaskStatus,
    Unit,
    UnitLevel,
    Village,
    VillageKind,
    VillageType,
)
from .sheets import (
    Column,
    SheetRow,
    SheetTable,
    cell_bool,
    cell_date,
    cell_int,
    cell_month,
    cell_name,
    cell_text,
    find_header,
    fold,
    read_table,
)
from .text import clean_text
from .validate import parse_choice

KIND_NAMES = {"villages": "村情", "secretaries": "第一书记花名册", "cases": "整顿台账", "matrix": "“四个一”包联表"}
EMPTY_WORDS = frozenset({"", "-", "—", "——", "/", "无", "未落实", "暂无", "空缺", "待定"})
GROUPS = frozenset({"县级联系领导", "县级领导", "县领导", "乡镇包村领导", "乡镇领导", "包村领导", "镇领导",
                    "第一书记", "驻村第一书记"})


@dataclass(frozen=True)
class RawSheet:
    """One sheet of a workbook as read: its name, its cells, and its merged ranges ((r0, c0), (r1, c1))."""

    name: str
    grid: list[list[Any]]
    merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] = ()


# ---------------------------------------------------------------- the columns each kind knows

C = Column
VILLAGE_COLUMNS = (
    C("township", "乡镇", ("乡镇（街道）", "所属乡镇", "乡镇名称", "镇", "乡（镇）", "乡镇街道")),
    C("name", "村名", ("村（社区）名称", "村(社区)名称", "村（社区）", "名称", "村名称", "行政村", "村", "社区", "村庄名称")),
    C("kind", "类型", ("村/社区", "村或社区", "村社区类型")),
    C("population", "人口", ("户籍人口", "总人口", "人口数")),
    C("households", "户数", ("总户数", "户籍户数")),
    C("full_members", "正式党员", ("正式党员数", "正式党员人数")),
    C("probationary_members", "预备党员", ("预备党员数", "预备党员人数")),
    C("members", "党员数", ("党员总数", "党员人数", "党员")),
    C("org_type", "组织类型", ("党组织类型", "组织形式", "党组织设置")),
    C("org_name", "党组织名称", ("村党组织名称",)),
    C("secretary_name", "村党组织书记", ("书记", "书记姓名", "党组织书记")),
    C("secretary_age", "书记年龄", ()),
    C("secretary_education", "书记学历", ()),
    C("secretary_is_director", "一肩挑", ("是否一肩挑", "书记主任一肩挑")),
    C("secretary_pay", "书记基本报酬", ("书记报酬", "书记年基本报酬")),
    C("income", "集体经济收入", ("集体经济经营性收入", "村集体经济收入", "村集体经营性收入", "经营性收入")),
    C("reserve_cadres", "后备干部", ("后备干部数", "后备干部人数")),
    C("org_term_start", "换届时间", ("本届任期开始", "任期开始时间", "上次换届时间")),
    C("tags", "标签", ("村类别",)),
    C("note", "备注", ()),
)
SECRETARY_COLUMNS = (
    C("name", "姓名", ("名字", "第一书记姓名", "第一书记")),
    C("gender", "性别", ()),
    C("ethnicity", "民族", ()),
    C("birth", "出生年月", ("出生日期", "出生年月日", "出生时间")),
    C("political_status", "政治面貌", ()),
    C("education", "学历", ("文化程度", "最高学历")),
    C("dispatching_unit", "派出单位", ("选派单位", "原单位", "工作单位")),
    C("unit_level", "单位层级", ("派出单位层级", "单位级别", "层级")),
    C("original_post", "原职务", ("职务", "现任职务")),
    C("rank", "职级", ("级别",)),
    C("township", "乡镇", ("所在乡镇", "驻村乡镇")),
    C("village", "驻村", ("驻村名称", "所驻村", "驻村村名", "所驻村（社区）", "驻村（社区）", "村名")),
    C("village_type", "村类型", ("所驻村类型", "驻村类型")),
    C("batch", "选派批次", ("批次",)),
    C("arrival", "到村时间", ("驻村时间", "到村任职时间", "任职时间")),
    C("term_end", "任期届满时间", ("任期届满", "期满时间", "任期结束时间")),
    C("id_number", "身份证号", ("公民身份号码", "身份证号码", "身份证")),
    C("phone", "联系电话", ("手机号", "手机号码", "电话", "联系方式")),
    C("assessments", "年度考核", ("考核情况", "年度考核等次", "考核等次")),
    C("absences", "无故不在岗次数", ()),
    C("status", "状态", ("在岗状态", "任职状态")),
    C("note", "备注", ()),
)
CASE_COLUMNS = (
    C("township", "乡镇", ("所属乡镇",)),
    C("village", "村名", ("村（社区）名称", "村(社区)名称", "村（社区）", "名称", "村")),
    C("year", "认定年度", ("年度", "认定年度/批次", "整顿年度")),
    C("batch", "批次", ("认定批次",)),
    C("situations", "软弱涣散情形", ("软弱涣散类型", "问题类型", "情形")),
    C("problem_summary", "主要问题", ()),
    C("problem", "具体问题", ("存在问题", "问题清单", "问题")),
    C("measure", "整改措施", ("具体措施",)),
    C("leader", "责任领导", ()),
    C("owner", "责任人", ()),
    C("deadline", "完成时限", ("整改时限", "时限")),
    C("completion", "完成情况", ("整改情况", "进展情况")),
    C("done_on", "完成时间", ("完成日期",)),
    C("evidence", "佐证材料", ()),
    C("stage", "当前阶段", ("阶段",)),
)
MATRIX_COLUMNS = (
    C("township", "乡镇", ()),
    C("village", "村名", ("村（社区）名称", "村(社区)名称", "村（社区）", "名称")),
    C("county_name", "县级联系领导|姓名", ("县级领导|姓名", "县领导|姓名", "县级联系领导")),
    C("county_title", "县级联系领导|职务", ("县级领导|职务", "县领导|职务")),
    C("town_name", "乡镇包村领导|姓名", ("乡镇领导|姓名", "包村领导|姓名", "镇领导|姓名", "乡镇包村领导")),
    C("town_title", "乡镇包村领导|职务", ("乡镇领导|职务", "包村领导|职务", "镇领导|职务")),
    C("fs_name", "第一书记|姓名", ("驻村第一书记|姓名", "第一书记")),
    C("fs_unit", "第一书记|派出单位", ("驻村第一书记|派出单位", "第一书记|单位")),
    C("unit", "结对单位", ("结对帮扶单位", "帮扶单位", "县直机关单位")),
    C("since", "落实时间", ("包联时间",)),
    C("note", "备注", ()),
)

KINDS: dict[str, tuple[tuple[Column, ...], tuple[tuple[str, ...], ...]]] = {
    # kind: (columns, alternative sets of required keys)
    "matrix": (MATRIX_COLUMNS, (("village", "county_name"), ("village", "town_name"), ("village", "unit"))),
    "cases": (CASE_COLUMNS, (("village", "problem"), ("village", "situations"), ("village", "stage"))),
    "secretaries": (SECRETARY_COLUMNS, (("name", "id_number"), ("name", "dispatching_unit"))),
    "villages": (VILLAGE_COLUMNS, (("name",),)),
}
# A header that names a column of a more specific kind rules the plainer kinds out (a roster has 村名
# too, but it is no village list).
EXCLUDES = {"villages": ("具体问题", "姓名", "县级联系领导", "身份证号", "派出单位", "当前阶段", "软弱涣散情形", "第一书记"),
            "secretaries": ("具体问题", "县级联系领导", "结对单位")}


def _read_as(sheet: RawSheet, kind: str) -> tuple[SheetTable, int] | None:
    columns, required = KINDS[kind]
    best = None
    for keys in required:
        found = find_header(sheet.grid, sheet.merged, columns, keys, GROUPS)
        if found and (best is None or found[1] > best[1]):
            best = found
    if best is None:
        return None
    table = read_table(sheet.name, sheet.grid, sheet.merged, columns, best[0], GROUPS)
    words = [fold(h) for h in table.header]
    if any(any(x in w for w in words) for x in EXCLUDES.get(kind, ())):
        return None
    return table, best[1]


def guess_kind(sheet: RawSheet) -> tuple[str, SheetTable] | None:
    """The kind a sheet's header says it is (the kind whose columns it matches most), and the sheet
    read as that kind; None when no kind fits."""
    best: tuple[int, str, SheetTable] | None = None
    for kind in KINDS:
        found = _read_as(sheet, kind)
        if found and (best is None or found[1] > best[0]):
            best = (found[1], kind, found[0])
    return (best[1], best[2]) if best else None


# ---------------------------------------------------------------- the report


@dataclass
class Rejection:
    sheet: str
    row: int  # as Excel numbers it
    original: list[Any]
    reason: str


@dataclass
class SheetReport:
    name: str
    kind: str
    guessed: bool
    header: list[str]
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # blank and subtotal rows, and cases long over (a summary sheet's history)
    rejected: list[Rejection] = field(default_factory=list)
    changes: list[tuple[int, str, str]] = field(default_factory=list)  # (row, 新增/更新, what)


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), sheet by sheet."""

    source: str
    dry_run: bool
    sheets: list[SheetReport] = field(default_factory=list)
    committed: bool = False  # a real run that recorded a change (one entry in the audit log: one undo)
    unreadable: list[str] = field(default_factory=list)  # sheets no kind fits

    @property
    def added(self) -> int:
        return sum(s.added for s in self.sheets)

    @property
    def updated(self) -> int:
        return sum(s.updated for s in self.sheets)

    @property
    def unchanged(self) -> int:
        return sum(s.unchanged for s in self.sheets)

    @property
    def rejected(self) -> list[Rejection]:
        return [r for s in self.sheets for r in s.rejected]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        verb = "将" if self.dry_run else ""
        parts = [f"{verb}新增{self.added}条", f"{verb}更新{self.updated}条", f"无变化{self.unchanged}条",
                 f"未通过{len(self.rejected)}条"]
        return "，".join(parts)


def reason_of(err: LedgerError, table: SheetTable, columns: Sequence[Column]) -> str:
    """A rejection reason naming the sheet's own column header where the field is one of them."""
    headers = {col.label: table.header[table.columns[col.key]] for col in columns if col.key in table.columns}

    def one(e: FieldError) -> str:
        shown = headers.get(e.field, e.field)
        return f"“{shown}”：{e.detail}"

    if isinstance(err, ValidationErrors):
        return "；".join(one(e) for e in err.errors)
    if isinstance(err, FieldError):
        return one(err)
    return str(err)


class _Rollback(Exception):
    """Ends a dry run (or a run that changed nothing) by undoing its transaction."""


# ---------------------------------------------------------------- running


Progress = Callable[[int, int], None]


def run_import(ledger: Ledger, sheets: Sequence[RawSheet], kind: str | None = None, *, dry_run: bool = False,
               source: str = "", progress: Progress | None = None) -> ImportReport:
    """Import the sheets (those of ``kind``, or every sheet whose kind can be told from its header).

    A real run commits everything accepted as one change (one audit entry, one undo); a dry run, or a
    run in which nothing would change, commits nothing."""
    if kind is not None and kind not in KINDS:
        raise LedgerError(f"未知的表格类型：{kind}（可选：{'、'.join(KINDS)}）")
    report = ImportReport(source, dry_run)
    plan: list[tuple[str, SheetTable, bool]] = []
    for sheet in sheets:
        if kind is not None:
            found = _read_as(sheet, kind)
            if found:
                plan.append((kind, found[0], False))
            else:
                report.unreadable.append(sheet.name)
        else:
            guessed = guess_kind(sheet)
            if guessed:
                plan.append((guessed[0], guessed[1], True))
            elif any(cell_text(c) for r in sheet.grid for c in r):
                report.unreadable.append(sheet.name)
    if not plan:
        what = KIND_NAMES[kind] if kind else "村情、第一书记花名册、整顿台账、“四个一”包联表或两委、后备干部、组织生活、党员发展"
        raise LedgerError(f"没有找到{what}的表头（应有“村名”“姓名”等列），请检查文件或用 --kind 指定表格类型。")
    # The registry first, then the people, then what refers to both.
    plan.sort(key=lambda p: ORDER[p[0]])
    total = sum(len(t.rows) for _, t, _ in plan)
    done = 0
    name = source.replace("\\", "/").rsplit("/", 1)[-1] or "Excel"
    summary = f"从Excel导入：{name}"
    last = ledger.audit(1)
    before = last[0].seq if last else 0
    try:
        with ledger.rehearsal() if dry_run else ledger.transaction(summary):
            if dry_run and ledger.is_empty() and not ledger.situations():
                # A ledger not created yet (a dry run opens nothing for writing): as a real run would
                # find it, with the situation table a new file starts with.
                ledger.seed_reference_data()
            for k, table, guessed in plan:
                sheet_report = SheetReport(table.name, k, guessed, table.header, skipped=table.skipped)
                report.sheets.append(sheet_report)
                ctx = _Context(ledger, table)
                handler, columns = HANDLERS[k], KINDS[k][0]
                for row in table.rows:
                    try:
                        with ledger.transaction(summary):  # a savepoint: a refused row leaves nothing
                            action, what = handler(ctx, row)
                    except LedgerError as err:
                        sheet_report.rejected.append(Rejection(table.name, row.number, row.original,
                                                               reason_of(err, table, columns)))
                    else:
                        if action == "add":
                            sheet_report.added += 1
                        elif action == "update":
                            sheet_report.updated += 1
                        elif action == "skip":
                            sheet_report.skipped += 1
                        else:
                            sheet_report.unchanged += 1
                        if action in ("add", "update"):
                            sheet_report.changes.append((row.number, "新增" if action == "add" else "更新", what))
                    done += 1
                    if progress is not None and (done % 100 == 0 or done == total):
                        progress(done, total)
            if not dry_run and not report.changed:
                raise _Rollback  # nothing to record: no empty change in the audit log
    except _Rollback:
        pass
    last = ledger.audit(1)
    report.committed = not dry_run and bool(last) and last[0].seq != before
    return report


@dataclass
class _Context:
    """What the rows of one sheet share: the ledger, the sheet, indexes, and the rows seen so far."""

    ledger: Ledger
    table: SheetTable
    seen: dict[Any, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.villages = {(v.township, v.name): v.id for v in self.ledger.records("villages")}
        self.by_name: dict[str, list[int]] = {}
        for (_, n), vid in self.villages.items():
            self.by_name.setdefault(n, []).append(vid)
        self.township = self.ledger.settings_ref().township

    def parse(self, row: SheetRow, columns: Sequence[Column], parsers: dict[str, Callable[[Any, str], Any]],
              village_label: str) -> tuple[dict[str, Any], int]:
        """The row's cells parsed and the village it names; every problem of the row at once."""
        values, errors = _collect(row, columns, parsers, self.table)
        village_id = None
        try:
            village_id = self.village(row, village_label)
        except FieldError as err:
            errors.append(err)
        if errors:
            raise ValidationErrors(errors)
        assert village_id is not None
        return values, village_id

    def once(self, key: Any, row: SheetRow, what: str) -> None:
        """Refuse the second row of the same record in one sheet."""
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            raise LedgerError(f"与第{first}行是同一{what}，只导入第一行")

    def village(self, row: SheetRow, label: str) -> int:
        """The village a row names (with its 乡镇 column, or a township written before the name)."""
        name = cell_name(row.values.get("village"))
        township = cell_name(row.values.get("township"))
        if not name:
            raise FieldError(label, "不能为空")
        if township and (township, name) in self.villages:
            return self.villages[(township, name)]
        if not township:
            for (t, n), vid in self.villages.items():
                if name == t + n:  # 青石镇青山村 in one cell
                    return vid
            ids = self.by_name.get(name, [])
            if len(ids) == 1:
                return ids[0]
            if len(ids) > 1:
                raise FieldError(label, f"有{len(ids)}个“{name}”，请在“乡镇”列注明所属乡镇")
        raise FieldError(label, f"村情中没有“{(township or '') + name}”，请先导入或录入村情")


def _collect(row: SheetRow, columns: Sequence[Column], parsers: dict[str, Callable[[Any, str], Any]],
             table: SheetTable) -> tuple[dict[str, Any], list[FieldError]]:
    """Every present cell of ``row`` parsed by its column's parser; errors gathered, not raised."""
    labels = {c.key: c.label for c in columns}
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, parse in parsers.items():
        if key not in table.columns:
            continue
        raw = row.values.get(key)
        if raw is None or raw == "" or isinstance(raw, str) and len(raw) <= 8 and fold(raw) in EMPTY_WORDS:
            continue
        try:
            out[key] = parse(raw, labels[key])
        except FieldError as err:
            errors.append(FieldError(labels[key], err.detail))
    return out, errors


def _choice(enum_cls, aliases: dict[str, Any] | None = None) -> Callable[[Any, str], Any]:
    def parse(v: Any, label: str) -> Any:
        text = fold(cell_text(v))
        if aliases and text in aliases:
            return aliases[text]
        return parse_choice(text, label, enum_cls)
    return parse


def _text(v: Any, label: str) -> str:
    return cell_text(v)  # cleaned, on one line


def _name(v: Any, label: str) -> str:
    return cell_name(v)


def _scaled_int(table: SheetTable, key: str, minimum: int | None = 0) -> Callable[[Any, str], int | None]:
    return lambda v, label: cell_int(v, label, scale=table.scales.get(key, 1), minimum=minimum)


def _apply(obj: Any, values: dict[str, Any], keys: Sequence[str]) -> None:
    for k in keys:
        if k in values and values[k] is not None:
            setattr(obj, k, values[k])


# ---------------------------------------------------------------- villages


def _village_row(ctx: _Context, row: SheetRow) -> tuple[str, str]:
    led, table = ctx.ledger, ctx.table
    name = cell_name(row.values.get("name"))
    if not name:
        raise FieldError("村名", "不能为空")
    township = cell_name(row.values.get("township")) or ctx.township
    ctx.once((township, name), row, "个村（同一乡镇、同一村名）")
    parsers: dict[str, Callable[[Any, str], Any]] = {
        "kind": _choice(VillageKind, {"行政村": VillageKind.VILLAGE, "城市社区": VillageKind.COMMUNITY}),
        "population": _scaled_int(table, "population", None), "households": _scaled_int(table, "households", None),
        "full_members": _scaled_int(table, "full_members", None),
        "probationary_members": _scaled_int(table, "probationary_members", None),
        "members": _scaled_int(table, "members", None),
        "org_type": _choice(OrgType, {"支部": OrgType.BRANCH, "总支": OrgType.GENERAL_BRANCH}),
        "org_name": _text, "secretary_name": _name,
        "secretary_age": lambda v, l: cell_int(v, l, minimum=None),
        "secretary_education": _text, "secretary_is_director": cell_bool,
        "secretary_pay": _scaled_int(table, "secretary_pay", None),
        "income": _scaled_int(table, "income", None), "reserve_cadres": _scaled_int(table, "reserve_cadres", None),
        "org_term_start": cell_date, "tags": lambda v, l: [t for t in re.split(r"[、,，;；\s]+", cell_text(v)) if t],
        "note": lambda v, l: clean_text(cell_text(v)),
    }
    values, errors = _collect(row, VILLAGE_COLUMNS, parsers, table)
    incomes: dict[int, int] = {}
    for n, year in table.years.items():
        key = f"year:{year}:{table.header[n]}"
        raw = row.values.get(key)
        if raw not in (None, "") and fold(cell_text(raw)) not in EMPTY_WORDS:
            try:
                amount = cell_int(raw, "集体经济收入", scale=table.scales.get("income", 1), minimum=None)
                if amount is not None:
                    incomes[year] = amount
            except FieldError as err:
                errors.append(FieldError(table.header[n], err.detail))
    if errors:
        raise ValidationErrors(errors)
    vid = ctx.villages.get((township, name))
    v = led.village(vid) if vid else Village(name, township)
    before = clone(v)
    if "kind" not in values and not vid and name.endswith("社区"):
        v.kind = VillageKind.COMMUNITY
    _apply(v, values, ("kind", "population", "households", "full_members", "probationary_members", "org_type",
                       "org_name", "secretary_name", "secretary_age", "secretary_education", "secretary_is_director",
                       "secretary_pay", "reserve_cadres", "org_term_start", "tags", "note"))
    if "members" in values and "full_members" not in values:
        v.full_members = values["members"] - v.probationary_members
    if "income" in values and not incomes:
        incomes[led.today.year - 1] = values["income"]  # a plain 集体经济收入 column: last year's figure
    if incomes:
        v.collective_income = {**v.collective_income, **incomes}
    if vid and v == before:
        return "unchanged", name
    saved = led.save_village(v)
    if not vid:
        ctx.villages[(saved.township, saved.name)] = saved.id
        ctx.by_name.setdefault(saved.name, []).append(saved.id)
    return ("update" if vid else "add"), f"{saved.township}{saved.name}"


# ---------------------------------------------------------------- first secretaries


GRADE_TEXT = re.compile(r"(?:(\d{4})\s*年?\s*(?:度)?\s*[:：]?\s*)?(优秀|基本称职|不称职|称职)")
STATUS_ALIASES = {"期满待轮换": SecretaryStatus.ACTIVE, "在职": SecretaryStatus.ACTIVE, "在任": SecretaryStatus.ACTIVE,
                  "拟派": SecretaryStatus.PROPOSED, "期满": SecretaryStatus.LEFT, "离任": SecretaryStatus.LEFT,
                  "撤回": SecretaryStatus.RECALLED}
UNIT_LEVEL_ALIASES = {"中央单位": UnitLevel.CENTRAL, "中直": UnitLevel.CENTRAL, "省直单位": UnitLevel.PROVINCIAL,
                      "省级": UnitLevel.PROVINCIAL, "市直单位": UnitLevel.MUNICIPAL, "市级": UnitLevel.MUNICIPAL,
                      "县直单位": UnitLevel.COUNTY, "县级": UnitLevel.COUNTY, "国有企业": UnitLevel.SOE,
                      "事业": UnitLevel.PUBLIC_INSTITUTION}


def _grades(v: Any, label: str, default_year: int) -> dict[int, Grade]:
    text = cell_text(v)
    found = GRADE_TEXT.findall(text)
    if not found:
        raise FieldError(label, f"无法识别“{text}”，应为“2025年称职”或“称职”")
    return {int(y) if y else default_year: Grade(g) for y, g in found}


def _secretary_row(ctx: _Context, row: SheetRow) -> tuple[str, str]:
    led, table = ctx.ledger, ctx.table
    parsers: dict[str, Callable[[Any, str], Any]] = {
        "name": _name, "gender": _choice(Gender, {"男性": Gender.MALE, "女性": Gender.FEMALE}), "ethnicity": _text,
        "birth": cell_month, "political_status": lambda v, l: {"党员": "中共党员"}.get(fold(cell_text(v)), cell_text(v)),
        "education": _text, "dispatching_unit": _text, "unit_level": _choice(UnitLevel, UNIT_LEVEL_ALIASES),
        "original_post": _text, "rank": _text, "village_type": _choice(VillageType), "batch": _text,
        "arrival": cell_date, "term_end": cell_date, "id_number": _text, "phone": _text,
        "assessments": lambda v, l: _grades(v, l, led.today.year - 1),
        "absences": lambda v, l: cell_int(v, l, minimum=None),
        "status": _choice(SecretaryStatus, STATUS_ALIASES), "note": _text,
    }
    values, errors = _collect(row, SECRETARY_COLUMNS, parsers, table)
    for key in ("id_number", "phone"):
        if "*" in values.get(key, ""):
            del values[key]  # masked in an exported sheet: it identifies nobody and must not overwrite
    village_id = None
    try:
        village_id = ctx.village(row, "驻村")
    except FieldError as err:
        errors.append(err)
    if not values.get("name"):
        errors.append(FieldError("姓名", "不能为空"))
    if errors:
        raise ValidationErrors(errors)
    assert village_id is not None
    cadre = _find_cadre(led, values)
    ctx.once(("cadre", cadre.id if cadre else values.get("id_number") or values["name"], village_id,
              values.get("arrival")), row, "人的同一驻村记录")
    existing = cadre is not None
    person = clone(cadre) if cadre else Cadre(values["name"])
    _apply(person, values, ("name", "gender", "ethnicity", "birth", "political_status", "education",
                            "dispatching_unit", "unit_level", "original_post", "rank", "id_number", "phone"))
    if values.get("id_number") and values.get("birth"):
        from .validate import id_birth

        try:
            day = id_birth(values["id_number"])
        except FieldError:
            day = None  # reported by the cadre's validation
        if day is not None and (day.year, day.month) == (values["birth"].year, values["birth"].month):
            person.birth = day  # 出生年月 has no day; the ID number has it
    elif existing and values.get("birth") and cadre.birth is not None and \
            (cadre.birth.year, cadre.birth.month) == (values["birth"].year, values["birth"].month):
        person.birth = cadre.birth  # the same month: keep the day on file (a masked sheet cannot give it)
    if "gender" not in values and not existing and values.get("id_number"):
        from .validate import id_gender

        try:
            person.gender = id_gender(values["id_number"])
        except FieldError:
            pass  # the ID number's own error is reported by the cadre's validation
    grades: dict[int, Grade] = values.get("assessments", {})
    absences = values.get("absences")
    status = values.get("status", SecretaryStatus.ACTIVE if values.get("arrival") else SecretaryStatus.PROPOSED)
    posting = _find_posting(led, person.id, village_id, values.get("arrival")) if existing else None
    label = f"{person.name}（{led.village_name(village_id)}）"
    if posting is None:
        p = Posting(person.id, village_id, values.get("village_type", VillageType.OTHER), values.get("batch", ""),
                    values.get("arrival"), 0, values.get("term_end"), status, note=values.get("note", ""))
        # The grades go in with the posting (its validation applies R10's cap to each year).
        p.assessments = dict(grades)
        p.absences = {max(grades): absences} if grades and absences else {}
        roster.enlist(led, person, p, imported=True)
        return ("update" if existing else "add"), label
    e = roster.posting_entry(led, posting.id)
    if status != e.posting.status and not (status == SecretaryStatus.ACTIVE and e.serving):
        raise LedgerError(f"“状态”：账本中为“{e.status.value}”，表格为“{status.value}”。状态变动请在“第一书记”栏目"
                          "办理（到村、召回、调整、期满离任等），以保留历史")
    p = clone(e.posting)
    _apply(p, values, ("village_type", "batch", "arrival", "term_end", "note"))
    if "term_end" in values and values["term_end"] == e.term_end and e.posting.term_end is None:
        p.term_end = None  # the sheet prints the computed end: not a change of term
    changed = False
    # Compared as the ledger would store them (the phone as 11 digits, the ID number in capitals …).
    normal = clone(person)
    roster.validate_cadre(led, normal)
    if p != e.posting or normal != e.cadre:
        roster.save_posting(led, p, person)
        changed = True
    for year, grade in sorted(grades.items()):
        n = absences if absences is not None and year == max(grades) else e.posting.absences.get(year, 0)
        if e.posting.assessments.get(year) != grade or e.posting.absences.get(year, 0) != n:
            roster.set_assessment(led, e.id, year, grade, n)
            changed = True
    return ("update" if changed else "unchanged"), label


def _find_cadre(led: Ledger, values: dict[str, Any]) -> Cadre | None:
    if values.get("id_number"):
        found = roster.find_cadre(led, values["id_number"])
        if found is not None:
            return found
        return None
    same = [c for c in led.records("cadres") if c.name == values["name"]
            and (values.get("birth") is None or c.birth is None or (c.birth.year, c.birth.month) ==
                 (values["birth"].year, values["birth"].month))
            and (not values.get("dispatching_unit") or c.dispatching_unit == values["dispatching_unit"])]
    return clone(same[0]) if len(same) == 1 else None


def _find_posting(led: Ledger, cadre_id: int, village_id: int, arrival: date | None) -> Posting | None:
    mine = [p for p in roster.postings_by(led, "cadre_id", cadre_id) if p.village_id == village_id]
    same_day = [p for p in mine if p.arrival == arrival]  # also a withdrawn one that never arrived
    if same_day:
        return same_day[0]
    in_force = [p for p in mine if p.status in (SecretaryStatus.PROPOSED, SecretaryStatus.ACTIVE)]
    return in_force[0] if in_force and (arrival is None or in_force[0].arrival in (None, arrival)) else None


# ---------------------------------------------------------------- cases and tasks


COMPLETION = {"已完成": TaskStatus.DONE, "完成": TaskStatus.DONE, "已整改": TaskStatus.DONE, "已销项": TaskStatus.CLOSED,
              "推进中": TaskStatus.IN_PROGRESS, "正在推进": TaskStatus.IN_PROGRESS, "整改中": TaskStatus.IN_PROGRESS,
              "进行中": TaskStatus.IN_PROGRESS, "逾期": TaskStatus.IN_PROGRESS, "未完成": TaskStatus.IN_PROGRESS,
              "未启动": TaskStatus.NOT_STARTED, "未开始": TaskStatus.NOT_STARTED}


def _situations(led: Ledger, v: Any, label: str) -> list[str]:
    """Codes (S02、S04) or the situations' own words, as the office's table has them."""
    text = cell_text(v)
    table = led.situations()
    codes = re.findall(r"S\d{2}", text.upper())
    if codes:
        unknown = [c for c in codes if c not in {s.code for s in table}]
        if unknown:
            raise FieldError(label, "未知情形代码：" + "、".join(unknown))
        return list(dict.fromkeys(codes))
    out = []
    for part in (p for p in re.split(r"[；;、\n]+", text) if p.strip()):
        part_f = fold(part)
        hit = next((s.code for s in table if fold(s.text) == part_f or part_f and part_f in fold(s.text)), None)
        if hit is None:
            raise FieldError(label, f"无法对应到软弱涣散情形表：“{part.strip()}”（可写代码，如S02）")
        out.append(hit)
    return list(dict.fromkeys(out))


def _completion(v: Any, label: str) -> tuple[TaskStatus, str | None]:
    """(status, waive note) from 完成情况: a status word (a date or 逾期N天 after it is ignored), or
    免于整改：理由."""
    text = fold(cell_text(v))
    if text.startswith("免于整改"):
        return TaskStatus.NOT_STARTED, text.removeprefix("免于整改").lstrip(":：") or None
    for word in sorted(COMPLETION, key=len, reverse=True):
        if text.startswith(word):
            return COMPLETION[word], None
    return parse_choice(text, label, TaskStatus), None


TERMINAL_STAGES = frozenset({CaseState.ARCHIVED.value, CaseState.DISMISSED.value, CaseState.RELAPSED.value})


def _case_row(ctx: _Context, row: SheetRow) -> tuple[str, str]:
    led, table = ctx.ledger, ctx.table
    parsers: dict[str, Callable[[Any, str], Any]] = {
        "year": lambda v, l: cell_int(re.sub(r"年.*$", "", cell_text(v)) if isinstance(v, str) else v, l,
                                      minimum=2000, maximum=2100),
        "batch": _text, "situations": lambda v, l: _situations(led, v, l), "problem_summary": _text,
        "problem": _text, "measure": _text, "leader": _text, "owner": _name, "deadline": cell_date,
        "completion": _completion, "done_on": cell_date, "evidence": _text, "stage": lambda v, l: fold(cell_text(v)),
    }
    values, village_id = ctx.parse(row, CASE_COLUMNS, parsers, "村名")
    vname = led.village_name(village_id)
    year = values.get("year")
    cases = led.cases_for_village(village_id)
    same = [c for c in cases if c.year == year] if year else [c for c in cases if c.active][-1:]
    case = same[-1] if same else None
    what = f"{vname}（{year or led.today.year}年）"
    if "problem" not in values:
        ctx.once(("case", village_id, year), row, "个村同一年度的案卷")
    if case is None and values.get("stage") in TERMINAL_STAGES:
        return "skip", what  # a case long over: history in the old sheet, nothing to work on here
    action = "unchanged"
    if case is None:
        active = led.active_case(village_id)
        if active is not None:
            raise LedgerError(f"{vname}已有未结束的{active.year}年整顿案卷（{active.state.value}），"
                              f"不能再列入{year}年的案卷")
        year = year or led.today.year
        # Listed during that year's screening, as far as the sheet tells: its old deadlines and
        # completions then follow the listing, as a case's dates must.
        led_on = min(date(year, 1, 1), led.today)
        case = led.new_case(village_id, year, values.get("batch", ""),
                            problem_summary=values.get("problem_summary", ""), listed_on=led_on)
        action = "add"
    edits = {k: values[k] for k in ("situations", "problem_summary", "batch") if k in values
             and values[k] != getattr(case, k) and (k != "batch" or action == "add")}
    if edits:
        case = led.save_case(replace(case, **edits))
        action = "update" if action == "unchanged" else action
    what = f"{vname}（{case.year}年）"
    if "problem" not in values:
        return action, what
    ctx.once(("task", village_id, case.year, values["problem"]), row, "项整改任务（同一村、同一具体问题）")
    old = next((t for t in case.tasks if t.problem == values["problem"]), None)
    t = clone(old) if old else Task(values["problem"])
    _apply(t, values, ("measure", "leader", "owner", "deadline", "evidence", "done_on"))
    if "completion" in values:
        status, waived = values["completion"]
        if waived:
            t.waived, t.waive_note = True, waived
        elif not (status == TaskStatus.CLOSED and old is not None and old.status == TaskStatus.CLOSED):
            t.status = TaskStatus.DONE if status == TaskStatus.CLOSED else status  # 已销项 is set by sign-off
        if t.status == TaskStatus.DONE and t.done_on is None:
            # Sheets rarely give the day a task was done: its deadline (when passed) or today.
            t.done_on = min(t.deadline, led.today) if t.deadline else led.today
    if old is not None and t == old:
        return action, what
    led.save_task(case.id, t)
    return ("add" if action == "add" else "update"), f"{what}：{t.problem}"


# ---------------------------------------------------------------- the 四个一 matrix


_NAME_TITLE = re.compile(r"^(.+?)[（(](.+)[)）]$")


def _leader(led: Ledger, role: Role, name: str, title: str) -> tuple[Leader, bool]:
    m = _NAME_TITLE.match(name)
    if m and not title:  # 赵立新（副县长） in one cell
        name, title = cell_name(m.group(1)), m.group(2).strip()
    found = [l for l in led.records("leaders") if l.role == role and l.name == name]
    if found:
        l = clone(found[0])
        if title and l.title != title:
            return assignments.save_leader(led, replace(l, title=title)), True
        return l, False
    other = [l for l in led.records("leaders") if l.name == name]
    if other:
        raise LedgerError(f"{name}已登记为{other[0].role.value}，不能同时作为{role.value}")
    return assignments.save_leader(led, Leader(name, title, role)), True


def _matrix_row(ctx: _Context, row: SheetRow) -> tuple[str, str]:
    led, table = ctx.ledger, ctx.table
    values, village_id = ctx.parse(row, MATRIX_COLUMNS, {
        "county_name": _name, "county_title": _text, "town_name": _name, "town_title": _text, "fs_name": _name,
        "fs_unit": _text, "unit": _text, "since": cell_date, "note": _text}, "村名")
    ctx.once(("matrix", village_id), row, "个村")
    since = values.get("since")
    slots = led.slots(village_id)
    changed = False

    def put(role: Role, holder_id: int) -> None:
        nonlocal changed
        current = slots[role]
        if current is not None and current.holder_id == holder_id:
            return
        start = since if since and (current is None or current.start is None or since >= current.start) else None
        if start is not None and start > led.today:
            start = None
        assignments.assign(led, village_id, role, holder_id, start)
        changed = True

    # The first secretary is checked before anything is saved: a refused row then has nothing to
    # roll back (a roll-back re-reads the whole ledger, ~90 ms a row at prefecture scale).
    cadre_to_post = None
    if values.get("fs_name"):
        name = values["fs_name"]
        serving = slots[Role.FIRST_SECRETARY]
        if serving is None or serving.name != name:
            cadres = [c for c in led.records("cadres") if c.name == name
                      and (not values.get("fs_unit") or c.dispatching_unit == values["fs_unit"])]
            if not cadres:
                raise FieldError("第一书记|姓名", f"花名册中没有{name}，请先导入第一书记花名册")
            if len(cadres) > 1:
                raise FieldError("第一书记|姓名", f"花名册中有{len(cadres)}个{name}，请在“派出单位”列注明")
            current = roster.in_force(led, cadres[0].id)
            if current is not None:
                raise LedgerError(f"第一书记{name}在花名册中驻{led.village_name(current.village_id)}，"
                                  "换村请在“第一书记”栏目办理调整")
            cadre_to_post = cadres[0]
    for role, key in ((Role.COUNTY_LEADER, "county"), (Role.TOWNSHIP_LEADER, "town")):
        name = values.get(f"{key}_name")
        if name:
            leader, made = _leader(led, role, name, values.get(f"{key}_title", ""))
            changed |= made
            put(role, leader.id)
    if values.get("unit"):
        found = [u for u in led.records("units") if u.name == values["unit"]]
        unit = clone(found[0]) if found else assignments.save_unit(led, Unit(values["unit"],
                                                                              unit_level(led, values["unit"])))
        changed |= not found
        put(Role.PAIRED_UNIT, unit.id)
    if cadre_to_post is not None:
        roster.post(led, cadre_to_post.id, village_id, arrival=min(since, led.today) if since else led.today)
        changed = True
    return ("update" if changed else "unchanged"), led.village_name(village_id)


LEVEL_BY_NAME = ((("中央", "国家", "全国"), UnitLevel.CENTRAL), (("省",), UnitLevel.PROVINCIAL),
                 (("市", "州"), UnitLevel.MUNICIPAL), (("县", "区"), UnitLevel.COUNTY))


def unit_level(led: Ledger, name: str) -> UnitLevel:
    """A paired unit's level, which the 包联表 does not print: as the roster gives it for the same
    agency sending first secretaries, else from the name (大学 → 高校, 公司/银行 → 国企, 省… → 省直 …)."""
    known = next((c.unit_level for c in led.records("cadres") if c.dispatching_unit == name), None)
    if known is not None:
        return known
    if any(w in name for w in ("大学", "学院", "学校")):
        return UnitLevel.UNIVERSITY
    if any(w in name for w in ("公司", "银行", "集团")):
        return UnitLevel.SOE
    if any(w in name for w in ("医院", "研究所", "中心")):
        return UnitLevel.PUBLIC_INSTITUTION
    return next((level for prefixes, level in LEVEL_BY_NAME if name.startswith(prefixes)), UnitLevel.OTHER)


HANDLERS: dict[str, Callable[[_Context, SheetRow], tuple[str, str]]] = {
    "villages": _village_row, "secretaries": _secretary_row, "cases": _case_row, "matrix": _matrix_row,
}
ORDER = {"villages": 0, "secretaries": 1, "cases": 2, "matrix": 3}


def _register_people_sheets() -> None:
    """The village's people (ledgers/importing_people.py): their kinds, columns, handlers, order."""
    from . import importing_people as ip

    for kind, (name, columns, required, handler, order) in ip.SHEET_KINDS.items():
        KIND_NAMES[kind] = name
        KINDS[kind] = (columns, required)
        HANDLERS[kind] = handler
        ORDER[kind] = order
    EXCLUDES["villages"] = (*EXCLUDES["villages"], *ip.EXCLUDES)


_register_people_sheets()
