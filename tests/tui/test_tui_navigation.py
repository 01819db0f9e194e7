"""Moving around the TUI: keys, the command palette, help, escape, the welcome screen."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from byraa.tui.app import ByraaApp
from byraa.tui.screens.client_detail import ClientDetailScreen
from byraa.tui.screens.clients import ClientsScreen
from byraa.tui.screens.dashboard import DashboardScreen
from byraa.tui.screens.welcome import WelcomeScreen
from byraa.tui.widgets.help_screen import HelpScreen
from tests.tui_support import build_agency, language_restored, screen_text, search_palette, settle, workspace


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


async def test_starts_on_the_dashboard_and_switches_by_key(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Dashbord · november 2026" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert "Klienter ·" in screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        # Escape on a top-level screen goes back to the one before.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)


async def test_footer_keeps_help_and_palette_and_help_lists_every_screen_key(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "? Hjelp" in footer and ": Kommandoer" in footer
        await pilot.press("question_mark")
        await settle(pilot)
        lines = {line.description: line.keys for section in app.screen.sections for line in section.lines}
        assert lines["Klienter"] == "c"
        # The key of the screen you are on is not offered (it would do nothing).
        assert "Dashbord" not in lines


@pytest.mark.parametrize("key", ["colon", "ctrl+p"])
async def test_palette_lists_only_commands_valid_here(agency_store, key: str) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        text = screen_text(app)
        assert "Vis: Klienter" in text
        assert "Vis: Dashbord" not in text  # already there
        assert "Dashbord: Forrige måned" in text
        assert "Klienter: Merk alle" not in text  # a clients-screen command


async def test_the_palette_says_it_found_nothing_in_the_users_words(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"qqqq")
        for _ in range(100):  # the palette's own timer adds the line (half a second)
            if "Ingen treff" in screen_text(app):
                break
            await pilot.pause(0.05)
        text = screen_text(app)
        assert "Ingen treff" in text and "No matches" not in text


async def test_palette_switches_screens(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search_palette(pilot, "vis klienter")  # enter typed with the letters: further down
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("colon")
        await settle(pilot)
        assert "Klienter: Merk alle" in screen_text(app)  # the screen's own commands come first
        await pilot.press(*"vis dash")
        await settle(pilot)
        assert "Vis: Dashbord" in screen_text(app)
        await pilot.press(*["backspace"] * len("vis dash"), *"merk alle", "enter")
        await settle(pilot)
        assert len(app.screen.marked_ids) == 12


async def test_a_screens_name_in_the_palette_opens_it(agency_store) -> None:  # noqa: ANN001
    """"klienter" also matches "Dashbord: Alle klienter"; the screen of that name comes first."""
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for typed, screen in (("klienter", ClientsScreen), ("Dashbord", DashboardScreen)):
            await search_palette(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, screen), typed


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_the_active_bindings(agency_store, key: str) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        titles = [section.title for section in app.screen.sections]
        assert titles == ["Tabell", "Klienter", "Overalt"]
        lines = {line.description: line.keys for section in app.screen.sections for line in section.lines}
        # Generated from the bindings, including the ones the footer hides.
        assert lines["Merk"] == "space"
        assert lines["Merk alle"] == "a"
        assert lines["Filter"] == "/"
        assert lines["Rad ned"] == "↓ j"
        assert lines["Dashbord"] == "d"
        assert "Klienter" not in lines  # ``c`` does nothing on the client list
        text = screen_text(app)
        assert "Taster" in text and "Fjern markeringer" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)


async def test_help_follows_the_screen(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        lines = {line.description for section in app.screen.sections for line in section.lines}
        assert {"Forrige måned", "Neste måned", "Alle / mine", "Klienter"} <= lines
        assert "Merk alle" not in lines


async def test_escape_pops_a_client_then_leaves(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


def _app_with_keymap(store, keymap: dict[str, str]) -> ByraaApp:  # noqa: ANN001
    """The app on ``store`` with the user's ``[keymap]``."""
    ws = workspace(store)
    ws.settings = type(ws.settings)(database_url="sqlite://", language="nb", keymap=keymap)
    return ByraaApp(ws)


