"""Keys a role cannot use: dimmed, the reason beside them in help, and a press says why."""

from __future__ import annotations

from byraa.tui.app import ByraaApp
from byraa.tui.widgets.help_screen import HelpScreen
from tests.tui.test_tui_access import agency_store, footer_key, grants_of, open_access  # noqa: F401  (fixture)
from tests.tui_support import clerk_with_partial_access, screen_text, settle, workspace

REASON = "Bare en byråleder kan endre tilganger; du kan se på dem."


async def test_a_clerk_pressing_a_change_key_is_told_why(agency_store) -> None:  # noqa: ANN001, F811
    login, granted, _refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store, login))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_access(pilot)
        for key in ("X", "y", "o"):
            assert footer_key(app, key).has_class("-disabled")
            app._notifications.clear()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
            assert [n.message for n in app._notifications] == [REASON], key
        await pilot.press("2")
        await settle(pilot)
        app._notifications.clear()
        await pilot.press("plus")
        await settle(pilot)
        assert app.screen is screen and [n.message for n in app._notifications] == [REASON]
        assert set(grants_of(agency_store, login)) == granted
        # Help lists the dimmed keys with the reason.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        lines = {line.keys: line for section in app.screen.sections for line in section.lines}
        assert not lines["+"].enabled and lines["+"].description.endswith(f" — {REASON}")
        assert not lines["X"].enabled and REASON in lines["X"].description
        assert lines["/"].enabled and REASON not in lines["/"].description
        assert "byråleder kan endre" in screen_text(app)


async def test_a_manager_presses_the_same_keys_without_a_refusal(agency_store) -> None:  # noqa: ANN001, F811
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_access(pilot)
        assert not footer_key(app, "o").has_class("-disabled")
        assert screen.dimmed_reason("set_role") is None
        await pilot.press("o")
        await settle(pilot)
        assert app.screen is not screen  # the role dialog
        assert not any(REASON == n.message for n in app._notifications)
