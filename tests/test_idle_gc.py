"""Full garbage collections wait for the clerk's pause (tui/idle_gc.py): automatic ones are off while
the app runs, one runs after a pause once Python would have run one, or regardless after a long
burst; Python's own thresholds come back when the app ends."""
from __future__ import annotations

import gc
import time
from pathlib import Path

from tests.tui_support import SIZE, TODAY, demo_db, settle
from tui import idle_gc
from tui.app import make_app


class Timers:
    def __init__(self) -> None:
        self.intervals: list[tuple[float, object]] = []

    def set_interval(self, interval: float, callback: object, *, name: str | None = None) -> object:
        self.intervals.append((interval, callback))
        return None


def _pending(n: int) -> None:
    """Make ``n`` generation-1 collections pending for generation 2."""
    gc.collect()
    for _ in range(n):
        gc.collect(1)


def test_full_collections_wait_for_a_pause(monkeypatch) -> None:  # noqa: ANN001
    before = gc.get_threshold()
    collector = idle_gc.IdleCollector()
    timers = Timers()
    collector.start(timers)
    try:
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] == idle_gc.OFF
        assert timers.intervals and timers.intervals[0][0] == idle_gc.TICK
        _pending(before[2])
        collector.touched()
        collector.tick()  # the clerk is typing: none
        assert collector.collections == 0
        collector.last_input = time.monotonic() - idle_gc.IDLE - 0.1
        collector.tick()  # a pause, and as many pending as Python waits for: one
        assert collector.collections == 1 and gc.get_count()[2] == 0
        collector.tick()  # nothing pending: none
        assert collector.collections == 1
        _pending(idle_gc.CAP)
        collector.touched()
        collector.tick()  # a long burst without a pause: one all the same
        assert collector.collections == 2
    finally:
        collector.stop()
    assert gc.get_threshold() == before
    collector.tick()  # stopped: does nothing
    assert collector.collections == 2


async def test_the_app_collects_in_pauses_and_gives_the_thresholds_back(tmp_path: Path) -> None:
    before = gc.get_threshold()
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.idle_gc.running and gc.get_threshold()[2] == idle_gc.OFF
        app.idle_gc.last_input = 0.0
        await pilot.press("2")  # a key is input: the pause starts again
        assert time.monotonic() - app.idle_gc.last_input < idle_gc.IDLE
    assert not app.idle_gc.running and gc.get_threshold() == before
