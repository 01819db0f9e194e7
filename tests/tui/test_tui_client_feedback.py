"""A rejected a-melding on the client screen: enter opens a-ordningen's feedback, read."""

from __future__ import annotations

from textual.widgets import Static

from byraa.core.agency import identity
from byraa.core.clients import feedback as core_feedback
from byraa.tui.app import ByraaApp
from byraa.tui.screens.client_detail import ClientDetailScreen
from byraa.tui.widgets.dialogs import TextViewer
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui.test_tui_reports import agency_store  # noqa: F401  (fixture)
from tests.tui_support import screen_text, settle, workspace


async def test_enter_on_a_rejected_a_melding_opens_its_feedback(agency_store) -> None:  # noqa: ANN001, F811
    who = identity.resolve(agency_store, "tester")
    row = next(r for r in core_feedback.across_clients(agency_store, who, "2026-10", status="rejected")
               if r.archive_id is not None and r.rejection)
    doc = core_feedback.document(agency_store, who, row.archive_id)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.open_client(row.client_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientDetailScreen)
        await pilot.press("3")
        await settle(pilot)
        table = screen.query_one("#submissions-table", MarkableTable)
        assert app.focused is table
        key = next(f"{s.message_id}-{i}" for i, s in enumerate(screen.detail.submissions)
                   if s.period == "2026-10" and s.status == "rejected")
        assert table.move_cursor_to(key)
        await pilot.press("enter")
        await settle(pilot)
        viewer = app.screen
        assert isinstance(viewer, TextViewer), [n.message for n in app._notifications]
        assert row.client in screen_text(app) and "avvist" in screen_text(app)
        body = str(viewer.query_one("#viewer-scroll").query_one(Static).content)
        assert all(d.code in body and d.description in body for d in doc.deviations)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
