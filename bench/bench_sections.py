"""The 四个一 matrix (key 4) and the 第一书记 roster (key 5) against the 村情 list (key 2), at prefecture
scale (2,040 villages, 500 cases, 1,500 postings), in one app run:

  * open — number key pressed on the dashboard until the section's table holds its rows and the
    last frame that caused is painted (first visit);
  * filter — the filter text changed (as the filter line does after its typing delay) until the last
    frame it caused is painted (``frames.FrameClock``), over a series of queries typed key by key
    (initials, pinyin, hanzi), the same series in every section: the time of the whole series, its
    median and its worst keystroke.

Issue 9 asks both new screens to open and filter at least as fast as 村情 (ratios ≤ 1.0). For the
filter the ratio is the whole series' (the same letters typed in both lists): a keystroke either
finds new rows (30–50 ms here) or the same ones (5–10 ms), and the median of such a mix falls on
one side or the other of that gap by chance — one run's median said 1.17× where the sum said 0.94×.
Issue 13's goal for a filter keystroke is ≤ 50 ms (the median; the worst is printed beside it).

Run: ``python bench/bench_sections.py [--runs 4] [--rounds 3] [--open-runs 8]``. Not run by pytest.
"""
from __future__ import annotations

import argparse
import json
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from frames import FrameClock, precompile  # noqa: E402

TODAY = date(2026, 11, 23)
SECTIONS = (("2", "村情"), ("3", "整顿台账"), ("4", "四个一"), ("5", "第一书记"))
QUERIES = ["q", "qs", "qsh", "qingshi", "青", "青石", "f", "fh", "fhc", "凤凰", "x", "xi", "xin"]


async def wait_rows(app, pilot, timeout: float = 30.0) -> None:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        screen = app.screen
        if getattr(screen, "loaded_version", -1) == app.ledger.version and screen.table.row_count > 0:
            return
        await pilot.pause(0.005)
    raise TimeoutError(type(app.screen).__name__)


# The order the sections are visited in, one row per round (and per run's first visits): each
# section comes right after each other one equally often (a Williams square). Rotating one order
# kept the same neighbours in every round — the roster always came right after 四个一, whose work
# the next list then paid for in part.
ORDERS = ((0, 1, 3, 2), (1, 2, 0, 3), (2, 3, 1, 0), (3, 0, 2, 1))


