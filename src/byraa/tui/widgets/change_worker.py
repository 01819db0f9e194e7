"""A change made through core in a thread, then said and read again: the pattern of every
screen that edits what it lists (access, groups, extract rights).

A screen mixes ``ChangesInWorker`` in and calls ``run_change(change, done)``: ``change``
(a core call) runs in a thread, so a slow store never freezes the keys. A refusal
(``UserError``) is shown as an error and nothing is read again; a change that went
through is said (``done``, under ``change_title()``) and ``changed(select)`` reads the
screen's data again (by default ``load()``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.message import Message

from byraa.core.base.errors import UserError
from byraa.core.words.i18n import _


class ChangesInWorker:
    """Mixin for a ``Screen`` (module docstring)."""

    @dataclass
    class ChangeDone(Message):
        """A change went through (``text`` says what) or was refused (``error``)."""

        text: str
        error: bool = False
        select: str | None = None

    def change_title(self) -> str:
        """The title a change that went through is said under (the screen's name)."""
        raise NotImplementedError

    def changed(self, select: str | None) -> None:
        """Read again after a change; ``select``: the row to put the cursor on, if any."""
        self.load()  # type: ignore[attr-defined]

    @work(thread=True, exit_on_error=False, group="change", description="change")
    def run_change(self, change: Callable[[], object], done: str, select: str | None = None) -> None:
        try:
            change()
        except UserError as exc:
            self.post_message(self.ChangeDone(str(exc), error=True))
            return
        self.post_message(self.ChangeDone(done, select=select))

    def on_changes_in_worker_change_done(self, message: ChangeDone) -> None:
        if message.error:
            self.notify(message.text, title=_("Not changed"), severity="error", timeout=10)
            return
        self.notify(message.text, title=self.change_title())
        self.changed(message.select)

    # Provided by the Screen this is mixed into.
    post_message: Any
    notify: Any


__all__ = ["ChangesInWorker"]
