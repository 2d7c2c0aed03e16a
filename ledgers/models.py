"""Domain objects: typed dataclasses whose enum values are the Chinese labels clerks see.

Names follow the glossary in ../shared/DOMAIN.md. Records carry their own stable integer ``id``
(allocated by the store, never reused); 0 means "not saved yet".
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date


class VillageKind(enum.StrEnum):
    VILLAGE = "村"
    COMMUNITY = "社区"


class OrgType(enum.StrEnum):
    BRANCH = "党支部"
    GENERAL_BRANCH = "党总支"
    COMMITTEE = "党委"
    JOINT_BRANCH = "联合党支部"


class IncomeTier(enum.StrEnum):
    SHELL = "空壳村"
    WEAK = "薄弱村"
    T5_10 = "5万-10万元"
    T10_50 = "10万-50万元"
    T50_100 = "50万-100万元"
    T100 = "100万元以上"
    UNKNOWN = "未填报"


class CaseState(enum.StrEnum):
    CANDIDATE = "拟认定"
    IDENTIFIED = "已认定"
    RECTIFYING = "整顿中"
    AWAITING_ACCEPTANCE = "待验收"
    ACCEPTED = "验收合格"
    SIGNED_OFF = "已销号"
    CONSOLIDATING = "巩固提升"
    ARCHIVED = "已归档"
    DISMISSED = "未认定"
    RELAPSED = "反弹"


TERMINAL_CASE_STATES = frozenset({CaseState.DISMISSED, CaseState.ARCHIVED, CaseState.RELAPSED})
# States in which a case needs its four 四个一 slots (DOMAIN.md: identified … consolidating).
SLOTTED_CASE_STATES = frozenset({
    CaseState.IDENTIFIED, CaseState.RECTIFYING, CaseState.AWAITING_ACCEPTANCE,
    CaseState.ACCEPTED, CaseState.SIGNED_OFF, CaseState.CONSOLIDATING,
})

DEFAULT_TERM_MONTHS = 24  # R8: a first secretary's posting (DOMAIN.md)

# States whose task list may still change: once submitted for acceptance the list is what is
# inspected (a failed acceptance sends the case back to 整顿中, where it can change again).
TASK_EDIT_STATES = frozenset({CaseState.CANDIDATE, CaseState.IDENTIFIED, CaseState.RECTIFYING})


class TaskStatus(enum.StrEnum):
    NOT_STARTED = "未启动"
    IN_PROGRESS = "推进中"
    DONE = "已完成"
    CLOSED = "已销项"


class AcceptanceResult(enum.StrEnum):
    PASS = "合格"
    BASIC = "基本合格"
    FAIL = "不合格"


class Role(enum.StrEnum):
    COUNTY_LEADER = "县级联系领导"
    TOWNSHIP_LEADER = "乡镇包村领导"
    FIRST_SECRETARY = "第一书记"
    PAIRED_UNIT = "结对单位"

    @property
    def short(self) -> str:
        """Four characters at most, for narrow panels and table cells."""
        return {"县级联系领导": "县领导", "乡镇包村领导": "镇领导"}.get(self.value, self.value)


class Gender(enum.StrEnum):
    MALE = "男"
    FEMALE = "女"


class UnitLevel(enum.StrEnum):
    CENTRAL = "中央"
    PROVINCIAL = "省直"
    MUNICIPAL = "市直"
    COUNTY = "县直"
    SOE = "国企"
    PUBLIC_INSTITUTION = "事业单位"
    UNIVERSITY = "高校"
    OTHER = "其他"


class VillageType(enum.StrEnum):
    """村类型 on the first-secretary roster."""

    POVERTY_LIFTED = "脱贫村"
    RELOCATION = "易地扶贫搬迁安置村"
    REVITALIZATION = "乡村振兴任务重村"
    WEAK_BRANCH = "软弱涣散村"
    RED = "红色村"
    DEMONSTRATION = "乡村振兴示范村"
    SHELL_ECONOMY = "集体经济空壳村"
    OTHER = "其他"


class Grade(enum.StrEnum):
    EXCELLENT = "优秀"
    COMPETENT = "称职"
    BASIC = "基本称职"
    INCOMPETENT = "不称职"


GRADE_ORDER = (Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT)


class SecretaryStatus(enum.StrEnum):
    """Status of a posting. 期满待轮换 is never stored: it follows from the date (``roster.status_of``)."""

    PROPOSED = "拟选派"
    ACTIVE = "在岗"
    TERM_ENDING = "期满待轮换"
    RECALLED = "召回"
    REASSIGNED = "调整"
    LEFT = "期满离任"
    WITHDRAWN = "取消选派"


ENDED_SECRETARY_STATES = frozenset({SecretaryStatus.RECALLED, SecretaryStatus.REASSIGNED, SecretaryStatus.LEFT,
                                    SecretaryStatus.WITHDRAWN})
# A posting in these states is stationed in its village (it fills the 四个一 first-secretary slot).
SERVING_SECRETARY_STATES = frozenset({SecretaryStatus.ACTIVE, SecretaryStatus.TERM_ENDING})


class RecallReason(enum.StrEnum):
    UNFIT = "不胜任不尽职"
    INCOMPETENT_GRADE = "考核不称职"
    ABSENT = "驻村时间不足/无故不在岗"
    DISCIPLINE = "违纪违法"
    HEALTH = "健康原因"
    TOWNSHIP_DECISION = "乡镇党委认为不宜继续"
    NOT_DECOUPLED = "未与原单位脱钩"
    OTHER = "其他"


class Level(enum.StrEnum):
    """Severity of a rule finding."""

    ERROR = "错误"
    WARNING = "提醒"
    INFO = "提示"


# ---------------------------------------------------------------- registry


@dataclass
class Village:
    """An administrative village or urban community and its Party organisation (村情)."""

    name: str
    township: str = ""
    kind: VillageKind = VillageKind.VILLAGE
    population: int = 0
    households: int = 0
    full_members: int = 0
    probationary_members: int = 0
    org_type: OrgType = OrgType.BRANCH
    org_name: str = ""
    secretary_name: str = ""
    secretary_age: int | None = None
    secretary_education: str = ""
    secretary_is_director: bool = False
    secretary_pay: int | None = None  # annual base pay of the village secretary, 元 (R14)
    collective_income: dict[int, int] = field(default_factory=dict)  # year → operating income, 元
    tags: list[str] = field(default_factory=list)  # 脱贫村 / 红色村 / 示范村 …
    reserve_cadres: int = 0
    org_term_start: date | None = None
    note: str = ""
    id: int = 0

    @property
    def members(self) -> int:
        return self.full_members + self.probationary_members

    def standard_org_name(self) -> str:
        """The organisation's name as written in documents when the clerk gave none."""
        if self.org_type == OrgType.COMMITTEE:
            return f"中共{self.name}委员会"
        return f"{self.name}{self.org_type.value}"

    def income(self, year: int | None = None) -> int | None:
        """Operating income of ``year``, or of the latest year on file when ``year`` is None."""
        if not self.collective_income:
            return None
        if year is None:
            year = max(self.collective_income)
        return self.collective_income.get(year)


