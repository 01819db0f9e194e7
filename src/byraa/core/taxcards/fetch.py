"""Fetching tax cards in bulk: a durable job of a handful of orders for the whole agency.

The flow a screen (from a thread worker) or ``byraa taxcards fetch`` drives:

1. ``plan_fetch(store, who, selection, year, mode=…)`` — the clients (marked ones, a
   group, "all where LOGIN is responsible", or all the user may access; access checked
   here), the income-year rules (refused up front with a clear message), the leaver
   guard (only persons with an employment active in the income year; the others are
   listed as skipped with the reason), and orders of at most N persons spanning several
   employers. Nothing is written.
2. ``start_fetch(store, who, plan)`` — one job, one item per order. Each order's
   idempotency id is stored here, BEFORE anything is sent.
3. ``run_fetch(store, who, job_id, …)`` (async) — works the orders: send (or, after a
   crash, re-send with the same idempotency id, which Skatteetaten and the sandbox answer
   with the same order), store the reference the moment it is known, poll with backoff
   until the answer is ready (204 = not ready), then store every person's result with the
   raw answer archived, in the same transaction that finishes the order. A crash at any
   point resumes (``interrupted_jobs`` / ``--resume``) without ordering twice.
4. ``fetch_summary``, ``result_rows`` (filter changed / errors / no card / skipped / all)
   and ``card_history`` for the result table and a person's history.

Per-person problems (invalid national id, no card, not liable, invalid org number, an
answer that stays unreadable) are results, never a failure of the job.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.store import Store
from byraa.core.store.models import (
    Client,
    ClientAccess,
    ClientGroup,
    Employee,
    Employment,
    GroupMembership,
    StaffUser,
)
from byraa.core.store.models_altinn import TaxCard
from byraa.core.store.models_jobs import Job, JobItem, TaxCardFetchResult
from byraa.core.taxcards.reasons import RESULT_REASONS

if TYPE_CHECKING:
    import threading

    from byraa.core.altinn.client import AltinnClient
    from byraa.core.jobs import ItemContext, ItemOutcome, JobInfo, Progress
    from byraa.core.taxcards.parse import TaxCardAnswer

JOB_KIND = "taxcards.fetch"
MODES = ("all", "changes")
DEFAULT_PERSONS_PER_ORDER = 1000
FILTERS = ("all", "changed", "errors", "no_card", "skipped", "cards")
HOOK_ENV = "BYRAA_FETCH_HOOK"
"""Test hook: ``<point>:<folder>`` makes the fetch write ``<folder>/<point>`` and stop
there (until killed) at one of ``before_order``, ``after_order``, ``mid_storage``."""

_RESULT_OUTCOME = {
    "skattekortopplysningerOK": "card",
    "ikkeSkattekort": "no_card",
    "ikkeTrekkplikt": "not_liable",
}
_RESULT_REASON = RESULT_REASONS
"""Stored in English (scripts read it); shown through ``reasons.reason_words``."""


# --- Selection and the date rules ---------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which clients: exactly one of marked clients, a group, a responsible login, or all."""

    clients: tuple[str, ...] = ()
    """Org numbers (headless ``--client``) …"""
    client_ids: tuple[int, ...] = ()
    """… or ids (the TUI's marked rows)."""
    group: str | None = None
    responsible: str | None = None
    all: bool = False

    def describe(self) -> str:
        if self.clients or self.client_ids:
            return f"{len(self.clients) + len(self.client_ids)} chosen client(s)"
        if self.group:
            return f"group {self.group}"
        if self.responsible:
            return f"clients where {self.responsible} is responsible"
        return "all clients"


def income_year_problem(year: int, today: date) -> str | None:
    """Why Skatteetaten would refuse cards for ``year`` today (§1.7), in words; else None."""
    if year == today.year:
        return None
    if year == today.year + 1:
        if today < date(today.year, 12, 15):
            return (f"tax cards for {year} cannot be fetched before 15 December {today.year} "
                    f"(today is {today.isoformat()})")
        return None
    if year == today.year - 1:
        if today.month > 6:
            return (f"tax cards for {year} cannot be fetched after June {today.year} "
                    f"(today is {today.isoformat()})")
        return None
    return f"tax cards can only be fetched for {today.year}" + (
        f" or {today.year + 1}" if today >= date(today.year, 12, 15) else
        f" or {today.year - 1}" if today.month <= 6 else "") + f", not for {year}"


def check_income_year(year: int, today: date | None = None) -> None:
    if problem := income_year_problem(year, today or clock.today()):
        raise UserError(problem)


