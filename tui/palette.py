"""The command palette (Ctrl+P) in Chinese: its prompt and its "no match" line.

Textual's palette says "Search for commands…" and "No matches found"; the commands themselves are
ours (``LedgerApp.get_system_commands``), Textual's own ones renamed there.
"""
from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

PLACEHOLDER = "输入命令名称查找……"
NO_MATCHES = "没有找到这个命令"


class ChinesePalette(CommandPalette):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("placeholder", PLACEHOLDER)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # CommandPalette's own, with the line in Chinese (it is not a parameter).
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
