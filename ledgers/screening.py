"""拉网式排查 (seed 002; seed 004: 调研摸底、综合分析、应整尽整): every village of a year against the
situations S01–S13, proposed from the ledger's own data with the evidence and the threshold from
Settings, and the office's decision on each proposal (listed as 拟认定, or dismissed with a reason —
kept, so next year's screening shows it was considered).

Computed (each only where the data is on file; a village without meetings or development records
is "not known" for S04/S11, never proposed for lacking records):
  S01 a post vacant longer than ``vacancy_months`` (书记出缺超过3个月, 班子配备不齐)
  S04 a completed quarter (month) of the year without the required 支部党员大会 / 党课 (支部委员会)
  S05 the organisation's term over without a new election (R5)
  S10 the latest satisfaction poll below ``min_satisfaction_pct``
  S11 no one reached 发展对象 in the last ``years_without_candidate`` years
  S12 collective income 空壳 or 薄弱 (R13)
  S13 among the last ``last_places`` of the year's ranking (entered by the clerk)
S02, S03, S06–S09 cannot come from data: the clerk ticks them with a 线索来源 and a note.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from .codec import clone
from .dates import add_months
from .errors import FieldError, LedgerError, ValidationErrors
from .models import IncomeTier, Settings, Village
from .people import MeetingKind, RecruitStage, VillagePeople, people_of
from .rules import income_tier, org_term_end
from .text import clean_text

if TYPE_CHECKING:
    from .ledger import Ledger

COMPUTED = ("S01", "S04", "S05", "S10", "S11", "S12", "S13")
TICKED = ("S02", "S03", "S06", "S07", "S08", "S09")
# Where a ticked situation's clue came from (seed 004: 纪委监委、政法委、信访、民政…).
CLUE_SOURCES = ("纪委监委", "政法委", "公安", "信访", "民政", "农业农村", "审计", "群众反映", "走访调研", "其他")


class Decision(enum.StrEnum):
    LISTED = "列入拟认定"
    DISMISSED = "不列入"


@dataclass
class Clue:
    """A situation the clerk ticked (S02/S03/S06–S09), with where it came from."""

    source: str
    note: str = ""


@dataclass
class ScreeningRecord:
    """The office's decision on one village in one year's screening."""

    village_id: int
    year: int
    decision: Decision
    codes: list[str] = field(default_factory=list)  # the situations it was listed for
    clues: dict[str, Clue] = field(default_factory=dict)  # ticked situations: code → clue
    reason: str = ""  # why it was not listed (required when dismissed)
    day: date | None = None
    id: int = 0


@dataclass
class Poll:
    """A satisfaction poll of a village (S10): how many of those asked were satisfied."""

    village_id: int
    day: date
    satisfied: int
    asked: int
    note: str = ""
    id: int = 0

    @property
    def pct(self) -> float:
        return 100 * self.satisfied / self.asked if self.asked else 0.0


@dataclass
class Ranking:
    """A village's place in a year's 年度考核 / 星级评定 ranking (S13), as the clerk enters it."""

    village_id: int
    year: int
    rank: int
    of: int
    id: int = 0


COLLECTIONS: dict[str, type] = {"screenings": ScreeningRecord, "polls": Poll, "rankings": Ranking}
LABELS = {"screenings": "排查结论", "polls": "满意度测评", "rankings": "年度排名"}


@dataclass(frozen=True)
class Proposal:
    """One situation a village's data supports."""

    village_id: int
    village: str
    township: str
    code: str
    evidence: str
    threshold: str


@dataclass(frozen=True)
class VillageScreening:
    """One village in a year's screening: what its data supports, what is not known, the decision."""

    village: Village
    proposals: tuple[Proposal, ...]
    unknown: tuple[str, ...]  # codes that cannot be judged for want of records
    record: ScreeningRecord | None
    open_case: bool  # already has a case not ended (listing again is refused)
    earlier: ScreeningRecord | None = None  # the latest decision of an earlier year (it was considered)


def screening_day(year: int, today: date) -> date:
    """The screening looks at the year up to today (the whole year once it is over)."""
    return min(today, date(year, 12, 31))


# ---------------------------------------------------------------- the situations


def _s01(v: Village, p: VillagePeople, s: Settings, day: date) -> list[tuple[str, str]]:
    out = []
    for vac in p.open_vacancies(day):
        months = (day.year - vac.since.year) * 12 + day.month - vac.since.month - (day.day < vac.since.day)
        if months >= s.vacancy_months and (months > s.vacancy_months or day.day != vac.since.day):
            more = "多" if day.day != vac.since.day else ""
            out.append((f"{vac.post.value}自{vac.since.isoformat()}出缺，已{months}个{more}月",
                        f"出缺超过{s.vacancy_months}个月"))
    return out


