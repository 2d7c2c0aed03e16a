"""The file layer under ``store.py``: one JSON file in TinyDB's layout, replaced atomically.

Internal to the store; nothing outside ``ledgers/store.py`` should import it.

Why not TinyDB's stock ``JSONStorage`` (see shared/PITFALLS.md): it rewrites the file in place, so a
crash mid-write leaves half a file, and it reads a zero-byte file as an empty database without a word.
Here every write serializes first (orjson), writes a temp file in the same folder, fsyncs it,
``os.replace``-s it over the ledger and fsyncs the folder; the file is never held open; a file that
cannot be parsed raises ``Unreadable`` and is left exactly as it is.
"""
from __future__ import annotations

import os
import stat
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable, TypeVar

import orjson
from tinydb.storages import Storage

T = TypeVar("T")

# Two-space indentation keeps the file readable in a text editor (someone will open it in Notepad) and
# costs little: ~4 ms for a 7 MB prefecture-scale file with orjson, less than the fsync.
DUMP_OPTIONS = 0  # compact: every save rewrites the whole file (indenting doubled its size)

# orjson happily serializes datetimes, dataclasses and str subclasses; a record must hold JSON types
# only (what goes in is what comes back), so those are passed through to the missing ``default`` and
# rejected with a TypeError instead.
STRICT_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS

# Windows: antivirus scanners, indexers and a reader in another process hold files open for a moment,
# which makes os.replace/open fail with PermissionError. Retrying briefly rides that out.
RETRY_SECONDS = 2.0


class Unreadable(Exception):
    """The file exists but does not hold a ledger we can read; ``reason`` is a Chinese phrase."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def retry_permission(fn: Callable[[], T], seconds: float = RETRY_SECONDS) -> T:
    """Call ``fn``, retrying a PermissionError for up to ``seconds`` (transient locks on Windows)."""
    deadline = time.monotonic() + seconds
    delay = 0.02
    while True:
        try:
            return fn()
        except PermissionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def json_copy(value: Any) -> Any:
    """A deep copy of JSON data that also proves it is JSON (TypeError otherwise).

    An orjson round trip is several times faster than ``copy.deepcopy`` for this kind of data.
    """
    try:
        return orjson.loads(orjson.dumps(value, option=STRICT_OPTIONS))
    except orjson.JSONEncodeError as err:
        raise TypeError(f"not JSON data: {err}") from err


def dumps(data: Any) -> bytes:
    """The file's bytes for ``data`` (UTF-8, Chinese kept as is, compact)."""
    return orjson.dumps(data, option=DUMP_OPTIONS | STRICT_OPTIONS)


def parse(raw: bytes) -> dict[str, Any]:
    """Parse file bytes; an empty, truncated or non-object file raises ``Unreadable``."""
    if not raw.strip():
        raise Unreadable("文件是空的（0 字节），可能是上次保存时断电或磁盘已满")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # UTF-8 with a BOM, as Notepad saves it
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeError:
            raise Unreadable("文件是 UTF-16 编码但内容有误，请用记事本另存为 UTF-8 编码") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        if b"\x00" in raw[:200]:
            raise Unreadable("文件不是 UTF-8 编码（可能被另存为 UTF-16/Unicode），请另存为 UTF-8") from err
        raise Unreadable(f"内容不完整或格式错误（第 {err.lineno} 行第 {err.colno} 列）") from err
    if not isinstance(data, dict):
        raise Unreadable("内容不是账本的格式")
    return data


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist. Opened in binary, closed at once."""

    def read() -> bytes:
        with open(path, "rb") as f:
            return f.read()

    try:
        return retry_permission(read)
    except FileNotFoundError:
        return None


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable. POSIX only; Windows cannot open a folder for this."""
    if sys.platform == "win32":  # pragma: no cover - NTFS journals the rename itself
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        # Some file systems (network shares) refuse fsync on a folder; the data file itself is synced.
        pass
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """A unique temp file beside ``path``; the pattern is what ``leftover_temps`` cleans up."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")


def leftover_temps(path: Path) -> list[Path]:
    """Temp files a killed writer left beside ``path`` (only safe to delete while holding the lock)."""
    try:
        return sorted(path.parent.glob(f".{path.name}.*.tmp"))
    except OSError:
        return []


NEW_FILE_MODE = 0o600  # a ledger and its backups hold ID numbers and phones: the owner's only


def atomic_write(path: Path, payload: bytes, *, durable: bool = True, mode: int | None = None) -> None:
    """Replace ``path`` with ``payload`` so that a crash leaves either the old or the new file.

    The new file keeps the mode of the one it replaces (a temp file would come with the umask's
    0644: a 0600 ledger became world-readable on its first save); a new file gets ``mode``, by
    default owner-only. ``durable=False`` skips the fsyncs (for the lock owner note, which nobody
    needs after a crash).
    """
    tmp = temp_name(path)
    try:
        keep = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        keep = NEW_FILE_MODE if mode is None else mode
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with open(fd, "wb") as f:
            f.write(payload)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        if sys.platform != "win32":
            os.chmod(tmp, keep)
        retry_permission(lambda: os.replace(tmp, path))
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


class AtomicJSONStorage(Storage):
    """A TinyDB ``Storage`` over one JSON file, written atomically and kept in memory.

    The data is read from disk once (``load``); ``read`` then hands out the live in-memory dict, and
    ``write`` serializes it once and replaces the file. That makes a write of many changes one
    serialization and a lookup a dict access, and the file stays readable by plain TinyDB
    (``{"table": {"<doc id>": {...}}}``).
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        self._data: dict[str, Any] | None = None

    def load(self) -> tuple[dict[str, Any], bytes | None]:
        """Read and parse the file; returns (data, raw bytes), ``({}, None)`` for a missing file.

        Does not replace what ``read`` returns: the caller validates first and then calls ``adopt``.
        """
        raw = read_bytes(self.path)
        if raw is None:
            return {}, None
        return parse(raw), raw

    def adopt(self, data: dict[str, Any]) -> None:
        """Make ``data`` the in-memory state (after the caller validated it)."""
        self._data = data

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            data, _ = self.load()
            self._data = data
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            raise RuntimeError("storage opened read-only")
        atomic_write(self.path, dumps(data))
        self._data = data

    def close(self) -> None:
        # Nothing to close: the file is never kept open (Windows would refuse the replace).
        pass
