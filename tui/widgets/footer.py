"""A footer that never runs off the edge: keys that do not fit are left out, ``?`` 帮助 always stays.

Textual's ``Footer`` clips what does not fit — at 80 columns the section keys pushed ``? 帮助`` and
``q 退出`` out of sight, and the clipped line ran under the docked ``^p 命令`` key and broke a CJK
character in two. ``KeyFooter`` measures its keys after each recompose and on every resize and hides
keys from the right until the row fits, skipping the help key: the help screen lists everything.
"""
from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

KEEP_KEYS = frozenset({"question_mark"})  # never hidden: it leads to every other key


class KeyFooter(Footer):
    """``Footer`` that hides the keys that do not fit (compact by default)."""

    def __init__(self, *, compact: bool = True, with_screen: bool = False, **kwargs: object) -> None:
        """``with_screen``: the keys come in the screen's first frame (a section, whose rows come
        later anyway); otherwise after it (a card: what the clerk opened comes first)."""
        super().__init__(compact=compact, **kwargs)  # type: ignore[arg-type]
        self._shown: tuple | None = None  # what the keys were last built from
        self._rebuild_pending = False
        self._with_screen = with_screen
        self._skipped = False  # a rebuild was left for when the screen is shown again

    def _keys_signature(self) -> tuple:
        active = self.screen.active_bindings
        bindings = tuple((b.key, b.description, enabled, tooltip)
                         for _node, b, enabled, tooltip in active.values() if b.show)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)  # docked on the right, though not "show"
        return bindings, palette[2] if palette else None, self.compact, self.show_command_palette

    def compose(self) -> ComposeResult:
        # A section's keys come with the screen, in its first layout, rather than after the first
        # bindings signal (a rebuild and a second layout, ~45 ms, while a section opens). The
        # screen's own keys are what the footer shows; the signal rebuilds it only if focus changed them.
        if self._with_screen and not self._bindings_ready and self.is_attached:
            self._bindings_ready = True
            self._shown = self._keys_signature()
        yield from super().compose()

    def on_mount(self) -> None:
        super().on_mount()
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self.fit_keys()

    def on_unmount(self) -> None:
        self.app.screen_change_signal.unsubscribe(self)
        super().on_unmount()

    def _screen_changed(self, screen: object) -> None:
        if screen is self.screen and self._skipped and not self._rebuild_pending:
            self._skipped = False
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def recompose(self) -> None:
        # Footer rebuilds every key on each bindings signal — about ten while a screen mounts and
        # takes focus, four when a form closes (focus leaves, comes back): ~45 ms each at 120
        # columns, most of the time from Ctrl+S to the saved row on screen. The signals of one
        # moment are gathered into one rebuild after the next refresh, and there is none when the
        # keys shown would be the same (a form closed: the table has the focus again).
        if self._bindings_ready and self.is_attached:
            if not self._rebuild_pending:
                self._rebuild_pending = True
                self.call_after_refresh(self._rebuild)
            return
        await super().recompose()
        self.fit_keys()

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        if self.app.screen is not self.screen:
            # Under a form (or another section in front): the keys would change because the focus
            # left for the form, and change back when it closes — two rebuilds and, on closing, every
            # key laid out and painted again in the frame that shows the saved row (~20 ms). The keys
            # are looked at again when this screen is in front (``_screen_changed``).
            self._skipped = True
            return
        self._skipped = False  # looked at now: nothing is left for the screen's return
        signature = self._keys_signature()
        if signature == self._shown:
            return
        self._shown = signature
        await super().recompose()
        # The new keys are mounted (styled, not laid out): fitted now, the screen is laid out once
        # with them — fitted after the next refresh, a second layout followed (~30 ms a screen).
        self.fit_keys()

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_keys)

    def fit_keys(self) -> None:
        """Show as many keys as fit, in binding order, keeping the help key."""
        if not self.is_attached:
            return
        width = self.size.width or self.app.size.width  # docked across the screen: before its first layout
        if width <= 0:
            return
        keys = [k for k in self.query(FooterKey) if not k.has_class("-command-palette")]
        palette = [k for k in self.query(FooterKey) if k.has_class("-command-palette")]
        # The docked palette key: its laid-out width, or before the first layout its text and margins
        # (the same, measured at 80 and 120 columns).
        available = width - sum(k.outer_size.width or _width(k) for k in palette)
        widths = [_width(k) for k in keys]
        shown = [True] * len(keys)
        if sum(widths) > available:
            kept = {i for i, k in enumerate(keys) if k.key in KEEP_KEYS}
            used = sum(widths[i] for i in kept)
            for i in range(len(keys)):
                if i in kept:
                    continue
                if used + widths[i] <= available:
                    used += widths[i]
                else:
                    shown[i] = False
        for key, show in zip(keys, shown):
            if key.display != show:  # setting it, even unchanged, lays the screen out again
                key.display = show

    @property
    def visible_keys(self) -> list[str]:
        """The keys shown (as Textual key names), for tests."""
        return [k.key for k in self.query(FooterKey) if k.display and not k.has_class("-command-palette")]


def _width(key: FooterKey) -> int:
    """Cells a footer key takes, margins included (its text is known before layout)."""
    margin = key.styles.margin
    return cell_len(key.render().plain) + margin.left + margin.right

