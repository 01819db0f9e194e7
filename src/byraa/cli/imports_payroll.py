"""Payroll-side, A07 and ledger imports, and ``byraa employees list`` (issue 5).

``register(group)`` adds ``amelding``, ``a07`` and ``ledger`` to the ``byraa import``
group of ``byraa.cli.imports``; this module's own ``command`` is the ``employees``
group (``SUBCOMMANDS["employees"]``).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, existing_paths, format_option
from byraa.core.words import formatting
from byraa.core.words.i18n import _


def _report(results: list, fmt: str) -> None:  # noqa: ANN001
    data = [{"file": Path(r.path).name, "kind": r.kind, "client": r.client, "period": r.period,
             "status": r.status, "archive_id": r.archive_id,
             "counts": ", ".join(f"{k} {v}" for k, v in r.counts.items() if v),
             "notes": "; ".join(r.notes)} for r in results]
    emit(data, [Column("file", _("File")), Column("client", _("Org. no.")), Column("period", _("Period")),
                Column("status", _("Status")), Column("counts", _("Imported")), Column("notes", _("Notes"))], fmt)


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
@click.option("--client", "org_number", required=True, metavar="ORGNR")
@click.option("--period", metavar="YYYY-MM", help="Employments in force in the month, with its income and withholding.")
@click.option("--reveal", is_flag=True, help="Show full national ids (audited).")
@format_option()
def list_(org_number: str, period: str | None, reveal: bool, fmt: str) -> None:
    """Employees with their employments, income and withholding as stored."""
    from byraa.core.importers.amelding import list_employees

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
        Column("sub_unit", _("Sub-unit")), Column("employment_type", _("Type")),
        Column("start_date", _("Start"), formatting.day), Column("end_date", _("End"), formatting.day),
        Column("occupation_code", _("Occupation")), Column("position_pct", _("Position %"), lambda v: f"{v:g}", right=True),
        Column("hours_full_week", _("Hours"), lambda v: f"{v:g}", right=True), Column("leave", _("Leave")),
        Column("income", _("Income"), _nok, right=True), Column("withholding", _("Withholding"), _nok, right=True),
    ], fmt)
