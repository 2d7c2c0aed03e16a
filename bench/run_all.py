"""Run the speed benchmarks of issue 13 and keep their figures.

    python bench/run_all.py [--quick]

Runs, one after the other (each in its own process, at prefecture scale):
  bench_coldstart.py — start: the dashboard's figures on screen against a bare Textual app;
  bench_sections.py  — open and filter 村情, 整顿台账, 四个一, 第一书记 (key to repainted list);
  bench_pace.py      — save a village edit, open a village card and a case;
  bench_screening.py — the 拉网式排查 of 2,040 villages (issue 14: < 1 s).

Each run is appended to ``bench/results.json`` (date, commit, machine, every figure with its
baseline and goal) and the table between the markers in README.md is rewritten from the latest run,
next to the first run kept there (the reference "before"). ``--quick`` runs fewer repetitions (noisier; for a check, not a record).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
README = ROOT / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

BENCHES = (("bench_coldstart.py", ["--runs", "7"], ["--runs", "3"]),
           ("bench_sections.py", ["--runs", "4"], ["--runs", "2", "--rounds", "1", "--open-runs", "2"]),
           ("bench_pace.py", ["--runs", "3"], ["--runs", "1"]),
           ("bench_screening.py", ["--runs", "5"], ["--runs", "2"]))


def run(quick: bool) -> dict:
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for script, args, quick_args in BENCHES:
            out = Path(tmp) / (script + ".json")
            cmd = [sys.executable, str(ROOT / "bench" / script), *(quick_args if quick else args), "--json", str(out)]
            print("$", " ".join(cmd[1:]), flush=True)
            subprocess.run(cmd, check=True, cwd=ROOT)
            figures.update(json.loads(out.read_text(encoding="utf-8")))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return {"at": datetime.now().isoformat(timespec="seconds"), "commit": commit, "quick": quick,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "figures": figures}


def verdict(f: dict) -> tuple[str, str]:
    """(the goal as text, met or not)."""
    ratio = f["ms"] / f["baseline_ms"] if f.get("baseline_ms") else None
    if "goal_ms" in f:
        return f"≤ {f['goal_ms']} ms", "是" if f["ms"] <= f["goal_ms"] else "否"
    if "goal_ratio" in f and ratio is not None:
        return f"≤ {f['goal_ratio']}×", "是" if ratio <= f["goal_ratio"] else "否"
    return "", ""


def table(latest: dict, before: dict | None) -> str:
    lines = [f"Latest run: {latest['at']}, commit {latest['commit']}, {latest['machine']}"
             + (" (quick)" if latest.get("quick") else "") + ".", "",
             "| figure | ms | baseline ms | ratio | goal | met | before (ms) |",
             "|---|---:|---:|---:|---|---|---:|"]
    for name, f in latest["figures"].items():
        ratio = f"{f['ms'] / f['baseline_ms']:.2f}×" if f.get("baseline_ms") else ""
        goal, met = verdict(f)
        prev = before["figures"].get(name) if before else None
        before_ms = f"{prev['ms']:.0f}" if prev else "–"
        lines.append(f"| {name} | {f['ms']:.0f} | {f.get('baseline_ms', 0):.0f} | {ratio} | {goal} | {met} | {before_ms} |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    if BEGIN not in readme or END not in readme:
        raise SystemExit(f"README.md has no {BEGIN} … {END} markers")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    latest = run(args.quick)
    history = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {"runs": []}
    before = history["runs"][0] if history["runs"] else None  # the reference: the first run kept
    history["runs"].append(latest)
    RESULTS.write_text(json.dumps(history, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_readme(table(latest, before))
    print(table(latest, before))


if __name__ == "__main__":
    main()
