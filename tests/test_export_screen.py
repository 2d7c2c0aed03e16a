"""导出 (key 6) by real keys: the generated 正文 previewed and edited, Ctrl+S writes the .docx in a
worker with a progress bar, the path is shown; a missing village is refused at its field."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, ProgressBar, Select, Static, TextArea

from test_export_support import DocxReader
from tests.tui_support import SIZE, TODAY, demo_db, notifications, open_section, retype, settle, static_text
from tui.app import make_app


async def open_export(pilot) -> None:  # noqa: ANN001
    await open_section(pilot, "6", "ExportScreen")


async def choose_document(pilot, label: str) -> None:  # noqa: ANN001
    select = pilot.app.screen.query_one("#field-kind", Select)
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    labels = [str(o[0]) for o in select._options if o[1] is not Select.NULL]  # noqa: SLF001
    current = labels.index(str(select.value))
    target = labels.index(label)
    key = "down" if target > current else "up"
    for _ in range(abs(target - current)):
        await pilot.press(key)
    await pilot.press("enter")
    await settle(pilot)
    assert select.value == label


async def test_preview_edit_and_write(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    out = tmp_path / "通报.docx"
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        area = app.screen.query_one("#export-text", TextArea)
        assert "共排查列入软弱涣散村党组织" in area.text and "三、下步工作要求" in area.text
        await retype(pilot, "doc_number", "12")
        await retype(pilot, "output", str(out))
        await pilot.press("ctrl+t")
        assert app.focused is area
        await pilot.press(*"[red]补充说明", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert out.exists()
        assert f"已写入：{out}" in static_text(app, "#export-status")
        assert app.screen.query_one("#export-progress", ProgressBar).progress == 100
        text = DocxReader(out).text()
        assert "[red]补充说明\n" in text and "青石发〔2026〕12号" in text
        assert "共排查列入软弱涣散村党组织" in text


async def test_a_draft_is_said_to_be_one(tmp_path: Path) -> None:
    """No 发文字号 typed: the document is written, and the clerk is told it is a draft and why."""
    db = demo_db(tmp_path / "l.json")
    out = tmp_path / "草稿.docx"
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_export(pilot)
        await retype(pilot, "output", str(out))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert out.exists()
        assert f"已写入草稿：{out}" in static_text(app, "#export-status")
        said = notifications(app)
        assert any("发文字号留空" in m and "草稿" in m for m in said), said


async def test_signoff_needs_a_village_at_its_field(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await choose_document(pilot, "验收销号表")
        await retype(pilot, "output", str(tmp_path / "s.docx"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "须选择一个村" in str(app.screen.query_one("#error-village", Static).content)
        assert not (tmp_path / "s.docx").exists()
        assert app.screen.query_one("#field-to", Input).value == "县委组织部"
        await retype(pilot, "village", "金沙村")
        await pilot.press("ctrl+r")  # or wait: the 正文 follows the village after a short pause
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (tmp_path / "s.docx").exists()
        assert "金沙村" in app.screen.query_one("#export-text", TextArea).text


async def test_table_only_has_no_body_and_bad_paths_stay_at_the_field(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await choose_document(pilot, "第一书记花名册")
        app.screen.query_one("#field-table_only").focus()
        await pilot.press("space")
        await settle(pilot)
        area = app.screen.query_one("#export-text", TextArea)
        assert "没有正文" in area.text and area.read_only
        await retype(pilot, "output", str(tmp_path / "missing" / "r.docx"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "文件夹不存在" in str(app.screen.query_one("#error-output", Static).content)
        await retype(pilot, "output", str(tmp_path / "r.docx"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        reader = DocxReader(tmp_path / "r.docx")
        assert reader.data_tables() and "青石发" not in reader.text()


async def test_an_edited_body_stays_with_its_document(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("ctrl+t", *"ABC")
        area = app.screen.query_one("#export-text", TextArea)
        assert area.text.startswith("ABC为深入贯彻")
        await choose_document(pilot, "“四个一”包联表")
        assert area.text.startswith("现将《青石镇软弱涣散村党组织“四个一”包联表》")
        out = tmp_path / "m.docx"
        await retype(pilot, "output", str(out))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "ABC" not in DocxReader(out).text()  # the 通报's edits never leak into another document
        await choose_document(pilot, "整顿工作进展情况通报")
        assert area.text.startswith("ABC为深入贯彻")


async def test_file_names_carry_the_village_and_an_existing_file_is_not_replaced_silently(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await choose_document(pilot, "验收销号表")
        await retype(pilot, "village", "乐平村")
        await settle(pilot)
        first = Path(str(app.screen.form.raw("output")))
        assert "乐平村" in first.name and "2026年" in first.name
        await retype(pilot, "village", "重阳村")
        await settle(pilot)
        second = Path(str(app.screen.form.raw("output")))
        assert "重阳村" in second.name and second != first  # two villages, two files
        await retype(pilot, "output", str(tmp_path / "销号.docx"))
        (tmp_path / "销号.docx").write_bytes(b"an older form")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await settle(pilot)
        assert (tmp_path / "销号.docx").read_bytes() == b"an older form"
        assert "没有覆盖" in static_text(app, "#export-status")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (tmp_path / "销号.docx").read_bytes() != b"an older form"


async def test_an_edited_body_is_not_written_under_other_options(tmp_path: Path) -> None:
    db = demo_db(tmp_path / "l.json")
    out = tmp_path / "推进表.docx"
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await choose_document(pilot, "整顿推进表")
        await retype(pilot, "village", "青山村")
        await settle(pilot)
        await retype(pilot, "output", str(out))
        await pilot.press("ctrl+t", "end")
        await pilot.press(*"补充一句")
        await pilot.press("ctrl+o")
        await retype(pilot, "village", "河东村")  # the edited text still speaks of 青山村
        for _ in range(250):  # the screen notices after its typing delay: wait for that, not a time
            if "正文已修改" in static_text(app, "#export-status"):
                break
            await pilot.pause(0.02)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not out.exists()
        assert "与现在的选项不一致，未写入" in static_text(app, "#export-status")
        await pilot.press("ctrl+r")  # regenerated for 河东村: now it may be written
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert out.exists() and "河东村" in DocxReader(out).text()


async def test_esc_leaves_a_field_and_the_number_keys_switch_again(tmp_path: Path) -> None:
    """Issue 13's keyboard trap: typed into a field, 2 and q went into it and Esc did not leave it."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await settle(pilot)  # the 正文 generated: nothing rewrites the status behind the test's back
        # the output field: typing in 村 would regenerate the 正文 (and its status line) a moment later
        field = app.screen.query_one("#field-output", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"qsc2")
        await pilot.pause()
        assert field.value == "qsc2" and type(app.screen).__name__ == "ExportScreen"  # typed, not a key
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is None
        assert "已离开输入框" in static_text(app, "#export-status")
        await pilot.press("2")
        await settle(pilot)
        assert type(app.screen).__name__ == "VillagesScreen"
        await pilot.press("6")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExportScreen"
        # the 正文 box too: Esc leaves it, the text stays
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        area = app.screen.query_one("#export-text", TextArea)
        assert app.focused is area
        text = area.text
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is None and area.text == text and text
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#field-kind")


