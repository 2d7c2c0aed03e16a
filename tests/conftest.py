"""Shared fixtures of the core tests: a fresh ledger file and the 青石镇 demo, both dated 2026-11-23.

Imports of the ledger service happen inside the fixtures so that a suite which does not use them
(the architecture test, the store tests) never pays for them.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 23)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than 10 s (deselect with -m 'not slow')")


@pytest.fixture
def ledger(tmp_path: Path):
    """An empty ledger (default settings and situation table) on a temporary file."""
    from ledgers.ledger import Ledger

    led = Ledger.open(tmp_path / "ledger.json", today=TODAY)
    yield led
    led.close()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The township demo, built once per session; each test gets its own copy of the file."""
    from ledgers.demo import load_demo
    from ledgers.ledger import Ledger

    path = tmp_path_factory.mktemp("demo-template") / "demo.json"
    with Ledger.open(path, today=TODAY) as led:
        load_demo(led, "township")
    return path


@pytest.fixture
def demo_db(tmp_path: Path, _demo_template: Path) -> Path:
    """A private copy of the demo ledger file."""
    path = tmp_path / "demo.json"
    shutil.copyfile(_demo_template, path)
    return path


@pytest.fixture
def demo_ledger(demo_db: Path):
    """The 青石镇 demo (load_demo(…, "township")) opened writable on a temporary file."""
    from ledgers.ledger import Ledger

    led = Ledger.open(demo_db, today=TODAY)
    yield led
    led.close()
