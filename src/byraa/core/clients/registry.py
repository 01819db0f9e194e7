"""Clients: the agency overview, one client's detail, adding a client.

The overview lists every client of the agency to every staff user (names, status, pay
day, responsible, groups, latest a-melding status, head count), because that is how an
agency is run. A client's payroll data (employees, runs, amounts) needs access.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import NotFound, UserError
from byraa.core.clients.details import clean_fields
from byraa.core.clients.latest_amelding import latest_amelding
from byraa.core.importers import payroll_side
from byraa.core.store import Store
from byraa.core.store.models import (
    AmeldingSubmission,
    Client,
    ClientAccess,
    ClientGroup,
    Employee,
    Employment,
    GroupMembership,
    Leave,
    PayrollRun,
    StaffUser,
    SubUnit,
    in_force,
)
from byraa.core.words.collation import by_name


@dataclass(frozen=True)
class ClientRow:
    """One client as the agency overview shows it."""

    id: int
    org_number: str
    name: str
    status: str
    pay_day: int
    responsible: tuple[str, ...]
    """Logins of the responsible staff (usually one; none is a problem to fix)."""
    responsible_names: tuple[str, ...]
    associates: tuple[str, ...]
    groups: tuple[str, ...]
    last_amelding_period: str | None
    last_amelding_status: str | None
    employees: int
    """Employees with an employment active today."""
    has_access: bool
    """Whether the current user may open this client's payroll data."""

    def matches(self, needle: str) -> bool:
        """Case-insensitive match of every word of ``needle`` against the row's text."""
        haystack = self.search_text
        return all(word in haystack for word in needle.lower().split())

    @property
    def search_text(self) -> str:
        return " ".join(
            (self.org_number, self.name, self.status, *self.responsible, *self.responsible_names,
             *self.associates, *self.groups, self.last_amelding_status or "")
        ).lower()


def filter_rows(rows: list[ClientRow], needle: str) -> list[ClientRow]:
    """The rows matching a filter text (all words, any column); empty text keeps all."""
    needle = needle.strip()
    if not needle:
        return rows
    return [row for row in rows if row.matches(needle)]


def _active_on(day: date):  # noqa: ANN202
    return in_force(Employment, day, day)


def list_clients(
    store: Store,
    who: Identity,
    *,
    group: str | None = None,
    responsible: str | None = None,
    only_mine: bool = False,
    figures: bool = True,
) -> list[ClientRow]:
    """Every client of the agency (or of one group / responsible login), sorted by name.

    Without ``figures`` the rows leave out the newest a-melding and the head count (two
    queries over every submission and employment): for a screen that shows neither, such
    as the reconciliation list, which reads its clients again on every return."""
    with store.session() as session:
        query = select(Client)
        if group is not None:
            group_id = session.scalars(select(col(ClientGroup.id)).where(col(ClientGroup.name) == group)).first()
            if group_id is None:
                raise NotFound("group.not_found", name=group)
            query = query.join(GroupMembership, col(GroupMembership.client_id) == col(Client.id)).where(
                col(GroupMembership.group_id) == group_id
            )
        if responsible is not None:
            user_id = session.scalars(select(col(StaffUser.id)).where(col(StaffUser.login) == responsible)).first()
            if user_id is None:
                raise NotFound("staff.not_found", login=responsible)
            query = query.where(
                col(Client.id).in_(
                    select(col(ClientAccess.client_id)).where(
                        col(ClientAccess.user_id) == user_id, col(ClientAccess.role) == "responsible"
                    )
                )
            )
        if only_mine:
            query = query.where(
                col(Client.id).in_(select(col(ClientAccess.client_id)).where(col(ClientAccess.user_id) == who.user_id))
            )
        clients = by_name(session.scalars(query))
        return _rows(session, who, clients, figures=figures)


