"""The append-only audit log: who, when, what, before and after.

Every core function that changes data calls ``record`` inside the same transaction as
the change, so a change and its audit row commit or roll back together. Each event is a
link of a hash chain (``audit_chain``), checked by ``byraa audit verify``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit_chain
from byraa.core.base import clock
from byraa.core.store.models import AuditEvent

if TYPE_CHECKING:
    from byraa.core.agency.identity import Identity
    from byraa.core.store import Store


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object | None = None,
    client_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Add one audit event to the session (committed with the change it describes).

    The event is chained to the one before it (``audit_chain``): the chain's head stays
    locked until this transaction ends, so concurrent writers append one after the other.
    """
    audit_chain.append(session, {
        "at": clock.now(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "client_id": client_id,
        "before": _dump(before),
        "after": _dump(after),
    })


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    client_id: int | None
    before: Any
    after: Any


def recent(session: Session, *, limit: int = 100, action: str | None = None) -> list[AuditRow]:
    """The newest audit events first."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if action:
        query = query.where(col(AuditEvent.action) == action)
    return [
        AuditRow(
            e.at, e.actor, e.action, e.entity, e.entity_id, e.client_id,
            json.loads(e.before) if e.before else None,
            json.loads(e.after) if e.after else None,
        )
        for e in session.scalars(query)
    ]


@dataclass(frozen=True)
class TrailRow:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    client: str | None
    """The client's org number, if the event concerns one."""
    before_json: str | None
    """The value before, as stored: JSON with sorted keys (a listing shows it as it is)."""
    after_json: str | None

    @property
    def before(self) -> Any:
        return json.loads(self.before_json) if self.before_json else None

    @property
    def after(self) -> Any:
        return json.loads(self.after_json) if self.after_json else None


def trail(store: Store, who: Identity, *, client: str | None = None, user: str | None = None,
          since: date | None = None, action: str | None = None, limit: int = 10_000) -> list[TrailRow]:
    """The newest ``limit`` events that pass the filters, oldest first (agency managers only).

    The newest, because a trail longer than ``limit`` (a month's intake writes an event per
    file) must still show what was done today. Read as plain rows, not ORM objects: a
    listing of 10,000 events spent a third of its time building objects it threw away."""
    from byraa.core.agency.access import require_manager
    from byraa.core.base.errors import NotFound
    from byraa.core.store.models import Client

    require_manager(who, "read the audit trail")
    query = (select(col(AuditEvent.id), col(AuditEvent.at), col(AuditEvent.actor), col(AuditEvent.action),
                    col(AuditEvent.entity), col(AuditEvent.entity_id), col(Client.org_number),
                    col(AuditEvent.before), col(AuditEvent.after))
             .outerjoin(Client, col(Client.id) == col(AuditEvent.client_id))
             .order_by(col(AuditEvent.id).desc()).limit(limit))
    with store.session() as session:
        if client is not None:
            client_id = session.scalars(select(col(Client.id)).where(col(Client.org_number) == client)).first()
            if client_id is None:
                raise NotFound("client.not_found", org=client)
            query = query.where(col(AuditEvent.client_id) == client_id)
        if user is not None:
            query = query.where(col(AuditEvent.actor) == user)
        if since is not None:
            query = query.where(col(AuditEvent.at) >= datetime.combine(since, time(), tzinfo=UTC))
        if action is not None:
            query = query.where((col(AuditEvent.action) == action) | col(AuditEvent.action).startswith(f"{action}."))
        rows = [TrailRow(event_id or 0, at, actor, act, entity, entity_id, org, before, after)
                for event_id, at, actor, act, entity, entity_id, org, before, after in session.execute(query)]
    rows.reverse()
    return rows


def verify(store: Store) -> audit_chain.Verdict:
    """Check the whole chain (see ``audit_chain.verify``)."""
    with store.session() as session:
        return audit_chain.verify(session)
