"""The village form (新增/修改村): every registry field, checked as typed with the ledger's parsers
and ``Ledger.validate_village``; saved through ``Ledger.save_village`` or not at all.

Collective income is edited for one year at a time (收入年度 + 集体经济收入); other years on file
are kept as they are.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ledgers.errors import FieldError
from ledgers.models import OrgType, Village, VillageKind
from ledgers.validate import parse_int, parse_name, parse_optional_date, parse_optional_int

from ..widgets.form import FormField, FormScreen, Parser


def _int(label: str) -> Parser:
    return lambda s: parse_int(s if s.strip() else "0", label)


def _opt_int(label: str) -> Parser:
    return lambda s: parse_optional_int(s, label)


def _opt_date(label: str) -> Parser:
    return lambda s: parse_optional_date(s, label)


def _name(label: str, *, required: bool = True) -> Parser:
    return lambda s: parse_name(s, label, required=required)


def _year(label: str) -> Parser:
    def parse(s: str) -> int:
        year = parse_int(s, label)
        if not 1990 <= year <= 2100:
            raise FieldError(label, f"年份{year}不合理")
        return year

    return parse


def _tags(s: str) -> list[str]:
    from ledgers.text import clean_text

    return [t for t in (clean_text(p) for p in re.split(r"[,，、;；\s]+", s)) if t]


class VillageFormScreen(FormScreen[Village]):
    """New village (``village is None``) or edit; returns the saved village."""

    def __init__(self, village: Village | None) -> None:
        self.village = village
        super().__init__()

    def title_text(self) -> str:
        return f"修改村情：{self.village.name}" if self.village else "新增村（社区）"

    def _ledger(self):  # noqa: ANN202 - the app's Ledger
        return self.app.ledger  # type: ignore[attr-defined]

    def form_fields(self) -> list[FormField]:
        ledger = self._ledger()
        v = self.village or Village("", township=ledger.settings.township)
        year = max(v.collective_income) if v.collective_income else ledger.today.year - 1
        income = v.collective_income.get(year)

        def num(n: int | None) -> str:
            return "" if n is None else str(n)

        return [
            FormField("name", "村名", _name("村名"), v.name, placeholder="如：青石村"),
            FormField("township", "乡镇", _name("乡镇"), v.township),
            FormField("kind", "类型", None, str(v.kind), kind="choice", choices=tuple(k.value for k in VillageKind)),
            FormField("population", "人口", _int("人口"), num(v.population)),
            FormField("households", "户数", _int("户数"), num(v.households)),
            FormField("full_members", "正式党员", _int("正式党员"), num(v.full_members)),
            FormField("probationary_members", "预备党员", _int("预备党员"), num(v.probationary_members)),
            FormField("org_type", "组织类型", None, str(v.org_type), kind="choice",
                      choices=tuple(o.value for o in OrgType)),
            FormField("org_name", "党组织名称", None, v.org_name, placeholder="留空则按村名和组织类型生成"),
            FormField("secretary_name", "书记", _name("书记", required=False), v.secretary_name),
            FormField("secretary_age", "书记年龄", _opt_int("书记年龄"), num(v.secretary_age)),
            FormField("secretary_education", "书记学历", None, v.secretary_education, placeholder="如：大专"),
            FormField("secretary_is_director", "一肩挑", None, v.secretary_is_director, kind="bool"),
            FormField("secretary_pay", "书记基本报酬", _opt_int("书记基本报酬"), num(v.secretary_pay),
                      placeholder="元/年"),
            FormField("income_year", "收入年度", _year("收入年度"), str(year)),
            FormField("income", "集体经济收入", _opt_int("集体经济收入"), num(income),
                      placeholder="该年度经营性收入，元；留空表示未填报"),
            FormField("tags", "标签", _tags, "、".join(v.tags), placeholder="如：脱贫村、红色村（用顿号分隔）"),
            FormField("reserve_cadres", "后备干部", _int("后备干部"), num(v.reserve_cadres)),
            FormField("org_term_start", "换届时间", _opt_date("换届时间"),
                      v.org_term_start.isoformat() if v.org_term_start else "", placeholder="如：2021-05-20"),
            FormField("note", "备注", None, v.note),
        ]

    def to_village(self, values: dict[str, Any]) -> Village:
        base = self.village or Village("")
        income = dict(base.collective_income)
        if values["income"] is None:
            income.pop(values["income_year"], None)
        else:
            income[values["income_year"]] = values["income"]
        return replace(
            base,
            name=values["name"], township=values["township"], kind=VillageKind(values["kind"] or "村"),
            population=values["population"], households=values["households"],
            full_members=values["full_members"], probationary_members=values["probationary_members"],
            org_type=OrgType(values["org_type"] or "党支部"), org_name=values["org_name"],
            secretary_name=values["secretary_name"], secretary_age=values["secretary_age"],
            secretary_education=values["secretary_education"],
            secretary_is_director=values["secretary_is_director"], secretary_pay=values["secretary_pay"],
            collective_income=income, tags=values["tags"], reserve_cadres=values["reserve_cadres"],
            org_term_start=values["org_term_start"], note=values["note"],
        )

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        return self._ledger().validate_village(self.to_village(values))

    def save(self, values: dict[str, Any]) -> Village:
        return self._ledger().save_village(self.to_village(values))  # it names a blank org
