"""``byraa locate``: where the config, data, database and inbox are."""

from __future__ import annotations

import click

from byraa.cli.context import state
from byraa.core.settings import locations


@click.command("locate")
def command() -> None:
    """Print the config, data, database and inbox locations."""
    from sqlalchemy.engine import make_url

    settings = state().settings()
    url = make_url(settings.database_url).render_as_string(hide_password=True)
    click.echo(f"config file:   {locations.config_file()}")
    click.echo(f"config dir:    {locations.config_dir()}")
    click.echo(f"data dir:      {locations.data_dir()}")
    click.echo(f"database:      {url}")
    click.echo(f"demo database: {locations.demo_database_path()}")
    click.echo(f"inbox:         {settings.inbox_folder}")
