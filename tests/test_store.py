"""Tests of ledgers/store.py: records, transactions, audit and undo, backups, corruption, locking, crashes."""
from __future__ import annotations

import copy
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pytest
from filelock import FileLock, Timeout
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import ledgers.store as store_module
from ledgers.errors import NotFound, ReadOnlyError, StoreCorrupt, StoreError, StoreLocked
from ledgers.storage import AtomicJSONStorage
from ledgers.store import AuditEntry, Change, Store

CHILD = Path(__file__).resolve().parent / "store_child.py"
BACKUP_RE = re.compile(r"^\d{8}-\d{6}-\d{6}-[\w-]+\.json$")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "ledger.json"


@pytest.fixture
def store(path: Path):
    s = Store.open(path, user="张三")
    yield s
    s.close()


def village(name: str, **extra) -> dict:
    return {"id": 0, "name": name, **extra}


# ---------------------------------------------------------------- records


def test_new_file_is_created_with_parent_folders(path: Path) -> None:
    assert not path.parent.exists()
    with Store.open(path) as s:
        assert path.exists()
        assert s.is_empty()
        assert s.get_meta("schema") == Store.SCHEMA_VERSION
        assert s.audit() == []


def test_chinese_round_trip_is_utf8_on_disk(path: Path) -> None:
    names = ["青山村", "䶮山村", "𠮷家湾", "引号\"与\\反斜杠\n换行"]
    with Store.open(path) as s:
        ids = [s.put("villages", village(n)) for n in names]
    raw = path.read_bytes()
    assert "青山村".encode("utf-8") in raw
    assert "䶮山村".encode("utf-8") in raw and "𠮷家湾".encode("utf-8") in raw  # outside GBK
    assert b"\\u" not in raw
    with Store.open(path, read_only=True) as s:
        assert [s.get("villages", i)["name"] for i in ids] == names
    # The layout is TinyDB's own, so plain TinyDB can read the file for debugging.
    from tinydb import TinyDB

    db = TinyDB(path, access_mode="r", encoding="utf-8")
    try:
        assert db.table("villages").get(doc_id=ids[1])["name"] == "䶮山村"
    finally:
        db.close()


def test_put_get_all_count_delete(store: Store) -> None:
    a = store.put("villages", village("青山村", n=1))
    b = store.put("villages", {"name": "石桥村"})  # no id key at all
    assert (a, b) == (1, 2)
    assert store.get("villages", a) == {"id": 1, "name": "青山村", "n": 1}
    assert store.get("villages", 99) is None
    assert store.get("nothing", 1) is None
    assert store.count("villages") == 2 and store.count("nothing") == 0
    assert [r["id"] for r in store.all("villages")] == [1, 2]
    store.put("villages", {"id": a, "name": "青山村（改）"})
    assert store.get("villages", a)["name"] == "青山村（改）"
    assert store.count("villages") == 2
    store.delete("villages", b)
    assert store.get("villages", b) is None
    with pytest.raises(NotFound) as err:
        store.delete("villages", b)
    assert "villages#2" in str(err.value) and "不存在" in str(err.value)


def test_records_are_copies_both_ways(store: Store) -> None:
    rec = village("青山村", tags=["a"])
    rid = store.put("villages", rec)
    assert rec["id"] == 0  # the caller's dict is not changed; the id is returned
    rec["tags"].append("changed outside")
    got = store.get("villages", rid)
    assert got["tags"] == ["a"]
    got["tags"].append("changed by reader")
    store.all("villages")[0]["name"] = "x"
    assert store.get("villages", rid) == {"id": rid, "name": "青山村", "tags": ["a"]}


def test_non_json_values_are_refused(store: Store) -> None:
    for bad in ({"d": datetime.now()}, {"s": {1, 2}}, {1: "non-str key"}):
        with pytest.raises(TypeError):
            store.put("villages", {"id": 0, **bad})
    with pytest.raises(ValueError):
        store.put("_audit", village("x"))
    assert store.is_empty() and store.audit() == []


