"""The reports screen: pick a report and period, export (0600, overwrite only after confirming), feedback."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import select
from textual.widgets import Static

from byraa.core.agency import identity
from byraa.core.clients import feedback as core_feedback
from byraa.core.clients import reports as core_reports
from byraa.core.store.models import ArchiveFile
from byraa.core.words import formatting as fmt
from byraa.tui.app import ByraaApp
from byraa.tui.screens.reports import ReportsScreen
from byraa.tui.widgets.dialogs import ConfirmDialog, TextDialog, TextViewer
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui_support import (
    build_agency,
    clerk_with_partial_access,
    language_restored,
    open_by_key,
    screen_text,
    settle,
    workspace,
)


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


async def open_reports(pilot) -> ReportsScreen:  # noqa: ANN001
    return await open_by_key(pilot, "R", ReportsScreen)


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
        text = screen_text(app)
        assert fmt.nok(expected.rows[0]["withholding"]) in text
        # At 80 columns the due date fits whole (it was cut to "16.11.202"): the term, which
        # the head says, is no column on screen, and a client's name takes at most 22.
        due = fmt.day(expected.rows[0]["due"])
        rows = [line for line in text.splitlines() if fmt.nok(expected.rows[0]["withholding"]) in line]
        assert rows and rows[0].rstrip(" ▁▂▃▄▅▆▇█▔▕▎▌").endswith(due)
        assert expected.rows[0]["term"] not in text and expected.rows[0]["term"] == "2026-5"
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
        # Enter opens the row's archived feedback, read; escape comes back.
        row = screen.feedback[table.cursor_key]
        doc = core_feedback.document(agency_store, who, row.archive_id)
        await pilot.press("enter")
        await settle(pilot)
        viewer = app.screen
        assert isinstance(viewer, TextViewer)
        text = screen_text(app)
        assert row.client in text and "avvist" in text and "Avvisning · " in text
        body = str(viewer.query_one("#viewer-scroll").query_one(Static).content)
        assert doc.deviations and all(d.code in body and d.description in body for d in doc.deviations)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_feedback_without_a_document_or_access_says_so(agency_store) -> None:  # noqa: ANN001
    login, granted, refused = clerk_with_partial_access(agency_store)
    with agency_store.session() as s:
        other = s.scalar(select(ArchiveFile.id).where(ArchiveFile.kind == "feedback",
                                                      ArchiveFile.client_id.in_(refused)))
    app = ByraaApp(workspace(agency_store, login))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("5", "right_square_bracket")  # November: sent, no feedback yet
        await settle(pilot)
        table = screen.query_one(MarkableTable)
        assert screen.period == "2026-11" and table.row_count
        assert all(screen.feedback[k].client_id in granted for k in table.visible_keys)
        assert all(r.archive_id is None for r in screen.feedback.values())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert any("Ingen tilbakemelding er arkivert" in n.message for n in app._notifications)
        # Another client's document (no access): the core refuses, the screen says so.
        screen._open_document(other, "x")
        await settle(pilot)
        assert app.screen is screen
        assert any(n.severity == "error" and "ikke tilgang" in n.message for n in app._notifications)


async def test_my_clients_has_no_period(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.check_action("step", (-1,)) is None
        who = identity.resolve(agency_store, "tester")
        mine = core_reports.my_clients(agency_store, who).rows
        assert screen.query_one(MarkableTable).total_count == len(mine)
        # The last a-melding's month as every screen shows a month, not as ISO.
        last = next(r["last_amelding_period"] for r in mine if r["last_amelding_period"])
        text = screen_text(app)
        assert fmt.month_column(last) in text and last not in text
        # Roles and states in words, not the codes the report carries.
        assert "ansvarlig" in text and "aktiv" in text
        assert not {"responsible", "associate", "active", "onboarding", "rejected", "pending"} & set(text.split())


async def test_my_clients_of_a_new_clerk_says_none_is_theirs(agency_store) -> None:  # noqa: ANN001
    """Not "nothing to report for this period": the view has no period."""
    from byraa.core.agency import staff

    staff.add_staff(agency_store, identity.resolve(agency_store, "tester"), "nyansatt", "Nina Ny")
    app = ByraaApp(workspace(agency_store, "nyansatt"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.query_one(MarkableTable).total_count == 0
        text = screen_text(app)
        assert "Ingen av klientene er dine" in text and "perioden" not in text
