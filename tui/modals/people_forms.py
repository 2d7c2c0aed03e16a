"""The forms of a village's people (issue 14), one per kind of record: a 两委 member, a vacancy, a
reserve cadre with this year's "三定四个一", a 组织生活 entry, a person in the development pipeline, a
satisfaction poll, the year's ranking. Each form writes through ``ledgers.people`` /
``ledgers.screening`` (one audited change); a refusal stays in the form at its field.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from ledgers import people, screening
from ledgers.errors import FieldError
from ledgers.models import Gender
from ledgers.dates import month_text
from ledgers.people import STAGE_LABELS, CommitteeMember, MeetingKind, OrgMeeting, Post, Recruit, RecruitStage, ReserveCadre, ReserveYear, Vacancy
from ledgers.validate import parse_int

from ..widgets.form import FormField, FormScreen, text_parser
from .case_fields import count_field, date_field, month_field



def day_text(d: date | None) -> str:
    return d.isoformat() if d else ""


def _gender(label: str):  # noqa: ANN202
    def parse(s: str) -> Gender | None:
        return Gender(s) if s else None
    return parse


def _posts(label: str):  # noqa: ANN202
    from ledgers.importing_people import _posts as read_posts

    def parse(s: str) -> list[Post]:
        if not s.strip():
            raise FieldError(label, "不能为空")
        return read_posts(s, label)
    return parse


class PeopleFormScreen(FormScreen[Any]):
    """Base: ``record`` to edit, or None for a new one in ``village_id``."""

    what = ""

    def __init__(self, village_id: int, record: Any = None) -> None:
        self.village_id = village_id
        self.record = record
        super().__init__()

    def title_text(self) -> str:
        name = self.app.ledger.village_name(self.village_id)  # type: ignore[attr-defined]
        return f"{'修改' if self.record is not None else '新增'}{self.what}：{name}"

    @property
    def ledger(self) -> Any:
        return self.app.ledger  # type: ignore[attr-defined]


class MemberFormScreen(PeopleFormScreen):
    what = "两委成员"

    def form_fields(self) -> list[FormField]:
        m = self.record or CommitteeMember(self.village_id, "")
        return [
            FormField("name", "姓名", text_parser("姓名", required=True), m.name),
            FormField("posts", "职务", _posts("职务"), "、".join(p.value for p in m.posts),
                      placeholder="如：书记、主任（一肩挑）", help="书记、副书记、支委委员、主任、副主任、村委委员，可兼任"),
            FormField("gender", "性别", _gender("性别"), m.gender.value if m.gender else "", kind="choice",
                      choices=tuple(g.value for g in Gender)),
            FormField("birth", "出生年月", month_field("出生年月"), month_text(m.birth), placeholder="如：1978-05"),
            FormField("education", "学历", None, m.education),
            FormField("term_start", "任期开始", date_field("任期开始", required=False), day_text(m.term_start)),
            FormField("term_end", "任期结束", date_field("任期结束", required=False), day_text(m.term_end)),
            FormField("note", "备注", None, m.note),
        ]

    def save(self, values: dict[str, Any]) -> Any:
        m = self.record or CommitteeMember(self.village_id, "")
        for k in ("name", "posts", "gender", "birth", "education", "term_start", "term_end", "note"):
            setattr(m, k, values[k])
        return people.save_member(self.ledger, m)


class VacancyFormScreen(PeopleFormScreen):
    what = "出缺记录"

    def form_fields(self) -> list[FormField]:
        v = self.record
        today = self.ledger.today
        return [
            FormField("post", "岗位", lambda s: Post(s) if s else _missing("岗位"), v.post.value if v else "",
                      kind="choice", choices=tuple(p.value for p in Post)),
            FormField("since", "出缺日期", date_field("出缺日期", not_after=today), day_text(v.since) if v else ""),
            FormField("filled", "补齐日期", date_field("补齐日期", required=False, not_after=today),
                      day_text(v.filled) if v else "", help="已选出新的人选时填写；留空表示仍然出缺"),
            FormField("note", "备注", None, v.note if v else ""),
        ]

    def save(self, values: dict[str, Any]) -> Any:
        v = self.record or Vacancy(self.village_id, values["post"], values["since"])
        v.post, v.since, v.filled, v.note = values["post"], values["since"], values["filled"], values["note"]
        return people.save_vacancy(self.ledger, v)


def _missing(label: str) -> Any:
    raise FieldError(label, "请选择")


class ReserveFormScreen(PeopleFormScreen):
    what = "后备干部"

    def form_fields(self) -> list[FormField]:
        r = self.record or ReserveCadre(self.village_id, "")
        year = self.ledger.today.year
        done = r.years.get(year, ReserveYear())
        return [
            FormField("name", "姓名", text_parser("姓名", required=True), r.name),
            FormField("post", "后备岗位", lambda s: Post(s) if s else _missing("后备岗位"), r.post.value if self.record else "",
                      kind="choice", choices=tuple(p.value for p in Post), help="正职（书记、主任）按1:2，副职按1:1配备"),
            FormField("gender", "性别", _gender("性别"), r.gender.value if r.gender else "", kind="choice",
                      choices=tuple(g.value for g in Gender)),
            FormField("birth", "出生年月", month_field("出生年月"), month_text(r.birth), placeholder="如：1992-03"),
            FormField("education", "学历", None, r.education),
            FormField("training", f"{year}年参加培训", None, done.training, kind="bool"),
            FormField("shadowing", f"{year}年跟班学习", None, done.shadowing, kind="bool"),
            FormField("meeting_chaired", f"{year}年主持群众会", None, done.meeting_chaired, kind="bool"),
            FormField("households", f"{year}年联系农户", count_field("联系农户"), str(done.households or ""),
                      help="“三定四个一”：联系10户"),
            FormField("note", "备注", None, r.note),
        ]

    def save(self, values: dict[str, Any]) -> Any:
        r = self.record or ReserveCadre(self.village_id, "")
        for k in ("name", "post", "gender", "birth", "education", "note"):
            setattr(r, k, values[k])
        year = self.ledger.today.year
        r.years = {**r.years, year: ReserveYear(values["training"], values["shadowing"], values["meeting_chaired"],
                                                values["households"])}
        return people.save_reserve(self.ledger, r)


class MeetingFormScreen(PeopleFormScreen):
    what = "组织生活记录"

    def form_fields(self) -> list[FormField]:
        m = self.record
        today = self.ledger.today
        return [
            FormField("kind", "类型", lambda s: MeetingKind(s) if s else _missing("类型"), m.kind.value if m else "",
                      kind="choice", choices=tuple(k.value for k in MeetingKind)),
            FormField("day", "日期", date_field("日期", not_after=today), day_text(m.day) if m else today.isoformat()),
            FormField("attendance", "到会人数", count_field("到会人数"), str(m.attendance) if m else ""),
            FormField("note", "主题或备注", None, m.note if m else ""),
        ]

    def save(self, values: dict[str, Any]) -> Any:
        m = self.record or OrgMeeting(self.village_id, values["kind"], values["day"])
        m.kind, m.day, m.attendance, m.note = values["kind"], values["day"], values["attendance"], values["note"]
        return people.save_meeting(self.ledger, m)


class RecruitFormScreen(PeopleFormScreen):
    what = "党员发展记录"

    def form_fields(self) -> list[FormField]:
        r = self.record or Recruit(self.village_id, "")
        today = self.ledger.today
        return [FormField("name", "姓名", text_parser("姓名", required=True), r.name)] + [
            FormField(s.name, f"{label}时间", date_field(s.value, required=False, not_after=today),
                      day_text(r.stages.get(s)), aliases=(s.value,))
            for s, label in STAGE_LABELS.items()] + [FormField("note", "备注", None, r.note)]

    def save(self, values: dict[str, Any]) -> Any:
        r = self.record or Recruit(self.village_id, "")
        r.name, r.note = values["name"], values["note"]
        r.stages = {s: values[s.name] for s in RecruitStage if values[s.name] is not None}
        return people.save_recruit(self.ledger, r)


class PollFormScreen(PeopleFormScreen):
    what = "群众满意度测评"

    def form_fields(self) -> list[FormField]:
        p = self.record
        today = self.ledger.today
        return [
            FormField("day", "测评日期", date_field("测评日期", not_after=today), day_text(p.day) if p else today.isoformat()),
            FormField("asked", "测评人数", count_field("测评人数"), str(p.asked) if p else ""),
            FormField("satisfied", "满意人数", count_field("满意人数"), str(p.satisfied) if p else "",
                      help="满意度低于设置的标准（默认60%）时，排查中提示S10"),
            FormField("note", "备注", None, p.note if p else ""),
        ]

    def save(self, values: dict[str, Any]) -> Any:
        p = self.record or screening.Poll(self.village_id, values["day"], 0, 0)
        p.day, p.asked, p.satisfied, p.note = values["day"], values["asked"], values["satisfied"], values["note"]
        return screening.save_poll(self.ledger, p)


class RankingFormScreen(PeopleFormScreen):
    what = "年度考核排名"

    def form_fields(self) -> list[FormField]:
        r = self.record
        return [
            FormField("year", "年度", lambda s: parse_int(s, "年度", minimum=2000, maximum=2100),
                      str(r.year if r else self.ledger.today.year)),
            FormField("rank", "名次", lambda s: parse_int(s, "名次", minimum=1), str(r.rank) if r else ""),
            FormField("of", "参评总数", lambda s: parse_int(s, "参评总数", minimum=1), str(r.of) if r else "",
                      help="年度考核或星级评定的名次；末位（默认末1名）时排查中提示S13"),
        ]

    def save(self, values: dict[str, Any]) -> Any:
        r = self.record or screening.Ranking(self.village_id, values["year"], 1, 1)
        r.year, r.rank, r.of = values["year"], values["rank"], values["of"]
        return screening.save_ranking(self.ledger, r)
