"""四个一: who holds each slot of a village, gaps and conflicts — one definition for every view.

The county-leader, township-leader and paired-unit slots are ``Assignment`` records (a reusable
``Leader`` or ``Unit`` from a start date until an end date). The first-secretary slot is not a
record of its own: it is the village's serving ``Posting`` (``ledgers.roster``), so the roster and
the matrix cannot disagree. A 拟选派 posting is shown as planned, never as a filled slot.

``slots`` and ``conflicts`` are what the matrix screen, the dashboard, the case list, the village
card, ``check`` and the 通报 all read.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .codec import clone
from .dates import day_before
from .errors import FieldError, LedgerError, NotFound, ValidationErrors
from .ledger import Holder, Ledger, _clean_strings
from .models import Assignment, Leader, Posting, Role, SecretaryStatus, Unit
from .text import clean_text

LEADER_ROLES = (Role.COUNTY_LEADER, Role.TOWNSHIP_LEADER)
RECORD_ROLES = (Role.COUNTY_LEADER, Role.TOWNSHIP_LEADER, Role.PAIRED_UNIT)  # slots kept as Assignments
DELETED = "（已删除）"


@dataclass(frozen=True)
class Conflict:
    """Something wrong with who holds a slot of one village (shown at that village)."""

    village_id: int
    role: Role
    message: str


# ---------------------------------------------------------------- leaders and units


def leaders(ledger: Ledger, role: Role | None = None) -> list[Leader]:
    return sorted((clone(l) for l in ledger.records("leaders") if role is None or l.role == role), key=lambda l: l.id)


def units(ledger: Ledger) -> list[Unit]:
    return sorted((clone(u) for u in ledger.records("units")), key=lambda u: u.id)


def _holder_collection(role: Role) -> str:
    return "leaders" if role in LEADER_ROLES else "units"


def save_leader(ledger: Ledger, l: Leader) -> Leader:
    l = _clean_strings(clone(l))
    errors = [] if l.name else [FieldError("姓名", "不能为空")]
    if l.role not in LEADER_ROLES:
        errors.append(FieldError("类别", "应为县级联系领导或乡镇包村领导"))
    elif l.id and l.role != ledger.get("leaders", l.id, "领导").role and links(ledger, "leaders", l.id):
        errors.append(FieldError("类别", "该领导正在包联村，不能改变类别；请先结束其包联"))
    if len(l.name) > 20:
        errors.append(FieldError("姓名", "不能超过20个字"))
    if l.phone:
        from .validate import normalize_phone

        try:
            l.phone = normalize_phone(l.phone)
        except FieldError as e:
            errors.append(e)
    if errors:
        raise ValidationErrors(errors)
    return ledger.commit(f"{'修改' if l.id else '新增'}{l.role.value}：{l.name}", [("leaders", l)])[0]


def save_unit(ledger: Ledger, u: Unit) -> Unit:
    u = _clean_strings(clone(u))
    errors = [] if u.name else [FieldError("单位名称", "不能为空")]
    if len(u.name) > 50:
        errors.append(FieldError("单位名称", "不能超过50个字"))
    if any(o.name == u.name and o.id != u.id for o in ledger.records("units")):
        errors.append(FieldError("单位名称", f"已有“{u.name}”"))
    if errors:
        raise ValidationErrors(errors)
    return ledger.commit(f"{'修改' if u.id else '新增'}结对单位：{u.name}", [("units", u)])[0]


def links(ledger: Ledger, collection: str, id: int, on: date | None = None) -> list[int]:
    """Villages whose slot the leader or unit holds on ``on`` (today)."""
    day = on or ledger.today
    roles = LEADER_ROLES if collection == "leaders" else (Role.PAIRED_UNIT,)
    return sorted({a.village_id for a in ledger.records("assignments")
                   if a.role in roles and a.holder_id == id and a.active_on(day)})


def link_counts(ledger: Ledger, on: date | None = None) -> dict[tuple[str, int], int]:
    """(collection, id) → how many villages each leader or unit links today, in one pass."""
    day = on or ledger.today
    seen: set[tuple[str, int, int]] = set()
    for a in ledger.records("assignments"):
        if a.active_on(day) and a.role in RECORD_ROLES:
            seen.add((_holder_collection(a.role), a.holder_id, a.village_id))
    return dict(Counter((c, i) for c, i, _ in seen))


def delete_holder(ledger: Ledger, collection: str, id: int) -> None:
    """Delete a leader or unit; refused with the reason while it holds a slot or has history."""
    what = "领导" if collection == "leaders" else "结对单位"
    rec = ledger.get(collection, id, what)
    now = links(ledger, collection, id)
    if now:
        names = "、".join(ledger.village_name(v) for v in now)
        raise LedgerError(f"不能删除“{rec.name}”：正在包联{names}。请先在“四个一”中结束其包联。")
    roles = LEADER_ROLES if collection == "leaders" else (Role.PAIRED_UNIT,)
    past = sum(1 for a in ledger.records("assignments") if a.role in roles and a.holder_id == id)
    if past:
        raise LedgerError(f"不能删除“{rec.name}”：有{past}条包联历史记录引用它（删除会使历史无法查看）。")
    ledger.commit(f"删除{what}：{rec.name}", deletes=[(collection, id)])


# ---------------------------------------------------------------- slots


def holder_name(ledger: Ledger, role: Role, holder_id: int) -> tuple[str, str]:
    """(name, detail) of the leader, unit or cadre ``holder_id`` points at for ``role``."""
    if role == Role.FIRST_SECRETARY:
        c = ledger._cache["cadres"].get(holder_id)
        return (c.name, c.dispatching_unit) if c else (DELETED, "")
    rec = ledger._cache[_holder_collection(role)].get(holder_id)
    if rec is None:
        return DELETED, ""
    return (rec.name, rec.title) if role in LEADER_ROLES else (rec.name, rec.level.value)


def _assignments_by_village(ledger: Ledger) -> dict[int, list[Assignment]]:
    def build() -> dict[int, list[Assignment]]:
        out: dict[int, list[Assignment]] = {}
        for a in sorted(ledger.records("assignments"), key=lambda a: (a.start or date.min, a.id)):
            out.setdefault(a.village_id, []).append(a)
        return out
    return ledger.derived("assignments", "by_village", build)


def _postings_by_village(ledger: Ledger) -> dict[int, list[Posting]]:
    def build() -> dict[int, list[Posting]]:
        out: dict[int, list[Posting]] = {}
        for p in sorted(ledger.records("postings"), key=lambda p: (p.arrival or date.min, p.id)):
            out.setdefault(p.village_id, []).append(p)
        return out
    return ledger.derived("postings", "by_village", build)


def serving_postings(ledger: Ledger, village_id: int, on: date | None = None) -> list[Posting]:
    """The postings stationed in the village on ``on`` (one, normally; two is a conflict)."""
    day = on or ledger.today
    return [p for p in _postings_by_village(ledger).get(village_id, ()) if p.serves_on(day)]


def planned_posting(ledger: Ledger, village_id: int) -> Posting | None:
    """A 拟选派 posting for the village: planned, not filled."""
    return next((p for p in reversed(_postings_by_village(ledger).get(village_id, ()))
                 if p.status == SecretaryStatus.PROPOSED), None)


def _posting_holder(ledger: Ledger, p: Posting) -> Holder:
    name, unit = holder_name(ledger, Role.FIRST_SECRETARY, p.cadre_id)
    return Holder(p.id, Role.FIRST_SECRETARY, p.cadre_id, name, unit, p.arrival)


def slots(ledger: Ledger, village_id: int, on: date | None = None) -> dict[Role, Holder | None]:
    """The four slots of a village on ``on`` (today): a Holder, or None for a gap (未落实)."""
    day = on or ledger.today
    out: dict[Role, Holder | None] = {r: None for r in Role}
    # The latest holding wins where two overlap (a hand-edited file); ``conflicts`` reports the overlap.
    for a in _assignments_by_village(ledger).get(village_id, ()):
        if a.active_on(day) and a.role in RECORD_ROLES:
            name, detail = holder_name(ledger, a.role, a.holder_id)
            out[a.role] = Holder(a.id, a.role, a.holder_id, name, detail, a.start)
    serving = serving_postings(ledger, village_id, day)
    if serving:
        out[Role.FIRST_SECRETARY] = _posting_holder(ledger, serving[-1])
    return out


def planned_holder(ledger: Ledger, village_id: int) -> Holder | None:
    """The 拟选派 first secretary of a village whose slot is still a gap, for display as "planned"."""
    p = planned_posting(ledger, village_id)
    return _posting_holder(ledger, p) if p is not None else None


def filled_roles(ledger: Ledger, on: date | None = None) -> dict[int, set[Role]]:
    """Per village, the roles someone holds on ``on`` — what ``slots`` shows, for every village in one
    pass (list screens; ``slots`` per row would be 2,000 calls)."""
    day = on or ledger.today
    out: dict[int, set[Role]] = {}
    for a in ledger.records("assignments"):
        if a.active_on(day) and a.role in RECORD_ROLES:
            out.setdefault(a.village_id, set()).add(a.role)
    for p in ledger.records("postings"):
        if p.serves_on(day):
            out.setdefault(p.village_id, set()).add(Role.FIRST_SECRETARY)
    return out


def history(ledger: Ledger, village_id: int, role: Role) -> list[Holder]:
    """Everyone who held (or holds) one slot of a village, oldest first, for the slot's history."""
    if role == Role.FIRST_SECRETARY:
        return [_posting_holder(ledger, p) for p in _postings_by_village(ledger).get(village_id, ())
                if p.arrival is not None and p.status not in (SecretaryStatus.PROPOSED, SecretaryStatus.WITHDRAWN)]
    out = []
    for a in _assignments_by_village(ledger).get(village_id, ()):
        if a.role == role:
            name, detail = holder_name(ledger, a.role, a.holder_id)
            out.append(Holder(a.id, a.role, a.holder_id, name, detail, a.start))
    return out


