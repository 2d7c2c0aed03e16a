"""The help screen (``?``): every key of the screen it was opened from, derived from the command
registry (the screen's commands, the section keys, the global commands) — never a hand-kept table.
Commands the screen reports as unavailable (``check_action`` → False) are left out."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..commands import Command, HelpLine, help_groups
from ..widgets.footer import KeyFooter


def screen_commands(screen: Screen) -> tuple[Command, ...]:
    """The commands a screen offers, minus those it reports unavailable."""
    getter = getattr(screen, "help_commands", None)
    commands: tuple[Command, ...] = getter() if getter else getattr(screen, "COMMANDS_LIST", ())
    out = []
    for c in commands:
        action = c.action.split("(")[0]
        if "." not in action and screen.check_action(action, ()) is False:
            continue
        out.append(c)
    return tuple(out)


def help_table(groups: list[tuple[str, list[HelpLine]]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")  # no spaces in Chinese: fold at the edge, never cut with …
    for title, lines in groups:
        table.add_row(Text(title, style="bold underline"), Text(""), Text(""))
        for line in lines:
            table.add_row(Text(line.key), Text(line.description), Text(line.help, style="dim"))
        table.add_row(Text(""), Text(""), Text(""))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys of ``for_screen``; any of Esc, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "关闭", id="help-close")]

    def __init__(self, for_screen: Screen) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        app = self.app
        sections = [(s.key, s.title) for s in getattr(app, "sections", ())]
        title = getattr(self.for_screen, "HELP_TITLE", "") or "本界面"
        groups = help_groups(title, screen_commands(self.for_screen), sections)
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text("按键帮助（Esc 关闭）", style="bold"), classes="dialog-title")
            yield Static(help_table(groups), id="help-table")
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
