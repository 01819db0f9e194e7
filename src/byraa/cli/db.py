"""``byraa db upgrade|current|grant-staff``: the schema (only through Alembic migrations) and staff roles."""

from __future__ import annotations

import click

from byraa.cli.context import state
from byraa.core.store import Store, migrate
from byraa.core.words.i18n import _


@click.group("db")
def command() -> None:
    """Database schema: migrations."""


@command.command("upgrade")
def upgrade() -> None:
    """Apply the migrations (creates the database if it does not exist)."""
    store = Store(state().settings().database_url)
    try:
        store.check_reachable()
        before, after = migrate.upgrade(store)
    finally:
        store.dispose()
    if before == after:
        click.echo(f"{store.display_url}: already at {after}")
    else:
        click.echo(f"{store.display_url}: {before or 'empty'} -> {after}")


@command.command("current")
def current() -> None:
    """Print the schema revision of the database and the one this byraa expects."""
    store = Store(state().settings().database_url, create=False)
    try:
        store.check_reachable()
        click.echo(f"database: {migrate.current_revision(store) or 'empty'}")
        click.echo(f"byraa:    {migrate.head_revision()}")
    finally:
        store.dispose()


@command.command("grant-staff")
@click.argument("roles", nargs=-1, required=True)
@click.option("--create", is_flag=True, help="Create roles that do not exist yet (LOGIN, no password: peer auth).")
def grant_staff(roles: tuple[str, ...], create: bool) -> None:
    """PostgreSQL: let staff database ROLES use byraa (run as the schema owner after each upgrade).

    Each role may read and write the working tables but only INSERT and SELECT the audit
    trail; never TRUNCATE or ALTER anything. Name each role like the person's staff login.
    """
    from byraa.core.agency.db_roles import grant_staff as grant

    store = Store(state().settings().database_url, create=False)
    try:
        store.check_reachable()
        done = grant(store, list(roles), create=create)
    finally:
        store.dispose()
    for role in done:
        click.echo(_("{role}: staff privileges granted (audit trail: insert and read only)").format(role=role))
