"""The settings screen: the agency's connection (save, refuse, validate, test), clients, data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from byraa.core.agency import identity
from byraa.core.altinn import connection
from byraa.core.altinn.connection import ConnectionSettings
from byraa.core.altinn.settings import settings_for
from byraa.core.store.models import AuditEvent, Client
from byraa.sandbox import SandboxState
from byraa.sandbox.server import running
from byraa.tui.app import ByraaApp
from byraa.tui.screens.settings import ClientConnectionScreen, ConnectionForm, SettingsScreen
from byraa.tui.widgets.markable_table import MarkableTable
from tests.core.altinn.test_altinn_fixtures import CLIENT_ID, KEY_ID, key_pair, write_key
from tests.tui_support import build_agency, clerk_with_partial_access, language_restored, screen_text, settle, workspace

SYSTEM_USER = "312485494"
"""A valid org number (check digit right)."""


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


def agency_settings(key: Path, base_url: str | None = "http://127.0.0.1:9") -> ConnectionSettings:
    return ConnectionSettings("sandbox", CLIENT_ID, KEY_ID, str(key), SYSTEM_USER, base_url)


async def open_settings(pilot) -> SettingsScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def fill(form: ConnectionForm, settings: ConnectionSettings) -> None:
    from textual.widgets import Input, Select

    form.query_one("#f-environment", Select).value = settings.environment
    for name in ConnectionForm.FIELDS:
        form.query_one(f"#f-{name}", Input).value = getattr(settings, name) or ""


def audit_events(store) -> list[AuditEvent]:  # noqa: ANN001
    with store.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "altinn_connection.set")))


async def test_shows_the_agency_connection_and_the_data_locations(agency_store, tmp_path) -> None:  # noqa: ANN001
    key = write_key(tmp_path)
    connection.set_agency_connection(agency_store, identity.resolve(agency_store, "tester"), agency_settings(key))
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        form = screen.query_one("#agency-form", ConnectionForm)
        assert form.settings() == agency_settings(key)
        text = screen_text(app)
        assert "Maskinporten-klient-id" in text and "sandkasse" in text
        assert "Innstillinger · Altinn: sandkasse · tester (byråleder)" in screen.sub_title
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "Konfigurasjonsfil" in text and "Database" in text and "sqlite" in text
        assert "norsk bokmål" in text
        # Where the clients' files go, and how to move it.
        inbox = str(app.workspace.settings.inbox_folder)
        assert "Innboks" + inbox in "".join(text.split()), text  # a long path folds onto the next line
        assert "BYRAA_INBOX" in text


async def test_clerk_sees_save_dimmed_and_is_refused(agency_store, tmp_path) -> None:  # noqa: ANN001
    clerk, _granted, _refused = clerk_with_partial_access(agency_store)
    key = write_key(tmp_path)
    app = ByraaApp(workspace(agency_store, clerk))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        bindings = {b.binding.id: b for b in screen.active_bindings.values()}
        assert bindings["settings.save"].enabled is False  # dimmed in the footer
        assert "Bare en byråleder kan endre Altinn-tilkoblingen" in screen_text(app)
        fill(screen.query_one("#agency-form", ConnectionForm), agency_settings(key))
        await pilot.press("ctrl+s")  # a dimmed key does nothing
        await settle(pilot)
        screen.query_one("#save").press()  # the button goes to the core, which refuses
        await settle(pilot)
        assert connection.agency_connection(agency_store) is None
        assert audit_events(agency_store) == []
        notes = [n.message for n in app._notifications]
        assert any("byråleder" in n for n in notes)
        assert "Ikke lagret" in screen_text(app)


async def test_manager_saves_valid_settings_audited(agency_store, tmp_path) -> None:  # noqa: ANN001
    key = write_key(tmp_path)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        fill(screen.query_one("#agency-form", ConnectionForm), agency_settings(key))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert connection.agency_connection(agency_store) == agency_settings(key)
        events = audit_events(agency_store)
        assert len(events) == 1 and events[0].actor == "tester" and str(key) in events[0].after
        assert "Lagret (ført i revisjonsloggen)" in screen_text(app)


async def test_the_form_typed_in_full_refuses_a_non_key_at_its_field(agency_store, tmp_path) -> None:  # noqa: ANN001
    """From the tabs, tab reaches the fields (the form's scroll is no tab stop: a letter
    typed there went to the screen's keys, and b opened the board); a key path to a file
    that holds no private key is refused at the key field, in words, and nothing is saved."""
    from textual.widgets import Select

    garbage = tmp_path / "bad.pem"
    garbage.write_bytes(b"garbage")
    garbage.chmod(0o600)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, Select) and app.focused.id == "f-environment"
        for text in ("byraa-client", "kid1", str(garbage), SYSTEM_USER):
            await pilot.press("tab", *text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and connection.agency_connection(agency_store) is None
        form = screen.query_one("#agency-form", ConnectionForm)
        assert [form.query_one(f"#f-{name}").value for name in ("client_id", "key_id", "system_user_org")] == [
            "byraa-client", "kid1", SYSTEM_USER]
        error = f"nøkkelfilen {garbage} inneholder ingen privat nøkkel i PEM-format"
        assert error in str(form.query_one("#e-key_path").render()).replace("\n", " ")
        assert audit_events(agency_store) == []


async def test_invalid_org_number_shows_the_message_and_saves_nothing(agency_store, tmp_path) -> None:  # noqa: ANN001
    key = write_key(tmp_path)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        form = screen.query_one("#agency-form", ConnectionForm)
        bad = ConnectionSettings("sandbox", CLIENT_ID, "", str(key), "312485495", None)
        fill(form, bad)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert connection.agency_connection(agency_store) is None and audit_events(agency_store) == []
        text = screen_text(app)
        assert "Kontrollsifferet (det siste sifferet) er feil" in text
        assert "Må fylles ut." in text  # the key id
        form.query_one("#f-system_user_org").value = "3124"
        await settle(pilot)
        assert "Et organisasjonsnummer har 9 sifre." in screen_text(app)


async def test_test_connection_against_a_sandbox(agency_store, tmp_path) -> None:  # noqa: ANN001
    good, wrong = write_key(tmp_path, n=0), write_key(tmp_path, n=1)
    state = SandboxState(settings=settings_for("sandbox"))
    state.register_key(CLIENT_ID, KEY_ID, key_pair(0)[1], system_user_orgs={SYSTEM_USER})
    app = ByraaApp(workspace(agency_store))
    with running(state) as sandbox:
        async with app.run_test(size=(80, 40)) as pilot:
            screen = await open_settings(pilot)
            form = screen.query_one("#agency-form", ConnectionForm)
            fill(form, agency_settings(good, sandbox.url))
            await pilot.press("t")
            await settle(pilot)
            assert [(s.step, s.ok) for s in screen.steps] == [("token", True), ("exchange", True), ("call", True)]
            text = screen_text(app)
            assert "✓ Maskinporten-token" in text and "Tilkoblingen virker." in text
            fill(form, agency_settings(wrong, sandbox.url))
            screen.query_one("#test").press()
            await settle(pilot)
            assert screen.steps[0].step == "token" and not screen.steps[0].ok
            text = screen_text(app)
            assert "✗ Maskinporten-token — Feil nøkkel" in text and "Maskinporten kunne ikke verifisere" in text


async def test_clients_tab_switches_a_client_to_its_own_settings(agency_store, tmp_path) -> None:  # noqa: ANN001
    key = write_key(tmp_path)
    who = identity.resolve(agency_store, "tester")
    connection.set_agency_connection(agency_store, who, agency_settings(key))
    with agency_store.session() as s:
        client = s.scalars(select(Client).where(Client.uses_agency_altinn.is_(True)).order_by(Client.name)).first()
        client_id, org = client.id, client.org_number
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = screen.query_one("#clients-table", MarkableTable)
        assert app.focused is table
        table.move_cursor_to(str(client_id))
        assert "byråets" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ClientConnectionScreen)
        editor.query_one("#choice-own").value = True
        await settle(pilot)
        editor.query_one("#f-client_id").value = "own-client"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        own = connection.connection_for_client(agency_store, who, org)
        assert own.client_id == "own-client" and own.scope == f"client:{client_id}"
        assert table.row(str(client_id)).cells[2] == "egne"
        # And back to the agency's.
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#choice-agency").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert connection.connection_for_client(agency_store, who, org).scope == "agency"


def _press(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.fixture
def configured_store(agency_store):  # noqa: ANN001, ANN201
    import os
    import tempfile

    key = Path("/tmp/byraa-snapshot-key.pem")  # a fixed path, so the picture does not change
    # Written beside it and renamed over it: the two snapshots that use it may run at once
    # on two workers, and one truncating the file as the other read it left no key to read.
    fd, written = tempfile.mkstemp(dir=key.parent, prefix=".byraa-snapshot-key-")  # created 0600
    os.write(fd, key_pair(0)[0])
    os.close(fd)
    os.replace(written, key)
    connection.set_agency_connection(agency_store, identity.resolve(agency_store, "tester"),
                                     agency_settings(key, None))
    return agency_store


def test_snapshot_settings(snap_compare, configured_store) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(configured_store)), terminal_size=(80, 24), run_before=_press("f2"))


def test_snapshot_settings_clients(snap_compare, configured_store) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(configured_store)), terminal_size=(80, 24),
                        run_before=_press("f2", "2"))