def _rows(session: Session, who: Identity, clients: list[Client], *, figures: bool = True) -> list[ClientRow]:
    grants: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for client_id, role, login, name in session.execute(
        select(col(ClientAccess.client_id), col(ClientAccess.role), col(StaffUser.login), col(StaffUser.name))
        .join(StaffUser, col(StaffUser.id) == col(ClientAccess.user_id))
        .order_by(col(StaffUser.login))
    ):
        grants[client_id].append((role, login, name))
    groups: dict[int, list[str]] = defaultdict(list)
    for client_id, name in session.execute(
        select(col(GroupMembership.client_id), col(ClientGroup.name))
        .join(ClientGroup, col(ClientGroup.id) == col(GroupMembership.group_id))
        .order_by(col(ClientGroup.name))
    ):
        groups[client_id].append(name)
    latest = _latest_amelding(session) if figures else {}
    heads: dict[int, int] = dict(
        session.execute(
            select(col(Employment.client_id), func.count(func.distinct(col(Employment.employee_id))))
            .where(_active_on(clock.today()))
            .group_by(col(Employment.client_id))
        ).all()
    ) if figures else {}
    visible = access.accessible_client_ids(session, who)
    rows = []
    for c in clients:
        assert c.id is not None
        g = grants.get(c.id, [])
        period, status = latest.get(c.id, (None, None))
        rows.append(
            ClientRow(
                id=c.id,
                org_number=c.org_number,
                name=c.name,
                status=c.status,
                pay_day=c.pay_day,
                responsible=tuple(login for role, login, _ in g if role == "responsible"),
                responsible_names=tuple(name for role, _, name in g if role == "responsible"),
                associates=tuple(login for role, login, _ in g if role == "associate"),
                groups=tuple(groups.get(c.id, [])),
                last_amelding_period=period,
                last_amelding_status=status,
                employees=heads.get(c.id, 0),
                has_access=visible is None or c.id in visible,
            )
        )
    return rows


def _latest_amelding(session: Session) -> dict[int, tuple[str, str]]:
    """Per client: the period and status of its newest a-melding submission."""
    newest = latest_amelding()
    return {
        client_id: (period, status)
        for client_id, period, status in session.execute(select(newest.c.client_id, newest.c.period, newest.c.status))
    }


# --- One client's detail ---------------------------------------------------------------


@dataclass(frozen=True)
class EmploymentRow:
    employment_ref: str
    employment_type: str
    sub_unit: str | None
    start_date: date
    end_date: date | None
    occupation_code: str | None
    position_pct: float
    hours_full_week: float
    leaves: tuple[str, ...]


@dataclass(frozen=True)
class EmployeeRow:
    id: int
    national_id: str
    """Masked unless the caller asked to reveal (and that reveal was audited)."""
    name: str
    address: str
    employee_number: str | None
    active: bool
    employments: tuple[EmploymentRow, ...]


@dataclass(frozen=True)
class RunRow:
    period: str
    pay_date: date
    kind: str
    status: str
    payslip_count: int
    gross: int
    withholding: int
    employer_contribution: int


@dataclass(frozen=True)
class SubmissionRow:
    period: str
    message_id: str
    submitted_at: object
    status: str
    deviations_rejection: int
    deviations_immediate: int
    deviations_guideline: int


@dataclass(frozen=True)
class ClientDetail:
    client: ClientRow
    sub_units: tuple[tuple[str, str, str], ...]
    """(org number, name, AGA zone)."""
    employees: tuple[EmployeeRow, ...]
    runs: tuple[RunRow, ...]
    submissions: tuple[SubmissionRow, ...]


