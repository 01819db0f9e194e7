"""``byraa a07 fetch`` (from a-ordningen into byraa) and ``byraa a07 export`` (ODS or XLSX,
which LibreOffice reads)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, client_option, emit, format_option
from byraa.core.words import formatting, labels
from byraa.core.words.i18n import _


@click.group("a07")
def command() -> None:
    """A07: what a-ordningen holds for a client and month."""


@command.command("export")
@client_option()
@click.option("--period", required=True, metavar="YYYY-MM")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.ods or FILE.xlsx")
@click.option("--overwrite", is_flag=True, help="Replace an existing file.")
def export(org_number: str, period: str, out: Path, overwrite: bool) -> None:
    """Write the stored A07 in byraa's layout (the one `byraa import a07` reads); file 0600."""
    from byraa.core.reconcile import a07 as core_a07

    ws = workspace()
    assert ws.who is not None
    path = core_a07.export(ws.store, ws.who, org_number.replace(" ", ""), period, out, overwrite=overwrite)
    click.echo(_("Wrote {path}.").format(path=path))


@command.command("fetch")
@client_option()
@click.option("--period", required=True, metavar="YYYY-MM", help="The (first) month.")
@click.option("--to", "last", metavar="YYYY-MM", help="The last month (default: the same).")
@click.option("--polls", default=10, show_default=True, type=click.IntRange(1, 100),
              help="How many times to ask whether the report is ready.")
@format_option()
def fetch(org_number: str, period: str, last: str | None, polls: int, fmt: str) -> None:
    """Fetch the A07 from a-ordningen and store it as the client's current A07 per month.

    Exit 0 when every month was stored (or was unchanged), 1 when a month's answer was
    refused (the others are stored), 2 on bad input.
    """
    from byraa.core.reconcile import a07_fetch

    ws = workspace()
    assert ws.who is not None
    months = a07_fetch.fetch_blocking(ws.store, ws.who, org_number.replace(" ", ""), period, last, polls=polls)
    rows = [{"period": m.period, "status": m.status, **{k: m.counts.get(k, 0) for k in (
        "employments", "income_lines", "withholding_lines", "aga_lines")},
        "withholding": m.withholding / 100, "employer_contribution": m.employer_contribution / 100,
        "archive_id": m.archive_id, "error": m.error} for m in months]
    emit(rows, [
        Column("period", _("Period")), Column("status", _("Status"), labels.import_status),
        Column("employments", _("Employments"), right=True), Column("income_lines", _("Income lines"), right=True),
        Column("withholding", _("Withholding"), right=True, show=lambda v: formatting.nok(round(v * 100))),
        Column("employer_contribution", _("Employer's contribution"), right=True,
               show=lambda v: formatting.nok(round(v * 100))),
        Column("error", _("Error")),
    ], fmt)
    if any(m.status == "error" for m in months):
        sys.exit(1)
