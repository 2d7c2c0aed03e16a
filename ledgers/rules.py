"""The rules the ledger computes (DOMAIN.md R1–R21), each a plain function returning findings.

A finding is a fact for the clerk, not an exception: level, rule id, subject and a Chinese sentence.
Every number comes from ``Settings`` so the office can change it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import add_months
from .errors import FieldError
from .people import CHIEF_POSTS, DEPUTY_POSTS, VillagePeople
from .models import (
    GRADE_ORDER,
    Acceptance,
    AcceptanceResult,
    Cadre,
    Grade,
    IncomeTier,
    Level,
    OrgType,
    RectificationCase,
    Posting,
    Role,
    RosterEntry,
    SecretaryStatus,
    Settings,
    Village,
    VillageKind,
)


@dataclass(frozen=True)
class Finding:
    """One rule result about one subject (a village, a case, a first secretary)."""

    level: Level
    rule: str
    subject: str
    message: str
    kind: str = ""  # "village" | "case" | "secretary" | "assignment": what ``ref`` points at
    ref: int = 0

    def __str__(self) -> str:
        return f"[{self.rule}] {self.subject}：{self.message}"


def _wan(amount: int) -> str:
    """Money the way circulars write it: 2万元, 2.5万元, 5000元."""
    if amount >= 10_000:
        # Four decimals keep every yuan: 49,999 must not print as "5万元" next to "不足5万元".
        text = f"{amount / 10_000:.4f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    return f"{amount}元"


# ---------------------------------------------------------------- R1–R5: the village organisation


def org_findings(v: Village, s: Settings, today: date, people: VillagePeople | None = None) -> list[Finding]:
    """R1–R5 for one village Party organisation (R4 from its branch committee when on file)."""
    out: list[Finding] = []

    def add(level: Level, rule: str, msg: str) -> None:
        out.append(Finding(level, rule, v.name, msg, "village", v.id))

    full, members = v.full_members, v.members
    # R1: fewer than 3 full members cannot form their own branch.
    if full < s.min_members_own_branch:
        if v.org_type != OrgType.JOINT_BRANCH:
            add(Level.WARNING, "R1", f"正式党员{full}名，不足{s.min_members_own_branch}名，不能单独成立党支部，应与邻近单位成立联合党支部")
    # R2: size and form should match (warnings, not errors).
    elif v.org_type == OrgType.JOINT_BRANCH:
        add(Level.WARNING, "R2", f"正式党员{full}名，已达{s.min_members_own_branch}名，可单独成立党支部")
    can_committee = members >= s.committee_members
    if can_committee and v.org_type != OrgType.COMMITTEE:
        add(Level.WARNING, "R2", f"党员{members}名，可设党委")
    if v.org_type == OrgType.BRANCH:
        # R3 stands on its own: a 党支部 above the limit should split, whatever R2 also says (a branch
        # of 104 gets both "可设党委" and the split advice; a lowered split limit still applies).
        if members > s.split_branch_over:
            add(Level.WARNING, "R3", f"党员{members}名，可设党总支（党支部党员超过{s.split_branch_over}名，建议分设党支部或成立党总支）")
        elif members >= s.general_branch_members and not can_committee:
            add(Level.WARNING, "R2", f"党员{members}名，可设党总支")
    if v.org_type == OrgType.GENERAL_BRANCH and members < s.general_branch_members:
        add(Level.WARNING, "R2", f"党员{members}名，不足{s.general_branch_members}名，一般不设党总支")
    if v.org_type == OrgType.COMMITTEE and members < s.committee_members:
        add(Level.WARNING, "R2", f"党员{members}名，不足{s.committee_members}名，一般不设党委")
    # R4: seven or more full members elect a branch committee of three to five.
    if full >= s.committee_needed_members and v.org_type in (OrgType.BRANCH, OrgType.JOINT_BRANCH):
        seats = len(people.branch_committee) if people is not None else 0
        if not seats:  # nobody on file: the registry cannot tell whether it exists
            add(Level.INFO, "R4", f"正式党员{full}名，应设立支部委员会（委员3至5名）")
        elif not 3 <= seats <= 5:
            add(Level.WARNING, "R4", f"正式党员{full}名，支部委员会应有委员3至5名，现有{seats}名")
    # R5: five-year term of the village organisation.
    end = org_term_end(v, s)
    if end is not None:
        left = (end - today).days
        if left < 0:
            add(Level.ERROR, "R5", f"村党组织任期已于{end.isoformat()}届满，应按期换届")
        elif left <= s.org_term_warn_days:
            add(Level.WARNING, "R5", f"村党组织任期将于{end.isoformat()}届满（还有{left}天），应做好换届准备")
    return out


def org_term_end(v: Village, s: Settings) -> date | None:
    return add_months(v.org_term_start, 12 * s.org_term_years) if v.org_term_start else None


# ---------------------------------------------------------------- R13–R16: money and people


def income_tier(amount: int | None, s: Settings) -> IncomeTier:
    """R13: collective operating income tiers."""
    if amount is None:
        return IncomeTier.UNKNOWN
    if amount <= 0:
        return IncomeTier.SHELL
    if amount < s.weak_income_below:
        return IncomeTier.WEAK
    if amount < 100_000:
        return IncomeTier.T5_10
    if amount < 500_000:
        return IncomeTier.T10_50
    if amount < 1_000_000:
        return IncomeTier.T50_100
    return IncomeTier.T100


def income_findings(v: Village, s: Settings) -> list[Finding]:
    tier = income_tier(v.income(), s)
    if tier in (IncomeTier.SHELL, IncomeTier.WEAK):
        year = max(v.collective_income)
        amount = v.collective_income[year]
        text = "无经营性收入" if tier == IncomeTier.SHELL else f"经营性收入{_wan(amount)}，不足{_wan(s.weak_income_below)}"
        return [Finding(Level.WARNING, "R13", v.name, f"{year}年村集体{text}，属{tier.value}", "village", v.id)]
    return []


def pay_findings(v: Village, s: Settings) -> list[Finding]:
    """R14: the village secretary's base pay against the rural per-capita income."""
    if not s.rural_income_per_capita or v.secretary_pay is None:
        return []
    times = s.pay_multiple_dual_role if v.secretary_is_director else s.pay_multiple
    floor = times * s.rural_income_per_capita
    if v.secretary_pay < floor:
        who = "一肩挑书记" if v.secretary_is_director else "村党组织书记"
        return [Finding(Level.WARNING, "R14", v.name,
                        f"{who}基本报酬{_wan(v.secretary_pay)}，低于上年农村居民人均可支配收入的{times}倍（{_wan(floor)}）",
                        "village", v.id)]
    return []


