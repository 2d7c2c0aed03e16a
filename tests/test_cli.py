"""The command line (main.py): demo, lookup, check, backup/restore, undo, log — and errors as one
Chinese line on stderr, never a traceback."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from main import cli

from ledgers.ledger import Ledger
from ledgers.models import Role, Village

TODAY = date(2026, 11, 23)

ROOT = Path(__file__).resolve().parent.parent


def run(db: Path, *args: str):
    result = CliRunner().invoke(cli, ["--db", str(db), "--today", TODAY.isoformat(), *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def run_process(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_")}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "--today", TODAY.isoformat(),
                           *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=60)


def village_names(db: Path) -> list[str]:
    with Ledger.open(db, today=TODAY, read_only=True) as led:
        return [v.name for v in led.villages()]


def one_chinese_line(text: str) -> str:
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert re.search(r"[\u4e00-\u9fff]", lines[0])
    return lines[0]


# ---------------------------------------------------------------- demo


def test_demo_loads_then_refuses_to_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "l.json"
    r = run(db, "demo")
    assert r.exit_code == 0, r.output
    assert "已载入演示数据" in r.stdout and "村25" in r.stdout and "整顿案卷14" in r.stdout
    before = village_names(db)
    with Ledger.open(db, today=TODAY, read_only=True) as led:
        audit = len(led.audit())
    r = run(db, "demo")
    assert r.exit_code != 0
    line = one_chinese_line(r.stderr)
    assert "已有数据" in line and "未做改动" in line and "--force" in line
    assert village_names(db) == before
    with Ledger.open(db, today=TODAY, read_only=True) as led:
        assert len(led.audit()) == audit


def test_demo_force_replaces(tmp_path: Path) -> None:
    db = tmp_path / "l.json"
    assert run(db, "demo").exit_code == 0
    with Ledger.open(db, today=TODAY) as led:
        led.save_village(Village("新华村"))
    r = run(db, "demo", "--force")
    assert r.exit_code == 0, r.output
    names = village_names(db)
    assert len(names) == 25 and "新华村" not in names
    with Ledger.open(db, today=TODAY, read_only=True) as led:
        assert len(led.cases()) == 14 and len(led.situations()) >= 14


def test_demo_county_scale(tmp_path: Path) -> None:
    r = run(tmp_path / "c.json", "demo", "--scale", "county")
    assert r.exit_code == 0 and "村300" in r.stdout


# ---------------------------------------------------------------- lookup


def test_lookup_json_by_initials(demo_db: Path) -> None:
    r = run(demo_db, "lookup", "qsc", "--json")
    assert r.exit_code == 0, r.output
    cards = json.loads(r.stdout)
    assert cards[0]["name"] == "青山村" and cards[0]["township"] == "青石镇"
    assert cards[0]["case"]["state"] == "整顿中"
    phone = cards[0]["first_secretary"]["phone"]
    assert re.fullmatch(r"138\*{4}\d{4}", phone)
    with Ledger.open(demo_db, today=TODAY, read_only=True) as led:
        holder = led.slots(cards[0]["id"])[Role.FIRST_SECRETARY]
        full = led.get("cadres", holder.holder_id, "第一书记").phone
    r = run(demo_db, "lookup", "qsc", "--json", "--no-mask")
    assert json.loads(r.stdout)[0]["first_secretary"]["phone"] == full
    assert full[-4:] == phone[-4:]


def test_lookup_card(demo_db: Path) -> None:
    r = run(demo_db, "lookup", "青山")
    assert r.exit_code == 0 and "青山村" in r.stdout
    assert not re.search(r"138\d{8}", r.stdout)  # masked by default


def test_lookup_says_when_it_shows_only_the_first(demo_db: Path) -> None:
    """Issue 13: lookup showed the first N matches without a word about the others."""
    r = run(demo_db, "lookup", "c", "--limit", "2")
    assert r.exit_code == 0 and "只显示了前2个" in r.stderr
    r = run(demo_db, "lookup", "c", "--limit", "2", "--json")
    assert len(json.loads(r.stdout)) == 2 and "只显示了前2个" in r.stderr
    r = run(demo_db, "lookup", "qsc")
    assert r.exit_code == 0 and "只显示" not in r.stderr  # one match: nothing left out


def test_lookup_of_nothing_exits_1(demo_db: Path) -> None:
    r = run(demo_db, "lookup", "xyzxyzxyz")
    assert r.exit_code == 1
    assert "没有找到" in one_chinese_line(r.stderr)
    r = run(demo_db, "lookup", "xyzxyzxyz", "--json")
    assert r.exit_code == 1 and json.loads(r.stdout) == [] and "没有找到" in one_chinese_line(r.stderr)


# ---------------------------------------------------------------- check


def test_check_json_on_the_demo_fails_with_integrity_errors(demo_db: Path) -> None:
    r = run(demo_db, "check", "--json")
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["ok"] is False and report["integrity"]
    assert any("第一书记" in f["message"] for f in report["integrity"])
    assert any(f["rule"] == "R1" for f in report["findings"])


def test_check_of_an_empty_ledger_passes(tmp_path: Path) -> None:
    db = tmp_path / "l.json"
    Ledger.open(db, today=TODAY).close()
    r = run(db, "check", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"ok": True, "integrity": [], "findings": []}
    assert run(db, "check").exit_code == 0


def test_check_text_report(demo_db: Path) -> None:
    r = run(demo_db, "check")
    assert r.exit_code == 1 and "青山村" in r.stdout


# ---------------------------------------------------------------- backup, restore, undo, log


def test_backup_and_restore(demo_db: Path) -> None:
    r = run(demo_db, "backup")
    assert r.exit_code == 0, r.output
    backup = Path(r.stdout.strip().removeprefix("已备份到 "))
    assert backup.is_file()
    with Ledger.open(demo_db, today=TODAY) as led:
        led.save_village(Village("新华村"))
    assert "新华村" in village_names(demo_db)
    listed = run(demo_db, "restore", "--list")
    assert listed.exit_code == 0 and str(backup) in listed.stdout
    r = run(demo_db, "restore", str(backup))
    assert r.exit_code == 0, r.output
    assert "恢复" in r.stdout
    names = village_names(demo_db)
    assert "新华村" not in names and len(names) == 25


def test_restore_of_a_missing_backup(demo_db: Path, tmp_path: Path) -> None:
    r = run(demo_db, "restore", str(tmp_path / "nope.json"))
    assert r.exit_code != 0 and "找不到备份文件" in one_chinese_line(r.stderr)
    assert len(village_names(demo_db)) == 25


def test_undo(demo_db: Path) -> None:
    with Ledger.open(demo_db, today=TODAY) as led:
        led.save_village(Village("新华村"))
    r = run(demo_db, "undo")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("已撤销：新增村：新华村")
    assert "新华村" not in village_names(demo_db)
    r = run(demo_db, "undo")
    assert r.exit_code == 0 and "载入演示数据" in r.stdout
    assert village_names(demo_db) == []


def test_redo(demo_db: Path) -> None:
    with Ledger.open(demo_db, today=TODAY) as led:
        led.save_village(Village("新华村"))
    assert run(demo_db, "redo").exit_code == 1  # nothing undone yet
    assert run(demo_db, "undo").exit_code == 0 and "新华村" not in village_names(demo_db)
    r = run(demo_db, "redo")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("已重做：新增村：新华村") and "新华村" in village_names(demo_db)
    r = run(demo_db, "redo")
    assert r.exit_code == 1 and "没有可以重做的修改" in r.stderr


def test_log(demo_db: Path) -> None:
    with Ledger.open(demo_db, today=TODAY) as led:
        led.save_village(Village("新华村"))
        led.save_village(Village("团结村"))
    r = run(demo_db, "log", "-n", "3")
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("#") for line in lines)
    assert any("新增村：团结村" in line for line in lines) and any("新增村：新华村" in line for line in lines)


# ---------------------------------------------------------------- errors: one line, no traceback


def test_locked_ledger_is_one_line(demo_db: Path) -> None:
    with Ledger.open(demo_db, today=TODAY):
        p = run_process(demo_db, "demo", "--force")
    assert p.returncode != 0
    assert one_chinese_line(p.stderr).startswith("错误：")
    assert len(village_names(demo_db)) == 25


def test_corrupt_ledger_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "l.json"
    db.write_text("{ this is not a ledger", encoding="utf-8")
    p = run_process(db, "check")
    assert p.returncode != 0
    assert one_chinese_line(p.stderr).startswith("错误：")
    assert db.read_text(encoding="utf-8") == "{ this is not a ledger"  # never overwritten


def test_lookup_of_nothing_in_a_process(demo_db: Path) -> None:
    p = run_process(demo_db, "lookup", "xyzxyzxyz")
    assert p.returncode == 1 and "没有找到" in one_chinese_line(p.stderr)


def test_bad_today_is_a_usage_error(tmp_path: Path) -> None:
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "l.json"),
                        "--today", "2026-13-45", "check"], capture_output=True, text=True, encoding="utf-8",
                       timeout=60)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "--today" in p.stderr
