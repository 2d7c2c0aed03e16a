"""Helpers shared by the TUI tests: a demo ledger file, waiting for the app to settle, reading
what widgets show (as plain text, the way a clerk reads it)."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Select
from textual.widgets._select import SelectOverlay
from textual.worker import WorkerCancelled

from ledgers.demo import load_demo
from ledgers.ledger import Ledger

TODAY = date(2026, 11, 23)
SIZE = (120, 40)


def demo_db(path: Path, scale: str = "township") -> Path:
    """A ledger file with the demo township (25 villages)."""
    with Ledger.open(path, today=TODAY) as ledger:
        load_demo(ledger, scale)
    return path


async def wait_workers(app: App) -> None:
    """Wait for the running workers; one cancelled meanwhile by a newer exclusive one (the lookup
    index rebuilt after a change, while the start-up one still runs) is not an error."""
    try:
        await app.workers.wait_for_complete()
    except WorkerCancelled:
        await app.workers.wait_for_complete()


async def settle(pilot: Pilot) -> None:
    """Let workers finish and the screen catch up (never a sleep)."""
    app = pilot.app
    for _ in range(3):
        await wait_workers(app)
        await pilot.pause()
    # The dashboard starts its statistics worker a moment after its first paint: wait for the figures.
    for _ in range(100):
        if getattr(app.screen, "figures", True) is not None:
            break
        await pilot.pause(0.02)
        await wait_workers(app)
        await pilot.pause()


def static_text(app: App, selector: str, width: int = 200) -> str:
    """The plain text a Static (or a widget with a ``content`` like one) shows; rich renderables are
    rendered at ``width``."""
    w = app.screen.query_one(selector)
    content = w.content
    if isinstance(content, str):
        return content
    if isinstance(content, Content):
        return content.plain
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def option_texts(app: App, selector: str) -> list[str]:
    ol = app.screen.query_one(selector, OptionList)
    return [getattr(o.prompt, "plain", str(o.prompt)) for o in ol.options]


def table_rows(table: DataTable) -> list[list[str]]:
    """Every row in display order, cells as plain text (stripped)."""
    return [[getattr(c, "plain", str(c)).strip() for c in table.get_row_at(i)] for i in range(table.row_count)]


def notifications(app: App) -> list[str]:
    """Toasts shown so far, each as "title：message" when it has a title (needs
    ``run_test(notifications=True)``)."""
    return [f"{n.title}：{n.message}" if n.title else n.message for n in app._notifications]


async def retype(pilot: Pilot, field: str, text: str) -> None:
    """Focus a form field, clear it with keys (Home, Ctrl+K) as a clerk does, type ``text``."""
    from textual.widgets import Input

    w = pilot.app.screen.query_one(f"#field-{field}", Input)
    w.focus()
    await pilot.press("home", "ctrl+k", *text)
    await pilot.pause()


async def open_section(pilot: Pilot, key: str, screen: str | None = None) -> None:
    """Settle, press a section's number key, settle; check its screen is showing when named."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    if screen is not None:
        assert type(pilot.app.screen).__name__ == screen


async def choose(pilot: Pilot, field: str, value: str) -> None:
    """Open a form's Select with Enter, move with ↓ to ``value``, Enter."""
    select = pilot.app.screen.query_one(f"#field-{field}", Select)
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    overlay = select.query_one(SelectOverlay)
    for _ in range(30):
        option = overlay.highlighted_option
        if option is not None and getattr(option.prompt, "plain", str(option.prompt)) == value:
            break
        await pilot.press("down")
        await pilot.pause()
    else:
        raise AssertionError(f"{value} not offered in {field}")
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value