def test_ids_never_reused(path: Path) -> None:
    with Store.open(path) as s:
        ids = [s.put("villages", village(f"村{i}")) for i in range(3)]
        s.delete("villages", ids[-1])  # the highest
        assert s.put("villages", village("新村")) == 4
        s.undo()  # undo the insert of 4
        s.delete("villages", 2)
    with Store.open(path) as s:
        assert s.put("villages", village("再新村")) == 5
        # An explicit id above the counter moves the counter past it.
        assert s.put("villages", {"id": 40, "name": "导入村"}) == 40
        assert s.put("villages", village("后来村")) == 41
        assert s.put("cases", {"id": 0}) == 1  # counters are per collection


def test_is_empty_ignores_meta_and_audit(store: Store) -> None:
    store.set_meta("township", "青石镇")
    assert store.is_empty()
    rid = store.put("villages", village("青山村"))
    assert not store.is_empty()
    store.delete("villages", rid)
    assert store.is_empty()


def test_meta_round_trip_and_reserved_keys(path: Path) -> None:
    with Store.open(path) as s:
        s.set_meta("township", {"name": "青石镇", "codes": [1, 2]})
        assert s.get_meta("missing", "默认") == "默认"
        with pytest.raises(ValueError):
            s.set_meta("next_id", {})
        got = s.get_meta("township")
        got["codes"].append(3)
    with Store.open(path) as s:
        assert s.get_meta("township") == {"name": "青石镇", "codes": [1, 2]}
        assert s.audit() == []  # meta is not audited


# ---------------------------------------------------------------- transactions


def test_transaction_rollback_on_exception(store: Store, path: Path) -> None:
    a = store.put("villages", village("青山村"))
    b = store.put("villages", village("石桥村"))
    store.set_meta("k", 1)
    before_all = store.all("villages")
    before_bytes = path.read_bytes()
    before_audit = store.audit()
    with pytest.raises(RuntimeError, match="boom"):
        with store.transaction("会失败的修改"):
            store.put("villages", {"id": a, "name": "改了"})
            store.delete("villages", b)
            store.put("villages", village("新村"))
            store.put("cases", {"id": 0, "v": a})  # a collection that did not exist
            store.set_meta("k", 2)
            raise RuntimeError("boom")
    assert store.all("villages") == before_all
    assert store.count("cases") == 0
    assert store.get_meta("k") == 1
    assert store.audit() == before_audit
    assert path.read_bytes() == before_bytes
    # The ids handed out inside the failed transaction were never saved, so the counter is back too.
    assert store.put("villages", village("新村")) == 3


def test_one_write_per_transaction_and_none_when_empty(store: Store, path: Path, monkeypatch) -> None:
    writes = []
    original = AtomicJSONStorage.write
    monkeypatch.setattr(AtomicJSONStorage, "write", lambda self, data: (writes.append(1), original(self, data)))
    with store.transaction("批量新增"):
        for i in range(20):
            store.put("villages", village(f"村{i}"))
        store.set_meta("k", "v")
    assert len(writes) == 1
    assert len(store.audit()) == 1
    with store.transaction("什么也没改"):
        store.get("villages", 1)
    with store.transaction("改成一样的值"):
        store.put("villages", store.get("villages", 1))
    with store.transaction("新增又删除"):
        rid = store.put("villages", village("临时"))
        store.delete("villages", rid)
    assert len(store.audit()) == 1
    # Only the id counter moved in the last one: written (ids stay unique) but not audited.
    assert len(writes) == 2


def test_nested_transactions_join_the_outermost(store: Store) -> None:
    with store.transaction("外层"):
        store.put("villages", village("青山村"))
        with store.transaction("内层"):
            store.put("villages", village("石桥村"))
        try:
            with store.transaction("内层失败"):
                store.put("villages", village("不该留下"))
                store.set_meta("inner", True)
                raise ValueError("inner")
        except ValueError:
            pass
        store.put("villages", village("柳树村"))
    entries = store.audit()
    assert len(entries) == 1 and entries[0].summary == "外层"
    assert [c.after["name"] for c in entries[0].changes] == ["青山村", "石桥村", "柳树村"]
    assert [r["name"] for r in store.all("villages")] == ["青山村", "石桥村", "柳树村"]
    assert store.get_meta("inner") is None


def test_outer_failure_rolls_back_inner_blocks(store: Store) -> None:
    with pytest.raises(KeyError):
        with store.transaction("外层"):
            with store.transaction("内层"):
                store.put("villages", village("青山村"))
            raise KeyError("x")
    assert store.is_empty() and store.audit() == []


