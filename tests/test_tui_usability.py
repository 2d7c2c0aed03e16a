"""What a clerk tripped over when using the app in a real terminal (120×40 and 80×24), each fixed
and pinned here by real keys: footers that ran off the edge, modals showing the keys of the screen
below, cursors that jumped after a change, forms with wrapped labels or stale messages, dates cut
in two, missing keys (Home/End, 查看案卷), text cut with no way to read it."""
from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.widgets import Input, Label, Static

from ledgers.models import CaseState, Task
from tests.tui_support import SIZE, TODAY, demo_db, notifications, open_section, settle, static_text
from tui.app import make_app
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.cases import CaseTable
from tui.screens.village_detail import VillageDetailScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.task_table import STATUS_CLIP, TaskTable
from tui.widgets.village_table import COLUMN_KEYS, TAGS_WIDTH, VillageTable

SMALL = (80, 24)


def footer_of(app) -> KeyFooter:  # noqa: ANN001
    return app.screen.query_one(KeyFooter)


def footer_fits(app) -> bool:  # noqa: ANN001
    """The shown keys end before the docked palette key (nothing runs under it)."""
    footer = footer_of(app)
    palette = next(k for k in footer.children if k.has_class("-command-palette"))
    keys = [k for k in footer.children if k.display and k is not palette]
    return bool(keys) and max(k.region.right for k in keys) <= palette.region.x


async def open_case_of(pilot, village: str) -> CaseDetailScreen:  # noqa: ANN001
    app = pilot.app
    case = app.ledger.active_case(app.ledger.find_village(village).id)
    from tui.screens.cases import open_case

    open_case(app, case.id)
    await settle(pilot)
    assert isinstance(app.screen, CaseDetailScreen)
    return app.screen


# ---------------------------------------------------------------- footers


async def test_footer_fits_and_keeps_help_at_80_columns(tmp_path: Path) -> None:
    """At 80 columns the registry's keys pushed ? 帮助 off the footer and broke ^p 命令 in two."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for key in ("2", "3"):
            await pilot.press(key)
            await settle(pilot)
            footer = footer_of(app)
            assert "question_mark" in footer.visible_keys and footer_fits(app)
            assert footer.visible_keys[0] == "enter"  # the screen's own keys come first
        await open_case_of(pilot, "青山村")
        assert "question_mark" in footer_of(app).visible_keys and footer_fits(app)


async def test_case_detail_footer_fits_at_120_columns(tmp_path: Path) -> None:
    """The case detail's plain footer ran out even at 120 columns (撤销/退出 cut, 命令 garbled)."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_case_of(pilot, "青山村")
        keys = footer_of(app).visible_keys
        assert footer_fits(app) and "question_mark" in keys and "t" in keys and "escape" in keys


async def test_modal_footer_shows_its_own_keys(tmp_path: Path) -> None:
    """A confirm dialog showed the registry's footer (n 新增, e 修改 …), keys that do nothing there."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        await pilot.press("end", "d")  # the last village is referenced by nothing in the demo
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert footer_of(app).visible_keys == ["y", "n"]
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert footer_of(app).visible_keys == ["escape"]


async def test_keys_under_a_form_stay_as_they_were(tmp_path: Path) -> None:
    """A form over the registry leaves the registry's footer alone (its keys would change with the
    focus and change back: two rebuilds, and every key painted again in the frame that shows the
    saved row); once the registry is in front again its keys are looked at anew."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        registry = app.screen
        footer = registry.query_one(KeyFooter)
        keys = list(footer.query("FooterKey"))
        shown = footer.visible_keys
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillageFormScreen"
        assert list(footer.query("FooterKey")) == keys  # not rebuilt under the form
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is registry and footer.visible_keys == shown
        assert list(footer.query("FooterKey")) == keys and not footer._skipped
        # Keys that did change while another screen was in front are rebuilt when it is back.
        footer._shown = None
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is registry and footer.visible_keys == shown
        assert list(footer.query("FooterKey")) != keys


# ---------------------------------------------------------------- tables and cursors


async def test_home_end_go_to_first_and_last_row(tmp_path: Path) -> None:
    """Home/End scrolled sideways in a table that fits (nothing visible happened)."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        table = app.screen.query_one("#villages-table", VillageTable)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_task_cursor_after_delete_and_add(tmp_path: Path) -> None:
    """Deleting the last task put the cursor back on the first one; a new task was not selected."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_case_of(pilot, "青山村")
        table = screen.query_one("#case-tasks", TaskTable)
        count = table.row_count
        await pilot.press("end", "delete", "y")
        await settle(pilot)
        assert table.row_count == count - 1 and table.cursor_row == count - 2
        await pilot.press("home", "a")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-problem", Input).focus()
        await pilot.press(*"新问题")
        form.query_one("#field-deadline", Input).focus()
        await pilot.press(*"2026-12-31")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and table.row_count == count
        assert screen.cursor_task is not None and screen.cursor_task.problem == "新问题"
        assert "新问题" in static_text(app, "#case-task-text")


