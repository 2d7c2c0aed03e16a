"""A clerk's pace at prefecture scale (2,040 villages, 500 cases, 1,500 postings), in one app run:

  * save — a village's 人口 changed in the edit form and Ctrl+S pressed, until the first frame that
    shows the registry with the new figure in its row ("shown": what the clerk waits for) and until
    the last frame the key caused ("settled": the 已保存 toast and the footer's keys come after);
    baseline: the same change written by ``Ledger.save_village`` alone (the atomic, audited write);
  * open village / open case — Enter on a registry / case row until the card is painted (shown) and
    until the last frame (settled); baseline: pushing a bare screen (one Static), in the same app.

Each timed key comes after a clerk's pause (``idle_gc.IDLE`` and two ticks): the app runs its full
garbage collections in such pauses (tui/idle_gc.py), as it does for the clerk who reads the form
before pressing Ctrl+S.

Issue 13's goals, on the "shown" figures: save ≤ 100 ms, opening a detail ≤ 50 ms. Run: ``python bench/bench_pace.py
[--runs 3] [--json FILE]``. Not run by pytest.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sections import wait_rows  # noqa: E402  (the same wait as the section benchmark)
from frames import FrameClock, precompile  # noqa: E402
from tui.widgets.village_table import COLUMN_KEYS  # noqa: E402

POPULATION = COLUMN_KEYS.index("population")

TODAY = date(2026, 11, 23)
REPEAT = 7


def text_of(screen, selector: str) -> str:  # noqa: ANN001
    """The text a Static shows, or "" before it is there (the card is filled when it is shown)."""
    found = screen.query(selector)
    if not found:
        return ""
    visual = found.first().visual
    return getattr(visual, "plain", "") or str(found.first().content)


async def clerk_pause(pilot) -> None:  # noqa: ANN001
    """The moment a clerk takes before a key (the app collects its garbage then, not after the key)."""
    from tui.idle_gc import IDLE, TICK

    await pilot.pause(IDLE + 2 * TICK)


async def settle_on(app, pilot, kind: str, timeout: float = 30.0) -> None:  # noqa: ANN001
    end = time.perf_counter() + timeout
    while type(app.screen).__name__ != kind:
        if time.perf_counter() > end:
            raise TimeoutError(kind)
        await pilot.pause(0.01)


async def time_open(app, pilot, clock: FrameClock, out: dict[str, list[float]], key: str, kind: str,  # noqa: ANN001
                    title: str, name: str) -> None:
    """Enter on the cursor row until the ``kind`` card shows ``name`` in ``title`` (``<key>_shown``)
    and until the last frame the key caused (``<key>``)."""
    clock.expect(lambda: type(app.screen).__name__ == kind and app.screen.is_mounted
                 and name in text_of(app.screen, title))
    await clerk_pause(pilot)
    t = time.perf_counter()
    await pilot.press("enter")
    await settle_on(app, pilot, kind)
    out[key].append(await clock.painted_after(pilot, t))
    out[key + "_shown"].append(clock.shown_at - t)
    clock.expect(None)


async def one_run(db: Path) -> dict[str, float]:
    from textual.screen import Screen
    from textual.widgets import Static

    from tui.app import make_app

    class Bare(Screen):
        def compose(self):  # noqa: ANN202
            yield Static("空白")

    app = make_app(db, today=TODAY)
    clock = FrameClock(app)
    keys = ("save", "save_shown", "save_base", "open_village", "open_village_shown", "open_case", "open_case_shown",
            "open_base")
    out: dict[str, list[float]] = {k: [] for k in keys}
    async with app.run_test(size=(120, 40)) as pilot:
        while app.ledger is None or getattr(app.screen, "figures", None) is None:
            await pilot.pause(0.02)
        await app.workers.wait_for_complete()

        await pilot.press("2")
        await wait_rows(app, pilot)
        await clock.painted_after(pilot, time.perf_counter())
        table = app.screen.table
        for i in range(REPEAT):
            table.move_cursor(row=3 + i, animate=False)
            vid = table.cursor_village_id
            await pilot.pause()
            # Save: the form open with a new figure typed, then Ctrl+S.
            await pilot.press("e")
            await settle_on(app, pilot, "VillageFormScreen")
            box = app.screen.query_one("#field-population")
            box.value = str(1000 + i)
            await pilot.pause()
            registry = app.screen_stack[-2]
            clock.expect(lambda: app.screen is registry
                         and registry.table.get_row(str(vid))[POPULATION].plain.strip() == str(1000 + i))
            await clerk_pause(pilot)
            t = time.perf_counter()
            await pilot.press("ctrl+s")
            out["save"].append(await clock.painted_after(pilot, t))
            out["save_shown"].append(clock.shown_at - t)
            clock.expect(None)
            assert app.ledger.village(vid).population == 1000 + i
            # Baseline: the same kind of change written by the ledger alone.
            village = app.ledger.village(vid)
            t = time.perf_counter()
            app.ledger.save_village(replace(village, population=2000 + i))
            out["save_base"].append(time.perf_counter() - t)
            await clock.painted_after(pilot, time.perf_counter())

            await time_open(app, pilot, clock, out, "open_village", "VillageDetailScreen", "#detail-title",
                            app.ledger.village(vid).name)
            await pilot.press("escape")
            await settle_on(app, pilot, "VillagesScreen")

            t = time.perf_counter()
            app.push_screen(Bare())
            await settle_on(app, pilot, "Bare")
            out["open_base"].append(await clock.painted_after(pilot, t))
            app.pop_screen()
            await pilot.pause()

        await pilot.press("3")
        await wait_rows(app, pilot)
        await clock.painted_after(pilot, time.perf_counter())
        table = app.screen.table
        for i in range(REPEAT):
            table.move_cursor(row=3 + i, animate=False)
            await pilot.pause()
            await time_open(app, pilot, clock, out, "open_case", "CaseDetailScreen", "#case-title",
                            app.ledger.village_name(app.ledger.case(table.cursor_id).village_id))
            await pilot.press("escape")
            await settle_on(app, pilot, "CasesScreen")
    return {k: statistics.median(v) for k, v in out.items()}


def measure(runs: int) -> dict[str, dict[str, float]]:
    precompile()
    from ledgers.demo import load_demo
    from ledgers.ledger import Ledger

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "prefecture.json"
        with Ledger.open(db, today=TODAY) as led:
            load_demo(led, "prefecture")
        results = [asyncio.run(one_run(db)) for _ in range(runs)]
    fig = {k: statistics.median(r[k] for r in results) for k in results[0]}
    # "shown": the first frame with what the clerk waits for (the saved row in the list, the card);
    # "settled": the last frame the key caused (the 已保存 toast, the footer's keys come after).
    return {
        "save shown": {"ms": fig["save_shown"] * 1000, "baseline_ms": fig["save_base"] * 1000, "goal_ms": 100},
        "save settled": {"ms": fig["save"] * 1000, "baseline_ms": fig["save_base"] * 1000},
        "open village shown": {"ms": fig["open_village_shown"] * 1000, "baseline_ms": fig["open_base"] * 1000,
                               "goal_ms": 50},
        "open village settled": {"ms": fig["open_village"] * 1000, "baseline_ms": fig["open_base"] * 1000},
        "open case shown": {"ms": fig["open_case_shown"] * 1000, "baseline_ms": fig["open_base"] * 1000,
                            "goal_ms": 50},
        "open case settled": {"ms": fig["open_case"] * 1000, "baseline_ms": fig["open_base"] * 1000},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args()
    figures = measure(args.runs)
    for name, f in figures.items():
        goal = f"; goal ≤ {f['goal_ms']} ms" if "goal_ms" in f else ""
        print(f"{name:21s} {f['ms']:6.0f} ms (baseline {f['baseline_ms']:5.0f} ms, "
              f"{f['ms'] / f['baseline_ms']:.1f}x{goal})")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
