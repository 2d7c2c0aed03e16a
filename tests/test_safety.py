"""Data safety, part two (issue 11): each test reproduces a fault found by hand, then checks the fix —
file modes kept, read-only files and folders opened read-only, links, BOM and UTF-16 files, long and
hostile names through every entry path and every CLI output, types the service refuses, and the
demo load as one change."""
from __future__ import annotations

import json
import os
import stat
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgers.errors import StoreError, StoreNotWritable, ValidationErrors
from ledgers.ledger import Ledger
from ledgers.lookup import VillageIndex
from ledgers.models import Task, Village
from ledgers.store import Store
from ledgers.text import clean_text, terminal_safe
from main import cli

TODAY = date(2026, 11, 23)
POSIX = sys.platform != "win32"
HOSTILE = ["\x1b]0;pwned\x07青山村", "\x1b[2J石桥村", "长\x1b[31m安\x1b[0m村", "\x9b2J重阳村", "[red]乐平村[/]"]


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), "--today", "2026-11-23", *args])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- 7: modes


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_new_ledgers_and_backups_are_owner_only_and_a_chosen_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    with Ledger.open(path, today=TODAY) as led:
        led.save_village(Village("青山村"))
    assert mode(path) == 0o600
    os.chmod(path, 0o640)
    with Ledger.open(path, today=TODAY) as led:  # opening backs it up; saving replaces it
        led.save_village(Village("石桥村"))
    assert mode(path) == 0o640
    backups = list(Path(str(path) + ".backups").glob("*.json"))
    assert backups and all(mode(b) == 0o600 for b in backups)


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_a_read_only_file_opens_read_only_and_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    with Ledger.open(path, today=TODAY) as led:
        led.save_village(Village("青山村"))
    os.chmod(path, 0o444)
    before = path.read_bytes()
    with pytest.raises(StoreNotWritable) as exc:
        Ledger.open(path, today=TODAY)
    assert "只读文件" in str(exc.value)
    r = run(path, "undo")
    assert r.exit_code == 2 and "只读文件" in r.output and "Traceback" not in r.output
    assert path.read_bytes() == before and mode(path) == 0o444
    with Ledger.open(path, today=TODAY, read_only=True) as ro:  # still readable
        assert [v.name for v in ro.villages()] == ["青山村"]


