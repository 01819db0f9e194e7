"""``byraa clients list|add``: the agency's clients."""

from __future__ import annotations

from dataclasses import asdict

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.clients import registry as core_clients
from byraa.core.words import formatting
from byraa.core.words.i18n import _


@click.group("clients")
def command() -> None:
    """The agency's clients."""


def client_columns() -> list[Column]:
    return [
        Column("org_number", _("Org. no.")),
        Column("name", _("Client")),
        Column("status", _("Status"), lambda s: _(s)),
        Column("pay_day", _("Pay day"), formatting.pay_day, right=True),
        Column("responsible", _("Responsible"), ", ".join),
        Column("groups", _("Groups"), ", ".join),
        Column("last_amelding_period", _("A-melding")),
        Column("last_amelding_status", _("Status"), lambda s: _(s)),
        Column("employees", _("Employees"), formatting.count, right=True),
    ]


@command.command("list")
@click.option("--group", help="Only clients in this group.")
@click.option("--responsible", metavar="LOGIN", help="Only clients where LOGIN is responsible.")
@click.option("--mine", is_flag=True, help="Only clients I hold a grant on.")
@click.option("--filter", "needle", default="", help="Only rows matching every word (any column).")
@format_option()
def list_(group: str | None, responsible: str | None, mine: bool, needle: str, fmt: str) -> None:
    """List clients with status, pay day, responsible, groups and latest a-melding."""
    ws = workspace()
    assert ws.who is not None
    rows = core_clients.list_clients(ws.store, ws.who, group=group, responsible=responsible, only_mine=mine)
    rows = core_clients.filter_rows(rows, needle)
    emit([client_dict(r) for r in rows], client_columns(), fmt)


def client_dict(row: core_clients.ClientRow) -> dict:
    data = asdict(row)
    data.pop("responsible_names")
    return data


@command.command("add")
@click.argument("org_number")
@click.option("--name", required=True, help="The client's name.")
@click.option("--pay-day", type=click.IntRange(1, 31), default=20, show_default=True,
              help="Day of month wages are paid (31 = last day).")
def add(org_number: str, name: str, pay_day: int) -> None:
    """Register a new client (agency managers only)."""
    ws = workspace()
    assert ws.who is not None
    row = core_clients.add_client(ws.store, ws.who, org_number, name, pay_day=pay_day)
    click.echo(_("Added client {org} {name}.").format(org=row.org_number, name=row.name))
