"""Every ledger as one .xlsx workbook, and the rejection report of an import.

One sheet per ledger — 村情, 整顿台账, 整顿推进表, 四个一包联表, 第一书记花名册 — in the clerk's column
order (DOMAIN.md), each with a title row, a frozen header, column widths fitted to CJK text and dates
as real dates. ID numbers and phones are masked unless asked otherwise. The workbook reads back
through ``ledgers.importing`` (export → import into a fresh ledger gives the same records).
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from ledgers import roster
from ledgers.importing import ImportReport
from ledgers.ledger import Ledger
from ledgers.models import SLOTTED_CASE_STATES, Role
from ledgers.validate import mask_id, mask_phone

DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"
MAX_WIDTH = 48  # characters; a longer text wraps in its cell


@dataclass(frozen=True)
class Sheet:
    title: str  # the sheet's tab name
    heading: str  # the title row above the header
    header: list[str]  # one row; "group|sub" makes a two-row header with the group merged
    rows: list[list[Any]]
    formats: dict[int, str]  # column index → number format (dates, months)


def _situations(ledger: Ledger, codes: Sequence[str]) -> str:
    return "；".join(f"{code} {ledger.situation_text(code)}" for code in codes)


def village_sheet(ledger: Ledger) -> Sheet:
    villages = ledger.villages()
    years = sorted({y for v in villages for y in v.collective_income})[-3:]  # the latest three years
    header = ["序号", "乡镇", "村名", "类型", "人口", "户数", "正式党员", "预备党员", "组织类型", "党组织名称", "村党组织书记",
              "书记年龄", "书记学历", "一肩挑", "书记基本报酬（元）", *[f"{y}年集体经济收入（元）" for y in years],
              "后备干部", "换届时间", "标签", "备注"]
    rows = []
    for n, v in enumerate(villages, 1):
        rows.append([n, v.township, v.name, v.kind.value, v.population, v.households, v.full_members,
                     v.probationary_members, v.org_type.value, v.org_name, v.secretary_name, v.secretary_age,
                     v.secretary_education, "是" if v.secretary_is_director else "否", v.secretary_pay,
                     *[v.collective_income.get(y) for y in years], v.reserve_cadres, v.org_term_start,
                     "、".join(v.tags), v.note])
    return Sheet("村情", f"{ledger.settings.township}村（社区）基本情况", header, rows,
                 {header.index("换届时间"): DATE_FORMAT})


def case_sheet(ledger: Ledger) -> Sheet:
    header = ["序号", "乡镇", "村名", "党组织名称", "组织类型", "党员数", "村党组织书记", "认定年度", "批次", "软弱涣散情形",
              "主要问题", "县级联系领导", "乡镇包村领导", "第一书记", "结对单位", "整改措施（项数/已完成）", "完成时限",
              "当前阶段", "验收时间", "验收得分", "销号时间", "备注"]
    rows = []
    for n, c in enumerate(ledger.cases(), 1):
        v = ledger.village(c.village_id)
        slots = ledger.slots(c.village_id)
        gap = "未落实" if c.state in SLOTTED_CASE_STATES else ""
        deadlines = [t.deadline for t in c.tasks if t.deadline]
        acc = c.last_acceptance
        rows.append([n, v.township, v.name, v.org_name, v.org_type.value, v.members, v.secretary_name, c.year, c.batch,
                     _situations(ledger, c.situations), c.problem_summary,
                     *[(slots[r].name if slots[r] else gap) for r in Role],
                     f"{len(c.tasks)}/{c.tasks_done}", c.rectify_deadline or (max(deadlines) if deadlines else None),
                     c.state.value, acc.on if acc else None, acc.score if acc else None, c.signed_off_on, c.note])
    return Sheet("整顿台账", f"{ledger.settings.township}软弱涣散村党组织整顿台账", header, rows,
                 {header.index(h): DATE_FORMAT for h in ("完成时限", "验收时间", "销号时间")})


def task_sheet(ledger: Ledger) -> Sheet:
    header = ["序号", "乡镇", "村名", "具体问题", "整改措施", "责任领导", "责任人", "完成时限", "完成情况", "完成时间", "佐证材料"]
    rows = []
    for c in ledger.cases():
        if not c.active:
            continue
        v = ledger.village(c.village_id)
        for t in c.tasks:
            state = f"免于整改：{t.waive_note}" if t.waived and t.waive_note else t.status.value
            rows.append([len(rows) + 1, v.township, v.name, t.problem, t.measure, t.leader, t.owner, t.deadline,
                         state, t.done_on, t.evidence])
    return Sheet("整顿推进表", f"{ledger.settings.township}软弱涣散村党组织整顿推进表", header, rows,
                 {7: DATE_FORMAT, 9: DATE_FORMAT})


def matrix_sheet(ledger: Ledger) -> Sheet:
    from ledgers.matrix import assignment_matrix

    header = ["序号", "乡镇", "村名", "县级联系领导|姓名", "县级联系领导|职务", "乡镇包村领导|姓名", "乡镇包村领导|职务",
              "第一书记|姓名", "第一书记|派出单位", "结对单位", "落实时间", "备注"]
    m = assignment_matrix(ledger)
    rows = []
    for n, r in enumerate(m.rows, 1):
        def pair(role: Role) -> list[str]:
            h = r.slots[role]
            return [h.name, h.detail] if h is not None else ["未落实", ""]

        unit = r.slots[Role.PAIRED_UNIT]
        notes = [c.message for c in r.conflicts]
        if r.planned is not None:
            notes.insert(0, f"第一书记拟选派{r.planned.name}")
        rows.append([n, r.village.township, r.village.name, *pair(Role.COUNTY_LEADER), *pair(Role.TOWNSHIP_LEADER),
                     *pair(Role.FIRST_SECRETARY), unit.name if unit else "未落实", r.since, "；".join(notes)])
    return Sheet("四个一包联表", f"{ledger.settings.township}软弱涣散村党组织“四个一”包联表", header, rows,
                 {10: DATE_FORMAT})


def roster_sheet(ledger: Ledger, *, mask: bool) -> Sheet:
    header = ["序号", "姓名", "性别", "民族", "出生年月", "政治面貌", "学历", "派出单位", "单位层级", "原职务", "职级",
              "乡镇", "驻村", "村类型", "选派批次", "到村时间", "任期届满时间", "身份证号", "联系电话", "年度考核",
              "无故不在岗次数", "状态", "备注"]
    rows = []
    for n, e in enumerate(roster.roster(ledger), 1):
        c, p = e.cadre, e.posting
        grades = "；".join(f"{y}年{g.value}" for y, g in sorted(p.assessments.items()))
        latest = max(p.assessments) if p.assessments else None
        rows.append([n, c.name, c.gender.value, c.ethnicity, c.birth, c.political_status, c.education,
                     c.dispatching_unit, c.unit_level.value, c.original_post, c.rank, e.township, e.village,
                     p.village_type.value, p.batch, p.arrival, e.term_end,
                     mask_id(c.id_number) if mask else c.id_number, mask_phone(c.phone) if mask else c.phone,
                     grades, p.absences.get(latest, 0) if latest else None, e.status.value, p.note or c.note])
    return Sheet("第一书记花名册", f"{ledger.settings.township}第一书记花名册", header, rows,
                 {4: MONTH_FORMAT, 15: DATE_FORMAT, 16: DATE_FORMAT})


def _village_cols(ledger: Ledger, village_id: int) -> list[str]:
    v = ledger.village(village_id)
    return [v.township, v.name]


def _people(ledger: Ledger, collection: str) -> list[Any]:
    """The records of ``collection`` in registry order (village, then as entered)."""
    rank = ledger.village_rank()
    return sorted(ledger.records(collection), key=lambda r: (rank.get(r.village_id, 0), r.id))


def committee_sheet(ledger: Ledger) -> Sheet:
    from ledgers.importing_people import COMMITTEE_COLUMNS

    header = [c.label for c in COMMITTEE_COLUMNS]
    rows = [[*_village_cols(ledger, m.village_id), m.name, "、".join(p.value for p in m.posts),
             m.gender.value if m.gender else "", m.birth, m.education, m.term_start, m.term_end, m.note]
            for m in _people(ledger, "committee")]
    return Sheet("两委班子", f"{ledger.settings.township}村“两委”班子成员", header, rows,
                 {5: MONTH_FORMAT, 7: DATE_FORMAT, 8: DATE_FORMAT})


def reserve_sheet(ledger: Ledger) -> Sheet:
    from ledgers.importing_people import RESERVE_COLUMNS

    header = [c.label for c in RESERVE_COLUMNS]
    year = ledger.today.year
    rows = []
    for r in _people(ledger, "reserves"):
        done = r.years.get(year)
        items = ["是" if done.training else "否", "是" if done.shadowing else "否",
                 "是" if done.meeting_chaired else "否", done.households] if done else ["", "", "", None]
        rows.append([*_village_cols(ledger, r.village_id), r.name, r.post.value, r.gender.value if r.gender else "",
                     r.birth, r.education, year if done else None, *items, r.note])
    return Sheet("后备干部", f"{ledger.settings.township}村级后备干部（{year}年“三定四个一”）", header, rows,
                 {5: MONTH_FORMAT})


def meeting_sheet(ledger: Ledger) -> Sheet:
    from ledgers.importing_people import MEETING_COLUMNS

    header = [c.label for c in MEETING_COLUMNS]
    rows = [[*_village_cols(ledger, m.village_id), m.kind.value, m.day, m.attendance, m.note]
            for m in _people(ledger, "meetings")]
    return Sheet("组织生活", f"{ledger.settings.township}村党组织组织生活记录", header, rows, {3: DATE_FORMAT})


def recruit_sheet(ledger: Ledger) -> Sheet:
    from ledgers.importing_people import RECRUIT_COLUMNS
    from ledgers.people import RecruitStage

    header = [c.label for c in RECRUIT_COLUMNS]
    rows = [[*_village_cols(ledger, r.village_id), r.name, *[r.stages.get(s) for s in RecruitStage], r.note]
            for r in _people(ledger, "recruits")]
    return Sheet("党员发展", f"{ledger.settings.township}党员发展情况", header, rows,
                 {3 + n: DATE_FORMAT for n in range(len(RecruitStage))})


def screening_sheet(ledger: Ledger, year: int | None = None) -> Sheet:
    """The year's 拉网式排查 result for the 党委 meeting: every village, what its data shows, what the
    clerk ticked, the decision (not read back by the importer: the decisions are taken in the app)."""
    from exporters.screening_table import SCREENING_HEADER, screening_rows

    year = year or ledger.today.year
    return Sheet("排查结果", f"{ledger.settings.township}{year}年软弱涣散村党组织拉网式排查结果", list(SCREENING_HEADER),
                 [[int(r[0]), *r[1:]] for r in screening_rows(ledger, year)], {})


def ledger_sheets(ledger: Ledger, *, mask: bool = True) -> list[Sheet]:
    return [village_sheet(ledger), case_sheet(ledger), task_sheet(ledger), matrix_sheet(ledger),
            roster_sheet(ledger, mask=mask), committee_sheet(ledger), reserve_sheet(ledger), meeting_sheet(ledger),
            recruit_sheet(ledger)]


# ---------------------------------------------------------------- writing


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    return max((cell_len(line) for line in str(value).split("\n")), default=0)


def _write_sheet(wb: Any, sheet: Sheet, *, first: bool) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    ws = wb.active if first else wb.create_sheet()
    ws.title = sheet.title
    two_rows = any("|" in h for h in sheet.header)
    ncols = len(sheet.header)
    ws.cell(1, 1, sheet.heading).font = Font(name="宋体", size=14, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 28
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font, fill = Font(name="宋体", bold=True), PatternFill("solid", fgColor="DDEBF7")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [0] * ncols
    for n, h in enumerate(sheet.header):
        group, _, sub = h.partition("|")
        top, bottom = (group, sub) if sub else (h, None)
        ws.cell(2, n + 1, top)
        if two_rows:
            ws.cell(3, n + 1, bottom)
        widths[n] = max(widths[n], cell_len(sub or h))
    if two_rows:
        n = 0
        while n < ncols:
            group, _, sub = sheet.header[n].partition("|")
            if not sub:
                ws.merge_cells(start_row=2, start_column=n + 1, end_row=3, end_column=n + 1)
                n += 1
                continue
            end = n
            while end + 1 < ncols and sheet.header[end + 1].partition("|")[0] == group and "|" in sheet.header[end + 1]:
                end += 1
            if end > n:
                ws.merge_cells(start_row=2, start_column=n + 1, end_row=2, end_column=end + 1)
            n = end + 1
    header_rows = 3 if two_rows else 2
    for r in range(2, header_rows + 1):
        for c in range(1, ncols + 1):
            cell = ws.cell(r, c)
            cell.font, cell.fill, cell.alignment, cell.border = head_font, fill, center, border
    body = Alignment(vertical="center", wrap_text=True)
    for r, row in enumerate(sheet.rows, header_rows + 1):
        for c, value in enumerate(row):
            cell = ws.cell(r, c + 1, value)
            cell.border, cell.alignment = border, body
            if c in sheet.formats and isinstance(value, date):
                cell.number_format = sheet.formats[c]
            widths[c] = max(widths[c], _width(value))
    from openpyxl.utils import get_column_letter

    for c, w in enumerate(widths):
        # Excel's width unit is one digit of the default font; a CJK character takes two.
        ws.column_dimensions[get_column_letter(c + 1)].width = min(MAX_WIDTH, max(6, w + 2))
    ws.freeze_panes = ws.cell(header_rows + 1, 4 if ncols > 6 else 2)
    ws.print_title_rows = f"{2}:{header_rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _save(wb: Any, path: Path) -> Path:
    """Save to a temp file beside ``path`` and replace it (a workbook open in WPS says so)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, 0o600)  # it holds names, ID numbers and phones
        try:
            os.replace(tmp, path)
        except PermissionError:
            from ledgers.errors import LedgerError

            raise LedgerError(f"无法写入 {path.name}：文件可能正被 Excel 或 WPS 打开，请关闭后重试") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_sheets(sheets: Sequence[Sheet], path: str | Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    for n, sheet in enumerate(sheets):
        _write_sheet(wb, sheet, first=n == 0)
    wb.properties.creator = "党建台账"
    return _save(wb, Path(path))


def write_ledger(ledger: Ledger, path: str | Path, *, mask: bool = True) -> Path:
    """The whole ledger as one workbook at ``path``."""
    sheets = ledger_sheets(ledger, mask=mask)
    wb_path = write_sheets(sheets, path)
    return wb_path


def rejection_path(source: str | Path) -> Path:
    src = Path(source)
    return src.with_name(f"{src.stem}-未导入的行.xlsx")


def write_rejections(report: ImportReport, source: str | Path) -> Path | None:
    """The rejected rows as they were, with a 原因 column, beside the source (None when none)."""
    if not report.rejected:
        return None
    sheets = []
    for s in report.sheets:
        if not s.rejected:
            continue
        header = ["原行号", *[h.replace("|", "") or f"第{n + 1}列" for n, h in enumerate(s.header)], "原因"]
        rows = [[r.row, *(r.original + [None] * (len(s.header) - len(r.original)))[:len(s.header)], r.reason]
                for r in s.rejected]
        formats = {n + 1: DATE_FORMAT for n in range(len(s.header))}
        sheets.append(Sheet(s.name[:31], f"{s.name}：未导入的行（共{len(s.rejected)}行）", header, rows, formats))
    return write_sheets(sheets, rejection_path(source))


__all__ = ["ledger_sheets", "write_ledger", "write_rejections", "rejection_path"]
