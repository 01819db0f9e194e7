"""The audit trail's hash chain: each event stores the sha256 of the event before it.

The hash of an event is sha256 over a canonical JSON of every column, its own
``prev_hash`` included, so changing, removing, inserting or re-ordering any event breaks
the link to the next one; the one-row ``audit_chain_head`` holds the newest event's id
and hash, so removing the newest events is found too.

Writers chain one after the other: ``lock`` takes the head's row lock (PostgreSQL
``SELECT ... FOR UPDATE``) or SQLite's write lock (a write to the head as the first
statement, the same lock ``BEGIN IMMEDIATE`` takes) and holds it to the commit. A
caller that reads state for an event's ``before`` calls ``lock`` first, so ``before``
is the state the previous event left.

The chain shows tampering by anyone who does not also recompute every later hash; the
database privileges (``byraa db grant-staff``) keep staff sessions from rewriting at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.store.models import AuditEvent

GENESIS = ""
"""The ``prev_hash`` of the first event."""

FIELDS = ("id", "at", "actor", "action", "entity", "entity_id", "client_id", "before", "after", "prev_hash")


def _at(value: Any) -> str:
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def canonical_hash(row: Mapping[Any, Any] | AuditEvent) -> str:
    """sha256 (hex) of one event's canonical form (every column, ``prev_hash`` included)."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    values = [_at(get(name)) if name == "at" else get(name) for name in FIELDS]
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_LOCK = text("INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (1, 0, :g) "
             "ON CONFLICT (id) DO UPDATE SET id = audit_chain_head.id RETURNING last_id, last_hash")
"""One statement that creates the head on first use and locks it: an upsert takes the row
lock on PostgreSQL (as ``FOR UPDATE`` would) and, as a write, SQLite's write lock."""


def lock(session: Session) -> tuple[int, str]:
    """Lock the chain's head for this transaction; returns (newest event id, its hash)."""
    last_id, last_hash = session.execute(_LOCK, {"g": GENESIS}).one()
    return int(last_id), str(last_hash)


_T_EVENT = AuditEvent.__table__  # type: ignore[attr-defined]
_INSERT = insert(_T_EVENT).returning(*(_T_EVENT.c[name] for name in FIELDS))
_MOVE_HEAD = text("UPDATE audit_chain_head SET last_id = :i, last_hash = :h WHERE id = 1")


def append(session: Session, event: Mapping[str, Any]) -> None:
    """Add ``event`` (its columns but ``id`` and ``prev_hash``) as the chain's newest link,
    inside the caller's transaction."""
    _, last_hash = lock(session)
    # RETURNING what was stored: the hash is of what the database holds (its timestamp precision).
    stored = session.execute(_INSERT, [{**event, "prev_hash": last_hash}]).mappings().one()
    session.execute(_MOVE_HEAD, {"i": stored["id"], "h": canonical_hash(stored)})


@dataclass(frozen=True)
class Verdict:
    events: int
    broken_at: int | None = None
    """The id of the first event that does not follow the one stored before it."""
    reason: str | None = None
    """``link`` (changed, removed, inserted or re-ordered before it), ``head`` (newest events
    changed or removed), or ``missing_head``."""
    at: datetime | None = None
    action: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.reason is None


def verify(session: Session) -> Verdict:
    """Walk the chain in id order; the first event whose link does not hold is named."""
    expected, count, last = GENESIS, 0, None
    columns = [getattr(AuditEvent, name) for name in FIELDS]
    for row in session.execute(select(*columns).order_by(col(AuditEvent.id))).mappings().yield_per(2000):
        if row["prev_hash"] != expected:
            return Verdict(count, row["id"], "link", row["at"], row["action"])
        expected, last, count = canonical_hash(row), row, count + 1
    head = session.execute(text("SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1")).first()
    if head is None:
        return Verdict(count) if count == 0 else Verdict(count, None, "missing_head")
    last_id = last["id"] if last is not None else 0
    if (int(head[0]), str(head[1])) != (last_id, expected):
        return Verdict(count, last_id or None, "head", last["at"] if last else None, last["action"] if last else None)
    return Verdict(count)
