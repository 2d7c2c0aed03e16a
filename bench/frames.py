"""When did the screen last change? Key-to-repaint timing for the benchmarks.

``Pilot.pause()`` returns once the process looks idle — it sleeps in steps and compares CPU time
with wall time — and then paints a frame itself: timing up to its return adds that wait to every
figure (10–20 ms of sleeping on this machine, the same for every screen, which flattens ratios and
hides whether a goal like "≤ 50 ms a keystroke" is met). ``FrameClock`` records when the app hands
each frame to the terminal (``App._display``, called once a frame is composed and painted, by the
screen's own update timer, as it is for the clerk); ``painted_after`` waits until the app is idle and
returns how long after ``t0`` its last frame was done; ``expect`` marks the first frame that shows
what the clerk waits for (the saved row, the opened card) — a toast or a footer may follow it.
"""
from __future__ import annotations

import time
from typing import Any


class FrameClock:
    def __init__(self, app: Any) -> None:
        self.times: list[float] = []
        display = app._display

        self.probe: Any = None  # a callable: is what the clerk waits for on screen now?
        self.shown_at: float | None = None  # the first frame after which ``probe`` said yes

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                now = time.perf_counter()
                self.times.append(now)
                if self.probe is not None and self.shown_at is None and self.probe():
                    self.shown_at = now

        app._display = timed_display

    def expect(self, probe: Any) -> None:
        """Watch for the first frame after which ``probe()`` is true (``shown_at``)."""
        self.probe, self.shown_at = probe, None

    async def painted_after(self, pilot: Any, t0: float) -> float:
        """Seconds from ``t0`` to the last frame painted before the app went idle (the whole
        response: every message, idle task and repaint the change set off)."""
        from textual._wait import wait_for_idle

        before = len(self.times)
        for _ in range(50):  # a blinking cursor dirties the screen twice a second: bounded
            await pilot._wait_for_screen()
            await wait_for_idle(0)
            await pilot._wait_for_screen()
            # Work queued to run after a frame (``call_after_refresh``) and the frame it causes are
            # part of the response: idle for one 20 ms look is not always done.
            if not _screen_pending(pilot.app.screen):
                break
        return self._last_frame(before, t0, time.perf_counter())  # nothing repainted: showed nothing new

    async def settled_after(self, app: Any, t0: float, quiet: float = 0.05, timeout: float = 30.0) -> float:
        """Like ``painted_after``, but waits without posting anything to the app: ``painted_after``
        (through ``Pilot._wait_for_screen``) queues a callback on every widget of the screen, which
        the app runs before its next frame — work the clerk's keystroke does not cause, and more of
        it on a screen with more widgets. Here the app is watched from outside until it has had
        nothing queued, nothing to lay out or repaint and no worker running for ``quiet`` seconds."""
        before = len(self.times)
        idle = await _settle(app, quiet, timeout)
        return self._last_frame(before, t0, idle)  # nothing repainted: over when the app went idle

    def _last_frame(self, before: int, t0: float, otherwise: float) -> float:
        """Seconds from ``t0`` to the last frame painted since the ``before``-th (else to ``otherwise``)."""
        done = [t for t in self.times[before:] if t >= t0]
        return (done[-1] if done else otherwise) - t0


async def _settle(app: Any, quiet: float, timeout: float) -> float:
    """When the app became idle (perf_counter), once it has stayed so for ``quiet`` seconds."""
    import asyncio

    end = time.perf_counter() + timeout
    quiet_since: float | None = None
    while time.perf_counter() < end:
        await asyncio.sleep(0.002)
        now = time.perf_counter()
        if _busy(app):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= quiet:
            return quiet_since
    raise TimeoutError("the app was still busy")


def _screen_pending(screen: Any) -> bool:
    """A layout, a repaint or work queued to run after the next frame (``call_after_refresh``)."""
    return bool(screen._callbacks or screen._dirty_widgets or screen._layout_required or screen._repaint_required)


def _busy(app: Any) -> bool:
    """Is anything of the app's own still to run: a message or callback queued on the app, the screen
    or a widget, a layout or repaint pending, a worker not finished?"""
    from textual.worker import WorkerState

    screen = app.screen
    if _screen_pending(screen):
        return True
    for node in (app, *screen.walk_children(with_self=True)):
        if node._next_callbacks or not node._message_queue.empty():
            return True
    return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers._workers)


def precompile() -> None:
    """Write the project's compiled modules, as a clerk's machine has them after its first start.

    This sandbox sets PYTHONDONTWRITEBYTECODE: every import of a changed module would compile it
    again, inside the timings — a section opened for the first time imports its screen (10–20 ms
    of compiling here, ~1 ms from a .pyc)."""
    import compileall
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for package in ("ledgers", "tui", "exporters"):
        compileall.compile_dir(str(root / package), quiet=1)
