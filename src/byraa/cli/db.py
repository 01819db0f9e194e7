"""``byraa db upgrade|current``: the schema, only through Alembic migrations."""

from __future__ import annotations

import click

from byraa.cli.context import state
from byraa.core.store import Store, migrate


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
