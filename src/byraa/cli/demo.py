"""``byraa demo``: the synthetic demo agency (built on first use, then reopened), and the TUI on it."""

from __future__ import annotations

import os
from pathlib import Path

import click

from byraa.cli.context import state
from byraa.core.words.i18n import _
from byraa.demo import database as demo_db


@click.command("demo")
@click.option("--clients", type=click.IntRange(1, 5000), default=60, show_default=True,
              help="How many client companies (1000 gives the large agency of the benchmarks).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same seed, the same agency.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite file of the demo (default: demo.sqlite3 in your data dir).")
@click.option("--database-url", help="Use this PostgreSQL database instead (it must be empty or a demo).")
@click.option("--rebuild", is_flag=True,
              help="Replace an existing demo with a fresh one (managers of that demo only; asks first).")
@click.option("--yes", is_flag=True, help="With --rebuild: do not ask (for scripts).")
@click.option("--no-tui", is_flag=True, help="Only build or open it; print where it is and the staff logins.")
def command(clients: int, seed: int, db_path: Path | None, database_url: str | None, rebuild: bool, yes: bool,
            no_tui: bool) -> None:
    """Open the demo agency (built on first use; you are its manager) in the TUI."""
    from byraa.sandbox.ensure import register as provide_sandbox

    provide_sandbox()  # the demo talks to the sandbox environment: say who serves it
    cli = state()
    target = db_path or cli.db_path
    result = demo_db.open_or_build(clients=clients, seed=seed, db_path=target, database_url=database_url,
                                   rebuild=rebuild, confirm=_confirmed_by(yes))
    summary = result.summary
    if result.opened:
        click.echo(_("Opened the existing demo agency ({clients} clients); nothing was rebuilt. "
                     "To start over: byraa demo --rebuild").format(clients=summary.clients))
    else:
        click.echo(_("Demo agency built in {seconds:.1f} s: {clients} clients, {employees} employees, "
                     "{runs} payroll runs.").format(seconds=summary.seconds, clients=summary.clients,
                                                    employees=summary.employees, runs=summary.payroll_runs))
        if summary.inbox is not None:
            click.echo(_("The clients' a-meldinger and ledgers ({files} files), read in by the intake: {folder}").format(
                files=summary.files, folder=summary.inbox))
    click.echo(_("Database: {where}").format(where=result.display_url))
    if result.sandbox_url:
        click.echo(_("Altinn: the sandbox at {url} (demo key {key}); commands start it themselves when it is not "
                     "running.").format(url=result.sandbox_url, key=result.key_path))
    if no_tui:
        click.echo(_("Staff logins (run any command as one with BYRAA_USER=<login>):"))
        for login, name, role in summary.staff:
            click.echo(f"  {login:<16} {name:<28} {_(role)}")
        hint = f"--db {result.sqlite_path}" if result.sqlite_path else f"BYRAA_DATABASE_URL={result.display_url}"
        click.echo(_("Open it with: byraa {hint}").format(hint=hint))
        return
    from byraa.cli.tui import run_tui

    if result.sqlite_path:
        cli.db_path = result.sqlite_path
    else:
        os.environ["BYRAA_DATABASE_URL"] = result.url
    # The intake screen and the dashboard's "new files" look in the demo's own inbox.
    from byraa.core.settings import locations
    from byraa.demo.builder import inbox_beside

    inbox = inbox_beside(result.sqlite_path) if result.sqlite_path else locations.data_dir() / "demo-postgres-innboks"
    if inbox.is_dir():
        os.environ.setdefault("BYRAA_INBOX", str(inbox))
    with _sandbox(result.url):
        run_tui(cli, mouse=True)


def _confirmed_by(yes: bool):  # noqa: ANN202
    """The rebuild confirmation: says what is lost; ``--yes`` answers for scripts."""

    def confirm(existing: demo_db.ExistingDemo) -> bool:
        click.echo(_("Rebuilding deletes the demo agency in {where}: {clients} clients, {events} audit events "
                     "and everything entered in it since it was built.").format(
            where=existing.where, clients=existing.clients, events=existing.audit_events), err=True)
        if yes:
            return True
        try:
            return click.confirm(_("Rebuild it?"), default=False, err=True)
        except click.Abort:  # no terminal to answer on (end of input)
            return False

    return confirm


def _sandbox(url: str):  # noqa: ANN202
    """The sandbox in-process on its configured port for the TUI's lifetime (unless one runs)."""
    from contextlib import ExitStack, nullcontext
    from urllib.parse import urlparse

    from byraa.core.altinn import connection
    from byraa.core.store import Store
    from byraa.sandbox.ensure import sandbox_for

    store = Store(url)
    settings = connection.agency_connection(store)
    if settings is None or settings.environment != "sandbox":
        store.dispose()
        return nullcontext()
    stack = ExitStack()
    stack.callback(store.dispose)
    try:
        stack.enter_context(sandbox_for(store, settings, port=urlparse(settings.base_url or "").port or 0))
    except (RuntimeError, OSError) as exc:  # the port is taken by something else: go on without
        click.echo(_("The sandbox could not start: {reason}").format(reason=exc), err=True)
    return stack
