"""The dashboard names new files waiting in the agency's inbox and opens the intake on them."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime

from byraa.core.importers import inbox
from byraa.core.store.models import ArchiveFile, Client
from byraa.tui.app import ByraaApp
from byraa.tui.screens.intake import IntakeScreen
from tests.tui_support import build_agency, language_restored, screen_text, settle, workspace


def _drop(folder, name: str, content: bytes):  # noqa: ANN001, ANN202
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return hashlib.sha256(content).hexdigest()


def _app_with_inbox(store, folder):  # noqa: ANN001, ANN202
    """The app on ``store`` with the agency's inbox at ``folder``."""
    ws = workspace(store)
    return ByraaApp(dataclasses.replace(ws, settings=dataclasses.replace(ws.settings, inbox=folder)))


def test_a_file_the_store_holds_is_not_news(sqlite_store, tmp_path) -> None:  # noqa: ANN001
    folder = tmp_path / "innboks"
    assert inbox.state(sqlite_store, folder) == inbox.InboxState(folder, 0, 0)  # no folder: nothing waits
    build_agency(sqlite_store)
    known = _drop(folder, "svar.json", b'{"answered": true}')
    _drop(folder, "a.xml", b"<melding/>")
    _drop(folder / "sub", "b.csv", b"konto;belop\n")
    _drop(folder, ".hidden", b"ignored")
    assert inbox.state(sqlite_store, folder).new == 3
    with sqlite_store.session() as session:
        client_id = session.query(Client.id).first()[0]
        session.add(ArchiveFile(client_id=client_id, kind="taxcard", direction="in", filename="svar.json",
                                content_type="application/json", size=18, sha256=known, content=b"",
                                created_at=datetime(2026, 11, 1, tzinfo=UTC), user_login="tester"))
    assert inbox.state(sqlite_store, folder) == inbox.InboxState(folder, 3, 2)


async def test_the_dashboard_says_how_many_files_wait_and_enter_opens_the_intake(sqlite_store, tmp_path) -> None:  # noqa: ANN001
    build_agency(sqlite_store)
    folder = tmp_path / "innboks"
    a_sha = _drop(folder, "a.xml", b"<melding/>")
    _drop(folder, "b.xml", b"<melding>2</melding>")
    with language_restored():
        app = _app_with_inbox(sqlite_store, folder)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "2 nye filer i innboksen" in screen_text(app)
            options = app.screen.query_one("#attention-list")
            assert options.get_option_at_index(0).id == "inbox"
            assert options.highlighted == 0  # enter works at once
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, IntakeScreen)
            # The files are shown at once: the user came for them.
            assert sorted(line.path.rsplit("/", 1)[1] for line in app.screen.lines.values()) == ["a.xml", "b.xml"]
            assert "2 filer:" in screen_text(app)
            # Back on the dashboard the count is read again: a file taken in is no longer news.
            with sqlite_store.session() as session:
                client_id = session.query(Client.id).first()[0]
                session.add(ArchiveFile(client_id=client_id, kind="taxcard", direction="in", filename="a.xml",
                                        content_type="application/xml", size=10, sha256=a_sha, content=b"",
                                        created_at=datetime(2026, 11, 1, tzinfo=UTC), user_login="tester"))
            await pilot.press("escape")
            await settle(pilot)
            assert "1 ny fil i innboksen" in screen_text(app)


async def test_a_file_the_intake_refused_is_not_new_but_said_apart(sqlite_store, tmp_path) -> None:  # noqa: ANN001
    """After the intake refused a file left in the inbox, the dashboard kept calling it new."""
    from byraa.core.agency import identity
    from byraa.core.base.bridge import run_sync
    from byraa.core.importers import intake

    build_agency(sqlite_store)
    folder = tmp_path / "innboks"
    _drop(folder, "notat.txt", b"not a payroll file\n")
    _drop(folder, "ny.xml", b"<melding>ny</melding>")
    assert inbox.state(sqlite_store, folder) == inbox.InboxState(folder, 2, 2, 0)
    who = identity.resolve(sqlite_store, "tester")
    planned = intake.plan(sqlite_store, who, [folder / "notat.txt"])
    run_sync(intake.run(sqlite_store, who, intake.start(sqlite_store, who, planned)))
    assert inbox.state(sqlite_store, folder) == inbox.InboxState(folder, 2, 1, 1)
    with language_restored():
        app = _app_with_inbox(sqlite_store, folder)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "1 ny fil i innboksen" in text and "1 fil i innboksen ble avvist ved innlesing" in text
            options = app.screen.query_one("#attention-list")
            options.highlighted = 1
            await pilot.press("enter")  # the refused line opens the intake on the inbox too
            await settle(pilot)
            assert isinstance(app.screen, IntakeScreen) and len(app.screen.lines) == 2