def assignment_end(ledger: Ledger, assignment_id: int) -> date | None:
    a = ledger._cache["assignments"].get(assignment_id)
    return a.end if a else None


# ---------------------------------------------------------------- changing a slot


def assign(ledger: Ledger, village_id: int, role: Role, holder_id: int, start: date | None = None,
           note: str = "") -> Assignment:
    """Put a leader or unit in a slot; whoever held it ends the day before (one holder per slot and
    day). The first-secretary slot is filled by a posting (``roster.post``), not here."""
    if role == Role.FIRST_SECRETARY:
        raise LedgerError("第一书记由花名册的驻村记录决定：请在“第一书记”栏目为其安排驻村。")
    v = ledger.village(village_id)
    name, _ = holder_name(ledger, role, holder_id)
    if name == DELETED:
        raise NotFound(f"找不到要包联的{role.value}。")
    if role in LEADER_ROLES and ledger._cache["leaders"][holder_id].role != role:
        raise LedgerError(f"{name}不是{role.value}。")
    start = start or ledger.today
    errors = []
    if start > ledger.today + timedelta(days=366):
        errors.append(FieldError("开始日期", "不能晚于明年今日"))
    previous = [a for a in ledger.records("assignments")
                if a.village_id == village_id and a.role == role and a.end is None]
    for a in previous:
        if a.start and start < a.start:
            errors.append(FieldError("开始日期", f"不能早于现任{holder_name(ledger, role, a.holder_id)[0]}的开始日期"
                                                 f"（{a.start.isoformat()}）"))
        if a.holder_id == holder_id:
            errors.append(FieldError(role.value, f"{name}已在{v.name}包联"))
    if errors:
        raise ValidationErrors(errors)
    ended = [replace(a, end=day_before(start)) for a in previous]
    new = Assignment(village_id, role, holder_id, start, None, clean_text(note))
    stored = ledger.commit(f"“四个一”{role.value}：{v.name} ← {name}",
                           [("assignments", a) for a in ended] + [("assignments", new)])
    return stored[-1]