def _selected_clients(session: Session, who: Identity, selection: Selection) -> tuple[list[Client], int]:
    """(clients to fetch for, clients left out for lack of access)."""
    chosen = sum(bool(x) for x in ((selection.clients or selection.client_ids), selection.group,
                                   selection.responsible, selection.all))
    if chosen != 1:
        raise UserError("choose exactly one of: clients, a group, a responsible staff member, or all clients")
    allowed = access.accessible_client_ids(session, who)
    if selection.clients or selection.client_ids:
        rows: list[Client] = []
        for org in selection.clients:
            org = org.replace(" ", "")
            if reason := ids.org_number_error(org):
                raise UserError(f"organisation number {org!r}: {reason}")
            client = session.scalars(select(Client).where(Client.org_number == org)).first()
            if client is None:
                raise NotFound("client.not_found", org=org)
            rows.append(client)
        for client_id in selection.client_ids:
            client = session.get(Client, client_id)
            if client is None:
                raise NotFound(f"no client with id {client_id}")
            rows.append(client)
        for client in rows:  # named clients: no access is a refusal, not a silent skip
            access.require_client(session, who, client.id or 0, f"{client.org_number} {client.name}")
        unique = {c.id: c for c in rows}
        return sorted(unique.values(), key=lambda c: c.name), 0
    query = select(Client).where(Client.status != "ended").order_by(Client.name)
    if selection.group:
        group = session.scalars(select(ClientGroup).where(ClientGroup.name == selection.group)).first()
        if group is None:
            raise NotFound("group.not_found", name=selection.group)
        query = query.where(Client.id.in_(select(GroupMembership.client_id).where(
            GroupMembership.group_id == group.id)))
    elif selection.responsible:
        user = session.scalars(select(StaffUser).where(StaffUser.login == selection.responsible)).first()
        if user is None:
            raise NotFound("staff.not_found", login=selection.responsible)
        query = query.where(Client.id.in_(select(ClientAccess.client_id).where(
            ClientAccess.user_id == user.id, ClientAccess.role == "responsible")))
    clients = list(session.scalars(query))
    if allowed is None:
        return clients, 0
    kept = [c for c in clients if c.id in allowed]
    return kept, len(clients) - len(kept)


# --- Planning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedPerson:
    employee_id: int
    national_id: str


@dataclass(frozen=True)
class SkippedPerson:
    client_id: int
    employee_id: int
    national_id: str
    reason: str
    outcome: str = "skipped"
    """skipped (leaver), or error (an invalid national id or org number, never sent)."""


@dataclass(frozen=True)
class PlannedClient:
    id: int
    org_number: str
    name: str
    persons: tuple[PlannedPerson, ...]
    skipped: tuple[SkippedPerson, ...]
    connection: str = "agency"
    """Whose Altinn settings: ``agency`` or ``client:<id>``."""


@dataclass(frozen=True)
class PlannedOrder:
    connection: str
    employers: dict[str, list[str]]
    """Org number -> national ids."""

    @property
    def persons(self) -> int:
        return sum(len(v) for v in self.employers.values())


@dataclass(frozen=True)
class FetchPlan:
    year: int
    mode: str
    selection: Selection
    clients: tuple[PlannedClient, ...]
    orders: tuple[PlannedOrder, ...]
    clients_without_access: int
    persons_per_order: int

    @property
    def persons(self) -> int:
        return sum(len(c.persons) for c in self.clients)

    @property
    def skipped(self) -> int:
        return sum(len(c.skipped) for c in self.clients)


def _active_in_year(year: int):  # noqa: ANN202
    first, last = date(year, 1, 1), date(year, 12, 31)
    return and_(Employment.start_date <= last, or_(Employment.end_date.is_(None), Employment.end_date >= first))


def plan_fetch(store: Store, who: Identity, selection: Selection, year: int, *, mode: str = "all",
               persons_per_order: int = DEFAULT_PERSONS_PER_ORDER, today: date | None = None) -> FetchPlan:
    """What a fetch would do (nothing written): clients, persons, skipped leavers, orders.

    Refuses up front (``UserError``) on a year Skatteetaten would refuse today, an empty or
    ambiguous selection, or a named client the user has no access to.
    """
    if mode not in MODES:
        raise UserError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    if not 1 <= persons_per_order <= 1000:
        raise UserError("persons per order must be between 1 and 1,000")
    check_income_year(year, today)
    with store.session() as session:
        clients, without_access = _selected_clients(session, who, selection)
        if not clients:
            raise UserError(f"no clients to fetch tax cards for ({selection.describe()}"
                            + (f"; {without_access} without your access" if without_access else "") + ")")
        client_ids = [c.id for c in clients]
        employees: dict[int, list[tuple[int, str]]] = {}
        for chunk in _chunks(client_ids, 500):
            for emp_id, client_id, nid in session.execute(
                    select(Employee.id, Employee.client_id, Employee.national_id)
                    .where(Employee.client_id.in_(chunk)).order_by(Employee.client_id, Employee.id)):
                employees.setdefault(client_id, []).append((emp_id, nid))
        active: set[int] = set()
        last_end: dict[int, date | None] = {}
        for chunk in _chunks(client_ids, 500):
            active.update(session.scalars(select(Employment.employee_id).distinct().where(
                Employment.client_id.in_(chunk), _active_in_year(year))))
            for emp_id, end in session.execute(
                    select(Employment.employee_id, func.max(Employment.end_date))
                    .where(Employment.client_id.in_(chunk)).group_by(Employment.employee_id)):
                last_end[emp_id] = end
        scopes = _connection_scopes(session, clients)
    planned: list[PlannedClient] = []
    for client in clients:
        assert client.id is not None
        persons: list[PlannedPerson] = []
        skipped: list[SkippedPerson] = []
        connection, org_problem = scopes[client.id], ids.org_number_error(client.org_number)
        if connection is None:
            org_problem = "the client is set to use its own Altinn settings, but none are entered"
            connection = f"client:{client.id}"
        for emp_id, nid in employees.get(client.id, []):
            if emp_id not in active:
                end = last_end.get(emp_id, None)
                reason = (f"no employment in {year} (left {end.strftime('%d.%m.%Y')})" if end is not None
                          else f"no employment in {year}")
                skipped.append(SkippedPerson(client.id, emp_id, nid, reason))
            elif reason := ids.national_id_error(nid):
                skipped.append(SkippedPerson(client.id, emp_id, nid, f"invalid national id: {reason}", "error"))
            elif org_problem:
                reason = org_problem if org_problem.startswith("the client") else f"invalid org number: {org_problem}"
                skipped.append(SkippedPerson(client.id, emp_id, nid, reason, "error"))
            else:
                persons.append(PlannedPerson(emp_id, nid))
        planned.append(PlannedClient(client.id, client.org_number, client.name, tuple(persons), tuple(skipped),
                                     connection))
    orders = _pack(planned, persons_per_order) if mode == "all" else _changes_orders(planned)
    return FetchPlan(year, mode, selection, tuple(planned), tuple(orders), without_access, persons_per_order)