@dataclass(frozen=True)
class Funds:
    """R15: what a village is entitled to per year, 元."""

    office: int
    party_building: int
    member_activity: int

    def describe(self) -> str:
        return (f"办公经费{_wan(self.office)}/年，党建工作经费{_wan(self.party_building)}，"
                f"党员活动经费{_wan(self.member_activity)}")


def village_funds(v: Village, s: Settings) -> Funds:
    if v.kind == VillageKind.COMMUNITY:
        office, party = s.office_fund_community, s.party_fund_community
    else:
        office = s.office_fund_large if v.population >= s.office_fund_population else s.office_fund_small
        party = s.party_fund_village
    activity = v.members * s.activity_fund_per_member
    if v.members < s.activity_fund_min_below_members:
        activity = max(activity, s.activity_fund_minimum)
    return Funds(office, party, activity)


def reserve_findings(v: Village, s: Settings, people: VillagePeople | None = None) -> list[Finding]:
    """R16: three to five reserve cadres per village; by name (when on file) also two for each 正职
    (书记, 主任) and one for each 副职 the 两委 has (seed 001: 正职1:2, 副职1:1)."""
    out: list[Finding] = []

    def add(level: Level, msg: str) -> None:
        out.append(Finding(level, "R16", v.name, msg, "village", v.id))

    named = people.reserves if people is not None else ()
    count = len(named) if named else v.reserve_cadres
    if count < s.min_reserve_cadres:
        add(Level.WARNING, f"后备干部{count}名，不足{s.min_reserve_cadres}名")
    elif named and count > s.max_reserve_cadres:
        add(Level.INFO, f"后备干部{count}名，多于{s.max_reserve_cadres}名")
    if named and people is not None:
        # Per person on the 两委: whoever holds a 正职 (书记, 主任; 一肩挑 is one person) needs two
        # reserves for one of their posts, whoever holds a 副职 one.
        short = []
        for m in people.committee:
            per = 2 if any(p in CHIEF_POSTS for p in m.posts) else 1 if any(p in DEPUTY_POSTS for p in m.posts) else 0
            if not per:
                continue
            posts = [p for p in m.posts if p in CHIEF_POSTS + DEPUTY_POSTS]
            have = sum(1 for r in named if r.post in posts)
            if have < per:
                short.append(f"{'兼'.join(p.value for p in posts)}应有{per}名，现有{have}名")
        if short:
            add(Level.WARNING, "后备干部未按正职1:2、副职1:1配备：" + "；".join(short))
    return out