async def test_a_document_number_does_not_carry_into_the_next_document(tmp_path: Path) -> None:
    """Issue 13: the 发文字号 hint read 〔年〕, and a number typed for one document stayed for every
    document written after it (two documents with one number)."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        box = app.screen.query_one("#field-doc_number", Input)
        assert f"〔{TODAY.year}〕12号" in box.placeholder and "〔年〕" not in box.placeholder
        await retype(pilot, "doc_number", "12")
        select = app.screen.query_one("#field-kind", Select)
        labels = [str(o[0]) for o in select._options if o[1] is not Select.NULL]  # noqa: SLF001
        other = next(label for label in labels if label != str(select.value))
        await choose_document(pilot, other)
        assert box.value == ""


async def test_village_field_takes_pinyin_and_asks_when_it_fits_several(tmp_path: Path) -> None:
    """Issue 13: the 村 field took only the exact name; it takes pinyin and initials as / does,
    and when they fit several villages it says which, at the field."""
    db = demo_db(tmp_path / "l.json")
    app = make_app(db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await choose_document(pilot, "验收销号表")
        await retype(pilot, "village", "he")
        await retype(pilot, "output", str(tmp_path / "s.docx"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#error-village", Static).content)
        assert "对应多个村" in error and "河东村" in error and "河西村" in error
        assert not (tmp_path / "s.docx").exists()
        await retype(pilot, "village", "jinshacun")
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (tmp_path / "s.docx").exists()
        assert "金沙村" in app.screen.query_one("#export-text", TextArea).text