def test_failed_single_operation_inside_transaction_keeps_the_rest(store: Store) -> None:
    with store.transaction("部分失败"):
        store.put("villages", village("青山村"))
        with pytest.raises(NotFound):
            store.delete("villages", 42)
    assert store.count("villages") == 1


# ---------------------------------------------------------------- audit


def test_audit_entries(store: Store) -> None:
    a = store.put("villages", village("青山村"))
    with store.transaction("修改村：青山村"):
        store.put("villages", {"id": a, "name": "青山村", "note": "一"})
        store.put("villages", {"id": a, "name": "青山村", "note": "二"})  # collapses with the one above
        b = store.put("villages", village("石桥村"))
    store.delete("villages", b)
    with store.transaction("载入演示数据", detail=False):
        c = store.put("villages", village("演示村"))
        store.put("villages", {"id": a, "name": "青山村", "note": "三"})
    entries = store.audit()
    assert [e.seq for e in entries] == [4, 3, 2, 1]
    assert [e.summary for e in entries] == ["载入演示数据", f"删除 villages#{b}", "修改村：青山村", f"新增 villages#{a}"]
    for e in entries:
        assert isinstance(e, AuditEntry) and e.who == "张三" and not e.undone and e.undo_of is None
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", e.at)
    assert entries[3].changes == (Change("villages", a, None, {"id": a, "name": "青山村"}),)
    assert entries[2].changes == (
        Change("villages", a, {}, {"note": "二"}, ("note",)),  # an update keeps the changed fields only
        Change("villages", b, None, {"id": b, "name": "石桥村"}),
    )
    assert entries[1].changes == (Change("villages", b, {"id": b, "name": "石桥村"}, None),)
    assert entries[0].changes == (
        Change("villages", c, None, None),
        Change("villages", a, {"note": "二"}, None, ("note",)),  # detail=False: no after
    )
    assert [e.seq for e in store.audit(2)] == [4, 3]
    assert store.audit(0) == []
    entries[0].changes[1].before["note"] = "改了返回值"
    assert store.audit(1)[0].changes[1].before["note"] == "二"


def test_audit_survives_reopen(path: Path) -> None:
    with Store.open(path, user="李四") as s:
        s.put("villages", village("青山村"))
        first = s.audit()
    with Store.open(path, user="王五") as s:
        assert s.audit() == first
        s.put("villages", village("石桥村"))
        assert s.audit(1)[0].who == "王五" and s.audit(1)[0].seq == 2


# ---------------------------------------------------------------- undo


def test_undo_put_update_delete(store: Store) -> None:
    assert store.undo() is None
    a = store.put("villages", village("青山村"))
    store.put("villages", {"id": a, "name": "青山村（改名）"})
    store.delete("villages", a)

    undone = store.undo()  # the delete
    assert undone.summary == f"删除 villages#{a}" and undone.undone
    assert store.get("villages", a) == {"id": a, "name": "青山村（改名）"}
    undone = store.undo()  # the update
    assert undone.summary == f"修改 villages#{a}"
    assert store.get("villages", a) == {"id": a, "name": "青山村"}
    undone = store.undo()  # the insert
    assert store.get("villages", a) is None and store.is_empty()
    assert store.undo() is None

    entries = store.audit()
    assert [e.summary for e in entries[:3]] == [
        f"撤销：新增 villages#{a}", f"撤销：修改 villages#{a}", f"撤销：删除 villages#{a}"]
    assert [e.undo_of for e in entries[:3]] == [1, 2, 3]
    assert all(e.undone for e in entries[3:])
    assert entries[0].changes == (Change("villages", a, {"id": a, "name": "青山村"}, None),)


