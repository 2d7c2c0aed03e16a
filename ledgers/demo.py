"""Demo data: the fictional township 青石镇, and larger generated ledgers for benchmarks.

Everything is invented: names, units, ID numbers (random, valid format and checksum), phones from the
13800000000–13899999999 test range. Dates are relative to the ledger's "today", so the demo shows
cases in every state, an overdue task, a 四个一 gap and conflicts whatever day it is loaded.
Cases are walked through the real workflow (``apply_case``), so their histories are genuine.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from . import workflow
from .dates import add_months
from .ledger import DATA_DIR, Ledger
from .models import (
    Acceptance,
    AcceptanceResult,
    Assignment,
    CaseState,
    Cadre,
    Gender,
    Grade,
    Leader,
    OrgType,
    Posting,
    ProgressReport,
    RecallReason,
    RectificationCase,
    Review,
    Role,
    SecretaryStatus,
    Settings,
    StatusChange,
    Situation,
    Task,
    TaskStatus,
    Transition,
    Unit,
    UnitLevel,
    Village,
    VillageKind,
    VillageType,
)
from .validate import random_id_number

SCALES = ("township", "county", "prefecture")
# The generated scales (benchmarks rely on these sizes): a county of 12 townships × 25 = 300 villages;
# a prefecture of 60 × 34 = 2,040 villages, 500 cases of 5 tasks each, 1,500 first secretaries and at
# least 5,000 progress reports (seed 002: 1,347 villages, 1,487 with dispatched cadres).
SIZES: dict[str, dict[str, int]] = {
    "county": dict(townships=12, villages_per=25, cases=60, secretaries=150, reports=600),
    "prefecture": dict(townships=60, villages_per=34, cases=500, secretaries=1500, reports=5000),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰辉建国志红梅林海波宁鹏飞斌宇浩凯健俊帆云峰文晓东亮成雪琳春晨欣"
VILLAGE_ROOTS = ("青山 石桥 长安 重阳 乐平 曾家 柳溪 桃源 河东 河西 东风 红旗 白云 金沙 枫林 龙泉 马鞍 杨家坪 大坪 李家湾 "
                 "竹林 梅岭 单家庄 高峰 新华 团结 和平 胜利 光明 前进 联合 永丰 兴隆 五里 黄土 凤凰 双河 三合 万福 "
                 "安乐 太平 长乐 清水 花园 柏树 松林 杏花 荷塘 石门 沙坝 岩口 茶园 水口 新店 中和 仁和 福田 平安").split()
UNITS = [("县委办公室", UnitLevel.COUNTY), ("县财政局", UnitLevel.COUNTY), ("县农业农村局", UnitLevel.COUNTY),
         ("县人民医院", UnitLevel.PUBLIC_INSTITUTION), ("县供电公司", UnitLevel.SOE), ("市委组织部", UnitLevel.MUNICIPAL),
         ("省交通运输厅", UnitLevel.PROVINCIAL), ("县水利局", UnitLevel.COUNTY), ("县教育局", UnitLevel.COUNTY),
         ("市农业科学院", UnitLevel.PUBLIC_INSTITUTION), ("省农业大学", UnitLevel.UNIVERSITY), ("县农商银行", UnitLevel.SOE)]
PROBLEMS = [
    ("组织生活不规范，“三会一课”记录不全", "建立组织生活台账，每月固定主题党日，镇包村干部全程指导"),
    ("村党组织书记带富能力弱，集体经济薄弱", "引进合作社发展特色种植，盘活闲置集体资产"),
    ("村务财务公开不及时，群众意见较大", "每季度公开村务财务，设立监督信箱，接受群众监督"),
    ("班子成员分工不明确，工作推诿", "重新明确两委班子分工，建立周例会制度"),
    ("两年未发展党员，后备力量不足", "确定入党积极分子2名，培养后备干部3名"),
    ("信访矛盾集中，调处不及时", "建立矛盾纠纷排查调处机制，包组干部每周走访"),
    ("党员活动阵地设施陈旧", "改造村级党群服务中心，配齐设施设备"),
]


def batch_years(today: date) -> tuple[int, int]:
    """(last batch, current batch). A batch is listed in spring; last year's must have had its 12-month
    consolidation (signed off in early October) before today, or its archived cases would be dated
    in the future. Before mid-October both batches are therefore a year earlier."""
    y = today.year
    return (y - 1, y) if today >= date(y, 10, 15) else (y - 2, y - 1)


class Demo:
    """Builds records in memory; ``records()`` yields them in an order that lets ids be referenced."""

    def __init__(self, today: date, seed: int = 7) -> None:
        self.today = today
        self.rng = random.Random(seed)
        self.settings = Settings()
        self._phones: set[str] = set()

    def days_ago(self, n: int) -> date:
        return self.today - timedelta(days=n)

    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def phone(self) -> str:
        while True:
            p = f"138{self.rng.randrange(10**8):08d}"
            if p not in self._phones:
                self._phones.add(p)
                return p

    def village(self, name: str, township: str, kind: VillageKind = VillageKind.VILLAGE, **over: Any) -> Village:
        r = self.rng
        full = r.choice([2, 5, 9, 14, 18, 23, 27, 31, 36, 42, 48, 52, 61, 75, 104])
        pop = r.randrange(600, 4200)
        year = self.today.year
        last = r.choice([0, 12_000, 38_000, 65_000, 120_000, 280_000, 560_000, 1_250_000])
        v = Village(
            name=name, township=township, kind=kind, population=pop, households=pop // 3,
            full_members=full, probationary_members=r.randrange(0, 3),
            org_type=OrgType.JOINT_BRANCH if full < 3 else (OrgType.GENERAL_BRANCH if full >= 60 else OrgType.BRANCH),
            secretary_name=self.person(), secretary_age=r.randrange(32, 60),
            secretary_education=r.choice(["高中", "中专", "大专", "本科"]),
            secretary_is_director=r.random() < 0.9, secretary_pay=r.choice([42_000, 48_000, 60_000, 75_000]),
            collective_income={year - 2: max(0, last - r.randrange(0, 20_000)), year - 1: last},
            tags=r.sample(["脱贫村", "红色村", "示范村", "乡村振兴重点村"], r.choice([0, 0, 1, 1, 2])),
            reserve_cadres=r.choice([1, 2, 3, 3, 4, 5]),
            org_term_start=self.last_election(r.choice([1, 3, 4])),
        )
        for k, val in over.items():
            setattr(v, k, val)
        v.org_name = v.standard_org_name()
        return v

    def last_election(self, month: int) -> date:
        """The latest village election (2021, 2026, … every five years) before today."""
        year = self.today.year - (self.today.year - 2021) % 5
        day = date(year, month, 15)
        return day if day <= self.today else date(year - 5, month, 15)

    def secretary(self, unit: tuple[str, UnitLevel], village: Village, arrival: date | None,
                  status: SecretaryStatus = SecretaryStatus.ACTIVE) -> tuple[Cadre, Posting]:
        """A fictional cadre and their posting to ``village`` (its ``cadre_id`` is set once the cadre
        is stored: the caller yields the cadre first)."""
        r = self.rng
        gender = Gender.MALE if r.random() < 0.7 else Gender.FEMALE
        birth = date(r.randrange(1972, 1996), r.randrange(1, 13), r.randrange(1, 29))
        cadre = Cadre(
            name=self.person(), gender=gender, ethnicity=r.choice(["汉族"] * 6 + ["苗族", "土家族", "侗族"]),
            birth=birth, education=r.choice(["大学本科", "研究生", "大学本科", "大专"]), dispatching_unit=unit[0],
            unit_level=unit[1], original_post=r.choice(["科员", "副科长", "科长", "副主任", "干事"]),
            rank=r.choice(["一级科员", "四级主任科员", "二级主任科员", "副科级"]),
            id_number=random_id_number(r, birth=birth, gender=gender), phone=self.phone())
        selected = (arrival or self.today) - timedelta(days=20)
        p = Posting(0, village.id, village_type=r.choice(list(VillageType)),
                    batch=f"第{r.choice(['十', '十一', '十二'])}批", term_months=24, status=SecretaryStatus.PROPOSED,
                    history=[StatusChange(selected, None, SecretaryStatus.PROPOSED, "选派")])
        if status != SecretaryStatus.PROPOSED and arrival is not None:
            workflow.apply_posting(p, SecretaryStatus.PROPOSED, SecretaryStatus.ACTIVE,
                                   workflow.PostingInput(on=arrival), self.today, self.settings)
            y = self.today.year
            for year in (y - 2, y - 1):
                if date(year, 12, 31) > arrival:
                    p.assessments[year] = r.choice([Grade.EXCELLENT, Grade.COMPETENT, Grade.COMPETENT])
        return cadre, p

    def act(self, p: Posting, to: SecretaryStatus, **kw: Any) -> None:
        """A posting action through the real workflow, from the status in force on its date."""
        from .rules import status_of

        on = kw.get("on") or self.today
        workflow.apply_posting(p, status_of(p, self.settings, on), to, workflow.PostingInput(**kw), self.today,
                               self.settings)

    def tasks(self, n: int, start: date, *, overdue: int = 0, done: int = 0) -> list[Task]:
        """``n`` tasks; the first ``done`` finished, the next ``overdue`` past their deadline."""
        out = []
        picks = self.rng.sample(PROBLEMS, min(n, len(PROBLEMS)))
        for i in range(n):
            problem, measure = picks[i % len(picks)]
            if i < done:
                deadline = start + timedelta(days=60 + 15 * i)
                t = Task(problem, measure, "镇党委副书记", self.person(), deadline, TaskStatus.DONE,
                         min(deadline, self.today), "会议记录、照片、公示材料", id=i + 1)
            elif i < done + overdue:
                t = Task(problem, measure, "镇党委委员", self.person(), self.today - timedelta(days=12 + 9 * i),
                         TaskStatus.IN_PROGRESS, id=i + 1)
            else:
                t = Task(problem, measure, "镇党委委员", self.person(), self.today + timedelta(days=45 + 10 * i),
                         self.rng.choice([TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]), id=i + 1)
            out.append(t)
        return out

    def walk(self, c: RectificationCase, to: CaseState, on: date, **kw: Any) -> None:
        """Move a case through the real workflow, as a clerk would have."""
        i = workflow.CaseInput(on=on, who="党建办", filled_roles=set(Role), **kw)
        workflow.apply_case(c, to, i, self.today, self.settings)

    def case_to(self, village: Village, year: int, target: CaseState, *, overdue: int = 0,
                relapse_reviewed: bool = False, rerectified: bool = False) -> RectificationCase:
        """A case of ``village`` taken by real transitions up to ``target``."""
        r = self.rng
        listed = date(year, 3, r.randrange(1, 28))
        if target in (CaseState.SIGNED_OFF, CaseState.CONSOLIDATING, CaseState.ARCHIVED, CaseState.RELAPSED):
            listed = date(year, 2, 10)
        c = RectificationCase(village.id, year, f"{year}年", problem_summary="班子战斗力不强，组织生活不规范，群众满意度不高",
                              cause_analysis="书记能力偏弱，两委分工不明，制度执行不严")
        c.history.append(Transition(listed, None, CaseState.CANDIDATE, "党建办", "拉网式排查列入"))
        if target == CaseState.CANDIDATE:
            return c
        if target == CaseState.DISMISSED:
            self.walk(c, CaseState.DISMISSED, listed + timedelta(days=20), reason="经核查，问题已整改，不予认定")
            return c
        ident = listed + timedelta(days=25)
        self.walk(c, CaseState.IDENTIFIED, ident, situations=sorted(r.sample(["S02", "S04", "S08", "S10", "S11", "S12"], 2)))
        if target == CaseState.IDENTIFIED:
            return c
        total = r.choice([3, 4, 5])
        finished = target not in (CaseState.RECTIFYING,)
        c.tasks = self.tasks(total, ident, overdue=overdue, done=total if finished else 1)
        start = ident + timedelta(days=10)
        self.walk(c, CaseState.RECTIFYING, start)
        c.progress.append(ProgressReport(start + timedelta(days=30), "召开专题组织生活会，制定整改方案，逐项明确责任人", "包村干部"))
        if target == CaseState.RECTIFYING and not rerectified:
            c.progress.append(ProgressReport(min(self.today, start + timedelta(days=75)), "整改任务推进中，部分任务已完成", "包村干部"))
            return c
        # The acceptance of a signed-off case lies far enough back for its consolidation to fit.
        if target in (CaseState.SIGNED_OFF, CaseState.CONSOLIDATING, CaseState.ARCHIVED, CaseState.RELAPSED):
            done_by = date(year, 9, 10)
        else:
            done_by = self.days_ago(r.randrange(20, 40))
        for t in c.tasks:
            if not t.finished:
                t.status, t.done_on = TaskStatus.DONE, done_by - timedelta(days=5)
        self.walk(c, CaseState.AWAITING_ACCEPTANCE, done_by)
        if rerectified:
            c.acceptances.append(Acceptance(done_by + timedelta(days=7), AcceptanceResult.FAIL, 58, ["王建国", "刘芳"],
                                            60, 20, 14, 26, county_opinion="群众满意度偏低，需重新整改"))
            self.walk(c, CaseState.RECTIFYING, done_by + timedelta(days=8), new_deadline=self.today + timedelta(days=40))
            c.tasks.append(Task("群众满意度不高", "逐户走访听取意见，公开整改结果", "镇党委书记", self.person(),
                                self.today + timedelta(days=40), TaskStatus.IN_PROGRESS, id=len(c.tasks) + 1))
            return c
        if target == CaseState.AWAITING_ACCEPTANCE:
            return c
        acc_on = done_by + timedelta(days=10)
        c.acceptances.append(Acceptance(acc_on, AcceptanceResult.PASS, r.randrange(78, 95), ["王建国", "刘芳", "陈志强"],
                                        60, 41, 15, 4, township_opinion="同意验收", county_opinion="同意销号"))
        self.walk(c, CaseState.ACCEPTED, acc_on)
        if target == CaseState.ACCEPTED:
            return c
        self.walk(c, CaseState.SIGNED_OFF, acc_on + timedelta(days=15), approver="县委组织部")
        if target in (CaseState.ARCHIVED, CaseState.RELAPSED, CaseState.CONSOLIDATING):
            review_on = min(self.today, (c.signed_off_on or acc_on) + timedelta(days=150))
            c.reviews.append(Review(review_on, "组织生活正常开展，整改成果巩固" if not relapse_reviewed
                                    else "书记长期不在岗，班子又出现不团结问题", relapsed=relapse_reviewed, who="镇组织委员"))
        if target == CaseState.ARCHIVED:
            self.walk(c, CaseState.ARCHIVED, add_months(c.signed_off_on, 12) + timedelta(days=5))  # type: ignore[arg-type]
        elif target == CaseState.RELAPSED:
            self.walk(c, CaseState.RELAPSED, c.reviews[-1].on)
        return c


def township_records(today: date, township: str = "青石镇") -> Iterator[tuple[str, Any]]:
    """The 青石镇 demo: 25 villages, cases in every state, 15 first secretaries, 四个一 with a gap and conflicts."""
    d = Demo(today)
    y = today.year
    yield "settings", Settings(township=township, county="青川县", party_committee=f"中共{township}委员会",
                               issuer_mark=f"中共{township}委员会文件", doc_prefix="青石发",
                               printing_office=f"中共{township}委员会党政办公室",
                               default_cc="县委组织部，县委农村工作领导小组办公室", clerk="党建办",
                               rural_income_per_capita=18_500,
                               circular_requirements=Ledger._default_settings().circular_requirements, id=1)
    names = VILLAGE_ROOTS[:23]
    villages = [d.village(root + "村", township) for root in names]
    villages += [d.village(root + "社区", township, VillageKind.COMMUNITY) for root in ("新民", "向阳")]
    # Make the registry rules show: a general-branch-sized branch, a too-small one, an expiring term.
    villages[0].full_members, villages[0].probationary_members = 50, 2  # 青山村: 党员52名，可设党总支
    villages[4].full_members, villages[4].org_type = 2, OrgType.BRANCH  # 乐平村: R1
    villages[6].org_term_start = add_months(today, -60) + timedelta(days=90)  # 柳溪村: R5 warning
    villages[9].collective_income = {y - 2: 0, y - 1: 0}  # 河西村: 空壳村
    villages[16].org_term_start = add_months(today, -60) - timedelta(days=30)  # 马鞍村: 未按期换届 (S05)
    for v in villages:
        v.org_name = v.standard_org_name()
        yield "villages", v

    leaders = [Leader(n, t, Role.COUNTY_LEADER, d.phone()) for n, t in
               (("赵立新", "县委常委、组织部部长"), ("钱卫东", "副县长"), ("孙红梅", "县人大常委会副主任"), ("周国庆", "县政协副主席"))]
    leaders += [Leader(n, t, Role.TOWNSHIP_LEADER, d.phone()) for n, t in
                (("吴海波", "镇党委书记"), ("郑晓东", "镇党委副书记、镇长"), ("王春燕", "镇党委副书记"),
                 ("冯建华", "镇党委委员、组织委员"), ("陈亮", "镇党委委员、副镇长"), ("褚文静", "镇党委委员、宣传委员"))]
    for l in leaders:
        yield "leaders", l
    units = [Unit(name, level) for name, level in UNITS[:10]]
    for u in units:
        yield "units", u

    # First secretaries: (village index, unit index, months since arrival, status)
    plan = [(0, 0, 10, "在岗"), (1, 1, 14, "在岗"), (2, 2, 6, "在岗"), (3, 3, 18, "在岗"), (5, 4, 22, "期满待轮换"),
            (7, 5, 9, "在岗"), (8, 6, 12, "在岗"), (10, 7, 16, "在岗"), (11, 8, 3, "在岗"), (12, 9, 20, "在岗"),
            (13, 0, 11, "召回"), (14, 1, 30, "期满离任"), (15, 2, 14, "调整"), (16, 3, 0, "拟选派"), (17, 4, 27, "期满离任")]
    secretaries: list[tuple[Cadre, Posting]] = []
    for vi, ui, months, status in plan:
        arrival = None if status == "拟选派" else add_months(today, -months)
        if status == "期满待轮换":
            arrival = add_months(today, -24) + timedelta(days=38)  # term ends in 38 days: 期满待轮换 by date
        cadre, p = d.secretary(UNITS[ui], villages[vi], arrival,
                               SecretaryStatus.PROPOSED if status == "拟选派" else SecretaryStatus.ACTIVE)
        if status == "召回":
            p.assessments[y - 1] = Grade.INCOMPETENT
            p.absences[y - 1] = 3
            d.act(p, SecretaryStatus.RECALLED, on=d.days_ago(40), recall_reason=RecallReason.INCOMPETENT_GRADE,
                  approver="镇党委", who="党建办")
        elif status == "期满离任":
            assert p.arrival is not None
            end = add_months(p.arrival, 24)
            d.act(p, SecretaryStatus.LEFT, on=end + timedelta(days=1), who="党建办")
        secretaries.append((cadre, p))
    secretaries[3][1].assessments[y - 1] = Grade.BASIC  # R11: an interview to-do
    secretaries[3][1].absences[y - 1] = 2
    secretaries[6][1].assessments[y - 1] = Grade.INCOMPETENT  # R11: a recall to-do
    secretaries[6][1].absences[y - 1] = 3
    moved = secretaries[12][1]  # 调整: from 龙泉村 to 李家湾村 100 days ago, the same cadre
    successor = Posting(0, villages[19].id, VillageType.OTHER, moved.batch, d.days_ago(100), 24,
                        status=SecretaryStatus.ACTIVE)
    # (Records listed without a ledger have no ids yet: any other id stands for the other village.)
    d.act(moved, SecretaryStatus.REASSIGNED, on=d.days_ago(100), reason="工作需要",
          village_id=villages[19].id or -1, who="党建办")
    successor.history.append(StatusChange(d.days_ago(100), None, SecretaryStatus.ACTIVE,
                                          f"由{villages[15].name}调整到村", "党建办"))
    # A sheet kept by hand before this ledger listed 青山村's first secretary in 东风村 as well: a
    # conflict the matrix, the dashboard, ``check`` and the 通报 all show.
    double = Posting(0, villages[10].id, VillageType.WEAK_BRANCH, "第十二批", d.days_ago(30), 24,
                     status=SecretaryStatus.ACTIVE,
                     history=[StatusChange(d.days_ago(30), None, SecretaryStatus.ACTIVE, "从旧表格录入", "党建办")])
    for cadre, p in secretaries:
        yield "cadres", cadre
        p.cadre_id = cadre.id
        yield "postings", p
    successor.cadre_id = moved.cadre_id
    successor.successor_of = moved.id
    yield "postings", successor
    double.cadre_id = secretaries[0][0].id
    yield "postings", double

    # Cases: last year's batch walked to its end states, this year's spread over the working states.
    C = CaseState
    last_year, this_year = batch_years(today)
    last = [(13, C.ARCHIVED), (14, C.CONSOLIDATING), (15, C.RELAPSED), (16, C.DISMISSED), (17, C.ARCHIVED)]
    this = [(0, C.RECTIFYING, {"overdue": 2}), (1, C.RECTIFYING, {"rerectified": True}), (2, C.AWAITING_ACCEPTANCE, {}),
            (3, C.ACCEPTED, {}), (5, C.IDENTIFIED, {}), (7, C.CANDIDATE, {}), (8, C.RECTIFYING, {"overdue": 1}),
            (10, C.RECTIFYING, {})]
    cases: dict[int, RectificationCase] = {}
    for vi, state in last:
        c = d.case_to(villages[vi], last_year, state, relapse_reviewed=state == C.RELAPSED)
        cases[vi] = c
        yield "cases", c
    for vi, state, kw in this:
        c = d.case_to(villages[vi], this_year, state, **kw)
        cases[vi] = c
        yield "cases", c
    relapsed = cases[15]
    relapsed_on = relapsed.reviews[-1].on  # the new case is of the year it relapsed in, as move_case does
    reopened = RectificationCase(villages[15].id, relapsed_on.year, f"{relapsed_on.year}年（反弹）",
                                 problem_summary=relapsed.reviews[-1].finding, relapse_of=relapsed.id)
    reopened.history.append(Transition(relapsed_on, None, C.CANDIDATE, "党建办", f"由{last_year}年案卷反弹转入"))
    yield "cases", reopened
    relapsed.relapsed_into = reopened.id
    yield "cases", relapsed  # again, now with the link (same id: replaced)

    # 四个一 for every village with a case in identified … consolidating (the first-secretary slot is
    # the serving posting).
    county = leaders[:4]
    town = leaders[4:]
    for n, vi in enumerate([0, 1, 2, 3, 5, 8, 10, 14]):
        v = villages[vi]
        since = d.days_ago(200 + 7 * n)
        yield "assignments", Assignment(v.id, Role.COUNTY_LEADER, county[n % 4].id, since)
        if vi != 8:  # 河东村: no township leader yet → a gap
            yield "assignments", Assignment(v.id, Role.TOWNSHIP_LEADER, town[n % 6].id, since)
        if vi != 10:  # 东风村: no paired unit → a gap
            yield "assignments", Assignment(v.id, Role.PAIRED_UNIT, units[n % len(units)].id, since)

    # The villages' people, meetings, polls and ranking; a few show a situation to the 排查.
    from .demo_people import SHOWN, village_people

    yield from village_people(villages, today, shown=SHOWN)


# Titles of the leaders who take a village (a county's 30, each township's five).
COUNTY_TITLES = ("县委副书记", "县委常委、组织部部长", "县委常委、宣传部部长", "县委常委、统战部部长",
                 "县委常委、政法委书记", "县人大常委会副主任", "副县长", "县政协副主席", "县委常委、纪委书记",
                 "县委常委、常务副县长")
TOWNSHIP_TITLES = ("党委副书记", "党委委员、副镇长", "人大主席", "纪委书记", "党委委员、组织委员")


def generated_records(today: date, *, townships: int, villages_per: int, cases: int, secretaries: int,
                      reports: int, seed: int = 11) -> Iterator[tuple[str, Any]]:
    """A large fictional county or prefecture for benchmarks, with the same shapes as the demo."""
    d = Demo(today, seed)
    r = d.rng
    last_year, this_year = batch_years(today)
    # A county office writes to its townships' Party committees, not to villages.
    yield "settings", Settings(township="青川县", county="青川县", party_committee="中共青川县委员会",
                               doc_prefix="青县发", clerk="党建办", rural_income_per_capita=18_500,
                               default_recipients="各乡镇党委", id=1)
    township_names = [f"{a}{b}镇" for a in "青石白云金山龙泉凤凰太平清水红星永安" for b in "河桥坪岭湾口"][:townships]
    all_villages: list[Village] = []
    for t in township_names:
        roots = r.sample(VILLAGE_ROOTS, min(villages_per, len(VILLAGE_ROOTS)))
        while len(roots) < villages_per:
            roots.append(r.choice(VILLAGE_ROOTS) + r.choice("上下东西南北前后"))
            roots = list(dict.fromkeys(roots))
        for root in roots:
            v = d.village(root + "村", t)
            all_villages.append(v)
            yield "villages", v
    leaders = [Leader(d.person(), COUNTY_TITLES[n % len(COUNTY_TITLES)], Role.COUNTY_LEADER) for n in range(30)]
    leaders += [Leader(d.person(), f"{township_names[n // 5]}{TOWNSHIP_TITLES[n % 5]}", Role.TOWNSHIP_LEADER)
                for n in range(townships * 5)]
    for l in leaders:
        yield "leaders", l
    units = [Unit(f"{name}（{n}）", level) for n in range(1, 11) for name, level in UNITS]
    for u in units:
        yield "units", u
    posted = r.sample(all_villages, min(secretaries, len(all_villages)))
    for n in range(secretaries):
        v = posted[n % len(posted)]
        cadre, p = d.secretary(r.choice(UNITS), v, add_months(today, -r.randrange(1, 23)))
        yield "cadres", cadre
        p.cadre_id = cadre.id
        yield "postings", p
    states = [CaseState.CANDIDATE, CaseState.IDENTIFIED, CaseState.RECTIFYING, CaseState.RECTIFYING,
              CaseState.RECTIFYING, CaseState.AWAITING_ACCEPTANCE, CaseState.ACCEPTED, CaseState.CONSOLIDATING]
    case_villages = r.sample(all_villages, min(cases, len(all_villages)))
    made = 0
    unstarted = (CaseState.CANDIDATE, CaseState.IDENTIFIED)
    # Progress reports only exist from the start of rectification: spread ``reports`` over those cases.
    started = sum(1 for n in range(len(case_villages)) if states[n % len(states)] not in unstarted)
    per_case = max(1, -(-reports // max(1, started)))
    for n, v in enumerate(case_villages):
        state = states[n % len(states)]
        year = last_year if state == CaseState.CONSOLIDATING else this_year
        c = d.case_to(v, year, state, overdue=1 if n % 5 == 0 else 0)
        if not c.tasks:  # the problem list is drafted while a case is listed or identified
            c.tasks = d.tasks(5, today)
            for t in c.tasks:
                t.status = TaskStatus.NOT_STARTED
        while len(c.tasks) < 5:
            base = c.tasks[-1]
            c.tasks.append(Task(base.problem, base.measure, base.leader, d.person(), base.deadline, base.status,
                                base.done_on, base.evidence, id=len(c.tasks) + 1))
        if c.state not in unstarted:
            # Weekly reports from the start of rectification until it was submitted (or today).
            start = next(t.on for t in c.history if t.to_state == CaseState.RECTIFYING)
            until = next((t.on for t in c.history if t.from_state == CaseState.RECTIFYING), today)
            while len(c.progress) < per_case and made < reports:
                c.progress.append(ProgressReport(min(until, start + timedelta(days=7 * len(c.progress))),
                                                 "按计划推进整改任务，召开会议研究部署", "包村干部"))
                made += 1
            c.progress.sort(key=lambda p: p.on)
        yield "cases", c
        if c.state != CaseState.CANDIDATE:
            since = d.days_ago(100)
            yield "assignments", Assignment(v.id, Role.COUNTY_LEADER, leaders[n % 30].id, since)
            if n % 7:
                yield "assignments", Assignment(v.id, Role.TOWNSHIP_LEADER, leaders[30 + n % (len(leaders) - 30)].id, since)
            yield "assignments", Assignment(v.id, Role.PAIRED_UNIT, units[n % len(units)].id, since)


def demo_summary(scale: str, replacing: bool = False) -> str:
    """The audit log's words for loading the demo of ``scale``."""
    size = {"township": "乡镇", "county": "县", "prefecture": "市州"}[scale]
    return f"载入演示数据（{size}规模{'，替换原有数据' if replacing else ''}）"


