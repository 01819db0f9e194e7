"""Textual's command palette, with its one fixed English line in the user's words.

Textual writes "No matches found" into the list from inside a timer it starts itself;
this subclass starts the same timer with the same rules and our words. The names it
uses are Textual's private ones: textual is pinned, and the palette's test fails the
day they change.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual import events, on
from textual.command import CommandInput, CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.widgets import Input
from textual.widgets.option_list import Option
from textual.worker import Worker

from byraa.core.words.i18n import _


class Palette(CommandPalette):
    def take_text(self, event: events.Key) -> None:
        """Put a text key the search field never saw into it (and focus it); leave any
        other key alone.

        ``:`` and the letters after it can arrive together (a quick hand, an SSH link that
        delivers keystrokes in bursts): Textual hands each key to the widget focused when
        it arrives, so the letters went to the screen under the palette, and came back to
        the app after the palette had opened, with nobody to take them. The search
        missed its first letters, and a missing one changed what it found. The field takes
        text itself once focused, so a text key that reaches the palette or the app while
        the palette is open is one it never saw (the app passes those here).
        """
        if not event.is_printable or event.character is None:
            return
        try:
            field = self.query_one(CommandInput)
        except NoMatches:
            return
        event.stop()
        event.prevent_default()
        field.focus()
        field.insert_text_at_cursor(event.character)

    def on_key(self, event: events.Key) -> None:
        # A key sent to the palette itself: it came before the field had the focus.
        self.take_text(event)

    def on_mount(self) -> None:
        # Text typed before the palette was mounted (``take_text``) was searched for then,
        # with no command sources yet, and Textual's own mount handler, which runs after
        # this one, starts a search for nothing that replaces it: the field showed the
        # words over an empty list, and enter did nothing. Search for the field's text
        # once that handler is done.
        self.call_later(self._search_typed)

    def _search_typed(self) -> None:
        if not self.is_attached:  # closed before its start-up was done (enter in the burst)
            return
        typed = self.query_one(CommandInput).value.strip()
        if typed:
            self._cancel_gather_commands()
            self._stop_no_matches_countdown()
            self._gather_commands(typed)

    # Enter typed while a search runs (``:vis klienter`` and enter in one go) acted on the
    # list as it was: empty (nothing happened, the palette stayed open and the match
    # appeared a moment later) or still the previous search's, whose first line, a
    # "Dashbord: …" command, it ran instead. It is kept until the search ends, then chooses
    # the best match; a key typed after it drops it.
    _enter_waiting = False

    @on(Input.Submitted)
    def _enter_while_searching(self, event: Input.Submitted) -> None:
        if self._searching():
            event.stop()
            event.prevent_default()  # not Textual's handler: it would choose from that list
            self._enter_waiting = True

    @on(Input.Changed)
    def _typed_after_enter(self) -> None:
        self._enter_waiting = False

    def _searching(self) -> bool:
        # A search cancelled by the next key counts as ended: its task may still be
        # unwinding when the newest one has finished (and would otherwise keep enter waiting).
        return any(worker.node is self and worker.group == self._GATHER_COMMANDS_GROUP
                   and not worker.is_finished and not worker.is_cancelled for worker in self.app.workers)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != self._GATHER_COMMANDS_GROUP or not event.worker.is_finished:
            return
        if self._enter_waiting and not self._searching():
            self._enter_waiting = False
            if self._list_visible:
                self._select_or_command()

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
