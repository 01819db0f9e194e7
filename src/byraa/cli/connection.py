"""``byraa connection``: the agency's Altinn settings the settings screen does not show yet:
the contact sent with every tax-card order, the system user's externalRef, idempotensid."""

from __future__ import annotations

import click

from byraa.cli.context import workspace
from byraa.core.words.i18n import _


@click.group("connection")
def command() -> None:
    """The agency's Altinn connection settings."""


@command.command("set")
@click.option("--email", help="Contact e-mail sent with every tax-card order (kontaktinformasjon).")
@click.option("--phone", help="Contact mobile number, e.g. +4791234567.")
@click.option("--external-ref", help="The externalRef the system user was requested with ('' for none).")
@click.option("--idempotensid/--no-idempotensid", default=None,
              help="Send ?idempotensid= with tax-card orders (off by default).")
@click.option("--client", "org_number", metavar="ORGNR", help="A client's own settings instead of the agency's.")
def set_(email: str | None, phone: str | None, external_ref: str | None, idempotensid: bool | None,
         org_number: str | None) -> None:
    """Change these settings (agency manager only; audited)."""
    from dataclasses import replace

    from byraa.core.altinn import connection
    from byraa.core.base.errors import UserError

    ws = workspace()
    assert ws.who is not None
    current = (connection.connection_for_client(ws.store, ws.who, org_number) if org_number
               else connection.agency_connection(ws.store))
    if current is None:
        raise UserError("altinn.not_set_up")
    changes = {k: v for k, v in (("contact_email", email), ("contact_phone", phone), ("external_ref", external_ref),
                                 ("taxcard_idempotency", idempotensid)) if v is not None}
    updated = replace(current, **changes)
    if org_number:
        connection.set_client_connection(ws.store, ws.who, org_number, updated)
    else:
        connection.set_agency_connection(ws.store, ws.who, updated)
    click.echo(_("Saved (recorded in the audit log)."))
