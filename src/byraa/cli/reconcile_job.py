"""``byraa reconcile --job`` / ``--resume``: the clients of a reconciliation as a durable job.

Progress on stderr (one line per client, in the user's words), then a row per client
(the outcome in words in the table, as a code in JSON and CSV).
"""

from __future__ import annotations

import sys

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit
from byraa.core.base.bridge import run_sync
from byraa.core.words import labels
from byraa.core.words.i18n import _


def run_job(org_number: str | None, group_name: str | None, period: str | None, method: str,
            resume_job: int | None, fmt: str, *, fetch_a07: bool = False, include_signed: bool = False) -> None:
    """``--job`` / ``--resume``: the clients as a durable job, progress on stderr, a row per client.

    Exit 0 when every client is equal, 1 when some have differences, 2 when a client
    failed (no access, bad input) or the job did not finish.
    """
    from byraa.core.base import periods
    from byraa.core.base.errors import UserError
    from byraa.core.clients import registry as core_clients
    from byraa.core.reconcile import job as reconcile_job

    ws = workspace()
    assert ws.who is not None
    if resume_job is None:
        if not period or not (org_number or group_name) or (org_number and group_name):
            raise UserError("cli.reconcile_target")
        periods.parse_period(period)
        if group_name:
            targets = [c.org_number for c in core_clients.list_clients(ws.store, ws.who, group=group_name)]
        else:
            targets = [org_number.replace(" ", "")]  # type: ignore[union-attr]
        job_id = reconcile_job.start_reconcile_job(ws.store, ws.who, targets, period, method, fetch_a07=fetch_a07,
                                                   include_signed=include_signed)
        click.echo(_("byraa: reconcile job {job} started ({n} clients)").format(job=job_id, n=len(targets)),
                   err=True)
    else:
        job_id = resume_job

    def progress(p) -> None:  # noqa: ANN001
        if p.message:  # a line per client, in the user's words
            click.echo(f"byraa: {p.items_finished}/{p.items_total} {p.message}", err=True)

    info = run_sync(reconcile_job.run_reconcile_job(ws.store, ws.who, job_id, on_progress=progress))
    info, results = reconcile_job.job_results(ws.store, ws.who, job_id)
    rows = [{"job": job_id, "client": r.org_number, "name": r.name, "state": r.state, "outcome": r.outcome,
             "run": r.run_id, "version": r.version, "rows": r.rows, "differences": r.differences, "error": r.error}
            for r in results]
    emit(rows, [Column("client", _("Org. no.")), Column("name", _("Client")), Column("outcome", _("Result"), labels.reconcile_outcome),
                Column("differences", _("Differences"), right=True), Column("run", _("Run"), right=True),
                Column("version", _("Version"), right=True), Column("error", _("Error"))], fmt,
         extra={"job": job_id, "status": info.status, "period": info.params.get("period")})
    if info.status != "done" or any(r.outcome == "error" for r in results):
        sys.exit(2)
    sys.exit(1 if any(r.outcome == "differences" for r in results) else 0)
