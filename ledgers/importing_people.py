"""Excel sheets of the village's people (issue 14), for the importer (``ledgers.importing``): 村"两委"
成员, 后备干部, 组织生活 (三会一课) and 党员发展 — the same reading (header found by its words,
blank/合计 rows skipped, every cell's problem at its row and column) and the same one-change import.

A row names its village (村名, with 乡镇 when names repeat) and its person; the same person in the
same village is updated, not added twice (a meeting: the same village, kind and day).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from .codec import clone
from .errors import FieldError, ValidationErrors
from .models import Gender
from .people import (
    CommitteeMember,
    MeetingKind,
    OrgMeeting,
    Post,
    Recruit,
    RecruitStage,
    ReserveCadre,
    STAGE_LABELS,
    ReserveYear,
    people_of,
    save_meeting,
    save_member,
    save_recruit,
    save_reserve,
)
from .sheets import Column as C
from .sheets import SheetRow, cell_bool, cell_date, cell_int, cell_month, cell_name, cell_text

VILLAGE = (C("township", "乡镇", ("所属乡镇", "乡镇（街道）")),
           C("village", "村名", ("村（社区）名称", "村(社区)名称", "村（社区）", "村")))
COMMITTEE_COLUMNS = (
    *VILLAGE,
    C("name", "姓名", ()),
    C("posts", "职务", ("现任职务", "两委职务", "担任职务")),
    C("gender", "性别", ()),
    C("birth", "出生年月", ("出生日期",)),
    C("education", "学历", ("文化程度",)),
    C("term_start", "任期开始", ("任职时间", "本届任期开始")),
    C("term_end", "任期结束", ("任期届满",)),
    C("note", "备注", ()),
)
RESERVE_COLUMNS = (
    *VILLAGE,
    C("name", "姓名", ()),
    C("post", "后备岗位", ("拟任职务", "后备职务", "培养方向")),
    C("gender", "性别", ()),
    C("birth", "出生年月", ("出生日期",)),
    C("education", "学历", ("文化程度",)),
    C("year", "年度", ()),
    C("training", "培训", ("参加培训",)),
    C("shadowing", "跟班学习", ()),
    C("meeting_chaired", "主持群众会", ("主持会议",)),
    C("households", "联系农户", ("联系农户数", "联系户数")),
    C("note", "备注", ()),
)
MEETING_COLUMNS = (
    *VILLAGE,
    C("kind", "会议类型", ("类型", "组织生活类型", "活动类型")),
    C("day", "日期", ("召开日期", "时间", "开展时间")),
    C("attendance", "到会人数", ("参加人数", "实到人数")),
    C("note", "备注", ("主题", "内容")),
)
STAGE_TIME = {stage: f"{label}时间" for stage, label in STAGE_LABELS.items()}
RECRUIT_COLUMNS = (
    *VILLAGE,
    C("name", "姓名", ()),
    C(RecruitStage.APPLICANT.name, STAGE_TIME[RecruitStage.APPLICANT], ("递交申请书时间",)),
    C(RecruitStage.ACTIVIST.name, STAGE_TIME[RecruitStage.ACTIVIST], ("列为积极分子时间",)),
    C(RecruitStage.CANDIDATE.name, STAGE_TIME[RecruitStage.CANDIDATE], ("列为发展对象时间",)),
    C(RecruitStage.PROBATIONARY.name, STAGE_TIME[RecruitStage.PROBATIONARY], ("发展为预备党员时间",)),
    C(RecruitStage.FULL.name, STAGE_TIME[RecruitStage.FULL], ("转正时间",)),
    C("note", "备注", ()),
)

POST_ALIASES = {"党支部书记": Post.SECRETARY, "村党组织书记": Post.SECRETARY, "支部书记": Post.SECRETARY,
                "党总支书记": Post.SECRETARY, "村委会主任": Post.DIRECTOR, "村主任": Post.DIRECTOR,
                "居委会主任": Post.DIRECTOR, "党支部副书记": Post.DEPUTY_SECRETARY, "村委会副主任": Post.DEPUTY_DIRECTOR,
                "支部委员": Post.BRANCH_MEMBER, "党支部委员": Post.BRANCH_MEMBER, "支委": Post.BRANCH_MEMBER,
                "村委会委员": Post.VILLAGE_MEMBER, "村委委员": Post.VILLAGE_MEMBER, "委员": Post.VILLAGE_MEMBER}
KIND_ALIASES = {"党员大会": MeetingKind.CONGRESS, "支部党员大会": MeetingKind.CONGRESS, "支委会": MeetingKind.COMMITTEE,
                "支部委员会": MeetingKind.COMMITTEE, "党小组会": MeetingKind.GROUP, "党课": MeetingKind.LECTURE,
                "主题党日": MeetingKind.THEME_DAY}


def _post(text: str, label: str) -> Post:
    text = text.strip()
    for p in Post:
        if text == p.value:
            return p
    if text in POST_ALIASES:
        return POST_ALIASES[text]
    if "书记" in text:
        return Post.DEPUTY_SECRETARY if "副" in text else Post.SECRETARY
    if "主任" in text:
        return Post.DEPUTY_DIRECTOR if "副" in text else Post.DIRECTOR
    raise FieldError(label, f"“{text}”不是两委职务（书记、副书记、支委委员、主任、副主任、村委委员）")


# A post's words, to read "书记主任" or "支部书记兼村委会主任" as two posts.
_POST_WORDS = re.compile(r"副书记|书记|支委委员|支部委员|支委|副主任|主任|村委会委员|村委委员|委员")


def _posts(v: Any, label: str) -> list[Post]:
    out: list[Post] = []
    for part in (p for p in re.split(r"[、,，;；/\s兼]+", cell_text(v)) if p):
        words = _POST_WORDS.findall(part)
        if len(words) > 1 and "".join(words) == re.sub(r"党支部|党总支|村委会|村", "", part):
            out += [_post(w, label) for w in words]
        else:
            out.append(_post(part, label))
    return list(dict.fromkeys(out))


def _gender(v: Any, label: str) -> Gender:
    text = cell_text(v)
    for g in Gender:
        if text.startswith(g.value):
            return g
    raise FieldError(label, f"“{text}”不是男或女")


def _meeting_kind(v: Any, label: str) -> MeetingKind:
    text = cell_text(v)
    if text in KIND_ALIASES:
        return KIND_ALIASES[text]
    found = [k for k in MeetingKind if k.value in text]
    if found:
        return found[0]
    raise FieldError(label, f"“{text}”不是组织生活类型（{'、'.join(k.value for k in MeetingKind)}）")


def _need(values: dict[str, Any], key: str, label: str) -> Any:
    if values.get(key) in (None, "", []):
        raise ValidationErrors([FieldError(label, "不能为空")])
    return values[key]


def _merged(old: Any, fresh: Any, values: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The record to save: a copy of ``old`` (or ``fresh``) with the row's values for ``keys``."""
    obj = clone(old) if old is not None else fresh
    for k in keys:
        if values.get(k) is not None:
            setattr(obj, k, values[k])
    return obj