def test_undo_multi_record_transaction_in_one_write(store: Store, monkeypatch) -> None:
    keep = store.put("villages", village("青山村"))
    gone = store.put("villages", village("石桥村"))
    with store.transaction("合并村"):
        store.put("villages", {"id": keep, "name": "青山石桥村"})
        store.delete("villages", gone)
        store.put("cases", {"id": 0, "village": keep})
    writes = []
    original = AtomicJSONStorage.write
    monkeypatch.setattr(AtomicJSONStorage, "write", lambda self, data: (writes.append(1), original(self, data)))
    entry = store.undo()
    assert len(writes) == 1
    assert entry.summary == "合并村" and len(entry.changes) == 3
    assert [r["name"] for r in store.all("villages")] == ["青山村", "石桥村"]
    assert store.count("cases") == 0
    # Repeated undo walks further back, skipping the undo entry itself.
    assert store.undo().summary == f"新增 villages#{gone}"
    assert store.undo().summary == f"新增 villages#{keep}"
    assert store.undo() is None


def test_undo_after_reopen_and_new_changes(path: Path) -> None:
    with Store.open(path) as s:
        a = s.put("villages", village("青山村"))
        s.put("villages", village("石桥村"))
        s.undo()
    with Store.open(path) as s:
        s.put("villages", {"id": a, "name": "新名字"})
        assert s.undo().summary == f"修改 villages#{a}"
        assert s.undo().summary == f"新增 villages#{a}"
        assert s.is_empty()


def test_undo_of_bulk_load_without_detail(store: Store) -> None:
    store.put("villages", village("原有村"))
    with store.transaction("载入演示数据", detail=False):
        for i in range(50):
            store.put("villages", village(f"演示村{i}"))
    assert store.undo().summary == "载入演示数据"
    assert [r["name"] for r in store.all("villages")] == ["原有村"]
    assert store.audit(1)[0].changes[0].after is None


def test_redo_puts_back_what_undo_took_away(path: Path) -> None:
    """Issue 13: redo (Ctrl+Y) after undo. Undo twice, redo twice (newest first back), undo the
    redone change again; a new change after an undo ends what can be redone; all survives a reopen."""
    with Store.open(path, user="张三") as s:
        assert s.redo() is None
        a = s.put("villages", village("青山村"))
        s.put("villages", {"id": a, "name": "青山村（改名）"})
        s.undo()
        s.undo()
        assert s.is_empty()
        redone = s.redo()  # the insert comes back first
        assert redone.summary == f"新增 villages#{a}" and not redone.undone
        assert s.get("villages", a) == {"id": a, "name": "青山村"}
    with Store.open(path, user="张三") as s:  # from the file
        assert s.redo().summary == f"修改 villages#{a}"
        assert s.get("villages", a) == {"id": a, "name": "青山村（改名）"}
        assert s.redo() is None  # nothing left undone
        entries = s.audit(2)
        assert [e.summary for e in entries] == [f"重做：修改 villages#{a}", f"重做：新增 villages#{a}"]
        assert entries[0].redo_of is not None and entries[0].undo_of is None
        # A redone change is undone like any other, and can be redone again.
        assert s.undo().summary == f"修改 villages#{a}"
        assert s.get("villages", a) == {"id": a, "name": "青山村"}
        assert s.redo().summary == f"修改 villages#{a}"
        assert s.get("villages", a) == {"id": a, "name": "青山村（改名）"}
        # A new change after an undo: the undone change cannot come back over it.
        s.undo()
        s.put("villages", village("石桥村"))
        assert s.redo() is None
        assert s.get("villages", a) == {"id": a, "name": "青山村"}


# ---------------------------------------------------------------- read-only


def test_read_only_reads_and_refuses_writes(path: Path) -> None:
    with Store.open(path, user="张三") as w:
        w.put("villages", village("青山村"))
        w.set_meta("k", "v")
        with Store.open(path, read_only=True) as r:  # no lock taken: works beside the writer
            assert r.read_only
            assert r.all("villages") == w.all("villages") and r.get_meta("k") == "v"
            assert r.audit()[0].summary == "新增 villages#1"
            for attempt in (
                lambda: r.put("villages", village("x")),
                lambda: r.delete("villages", 1),
                lambda: r.set_meta("k", "w"),
                lambda: r.undo(),
                lambda: r.backup(),
                lambda: r.restore(),
            ):
                with pytest.raises(ReadOnlyError) as err:
                    attempt()
                assert str(err.value).startswith("只读模式下不能")
            with pytest.raises(ReadOnlyError):
                with r.transaction("x"):
                    pass
            w.put("villages", village("石桥村"))
            assert r.count("villages") == 1
            r.reload()
            assert r.count("villages") == 2
            assert r.lock_owner()["user"] == "张三"
        assert w.lock_owner()["user"] == "张三"
    with Store.open(path, read_only=True) as r:
        assert r.lock_owner() is None