def village_findings(v: Village, s: Settings, today: date, people: VillagePeople | None = None) -> list[Finding]:
    """Every village-level rule (R1–R5, R13, R14, R16); R4 and R16 from the people when on file."""
    return (org_findings(v, s, today, people) + income_findings(v, s) + pay_findings(v, s)
            + reserve_findings(v, s, people))


# ---------------------------------------------------------------- R7: 四个一


def slot_findings(v: Village, case: RectificationCase, holders: dict[Role, str | None]) -> list[Finding]:
    """R7: an active case needs all four slots. (A serving first secretary who is not a Party member
    is a 四个一 conflict: ``assignments.conflicts``.)"""
    missing = [role.value for role, who in holders.items() if not who]
    if missing:
        return [Finding(Level.WARNING, "R7", v.name, "“四个一”未落实：" + "、".join(missing), "case", case.id)]
    return []


# ---------------------------------------------------------------- R8, R10, R11, R21: first secretaries


def term_end(p: Posting, s: Settings) -> date | None:
    """R8: term end = arrival + term months (a zero term: the settings' term), unless set explicitly."""
    if p.term_end is not None:
        return p.term_end
    return add_months(p.arrival, p.term_months or s.secretary_term_months) if p.arrival else None


def status_of(p: Posting, s: Settings, today: date) -> SecretaryStatus:
    """The status in force on ``today``: a serving posting within the warning window (or past its end)
    is 期满待轮换 — computed on every read, so the roster, dashboard and documents agree on any date."""
    if p.status in (SecretaryStatus.ACTIVE, SecretaryStatus.TERM_ENDING):
        end = term_end(p, s)
        if end is not None and (end - today).days <= s.term_warn_days:
            return SecretaryStatus.TERM_ENDING
        return SecretaryStatus.ACTIVE
    return p.status


def term_findings(e: RosterEntry, s: Settings, today: date) -> list[Finding]:
    if not e.serving:
        return []
    if e.term_end is None:
        return [Finding(Level.WARNING, "R8", e.name, "未填写到村时间，无法计算任期", "secretary", e.id)]
    end, left = e.term_end, (e.term_end - today).days
    if left < 0:
        return [Finding(Level.ERROR, "R8", e.name, f"任期已于{end.isoformat()}届满，应及时轮换或办理留任", "secretary", e.id)]
    if left <= s.term_urgent_days:  # DOMAIN.md: warnings at 60 and at 30 days; past the end is an error
        return [Finding(Level.WARNING, "R8", e.name, f"任期将于{end.isoformat()}届满（还有{left}天），请尽快安排轮换",
                        "secretary", e.id)]
    if left <= s.term_warn_days:
        return [Finding(Level.WARNING, "R8", e.name, f"任期将于{end.isoformat()}届满（还有{left}天）", "secretary", e.id)]
    return []


def best_grade_allowed(absences: int, s: Settings) -> Grade:
    """R10: unexcused absences cap the annual grade."""
    if absences >= s.absences_incompetent:
        return Grade.INCOMPETENT
    if absences >= s.absences_max_basic:
        return Grade.BASIC
    if absences >= s.absences_no_excellent:
        return Grade.COMPETENT
    return Grade.EXCELLENT


def check_grade(grade: Grade, absences: int, s: Settings, field: str = "年度考核") -> None:
    """Refuse a grade better than R10 allows (used when the clerk enters an assessment)."""
    cap = best_grade_allowed(absences, s)
    if GRADE_ORDER.index(grade) < GRADE_ORDER.index(cap):
        raise FieldError(field, f"无故不在岗{absences}次，考核等次最高为“{cap.value}”，不能评为“{grade.value}”")


