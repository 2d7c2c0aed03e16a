"""A second process for the store tests (lock and kill tests); run as ``python store_child.py MODE PATH``.

Modes:
  commit-loop PATH   commit transactions forever, printing each committed sequence number
  hold PATH USER     open writable, print "locked", wait for a line on stdin, close, print "closed"
  try-open PATH      try to open writable; print one JSON line {"ok": true} or {"locked": msg, "owner": {...}}
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledgers.errors import StoreLocked  # noqa: E402
from ledgers.store import Store  # noqa: E402

PAD = "青山村党支部整顿台账𠮷" * 20


def commit_loop(path: str) -> None:
    store = Store.open(path, user="子进程")
    state = store.get("state", 1)
    seq = state["last"] if state else 0
    while True:
        seq += 1
        # Two records per transaction: a kill must never leave one without the other.
        with store.transaction(f"第{seq}次提交"):
            store.put("log", {"id": 0, "seq": seq, "pad": PAD})
            store.put("state", {"id": 1, "last": seq})
        # Printed only after the commit returned: every number the parent reads is on disk.
        print(seq, flush=True)


def hold(path: str, user: str) -> None:
    store = Store.open(path, user=user)
    print("locked", flush=True)
    sys.stdin.readline()
    store.close()
    print("closed", flush=True)


def try_open(path: str) -> None:
    try:
        store = Store.open(path, user="第二个")
    except StoreLocked as err:
        print(json.dumps({"locked": str(err), "owner": err.owner}, ensure_ascii=False), flush=True)
        return
    store.close()
    print(json.dumps({"ok": True}), flush=True)


if __name__ == "__main__":
    # The parent decodes our output as UTF-8 whatever the console code page is.
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
    mode, target = sys.argv[1], sys.argv[2]
    if mode == "commit-loop":
        commit_loop(target)
    elif mode == "hold":
        hold(target, sys.argv[3])
    elif mode == "try-open":
        try_open(target)
    else:
        raise SystemExit(f"unknown mode {mode}")
