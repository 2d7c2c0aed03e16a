"""The 排查 decisions (``ledgers.screening``): list a village as 拟认定, or dismiss it for the year.

列入: every situation the village's data supports comes ticked (untick what the office does not
accept); S02, S03, S06–S09 cannot come from data — tick them and say where the clue came from (one
线索来源 and note for the ones ticked). 不列入: the reason is required and kept. Both return the
sentence for the toast, or None when cancelled.
"""
from __future__ import annotations

from typing import Any

from ledgers import screening
from ledgers.errors import FieldError

from ..widgets.form import FormField, FormScreen, text_parser
from ..widgets.text import clip


def _situation_names(app: Any) -> dict[str, str]:
    """Code → the situation's text, cut to fit a label (the full text is in the situation table)."""
    return {s.code: clip(s.text.split("、")[0], 28) for s in app.ledger.situations()}


class ListFormScreen(FormScreen[str]):
    save_label = "列入"

    def __init__(self, row: screening.VillageScreening, year: int) -> None:
        self.row = row
        self.year = year
        super().__init__()

    def title_text(self) -> str:
        return f"列入{self.year}年软弱涣散村党组织拟认定名单：{self.row.village.name}（{self.row.village.township}）"

    def form_fields(self) -> list[FormField]:
        names = _situation_names(self.app)
        proposed = dict.fromkeys(p.code for p in self.row.proposals)
        fields = [FormField(f"code_{code}", f"{code} {names.get(code, '')}", None, True, kind="bool",
                            help="；".join(f"{p.evidence}（标准：{p.threshold}）" for p in self.row.proposals
                                          if p.code == code))
                  for code in proposed]
        fields += [FormField(f"code_{code}", f"{code} {names.get(code, '')}", None, False, kind="bool")
                   for code in screening.TICKED if code in names]
        fields += [
            FormField("source", "线索来源", None, "", kind="choice", choices=screening.CLUE_SOURCES,
                      aliases=tuple(f"{c}线索来源" for c in screening.TICKED),
                      help="勾选上面 S02、S03、S06–S09 中任一项时必填"),
            FormField("note", "线索说明", text_parser("线索说明"), "", placeholder="如：县信访局转来信访件3件"),
        ]
        return fields

    def _codes(self, values: dict[str, Any]) -> tuple[list[str], list[str]]:
        ticked = [k[5:] for k, v in values.items() if k.startswith("code_") and v]
        manual = [c for c in ticked if c in screening.TICKED]
        return [c for c in ticked if c not in screening.TICKED], manual

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        computed, manual = self._codes(values)
        errors = []
        if manual and not values.get("source"):
            errors.append(FieldError("线索来源", "勾选了需要人工判断的情形，请选择线索来源"))
        if not computed and not manual:
            errors.append(FieldError("线索来源", "至少勾选一项情形"))
        return errors

    def save(self, values: dict[str, Any]) -> str:
        computed, manual = self._codes(values)
        clues = {code: screening.Clue(values.get("source") or "", values.get("note") or "") for code in manual}
        screening.list_village(self.app.ledger, self.row.village.id, self.year, computed, clues)  # type: ignore[attr-defined]
        return f"已列入拟认定：{self.row.village.name}（{'、'.join(sorted(computed + manual))}），案卷见整顿台账"


class DismissFormScreen(FormScreen[str]):
    save_label = "不列入"

    def __init__(self, row: screening.VillageScreening, year: int) -> None:
        self.row = row
        self.year = year
        super().__init__()

    def title_text(self) -> str:
        return f"{self.year}年排查不列入：{self.row.village.name}（{self.row.village.township}）"

    def form_fields(self) -> list[FormField]:
        found = "、".join(dict.fromkeys(p.code for p in self.row.proposals)) or "无"
        return [FormField("reason", "理由", text_parser("理由", required=True), "",
                          placeholder="如：经核实收入下降系统计口径调整", help=f"数据提示的情形：{found}。理由留存，明年排查时可见")]

    def save(self, values: dict[str, Any]) -> str:
        screening.dismiss(self.app.ledger, self.row.village.id, self.year, values["reason"])  # type: ignore[attr-defined]
        return f"已记录不列入：{self.row.village.name}"