async def test_the_app_shows_a_file_it_cannot_write_read_only(tmp_path: Path) -> None:
    from tests.tui_support import SIZE, settle
    from tui.app import make_app

    path = tmp_path / "l.json"
    with Ledger.open(path, today=TODAY) as led:
        led.save_village(Village("青山村"))
    os.chmod(path, 0o444)
    app = make_app(path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.ledger is not None and app.ledger.read_only
        assert "只读文件" in app.read_only_reason


# ---------------------------------------------------------------- 8: links and mistyped paths


@pytest.mark.skipif(not POSIX, reason="POSIX links")
def test_hard_links_symlink_loops_and_dangling_links(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    with Ledger.open(path, today=TODAY) as led:
        led.save_village(Village("青山村"))
    os.link(path, tmp_path / "other-name.json")
    with pytest.raises(StoreNotWritable) as exc:
        Store.open(tmp_path / "other-name.json")
    assert "硬链接" in str(exc.value)
    os.unlink(tmp_path / "other-name.json")
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    with pytest.raises(StoreError) as exc:
        Store.open(tmp_path / "a.json")
    assert "无法解析" in str(exc.value)
    (tmp_path / "dangling.json").symlink_to(tmp_path / "no" / "such" / "dir" / "l.json")
    with pytest.raises(StoreError) as exc:
        Store.open(tmp_path / "dangling.json")
    assert "不存在" in str(exc.value) and not (tmp_path / "no").exists()
    (tmp_path / "link.json").symlink_to(path)
    with Store.open(tmp_path / "link.json") as s:
        assert s.path == path.resolve()  # a symlink to the ledger locks and writes the ledger itself


@pytest.mark.parametrize("command", [["check"], ["lookup", "qsc"], ["log"], ["undo"], ["backup"],
                                     ["export", "roster", "-o", "x.docx"]])
def test_commands_on_a_mistyped_path_create_nothing(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "mistyped.json"
    r = run(db, *command)
    assert r.exit_code == 2 and "账本文件不存在" in r.output
    assert not db.exists() and not list(tmp_path.iterdir())


# ---------------------------------------------------------------- 10: BOM and UTF-16


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_file_saved_by_notepad_opens(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "l.json"
    with Ledger.open(path, today=TODAY) as led:
        led.save_village(Village("青山村"))
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode(encoding))
    with Ledger.open(path, today=TODAY, read_only=True) as led:
        assert [v.name for v in led.villages()] == ["青山村"]


# ---------------------------------------------------------------- 6: long names


def test_a_long_name_costs_the_index_a_bounded_number_of_keys() -> None:
    from ledgers.lookup import MAX_COMBINATIONS, MAX_KEY_CHARS, MAX_KEY_STARTS

    index = VillageIndex(readings=None)
    # 长 has two readings: a 1,000-character name had 2**1000 combinations (11.7 s and 3.6 GB at 600
    # characters, MemoryError at 1,000). Keys now start within the first characters and run a bounded
    # length, whatever is in the file.
    index.build([(1, "长" * 1000 + "村", "青石镇"), (2, "青山村", "青石镇")])
    mine = [k for k in index._pinyin if k[1] == 1]
    assert len(mine) <= MAX_KEY_STARTS * MAX_COMBINATIONS
    assert all(len(k[3]) <= MAX_KEY_CHARS for k in mine)
    assert [h.village_id for h in index.search("qsc")] == [2]
    assert [h.village_id for h in index.search("长长长")] == [1]


def test_field_lengths_hold_on_every_path(ledger: Ledger) -> None:
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_village(Village("长" * 600))
    assert "不能超过50个字" in str(exc.value)
    case = ledger.new_case(ledger.save_village(Village("青山村")).id)
    with pytest.raises(ValidationErrors):
        ledger.save_task(case.id, Task("问" * 6000))


# ---------------------------------------------------------------- 11: types the service refuses


@pytest.mark.parametrize(("change", "words"), [
    ({"population": "12"}, "应为整数"), ({"population": 12.5}, "应为整数"), ({"full_members": True}, "应为整数"),
    ({"secretary_is_director": 1}, "应为是或否"), ({"org_term_start": date(9999, 1, 1)}, "不合理"),
    ({"org_term_start": "2021-03-01"}, "应为日期"), ({"collective_income": {2025: "5万"}}, "应为整数"),
])
def test_the_service_refuses_what_forms_refuse(ledger: Ledger, change: dict, words: str) -> None:
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_village(Village("青山村", **change))
    assert words in str(exc.value)
    assert ledger.villages() == []


def test_a_task_deadline_in_9999_is_refused(ledger: Ledger) -> None:
    case = ledger.new_case(ledger.save_village(Village("青山村")).id)
    with pytest.raises(ValidationErrors) as exc:
        ledger.save_task(case.id, Task("问题", deadline=date(9999, 12, 31)))
    assert "不合理" in str(exc.value)


# ---------------------------------------------------------------- 12: nothing reaches the terminal raw


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF) | st.sampled_from("村镇\x1b\x9b\x07[]"),
               max_size=40))
def test_terminal_safe_leaves_no_control_character(s: str) -> None:
    out = terminal_safe(s)
    assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in out)
    assert clean_text(clean_text(s)) == clean_text(s)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_leave_no_escape_in_any_cli_output(tmp_path: Path, name: str) -> None:
    db = tmp_path / "l.json"
    with Ledger.open(db, today=TODAY) as led:
        led.save_village(Village("乐平村"))
    # A file edited by hand can hold what entry refuses: write the name into the file itself.
    data = json.loads(db.read_text(encoding="utf-8"))
    (rec,) = data["villages"].values()
    rec["name"], rec["secretary_name"] = name, name
    data["_audit"]["2"]["summary"] = "新增村：" + name
    db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    outputs = [run(db, "check").output, run(db, "log").output, run(db, "lookup", "lpc").output,
               run(db, "lookup", "lpc", "--json").output]
    for out in outputs:
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, out


def test_the_service_keeps_no_debris_of_an_escape_sequence(ledger: Ledger) -> None:
    v = ledger.save_village(Village("\x1b]0;pwned\x07青山村"))
    assert v.name == "青山村"


# ---------------------------------------------------------------- 4: the demo as one change


def test_demo_force_is_one_change_and_one_undo(tmp_path: Path) -> None:
    db = tmp_path / "l.json"
    assert run(db, "demo").exit_code == 0
    with Ledger.open(db, today=TODAY) as led:
        led.save_village(Village("自己的村"))
    r = run(db, "demo", "--force")
    assert r.exit_code == 0
    with Ledger.open(db, today=TODAY) as led:
        assert led.audit(1)[0].summary == "载入演示数据（乡镇规模，替换原有数据）"
        assert led.find_village("自己的村") is None
        led.undo()
        assert led.find_village("自己的村") is not None and len(led.villages()) == 26


