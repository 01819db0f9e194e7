"""The access screen: staff, clients by user, bulk grant and revoke, the review, a clerk's refusal."""

from __future__ import annotations

import pytest

from byraa.core.agency import access_admin, identity
from byraa.tui.app import ByraaApp
from byraa.tui.screens.access import AccessScreen
from byraa.tui.widgets.dialogs import ChoiceDialog, ConfirmDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui_support import (
    build_agency,
    clerk_with_partial_access,
    language_restored,
    open_by_key,
    screen_text,
    settle,
    workspace,
)


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


async def open_access(pilot) -> AccessScreen:  # noqa: ANN001
    screen = await open_by_key(pilot, "A", AccessScreen)
    assert screen.data is not None
    return screen


def grants_of(store, login: str) -> dict[int, str]:  # noqa: ANN001
    return {g.client_id: g.role for g in access_admin.list_grants(store, login=login)}


def footer_key(app, key: str):  # noqa: ANN001, ANN201
    """The footer's entry for ``key`` (class ``-disabled`` when dimmed)."""
    from textual.widgets._footer import FooterKey

    return next(k for k in app.screen.query(FooterKey) if k.key == key)


async def test_staff_list_with_roles_and_active_flag(agency_store) -> None:  # noqa: ANN001
    staff = access_admin.list_staff(agency_store)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_access(pilot)
        table = screen.query_one("#staff-table", MarkableTable)
        assert table.total_count == len(staff)
        text = screen_text(app)
        assert "1 Ansatte" in text and "2 Klienter per bruker" in text and "4 Gjennomgang" in text
        assert "byråleder" in text and "lønnsfører" in text
        assert staff[0].name in text


async def test_bulk_grant_and_revoke_on_marked_clients(agency_store) -> None:  # noqa: ANN001
    login, granted, refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_access(pilot)
        staff = screen.query_one("#staff-table", MarkableTable)
        staff.move_cursor_to(login)
        await pilot.press("enter")  # clients by user
        await settle(pilot)
        assert screen.tab == "by-user" and screen.user == login
        table = screen.query_one("#by-user-table", MarkableTable)
        targets = sorted(refused)[:2]
        table.marked.update(str(i) for i in targets)
        await pilot.press("plus")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")  # responsible
        await settle(pilot)
        now = grants_of(agency_store, login)
        assert all(now[i] == "responsible" for i in targets)
        assert set(now) == granted | set(targets)
        assert not table.marked  # marks cleared after the change
        # End access to the same clients: asks first.
        table.marked.update(str(i) for i in targets)
        await pilot.press("minus")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert set(grants_of(agency_store, login)) == granted
        # X ends all of this user's access.
        await pilot.press("X")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert grants_of(agency_store, login) == {}
        assert any("all tilgang er avsluttet" in n.message for n in app._notifications)


async def test_copy_access_and_users_by_client(agency_store) -> None:  # noqa: ANN001
    login, granted, _refused = clerk_with_partial_access(agency_store)
    target = next(s.login for s in access_admin.list_staff(agency_store)
                  if s.active and s.login not in (login, "tester") and s.role == "clerk")
    before = grants_of(agency_store, target)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_access(pilot)
        screen.query_one("#staff-table", MarkableTable).move_cursor_to(login)
        await pilot.press("y")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        index = [key for key, _label in dialog._choices].index(target)
        await pilot.press(*["down"] * index, "enter")
        await settle(pilot)
        after = grants_of(agency_store, target)
        assert set(after) == set(before) | granted
        # Users by client: the client's grants, and a grant from there.
        client_id = min(granted)
        screen._show_client(client_id)
        await settle(pilot)
        table = screen.query_one("#by-client-table", MarkableTable)
        holders = {g.login for g in access_admin.list_grants(agency_store) if g.client_id == client_id}
        assert {k for k in table.visible_keys if table.row(k).cells[2] != "–"} == holders
        # The "/" filter narrows the list.
        await pilot.press("slash", *target, "enter")
        await settle(pilot)
        assert table.visible_keys == [target]


async def test_review_rows_are_fixed_from_the_list(agency_store) -> None:  # noqa: ANN001
    who = identity.resolve(agency_store, "tester")
    findings = access_admin.review(agency_store, who)
    kinds = {f.kind for f in findings}
    assert {"leaver_with_access", "client_without_responsible"} <= kinds
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_access(pilot)
        await pilot.press("4")
        await settle(pilot)
        table = screen.query_one("#review-table", MarkableTable)
        assert table.total_count == len(findings)
        assert "sluttet, har tilgang" in screen_text(app)
        # A leaver's grant: end it.
        leaver = next(i for i, f in enumerate(findings) if f.kind == "leaver_with_access")
        table.move_cursor_to(str(leaver))
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        gone = findings[leaver]
        assert gone.client_id not in grants_of(agency_store, gone.login)
        # A client with no responsible: pick one.
        findings = screen.data.findings
        orphan_index = next(i for i, f in enumerate(findings) if f.kind == "client_without_responsible")
        orphan = findings[orphan_index]
        table.move_cursor_to(str(orphan_index))
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        chosen = dialog._choices[0][0]
        await pilot.press("enter")
        await settle(pilot)
        assert grants_of(agency_store, chosen)[orphan.client_id] == "responsible"
        remaining = access_admin.review(agency_store, who)
        assert not any(f.kind == "client_without_responsible" and f.client_id == orphan.client_id for f in remaining)
        assert table.total_count == len(remaining)


async def test_a_clerk_sees_dimmed_change_keys_and_gets_a_refusal(agency_store) -> None:  # noqa: ANN001
    login, granted, refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store, login))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_access(pilot)
        assert footer_key(app, "X").has_class("-disabled") and footer_key(app, "o").has_class("-disabled")
        assert screen.check_action("set_role", ()) is None and screen.check_action("copy", ()) is None
        await pilot.press("2")
        await settle(pilot)
        assert footer_key(app, "plus").has_class("-disabled") and footer_key(app, "minus").has_class("-disabled")
        await pilot.press("plus")  # dimmed: nothing happens
        await settle(pilot)
        assert app.screen is screen
        # Even if the action ran (a stale screen, a keymap), the core refuses it.
        screen.query_one("#by-user-table", MarkableTable).marked.add(str(min(refused)))
        screen.action_grant()
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert any("byråleder" in n.message or "manager" in n.message for n in app._notifications), \
            [n.message for n in app._notifications]
        assert set(grants_of(agency_store, login)) == granted
        # The review is a manager's.
        await pilot.press("4")
        await settle(pilot)
        assert "Bare en byråleder kan gå gjennom tilgangene." in screen_text(app)
        assert not any(c.__class__.__name__ == "ChoiceDialog" for c in app.screen_stack)
        # The palette offers no change commands to a clerk.
        names = [c.name for c in screen.palette_commands()]
        assert not any("Gi tilgang" in n or "Avslutt" in n for n in names)


async def test_a_manager_corrects_a_staff_name_from_the_list(agency_store) -> None:  # noqa: ANN001
    from byraa.tui.widgets.dialogs import TextDialog

    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_access(pilot)
        table = screen.query_one("#staff-table", MarkableTable)
        login = table.cursor_key
        before = {s.login: s.name for s in access_admin.list_staff(agency_store)}[login]
        assert "m Navn" in screen_text(app).splitlines()[-1]
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog) and before in screen_text(app)
        await pilot.press("ctrl+u", *"Rettet Navn", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert {s.login: s.name for s in access_admin.list_staff(agency_store)}[login] == "Rettet Navn"
        assert "Rettet Navn" in screen_text(app)
