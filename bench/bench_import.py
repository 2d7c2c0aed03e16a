"""Excel import at prefecture scale: 2,040 villages, then 1,500 first secretaries, into a fresh ledger.

The workbooks are the app's own export of the prefecture demo (unmasked), one sheet each. For each,
in the same process and alternating runs:
  * baseline — openpyxl reading the same file (``load_workbook(read_only=True)``, every cell visited),
    the least any importer written with the project's existing Excel library would pay;
  * ours — the whole import as the CLI runs it: read (python-calamine), find the header, parse and
    validate every row through the ledger's rules, write the one change to the ledger file.
Goals (issue 10): each import under 1 s; reported as a ratio to the baseline.

Run: ``python bench/bench_import.py [--runs 5]``. Not run by pytest.
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 23)


def openpyxl_read(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += sum(1 for v in row if v is not None)
    wb.close()
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()

    from exporters.xlsx_in import read_workbook
    from exporters.xlsx_out import roster_sheet, village_sheet, write_sheets
    from ledgers.demo import load_demo
    from ledgers.importing import run_import
    from ledgers.ledger import Ledger

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with Ledger.open(work / "source.json", today=TODAY) as source:
            load_demo(source, "prefecture")
            villages = write_sheets([village_sheet(source)], work / "villages.xlsx")
            people = write_sheets([roster_sheet(source, mask=False)], work / "secretaries.xlsx")
            counts = (len(source.villages()), len(source.records("postings")))
        print(f"source: {counts[0]} villages, {counts[1]} first secretaries")

        def one_run(n: int) -> dict[str, float]:
            db = work / f"fresh{n}.json"
            times = {}
            with Ledger.open(db, today=TODAY) as led:
                for name, path, kind, expect in (("villages", villages, "villages", counts[0]),
                                                 ("secretaries", people, "secretaries", counts[1])):
                    gc.collect()
                    t = time.perf_counter()
                    openpyxl_read(path)
                    times[f"{name}:baseline"] = time.perf_counter() - t
                    gc.collect()
                    t = time.perf_counter()
                    report = run_import(led, read_workbook(path), kind, source=str(path))
                    times[f"{name}:ours"] = time.perf_counter() - t
                    assert report.added == expect and not report.rejected, (name, report.summary(),
                                                                            report.rejected[:2])
            return times

        runs = [one_run(n) for n in range(args.runs)]
    for name in ("villages", "secretaries"):
        base = statistics.median(r[f"{name}:baseline"] for r in runs)
        ours = statistics.median(r[f"{name}:ours"] for r in runs)
        results[name] = {"baseline_s": round(base, 4), "ours_s": round(ours, 4), "ratio": round(ours / base, 2),
                         "goal_s": 1.0, "met": ours < 1.0}
        print(f"{name:12s} openpyxl read {base * 1000:7.0f} ms   import {ours * 1000:7.0f} ms   "
              f"ratio {ours / base:4.2f}x   goal < 1000 ms: {'met' if ours < 1.0 else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
