"""Authorisation, checked in the core so no screen or command can skip it.

An agency manager may do everything. A payroll clerk sees the agency overview (every
client's name and status) but a client's payroll data only with a grant on that client.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency.identity import Identity
from byraa.core.base.errors import AccessDenied, Phrase
from byraa.core.store.models import ClientAccess


def require_manager(who: Identity, what: str) -> None:
    """Refuse ``what`` unless ``who`` is an agency manager."""
    if not who.is_manager:
        raise AccessDenied("access.manager_only", what=Phrase(what), login=who.login)


def accessible_client_ids(session: Session, who: Identity) -> set[int] | None:
    """The clients whose payroll data ``who`` may see; ``None`` means all (a manager)."""
    if who.is_manager:
        return None
    return set(session.scalars(select(col(ClientAccess.client_id)).where(col(ClientAccess.user_id) == who.user_id)))


def granted_client_ids(session: Session, who: Identity) -> set[int]:
    """The clients ``who`` holds a grant on, manager or not ("my clients")."""
    return set(session.scalars(select(col(ClientAccess.client_id)).where(col(ClientAccess.user_id) == who.user_id)))


def can_see_client(session: Session, who: Identity, client_id: int) -> bool:
    if who.is_manager:
        return True
    return (
        session.scalars(
            select(col(ClientAccess.id)).where(
                col(ClientAccess.user_id) == who.user_id, col(ClientAccess.client_id) == client_id
            )
        ).first()
        is not None
    )


def require_client(session: Session, who: Identity, client_id: int, client_label: str) -> None:
    """Refuse unless ``who`` may see the payroll data of the client."""
    if not can_see_client(session, who, client_id):
        raise AccessDenied("access.no_client_access", login=who.login, client=client_label)