async def test_waiver_note_clipped_in_table_and_shown_in_full(tmp_path: Path) -> None:
    """A long 免于整改 note widened the status column until the evidence column fell off."""
    db = demo_db(tmp_path / "l.json")
    note = "问题已不存在，村两委已于十月重新分工并公示，群众反映良好，经镇党委研究不再单列整改"
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_case_of(pilot, "青山村")
        task = next(t for t in screen.case.tasks if not t.finished)
        app.ledger.waive_task(screen.case_id, task.id, note)
        app.ledger_changed()
        await settle(pilot)
        table = screen.query_one("#case-tasks", TaskTable)
        cell = table.get_cell(str(task.id), "status").plain
        assert cell.endswith("…") and cell_len(cell) <= STATUS_CLIP
        screen.tasks_table.move_to(task.id)
        await pilot.pause()
        assert note in static_text(app, "#case-task-text").replace("\n", "")


async def test_case_table_fits_80_columns(tmp_path: Path) -> None:
    """At 80 columns the case list stopped at 四个一; 情形 and 乡镇 needed sideways scrolling."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SMALL) as pilot:
        await open_section(pilot, "3")
        table = app.screen.query_one("#cases-table", CaseTable)
        assert table.virtual_size.width <= 80


async def test_tags_clipped_by_cells(tmp_path: Path) -> None:
    """Long tags were cut by Rich with a stray space before the ellipsis (乡村振兴重 …)."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        table = app.screen.query_one("#villages-table", VillageTable)
        cells = [table.get_row_at(i)[COLUMN_KEYS.index("tags")].plain for i in range(table.row_count)]
        clipped = [c for c in cells if c.endswith("…")]
        assert clipped and all(cell_len(c) <= TAGS_WIDTH and not c.endswith(" …") for c in clipped)


# ---------------------------------------------------------------- filter line


async def test_filter_line_is_one_line_and_says_when_nothing_matches(tmp_path: Path) -> None:
    """The case list's filter box took three rows (the registry's one), and an empty result was
    a blank table with no hint. While typing, the focused box drew Input's tall border over its one
    row: two bars and no text (seen in tmux, every section)."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, prefix in (("2", "villages"), ("3", "cases"), ("4", "matrix"), ("5", "roster")):
            await pilot.press(key)
            await settle(pilot)
            box = app.screen.query_one(f"#{prefix}-filter", Input)
            assert box.outer_size.height == 1
            await pilot.press("f", *"zzzz")
            await settle(pilot)
            assert box.has_focus and box.outer_size.height == 1
            assert "zzzz" in "".join(s.text for s in box.render_line(0))  # the typed text is on screen
            await pilot.press("enter")
            await settle(pilot)
            assert "按 Esc 清除筛选" in static_text(app, f"#{prefix}-status")
            await pilot.press("escape")
            await settle(pilot)
            assert "Esc" not in static_text(app, f"#{prefix}-status")


async def test_nothing_matches_keeps_the_status_on_one_line(tmp_path: Path) -> None:
    """At 120 columns the roster's no-match status took a second row ("…不含已结束（h 显示） ·" /
    "排序：序号▲"): the screen was laid out again and the table moved down a row under the clerk's
    eyes. The no-match message now stands in place of the "显示0…" count, without a sort order."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, prefix in (("2", "villages"), ("3", "cases"), ("4", "matrix"), ("5", "roster")):
            await pilot.press(key)
            await settle(pilot)
            table_top = app.screen.table.region.y
            await pilot.press("f", *"qingshizz", "enter")
            await settle(pilot)
            status = static_text(app, f"#{prefix}-status")
            assert "按 Esc 清除筛选" in status and "排序" not in status and "显示0" not in status
            assert "筛选：qingshizz" in status
            assert app.screen.query_one(f"#{prefix}-status").outer_size.height == 1, status
            assert app.screen.table.region.y == table_top
            await pilot.press("escape")
            await settle(pilot)
            status = static_text(app, f"#{prefix}-status")
            assert "排序：" in status and "显示" in status


# ---------------------------------------------------------------- forms