def _write(ctx: Any, old: Any, obj: Any, save: Callable[[Any, Any], Any], what: str, vid: int) -> tuple[str, str]:
    """Save ``obj`` unless it is ``old`` unchanged; the importer's (action, what)."""
    if old is not None and obj == old:
        return "unchanged", what
    save(ctx.ledger, obj)
    return ("update" if old is not None else "add"), f"{ctx.ledger.village_name(vid)} {what}"


def committee_row(ctx: Any, row: SheetRow) -> tuple[str, str]:
    values, vid = ctx.parse(row, COMMITTEE_COLUMNS, village_label="村名", parsers={
        "name": lambda v, l: cell_name(v), "posts": _posts, "gender": _gender, "birth": cell_month,
        "education": lambda v, l: cell_text(v), "term_start": cell_date, "term_end": cell_date,
        "note": lambda v, l: cell_text(v)})
    name = _need(values, "name", "姓名")
    _need(values, "posts", "职务")
    ctx.once(("committee", vid, name), row, "名两委成员（同一村、同一姓名）")
    old = next((m for m in people_of(ctx.ledger, vid).committee if m.name == name), None)
    m = _merged(old, CommitteeMember(vid, name), values,
                ("posts", "gender", "birth", "education", "term_start", "term_end", "note"))
    return _write(ctx, old, m, save_member, name, vid)


