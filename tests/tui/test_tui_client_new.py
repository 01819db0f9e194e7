"""Adding a client from the client list (`n`): a new agency's first clients, in the screen."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import Input

from byraa.core.agency import setup
from byraa.core.agency.identity import resolve
from byraa.core.agency.staff import add_staff
from byraa.core.store.models import AuditEvent, Client
from byraa.tui.app import ByraaApp
from byraa.tui.screens.client_edit import ClientEditDialog
from byraa.tui.screens.clients import ClientsScreen
from byraa.tui.widgets.help_screen import HelpScreen
from byraa.tui.widgets.markable_table import MarkableTable
from tests.builders import org
from tests.tui_support import language_restored, open_by_key, screen_text, settle, workspace


@pytest.fixture
def new_agency(sqlite_store):  # noqa: ANN001, ANN201
    """A fresh agency: its manager `tester`, a clerk `clerk`, no clients."""
    setup.initialise(sqlite_store, name="Lønn Øst AS", org_number=org(0), login="tester", user_name="Test Leder")
    add_staff(sqlite_store, resolve(sqlite_store, "tester"), "clerk", "Kari Klerk", role="clerk")
    with language_restored():
        yield sqlite_store


async def open_clients(pilot) -> ClientsScreen:  # noqa: ANN001
    return await open_by_key(pilot, "c", ClientsScreen)


def clients(store) -> list[tuple[str, str, int, str | None]]:  # noqa: ANN001
    with store.session() as s:
        return [(c.org_number, c.name, c.pay_day, c.bank_account) for c in s.scalars(select(Client))]


async def test_a_manager_adds_the_first_client_from_the_keyboard(new_agency) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(new_agency))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_clients(pilot)
        assert "Ingen klienter ennå: en byråleder legger dem til med n." in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ClientEditDialog) and app.focused is dialog.query_one("#edit-org_number")
        # The pay day is left as it stands (the default, 20); a wrong account is refused by name.
        await pilot.press(*"310 092 096", "tab", *"Fjordbakeriet AS", "tab", "tab", *"1234", "ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and clients(new_agency) == []
        assert "bankkonto 1234: et kontonummer skal ha 11 sifre" in screen_text(app)
        bank = dialog.query_one("#edit-bank_account", Input)
        bank.value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert clients(new_agency) == [("310092096", "Fjordbakeriet AS", 20, None)]
        table = app.screen.query_one(MarkableTable)
        assert table.row_count == 1 and "Fjordbakeriet AS" in screen_text(app)
        assert "La til klienten 310 092 096 Fjordbakeriet AS." in [n.message for n in app._notifications]
    with new_agency.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "client.add")).one()
    assert event.actor == "tester" and "Fjordbakeriet AS" in event.after


async def test_a_typed_pay_day_and_a_number_taken_are_handled(new_agency) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(new_agency))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*org(1), "tab", *"Alfa AS", "tab", *"10", "ctrl+s")
        await settle(pilot)
        assert clients(new_agency) == [(org(1), "Alfa AS", 10, None)]
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*org(1), "tab", *"Beta AS", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditDialog) and "finnes allerede" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen) and clients(new_agency) == [(org(1), "Alfa AS", 10, None)]


async def test_a_clerk_sees_the_key_dimmed_with_the_reason(new_agency) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(new_agency, "clerk"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_clients(pilot)
        assert screen.check_action("new_client", ()) is None
        assert screen.dimmed_reason("new_client") == "Bare en byråleder kan legge til klienter."
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and clients(new_agency) == []
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        lines = [line for section in help_screen.sections for line in section.lines if line.keys == "n"]
        assert [(line.description, line.enabled) for line in lines] == [
            ("Ny klient — Bare en byråleder kan legge til klienter.", False)]


async def test_the_reconciliation_list_of_a_new_agency_says_where_clients_come_from(new_agency) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(new_agency))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert "Ingen klienter ennå: en byråleder legger dem til i klientlisten (c, så n)." in screen_text(app)
        assert "passer med filteret" not in screen_text(app)


async def test_a_filter_that_hides_every_client_says_so_not_that_there_are_none(new_agency) -> None:  # noqa: ANN001
    from byraa.core.clients.registry import add_client

    add_client(new_agency, resolve(new_agency, "tester"), org(1), "Alfa AS")
    app = ByraaApp(workspace(new_agency))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(pilot)
        assert "Alfa AS" in screen_text(app)
        await pilot.press("slash", *"zzzz")
        await settle(pilot)
        text = screen_text(app)
        assert "Ingen klienter passer med filteret." in text and "Ingen klienter ennå" not in text