async def test_keymap_rebinds_by_binding_id(agency_store) -> None:  # noqa: ANN001
    app = _app_with_keymap(agency_store, {"app.clients": "k"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)


async def test_every_binding_has_an_id() -> None:
    from byraa.tui.widgets.filter_bar import FilterBar
    from byraa.tui.widgets.markable_table import MarkableTable

    for node in (ByraaApp, DashboardScreen, ClientsScreen, ClientDetailScreen, WelcomeScreen, HelpScreen,
                 MarkableTable, FilterBar):
        for binding in node.BINDINGS:
            assert binding.id, f"{node.__name__}: {binding.key} has no id"


async def test_empty_database_shows_how_to_start(sqlite_store) -> None:  # noqa: ANN001
    with language_restored():
        app = ByraaApp(workspace(sqlite_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, WelcomeScreen)
            text = screen_text(app)
            assert "Velkommen til byraa" in text
            assert "byraa demo" in text and "byraa init --name" in text and "byraa locate" in text
            # No screen needs an agency here, so their keys do nothing.
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, WelcomeScreen)
            await pilot.press("q")
            await settle(pilot)
        assert app.return_code == 0


async def test_the_first_screen_is_opened_as_it_is_not_switched_to_from_a_blank_one(agency_store) -> None:  # noqa: ANN001
    """The dashboard (or the welcome) is the mode Textual opens: no blank screen is made,
    laid out and left first, and the history ``escape`` goes back through starts empty."""
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_mode == "dashboard" and isinstance(app.screen, DashboardScreen)
        assert list(app._screen_stacks) == ["dashboard"]  # Textual's screens by mode, one made
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and list(app._screen_stacks) == ["dashboard"]


@pytest.mark.parametrize(("keymap", "said"), [({}, "n"), ({"groups.create": "ctrl+g"}, "^g")])
async def test_a_sentence_that_names_a_key_names_the_one_bound_now(sqlite_store, keymap, said) -> None:  # noqa: ANN001
    """"N oppretter en" named a key that was n, and stayed wrong when [keymap] moved it."""
    from byraa.core.agency import setup
    from byraa.tui.screens.groups import GroupsScreen
    from tests.builders import org

    setup.initialise(sqlite_store, name="Nytt Byrå AS", org_number=org(0), login="tester", user_name="Tora Test")
    with language_restored():
        app = _app_with_keymap(sqlite_store, keymap)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("b")
            await settle(pilot)
            assert isinstance(app.screen, GroupsScreen)
            assert f"Ingen grupper ennå. {said} oppretter en." in screen_text(app)
            await pilot.press("ctrl+g" if keymap else "n")  # the key said is the key that works
            await settle(pilot)
            assert not isinstance(app.screen, GroupsScreen)


async def test_keys_typed_right_after_the_colon_go_into_the_palette(agency_store) -> None:  # noqa: ANN001
    """``:`` and the next letters in one burst (a quick hand, a slow SSH link that delivers
    keystrokes together): the letters are the search's, even those that arrive before the
    palette's field has the focus. Before, they went to the app: ``q`` quit byraa and
    ``c`` opened the client list under the palette."""
    from textual import events
    from textual.command import CommandInput

    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, character in [("colon", ":"), ("q", "q"), ("c", "c"), ("k", "k"), ("space", " "), ("l", "l")]:
            app._driver.send_message(events.Key(key, character))  # all sent before any is handled
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).value == "qck l"
        assert isinstance(app.screen_stack[0], DashboardScreen)  # "c" did not open the client list
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_text_typed_before_the_palette_is_mounted_is_searched_for(agency_store, monkeypatch) -> None:  # noqa: ANN001
    """Letters that reached the palette's field before its own start-up (a burst after
    ``:``) were searched for with no command sources yet, and that start-up's search for
    nothing replaced it: the field showed the words over an empty list, enter did
    nothing. Here the letters and their search come first, as they can in a burst."""
    from textual.command import CommandInput
    from textual.widgets import Input

    mount = CommandPalette._on_mount

    def typed_first(palette, event):  # noqa: ANN001, ANN202
        field = palette.query_one(CommandInput)
        with palette.prevent(Input.Changed):
            field.insert_text_at_cursor("vis klienter")
        palette._input(Input.Changed(field, field.value))  # handled before the start-up
        return mount(palette, event)

    monkeypatch.setattr(CommandPalette, "_on_mount", typed_first)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        assert "Vis: Klienter" in await search_palette(pilot, "vis klienter", typed=True)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)


async def test_enter_typed_before_the_search_ends_opens_what_it_finds(agency_store, monkeypatch) -> None:  # noqa: ANN001
    """``vis klienter`` and enter in one burst: enter comes while the search runs, and
    opens its best match once it ends. Before, it chose from the list as it was: empty
    (the palette stayed open) or the list before the search, whose first line switched
    the dashboard's scope instead."""
    import asyncio

    from textual import events
    from textual.command import CommandInput

    from byraa.tui.commands import DirectoryCommands

    def burst(text: str) -> None:
        for c in text:
            app._driver.send_message(events.Key("space", " ") if c == " " else events.Key(c, c))
        app._driver.send_message(events.Key("enter", "\r"))  # all sent before any is handled

    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app._driver.send_message(events.Key("colon", ":"))
        burst("vis klienter")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("colon")
        await settle(pilot)  # the palette lists the dashboard's own commands first
        assert screen_text(app).index("Dashbord:") < screen_text(app).index("Vis: Klienter")
        # A slow search (the directory's): enter arrives with that list still shown.
        released = asyncio.Event()
        search = DirectoryCommands.search

        async def slow(provider, query):  # noqa: ANN001, ANN202
            await released.wait()
            async for hit in search(provider, query):
                yield hit

        monkeypatch.setattr(DirectoryCommands, "search", slow)
        burst("vis klienter")
        field = app.screen.query_one(CommandInput)
        for _ in range(200):
            if field.value == "vis klienter" or not field.is_attached:
                break
            await pilot.pause()
        for _ in range(3):
            await pilot.pause()  # the enter after the last letter
        released.set()
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        monkeypatch.undo()
        # Enter with nothing found does nothing, and the palette stays for another try.
        await pilot.press("colon")
        burst("qqq")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
