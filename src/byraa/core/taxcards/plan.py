"""Planning a bulk tax-card fetch: which clients and persons, the income-year rules, the
leaver guard, and how persons are packed into orders. Nothing is written here; the plan
goes to ``fetch.start_fetch``. (Split from ``fetch.py``, which re-exports these names.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import NotFound, UserError
from byraa.core.clients.lookup import find_client
from byraa.core.store import Store
from byraa.core.store.models import (
    Client,
    ClientAccess,
    ClientGroup,
    Employee,
    Employment,
    GroupMembership,
    StaffUser,
    in_force,
)

if TYPE_CHECKING:

    pass

JOB_KIND = "taxcards.fetch"
"""The kind of the durable job a plan becomes (``fetch.start_fetch``)."""
MODES = ("all", "changes")
DEFAULT_PERSONS_PER_ORDER = 1000


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

    def describe_words(self) -> str:
        """``describe`` in the user's language (for messages; ``describe`` names stored jobs)."""
        from byraa.core.words.i18n import _

        if self.clients or self.client_ids:
            return _("{n} chosen client(s)").format(n=len(self.clients) + len(self.client_ids))
        if self.group:
            return _("group {group}").format(group=self.group)
        if self.responsible:
            return _("clients where {login} is responsible").format(login=self.responsible)
        return _("all clients")


def income_year_error(year: int, today: date) -> UserError | None:
    """Why Skatteetaten would refuse cards for ``year`` today (§1.7), as an error; else None."""
    if year == today.year:
        return None
    if year == today.year + 1:
        if today < date(today.year, 12, 15):
            return UserError("taxcards.next_year_too_early", year=year, this_year=today.year, today=today)
        return None
    if year == today.year - 1:
        if today.month > 6:
            return UserError("taxcards.last_year_too_late", year=year, this_year=today.year, today=today)
        return None
    if today >= date(today.year, 12, 15):
        return UserError("taxcards.year_out_of_range_two", year=year, first=today.year, second=today.year + 1)
    if today.month <= 6:
        return UserError("taxcards.year_out_of_range_two", year=year, first=today.year, second=today.year - 1)
    return UserError("taxcards.year_out_of_range", year=year, this_year=today.year)


def income_year_problem(year: int, today: date) -> str | None:
    """``income_year_error`` in words (the current language); else None."""
    error = income_year_error(year, today)
    return str(error) if error else None


def check_income_year(year: int, today: date | None = None) -> None:
    if error := income_year_error(year, today or clock.today()):
        raise error


def _selected_clients(session: Session, who: Identity, selection: Selection) -> tuple[list[Client], int]:
    """(clients to fetch for, clients left out for lack of access)."""
    chosen = sum(bool(x) for x in ((selection.clients or selection.client_ids), selection.group,
                                   selection.responsible, selection.all))
    if chosen != 1:
        raise UserError("taxcards.choose_one_selection")
    allowed = access.accessible_client_ids(session, who)
    if selection.clients or selection.client_ids:
        rows: list[Client] = []
        for org in selection.clients:
            org = org.replace(" ", "")
            if reason := ids.org_number_error(org):
                raise UserError("org.invalid", org=org, reason=reason)
            rows.append(find_client(session, org))
        for client_id in selection.client_ids:
            client = session.get(Client, client_id)
            if client is None:
                raise NotFound("client.id_not_found", id=client_id)
            rows.append(client)
        for client in rows:  # named clients: no access is a refusal, not a silent skip
            access.require_client(session, who, client.id or 0, f"{client.org_number} {client.name}")
        unique = {c.id: c for c in rows}
        return sorted(unique.values(), key=lambda c: c.name), 0
    query = select(Client).where(col(Client.status) != "ended").order_by(col(Client.name))
    if selection.group:
        group = session.scalars(select(ClientGroup).where(col(ClientGroup.name) == selection.group)).first()
        if group is None:
            raise NotFound("group.not_found", name=selection.group)
        query = query.where(col(Client.id).in_(select(col(GroupMembership.client_id)).where(
            col(GroupMembership.group_id) == group.id)))
    elif selection.responsible:
        user = session.scalars(select(StaffUser).where(col(StaffUser.login) == selection.responsible)).first()
        if user is None:
            raise NotFound("staff.not_found", login=selection.responsible)
        query = query.where(col(Client.id).in_(select(col(ClientAccess.client_id)).where(
            col(ClientAccess.user_id) == user.id, col(ClientAccess.role) == "responsible")))
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
    return in_force(Employment, date(year, 1, 1), date(year, 12, 31))


