"""``byraa intake PATH...``: the month's files from the clients' payroll systems, in one job.

Files and folders (recursively); each file's kind, client and month come from its
content. Progress goes to stderr, the outcome per file to stdout. Exit 0 when every file
was imported, unchanged or replaced; 1 when some were refused; 2 for a bad invocation
(a path that does not exist, no paths).
"""

from __future__ import annotations

from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, existing_paths, format_option
from byraa.core.base.bridge import run_sync
from byraa.core.base.errors import UserError
from byraa.core.words import formatting, labels
from byraa.core.words.i18n import _


def _columns(words) -> list[Column]:  # noqa: ANN001
    return [Column("file", _("File")), Column("client", _("Org. no.")), Column("kind", _("Kind"), labels.intake_kind),
            Column("period", _("Period")), Column("outcome", _("Outcome"), words), Column("reason", _("Reason"))]


@click.command("intake")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), callback=existing_paths)
@click.option("--dry-run", is_flag=True, help="Only say what would happen to each file.")
@click.option("--resume", is_flag=True, help="Resume the newest interrupted intake job.")
@format_option(("table", "json"))
def command(paths: tuple[Path, ...], dry_run: bool, resume: bool, fmt: str) -> None:
    """Take in files and folders: a-meldinger, A07, SAF-T, tax-card answers."""
    from byraa.core.importers import intake

    if resume and paths:
        raise UserError("intake.paths_and_resume")
    if not resume and not paths:
        raise UserError("intake.no_paths")
    ws = workspace()
    assert ws.who is not None
    if resume:
        jobs = intake.interrupted(ws.store, ws.who)
        if not jobs:
            raise UserError("intake.no_interrupted_job")
        job_id = jobs[0].id
    else:
        planned = intake.plan(ws.store, ws.who, list(paths))
        if dry_run:
            rows = [{"file": f.path, "client": f.client, "client_name": f.client_name, "kind": f.kind,
                     "period": f.period, "period_to": f.period_to, "outcome": f.action, "reason": f.reason, "size": f.size}
                    for f in planned]
            _print(rows, fmt, {"dry_run": True, "counts": _count(rows)})
            click.get_current_context().exit(1 if any(r["outcome"] == "refused" for r in rows) else 0)
        job_id = intake.start(ws.store, ws.who, planned)
        click.echo(_("byraa: intake job {job}: {files} file(s)").format(job=job_id, files=len(planned)), err=True)

    def progress(p) -> None:  # noqa: ANN001
        if p.message:
            click.echo(f"byraa: {p.items_finished}/{p.items_total} {p.message}", err=True)

    info = run_sync(intake.run(ws.store, ws.who, job_id, on_progress=progress))
    info, results = intake.results(ws.store, ws.who, job_id)
    rows = [{"file": r.path, "client": r.client, "client_name": r.client_name, "kind": r.kind, "period": r.period,
             "period_to": r.period_to, "outcome": r.outcome, "reason": r.reason, "notes": r.notes} for r in results]
    _print(rows, fmt, {"job": job_id, "status": info.status, "counts": _count(rows)})
    click.get_current_context().exit(1 if any(r["outcome"] == "refused" for r in rows) else 0)


def _count(rows: list[dict]) -> dict[str, int]:
    counts = {"imported": 0, "unchanged": 0, "replaced": 0, "refused": 0}
    for r in rows:
        if r["outcome"] in counts:
            counts[r["outcome"]] += 1
    return counts


def _print(rows: list[dict], fmt: str, extra: dict) -> None:
    if fmt == "json":
        emit(rows, [], "json", extra=extra)
        return
    shown = [{**r, "file": Path(r["file"]).name, "period": formatting.period_span(r["period"], r["period_to"])}
             for r in rows]
    c = extra["counts"]
    if extra.get("dry_run"):  # nothing was done: say what will be
        emit(shown, _columns(labels.intake_action), "table")
        click.echo(_("To import {imported}, unchanged {unchanged}, to replace {replaced}, to refuse {refused}").format(**c))
        return
    emit(shown, _columns(labels.intake_outcome), "table")
    click.echo(_("Imported {imported}, unchanged {unchanged}, replaced {replaced}, refused {refused}").format(**c))