def client_detail(store: Store, who: Identity, client_id: int) -> ClientDetail:
    """Everything byraa holds on one client; refused without access."""
    with store.session() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client.id_not_found", id=client_id)
        access.require_client(session, who, client_id, f"{client.org_number} {client.name}")
        row = _rows(session, who, [client])[0]
        units = list(session.scalars(
            select(SubUnit).where(col(SubUnit.client_id) == client_id).order_by(col(SubUnit.name))))
        unit_names = {u.id: u.shown for u in units}
        today = clock.today()
        leaves: dict[int, list[str]] = defaultdict(list)
        for employment_id, description, pct in session.execute(
            select(col(Leave.employment_id), col(Leave.description), col(Leave.leave_pct))
            .join(Employment, col(Employment.id) == col(Leave.employment_id))
            .where(col(Employment.client_id) == client_id)
            .order_by(col(Leave.start_date))
        ):
            leaves[employment_id].append(f"{description} {pct:g} %")
        employments: dict[int, list[EmploymentRow]] = defaultdict(list)
        active: set[int] = set()
        for e in session.scalars(
            select(Employment).where(col(Employment.client_id) == client_id).order_by(col(Employment.start_date))
        ):
            employments[e.employee_id].append(
                EmploymentRow(
                    e.employment_ref, e.employment_type, unit_names.get(e.sub_unit_id), e.start_date,
                    e.end_date, e.occupation_code, e.position_pct, e.hours_full_week,
                    tuple(leaves.get(e.id or 0, [])),
                )
            )
            if e.start_date <= today and (e.end_date is None or e.end_date >= today):
                active.add(e.employee_id)
        employees = tuple(
            EmployeeRow(
                p.id or 0,
                ids.mask_national_id(p.national_id),
                p.name,
                ", ".join(x for x in (p.address, f"{p.postal_code or ''} {p.city or ''}".strip()) if x),
                p.employee_number,
                p.id in active,
                tuple(employments.get(p.id or 0, [])),
            )
            for p in by_name(session.scalars(select(Employee).where(col(Employee.client_id) == client_id)))
        )
        runs = tuple(
            RunRow(r.period, r.pay_date, r.kind, status, r.payslip_count, r.gross, r.withholding,
                   r.employer_contribution)
            for r, status in session.execute(
                select(PayrollRun, payroll_side.status_now()).where(col(PayrollRun.client_id) == client_id)
                .order_by(col(PayrollRun.period).desc(), col(PayrollRun.pay_date).desc())
            )
        )
        submissions = tuple(
            SubmissionRow(s.period, s.message_id, s.submitted_at, s.status, s.deviations_rejection,
                          s.deviations_immediate, s.deviations_guideline)
            for s in session.scalars(
                select(AmeldingSubmission).where(col(AmeldingSubmission.client_id) == client_id)
                .order_by(col(AmeldingSubmission.period).desc(), col(AmeldingSubmission.submitted_at).desc())
            )
        )
        return ClientDetail(row, tuple((u.org_number, u.name, u.aga_zone) for u in units), employees, runs,
                            submissions)


def reveal_national_id(store: Store, who: Identity, employee_id: int) -> str:
    """The unmasked national id of one employee; needs access, and every reveal is audited."""
    with store.session() as session:
        employee = session.get(Employee, employee_id)
        if employee is None:
            raise NotFound("employee.id_not_found", id=employee_id)
        client = session.get(Client, employee.client_id)
        assert client is not None
        access.require_client(session, who, client.id or 0, f"{client.org_number} {client.name}")
        audit.record(session, actor=who.login, action="national_id.reveal", entity="employee",
                     entity_id=employee_id, client_id=client.id)
        return employee.national_id


# --- Adding a client -------------------------------------------------------------------

_NAME = re.compile(r"\S")

DEFAULT_PAY_DAY = 20
"""A new client's pay day unless one is given."""


def add_client(store: Store, who: Identity, org_number: str, name: str, *, pay_day: int = DEFAULT_PAY_DAY,
               fields: dict[str, str | None] | None = None) -> ClientRow:
    """Register a new client (agency manager only); invalid or duplicate numbers are refused,
    and so are invalid accounts and contact fields (``details.clean_fields``)."""
    access.require_manager(who, "add clients")
    org_number = org_number.replace(" ", "")
    if reason := ids.org_number_error(org_number):
        raise UserError("org.invalid", org=org_number, reason=reason)
    if not _NAME.search(name or "") or len(name) > 200:
        raise UserError("client.bad_name")
    from byraa.core.base.text import has_controls

    if has_controls(name):
        raise UserError("name.controls", name=repr(name)[:60])
    if not 1 <= pay_day <= 31:
        raise UserError("client.bad_pay_day", day=pay_day)
    extra = clean_fields(fields or {})
    with store.session() as session:
        if session.scalars(select(col(Client.id)).where(col(Client.org_number) == org_number)).first():
            raise UserError("client.exists", org=org_number)
        client = Client(org_number=org_number, name=name.strip(), pay_day=pay_day, created_at=clock.now(),
                        **extra)  # type: ignore[arg-type]  # only the optional text fields clean_fields knows
        session.add(client)
        try:
            session.flush()
        except IntegrityError as exc:  # a concurrent add of the same number
            raise UserError("client.exists", org=org_number) from exc
        audit.record(session, actor=who.login, action="client.add", entity="client", entity_id=client.id,
                     client_id=client.id, after={"org_number": org_number, "name": client.name, "pay_day": pay_day,
                                                               **{k: v for k, v in extra.items() if v}})
        return _rows(session, who, [client])[0]
