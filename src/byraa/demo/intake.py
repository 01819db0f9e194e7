"""The demo's payroll side comes in through the intake, as a real agency's does.

``run_intake`` plans the inbox folder, starts the intake job and works it (the same
``core.importers.intake`` code path as ``byraa intake``), as the demo's manager, with the
clock pinned to the demo's day so the same seed gives the same rows. What the files do not
carry is filled in afterwards: a-ordningen's reception status on each a-melding
(``apply_feedback_status``), the register's addresses and salaries (``enrich_register``:
the payroll system's employee master, which the a-melding does not carry), and the
sources a signed reconciliation read (``refer_to_sources``).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from byraa.core.agency import identity
from byraa.core.base import periods
from byraa.core.base.bridge import run_sync
from byraa.core.base.errors import UserError
from byraa.core.importers import intake
from byraa.core.store import Store
from byraa.core.store.models import AmeldingSubmission, Employee, Employment
from byraa.core.store.models_reconcile import ReconSource
from byraa.demo.clients import ClientPlan
from byraa.demo.inbox import Submission
from byraa.demo.payroll import MonthResult


def submissions(clients: list[ClientPlan], months: list[MonthResult], ameldinger: list[dict]) -> list[Submission]:
    """The a-melding files behind the planned submissions, in the order they were made.

    The month's last file carries the off-cycle run when there was one; a file that follows
    an accepted one of the month replaces it (``erstatterMeldingsId``), one that follows a
    rejection is simply sent again."""
    off = {(clients[m.client_index].id, m.period) for m in months if m.off_cycle}
    by_month: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in ameldinger:
        by_month[(row["client_id"], row["period"])].append(row)
    out = []
    for key, rows in sorted(by_month.items()):
        for n, row in enumerate(rows):
            previous = rows[n - 1] if n else None
            replaces = previous["message_id"] if previous and previous["status"] != "rejected" else None
            out.append(Submission(row["client_id"], row["period"], row["message_id"], row["submitted_at"],
                                  key in off and n == len(rows) - 1, replaces))
    return out


@contextmanager
def _pinned_clock(today: date) -> Iterator[None]:
    """Every import stamped with the demo's day (``clock.now`` honours ``BYRAA_TODAY``)."""
    before = os.environ.get("BYRAA_TODAY")
    os.environ["BYRAA_TODAY"] = today.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("BYRAA_TODAY", None)
        else:
            os.environ["BYRAA_TODAY"] = before


def run_intake(store: Store, login: str, folder: Path, today: date) -> int:
    """Import every file in ``folder`` with the intake job; returns the files imported.

    A file the intake refuses is a bug in the demo's files, never a user's mistake: it
    stops the build with the file and the reason."""
    who = identity.resolve(store, login)
    with _pinned_clock(today):
        planned = intake.plan(store, who, [folder])
        job_id = intake.start(store, who, planned, worker="demo")
        run_sync(intake.run(store, who, job_id, worker="demo"))  # also from inside an event loop (tests, TUI)
        _, results = intake.results(store, who, job_id)
    refused = [r for r in results if r.outcome == "refused" or r.state != "done"]
    if refused:
        raise UserError("demo.intake_refused", file=Path(refused[0].path).name, reason=refused[0].reason or "?",
                        count=len(refused))
    return sum(1 for r in results if r.outcome in ("imported", "replaced"))


