"""Full garbage collections in the clerk's pauses, not between a key and its frame.

At prefecture scale a full collection walks everything the app did not freeze at load — the rows
of the sections visited, painted lines, screens — 70–100 ms, and Python starts one whenever enough
objects have survived the younger collections: measured, often just between Ctrl+S and the frame
that shows the saved row (issue 13: save ≤ 100 ms, a card ≤ 50 ms; the medians were 100–120 and
55–75 ms with those pauses in them). While the app runs, automatic full collections are off; one
runs when no key or click has come for ``IDLE`` seconds and as many younger collections are
pending as would have started one (Python's own cadence). The younger generations are collected
as usual (a few ms each). ``CAP`` pending collections start one even without a pause, so memory
stays bounded through a long burst of typing.
"""
from __future__ import annotations

import gc
import time
from typing import Protocol

IDLE = 1.0  # seconds without a key or click
TICK = 0.25  # how often the pause is looked for
CAP = 2_000  # younger (generation 1) collections pending before one runs regardless
OFF = 1_000_000  # a generation-2 threshold never reached


class _Timers(Protocol):
    def set_interval(self, interval: float, callback: object, *, name: str | None = None) -> object: ...


class IdleCollector:
    """Started by the App once the ledger is in memory; ``touched`` on every key and click;
    ``stop`` gives Python back its own thresholds (tests run many apps in one process)."""

    def __init__(self) -> None:
        self.last_input = time.monotonic()
        self._saved: tuple[int, int, int] | None = None
        self._due = 1  # pending younger collections that would start a full one (Python's third threshold)
        self.collections = 0  # full collections run here (for tests)

    @property
    def running(self) -> bool:
        return self._saved is not None

    def start(self, timers: _Timers) -> None:
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        first, second, third = self._saved
        # Python's cadence: a full collection after ``third`` collections of generation 1.
        self._due = max(1, third)
        gc.set_threshold(first, second, OFF)
        timers.set_interval(TICK, self.tick, name="idle-gc")

    def touched(self) -> None:
        self.last_input = time.monotonic()

    def tick(self) -> None:
        if self._saved is None:
            return
        pending = gc.get_count()[2]
        if pending >= CAP or (pending >= self._due and time.monotonic() - self.last_input >= IDLE):
            gc.collect()
            self.collections += 1

    def stop(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None
