"""``byraa addresses``: employees' addresses vs the population register, sub-units vs
Enhetsregisteret; exit 1 when there are differences. ``byraa addresses register on|off``
records whether the agency has access to a population register (managers)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.words.i18n import _


def _field(code: str) -> str:
    from byraa.core.words.posting import address_field

    return address_field(code)


@click.group("addresses", invoke_without_command=True)
@click.option("--client", "org", metavar="ORGNR", help="The client's org number.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the differences: .csv or .xlsx (0600).")
@click.option("--overwrite", is_flag=True)
@click.option("--reveal", is_flag=True, help="National ids unmasked (audited).")
@format_option()
@click.pass_context
def command(ctx: click.Context, org: str | None, out: Path | None, overwrite: bool, reveal: bool, fmt: str) -> None:
    """Address differences of a client: people vs the population register, sub-units vs Enhetsregisteret."""
    if ctx.invoked_subcommand is not None:
        return
    from byraa.core.agency import audit
    from byraa.core.base.errors import UserError
    from byraa.core.clients import addresses

    if not org:
        raise UserError("addresses.client_missing")
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError("addresses.out_extension", path=str(out))
    ws = workspace()
    assert ws.who is not None
    result = addresses.compare_client(ws.store, ws.who, org)
    if reveal and result.people:
        with ws.store.session() as session:
            audit.record(session, actor=ws.who.login, action="national_id.reveal", entity="client",
                         after={"what": "address differences", "client": org, "people": len(result.people)})
    rows = addresses.rows(result, unmasked=reveal)
    if out is not None:
        from byraa.core.clients.reports import Report, ReportColumn
        from byraa.core.files import spreadsheet

        report = Report("addresses", _("Address differences"), (
            ReportColumn("kind", _("Kind")), ReportColumn("id", _("Id")), ReportColumn("name", _("Name")),
            ReportColumn("payroll", _("In payroll")), ReportColumn("register", _("In the register")),
            ReportColumn("fields", _("Differs")), ReportColumn("aga_zone", _("AGA zone")),
            ReportColumn("zone_check", _("Check the zone"))),
            [{**r, "fields": ", ".join(_field(f) for f in r["fields"]),  # type: ignore[union-attr]
              "zone_check": _("yes") if r["zone_check"] else ""} for r in rows])
        (spreadsheet.write_csv if out.suffix.lower() == ".csv" else spreadsheet.write_xlsx)(
            report, out, overwrite=overwrite)
    columns = [Column("kind", _("Kind"), lambda v: _("person") if v == "person" else _("sub-unit")),
               Column("id", _("Id")), Column("name", _("Name")), Column("payroll", _("In payroll")),
               Column("register", _("In the register")),
               Column("fields", _("Differs"), lambda v: ", ".join(_field(f) for f in v)),
               Column("zone_check", _("AGA zone"), lambda v: _("check the zone") if v else "")]
    emit(rows, columns, fmt, extra={"client": org, "population_register": result.register,
                                    "people_checked": result.people_checked, "sub_units_checked": result.units_checked}
         if fmt == "json" else None)
    if fmt == "table":
        click.echo("")
        if not result.register:
            click.echo(_("The agency has no access to a population register: only the sub-units were compared "
                         "(byraa addresses register on)."))
        click.echo(_("{people} person(s) and {units} sub-unit(s) checked: {differences} difference(s).").format(
            people=result.people_checked, units=result.units_checked, differences=len(rows)))
        if out is not None:
            click.echo(str(out))
    if rows:
        sys.exit(1)


@command.command("register")
@click.argument("state", type=click.Choice(["on", "off"]), required=False)
def register(state: str | None) -> None:
    """Show or set whether the agency has access to a population register (managers set it)."""
    from byraa.core.clients import addresses

    ws = workspace()
    assert ws.who is not None
    on = addresses.population_register(ws.store) if state is None else \
        addresses.set_population_register(ws.store, ws.who, state == "on")
    click.echo(_("Population register: {state}").format(state=_("on") if on else _("off")))
