"""The command palette finds clients, groups and staff by name and opens them."""

from __future__ import annotations

from byraa.core.agency import access_admin, identity
from byraa.core.clients import groups as core_groups
from byraa.core.clients import registry
from byraa.tui.app import ByraaApp
from byraa.tui.screens.access import AccessScreen
from byraa.tui.screens.board import BoardScreen
from byraa.tui.screens.client_detail import ClientDetailScreen
from tests.tui.test_tui_groups import agency_store  # noqa: F401  (fixture)
from tests.tui_support import search_palette, settle, workspace


async def find(pilot, words: str) -> str:  # noqa: ANN001
    return await search_palette(pilot, words)


async def test_palette_opens_a_client_a_group_and_a_staff_user(agency_store) -> None:  # noqa: ANN001, F811
    who = identity.resolve(agency_store, "tester")
    client = registry.list_clients(agency_store, who)[1]
    group = next(g for g in core_groups.list_groups(agency_store) if g.clients)
    staff = next(s for s in access_admin.list_staff(agency_store) if s.login != "tester")
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert f"Klient: {client.name}" in await find(pilot, client.name)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientDetailScreen) and app.screen.client_id == client.id
        await pilot.press("escape")
        await settle(pilot)
        assert f"Gruppe: {group.name}" in await find(pilot, group.name)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen) and app.screen.group == group.name
        await pilot.press("escape")
        await settle(pilot)
        assert f"Ansatt: {staff.name}" in await find(pilot, staff.name)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccessScreen)
        assert screen.tab == "by-user" and screen.user == staff.login
        assert staff.login in screen.sub_title


async def test_a_clients_palette_offers_every_key_its_footer_shows(agency_store) -> None:  # noqa: ANN001, F811
    """Posting (B) was a key with no command: "bokf" in the palette found nothing."""
    from byraa.tui.screens.posting import PostingScreen

    who = identity.resolve(agency_store, "tester")
    client = registry.list_clients(agency_store, who)[0]
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_client(client.id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientDetailScreen)
        offered = {getattr(c.callback, "__name__", "") for c in app.palette_commands(screen)}
        keys = [b.action for node, b, enabled, _tip in screen.active_bindings.values()
                if node is screen and b.show and enabled and not b.action.startswith("app.")]
        assert {"reconcile", "posting", "send_employment"} <= set(keys)
        assert [a for a in keys if f"action_{a}" not in offered] == []
        assert "Klient: Bokføring" in await find(pilot, "bokf")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PostingScreen)


async def test_a_search_cut_short_while_the_directory_is_read_leaves_it_for_the_next(agency_store, monkeypatch) -> None:  # noqa: ANN001, E501, F811
    """Each key cancels the search before it. One cancelled while the palette still read
    the clients, groups and staff cancelled that read with it (Textual waits for a
    provider's start-up inside the search), and the palette found no client for the rest
    of its life. Here the read is held until the name is typed out."""
    import threading

    from byraa.tui.commands import DirectoryCommands

    who = identity.resolve(agency_store, "tester")
    client = registry.list_clients(agency_store, who)[1]
    gate = threading.Event()
    read = DirectoryCommands._read

    def held(provider, store, who):  # noqa: ANN001, ANN202
        assert gate.wait(30)
        return read(provider, store, who)

    monkeypatch.setattr(DirectoryCommands, "_read", held)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *client.name[:3])  # a search that waits for the read
        await pilot.press(*client.name[3:])  # each key cancels the one before
        gate.set()
        assert f"Klient: {client.name}" in await search_palette(pilot, client.name, typed=True)
