"""``byraa init``: set up a real agency on an empty database, with you as its manager."""

from __future__ import annotations

import click

from byraa.cli.context import state
from byraa.core.agency import identity
from byraa.core.agency import setup as agency
from byraa.core.store import open_store
from byraa.core.words.i18n import _


@click.command("init")
@click.option("--name", required=True, help="The agency's name.")
@click.option("--org", "org_number", required=True, help="The agency's organisation number (9 digits).")
@click.option("--user-name", default="", help="Your full name (default: your login).")
def command(name: str, org_number: str, user_name: str) -> None:
    """Create the agency and make the current login its first agency manager."""
    store = open_store(state().settings().database_url, upgrade_empty=True)
    try:
        login = identity.current_login(store)
        info = agency.initialise(store, name=name, org_number=org_number, login=login, user_name=user_name)
    finally:
        store.dispose()
    click.echo(_("{name} ({org}) is ready in {where}; {login} is agency manager.").format(
        name=info.name, org=info.org_number, where=store.display_url, login=login))
