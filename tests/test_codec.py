"""The converters between domain objects and stored data, and the fast deep copy the ledger hands out."""
from __future__ import annotations

import dataclasses
from datetime import date

from ledgers.codec import clone, from_dict, to_dict
from ledgers.models import (Acceptance, AcceptanceResult, CaseState, Cadre, Grade, Posting, RectificationCase,
                            Task, Village)


def sample_case() -> RectificationCase:
    c = RectificationCase(3, 2026, "2026年", situations=["S01", "S02"], problem_summary="班子不团结")
    c.tasks.append(Task(problem="书记缺位", measure="选配书记", deadline=date(2026, 6, 30), id=1))
    c.acceptances.append(Acceptance(date(2026, 9, 1), AcceptanceResult.PASS, 85, ["镇纪委"], 30, 25, 4, 1))
    c.state = CaseState.RECTIFYING
    return c


def test_round_trip_keeps_every_field() -> None:
    for obj in (sample_case(), Village("青山村", collective_income={2025: 120_000}, tags=["红色村"]),
                Cadre(name="李明", birth=date(1990, 3, 1)),
                Posting(1, 2, assessments={2025: Grade.COMPETENT}, absences={2025: 1})):
        assert from_dict(type(obj), to_dict(obj)) == obj


def test_from_dict_shares_no_container_with_the_stored_data() -> None:
    data = to_dict(sample_case())
    c = from_dict(RectificationCase, data)
    c.situations.append("S03")
    c.acceptances[0].members.append("县委组织部")
    assert data["situations"] == ["S01", "S02"] and data["acceptances"][0]["members"] == ["镇纪委"]


def test_clone_is_equal_and_independent() -> None:
    c = sample_case()
    d = clone(c)
    assert d == c and d is not c
    d.tasks[0].measure = "改了"
    d.situations.append("S03")
    d.acceptances[0].members.append("县委组织部")
    assert c.tasks[0].measure == "选配书记" and c.situations == ["S01", "S02"] and c.acceptances[0].members == ["镇纪委"]
    v = Village("青山村", collective_income={2025: 1})
    w = clone(v)
    w.collective_income[2026] = 2
    assert v.collective_income == {2025: 1}


def test_stored_numbers_as_text_still_load() -> None:
    data = to_dict(Village("青山村"))
    data["population"] = "1200"
    assert from_dict(Village, data).population == 1200


def test_missing_keys_take_defaults_unknown_keys_are_ignored() -> None:
    a = from_dict(Village, {"name": "青山村", "from_a_newer_version": 1})
    b = from_dict(Village, {"name": "河东村"})
    assert a == Village("青山村") and not hasattr(a, "from_a_newer_version")
    a.tags.append("红色村")  # a default list is each record's own
    assert b.tags == []


def test_a_missing_required_field_is_refused() -> None:
    import pytest

    with pytest.raises(TypeError, match="name"):
        from_dict(Village, {"population": 1})



@dataclasses.dataclass
class _Shapes:
    """Every kind of field the generated decoder handles."""

    a: int
    b: str = "x"
    c: list[str] = dataclasses.field(default_factory=list)
    d: int = dataclasses.field(default=3, kw_only=True)
    e: int = dataclasses.field(default=7, init=False)


def test_decoder_handles_keyword_only_and_non_init_fields() -> None:
    k = from_dict(_Shapes, {"a": "5", "d": 4, "e": 99})
    assert (k.a, k.b, k.c, k.d, k.e) == (5, "x", [], 4, 7)  # e is not a constructor field
    assert from_dict(_Shapes, to_dict(_Shapes(1, "y", ["z"], d=2))) == _Shapes(1, "y", ["z"], d=2)
