"""The footer of every screen: the screen's keys on the left, help and palette pinned right.

Textual's footer shows bindings in one line and cuts what does not fit; at 80 columns
a screen with many keys pushed ``? Hjelp`` and ``: Kommandoer`` (the two ways to every
other key) off the edge. Here they are drawn apart from the scrolling part and always
stay visible; the app's own bindings for them are hidden from the Textual footer.

The screen's keys are never cut mid-label ("+ Til grup"): a key that does not fit whole
is left out of the line (it is in help, ``?``, and the palette, ``:``), and so is every
key after it, so the line reads in the screen's order.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Footer, Static

from byraa.core.words.i18n import _


class FittingFooter(Footer):
    """Textual's footer, showing only the keys that fit whole."""

    _shown: tuple | None = None
    """What the keys now on the line were built from (``None``: nothing built yet)."""

    def _signature(self) -> tuple:
        """Everything of the screen's bindings that the line shows."""
        return tuple(
            (binding.key, binding.action, binding.description, self.app.get_key_display(binding), enabled, tooltip,
             (binding.group.description, binding.group.compact) if binding.group else None)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values() if binding.show
        )

    async def recompose(self) -> None:
        # Textual rebuilds the footer's keys on every "bindings updated" signal (each focus
        # change, each refresh_bindings): opening a screen sent nine, each one removing and
        # styling a dozen widgets again (about 30 ms of CPU). Unchanged keys keep the line.
        if not self.is_attached or self._pruning:
            # A rebuild asked for just before the screen went away (Textual's own check,
            # made here before the signature reads the screen).
            return
        signature = self._signature() if self._bindings_ready else None
        if signature is not None and signature == self._shown:
            return
        self._shown = signature
        await super().recompose()
        self._fit_now()

    def on_resize(self) -> None:
        for child in self.children:
            child.display = True
        self._fit_now()

    def _fit_now(self) -> None:
        """Leave out the keys that would run past the edge before the line is first drawn.

        Fitting by the drawn regions (``_fit``) could only happen after a refresh, so for one
        frame the line showed every key, the last one cut at the edge (and a snapshot taken
        in that frame pictured it). Textual's own arrangement of the keys at the footer's
        width says the same before anything is drawn; ``_fit`` after the refresh stays as
        the check against the drawn line (a width not known yet, a style not applied yet).
        """
        width = self.content_size.width
        if width > 0:
            # Arranged afresh: the cache is keyed by size, not by which keys are shown (Textual
            # clears it for a display change only when the app is next idle).
            self._clear_arrangement_cache()
            placed = {placement.widget: placement.region for placement in self.arrange(self.content_size).placements}
            self._leave_out_from(lambda child: child in placed and placed[child].right > width)
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        right = self.region.right
        self._leave_out_from(lambda child: child.region.right > right)

    def _leave_out_from(self, past_edge: Callable[[Widget], bool]) -> None:
        """Hide the first key past the edge and every key after it (the line reads in order)."""
        cut = False
        for child in self.children:
            cut = cut or past_edge(child)
            if cut:
                child.display = False


class KeyFooter(Horizontal):
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
    }
    KeyFooter > FittingFooter {
        dock: none;
        width: 1fr;
    }
    KeyFooter > .pinned {
        width: auto;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    """

    def compose(self) -> ComposeResult:
        yield FittingFooter(show_command_palette=False)
        yield Static(self._pinned(), classes="pinned", markup=True)

    def _pinned(self) -> str:
        app = self.app
        help_key = app.get_key_display(_binding(app, "app.help")) if _binding(app, "app.help") else "?"
        palette_key = (app.get_key_display(_binding(app, "app.command_palette"))
                       if _binding(app, "app.command_palette") else ":")
        return (f"[bold $footer-key-foreground]{help_key}[/] {_('Help')}  "
                f"[bold $footer-key-foreground]{palette_key}[/] {_('Commands')}")


def _binding(app, binding_id: str):  # noqa: ANN001, ANN202
    for _key, binding in app._bindings:
        if binding.id == binding_id:
            return binding
    return None
