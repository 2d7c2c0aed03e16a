"""The core stays pure: importing every module of ledgers/ pulls in no UI or document library, and
the ledger service leaves pypinyin to the first lookup."""
from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("textual", "rich", "docx", "openpyxl", "click")


def loaded_after(code: str) -> set[str]:
    """Top-level package names in sys.modules after running ``code`` in a fresh interpreter."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    p = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return set(json.loads(p.stdout.strip().splitlines()[-1]))


def core_modules() -> list[str]:
    return sorted(f"ledgers.{m.name}" for m in pkgutil.iter_modules([str(ROOT / "ledgers")]))


def test_core_modules_are_found() -> None:
    mods = core_modules()
    for name in ("ledgers.ledger", "ledgers.rules", "ledgers.workflow", "ledgers.store", "ledgers.demo"):
        assert name in mods


def test_core_imports_no_ui_or_document_library() -> None:
    code = "import importlib\n" + "\n".join(f"importlib.import_module({m!r})" for m in core_modules())
    loaded = loaded_after(code)
    assert "ledgers" in loaded
    assert not loaded & set(FORBIDDEN), loaded & set(FORBIDDEN)


def test_ledger_service_imports_pypinyin_lazily() -> None:
    assert "pypinyin" not in loaded_after("import ledgers.ledger")


def test_using_the_core_still_imports_no_ui(tmp_path: Path) -> None:
    """Not just imports: opening a ledger, loading the demo, checking it and looking a village up."""
    code = f"""
from datetime import date
from ledgers.ledger import Ledger
from ledgers.demo import load_demo
from ledgers.check import check_ledger
from ledgers.stats import dashboard
from ledgers.status import village_status
with Ledger.open({str(tmp_path / 'l.json')!r}, today=date(2026, 11, 23)) as led:
    load_demo(led)
    check_ledger(led); dashboard(led)
    village_status(led, led.lookup("qsc")[0].village_id).to_json()
"""
    loaded = loaded_after(code)
    assert "pypinyin" in loaded  # the lookup did need it
    assert not loaded & set(FORBIDDEN), loaded & set(FORBIDDEN)
