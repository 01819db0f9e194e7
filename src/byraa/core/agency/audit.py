"""The append-only audit log: who, when, what, before and after.

Every core function that changes data calls ``record`` inside the same transaction as
the change, so a change and its audit row commit or roll back together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from byraa.core.base import clock
from byraa.core.store.models import AuditEvent


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
    """Add one audit event to the session (committed with the change it describes)."""
    session.add(
        AuditEvent(
            at=clock.now(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            client_id=client_id,
            before=_dump(before),
            after=_dump(after),
        )
    )


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
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return [
        AuditRow(
            e.at, e.actor, e.action, e.entity, e.entity_id, e.client_id,
            json.loads(e.before) if e.before else None,
            json.loads(e.after) if e.after else None,
        )
        for e in session.scalars(query)
    ]
