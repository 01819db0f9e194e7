"""The one progress line of both job screens: bar, count, ETA, how to stop."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import ProgressBar

from byraa.tui.widgets.job_progress import JobProgress, duration


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield JobProgress(stopping_text="stopper etter klientene som er i gang…")


async def test_count_eta_and_stop_hint_then_stopping() -> None:
    app = _Host()
    async with app.run_test(size=(100, 5)) as pilot:
        line = app.query_one(JobProgress)
        line.show("3 av 8 klienter", done=30, total=80, eta_seconds=125, detail="klienter 3/8")
        await pilot.pause()
        assert line.text == "3 av 8 klienter · klienter 3/8 · ca. 2 min 5 s igjen · Esc stopper"
        bar = line.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (30, 80)
        line.show("3 av 8 klienter", done=30, total=80, eta_seconds=125, stopping=True)
        await pilot.pause()
        assert line.text == "3 av 8 klienter · stopper etter klientene som er i gang…"
        line.reset()
        assert line.text == "" and line.query_one(ProgressBar).progress == 0


def test_duration_words() -> None:
    assert duration(42.4) == "42 s"
    assert duration(185) == "3 min 5 s"
    assert duration(-3) == "0 s"