@dataclass
class Leader:
    """A county-level or township leader who can hold a 四个一 slot."""

    name: str
    title: str = ""
    role: Role = Role.TOWNSHIP_LEADER  # COUNTY_LEADER or TOWNSHIP_LEADER
    phone: str = ""
    id: int = 0


@dataclass
class Unit:
    """An agency that pairs with villages (结对单位) or sends first secretaries (派出单位)."""

    name: str
    level: UnitLevel = UnitLevel.COUNTY
    id: int = 0


@dataclass
class Situation:
    """One row of the 软弱涣散情形 table (S01…S99), editable by the office."""

    code: str
    text: str
    core: bool = False  # part of the central core list S01–S09
    active: bool = True
    id: int = 0


# ---------------------------------------------------------------- first secretaries


@dataclass
class StatusChange:
    """One entry of a first secretary's posting history."""

    on: date
    from_status: SecretaryStatus | None
    to_status: SecretaryStatus
    reason: str = ""
    who: str = ""


@dataclass
class Cadre:
    """A cadre who can be sent as a first secretary: the person, whatever village they serve in."""

    name: str
    gender: Gender = Gender.MALE
    ethnicity: str = "汉族"
    birth: date | None = None  # 出生年月; the day is kept when known from the ID number
    political_status: str = "中共党员"
    education: str = ""
    dispatching_unit: str = ""
    unit_level: UnitLevel = UnitLevel.COUNTY
    original_post: str = ""
    rank: str = ""
    id_number: str = ""
    phone: str = ""
    note: str = ""
    id: int = 0


