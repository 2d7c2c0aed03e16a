"""Helpers for the export tests: a demo ledger, and reading a written .docx back the way Word would
resolve it (effective East Asian font of every run, sections, tables, footers). No tests here."""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from ledgers.demo import load_demo
from ledgers.ledger import Ledger

TODAY = date(2026, 11, 23)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 1440 / 25.4  # twips per millimetre


def demo_ledger(path: Path, scale: str = "township") -> Ledger:
    ledger = Ledger.open(path, today=TODAY)
    load_demo(ledger, scale)
    return ledger


def twips(value: str | None) -> int:
    return int(value or 0)


def near_mm(length, mm: float, tol: float = 0.6) -> bool:
    """A python-docx Length (EMU) within ``tol`` mm of ``mm``."""
    return abs(length.mm - mm) <= tol


class DocxReader:
    """A written document, read back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.doc: DocxDocument = Document(str(path))
        self.body = self.doc.element.body
        with zipfile.ZipFile(path) as z:
            self.document_xml = z.read("word/document.xml").decode("utf-8")
            self.settings_xml = z.read("word/settings.xml").decode("utf-8")
            self.footer_xml = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer")}
        styles = self.doc.styles.element
        self.styles = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
        self.default_font = self._east_asia(styles.find(qn("w:docDefaults")))

    # ------------------------------------------------------------ fonts

    @staticmethod
    def _east_asia(el) -> str | None:
        if el is None:
            return None
        for rfonts in el.iter(qn("w:rFonts")):
            value = rfonts.get(qn("w:eastAsia"))
            if value:
                return value
        return None

    def _style_font(self, style_id: str | None) -> str | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                return None
            rpr = style.find(qn("w:rPr"))
            font = self._east_asia(rpr)
            if font:
                return font
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return None

    def effective_east_asia(self, run) -> str | None:
        """run rPr → run's paragraph style → the table style around it → document defaults."""
        rpr = run.find(qn("w:rPr"))
        font = self._east_asia(rpr)
        if font:
            return font
        p = run.getparent()
        while p is not None and p.tag != qn("w:p"):
            p = p.getparent()
        if p is not None:
            pstyle = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
            font = self._style_font(pstyle.get(qn("w:val")) if pstyle is not None else None)
            if font:
                return font
            tbl = p.getparent()
            while tbl is not None and tbl.tag != qn("w:tbl"):
                tbl = tbl.getparent()
            if tbl is not None:
                tstyle = tbl.find(qn("w:tblPr") + "/" + qn("w:tblStyle"))
                font = self._style_font(tstyle.get(qn("w:val")) if tstyle is not None else None)
                if font:
                    return font
        return self.default_font

    def runs(self) -> Iterator:
        yield from self.body.iter(qn("w:r"))

    # ------------------------------------------------------------ text

    def text(self) -> str:
        """All text of the body, paragraphs separated by newlines (tables included)."""
        return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in self.body.iter(qn("w:p")))

    def body_paragraphs(self) -> list:
        """Paragraphs directly in the body (not in tables)."""
        return list(self.body.iterchildren(qn("w:p")))

    @staticmethod
    def p_text(p) -> str:
        return "".join(t.text or "" for t in p.iter(qn("w:t")))

    # ------------------------------------------------------------ structure

    def sections(self) -> list:
        return list(self.doc.sections)

    def data_tables(self) -> list:
        """Tables with a repeated header (the data tables, not the 版记 or a form)."""
        return [t for t in self.body.iterchildren(qn("w:tbl")) if t.find(".//" + qn("w:tblHeader")) is not None]

    def section_blocks(self) -> list[list]:
        """Body children grouped by section (a paragraph holding a sectPr ends its section)."""
        blocks: list[list] = [[]]
        for child in self.body.iterchildren():
            if child.tag == qn("w:sectPr"):
                continue
            blocks[-1].append(child)
            if child.tag == qn("w:p") and child.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
                blocks.append([])
        return [b for b in blocks if b] if blocks[-1] == [] else blocks


def has_text(el) -> bool:
    return any((t.text or "").strip() for t in el.iter(qn("w:t")))


def page_field_in(xml: str) -> bool:
    return bool(re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", xml)) and 'fldCharType="begin"' in xml


# ---------------------------------------------------------------- rendering (where LibreOffice is installed)

import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402

# Line breaks on a rendered page depend on the fonts' metrics: render only with the fonts the layout
# was checked with (GONGWEN.md), the Chinese font names mapped onto them as
# ../shared/tools/render-docx maps them (tests/data/fonts.conf is its copy).
NEEDED_FONTS = ("AR PL UMing", "AR PL UKai", "Liberation Serif", "Noto Serif CJK")
FONTS_CONF = Path(__file__).parent / "data" / "fonts.conf"


def render_missing() -> list[str]:
    """What rendering needs and this machine lacks (empty: render tests run)."""
    tools = [t for t in ("soffice", "pdftotext", "pdfinfo", "fc-list") if not shutil.which(t)]
    if tools:
        return tools
    try:
        listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return list(NEEDED_FONTS)
    return [f for f in NEEDED_FONTS if f not in listed]


def render_pdf(path: Path, outdir: Path) -> Path:
    """The PDF LibreOffice makes of ``path`` (a throw-away profile, the mapped fonts)."""
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    subprocess.run(["soffice", f"-env:UserInstallation=file://{outdir / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(outdir), str(path)], check=True, capture_output=True, timeout=300, env=env)
    return outdir / f"{Path(path).stem}.pdf"
