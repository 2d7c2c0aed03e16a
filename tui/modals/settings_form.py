"""Settings forms: the township profile, the rule parameters, and the 通报 requirements text.

Fields are generated from the ``Settings`` dataclass: every field gets a Chinese label from
``ledgers.settings_meta`` (an unknown new field still appears, under its attribute name), ints are parsed
with ``parse_int``; ``Ledger.save_settings`` has the last word.
"""
from __future__ import annotations

import dataclasses
from dataclasses import replace
from typing import Any

from ledgers.models import Settings
from ledgers.settings_meta import PROFILE_HELP, PROFILE_LABELS, RULE_LABELS, TEXT_LABELS, setting_label
from ledgers.validate import parse_int

from ..widgets.form import FormField, FormScreen, Parser, text_parser

TEXT_FIELDS = tuple(TEXT_LABELS)


def _int(label: str) -> Parser:
    return lambda s: parse_int(s, label)  # refuses negative numbers with a clerk's message


def setting_fields(group: str, s: Settings) -> list[FormField]:
    """The fields of one group ("profile", "rules" or "text") for the current settings."""
    out = []
    for f in dataclasses.fields(Settings):
        if f.name == "id":
            continue
        value = getattr(s, f.name)
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if group == "text":
            if f.name in TEXT_FIELDS:
                out.append(FormField(f.name, TEXT_LABELS[f.name], None, value, kind="multiline"))
        elif group == "rules":
            if is_int:
                label = setting_label(f.name)
                out.append(FormField(f.name, label, _int(label), str(value), aliases=(f.name,)))
        elif group == "profile" and isinstance(value, str) and f.name not in TEXT_FIELDS:
            label = setting_label(f.name)
            parse = text_parser(label, required=f.name == "township")
            out.append(FormField(f.name, label, parse, value, help=PROFILE_HELP.get(f.name, ""),
                                 aliases=(f.name,)))
    return out


GROUP_TITLES = {"profile": "乡镇信息与公文设置", "rules": "规则参数", "text": "通报“下步工作要求”模板"}


class SettingsFormScreen(FormScreen[Settings]):
    """Edits one group of settings; returns the saved settings."""

    def __init__(self, group: str) -> None:
        self.group = group
        super().__init__()

    def title_text(self) -> str:
        return GROUP_TITLES[self.group]

    def form_fields(self) -> list[FormField]:
        return setting_fields(self.group, self.app.ledger.settings)  # type: ignore[attr-defined]

    def save(self, values: dict[str, Any]) -> Settings:
        ledger = self.app.ledger  # type: ignore[attr-defined]
        return ledger.save_settings(replace(ledger.settings, **values))


class TownshipFormScreen(SettingsFormScreen):
    """A new, empty ledger: the township's name, its county and who keeps the ledger — asked before
    anything else, so nothing (title, history, documents) carries the demo township's name."""

    FIELDS = ("township", "county", "clerk")

    def __init__(self) -> None:
        super().__init__("profile")

    def title_text(self) -> str:
        return "新账本：本乡镇的信息（以后可在“设置”中修改）"

    def form_fields(self) -> list[FormField]:
        settings = self.app.ledger.settings  # type: ignore[attr-defined]
        fields = [f for f in setting_fields("profile", settings) if f.name in self.FIELDS]
        if settings.township == Settings.township:  # the default is the demo's name, not theirs
            fields = [replace(f, value="") if f.name == "township" else f for f in fields]
        return sorted(fields, key=lambda f: self.FIELDS.index(f.name))