async def one_run(db: Path, turn: int, rounds: int) -> dict[str, dict[str, Any]]:
    """One app: each section opened for the first time, then ``rounds`` rounds (none: open only) in
    which every section in turn has the query series typed into it, in the orders of ``ORDERS``
    (this machine drifts between faster and slower spells of seconds — the same series took 860 and
    1,100 ms minutes apart — and timing one section after another gave the later ones the drift as
    well as their own cost)."""
    from tui.app import make_app
    from tui.idle_gc import IDLE, TICK
    from tui.screens.matrix import PRIME_DELAY

    def order(n: int) -> list[tuple[str, str]]:
        return [SECTIONS[i] for i in ORDERS[n % len(ORDERS)]]

    out: dict[str, dict[str, Any]] = {name: {"filter": []} for _, name in SECTIONS}
    app = make_app(db, today=TODAY)
    clock = FrameClock(app)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.ledger is None or getattr(app.screen, "figures", None) is None:
            await pilot.pause(0.02)
        while not app.ledger._index_ready:  # the lookup index is built in a worker after start-up
            await pilot.pause(0.02)
        await app.workers.wait_for_complete()
        for key, name in order(turn):
            await pilot.press("1")
            await pilot.pause()
            # What the section before left running (the matrix primes its name indexes in a thread a
            # second after it opens) is not the next section's opening time.
            await app.workers.wait_for_complete()
            t = time.perf_counter()
            await app._press_keys([key])  # the key, without Pilot's wait (see ``settled_after``)
            out[name]["open"] = await clock.settled_after(app, t)
            await wait_rows(app, pilot, timeout=0.1)
            # The matrix builds its name indexes in a thread a moment after its first rows (the
            # first Enter on a cell then finds them): that thread is not the next section's time.
            await asyncio.sleep(PRIME_DELAY + 0.3)
            await app.workers.wait_for_complete()
        for round_no in range(rounds):
            for key, name in order(turn * rounds + round_no + 1):
                await pilot.press(key)
                await wait_rows(app, pilot)
                await app.workers.wait_for_complete()
                await clock.painted_after(pilot, time.perf_counter())
                # The clerk looks at the list before typing (``f`` and the first letter): the app
                # collects the garbage of what came before then, as ``bench_pace`` lets it.
                await pilot.pause(IDLE + 2 * TICK)
                screen = app.screen
                for q in QUERIES:
                    app.idle_gc.touched()  # the clerk is typing (a key event would say so): no collection now
                    t = time.perf_counter()
                    screen.query_text = q
                    screen.refilter()
                    out[name]["filter"].append(await clock.settled_after(app, t))  # the repaint that follows
                screen.query_text = ""
                screen.refilter()
                await clock.painted_after(pilot, time.perf_counter())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=4, help="apps started")
    ap.add_argument("--rounds", type=int, default=3, help="query series typed into each section per app")
    ap.add_argument("--open-runs", type=int, default=8, help="more apps that only open the four sections")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args()
    precompile()
    from ledgers.demo import load_demo
    from ledgers.ledger import Ledger

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "prefecture.json"
        with Ledger.open(db, today=TODAY) as led:
            load_demo(led, "prefecture")
            print(f"prefecture: {len(led.villages())} villages, {len(led.cases())} cases, "
                  f"{len(led.records('postings'))} postings")
        runs = []
        for turn in range(args.runs):
            runs.append(asyncio.run(one_run(db, turn, args.rounds)))
            r = runs[-1]
            print(f"run {turn + 1}: filter series vs 村情 " + ", ".join(
                f"{name} {sum(r[name]['filter']) / sum(r['村情']['filter']):.2f}x" for _, name in SECTIONS[1:]),
                flush=True)
        # A section is opened for the first time once per app: more apps that only open them, so
        # that the open figure is not the median of four samples (one of them decided 0.96× or 1.10×).
        for turn in range(args.open_runs):
            runs.append(asyncio.run(one_run(db, args.runs + turn, 0)))

    def figures_of(name: str) -> dict[str, float]:
        times = [t for r in runs for t in r[name]["filter"]]
        return {"open": statistics.median(r[name]["open"] for r in runs), "filter_median": statistics.median(times),
                "filter_worst": max(times), "filter_series": sum(times)}

    base = figures_of("村情")
    figures: dict[str, dict[str, float]] = {}
    for _, name in SECTIONS:
        fig = figures_of(name)
        print(f"{name:6s} open {fig['open'] * 1000:6.0f} ms ({fig['open'] / base['open']:.2f}x 村情)   "
              f"filter: series {fig['filter_series'] / base['filter_series']:.2f}x, "
              f"median {fig['filter_median'] * 1000:4.0f} ms ({fig['filter_median'] / base['filter_median']:.2f}x), "
              f"worst {fig['filter_worst'] * 1000:4.0f} ms")
        figures[f"open {name}"] = {"ms": fig["open"] * 1000, "baseline_ms": base["open"] * 1000}
        figures[f"filter {name}"] = {"ms": fig["filter_median"] * 1000, "baseline_ms": base["filter_median"] * 1000,
                                     "goal_ms": 50, "worst_ms": fig["filter_worst"] * 1000}
        figures[f"filter {name}: whole series"] = {"ms": fig["filter_series"] * 1000,
                                                   "baseline_ms": base["filter_series"] * 1000}
        if name in ("四个一", "第一书记"):  # issue 9: open and filter at least as fast as 村情
            figures[f"open {name}"]["goal_ratio"] = 1.0
            figures[f"filter {name}: whole series"]["goal_ratio"] = 1.0
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
