"""Tax-card errors on screen: the reason whole and in bokmål under the table, and enter on an
error row opens the error (not the card history)."""

from __future__ import annotations

from textual.widgets import Static

from byraa.tui.app import ByraaApp
from byraa.tui.screens.taxcards import CardHistoryScreen
from byraa.tui.widgets.dialogs import TextViewer
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui.test_tui_taxcards import choose, fetch_confirmed, open_taxcards, sandbox  # noqa: F401  (fixture)
from tests.tui_support import screen_text, settle, workspace

WORDS = "Skatteetaten kjenner ikke dette fødselsnummeret eller D-nummeret (ugyldigFoedselsEllerDnummer)"


async def test_an_error_row_shows_its_reason_and_enter_opens_it(sandbox, sqlite_store) -> None:  # noqa: ANN001, F811
    app = ByraaApp(workspace(sqlite_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_taxcards(pilot)
        choose(screen, "#tc-clients", "all")
        await fetch_confirmed(pilot)
        table = screen.query_one(MarkableTable)
        assert app.focused is table  # after the fetch the arrows move through the results
        index = next(i for i, r in enumerate(screen.results) if r.outcome == "error"
                     and r.result == "ugyldigFoedselsEllerDnummer")
        error = screen.results[index]
        assert table.move_cursor_to(str(index))
        await settle(pilot)
        pane = screen.query_one("#tc-detail", Static)
        assert pane.display and WORDS in str(pane.render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextViewer) and not isinstance(app.screen, CardHistoryScreen)
        text = screen_text(app)
        assert "Skatteetaten kjenner ikke dette" in text and error.national_id in text
        assert "does not know" not in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # A card row hides the pane; enter there still opens the history.
        card = next(i for i, r in enumerate(screen.results) if r.outcome == "card")
        assert table.move_cursor_to(str(card))
        await settle(pilot)
        assert not pane.display
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CardHistoryScreen)