@dataclass
class Posting:
    """One stay of one cadre in one village (one row of the 第一书记花名册).

    ``status`` holds the last status an action set; 期满待轮换 is computed from the date on read
    (``roster.status_of``), so it is never stored and never stale."""

    cadre_id: int
    village_id: int
    village_type: VillageType = VillageType.OTHER
    batch: str = ""
    arrival: date | None = None
    term_months: int = 0  # 0 → Settings.secretary_term_months, filled in when the posting is saved
    term_end: date | None = None  # None → arrival + term_months (R8)
    status: SecretaryStatus = SecretaryStatus.PROPOSED
    ended_on: date | None = None  # last day in the village (recall, reassignment, leaving)
    assessments: dict[int, Grade] = field(default_factory=dict)
    absences: dict[int, int] = field(default_factory=dict)  # year → unexcused absences (R10)
    recall_reason: RecallReason | None = None
    approver: str = ""  # who approved a recall
    end_reason: str = ""  # why it ended (recall text, reassignment reason, withdrawal reason)
    successor_of: int | None = None  # the posting this one continues (调整 to another village)
    history: list[StatusChange] = field(default_factory=list)
    note: str = ""
    id: int = 0

    def serves_on(self, day: date) -> bool:
        """Stationed in the village on ``day``: arrived, and not yet ended (a 拟选派 one is planned only)."""
        if self.status in (SecretaryStatus.PROPOSED, SecretaryStatus.WITHDRAWN) or self.arrival is None:
            return False
        if self.ended_on is None:  # an ended one without its last day (an imported sheet) serves no more
            return self.status not in ENDED_SECRETARY_STATES and self.arrival <= day
        return self.arrival <= day <= self.ended_on


@dataclass(frozen=True)
class RosterEntry:
    """One roster row as read: a posting with its cadre, the status in force today (期满待轮换 computed)
    and the term end. Built by ``ledgers.roster``; the records inside belong to the ledger (read-only)."""

    cadre: Cadre
    posting: Posting
    status: SecretaryStatus
    term_end: date | None
    village: str = ""
    township: str = ""

    @property
    def id(self) -> int:
        """The posting's id: a roster row is a posting."""
        return self.posting.id

    @property
    def name(self) -> str:
        return self.cadre.name

    @property
    def serving(self) -> bool:
        return self.status in SERVING_SECRETARY_STATES

    @property
    def ended(self) -> bool:
        return self.status in ENDED_SECRETARY_STATES


# ---------------------------------------------------------------- rectification


