"""The ledger service: the one way the TUI, the exporters and the CLI read and change the ledgers.

It owns a ``Store`` (TinyDB by default), keeps typed domain objects in memory (converted once at the
boundary), validates before every write, runs the workflows and keeps the lookup index current.
Every change is one store transaction, so it is audited and can be undone as a whole.
"""
from __future__ import annotations

import contextlib
import dataclasses
import enum
import gc
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from . import workflow
from .codec import clone, from_dict, to_dict
from .errors import FieldError, LedgerError, NotFound, RecordUnreadable, ValidationErrors
from .lookup import Hit, VillageIndex
from .models import (
    SLOTTED_CASE_STATES,
    TASK_EDIT_STATES,
    Acceptance,
    AcceptanceResult,
    Assignment,
    CaseState,
    Cadre,
    Leader,
    Posting,
    ProgressReport,
    RectificationCase,
    Review,
    Role,
    Settings,
    Situation,
    Task,
    TaskStatus,
    Unit,
    Village,
)
from .rules import poll_problems
from .settings_meta import settings_problems
from .store import AuditEntry, Store
from .people import COLLECTIONS as PEOPLE_COLLECTIONS
from .people import LABELS as PEOPLE_LABELS
from .screening import COLLECTIONS as SCREENING_COLLECTIONS
from .screening import LABELS as SCREENING_LABELS
from .text import clean_text

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

T = TypeVar("T")

# collection name → record type
COLLECTIONS: dict[str, type] = {
    "villages": Village,
    "leaders": Leader,
    "units": Unit,
    "situations": Situation,
    "cadres": Cadre,
    "postings": Posting,
    "cases": RectificationCase,
    "assignments": Assignment,
    "settings": Settings,
    **PEOPLE_COLLECTIONS,  # the village's people (ledgers/people.py)
    **SCREENING_COLLECTIONS,  # 拉网式排查: decisions, polls, rankings (ledgers/screening.py)
}


@dataclass(frozen=True)
class Holder:
    """Who fills one 四个一 slot, resolved for display (``ledgers.assignments.slots``)."""

    assignment_id: int  # the Assignment of a leader or unit; the Posting's id for a first secretary
    role: Role
    holder_id: int  # Leader, Unit or Cadre id
    name: str
    detail: str  # title of a leader, dispatching unit of a first secretary, level of a unit
    start: date | None


def _task_lock_message(state: CaseState) -> str:
    return f"案卷处于“{state.value}”阶段，整改任务已不能修改（验收不合格退回整改后可再修改）"


def _clean_strings(obj: Any, multiline_fields: frozenset[str] = frozenset(), *, typed: bool = True) -> Any:
    """Clean every string field of a dataclass (recursively) where it enters the ledger; first,
    refuse a value of the wrong type (``typecheck``: "12" for a number, True for a count, a date in
    9999), so no rule below ever sees one."""
    if typed and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        from .typecheck import problems

        wrong = problems(obj)
        if wrong:
            raise ValidationErrors(wrong)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            # Enum members are str too (StrEnum) but are codes, not typed text: left as they are.
            if isinstance(value, str) and not isinstance(value, enum.Enum):
                setattr(obj, f.name, clean_text(value, multiline=f.name in multiline_fields))
            elif isinstance(value, list):
                setattr(obj, f.name, [clean_text(v) if isinstance(v, str) and not isinstance(v, enum.Enum)
                                      else _clean_strings(v, multiline_fields, typed=False) for v in value])
            elif dataclasses.is_dataclass(value):
                _clean_strings(value, multiline_fields, typed=False)
    return obj


# What the 修改案卷 form may change; everything else of a case changes through its own step.
EDITABLE_CASE_FIELDS = frozenset({"year", "batch", "situations", "situation_note", "problem_summary",
                                  "cause_analysis", "note"})

MULTILINE = frozenset({"note", "problem_summary", "cause_analysis", "text", "finding", "circular_requirements",
                       "township_opinion", "county_opinion", "evidence", "waive_note", "measure", "problem",
                       "reason", "situation_note"})


_VERSIONS = itertools.count(1)  # Ledger.version, for every ledger of the process


