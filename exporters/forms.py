"""Small forms with merged cells (the 验收销号表): label cells, values spanning columns or rows,
opinion boxes with several paragraphs. Built as one XML string with every property stated (a form
has a few dozen cells, so speed does not matter here; see ``tables`` for the data tables)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .layout import Fonts, mm, pt, safe_text
from .tables import W_NS, Column, CellTemplate, escape_xml, cell_ppr, cell_rpr, column_widths


@dataclass(frozen=True)
class FormCell:
    """A cell of a form table: text (or several paragraphs, each with its alignment), a column span,
    a vertical merge (``restart`` / ``continue``) and whether it is a label (黑体)."""

    text: str = ""
    span: int = 1
    vmerge: str = ""
    align: str = "center"
    label: bool = False
    paras: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FormRow:
    cells: Sequence[FormCell]
    height: float = 0.0  # minimum height in mm (0: one line)


def form_table_xml(weights: Sequence[float], rows: Sequence[FormRow], fonts: Fonts, total: int,
                   size: float) -> str:
    """A small form (验收销号表): fixed layout, explicit widths, cells that span columns or rows."""
    widths = column_widths([Column("", w) for w in weights], total)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
    ]
    body_rpr, label_rpr = cell_rpr(fonts.body, size), cell_rpr(fonts.heading1, size)
    for row in rows:
        height = mm(row.height) if row.height else pt(size * 2.2)
        out.append(f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="atLeast"/></w:trPr>')
        col = 0
        for cell in row.cells:
            width = sum(widths[col:col + cell.span])
            col += cell.span
            tpl = CellTemplate(width, cell_ppr(size, cell.align), label_rpr if cell.label else body_rpr,
                                cell.span, cell.vmerge)
            if not cell.paras:
                out.append(tpl.render(cell.text))
                continue
            paras = "".join(
                f"<w:p>{cell_ppr(size, align)}<w:r>{tpl.rpr}<w:t xml:space=\"preserve\">{escape_xml(safe_text(text))}</w:t></w:r></w:p>"
                for text, align in cell.paras)
            out.append(tpl.prefix.removesuffix(f"<w:p>{tpl.ppr}") + paras + "</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)
