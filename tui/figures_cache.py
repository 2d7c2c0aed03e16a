"""The dashboard as last shown, kept beside the ledger file, so that the next start shows the figures
with its first frame instead of after reading and counting the whole file (issue 13: at prefecture
scale the figures came ~0.3 s after the first frame, 2.7× a bare Textual app's start).

The copy is used only when it is exactly what would be computed now: the ledger file has the same
size and modification time (ns) as when the figures were counted from it — any write, by this app,
the CLI or a colleague's copy, changes them. The app keeps the copy after it counted; a CLI command
that changed the file keeps it before letting go of the file (``tui.dashboard_view.keep_figures``). On another day (the first start of a morning) only the
figures that do not depend on the date are shown from it (villages, cases by stage, income tiers,
first secretaries in post); overdue tasks, terms ending, the 四个一 slots and ages are counted anew.
A copy of another file is ignored and the figures come as before. The ledger is
then read and counted anyway, and the screen takes the computed figures when they arrive.

What is kept is what the screen shows — the summary line and each panel's title and lines (text,
styles, the ids its Enter opens) — not the ledger's data: a ``<file>.figures.json`` of a few KB.
It holds village names and counts, no ID numbers or phones.
"""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

FORMAT = 1  # bumped whenever what the dashboard shows changes shape


def cache_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".figures.json")


def fingerprint(db_path: Path) -> list[int] | None:
    try:
        st = os.stat(db_path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def save(db_path: Path, today: date, view: dict[str, Any], stamp: list[int] | None = None) -> None:
    """Keep ``view`` for ``db_path`` as it is on disk now (or as it was at ``stamp``); never raises
    (a read-only folder just means no copy)."""
    stamp = stamp or fingerprint(db_path)
    if stamp is None:
        return
    target = cache_path(db_path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(json.dumps({"format": FORMAT, "file": stamp, "today": today.isoformat(), "view": view},
                                  ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


def load(db_path: Path, today: date) -> tuple[dict[str, Any], bool] | None:
    """The view kept for ``db_path`` if it still describes the file on disk, and whether it was
    counted today (on another day only its figures that do not depend on the date hold)."""
    try:
        kept = json.loads(cache_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(kept, dict) or kept.get("format") != FORMAT
            or kept.get("file") != fingerprint(db_path) or not isinstance(kept.get("view"), dict)):
        return None
    return kept["view"], kept.get("today") == today.isoformat()
