"""``byraa access list|staff|grant|revoke|copy|review``: who may work on which client."""

from __future__ import annotations

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.agency import access_admin
from byraa.core.words import labels
from byraa.core.words.i18n import _, ngettext


@click.group("access")
def command() -> None:
    """Staff, roles and per-client access (changes: agency managers only)."""


@command.command("list")
@click.option("--user", "login", metavar="LOGIN", help="Only this user's grants (clients by user).")
@click.option("--client", "org_number", metavar="ORGNR", help="Only this client's grants (users by client).")
@format_option()
def list_(login: str | None, org_number: str | None, fmt: str) -> None:
    """List grants: which staff have access to which clients."""
    ws = workspace()
    rows = [g.__dict__ for g in access_admin.list_grants(ws.store, login=login, org_number=org_number)]
    emit(rows, [Column("login", _("Login")), Column("user_name", _("Name")),
                Column("org_number", _("Org. no.")), Column("client_name", _("Client")),
                Column("role", _("Role"), lambda s: _(s))], fmt)


@command.command("staff")
@format_option()
def staff(fmt: str) -> None:
    """List staff with their roles and grant counts."""
    ws = workspace()
    rows = [s.__dict__ for s in access_admin.list_staff(ws.store)]
    emit(rows, [Column("login", _("Login")), Column("name", _("Name")), Column("role", _("Role"), lambda s: _(s)),
                Column("active", _("Active"), lambda a: _("yes") if a else _("no")),
                Column("responsible", _("Responsible"), str, right=True),
                Column("associate", _("Associate"), str, right=True)], fmt)


@command.command("grant")
@click.argument("login")
@click.argument("org_numbers", nargs=-1, required=True)
@click.option("--role", type=click.Choice(["responsible", "associate"]), default="associate", show_default=True)
def grant(login: str, org_numbers: tuple[str, ...], role: str) -> None:
    """Give LOGIN the same role on every client named."""
    ws = workspace()
    assert ws.who is not None
    n = access_admin.grant(ws.store, ws.who, login, role, org_numbers=list(org_numbers))
    click.echo(ngettext("{n} grant changed for {login}.", "{n} grants changed for {login}.", n)
               .format(n=n, login=login))


@command.command("revoke")
@click.argument("login")
@click.argument("org_numbers", nargs=-1)
@click.option("--all", "all_clients", is_flag=True, help="End the user's access to every client.")
def revoke(login: str, org_numbers: tuple[str, ...], all_clients: bool) -> None:
    """End LOGIN's access to the clients named (or --all)."""
    ws = workspace()
    assert ws.who is not None
    n = access_admin.revoke(ws.store, ws.who, login, org_numbers=list(org_numbers), all_clients=all_clients)
    click.echo(ngettext("{n} grant ended for {login}.", "{n} grants ended for {login}.", n).format(n=n, login=login))


@command.command("copy")
@click.argument("source")
@click.argument("target")
def copy(source: str, target: str) -> None:
    """Give TARGET every grant SOURCE has."""
    ws = workspace()
    assert ws.who is not None
    n = access_admin.copy_access(ws.store, ws.who, source, target)
    click.echo(ngettext("{n} grant changed for {login}.", "{n} grants changed for {login}.", n)
               .format(n=n, login=target))


@command.command("review")
@format_option()
def review(fmt: str) -> None:
    """Access review: leavers with access, clients without responsible, and more."""
    ws = workspace()
    assert ws.who is not None
    rows = [f.__dict__ for f in access_admin.review(ws.store, ws.who)]
    emit(rows, [Column("kind", _("Finding"), labels.access_finding), Column("login", _("Login")),
                Column("org_number", _("Org. no.")), Column("client_name", _("Client")),
                Column("detail", _("Detail"), lambda s: _(s))], fmt)
