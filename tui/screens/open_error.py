"""Shown when the ledger file cannot be opened (corrupt, unreadable): what happened, the newest
backup, and the two ways on — ``r`` restores the newest backup (the damaged file is kept aside by
the store), ``q`` quits. The file is never overwritten behind the clerk's back."""
from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ledgers.errors import LedgerError, StoreCorrupt


def restore_newest_backup(db_path: Path) -> Path:
    """Restore ``db_path`` from its newest backup that fully loads, without opening the damaged file
    (which is kept aside); returns the backup."""
    from ledgers.ledger import decode_records
    from ledgers.store import Store

    with Store.open_for_restore(db_path, validator=decode_records) as store:
        return Path(store.restore(None))


class OpenErrorScreen(Screen[None]):
    """The ledger could not be opened."""

    BINDINGS = [
        Binding("r", "restore", "恢复最新备份", id="open-error-restore"),
        Binding("q", "app.quit", "退出", id="open-error-quit"),
    ]

    def __init__(self, error: LedgerError | None, db_path: Path) -> None:
        super().__init__()
        self.error = error
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="open-error"):
            yield Static(Content.styled("无法打开账本", "bold $error"), classes="dialog-title")
            yield Static(Content(self.describe()), id="open-error-text")
        yield Footer()

    def describe(self) -> str:
        err = self.error
        lines = [f"文件：{self.db_path}", f"原因：{err if err is not None else '未知错误'}"]
        backup = err.backup if isinstance(err, StoreCorrupt) else None
        if backup:
            if backup not in str(err):
                lines.append(f"最新备份：{backup}")
            lines.append("")
            lines.append("按 r 用最新备份恢复（恢复前会先备份当前文件），按 q 退出。")
        else:
            lines.append("")
            lines.append("按 q 退出。损坏的文件保持原样，请联系技术人员处理。" if isinstance(err, StoreCorrupt)
                         else "按 q 退出。")
        return "\n".join(lines)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore":
            return isinstance(self.error, StoreCorrupt) and bool(self.error.backup)
        return True

    def action_restore(self) -> None:
        try:
            backup = restore_newest_backup(self.db_path)
        except LedgerError as err:
            self.notify(str(err), severity="error", markup=False, timeout=10)
            return
        app = self.app
        app.open_error = None  # type: ignore[attr-defined]
        app.open_ledger()  # type: ignore[attr-defined]
        if app.open_error is not None or app.ledger is None:  # type: ignore[attr-defined]
            self.error = app.open_error  # type: ignore[attr-defined]
            self.query_one("#open-error-text", Static).update(Content(self.describe()))
            self.refresh_bindings()
            return
        app.notify(f"已从备份恢复：{backup.name}", markup=False)
        app.pop_screen()
        app.start()  # type: ignore[attr-defined]
