"""Lookup per keystroke at prefecture scale (2,040 villages): index search + result rendering.

Types, key by key, the initials, the full pinyin and the hanzi of 60 villages into the running lookup
palette (``LookupScreen.show_results``: ``ledger.lookup`` + building each result line with its
highlights, township, case state and 四个一 gaps + updating the OptionList). Reports the median,
95th percentile and worst keystroke; also the search alone, and the time until the next frame is on
screen (that includes Textual repainting the screen). Goal: ≤ 5 ms per keystroke.

Run: ``python bench/bench_lookup.py``. Not run by pytest.
"""
from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 23)


def queries(names: list[str]) -> list[list[str]]:
    """Keystroke sequences: initials, full pinyin and hanzi of each name, one prefix per key."""
    from pypinyin import Style, lazy_pinyin

    out = []
    for name in names:
        initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
        full = "".join(lazy_pinyin(name))
        for word in (initials, full, name):
            out.append([word[:n] for n in range(1, len(word) + 1)])
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


async def main() -> None:
    from ledgers.demo import load_demo
    from ledgers.ledger import Ledger
    from tui.app import INDEX_DELAY, make_app
    from tui.modals.lookup import RESULT_LIMIT, LookupScreen

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "prefecture.json"
        with Ledger.open(db, today=TODAY) as ledger:
            load_demo(ledger, "prefecture")
        app = make_app(db, today=TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            ledger = app.ledger
            assert ledger is not None
            # The app builds the index and the lookup lines in a worker a moment after start-up.
            await asyncio.sleep(INDEX_DELAY + 0.1)
            worker = next(w for w in app.workers if w.group == "index")
            t = time.perf_counter()
            await worker.wait()
            print(f"villages: {len(ledger.villages())}; index and lookup lines ready "
                  f"{(time.perf_counter() - t) * 1000:.0f} ms after the waiting began")
            names = [v.name for v in random.Random(7).sample(ledger.villages(), 60)]
            sequences = queries(names)

            search: list[float] = []
            for seq in sequences:
                for q in seq:
                    t = time.perf_counter()
                    ledger.lookup(q, RESULT_LIMIT)
                    search.append(time.perf_counter() - t)

            screen = LookupScreen()
            await app.push_screen(screen)
            await pilot.pause()
            keystroke: list[float] = []
            framed: list[float] = []
            for n, seq in enumerate(sequences):
                for q in seq:
                    t = time.perf_counter()
                    screen.show_results(q)
                    keystroke.append(time.perf_counter() - t)
                    if n % 10 == 0:  # a sample with the repaint (slow to measure: one pause each)
                        await pilot.pause()
                        framed.append(time.perf_counter() - t)
    ms = 1000
    print(f"keystrokes: {len(keystroke)} (initials, full pinyin and hanzi of {len(names)} villages)")
    print(f"search only (ledger.lookup):        median {statistics.median(search) * ms:.2f} ms  "
          f"p95 {pct(search, .95) * ms:.2f} ms  max {max(search) * ms:.2f} ms")
    print(f"search + result lines + OptionList: median {statistics.median(keystroke) * ms:.2f} ms  "
          f"p95 {pct(keystroke, .95) * ms:.2f} ms  max {max(keystroke) * ms:.2f} ms  (goal ≤ 5 ms)")
    print(f"… until the frame is on screen:     median {statistics.median(framed) * ms:.2f} ms  "
          f"p95 {pct(framed, .95) * ms:.2f} ms  (includes Textual's repaint; sampled)")


if __name__ == "__main__":
    asyncio.run(main())
