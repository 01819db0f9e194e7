"""``byraa reports usage|my-clients|term|automation``: the standard reports, as table, CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit
from byraa.core.base import clock, periods
from byraa.core.base.errors import UserError
from byraa.core.clients import reports as core_reports
from byraa.core.files import spreadsheet
from byraa.core.words import formatting
from byraa.core.words.i18n import _

_SHOW = {
    "nok": lambda v: formatting.nok(v),
    "int": formatting.count,
    "percent": formatting.percent,
    "date": formatting.day,
}


def _deliver(report: core_reports.Report, fmt: str, out: Path | None, overwrite: bool) -> None:
    if out is not None:
        spreadsheet.check_report_path(out)
    if fmt == "xlsx" or (out is not None and out.suffix.lower() == ".xlsx"):
        if out is None:
            raise UserError("cli.xlsx_needs_out")
        spreadsheet.write_xlsx(report, out, overwrite=overwrite)
        click.echo(_("Wrote {n} rows to {path}.").format(n=len(report.rows), path=out))
        return
    if out is not None:
        spreadsheet.write_csv(report, out, overwrite=overwrite)
        click.echo(_("Wrote {n} rows to {path}.").format(n=len(report.rows), path=out))
        return
    columns = [Column(c.key, c.header, c.words or _SHOW.get(c.kind, str), right=c.kind != "text") for c in report.columns]
    if fmt == "csv":
        rows = [{k: (v / 100 if c.kind == "nok" and v is not None else v) for c in report.columns
                 for k, v in [(c.key, r.get(c.key))]} for r in report.rows]
        emit(rows, columns, "csv")
        return
    emit(report.rows, columns, fmt)


def _options(fn):  # noqa: ANN001, ANN202
    fn = click.option("--group", metavar="GROUP", help="Only the clients of this group (e.g. \"Utbetaling 20.\").")(fn)
    fn = click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")(fn)
    fn = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (.csv or .xlsx).")(fn)
    fn = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
                      show_default=True)(fn)
    return fn


def _range(first: str | None, last: str | None) -> tuple[str, str]:
    last = last or periods.period_of(clock.today())
    return first or periods.shift(last, -11), last


@click.group("reports")
def command() -> None:
    """Standard reports for the agency."""


@command.command("usage")
@click.option("--from", "first", metavar="YYYY-MM", help="First month (default: 11 months before --to).")
@click.option("--to", "last", metavar="YYYY-MM", help="Last month (default: this month).")
@_options
def usage(first: str | None, last: str | None, fmt: str, out: Path | None, overwrite: bool,
          group: str | None) -> None:
    """Usage log: payslips and travel/expense claims per client per month."""
    ws = workspace()
    assert ws.who is not None
    _deliver(core_reports.usage_log(ws.store, ws.who, *_range(first, last), group=group), fmt, out, overwrite)


@command.command("my-clients")
@_options
def my_clients(fmt: str, out: Path | None, overwrite: bool,
          group: str | None) -> None:
    """My clients with their status."""
    ws = workspace()
    assert ws.who is not None
    _deliver(core_reports.my_clients(ws.store, ws.who, group=group), fmt, out, overwrite)


@command.command("term")
@click.option("--year", type=int, required=True)
@click.option("--term", type=click.IntRange(1, 6), required=True, help="1 = Jan–Feb … 6 = Nov–Dec.")
@_options
def term(year: int, term: int, fmt: str, out: Path | None, overwrite: bool,
          group: str | None) -> None:
    """Term report: withholding and employer's contribution per client, with the due date."""
    ws = workspace()
    assert ws.who is not None
    _deliver(core_reports.term_report(ws.store, ws.who, year, term, group=group), fmt, out, overwrite)


@command.command("automation")
@click.option("--from", "first", metavar="YYYY-MM")
@click.option("--to", "last", metavar="YYYY-MM")
@_options
def automation(first: str | None, last: str | None, fmt: str, out: Path | None, overwrite: bool,
          group: str | None) -> None:
    """Degree of automation per client."""
    ws = workspace()
    assert ws.who is not None
    _deliver(core_reports.automation(ws.store, ws.who, *_range(first, last), group=group), fmt, out, overwrite)