def end_assignment(ledger: Ledger, assignment_id: int, end: date | None = None) -> Assignment:
    """End a leader's or unit's holding (kept as history). ``end`` is its last day; by default
    yesterday, so the slot is a gap from today, as when a first secretary's posting ends. A holding
    that ends the day before it began never held the slot (a same-day correction)."""
    a = ledger.get("assignments", assignment_id, "包联记录")
    if a.end is not None and a.end < ledger.today:
        raise LedgerError("该包联已经结束。")
    a.end = end or day_before(ledger.today)
    if a.start and a.end < day_before(a.start):
        raise ValidationErrors([FieldError("结束日期", "不能早于开始日期")])
    name, _ = holder_name(ledger, a.role, a.holder_id)
    return ledger.commit(f"结束“四个一”{a.role.value}：{ledger.village_name(a.village_id)} {name}",
                         [("assignments", a)])[0]


# ---------------------------------------------------------------- conflicts


def conflicts(ledger: Ledger, on: date | None = None, village_id: int | None = None) -> list[Conflict]:
    """Every conflict on ``on`` (today), one per village and slot it concerns:

    - a first secretary (cadre) serving in two villages at once (reported at each);
    - two first secretaries serving in one village;
    - two leaders or units holding one slot on the same day;
    - a leader in a slot of the other kind (a township leader as the county leader);
    - a slot holder that does not exist any more;
    - a serving first secretary who is not a Party member (R7).

    Entry paths refuse all of these; they come from hand-edited files, imports of old sheets and
    files migrated from the first format. ``village_id``: only those at that village (a card), counted
    from its own records and those of its first secretaries unless all are counted already."""
    day = on or ledger.today
    if village_id is not None:
        everything = ledger.kept(("conflicts", day))
        if everything is not None:
            return [c for c in everything if c.village_id == village_id]
        return _conflicts(ledger, day, village_id)
    return list(ledger.current(("conflicts", day), lambda: _conflicts(ledger, day)))


