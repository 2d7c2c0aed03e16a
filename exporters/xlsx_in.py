"""Reading .xlsx and legacy .xls workbooks (WPS saves both) into grids for ``ledgers.importing``.

python-calamine reads both formats (and .xlsm/.ods) with the cell types Excel stores: numbers, dates,
text, booleans. Merged ranges are passed on where the format records them (.xlsx), so a header merged
over two columns names both.
"""
from __future__ import annotations

from pathlib import Path

from ledgers.errors import LedgerError
from ledgers.importing import RawSheet

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


class WorkbookUnreadable(LedgerError):
    """The file cannot be read as a workbook (missing, not a spreadsheet, damaged, locked)."""


def read_workbook(path: str | Path) -> list[RawSheet]:
    """Every visible sheet of the workbook at ``path`` (WorkbookUnreadable with a Chinese reason)."""
    from python_calamine import CalamineWorkbook

    p = Path(path)
    if not p.exists():
        raise WorkbookUnreadable(f"找不到文件：{p}")
    if p.is_dir():
        raise WorkbookUnreadable(f"{p} 是文件夹，不是 Excel 文件")
    if p.suffix.lower() not in SUFFIXES:
        raise WorkbookUnreadable(f"{p.name} 不是 Excel 文件（应为 .xlsx 或 .xls）")
    try:
        book = CalamineWorkbook.from_path(str(p))
        sheets = []
        for meta in book.sheets_metadata:
            if str(getattr(meta, "visible", "Visible")).lower().endswith("hidden"):
                continue  # a hidden helper sheet (lists for drop-downs …) is not a ledger
            sheet = book.get_sheet_by_name(meta.name)
            grid = sheet.to_python(skip_empty_area=False)
            try:
                merged = list(sheet.merged_cell_ranges or ())
            except Exception:  # a format without merge records
                merged = []
            sheets.append(RawSheet(meta.name, [list(r) for r in grid], merged))
        return sheets
    except PermissionError:
        raise WorkbookUnreadable(f"无法读取 {p.name}：文件可能正被 Excel 或 WPS 打开，请关闭后重试") from None
    except WorkbookUnreadable:
        raise
    except Exception as err:  # calamine's own errors: not a workbook, damaged, encrypted
        raise WorkbookUnreadable(f"无法读取 {p.name}：文件已损坏、加密或不是 Excel 文件（{type(err).__name__}）") from None
