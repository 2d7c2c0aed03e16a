"""The people behind a village's figures (issue 14): its 村"两委" (committee members and dated
vacancies), its named reserve cadres, its 组织生活 (dated meetings) and its 党员发展 pipeline.

The rules need people and dates where the registry kept numbers that go stale: the secretary's age
comes from a birth date, 一肩挑 from the posts one member holds, R4 from the branch committee, R16 from
the reserves by post, S01 from the day a post fell vacant, S04 from dated meetings, S11 from the
dates of the development pipeline. A village with no people on file keeps its registry counts: they
are "unknown people" (``VillagePeople.known`` is False for that part), never invented names.

Records are plain dataclasses stored in their own collections; the functions here read them from
the ledger (indexed per village, kept until the collection changes) and write them through
``Ledger.commit`` (one audited change each).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from .codec import clone
from .dates import age_on
from .errors import FieldError, ValidationErrors
from .models import Gender, Village
from .text import clean_text

if TYPE_CHECKING:
    from .ledger import Ledger


class Post(enum.StrEnum):
    """A 两委 post. The first three are the Party branch committee's, the rest the villagers'."""

    SECRETARY = "书记"
    DEPUTY_SECRETARY = "副书记"
    BRANCH_MEMBER = "支委委员"
    DIRECTOR = "主任"
    DEPUTY_DIRECTOR = "副主任"
    VILLAGE_MEMBER = "村委委员"


BRANCH_POSTS = (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.BRANCH_MEMBER)
VILLAGE_POSTS = (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.VILLAGE_MEMBER)
CHIEF_POSTS = (Post.SECRETARY, Post.DIRECTOR)  # 正职: two reserves each (R16, seed 001)
DEPUTY_POSTS = (Post.DEPUTY_SECRETARY, Post.DEPUTY_DIRECTOR)  # 副职: one each


class MeetingKind(enum.StrEnum):
    """组织生活 (三会一课 and 主题党日)."""

    CONGRESS = "支部党员大会"
    COMMITTEE = "支部委员会"
    GROUP = "党小组会"
    LECTURE = "党课"
    THEME_DAY = "主题党日"


class RecruitStage(enum.StrEnum):
    """党员发展, in order."""

    APPLICANT = "入党申请人"
    ACTIVIST = "入党积极分子"
    CANDIDATE = "发展对象"
    PROBATIONARY = "预备党员"
    FULL = "正式党员"


# What reaching each stage is called (forms, tables and sheets add 时间 for the day it happened).
STAGE_LABELS = {RecruitStage.APPLICANT: "申请入党", RecruitStage.ACTIVIST: "确定积极分子",
                RecruitStage.CANDIDATE: "确定发展对象", RecruitStage.PROBATIONARY: "接收预备党员",
                RecruitStage.FULL: "转为正式党员"}


@dataclass
class CommitteeMember:
    """One person on the 村"两委": the posts held (书记 and 主任 together is 一肩挑; a branch post and a
    villagers' committee post together is 交叉任职) and the term."""

    village_id: int
    name: str
    posts: list[Post] = field(default_factory=list)
    gender: Gender | None = None
    birth: date | None = None
    education: str = ""
    term_start: date | None = None
    term_end: date | None = None
    note: str = ""
    id: int = 0

    @property
    def dual_role(self) -> bool:
        return Post.SECRETARY in self.posts and Post.DIRECTOR in self.posts

    @property
    def cross_serving(self) -> bool:
        return any(p in BRANCH_POSTS for p in self.posts) and any(p in VILLAGE_POSTS for p in self.posts)


@dataclass
class Vacancy:
    """A post without a holder since ``since`` (until ``filled`` when it was filled again)."""

    village_id: int
    post: Post
    since: date
    filled: date | None = None
    note: str = ""
    id: int = 0


@dataclass
class ReserveYear:
    """This year's "三定四个一" items of a reserve cadre (seed 002)."""

    training: bool = False  # 一次培训
    shadowing: bool = False  # 一次跟班学习
    meeting_chaired: bool = False  # 主持一次群众会
    households: int = 0  # 联系农户（10户）


@dataclass
class ReserveCadre:
    """A named reserve cadre (后备干部) for one post."""

    village_id: int
    name: str
    post: Post = Post.BRANCH_MEMBER  # the post reserved for
    gender: Gender | None = None
    birth: date | None = None
    education: str = ""
    years: dict[int, ReserveYear] = field(default_factory=dict)
    note: str = ""
    id: int = 0


@dataclass
class OrgMeeting:
    """One dated 组织生活 entry."""

    village_id: int
    kind: MeetingKind
    day: date
    attendance: int = 0
    note: str = ""
    id: int = 0


@dataclass
class Recruit:
    """A person in the development pipeline and the day each stage was reached."""

    village_id: int
    name: str
    stages: dict[RecruitStage, date] = field(default_factory=dict)
    note: str = ""
    id: int = 0

    def stage_on(self, day: date) -> RecruitStage | None:
        """The furthest stage reached by ``day``."""
        reached = [s for s, d in self.stages.items() if d <= day]
        return max(reached, key=list(RecruitStage).index) if reached else None


COLLECTIONS: dict[str, type] = {
    "committee": CommitteeMember,
    "vacancies": Vacancy,
    "reserves": ReserveCadre,
    "meetings": OrgMeeting,
    "recruits": Recruit,
}
LABELS = {"committee": "村“两委”成员", "vacancies": "出缺记录", "reserves": "后备干部", "meetings": "组织生活记录",
          "recruits": "党员发展记录"}


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class VillagePeople:
    """Everything on file about one village's people."""

    committee: tuple[CommitteeMember, ...] = ()
    vacancies: tuple[Vacancy, ...] = ()
    reserves: tuple[ReserveCadre, ...] = ()
    meetings: tuple[OrgMeeting, ...] = ()
    recruits: tuple[Recruit, ...] = ()

    def holders(self, post: Post) -> list[CommitteeMember]:
        return [m for m in self.committee if post in m.posts]

    @property
    def secretary(self) -> CommitteeMember | None:
        found = self.holders(Post.SECRETARY)
        return found[0] if found else None

    @property
    def branch_committee(self) -> list[CommitteeMember]:
        return [m for m in self.committee if any(p in BRANCH_POSTS for p in m.posts)]

    def open_vacancies(self, on: date) -> list[Vacancy]:
        return [v for v in self.vacancies if v.since <= on and (v.filled is None or v.filled > on)]


def _by_village(ledger: Ledger, collection: str) -> dict[int, list[Any]]:
    def build() -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        for r in ledger.records(collection):
            out.setdefault(r.village_id, []).append(r)
        return out

    return ledger.derived(collection, "by_village", build)


def people_of(ledger: Ledger, village_id: int) -> VillagePeople:
    """The village's people as on file (the ledger's own objects: read, do not change)."""
    return VillagePeople(*(tuple(_by_village(ledger, c).get(village_id, ())) for c in COLLECTIONS))


def secretary_facts(ledger: Ledger, v: Village, today: date) -> tuple[bool, int | None, str] | None:
    """(一肩挑, age, education) of the village's Party secretary: the 两委 member holding 书记 when the
    两委 is on file (None when nobody does: the post is vacant), else the registry's figures (None
    without a secretary's name). Age from the birth date, else the registry's number."""
    p = people_of(ledger, v.id)
    if p.committee:
        sec = p.secretary
        if sec is None:
            return None
        return (sec.dual_role, age_on(sec.birth, today) if sec.birth else v.secretary_age,
                sec.education or v.secretary_education)
    if not v.secretary_name:
        return None
    return v.secretary_is_director, v.secretary_age, v.secretary_education


def secretary_age(ledger: Ledger, village_id: int, today: date) -> int | None:
    """From the secretary's birth date when the 两委 is on file (None while the post is vacant), else
    the registry's number."""
    p = people_of(ledger, village_id)
    sec = p.secretary
    if sec is not None and sec.birth is not None:
        return age_on(sec.birth, today)
    if sec is None and any(v.post == Post.SECRETARY for v in p.open_vacancies(today)):
        return None
    return ledger.village(village_id).secretary_age


def reserve_count(ledger: Ledger, village_id: int) -> tuple[int, bool]:
    """(reserve cadres, named?): the named ones when there are any, else the registry's count."""
    named = people_of(ledger, village_id).reserves
    if named:
        return len(named), True
    return ledger.village(village_id).reserve_cadres, False


# ---------------------------------------------------------------- writing


def _checked_name(name: str, label: str, errors: list[FieldError]) -> str:
    name = clean_text(name or "").strip()
    if not name:
        errors.append(FieldError(label, "不能为空"))
    return name


def _village_known(ledger: Ledger, village_id: int, errors: list[FieldError]) -> None:
    if village_id not in {v.id for v in ledger.records("villages")}:
        errors.append(FieldError("村", "该村不在账本中"))


def save_member(ledger: Ledger, m: CommitteeMember) -> CommitteeMember:
    m = clone(m)
    errors: list[FieldError] = []
    _village_known(ledger, m.village_id, errors)
    m.name = _checked_name(m.name, "姓名", errors)
    if not m.posts:
        errors.append(FieldError("职务", "至少选择一个职务"))
    if m.birth is not None and m.birth > ledger.today:
        errors.append(FieldError("出生日期", "不能晚于今天"))
    if m.term_start and m.term_end and m.term_end < m.term_start:
        errors.append(FieldError("任期结束", "不能早于任期开始"))
    if errors:
        raise ValidationErrors(errors)
    return ledger.commit(f"{'修改' if m.id else '新增'}两委成员：{ledger.village_name(m.village_id)} {m.name}",
                         [("committee", m)])[0]


def save_vacancy(ledger: Ledger, v: Vacancy) -> Vacancy:
    v = clone(v)
    errors: list[FieldError] = []
    _village_known(ledger, v.village_id, errors)
    if v.since > ledger.today:
        errors.append(FieldError("出缺日期", "不能晚于今天"))
    if v.filled is not None and v.filled < v.since:
        errors.append(FieldError("补齐日期", "不能早于出缺日期"))
    if errors:
        raise ValidationErrors(errors)
    return ledger.commit(f"{'修改' if v.id else '登记'}出缺：{ledger.village_name(v.village_id)} {v.post.value}",
                         [("vacancies", v)])[0]


def save_reserve(ledger: Ledger, r: ReserveCadre) -> ReserveCadre:
    r = clone(r)
    errors: list[FieldError] = []
    _village_known(ledger, r.village_id, errors)
    r.name = _checked_name(r.name, "姓名", errors)
    if r.birth is not None and r.birth > ledger.today:
        errors.append(FieldError("出生日期", "不能晚于今天"))
    for year, items in r.years.items():
        if items.households < 0:
            errors.append(FieldError("联系农户", f"{year}年的户数不能为负数"))
    if errors:
        raise ValidationErrors(errors)
    return ledger.commit(f"{'修改' if r.id else '新增'}后备干部：{ledger.village_name(r.village_id)} {r.name}",
                         [("reserves", r)])[0]


def save_meeting(ledger: Ledger, m: OrgMeeting) -> OrgMeeting:
    m = clone(m)
    errors: list[FieldError] = []
    _village_known(ledger, m.village_id, errors)
    if m.day > ledger.today:
        errors.append(FieldError("日期", "不能晚于今天（组织生活记录的是已开展的活动）"))
    if m.attendance < 0:
        errors.append(FieldError("到会人数", "不能为负数"))
    if errors:
        raise ValidationErrors(errors)
    return ledger.commit(f"{'修改' if m.id else '登记'}组织生活：{ledger.village_name(m.village_id)} "
                         f"{m.day.isoformat()} {m.kind.value}", [("meetings", m)])[0]


def save_recruit(ledger: Ledger, r: Recruit) -> Recruit:
    r = clone(r)
    errors: list[FieldError] = []
    _village_known(ledger, r.village_id, errors)
    r.name = _checked_name(r.name, "姓名", errors)
    order = list(RecruitStage)
    dated = sorted(r.stages.items(), key=lambda kv: order.index(kv[0]))
    for (s1, d1), (s2, d2) in zip(dated, dated[1:]):
        if d2 < d1:
            errors.append(FieldError(s2.value, f"日期不能早于{s1.value}（{d1.isoformat()}）"))
    if any(d > ledger.today for d in r.stages.values()):
        errors.append(FieldError("日期", "不能晚于今天"))
    if errors:
        raise ValidationErrors(errors)
    return ledger.commit(f"{'修改' if r.id else '新增'}党员发展：{ledger.village_name(r.village_id)} {r.name}",
                         [("recruits", r)])[0]
