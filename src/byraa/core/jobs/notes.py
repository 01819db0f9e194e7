"""One line per finished item for a person watching a job, in their words.

A handler's note (``hovedbok-2026.xml: importert``) is the only report with words: the
runner's own reports (start, each item finished, end) carry none, only counts and, for a
finished item, its key. ``NoteRelay`` sits between the runner and the caller's progress
callback: each note goes out with the report that counts its item finished (so ``2/69``
is the files done, this one included); every other report goes out without a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from byraa.core.jobs.runner import ItemContext, Progress


class NoteRelay:
    def __init__(self, on_progress: Callable[[Progress], None] | None) -> None:
        self.on_progress = on_progress
        self.pending: dict[str, str] = {}
        """Item key -> its note, until the report that counts the item finished (items may
        run side by side)."""

    def note(self, ctx: ItemContext, text: str) -> None:
        """The item's line (already in the user's words); a later note replaces it."""
        self.pending[ctx.item.key] = text
        ctx.note(text)

    def relay(self, p: Progress) -> None:
        if self.on_progress is None:
            return
        if p.finished_key is None and p.message:
            return  # a note's own report: the note goes out with its item's finish, and its count
        self.on_progress(replace(p, message=self.pending.pop(p.finished_key, "") if p.finished_key else ""))

    @property
    def callback(self) -> Callable[[Progress], None] | None:
        """What to give ``run_job`` as ``on_progress`` (``None`` when nobody watches)."""
        return self.relay if self.on_progress is not None else None