def load_demo(ledger: Ledger, scale: str = "township") -> dict[str, int]:
    """Fill ``ledger`` with demo data of ``scale`` in one undoable change."""
    today = ledger.today
    if scale == "township":
        records = township_records(today)
    elif scale in SIZES:
        records = generated_records(today, **SIZES[scale])
    else:
        raise ValueError(scale)
    # A record may be yielded twice (the relapsed case, again with its link): count objects, not puts.
    # Keeping them in ``seen`` also keeps ``id()`` unique while the load runs.
    seen: dict[str, dict[int, Any]] = {}

    def tracked() -> Iterator[tuple[str, Any]]:
        for collection, obj in records:
            seen.setdefault(collection, {})[id(obj)] = obj
            yield collection, obj

    ledger.bulk_load(demo_summary(scale), tracked())
    counts = {collection: len(objs) for collection, objs in seen.items()}
    # The seeded situation table of a new file survives; a file that had none (its initialisation was
    # undone) gets it now — the table only: ``seed_reference_data`` would also reset the settings
    # the demo just loaded to the defaults.
    if not ledger.situations():
        rows = json.loads((DATA_DIR / "situations.json").read_text(encoding="utf-8"))
        ledger.bulk_load("初始化：软弱涣散情形表", (("situations", Situation(**row)) for row in rows))
    return counts


def clear_ledger(ledger: Ledger) -> None:
    """Remove every record except the situation table (``demo --force``), as one undoable change."""
    with ledger.store.transaction("清空账本（重新载入演示数据前）", detail=False):
        for name in ("assignments", "cases", "postings", "cadres", "villages", "leaders", "units", "settings"):
            for rec in ledger.store.all(name):
                ledger.store.delete(name, rec["id"])
    ledger._load()
