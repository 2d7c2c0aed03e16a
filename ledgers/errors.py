"""The one error type clerks see, and its specialisations.

Messages are Chinese sentences meant for the clerk; programming errors stay ordinary exceptions.
"""
from __future__ import annotations


class LedgerError(Exception):
    """An error meant for the clerk; ``str(err)`` is a complete Chinese sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class FieldError(LedgerError):
    """A value that is not acceptable, tied to the field (or import row/column) where it was typed."""

    def __init__(self, field: str, message: str, *, row: int | None = None) -> None:
        where = f"第{row}行“{field}”" if row is not None else f"“{field}”"
        super().__init__(f"{where}：{message}")
        self.field = field
        self.row = row
        self.detail = message


class ValidationErrors(LedgerError):
    """Several field errors at once (a form or an import row); nothing was saved."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("；".join(e.message for e in errors))
        self.errors = errors

    def for_field(self, field: str) -> str | None:
        for e in self.errors:
            if e.field == field:
                return e.detail
        return None


class TransitionRefused(LedgerError):
    """A state change whose hard conditions do not hold; ``missing`` lists what is missing."""

    def __init__(self, action: str, missing: list[str]) -> None:
        super().__init__(f"不能{action}：" + "；".join(missing))
        self.action = action
        self.missing = missing


class NotFound(LedgerError):
    """A referenced record does not exist (any more)."""


class StoreError(LedgerError):
    """A problem with the ledger file itself."""


class StoreLocked(StoreError):
    """Another process holds the single-writer lock."""

    def __init__(self, message: str, owner: dict | None = None) -> None:
        super().__init__(message)
        self.owner = owner or {}


class StoreNotWritable(StoreError):
    """The file (or its folder) cannot be written: a read-only file, folder or file system. The
    ledger can still be opened read-only."""


class StoreCorrupt(StoreError):
    """The ledger file cannot be read; it is never overwritten. ``backup`` names the newest backup."""

    def __init__(self, message: str, backup: str | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class ReadOnlyError(StoreError):
    """A write was attempted on a ledger opened read-only."""


class RecordUnreadable(StoreCorrupt):
    """A record of a file that parses but does not load (a date like 2024-13-01 typed in Notepad, a
    word in a number field, a missing name, an unknown state): names the record and the field."""

    def __init__(self, message: str, *, collection: str, id: object, field: str, value: object,
                 backup: str | None = None) -> None:
        super().__init__(message, backup=backup)
        self.collection, self.id, self.field, self.value = collection, id, field, value
