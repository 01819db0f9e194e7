"""One progress line for every durable job: bar, "done of total", ETA and how to stop.

The tax-card fetch and the bulk reconciliation both report the core runner's
``Progress``; each says what it counts (persons, clients) and may add one detail
(clients finished), and both stop with Esc after the work in flight.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from byraa.core.words.i18n import _


def duration(seconds: float) -> str:
    """``42 s`` or ``3 min 5 s``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return _("{s} s").format(s=seconds)
    return _("{m} min {s} s").format(m=seconds // 60, s=seconds % 60)


class JobProgress(Horizontal):
    """``[bar] 12 of 40 persons · clients 3/5 · about 1 min 3 s left · Esc stops``."""

    DEFAULT_CSS = """
    JobProgress {
        height: 1;
        & > ProgressBar { width: auto; }
        & > Label { width: 1fr; margin: 0 0 0 1; color: $text-muted; }
    }
    """

    def __init__(self, *, stopping_text: str, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.stopping_text = stopping_text
        """What the line says once a stop was asked for (what finishes before it stops)."""
        self.text = ""

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=100, show_eta=False)
        yield Label("", markup=False)

    def reset(self) -> None:
        self.query_one(ProgressBar).update(total=100, progress=0)
        self._say("")

    def show(self, count: str, *, done: int, total: int, eta_seconds: float | None, detail: str = "",
             stopping: bool = False) -> None:
        """``count`` is the done-of-total phrase (``12 av 40 personer``); the bar follows
        ``done``/``total`` (the finest unit the job counts)."""
        self.query_one(ProgressBar).update(total=max(1, total), progress=done)
        parts = [count]
        if detail:
            parts.append(detail)
        if stopping:
            parts.append(self.stopping_text)
        else:
            if eta_seconds is not None:
                parts.append(_("about {time} left").format(time=duration(eta_seconds)))
            parts.append(_("Esc stops"))
        self._say(" · ".join(parts))

    def _say(self, text: str) -> None:
        self.text = text
        self.query_one(Label).update(text)
