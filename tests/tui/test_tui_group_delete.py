"""Deleting a group from the groups screen: the question names how many clients it holds."""

from __future__ import annotations

from byraa.core.clients import groups as core_groups
from byraa.tui.app import ByraaApp
from tests.tui.test_tui_groups import agency_store, names, open_groups  # noqa: F401  (fixture)
from tests.tui_support import screen_text, settle, workspace


async def test_confirm_names_the_clients_held(agency_store) -> None:  # noqa: ANN001, F811
    held = next(g for g in core_groups.list_groups(agency_store) if g.clients > 1)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_groups(pilot)
        assert table.move_cursor_to(str(held.id))
        await settle(pilot)
        assert screen.current.name == held.name
        await pilot.press("x")
        await settle(pilot)
        assert f"Den har {held.clients} klienter" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert held.name not in names(agency_store)
