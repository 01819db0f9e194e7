"""``byraa staff add|rename|deactivate|activate|role|list``: the agency's staff (changes: agency managers only)."""

from __future__ import annotations

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.agency import access_admin, staff
from byraa.core.store.models import ROLES
from byraa.core.words.i18n import _


@click.group("staff")
def command() -> None:
    """Add staff, change roles, deactivate leavers (agency managers only); list staff."""


@command.command("list")
@format_option()
def list_(fmt: str) -> None:
    """Every staff user with role, whether active, and grant counts."""
    ws = workspace()
    rows = [s.__dict__ for s in access_admin.list_staff(ws.store)]
    emit(rows, [Column("login", _("Login")), Column("name", _("Name")), Column("role", _("Role"), lambda s: _(s)),
                Column("active", _("Active"), lambda a: _("yes") if a else _("no")),
                Column("responsible", _("Responsible"), str, right=True),
                Column("associate", _("Associate"), str, right=True)], fmt)


@command.command("add")
@click.argument("login")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", type=click.Choice(ROLES), default="clerk", show_default=True)
def add(login: str, name: str, role: str) -> None:
    """Add LOGIN (the person's OS login) as a staff user."""
    ws = workspace()
    assert ws.who is not None
    staff.add_staff(ws.store, ws.who, login, name, role)
    click.echo(_("{login} added as {role}.").format(login=login, role=_(role)))


@command.command("rename")
@click.argument("login")
@click.option("--name", required=True, help="The person's full name as it should read.")
def rename(login: str, name: str) -> None:
    """Correct LOGIN's full name."""
    ws = workspace()
    assert ws.who is not None
    changed = staff.set_name(ws.store, ws.who, login, name)
    message = _("{login} is now called {name}.") if changed else _("{login} already is called {name}; nothing changed.")
    click.echo(message.format(login=login, name=name.strip()))


@command.command("role")
@click.argument("login")
@click.argument("role", type=click.Choice(ROLES))
def role(login: str, role: str) -> None:
    """Make LOGIN a clerk or an agency manager."""
    ws = workspace()
    assert ws.who is not None
    changed = staff.set_role(ws.store, ws.who, login, role)
    message = _("{login} is now {role}.") if changed else _("{login} already is {role}; nothing changed.")
    click.echo(message.format(login=login, role=_(role)))


@command.command("deactivate")
@click.argument("login")
def deactivate(login: str) -> None:
    """LOGIN may no longer use byraa (history and grants are kept for the access review)."""
    ws = workspace()
    assert ws.who is not None
    changed = staff.set_active(ws.store, ws.who, login, False)
    message = _("{login} deactivated.") if changed else _("{login} already is deactivated; nothing changed.")
    click.echo(message.format(login=login))


@command.command("activate")
@click.argument("login")
def activate(login: str) -> None:
    """Let a deactivated LOGIN use byraa again."""
    ws = workspace()
    assert ws.who is not None
    changed = staff.set_active(ws.store, ws.who, login, True)
    message = _("{login} active again.") if changed else _("{login} already is active; nothing changed.")
    click.echo(message.format(login=login))
