"""The first-secretary form: the person (``Cadre``) and the posting, checked as typed with the
ledger's parsers and ``ledgers.roster.validate_cadre`` / ``validate_posting``; saved through
``roster.enlist`` (新增), ``roster.save_posting`` (修改) or ``roster.enlist`` for a known cadre
(再次选派, ``p``) — or not at all.

ID and phone numbers are personal data: an edit form never shows the stored ones — the field is
empty, its placeholder shows the masked number, and an empty field keeps what is on file. The
village is typed like the lookup (村名, 全拼 or 首字母; ``乡镇/村名`` when two townships have the
same name) and the village it resolves to is shown under the field.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Literal

from textual import on
from textual.content import Content
from textual.widgets import Input, Static

from ledgers import roster
from ledgers.codec import clone
from ledgers.errors import FieldError
from ledgers.ledger import Ledger
from ledgers.lookup import EXACT
from ledgers.models import Cadre, Gender, Posting, RosterEntry, SecretaryStatus, UnitLevel, VillageType
from ledgers.text import clean_text
from ledgers.validate import (
    id_birth,
    mask_id,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    parse_date,
    parse_int,
    parse_name,
)

from ..widgets.form import FormField, FormScreen, Parser
from .case_fields import month_field

F = SecretaryStatus
Mode = Literal["new", "edit", "post"]

POLITICAL = ("中共党员", "中共预备党员", "共青团员", "群众", "民主党派成员", "无党派人士")
EDUCATION = ("研究生", "大学本科", "大专", "中专", "高中及以下")
NEW_STATUSES = (F.ACTIVE.value, F.PROPOSED.value)


# ---------------------------------------------------------------- parsers shared with the action forms


def optional_date(label: str, *, not_after: date | None = None) -> Parser:
    def parse(s: str) -> date | None:
        if not s.strip():
            return None
        day = parse_date(s, label)
        if not_after is not None and day > not_after:
            raise FieldError(label, f"不能晚于今天（{not_after.isoformat()}）")
        return day

    return parse


def required_date(label: str, *, not_after: date | None = None, not_before: date | None = None,
                  before_what: str = "") -> Parser:
    def parse(s: str) -> date:
        if not s.strip():
            raise FieldError(label, "不能为空，日期格式应为 2026-11-23")
        day = parse_date(s, label)
        if not_after is not None and day > not_after:
            raise FieldError(label, f"不能晚于今天（{not_after.isoformat()}）")
        if not_before is not None and day < not_before:
            raise FieldError(label, f"不能早于{before_what}（{not_before.isoformat()}）")
        return day

    parse.is_date = True  # type: ignore[attr-defined]  # the form lets only date characters in
    return parse


def _name(label: str, *, required: bool = False, max_len: int = 50) -> Parser:
    return lambda s: parse_name(s, label, required=required, max_len=max_len)


def _kept(label: str, normalize: Any, *, keep: bool) -> Parser:
    """An ID or phone number: blank keeps the stored one (``None``) in an edit form, or means none."""

    def parse(s: str) -> str | None:
        if not s.strip():
            return None if keep else ""
        return normalize(s, label)

    return parse


def _term_months(label: str) -> Parser:
    return lambda s: parse_int(s, label, minimum=1, maximum=120) if s.strip() else 0


class VillageResolver:
    """Turns what the clerk types (村名, 全拼, 首字母, or ``乡镇/村名``) into one village id, or a
    ``FieldError`` naming the candidates. Villages do not change while a form is open: read once."""

    def __init__(self, ledger: Ledger, label: str = "驻村") -> None:
        self.ledger = ledger
        self.label = label
        self.townships = {v.id: v.township for v in ledger.villages()}
        self.names = {v.id: v.name for v in ledger.villages()}

    def text(self, village_id: int) -> str:
        """How a village is written in the field: its name, with the township when the name repeats."""
        name = self.names.get(village_id, "")
        same = [vid for vid, n in self.names.items() if n == name]
        return f"{self.townships.get(village_id, '')}/{name}" if len(same) > 1 else name

    def describe(self, village_id: int) -> str:
        return f"{self.names.get(village_id, '')}（{self.townships.get(village_id, '')}）"

    def __call__(self, s: str) -> int:
        text = clean_text(s)
        if not text:
            raise FieldError(self.label, "不能为空：输入村名、全拼或首字母")
        township = ""
        for sep in ("/", "／", " "):
            if sep in text:
                township, _, text = (p.strip() for p in text.partition(sep))
                break
        hits = self.ledger.lookup(text, max(20, len(self.names)) if township else 20)
        if township:
            hits = [h for h in hits if self.townships.get(h.village_id, "").startswith(township)]
        if not hits:
            raise FieldError(self.label, f"找不到村“{s.strip()}”")
        exact = [h for h in hits if h.score >= EXACT]
        if len(exact) == 1:
            return exact[0].village_id
        best = [h for h in hits if h.score == hits[0].score]
        if len(best) == 1 and not exact:
            return best[0].village_id
        shown = "、".join(self.describe(h.village_id) for h in (exact or best)[:5])
        more = "等" if len(exact or best) > 5 else ""
        hint = "请写成“乡镇/村名”" if exact else "请输入更完整的村名"
        raise FieldError(self.label, f"有多个村符合：{shown}{more}，{hint}")


# ---------------------------------------------------------------- the form


class PostingFormScreen(FormScreen[RosterEntry]):
    """新增 (``mode="new"``: a new cadre and posting), 修改 (``"edit"``: the cadre and the posting of
    ``entry``) or 再次选派 (``"post"``: a new posting for ``entry``'s cadre). Returns the saved row."""

    DEFAULT_CSS = """
    PostingFormScreen .posting-village-resolved { color: $text-muted; height: auto; }
    """

    def __init__(self, mode: Mode, entry: RosterEntry | None = None, *, village_id: int | None = None) -> None:
        self.mode = mode
        self.entry = entry
        self.village_id = village_id if village_id is not None else (entry.posting.village_id if mode == "edit"
                                                                     and entry else None)
        super().__init__()

    @property
    def ledger(self) -> Ledger:
        return self.app.ledger  # type: ignore[attr-defined]

    def title_text(self) -> str:
        e = self.entry
        if self.mode == "edit" and e is not None:
            return f"修改第一书记：{e.name}（{e.village}）"
        if self.mode == "post" and e is not None:
            return f"再次选派：{e.name}（{e.cadre.dispatching_unit or '派出单位未填'}）— 新增一条驻村记录"
        return "新增第一书记（人员信息和驻村记录）"

    # ------------------------------------------------------------ fields

    def form_fields(self) -> list[FormField]:
        ledger = self.ledger
        self.resolver = VillageResolver(ledger)
        fields: list[FormField] = []
        if self.mode in ("new", "edit"):
            fields += self._cadre_fields()
        fields += self._posting_fields(ledger)
        return fields

    def _cadre_fields(self) -> list[FormField]:
        c = self.entry.cadre if self.entry is not None and self.mode == "edit" else Cadre("")
        keep = self.mode == "edit"
        education = EDUCATION if not c.education or c.education in EDUCATION else (*EDUCATION, c.education)
        political = POLITICAL if c.political_status in POLITICAL else (*POLITICAL, c.political_status)
        id_hint = f"已登记 {mask_id(c.id_number)}，留空不修改" if keep and c.id_number else "18位，末位可为X"
        phone_hint = f"已登记 {mask_phone(c.phone)}，留空不修改" if keep and c.phone else "手机号，或 区号-号码"
        return [
            FormField("name", "姓名", _name("姓名", required=True, max_len=roster.NAME_MAX), c.name),
            FormField("id_number", "身份证号", _kept("身份证号", self._id_number, keep=keep), "",
                      placeholder=id_hint, help="校验位、出生日期和性别都会核对"),
            FormField("gender", "性别", None, str(c.gender), kind="choice", choices=tuple(g.value for g in Gender)),
            FormField("birth", "出生年月", month_field("出生年月"),
                      c.birth.strftime("%Y-%m") if c.birth else "", placeholder="如：1986-08；留空则取自身份证号"),
            FormField("ethnicity", "民族", _name("民族"), c.ethnicity),
            FormField("political_status", "政治面貌", None, c.political_status, kind="choice", choices=political),
            FormField("education", "学历", None, c.education, kind="choice", choices=education),
            FormField("dispatching_unit", "派出单位", _name("派出单位"), c.dispatching_unit),
            FormField("unit_level", "单位层级", None, str(c.unit_level), kind="choice",
                      choices=tuple(u.value for u in UnitLevel)),
            FormField("original_post", "原职务", _name("原职务"), c.original_post),
            FormField("rank", "职级", _name("职级"), c.rank, placeholder="如：四级主任科员"),
            FormField("phone", "联系电话", _kept("联系电话", normalize_phone, keep=keep), "", placeholder=phone_hint),
            FormField("cadre_note", "个人备注", None, c.note),
        ]

    def _id_number(self, s: str, label: str) -> str:
        """A valid number that no other cadre holds (the same person is posted again with ``p``)."""
        number = normalize_id_number(s, label)
        other = roster.find_cadre(self.ledger, number)
        own = self.entry.cadre.id if self.entry is not None and self.mode == "edit" else 0
        if other is not None and other.id != own:
            raise FieldError(label, f"已登记为{other.name}，同一人再次选派请在其记录上按 p")
        return number

    def _posting_fields(self, ledger: Ledger) -> list[FormField]:
        s = ledger.settings
        p = self.entry.posting if self.entry is not None and self.mode == "edit" else None
        fields = [
            FormField("village", "驻村", self.resolver, self.resolver.text(self.village_id) if self.village_id else "",
                      placeholder="村名、全拼或首字母，如 石桥村 / sqc"),
            FormField("village_type", "村类型", None, str(p.village_type) if p else VillageType.OTHER.value,
                      kind="choice", choices=tuple(t.value for t in VillageType)),
            FormField("batch", "选派批次", _name("选派批次", max_len=20), p.batch if p else "",
                      placeholder=f"如：{ledger.today.year}年第一批"),
        ]
        if p is None:
            fields.append(FormField("status", "状态", None, F.ACTIVE.value, kind="choice", choices=NEW_STATUSES,
                                    help="已到村选“在岗”并填到村时间；尚未到村选“拟选派”"))
        fields += [
            FormField("arrival", "到村时间", optional_date("到村时间"),
                      p.arrival.isoformat() if p and p.arrival else "", placeholder="如：2026-03-01"),
            FormField("term_months", "任期（月）", _term_months("任期（月）"),
                      str(p.term_months or s.secretary_term_months) if p else str(s.secretary_term_months)),
            FormField("term_end", "任期届满时间", optional_date("任期届满时间"),
                      p.term_end.isoformat() if p and p.term_end else "",
                      placeholder="留空则按到村时间加任期月数计算"),
            FormField("note", "备注", None, p.note if p else ""),
        ]
        return fields

    def on_mount(self) -> None:
        super().on_mount()
        error = self.query_one("#error-village", Static)
        resolved = Static("", id="village-resolved", classes="form-help posting-village-resolved", markup=False)
        if self.form.label_width is not None:
            resolved.styles.padding = (0, 0, 0, self.form.label_width)
        assert error.parent is not None
        error.parent.mount(resolved, after=error)
        self._show_village(self.form.raw("village"))

    @on(Input.Changed, "#field-village")
    def _village_typed(self, event: Input.Changed) -> None:
        self._show_village(event.value)

    def _show_village(self, text: str | bool) -> None:
        try:
            line = "→ " + self.resolver.describe(self.resolver(str(text)))
        except FieldError:
            line = ""
        w = self.query("#village-resolved")
        if w:
            w.first(Static).update(Content(line))
            w.first().display = bool(line)

    @on(Input.Changed, "#field-id_number")
    def _id_typed(self, event: Input.Changed) -> None:
        """A valid ID number fills an empty 出生年月 (the clerk still sees and can change it)."""
        if self.form.raw("birth"):
            return
        try:
            birth = id_birth(event.value)
        except FieldError:
            return
        self.form.set_raw("birth", birth.strftime("%Y-%m"))

    # ------------------------------------------------------------ values → records

    def _stored_cadre(self) -> Cadre:
        assert self.entry is not None
        return clone(self.entry.cadre)

    def to_cadre(self, values: dict[str, Any]) -> Cadre:
        if self.mode == "post":
            return self._stored_cadre()
        base = self._stored_cadre() if self.mode == "edit" else Cadre("")
        return replace(
            base,
            name=values["name"], gender=Gender(values["gender"] or base.gender),
            ethnicity=values["ethnicity"], birth=values["birth"],
            political_status=values["political_status"], education=values["education"],
            dispatching_unit=values["dispatching_unit"],
            unit_level=UnitLevel(values["unit_level"] or base.unit_level),
            original_post=values["original_post"], rank=values["rank"],
            id_number=base.id_number if values["id_number"] is None else values["id_number"],
            phone=base.phone if values["phone"] is None else values["phone"],
            note=values["cadre_note"],
        )

    def to_posting(self, values: dict[str, Any], cadre: Cadre) -> Posting:
        if self.mode == "edit":
            assert self.entry is not None
            base = clone(self.entry.posting)
        else:
            base = Posting(cadre.id, 0, status=F(values.get("status") or F.ACTIVE.value))
        return replace(
            base,
            village_id=values["village"], village_type=VillageType(values["village_type"] or VillageType.OTHER),
            batch=values["batch"], arrival=values["arrival"], term_months=values["term_months"],
            term_end=values["term_end"], note=values["note"],
        )

    # ------------------------------------------------------------ checking and saving

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        ledger = self.ledger
        cadre = self.to_cadre(values)
        posting = self.to_posting(values, cadre)
        errors: list[FieldError] = []
        if self.mode != "post":
            errors += roster.validate_cadre(ledger, clone(cadre))
        errors += roster.validate_posting(ledger, posting, cadre)
        if posting.status == F.ACTIVE and posting.arrival is None:
            errors.append(FieldError("到村时间", "在岗的第一书记须填写到村时间（尚未到村请选“拟选派”）"))
        return errors

    def save(self, values: dict[str, Any]) -> RosterEntry:
        ledger = self.ledger
        cadre = self.to_cadre(values)
        posting = self.to_posting(values, cadre)
        if self.mode == "edit":
            return roster.save_posting(ledger, posting, cadre)
        return roster.enlist(ledger, cadre, posting)