# ---------------------------------------------------------------- 1, 2, 5: recovery


def _damage(path: Path, collection: str, field: str, value: object, rid: str | None = None) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    table = data[collection]
    rec = table[rid] if rid else next(iter(table.values()))
    rec[field] = value
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _backed_up_demo(tmp_path: Path, opens: int = 3) -> Path:
    """A demo ledger with a few good backups (each open after a change backs the file up)."""
    db = tmp_path / "l.json"
    with Ledger.open(db, today=TODAY) as led:
        from ledgers.demo import load_demo

        load_demo(led)
    for n in range(opens):
        with Ledger.open(db, today=TODAY) as led:
            led.save_village(Village(f"新村{n}"))
    return db


@pytest.mark.parametrize(("collection", "field", "value", "words"), [
    ("villages", "org_term_start", "2024-13-01", "不是有效的日期"),
    ("villages", "population", "很多", "不是整数"),
    ("cases", "state", "办完了", "不是可选的值"),
    ("villages", "name", None, ""),
])
def test_a_record_that_does_not_load_is_named_and_never_backed_up(tmp_path: Path, collection: str, field: str,
                                                                   value: object, words: str) -> None:
    db = _backed_up_demo(tmp_path)
    folder = Path(str(db) + ".backups")
    good = sorted(folder.glob("2*.json"))
    if value is None:
        data = json.loads(db.read_text(encoding="utf-8"))
        del next(iter(data[collection].values()))[field]
        db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        _damage(db, collection, field, value)
    damaged = db.read_bytes()
    for command in (["check"], ["lookup", "qsc"], ["log"], ["undo"], ["backup"], ["demo", "--force"]):
        r = run(db, *command)
        out = r.output
        assert "Traceback" not in out, out
        if command == ["check"]:
            assert r.exit_code == 1 and f"{collection}#" in out  # an integrity error, not a crash
        else:
            assert r.exit_code == 2 and "无法读取" in out and collection in out and field in out, out
            assert words in out
    assert db.read_bytes() == damaged
    assert sorted(folder.glob("2*.json")) == good  # the rotation holds only files that load
    assert [p.read_bytes() for p in folder.glob("broken-*.json")] == [damaged]  # set aside once
    r = run(db, "restore")
    assert r.exit_code == 0 and good[-1].name in r.output
    assert run(db, "check").exit_code == 0 or "“四个一”冲突" in run(db, "check").output
    with Ledger.open(db, today=TODAY) as led:  # the last good state: backed up when it was last opened
        assert led.find_village("新村1") is not None


def test_restore_skips_backups_that_do_not_load_and_says_why(tmp_path: Path) -> None:
    db = _backed_up_demo(tmp_path)
    folder = Path(str(db) + ".backups")
    newest = sorted(folder.glob("2*.json"))[-1]
    _damage(newest, "villages", "org_term_start", "2024-13-01")  # a backup damaged by hand
    _damage(db, "villages", "population", "很多")
    r = run(db, "restore")
    assert r.exit_code == 0 and f"跳过备份 {newest.name}" in r.output and "不是有效的日期" in r.output
    assert newest.name not in r.output.splitlines()[-1]


def test_trying_backups_one_after_another_keeps_every_one_of_them(tmp_path: Path) -> None:
    db = _backed_up_demo(tmp_path, opens=6)
    folder = Path(str(db) + ".backups")
    backups = sorted(folder.glob("2*.json"), reverse=True)
    assert len(backups) >= 5
    for b in backups:  # newest first, as a clerk looks for the last good state
        assert run(db, "restore", b.name).exit_code == 0
        assert b.exists()
    assert all(b.exists() for b in backups)


def test_undo_of_a_damaged_audit_entry_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "l.json"
    with Ledger.open(db, today=TODAY) as led:
        led.save_village(Village("青山村", population=100))
        led.save_village(Village("青山村", population=200, id=led.find_village("青山村").id))
    data = json.loads(db.read_text(encoding="utf-8"))
    last = data["_audit"][max(data["_audit"], key=int)]
    last["changes"][0]["before"]["population"] = "一百"  # undo would write this back
    db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = db.read_bytes()
    r = run(db, "undo")
    assert r.exit_code == 2 and "已放弃撤销" in r.output and "Traceback" not in r.output
    assert db.read_bytes() == before
    last["changes"] = "garbage"
    db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run(db, "undo")  # (a log entry of the wrong shape is refused when the file is opened)
    assert r.exit_code == 2 and "损坏" in r.output and db.read_bytes() != before


# ---------------------------------------------------------------- 3: a read-only copy becomes the writer


