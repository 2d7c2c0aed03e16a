"""Helpers shared by the core tests: a small cast of 四个一 holders and a serving first secretary."""
from __future__ import annotations

from datetime import date

from ledgers import assignments, roster
from ledgers.ledger import Ledger
from ledgers.models import Cadre, Gender, Leader, Posting, Role, SecretaryStatus, Unit, Village

# A valid, fictional ID number (长沙县, born 1990-03-07, male) and one for a woman born 1992-05-01.
ID_MALE_1990 = "430121199003070011"
ID_FEMALE_1992 = "430121199205010025"


def make_people(ledger: Ledger) -> dict:
    """Two villages, the three kinds of reusable 四个一 holders and 李明 serving in 青山村 since 2025-09-01."""
    a = ledger.save_village(Village("青山村", full_members=30, population=1800))
    b = ledger.save_village(Village("石桥村", full_members=12))
    county = assignments.save_leader(ledger, Leader("赵立新", "县委常委、组织部部长", Role.COUNTY_LEADER))
    town = assignments.save_leader(ledger, Leader("吴海波", "镇党委书记", Role.TOWNSHIP_LEADER))
    town2 = assignments.save_leader(ledger, Leader("郑晓东", "镇长", Role.TOWNSHIP_LEADER))
    unit = assignments.save_unit(ledger, Unit("县财政局"))
    fs = roster.enlist(ledger, Cadre("李明", dispatching_unit="县财政局", phone="13812345678",
                                     id_number=ID_MALE_1990, gender=Gender.MALE),
                       Posting(0, a.id, arrival=date(2025, 9, 1), status=SecretaryStatus.ACTIVE))
    return dict(a=a, b=b, county=county, town=town, town2=town2, unit=unit, fs=fs)


def fill_slots(led: Ledger, village_id: int, p: dict, start: date | None = None) -> None:
    """The three assignable slots (the first secretary's is the serving posting)."""
    assignments.assign(led, village_id, Role.COUNTY_LEADER, p["county"].id, start)
    assignments.assign(led, village_id, Role.TOWNSHIP_LEADER, p["town"].id, start)
    assignments.assign(led, village_id, Role.PAIRED_UNIT, p["unit"].id, start)
