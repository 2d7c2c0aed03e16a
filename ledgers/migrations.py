"""Schema migrations of the ledger file, registered with the store (``store.MIGRATIONS``).

Each step turns the raw data of a whole file (plain dicts, as stored) at version n into version n + 1.
The store runs them at open, backs up the old file first ("pre-migration") and records the upgrade
in the audit log as a barrier (undo does not cross it).
"""
from __future__ import annotations

import unicodedata
from typing import Any

from .store import MIGRATIONS

ENDED = {"召回", "调整", "期满离任"}
CADRE_FIELDS = ("name", "gender", "ethnicity", "birth", "political_status", "education", "dispatching_unit",
                "unit_level", "original_post", "rank", "id_number", "phone")
POSTING_FIELDS = ("village_type", "batch", "arrival", "term_months", "term_end", "assessments", "absences",
                  "recall_reason", "history", "note")


def _split_first_secretaries(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 → 2: a roster row (``secretaries``) was both the person and one stay in a village.

    - Each row becomes a ``postings`` record with the same id, and its person a ``cadres`` record;
      rows with the same ID number (the same person posted again) share one cadre.
    - 期满待轮换 is no longer stored (it is computed from the date): such rows are 在岗 again.
    - The first-secretary slots of the 四个一 are no longer ``assignments``: the serving posting is
      the slot. A row without a village takes the village of its open slot; the slot records go.
    - A row with no village at all keeps its person as a cadre and its facts in the cadre's note.
    """
    meta = data["_meta"]["1"]
    next_id = meta.setdefault("next_id", {})
    table = data.pop("secretaries", {})
    for key, row in table.items():
        row.setdefault("id", int(key))  # the store tolerates a record without its own id
    # Oldest stay first, the one in force last: the person's latest details (a new phone, a
    # promotion) are those of their latest posting, whatever order the rows were entered in.
    rows = sorted(table.values(), key=lambda r: (r.get("status") in ("在岗", "期满待轮换", "拟选派"),
                                                 r.get("arrival") or "", r["id"]))
    assignments = data.get("assignments", {})
    slot_village: dict[int, int] = {}
    for key in [k for k, a in assignments.items() if a.get("role") == "第一书记"]:
        a = assignments.pop(key)
        if a.get("end") is None:
            slot_village.setdefault(a.get("holder_id"), a.get("village_id"))
    cadres: dict[str, dict[str, Any]] = {}
    postings: dict[str, dict[str, Any]] = {}
    by_number: dict[str, int] = {}
    cadre_id = 0
    for row in rows:
        number = unicodedata.normalize("NFKC", row.get("id_number") or "").strip().upper()
        if number and number in by_number:
            cid = by_number[number]
            cadre = cadres[str(cid)]
            # The latest row's personal details win (a new phone, a promotion), as a clerk would keep them.
            cadre.update({f: row[f] for f in CADRE_FIELDS if row.get(f) not in (None, "")})
        else:
            cadre_id += 1
            cid = cadre_id
            cadres[str(cid)] = {"id": cid, "note": "", **{f: row[f] for f in CADRE_FIELDS if f in row}}
            if number:
                by_number[number] = cid
        village = row.get("village_id")
        if village is None:
            village = slot_village.get(row.get("id"))
        if village is None:
            facts = "；".join(x for x in (f"原花名册状态：{row.get('status', '')}", row.get("batch", ""),
                                          row.get("note", "")) if x)
            note = cadres[str(cid)].get("note", "")
            cadres[str(cid)]["note"] = "；".join(x for x in (note, facts) if x)
            continue
        status = row.get("status", "拟选派")
        posting = {f: row[f] for f in POSTING_FIELDS if f in row}
        posting.update({"id": row["id"], "cadre_id": cid, "village_id": village,
                        "status": "在岗" if status == "期满待轮换" else status})
        if status in ENDED:
            history = row.get("history") or []
            last = history[-1]["on"] if history else None
            posting["ended_on"] = _day_before(last) if last else None
            posting["end_reason"] = history[-1].get("reason", "") if history else ""
        postings[str(row["id"])] = posting
    data["cadres"] = cadres
    data["postings"] = postings
    old_next = next_id.pop("secretaries", 1)
    next_id["cadres"] = cadre_id + 1
    next_id["postings"] = max([old_next] + [p["id"] + 1 for p in postings.values()])
    return data


def _day_before(iso: str) -> str:
    from datetime import date

    from .dates import day_before

    return day_before(date.fromisoformat(iso)).isoformat()


def _village_people(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 → 3: the village's people (两委, vacancies, reserves, meetings, development), the
    screening decisions, satisfaction polls and rankings get their own collections, empty. Nothing is invented from the registry's
    counts: a village's ``reserve_cadres``, ``secretary_age`` and ``secretary_is_director`` stay as
    they were and stand for people not on file ("unknown") until the office enters them by name."""
    for table in ("committee", "vacancies", "reserves", "meetings", "recruits", "screenings", "polls", "rankings"):
        data.setdefault(table, {})
    return data


MIGRATIONS[1] = _split_first_secretaries
MIGRATIONS[2] = _village_people
