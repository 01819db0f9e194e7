"""``byraa groups list|show|add|remove|create|rename|delete|board``."""

from __future__ import annotations

import click

from byraa.cli.clients import client_columns, client_dict
from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.base import clock, periods
from byraa.core.clients import groups as core_groups
from byraa.core.clients import registry as core_clients
from byraa.core.words import formatting, labels
from byraa.core.words.i18n import _, ngettext


@click.group("groups")
def command() -> None:
    """Client groups and the pay-day board."""


@command.command("list")
@format_option()
def list_(fmt: str) -> None:
    """List groups with their client counts."""
    ws = workspace()
    rows = [{"name": g.name, "description": g.description, "clients": g.clients}
            for g in core_groups.list_groups(ws.store)]
    emit(rows, [Column("name", _("Group")), Column("clients", _("Clients"), formatting.count, right=True),
                Column("description", _("Description"))], fmt)


@command.command("show")
@click.argument("name")
@format_option()
def show(name: str, fmt: str) -> None:
    """List the clients of one group."""
    ws = workspace()
    assert ws.who is not None
    rows = core_clients.list_clients(ws.store, ws.who, group=name)
    emit([client_dict(r) for r in rows], client_columns(), fmt)


@command.command("create")
@click.argument("name")
@click.option("--description", help="What the group is for.")
def create(name: str, description: str | None) -> None:
    """Create a group."""
    ws = workspace()
    assert ws.who is not None
    core_groups.create_group(ws.store, ws.who, name, description)
    click.echo(_("Created group {name}.").format(name=name))


@command.command("rename")
@click.argument("name")
@click.argument("new_name")
def rename(name: str, new_name: str) -> None:
    """Rename a group."""
    ws = workspace()
    assert ws.who is not None
    core_groups.rename_group(ws.store, ws.who, name, new_name)
    click.echo(_("Renamed group {name} to {new}.").format(name=name, new=new_name))


@command.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Delete it even though it holds clients (the clients are kept).")
def delete(name: str, yes: bool) -> None:
    """Delete a group (its clients are kept); one holding clients needs --yes."""
    ws = workspace()
    assert ws.who is not None
    n = core_groups.delete_group(ws.store, ws.who, name, holding_clients=yes)
    click.echo(ngettext("Deleted group {name} ({n} client was in it).",
                        "Deleted group {name} ({n} clients were in it).", n).format(name=name, n=n))


@command.command("add")
@click.argument("name")
@click.argument("org_numbers", nargs=-1, required=True)
def add(name: str, org_numbers: tuple[str, ...]) -> None:
    """Put clients (by organisation number) in a group."""
    ws = workspace()
    assert ws.who is not None
    n = core_groups.add_clients(ws.store, ws.who, name, org_numbers=list(org_numbers))
    click.echo(ngettext("Added {n} client to {name}.", "Added {n} clients to {name}.", n).format(n=n, name=name))


@command.command("remove")
@click.argument("name")
@click.argument("org_numbers", nargs=-1, required=True)
def remove(name: str, org_numbers: tuple[str, ...]) -> None:
    """Take clients (by organisation number) out of a group."""
    ws = workspace()
    assert ws.who is not None
    n = core_groups.remove_clients(ws.store, ws.who, name, org_numbers=list(org_numbers))
    click.echo(ngettext("Removed {n} client from {name}.", "Removed {n} clients from {name}.", n)
               .format(n=n, name=name))


def _yes_no(value: bool | None) -> str:
    return "–" if value is None else (_("yes") if value else _("no"))


@command.command("board")
@click.argument("name")
@click.option("--period", metavar="YYYY-MM", help="The month (default: this month).")
@click.option("--open", "only_open", is_flag=True, help="Only clients not yet closed and reported.")
@format_option()
def board(name: str, period: str | None, only_open: bool, fmt: str) -> None:
    """The group's pay-day board for a month."""
    ws = workspace()
    assert ws.who is not None
    result = core_groups.board(ws.store, ws.who, name, period or periods.period_of(clock.today()), only_open=only_open)
    rows = [
        {"org_number": r.org_number, "name": r.name, "pay_day": r.pay_day, "run_status": r.run_status,
         "posting_status": r.posting_status,
         "amelding_status": r.amelding_status, "worst_deviation": r.worst_deviation,
         "reconciliation_signed": r.reconciliation_signed,
         "reconciliation_version": r.reconciliation.latest_version if r.reconciliation else None,
         "reconciliation_signed_version": r.reconciliation.signed_version if r.reconciliation else None,
         "tax_cards_current": r.tax_cards_current, "responsible": list(r.responsible), "done": r.done}
        for r in result.rows
    ]
    if fmt == "table":  # "signert v1, v2 åpen" rather than a bare "nei" when a signed month was run again
        for row in rows:
            row["reconciliation"] = labels.board_signed(row["reconciliation_signed_version"],
                                                        row["reconciliation_version"]) or "–"
    columns = [
        Column("org_number", _("Org. no.")), Column("name", _("Client")),
        Column("pay_day", _("Pay day"), formatting.pay_day, right=True),
        Column("run_status", _("Payroll run"), lambda s: _(s)),
        Column("amelding_status", _("A-melding"), lambda s: _(s)),
        Column("worst_deviation", _("Deviation"), lambda s: _(s)),
        Column("reconciliation" if fmt == "table" else "reconciliation_signed", _("Reconciled"),
               str if fmt == "table" else _yes_no),
        Column("tax_cards_current", _("Tax cards"), _yes_no),
        Column("responsible", _("Responsible"), ", ".join),
    ]
    if fmt == "json":
        emit(rows, columns, "json", extra={"group": name, "period": result.period, "total": result.total,
                                           "done": result.done})
        return
    emit(rows, columns, fmt)
    if fmt == "table":
        click.echo(_("{done} of {total} closed and reported").format(done=result.done, total=result.total))
