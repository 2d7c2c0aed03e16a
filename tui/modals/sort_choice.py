"""Sort by: the table's columns in a list, picked with ↑↓ Enter or the number of one of the first
nine; the list opens on the column after the current one (``s`` Enter steps, as ``s`` did alone).
Picking the current column again turns its order round (▲/▼)."""
from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import OptionList

from .choice import NumberedChoiceScreen, numbered_bindings


class SortChoiceScreen(NumberedChoiceScreen):  # type: ignore[type-arg]  # options carry column keys
    BINDINGS = numbered_bindings("sort-choice")
    DIALOG_ID, LIST_ID = "sort-choice-dialog", "sort-choices"
    DEFAULT_CSS = """
    SortChoiceScreen OptionList { max-height: 20; }
    """

    def __init__(self, columns: list[tuple[str, str]], current: str, reverse: bool) -> None:
        """``columns``: (key, label) in table order."""
        self.current, self.reverse = current, reverse
        super().__init__("按哪一列排序（↑↓ Enter 或数字键；再选当前列则倒序）", [(k, label) for k, label in columns])

    def line(self, n: int, option: tuple[Any, ...]) -> Content:
        key, label = option
        number = f"{n} " if n <= 9 else "  "
        text = Content(number + " ".join(label.split("\n")))
        if key == self.current:
            return text + Content.styled(f"  当前{'▼' if self.reverse else '▲'}，再选则{'正序' if self.reverse else '倒序'}", "bold")
        return text

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        keys = [k for k, _ in self.options]
        if self.current in keys:
            options.highlighted = (keys.index(self.current) + 1) % len(keys)