def enrich_register(session: Session, employees: list[dict], employments: list[dict]) -> tuple[dict[int, int],
                                                                                                  dict[int, int]]:
    """Addresses and yearly salaries from the payroll system's employee master onto the
    register the a-meldinger built; returns planned id -> stored id for employees and
    employments (those the a-meldinger reported)."""
    stored = {(c, n): i for i, c, n in session.execute(select(Employee.id, Employee.client_id, Employee.national_id))}
    emp_ids = {e["id"]: stored[(e["client_id"], e["national_id"])] for e in employees
               if (e["client_id"], e["national_id"]) in stored}
    stored_jobs = {(emp, ref): i for i, emp, ref in session.execute(
        select(Employment.id, Employment.employee_id, Employment.employment_ref))}
    employment_ids = {}
    for e in employments:
        key = (emp_ids.get(e["employee_id"]), e["employment_ref"])
        if key in stored_jobs:
            employment_ids[e["id"]] = stored_jobs[key]
    people = [{"b_id": emp_ids[e["id"]], "address": e["address"], "postal_code": e["postal_code"], "city": e["city"]}
              for e in employees if e["id"] in emp_ids]
    table = Employee.__table__  # type: ignore[attr-defined]
    for i in range(0, len(people), 5000):
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            address=bindparam("address"), postal_code=bindparam("postal_code"), city=bindparam("city")),
            people[i:i + 5000])
    salaries = [{"b_id": employment_ids[e["id"]], "annual_salary": e["annual_salary"]}
                for e in employments if e["id"] in employment_ids]
    jobs = Employment.__table__  # type: ignore[attr-defined]
    for i in range(0, len(salaries), 5000):
        session.execute(update(jobs).where(jobs.c.id == bindparam("b_id")).values(
            annual_salary=bindparam("annual_salary")), salaries[i:i + 5000])
    return emp_ids, employment_ids


def apply_feedback_status(session: Session, ameldinger: list[dict]) -> None:
    """a-ordningen's answer on each month's a-melding in force (the newest file): accepted,
    rejected or still pending, with its deviations, as the feedback fetched later says.
    When it was delivered the file says itself (``leveringstidspunkt``)."""
    last: dict[tuple[int, str], dict] = {}
    for row in ameldinger:
        last[(row["client_id"], row["period"])] = row
    by_message = {(r["client_id"], r["period"], r["message_id"]): r for r in last.values()}
    rows = []
    for sub_id, client_id, period, message_id in session.execute(select(
            AmeldingSubmission.id, AmeldingSubmission.client_id, AmeldingSubmission.period,
            AmeldingSubmission.message_id).where(AmeldingSubmission.source_id.is_not(None))):
        planned = by_message.get((client_id, period, message_id))
        if planned is None:
            continue
        rows.append({"b_id": sub_id, "status": planned["status"],
                     "deviations_rejection": planned["deviations_rejection"],
                     "deviations_immediate": planned["deviations_immediate"],
                     "deviations_guideline": planned["deviations_guideline"]})
    table = AmeldingSubmission.__table__  # type: ignore[attr-defined]
    for i in range(0, len(rows), 5000):
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            status=bindparam("status"),
            deviations_rejection=bindparam("deviations_rejection"),
            deviations_immediate=bindparam("deviations_immediate"),
            deviations_guideline=bindparam("deviations_guideline")), rows[i:i + 5000])


def refer_to_sources(session: Session, recon_runs: list[dict]) -> None:
    """Each planned reconciliation run's ``inputs``: the imported a-meldinger and ledgers
    it read, as ``reconcile.run`` records them (January to the month after, active)."""
    wanted = {r["client_id"] for r in recon_runs}
    sources: dict[int, list[ReconSource]] = defaultdict(list)
    if wanted:
        for s in session.scalars(select(ReconSource).where(
                ReconSource.active.is_(True), ReconSource.client_id.in_(sorted(wanted)),
                ReconSource.kind.in_(("amelding", "ledger"))).order_by(ReconSource.id)):
            sources[s.client_id].append(s)
    for run in recon_runs:
        period = run["period"]
        year_start, last = f"{period[:4]}-01", periods.shift(period, 1)
        read = [s for s in sources.get(run["client_id"], [])
                if (s.kind == "amelding" and year_start <= (s.period or "") <= last)
                or (s.kind == "ledger" and (s.period or "") <= last and (s.period_to or "") >= year_start)]
        run["inputs"] = json.dumps([{"id": s.id, "kind": s.kind, "period": s.period, "period_to": s.period_to,
                                     "sha256": s.sha256, "file": s.filename} for s in read], sort_keys=True)


__all__ = ["apply_feedback_status", "enrich_register", "refer_to_sources", "run_intake", "submissions"]
