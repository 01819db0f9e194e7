"""Signed months on screen: bulk reconcile (``e``) skips them unless asked; the board and the
reconciliation list say "signert v1, v2 åpen" rather than a bare "nei"."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox

from byraa.core.reconcile import runs as reconcile
from byraa.tui.app import ByraaApp
from byraa.tui.screens.board import BoardScreen
from byraa.tui.screens.reconcile.dialogs import BulkDialog
from byraa.tui.screens.reconcile.job import ReconcileJobScreen
from byraa.tui.screens.reconcile.overview import ReconcileScreen
from byraa.tui.widgets.markable_table import MarkableTable
from tests.builders import org
from tests.data.reconcile import scenario
from tests.tui_support import language_restored, screen_text, workspace
from tests.tui_support import settle as settle_once

PERIOD = scenario.PERIOD


async def settle(pilot) -> None:  # noqa: ANN001
    """``settle``, tolerating an exclusive worker cancelled by its successor (the job screen's reload)."""
    from textual.worker import WorkerCancelled

    for _ in range(5):
        try:
            await settle_once(pilot)
            return
        except WorkerCancelled:
            continue
    await settle_once(pilot)


@pytest.fixture
def signed_store(sqlite_store, tmp_path: Path):  # noqa: ANN001, ANN201
    """Client A's October signed as version 1 (every difference explained)."""
    small = scenario.build(sqlite_store, tmp_path)
    who = small.who()
    run = reconcile.run(sqlite_store, who, org(1), PERIOD)
    for row in reconcile.rows(sqlite_store, who, run.id):
        if row.is_difference:
            reconcile.explain(sqlite_store, who, run.id, row.id, "Kjent avvik")
    reconcile.sign_off(sqlite_store, who, run.id, status="explained")
    with language_restored():
        yield sqlite_store


async def _bulk_from_board(pilot, *, include_signed: bool) -> ReconcileJobScreen:  # noqa: ANN001
    app = pilot.app
    await settle(pilot)
    await app.push_screen(BoardScreen("Utbetaling 20.", PERIOD))
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, BulkDialog)
    assert dialog.query_one("#bulk-include-signed", Checkbox).value is False  # skipping is the default
    dialog.query_one("#bulk-include-signed", Checkbox).value = include_signed
    await pilot.click("#start")
    await settle(pilot)
    job = app.screen
    assert isinstance(job, ReconcileJobScreen)
    await settle(pilot)
    return job


async def test_bulk_skips_the_signed_month(signed_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(signed_store))
    async with app.run_test(size=(100, 30)) as pilot:
        job = await _bulk_from_board(pilot, include_signed=False)
        assert {o: r.outcome for o, r in job.results.items()} == {org(1): "skipped", org(3): "differences"}
        text = screen_text(app)
        assert "signert, hoppet over" in text and "1 signert, hoppet over" in text
        assert [r.version for r in reconcile.list_runs(signed_store, app.who, org(1), PERIOD)] == [1]


async def test_bulk_with_signed_months_then_board_and_list_say_v2_open(signed_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(signed_store))
    async with app.run_test(size=(120, 30)) as pilot:
        job = await _bulk_from_board(pilot, include_signed=True)
        assert job.results[org(1)].outcome == "differences" and job.results[org(1)].version == 2
        await pilot.press("escape")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.load()
        await settle(pilot)
        line = next(line for line in screen_text(app).splitlines() if "Alfa Rør AS" in line)
        assert "signert v1, v2 åpen" in line
        await pilot.press("v")
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, ReconcileScreen)
        row = overview.query_one(MarkableTable).row(str(next(
            c.id for c in overview.clients.values() if c.org_number == org(1))))
        assert "signert v1, v2 åpen" in [c if isinstance(c, str) else c.plain for c in row.cells]