def _periods(year: int, day: date, months: int) -> list[tuple[int, date, date]]:
    """The periods of ``months`` months (3: quarters, 1: months) of ``year`` completed by ``day``:
    (number, first day, the day after the last)."""
    out = []
    for n in range(12 // months):
        start, end = date(year, months * n + 1, 1), add_months(date(year, months * n + 1, 1), months)
        if end <= day:
            out.append((n + 1, start, end))
    return out


def _s04(v: Village, p: VillagePeople, s: Settings, year: int, day: date) -> list[tuple[str, str]] | None:
    if not p.meetings:
        return None  # no 组织生活 on file: not known
    days: dict[MeetingKind, list[date]] = {}
    for m in p.meetings:
        days.setdefault(m.kind, []).append(m.day)
    quarters, months = _periods(year, day, 3), _periods(year, day, 1)
    out = []
    for kind, need, periods, unit in (
            (MeetingKind.CONGRESS, s.congresses_per_quarter, quarters, "季度"),
            (MeetingKind.LECTURE, s.lectures_per_quarter, quarters, "季度"),
            (MeetingKind.COMMITTEE, s.committee_meetings_per_month, months, "月")):
        if need <= 0:
            continue
        short = []
        for n, start, end in periods:
            count = sum(1 for d in days.get(kind, ()) if start <= d < end)
            if count < need:
                short.append(f"第{n}{unit}" if unit == "季度" else f"{n}月")
        if short:
            out.append((f"{year}年{'、'.join(short)}{kind.value}少于{need}次",
                        f"{kind.value}每{unit}至少{need}次"))
    return out


def _s05(v: Village, s: Settings, day: date) -> list[tuple[str, str]]:
    end = org_term_end(v, s)
    if end is not None and end < day:
        return [(f"村党组织{v.org_term_start.isoformat() if v.org_term_start else ''}起任期已于{end.isoformat()}届满，未换届",
                 f"任期{s.org_term_years}年")]
    return []


def _s10(polls: list[Poll], s: Settings, day: date) -> list[tuple[str, str]]:
    done = [p for p in polls if p.day <= day and p.asked > 0]
    if not done:
        return []
    latest = max(done, key=lambda p: (p.day, p.id))
    if latest.pct < s.min_satisfaction_pct:
        return [(f"{latest.day.isoformat()}测评满意{latest.satisfied}/{latest.asked}人（{latest.pct:.1f}%）",
                 f"满意度不低于{s.min_satisfaction_pct}%")]
    return []


def _s11(p: VillagePeople, s: Settings, day: date) -> list[tuple[str, str]] | None:
    if not p.recruits:
        return None  # no development records on file: not known
    since = date(day.year - s.years_without_candidate, day.month, min(day.day, 28))
    reached = [d for r in p.recruits for st, d in r.stages.items()
               if st == RecruitStage.CANDIDATE and d <= day]
    if any(d > since for d in reached):
        return []
    last = max(reached, default=None)
    shown = f"最近一名发展对象确定于{last.isoformat()}" if last else "没有确定过发展对象"
    return [(f"{shown}，{since.isoformat()}以来没有发展对象", f"连续{s.years_without_candidate}年以上无发展对象")]


def _s12(v: Village, s: Settings, year: int) -> list[tuple[str, str]]:
    amount = v.income(year) if year in v.collective_income else v.income()
    tier = income_tier(amount, s)
    if amount is not None and tier in (IncomeTier.SHELL, IncomeTier.WEAK):
        which = year if year in v.collective_income else max(v.collective_income)
        return [(f"{which}年集体经营性收入{amount}元（{tier.value}）", f"薄弱村：低于{s.weak_income_below}元")]
    return []


def _s13(rank: Ranking | None, s: Settings) -> list[tuple[str, str]]:
    if rank is None or rank.of <= 0:
        return []
    if rank.rank > rank.of - s.last_places:
        return [(f"{rank.year}年排名第{rank.rank}名（共{rank.of}名）", f"末{s.last_places}名")]
    return []


def screen(ledger: Ledger, year: int | None = None, *, village_ids: set[int] | None = None) -> list[VillageScreening]:
    """Every village (or those of ``village_ids``) for ``year`` (this year by default), registry order."""
    s = ledger.settings
    today = ledger.today
    year = year or today.year
    day = screening_day(year, today)
    polls: dict[int, list[Poll]] = {}
    for p in ledger.records("polls"):
        polls.setdefault(p.village_id, []).append(p)
    ranks = {r.village_id: r for r in ledger.records("rankings") if r.year == year}
    records = {r.village_id: r for r in ledger.records("screenings") if r.year == year}
    earlier: dict[int, ScreeningRecord] = {}
    for r in sorted(ledger.records("screenings"), key=lambda r: r.year):
        if r.year < year:
            earlier[r.village_id] = r
    active = {c.village_id for c in ledger.records("cases") if c.active}
    out = []
    for v in ledger.villages():
        if village_ids is not None and v.id not in village_ids:
            continue
        people = people_of(ledger, v.id)
        found: list[tuple[str, str, str]] = []
        unknown = []
        for code, result in (("S01", _s01(v, people, s, day)), ("S04", _s04(v, people, s, year, day)),
                             ("S05", _s05(v, s, day)), ("S10", _s10(polls.get(v.id, []), s, day)),
                             ("S11", _s11(people, s, day)), ("S12", _s12(v, s, year)),
                             ("S13", _s13(ranks.get(v.id), s))):
            if result is None:
                unknown.append(code)
                continue
            found += [(code, evidence, threshold) for evidence, threshold in result]
        proposals = tuple(Proposal(v.id, v.name, v.township, code, evidence, threshold)
                          for code, evidence, threshold in found)
        out.append(VillageScreening(v, proposals, tuple(unknown), records.get(v.id), v.id in active, earlier.get(v.id)))
    return out


# ---------------------------------------------------------------- decisions


def _check_clues(ledger: Ledger, clues: dict[str, Clue]) -> dict[str, Clue]:
    known = {x.code for x in ledger.situations()}
    errors = []
    out = {}
    for code, clue in clues.items():
        if code not in TICKED or code not in known:
            errors.append(FieldError("情形", f"{code}不是需要人工勾选的情形（{'、'.join(TICKED)}）"))
            continue
        source = clean_text(clue.source).strip()
        if not source:
            errors.append(FieldError(f"{code}线索来源", "请填写线索来源（如纪委监委、信访）"))
        out[code] = Clue(source, clean_text(clue.note, multiline=True).strip())
    if errors:
        raise ValidationErrors(errors)
    return out


def list_village(ledger: Ledger, village_id: int, year: int, codes: list[str],
                 clues: dict[str, Clue] | None = None) -> int:
    """List the village as 拟认定 for ``year`` with the proposed (and ticked) situations, and keep the
    decision; one change. Returns the new case's id."""
    clues = _check_clues(ledger, clues or {})
    all_codes = sorted({*codes, *clues})
    if not all_codes:
        raise LedgerError("没有可列入的情形：请先勾选情形或选择有数据依据的村。")
    evidence = [f"{p.code} {p.evidence}" for p in screen(ledger, year, village_ids={village_id})[0].proposals
                if p.code in all_codes]
    evidence += [f"{code} 线索来源：{c.source}" + (f"，{c.note}" if c.note else "") for code, c in clues.items()]
    record = ScreeningRecord(village_id, year, Decision.LISTED, all_codes, clues, day=ledger.today)
    previous = _record(ledger, village_id, year)
    if previous is not None:
        record.id = previous.id
    case = ledger.new_case(village_id, year, problem_summary="排查发现：" + "；".join(evidence),
                           situations=all_codes, also=[("screenings", record)])
    return case.id


def dismiss(ledger: Ledger, village_id: int, year: int, reason: str) -> ScreeningRecord:
    """Not listed this year, and why (kept for next year's screening)."""
    reason = clean_text(reason, multiline=True).strip()
    if not reason:
        raise ValidationErrors([FieldError("理由", "不列入须写明理由（如：情况已核实不属实、问题已整改）")])
    v = ledger.village(village_id)
    record = ScreeningRecord(village_id, year, Decision.DISMISSED, reason=reason, day=ledger.today)
    previous = _record(ledger, village_id, year)
    if previous is not None:
        if previous.decision == Decision.LISTED:
            raise LedgerError(f"{v.name}已在{year}年排查中列入拟认定；如不认定，请在整顿台账中把该案卷转为“未认定”。")
        record.id = previous.id
    return ledger.commit(f"排查不列入：{v.name}（{year}年）", [("screenings", record)])[0]


def _record(ledger: Ledger, village_id: int, year: int) -> ScreeningRecord | None:
    return next((clone(r) for r in ledger.records("screenings") if r.village_id == village_id and r.year == year),
                None)


def save_poll(ledger: Ledger, p: Poll) -> Poll:
    errors = []
    if p.asked <= 0:
        errors.append(FieldError("测评人数", "必须大于0"))
    if not 0 <= p.satisfied <= max(p.asked, 0):
        errors.append(FieldError("满意人数", "应在0和测评人数之间"))
    if p.day > ledger.today:
        errors.append(FieldError("测评日期", "不能晚于今天"))
    if errors:
        raise ValidationErrors(errors)
    return ledger.commit(f"登记满意度测评：{ledger.village_name(p.village_id)} {p.day.isoformat()}", [("polls", p)])[0]


def save_ranking(ledger: Ledger, r: Ranking) -> Ranking:
    if not 1 <= r.rank <= r.of:
        raise ValidationErrors([FieldError("名次", f"应在1和参评总数（{r.of}）之间")])
    old = next((x for x in ledger.records("rankings") if x.village_id == r.village_id and x.year == r.year), None)
    r = clone(r)
    if old is not None:
        r.id = old.id
    return ledger.commit(f"登记年度排名：{ledger.village_name(r.village_id)}（{r.year}年第{r.rank}名）",
                         [("rankings", r)])[0]