def assessment_findings(e: RosterEntry, s: Settings) -> list[Finding]:
    """R10 (grade above the absence cap) and R11 (consequences of a low grade)."""
    out = []
    p = e.posting
    for year in sorted(p.assessments):
        grade = p.assessments[year]
        absences = p.absences.get(year, 0)
        cap = best_grade_allowed(absences, s)
        if GRADE_ORDER.index(grade) < GRADE_ORDER.index(cap):
            out.append(Finding(Level.ERROR, "R10", e.name,
                               f"{year}年无故不在岗{absences}次，考核最高为“{cap.value}”，现为“{grade.value}”",
                               "secretary", e.id))
    todo = r11_todo(e)
    if todo is not None:
        out.append(todo)
    return out


def r11_todo(e: RosterEntry) -> Finding | None:
    """R11: the latest grade of a posting still in force asks for an action — 不称职 a recall, 基本称职
    an interview. An older grade was acted on (or overtaken) since; an ended posting needs nothing."""
    p = e.posting
    if not p.assessments or e.ended:
        return None
    year = max(p.assessments)
    grade = p.assessments[year]
    if grade == Grade.INCOMPETENT:
        return Finding(Level.ERROR, "R11", e.name, f"{year}年度考核不称职，应启动召回程序", "secretary", e.id)
    if grade == Grade.BASIC:
        return Finding(Level.WARNING, "R11", e.name, f"{year}年度考核基本称职，应进行约谈提醒", "secretary", e.id)
    return None


def identity_findings(c: Cadre, ref: int = 0) -> list[Finding]:
    """R21: the ID number is valid and agrees with 出生年月 and 性别."""
    if not c.id_number:
        return []
    from .validate import check_id_agreement, normalize_id_number

    try:
        number = normalize_id_number(c.id_number)
    except FieldError as err:
        return [Finding(Level.ERROR, "R21", c.name, err.detail, "secretary", ref)]
    return [Finding(Level.ERROR, "R21", c.name, p, "secretary", ref)
            for p in check_id_agreement(number, birth=c.birth, gender=c.gender)]


def secretary_findings(e: RosterEntry, s: Settings, today: date) -> list[Finding]:
    out = term_findings(e, s, today) + assessment_findings(e, s) + identity_findings(e.cadre, e.id)
    # A serving one who is not a member is a 四个一 conflict (assignments.conflicts); a planned one is
    # flagged here, before the posting starts.
    if e.cadre.political_status != "中共党员" and e.status == SecretaryStatus.PROPOSED:
        out.append(Finding(Level.ERROR, "R7", e.name, f"政治面貌为“{e.cadre.political_status}”，第一书记应为中共党员",
                           "secretary", e.id))
    return out


# ---------------------------------------------------------------- R18, R19: acceptance and consolidation


def dissatisfied_pct(a: Acceptance) -> float | None:
    return 100.0 * a.dissatisfied / a.participants if a.participants else None


def acceptance_problems(a: Acceptance, s: Settings) -> list[str]:
    """R18: why an acceptance would not pass (empty = passes)."""
    problems = []
    if a.score is None:
        problems.append("未填写验收得分")
    elif a.score < s.pass_score:
        problems.append(f"验收得分{a.score:g}分，低于{s.pass_score}分")
    pct = dissatisfied_pct(a)
    if pct is None:
        problems.append("未填写民主测评人数")
    elif pct > s.max_dissatisfied_pct:
        problems.append(f"不满意率{pct:.1f}%，超过{s.max_dissatisfied_pct}%")
    return problems


def suggested_result(a: Acceptance, s: Settings) -> AcceptanceResult:
    """The result R18 suggests: 合格 when both thresholds hold, 不合格 when the score fails, else 基本合格."""
    if not acceptance_problems(a, s):
        return AcceptanceResult.PASS
    if a.score is not None and a.score < s.pass_score - 10:
        return AcceptanceResult.FAIL
    return AcceptanceResult.BASIC


def poll_problems(a: Acceptance) -> list[str]:
    """Poll numbers that cannot be true."""
    if min(a.participants, a.satisfied, a.basically_satisfied, a.dissatisfied) < 0:
        return ["测评人数不能为负数"]
    if a.satisfied + a.basically_satisfied + a.dissatisfied > a.participants:
        return [f"满意、基本满意、不满意合计{a.satisfied + a.basically_satisfied + a.dissatisfied}人，超过参评人数{a.participants}人"]
    if a.score is not None and not 0 <= a.score <= 100:
        return ["验收得分应在0至100分之间"]
    return []


def consolidation_end(case: RectificationCase, s: Settings) -> date | None:
    """R19: consolidation lasts from sign-off for the configured months."""
    return case.consolidation_end(s.consolidation_months)
