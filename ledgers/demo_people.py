"""Demo data for the village's people (issue 14): a 两委 for every village, named reserves, a year
of 组织生活, the development pipeline, satisfaction polls and a ranking — with a few villages made
to show a situation in the 拉网式排查 (``SHOWN``), so the demo screening has something to decide.

Ids of the villages must be set (the demo assigns them before yielding). Deterministic per seed.
"""
from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from .dates import add_months
from .models import Gender, Village
from .people import CommitteeMember, MeetingKind, OrgMeeting, Post, Recruit, RecruitStage, ReserveCadre, ReserveYear, Vacancy
from .screening import Poll, Ranking

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰辉建国志红梅林海波宁鹏飞斌宇浩凯健俊帆云峰文晓东亮成"

# Villages (by position in the township demo) whose data shows a situation, and which one.
SHOWN = {8: "S01", 12: "S04", 13: "S11", 14: "S10", 15: "S13", 16: "S05"}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _birth(rng: random.Random, today: date, age: int) -> date:
    """出生年月: the first of the month, as rosters keep it."""
    day = today - timedelta(days=365 * age + rng.randrange(0, 360))
    return day.replace(day=1)


def _quarter_days(year: int, today: date, month_in_quarter: int) -> list[date]:
    return [d for d in (date(year, 3 * q + month_in_quarter, 10) for q in range(4)) if d <= today]


def village_people(villages: Sequence[Village], today: date, *, seed: int = 11,
                   shown: dict[int, str] | None = None) -> Iterator[tuple[str, Any]]:
    """Records for every village; ``shown``: position → the situation that village's data shows."""
    rng = random.Random(seed)
    shown = shown or {}
    year = today.year
    for n, v in enumerate(villages):
        show = shown.get(n)
        # 两委: the secretary (一肩挑 as the registry says), two branch members, the villagers' side.
        if show == "S01":  # the secretary left five months ago; the post is still vacant
            yield "vacancies", Vacancy(v.id, Post.SECRETARY, add_months(today, -5), note="原书记辞职")
        else:
            posts = [Post.SECRETARY, *([Post.DIRECTOR] if v.secretary_is_director else [])]
            yield "committee", CommitteeMember(v.id, v.secretary_name or _person(rng), posts,
                                               Gender.MALE if rng.random() < 0.7 else Gender.FEMALE,
                                               _birth(rng, today, v.secretary_age or 45),
                                               v.secretary_education, v.org_term_start)
        members = [Post.DEPUTY_SECRETARY, Post.BRANCH_MEMBER] if v.full_members >= 7 else [Post.BRANCH_MEMBER]
        for post in members:
            cross = [Post.DEPUTY_DIRECTOR] if post == Post.DEPUTY_SECRETARY else []
            yield "committee", CommitteeMember(v.id, _person(rng), [post, *cross],
                                               Gender.FEMALE if rng.random() < 0.4 else Gender.MALE,
                                               _birth(rng, today, rng.randrange(28, 58)),
                                               rng.choice(["高中", "大专", "本科"]), v.org_term_start)
        if not v.secretary_is_director:
            yield "committee", CommitteeMember(v.id, _person(rng), [Post.DIRECTOR], Gender.MALE,
                                               _birth(rng, today, rng.randrange(35, 58)), "高中", v.org_term_start)
        yield "committee", CommitteeMember(v.id, _person(rng), [Post.VILLAGE_MEMBER], Gender.FEMALE,
                                           _birth(rng, today, rng.randrange(26, 50)), "大专", v.org_term_start)
        # Named reserves: as many as the registry counted, for 正职 first.
        for k in range(v.reserve_cadres):
            items = ReserveYear(training=rng.random() < 0.8, shadowing=rng.random() < 0.6,
                                meeting_chaired=rng.random() < 0.5, households=rng.choice([6, 10, 10, 12]))
            yield "reserves", ReserveCadre(v.id, _person(rng), (Post.SECRETARY, Post.SECRETARY, Post.DEPUTY_SECRETARY,
                                                                Post.DIRECTOR, Post.BRANCH_MEMBER)[k % 5],
                                           birth=_birth(rng, today, rng.randrange(24, 40)),
                                           education=rng.choice(["大专", "本科"]), years={year: items})
        # 组织生活 this year: a 支部党员大会 and a 党课 each quarter, a 支部委员会 each month.
        congresses = _quarter_days(year, today, 1)
        if show == "S04":
            congresses = [d for d in congresses if d.month != 4]  # none in the second quarter
        for day in congresses:
            yield "meetings", OrgMeeting(v.id, MeetingKind.CONGRESS, day, max(1, v.full_members - rng.randrange(0, 3)))
        for day in _quarter_days(year, today, 2):
            yield "meetings", OrgMeeting(v.id, MeetingKind.LECTURE, day, max(1, v.full_members - rng.randrange(0, 4)))
        for month in range(1, 13):
            day = date(year, month, 5)
            if day <= today and not (show == "S04" and month in (7, 8)):
                yield "meetings", OrgMeeting(v.id, MeetingKind.COMMITTEE, day, len(members) + 1)
        # 党员发展: someone became a 发展对象 within the last two years — except where S11 shows.
        back = 3 if show == "S11" else 1
        start = date(year - back - 1, 3, 1)
        yield "recruits", Recruit(v.id, _person(rng), {RecruitStage.APPLICANT: start,
                                                        RecruitStage.ACTIVIST: start + timedelta(days=180),
                                                        RecruitStage.CANDIDATE: start + timedelta(days=400)})
        # The year's satisfaction poll and ranking.
        asked = 50
        satisfied = 26 if show == "S10" else rng.randrange(38, 49)
        yield "polls", Poll(v.id, min(today, date(year, 6, 20)), satisfied, asked)
    order = [v for n, v in enumerate(villages) if shown.get(n) != "S13"]
    rng.shuffle(order)
    order += [v for n, v in enumerate(villages) if shown.get(n) == "S13"]  # last place
    for rank, v in enumerate(order, 1):
        yield "rankings", Ranking(v.id, year, rank, len(order))
