"""The reports screen: pick a report and period, export (0600, overwrite only after confirming), feedback."""

from __future__ import annotations

import stat

import pytest

from byraa.app import ByraaApp
from byraa.core import feedback as core_feedback
from byraa.core import formatting as fmt
from byraa.core import identity
from byraa.core import reports as core_reports
from byraa.screens.reports import ReportsScreen
from byraa.widgets.dialogs import ConfirmDialog, TextDialog
from byraa.widgets.markable_table import MarkableTable
from tests.tui_support import build_agency, language_restored, screen_text, settle, workspace


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


async def open_reports(pilot) -> ReportsScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


async def test_term_report_in_a_table_and_exported(agency_store, tmp_path) -> None:  # noqa: ANN001
    who = identity.resolve(agency_store, "tester")
    expected = core_reports.term_report(agency_store, who, 2026, 5)
    assert expected.rows
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_reports(pilot)
        assert screen.view == "usage" and screen.period == "2026-10"
        await pilot.press("3")
        await settle(pilot)
        table = screen.query_one(MarkableTable)
        assert table.total_count == len(expected.rows)
        assert "termin 5 2026" in screen.sub_title
        assert fmt.nok(expected.rows[0]["withholding"]) in screen_text(app)
        # Export: a path dialog, a 0600 file; the same path again asks before replacing.
        out = tmp_path / "term.xlsx"
        for attempt in range(2):
            await pilot.press("x")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, TextDialog)
            field = dialog.query_one("Input")
            field.value = str(out)
            await pilot.press("enter")
            await settle(pilot)
            if attempt:
                assert isinstance(app.screen, ConfirmDialog)
                await pilot.press("n")
                await settle(pilot)
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        import zipfile

        assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(out).namelist()
        csv_path = tmp_path / "term.csv"
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("Input").value = str(csv_path)
        await pilot.press("enter")
        await settle(pilot)
        assert stat.S_IMODE(csv_path.stat().st_mode) == 0o600
        assert csv_path.read_text().startswith("org_number,client,term,withholding")


async def test_feedback_across_clients_filters_and_opens(agency_store) -> None:  # noqa: ANN001
    who = identity.resolve(agency_store, "tester")
    rows = core_feedback.across_clients(agency_store, who, "2026-10")
    rejected = core_feedback.across_clients(agency_store, who, "2026-10", status="rejected")
    assert rows and rejected
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("5")
        await settle(pilot)
        table = screen.query_one(MarkableTable)
        assert table.total_count == len(rows)
        text = screen_text(app)
        assert "Avvisning" in text and "Øyeblikkelig" in text
        assert f"{sum(r.status == 'rejected' for r in rows)} avvist" in text
        await pilot.press("f", "f")  # all -> accepted -> rejected
        await settle(pilot)
        assert screen.status == "rejected" and table.total_count == len(rejected)
        assert "avvist" in screen.sub_title
        await pilot.press("v")  # severity: rejection
        await settle(pilot)
        expected = core_feedback.across_clients(agency_store, who, "2026-10", status="rejected", severity="rejection")
        assert table.total_count == len(expected)
        key = table.cursor_key
        await pilot.press("enter")  # no archived document in the demo: opens the client
        await settle(pilot)
        from byraa.screens.client_detail import ClientDetailScreen

        assert isinstance(app.screen, ClientDetailScreen) and app.screen.client_id == int(key)


async def test_my_clients_has_no_period(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.check_action("step", (-1,)) is None
        who = identity.resolve(agency_store, "tester")
        assert screen.query_one(MarkableTable).total_count == len(core_reports.my_clients(agency_store, who).rows)
