"""A small form toolkit: fields defined once, validated as typed, saved as a whole or not at all.

A form is a list of ``FormField`` (label, parser, widget kind). ``Form`` lays them out one per row
with the Chinese error message under the field; every keystroke re-parses that field with the
ledger's parser (``ledgers.validate``) and, when every field parses, runs the form's whole-record
check (e.g. ``Ledger.validate_village``). ``FormScreen`` is the modal around it: Ctrl+S saves,
Esc cancels with nothing written, Enter on the last field submits, and a failed save keeps the
draft with the messages at their fields.

Parsers take the text and return the typed value or raise ``FieldError``; a field's ``label``
is also the field name the ledger reports errors under, so errors raised on save land at the right
field (``aliases`` for other names).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from ledgers.errors import FieldError, LedgerError, ValidationErrors
from ledgers.text import clean_text

from ..commands import FORM_COMMANDS, bindings
from .footer import KeyFooter

T = TypeVar("T")
LABEL_WIDTH_MAX = 34  # cells; a longer label wraps
Parser = Callable[[str], Any]
FieldKind = Literal["text", "choice", "bool", "multiline"]


def text_parser(label: str, *, required: bool = False, multiline: bool = False) -> Parser:
    """Cleaned text (control characters removed; line breaks kept when ``multiline``); ``required``
    refuses an empty value."""

    def parse(s: str) -> str:
        value = clean_text(s, multiline=multiline)
        if required and not value:
            raise FieldError(label, "不能为空")
        return value

    return parse


DATE_CHARS = r"[0-9０-９\-/.．年月日]*"


def tick_label(on: bool) -> Content:
    """A tick box's label: ✓ 是 / ✗ 否 (its colour alone does not say which)."""
    return Content("✓ 是" if on else "✗ 否")


@dataclass(frozen=True)
class FormField:
    """One field of a form."""

    name: str  # key in the values dict (an identifier)
    label: str  # Chinese label; also the ``FieldError.field`` the ledger reports it under
    parse: Parser | None = None  # text → value, raises FieldError; None → cleaned text
    value: str | bool = ""  # initial text (bool for kind="bool")
    kind: FieldKind = "text"
    choices: tuple[str, ...] = ()  # for kind="choice"
    placeholder: str = ""
    aliases: tuple[str, ...] = ()  # other FieldError.field names that belong to this field
    help: str = ""  # shown dim under the field

    def convert(self, raw: str | bool) -> Any:
        if self.kind == "bool":
            return bool(raw)
        text = "" if raw is None else str(raw)
        if self.parse is not None:
            return self.parse(text)
        return clean_text(text, multiline=self.kind == "multiline")

    def owns(self, field_name: str) -> bool:
        return field_name in (self.label, self.name, *self.aliases)


def label_width(fields: Sequence[FormField]) -> int:
    """Cells of the label column: the longest label and a gap, within ``LABEL_WIDTH_MAX``."""
    longest = max((cell_len(f.label) for f in fields), default=0)
    return min(LABEL_WIDTH_MAX, max(8, longest + 1))


def _widget_id(name: str) -> str:
    return f"field-{name}"


