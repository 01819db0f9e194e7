"""``byraa doctor``: check the Altinn connection, one line per check; exit 0 when all pass."""

from __future__ import annotations

import sys

import click

from byraa.cli.context import workspace
from byraa.core.base.bridge import run_sync
from byraa.core.words.i18n import _


@click.command("doctor")
@click.option("--client", "org_number", metavar="ORGNR", help="Check the connection this client uses.")
def command(org_number: str | None) -> None:
    """Connection settings, clock skew, key file, scopes and each host's reachability."""

    from byraa.core.altinn import connection, doctor
    from byraa.core.base.errors import UserError
    from byraa.sandbox.ensure import sandbox_for

    ws = workspace()
    assert ws.who is not None
    if org_number:
        settings = connection.connection_for_client(ws.store, ws.who, org_number.replace(" ", ""))
    else:
        settings = connection.agency_connection(ws.store)
        if settings is None:
            raise UserError("altinn.not_set_up")
    with sandbox_for(ws.store, settings) as effective:
        checks = run_sync(doctor.run_checks(effective))
    width = max(len(c.name) for c in checks)
    passed, failed = _("ok"), _("FAIL")
    for c in checks:
        click.echo(f"{passed if c.ok else failed:<4}  {c.name:<{width}}  {c.detail}")
    sys.exit(0 if all(c.ok for c in checks) else 1)
