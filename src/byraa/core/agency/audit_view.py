"""The audit trail as the audit-trail screen reads it: newest first, each event with words
for its client, its staff user and what it concerns (a national id masked), and as a
report for XLSX/CSV.

Managers only (``audit.trail`` refuses anyone else). The filters are those of
``byraa audit``: client (org number or words of its name), user (login), since (a day),
action (one action, ``access.grant``, or its family, ``access``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import col

from byraa.core.agency.access import require_manager
from byraa.core.agency.identity import Identity
from byraa.core.base import ids
from byraa.core.store import Store
from byraa.core.store.columns import pk
from byraa.core.store.models import AuditEvent, Client, Employee, StaffUser

LIMIT = 5_000
"""The newest events read at once; the screen says when older ones exist."""

FAMILIES = ("national_id", "employees", "reconcile", "access", "staff", "client", "group", "taxcards", "posting",
            "import", "intake", "archive", "altinn_connection", "employment", "agency")
"""The action families (the part before the first dot), for cycling a filter."""


@dataclass(frozen=True)
class EventRow:
    id: int
    at: datetime
    actor: str
    actor_name: str | None
    action: str
    entity: str
    entity_id: str | None
    client_org: str | None
    client_name: str | None
    subject: str
    """What the event concerns, in plain words: an employee's name and masked national id,
    a staff login, a group … (never an unmasked national id)."""
    before: Any
    after: Any

    @property
    def family(self) -> str:
        return self.action.split(".", 1)[0]


@dataclass(frozen=True)
class Trail:
    rows: list[EventRow]
    truncated: bool
    """More (older) events match than were read."""


def events(store: Store, who: Identity, *, client: str | None = None, user: str | None = None,
           since: date | None = None, action: str | None = None, limit: int = LIMIT) -> Trail:
    """The newest matching events first (agency managers only)."""
    require_manager(who, "read the audit trail")
    query = (select(AuditEvent, col(Client.org_number), col(Client.name), col(StaffUser.name))
             .outerjoin(Client, col(Client.id) == col(AuditEvent.client_id))
             .outerjoin(StaffUser, col(StaffUser.login) == col(AuditEvent.actor))
             .order_by(col(AuditEvent.id).desc()).limit(limit + 1))
    with store.session() as session:
        if client:
            needle = client.replace(" ", "")
            matched = list(session.scalars(select(col(Client.id)).where(
                or_(col(Client.org_number) == needle, func.lower(col(Client.name)).contains(client.strip().lower())))))
            if not matched:
                return Trail([], False)
            query = query.where(col(AuditEvent.client_id).in_(matched))
        if user:
            query = query.where(col(AuditEvent.actor) == user)
        if since is not None:
            query = query.where(col(AuditEvent.at) >= datetime.combine(since, time(), tzinfo=UTC))
        if action:
            query = query.where((col(AuditEvent.action) == action) | col(AuditEvent.action).startswith(f"{action}."))
        found = session.execute(query).all()
        truncated = len(found) > limit
        found = found[:limit]
        employee_ids = {int(e.entity_id) for e, *_ in found
                        if e.entity == "employee" and e.entity_id is not None and e.entity_id.isdigit()}
        people = {
            pid: (name, ids.mask_national_id(nid))
            for pid, name, nid in session.execute(
                select(pk(Employee.id), col(Employee.name), col(Employee.national_id))
                .where(col(Employee.id).in_(employee_ids)))
        } if employee_ids else {}
        rows = [
            EventRow(e.id or 0, e.at, e.actor, actor_name, e.action, e.entity, e.entity_id, org, client_name,
                     _subject(e, people), _load(e.before), _load(e.after))
            for e, org, client_name, actor_name in found
        ]
    return Trail(rows, truncated)


def _load(text: str | None) -> Any:
    return json.loads(text) if text else None


def _subject(event: AuditEvent, people: dict[int, tuple[str, str]]) -> str:
    entity_id = event.entity_id or ""
    if event.entity == "employee" and entity_id.isdigit() and int(entity_id) in people:
        name, masked = people[int(entity_id)]
        return f"{name} {masked}"
    if event.entity == "client_access" and ":" in entity_id:
        return entity_id.split(":", 1)[0]  # the login whose access changed
    return entity_id


def event_text(value: Any) -> str:
    """A before/after value as indented JSON."""
    if value is None:
        return "–"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str)


@dataclass(frozen=True)
class Filter:
    """What the screen's filter line asks for: ``klient:``/``client:``, ``bruker:``/``user:``,
    ``siden:``/``since:`` (31.10.2026 or 2026-10-31), ``handling:``/``action:``, and free words
    (all must occur in the row's text)."""

    client: str = ""
    user: str = ""
    since: date | None = None
    action: str = ""
    words: tuple[str, ...] = ()
    bad_day: str | None = None
    """A ``siden:`` value that is not a day (the screen says so; nothing is filtered by it)."""


_KEYS = {"klient": "client", "client": "client", "bruker": "user", "user": "user", "siden": "since",
         "since": "since", "handling": "action", "action": "action"}


def parse_filter(text: str) -> Filter:
    fields: dict[str, Any] = {}
    words: list[str] = []
    for word in text.split():
        key, sep, value = word.partition(":")
        field = _KEYS.get(key.casefold()) if sep else None
        if field is None or not value:
            words.append(word.casefold())
            continue
        if field == "since":
            day = _day(value)
            if day is None:
                fields["bad_day"] = value
            else:
                fields["since"] = day
        else:
            fields[field] = value.casefold()
    return Filter(words=tuple(words), **fields)


def _day(value: str) -> date | None:
    for parse in (lambda v: datetime.strptime(v, "%d.%m.%Y"), lambda v: datetime.strptime(v, "%Y-%m-%d")):
        try:
            return parse(value).date()
        except ValueError:
            continue
    return None


def matches(row: EventRow, wanted: Filter, text: str) -> bool:
    """Whether ``row`` passes ``wanted``; ``text`` is the row's words as shown, lower-cased."""
    if wanted.client and wanted.client.replace(" ", "") != (row.client_org or "") and \
            wanted.client not in (row.client_name or "").casefold():
        return False
    if wanted.user and wanted.user != row.actor.casefold() and wanted.user not in (row.actor_name or "").casefold():
        return False
    if wanted.since is not None and row.at.date() < wanted.since:
        return False
    if wanted.action and not (row.action.casefold() == wanted.action or
                              row.action.casefold().startswith(f"{wanted.action}.")):
        return False
    return all(word in text for word in wanted.words)


def report_rows(rows: list[EventRow]) -> list[dict[str, Any]]:
    """The events as a report's rows (ISO times; before/after as compact JSON)."""
    return [
        {"id": r.id, "at": r.at.isoformat(timespec="seconds"), "actor": r.actor, "action": r.action,
         "client_org": r.client_org or "", "client": r.client_name or "", "subject": r.subject,
         "before": "" if r.before is None else json.dumps(r.before, ensure_ascii=False, sort_keys=True, default=str),
         "after": "" if r.after is None else json.dumps(r.after, ensure_ascii=False, sort_keys=True, default=str)}
        for r in rows
    ]