class Form(VerticalScroll):
    """The fields of one record, each with its error line; knows nothing of the ledger."""

    class Submitted(Message):
        """Enter was pressed on the last field."""

    class Checked(Message):
        """A field changed and was re-checked; ``errors`` fields are now wrong."""

        def __init__(self, errors: int) -> None:
            super().__init__()
            self.errors = errors

    def __init__(self, fields: Sequence[FormField], *,
                 check: Callable[[dict[str, Any]], list[FieldError]] | None = None,
                 id: str | None = None, fit_labels: bool = False) -> None:
        """``fit_labels``: the label column is as wide as the longest label (up to
        ``LABEL_WIDTH_MAX``) instead of the stylesheet's width, so long labels never wrap mid-word."""
        super().__init__(id=id, classes="form")
        self.fields = list(fields)
        self.check = check
        self.label_width = label_width(self.fields) if fit_labels else None
        self._parse_errors: dict[str, str] = {}
        self._check_errors: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        for f in self.fields:
            with Vertical(classes="form-field"):
                with Horizontal(classes="form-row"):
                    yield self._fit(Label(Content(f.label), classes="form-label"), width=True)
                    yield self._make_widget(f)
                yield self._fit(Static("", classes="form-error", id=f"error-{f.name}", markup=False))
                if f.help:
                    yield self._fit(Static(Content(f.help), classes="form-help"))

    def _fit(self, widget: Widget, *, width: bool = False) -> Widget:
        """Size a label (``width``) or indent an error/help line to the label column."""
        if self.label_width is not None:
            if width:
                widget.styles.width = self.label_width
            else:
                widget.styles.padding = (0, 0, 0, self.label_width)
        return widget

    def _make_widget(self, f: FormField) -> Widget:
        wid = _widget_id(f.name)
        if f.kind == "bool":
            return Checkbox(tick_label(bool(f.value)), bool(f.value), id=wid, classes="form-input", compact=True)
        if f.kind == "choice":
            options = [(Content(c), c) for c in f.choices]
            value = f.value if f.value in f.choices else Select.NULL
            return Select(options, value=value, allow_blank=value is Select.NULL, id=wid, classes="form-input",
                          prompt="请选择", compact=True)
        if f.kind == "multiline":
            return TextArea(str(f.value), id=wid, classes="form-input form-multiline", soft_wrap=True,
                            show_line_numbers=False, tab_behavior="focus")
        # A date field takes only what a date is written with: the Space that ticks a box elsewhere in
        # the form no longer wipes the selected date it lands on (issue 13); typing a date still
        # replaces the one selected on arrival.
        restrict = DATE_CHARS if getattr(f.parse, "is_date", False) else None
        return Input(str(f.value), placeholder=f.placeholder, id=wid, classes="form-input", compact=True,
                     restrict=restrict)

    def on_mount(self) -> None:
        # Show what is wrong with loaded data at once (e.g. an imported value out of range).
        for f in self.fields:
            if f.kind in ("text", "multiline") and str(f.value):
                self._validate_field(f)

    # ------------------------------------------------------------ reading

    def field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.name == name)

    def raw(self, name: str) -> str | bool:
        w = self.query_one(f"#{_widget_id(name)}")
        if isinstance(w, Checkbox):
            return w.value
        if isinstance(w, Select):
            return "" if w.value is Select.NULL else str(w.value)
        if isinstance(w, TextArea):
            return w.text
        assert isinstance(w, Input)
        return w.value

    def set_raw(self, name: str, value: str | bool) -> None:
        w = self.query_one(f"#{_widget_id(name)}")
        if isinstance(w, (Checkbox, Input)):
            w.value = value  # type: ignore[assignment]
        elif isinstance(w, Select):
            w.value = value if value else Select.NULL
        elif isinstance(w, TextArea):
            w.text = str(value)

    def texts(self) -> dict[str, str | bool]:
        """The draft as typed."""
        return {f.name: self.raw(f.name) for f in self.fields}

    def values(self) -> dict[str, Any]:
        """Every field parsed; raises ValidationErrors (and shows them) if any field is wrong."""
        values: dict[str, Any] = {}
        errors: list[FieldError] = []
        for f in self.fields:
            try:
                values[f.name] = f.convert(self.raw(f.name))
                self._set_parse_error(f.name, "")
            except FieldError as e:
                errors.append(FieldError(f.label, e.detail))
                self._set_parse_error(f.name, e.detail)
        if not errors and self.check is not None:
            errors = self.check(values)
            self._apply_check_errors(errors)
        if errors:
            raise ValidationErrors(errors)
        return values

    @property
    def has_errors(self) -> bool:
        return any(self._parse_errors.values()) or any(self._check_errors.values())

    @property
    def error_count(self) -> int:
        """Fields showing an error now."""
        return sum(1 for f in self.fields if self._parse_errors.get(f.name) or self._check_errors.get(f.name))

    # ------------------------------------------------------------ validation as typed

    def _validate_field(self, f: FormField) -> None:
        try:
            f.convert(self.raw(f.name))
            self._set_parse_error(f.name, "")
        except FieldError as e:
            self._set_parse_error(f.name, e.detail)
        self._run_check()
        self.post_message(self.Checked(self.error_count))

    def _run_check(self) -> None:
        if self.check is None or any(self._parse_errors.values()):
            return
        try:
            values = {f.name: f.convert(self.raw(f.name)) for f in self.fields}
        except FieldError:
            return
        self._apply_check_errors(self.check(values))

    def _apply_check_errors(self, errors: list[FieldError]) -> None:
        found: dict[str, str] = {}
        for e in errors:
            f = next((f for f in self.fields if f.owns(e.field)), None)
            if f is not None and f.name not in found:
                found[f.name] = e.detail
        self._check_errors = found
        for f in self.fields:
            self._show_error(f.name)

    def _set_parse_error(self, name: str, message: str) -> None:
        self._parse_errors[name] = message
        self._show_error(name)

    def _show_error(self, name: str) -> None:
        message = self._parse_errors.get(name) or self._check_errors.get(name, "")
        err = self.query_one(f"#error-{name}", Static)
        err.update(Content(message))
        err.display = bool(message)
        self.query_one(f"#{_widget_id(name)}").set_class(bool(message), "-invalid-field")

    def show_errors(self, error: LedgerError) -> str:
        """Put the errors of a failed save at their fields; returns what belongs to no field."""
        errors = error.errors if isinstance(error, ValidationErrors) else [error] if isinstance(error, FieldError) else []
        rest = [] if errors else [str(error)]
        placed: dict[str, str] = {}
        for e in errors:
            f = next((f for f in self.fields if f.owns(e.field)), None)
            if f is None:
                rest.append(str(e))
            elif f.name not in placed:
                placed[f.name] = e.detail
        self._check_errors = placed
        for f in self.fields:
            self._show_error(f.name)
        if placed:
            first = next(f for f in self.fields if f.name in placed)
            self.query_one(f"#{_widget_id(first.name)}").focus()
        return "；".join(rest)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        f = next((f for f in self.fields if f.name == name), None)
        if f is not None:
            self._validate_field(f)

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        name = (event.text_area.id or "").removeprefix("field-")
        f = next((f for f in self.fields if f.name == name), None)
        if f is not None:
            self._validate_field(f)

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = tick_label(event.value)  # the state in words too, not by colour only

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _choice_changed(self, event: Message) -> None:
        self._run_check()
        self.post_message(self.Checked(self.error_count))

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [w for w in self.query(".form-input") if w.focusable]
        if inputs and event.input is inputs[-1]:
            self.post_message(self.Submitted())
        else:
            self.screen.focus_next()