def _connection_scopes(session: Session, clients: Sequence[Client]) -> dict[int, str | None]:
    """Per client, whose Altinn settings its orders go with: ``agency``, ``client:<id>``,
    or ``None`` when the client should use its own but has none. A client whose own
    settings equal the agency's shares the agency's orders (one system user, one order)."""
    from byraa.core.store.models_altinn import AltinnConnection

    def key(row: AltinnConnection) -> tuple[Any, ...]:
        return (row.environment, row.maskinporten_client_id, row.key_id, row.key_path, row.system_user_org,
                row.base_url)

    rows = {r.scope: r for r in session.scalars(select(AltinnConnection))}
    agency = rows.get("agency")
    out: dict[int, str | None] = {}
    for client in clients:
        assert client.id is not None
        if client.uses_agency_altinn:
            out[client.id] = "agency"
            continue
        own = rows.get(f"client:{client.id}")
        if own is None:
            out[client.id] = None
        elif agency is not None and key(own) == key(agency):
            out[client.id] = "agency"
        else:
            out[client.id] = own.scope
    return out


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _pack(clients: Sequence[PlannedClient], limit: int) -> list[PlannedOrder]:
    """Fill orders of at most ``limit`` persons across employers (a large client may span two)."""
    orders: list[PlannedOrder] = []
    for connection in dict.fromkeys(c.connection for c in clients):
        current: dict[str, list[str]] = {}
        count = 0
        for client in (c for c in clients if c.connection == connection):
            for person in client.persons:
                if count == limit:
                    orders.append(PlannedOrder(connection, current))
                    current, count = {}, 0
                current.setdefault(client.org_number, []).append(person.national_id)
                count += 1
        if current:
            orders.append(PlannedOrder(connection, current))
    return orders


def _changes_orders(clients: Sequence[PlannedClient]) -> list[PlannedOrder]:
    """HENT_KUN_ENDRING names nobody: one order per connection covers its clients."""
    orders = []
    for connection in dict.fromkeys(c.connection for c in clients):
        orders.append(PlannedOrder(connection, {c.org_number: [] for c in clients if c.connection == connection}))
    return orders


# --- Starting the job ----------------------------------------------------------------------


def start_fetch(store: Store, who: Identity, plan: FetchPlan, *, worker: str | None = None) -> int:
    """Create the job: one item per order, each with its idempotency id (stored before any
    send), and the persons skipped up front as results. Returns the job id."""
    from byraa.core import jobs

    if plan.mode == "all" and not plan.orders:
        raise UserError("nobody to fetch tax cards for: every person was skipped "
                        f"({plan.skipped} skipped)")
    by_org = {c.org_number: c for c in plan.clients}
    specs = []
    for n, order in enumerate(plan.orders, start=1):
        groups = {org: len(nids) for org, nids in order.employers.items()}
        if plan.mode == "changes":
            groups = {org: len(by_org[org].persons) for org in order.employers}
        specs.append(jobs.ItemSpec(
            f"order:{n}",
            {"year": plan.year, "mode": plan.mode, "connection": order.connection,
             "employers": order.employers, "idempotency_id": str(uuid.uuid4()),
             "client_ids": {org: by_org[org].id for org in order.employers}},
            weight=max(1, sum(groups.values())), groups=groups,
        ))
    params = {
        "year": plan.year, "mode": plan.mode, "selection": plan.selection.describe(),
        "clients": [c.id for c in plan.clients], "persons": plan.persons, "skipped": plan.skipped,
        "persons_per_order": plan.persons_per_order, "clients_without_access": plan.clients_without_access,
    }

    def write(session: Session, job_id: int) -> None:
        now = clock.now()
        rows = [{"job_id": job_id, "client_id": s.client_id, "employee_id": s.employee_id,
                 "national_id": s.national_id, "income_year": plan.year, "outcome": s.outcome,
                 "reason": s.reason[:300], "changed": False, "created_at": now}
                for c in plan.clients for s in c.skipped]
        for chunk in _chunks(rows, 2000):
            session.execute(insert(TaxCardFetchResult.__table__), list(chunk))  # type: ignore[attr-defined]
        audit.record(session, actor=who.login, action="taxcards.fetch.start", entity="job", entity_id=job_id,
                     after={**params, "orders": len(specs)})

    title = f"Tax cards {plan.year} ({'changes only' if plan.mode == 'changes' else 'all listed'}): " \
            f"{plan.selection.describe()}"
    return jobs.create_job(store, who, JOB_KIND, title=title, params=params, items=specs, worker=worker,
                           write=write)


