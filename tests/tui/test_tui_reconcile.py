"""The reconciliation screens on a hand-built client month with known differences.

Client A of ``tests.data.reconcile.scenario`` (October 2026, a-meldinger, A07 and ledger
imported): run, drill, field diff, explain every difference, sign-off dimmed before and
allowed after, a signed run read-only, a re-run as version 2, the matching method switch,
and the bulk job over three clients (finish and cancel).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from byraa.core.jobs import get_job
from byraa.core.reconcile import runs as reconcile
from byraa.tui.app import ByraaApp
from byraa.tui.screens.reconcile.check import CheckRowsScreen
from byraa.tui.screens.reconcile.dialogs import BulkDialog, ExplainDialog, SignOffDialog
from byraa.tui.screens.reconcile.field_diff import FieldDiffScreen
from byraa.tui.screens.reconcile.job import ReconcileJobScreen
from byraa.tui.screens.reconcile.overview import ReconcileScreen
from byraa.tui.screens.reconcile.run import ReconcileRunScreen
from byraa.tui.widgets.dialogs import ConfirmDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.builders import nid, org
from tests.data.reconcile import scenario
from tests.tui_support import language_restored, open_by_key, screen_text, settle, workspace

PERIOD = scenario.PERIOD


@pytest.fixture
def recon_store(sqlite_store, tmp_path: Path):  # noqa: ANN001, ANN201
    scenario.build(sqlite_store, tmp_path)
    with language_restored():
        yield sqlite_store


async def open_run(pilot) -> ReconcileRunScreen:  # noqa: ANN001
    """From the reconciliation list: client A (first by name) for October."""
    listing = await open_by_key(pilot, "v", ReconcileScreen)
    assert listing.period == PERIOD  # the month before the pinned day
    return await open_by_key(pilot, "enter", ReconcileRunScreen)


async def drill(pilot, check: str) -> CheckRowsScreen:  # noqa: ANN001
    run_screen = pilot.app.screen
    table = run_screen.query_one(MarkableTable)
    assert table.move_cursor_to(check)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CheckRowsScreen) and screen.check == check
    return screen


async def open_bulk(pilot) -> BulkDialog:  # noqa: ANN001
    """From the clients list: mark all three and ask to reconcile them."""
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("a")
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BulkDialog)
    return pilot.app.screen


async def correct_employment(pilot, person: str, key: str) -> tuple[CheckRowsScreen, str]:  # noqa: ANN001
    """Open client A's employments, put the cursor on ``person``'s difference, press ``key``, confirm."""
    await open_run(pilot)
    rows = await drill(pilot, "employments")
    row_key = next(k for k, r in rows.rows.items() if r.national_id == person)
    rows.query_one(MarkableTable).move_cursor_to(row_key)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await pilot.press("y")
    await settle(pilot)
    return rows, row_key


def enabled(screen, action: str) -> bool:  # noqa: ANN001
    return screen.check_action(action, ()) is True


async def test_run_shows_each_check_with_marks_and_sums(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_run(pilot)
        assert screen.summary is not None and screen.summary.version == 1
        lines = screen.lines
        assert lines["employments"].differences == 6 and lines["income"].differences == 1
        assert lines["aga"].differences == 0 and lines["clearing"].differences == 0
        # The month's figures of their own, not a column sum over month, runs, term and payment.
        withholding = lines["withholding"]
        assert (withholding.payroll, withholding.a07, withholding.ledger) == (2_200_000, 2_100_000, 2_200_000)
        assert (lines["aga"].payroll, lines["aga"].a07) == (1_198_500, 1_198_550)  # the amount, not + basis
        text = screen_text(app)
        assert "Arbeidsforhold mot A07" in text and "✓" in text and "✗" in text
        assert "Alfa Rør AS" in text and "versjon 1" in text
        assert not enabled(screen, "sign_off")  # differences without explanation: dimmed


async def test_drill_field_diff_and_masked_ids(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_run(pilot)
        rows = await drill(pilot, "employments")
        text = screen_text(app)
        assert nid(2) not in text and nid(2)[:6] + "*****" in text
        assert "kun i a-ordningen" in text and "✗ stillingsprosent" in text
        table = rows.query_one(MarkableTable)
        position = next(k for k, r in rows.rows.items() if r.field == "position_pct")
        table.move_cursor_to(position)
        await pilot.press("enter")
        await settle(pilot)
        diff = app.screen
        assert isinstance(diff, FieldDiffScreen)
        assert diff.pair is not None
        fields = {f.field: f for f in diff.pair.fields}
        assert (fields["position_pct"].payroll, fields["position_pct"].a07) == (100.0, 80.0)
        text = screen_text(app)
        assert "Person A0" in text and "100 %" in text and "80 %" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is rows


async def test_explain_everything_then_sign_off_then_locked(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        run_screen = await open_run(pilot)
        run_id = run_screen.summary.id
        for check in ("employments", "income", "withholding", "holiday_pay", "payments", "benefits",
                      "holiday_pay_year"):
            rows = await drill(pilot, check)
            assert enabled(rows, "explain")
            await pilot.press("f")  # differences only
            await pilot.press("a")  # mark them all
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, ExplainDialog)
            await pilot.press(*"Kjent avvik")
            await pilot.press("f3")
            await settle(pilot)
            assert app.screen is rows
            assert all(r.resolved for r in rows.rows.values() if r.is_difference)
            await pilot.press("escape")
            await settle(pilot)
        assert app.screen is run_screen
        assert run_screen.summary.unresolved == 0
        assert enabled(run_screen, "sign_off")
        await pilot.press("o")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignOffDialog)
        await pilot.click("#sign")
        await settle(pilot)
        assert app.screen is run_screen
        signed = reconcile.get_run(recon_store, app.who, run_id)
        assert (signed.sign_status, signed.signed_by, signed.sign_date.isoformat()) == (
            "explained", "tester", "2026-11-22")
        assert run_screen.summary.signed and not enabled(run_screen, "sign_off")
        assert "signert 22.11.2026 av tester" in screen_text(app)
        rows = await drill(pilot, "employments")
        assert not enabled(rows, "explain") and not enabled(rows, "take_a07") and not enabled(rows, "send_payroll")
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is rows  # nothing opens on a signed run
        await pilot.press("escape")
        await settle(pilot)
        # Run again on a signed month: asks first; "n" leaves the signed version alone.
        for key in ("r", "m", "H"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog), key
            assert app.screen._text == ("Måneden er signert (versjon 1). En ny kjøring blir versjon 2 og må "
                                           "signeres på nytt.")
            await pilot.press("n")
            await settle(pilot)
            assert app.screen is run_screen
        assert run_screen.summary.version == 1 and run_screen.summary.method == "standard"
        assert [r.version for r in reconcile.list_runs(recon_store, app.who, org(1), PERIOD)] == [1]
        await pilot.press("r")  # run again: version 2, unsigned
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert run_screen.summary.version == 2 and not run_screen.summary.signed
        assert "versjon 2" in screen_text(app)
        assert [r.version for r in reconcile.list_runs(recon_store, app.who, org(1), PERIOD)] == [2, 1]


async def test_method_switch_changes_the_result(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_run(pilot)
        assert screen.summary.method == "standard" and screen.lines["employments"].differences == 6
        await pilot.press("m")
        await settle(pilot)
        assert screen.summary.method == "simple" and screen.summary.version == 2
        assert screen.lines["employments"].differences == 5  # nid(3) pairs by national id alone


async def test_take_a07_after_confirm(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        rows, only_a07 = await correct_employment(pilot, nid(4), "t")
        assert rows.rows[only_a07].resolution == "take_a07"


async def test_bulk_job_over_three_clients(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_bulk(pilot)
        await pilot.click("#start")
        await settle(pilot)
        job = app.screen
        assert isinstance(job, ReconcileJobScreen)
        await settle(pilot)
        assert job.finished is not None and job.finished.status == "done"
        assert sorted(job.results) == sorted([org(1), org(2), org(3)])
        assert all(r.outcome == "differences" for r in job.results.values())
        assert "3 med avvik" in screen_text(app)
        table = job.query_one(MarkableTable)
        table.move_cursor_to(org(1))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileRunScreen) and app.screen.summary.version == 1


async def test_bulk_job_cancel_stops_it(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        job = ReconcileJobScreen(org_numbers=[org(1), org(2), org(3)], period=PERIOD)
        job.cancel_event.set()  # as if escape was confirmed before the first client
        await app.push_screen(job)
        await settle(pilot)
        assert job.finished is not None and job.finished.status == "cancelled"
        assert get_job(recon_store, app.who, job.job_id).status == "cancelled"
        assert reconcile.latest_runs(recon_store, app.who, PERIOD) == {}


async def test_escape_asks_before_stopping(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        job = ReconcileJobScreen(org_numbers=[org(1)], period=PERIOD)
        job.running = True  # pretend the worker is still busy
        await app.push_screen(job)
        job.running = True
        job.action_stop_or_back()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert not job.cancel_event.is_set()
        await settle(pilot)


async def test_client_detail_opens_reconciliation_and_shows_state(recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Avstemming: ikke kjørt ennå" in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileRunScreen) and app.screen.summary.version == 1
        await pilot.press("escape")
        await settle(pilot)
        assert "Avstemming oktober 2026: versjon 1" in screen_text(app)


async def test_board_reconciles_the_group(recon_store) -> None:  # noqa: ANN001
    from byraa.tui.screens.board import BoardScreen

    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.push_screen(BoardScreen("Utbetaling 20.", PERIOD))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, BulkDialog)
        assert app.screen.period == PERIOD
        await pilot.click("#start")
        await settle(pilot)
        job = app.screen
        assert isinstance(job, ReconcileJobScreen)
        await settle(pilot)
        assert sorted(job.results) == sorted([org(1), org(3)])  # A and C are paid on the 20th


@pytest.fixture
def sandboxed(recon_store, tmp_path: Path):  # noqa: ANN001, ANN201
    """The agency set to the sandbox at an address where nothing answers: one runs in-process."""
    from byraa.core.altinn import connection
    from tests.core.altinn.test_altinn_fixtures import write_key

    key = write_key(tmp_path)
    connection.set_agency_connection(recon_store, reconcile_who(recon_store), connection.ConnectionSettings(
        "sandbox", "byraa-test", "test-key", str(key), org(1), base_url="http://127.0.0.1:9"))
    return recon_store


def reconcile_who(store):  # noqa: ANN001, ANN201
    from byraa.core.agency.identity import resolve

    return resolve(store, "tester")


async def test_fetch_a07_from_a_ordningen_and_run_again(sandboxed) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(sandboxed))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_run(pilot)
        assert screen.summary.version == 1
        await pilot.press("H")
        await settle(pilot)
        assert screen.summary.version == 2 and not screen.busy
        assert any(i["kind"] == "a07" and i["file"].startswith("a-ordningen ") for i in screen.summary.inputs)
        assert any(n.title == "A07 hentet" and "arbeidsforhold" in n.message for n in app._notifications)


async def test_send_payroll_goes_to_a_ordningen_and_records_the_feedback(sandboxed) -> None:  # noqa: ANN001
    from byraa.core.reconcile import corrections

    app = ByraaApp(workspace(sandboxed))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        rows, only_payroll = await correct_employment(pilot, nid(41), "p")
        assert rows.rows[only_payroll].resolution == "send_payroll"
        [sent] = corrections.list_corrections(sandboxed, app.who, org(1))
        assert sent.status == "accepted" and sent.forsendelse_id
        assert any(n.message.startswith("1 godtatt, 0 avvist") for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")  # nothing left to send
        await settle(pilot)
        assert app._notifications and list(app._notifications)[-1].title == "Ingenting å sende"


async def test_bulk_job_fetches_the_a07_first_when_asked(sandboxed) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from byraa.core.store.models_reconcile import ReconSource

    app = ByraaApp(workspace(sandboxed))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_bulk(pilot)
        await pilot.click("#bulk-fetch-a07")
        await pilot.click("#start")
        await settle(pilot)
        job = app.screen
        assert isinstance(job, ReconcileJobScreen) and job.fetch_a07
        await settle(pilot)
        assert job.finished is not None and job.finished.status == "done"
        assert all(r.outcome in ("equal", "differences") for r in job.results.values())
    with sandboxed.session() as s:
        fetched = s.scalars(select(ReconSource.client_id).where(
            ReconSource.kind == "a07", ReconSource.period == PERIOD, ReconSource.active.is_(True),
            ReconSource.filename.like("a-ordningen %"))).all()
    assert len(set(fetched)) == 3


async def test_a_month_with_no_a07_shows_one_row_per_check_in_words(sqlite_store, tmp_path: Path) -> None:  # noqa: ANN001
    """Not "kun i lønn" for each employment, nor "income"/"total" as codes: the A07 is missing."""
    from byraa.core.importers.amelding import import_amelding
    from tests.builders import small_agency
    from tests.data.reconcile import build as b

    small = small_agency(sqlite_store)
    import_amelding(sqlite_store, small.who(), b.write_amelding(tmp_path / "am.xml", scenario.payroll_message(
        PERIOD, message_id="s10")))
    with language_restored():
        app = ByraaApp(workspace(sqlite_store))
        async with app.run_test(size=(80, 24)) as pilot:
            run = await open_run(pilot)
            assert "mangler" in screen_text(app)
            employments = await drill(pilot, "employments")
            [row] = employments.rows.values()
            text = screen_text(app)
            assert row.status == "missing" and "kilde mangler" in text and "kun i lønn" not in text
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is run
            await drill(pilot, "income")
            line = next(line for line in screen_text(app).splitlines() if "kilde mangler" in line)
            assert "alle ansatte" in line and "85 000,00" in line
            assert not {"income", "total"} & set(line.split())
            await pilot.press("escape")
            await settle(pilot)
            await drill(pilot, "aga")  # the keys in words: "sone", "i alt"
            text = screen_text(app)
            assert f"{org(11)} sone 1" in text and "i alt" in text and " zone " not in text