def test_read_only_on_missing_file_is_an_empty_view(tmp_path: Path) -> None:
    p = tmp_path / "nowhere" / "ledger.json"
    with Store.open(p, read_only=True) as r:
        assert r.is_empty() and r.all("villages") == [] and r.audit() == [] and r.backups() == []
        assert r.lock_owner() is None
    assert not p.parent.exists()


# ---------------------------------------------------------------- backups and restore


def test_backup_names_rotation_and_open_backups(path: Path) -> None:
    with Store.open(path, keep_backups=3) as s:
        assert s.backups() == []  # a brand-new empty file is not backed up
        s.put("villages", village("青山村"))
    with Store.open(path, keep_backups=3) as s:
        first = s.backups()
        assert len(first) == 1 and first[0].name.endswith("-open.json")
        assert first[0].read_bytes() == path.read_bytes()
        assert first[0].parent == Path(str(path) + ".backups")
    with Store.open(path, keep_backups=3) as s:
        assert s.backups() == first  # unchanged since the newest backup: no new copy
        for i in range(6):
            s.put("villages", village(f"村{i}"))
            made = s.backup("manual")
            assert s.backups()[0] == made
    for _ in range(3):
        with Store.open(path, keep_backups=3) as s:
            s.put("villages", village("又一个"))
    with Store.open(path, keep_backups=3) as s:
        names = [p.name for p in s.backups()]
        assert len(names) == 3
        assert names == sorted(names, reverse=True)
        assert all(BACKUP_RE.match(n) for n in names)
        assert s.backups()[0].read_bytes() == path.read_bytes()


def test_restore_newest_and_named(path: Path) -> None:
    with Store.open(path) as s:
        s.put("villages", village("青山村"))
        one = s.backup("one")
        s.put("villages", village("石桥村"))
        two = s.backup("two")
        s.put("villages", village("柳树村"))
        s.delete("villages", 1)
        assert s.restore() == two  # newest
        assert [r["name"] for r in s.all("villages")] == ["青山村", "石桥村"]
        assert s.audit(1)[0].summary == f"从备份恢复：{two.name}"
        pre = [b for b in s.backups() if b.name.endswith("-pre-restore.json")]
        assert len(pre) == 1 and b"\\u" not in pre[0].read_bytes()
        assert json.loads(pre[0].read_text(encoding="utf-8"))["villages"].keys() == {"2", "3"}
        assert s.undo() is None  # a restore cannot be undone through
        assert s.restore(one.name) == one  # by bare name
        assert [r["name"] for r in s.all("villages")] == ["青山村"]
        # Ids handed out in the discarded states are not handed out again.
        assert s.put("villages", village("新村")) == 4
        seqs = [e.seq for e in s.audit()]
        assert len(seqs) == len(set(seqs))
    with Store.open(path, read_only=True) as r:
        assert [x["name"] for x in r.all("villages")] == ["青山村", "新村"]


def test_restore_refuses_corrupt_or_missing_backup(path: Path) -> None:
    with Store.open(path) as s:
        s.put("villages", village("青山村"))
        bad = s.backup("bad")
        bad.write_bytes(b'{"villages": {"1": {"id": 1, "na')
        before = path.read_bytes()
        backups_before = s.backups()
        with pytest.raises(StoreCorrupt) as err:
            s.restore(bad)
        assert bad.name in str(err.value) and err.value.backup == str(bad)
        with pytest.raises(NotFound):
            s.restore("20000101-000000-000000-nope.json")
        assert path.read_bytes() == before
        assert s.backups() == backups_before
        assert s.count("villages") == 1