def interrupted_fetches(store: Store, who: Identity) -> list[JobInfo]:
    """Interrupted tax-card fetches the user may resume (newest first)."""
    from byraa.core import jobs

    return jobs.interrupted_jobs(store, who, JOB_KIND)


# --- Running -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchOptions:
    concurrency: int = 8
    """Orders in flight at once (the Altinn client also limits requests process-wide)."""
    poll_initial_seconds: float = 1.0
    poll_factor: float = 1.6
    poll_max_seconds: float = 30.0
    poll_timeout_seconds: float = 30 * 60.0
    """Give up waiting for an answer after this long (the order stays resumable)."""
    malformed_retries: int = 3
    """Fetch an unreadable answer again this many times before its persons get an error."""
    max_item_attempts: int = 5


ClientFactory = Callable[[str], "AltinnClient"]
"""Connection scope (``agency`` / ``client:<id>``) -> an Altinn client (the runner closes none)."""


def _hook(point: str) -> None:
    spec = os.environ.get(HOOK_ENV, "")
    name, _, folder = spec.partition(":")
    if name != point or not folder:
        return
    marker = Path(folder) / point
    if marker.exists():  # stop only once per folder
        return
    marker.write_text(str(os.getpid()))
    while True:  # until the test kills the process
        time.sleep(3600)


def _retryable(exc: Exception) -> bool:
    from byraa.core.altinn.errors import AltinnError

    if not isinstance(exc, AltinnError):
        return False
    return exc.kind in ("timeout", "connection", "malformed") or (exc.status or 0) in (429, 500, 502, 503, 504) \
        or exc.kind == "auth"


def _card_fields(card: TaxCard | None) -> tuple[Any, ...] | None:
    if card is None:
        return None
    return (card.result, card.kind, card.table_number, card.percentage, card.free_card_amount, card.months)


_FIELD_NAMES = ("result", "kind", "table", "percentage", "free-card amount", "months")


def _describe_change(before: tuple[Any, ...], after: tuple[Any, ...]) -> str:
    parts = []
    for name, a, b in zip(_FIELD_NAMES, before, after, strict=True):
        if a != b:
            if name == "free-card amount":
                a = None if a is None else a // 100
                b = None if b is None else b // 100
            parts.append(f"{name} {'–' if a is None else a} → {'–' if b is None else b}")
    return "; ".join(parts)[:300]