def reserve_row(ctx: Any, row: SheetRow) -> tuple[str, str]:
    values, vid = ctx.parse(row, RESERVE_COLUMNS, village_label="村名", parsers={
        "name": lambda v, l: cell_name(v), "post": lambda v, l: _post(cell_text(v), l), "gender": _gender,
        "birth": cell_month, "education": lambda v, l: cell_text(v),
        "year": lambda v, l: cell_int(v, l, minimum=2000, maximum=2100), "training": cell_bool,
        "shadowing": cell_bool, "meeting_chaired": cell_bool, "households": lambda v, l: cell_int(v, l),
        "note": lambda v, l: cell_text(v)})
    name = _need(values, "name", "姓名")
    ctx.once(("reserves", vid, name), row, "名后备干部（同一村、同一姓名）")
    old = next((r for r in people_of(ctx.ledger, vid).reserves if r.name == name), None)
    r = _merged(old, ReserveCadre(vid, name), values, ("post", "gender", "birth", "education", "note"))
    items = [k for k in ("training", "shadowing", "meeting_chaired", "households") if k in values]
    if items:
        year = values.get("year") or ctx.ledger.today.year
        done = clone(r.years.get(year)) if year in r.years else ReserveYear()
        for k in items:
            setattr(done, k, values[k] if values[k] is not None else getattr(done, k))
        r.years = {**r.years, year: done}
    return _write(ctx, old, r, save_reserve, name, vid)


def meeting_row(ctx: Any, row: SheetRow) -> tuple[str, str]:
    values, vid = ctx.parse(row, MEETING_COLUMNS, village_label="村名", parsers={
        "kind": _meeting_kind, "day": cell_date, "attendance": lambda v, l: cell_int(v, l),
        "note": lambda v, l: cell_text(v)})
    kind: MeetingKind = _need(values, "kind", "会议类型")
    day: date = _need(values, "day", "日期")
    ctx.once(("meetings", vid, kind, day), row, "次组织生活（同一村、同一类型、同一天）")
    old = next((m for m in people_of(ctx.ledger, vid).meetings if m.kind == kind and m.day == day), None)
    m = _merged(old, OrgMeeting(vid, kind, day), values, ("attendance", "note"))
    return _write(ctx, old, m, save_meeting, f"{day.isoformat()} {kind.value}", vid)


def recruit_row(ctx: Any, row: SheetRow) -> tuple[str, str]:
    parsers: dict[str, Callable[[Any, str], Any]] = {"name": lambda v, l: cell_name(v), "note": lambda v, l: cell_text(v)}
    parsers |= {s.name: cell_date for s in RecruitStage}
    values, vid = ctx.parse(row, RECRUIT_COLUMNS, parsers, "村名")
    name = _need(values, "name", "姓名")
    ctx.once(("recruits", vid, name), row, "名发展对象（同一村、同一姓名）")
    old = next((r for r in people_of(ctx.ledger, vid).recruits if r.name == name), None)
    r = _merged(old, Recruit(vid, name), values, ("note",))
    r.stages = {**r.stages, **{s: values[s.name] for s in RecruitStage if values.get(s.name) is not None}}
    return _write(ctx, old, r, save_recruit, name, vid)


# kind: (name, columns, required alternatives, handler, import order)
SHEET_KINDS = {
    "committee": ("村“两委”成员", COMMITTEE_COLUMNS, (("village", "name", "posts"),), committee_row, 4),
    "reserves": ("后备干部", RESERVE_COLUMNS, (("village", "name", "post"),), reserve_row, 5),
    "meetings": ("组织生活", MEETING_COLUMNS, (("village", "kind", "day"),), meeting_row, 6),
    "recruits": ("党员发展", RECRUIT_COLUMNS, (("village", "name", RecruitStage.APPLICANT.name),
                                              ("village", "name", RecruitStage.CANDIDATE.name)), recruit_row, 7),
}
# Words that mark a sheet as one of these, not a village list or a roster.
EXCLUDES = ("职务", "后备岗位", "会议类型", "申请入党时间", "确定发展对象时间")
