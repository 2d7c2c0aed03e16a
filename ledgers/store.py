"""The persistent store: collections of plain JSON records in one file, with audit log, undo and backups.

Everything the rest of the program needs from persistence goes through ``Store``; its public API deals
only in dicts, ints, strings, Paths and the ``Change``/``AuditEntry`` dataclasses, so a county office
can later put PostgreSQL behind the same interface. Underneath is TinyDB's storage layer and file
layout (``ledgers/storage.py``) with these guarantees:

* One file holds the records, the metadata and the audit log, so a change and its audit entry are
  written together or not at all. Every write replaces the file atomically (temp file, fsync, rename).
* The whole ledger is kept in memory, indexed by id; one transaction is one serialization and one
  disk write (~15 ms for a 5–7 MB prefecture-scale file).
* Records carry their own ``id``, allocated from a per-collection counter that never goes back, so
  ids are never reused, even after the newest record is deleted.
* One writer per file: a ``filelock`` lock beside the file is held for the Store's whole life; a
  second program gets ``StoreLocked`` and can open the file read-only.
* A file that cannot be read raises ``StoreCorrupt`` naming the newest backup and is never
  overwritten. Backups rotate in ``<file>.backups/``.

File layout (readable by plain TinyDB)::

    {"_meta":  {"1": {"schema": 1, "next_id": {"villages": 4}, "next_seq": 8, ...user meta...}},
     "villages": {"1": {"id": 1, ...}, "3": {"id": 3, ...}},
     "_audit": {"1": {"seq": 1, "at": ..., "who": ..., "summary": ..., "changes": [...]}, ...}}
"""
from __future__ import annotations

import contextlib
import getpass
import os
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB

from .errors import NotFound, ReadOnlyError, StoreCorrupt, StoreError, StoreLocked, StoreNotWritable
from .storage import AtomicJSONStorage, Unreadable, atomic_write, dumps, json_copy, leftover_temps, parse, read_bytes

__all__ = ["MIGRATIONS", "AuditEntry", "Change", "Store"]

# Schema migrations: ``MIGRATIONS[n]`` turns the raw data of all tables at version n into version n + 1.
# The raw data is the whole file as a dict (``{"_meta": ..., "villages": ..., "_audit": ...}``); the
# function may change it in place or return a new dict. The ledger's steps live in
# ``ledgers/migrations.py``, which registers them when this module is imported (see its end).
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}

META = "_meta"
AUDIT = "_audit"
META_DOC = "1"  # the single document of the meta table
# Meta keys the store maintains itself; ``set_meta`` refuses them so the counters cannot go backwards.
RESERVED_META = frozenset({"schema", "next_id", "next_seq"})

BACKUP_NAME = re.compile(r"^(\d{8}-\d{6}-\d{6})-([\w-]+)\.json$")
LOCK_RETRY = 5  # attempts 50 ms apart: a read-only viewer probing the lock holds it for microseconds


@dataclass(frozen=True)
class Change:
    """One record touched by one audit entry. For an update, ``before`` and ``after`` hold only the
    fields that changed (``fields`` names them); a new or deleted record is held whole."""

    collection: str
    id: int
    before: dict | None  # None = the record did not exist
    after: dict | None  # None = deleted; also None when the transaction had detail=False
    fields: tuple[str, ...] | None = None  # the changed fields of an update


@dataclass(frozen=True)
class AuditEntry:
    """One committed transaction (or an undo of one), as shown in the change log."""

    seq: int  # 1, 2, 3 … never reused
    at: str  # ISO local datetime, seconds
    who: str
    summary: str  # Chinese, e.g. "修改村：青山村"
    changes: tuple[Change, ...]
    undone: bool = False  # this entry has been undone
    undo_of: int | None = None  # this entry IS the undo of entry `undo_of`
    redo_of: int | None = None  # this entry IS the redo: it reverted the undo entry `redo_of`


_GONE = object()  # a field absent from a record (as opposed to holding null)


class _Rehearsed(Exception):
    """Ends a rehearsal by rolling its transaction back."""


@dataclass
class _Txn:
    """The open (outermost) transaction."""

    summary: str | None  # None until an automatic single-operation transaction names itself
    detail: bool
    meta_before: dict
    # Every mutation of any table, in order: (table, doc key, previous value or None if absent).
    # Rolling back replays it backwards; the audit entry's Changes are derived from it at commit.
    journal: list[tuple[str, str, dict | None]] = field(default_factory=list)
    created_tables: list[tuple[int, str]] = field(default_factory=list)  # (journal position, table)
    undo_of: int | None = None
    redo_of: int | None = None  # a redo: the undo entry it reverts
    force_entry: bool = False  # an undo records its entry even if the records already match
    barrier: bool = False  # undo stops here (the seeding of a new file)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a service account without a passwd entry)
        return os.environ.get("USERNAME") or os.environ.get("USER") or "未知用户"


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _check_collection(collection: str) -> None:
    # Tables starting with "_" hold the store's own data (meta, audit) and must not be written as records.
    if not isinstance(collection, str) or not collection or collection.startswith("_"):
        raise ValueError(f"invalid collection name: {collection!r}")


def _check_id(id: Any) -> int:
    if isinstance(id, bool) or not isinstance(id, int):
        raise TypeError(f"record id must be an int, not {id!r}")
    if id < 0:
        raise ValueError(f"record id must not be negative: {id}")
    return id


def _describe_owner(owner: dict | None) -> str:
    if not owner or not owner.get("user"):
        return "账本正被另一个程序使用，只能以只读方式打开。"
    since = str(owner.get("since", ""))[:16].replace("T", " ")
    host = owner.get("host") or "?"
    return f"账本正被 {owner['user']}@{host}（进程 {owner.get('pid', '?')}，自 {since} 起）使用，只能以只读方式打开。"