def _store_results(session: Session, who: Identity, job_id: int, item_id: int, year: int,
                   answer: TaxCardAnswer, client_ids: dict[str, int], reference: str) -> dict[str, int]:
    """Store one answer's persons (``store_answer``) and a result row per person."""
    from byraa.core.taxcards.parse import EmployerResult
    from byraa.core.taxcards.parse import TaxCardAnswer as Answer
    from byraa.core.taxcards.store import store_answer

    wanted = [e for e in answer.employers if e.org_number in client_ids]
    outside = sum(len(e.persons) for e in answer.employers if e.org_number not in client_ids)
    clients = {c.org_number: c for c in session.scalars(select(Client).where(Client.id.in_(
        [client_ids[e.org_number] for e in wanted] or [-1])))}
    ids_ = [c.id for c in clients.values()]
    # Drop a person listed twice for one employer (the answer's first entry counts).
    employers = []
    for e in wanted:
        seen: set[str] = set()
        persons = tuple(p for p in e.persons if not (p.national_id in seen or seen.add(p.national_id)))
        employers.append(EmployerResult(e.org_number, persons))
    answer = Answer(answer.status, tuple(employers), answer.format, archive_id=answer.archive_id)

    def currents() -> dict[tuple[int, int], TaxCard]:
        return {(c.client_id, c.employee_id): c for c in session.scalars(select(TaxCard).where(
            TaxCard.client_id.in_(ids_ or [-1]), TaxCard.income_year == year, TaxCard.is_current.is_(True)))}

    before = {k: (c.id, _card_fields(c), c.fetched_at) for k, c in currents().items()}
    store_answer(session, who, answer, clients, source_archive_id=answer.archive_id,
                 label=f"order {reference}")
    _hook("mid_storage")
    after = currents()
    employees = {(cid, nid): eid for eid, cid, nid in session.execute(
        select(Employee.id, Employee.client_id, Employee.national_id).where(Employee.client_id.in_(ids_ or [-1])))}
    now = clock.now()
    rows = []
    counts = {"persons": 0, "card": 0, "no_card": 0, "not_liable": 0, "error": 0, "changed": 0,
              "outside_selection": outside}
    per_client: dict[int, dict[str, int]] = {}
    for employer in answer.employers:
        client = clients[employer.org_number]
        assert client.id is not None
        for person in employer.persons:
            counts["persons"] += 1
            emp_id = employees.get((client.id, person.national_id))
            outcome = _RESULT_OUTCOME.get(person.result, "error")
            reason = person.error or (None if outcome != "error" else _RESULT_REASON.get(
                person.result, f"Skatteetaten answered {person.result or 'nothing'} for this person"))
            if person.error:
                outcome = "error"
            card = after.get((client.id, emp_id)) if emp_id is not None and outcome != "error" else None
            changed, changes, previous_at = False, None, None
            prev = before.get((client.id, emp_id)) if emp_id is not None else None
            if card is not None and prev is not None and prev[0] != card.id:
                fields = _card_fields(card)
                assert fields is not None
                if prev[1] != fields:
                    changed, changes, previous_at = True, _describe_change(prev[1], fields), prev[2]
            counts[outcome] += 1
            counts["changed"] += changed
            pc = per_client.setdefault(client.id, {"cards": 0, "errors": 0, "changed": 0})
            pc["cards"] += outcome != "error"
            pc["errors"] += outcome == "error"
            pc["changed"] += changed
            rows.append({"job_id": job_id, "item_id": item_id, "client_id": client.id, "employee_id": emp_id,
                         "national_id": person.national_id[:11], "income_year": year, "outcome": outcome,
                         "result": (person.result or None) and person.result[:60],
                         "reason": reason and reason[:300], "tax_card_id": card.id if card is not None else None,
                         "changed": changed, "changes": changes, "previous_fetched_at": previous_at,
                         "archive_id": answer.archive_id, "created_at": now})
    for chunk in _chunks(rows, 2000):
        session.execute(insert(TaxCardFetchResult.__table__), list(chunk))  # type: ignore[attr-defined]
    for client_id, pc in per_client.items():
        audit.record(session, actor=who.login, action="taxcards.fetch", entity="job", entity_id=job_id,
                     client_id=client_id, after={"order": reference, "year": year, **pc,
                                                 "archive_id": answer.archive_id})
    return counts


def _error_rows(session: Session, job_id: int, item_id: int, year: int, employers: dict[str, list[str]],
                client_ids: dict[str, int], reason: str, archive_id: int | None) -> dict[str, int]:
    """Every person of an order gets the same error (the answer stayed unreadable, or the
    order was refused), with the raw answer's archive id."""
    now = clock.now()
    employees = {(cid, nid): eid for eid, cid, nid in session.execute(
        select(Employee.id, Employee.client_id, Employee.national_id)
        .where(Employee.client_id.in_(list(client_ids.values()) or [-1])))}
    rows = [{"job_id": job_id, "item_id": item_id, "client_id": client_ids[org],
             "employee_id": employees.get((client_ids[org], nid)), "national_id": nid, "income_year": year,
             "outcome": "error", "reason": reason[:300], "changed": False, "archive_id": archive_id,
             "created_at": now}
            for org, nids in employers.items() for nid in dict.fromkeys(nids)]
    for chunk in _chunks(rows, 2000):
        session.execute(insert(TaxCardFetchResult.__table__), list(chunk))  # type: ignore[attr-defined]
    return {"persons": len(rows), "error": len(rows)}