@dataclass
class Task:
    """A row of the problem list: one problem and the measure that rectifies it."""

    problem: str
    measure: str = ""
    leader: str = ""  # 责任领导
    owner: str = ""  # 责任人
    deadline: date | None = None
    status: TaskStatus = TaskStatus.NOT_STARTED
    done_on: date | None = None
    evidence: str = ""  # 佐证材料
    waived: bool = False
    waive_note: str = ""
    id: int = 0  # unique within its case

    @property
    def finished(self) -> bool:
        """Done, closed, or waived with a note: what the rectifying → awaiting guard asks for."""
        return self.status in (TaskStatus.DONE, TaskStatus.CLOSED) or (self.waived and bool(self.waive_note.strip()))

    def overdue(self, today: date) -> bool:
        return not self.finished and self.deadline is not None and today > self.deadline

    def days_overdue(self, today: date) -> int:
        return (today - self.deadline).days if self.overdue(today) and self.deadline else 0

    def completion(self, today: date) -> str:
        """Which 完成情况 a task shows: "waived" (with a note), "done" (done or closed), "overdue"
        or "open" — the screen and the printed 推进表 word and colour it each their own way."""
        if self.waived and self.waive_note:
            return "waived"
        if self.status in (TaskStatus.DONE, TaskStatus.CLOSED):
            return "done"
        return "overdue" if self.overdue(today) else "open"


@dataclass
class ProgressReport:
    on: date
    text: str
    who: str = ""


@dataclass
class Acceptance:
    """An acceptance inspection (体检式验收) with its democratic poll."""

    on: date
    result: AcceptanceResult
    score: float | None = None
    members: list[str] = field(default_factory=list)  # 验收组成员
    participants: int = 0  # 参评
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    township_opinion: str = ""
    county_opinion: str = ""
    note: str = ""


@dataclass
class Review:
    """A follow-up visit (回头看) during consolidation."""

    on: date
    finding: str
    relapsed: bool = False
    who: str = ""


@dataclass
class Transition:
    """One recorded state change of a case."""

    on: date
    from_state: CaseState | None
    to_state: CaseState
    who: str = ""
    reason: str = ""


@dataclass
class RectificationCase:
    """One weak-branch case: one village in one batch, from listing to archive (整顿台账)."""

    village_id: int
    year: int
    batch: str = ""
    situations: list[str] = field(default_factory=list)  # situation codes
    situation_note: str = ""  # required text for S99
    problem_summary: str = ""
    cause_analysis: str = ""
    identified_on: date | None = None
    state: CaseState = CaseState.CANDIDATE
    tasks: list[Task] = field(default_factory=list)
    progress: list[ProgressReport] = field(default_factory=list)
    acceptances: list[Acceptance] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    history: list[Transition] = field(default_factory=list)
    rectify_deadline: date | None = None  # overall deadline; reset on re-rectification
    signed_off_on: date | None = None
    approver: str = ""
    dismissed_reason: str = ""
    relapse_of: int | None = None  # the earlier case this one reopens
    relapsed_into: int | None = None  # the new case opened when this one relapsed
    note: str = ""
    id: int = 0

    @property
    def active(self) -> bool:
        return self.state not in TERMINAL_CASE_STATES

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.finished)

    def overdue_tasks(self, today: date) -> list[Task]:
        return [t for t in self.tasks if t.overdue(today)]

    @property
    def last_step(self) -> Transition | None:
        """The latest transition that was a step of the work (the listing, typed in whenever the clerk
        gets to it, is not): no later step may be dated before it."""
        return next((t for t in reversed(self.history) if t.from_state is not None), None)

    def next_deadline(self) -> date | None:
        pending = [t.deadline for t in self.tasks if not t.finished and t.deadline is not None]
        return min(pending) if pending else None

    @property
    def last_acceptance(self) -> Acceptance | None:
        return self.acceptances[-1] if self.acceptances else None

    def consolidation_end(self, months: int) -> date | None:
        from .dates import add_months

        return add_months(self.signed_off_on, months) if self.signed_off_on else None


# ---------------------------------------------------------------- 四个一


