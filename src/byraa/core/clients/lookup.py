"""Finding a client by its organisation number: one way, one not-found message.

Every core service that takes an org number from a user (a command's argument, a
screen's selection, an imported file's header) resolves it here: the client, if it
exists and the user may see its payroll data; else ``NotFound`` with the code
``client.not_found`` (or ``client.not_found_in_file`` naming the file, when the number
came from one; nothing was imported then), or ``AccessDenied``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access
from byraa.core.agency.identity import Identity
from byraa.core.base.errors import NotFound
from byraa.core.store.models import Client


def find_client(session: Session, org: str, *, file: str | None = None) -> Client:
    """The client with this org number, without an access check (a manager's own
    administration, or a caller that checks access itself); ``NotFound`` when none."""
    org = org.replace(" ", "")
    client = session.scalars(select(Client).where(col(Client.org_number) == org)).first()
    if client is None:
        if file is not None:
            raise NotFound("client.not_found_in_file", file=file, org=org)
        raise NotFound("client.not_found", org=org)
    return client


def resolve_client(session: Session, who: Identity, org: str, *, file: str | None = None) -> Client:
    """The client with this org number if ``who`` may see its payroll data.

    ``NotFound`` when there is none (naming ``file`` when given), ``AccessDenied`` when
    ``who`` has no access to it.
    """
    client = find_client(session, org, file=file)
    assert client.id is not None
    access.require_client(session, who, client.id, f"{client.org_number} {client.name}")
    return client
