"""Any worker that fails is reported once, by the app: a user error in its own words, a
bug as "Uventet feil" with the path of the log that holds the traceback."""

from __future__ import annotations

import stat

import pytest
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from byraa.core.base.errors import NotFound
from byraa.core.settings import locations
from byraa.tui.app import ByraaApp
from byraa.tui.worker_errors import LOG_NAME
from tests.tui_support import language_restored, screen_text, settle, workspace


class _Failing(Screen):
    WORKER_ERROR_TITLE = "Could not read the clients"

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
        self.failed_groups: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("waiting", id="body")

    def on_mount(self) -> None:
        self.query_one("#body").loading = True
        self.run_worker(self._work, thread=True, exit_on_error=False, group="failing")

    def _work(self) -> None:
        raise self.error

    def worker_failed(self, worker) -> None:  # noqa: ANN001
        self.failed_groups.append(worker.group)


@pytest.fixture
def empty_store(sqlite_store):  # noqa: ANN001, ANN201
    with language_restored():
        yield sqlite_store


async def _run(store, error: Exception) -> tuple[ByraaApp, _Failing, str]:  # noqa: ANN001
    app = ByraaApp(workspace(store))
    screen = _Failing(error)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.push_screen(screen)
        # Not ``settle``: waiting on a failed worker raises its error in the test.
        for _ in range(200):
            if screen.failed_groups and not list(app.workers):
                break
            await pilot.pause(0.01)
        await pilot.pause()
        text = screen_text(app)
        assert not screen.query_one("#body").loading
    return app, screen, text


async def test_a_user_error_shows_its_words_once(empty_store) -> None:  # noqa: ANN001
    app, screen, text = await _run(empty_store, NotFound("client.not_found", org="999999999"))
    messages = [(n.title, n.message) for n in app._notifications]
    assert messages == [("Kunne ikke lese klientene", "ingen klient med organisasjonsnummer 999999999")]
    assert screen.failed_groups == ["failing"]
    assert not (locations.data_dir() / LOG_NAME).exists()


async def test_a_bug_says_unexpected_error_and_logs_the_traceback(empty_store) -> None:  # noqa: ANN001
    app, screen, text = await _run(empty_store, RuntimeError("boom in the worker"))
    log = locations.data_dir() / LOG_NAME
    notes = list(app._notifications)
    assert len(notes) == 1
    assert notes[0].title == "Uventet feil"
    assert str(log) in notes[0].message
    # The traceback is in the log, never on screen.
    assert "Traceback" not in text and "boom in the worker" not in text
    assert "boom in the worker" not in notes[0].message
    written = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in written
    assert "RuntimeError: boom in the worker" in written
    assert "_work" in written
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert screen.failed_groups == ["failing"]


async def test_a_bug_outside_a_worker_ends_the_app_with_one_line_and_no_locals(empty_store) -> None:  # noqa: ANN001
    """Textual printed the traceback with every frame's local variables on the terminal."""
    app = ByraaApp(workspace(empty_store))
    printed: list = []
    print_them = app._print_error_renderables

    def what_is_printed() -> None:  # Textual prints these on the terminal as the app ends
        printed.extend(app._exit_renderables)
        print_them()

    app._print_error_renderables = what_is_printed  # type: ignore[method-assign]

    def handler_with_a_person_in_hand() -> None:
        national_id = "01418012345"  # a local of the failing frame (Tenor test id)
        raise RuntimeError(f"boom outside a worker {national_id[:2]}")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.call_later(handler_with_a_person_in_hand)
            await pilot.pause()
    assert app.return_code == 1
    shown = " ".join(str(r) for r in printed)
    log = locations.data_dir() / LOG_NAME
    assert shown == f"Uventet feil: byraa ble avsluttet. Detaljene er skrevet til {log}."
    written = log.read_text(encoding="utf-8")
    assert "RuntimeError: boom outside a worker" in written and "handler_with_a_person_in_hand" in written
    assert "01418012345" not in written  # the log has the traceback, not the locals
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
