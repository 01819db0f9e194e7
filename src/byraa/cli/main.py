"""The ``byraa`` command: the TUI by default, headless subcommands for scripts and cron.

Kept small: each subcommand lives in ``byraa.cli`` and uses only ``byraa.core``.
Any ``UserError`` (bad input, no access, unknown client, unreachable database) becomes
one line on stderr and exit code 2; so does a command line click refuses (a bad choice,
an unknown option), in the words of ``byraa.core.words`` rather than click's English.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from byraa import __version__
from byraa.core.base.errors import UserError

SUBCOMMANDS = {
    "a07": "byraa.cli.a07",
    "addresses": "byraa.cli.addresses",
    "access": "byraa.cli.access",
    "archive": "byraa.cli.archive",
    "audit": "byraa.cli.audit",
    "clients": "byraa.cli.clients",
    "connection": "byraa.cli.connection",
    "dashboard": "byraa.cli.dashboard",
    "db": "byraa.cli.db",
    "deadlines": "byraa.cli.deadlines",
    "demo": "byraa.cli.demo",
    "doctor": "byraa.cli.doctor",
    "employees": "byraa.cli.imports_payroll",
    "extract": "byraa.cli.extract",
    "feedback": "byraa.cli.feedback",
    "groups": "byraa.cli.groups",
    "import": "byraa.cli.imports",
    "init": "byraa.cli.init",
    "intake": "byraa.cli.intake",
    "locate": "byraa.cli.locate",
    "posting": "byraa.cli.posting",
    "reconcile": "byraa.cli.reconcile",
    "reports": "byraa.cli.reports",
    "sandbox": "byraa.cli.sandbox",
    "staff": "byraa.cli.staff",
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

        from byraa.cli import collector

        command = importlib.import_module(module).command
        collector.release()
        return command

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            # The language first: click imports the subcommand's module (whose column
            # headings are translated at import) before the group's callback runs.
            from byraa.cli.context import CliState
            from byraa.core.words import i18n

            i18n.set_language(CliState(db_path=ctx.params.get("db_path"),
                                       language=ctx.params.get("lang")).settings().language)
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"byraa: {exc}", err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            error = _usage_error(exc)
            click.echo(f"byraa: {error}", err=True)
            sys.exit(error.exit_code)
        except Exception as exc:  # a value the database refused: one line, never its parameters
            from sqlalchemy.exc import DataError

            if not isinstance(exc, DataError):
                raise
            refused = UserError("db.value_rejected", kind=type(exc.orig).__name__)
            click.echo(f"byraa: {refused}", err=True)
            sys.exit(refused.exit_code)


def _usage_error(exc: click.UsageError) -> UserError:
    """click's refusal of a command line as a words code (click's own texts are English only)."""
    param = getattr(exc, "param", None)
    option = (param.opts[0] if param is not None and getattr(param, "opts", None)
              else getattr(exc, "param_hint", None) or (param.name if param is not None else ""))
    if isinstance(exc, click.NoSuchOption):
        return UserError("cli.no_such_option", option=exc.option_name)
    if isinstance(exc, click.MissingParameter):
        return UserError("cli.missing_option", option=option)
    if isinstance(exc, click.BadParameter):
        if param is not None and isinstance(param.type, click.Choice):
            return UserError("cli.bad_choice", option=option, choices=", ".join(map(str, param.type.choices)))
        return UserError("cli.bad_value", option=option)
    command = exc.ctx.command_path if exc.ctx else "byraa"
    # click says these two only in English sentences; what they name is in its message.
    if (named := re.fullmatch(r"No such command '(.*)'\.", exc.message)) is not None:
        return UserError("cli.no_such_command", command=command, name=named.group(1))
    if (extra := re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", exc.message)) is not None:
        return UserError("cli.extra_arguments", command=command, arguments=extra.group(1))
    return UserError("cli.usage", command=command)


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
    from byraa.sandbox.ensure import register as provide_sandbox

    # The sandbox is an environment like test and production; this entry (and so the
    # TUI) is where byraa says it can serve it. Core never starts one on its own.
    provide_sandbox()
    ctx.obj = CliState(db_path=db_path, language=lang)
    if ctx.invoked_subcommand is None:
        from byraa.cli.tui import run_tui

        run_tui(ctx.obj, mouse=not no_mouse)


def run() -> None:
    """The console script: ``main``, with the collector held off while the process starts
    (``byraa.cli.collector``)."""
    from byraa.cli import collector

    collector.hold()
    main()
