"""The access screen's staff tab: add (form), change role, deactivate (confirm); dimmed for a clerk."""

from __future__ import annotations

import pytest

from byraa.core.agency import access_admin, audit
from byraa.tui.app import ByraaApp
from byraa.tui.screens.access_dialogs import AddStaffDialog
from byraa.tui.widgets.dialogs import ChoiceDialog, ConfirmDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui.test_tui_access import footer_key, open_access
from tests.tui_support import build_agency, clerk_with_partial_access, language_restored, settle, workspace


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


def _staff(store) -> dict[str, tuple[str, bool]]:  # noqa: ANN001
    return {s.login: (s.role, s.active) for s in access_admin.list_staff(store)}


async def test_a_manager_adds_promotes_and_deactivates(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_access(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AddStaffDialog)
        await pilot.press(*"kari.n", "enter", *"Kari Nordmann")
        await pilot.press("tab", "right", "enter")  # role: agency manager
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert _staff(agency_store)["kari.n"] == ("manager", True)
        assert any(n.message == "kari.n er lagt til som byråleder." for n in app._notifications)
        table = screen.query_one("#staff-table", MarkableTable)
        assert "kari.n" in table.visible_keys
        # Change role: o, pick "payroll clerk".
        table.move_cursor_to("kari.n")
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert _staff(agency_store)["kari.n"] == ("clerk", True)
        # Deactivate asks first; "n" keeps the user active.
        table.move_cursor_to("kari.n")
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert _staff(agency_store)["kari.n"] == ("clerk", True)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert _staff(agency_store)["kari.n"] == ("clerk", False)
        with agency_store.session() as s:
            actions = [e.action for e in audit.recent(s, limit=10) if e.entity_id == "kari.n"]
        assert actions == ["staff.active", "staff.role", "staff.add"]


async def test_a_refused_add_keeps_everything_and_says_why(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_access(pilot)
        before = _staff(agency_store)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"tester", "enter", *"Dobbel", "enter")
        await settle(pilot)
        assert _staff(agency_store) == before
        assert any("finnes allerede" in n.message for n in app._notifications)
        # Esc cancels the form.
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AddStaffDialog) and _staff(agency_store) == before


async def test_a_clerk_sees_the_staff_keys_dimmed(agency_store) -> None:  # noqa: ANN001
    login, _granted, _refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store, login))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_access(pilot)
        for key in ("n", "o", "v"):
            assert footer_key(app, key).has_class("-disabled"), key
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert screen.check_action("add_staff", ()) is None
