"""Startup to an interactive dashboard at prefecture scale, against a bare Textual app.

Both apps start the same way, in this process, with ``App.run_test`` at 120×40, alternately, several
times; the medians are compared. Measured:

- bare: ``App`` with Header + DataTable (25 rows) + Footer, until its first frame;
- interactive: our app on a prefecture-scale ledger (``load_demo(ledger, "prefecture")``) until the
  first frame of the dashboard: tab bar, panels, footer, taking keys. The file is read in a thread
  after that frame (``LedgerApp.on_ready``), so the summary line still says 正在打开账本;
- key while reading: ``?`` pressed at that first frame, until the help screen is painted — the
  ledger still being read in the other thread (the run says how often it was);
- figures: until the dashboard's statistics (ledger read, then computed in a worker) are on screen.

Goal: interactive ≤ 1.5 × bare. Run: ``python bench/bench_startup.py [--runs 7]``. Not run by pytest.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable, Footer, Header  # noqa: E402

TODAY = date(2026, 11, 23)
SIZE = (120, 40)


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("序号", "村名", "人口")
        table.add_rows([(str(n), f"村{n}", str(1000 + n)) for n in range(25)])
        table.focus()


def watch_first_frame(app: App, screen_type: type | None = None) -> asyncio.Event:
    """An event set when the first frame of a screen (of ``screen_type``) is sent to the terminal.

    Hooks ``App._display`` (private, Textual 8): the first frame written is what a clerk sees;
    callbacks like ``call_after_refresh`` fire before the compositor paints."""
    painted = asyncio.Event()
    display = app._display

    def spy(screen, renderable):  # noqa: ANN001, ANN202
        display(screen, renderable)
        if renderable is not None and (screen_type is None or isinstance(screen, screen_type)):
            painted.set()

    app._display = spy  # type: ignore[method-assign]
    return painted


async def time_bare() -> float:
    start = time.perf_counter()
    app = BareApp()
    painted = watch_first_frame(app)
    async with app.run_test(size=SIZE):
        await painted.wait()
        return time.perf_counter() - start


async def time_ours(db: Path, press_help: bool = False) -> tuple[float, float, float | None, bool]:
    """(first frame, figures on screen, help painted after ``?`` at the first frame, file still being
    read when that key was answered)."""
    from textual import events

    from tui.app import INDEX_DELAY, make_app
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.help import HelpScreen

    start = time.perf_counter()
    app = make_app(db, today=TODAY)
    painted = watch_first_frame(app, DashboardScreen)
    async with app.run_test(size=SIZE):
        await painted.wait()
        interactive = time.perf_counter() - start
        answered: float | None = None
        while_reading = False
        if press_help:
            help_painted = watch_first_frame(app, HelpScreen)
            pressed = time.perf_counter()
            app.post_message(events.Key("question_mark", "?"))
            await help_painted.wait()
            answered = time.perf_counter() - pressed
            while_reading = app.ledger is None
            app.pop_screen()
        while getattr(app.get_screen_stack("dashboard")[0], "figures", None) is None:
            await asyncio.sleep(0.005)
        figures = time.perf_counter() - start
        # No thread left running into the next measurement (the index starts a moment later).
        await asyncio.sleep(INDEX_DELAY)
        await app.workers.wait_for_complete()
    return interactive, figures, answered, while_reading


def time_open(db: Path) -> float:
    from ledgers.ledger import Ledger

    start = time.perf_counter()
    ledger = Ledger.open(db, today=TODAY)
    elapsed = time.perf_counter() - start
    ledger.close()
    return elapsed


def make_ledger(folder: Path) -> Path:
    from ledgers.demo import load_demo
    from ledgers.ledger import Ledger

    db = folder / "prefecture.json"
    t = time.perf_counter()
    with Ledger.open(db, today=TODAY) as ledger:
        counts = load_demo(ledger, "prefecture")
    print(f"prefecture ledger: {counts} ({db.stat().st_size / 1e6:.1f} MB, built in {time.perf_counter() - t:.1f} s)")
    return db


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = make_ledger(Path(tmp))
        # One warm-up each: imports and CSS parsing are paid once per process by both.
        await time_bare()
        await time_ours(db, press_help=True)
        bare, inter, figs = [], [], []
        for _ in range(runs):
            gc.collect()  # the previous run's garbage is not charged to the next one
            bare.append(await time_bare())
            gc.collect()
            i, f, _answer, _reading = await time_ours(db)
            inter.append(i)
            figs.append(f)
        answers, reading = [], 0
        for _ in range(runs):
            gc.collect()
            _i, _f, answer, while_reading = await time_ours(db, press_help=True)
            answers.append(answer or 0.0)
            reading += while_reading
        opens = []
        for _ in range(runs):
            gc.collect()
            opens.append(time_open(db))
    mb, mi, mf = statistics.median(bare), statistics.median(inter), statistics.median(figs)
    ma, mo = statistics.median(answers), statistics.median(opens)
    print(f"runs: {runs}")
    print(f"bare Textual app (Header+DataTable+Footer): median {mb * 1000:.0f} ms")
    print(f"dashboard interactive (first frame, keys):  median {mi * 1000:.0f} ms  ratio {mi / mb:.2f}x (goal ≤ 1.5x)")
    print(f"  ? pressed then, help screen painted:      median {ma * 1000:.0f} ms later "
          f"(ledger still being read in {reading} of {runs} runs)")
    print(f"dashboard figures shown:                    median {mf * 1000:.0f} ms  ratio {mf / mb:.2f}x")
    print(f"  of which Ledger.open alone (no UI):       median {mo * 1000:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    asyncio.run(main(parser.parse_args().runs))
