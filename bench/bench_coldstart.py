"""Cold start in a terminal: a new process each time, from launch until the first screen is drawn.

``bench_startup.py`` measures inside one warm process (imports paid once); a clerk starts a new
process. Here both apps run in a pseudo-terminal of 120×40, alternately, and the time is taken from
spawning the process until a marker appears in what it writes:

- bare: the same ``BareApp`` as bench_startup (Header + DataTable + Footer), marker ``村24`` (last row);
- ours, first frame: ``python main.py --db <prefecture file> tui``, marker the tab bar ``1 概览``;
- ours, figures: marker ``2040个`` (the summary line). Usually with the first frame: the figures the
  last run showed for this very file on this day are kept beside it (``tui/figures_cache.py``);
- ours, figures the next day (``DANGJIAN_TODAY`` = tomorrow): the copy's figures that do not
  depend on the date, with the first frame;
- ours, figures after a CLI command changed the file (``python main.py undo``): the command keeps
  the figures of the file it leaves (``tui.dashboard_view.keep_figures``), so they come with the
  first frame as after the app's own run;
- ours, figures without a kept copy (the file changed by another program since): the copy is
  deleted before the run, so the figures come once the file is read and counted.

Run: ``python bench/bench_coldstart.py [--runs 7]`` (POSIX only). Not run by pytest.
"""
from __future__ import annotations

import argparse
import json
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); from bench_startup import BareApp; BareApp().run()"
TIMEOUT = 20.0  # seconds


def time_until(argv: list[str], markers: list[bytes], **extra_env: str) -> list[float]:
    """Seconds from spawning ``argv`` in a 120×40 pty until each marker has appeared in its output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40", **extra_env)
    # As on a clerk's machine: compiled modules are cached (this sandbox sets PYTHONDONTWRITEBYTECODE,
    # which would have every start compile the project's own modules again; the warm-up writes them).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    found: list[float] = []
    try:
        while len(found) < len(markers) and time.perf_counter() - start < TIMEOUT:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                seen += os.read(master, 65536)
            except OSError:  # the child went away
                break
            while len(found) < len(markers) and markers[len(found)] in seen:
                found.append(time.perf_counter() - start)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    if len(found) < len(markers):
        raise RuntimeError(f"{argv}: marker {markers[len(found)]!r} not seen in {TIMEOUT} s")
    return found


def _one_change(db: Path) -> None:
    from ledgers.ledger import Ledger

    with Ledger.open(db) as ledger:
        village = ledger.villages()[0]
        village.population += 1
        ledger.save_village(village)


def main(runs: int, json_path: Path | None = None) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_startup import make_ledger  # the same prefecture ledger as the in-process bench

    with tempfile.TemporaryDirectory() as tmp:
        db = make_ledger(Path(tmp))
        bare_cmd = [sys.executable, "-c", BARE]
        ours_cmd = [sys.executable, str(ROOT / "main.py"), "--db", str(db), "tui"]
        time_until(bare_cmd, ["村24".encode()])  # warm the disk cache (and the .pyc files) for both
        time_until(ours_cmd, ["1 概览".encode(), "2040个".encode()])
        kept = db.with_name(db.name + ".figures.json")
        tomorrow = (date.today() + timedelta(days=1)).isoformat()
        cli = [sys.executable, str(ROOT / "main.py"), "--db", str(db)]
        _one_change(db)  # something for ``undo`` and ``redo`` to take back and bring again
        bare, first, figures, morning, counted, after_cli = [], [], [], [], [], []
        for _ in range(runs):
            bare += time_until(bare_cmd, ["村24".encode()])
            f, g = time_until(ours_cmd, ["1 概览".encode(), "2040个".encode()])
            first.append(f)
            figures.append(g)
            # The first start of the next day: the copy's figures that do not depend on the date.
            morning += time_until(ours_cmd, ["2040个".encode()], DANGJIAN_TODAY=tomorrow)
            subprocess.run([*cli, "undo"], check=True, capture_output=True)
            after_cli += time_until(ours_cmd, ["2040个".encode()])
            subprocess.run([*cli, "redo"], check=True, capture_output=True)
            kept.unlink(missing_ok=True)  # as after a change by another program
            counted += time_until(ours_cmd, ["2040个".encode()])  # (and this start keeps today's copy again)
    mb, mf, mg = statistics.median(bare), statistics.median(first), statistics.median(figures)
    mm, mc, ma = statistics.median(morning), statistics.median(counted), statistics.median(after_cli)
    print(f"runs: {runs} (new process each, 120×40 pty)")
    print(f"bare Textual app, first frame:   median {mb * 1000:.0f} ms")
    print(f"ours, dashboard first frame:     median {mf * 1000:.0f} ms  ratio {mf / mb:.2f}x")
    print(f"ours, dashboard figures shown:   median {mg * 1000:.0f} ms  ratio {mg / mb:.2f}x")
    print(f"ours, figures, the next day:     median {mm * 1000:.0f} ms  ratio {mm / mb:.2f}x")
    print(f"ours, figures, after CLI undo:   median {ma * 1000:.0f} ms  ratio {ma / mb:.2f}x")
    print(f"ours, figures, no kept copy:     median {mc * 1000:.0f} ms  ratio {mc / mb:.2f}x")
    if json_path is not None:
        figures_out = {"start_first_frame": {"ms": mf * 1000, "baseline_ms": mb * 1000, "goal_ratio": 1.5},
                       "start_figures": {"ms": mg * 1000, "baseline_ms": mb * 1000, "goal_ratio": 1.5},
                       "start_figures_next_day": {"ms": mm * 1000, "baseline_ms": mb * 1000, "goal_ratio": 1.5},
                       "start_figures_after_cli": {"ms": ma * 1000, "baseline_ms": mb * 1000, "goal_ratio": 1.5},
                       "start_figures_counted": {"ms": mc * 1000, "baseline_ms": mb * 1000}}
        json_path.write_text(json.dumps(figures_out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    main(args.runs, args.json)
