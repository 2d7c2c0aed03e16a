"""拉网式排查 at prefecture scale (issue 14: "the screening of 2,040 villages takes < 1 s"), against
the dashboard's statistics over the same ledger as a baseline in the same process.

The prefecture demo (2,040 villages, 500 cases, 1,500 postings) gets the township demo's people for
every village (``ledgers.demo_people``: a 两委 of 4–5, 3–5 named reserves, a year of 组织生活 — about
20 meetings —, the development pipeline, a poll, the year's ranking), so every computed situation
has data to look at. Timed: ``screening.screen(ledger, year)`` (every village, every situation), and
``stats.dashboard(ledger)``; medians of ``--runs``.

Run: ``python bench/bench_screening.py [--runs 5] [--json F]``. Not run by pytest.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 23)
GOAL_S = 1.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args()
    from ledgers import screening
    from ledgers.demo import load_demo
    from ledgers.demo_people import village_people
    from ledgers.ledger import Ledger
    from ledgers.stats import dashboard

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "prefecture.json"
        with Ledger.open(db, today=TODAY) as led:
            load_demo(led, "prefecture")
            villages = led.villages()
            shown = {n: code for n, code in zip(range(0, len(villages), 7), ["S01", "S04", "S10", "S11", "S13"] * 400)}
            led.bulk_load("演示：各村人员与组织生活", village_people(villages, TODAY, shown=shown))
            sizes = {c: len(led.records(c)) for c in ("committee", "reserves", "meetings", "recruits", "polls")}
        with Ledger.open(db, today=TODAY) as led:
            timed, base, found = [], [], 0
            for _ in range(args.runs):
                t = time.perf_counter()
                rows = screening.screen(led, 2026)
                timed.append(time.perf_counter() - t)
                found = sum(len(r.proposals) for r in rows)
                t = time.perf_counter()
                dashboard(led)
                base.append(time.perf_counter() - t)
    s, b = statistics.median(timed), statistics.median(base)
    print(f"prefecture: {len(rows)} villages; people on file: {sizes}")
    print(f"screening {s * 1000:.0f} ms ({found} proposals; goal < {GOAL_S * 1000:.0f} ms)  "
          f"dashboard {b * 1000:.0f} ms  ratio {s / b:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"screening 2040 villages": {"ms": s * 1000, "baseline_ms": b * 1000,
                                                                      "goal_ms": GOAL_S * 1000}},
                                        ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
