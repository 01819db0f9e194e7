"""Editing a client's details from the client detail screen (`E`): the core's checks, whole."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import Input

from byraa.core.agency import identity
from byraa.core.clients import details
from byraa.core.store.models import Client
from byraa.tui.app import ByraaApp
from byraa.tui.screens.client_detail import ClientDetailScreen
from byraa.tui.screens.client_edit import ClientEditDialog
from tests.core.clients.test_client_details import BAD_CHECK, GOOD
from tests.tui_support import build_agency, clerk_with_partial_access, language_restored, screen_text, settle, workspace


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


def _first_client(store) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalars(select(Client.id).order_by(Client.name)).first()


async def open_edit(pilot, client_id: int) -> ClientEditDialog:  # noqa: ANN001
    await settle(pilot)
    pilot.app.open_client(client_id)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ClientDetailScreen)
    await pilot.press("E")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ClientEditDialog)
    return dialog


async def test_a_key_typed_on_opening_adds_to_the_name_and_does_not_replace_it(agency_store) -> None:  # noqa: ANN001
    client_id = _first_client(agency_store)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_edit(pilot, client_id)
        name = dialog.query_one("#edit-name", Input)
        before = name.value
        assert app.focused is name and before
        await pilot.press("x")
        assert name.value == before + "x"


async def test_refused_field_keeps_the_dialog_then_saves(agency_store) -> None:  # noqa: ANN001
    client_id = _first_client(agency_store)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await open_edit(pilot, client_id)
        dialog.query_one("#edit-tax_deduction_account", Input).value = BAD_CHECK
        dialog.query_one("#edit-postal_code", Input).value = "0150"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        error = str(dialog.query_one("#edit-error").render())
        assert error == f"skattetrekkskonto {BAD_CHECK}: kontrollsifferet i kontonummeret er feil"
        text = screen_text(app)
        assert f"skattetrekkskonto {BAD_CHECK}" in text and "kontrollsifferet" in text
        who = identity.resolve(agency_store, "tester")
        assert details.get(agency_store, who, client_id=client_id).postal_code is None  # nothing stored
        dialog.query_one("#edit-tax_deduction_account", Input).value = GOOD
        dialog.query_one("#edit-phone", Input).value = "+47 912 34 567"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientDetailScreen)
        saved = details.get(agency_store, who, client_id=client_id)
        assert (saved.tax_deduction_account, saved.postal_code, saved.phone) == (GOOD, "0150", "91234567")
        assert "Klientens opplysninger er lagret." in screen_text(app)
        await pilot.press("E")  # shown again as banks print it
        await settle(pilot)
        assert app.screen.query_one("#edit-tax_deduction_account", Input).value == \
            f"{GOOD[:4]}.{GOOD[4:6]}.{GOOD[6:]}"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClientDetailScreen)


async def test_clerk_cannot_edit(agency_store) -> None:  # noqa: ANN001
    clerk, granted, _refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store, clerk))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_client(min(granted))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientDetailScreen)
        assert screen.check_action("edit", ()) is None
        assert "byråleder" in (screen.dimmed_reason("edit") or "")
        await pilot.press("E")
        await settle(pilot)
        assert not isinstance(app.screen, ClientEditDialog)


def test_snapshot_edit_refused(snap_compare, agency_store) -> None:  # noqa: ANN001
    client_id = _first_client(agency_store)

    async def run_before(pilot) -> None:  # noqa: ANN001
        dialog = await open_edit(pilot, client_id)
        dialog.query_one("#edit-postal_code", Input).value = "12345"
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=(80, 24), run_before=run_before)
