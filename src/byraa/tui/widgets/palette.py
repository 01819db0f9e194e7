"""Textual's command palette, with its one fixed English line in the user's words.

Textual writes "No matches found" into the list from inside a timer it starts itself;
this subclass starts the same timer with the same rules and our words. The names it
uses are Textual's private ones: textual is pinned, and the palette's test fails the
day they change.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from byraa.core.words.i18n import _


class Palette(CommandPalette):
    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:  # in discover mode (nothing typed) an empty list says enough
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(_("No matches found"), style="not bold")), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)