class FormScreen(ModalScreen[T | None], Generic[T]):
    """A modal form: subclasses give ``form_title``, ``form_fields()``, ``check()`` and ``save()``.

    ``save`` receives the parsed values and writes through the ledger; it raises ``LedgerError``
    (usually ``ValidationErrors``) to refuse, and the draft stays as typed.
    """

    BINDINGS = bindings(FORM_COMMANDS)
    form_title: ClassVar[str] = ""
    save_label: ClassVar[str] = "保存"  # the Ctrl+S button; a form that only asks (a year …) says what it does
    HEIGHT_SHARE = 0.9  # of the screen, at most (the dialog is as tall as its fields need)
    _count_template: str | None = None  # the form message counts errors: kept up to date

    def form_fields(self) -> list[FormField]:
        raise NotImplementedError

    def check(self, values: dict[str, Any]) -> list[FieldError]:
        """Whole-record check while typing (no writes)."""
        return []

    def save(self, values: dict[str, Any]) -> T:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog", classes="dialog"):
            yield Static(Content(self.title_text()), classes="dialog-title")
            yield Form(self.form_fields(), check=self.check, id="form", fit_labels=True)
            yield Static("", id="form-message", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self.save_label} Ctrl+S"), variant="primary", id="form-save-button")
                yield Button(Content("取消 Esc"), id="form-cancel-button")
        yield KeyFooter()

    def title_text(self) -> str:
        return self.form_title

    def on_mount(self) -> None:
        self.query_one("#form-message", Static).display = False
        first = self.query(".form-input").first()
        first.focus()
        self.call_after_refresh(self._fit_height)
        self._initial = self._raw_values()  # what "nothing typed yet" looks like, for Esc

    def _raw_values(self) -> dict[str, Any]:
        return {f.name: self.form.raw(f.name) for f in self.form.fields}

    @property
    def dirty(self) -> bool:
        """Something was typed or ticked since the form opened."""
        return getattr(self, "_initial", None) is not None and self._raw_values() != self._initial

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_height)

    def _fit_height(self, tries: int = 5) -> None:
        """Let the fields scroll inside a dialog no taller than ``HEIGHT_SHARE`` of the screen, with
        the buttons always in view (the dialog is ``height: auto``; CSS cannot subtract rows)."""
        dialog = self.query_one("#form-dialog")
        form = self.form
        others = [w for w in dialog.children if w is not form and w.display]
        if tries and any(w.outer_size.height == 0 for w in others):
            # Not laid out yet (a real terminal may take more than one refresh): measure later.
            self.call_after_refresh(self._fit_height, tries - 1)
            return
        used = sum(w.outer_size.height + w.styles.margin.top + w.styles.margin.bottom for w in others)
        frame = dialog.styles.gutter.height
        # The dialog's ``max-height: 90%`` is a share of the screen less the docked footer.
        room = self.size.height - sum(f.outer_size.height for f in self.query(KeyFooter))
        form.styles.max_height = max(3, int(room * self.HEIGHT_SHARE) - frame - used)

    @property
    def form(self) -> Form:
        return self.query_one("#form", Form)

    def _message(self, text: str) -> None:
        m = self.query_one("#form-message", Static)
        self._count_template = None
        m.update(Content(text))
        if m.display != bool(text):
            m.display = bool(text)
            self.call_after_refresh(self._fit_height)

    def _count_message(self, errors: int, template: str = "有 %d 处需要修改，未保存。") -> None:
        """A message counting the fields to fix; it follows the fixes and goes when none is left."""
        self._message(template % errors if errors else "")
        self._count_template = template if errors else None

    @on(Form.Checked)
    def _form_checked(self, event: Form.Checked) -> None:
        if self._count_template is not None:
            self._count_message(event.errors, self._count_template)

    def action_save(self) -> None:
        try:
            values = self.form.values()
        except ValidationErrors as err:
            self.form.show_errors(err)
            self._count_message(max(1, self.form.error_count))
            return
        try:
            result = self.save(values)
        except LedgerError as err:
            rest = self.form.show_errors(err)
            if rest:
                self._message("未保存：" + rest)
            else:
                self._count_message(max(1, self.form.error_count))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return
        from ..modals.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        # Esc on a filled form used to throw the typing away without a word.
        self.app.push_screen(ConfirmScreen("放弃填写的内容？", "已填写或修改的内容还没有保存，放弃后不能恢复。",
                                           yes="放弃"), answered)

    @on(Form.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-save-button")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel-button")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
