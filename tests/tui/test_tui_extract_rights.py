"""Extract rights on the access screen: a manager adds, is refused, removes and toggles;
a clerk cannot reach them (dimmed ``e``)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label

from byraa.core.agency import access_admin, audit
from byraa.core.agency.identity import resolve
from byraa.core.posting import extract_rights
from byraa.tui.app import ByraaApp
from byraa.tui.screens.extract_rights import AddRightDialog, ExtractRightsScreen
from byraa.tui.widgets.dialogs import ConfirmDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui.test_tui_access import open_access
from tests.tui_support import build_agency, clerk_with_partial_access, language_restored, settle, workspace


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


def _clerk(store) -> str:  # noqa: ANN001
    return next(s.login for s in access_admin.list_staff(store) if s.role == "clerk" and s.active)


def _rights(store, login: str) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(r.kind, r.low, r.high) for r in extract_rights.rights(store, resolve(store, "tester"), login)]


async def open_rights(pilot, login: str) -> ExtractRightsScreen:  # noqa: ANN001
    screen = await open_access(pilot)
    screen.query_one("#staff-table", MarkableTable).move_cursor_to(login)
    await pilot.press("e")
    await settle(pilot)
    rights = pilot.app.screen
    assert isinstance(rights, ExtractRightsScreen) and rights.login == login
    return rights


async def _add(pilot, low: str, high: str, *, kind_presses: int = 0) -> AddRightDialog:  # noqa: ANN001
    await pilot.press("plus")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, AddRightDialog)
    if kind_presses:
        dialog.query_one("#right-kind").focus()
        await pilot.press(*["right"] * kind_presses, "enter")
        dialog.query_one("#right-low", Input).focus()
    await pilot.press(*low, "enter", *high, "enter")
    await settle(pilot)
    return dialog


async def test_a_manager_adds_is_refused_removes_and_toggles(agency_store) -> None:  # noqa: ANN001
    login = _clerk(agency_store)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_rights(pilot, login)
        await _add(pilot, "5000", "5999")
        assert app.screen is screen and _rights(agency_store, login) == [("account", "5000", "5999")]
        await _add(pilot, "10", "20", kind_presses=1)
        assert app.screen is screen and ("department", "10", "20") in _rights(agency_store, login)
        assert screen.query_one(MarkableTable).total_count == 2
        # Refusals stay in the dialog, in words, and store nothing.
        for low, high, words in (("5500", "7000", "overlapper"), ("5000", "5000", "allerede et konto-intervall"),
                                 ("9", "1", "er snudd")):
            dialog = await _add(pilot, low, high)
            assert app.screen is dialog
            error = dialog.query_one("#right-error", Label)
            assert error.display and words in str(error.render()), words
            await pilot.press("escape")
            await settle(pilot)
        assert len(_rights(agency_store, login)) == 2
        # The switches.
        await pilot.press("K")
        await settle(pilot)
        assert extract_rights.control(agency_store).account_control is True
        assert "kontokontroll på" in str(screen.query_one("#rights-switches", Label).render())
        await pilot.press("D")
        await settle(pilot)
        assert extract_rights.control(agency_store).department_control is True
        # Remove the cursor's interval (the account one, sorted first) after a confirm; "n" keeps it.
        await pilot.press("minus")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert len(_rights(agency_store, login)) == 2
        await pilot.press("minus")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert _rights(agency_store, login) == [("department", "10", "20")]
        with agency_store.session() as s:
            actions = [e.action for e in audit.recent(s, limit=10) if e.action.startswith("extract.")]
        assert actions == ["extract.right.remove", "extract.control", "extract.control", "extract.right.add",
                           "extract.right.add"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen


async def test_a_clerk_cannot_reach_them(agency_store) -> None:  # noqa: ANN001
    login, _granted, _refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store, login))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_access(pilot)
        assert screen.check_action("extract_rights", ()) is None
        assert "byråleder" in (screen.dimmed_reason("extract_rights") or "")
        app._notifications.clear()
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is screen
        assert [n.message for n in app._notifications] == [screen.dimmed_reason("extract_rights")]


def test_snapshot_rights_and_a_refusal(snap_compare, agency_store) -> None:  # noqa: ANN001
    login = _clerk(agency_store)
    tester = resolve(agency_store, "tester")
    extract_rights.add_right(agency_store, tester, login, "account", "5000", "5999")
    extract_rights.add_right(agency_store, tester, login, "pay_type", "100", "199")
    extract_rights.set_control(agency_store, tester, account_control=True)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_rights(pilot, login)
        await _add(pilot, "5900", "6100")

    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_rights(snap_compare, agency_store) -> None:  # noqa: ANN001
    login = _clerk(agency_store)
    tester = resolve(agency_store, "tester")
    extract_rights.add_right(agency_store, tester, login, "account", "5000", "5999")
    extract_rights.add_right(agency_store, tester, login, "department", "10", "20")
    extract_rights.set_control(agency_store, tester, department_control=True)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_rights(pilot, login)

    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=(80, 24), run_before=run_before)
