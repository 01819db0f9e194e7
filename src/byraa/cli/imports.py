"""``byraa import taxcards FILE...``: files from outside into the store, all-or-nothing per file."""

from __future__ import annotations

from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, client_option, emit, existing_paths, format_option
from byraa.core.words.i18n import _


@click.group("import")
def command() -> None:
    """Import files into the store."""


@command.command("taxcards")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path),
                callback=existing_paths)
@format_option()
def taxcards(files: tuple[Path, ...], fmt: str) -> None:
    """Tax-card answers (XML v3 from Skatteetaten's portal, or the API's JSON).

    Every employer in a file must be a client; otherwise nothing is imported (exit 2).
    Persons not yet registered on the client are added as employees.
    """
    from byraa.core import taxcards as core_taxcards

    ws = workspace()
    assert ws.who is not None
    summary = core_taxcards.import_files(ws.store, ws.who, list(files))
    errors = [e.__dict__ for e in summary.errors]
    if fmt == "json":
        emit(errors, [], fmt, extra={
            "files": summary.files, "persons": summary.persons, "cards": summary.cards,
            "unchanged": summary.unchanged, "new_employees": summary.new_employees,
            "errors": len(summary.errors), "archive_ids": summary.archive_ids,
        })
        return
    columns = [Column("file", _("File")), Column("org_number", _("Org. no.")),
               Column("national_id", _("National id")), Column("reason", _("Error"))]
    if fmt == "csv":
        emit(errors, columns, fmt)
        return
    click.echo(_("Files: {files}  Persons: {persons}  Cards: {cards}  Unchanged: {unchanged}  "
                 "New employees: {new}  Errors: {errors}").format(
        files=summary.files, persons=summary.persons, cards=summary.cards, unchanged=summary.unchanged,
        new=summary.new_employees, errors=len(summary.errors)))
    if errors:
        click.echo("")
        emit(errors, columns, fmt)


@command.command("journal")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@client_option("org")
@format_option()
def journal(files: tuple[Path, ...], org: str, fmt: str) -> None:
    """Payroll posting journals (CSV or XLSX), one payroll run per file, all or nothing per file."""
    from byraa.core.posting.journal import import_journal

    ws = workspace()
    assert ws.who is not None
    rows = []
    for path in files:
        r = import_journal(ws.store, ws.who, path, client=org.replace(" ", ""))
        rows.append({"file": path.name, "run": r.run.label(), "status": r.status, "lines": r.lines,
                     "sum": r.totals.get("sum")})
    emit(rows, [Column("file", _("File")), Column("run", _("Payroll run")), Column("status", _("Status"), _),
                Column("lines", _("Lines"), right=True),
                Column("sum", _("Sum"), lambda v: "" if v is None else f"{v / 100:.2f}", right=True)], fmt)


# ``amelding``, ``a07`` and ``ledger`` live in ``imports_payroll``.
from byraa.cli import imports_payroll as _payroll  # noqa: E402

_payroll.register(command)
