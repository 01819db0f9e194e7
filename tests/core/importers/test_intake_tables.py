"""The intake over ledger CSVs and posting journals (their client told by column, file name
or folder, or the file refused by name), and a month read in worker processes: exact
outcomes per file, and the cockpit rows the same as re-deriving them from the store."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import event, func, select

from byraa.core.base import ids
from byraa.core.importers import intake, intake_pool, payroll_side
from byraa.core.store.models import AmeldingSubmission, ClientActivity, PayrollRun
from byraa.core.store.models_posting import PostingLine, PostingRun
from byraa.core.store.models_reconcile import ReconLedger, ReconSource
from tests.builders import org, small_agency
from tests.core.importers.intake_runs import outcomes, run_planned
from tests.data.payroll_months import month_message
from tests.data.reconcile import build as b
from tests.spawns import record_spawned_pools

JOURNAL = ["account", "amount", "pay_form", "period", "off_cycle", "text"]


def _journal(path: Path, pay_form: str, amount: str = "50000,00", client: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(JOURNAL + (["klient"] if client else []))
        for account, value in (("5000", amount), ("2930", "-" + amount)):
            writer.writerow([account, value, pay_form, "2026-11", "nei", "Lønn"] + ([client] if client else []))
    return path


def _ledger(path: Path, rows: list[tuple[str, ...]], header: str = "account;period;amount") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *(";".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return path


def _bad_org() -> str:
    return next(f"31{i:07d}" for i in range(100) if ids.org_number_error(f"31{i:07d}"))


def _tables_folder(tmp_path: Path) -> Path:
    inbox = tmp_path / "innboks"
    _ledger(inbox / org(1) / "hovedbok.csv", [("5000", "2026-10", "100,00"), ("2930", "2026-10", "-100,00")])
    _journal(inbox / f"{org(2)}_lonnsjournal.csv", "01")
    _journal(inbox / "journal-med-kolonne.csv", "02", client=org(1))
    pl.DataFrame({"konto": ["5000", "2930"], "beløp": ["1000", "-1000"], "lønnsform": ["03", "03"],
                  "periode": ["2026-11", "2026-11"]}).write_excel(inbox / f"{org(1)}_timelonn.xlsx")
    _ledger(inbox / "kunde" / "hovedbok-uten-klient.csv", [("5000", "2026-10", "1")])
    _ledger(inbox / f"{_bad_org()}_hovedbok.csv", [("5000", "2026-10", "1")])
    _ledger(inbox / "to-klienter.csv", [("5000", "2026-10", "1", org(1)), ("5000", "2026-10", "1", org(2))],
            header="account;period;amount;client")
    _ledger(inbox / org(77) / "fremmed.csv", [("5000", "2026-10", "1")])
    b.write_amelding(inbox / org(1) / "okt.xml", month_message(org(1), org(11), "2026-10", 4))
    return inbox


def test_ledger_csvs_and_journals_find_their_client_or_are_refused_by_name(store, tmp_path: Path) -> None:
    who = small_agency(store).who()
    inbox = _tables_folder(tmp_path)
    planned = intake.plan(store, who, [inbox])
    kinds = {Path(f.path).name: (f.kind, f.client) for f in planned}
    assert kinds["hovedbok.csv"] == ("ledger_csv", org(1))
    assert kinds[f"{org(2)}_lonnsjournal.csv"] == ("journal", org(2))
    assert kinds["journal-med-kolonne.csv"] == ("journal", org(1))
    assert kinds[f"{org(1)}_timelonn.xlsx"] == ("journal", org(1))
    info, rows = run_planned(store, who, planned)
    assert info.status == "done"
    outcome = outcomes(rows)
    assert outcome == {
        "hovedbok.csv": "imported", f"{org(2)}_lonnsjournal.csv": "imported", "journal-med-kolonne.csv": "imported",
        f"{org(1)}_timelonn.xlsx": "imported", "hovedbok-uten-klient.csv": "refused",
        f"{_bad_org()}_hovedbok.csv": "refused", "to-klienter.csv": "refused", "fremmed.csv": "refused",
        "okt.xml": "imported"}
    reasons = {Path(r.path).name: r.reason or "" for r in rows if r.outcome == "refused"}
    assert all(name in reason for name, reason in reasons.items())  # each refusal names its file
    assert "organisasjonsnummer" in reasons["hovedbok-uten-klient.csv"]
    assert _bad_org() in reasons[f"{_bad_org()}_hovedbok.csv"]
    assert org(1) in reasons["to-klienter.csv"] and org(2) in reasons["to-klienter.csv"]
    assert org(77) in reasons["fremmed.csv"]
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(PostingRun)) == 3
        assert s.scalar(select(func.count()).select_from(PostingLine)) == 6
        assert s.scalar(select(func.count()).select_from(ReconLedger)) == 2
        assert dict(s.execute(select(ReconSource.kind, func.count()).group_by(ReconSource.kind)).all()) == {
            "ledger": 1, "amelding": 1}
    # Again: everything is in; a changed journal of an open run replaces it.
    _journal(inbox / "journal-med-kolonne.csv", "02", amount="51000,00", client=org(1))
    again = {Path(f.path).name: f.action for f in intake.plan(store, who, [inbox])}
    done = outcomes(run_planned(store, who, intake.plan(store, who, [inbox]))[1])
    assert again == done
    assert sorted(done.values()) == ["refused"] * 4 + ["replaced"] + ["unchanged"] * 4
    assert done["journal-med-kolonne.csv"] == "replaced"


def _rows(store) -> list[tuple]:  # noqa: ANN001
    with store.session() as s:
        runs = s.execute(select(PayrollRun.client_id, PayrollRun.period, PayrollRun.payslip_count, PayrollRun.gross,
                                PayrollRun.withholding, PayrollRun.employer_contribution, PayrollRun.source_id)
                         .order_by(PayrollRun.client_id, PayrollRun.period)).all()
        subs = s.execute(select(AmeldingSubmission.client_id, AmeldingSubmission.period, AmeldingSubmission.message_id,
                                AmeldingSubmission.version, AmeldingSubmission.source_id)
                         .order_by(AmeldingSubmission.source_id)).all()
        acts = s.execute(select(ClientActivity.client_id, ClientActivity.period, ClientActivity.travel_expense_claims,
                                ClientActivity.absences, ClientActivity.active_employees)
                         .order_by(ClientActivity.client_id, ClientActivity.period)).all()
    return [tuple(r) for r in runs + subs + acts]


def test_a_month_read_in_worker_processes(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake_pool, "MIN_BYTES", 0)  # small files, read in the workers all the same
    spawned = record_spawned_pools(monkeypatch, intake_pool)
    who = small_agency(store).who()
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    for n in range(1, 4):
        for month in ("2026-08", "2026-09"):
            b.write_amelding(inbox / f"{n}-{month}.xml", month_message(org(n), org(n + 10), month, 6, seed=n))
    b.write_amelding(inbox / "1-2026-10-v1.xml", month_message(org(1), org(11), "2026-10", 5))
    b.write_amelding(inbox / "1-2026-10-v2.xml", month_message(
        org(1), org(11), "2026-10", 7, message_id="v2", replaces=f"{org(1)}-2026-10-1"))
    b.write_amelding(inbox / "fremmed.xml", month_message(org(77), org(78), "2026-10", 2))
    text = b.write_amelding(tmp_path / "x.xml", month_message(org(2), org(12), "2026-10", 3)).read_text("utf-8")
    (inbox / "ugyldig.xml").write_text(text.replace(">2026-10<", ">2026-13<", 1), encoding="utf-8")
    planned = intake.plan(store, who, [inbox])
    assert sum(f.kind == "amelding" and f.action != "refused" for f in planned) >= intake_pool.MIN_FILES
    info, rows = run_planned(store, who, planned)
    assert len(spawned) == 1 and spawned[0] is not None  # the readers were worker processes
    assert info.status == "done"
    outcome = outcomes(rows)
    assert outcome == {**{f"{n}-{m}.xml": "imported" for n in range(1, 4) for m in ("2026-08", "2026-09")},
                       "1-2026-10-v1.xml": "imported", "1-2026-10-v2.xml": "replaced", "fremmed.xml": "refused",
                       "ugyldig.xml": "refused"}
    reason = next(r.reason for r in rows if Path(r.path).name == "ugyldig.xml")
    assert "ugyldig.xml" in (reason or "") and "2026-13" in (reason or "") and "linje" in (reason or "")
    # The rows the importer derived from its own counts are what deriving from the store gives.
    before = _rows(store)
    with store.session() as s:
        for client_id, period in payroll_side.derived_months(s):
            payroll_side.derive(s, client_id, period)
    after = _rows(store)
    assert any(r[-1] is not None for r in before if len(r) == 7)  # derived runs are there (ids aside)
    assert len(before) == len(after) and sorted(map(str, before)) == sorted(map(str, after))


def _register(store) -> set[tuple]:  # noqa: ANN001
    from byraa.core.store.models import Employee, Employment, Leave, SubUnit

    with store.session() as s:
        people = {(c, n, name, num) for c, n, name, num in s.execute(
            select(Employee.client_id, Employee.national_id, Employee.name, Employee.employee_number))}
        jobs = {tuple(r) for r in s.execute(
            select(Employee.national_id, Employment.employment_ref, Employment.start_date, Employment.end_date,
                   Employment.position_pct, Employment.occupation_code, SubUnit.org_number)
            .join(Employee, Employee.id == Employment.employee_id).join(SubUnit, SubUnit.id == Employment.sub_unit_id))}
        leaves = {tuple(r) for r in s.execute(
            select(Employment.employment_ref, Employee.national_id, Leave.start_date, Leave.end_date, Leave.leave_pct)
            .join(Employment, Employment.id == Leave.employment_id).join(Employee, Employee.id == Employment.employee_id))}
    return {("person", *p) for p in people} | {("job", *j) for j in jobs} | {("leave", *v) for v in leaves}


def test_a_batch_of_one_clients_months_builds_the_register_the_files_build_one_by_one(store, tmp_path: Path) -> None:
    """The intake commits its files in batches and keeps the register it read from one
    a-melding of a client to the next: what it builds is what importing each file on its
    own builds, also with a file refused in between and a replacement."""
    from byraa.core.importers.amelding import import_amelding
    from byraa.core.store import open_store

    who = small_agency(store).who()
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    months = [("2026-07", 6, 0, 0), ("2026-08", 8, 1, 1), ("2026-09", 7, 3, 2), ("2026-10", 9, 2, 3)]
    for month, people, seed, step in months:
        b.write_amelding(inbox / f"1-{month}.xml", month_message(org(1), org(11), month, people, seed=seed,
                                                                  pay_step=step))
        b.write_amelding(inbox / f"2-{month}.xml", month_message(org(2), org(12), month, people - 2, seed=seed))
    b.write_amelding(inbox / "1-2026-10-v2.xml", month_message(
        org(1), org(11), "2026-10", 10, seed=1, message_id="v2", replaces=f"{org(1)}-2026-10-1"))
    text = (inbox / "1-2026-09.xml").read_text("utf-8")
    (inbox / "1-2026-09-ugyldig.xml").write_text(text.replace(">2026-09<", ">2026-13<", 1), encoding="utf-8")
    planned = intake.plan(store, who, [inbox])
    assert len(planned) <= intake.COMMIT_EVERY  # one batch
    reads = 0

    def count(_conn, _cursor, statement: str, *_args) -> None:  # noqa: ANN001
        nonlocal reads
        reads += statement.startswith("SELECT employee.id, employee.national_id")

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        info, rows = run_planned(store, who, planned)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert info.status == "done" and sorted(outcomes(rows).values()).count("refused") == 1
    assert reads == 2  # once per client, not once per file

    alone = open_store(f"sqlite:///{tmp_path / 'alone.sqlite3'}", upgrade=True)
    try:
        small_agency(alone)
        for f in planned:
            if Path(f.path).name != "1-2026-09-ugyldig.xml":
                import_amelding(alone, who, f.path)
        assert _register(store) == _register(alone)
        assert len(_register(alone)) > 40
    finally:
        alone.dispose()


def test_a_small_month_is_read_in_process(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nine small a-meldinger are read by the writer itself: a reader process takes about
    half a second of CPU to start, longer than reading them takes."""
    spawned = record_spawned_pools(monkeypatch, intake_pool)
    who = small_agency(store).who()
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    for n in range(1, 4):
        for month in ("2026-07", "2026-08", "2026-09"):
            b.write_amelding(inbox / f"{n}-{month}.xml", month_message(org(n), org(n + 10), month, 6, seed=n))
    planned = intake.plan(store, who, [inbox])
    assert sum(f.kind == "amelding" and f.action != "refused" for f in planned) >= intake_pool.MIN_FILES
    assert sum(f.size for f in planned) < intake_pool.MIN_BYTES
    info, rows = run_planned(store, who, planned)
    assert info.status == "done" and set(outcomes(rows).values()) == {"imported"}
    assert spawned == []