def _handler(store: Store, who: Identity, client_for: ClientFactory, options: FetchOptions,
             sleep: Callable[[float], Any]) -> Callable[[ItemContext], Any]:
    from byraa.core import jobs
    from byraa.core.altinn.errors import AltinnError

    async def handle(ctx: ItemContext) -> ItemOutcome:
        p = dict(ctx.payload)
        year, mode = int(p["year"]), str(p["mode"])
        employers: dict[str, list[str]] = p["employers"]
        client_ids: dict[str, int] = {k: int(v) for k, v in p["client_ids"].items()}
        altinn = client_for(p.get("connection", "agency"))
        reference = p.get("reference")
        if not reference:
            _hook("before_order")
            ctx.note(f"{ctx.item.key}: ordering ({ctx.item.weight} persons)")
            try:
                order = await altinn.order_tax_cards(employers if mode == "all" else {}, year, mode,
                                                     idempotency_id=p["idempotency_id"])
            except AltinnError as exc:
                if _retryable(exc):
                    return jobs.ItemOutcome.retry(exc.message)
                return jobs.ItemOutcome(
                    "failed", error=exc.message[:500], result={"error": exc.message},
                    # exc is unbound once the except block ends: the lambda keeps its own copies.
                    write=lambda s, why=f"the order was refused: {exc.message}", aid=exc.archive_id: _error_rows(
                        s, ctx.job_id, ctx.item.id, year, employers, client_ids, why, aid)
                    if mode == "all" else None)
            except UserError as exc:  # refused before sending (invalid ids): never retried
                return jobs.ItemOutcome.failed(str(exc))
            reference = order.reference
            p.update(reference=reference, dialog_reference=order.dialog_reference, ordered_at=clock.now().isoformat())
            await ctx.save_payload(p)
            _hook("after_order")
        ctx.note(f"{ctx.item.key}: waiting for the answer")
        delay = options.poll_initial_seconds
        waited = 0.0
        unreadable = 0
        only = next(iter(employers)) if len(employers) == 1 else None
        while True:
            try:
                answer = await altinn.fetch_tax_cards(reference, org_number=only, year=year)
            except AltinnError as exc:
                if _retryable(exc):
                    return jobs.ItemOutcome.retry(exc.message)
                return jobs.ItemOutcome.failed(exc.message)
            if answer is not None and answer.error is None:
                break
            if answer is not None:  # unreadable: fetch again a few times, then per-person errors
                unreadable += 1
                if unreadable > options.malformed_retries:
                    reason = f"the answer could not be read ({answer.error}); raw answer archived"
                    aid = answer.archive_id
                    return jobs.ItemOutcome(
                        "done", result={"reference": reference, "error": answer.error, "archive_id": aid},
                        write=lambda s, reason=reason, aid=aid: _error_rows(
                            s, ctx.job_id, ctx.item.id, year, employers, client_ids, reason, aid)
                        if mode == "all" else None)
            if waited >= options.poll_timeout_seconds:
                return jobs.ItemOutcome.retry(f"no answer to order {reference} after {waited:.0f} s")
            if ctx.cancelled and answer is None:
                # Leave it for a resume: the order exists, its answer is fetched later.
                return jobs.ItemOutcome.retry("cancelled while waiting for the answer")
            await sleep(delay)
            waited += delay
            delay = min(options.poll_max_seconds, delay * options.poll_factor)
        ctx.note(f"{ctx.item.key}: storing {answer.persons} persons")
        status = answer.status
        if status in ("UGYLDIG_INNTEKTSAAR", "UGYLDIG_FORESPOERSEL"):
            reason = {"UGYLDIG_INNTEKTSAAR": f"Skatteetaten refused the income year {year} (UGYLDIG_INNTEKTSAAR)",
                      "UGYLDIG_FORESPOERSEL": "Skatteetaten refused the order (UGYLDIG_FORESPOERSEL)"}[status]
            aid = answer.archive_id
            return jobs.ItemOutcome(
                "done", result={"reference": reference, "status": status},
                write=lambda s: _error_rows(s, ctx.job_id, ctx.item.id, year, employers, client_ids, reason, aid)
                if mode == "all" else None)
        if status == "ENDRINGSFORESPOERSEL_UTEN_TIDLIGERE_BESTILLING":
            return jobs.ItemOutcome.failed("changes only needs an earlier order of all listed persons for "
                                           f"{year}: fetch all first (ENDRINGSFORESPOERSEL_UTEN_TIDLIGERE_BESTILLING)")
        result: dict[str, Any] = {"reference": reference, "status": status}
        job_id, item_id = ctx.job_id, ctx.item.id

        def write(session: Session) -> None:
            result.update(_store_results(session, who, job_id, item_id, year, answer, client_ids, reference))

        return jobs.ItemOutcome("done", result=result, write=write)

    return handle


def default_client_factory(store: Store, who: Identity, *, transport: Any = None,
                           overrides: dict[str, Any] | None = None) -> tuple[ClientFactory, Callable[[], Any]]:
    """Altinn clients built from the stored connection settings, archiving to the store.

    Returns ``(factory, aclose)``. ``overrides`` maps a scope to ``ConnectionSettings`` to
    use instead (an in-process sandbox's address).
    """
    from byraa.core.altinn import connection
    from byraa.core.clients.archive import StoreArchiver

    made: dict[str, AltinnClient] = {}

    def factory(scope: str) -> AltinnClient:
        if scope not in made:
            settings = (overrides or {}).get(scope) or _settings_for_scope(store, scope)
            made[scope] = connection.build_client(settings, archiver=StoreArchiver(store, who.login),
                                                  transport=transport)
        return made[scope]

    async def aclose() -> None:
        for client in made.values():
            await client.aclose()

    return factory, aclose


def _settings_for_scope(store: Store, scope: str) -> Any:
    from byraa.core.altinn import connection
    from byraa.core.store.models_altinn import AltinnConnection

    if scope == "agency":
        settings = connection.agency_connection(store)
        if settings is None:
            raise UserError("the agency's Altinn connection is not set up yet (Settings, or `byraa demo`)")
        return settings
    with store.session() as session:
        row = session.scalars(select(AltinnConnection).where(AltinnConnection.scope == scope)).first()
        if row is None:
            raise UserError(f"a client is set to use its own Altinn settings ({scope}), but none are entered")
        return connection._row_to_settings(row)