def _entry_from_raw(raw: dict) -> AuditEntry:
    changes = tuple(
        Change(
            collection=c["collection"],
            id=c["id"],
            before=json_copy(c.get("before")),
            after=json_copy(c.get("after")),
            fields=tuple(c["fields"]) if "fields" in c else None,
        )
        for c in raw.get("changes", ())
    )
    return AuditEntry(
        seq=raw["seq"],
        at=raw.get("at", ""),
        who=raw.get("who", ""),
        summary=raw.get("summary", ""),
        changes=changes,
        undone=bool(raw.get("undone", False)),
        undo_of=raw.get("undo_of"),
        redo_of=raw.get("redo_of"),
    )


class Store:
    """A ledger file: collections of JSON records, metadata, an audit log with undo, and backups.

    Open with ``Store.open(path)``; use as a context manager or call ``close()`` to release the lock.
    Records go in and come out as deep copies, so callers can never change stored data by accident.
    """

    # 2: first secretaries split into cadres and postings; 3: the village's people, screening
    # decisions (ledgers/migrations.py)
    SCHEMA_VERSION: int = 3

    path: Path
    read_only: bool
    user: str

    def __init__(self, path: Path, *, read_only: bool, user: str, keep_backups: int) -> None:
        """Use ``Store.open``; this only sets fields."""
        self.path = path
        self.read_only = read_only
        self.user = user
        # The name of the person at the keyboard for audit entries (the clerk in the settings,
        # set by the ledger), so the audit log and a case's history say the same name; the login
        # name when none is set. The lock keeps the login name: it is about the machine.
        self.actor: str | None = None
        self.keep_backups = keep_backups
        self.backup_dir = Path(str(path) + ".backups")
        self._lock_path = str(path) + ".lock"
        self._owner_path = Path(str(path) + ".owner")
        self._lock: FileLock | None = None
        self._owner: dict | None = None
        self._closed = False
        self._broken: StoreError | None = None  # set by open_for_restore on an unreadable file
        self.validator: Callable[[dict], Any] | None = None
        self.audit_keep: int | None = None  # entries the file keeps; older ones go to the archive
        self.audit_archive = Path(str(path) + ".audit-archive.json")
        self._validated: Any = None  # what the validator returned for the file as opened
        self.skipped_backups: list[tuple[Path, str]] = []  # the last restore's passed-over backups
        self._txn: _Txn | None = None
        # Serializes threads (a TUI worker saving while the main thread reads); held through a whole
        # transaction so nobody sees half of one.
        self._mutex = threading.RLock()
        # TinyDB owns the storage (and thereby the file layout). Records are read and written on the
        # storage's in-memory tables directly: TinyDB's Table.insert/update rebuild the whole table
        # dict and convert every doc id on each call, which is O(n) per put.
        self._db = TinyDB(path, storage=AtomicJSONStorage, read_only=read_only)
        self._storage: AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._data: dict[str, Any] = self._empty_data()

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        user: str | None = None,
        keep_backups: int = 10,
        validator: Callable[[dict], Any] | None = None,
    ) -> "Store":
        """Open (or create) the ledger at ``path``.

        ``validator`` (the ledger's ``decode_records``) decides what a good file is beyond parsing:
        a file it refuses is never backed up (a copy is set aside outside the rotation instead) and
        its error is raised; what it returns for the opened file is kept for ``take_validated``.

        Writable: takes the single-writer lock (``StoreLocked`` if another program has it), creates
        a missing file (and its folders), backs up the file if it changed since the newest backup and
        migrates an older schema. Read-only: takes no lock and writes nothing; a missing file is an
        empty view. ``StoreCorrupt`` if the file cannot be read, ``StoreError`` if it is too new.
        """
        store = cls._new(path, read_only=read_only, user=user, keep_backups=keep_backups)
        store.validator = validator
        if read_only:
            store._load(initial=True)
            return store
        store._check_can_write()
        store._acquire_lock()
        try:
            store._load(initial=True)
        except BaseException:
            store._release_lock()
            raise
        return store

    @classmethod
    def open_for_restore(cls, path: str | Path, *, user: str | None = None, keep_backups: int = 10,
                         validator: Callable[[dict], Any] | None = None) -> "Store":
        """Open writable even if the file cannot be read, so that ``restore`` can repair it.

        If the file is corrupt (or too new), every method except ``restore``, ``backups``,
        ``lock_owner`` and ``close`` raises the error ``open`` would have raised.
        """
        store = cls._new(path, read_only=False, user=user, keep_backups=keep_backups)
        store.validator = validator
        store._acquire_lock()
        try:
            store._load(initial=True)
        except StoreError as err:
            store._broken = err
        except BaseException:
            store._release_lock()
            raise
        return store

    @classmethod
    def _new(cls, path: str | Path, *, read_only: bool, user: str | None, keep_backups: int) -> "Store":
        if keep_backups < 1:
            raise ValueError("keep_backups must be at least 1")
        # resolve(): two spellings of one file must map to one lock, and a symlinked ledger is
        # replaced at its target rather than turned into a regular file.
        given = Path(path).expanduser()
        try:
            p = given.resolve(strict=False)
        except (RuntimeError, OSError) as err:  # a symlink loop
            raise StoreError(f"账本路径 {given} 无法解析（符号链接循环或路径错误）：{err}。") from None
        if given.is_symlink() and not p.exists():
            raise StoreError(f"账本路径 {given} 是指向不存在文件的链接（{p}），没有创建任何文件。请检查路径。")
        return cls(p, read_only=read_only, user=user or _default_user(), keep_backups=keep_backups)

    def _check_can_write(self) -> None:
        """Refuse to become the writer of a file that cannot be written (it opens read-only instead):
        a read-only file, a folder without write permission, or a file with several hard links (the
        first atomic save would split the names into two files, and each name would take its own lock)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            st = None
        except OSError as err:
            raise StoreNotWritable(f"无法读取账本文件信息：{err.strerror or err}。") from None
        folder = self.path.parent
        if st is not None and not st.st_mode & 0o222:
            raise StoreNotWritable(f"账本文件 {self.path.name} 是只读文件")
        if st is not None and st.st_nlink > 1:
            raise StoreNotWritable(f"账本文件 {self.path.name} 有{st.st_nlink}个硬链接（同一文件的多个名字），"
                                   "保存会使它们分开；请只保留一个名字")
        if folder.exists() and not os.access(folder, os.W_OK):
            raise StoreNotWritable(f"账本所在的文件夹 {folder} 没有写入权限")

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Release the writer lock (idempotent). The data is already on disk."""
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            self._release_lock()
            self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _acquire_lock(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # thread_local=False: a worker thread using the store must not deadlock on the main thread's
        # lock; fallback_to_soft=False: never degrade to a marker file that a crash would leave behind.
        lock = FileLock(self._lock_path, timeout=0, thread_local=False, fallback_to_soft=False)
        for attempt in range(LOCK_RETRY):
            try:
                lock.acquire()
                break
            except Timeout:
                if attempt == LOCK_RETRY - 1:
                    owner = self._read_owner()
                    raise StoreLocked(_describe_owner(owner), owner) from None
                time.sleep(0.05)
            except OSError as err:
                raise StoreError(f"无法锁定账本 {self.path}：{err.strerror or err}。请检查文件夹的写入权限。") from err
        self._lock = lock
        self._owner = {
            "user": self.user,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": _now(),
        }
        try:
            atomic_write(self._owner_path, orjson.dumps(self._owner), durable=False)
        except OSError:
            pass  # the note only improves the other clerk's message; the lock itself is what counts
        # Temp files a killed writer left behind are garbage now that we are the only writer.
        for tmp in leftover_temps(self.path):
            with contextlib.suppress(OSError):
                tmp.unlink()

    def _release_lock(self) -> None:
        if self._lock is None:
            return
        # Remove the owner note first, and only if it is still ours, so we never erase the next holder's.
        if self._read_owner() == self._owner:
            with contextlib.suppress(OSError):
                self._owner_path.unlink()
        with contextlib.suppress(OSError):
            self._lock.release(force=True)
        self._lock = None

    def _read_owner(self) -> dict | None:
        raw = None
        with contextlib.suppress(OSError):
            raw = read_bytes(self._owner_path)
        if not raw:
            return None
        try:
            owner = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        return owner if isinstance(owner, dict) else None

    def lock_owner(self) -> dict | None:
        """``{"user", "host", "pid", "since"}`` of the writer holding the lock, None if nobody does.

        For the read-only banner. The owner note may be stale after a crash, so the lock itself is
        probed: if it can be taken, nobody holds it.
        """
        with self._mutex:
            if self._lock is not None:
                return dict(self._owner or {})
            if not os.path.exists(self._lock_path):
                return None
            probe = FileLock(self._lock_path, timeout=0, thread_local=False, fallback_to_soft=False)
            try:
                probe.acquire()
            except Timeout:
                owner = self._read_owner()
                return owner or {"user": "", "host": "", "pid": 0, "since": ""}
            except OSError:
                # Cannot even open the lock file (read-only share): the note is the best we have.
                return self._read_owner()
            probe.release(force=True)
            return None

    # ------------------------------------------------------------------ loading and validation

    def _empty_data(self) -> dict[str, Any]:
        return {
            META: {META_DOC: {"schema": type(self).SCHEMA_VERSION, "next_id": {}, "next_seq": 1}},
            AUDIT: {},
        }

    def take_validated(self) -> Any:
        """What the validator returned for the file as opened (once; None afterwards)."""
        value, self._validated = self._validated, None
        return value

    def _set_aside(self, raw: bytes) -> Path | None:
        """Keep a copy of a file that does not load, under its own name outside the rotation (never
        deleted: the clerk's latest typing may be in it), unless the newest such copy is the same."""
        try:
            self.backup_dir.mkdir(parents=True, exist_ok=True)
            copies = sorted(self.backup_dir.glob("broken-*.json"), reverse=True)
            if copies and read_bytes(copies[0]) == raw:
                return copies[0]
            target = self.backup_dir / f"broken-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.json"
            atomic_write(target, raw)
            return target
        except OSError:
            return None

    def _loads_fully(self, raw: bytes) -> str:
        """Why the file ``raw`` would not open as a ledger ("" when it would)."""
        try:
            data, _ = self._ingest(parse(raw))
            if self.validator is not None:
                self.validator(data)
        except Unreadable as err:
            return err.reason
        except StoreError as err:
            return str(err)
        return ""

    def _newest_good_backup(self, skipped: list[tuple[Path, str]] | None = None) -> Path | None:
        """The newest backup that fully loads (a copy of a broken file must not be recommended);
        the ones passed over, with why, go to ``skipped``."""
        for b in self.backups():
            raw = None
            with contextlib.suppress(OSError):
                raw = read_bytes(b)
            why = "无法读取" if raw is None else self._loads_fully(raw)
            if not why:
                return b
            if skipped is not None:
                skipped.append((b, why))
        return None

    def _backup_hint(self) -> str | None:
        good = self._newest_good_backup()
        return str(good) if good is not None else None

    def _corrupt(self, reason: str) -> StoreCorrupt:
        backup = self._newest_good_backup()
        if backup is not None:
            hint = f"最新的备份是 {backup}，可以用“恢复备份”从它恢复。"
        else:
            hint = "没有找到可用的备份。"
        return StoreCorrupt(
            f"账本文件 {self.path} 无法读取：{reason}。为保护数据，程序没有改动这个文件。{hint}",
            backup=str(backup) if backup is not None else None,
        )

    def _read_file(self) -> tuple[dict[str, Any], bytes | None]:
        try:
            return self._storage.load()
        except Unreadable as err:
            raise self._corrupt(err.reason) from err
        except OSError as err:
            raise StoreError(f"无法读取账本文件 {self.path}：{err.strerror or err}。") from err

    def _load(self, *, initial: bool) -> None:
        """Read the file into memory (``initial``: at open, with creation, backup and migration)."""
        data, raw = self._read_file()
        if raw is None:
            if self.read_only:
                self._data = self._empty_data()
                self._storage.adopt(self._data)
                return
            if not initial:
                raise StoreError(f"账本文件 {self.path} 不见了（可能被移动或删除）。请检查后重新打开。")
            # A new ledger: write the empty skeleton so the schema is on disk from the start.
            data = self._empty_data()
            self._write(data)
            self._data = data
            return
        data, migrated_from = self._ingest(data)
        if self.validator is not None:
            try:
                self._validated = self.validator(data)
            except StoreCorrupt as err:
                if not self.read_only:
                    self._set_aside(raw)
                err.backup = err.backup or self._backup_hint()
                if err.backup:
                    err.message = err.args[0] + f"最新的完好备份是 {err.backup}。"
                raise
        if migrated_from is None:
            if initial and not self.read_only and not self._just_restored(data):
                # (A backup just restored is in the rotation already: opening it again, as the next
                # ``restore`` does, must not push out the backups the clerk is about to try.)
                self._backup_if_changed(raw, "open")
            self._data = data
            self._storage.adopt(data)
            return
        if self.read_only:
            # A read-only viewer migrates in memory only; the writer will convert the file.
            self._data = data
            self._storage.adopt(data)
            return
        self._write_backup(raw, "pre-migration")
        version = type(self).SCHEMA_VERSION
        seq = self._bump_seq(data)
        data[AUDIT][str(seq)] = {
            "seq": seq, "at": _now(), "who": self.actor or self.user,
            "summary": f"账本格式升级：版本 {migrated_from} → {version}",
            "changes": [], "undone": False, "undo_of": None, "barrier": True,
        }
        self._write(data)
        self._data = data

    def _ingest(self, data: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
        """Check the schema, migrate an older one, validate; returns (data, version migrated from)."""
        version = type(self).SCHEMA_VERSION
        meta_table = data.get(META)
        has_content = any(k != META for k in data)
        if meta_table is None:
            # A file without our meta (e.g. made by plain TinyDB): a new ledger if empty, else format 1.
            meta: dict[str, Any] = {"schema": version if not has_content else 1}
            data[META] = {META_DOC: meta}
        elif not isinstance(meta_table, dict) or not isinstance(meta_table.get(META_DOC), dict):
            raise self._corrupt("元数据损坏")
        else:
            meta = meta_table[META_DOC]
        schema = meta.get("schema", 1)
        if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
            raise self._corrupt("格式版本号无效")
        if schema > version:
            raise StoreError(f"账本由更新版本的程序创建（版本 {schema}），请升级程序后再打开。")
        migrated_from = None
        if schema < version:
            migrated_from = schema
            data = self._migrate(data, schema, version)
        self._validate(data)
        return data, migrated_from

    @staticmethod
    def _migrate(data: dict[str, Any], start: int, target: int) -> dict[str, Any]:
        for v in range(start, target):
            step = MIGRATIONS.get(v)
            if step is None:
                raise StoreError(f"无法升级账本：缺少从版本 {v} 到版本 {v + 1} 的升级步骤。账本没有被改动。")
            try:
                result = step(data)
            except Exception as err:
                raise StoreError(f"账本格式升级失败（版本 {v} → {v + 1}）：{err}。账本没有被改动。") from err
            data = result if result is not None else data
            if not isinstance(data, dict) or not isinstance(data.get(META, {}).get(META_DOC), dict):
                raise StoreError(f"账本格式升级失败（版本 {v} → {v + 1}）：升级结果无效。账本没有被改动。")
            data[META][META_DOC]["schema"] = v + 1
        return data

    def _validate(self, data: dict[str, Any]) -> None:
        """Check the structure and repair the counters so they are above every id in use."""
        meta = data[META][META_DOC]
        next_id = meta.setdefault("next_id", {})
        if not isinstance(next_id, dict):
            raise self._corrupt("元数据损坏（编号计数器）")
        for name, table in data.items():
            if name.startswith("_"):
                continue
            if not isinstance(table, dict):
                raise self._corrupt(f"“{name}”表损坏")
            top = 0
            for key, doc in table.items():
                if not key.isdigit() or not isinstance(doc, dict):
                    raise self._corrupt(f"“{name}”表中的记录 {key} 损坏")
                rid = int(key)
                if doc.setdefault("id", rid) != rid:
                    raise self._corrupt(f"“{name}”表中记录 {key} 的编号不一致")
                top = max(top, rid)
            counter = next_id.get(name, 1)
            if isinstance(counter, bool) or not isinstance(counter, int):
                counter = 1
            next_id[name] = max(counter, top + 1)
        audit = data.setdefault(AUDIT, {})
        if not isinstance(audit, dict):
            raise self._corrupt("修改记录损坏")
        top_seq = 0
        for key, entry in audit.items():
            if (
                not key.isdigit()
                or not isinstance(entry, dict)
                or entry.get("seq") != int(key)
                or not isinstance(entry.get("changes", []), list)
            ):
                raise self._corrupt(f"修改记录 {key} 损坏")
            for c in entry.get("changes", []):
                if not isinstance(c, dict) or not isinstance(c.get("collection"), str) or not isinstance(c.get("id"), int):
                    raise self._corrupt(f"修改记录 {key} 损坏")
            top_seq = max(top_seq, int(key))
        # The audit log is read newest-first by walking the dict backwards, so keep it in seq order.
        if list(audit) != sorted(audit, key=int):
            data[AUDIT] = {k: audit[k] for k in sorted(audit, key=int)}
        counter = meta.get("next_seq", 1)
        if isinstance(counter, bool) or not isinstance(counter, int):
            counter = 1
        meta["next_seq"] = max(counter, top_seq + 1)

    def reload(self) -> None:
        """Re-read the file (a read-only viewer refreshing). On error the data in memory is kept."""
        with self._mutex:
            if self._txn is not None:
                raise RuntimeError("reload inside a transaction")
            self._load(initial=False)
            self._broken = None

    # ------------------------------------------------------------------ guards and helpers

    def _check_usable(self) -> None:
        if self._broken is not None:
            raise self._broken

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError("只读模式下不能修改账本：它正被别人使用，或是以只读方式打开的。")
        if self._closed:
            raise RuntimeError("store is closed")
        self._check_usable()

    @property
    def _meta(self) -> dict[str, Any]:
        return self._data[META][META_DOC]

    def _write(self, data: dict[str, Any]) -> None:
        """Serialize and replace the file; OSError becomes a clerk-readable StoreError."""
        try:
            self._storage.write(data)
        except OSError as err:
            if isinstance(err, PermissionError):
                reason = "文件被其他程序占用或没有写入权限"
            else:
                reason = err.strerror or str(err)
            raise StoreError(
                f"保存账本失败：{reason}。刚才的修改没有保存，请检查磁盘空间和文件权限后重试。"
            ) from err

    @staticmethod
    def _bump_seq(data: dict[str, Any]) -> int:
        meta = data[META][META_DOC]
        seq = meta["next_seq"]
        meta["next_seq"] = seq + 1
        return seq

    # ------------------------------------------------------------------ reading

    def is_empty(self) -> bool:
        """True when no collection holds a record (meta and the audit log don't count)."""
        with self._mutex:
            self._check_usable()
            return not any(table for name, table in self._data.items() if not name.startswith("_"))

    def all(self, collection: str) -> list[dict]:
        """Deep copies of every record of ``collection``, sorted by id."""
        _check_collection(collection)
        with self._mutex:
            self._check_usable()
            table = self._data.get(collection) or {}
            records = sorted(table.values(), key=lambda r: r["id"])
            return json_copy(records)

    def scan(self, collection: str) -> list[dict]:
        """The stored records of ``collection`` themselves, not copies, sorted by id.

        For readers that rebuild every container anyway (``codec.from_dict``): copying 7 MB of records
        first doubled the time to open a prefecture-scale file. The caller must not mutate them."""
        _check_collection(collection)
        with self._mutex:
            self._check_usable()
            table = self._data.get(collection) or {}
            return sorted(table.values(), key=lambda r: r["id"])

    def get(self, collection: str, id: int) -> dict | None:
        """A deep copy of the record, or None."""
        _check_collection(collection)
        with self._mutex:
            self._check_usable()
            rec = (self._data.get(collection) or {}).get(str(id))
            return None if rec is None else json_copy(rec)

    def count(self, collection: str) -> int:
        """Number of records in ``collection``."""
        _check_collection(collection)
        with self._mutex:
            self._check_usable()
            return len(self._data.get(collection) or {})

    def get_meta(self, key: str, default: Any = None) -> Any:
        """A (deep-copied) metadata value; ``schema`` is the file's format version."""
        with self._mutex:
            self._check_usable()
            if key not in self._meta:
                return default
            return json_copy(self._meta[key])

    # ------------------------------------------------------------------ writing

    def put(self, collection: str, record: dict) -> int:
        """Insert or replace a record; returns its id.

        ``record["id"]`` 0 or missing allocates a new id (set in the stored copy, not in ``record``).
        An explicit id that does not exist yet inserts under that id. Values must be JSON types.
        """
        _check_collection(collection)
        if not isinstance(record, dict):
            raise TypeError(f"a record must be a dict, not {type(record).__name__}")
        with self._mutex:
            self._check_writable()
            try:
                rec = json_copy(record)  # also proves the record is plain JSON before anything changes
            except TypeError as err:
                raise TypeError(f"record for {collection!r} is not plain JSON: {err}") from None
            rid = rec.get("id") or 0
            _check_id(rid)
            with self._scope() as txn:
                next_id = self._meta["next_id"]
                if rid == 0:
                    rid = next_id.get(collection, 1)
                next_id[collection] = max(next_id.get(collection, 1), rid + 1)
                rec.pop("id", None)
                rec = {"id": rid, **rec}  # id first: the file is read by people too
                key = str(rid)
                table = self._table_for_write(txn, collection)
                before = table.get(key)
                txn.journal.append((collection, key, before))
                table[key] = rec
                if txn.summary is None:
                    txn.summary = f"{'修改' if before is not None else '新增'} {collection}#{rid}"
            return rid

    def delete(self, collection: str, id: int) -> None:
        """Delete a record; ``NotFound`` if it does not exist."""
        _check_collection(collection)
        _check_id(id)
        with self._mutex:
            self._check_writable()
            key = str(id)
            table = self._data.get(collection)
            if not table or key not in table:
                raise NotFound(f"要删除的记录不存在（{collection}#{id}），可能已经被删除了。")
            with self._scope() as txn:
                txn.journal.append((collection, key, table[key]))
                del table[key]
                if txn.summary is None:
                    txn.summary = f"删除 {collection}#{id}"

    def set_meta(self, key: str, value: Any) -> None:
        """Set a metadata value (JSON). Written with the transaction; not audited, not undone."""
        if not isinstance(key, str) or key in RESERVED_META:
            raise ValueError(f"meta key {key!r} is reserved or invalid")
        with self._mutex:
            self._check_writable()
            value = json_copy(value)
            with self._scope():
                self._meta[key] = value

    def _table_for_write(self, txn: _Txn, name: str) -> dict[str, Any]:
        table = self._data.get(name)
        if table is None:
            table = self._data[name] = {}
            txn.created_tables.append((len(txn.journal), name))
            # Keep the (long) audit log last in the file, after the records.
            self._data[AUDIT] = self._data.pop(AUDIT)
        return table

    @contextlib.contextmanager
    def rehearsal(self) -> Iterator[None]:
        """Changes made inside are kept in memory only and rolled back at the end — never written,
        never audited — even on a read-only store (a dry run sees exactly what a real run would do)."""
        was = self.read_only
        with self._mutex:
            self.read_only = False
            try:
                with self._outer("rehearsal", True):
                    yield
                    raise _Rehearsed
            except _Rehearsed:
                pass
            finally:
                self.read_only = was

    def transaction(self, summary: str, *, detail: bool = True,
                    barrier: bool = False) -> contextlib.AbstractContextManager[None]:
        """Group puts, deletes and set_meta into one disk write and one audit entry.

        Nested transactions join the outermost (its summary and detail apply). If the block raises,
        nothing is written and memory is rolled back exactly; an inner block that raises is rolled
        back on its own, so an outer block that catches the exception keeps only its own changes.
        ``detail=False`` leaves the new values out of the audit entry (bulk loads), which keeps the
        file from doubling; undo still works because it only needs the old values. ``barrier=True``
        makes an entry undo cannot pass (the reference data a new file starts with).
        """
        return self._transaction(summary, detail, barrier)

    @contextlib.contextmanager
    def _transaction(self, summary: str | None, detail: bool, barrier: bool = False) -> Iterator[None]:
        with self._mutex:
            self._check_writable()
            if self._txn is not None:
                # Joining: a savepoint so that an inner failure undoes only the inner block.
                txn = self._txn
                mark, meta_mark, tables_mark = len(txn.journal), json_copy(self._meta), len(txn.created_tables)
                try:
                    yield
                except BaseException:
                    self._rollback(txn, mark, meta_mark, tables_mark)
                    raise
                return
            with self._outer(summary, detail, barrier):
                yield

    @contextlib.contextmanager
    def _outer(self, summary: str | None, detail: bool, barrier: bool = False) -> Iterator[_Txn]:
        """A new outermost transaction: commit on success, roll back on any exception."""
        txn = _Txn(summary=summary, detail=detail, meta_before=json_copy(self._meta), barrier=barrier)
        self._txn = txn
        try:
            yield txn
        except BaseException:
            self._txn = None
            self._rollback(txn, 0, txn.meta_before, 0)
            raise
        self._txn = None
        self._commit(txn)

    @contextlib.contextmanager
    def _scope(self) -> Iterator[_Txn]:
        """The current transaction, or a new automatic one around a single operation.

        Single operations validate before they mutate, so inside a transaction they need no savepoint.
        """
        if self._txn is not None:
            yield self._txn
            return
        with self._outer(None, True) as txn:
            yield txn

    def _rollback(self, txn: _Txn, mark: int, meta: dict, tables_mark: int) -> None:
        """Undo the journal back to ``mark`` and restore meta: memory is exactly as at the mark."""
        for table_name, key, previous in reversed(txn.journal[mark:]):
            table = self._data[table_name]
            if previous is None:
                table.pop(key, None)
            else:
                table[key] = previous
        del txn.journal[mark:]
        for _, name in reversed(txn.created_tables[tables_mark:]):
            if not self._data.get(name):
                self._data.pop(name, None)
        del txn.created_tables[tables_mark:]
        self._data[META][META_DOC] = meta

    def _changes(self, txn: _Txn) -> list[tuple[str, int, dict | None, dict | None]]:
        """Net record changes of a transaction: first before, last after; no-ops dropped."""
        first: dict[tuple[str, str], dict | None] = {}
        for table_name, key, previous in txn.journal:
            if not table_name.startswith("_") and (table_name, key) not in first:
                first[(table_name, key)] = previous
        out = []
        for (table_name, key), before in first.items():
            after = (self._data.get(table_name) or {}).get(key)
            if before != after:
                out.append((table_name, int(key), before, after))
        return out

    def _commit(self, txn: _Txn) -> None:
        changes = self._changes(txn)
        internal = any(t.startswith("_") for t, _, _ in txn.journal)
        if not changes and not internal and not txn.force_entry and self._meta == txn.meta_before:
            return  # nothing happened: no write, no audit entry
        seq_key = None
        if changes or txn.force_entry:
            seq = self._bump_seq(self._data)
            seq_key = str(seq)
            raw_changes = []
            for collection, rid, before, after in changes:
                if before is not None and after is not None:
                    # An update keeps only the fields that changed (one progress report on a case with
                    # fourteen used to add the whole case twice: 21 KB a save, for ever).
                    fields = sorted(k for k in before.keys() | after.keys() if before.get(k, _GONE) != after.get(k, _GONE))
                    c: dict[str, Any] = {"collection": collection, "id": rid, "fields": fields,
                                         "before": {k: before[k] for k in fields if k in before}}
                    if txn.detail:
                        c["after"] = {k: after[k] for k in fields if k in after}
                else:
                    c = {"collection": collection, "id": rid, "before": before}
                    if txn.detail:
                        c["after"] = after
                raw_changes.append(c)
            entry: dict[str, Any] = {
                "seq": seq,
                "at": _now(),
                "who": self.actor or self.user,
                "summary": txn.summary or "修改",
                "changes": raw_changes,
                "undone": False,
                "undo_of": txn.undo_of,
            }
            if txn.redo_of is not None:
                entry["redo_of"] = txn.redo_of
            if not txn.detail:
                entry["detail"] = False
            if txn.barrier:
                entry["barrier"] = True
            # Records are never mutated in place (put replaces the dict), so the entry may share the
            # before/after dicts with the tables instead of copying thousands of records on bulk loads.
            self._data[AUDIT][seq_key] = entry
        moved = self._archive_old_entries() if seq_key is not None else {}
        try:
            self._write(self._data)
        except BaseException:
            # The file still holds the old state (the replace is the last step that can fail), so
            # memory goes back to match it (archived entries stay in the archive as well: never lost).
            self._data[AUDIT].update(moved)
            if seq_key is not None:
                self._data[AUDIT].pop(seq_key, None)
            self._rollback(txn, 0, txn.meta_before, 0)
            raise

    ARCHIVE_BATCH = 200  # entries moved at a time, so the archive is not rewritten on every save

    def _archive_old_entries(self) -> dict[str, Any]:
        """Move the oldest audit entries beyond ``audit_keep`` to the archive file (appended, written
        atomically, before the ledger is); returns what was moved. The log is never cut silently:
        when the archive cannot be written, nothing moves."""
        audit = self._data[AUDIT]
        if not self.audit_keep or len(audit) <= self.audit_keep + self.ARCHIVE_BATCH:
            return {}
        keys = sorted(audit, key=int)[: len(audit) - self.audit_keep]
        try:
            raw = read_bytes(self.audit_archive)
            archive = parse(raw) if raw is not None else {"entries": {}}
            archive.setdefault("entries", {}).update({k: audit[k] for k in keys})
            atomic_write(self.audit_archive, dumps(archive))
        except (OSError, Unreadable, TypeError):
            return {}  # the archive cannot take them now: they stay in the ledger, nothing lost
        return {k: audit.pop(k) for k in keys}

    def archived_audit(self) -> list[AuditEntry]:
        """The entries moved to the archive file, newest first (read-only)."""
        raw = read_bytes(self.audit_archive)
        if raw is None:
            return []
        entries = parse(raw).get("entries", {})
        return [_entry_from_raw(entries[k]) for k in sorted(entries, key=int, reverse=True)]

    # ------------------------------------------------------------------ audit and undo

    def audit(self, n: int | None = None) -> list[AuditEntry]:
        """The newest ``n`` audit entries (all when None), newest first."""
        with self._mutex:
            self._check_usable()
            out: list[AuditEntry] = []
            if n is not None and n <= 0:
                return out
            for raw in reversed(self._data[AUDIT].values()):
                out.append(_entry_from_raw(raw))
                if n is not None and len(out) >= n:
                    break
            return out

    def _undo_target(self) -> dict | None:
        for raw in reversed(self._data[AUDIT].values()):
            if raw.get("barrier"):
                # A restore or schema migration: entries before it belong to another state of the file.
                return None
            if raw.get("undone") or raw.get("undo_of") is not None or raw.get("redo_of") is not None:
                continue
            return raw
        return None

    def _redo_target(self) -> dict | None:
        """The newest undo that is not redone yet, if nothing but undos and redos came after it (a new
        change ends what can be redone, as in every editor)."""
        for raw in reversed(self._data[AUDIT].values()):
            if raw.get("barrier"):
                return None
            if raw.get("redo_of") is not None:
                continue
            if raw.get("undo_of") is not None:
                if raw.get("undone"):
                    continue  # already redone
                return raw
            return None
        return None

    def undo(self) -> AuditEntry | None:
        """Revert the newest entry that is neither undone nor itself an undo, as one write.

        Puts back every record's ``before`` (deleting records that did not exist), marks the entry
        undone and appends "撤销：<summary>". Returns the original entry (now undone), or None when
        there is nothing left to undo (also after a restore or a schema upgrade, which cannot be
        undone through). Meta values and id counters are not reverted, so ids stay unique.
        """
        with self._mutex:
            self._check_writable()
            if self._txn is not None:
                raise RuntimeError("undo inside a transaction")
            target = self._undo_target()
            if target is None:
                return None
            self._revert(target, f"撤销：{target.get('summary', '')}", undo_of=target["seq"])
            return _entry_from_raw(self._data[AUDIT][str(target["seq"])])

    def redo(self) -> AuditEntry | None:
        """Put back what the newest undo took away (``_redo_target``), as one write: the undo entry
        is reverted like any entry, marked undone, and the original entry counts as done again (the
        next undo takes it back). Appends "重做：<summary>". Returns the original entry, or None when
        there is nothing to redo."""
        with self._mutex:
            self._check_writable()
            if self._txn is not None:
                raise RuntimeError("redo inside a transaction")
            target = self._redo_target()
            original = self._data[AUDIT].get(str(target["undo_of"])) if target is not None else None
            if target is None or original is None:  # (an original archived away cannot come back)
                return None
            self._revert(target, f"重做：{original.get('summary', '')}", redo_of=target["seq"], reopen=original,
                         verb="重做")
            return _entry_from_raw(self._data[AUDIT][str(original["seq"])])

    def _revert(self, target: dict, summary: str, *, undo_of: int | None = None, redo_of: int | None = None,
                reopen: dict | None = None, verb: str = "撤销") -> None:
        """Put back the ``before`` of every change of ``target`` in one transaction named ``summary``;
        mark ``target`` undone (and ``reopen``, the entry a redo restores, not undone)."""
        detail = target.get("detail", True)
        with self._outer(summary, detail) as txn:
            txn.undo_of, txn.redo_of = undo_of, redo_of
            txn.force_entry = True
            try:
                for c in reversed(target["changes"]):
                    collection, key, before = c["collection"], str(c["id"]), c.get("before")
                    _check_collection(collection)
                    table = self._table_for_write(txn, collection)
                    current = table.get(key)
                    txn.journal.append((collection, key, current))
                    if "fields" in c:  # an update: put back the fields it changed
                        if not isinstance(current, dict) or not isinstance(before, dict):
                            raise TypeError("partial")
                        record = dict(current)
                        for name in c["fields"]:
                            if name in before:
                                record[name] = json_copy(before[name])
                            else:
                                record.pop(name, None)
                        table[key] = record
                    elif before is None:
                        table.pop(key, None)
                    elif not isinstance(before, dict):
                        raise TypeError("before")
                    else:
                        table[key] = json_copy(before)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise StoreError(f"修改记录#{target.get('seq')}（{target.get('summary', '')}）已损坏，"
                                 f"无法{verb}。账本没有改动。") from None
            if self.validator is not None:
                # What the undo would leave must load: a hand-damaged entry must not turn a good
                # file into one that no longer opens. (The ledger reuses the decoded records.)
                try:
                    self._validated = self.validator(self._data)
                except StoreCorrupt as err:
                    raise StoreError(f"{verb}后账本将无法读取（{err}），已放弃{verb}，账本没有改动。") from None
            audit = self._data[AUDIT]
            seq_key = str(target["seq"])
            txn.journal.append((AUDIT, seq_key, target))
            audit[seq_key] = {**target, "undone": True}
            if reopen is not None:
                reopen_key = str(reopen["seq"])
                txn.journal.append((AUDIT, reopen_key, reopen))
                audit[reopen_key] = {**reopen, "undone": False}

    # ------------------------------------------------------------------ backups

    def backups(self) -> list[Path]:
        """Backup files of this ledger, newest first."""
        try:
            names = [p for p in self.backup_dir.iterdir() if BACKUP_NAME.match(p.name) and p.is_file()]
        except OSError:
            return []
        return sorted(names, key=lambda p: p.name, reverse=True)

    def backup(self, label: str = "manual") -> Path:
        """Copy the ledger file as it is on disk (the last committed state) into the backup folder."""
        with self._mutex:
            self._check_writable()
            raw = self._current_bytes()
            return self._write_backup(raw, label)

    def _current_bytes(self) -> bytes:
        try:
            raw = read_bytes(self.path)
        except OSError as err:
            raise StoreError(f"无法读取账本文件 {self.path}：{err.strerror or err}。") from err
        if raw is None:
            raise StoreError(f"账本文件 {self.path} 不见了（可能被移动或删除）。")
        return raw

    def _backup_if_changed(self, raw: bytes, label: str, protect: Path | None = None) -> Path | None:
        newest = self.backups()
        if newest:
            with contextlib.suppress(OSError):
                if read_bytes(newest[0]) == raw:
                    return None
        return self._write_backup(raw, label, protect)

    def _just_restored(self, data: dict[str, Any] | None = None) -> bool:
        """The file is a backup restored just now, with no change since (its last entry is the restore)."""
        audit = (data if data is not None else self._data).get(AUDIT) or {}
        if not audit or self._broken is not None:
            return False
        last = audit[max(audit, key=int)]
        return str(last.get("summary", "")).startswith("从备份恢复：")

    def _write_backup(self, raw: bytes, label: str, protect: Path | None = None) -> Path:
        clean = re.sub(r"[^\w-]+", "_", label).strip("_")[:40] or "backup"
        stamp = datetime.now()
        existing = self.backups()
        if existing:
            # Names must sort in creation order even within one microsecond or if the clock went back.
            m = BACKUP_NAME.match(existing[0].name)
            assert m is not None
            last = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S-%f")
            if stamp <= last:
                stamp = last + timedelta(microseconds=1)
        target = self.backup_dir / f"{stamp.strftime('%Y%m%d-%H%M%S-%f')}-{clean}.json"
        try:
            self.backup_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(target, raw)
        except OSError as err:
            raise StoreError(f"无法写入备份 {target}：{err.strerror or err}。请检查磁盘空间和文件夹权限。") from err
        self._rotate(protect)
        return target

    def _rotate(self, protect: Path | None = None) -> None:
        for old in self.backups()[self.keep_backups:]:
            if protect is not None and old.name == protect.name:
                continue  # the backup being restored from stays, even if it is the oldest
            with contextlib.suppress(OSError):
                old.unlink()
        for tmp in self.backup_dir.glob(".*.tmp"):
            # Left by a backup interrupted by a crash; we are the only writer.
            with contextlib.suppress(OSError):
                tmp.unlink()

    def _find_backup(self, backup: str | Path | None) -> Path:
        if backup is None:
            self.skipped_backups = []
            good = self._newest_good_backup(self.skipped_backups)
            if good is None:
                raise NotFound(f"没有找到账本 {self.path.name} 的可用备份"
                               + (f"（{len(self.skipped_backups)}个备份都无法完整读取）。" if self.skipped_backups
                                  else "。"))
            return good
        p = Path(backup).expanduser()
        if not p.is_absolute() and not p.exists():
            p = self.backup_dir / p  # a bare name from the list of backups
        if not p.is_file():
            raise NotFound(f"找不到备份文件 {backup}。")
        return p.resolve()

    def restore(self, backup: str | Path | None = None) -> Path:
        """Replace the ledger with a backup (the newest readable one when None); returns its path.

        The backup is validated first (a corrupt one raises ``StoreCorrupt`` and nothing changes),
        then the current file is backed up as "pre-restore" and replaced in one atomic write. The
        restored data gets an audit entry "从备份恢复：<name>"; undo does not reach past it. Id
        counters and audit numbers continue from the higher of the two files, so nothing is reused.
        """
        with self._mutex:
            if self.read_only:
                raise ReadOnlyError("只读模式下不能恢复备份：账本正被别人使用，或是以只读方式打开的。")
            if self._closed:
                raise RuntimeError("store is closed")
            if self._txn is not None:
                raise RuntimeError("restore inside a transaction")
            source = self._find_backup(backup)
            raw = None
            with contextlib.suppress(OSError):
                raw = read_bytes(source)
            if raw is None:
                raise NotFound(f"无法读取备份文件 {source}。")
            try:
                data = parse(raw)
            except Unreadable as err:
                raise StoreCorrupt(
                    f"备份文件 {source.name} 已损坏（{err.reason}），不能用来恢复。账本没有被改动。",
                    backup=str(source),
                ) from err
            try:
                data, _ = self._ingest(data)
                if self.validator is not None:
                    self.validator(data)
            except StoreCorrupt as err:
                raise StoreCorrupt(
                    f"备份文件 {source.name} 不能用来恢复：{err}账本没有被改动。", backup=str(source)
                ) from err
            current = read_bytes(self.path)
            if current is not None and (self._broken is not None or self._loads_fully(current)):
                self._set_aside(current)  # broken: kept aside, it must not push a good backup out
            elif current is not None and not self._just_restored():
                # Not backed up again when it is a backup just restored and not changed since (trying
                # backups one after another must not rotate out the ones still to try), nor when the
                # newest backup holds the same bytes.
                self._backup_if_changed(current, "pre-restore", protect=source)
            meta = data[META][META_DOC]
            meta["schema"] = type(self).SCHEMA_VERSION
            if self._broken is None:
                # Counters never go backwards, so ids and audit numbers from the discarded state stay unique.
                old = self._meta
                for name, n in old.get("next_id", {}).items():
                    meta["next_id"][name] = max(meta["next_id"].get(name, 1), n)
                meta["next_seq"] = max(meta["next_seq"], old.get("next_seq", 1))
            seq = self._bump_seq(data)
            data[AUDIT][str(seq)] = {
                "seq": seq, "at": _now(), "who": self.actor or self.user, "summary": f"从备份恢复：{source.name}",
                "changes": [], "undone": False, "undo_of": None, "barrier": True,
            }
            self._write(data)
            self._data = data
            self._broken = None
            return source


from . import migrations as _migrations  # noqa: E402,F401  (registers the steps in MIGRATIONS)