async def test_form_labels_fit_the_longest_label(tmp_path: Path) -> None:
    """Rule labels longer than the fixed 22-cell label column wrapped into three lines (R1 / 单独…党 / 员)."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "7")
        await pilot.press("p")
        await settle(pilot)
        labels = list(app.screen.query(".form-label").results(Label))
        assert labels and all(label.outer_size.height == 1 for label in labels)
        buttons = app.screen.query_one("#form-save-button")
        assert buttons.region.bottom <= SIZE[1] - 1  # the save button stays on screen


async def test_short_form_is_a_short_dialog(tmp_path: Path) -> None:
    """Every form filled 90% of the screen, a two-field form mostly empty space."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_case_of(pilot, "青山村")
        await pilot.press("end", "x")
        await settle(pilot)
        assert type(app.screen).__name__ == "TaskDoneScreen"
        assert app.screen.query_one("#form-dialog").outer_size.height <= 16


async def test_form_message_follows_the_fixes(tmp_path: Path) -> None:
    """"有 1 处需要修改，未保存。" stayed after the field was fixed (and after other fields broke)."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        message = form.query_one("#form-message", Static)
        population = form.query_one("#field-population", Input)
        population.focus()
        await pilot.press("ctrl+u", "-", "5", "ctrl+s")
        await pilot.pause()
        assert message.display and "有 1 处" in str(message.content)
        form.query_one("#field-households", Input).focus()
        await pilot.press("ctrl+u", "-", "1")
        await pilot.pause()
        assert "有 2 处" in str(message.content)
        await pilot.press("ctrl+u", "1")
        population.focus()
        await pilot.press("ctrl+u", "9")
        await pilot.pause()
        assert not message.display


async def test_progress_text_required_at_its_field(tmp_path: Path) -> None:
    """An empty 推进情况 was accepted by the form and refused only by the ledger on save."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_case_of(pilot, "青山村")
        before = len(screen.case.progress)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert type(form).__name__ == "CaseProgressScreen"
        error = form.query_one("#error-text", Static)
        assert error.display and "不能为空" in str(error.content)
        assert "有 1 处需要修改" in str(form.query_one("#form-message", Static).content)
        assert len(app.ledger.case(screen.case_id).progress) == before


# ---------------------------------------------------------------- village detail


async def test_village_detail_stacks_panels_at_80_columns(tmp_path: Path) -> None:
    """Two 38-cell columns at 80 columns folded nearly every line, dates included."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_village(app.ledger.find_village("青山村").id)
        await settle(pilot)
        registry = app.screen.query_one("#detail-registry")
        case = app.screen.query_one("#detail-case")
        assert registry.region.x == case.region.x and case.region.y > registry.region.y
    wide = make_app(tmp_path / "l.json", today=TODAY)
    async with wide.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wide.open_village(wide.ledger.find_village("青山村").id)
        await settle(pilot)
        assert wide.screen.query_one("#detail-case").region.x > wide.screen.query_one("#detail-registry").region.x


async def test_dates_are_never_cut_in_two(tmp_path: Path) -> None:
    """“赵立新（县委常委，2026-05-07起）” folded as “2\\n026-05-07起” in a narrow panel."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        v = app.ledger.find_village("青山村")
        app.open_village(v.id)
        await settle(pilot)
        starts = [h.start.isoformat() for h in app.ledger.slots(v.id).values() if h is not None and h.start]
        assert starts
        for width in (40, 50, 60):
            text = static_text(app, "#detail-slots", width=width)
            assert all(day in text for day in starts), width


async def test_village_detail_opens_its_case(tmp_path: Path) -> None:
    """From a village there was no key to its case; ``n`` offered to list it again (then refused)."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        v = app.ledger.find_village("青山村")
        app.open_village(v.id)
        await settle(pilot)
        screen = app.screen
        assert screen.check_action("new_case", ()) is False
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert app.screen.case_id == app.ledger.active_case(v.id).id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_candidate_village_shows_no_gap_alarm(tmp_path: Path) -> None:
    """A 拟认定 village's title said “四个一缺4项” in red though slots are needed only from 认定 on."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        v = next(v for v in app.ledger.villages()
                 if (c := app.ledger.active_case(v.id)) is not None and c.state == CaseState.CANDIDATE)
        app.open_village(v.id)
        await settle(pilot)
        assert "四个一缺" not in static_text(app, "#detail-title")


