"""第一书记花名册: cadres (the people) and their postings (one stay in one village each).

One cadre, many postings over the years; at most one posting in force per cadre and one serving
first secretary per village. A posting's status is what the last action set, except 期满待轮换,
which follows from the date (``rules.status_of``) whenever the roster is read. The first-secretary
slot of the 四个一 is the village's serving posting (``ledgers.assignments``): ending a posting
leaves a gap at once, and arriving fills it.

Plain functions over the ``Ledger``; each change is one ``ledger.commit`` (one undo).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from . import workflow
from .codec import clone
from .dates import age_on
from .errors import FieldError, LedgerError, TransitionRefused, ValidationErrors
from .ledger import MULTILINE, Ledger, _clean_strings
from .models import (
    ENDED_SECRETARY_STATES,
    SERVING_SECRETARY_STATES,
    Cadre,
    Grade,
    Posting,
    RosterEntry,
    SecretaryStatus,
    StatusChange,
)
from .rules import Finding, check_grade, r11_todo, status_of, term_end

F = SecretaryStatus
NAME_MAX = 20
TEXT_MAX = 50


# ---------------------------------------------------------------- reading


def entry(ledger: Ledger, p: Posting) -> RosterEntry:
    """The roster row of posting ``p`` (with the ledger's own records: read them, never change them)."""
    s = ledger.settings_ref()
    v = ledger._cache["villages"].get(p.village_id)
    cadre = ledger._cache["cadres"].get(p.cadre_id) or Cadre("（已删除）", id=p.cadre_id)
    return RosterEntry(cadre, p, status_of(p, s, ledger.today), term_end(p, s),
                       v.name if v else "", v.township if v else "")


def roster(ledger: Ledger, *, include_ended: bool = True) -> list[RosterEntry]:
    """Every posting as a roster row, in the order they were entered."""
    rows = [entry(ledger, p) for p in sorted(ledger.records("postings"), key=lambda p: p.id)]
    return rows if include_ended else [e for e in rows if not e.ended]


def posting_entry(ledger: Ledger, posting_id: int) -> RosterEntry:
    """One roster row, with copies of its records (safe to edit in a form)."""
    p = ledger.get("postings", posting_id, "驻村记录")
    e = entry(ledger, p)
    return RosterEntry(clone(e.cadre), p, e.status, e.term_end, e.village, e.township)


def cadres(ledger: Ledger) -> list[Cadre]:
    return sorted((clone(c) for c in ledger.records("cadres")), key=lambda c: c.id)


def postings_of(ledger: Ledger, cadre_id: int) -> list[RosterEntry]:
    """A cadre's postings over the years, oldest first."""
    return [entry(ledger, p) for p in sorted(ledger.records("postings"), key=lambda p: (p.arrival or date.max, p.id))
            if p.cadre_id == cadre_id]


def postings_by(ledger: Ledger, field: str, value: int) -> list[Posting]:
    """The postings whose ``field`` (cadre_id, village_id) is ``value`` — through an index the
    ledger keeps current, so a check per row of a 1,500-row import does not scan the roster."""
    ids = ledger.keyed("postings", field, lambda p: getattr(p, field)).get(value, ())
    postings = ledger._cache["postings"]
    return [postings[i] for i in sorted(ids)]


def in_force(ledger: Ledger, cadre_id: int, *, excluding: int = 0) -> Posting | None:
    """The cadre's posting that is planned or serving (at most one), other than ``excluding``."""
    return next((p for p in postings_by(ledger, "cadre_id", cadre_id) if p.id != excluding
                 and p.status in (F.PROPOSED, F.ACTIVE, F.TERM_ENDING)), None)


def age(c: Cadre, today: date) -> int | None:
    return age_on(c.birth, today) if c.birth else None


def find_cadre(ledger: Ledger, id_number: str) -> Cadre | None:
    """The cadre with this ID number (matched after normalising), if any."""
    from .validate import normalize_id_number

    try:
        number = normalize_id_number(id_number)
    except FieldError:
        return None
    ids = ledger.keyed("cadres", "id_number", lambda c: c.id_number).get(number)
    return clone(ledger._cache["cadres"][min(ids)]) if ids else None


# ---------------------------------------------------------------- validation


def validate_cadre(ledger: Ledger, c: Cadre) -> list[FieldError]:
    """Every problem of a cadre's fields, at its field (R21, party membership, phone, lengths).

    Normalises ``c`` in place as it checks (the ID number's form, the birth date from it, the phone):
    pass a copy when the caller's object must stay as typed."""
    from .validate import check_id_agreement, id_birth, normalize_id_number, normalize_phone

    errors = []
    if not c.name:
        errors.append(FieldError("姓名", "不能为空"))
    elif len(c.name) > NAME_MAX:
        errors.append(FieldError("姓名", f"不能超过{NAME_MAX}个字"))
    if c.political_status != "中共党员":
        errors.append(FieldError("政治面貌", "第一书记应为中共党员"))
    for label, value in (("民族", c.ethnicity), ("学历", c.education), ("派出单位", c.dispatching_unit),
                         ("原职务", c.original_post), ("职级", c.rank)):
        if len(value) > TEXT_MAX:
            errors.append(FieldError(label, f"不能超过{TEXT_MAX}个字"))
    if c.id_number:
        try:
            c.id_number = normalize_id_number(c.id_number)
            if c.birth is None:
                c.birth = id_birth(c.id_number)
            errors += [FieldError("身份证号", p) for p in check_id_agreement(c.id_number, birth=c.birth,
                                                                          gender=c.gender)]
            same = ledger.keyed("cadres", "id_number", lambda o: o.id_number).get(c.id_number, ())
            other = next((ledger._cache["cadres"][i] for i in sorted(same) if i != c.id), None)
            if other is not None:
                errors.append(FieldError("身份证号", f"已登记为{other.name}，同一人再次选派请在其记录上按 p"))
        except FieldError as e:
            errors.append(e)
    if c.birth is not None:
        years = age_on(c.birth, ledger.today)
        if c.birth > ledger.today:
            errors.append(FieldError("出生年月", "不能晚于今天"))
        elif not 18 <= years <= 70:
            errors.append(FieldError("出生年月", f"按此推算年龄为{years}岁，应在18至70岁之间"))
    if c.phone:
        try:
            c.phone = normalize_phone(c.phone)
        except FieldError as e:
            errors.append(e)
    return errors


def validate_posting(ledger: Ledger, p: Posting, cadre: Cadre | None = None) -> list[FieldError]:
    """Every problem of a posting's own fields (the village, dates in order, term, assessments)."""
    errors = []
    if p.village_id not in ledger._cache["villages"]:
        errors.append(FieldError("驻村", "所选村不存在"))
    if len(p.batch) > 20:
        errors.append(FieldError("选派批次", "不能超过20个字"))
    if not 0 <= p.term_months <= 120:
        errors.append(FieldError("任期（月）", "应在1至120个月之间"))
    birth = cadre.birth if cadre else None
    if p.arrival is not None:
        if birth is not None and age_on(birth, p.arrival) < 18:
            errors.append(FieldError("到村时间", "此时该同志未满18岁，请核对到村时间或出生年月"))
        if p.arrival.year < 2000:
            errors.append(FieldError("到村时间", "不能早于2000年"))
        if p.status in SERVING_SECRETARY_STATES and p.arrival > ledger.today:
            errors.append(FieldError("到村时间", "在岗的第一书记到村时间不能晚于今天（尚未到村请录为拟选派）"))
    if p.term_end is not None and p.arrival is not None and p.term_end <= p.arrival:
        errors.append(FieldError("任期届满时间", "应晚于到村时间"))
    s = ledger.settings_ref()
    if p.assessments and p.arrival is None:
        errors.append(FieldError("年度考核", "尚未到村，没有可考核的年度"))
    first = p.arrival.year if p.arrival else 2000
    for year, n in p.absences.items():
        if n > 366:
            errors.append(FieldError(f"{year}年无故不在岗次数", "不能超过366"))
    for year, grade in p.assessments.items():
        if not first <= year <= ledger.today.year:
            errors.append(FieldError(f"{year}年度考核", f"考核年度应在{first}年至{ledger.today.year}年之间"))
            continue
        try:
            check_grade(grade, p.absences.get(year, 0), s, f"{year}年度考核")
        except FieldError as e:
            errors.append(e)
    for year, n in p.absences.items():
        if n < 0:
            errors.append(FieldError(f"{year}年无故不在岗次数", "不能为负数"))
    return errors


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationErrors(errors)


def _serving_elsewhere(ledger: Ledger, village_id: int, on: date, *, excluding: int = 0) -> Posting | None:
    """Another posting serving in ``village_id`` from ``on`` on (one village, one first secretary): a
    posting not ended by then, whenever it arrived — one arriving later would overlap too."""
    return next((p for p in postings_by(ledger, "village_id", village_id) if p.id != excluding
                 and p.status in (F.ACTIVE, F.TERM_ENDING) and p.arrival is not None
                 and (p.ended_on is None or p.ended_on >= on)), None)


def _village_taken(ledger: Ledger, village_id: int, on: date, excluding: int = 0) -> FieldError | None:
    other = _serving_elsewhere(ledger, village_id, on, excluding=excluding)
    if other is None:
        return None
    name = ledger._cache["cadres"][other.cadre_id].name if other.cadre_id in ledger._cache["cadres"] else "另一人"
    return FieldError("驻村", f"{ledger.village_name(village_id)}的第一书记{name}仍在岗，"
                            "请先为其办理期满离任、召回或调整")


# ---------------------------------------------------------------- changing


def enlist(ledger: Ledger, cadre: Cadre, posting: Posting, *, imported: bool = False) -> RosterEntry:
    """A new roster row: a new cadre (``cadre.id == 0``) or a known one, and a new posting, as one change.

    The posting starts 拟选派, or 在岗 with its arrival date. ``imported``: a row of an office's old
    sheet, which may also record a posting that has already ended (召回, 调整, 期满离任) — as history,
    with the sheet as its source."""
    cadre = _clean_strings(clone(cadre), MULTILINE)
    posting = _clean_strings(clone(posting), MULTILINE)
    if posting.status == F.TERM_ENDING:
        posting.status = F.ACTIVE  # computed from the date, never stored
    if not imported and posting.status not in (F.PROPOSED, F.ACTIVE):
        raise LedgerError(f"新的驻村记录应为“{F.PROPOSED.value}”或“{F.ACTIVE.value}”，不能直接录为“{posting.status.value}”。")
    if posting.term_months == 0 and posting.term_end is None:
        posting.term_months = ledger.settings_ref().secretary_term_months  # the policy when posted stays
    errors = validate_cadre(ledger, cadre)
    errors += validate_posting(ledger, posting, cadre)
    if posting.status == F.ACTIVE:
        if posting.arrival is None:
            errors.append(FieldError("到村时间", "在岗的第一书记须填写到村时间"))
        else:
            taken = _village_taken(ledger, posting.village_id, posting.arrival)
            if taken:
                errors.append(taken)
    if posting.status in ENDED_SECRETARY_STATES - {F.WITHDRAWN} and posting.arrival is None:
        errors.append(FieldError("到村时间", f"“{posting.status.value}”的驻村记录须填写到村时间"))
    if cadre.id and posting.status not in ENDED_SECRETARY_STATES:
        current = in_force(ledger, cadre.id)
        if current is not None:
            errors.append(FieldError("姓名", f"{cadre.name}已有{entry(ledger, current).status.value}的驻村记录"
                                           f"（{ledger.village_name(current.village_id)}），同一时间只能驻一个村"))
    _raise(errors)
    dated = posting.arrival if posting.status != F.PROPOSED and posting.arrival else ledger.today
    posting.history = [StatusChange(min(dated, ledger.today), None, posting.status,
                                    "从Excel导入" if imported else "录入花名册", ledger.user)]
    puts: list[tuple[str, object]] = [] if cadre.id else [("cadres", cadre)]
    if cadre.id:
        ledger.get("cadres", cadre.id, "第一书记")  # NotFound for a stale id
        puts.append(("cadres", cadre))
        stored = ledger.commit(f"新增第一书记驻村记录：{cadre.name}（{ledger.village_name(posting.village_id)}）",
                               puts + [("postings", posting)])
    else:
        # The cadre's id is allocated in the same transaction; the posting needs it first.
        with ledger.transaction(f"新增第一书记：{cadre.name}（{ledger.village_name(posting.village_id)}）"):
            stored = ledger.commit("", [("cadres", cadre)])
            posting.cadre_id = stored[0].id
            stored += ledger.commit("", [("postings", posting)])
    return posting_entry(ledger, stored[-1].id)


def save_cadre(ledger: Ledger, cadre: Cadre) -> Cadre:
    """Edit a cadre's personal fields (name, ID number, unit …)."""
    cadre = _clean_strings(clone(cadre), MULTILINE)
    ledger.get("cadres", cadre.id, "第一书记")
    _raise(validate_cadre(ledger, cadre))
    return ledger.commit(f"修改第一书记：{cadre.name}", [("cadres", cadre)])[0]


# Fields of a posting its actions own: editing them would slip past the actions' guards.
ACTION_FIELDS = ("status", "history", "ended_on", "recall_reason", "approver", "end_reason", "successor_of",
                 "cadre_id", "assessments", "absences")


def save_posting(ledger: Ledger, posting: Posting, cadre: Cadre | None = None) -> RosterEntry:
    """Edit a posting's own fields (village, batch, type, arrival, term, note), and with ``cadre`` the
    person's fields too, as one change. Status, history and assessments change by their actions."""
    posting = _clean_strings(clone(posting), MULTILINE)
    old = ledger.get("postings", posting.id, "驻村记录")
    changed = [f for f in ACTION_FIELDS if getattr(posting, f) != getattr(old, f)]
    if changed:
        raise LedgerError("第一书记的状态、考核和历史只能通过到村、留任、召回、调整、考核录入等操作修改。")
    person = _clean_strings(clone(cadre), MULTILINE) if cadre is not None else ledger.get("cadres", old.cadre_id, "第一书记")
    if person.id != old.cadre_id:
        raise LedgerError("驻村记录所属的第一书记不能更换；请为另一人新增驻村记录。")
    errors = (validate_cadre(ledger, person) if cadre is not None else []) + validate_posting(ledger, posting, person)
    if posting.village_id != old.village_id and old.status != F.PROPOSED:
        errors.append(FieldError("驻村", "已到村的第一书记换村请用“调整”（按 t 选择“调整”），以保留驻村历史"))
    if old.status in SERVING_SECRETARY_STATES and posting.arrival is None:
        errors.append(FieldError("到村时间", "在岗的第一书记须填写到村时间"))
    if posting.term_months == 0 and posting.term_end is None:
        posting.term_months = ledger.settings_ref().secretary_term_months
    _raise(errors)
    puts = ([("cadres", person)] if cadre is not None else []) + [("postings", posting)]
    ledger.commit(f"修改第一书记：{person.name}（{ledger.village_name(posting.village_id)}）", puts)
    return posting_entry(ledger, posting.id)


def post(ledger: Ledger, cadre_id: int, village_id: int, *, arrival: date | None = None, batch: str = "",
         village_type=None, term_months: int = 0) -> RosterEntry:
    """Send a known cadre to a village (再次选派, or filling the matrix's slot): 在岗 from ``arrival``,
    or 拟选派 when no arrival is given."""
    from .models import VillageType

    cadre = ledger.get("cadres", cadre_id, "第一书记")
    p = Posting(cadre_id, village_id, village_type or VillageType.OTHER, batch, arrival, term_months,
                status=F.ACTIVE if arrival else F.PROPOSED)
    return enlist(ledger, cadre, p)


def move(ledger: Ledger, posting_id: int, to: SecretaryStatus, i: workflow.PostingInput | None = None) -> RosterEntry:
    """A posting action (到村, 留任, 召回, 调整, 期满离任, 取消选派). Ending a posting empties its slot;
    调整 ends it and opens a new posting for the same cadre in ``i.village_id`` — one change."""
    i = _clean_strings(clone(i) if i else workflow.PostingInput(), MULTILINE)
    i.who = i.who or ledger.user
    p = ledger.get("postings", posting_id, "驻村记录")
    e = entry(ledger, p)
    status = e.status
    arriving = to == F.ACTIVE and status == F.PROPOSED
    # The date the step will carry (an arrival without one is dated by the planned arrival).
    on = i.on or (p.arrival if arriving and p.arrival else ledger.today)
    verb = workflow.SECRETARY_TRANSITIONS.get((status, to), f"转为“{to.value}”")
    extra: list[str] = []
    if to == F.ACTIVE and status == F.PROPOSED:
        if e.cadre.political_status != "中共党员":
            extra.append("第一书记应为中共党员")
        taken = _village_taken(ledger, p.village_id, on, excluding=p.id)
        if taken:
            extra.append(taken.detail)
        other = in_force(ledger, p.cadre_id, excluding=p.id)
        if other is not None and other.status != F.PROPOSED:
            extra.append(f"{e.name}仍在{ledger.village_name(other.village_id)}驻村")
    successor = None
    if to == F.REASSIGNED and i.village_id is not None:
        if i.village_id not in ledger._cache["villages"]:
            extra.append("调整到的村不存在")
        else:
            taken = _village_taken(ledger, i.village_id, on)
            if taken:
                extra.append(taken.detail)
        successor = Posting(p.cadre_id, i.village_id, batch=p.batch, arrival=on,
                            term_months=ledger.settings_ref().secretary_term_months, status=F.ACTIVE,
                            successor_of=p.id,
                            history=[StatusChange(on, None, F.ACTIVE, f"由{e.village}调整到村", i.who)])
    verdict = workflow.check_posting(p, status, to, i, ledger.today, ledger.settings_ref())
    if extra or not verdict.allowed:
        raise TransitionRefused(verb, verdict.missing + extra)
    workflow.apply_posting(p, status, to, i, ledger.today, ledger.settings_ref())
    # The posting as the step leaves it passes the same checks as a form (an arrival before 2000 or
    # before the cadre was 18 would otherwise make every later edit of it fail).
    errors = validate_posting(ledger, p, e.cadre) + (validate_posting(ledger, successor, e.cadre) if successor else [])
    if errors:
        raise TransitionRefused(verb, [f"“{err.field}”{err.detail}" for err in errors])
    summary = f"第一书记{verb}：{e.name}（{e.village}）"
    if successor is None:
        ledger.commit(summary, [("postings", p)])
        return posting_entry(ledger, p.id)
    summary += f" → {ledger.village_name(successor.village_id)}"
    with ledger.transaction(summary):
        new = ledger.commit("", [("postings", successor)])[0]
        p.history[-1].reason = (p.history[-1].reason or "调整") + f"（调整到{ledger.village_name(new.village_id)}）"
        ledger.commit("", [("postings", p)])
    return posting_entry(ledger, new.id)


def set_assessment(ledger: Ledger, posting_id: int, year: int, grade: Grade | None, absences: int) -> RosterEntry:
    """Enter (or clear, with ``grade`` None) one year's assessment and unexcused absences.

    R10 caps the grade by the absences (refused at 考核等次, saying why); R11 then shows the latest
    grade's to-do (recall or interview) on the dashboard."""
    p = ledger.get("postings", posting_id, "驻村记录")
    e = entry(ledger, p)
    errors = []
    if p.arrival is None:
        raise ValidationErrors([FieldError("考核年度", f"{e.name}尚未到村（{e.status.value}），没有可考核的年度")])
    first = p.arrival.year
    if not 2000 <= year <= ledger.today.year or year < first:
        errors.append(FieldError("考核年度", f"应在{first or 2000}年至{ledger.today.year}年之间"))
    if absences < 0:
        errors.append(FieldError("无故不在岗次数", "不能为负数"))
    elif absences > 366:
        errors.append(FieldError("无故不在岗次数", "不能超过366"))
    if grade is not None and absences >= 0:
        try:
            check_grade(grade, absences, ledger.settings_ref(), "考核等次")  # R10
        except FieldError as err:
            errors.append(err)
    _raise(errors)
    if grade is None:
        p.assessments.pop(year, None)
        p.absences.pop(year, None)
    else:
        p.assessments[year] = grade
        p.absences[year] = absences
    what = f"{year}年度考核" + (f"：{grade.value}" if grade else "（清除）")
    ledger.commit(f"录入第一书记{what}：{e.name}", [("postings", p)])
    return posting_entry(ledger, p.id)


# ---------------------------------------------------------------- to-dos and statistics


@dataclass(frozen=True)
class Todo:
    """An action R11 asks for on a posting: 召回 (不称职) or 约谈 (基本称职)."""

    entry: RosterEntry
    finding: Finding

    @property
    def recall(self) -> bool:
        return self.finding.level.value == "错误"


def todos(ledger: Ledger) -> list[Todo]:
    """R11's to-dos over the roster, recalls first."""
    out = []
    for e in roster(ledger):
        f = r11_todo(e)
        if f is not None:
            out.append(Todo(e, f))
    return sorted(out, key=lambda t: (not t.recall, t.entry.township, t.entry.village))


AGE_BANDS = ((0, 35, "35岁及以下"), (36, 45, "36至45岁"), (46, 55, "46至55岁"), (56, 200, "56岁及以上"))


def age_band(years: int | None) -> str:
    if years is None:
        return "未填"
    return next(label for lo, hi, label in AGE_BANDS if lo <= years <= hi)


@dataclass(frozen=True)
class RosterStats:
    """Counts for the roster's statistics panel (postings in force, unless ``ended`` was asked)."""

    total: int
    by_status: dict[str, int]
    by_unit_level: dict[str, int]
    by_education: dict[str, int]
    by_age: dict[str, int]
    by_gender: dict[str, int]
    by_village_type: dict[str, int]


StatsKey = tuple[str, str, str, str, str, str]  # status, unit level, education, age band, gender, village type


def stats_key(e: RosterEntry, today: date) -> StatsKey:
    """What the statistics count of one posting: worked out once per roster load, so that counting
    the rows a filter shows is a pass over these tuples (issue 9: a keystroke repaints the panel)."""
    return (e.status.value, e.cadre.unit_level.value, e.cadre.education or "未填", age_band(age(e.cadre, today)),
            e.cadre.gender.value, e.posting.village_type.value)


def stats_of_keys(keys: Iterable[StatsKey]) -> RosterStats:
    """Counts by each part of the keys: most frequent first (ties in the order first met), age bands
    in their own order."""
    combos = Counter(keys)  # a few hundred distinct combinations for 1,500 postings
    groups: list[dict[str, int]] = [{} for _ in range(6)]
    for key, n in combos.items():
        for group, value in zip(groups, key):
            group[value] = group.get(value, 0) + n
    status, level, education, ages, gender, village_type = (
        dict(sorted(g.items(), key=lambda kv: -kv[1])) for g in groups)
    return RosterStats(
        total=sum(combos.values()),
        by_status=status,
        by_unit_level=level,
        by_education=education,
        by_age={label: ages[label] for label in [*(b[2] for b in AGE_BANDS), "未填"] if ages.get(label)},
        by_gender=gender,
        by_village_type=village_type,
    )


def stats(entries: list[RosterEntry], today: date) -> RosterStats:
    """Counts of ``entries`` by status, unit level, education, age band, gender and village type."""
    return stats_of_keys(stats_key(e, today) for e in entries)


def integrity_problems(ledger: Ledger) -> list[tuple[str, str, int]]:
    """(subject, problem, posting or cadre id) for ``check``: broken references, duplicate ID numbers,
    a cadre with two postings in force."""
    out = []
    cadres_by_id = ledger._cache["cadres"]
    for p in ledger.records("postings"):
        if p.cadre_id not in cadres_by_id:
            out.append((f"驻村记录#{p.id}", f"引用的第一书记（编号{p.cadre_id}）不存在", p.id))
        if p.village_id not in ledger._cache["villages"]:
            out.append((cadres_by_id[p.cadre_id].name if p.cadre_id in cadres_by_id else f"驻村记录#{p.id}",
                        f"驻村（编号{p.village_id}）不存在", p.id))
    numbers = Counter(c.id_number for c in cadres_by_id.values() if c.id_number)
    for number, n in numbers.items():
        if n > 1:
            names = "、".join(c.name for c in cadres_by_id.values() if c.id_number == number)
            out.append((names, f"{n}名第一书记的身份证号相同", 0))
    # Two postings in force for one cadre: when both serve, the 四个一 conflict (one cadre in two
    # villages) says so already; a planned one beside another is reported here.
    force = Counter(p.cadre_id for p in ledger.records("postings") if p.status in (F.PROPOSED, F.ACTIVE, F.TERM_ENDING))
    planned = {p.cadre_id for p in ledger.records("postings") if p.status == F.PROPOSED}
    for cadre_id, n in force.items():
        if n > 1 and cadre_id in cadres_by_id and cadre_id in planned:
            out.append((cadres_by_id[cadre_id].name, f"同时有{n}条未结束的驻村记录（含拟选派）", 0))
    return out
