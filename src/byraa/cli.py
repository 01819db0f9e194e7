"""The ``byraa`` command: the TUI by default, headless subcommands for scripts and cron.

Kept small: each subcommand lives in ``byraa.headless`` and uses only ``byraa.core``.
Any ``UserError`` (bad input, no access, unknown client, unreachable database) becomes
one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from byraa import __version__
from byraa.core.errors import UserError
from byraa.headless import context


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"byraa: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite database file to use (default: your data dir, or BYRAA_DATABASE_URL).")
@click.option("--lang", type=click.Choice(["nb", "en"]), help="UI language (default nb, or BYRAA_LANG).")
@click.option("--no-mouse", is_flag=True, help="Do not capture the mouse (helps over slow SSH links).")
@click.version_option(__version__, prog_name="byraa")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, lang: str | None, no_mouse: bool) -> None:
    """byraa: the payroll agency's cockpit. Without a command: the TUI."""
    ctx.obj = context.CliState(db_path=db_path, language=lang)
    if ctx.invoked_subcommand is None:
        from byraa.headless.tui import run_tui

        run_tui(ctx.obj, mouse=not no_mouse)


def _register() -> None:
    from byraa.headless import clients, dashboard, db, demo, init, locate

    for module in (clients, dashboard, db, demo, init, locate):
        main.add_command(module.command)


_register()
