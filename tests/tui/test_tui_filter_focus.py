"""Keys and focus: ``/`` edits the filter it shows, the access screen's tabs start unfiltered,
settings come back with focus on the tabs (so ``2`` switches tab, not types "2")."""

from __future__ import annotations

from textual.widgets import Input

from byraa.tui.app import ByraaApp
from byraa.tui.screens.access import AccessScreen
from byraa.tui.screens.settings import SettingsScreen
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui.test_tui_groups import agency_store  # noqa: F401  (fixture)
from tests.tui_support import settle, workspace


async def test_slash_edits_the_filter_it_shows(agency_store) -> None:  # noqa: ANN001, F811
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("slash", *"bak", "enter")
        await settle(pilot)
        bar = app.screen.query_one(FilterBar)
        assert bar.value == "bak" and isinstance(app.focused, MarkableTable)
        await pilot.press("slash", "e")
        await settle(pilot)
        assert bar.value == "bake"


async def test_the_access_filter_does_not_follow_to_the_next_tab(agency_store) -> None:  # noqa: ANN001, F811
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccessScreen)
        staff = screen.query_one("#staff-table", MarkableTable)
        login = staff.cursor_key
        await pilot.press("slash", *login, "enter")
        await settle(pilot)
        assert staff.row_count == 1
        await pilot.press("4")
        await settle(pilot)
        review = screen.query_one("#review-table", MarkableTable)
        assert screen.filter_text == "" and review.row_count == review.total_count > 0
        assert "filter" not in screen.sub_title


async def test_settings_come_back_to_the_tabs_not_a_field(agency_store) -> None:  # noqa: ANN001, F811
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        field = screen.query(Input).first()
        field.focus()
        await settle(pilot)
        await app.run_action("show('dashboard')")  # as the palette's "Vis: Dashbord" does
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is screen and not isinstance(app.focused, Input)
        before = field.value
        await pilot.press("2")
        await settle(pilot)
        assert screen.active_tab == "clients" and field.value == before
