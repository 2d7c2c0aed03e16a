"""The top-level sections, switched by number keys and shown in the tab bar.

A section is listed only when its screen module exists, so no empty placeholder is ever shown.
"""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    key: str  # number key
    mode: str  # Textual mode name (stable)
    title: str  # Chinese tab label
    module: str  # tui.screens.<module>
    cls: str  # screen class name

    def available(self) -> bool:
        return importlib.util.find_spec(f"tui.screens.{self.module}") is not None

    def factory(self) -> type[Screen]:
        return getattr(importlib.import_module(f"tui.screens.{self.module}"), self.cls)

    def make_screen(self) -> Screen:
        """A new screen of this section; its module is imported on the first visit, not at start-up."""
        return self.factory()()


ALL_SECTIONS: tuple[Section, ...] = (
    Section("1", "dashboard", "概览", "dashboard", "DashboardScreen"),
    Section("2", "villages", "村情", "villages", "VillagesScreen"),
    Section("3", "cases", "整顿台账", "cases", "CasesScreen"),
    Section("4", "matrix", "四个一", "matrix", "MatrixScreen"),
    Section("5", "secretaries", "第一书记", "secretaries", "SecretariesScreen"),
    Section("6", "export", "导出", "export", "ExportScreen"),
    Section("7", "settings", "设置", "settings", "SettingsScreen"),
)


def available_sections() -> tuple[Section, ...]:
    return tuple(s for s in ALL_SECTIONS if s.available())
