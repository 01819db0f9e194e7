"""The ``byraa`` command: the TUI by default, headless subcommands for scripts and cron.

Kept small: each subcommand lives in ``byraa.cli`` and uses only ``byraa.core``.
Any ``UserError`` (bad input, no access, unknown client, unreachable database) becomes
one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from byraa import __version__
from byraa.core.base.errors import UserError

SUBCOMMANDS = {
    "a07": "byraa.cli.a07",
    "access": "byraa.cli.access",
    "archive": "byraa.cli.archive",
    "clients": "byraa.cli.clients",
    "dashboard": "byraa.cli.dashboard",
    "db": "byraa.cli.db",
    "deadlines": "byraa.cli.deadlines",
    "demo": "byraa.cli.demo",
    "employees": "byraa.cli.imports_payroll",
    "feedback": "byraa.cli.feedback",
    "groups": "byraa.cli.groups",
    "import": "byraa.cli.imports",
    "init": "byraa.cli.init",
    "locate": "byraa.cli.locate",
    "posting": "byraa.cli.posting",
    "reconcile": "byraa.cli.reconcile",
    "reports": "byraa.cli.reports",
    "sandbox": "byraa.cli.sandbox",
    "taxcards": "byraa.cli.taxcards",
}
"""Subcommand name -> module with a ``command``; imported only when that command runs, so
a bare ``byraa`` (the TUI) does not pay for every headless command's imports."""


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = SUBCOMMANDS.get(name)
        if module is None:
            return None
        import importlib

        return importlib.import_module(module).command

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
    from byraa.cli.context import CliState

    ctx.obj = CliState(db_path=db_path, language=lang)
    if ctx.invoked_subcommand is None:
        from byraa.cli.tui import run_tui

        run_tui(ctx.obj, mouse=not no_mouse)

