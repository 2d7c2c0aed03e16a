"""The converters between domain objects and stored data, and the fast deep copy the ledger hands out."""
from __future__ import annotations

from datetime import date

from ledgers.codec import clone, from_dict, to_dict
from ledgers.models import (Acceptance, AcceptanceResult, CaseState, FirstSecretary, Grade, RectificationCase,
                            Task, Village)


def sample_case() -> RectificationCase:
    c = RectificationCase(3, 2026, "2026年", situations=["S01", "S02"], problem_summary="班子不团结")
    c.tasks.append(Task(problem="书记缺位", measure="选配书记", deadline=date(2026, 6, 30), id=1))
    c.acceptances.append(Acceptance(date(2026, 9, 1), AcceptanceResult.PASS, 85, ["镇纪委"], 30, 25, 4, 1))
    c.state = CaseState.RECTIFYING
    return c


def test_round_trip_keeps_every_field() -> None:
    for obj in (sample_case(), Village("青山村", collective_income={2025: 120_000}, tags=["红色村"]),
                FirstSecretary(name="李明", assessments={2025: Grade.COMPETENT}, absences={2025: 1})):
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
