"""Settings forms: the township profile, the rule parameters, and the 通报 requirements text.

Fields are generated from the ``Settings`` dataclass: every field gets a Chinese label from
``SETTING_LABELS`` (an unknown new field still appears, under its attribute name), ints are parsed
with ``parse_int``; ``Ledger.save_settings`` has the last word.
"""
from __future__ import annotations

import dataclasses
from dataclasses import replace
from typing import Any

from ledgers.models import Settings
from ledgers.validate import parse_int

from ..widgets.form import FormField, FormScreen, Parser, text_parser

PROFILE_LABELS: dict[str, str] = {
    "township": "乡镇名称", "county": "所属县（市、区）", "party_committee": "乡镇党委全称",
    "issuer_mark": "发文机关标志", "doc_prefix": "发文字号前缀", "printing_office": "印发机关",
    "default_recipients": "主送机关", "default_cc": "抄送机关", "clerk": "经办人",
    "font_body": "正文字体", "font_title": "标题字体", "font_heading1": "一级标题字体",
    "font_heading2": "二级标题字体", "font_page_number": "页码字体",
}
PROFILE_HELP: dict[str, str] = {
    "party_committee": "留空则为“中共××镇委员会”", "issuer_mark": "留空则为“乡镇党委全称+文件”",
    "doc_prefix": "如：青石发；留空则按乡镇名生成", "printing_office": "留空则为“乡镇党委全称+党政办公室”",
    "clerk": "记入修改记录和案卷历史的姓名",
}
RULE_LABELS: dict[str, str] = {
    "min_members_own_branch": "R1 单独建支部最少正式党员", "general_branch_members": "R2 可设党总支党员数",
    "committee_members": "R2 可设党委党员数", "split_branch_over": "R3 党支部建议分设党员数",
    "committee_needed_members": "R4 设支委会正式党员数", "org_term_years": "R5 村党组织任期（年）",
    "org_term_warn_days": "R5 换届提前提醒（天）", "secretary_term_months": "R8 第一书记任期（月）",
    "term_warn_days": "R8 任期届满提醒（天）", "term_urgent_days": "R8 任期届满紧急提醒（天）",
    "absences_no_excellent": "R10 不得评优秀的缺勤次数", "absences_max_basic": "R10 最高基本称职的缺勤次数",
    "absences_incompetent": "R10 评不称职的缺勤次数", "weak_income_below": "R13 薄弱村收入线（元）",
    "rural_income_per_capita": "R14 上年农村人均可支配收入（元）", "pay_multiple": "R14 书记报酬倍数",
    "pay_multiple_dual_role": "R14 一肩挑书记报酬倍数", "office_fund_small": "R15 办公经费·小村（元）",
    "office_fund_large": "R15 办公经费·大村（元）", "office_fund_population": "R15 大村人口标准",
    "office_fund_community": "R15 社区办公经费（元）", "party_fund_village": "R15 村党建经费（元）",
    "party_fund_community": "R15 社区党建经费（元）", "activity_fund_per_member": "R15 党员活动经费（元/人）",
    "activity_fund_minimum": "R15 活动经费保底（元）", "activity_fund_min_below_members": "R15 保底适用党员数（少于）",
    "min_reserve_cadres": "R16 后备干部最少人数", "pass_score": "R18 验收合格分数线",
    "max_dissatisfied_pct": "R18 不满意率上限（%）", "consolidation_months": "R19 巩固提升期（月）",
}
TEXT_FIELDS = ("circular_requirements",)


def setting_label(name: str) -> str:
    return PROFILE_LABELS.get(name) or RULE_LABELS.get(name) or name


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
                out.append(FormField(f.name, "下步工作要求（通报模板）", None, value, kind="multiline"))
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
