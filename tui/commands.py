"""The command registry: every command is defined once (id, key, description, help) and its
binding, footer entry, palette entry and help-screen line are derived from that definition.

Global commands live here; each screen lists its own in a ``COMMANDS_LIST`` class attribute
(see ``tui/screens/base.py``), from which its BINDINGS are derived.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def bindings(commands: Sequence[Command]) -> list[Binding]:
    return [c.binding() for c in commands]


_NAMED_KEYS = {"question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter", "delete": "Del",
               "space": "空格", "tab": "Tab", "full_stop": ".", "comma": ",", "minus": "-", "plus": "+",
               "left_square_bracket": "[", "right_square_bracket": "]", "up": "↑", "down": "↓",
               "left": "←", "right": "→", "home": "Home", "end": "End", "pageup": "PgUp",
               "pagedown": "PgDn"}


def key_label(key: str) -> str:
    """How a key is written for clerks: ctrl+z → Ctrl+Z, question_mark → ?."""
    first = key.split(",")[0].strip()
    if first in _NAMED_KEYS:
        return _NAMED_KEYS[first]
    parts = first.split("+")
    out = []
    for p in parts:
        if p in _NAMED_KEYS:
            out.append(_NAMED_KEYS[p])
        elif len(p) > 1:
            out.append(p.capitalize())
        else:
            out.append(p.upper() if len(parts) > 1 else p)
    return "+".join(out)


# Commands available on every screen that is not a modal.
GLOBAL_COMMANDS: tuple[Command, ...] = (
    # Priority: taken before the focused widget sees it, so letters typed right after "/" (fast, or
    # while the file is being read) land in the lookup; LedgerApp.check_action lets a text field have "/".
    Command("lookup", "slash", "app.lookup", "查村", "按村名、全拼或拼音首字母查找村并打开详情", priority=True),
    Command("help", "question_mark", "app.help", "帮助", "列出当前界面的所有按键"),
    Command("undo", "ctrl+z", "app.undo", "撤销", "撤销最近一次修改（所有修改都记入审计日志）"),
    Command("redo", "ctrl+y", "app.redo", "重做", "重做刚撤销的修改（撤销后又有新的修改时不能重做）", show=False),
    Command("become-writer", "f2", "app.become_writer", "改为可写",
            "只读打开时：另一位同事退出后，改为可写（能修改）", show=False),
    Command("palette", "ctrl+p", "app.command_palette", "命令", "打开命令面板（也可在其中查村）", show=False),
    Command("quit", "q", "app.quit", "退出", "退出程序"),
)

# Keys every form (tui/widgets/form.py) understands.
FORM_COMMANDS: tuple[Command, ...] = (
    Command("form-save", "ctrl+s", "save", "保存", "检查并保存表单；有错误时不保存，错误显示在对应字段旁", priority=True),
    Command("form-cancel", "escape", "cancel", "取消", "放弃修改并关闭表单，不写入任何内容"),
)


@dataclass(frozen=True)
class HelpLine:
    key: str  # as shown to clerks
    description: str
    help: str


def help_lines(commands: Iterable[Command]) -> list[HelpLine]:
    return [HelpLine(key_label(c.key), c.description, c.help) for c in commands]


def help_groups(screen_title: str, screen_commands: Sequence[Command],
                sections: Sequence[tuple[str, str]]) -> list[tuple[str, list[HelpLine]]]:
    """What the help screen lists: the screen's own keys, the section keys, then the global ones.

    ``sections`` is (key, title) of each available section."""
    groups: list[tuple[str, list[HelpLine]]] = []
    if screen_commands:
        groups.append((screen_title or "本界面", help_lines(screen_commands)))
    if sections:
        groups.append(("切换栏目", [HelpLine(k, t, f"切换到“{t}”") for k, t in sections]))
    groups.append(("全局", help_lines(GLOBAL_COMMANDS)))
    return groups
