"""Payroll-side, A07 and ledger imports, and ``byraa employees list``.

``register(group)`` adds ``amelding``, ``a07`` and ``ledger`` to the ``byraa import``
group of ``byraa.cli.imports``; this module's own ``command`` is the ``employees``
group (``SUBCOMMANDS["employees"]``).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, client_option, emit, existing_paths, format_option
from byraa.core.words import formatting, labels
from byraa.core.words.i18n import _


def _report(results: list, fmt: str) -> None:  # noqa: ANN001
    data = [{"file": Path(r.path).name, "kind": r.kind, "client": r.client, "period": r.period,
             "status": r.status, "archive_id": r.archive_id,
             "counts": ", ".join(f"{k} {v}" for k, v in r.counts.items() if v),
             "notes": "; ".join(r.notes)} for r in results]
    emit(data, [Column("file", _("File")), Column("client", _("Org. no.")), Column("period", _("Period")),
                Column("status", _("Status"), labels.import_status), Column("counts", _("Imported")),
                Column("notes", _("Notes"))], fmt)


@click.command("amelding")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), callback=existing_paths)
@format_option()
def amelding(paths: tuple[Path, ...], fmt: str) -> None:
    """A-melding XML files (v2_0..v2_3), or folders of them: the payroll side.

    Each file is all or nothing; the client (opplysningspliktig) must exist (exit 2).
    """
    from byraa.core.importers.amelding import import_many

    ws = workspace()
    assert ws.who is not None
    _report(import_many(ws.store, ws.who, list(paths)), fmt)


@click.command("a07")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path),
                callback=existing_paths)
@click.option("--client", "org_number", metavar="ORGNR", help="Refuse the file unless it is for this client.")
@click.option("--period", metavar="YYYY-MM", help="Refuse the file unless it is for this month.")
@format_option()
def a07(path: Path, org_number: str | None, period: str | None, fmt: str) -> None:
    """An A07 (a-ordningen's side): byraa's JSON, or ODS/XLSX in byraa's export layout."""
    from byraa.core.reconcile import a07 as core_a07

    ws = workspace()
    assert ws.who is not None
    _report([core_a07.import_a07(ws.store, ws.who, path, client=org_number, period=period)], fmt)


@click.command("ledger")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path),
                callback=existing_paths)
@click.option("--client", "org_number", metavar="ORGNR", help="The client (required for CSV; checked for SAF-T).")
@format_option()
def ledger(path: Path, org_number: str | None, fmt: str) -> None:
    """A ledger: SAF-T Financial XML or CSV (account, period, amount)."""
    from byraa.core.importers.ledger import import_ledger

    ws = workspace()
    assert ws.who is not None
    _report([import_ledger(ws.store, ws.who, path, client=org_number)], fmt)


def register(group: click.Group) -> None:
    for cmd in (amelding, a07, ledger):
        group.add_command(cmd)


@click.group("employees")
def command() -> None:
    """A client's employees and employments as byraa holds them."""


def _nok(value: int | None) -> str:
    return "" if value is None else formatting.nok(value)


@command.command("list")
@client_option()
@click.option("--period", metavar="YYYY-MM", help="Employments in force in the month, with its income and withholding.")
@click.option("--reveal", is_flag=True, help="Show full national ids (audited).")
@format_option()
def list_(org_number: str, period: str | None, reveal: bool, fmt: str) -> None:
    """Employees with their employments, income and withholding as stored."""
    from byraa.core.clients.employees import list_employees

    ws = workspace()
    assert ws.who is not None
    rows = list_employees(ws.store, ws.who, org_number.replace(" ", ""), period=period, reveal=reveal)
    data = []
    for r in rows:
        d = asdict(r)
        if fmt != "table":
            d["income"] = None if r.income is None else r.income / 100
            d["withholding"] = None if r.withholding is None else r.withholding / 100
        data.append(d)
    emit(data, [
        Column("national_id", _("National id")), Column("name", _("Name")), Column("employment_ref", _("Employment")),
        Column("sub_unit", _("Sub-unit")), Column("employment_type", _("Type"), labels.employment_type),
        Column("start_date", _("Start"), formatting.day), Column("end_date", _("End"), formatting.day),
        Column("occupation_code", _("Occupation")), Column("position_pct", _("Position %"), lambda v: labels.value(v, "hours"), right=True),
        Column("hours_full_week", _("Hours"), lambda v: labels.value(v, "hours"), right=True), Column("leave", _("Leave")),
        Column("income", _("Income"), _nok, right=True), Column("withholding", _("Withholding"), _nok, right=True),
    ], fmt)


@command.command("send")
@client_option()
@click.option("--employee", required=True, metavar="NUMBER|ID",
              help="The employee number or the (masked) national id.")
@click.option("--period", metavar="YYYY-MM", help="The month to send for (default: this month).")
@click.option("--with-leave", "with_leaves", multiple=True, type=int, metavar="ID",
              help="An older ended leave to send along (repeat for more).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and store nothing.")
@format_option()
def send(org_number: str, employee: str, period: str | None, with_leaves: tuple[int, ...], dry_run: bool,
         fmt: str) -> None:
    """Send an employee's employments to a-ordningen (an a-melding), with open leaves and chosen older ones."""
    import sys

    from byraa.core.reconcile import employment_send

    ws = workspace()
    assert ws.who is not None
    result = employment_send.send_blocking(ws.store, ws.who, org_number.replace(" ", ""), employee, period,
                                           with_leaves=with_leaves, dry_run=dry_run)
    plan, c = result.plan, result.correction
    sent = {lv.id for lv in plan.leaves if lv.in_period or lv.id in result.with_leaves}
    data = [{"client": plan.org_number, "employee": plan.national_id, "name": plan.name, "period": plan.period,
             "employments": ", ".join(e.employment_ref for e in plan.employments),
             "leaves": [{"id": lv.id, "start": lv.start_date.isoformat(),
                         "end": lv.end_date.isoformat() if lv.end_date else None, "description": lv.description,
                         "sent": lv.id in sent} for lv in plan.leaves],
             "message_id": result.message["leveranse"]["meldingsId"], "replaces": result.replaces,
             "status": result.status, "detail": c.detail if c else None, "correction": c.id if c else None,
             "archive_id": result.archive_id}]
    if fmt != "json":
        for row in data:
            row["leaves"] = ", ".join(f"{lv['id']}{'' if lv['sent'] else ' (-)'}" for lv in row["leaves"])
    emit(data, [Column("employee", _("National id")), Column("name", _("Name")), Column("period", _("Period")),
                Column("employments", _("Employment")), Column("leaves", _("Leave")),
                Column("status", _("Status"), labels.correction_status), Column("detail", _("Notes"))], fmt)
    if result.status in ("rejected", "pending"):
        sys.exit(1)