@dataclass
class Assignment:
    """One leader or unit holding one 四个一 slot of one village, from ``start`` until ``end``.

    ``holder_id`` points at a Leader (county/township roles) or a Unit. The first-secretary slot is
    not an assignment: it is the village's serving ``Posting`` (one truth, see ``ledgers.assignments``).
    """

    village_id: int
    role: Role
    holder_id: int
    start: date | None = None
    end: date | None = None
    note: str = ""
    id: int = 0

    def active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


# ---------------------------------------------------------------- settings


@dataclass
class Settings:
    """Township profile and every rule parameter (DOMAIN.md, defaults)."""

    township: str = "青石镇"
    county: str = ""
    party_committee: str = ""  # 中共青石镇委员会
    issuer_mark: str = ""  # 发文机关标志, e.g. 中共青石镇委员会文件
    doc_prefix: str = ""  # 文号 prefix, e.g. 青石发
    printing_office: str = ""  # 印发机关
    signer: str = ""  # 签发人 of upward documents (上行文: the 验收销号 report to 县委组织部)
    default_recipients: str = "各村（社区）党组织"
    default_cc: str = ""
    clerk: str = ""  # who is recorded in history and audit when no other name is given
    font_body: str = "仿宋_GB2312"
    font_title: str = "方正小标宋简体"
    font_heading1: str = "黑体"
    font_heading2: str = "楷体_GB2312"
    font_page_number: str = "宋体"
    # R1–R4
    min_members_own_branch: int = 3
    general_branch_members: int = 50
    committee_members: int = 100
    split_branch_over: int = 50
    committee_needed_members: int = 7
    # R5
    org_term_years: int = 5
    org_term_warn_days: int = 180
    # R8
    secretary_term_months: int = DEFAULT_TERM_MONTHS
    term_warn_days: int = 60
    term_urgent_days: int = 30
    # R10
    absences_no_excellent: int = 1
    absences_max_basic: int = 2
    absences_incompetent: int = 3
    # R13 (元)
    weak_income_below: int = 50_000
    # R14
    rural_income_per_capita: int = 0  # last year's rural per-capita disposable income, 元; 0 = not set
    pay_multiple: int = 2
    pay_multiple_dual_role: int = 3
    # R15 (元)
    office_fund_small: int = 20_000
    office_fund_large: int = 25_000
    office_fund_population: int = 1_500
    office_fund_community: int = 30_000
    party_fund_village: int = 5_000
    party_fund_community: int = 50_000
    activity_fund_per_member: int = 100
    activity_fund_minimum: int = 3_000
    activity_fund_min_below_members: int = 30
    # R16
    min_reserve_cadres: int = 3
    max_reserve_cadres: int = 5
    # 拉网式排查 (issue 14): the thresholds of the situations the ledger's data can show
    vacancy_months: int = 3  # S01: a post vacant longer than this
    congresses_per_quarter: int = 1  # S04: 支部党员大会 each quarter
    committee_meetings_per_month: int = 1  # S04: 支部委员会 each month
    lectures_per_quarter: int = 1  # S04: 党课 each quarter
    min_satisfaction_pct: int = 60  # S10: the latest poll below this
    years_without_candidate: int = 2  # S11: no 发展对象 for this many years
    last_places: int = 1  # S13: this many from the bottom of the year's ranking
    # R18
    pass_score: int = 70
    max_dissatisfied_pct: int = 50
    # R19
    consolidation_months: int = 12
    # the audit log: entries kept in the ledger file; older ones move to an archive file beside it
    audit_keep_entries: int = 5000
    # 通报 下步工作要求, editable template
    circular_requirements: str = ""
    id: int = 0

    @property
    def committee_name(self) -> str:
        return self.party_committee or f"中共{self.township}委员会"

    @property
    def mark(self) -> str:
        return self.issuer_mark or f"{self.committee_name}文件"

    @property
    def prefix(self) -> str:
        return self.doc_prefix or f"{self.township.removesuffix('镇').removesuffix('乡')[:2]}发"

    @property
    def printer(self) -> str:
        return self.printing_office or f"{self.committee_name}党政办公室"