@pytest.mark.parametrize("damage", ["empty", "truncated", "garbage"])
def test_corrupt_file_is_refused_and_never_overwritten(path: Path, damage: str) -> None:
    with Store.open(path) as s:
        s.put("villages", village("青山村"))
        s.backup("older")
        s.put("villages", village("石桥村"))
        newest = s.backup("newest")
    good = path.read_bytes()
    damaged = {"empty": b"", "truncated": good[: len(good) // 2], "garbage": "不是JSON".encode("utf-8")}[damage]
    path.write_bytes(damaged)
    for read_only in (False, True):
        with pytest.raises(StoreCorrupt) as err:
            Store.open(path, read_only=read_only)
        assert err.value.backup == str(newest)
        assert newest.name in str(err.value) and "无法读取" in str(err.value)
        assert path.read_bytes() == damaged
    # The failed writable open released its lock.
    probe = FileLock(str(path) + ".lock", timeout=0, thread_local=False)
    probe.acquire()
    probe.release()
    # The way back: open for restore, restore the newest readable backup.
    with Store.open_for_restore(path) as s:
        with pytest.raises(StoreCorrupt):
            s.all("villages")
        assert s.restore() == newest
        assert s.count("villages") == 2
    with Store.open(path) as s:
        assert [r["name"] for r in s.all("villages")] == ["青山村", "石桥村"]
        # The damaged file is kept aside, outside the rotation: never recommended, never rotated out.
        assert not any(b.read_bytes() == damaged for b in s.backups())
        assert any(b.read_bytes() == damaged for b in s.backup_dir.glob("broken-*.json"))


def test_corrupt_file_without_backups(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    with pytest.raises(StoreCorrupt) as err:
        Store.open(path)
    assert err.value.backup is None and "没有找到可用的备份" in str(err.value)
    assert path.read_bytes() == b""


def test_reload_keeps_memory_when_file_turns_corrupt(path: Path) -> None:
    with Store.open(path) as w:
        w.put("villages", village("青山村"))
    with Store.open(path, read_only=True) as r:
        path.write_bytes(b"{")
        with pytest.raises(StoreCorrupt):
            r.reload()
        assert r.count("villages") == 1


# ---------------------------------------------------------------- schema


def test_schema_migration(path: Path, monkeypatch) -> None:
    monkeypatch.setattr(Store, "SCHEMA_VERSION", 1)  # a file of the first format
    with Store.open(path) as s:
        s.put("villages", village("青山村"))
        s.put("villages", village("石桥村"))
    calls = []

    def to_v2(data: dict) -> dict:
        calls.append(1)
        for rec in data["villages"].values():
            rec["kind"] = "村"
        return data

    monkeypatch.setattr(Store, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(store_module, "MIGRATIONS", {1: to_v2})
    original = path.read_bytes()
    with Store.open(path, read_only=True) as r:  # a viewer migrates in memory only
        assert r.get("villages", 1)["kind"] == "村"
    assert path.read_bytes() == original
    with Store.open(path) as s:
        assert calls == [1, 1]
        assert [r["kind"] for r in s.all("villages")] == ["村", "村"]
        assert s.get_meta("schema") == 2
        pre = [b for b in s.backups() if b.name.endswith("-pre-migration.json")]
        assert len(pre) == 1 and pre[0].read_bytes() == original
        assert s.audit(1)[0].summary == "账本格式升级：版本 1 → 2"
        assert s.undo() is None  # the old entries' befores are in the old format
    assert json.loads(path.read_bytes())["_meta"]["1"]["schema"] == 2
    with Store.open(path) as s:
        assert calls == [1, 1]  # not run again


def test_missing_migration_and_newer_schema_are_refused(path: Path, monkeypatch) -> None:
    with Store.open(path) as s:
        s.put("villages", village("青山村"))
    data = json.loads(path.read_bytes())
    data["_meta"]["1"]["schema"] = 99
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    newer = path.read_bytes()
    for read_only in (False, True):
        with pytest.raises(StoreError) as err:
            Store.open(path, read_only=read_only)
        assert str(err.value) == "账本由更新版本的程序创建（版本 99），请升级程序后再打开。"
    assert path.read_bytes() == newer

    data["_meta"]["1"]["schema"] = 1
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(Store, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(store_module, "MIGRATIONS", {1: lambda d: d})
    before = path.read_bytes()
    with pytest.raises(StoreError, match="缺少从版本 2 到版本 3"):
        Store.open(path)
    assert path.read_bytes() == before


# ---------------------------------------------------------------- locking


def run_child(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **kw,
    )


def child_try_open(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(CHILD), "try-open", str(path)],
        capture_output=True, text=True, encoding="utf-8", timeout=30, check=True,
    ).stdout
    return json.loads(out)


def test_same_process_second_writer_is_refused(path: Path) -> None:
    # filelock with thread_local=False: a separately created FileLock on the same file refuses too.
    with Store.open(path, user="张三") as s:
        with pytest.raises(StoreLocked) as err:
            Store.open(path)
        assert err.value.owner["user"] == "张三" and err.value.owner["pid"] == os.getpid()
        assert "张三@" in str(err.value) and "只能以只读方式打开" in str(err.value)
        with pytest.raises(Timeout):
            FileLock(str(path) + ".lock", timeout=0, thread_local=False).acquire()
        s.put("villages", village("青山村"))
    with Store.open(path) as s:  # released by close
        assert s.count("villages") == 1


def test_second_writer_in_another_process(path: Path) -> None:
    with Store.open(path, user="张三"):
        got = child_try_open(path)
        assert got["owner"]["user"] == "张三" and got["owner"]["pid"] == os.getpid()
        assert got["locked"].startswith("账本正被 张三@") and f"进程 {os.getpid()}" in got["locked"]
    assert child_try_open(path) == {"ok": True}


def test_lock_released_when_holder_is_killed(path: Path) -> None:
    Store.open(path).close()
    child = run_child("hold", str(path), "李四")
    try:
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLocked) as err:
            Store.open(path)
        assert err.value.owner["user"] == "李四" and err.value.owner["pid"] == child.pid
        with Store.open(path, read_only=True) as r:
            assert r.lock_owner()["user"] == "李四"
        child.kill()
        child.wait(timeout=10)
        with Store.open(path, read_only=True) as r:
            assert r.lock_owner() is None  # the stale owner note is ignored
        with Store.open(path, user="王五") as s:
            assert s.lock_owner()["user"] == "王五"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_lock_released_when_holder_closes(path: Path) -> None:
    child = run_child("hold", str(path), "李四")
    try:
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLocked):
            Store.open(path)
        child.stdin.write("close\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "closed"
        with Store.open(path) as s:
            assert s.lock_owner()["user"] != "李四"
        assert child.wait(timeout=10) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


# ---------------------------------------------------------------- crash safety


def prefill(path: Path, n: int) -> None:
    """A ledger big enough (~1.5 KB × n records) that each write takes measurable time."""
    pad = "软弱涣散党组织整顿第一书记花名册" * 30
    with Store.open(path) as s:
        with s.transaction("预置数据", detail=False):
            for i in range(n):
                s.put("villages", {"id": 0, "name": f"村{i}", "note": pad})


def kill_rounds(path: Path, rounds: int, rng: random.Random, max_lines: int, max_sleep: float) -> int:
    """Kill a committing child at random moments; returns how often it left a temp file (mid-write)."""
    mid_write = 0
    reported_max = 0
    for _ in range(rounds):
        child = run_child("commit-loop", str(path))
        lines: list[str] = []
        try:
            target = rng.randint(1, max_lines)
            while len(lines) < target:
                line = child.stdout.readline()
                assert line, "child died on its own"
                lines.append(line)
            time.sleep(rng.uniform(0, max_sleep))
            child.kill()
            child.wait(timeout=10)
            lines += child.stdout.read().splitlines()  # what it printed before dying
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdout.close()
            child.stdin.close()
        reported = [int(x) for x in lines if x.strip()]
        assert reported == list(range(reported[0], reported[-1] + 1))
        reported_max = max(reported_max, reported[-1])
        mid_write += bool(list(path.parent.glob(f".{path.name}.*.tmp")))
        with Store.open(path, read_only=True) as r:  # loads: the file is complete
            last = r.get("state", 1)["last"]
            # Every reported commit is there; at most one more (killed between commit and print).
            assert reported_max <= last <= reported_max + 1
            reported_max = last
            seqs = sorted(rec["seq"] for rec in r.all("log"))
            assert seqs == list(range(1, last + 1))
            assert r.audit(1)[0].summary == f"第{last}次提交"
    return mid_write


def test_kill_during_commits_loses_nothing_reported(path: Path) -> None:
    rng = random.Random(20261123)
    kill_rounds(path, rounds=4, rng=rng, max_lines=15, max_sleep=0.01)


def test_kill_during_commits_with_large_file(path: Path) -> None:
    prefill(path, 2500)  # ~3.5 MB: each commit takes several milliseconds
    rng = random.Random(7)
    kill_rounds(path, rounds=5, rng=rng, max_lines=4, max_sleep=0.03)
    with Store.open(path) as s:  # a writer cleans up temp files killed writers left
        assert s.count("villages") == 2500
    assert not list(path.parent.glob(f".{path.name}.*.tmp"))


# ---------------------------------------------------------------- model-based


COLLECTIONS = ("villages", "cases")
values = st.one_of(
    st.integers(-3, 3),
    st.text(alphabet="青山村䶮𠮷a\"\\\n", max_size=4),
    st.lists(st.integers(0, 2), max_size=2),
)


class StoreModel(RuleBasedStateMachine):
    """Random put/delete/transaction/undo/reopen sequences against a plain dict model."""

    @initialize()
    def setup(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="store-model-"))
        self.path = self.dir / "ledger.json"
        self.store = Store.open(self.path, user="测试", keep_backups=2)
        self.model: dict[str, dict[int, dict]] = {c: {} for c in COLLECTIONS}
        self.history: list[dict] = []  # the model before each undoable committed change
        self.top_id = {c: 0 for c in COLLECTIONS}

    def teardown(self) -> None:
        if not hasattr(self, "store"):
            return
        try:
            self.store.close()
            with Store.open(self.path, read_only=True) as r:
                for c in COLLECTIONS:
                    assert r.all(c) == [self.model[c][i] for i in sorted(self.model[c])]
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _commit(self, new_model: dict) -> None:
        if new_model != self.model:
            self.history.append(self.model)
        self.model = new_model

    def _apply(self, model: dict, op: tuple) -> None:
        kind, c, arg, value = op
        if kind == "insert":
            rid = self.store.put(c, {"id": 0, "v": value})
            assert rid > self.top_id[c], "id reused"
            self.top_id[c] = rid
            model[c][rid] = {"id": rid, "v": value}
        elif kind == "update":
            self.store.put(c, {"id": arg, "v": value})
            model[c][arg] = {"id": arg, "v": value}
        else:
            self.store.delete(c, arg)
            del model[c][arg]

    def _draw_op(self, data, model: dict) -> tuple:
        c = data.draw(st.sampled_from(COLLECTIONS))
        kinds = ["insert"] + (["update", "delete"] if model[c] else [])
        kind = data.draw(st.sampled_from(kinds))
        arg = data.draw(st.sampled_from(sorted(model[c]))) if kind != "insert" else 0
        return kind, c, arg, data.draw(values)

    @rule(data=st.data())
    def single(self, data) -> None:
        new = copy.deepcopy(self.model)
        self._apply(new, self._draw_op(data, new))
        self._commit(new)

    @rule(data=st.data(), n=st.integers(1, 4), fail=st.booleans())
    def transaction(self, data, n: int, fail: bool) -> None:
        new = copy.deepcopy(self.model)
        top = dict(self.top_id)
        try:
            with self.store.transaction("批量"):
                for _ in range(n):
                    self._apply(new, self._draw_op(data, new))
                if fail:
                    raise ZeroDivisionError
        except ZeroDivisionError:
            self.top_id = top  # rolled back exactly, the counters too
            return
        self._commit(new)

    @rule()
    def undo(self) -> None:
        entry = self.store.undo()
        if self.history:
            assert entry is not None and entry.undone
            self.model = self.history.pop()
        else:
            assert entry is None

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = Store.open(self.path, user="测试", keep_backups=2)

    @precondition(lambda self: any(self.model.values()))
    @rule(data=st.data())
    def delete_missing(self, data) -> None:
        c = data.draw(st.sampled_from(COLLECTIONS))
        with pytest.raises(NotFound):
            self.store.delete(c, self.top_id[c] + 1)

    @invariant()
    def matches_model(self) -> None:
        if hasattr(self, "store"):
            for c in COLLECTIONS:
                assert self.store.all(c) == [self.model[c][i] for i in sorted(self.model[c])]


StoreModel.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_store_against_model = StoreModel.TestCase