def connection_scopes(store: Store, job_id: int) -> list[str]:
    """The connection scopes a job's orders use (to set up sandboxes or clients first)."""
    with store.session() as session:
        return sorted({json.loads(p).get("connection", "agency") for p in session.scalars(
            select(JobItem.payload).where(JobItem.job_id == job_id))})


async def run_fetch(
    store: Store,
    who: Identity,
    job_id: int,
    *,
    client_for: ClientFactory | None = None,
    options: FetchOptions = FetchOptions(),
    on_progress: Callable[[Progress], None] | None = None,
    cancel_event: threading.Event | None = None,
    worker: str | None = None,
    sleep: Callable[[float], Any] = asyncio.sleep,
    pause_on_cancel: bool = False,
) -> FetchSummary:
    """Work (or resume) a fetch job to its end; returns its summary.

    ``client_for`` gives the Altinn client per connection scope (default: from the stored
    settings). From a TUI thread worker: ``asyncio.run(run_fetch(...))`` with a
    ``cancel_event`` the screen sets on escape and an ``on_progress`` that posts to the UI
    (or ``run_fetch_blocking``, which also brings up the sandbox). ``pause_on_cancel``:
    the event stops the fetch and leaves it interrupted, to resume later (orders already
    placed are fetched then, never ordered again).
    """
    from byraa.core import jobs

    started = time.monotonic()
    close = None
    if client_for is None:
        client_for, close = default_client_factory(store, who)
    try:
        info = await jobs.run_job(
            store, who, job_id, _handler(store, who, client_for, options, sleep), worker=worker,
            concurrency=options.concurrency, on_progress=on_progress, cancel_event=cancel_event,
            summarize=lambda session, jid: _summary_counts(session, jid), max_item_attempts=options.max_item_attempts,
            pause_on_cancel=pause_on_cancel,
        )
    finally:
        if close is not None:
            await close()
    return fetch_summary(store, who, info.id, seconds=time.monotonic() - started)


def run_fetch_blocking(
    store: Store,
    who: Identity,
    job_id: int,
    *,
    options: FetchOptions = FetchOptions(),
    on_progress: Callable[[Progress], None] | None = None,
    cancel_event: threading.Event | None = None,
    pause_on_cancel: bool = False,
    sandbox_options: dict[str, Any] | None = None,
) -> FetchSummary:
    """Run (or resume) a fetch to its end from synchronous code: ``byraa taxcards fetch``
    and the TUI's thread worker.

    The Altinn clients come from the stored settings; for each connection scope whose
    environment is the sandbox and where none answers, a sandbox runs in-process for the
    fetch's lifetime (``sandbox_for``, given ``sandbox_options``). With a ``cancel_event``
    the waits between polls end as soon as it is set, so a cancel lands at once.
    """
    from contextlib import ExitStack

    from byraa.sandbox.ensure import sandbox_for

    def wait(seconds: float) -> Any:
        if cancel_event is None:
            return asyncio.sleep(seconds)
        return asyncio.to_thread(cancel_event.wait, seconds)

    with ExitStack() as stack:
        overrides = {}
        for scope in connection_scopes(store, job_id):
            settings = _settings_for_scope(store, scope)
            overrides[scope] = stack.enter_context(sandbox_for(store, settings, **(sandbox_options or {})))
        factory, aclose = default_client_factory(store, who, overrides=overrides)

        async def go() -> FetchSummary:
            try:
                return await run_fetch(store, who, job_id, client_for=factory, options=options,
                                       on_progress=on_progress, cancel_event=cancel_event, sleep=wait,
                                       pause_on_cancel=pause_on_cancel)
            finally:
                await aclose()

        return asyncio.run(go())


def latest_fetch(store: Store, who: Identity) -> int | None:
    """The newest finished fetch the user may see (their own; a manager: anyone's)."""
    with store.session() as session:
        query = (select(Job.id).where(Job.kind == JOB_KIND, Job.finished_at.is_not(None))
                 .order_by(Job.id.desc()).limit(1))
        if not who.is_manager:
            query = query.where(Job.created_by == who.login)
        return session.scalars(query).first()


# --- Reading the results -------------------------------------------------------------------


@dataclass(frozen=True)
class FetchSummary:
    job_id: int
    status: str
    year: int
    mode: str
    clients: int
    persons_asked: int
    """Persons named in the orders (for changes only: the persons the selection covers)."""
    results: int
    cards: int
    changed: int
    no_card: int
    not_liable: int
    errors: int
    skipped: int
    """Leavers (no employment in the income year), never asked."""
    orders: int
    orders_sent: int
    orders_failed: int
    seconds: float = 0.0
    item_errors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.orders_failed == 0 and self.status == "done"


def _summary_counts(session: Session, job_id: int) -> dict[str, int]:
    outcomes = dict(session.execute(
        select(TaxCardFetchResult.outcome, func.count()).where(TaxCardFetchResult.job_id == job_id)
        .group_by(TaxCardFetchResult.outcome)).all())
    changed = session.scalar(select(func.count()).where(TaxCardFetchResult.job_id == job_id,
                                                        TaxCardFetchResult.changed.is_(True))) or 0
    return {**{k: int(v) for k, v in outcomes.items()}, "changed": int(changed)}