@contextlib.contextmanager
def bulk_load() -> Iterator[None]:
    """Cyclic garbage collection paused while a whole file is parsed and decoded.

    A prefecture file becomes ~300,000 objects, all acyclic and long-lived; allocating them set off
    full collections, each walking everything loaded so far (60–190 ms of a start-up, measured in
    bench/bench_startup.py). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Ledger:
    """All ledgers of one township (or county) file."""

    def __init__(self, store: Store, today: date | None = None, *, tolerant: bool = False) -> None:
        self.store = store
        self._today = today
        # ``tolerant`` (read-only, for ``check``): records that do not load are left out and listed
        # here instead of stopping the whole ledger.
        self.tolerant = tolerant
        self.unreadable: list[RecordUnreadable] = []
        self.index = VillageIndex()
        # Bumped on every change so screens know when to refresh; drawn from one counter for the whole
        # process, so a ledger opened anew (F2 改为可写) never repeats a version a screen has shown.
        self.version = 0
        self._load()

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, *, today: date | None = None, read_only: bool = False,
             user: str | None = None, tolerant: bool = False) -> "Ledger":
        """Open the ledger file. Every record is decoded before the file counts as good (and is
        backed up as such); one that does not load raises ``RecordUnreadable`` naming it — except
        ``tolerant`` (read-only), which leaves such records out and lists them in ``unreadable``."""
        with bulk_load():
            store = Store.open(path, read_only=read_only, user=user,
                               validator=None if tolerant else decode_records)
            try:
                ledger = cls(store, today, tolerant=tolerant)
                if not read_only and not store.get("settings", 1) and store.is_empty():
                    ledger.seed_reference_data()
            except BaseException:
                store.close()
                raise
        return ledger

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def today(self) -> date:
        return self._today or date.today()

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def user(self) -> str:
        return self.settings.clerk or self.store.user

    def seed_reference_data(self) -> None:
        """A new file gets the default situation table and settings (one audited change)."""
        with self.store.transaction("初始化：软弱涣散情形表和默认设置", detail=False, barrier=True):
            for row in json.loads((DATA_DIR / "situations.json").read_text(encoding="utf-8")):
                self.store.put("situations", to_dict(Situation(**row)))
            self.store.put("settings", to_dict(self._default_settings()))
        self._load()

    @staticmethod
    def _default_settings() -> Settings:
        text = (DATA_DIR / "circular_requirements.txt").read_text(encoding="utf-8").strip()
        return Settings(circular_requirements=text)

    def _load(self) -> None:
        decoded = self.store.take_validated()  # decoded once at open, by ``decode_records``
        if decoded is None:
            self.unreadable = []
            decoded = decode_records({name: {str(r["id"]): r for r in self.store.scan(name)} for name in COLLECTIONS},
                                     skip=self.unreadable if self.tolerant else None)
        self._cache: dict[str, dict[int, Any]] = decoded
        settings = self._cache["settings"].get(1)
        self.store.audit_keep = settings.audit_keep_entries if settings is not None else None
        self.store.actor = (settings.clerk or None) if settings is not None else None
        self._case_by_village: dict[int, list[int]] | None = None
        self._derived: dict[str, dict[str, Any]] = {}
        self._current: tuple[int, dict[Any, Any]] = (-1, {})
        self._keyed: dict[str, dict[str, tuple[Callable[[Any], Any], dict[Any, set[int]]]]] = {}
        # The pinyin index is built on first use (or by ``ensure_index`` in a start-up worker):
        # pypinyin over thousands of names must not delay the first screen.
        self._index_ready = False
        self.version = next(_VERSIONS)
        # What changed since which version (``changed_since``); a re-read starts it again, and
        # versions at or below the floor are not known.
        self._change_log: list[tuple[int, str, int, str]] = []
        self._log_floor = self.version

    def ensure_index(self) -> VillageIndex:
        """Build the lookup index if it is not built yet (safe to call from a worker thread)."""
        if not self._index_ready:
            index = VillageIndex()
            index.build((v.id, v.name, v.township) for v in list(self._cache["villages"].values()))
            self.index = index
            self._index_ready = True
        return self.index

    def reload(self) -> None:
        """Re-read everything (after undo, restore, or for a read-only viewer)."""
        with bulk_load():
            self.store.reload()
            self._load()

    # ------------------------------------------------------------ generic persistence

    def _save(self, collection: str, obj: T, summary: str) -> T:
        return self.commit(summary, [(collection, obj)])[0]

    def _changed(self, collection: str) -> None:
        self.version = next(_VERSIONS)
        if collection == "cases":
            self._case_by_village = None
        self._derived.pop(collection, None)

    def derived(self, collection: str, key: str, build: Callable[[], T]) -> T:
        """A value computed from ``collection`` (an index by village …), kept until that collection
        changes. Modules over the ledger (roster, assignments) keep their indexes here."""
        cache = self._derived.setdefault(collection, {})
        if key not in cache:
            cache[key] = build()
        return cache[key]

    def current(self, key: Any, build: Callable[[], T]) -> T:
        """A value computed from several collections (the conflicts across all villages …), kept
        while the ledger is unchanged: any commit, undo or re-read gives it a new version. Opening one
        village's card asked for every conflict in the prefecture each time (~8 ms)."""
        version, values = self._current
        if version != self.version:
            # A worker thread may build against the version it read; a later version starts afresh.
            version, values = self._current = (self.version, {})
        if key not in values:
            values[key] = build()
        return values[key]

    def kept(self, key: Any) -> Any:
        """What ``current`` keeps under ``key`` for this version, or None."""
        version, values = self._current
        return values.get(key) if version == self.version else None

    def keyed(self, collection: str, name: str, key: Callable[[Any], Any]) -> dict[Any, set[int]]:
        """``key(record)`` → ids of ``collection``, kept current by every commit instead of rebuilt:
        a uniqueness check per save (a village's name, a cadre's ID number) stays O(1) when an
        import saves thousands of records in a row. Read it, never change it."""
        indexes = self._keyed.setdefault(collection, {})
        if name not in indexes:
            index: dict[Any, set[int]] = {}
            for r in self._cache[collection].values():
                index.setdefault(key(r), set()).add(r.id)
            indexes[name] = (key, index)
        return indexes[name][1]

    def _reindex(self, collection: str, old: Any, new: Any) -> None:
        for key, index in self._keyed.get(collection, {}).values():
            if old is not None:
                ids = index.get(key(old))
                if ids is not None:
                    ids.discard(old.id)
                    if not ids:
                        del index[key(old)]
            if new is not None:
                index.setdefault(key(new), set()).add(new.id)

    def commit(self, summary: str, puts: Iterable[tuple[str, Any]] = (),
               deletes: Iterable[tuple[str, int]] = ()) -> list[Any]:
        """Write several records as one audited change (one undo): each ``(collection, obj)`` in
        ``puts`` is stored (a new one gets its id), each ``(collection, id)`` in ``deletes`` removed.
        Returns copies of the stored objects, in order. Callers validate first: nothing here does."""
        if self.store.read_only:  # (a rehearsal lifts it for its duration)
            from .errors import ReadOnlyError

            raise ReadOnlyError("只读模式下不能修改账本（另一位同事正在使用）。")
        puts = [(c, clone(o)) for c, o in puts]
        from .typecheck import problems

        wrong = [e for _, o in puts for e in problems(o)]
        if wrong:  # a caller (script, API) handed in what no form would: nothing is written
            raise ValidationErrors(wrong)
        deletes = list(deletes)
        with self.store.transaction(summary):
            for collection, obj in puts:
                obj.id = self.store.put(collection, to_dict(obj))
            for collection, id in deletes:
                self.store.delete(collection, id)
        for collection, obj in puts:
            old = self._cache[collection].get(obj.id)
            self._reindex(collection, old, obj)
            self._cache[collection][obj.id] = obj
            self._changed(collection)
            self._log_change(collection, obj.id, "update" if old is not None else "add")
        for collection, id in deletes:
            self._reindex(collection, self._cache[collection].pop(id, None), None)
            self._changed(collection)
            self._log_change(collection, id, "delete")
        return [clone(o) for _, o in puts]

    def _log_change(self, collection: str, id: int, kind: str) -> None:
        log = self._change_log
        log.append((self.version, collection, id, kind))
        if len(log) > 256:
            cut = 128
            while cut < len(log) and log[cut][0] == log[cut - 1][0]:
                cut += 1  # never between two records of one version
            self._log_floor = log[cut - 1][0]
            del log[:cut]

    def changed_since(self, version: int) -> list[tuple[str, int, str]] | None:
        """The records changed after ``version`` — (collection, id, "add"/"update"/"delete"), oldest
        first — or None when that is not known (the ledger was re-read since: undo, restore, demo;
        or it is too long ago). A screen showing ``version`` can then update the rows those records
        touch instead of rebuilding them all (issue 13: ≤ 100 ms from Ctrl+S to the saved row)."""
        if version < self._log_floor:
            return None
        return [(c, i, k) for v, c, i, k in self._change_log if v > version]

    @contextlib.contextmanager
    def transaction(self, summary: str, *, detail: bool = True) -> Iterator[None]:
        """Several ``commit`` calls as one audited change (one undo); their own summaries give way to
        ``summary``. If the block fails, nothing is written and the ledger is re-read from the store.
        ``detail=False`` keeps only the old values in the audit log (bulk loads: undo needs no more)."""
        version = self.version
        try:
            with self.store.transaction(summary, detail=detail):
                yield
        except BaseException:
            if self.version != version:  # something was committed to memory inside: re-read it
                self._load()
            raise

    @contextlib.contextmanager
    def rehearsal(self) -> Iterator[None]:
        """Work done inside is undone at the end and nothing is written, even on a read-only ledger:
        a dry run goes through every real step and guard, then leaves the ledger as it was."""
        version = self.version
        try:
            with self.store.rehearsal():
                yield
        finally:
            if self.version != version:
                self._load()

    def settings_ref(self) -> Settings:
        """The settings object itself (no copy), for rules read in loops. Do not change it."""
        s = self._cache["settings"].get(1)
        return s if s is not None else self._default_settings()

    def get(self, collection: str, id: int, what: str) -> Any:
        """A copy of one record; NotFound (naming ``what``) when there is none."""
        return self._get(collection, id, what)

    def _get(self, collection: str, id: int, what: str) -> Any:
        try:
            return clone(self._cache[collection][id])
        except KeyError:
            raise NotFound(f"找不到该{what}（编号{id}），可能已被删除。") from None

    def _all(self, collection: str) -> list[Any]:
        # Deep copies keep callers from mutating the cache behind the store's back.
        return [clone(o) for o in self._cache[collection].values()]

    def records(self, collection: str) -> list[Any]:
        """The ledger's own objects of ``collection`` (no copies), for read-only walks over everything
        inside ledgers/ (statistics, matrix, checks): copying 500 cases per dashboard refresh cost
        80 ms. Callers must not mutate them, and must ``clone`` what they hand out."""
        return list(self._cache[collection].values())

    # ------------------------------------------------------------ settings and situations

    @property
    def settings(self) -> Settings:
        s = self._cache["settings"].get(1)
        return clone(s) if s else self._default_settings()

    def save_settings(self, s: Settings) -> Settings:
        s = _clean_strings(clone(s), MULTILINE)
        errors = settings_problems(s)
        if errors:
            raise ValidationErrors(errors)
        s.id = 1
        saved = self._save("settings", s, "修改设置")
        self.store.audit_keep = saved.audit_keep_entries
        self.store.actor = saved.clerk or None
        return saved

    def situations(self, *, active_only: bool = False) -> list[Situation]:
        rows = sorted(self._all("situations"), key=lambda s: s.code)
        return [s for s in rows if s.active or not active_only]

    def situation_text(self, code: str) -> str:
        for s in self._cache["situations"].values():
            if s.code == code:
                return s.text
        return code

    def save_situation(self, s: Situation) -> Situation:
        s = _clean_strings(clone(s))
        errors = []
        import re

        if not re.fullmatch(r"S\d{2}", s.code):
            errors.append(FieldError("代码", "应为 S 加两位数字，如 S14"))
        if not s.text:
            errors.append(FieldError("情形", "不能为空"))
        if any(o.code == s.code and o.id != s.id for o in self._cache["situations"].values()):
            errors.append(FieldError("代码", f"{s.code} 已存在"))
        if errors:
            raise ValidationErrors(errors)
        return self._save("situations", s, f"{'修改' if s.id else '新增'}软弱涣散情形：{s.code}")

    # ------------------------------------------------------------ villages

    def villages(self) -> list[Village]:
        return sorted(self._all("villages"), key=lambda v: (v.township, v.id))

    def village_rank(self) -> dict[int, int]:
        """The one order of villages in every document and list that names several: the registry's
        (``villages()``: township, then the order villages were entered). Village id → position."""
        return self.derived("villages", "rank", lambda: {v.id: n for n, v in enumerate(self.villages())})

    def village(self, id: int) -> Village:
        return self._get("villages", id, "村")

    def village_name(self, id: int | None) -> str:
        v = self._cache["villages"].get(id) if id is not None else None
        return v.name if v else ""

    def find_village(self, name: str, township: str | None = None) -> Village | None:
        name = clean_text(name)
        for v in self._cache["villages"].values():
            if v.name == name and (township is None or v.township == township):
                return clone(v)
        return None

    def validate_village(self, v: Village) -> list[FieldError]:
        errors = []
        if not v.name:
            errors.append(FieldError("村名", "不能为空"))
        for label, value in (("人口", v.population), ("户数", v.households), ("正式党员", v.full_members),
                             ("预备党员", v.probationary_members), ("后备干部", v.reserve_cadres)):
            if value < 0:
                errors.append(FieldError(label, "不能为负数"))
        if v.secretary_age is not None and not 18 <= v.secretary_age <= 100:
            errors.append(FieldError("书记年龄", "应在18至100岁之间"))
        if v.secretary_pay is not None and v.secretary_pay < 0:
            errors.append(FieldError("书记基本报酬", "不能为负数"))
        for year, amount in v.collective_income.items():
            if not 1990 <= year <= 2100:
                errors.append(FieldError("集体经济收入", f"年份{year}不合理"))
            if amount < 0:
                errors.append(FieldError("集体经济收入", f"{year}年收入不能为负数"))
        same = self.keyed("villages", "township+name", lambda o: (o.township, o.name)).get((v.township, v.name), ())
        if v.name and any(i != v.id for i in same):
            errors.append(FieldError("村名", f"{v.township}已有“{v.name}”"))
        return errors

    def save_village(self, v: Village) -> Village:
        v = _clean_strings(clone(v), MULTILINE)
        v.township = v.township or self.settings.township
        if not v.org_name and v.name:
            v.org_name = v.standard_org_name()
        errors = self.validate_village(v)
        if errors:
            raise ValidationErrors(errors)
        saved = self._save("villages", v, f"{'修改' if v.id else '新增'}村：{v.name}")
        if self._index_ready:
            self.index.update(saved.id, saved.name, saved.township)
        return saved

    def village_references(self, id: int) -> list[str]:
        """What still points at a village (a reason to refuse deleting it)."""
        refs = []
        n = sum(1 for c in self._cache["cases"].values() if c.village_id == id)
        if n:
            refs.append(f"{n}个整顿案卷")
        n = sum(1 for p in self._cache["postings"].values() if p.village_id == id)
        if n:
            refs.append(f"{n}条第一书记驻村记录")
        n = sum(1 for a in self._cache["assignments"].values() if a.village_id == id)
        if n:
            refs.append(f"{n}条“四个一”包联记录")
        return refs

    def delete_village(self, id: int) -> None:
        v = self.village(id)
        refs = self.village_references(id)
        if refs:
            raise LedgerError(f"不能删除“{v.name}”：仍有" + "、".join(refs) + "引用该村。")
        self.commit(f"删除村：{v.name}", deletes=[("villages", id)])
        if self._index_ready:
            self.index.remove(id)

    def lookup(self, query: str, limit: int = 20) -> list[Hit]:
        return self.ensure_index().search(query, limit)

    # ------------------------------------------------------------ 四个一 (ledgers.assignments decides)

    def slots(self, village_id: int, on: date | None = None) -> dict[Role, Holder | None]:
        """The four 四个一 slots of a village: a Holder, or None for a gap (see ``ledgers.assignments``)."""
        from .assignments import slots

        return slots(self, village_id, on)

    # ------------------------------------------------------------ rectification cases

    def cases(self) -> list[RectificationCase]:
        return sorted(self._all("cases"), key=lambda c: (c.year, c.id))

    def case(self, id: int) -> RectificationCase:
        return self._get("cases", id, "整顿案卷")

    def cases_for_village(self, village_id: int) -> list[RectificationCase]:
        if self._case_by_village is None:
            idx: dict[int, list[int]] = {}
            for c in self._cache["cases"].values():
                idx.setdefault(c.village_id, []).append(c.id)
            self._case_by_village = idx
        return sorted((clone(self._cache["cases"][i]) for i in self._case_by_village.get(village_id, [])),
                      key=lambda c: (c.year, c.id))

    def active_case(self, village_id: int) -> RectificationCase | None:
        active = [c for c in self.cases_for_village(village_id) if c.active]
        return active[-1] if active else None

    def new_case(self, village_id: int, year: int | None = None, batch: str = "", *,
                 problem_summary: str = "", relapse_of: int | None = None,
                 listed_on: date | None = None, situations: Sequence[str] = (),
                 also: Iterable[tuple[str, Any]] = ()) -> RectificationCase:
        """List a village for screening (拟认定). ``listed_on``: the day it was listed, when the clerk
        enters it later (every later date of the case is on or after it); today by default.
        ``situations``: proposed codes (a screening's); ``also``: records written in the same change
        (the screening's decision), so one undo takes both back."""
        v = self.village(village_id)
        current = self.active_case(village_id)
        if current is not None:
            raise LedgerError(f"{v.name}已有未结束的整顿案卷（{current.year}年，{current.state.value}），不能重复列入。")
        year = year or self.today.year
        errors = []
        if not 2000 <= year <= 2100:
            errors.append(FieldError("年度", f"{year}不是合理的年度"))
        listed_on = listed_on or self.today
        if listed_on > self.today:
            errors.append(FieldError("列入日期", "不能晚于今天"))
        elif listed_on.year < 2000:
            errors.append(FieldError("列入日期", "不能早于2000年"))
        if errors:
            raise ValidationErrors(errors)
        c = RectificationCase(village_id, year, clean_text(batch) or f"{year}年", problem_summary=clean_text(
            problem_summary, multiline=True), relapse_of=relapse_of, situations=list(situations))
        c.history.append(workflow.Transition(listed_on, None, CaseState.CANDIDATE, self.user, "列入拟认定名单"))
        return self.commit(f"列入软弱涣散排查：{v.name}（{year}年）", [("cases", c), *also])[0]

    def save_case(self, c: RectificationCase) -> RectificationCase:
        """Save edits to a case's texts and lists; its state only changes through ``move_case``."""
        c = _clean_strings(clone(c), MULTILINE)
        old = self.case(c.id)
        if c.state != old.state or c.history != old.history:
            raise LedgerError("案卷阶段只能通过阶段转换修改。")
        if (c.village_id, c.relapse_of, c.relapsed_into) != (old.village_id, old.relapse_of, old.relapsed_into):
            raise LedgerError("案卷所属村和反弹关联不能修改；列错了村请驳回后重新列入。")
        # Dates, tasks, acceptances and reviews belong to the steps that check them (move_case,
        # save_task, add_acceptance …): an edit here would slip past their guards.
        owned = [f.name for f in dataclasses.fields(RectificationCase)
                 if f.name not in EDITABLE_CASE_FIELDS and getattr(c, f.name) != getattr(old, f.name)]
        if owned:
            raise LedgerError("整顿案卷的日期、任务、验收和回头看只能通过相应操作修改，不能直接改写。")
        errors = []
        if not 2000 <= c.year <= 2100:
            errors.append(FieldError("年度", f"{c.year}不是合理的年度"))
        known = {s.code for s in self._cache["situations"].values()}
        unknown = [code for code in c.situations if code not in known]
        if unknown:
            errors.append(FieldError("软弱涣散情形", "未知情形代码：" + "、".join(unknown)))
        if "S99" in c.situations and not c.situation_note:
            errors.append(FieldError("情形说明", "选择“其他”情形须文字说明"))
        if errors:
            raise ValidationErrors(errors)
        return self._save("cases", c, f"修改整顿案卷：{self.village_name(c.village_id)}")

    def case_input(self, c: RectificationCase, i: workflow.CaseInput | None = None) -> workflow.CaseInput:
        i = i or workflow.CaseInput()
        i.who = i.who or self.user
        i.filled_roles = {r for r, h in self.slots(c.village_id).items() if h is not None}
        return i

    def check_move(self, case_id: int, to: CaseState, i: workflow.CaseInput | None = None) -> workflow.Verdict:
        c = self.case(case_id)
        return workflow.check_case(c, to, self.case_input(c, i), self.today, self.settings)

    def move_case(self, case_id: int, to: CaseState, i: workflow.CaseInput | None = None) -> tuple[RectificationCase, list[str]]:
        """Run a case transition; returns the case and the soft warnings. A relapse opens a linked case."""
        c = self.case(case_id)
        i = self.case_input(c, i)
        if i.situations is not None:
            known = {s.code for s in self._cache["situations"].values()}
            bad = [x for x in i.situations if x not in known]
            if bad:
                raise ValidationErrors([FieldError("软弱涣散情形", "未知情形代码：" + "、".join(bad))])
        frm = c.state
        current = next((x for x in reversed(self.cases_for_village(c.village_id)) if x.active and x.id != c.id),
                       None) if to == CaseState.RELAPSED else None
        if current is not None and current.relapse_of is not None:
            raise LedgerError(f"{self.village_name(c.village_id)}已有未结束的整顿案卷（{current.year}年，"
                              f"{current.state.value}），且它已关联其他案卷，不能再记为反弹。")
        _clean_strings(i, MULTILINE)
        warnings = workflow.apply_case(c, to, i, self.today, self.settings)
        verb = workflow.action_name(frm, to)
        vname = self.village_name(c.village_id)
        new_case = None
        with self.store.transaction(f"{verb}：{vname}（{c.year}年）"):
            if to == CaseState.RELAPSED and current is not None:
                # The village is already listed again: the relapse links to that case, not a second one.
                current.relapse_of = c.id
                self.store.put("cases", to_dict(current))
                c.relapsed_into = current.id
                new_case = current
            elif to == CaseState.RELAPSED:
                new_case = RectificationCase(c.village_id, (i.on or self.today).year, relapse_of=c.id,
                                             batch=f"{(i.on or self.today).year}年（反弹）",
                                             problem_summary=i.reason or next(
                                                 (r.finding for r in reversed(c.reviews) if r.relapsed), ""))
                new_case.history.append(workflow.Transition(i.on or self.today, None, CaseState.CANDIDATE, i.who,
                                                            f"由{c.year}年案卷反弹转入"))
                new_case.id = self.store.put("cases", to_dict(new_case))
                c.relapsed_into = new_case.id
            self.store.put("cases", to_dict(c))
        self._cache["cases"][c.id] = c
        if new_case is not None:
            self._cache["cases"][new_case.id] = new_case
        self._changed("cases")
        self._log_change("cases", c.id, "update")
        if new_case is not None:
            self._log_change("cases", new_case.id, "add")
        return clone(c), warnings

    def _edit_case(self, case_id: int, summary: str, edit) -> RectificationCase:
        c = self.case(case_id)
        edit(c)
        _clean_strings(c, MULTILINE)
        return self._save("cases", c, f"{summary}：{self.village_name(c.village_id)}")

    def save_task(self, case_id: int, task: Task) -> RectificationCase:
        """Add (task.id == 0) or replace a task of a case."""
        task = _clean_strings(clone(task), MULTILINE)
        errors = [] if task.problem else [FieldError("具体问题", "不能为空")]
        c0 = self.case(case_id)
        if c0.state not in TASK_EDIT_STATES:
            errors.append(FieldError("整改任务", _task_lock_message(c0.state)))
        if task.status == TaskStatus.CLOSED:
            errors.append(FieldError("完成情况", "“已销项”在验收销号时自动标记，不能手工选择"))
        if task.status == TaskStatus.DONE and task.done_on is None:
            errors.append(FieldError("完成日期", "已完成的任务须填写完成日期"))
        if task.done_on and task.done_on > self.today:
            errors.append(FieldError("完成日期", "不能晚于今天"))
        if task.waived and not task.waive_note:
            errors.append(FieldError("免于整改说明", "免于整改须写明理由"))
        # A case's dates run forward from its listing: no deadline before the identification (or
        # the listing), no task done before the case was listed.
        since = c0.identified_on or (c0.history[0].on if c0.history else None)
        if task.deadline and since and task.deadline < since:
            what = "认定" if c0.identified_on else "列入排查"
            errors.append(FieldError("完成时限", f"不能早于{what}的日期（{since.isoformat()}）"))
        listed = c0.history[0].on if c0.history else None
        if task.done_on and listed and task.done_on < listed:
            errors.append(FieldError("完成日期", f"不能早于列入排查的日期（{listed.isoformat()}）"))
        if errors:
            raise ValidationErrors(errors)

        def edit(c: RectificationCase) -> None:
            if task.id == 0:
                task.id = max((t.id for t in c.tasks), default=0) + 1
                c.tasks.append(task)
            else:
                for n, t in enumerate(c.tasks):
                    if t.id == task.id:
                        c.tasks[n] = task
                        break
                else:
                    raise NotFound("找不到该整改任务。")

        return self._edit_case(case_id, "新增整改任务" if task.id == 0 else "修改整改任务", edit)

    def delete_task(self, case_id: int, task_id: int) -> RectificationCase:
        state = self.case(case_id).state
        if state not in TASK_EDIT_STATES:
            raise LedgerError(_task_lock_message(state))

        def edit(c: RectificationCase) -> None:
            before = len(c.tasks)
            c.tasks = [t for t in c.tasks if t.id != task_id]
            if len(c.tasks) == before:
                raise NotFound("找不到该整改任务。")
        return self._edit_case(case_id, "删除整改任务", edit)

    def complete_task(self, case_id: int, task_id: int, on: date | None = None, evidence: str = "") -> RectificationCase:
        t = next((t for t in self.case(case_id).tasks if t.id == task_id), None)
        if t is None:
            raise NotFound("找不到该整改任务。")
        t.status, t.done_on = TaskStatus.DONE, on or self.today
        if evidence:
            t.evidence = evidence
        return self.save_task(case_id, t)

    def waive_task(self, case_id: int, task_id: int, note: str) -> RectificationCase:
        t = next((t for t in self.case(case_id).tasks if t.id == task_id), None)
        if t is None:
            raise NotFound("找不到该整改任务。")
        t.waived, t.waive_note = True, note
        return self.save_task(case_id, t)

    def add_progress(self, case_id: int, report: ProgressReport) -> RectificationCase:
        report = _clean_strings(clone(report), MULTILINE)
        if not report.text:
            raise ValidationErrors([FieldError("推进情况", "不能为空")])
        if report.on > self.today:
            raise ValidationErrors([FieldError("日期", "不能晚于今天")])
        listed = self.case(case_id).history[0].on if self.case(case_id).history else None
        if listed and report.on < listed:
            raise ValidationErrors([FieldError("日期", f"不能早于列入排查的日期（{listed.isoformat()}）")])
        report.who = report.who or self.user
        return self._edit_case(case_id, "记录推进情况", lambda c: c.progress.append(report))

    def add_acceptance(self, case_id: int, a: Acceptance) -> RectificationCase:
        """Record an acceptance inspection; only while the case awaits acceptance."""
        a = _clean_strings(clone(a), MULTILINE)
        c = self.case(case_id)
        errors = [FieldError("民主测评", p) for p in poll_problems(a)]
        if c.state != CaseState.AWAITING_ACCEPTANCE:
            errors.append(FieldError("验收", f"案卷处于“{c.state.value}”阶段，只有“待验收”的案卷才能录入验收"))
        if a.on > self.today:
            errors.append(FieldError("验收日期", "不能晚于今天"))
        submitted = c.last_step  # 提请验收, as the case awaits acceptance
        if submitted is not None and a.on < submitted.on:
            errors.append(FieldError("验收日期", f"不能早于提请验收的日期（{submitted.on.isoformat()}）"))
        if errors:
            raise ValidationErrors(errors)
        return self._edit_case(case_id, f"录入验收（{a.result.value}）", lambda c: c.acceptances.append(a))

    def add_review(self, case_id: int, r: Review) -> RectificationCase:
        r = _clean_strings(clone(r), MULTILINE)
        c = self.case(case_id)
        errors = [] if r.finding else [FieldError("回头看情况", "不能为空")]
        if c.state not in (CaseState.CONSOLIDATING, CaseState.ARCHIVED):
            errors.append(FieldError("回头看", "只有巩固提升期或已归档的案卷才能录入回头看"))
        if r.on > self.today:
            errors.append(FieldError("日期", "不能晚于今天"))
        if c.signed_off_on and r.on < c.signed_off_on:
            errors.append(FieldError("日期", f"不能早于销号日期（{c.signed_off_on.isoformat()}）"))
        if errors:
            raise ValidationErrors(errors)
        r.who = r.who or self.user
        if not r.relapsed:
            return self._edit_case(case_id, "录入回头看", lambda c: c.reviews.append(r))
        # A review that finds the village relapsed is the relapse: recorded and moved as one change,
        # undone by one Ctrl+Z (the case must not stay in 巩固提升 with an 已反弹 review).
        with self.transaction(f"录入回头看（已反弹）并认定反弹：{self.village_name(c.village_id)}"):
            self._edit_case(case_id, "录入回头看（已反弹）", lambda c: c.reviews.append(r))
            moved, _ = self.move_case(case_id, CaseState.RELAPSED,
                                      workflow.CaseInput(on=r.on, who=r.who, reason=r.finding))
        return moved

    def open_cases_of_batch(self, year: int) -> list[RectificationCase]:
        """Closing a batch: cases of ``year`` that are still open (not signed off, archived or ended)."""
        done = {CaseState.SIGNED_OFF, CaseState.CONSOLIDATING, CaseState.ARCHIVED, CaseState.DISMISSED,
                CaseState.RELAPSED}
        return [c for c in self.cases() if c.year == year and c.state not in done]

    def slotted_cases(self) -> list[RectificationCase]:
        """Cases whose villages need all four 四个一 slots."""
        return sorted((clone(c) for c in self._cache["cases"].values() if c.state in SLOTTED_CASE_STATES),
                      key=lambda c: (c.year, c.id))

    # ------------------------------------------------------------ history

    def audit(self, n: int | None = None) -> list[AuditEntry]:
        return self.store.audit(n)

    def undo(self) -> AuditEntry | None:
        entry = self.store.undo()
        if entry is not None:
            self._load()
        return entry

    def redo(self) -> AuditEntry | None:
        """Put back what the last undo took away (None when a change came after it, or nothing was
        undone); the entry returned names what came back."""
        entry = self.store.redo()
        if entry is not None:
            self._load()
        return entry

    def restore(self, backup: str | Path | None = None) -> Path:
        path = self.store.restore(backup)
        self._load()
        return path

    # ------------------------------------------------------------ bulk (demo, import)

    def bulk_load(self, summary: str, records: Iterable[tuple[str, Any]]) -> dict[str, int]:
        """Insert many records in one transaction (ids are assigned in order; references inside the
        batch must therefore be set by the caller after allocation — see demo.py)."""
        counts: dict[str, int] = {}
        with self.store.transaction(summary, detail=False):
            for collection, obj in records:
                obj.id = self.store.put(collection, to_dict(obj))
                counts[collection] = counts.get(collection, 0) + 1
        self._load()
        return counts

    def is_empty(self) -> bool:
        return not any(self._cache[c] for c in ("villages", "cadres", "postings", "cases"))