_ROLE_ORDER = {role: n for n, role in enumerate(Role)}


def _conflicts(ledger: Ledger, day: date, village: int | None = None) -> list[Conflict]:
    """All conflicts, or those at ``village``: the same reckoning over the records that can make
    one there (its assignments, every posting of a cadre serving there), in the same order."""
    postings: Iterable[Posting] = ledger.records("postings")
    assignments: Iterable[Assignment] = ledger.records("assignments")
    if village is not None:
        here = {p.cadre_id for p in _postings_by_village(ledger).get(village, ()) if p.serves_on(day)}
        postings = [p for p in postings if p.cadre_id in here]
        assignments = [a for a in assignments if a.village_id == village]
    out: list[Conflict] = []
    cadres = ledger._cache["cadres"]
    by_cadre: dict[int, set[int]] = {}
    by_village: dict[int, list[Posting]] = {}
    for p in postings:
        if p.serves_on(day):
            by_cadre.setdefault(p.cadre_id, set()).add(p.village_id)
            by_village.setdefault(p.village_id, []).append(p)
    for cadre_id, villages in by_cadre.items():
        c = cadres.get(cadre_id)
        name = c.name if c else f"#{cadre_id}"
        if len(villages) > 1:
            names = "、".join(ledger.village_name(v) for v in sorted(villages))
            out += [Conflict(v, Role.FIRST_SECRETARY, f"第一书记{name}同时在{names}驻村") for v in sorted(villages)]
        if c is None:
            out += [Conflict(v, Role.FIRST_SECRETARY, f"第一书记（编号{cadre_id}）不存在") for v in sorted(villages)]
        elif c.political_status != "中共党员":
            out += [Conflict(v, Role.FIRST_SECRETARY, f"第一书记{name}政治面貌为“{c.political_status}”，应为中共党员")
                    for v in sorted(villages)]
    for vid, ps in by_village.items():
        if len(ps) > 1:
            names = "、".join(holder_name(ledger, Role.FIRST_SECRETARY, p.cadre_id)[0] for p in ps)
            out.append(Conflict(vid, Role.FIRST_SECRETARY, f"同时有{len(ps)}名第一书记在岗（{names}）"))
    # Keyed by (village, the role's place in Role) so that a plain sort orders them; first-format
    # first-secretary assignments are left to the postings (migrated away).
    held: dict[tuple[int, int], list[Assignment]] = {}
    for a in assignments:
        if a.role != Role.FIRST_SECRETARY and a.active_on(day):
            held.setdefault((a.village_id, _ROLE_ORDER[a.role]), []).append(a)
    leaders = ledger._cache["leaders"]
    for (vid, _order), rows in sorted(held.items()):
        role = rows[0].role
        if len(rows) > 1:
            names = "、".join(holder_name(ledger, role, a.holder_id)[0] for a in rows)
            out.append(Conflict(vid, role, f"{role.value}同时有{len(rows)}人（单位）：{names}"))
        records = ledger._cache[_holder_collection(role)]
        for a in rows:
            holder = records.get(a.holder_id)
            if holder is None:
                out.append(Conflict(vid, role, f"{role.value}引用的记录（编号{a.holder_id}）不存在"))
            elif role in LEADER_ROLES and leaders[a.holder_id].role != role:
                out.append(Conflict(vid, role, f"{holder.name}是{leaders[a.holder_id].role.value}，"
                                              f"不能作为{role.value}"))
    return out if village is None else [c for c in out if c.village_id == village]
