"""The command registry: every command is defined once (id, key, description, help) and its
binding, footer entry, palette entry and help-screen line are derived from that definition."""
from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    id: str  # stable kebab-case binding id
    key: str  # Textual key name(s), comma-separated
    action: str
    description: str  # short, for the footer
    help: str = ""  # one sentence for the help screen and the palette
    show: bool = True  # shown in the footer
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.description, show=self.show, id=self.id,
                       priority=self.priority, tooltip=self.help)


def bindings(commands: tuple[Command, ...] | list[Command]) -> list[Binding]:
    return [c.binding() for c in commands]


def key_label(key: str) -> str:
    """How a key is written for clerks: ctrl+z → Ctrl+Z, question_mark → ?."""
    first = key.split(",")[0]
    named = {"question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter", "delete": "Del",
             "space": "空格", "tab": "Tab"}
    if first in named:
        return named[first]
    return "+".join(p.capitalize() if len(p) > 1 else p.upper() if p.isalpha() and "+" in first else p
                    for p in first.split("+"))


# Commands available on every section screen.
GLOBAL_COMMANDS: tuple[Command, ...] = (
    Command("lookup", "slash", "app.lookup", "查村", "按村名、全拼或拼音首字母查找村并打开详情"),
    Command("help", "question_mark", "app.help", "帮助", "列出当前界面的所有按键"),
    Command("undo", "ctrl+z", "app.undo", "撤销", "撤销最近一次修改（所有修改都记入审计日志）"),
    Command("palette", "ctrl+p", "app.command_palette", "命令", "打开命令面板", show=False),
    Command("quit", "q", "app.quit", "退出", "退出程序"),
)
