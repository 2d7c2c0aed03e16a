"""Benchmark: the case list (整顿台账) at prefecture scale (500 cases, ~2,000 villages) filters within
one frame (~16 ms).

Measures, in one process and against baselines measured in that same process:
- filter: the lookup query + the filters + rebuilding the visible table rows (``CasesScreen.refilter``),
  and the time to the next paint;
- baseline A: filtering a plain list of 500 tuples by a set of ids;
- baseline B: a bare ``DataTable`` refreshed with the same number of plain rows (clear + add_row).

Run: ``python bench/bench_cases.py`` (not collected by pytest).
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from ledgers.demo import load_demo  # noqa: E402
from ledgers.ledger import Ledger  # noqa: E402

TODAY = date(2026, 11, 23)
REPEAT = 15
FRAME_MS = 1000 / 60


def ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


class BareTableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(id="bare")


async def bare_table(rows: list[tuple[str, ...]], columns: int) -> tuple[float, float]:
    """Median (refresh, refresh + paint) of a bare DataTable with ``rows``."""
    app = BareTableApp()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one("#bare", DataTable)
        for n in range(columns):
            table.add_column(f"c{n}", key=f"c{n}")
        sync, painted = [], []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            table.clear()
            for n, row in enumerate(rows):
                table.add_row(*row, key=str(n))
            t1 = time.perf_counter()
            await pilot.pause()
            t2 = time.perf_counter()
            sync.append(t1 - t0)
            painted.append(t2 - t0)
        return ms(sync), ms(painted)


async def main() -> None:
    from tui.app import make_app
    from tui.screens.cases import COLUMNS, CaseTable, CasesScreen

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "prefecture.json"
        t0 = time.perf_counter()
        with Ledger.open(db, today=TODAY) as ledger:
            counts = load_demo(ledger, "prefecture")
        print(f"demo: {counts.get('cases', 0)} cases, {counts.get('villages', 0)} villages "
              f"(built in {time.perf_counter() - t0:.1f} s)")

        app = make_app(db, today=TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            t0 = time.perf_counter()
            await pilot.press("3")
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            print(f"first load of the case list (worker + first paint): {(time.perf_counter() - t0) * 1000:.0f} ms")
            screen = app.screen
            assert isinstance(screen, CasesScreen)
            table = screen.query_one("#cases-table", CaseTable)
            n_rows = len(screen.all_rows)
            ledger = app.ledger
            ledger.ensure_index()

            sample = screen.all_rows[len(screen.all_rows) // 2]
            from pypinyin import Style, lazy_pinyin

            initials = "".join(lazy_pinyin(sample.village, style=Style.FIRST_LETTER))
            scenarios: list[tuple[str, dict]] = [
                ("all (no filter)", {}),
                (f"query hanzi '{sample.village[:2]}'", {"query_text": sample.village[:2]}),
                (f"query initials '{initials}'", {"query_text": initials}),
                ("query one letter 'q'", {"query_text": "q"}),
                (f"year {sample.year}", {"year": sample.year}),
                ("overdue only", {"overdue_only": True}),
                ("state 整顿中", {"state": sample.state.__class__("整顿中")}),
            ]
            results = []
            for label, filters in scenarios:
                sync, painted, shown = [], [], 0
                for _ in range(REPEAT):
                    screen.query_text, screen.year, screen.batch, screen.state, screen.overdue_only = \
                        "", None, None, None, False
                    for k, v in filters.items():
                        setattr(screen, k, v)
                    t0 = time.perf_counter()
                    screen.refilter()
                    t1 = time.perf_counter()
                    await pilot.pause()
                    t2 = time.perf_counter()
                    sync.append(t1 - t0)
                    painted.append(t2 - t0)
                    shown = table.row_count
                results.append((label, shown, ms(sync), ms(painted)))

        # Baselines, same process.
        plain = [(r.id, r.village, r.township, r.batch, r.state.value) for r in screen.all_rows]
        keep = {r.id for r in screen.all_rows[::3]}
        samples = []
        for _ in range(REPEAT * 10):
            t0 = time.perf_counter()
            _ = [t for t in plain if t[0] in keep]
            samples.append(time.perf_counter() - t0)
        base_list = ms(samples)
        text_rows = [tuple(c.cell(r).plain for c in COLUMNS) for r in screen.all_rows]
        base_sync, base_paint = await bare_table(text_rows, len(COLUMNS))

    print(f"\nbaseline A: filter a plain list of {len(plain)} tuples: {base_list:.3f} ms")
    print(f"baseline B: bare DataTable refresh with {len(text_rows)} plain rows: {base_sync:.2f} ms "
          f"(to paint {base_paint:.2f} ms)\n")
    print(f"{'scenario':34} {'rows':>5} {'filter ms':>10} {'×B':>6} {'to paint ms':>12} {'×B paint':>9}")
    for label, shown, sync, painted in results:
        print(f"{label:34} {shown:>5} {sync:>10.2f} {sync / base_sync:>6.2f} {painted:>12.2f} "
              f"{painted / base_paint:>9.2f}")
    worst = max(r[2] for r in results)
    print(f"\nworst filter (query + row rebuild): {worst:.2f} ms over {n_rows} cases; one frame = {FRAME_MS:.1f} ms "
          f"→ {'within' if worst <= FRAME_MS else 'OVER'} one frame")


if __name__ == "__main__":
    asyncio.run(main())