async def test_village_detail_edit_is_confirmed(tmp_path: Path) -> None:
    """Saving the form from a village's detail closed it without a word."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.open_village(app.ledger.find_village("青山村").id)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VillageDetailScreen)
        assert any("已保存" in n and "青山村" in n for n in notifications(app))


# ---------------------------------------------------------------- settings, help, transitions


async def test_settings_enter_in_footer_and_full_situation_text(tmp_path: Path) -> None:
    """Enter (修改情形) was missing from the footer, and long situations were cut with no way to read them."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SMALL) as pilot:
        await open_section(pilot, "7")
        assert "enter" in footer_of(app).visible_keys
        s01 = next(s for s in app.ledger.situations() if s.code == "S01")
        assert s01.text in static_text(app, "#situation-text").replace("\n", "")


async def test_help_folds_long_lines(tmp_path: Path) -> None:
    """At 80 columns help lines were cut with “…” (删除光标所在村（仍被案卷…)."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SMALL) as pilot:
        await open_section(pilot, "2")
        await pilot.press("question_mark")
        await settle(pilot)
        help_table = app.screen.query_one("#help-table", Static)
        text = static_text(app, "#help-table", width=help_table.content_region.width)
        assert "…" not in text and "引用时不能" in text


async def test_refused_transition_names_the_step_once(tmp_path: Path) -> None:
    """The refusal toast read “不能提请验收 / 不能提请验收：…”: the title now names the step, the body what is missing."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_case_of(pilot, "青山村")
        await pilot.press("t", "1")
        await settle(pilot)
        toast = list(app._notifications)[-1]
        assert toast.title == "不能提请验收" and toast.message.startswith("尚缺：") and "不能" not in toast.message[:3]


def test_task_table_keeps_every_text_in_cells() -> None:
    """A unit check of the table cells: long texts are clipped by cell width, never by len()."""
    from datetime import date

    from tui.widgets.task_table import CLIP, task_cells

    class _Ledger:
        today = date(2026, 11, 23)

    t = Task("长" * 40, measure="措施" * 20, owner="张三", deadline=date(2026, 12, 31))
    cells = task_cells(1, t, _Ledger())  # type: ignore[arg-type]
    assert cell_len(cells[1].plain) <= CLIP and cells[1].plain.endswith("…")


async def test_batch_close_form_says_list_not_save(tmp_path: Path) -> None:
    """批次收尾 asked for a year with a “保存 Ctrl+S” button, though nothing is saved; the list had no footer."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "3")
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert "列出" in str(form.query_one("#form-save-button").label)
        assert footer_of(app).visible_keys[0] == "ctrl+s"
        assert next(k for k in footer_of(app).children if k.key == "ctrl+s").description == "列出"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "OpenCasesScreen"
        assert footer_of(app).visible_keys == ["escape"]


async def test_footer_does_not_offer_slash_while_typing_a_filter(tmp_path: Path) -> None:
    """Typing in the filter line, the footer still showed “/ 查村” though / is typed into the filter."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot, "2")
        assert "slash" in footer_of(app).visible_keys
        await pilot.press("f")
        await settle(pilot)
        assert "slash" not in footer_of(app).visible_keys
        await pilot.press("slash")
        assert app.screen.query_one("#villages-filter", Input).value == "/"


async def test_step_dates_refused_at_the_field(tmp_path: Path) -> None:
    """An acceptance dated before 提请验收 was saved, then 确认验收合格 (which takes its date) was
    refused with a message at the bottom; both forms now say so at the date field."""
    app = make_app(demo_db(tmp_path / "l.json"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        v = next(v for v in app.ledger.villages()
                 if (c := app.ledger.active_case(v.id)) is not None and c.state == CaseState.AWAITING_ACCEPTANCE)
        screen = await open_case_of(pilot, v.name)
        before = len(screen.case.acceptances)
        await pilot.press("y")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-on", Input).focus()
        await pilot.press("ctrl+u", *"2020-01-01")
        await pilot.pause()
        error = form.query_one("#error-on", Static)
        assert error.display and "不能早于上一步“待验收”的日期" in str(error.content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and len(app.ledger.case(screen.case_id).acceptances) == before
        for field, value in (("on", TODAY.isoformat()), ("score", "90"), ("participants", "10"), ("satisfied", "10")):
            form.query_one(f"#field-{field}", Input).focus()
            await pilot.press("ctrl+u", *value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(app.ledger.case(screen.case_id).acceptances) == before + 1
        assert type(app.screen).__name__ == "TransitionFormScreen"  # 确认验收合格: the same check
        app.screen.query_one("#field-on", Input).focus()
        await pilot.press("ctrl+u", *"2020-01-01")
        await pilot.pause()
        assert "不能早于上一步" in str(app.screen.query_one("#error-on", Static).content)
