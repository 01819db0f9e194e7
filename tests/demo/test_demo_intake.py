"""The demo's payroll side comes in through the intake, and a closed month reconciles.

One 60-client demo (seed 1) for the module: its clients' a-meldinger and ledgers are
files in the inbox next to the database, imported by the intake; a-ordningen's A07 (the
sandbox's, following the imported a-meldinger) is imported for the closed month's term,
and every client with an a-melding that month is reconciled.
"""

from __future__ import annotations

import json
import stat
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from byraa.core.agency.identity import resolve
from byraa.core.reconcile import runs
from byraa.core.reconcile.a07 import import_a07, to_json
from byraa.core.reconcile.checks import CHECKS
from byraa.core.store.models import AmeldingSubmission, Client, PayrollRun
from byraa.core.store.models_reconcile import ReconRun, ReconSource
from byraa.sandbox.a07_people import month_report, planted

CLOSED = "2026-10"
TERM = ("2026-09", "2026-10")
CHECKED = CHECKS
"""Every check, the holiday pay of the year per employee (with the over-60 extra) too."""
FOUND_ON = {"employment": "employments", "income": "income", "withholding": "withholding", "aga": "aga"}


@pytest.fixture
def demo(demo60):  # noqa: ANN001, ANN201
    return demo60


def test_the_clients_files_are_in_a_private_inbox_next_to_the_database(demo) -> None:  # noqa: ANN001
    store, summary = demo
    inbox = summary.inbox
    assert inbox == store.sqlite_path.parent / "demo-innboks"
    assert stat.S_IMODE(inbox.stat().st_mode) == 0o700
    files = sorted(p for p in inbox.rglob("*") if p.is_file())
    assert len(files) == summary.files
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    kinds = Counter("amelding" if p.name.endswith("-amelding.xml") else "journal" if p.suffix == ".csv"
                    else "ledger" for p in files)
    assert kinds["ledger"] >= 60 and kinds["amelding"] > 60 * 9 and kinds["journal"] > 60


def test_the_payroll_side_is_what_the_intake_imported(demo) -> None:  # noqa: ANN001
    store, summary = demo
    with store.session() as s:
        active = s.scalar(select(func.count()).select_from(ReconSource).where(
            ReconSource.kind == "amelding", ReconSource.active.is_(True)))
        ledgers = s.scalar(select(func.count()).select_from(ReconSource).where(ReconSource.kind == "ledger"))
        reported = s.scalar(select(func.count()).select_from(AmeldingSubmission).where(
            AmeldingSubmission.source_id.is_not(None)))
        unreported = s.scalar(select(func.count()).select_from(AmeldingSubmission).where(
            AmeldingSubmission.source_id.is_(None)))
        runs_before = s.scalar(select(func.count()).select_from(PayrollRun).where(
            PayrollRun.source_id.is_(None), PayrollRun.period < "2026-11"))
        statuses = Counter(s.scalars(select(AmeldingSubmission.status).where(AmeldingSubmission.period == CLOSED)))
        inputs = [json.loads(r) for r in s.scalars(select(ReconRun.inputs).where(ReconRun.period == CLOSED))]
    assert reported == active and unreported == 0 and ledgers >= 60
    assert runs_before == 0  # every closed month's run is the imported a-melding's
    assert statuses["accepted"] > 40 and statuses["rejected"] >= 2
    assert inputs and all(any(i["kind"] == "amelding" and i["period"] == CLOSED for i in x) for x in inputs)


def _import_a07(store, who, tmp: Path, org: str) -> None:  # noqa: ANN001
    for period in TERM:
        report = month_report(store, org, period)
        assert report is not None
        path = tmp / f"a07-{org}-{period}.json"
        path.write_text(json.dumps(to_json(report), default=str), encoding="utf-8")
        import_a07(store, who, path, suffix=".json")


def test_a_closed_month_is_clean_for_most_clients_and_the_planted_differences_are_found(demo, tmp_path) -> None:  # noqa: ANN001
    store, summary = demo
    who = resolve(store, "tester")
    # The ledgers' planted folder faults of this month are asserted in test_demo_folder_faults.
    folder_planted = {f.org_number for f in summary.folder_faults if f.period == CLOSED}
    # The clients with an a-melding for every month of the year so far: a client taken in
    # during the year has year-to-date checks that cannot be complete (real, not planted).
    with store.session() as s:
        months = s.execute(select(Client.org_number, func.count(func.distinct(ReconSource.period)))
                           .join(ReconSource, ReconSource.client_id == Client.id)
                           .where(ReconSource.kind == "amelding", ReconSource.active.is_(True),
                                  ReconSource.period.between("2026-01", CLOSED))
                           .group_by(Client.org_number)).all()
    full_year = {org for org, count in months if count == 10}
    with store.session() as s:
        reported = sorted(s.scalars(select(Client.org_number).join(ReconSource, ReconSource.client_id == Client.id)
                                    .where(ReconSource.kind == "amelding", ReconSource.period == CLOSED,
                                           ReconSource.active.is_(True)).distinct()))
    orgs = sorted(full_year & set(reported))
    clean, found, unexpected = [], {}, {}
    for org in reported:
        if (org not in full_year and planted(store, org, CLOSED) is None) or org in folder_planted:
            continue
        _import_a07(store, who, tmp_path, org)
        rows = runs.compute(store, who, org, CLOSED, checks=CHECKED)
        # A term's påleggstrekk is paid in the next term, which has not ended: the garnishment
        # clients' term row is "missing" (the months after are not in the ledger yet), not planted.
        # An employee loan is owed until it is paid back: its balance on 1380 is a difference
        # the clerk explains against the loan agreement every month, not a fault.
        differences = [r for r in rows if r.is_difference and not (
            r.check == "garnishment" and r.field == "paid in the next term" and r.status == "missing") and not (
            r.check == "open_items" and r.key.startswith("1380")
            and "employee_loan" in summary.folder_accounts.get(org, ()))]
        kind = planted(store, org, CLOSED)
        # A difference planted in the term's first month shows on the term's withholding.
        if kind is None and planted(store, org, TERM[0]) is not None:
            continue
        if kind is not None:
            found[kind] = {r.check for r in differences}
        elif differences:
            unexpected[org] = [(r.check, r.key, r.field, r.status) for r in differences]
        else:
            clean.append(org)
    # 48 of the 60 clients have had an a-melding every month this year; a few of them got
    # a planted difference in October, and a few one in September.
    assert len(orgs) >= 40
    assert len(clean) >= 0.8 * len(orgs), unexpected
    assert not unexpected
    assert set(found) == set(FOUND_ON)
    for kind, checks in found.items():
        assert FOUND_ON[kind] in checks, (kind, checks)
    with_year = [org for org in clean if not any(
        r.is_difference for r in runs.compute(store, who, org, CLOSED, checks=["holiday_pay_year"]))]
    print(f"closed month {CLOSED}: {len(clean)} of {len(orgs)} clients clean; planted: {sorted(found)}; "
          f"clean on every check, holiday pay of the year too: {len(with_year)}")