async def test_a_read_only_copy_becomes_the_writer_when_the_other_quits(tmp_path: Path) -> None:
    from tests.tui_support import SIZE, notifications, settle
    from tui.app import make_app

    db = tmp_path / "l.json"
    other = Ledger.open(db, today=TODAY)  # another clerk's copy holds the file
    other.save_village(Village("青山村"))
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.ledger.read_only and "F2" in app.read_only_reason
        await pilot.press("f2")
        await settle(pilot)
        assert app.ledger.read_only and any("仍不能改为可写" in n for n in notifications(app))
        other.close()  # the other clerk quits
        await pilot.press("f2")
        await settle(pilot)
        assert not app.ledger.read_only and app.read_only_reason == ""
        assert not app.screen.query("#readonly-banner")
        app.ledger.save_village(Village("石桥村"))  # and it writes
    with Ledger.open(db, today=TODAY, read_only=True) as led:
        assert {v.name for v in led.villages()} == {"青山村", "石桥村"}


# ---------------------------------------------------------------- 9: the audit log grows by what changed


def test_an_edit_adds_to_the_file_what_changed_not_the_whole_record(ledger: Ledger) -> None:
    from ledgers.models import ProgressReport

    v = ledger.save_village(Village("青山村", note="说明" * 300))
    case = ledger.new_case(v.id)
    for n in range(14):
        ledger.add_progress(case.id, ProgressReport(TODAY, f"第{n}次推进：召开党员大会，研究部署整改工作" * 3))
    size = ledger.store.path.stat().st_size
    ledger.save_village(Village("青山村", note="说明" * 300, population=1200, id=v.id))
    grew = ledger.store.path.stat().st_size - size
    assert grew < 400  # the population, before and after — not the 600-character note twice
    (entry,) = ledger.audit(1)
    (change,) = entry.changes
    assert change.fields == ("population",) and change.before == {"population": 0}
    ledger.undo()  # undo puts back the changed fields only, and exactly
    assert ledger.village(v.id).population == 0 and ledger.village(v.id).note == "说明" * 300
    assert b"\n  " not in ledger.store.path.read_bytes()[:2000]  # written compactly


def test_old_audit_entries_move_to_an_archive_never_lost(ledger: Ledger) -> None:
    s = ledger.settings
    s.audit_keep_entries = 50
    with pytest.raises(ValidationErrors):
        ledger.save_settings(s)  # fewer than 100 is refused
    s.audit_keep_entries = 100
    ledger.save_settings(s)
    v = ledger.save_village(Village("青山村"))
    for n in range(1, 351):
        ledger.save_village(Village("青山村", population=n, id=v.id))
    kept = ledger.audit()
    archived = ledger.store.archived_audit()
    assert 100 <= len(kept) <= 100 + ledger.store.ARCHIVE_BATCH
    seqs = sorted(e.seq for e in kept + archived)
    assert seqs == list(range(1, seqs[-1] + 1))  # every entry is somewhere, exactly once
    assert ledger.store.audit_archive.exists()
    ledger.undo()  # the newest entries are still there to undo
    assert ledger.village(v.id).population == 349


# ---------------------------------------------------------------- write faults


@pytest.mark.parametrize("errno_", [28, 5, 30])  # ENOSPC, EIO, EROFS at the rename
def test_a_failed_write_loses_nothing_saved_and_says_so(ledger: Ledger, monkeypatch, errno_: int) -> None:
    import ledgers.storage as storage

    v = ledger.save_village(Village("青山村", population=10))
    before = ledger.store.path.read_bytes()

    def failing_replace(src, dst):  # noqa: ANN001
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(storage.os, "replace", failing_replace)
    with pytest.raises(StoreError) as exc:
        ledger.save_village(Village("青山村", population=20, id=v.id))
    assert "保存账本失败" in str(exc.value) and "没有保存" in str(exc.value)
    monkeypatch.undo()
    assert ledger.store.path.read_bytes() == before
    assert ledger.village(v.id).population == 10  # memory matches the file
    assert not [p for p in ledger.store.path.parent.iterdir() if p.name.endswith(".tmp")]  # no debris
    ledger.save_village(Village("青山村", population=30, id=v.id))  # and the next save works
    assert ledger.village(v.id).population == 30


def test_a_folder_without_write_permission_opens_read_only(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "l.json"
    with Ledger.open(path, today=TODAY) as led:
        led.save_village(Village("青山村"))
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path and mode == os.W_OK
                        else real(p, mode))  # (as root, chmod cannot take the right away)
    with pytest.raises(StoreNotWritable) as exc:
        Ledger.open(path, today=TODAY)
    assert "没有写入权限" in str(exc.value)
