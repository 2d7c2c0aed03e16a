"""Across the sections, by keys: an R11 to-do on the dashboard opens the posting, the recall it asks
for is made there, and the 四个一 matrix and the dashboard then show the gap — the same counts
everywhere (issue 9's walkthrough)."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from ledgers.matrix import assignment_matrix
from ledgers.models import Role, SecretaryStatus
from tests.test_tui_secretaries import save, screen_name, start_action
from tests.tui_support import SIZE, TODAY, demo_db, open_section, option_texts, retype, settle, static_text
from tui.app import make_app


async def test_a_recall_to_do_from_the_dashboard_to_the_matrix(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ledger = app.ledger
        before = assignment_matrix(ledger)
        todos = option_texts(app, "#panel-terms")
        assert "应召回" in todos[0] and "河东村" in todos[0]  # R11: 不称职 last year
        assert app.screen.query_one("#panel-matrix").border_title == \
            f"“四个一”缺{before.gap_count}项、冲突{len(before.conflicts)}项"

        panel = app.screen.query_one("#panel-terms", OptionList)
        panel.focus()
        panel.highlighted = 0
        await pilot.press("enter")  # opens the posting
        await settle(pilot)
        assert screen_name(app) == "PostingDetailScreen"
        await start_action(pilot, SecretaryStatus.RECALLED)
        await retype(pilot, "approver", "镇党委")
        await save(pilot)  # the reason is filled in from the grade (考核不称职)
        village = ledger.find_village("河东村")
        assert ledger.slots(village.id)[Role.FIRST_SECRETARY] is None

        await open_section(pilot, "4", "MatrixScreen")
        after = assignment_matrix(ledger)
        assert after.gap_count == before.gap_count + 1
        summary = static_text(app, "#matrix-summary")
        assert f"缺口{after.gap_count}项" in summary and f"冲突{len(after.conflicts)}项" in summary

        await open_section(pilot, "1", "DashboardScreen")
        assert not any("应召回" in t for t in option_texts(app, "#panel-terms"))
        assert any("河东村" in t and "第一书记" in t for t in option_texts(app, "#panel-matrix"))
