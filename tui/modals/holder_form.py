"""New or edited 四个一 holders: a leader (县级联系领导 / 乡镇包村领导) or a paired unit (结对单位).

Saved through ``ledgers.assignments.save_leader`` / ``save_unit``, whose field errors (姓名, 类别,
单位名称, 联系电话) land at their fields; a failed save keeps the draft (``FormScreen``).
"""
from __future__ import annotations

from typing import Any

from ledgers.errors import FieldError
from ledgers.models import Leader, Role, Unit, UnitLevel

from ..widgets.form import FormField, FormScreen, Parser, text_parser

LEADER_ROLES = (Role.COUNTY_LEADER, Role.TOWNSHIP_LEADER)


def _phone(label: str) -> Parser:
    def parse(s: str) -> str:
        from ledgers.validate import normalize_phone

        return normalize_phone(s, label) if s.strip() else ""

    return parse


class LeaderFormScreen(FormScreen[Leader]):
    """New leader (``leader is None``; ``role`` and ``name`` prefill it) or edit; returns the saved one."""

    def __init__(self, leader: Leader | None, *, role: Role | None = None, name: str = "") -> None:
        self.leader = leader
        self.role = leader.role if leader else (role if role in LEADER_ROLES else Role.TOWNSHIP_LEADER)
        self.name_hint = name
        super().__init__()

    def title_text(self) -> str:
        return f"修改领导：{self.leader.name}" if self.leader else f"新增{self.role.value}"

    def form_fields(self) -> list[FormField]:
        l = self.leader or Leader(self.name_hint, role=self.role)
        return [
            FormField("name", "姓名", text_parser("姓名", required=True), l.name, placeholder="如：吴海波"),
            FormField("role", "类别", None, l.role.value, kind="choice", choices=tuple(r.value for r in LEADER_ROLES)),
            FormField("title", "职务", None, l.title, placeholder="如：镇党委副书记、镇长"),
            FormField("phone", "联系电话", _phone("联系电话"), l.phone, placeholder="手机或座机，可不填",
                      aliases=("电话",)),
        ]

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        return [] if values["role"] else [FieldError("类别", "请选择")]

    def save(self, values: dict[str, Any]) -> Leader:
        from ledgers.assignments import save_leader

        base_id = self.leader.id if self.leader else 0
        leader = Leader(values["name"], values["title"], Role(values["role"]), values["phone"], base_id)
        return save_leader(self.app.ledger, leader)  # type: ignore[attr-defined]


class UnitFormScreen(FormScreen[Unit]):
    """New paired unit (``name`` prefills it) or edit; returns the saved one."""

    def __init__(self, unit: Unit | None, *, name: str = "") -> None:
        self.unit = unit
        self.name_hint = name
        super().__init__()

    def title_text(self) -> str:
        return f"修改结对单位：{self.unit.name}" if self.unit else "新增结对单位"

    def form_fields(self) -> list[FormField]:
        u = self.unit or Unit(self.name_hint)
        return [
            FormField("name", "单位名称", text_parser("单位名称", required=True), u.name, placeholder="如：县财政局"),
            FormField("level", "级别", None, u.level.value, kind="choice", choices=tuple(v.value for v in UnitLevel)),
        ]

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        from ledgers.assignments import units

        own = self.unit.id if self.unit else 0
        if any(u.name == values["name"] and u.id != own for u in units(self.app.ledger)):  # type: ignore[attr-defined]
            return [FieldError("单位名称", f"已有“{values['name']}”")]
        return []

    def save(self, values: dict[str, Any]) -> Unit:
        from ledgers.assignments import save_unit

        unit = Unit(values["name"], UnitLevel(values["level"] or UnitLevel.COUNTY.value), self.unit.id if self.unit else 0)
        return save_unit(self.app.ledger, unit)  # type: ignore[attr-defined]
