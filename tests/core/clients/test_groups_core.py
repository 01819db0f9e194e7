"""Groups and the pay-day board on a hand-built agency."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select

from byraa.cli.main import main
from byraa.core.agency import audit
from byraa.core.base.errors import NotFound, UserError
from byraa.core.clients import groups
from byraa.core.store.models import Employee
from byraa.core.store.models_altinn import TaxCard
from byraa.core.store.models_jobs import Job, JobItem
from byraa.core.store.models_reconcile import ReconRun
from byraa.core.taxcards import fetch
from tests.builders import org, small_agency


def test_create_rename_add_remove_delete(store) -> None:
    small = small_agency(store)
    who = small.who("clerk")
    groups.create_group(store, who, "Krever oppfølging", "follow up")
    with pytest.raises(UserError, match="finnes allerede"):
        groups.create_group(store, who, "Krever oppfølging")
    with pytest.raises(UserError, match="1 til 100"):
        groups.create_group(store, who, "  ")
    assert groups.add_clients(store, who, "Krever oppfølging", org_numbers=[org(1), org(2)]) == 2
    assert groups.add_clients(store, who, "Krever oppfølging", org_numbers=[org(1)]) == 0
    with pytest.raises(NotFound, match="organisasjonsnummer"):
        groups.add_clients(store, who, "Krever oppfølging", org_numbers=["123456785"])
    boss = small.who()  # groups are shared: renaming, emptying and deleting are a manager's
    groups.rename_group(store, boss, "Krever oppfølging", "Oppfølging")
    counts = {g.name: g.clients for g in groups.list_groups(store)}
    assert counts == {"Oppfølging": 2, "Utbetaling 20.": 2}
    assert groups.remove_clients(store, boss, "Oppfølging", org_numbers=[org(2), org(3)]) == 1
    assert groups.delete_group(store, boss, "Oppfølging", holding_clients=True) == 1
    assert [g.name for g in groups.list_groups(store)] == ["Utbetaling 20."]
    with store.session() as s:
        actions = [e.action for e in audit.recent(s)]
    assert actions[:5] == ["group.delete", "group.remove_clients", "group.rename", "group.add_clients",
                           "group.create"]


def test_board_for_a_month(store) -> None:
    small = small_agency(store)
    board = groups.board(store, small.who(), "Utbetaling 20.", "2026-10")
    assert [r.name for r in board.rows] == ["Alfa Rør AS", "Cafe Gamma AS"]
    alfa, gamma = board.rows
    assert alfa.run_status == "open" and alfa.amelding_status == "accepted" and alfa.responsible == ("tester",)
    # Gamma's newest a-melding is the accepted resubmission.
    assert gamma.amelding_status == "accepted" and gamma.responsible == ()
    assert board.total == 2 and board.done == 0
    assert len(groups.board(store, small.who(), "Utbetaling 20.", "2026-10", only_open=True).rows) == 2


def test_board_worst_deviation_and_done(store) -> None:
    from sqlalchemy import update

    from byraa.core.store.models import PayrollRun

    small = small_agency(store)
    with store.session() as s:
        s.execute(update(PayrollRun).where(PayrollRun.period == "2026-10").values(status="posted"))
    board = groups.board(store, small.who(), "Utbetaling 20.", "2026-10")
    assert board.done == 2
    assert groups.board(store, small.who(), "Utbetaling 20.", "2026-10", only_open=True).rows == ()
    groups.create_group(store, small.who(), "B")
    groups.add_clients(store, small.who(), "B", org_numbers=[org(2)])
    row = groups.board(store, small.who(), "B", "2026-10").rows[0]
    assert row.amelding_status == "rejected" and row.worst_deviation == "rejection" and not row.done


# --- Reconciliation signed and tax cards current -------------------------------------------

AT = datetime(2026, 11, 1, 8, tzinfo=UTC)


def _recon_run(session, client_id: int, period: str, version: int, *, signed: bool) -> None:  # noqa: ANN001
    session.add(ReconRun(client_id=client_id, period=period, version=version, method="standard", checks="clearing",
                         inputs="[]", settings="{}", created_at=AT, created_by="tester",
                         signed_at=AT + timedelta(hours=1) if signed else None,
                         signed_by="tester" if signed else None, sign_date=AT.date() if signed else None,
                         sign_status="ok" if signed else None))


def _column(store, small, field: str, period: str = "2026-10") -> dict[str, bool | None]:  # noqa: ANN001
    rows = groups.board(store, small.who(), "Utbetaling 20.", period).rows
    return {r.name[0]: getattr(r, field) for r in rows}


def test_board_reconciliation_signed_is_the_newest_versions(store) -> None:
    small = small_agency(store)
    a, c = small.clients["A"], small.clients["C"]
    assert _column(store, small, "reconciliation_signed") == {"A": None, "C": None}  # nothing run: "–"
    with store.session() as s:
        _recon_run(s, a, "2026-10", 1, signed=True)
        _recon_run(s, c, "2026-10", 1, signed=False)
        _recon_run(s, c, "2026-09", 1, signed=True)  # another month does not count
    assert _column(store, small, "reconciliation_signed") == {"A": True, "C": False}
    with store.session() as s:
        _recon_run(s, a, "2026-10", 2, signed=False)  # run again after signing: the new version is not signed
        _recon_run(s, c, "2026-10", 2, signed=True)
    assert _column(store, small, "reconciliation_signed") == {"A": False, "C": True}
    assert _column(store, small, "reconciliation_signed", "2026-09") == {"A": None, "C": True}
    board = groups.board(store, small.who("other"), "Utbetaling 20.", "2026-10")  # a clerk without access sees it
    assert [r.reconciliation_signed for r in board.rows] == [False, True]
    # Not a bare "no" for A: version 1 is signed, version 2 open.
    assert [(r.reconciliation.signed_version, r.reconciliation.open_version) for r in board.rows] == [(1, 2), (2, None)]
    from byraa.core.words import labels

    assert labels.sign_state(1, 2) == "signert v1, v2 åpen" and labels.sign_state(2, 2) == "signert v2"
    assert labels.sign_state(None, 1) == "nei" and labels.sign_state(None, None) is None
    assert [labels.board_signed(1, 2), labels.board_signed(2, 2), labels.board_signed(None, 2)] == [
        "signert v1, v2 åpen", "ja", "nei"]


def _employees(session, client_id: int) -> list[int]:  # noqa: ANN001
    return list(session.scalars(select(Employee.id).where(Employee.client_id == client_id).order_by(Employee.id)))


def _card(session, client_id: int, employee_id: int, *, year: int = 2026, current: bool = True,  # noqa: ANN001
          result: str = "skattekortopplysningerOK") -> None:
    session.add(TaxCard(client_id=client_id, employee_id=employee_id, income_year=year, fetched_at=AT, result=result,
                        kind="trekkprosent" if result == "skattekortopplysningerOK" else "none",
                        percentage=30.0 if result == "skattekortopplysningerOK" else None, is_current=current))


def _fetch_job(session, mode: str, clients: list[int], finished_at: datetime, *, year: int = 2026,  # noqa: ANN001
               status: str = "done", unanswered: tuple[int, ...] = ()) -> None:
    """A finished tax-card fetch job: one answered order for ``clients``, one failed for ``unanswered``."""
    job = Job(kind=fetch.JOB_KIND, status=status, created_by="tester", created_at=finished_at - timedelta(minutes=5),
              updated_at=finished_at, finished_at=finished_at, title=f"Tax cards {year} ({mode})",
              params=json.dumps({"year": year, "mode": mode, "clients": [*clients, *unanswered]}))
    session.add(job)
    session.flush()
    for n, (state, ids) in enumerate((("done", clients), ("failed", unanswered)), start=1):
        if ids:
            session.add(JobItem(job_id=job.id, key=f"order:{n}", state=state, updated_at=finished_at,
                                payload=json.dumps({"year": year, "mode": mode,
                                                    "client_ids": {f"org{i}": i for i in ids}})))


def test_board_tax_cards_current(store) -> None:
    small = small_agency(store)
    a, c = small.clients["A"], small.clients["C"]
    # Both employees of A and C are active in October; nobody has a card yet.
    assert _column(store, small, "tax_cards_current") == {"A": False, "C": False}
    with store.session() as s:
        a0, a1 = _employees(s, a)
        c0, c1 = _employees(s, c)
        _card(s, a, a0)
        _card(s, a, a1, result="ikkeSkattekort")  # Skatteetaten's "no card" answer is on file: it counts
        _card(s, c, c0)
        _card(s, c, c1, current=False)  # only a replaced card: missing
        _card(s, c, c1, year=2025)  # last year's card does not count
    # No change-notice run yet: having every active employee's card suffices.
    assert _column(store, small, "tax_cards_current") == {"A": True, "C": False}
    with store.session() as s:
        _fetch_job(s, "all", [a, c], datetime(2026, 10, 1, 9, tzinfo=UTC))
        _fetch_job(s, "changes", [c], datetime(2026, 11, 2, 8, tzinfo=UTC))
        _fetch_job(s, "changes", [a, c], datetime(2026, 11, 20, 8, tzinfo=UTC), year=2025)  # another year
        _fetch_job(s, "changes", [a], datetime(2026, 11, 21, 8, tzinfo=UTC), status="failed")  # not finished well
    # A's newest fetch (1 Oct) is older than the change-notice run of 2 Nov: not current.
    assert _column(store, small, "tax_cards_current") == {"A": False, "C": False}
    with store.session() as s:
        _card(s, c, c1)
    assert _column(store, small, "tax_cards_current") == {"A": False, "C": True}
    with store.session() as s:
        # A later fetch whose order for A failed does not count for A; one that was answered does.
        _fetch_job(s, "all", [c], datetime(2026, 11, 5, 9, tzinfo=UTC), unanswered=(a,))
    assert _column(store, small, "tax_cards_current") == {"A": False, "C": True}
    with store.session() as s:
        _fetch_job(s, "all", [a], datetime(2026, 11, 6, 9, tzinfo=UTC))
    assert _column(store, small, "tax_cards_current") == {"A": True, "C": True}
    # November: the second employees left at the end of October; only the first ones count.
    with store.session() as s:
        s.execute(delete(TaxCard).where(TaxCard.employee_id.in_([a1, c1])))
    assert _column(store, small, "tax_cards_current", "2026-11") == {"A": True, "C": True}
    assert _column(store, small, "tax_cards_current", "2026-10") == {"A": False, "C": False}
    # Before anyone was employed: no active employees, no answer ("–").
    assert _column(store, small, "tax_cards_current", "2019-12") == {"A": None, "C": None}


def test_board_columns_in_the_headless_board(store, monkeypatch) -> None:
    small = small_agency(store)
    with store.session() as s:
        _recon_run(s, small.clients["A"], "2026-10", 1, signed=True)
        for e in _employees(s, small.clients["A"]):
            _card(s, small.clients["A"], e)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    result = CliRunner().invoke(main, ["groups", "board", "Utbetaling 20.", "--period", "2026-10", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)["rows"]}
    assert (rows["Alfa Rør AS"]["reconciliation_signed"], rows["Alfa Rør AS"]["tax_cards_current"]) == (True, True)
    assert (rows["Cafe Gamma AS"]["reconciliation_signed"], rows["Cafe Gamma AS"]["tax_cards_current"]) == (None, False)
    table = CliRunner().invoke(main, ["groups", "board", "Utbetaling 20.", "--period", "2026-10"])
    assert table.exit_code == 0
    line = next(line for line in table.output.splitlines() if "Alfa Rør AS" in line)
    assert line.count("ja") == 2
    with store.session() as s:
        _recon_run(s, small.clients["A"], "2026-10", 2, signed=False)  # run again after signing
    table = CliRunner().invoke(main, ["groups", "board", "Utbetaling 20.", "--period", "2026-10"])
    line = next(line for line in table.output.splitlines() if "Alfa Rør AS" in line)
    assert "signert v1, v2 åpen" in line