def _job(session: Session, who: Identity, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.kind != JOB_KIND:
        raise NotFound(f"no tax-card fetch {job_id}")
    if not (who.is_manager or job.created_by == who.login):
        raise AccessDenied(f"the tax-card fetch {job_id} was started by {job.created_by}; "
                           f"{who.login} may not see it")
    return job


def fetch_summary(store: Store, who: Identity, job_id: int, *, seconds: float = 0.0) -> FetchSummary:
    with store.session() as session:
        job = _job(session, who, job_id)
        params = json.loads(job.params or "{}")
        counts = _summary_counts(session, job_id)
        items = session.execute(select(JobItem.state, JobItem.payload, JobItem.error, JobItem.weight)
                                .where(JobItem.job_id == job_id)).all()
    sent = sum(1 for _, payload, _, _ in items if json.loads(payload).get("reference"))
    failed = [e or "failed" for state, _, e, _ in items if state == "failed"]
    persons = sum(w for *_, w in items) if params.get("mode") == "all" else int(params.get("persons", 0))
    return FetchSummary(
        job_id, job.status, int(params.get("year", 0)), str(params.get("mode", "all")),
        len(params.get("clients", [])), persons,
        sum(v for k, v in counts.items() if k not in ("changed", "skipped")),
        counts.get("card", 0), counts.get("changed", 0), counts.get("no_card", 0), counts.get("not_liable", 0),
        counts.get("error", 0), counts.get("skipped", 0), len(items), sent, len(failed), seconds, tuple(failed),
    )


@dataclass(frozen=True)
class ResultRow:
    """One person's row in the result table (national id masked)."""

    client_id: int
    org_number: str
    client_name: str
    employee_id: int | None
    national_id: str
    """Masked (``010190*****``)."""
    name: str
    outcome: str
    """card, no_card, not_liable, error, skipped."""
    result: str | None
    kind: str | None
    table_number: str | None
    percentage: float | None
    free_card_amount: int | None
    """Øre."""
    months: float | None
    changed: bool
    changes: str | None
    changed_since: datetime | None
    """When the card it replaced was fetched."""
    reason: str | None
    archive_id: int | None


def result_rows(store: Store, who: Identity, job_id: int, *, show: str = "all",
                client: str | None = None) -> list[ResultRow]:
    """The job's per-person results: ``show`` one of all, changed, errors, no_card, skipped, cards.

    Only clients the user has access to appear (a clerk never sees another's cards).
    """
    if show not in FILTERS:
        raise UserError(f"filter {show!r} is not one of {', '.join(FILTERS)}")
    with store.session() as session:
        _job(session, who, job_id)
        allowed = access.accessible_client_ids(session, who)
        query = (
            select(TaxCardFetchResult, TaxCard, Employee.name, Client.org_number, Client.name)
            .join(Client, Client.id == TaxCardFetchResult.client_id)
            .outerjoin(TaxCard, TaxCard.id == TaxCardFetchResult.tax_card_id)
            .outerjoin(Employee, Employee.id == TaxCardFetchResult.employee_id)
            .where(TaxCardFetchResult.job_id == job_id)
            .order_by(Client.name, Employee.name, TaxCardFetchResult.national_id)
        )
        if allowed is not None:
            query = query.where(TaxCardFetchResult.client_id.in_(allowed or {-1}))
        if client is not None:
            query = query.where(Client.org_number == client)
        if show == "changed":
            query = query.where(TaxCardFetchResult.changed.is_(True))
        elif show == "errors":
            query = query.where(TaxCardFetchResult.outcome == "error")
        elif show == "no_card":
            query = query.where(TaxCardFetchResult.outcome.in_(("no_card", "not_liable")))
        elif show == "skipped":
            query = query.where(TaxCardFetchResult.outcome == "skipped")
        elif show == "cards":
            query = query.where(TaxCardFetchResult.outcome == "card")
        return [
            ResultRow(r.client_id, org, cname, r.employee_id, ids.mask_national_id(r.national_id), ename or "",
                      r.outcome, r.result, card.kind if card else None, card.table_number if card else None,
                      card.percentage if card else None, card.free_card_amount if card else None,
                      card.months if card else None, r.changed, r.changes, r.previous_fetched_at, r.reason,
                      r.archive_id)
            for r, card, ename, org, cname in session.execute(query)
        ]


def shows(row: ResultRow, show: str) -> bool:
    """Whether ``result_rows(show=...)`` lists ``row``: filters rows already read, in place."""
    return {
        "all": True,
        "changed": row.changed,
        "errors": row.outcome == "error",
        "no_card": row.outcome in ("no_card", "not_liable"),
        "skipped": row.outcome == "skipped",
        "cards": row.outcome == "card",
    }[show]


def card_history(store: Store, who: Identity, client: str, employee_id: int, year: int | None = None) -> list[Any]:
    """A person's tax cards at a client, newest first (current and replaced ones)."""
    from byraa.core.taxcards.store import list_cards

    return [r for r in list_cards(store, who, client, year, history=True) if r.employee_id == employee_id]