def plan_fetch(store: Store, who: Identity, selection: Selection, year: int, *, mode: str = "all",
               persons_per_order: int = DEFAULT_PERSONS_PER_ORDER, today: date | None = None) -> FetchPlan:
    """What a fetch would do (nothing written): clients, persons, skipped leavers, orders.

    Refuses up front (``UserError``) on a year Skatteetaten would refuse today, an empty or
    ambiguous selection, or a named client the user has no access to.
    """
    if mode not in MODES:
        raise UserError("taxcards.bad_mode", mode=mode, modes=", ".join(MODES))
    if not 1 <= persons_per_order <= 1000:
        raise UserError("taxcards.bad_batch_size")
    check_income_year(year, today)
    with store.session() as session:
        clients, without_access = _selected_clients(session, who, selection)
        if not clients:
            raise (UserError("taxcards.no_clients_access", selection=selection.describe_words(), count=without_access)
                   if without_access else UserError("taxcards.no_clients", selection=selection.describe_words()))
        client_ids = [c.id for c in clients]
        employees: dict[int, list[tuple[int, str]]] = {}
        for chunk in _chunks(client_ids, 500):
            for emp_id, client_id, nid in session.execute(
                    select(col(Employee.id), col(Employee.client_id), col(Employee.national_id))
                    .where(col(Employee.client_id).in_(chunk)).order_by(col(Employee.client_id), col(Employee.id))):
                assert emp_id is not None  # a stored row's key
                employees.setdefault(client_id, []).append((emp_id, nid))
        active: set[int] = set()
        last_end: dict[int, date | None] = {}
        for chunk in _chunks(client_ids, 500):
            active.update(session.scalars(select(col(Employment.employee_id)).distinct().where(
                col(Employment.client_id).in_(chunk), _active_in_year(year))))
            for emp_id, end in session.execute(
                    select(col(Employment.employee_id), func.max(col(Employment.end_date)))
                    .where(col(Employment.client_id).in_(chunk)).group_by(col(Employment.employee_id))):
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
            elif nid_problem := ids.national_id_error(nid):
                skipped.append(SkippedPerson(client.id, emp_id, nid, f"invalid national id: {nid_problem}", "error"))
            elif org_problem:
                reason = org_problem if org_problem.startswith("the client") else f"invalid org number: {org_problem}"
                skipped.append(SkippedPerson(client.id, emp_id, nid, reason, "error"))
            else:
                persons.append(PlannedPerson(emp_id, nid))
        planned.append(PlannedClient(client.id, client.org_number, client.name, tuple(persons), tuple(skipped),
                                     connection))
    orders = _pack(planned, persons_per_order) if mode == "all" else _changes_orders(planned)
    return FetchPlan(year, mode, selection, tuple(planned), tuple(orders), without_access, persons_per_order)


def require_stored_connection(store: Store, plan: FetchPlan) -> None:
    """Refuse a fetch that would go with the agency's Altinn connection while none is set
    up: said before the user confirms and before a job exists (the screen and the command
    ask it; a job run with a transport of its own, as the tests do, does not)."""
    from byraa.core.altinn import connection

    if any(c.connection == "agency" for c in plan.clients) and connection.agency_connection(store) is None:
        raise UserError("connection.agency_not_set_up")


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
