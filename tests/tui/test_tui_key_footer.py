"""The footer keeps its keys while the screen's bindings stay the same, and follows them
when they change (rebuilding it on every "bindings updated" signal slowed every screen switch)."""

from __future__ import annotations

import pytest
from textual._context import active_message_pump
from textual.widgets._footer import FooterKey

from byraa.tui.app import ByraaApp
from byraa.tui.widgets.key_footer import FittingFooter
from tests.tui_support import build_agency, language_restored, settle, workspace


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


async def test_the_footer_is_rebuilt_only_when_its_keys_change(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        footer = app.screen.query_one(FittingFooter)
        before = list(footer.query(FooterKey))
        assert "ctrl+s" in [k.key for k in before]  # save, on the connection tab

        app.screen.refresh_bindings()
        await settle(pilot)
        after = list(footer.query(FooterKey))
        assert [id(k) for k in after] == [id(k) for k in before]  # the same widgets: not rebuilt

        await pilot.press("2")  # the clients' tab: nothing to save there
        await settle(pilot)
        keys = [k.key for k in footer.query(FooterKey)]
        assert "ctrl+s" not in keys and keys

        await pilot.press("1")
        await settle(pilot)
        assert "ctrl+s" in [k.key for k in footer.query(FooterKey)]


async def test_a_rebuild_asked_for_after_the_screen_went_away_does_nothing(agency_store) -> None:  # noqa: ANN001
    """Textual runs a footer's rebuild after a refresh; if its screen was removed in between
    (a screen switched away from in a test, or a user quick on escape), there is nothing to do."""
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(FittingFooter)
        await footer.remove()
        await footer.recompose()  # raised NoScreen: the signature read the screen first
        assert not footer.is_attached


async def test_a_rebuilt_line_leaves_out_what_does_not_fit_before_it_is_drawn(agency_store) -> None:  # noqa: ANN001
    """The keys that run past the edge are left out as the line is built, not a frame later
    (a snapshot in that frame pictured the groups screen's last key cut: " x Sl")."""
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")  # groups: more keys than 80 columns hold
        await settle(pilot)
        footer = app.screen.query_one(FittingFooter)
        width = footer.content_size.width
        footer._shown = None  # as if the bindings had changed
        token = active_message_pump.set(footer)  # as when the footer runs its own rebuild
        try:
            await footer.recompose()
        finally:
            active_message_pump.reset(token)
        # Nothing drawn since the rebuild: where Textual would place the shown keys now.
        shown = [k for k in footer.children if k.display]  # keys, and groups of keys
        placed = {p.widget: p.region for p in footer.arrange(footer.content_size).placements}
        assert shown and len(shown) < len(footer.children)
        assert all(placed[k].right <= width for k in shown)
