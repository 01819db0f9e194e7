"""Pictures at 80x24 of details that were cut or missing: a tax-card error's reason under the
results. Update with ``--snapshot-update`` only after looking at the SVG."""

from __future__ import annotations

from byraa.tui.app import ByraaApp
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui.test_tui_taxcards import choose, fetch_confirmed, open_taxcards, sandbox  # noqa: F401  (fixture)
from tests.tui_support import settle, workspace


def test_snapshot_taxcard_error_reason(snap_compare, sandbox, sqlite_store) -> None:  # noqa: ANN001, F811
    async def run_before(pilot) -> None:  # noqa: ANN001
        screen = await open_taxcards(pilot)
        choose(screen, "#tc-clients", "all")
        await fetch_confirmed(pilot)
        pilot.app.clear_notifications()
        await pilot.press("3")  # errors only
        table = screen.query_one(MarkableTable)
        index = next(i for i, r in enumerate(screen.results) if r.result == "ugyldigFoedselsEllerDnummer")
        table.move_cursor_to(str(index))
        await settle(pilot)

    assert snap_compare(ByraaApp(workspace(sqlite_store)), terminal_size=(80, 24), run_before=run_before)
