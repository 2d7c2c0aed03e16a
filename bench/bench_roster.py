"""Benchmark: the 1,500-row 第一书记花名册 at prefecture scale (not run by pytest).

Compares, in one process and on the same 1,500 prepared rows:
  * floor — a bare python-docx table of the same size built by cloning one prototype row, saved;
  * ours  — the document as the app lays it out from those rows (GB/T 9704 page set-up, title, the
            21-column table with widths measured from the content, repeated header, rows that never
            split, fonts and vertical centring from a table style), saved;
and reports the whole export from the ledger too (gathering the rows: the ledger's copies of 1,500
records), then times LibreOffice converting our file to PDF.

    python bench/bench_roster.py [--repeat 7] [--no-render] [--keep DIR]

Goals: ours ≤ 1.5 × floor; LibreOffice under 60 s.
"""
from __future__ import annotations

import argparse
import copy
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docx import Document  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from exporters import documents  # noqa: E402
from exporters.options import ExportOptions  # noqa: E402
from exporters.roster import COLUMNS, roster_rows  # noqa: E402
from ledgers.demo import load_demo  # noqa: E402
from ledgers.ledger import Ledger  # noqa: E402

FONTS_CONF = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "fonts.conf"


def floor(rows: list[list[str]], ncols: int) -> bytes:
    """The least python-docx can do: one prototype row deep-copied per record, texts set, saved."""
    doc = Document()
    table = doc.add_table(rows=1, cols=ncols)
    for cell in table.rows[0].cells:
        cell.paragraphs[0].add_run("-")  # a w:t to fill in (add_run("") makes a run without one)
    tbl = table._tbl
    proto = tbl.tr_lst[0]
    tbl.remove(proto)
    for row in rows:
        tr = copy.deepcopy(proto)
        for t, value in zip(tr.iter(qn("w:t")), row):
            t.text = value
        tbl.append(tr)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def ours(ledger: Ledger, content, options: ExportOptions) -> bytes:
    """Lay out already gathered content (same rows as the floor) and save."""
    doc = documents.layout(ledger, content, options)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def whole(ledger: Ledger, options: ExportOptions) -> bytes:
    """What the app does: gather from the ledger, lay out, save."""
    doc = documents.build(ledger, "roster", options)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def best(fns: dict[str, object], repeat: int) -> dict[str, float]:
    """Best time of each function; runs interleaved (so a busy machine slows all alike) with the
    garbage collector off while timing, as ``timeit`` does."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            gc.disable()
            try:
                t = time.perf_counter()
                fn()  # type: ignore[operator]
                times[name].append(time.perf_counter() - t)
            finally:
                gc.enable()
    return {name: min(ts) for name, ts in times.items()}


def render(path: Path) -> float | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("LibreOffice (soffice) not found: render not timed")
        return None
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    env = dict(os.environ)
    if FONTS_CONF.exists():
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    try:
        t = time.perf_counter()
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(path.parent), str(path)], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
        elapsed = time.perf_counter() - t
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = path.with_suffix(".pdf")
    pages = "?"
    if shutil.which("pdfinfo") and pdf.exists():
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages")), "?")
    print(f"LibreOffice → PDF: {elapsed:.1f} s, {pages} pages (goal < 60 s)")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-render", action="store_true")
    ap.add_argument("--keep", type=Path, help="write roster.docx (and the PDF) into this folder")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-roster-"))
    try:
        t = time.perf_counter()
        ledger = Ledger.open(work / "ledger.json", today=date(2026, 11, 23))
        load_demo(ledger, "prefecture")
        print(f"prefecture demo loaded in {time.perf_counter() - t:.1f} s")
        options = ExportOptions(notice=False)  # the roster alone: title + table
        content = documents.content(ledger, "roster", options)
        rows = content.attachments[0].table.rows
        print(f"roster: {len(rows)} rows × {len(COLUMNS)} columns")
        t = best({"rows": lambda: roster_rows(ledger, options), "floor": lambda: floor(rows, len(COLUMNS)),
                  "ours": lambda: ours(ledger, content, options), "whole": lambda: whole(ledger, options)},
                 args.repeat)
        t_rows, t_floor, t_ours, t_whole = t["rows"], t["floor"], t["ours"], t["whole"]
        print(f"floor (bare python-docx, row cloning, saved):  {t_floor:.3f} s")
        print(f"ours  (same rows, laid out as a 公文, saved):   {t_ours:.3f} s  = {t_ours / t_floor:.2f} × floor"
              f" (goal ≤ 1.5)")
        print(f"whole export from the ledger (gather + ours):  {t_whole:.3f} s  (gathering the rows {t_rows:.3f} s;"
              f" goal well under 2 s)")
        out_dir = args.keep or work
        out_dir.mkdir(parents=True, exist_ok=True)
        path = documents.write(ledger, "roster", options, out_dir / "roster.docx")
        print(f"written: {path} ({path.stat().st_size / 1e6:.1f} MB)")
        ledger.close()
        if not args.no_render:
            render(path)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