COLLECTION_LABELS = {"villages": "村", "leaders": "领导", "units": "结对单位", "situations": "软弱涣散情形",
                     "cadres": "第一书记", "postings": "第一书记驻村记录", "cases": "整顿案卷",
                     "assignments": "“四个一”包联记录", "settings": "设置", **PEOPLE_LABELS,
                     **SCREENING_LABELS}


def decode_records(data: dict[str, Any], skip: list[RecordUnreadable] | None = None) -> dict[str, dict[int, Any]]:
    """Every record of a file's data as domain objects: collection → id → object.

    A record that does not decode raises ``RecordUnreadable`` naming the collection, the record, the
    field and the value (or, with ``skip``, is left out and appended there). This is what "a good
    file" means: the store backs up, and restores, only files that pass it."""
    out: dict[str, dict[int, Any]] = {}
    for name, cls in COLLECTIONS.items():
        table = data.get(name) or {}
        decoded: dict[int, Any] = {}
        try:
            for r in table.values():
                decoded[r["id"]] = from_dict(cls, r)
        except Exception:  # noqa: BLE001 - find the record and say what is wrong with it
            decoded = {}
            for key, r in table.items():
                try:
                    decoded[r["id"]] = from_dict(cls, r)
                except Exception:  # noqa: BLE001
                    problem = _unreadable(name, cls, key, r)
                    if skip is None:
                        raise problem from None
                    skip.append(problem)
        out[name] = dict(sorted(decoded.items()))
    return out


def _unreadable(collection: str, cls: type, key: str, record: Any) -> RecordUnreadable:
    from .codec import explain

    rid = record.get("id", key) if isinstance(record, dict) else key
    field, value, why = explain(cls, record)
    label = COLLECTION_LABELS.get(collection, collection)
    name = record.get("name") if isinstance(record, dict) and isinstance(record.get("name"), str) else ""
    who = f"“{name}”" if name else ""
    shown = json.dumps(value, ensure_ascii=False)[:60] if value is not None else "（空）"
    where = f"的“{field}”" if field else ""
    return RecordUnreadable(
        f"账本中有一条记录无法读取：{label}{who}（{collection} 编号{rid}）{where}为 {shown}，{why}。"
        "可以用“恢复备份”（python main.py restore）恢复到最近一次完好的账本，或修正该处后重新打开。",
        collection=collection, id=rid, field=field, value=value)


def default_db_path() -> Path:
    """``DANGJIAN_DB`` or the per-user data directory."""
    env = os.environ.get("DANGJIAN_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("dangjian-ledger", appauthor=False)) / "ledger.json"


__all__ = ["Ledger", "Holder", "COLLECTIONS", "default_db_path", "AcceptanceResult"]
