"""What each Settings field is called on screen and in messages, and which values make sense.

The settings form, the CLI and ``Ledger.save_settings`` all read these, so a field is named and
checked the same way everywhere.
"""
from __future__ import annotations

import dataclasses

from .errors import FieldError
from .models import Settings

PROFILE_LABELS: dict[str, str] = {
    "township": "乡镇名称", "county": "所属县（市、区）", "party_committee": "乡镇党委全称",
    "issuer_mark": "发文机关标志", "doc_prefix": "发文字号前缀", "printing_office": "印发机关",
    "signer": "签发人", "default_recipients": "主送机关", "default_cc": "抄送机关", "clerk": "经办人",
    "font_body": "正文字体", "font_title": "标题字体", "font_heading1": "一级标题字体",
    "font_heading2": "二级标题字体", "font_page_number": "页码字体",
}
PROFILE_HELP: dict[str, str] = {
    "party_committee": "留空则为“中共××镇委员会”", "issuer_mark": "留空则为“乡镇党委全称+文件”",
    "doc_prefix": "如：青石发；留空则按乡镇名生成", "printing_office": "留空则为“乡镇党委全称+党政办公室”",
    "clerk": "记入修改记录和案卷历史的姓名",
    "signer": "上行文（如报县委组织部的验收销号报告）版头的签发人姓名",
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
    "min_reserve_cadres": "R16 后备干部最少人数", "max_reserve_cadres": "R16 后备干部最多人数",
    "vacancy_months": "S01 出缺超过（月）", "congresses_per_quarter": "S04 每季度支部党员大会（次）",
    "committee_meetings_per_month": "S04 每月支部委员会（次）", "lectures_per_quarter": "S04 每季度党课（次）",
    "min_satisfaction_pct": "S10 群众满意度不低于（%）", "years_without_candidate": "S11 连续无发展对象（年）",
    "last_places": "S13 年度排名末位（名）", "pass_score": "R18 验收合格分数线",
    "max_dissatisfied_pct": "R18 不满意率上限（%）", "consolidation_months": "R19 巩固提升期（月）",
    "audit_keep_entries": "修改记录保留条数",
}
TEXT_LABELS: dict[str, str] = {"circular_requirements": "下步工作要求（通报模板）"}

# Parameters that are counts of members, months or years: zero would switch a rule off by accident.
POSITIVE = frozenset({
    "min_members_own_branch", "general_branch_members", "committee_members", "split_branch_over",
    "committee_needed_members", "org_term_years", "secretary_term_months", "absences_incompetent",
    "pay_multiple", "pay_multiple_dual_role", "consolidation_months", "max_reserve_cadres", "vacancy_months",
    "years_without_candidate",
})
PERCENT_OR_SCORE = frozenset({"pass_score", "max_dissatisfied_pct", "min_satisfaction_pct"})
# (smaller, larger): the first must not exceed the second.
ORDERED = (
    ("term_urgent_days", "term_warn_days"),
    ("absences_no_excellent", "absences_max_basic"),
    ("absences_max_basic", "absences_incompetent"),
    ("general_branch_members", "committee_members"),
    ("pay_multiple", "pay_multiple_dual_role"),
    ("min_reserve_cadres", "max_reserve_cadres"),
)


def setting_label(name: str) -> str:
    return PROFILE_LABELS.get(name) or RULE_LABELS.get(name) or TEXT_LABELS.get(name) or name


def settings_problems(s: Settings) -> list[FieldError]:
    """Every value of ``s`` that cannot be right, under the field's Chinese label."""
    errors: list[FieldError] = []
    if not s.township.strip():
        errors.append(FieldError(setting_label("township"), "不能为空"))
    for f in dataclasses.fields(Settings):
        value = getattr(s, f.name)
        if f.name == "id" or not isinstance(value, int) or isinstance(value, bool):
            continue
        label = setting_label(f.name)
        if value < 0:
            errors.append(FieldError(label, "不能为负数"))
        elif value == 0 and f.name in POSITIVE:
            errors.append(FieldError(label, "应大于0"))
        elif value > 100 and f.name in PERCENT_OR_SCORE:
            errors.append(FieldError(label, "不能大于100"))
    if s.audit_keep_entries < 100:
        errors.append(FieldError(setting_label("audit_keep_entries"), "不能少于100条（更早的记录移入归档文件，不会丢失）"))
    for small, large in ORDERED:
        if getattr(s, small) > getattr(s, large) >= 0:
            errors.append(FieldError(setting_label(small), f"不能大于“{setting_label(large)}”（{getattr(s, large)}）"))
    return errors
