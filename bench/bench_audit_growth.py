"""How much the ledger file grows per edit (issue 11, item 9), at prefecture scale.

Makes the edits a clerk makes all day — a progress report on a case with many reports, a village's
population, a task marked done, a first secretary's phone — and reports, for each, the bytes the file
grew by and the time one save took (serialising and replacing the whole file).

Run: ``python bench/bench_audit_growth.py``. Not run by pytest.
"""
from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 23)


def main() -> None:
    from ledgers import roster
    from ledgers.demo import load_demo
    from ledgers.ledger import Ledger
    from ledgers.models import ProgressReport

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "p.json"
        with Ledger.open(db, today=TODAY) as led:
            load_demo(led, "prefecture")
        with Ledger.open(db, today=TODAY) as led:
            busiest = max((c for c in led.cases() if c.active), key=lambda c: len(c.progress))
            village = led.villages()[0]
            task_case = next(c for c in led.cases() if c.active and any(not t.finished for t in c.tasks)
                             and c.state.value in ("拟认定", "已认定", "整顿中"))
            entry = roster.roster(led)[0]
            edits = {
                f"progress report (case with {len(busiest.progress)} reports)":
                    lambda: led.add_progress(busiest.id, ProgressReport(TODAY, "召开党员大会，部署整改")),
                "village population": lambda: led.save_village(replace(led.village(village.id),
                                                                       population=village.population + 1)),
                "task done": lambda: led.complete_task(task_case.id, next(t.id for t in task_case.tasks
                                                                          if not t.finished), TODAY),
                "first secretary's phone": lambda: roster.save_cadre(led, replace(entry.cadre, phone="13800001234")),
            }
            print(f"file: {db.stat().st_size / 1e6:.1f} MB")
            for name, edit in edits.items():
                size = db.stat().st_size
                t = time.perf_counter()
                edit()
                took = time.perf_counter() - t
                print(f"{name:45s} +{db.stat().st_size - size:>8,d} bytes   save {took * 1000:5.0f} ms")


if __name__ == "__main__":
    main()
