"""The store's tables (SQLModel).

Amounts are whole øre in BIGINT columns: exact on both SQLite and PostgreSQL, and fast
to sum. Periods are ``YYYY-MM`` strings, which sort and compare as months do.
Screens never see these classes: services in ``byraa.core`` turn them into plain
dataclasses.

The schema is created only by the Alembic migrations in ``migrations/versions``; a test
checks that the migrations and these classes agree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint, and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, SQLModel, col
from sqlmodel.main import SQLModelConfig

from byraa.core.base import ids

ROLES = ("manager", "clerk")
"""Staff roles: agency manager (byråleder) and payroll clerk (byrå-lønnsfører)."""

ACCESS_ROLES = ("responsible", "associate")
"""A staff member's role on one client: ansvarlig or medarbeider."""

CLIENT_STATUSES = ("active", "onboarding", "ended")
RUN_KINDS = ("regular", "off_cycle")
RUN_STATUSES = ("open", "frozen", "posted")
AMELDING_STATUSES = ("accepted", "rejected", "pending")


class Table(SQLModel):
    """The base of every store table. Pydantic would build each table's validator and
    serialiser when its class is defined, paid by every command at start (about 20 ms for
    the 44 tables, measured with cProfile); the store never validates through pydantic,
    so the build is deferred to a first use that does not come."""

    model_config = SQLModelConfig(defer_build=True)


def _money(**kw) -> Field:  # type: ignore[valid-type]
    return Field(default=0, sa_column=Column(BigInteger, nullable=False, **kw))


class Agency(Table, table=True):
    __tablename__ = "agency"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    org_number: str = Field(max_length=9)
    created_at: datetime


class StaffUser(Table, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=16)
    active: bool = True
    created_at: datetime


class Client(Table, table=True):
    __tablename__ = "client"

    id: int | None = Field(default=None, primary_key=True)
    org_number: str = Field(max_length=9, unique=True)
    name: str = Field(max_length=200, index=True)
    status: str = Field(default="active", max_length=16)
    pay_day: int = 20
    """Day of month wages are paid; 31 means the last day of the month."""
    municipality: str | None = Field(default=None, max_length=100)
    uses_agency_altinn: bool = True
    """Whether this client talks to Altinn with the agency's settings or its own."""
    created_at: datetime
    bank_account: str | None = Field(default=None, max_length=11)
    """The account wages are paid from: 11 digits, mod-11 checked (stored without dots)."""
    tax_deduction_account: str | None = Field(default=None, max_length=11)
    """The skattetrekkskonto withheld tax is set aside on: 11 digits, mod-11 checked."""
    address: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=4)
    city: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)


UNNAMED_SUB_UNIT = "Virksomhet {org}"
"""The name a sub-unit is stored with when first met in a file that gives only its number
(an a-melding's ``virksomhet``)."""


class SubUnit(Table, table=True):
    __tablename__ = "sub_unit"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    org_number: str = Field(max_length=9, unique=True)
    name: str = Field(max_length=200)
    municipality: str | None = Field(default=None, max_length=100)
    aga_zone: str = Field(default="1", max_length=3)

    @property
    def shown(self) -> str:
        """How a screen names it: its name, or while it has only the stored stand-in, its
        organisation number as a person reads one (``310 000 124``)."""
        return ids.format_org_number(self.org_number) if self.name == UNNAMED_SUB_UNIT.format(org=self.org_number) \
            else self.name


class ClientAccess(Table, table=True):
    __tablename__ = "client_access"
    __table_args__ = (UniqueConstraint("user_id", "client_id", name="uq_client_access_user_client"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    role: str = Field(max_length=16)
    granted_at: datetime
    granted_by: str | None = Field(default=None, max_length=64)


class ClientGroup(Table, table=True):
    __tablename__ = "client_group"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    description: str | None = Field(default=None, max_length=500)
    created_at: datetime


class GroupMembership(Table, table=True):
    __tablename__ = "group_membership"

    group_id: int = Field(foreign_key="client_group.id", primary_key=True)
    client_id: int = Field(foreign_key="client.id", primary_key=True, index=True)


class Employee(Table, table=True):
    """A person paid by one client (the same person at two clients is two rows)."""

    __tablename__ = "employee"
    __table_args__ = (UniqueConstraint("client_id", "national_id", name="uq_employee_client_nid"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    national_id: str = Field(max_length=11)
    name: str = Field(max_length=200)
    address: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=4)
    city: str | None = Field(default=None, max_length=100)
    employee_number: str | None = Field(default=None, max_length=20)


class Employment(Table, table=True):
    """One arbeidsforhold of an employee at a sub-unit."""

    __tablename__ = "employment"
    __table_args__ = (Index("ix_employment_client_dates", "client_id", "start_date", "end_date"),)

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    sub_unit_id: int | None = Field(default=None, foreign_key="sub_unit.id")
    employment_ref: str = Field(max_length=150)
    """The arbeidsforholdId the payroll system reports."""
    employment_type: str = Field(default="ordinaertArbeidsforhold", max_length=60)
    start_date: date
    end_date: date | None = None
    occupation_code: str | None = Field(default=None, max_length=7)
    position_pct: float = 100.0
    hours_full_week: float = 37.5
    annual_salary: int = _money(server_default="0")
    """Agreed pay for a year of this employment as it is (already scaled by
    ``position_pct``), in øre; for a frilanser, the year's expected fees. 0 when unknown."""


class Leave(Table, table=True):
    """A permisjon on an employment."""

    __tablename__ = "leave"

    id: int | None = Field(default=None, primary_key=True)
    employment_id: int = Field(foreign_key="employment.id", index=True)
    start_date: date
    end_date: date | None = None
    leave_pct: float = 100.0
    description: str = Field(max_length=80)


def in_force(table: type[Employment] | type[Leave], first: date, last: date) -> ColumnElement[bool]:
    """Employments (or leaves) in force some day from ``first`` to ``last``: begun by the
    last day and not ended before the first (no end date: still running)."""
    return and_(col(table.start_date) <= last,
                or_(col(table.end_date).is_(None), col(table.end_date) >= first))


class PayrollRun(Table, table=True):
    __tablename__ = "payroll_run"
    __table_args__ = (
        Index("ix_payroll_run_period_client", "period", "client_id"),
        Index("ix_payroll_run_client_period", "client_id", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    pay_date: date
    kind: str = Field(default="regular", max_length=16)
    status: str = Field(default="open", max_length=16)
    payslip_count: int = 0
    payslips_manual: int | None = 0
    """Payslips a clerk changed by hand: the complement of the degree of automation.
    ``None`` when the source has no such mark (a run derived from an a-melding)."""
    gross: int = _money()
    withholding: int = _money()
    employer_contribution: int = _money()
    source_id: int | None = None
    """The ``recon_source`` (imported a-melding) this run was derived from; ``None`` for a
    run written by other means. Derived runs are replaced when the month's a-melding is."""


class AmeldingSubmission(Table, table=True):
    __tablename__ = "amelding_submission"
    __table_args__ = (
        Index("ix_amelding_period_client", "period", "client_id"),
        Index("ix_amelding_client_period", "client_id", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    message_id: str = Field(max_length=150)
    submitted_at: datetime
    status: str = Field(max_length=16)
    deviations_rejection: int = 0
    deviations_immediate: int = 0
    deviations_guideline: int = 0
    source_id: int | None = None
    """The imported a-melding (``recon_source``) this row stands for, if it came from one."""
    version: int | None = None
    """1 for the month's first a-melding, 2 for the one that replaced it, …"""


class ClientActivity(Table, table=True):
    """Per client and month: travel/expense claims, absences and active employees."""

    __tablename__ = "client_activity"
    __table_args__ = (UniqueConstraint("period", "client_id", name="uq_client_activity_period_client"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    period: str = Field(max_length=7)
    travel_expense_claims: int = 0
    absences: int = 0
    active_employees: int = 0
    """Employees with an employment active some day of the month, kept by
    ``byraa.core.clients.activity.refresh_active_employees`` whenever employments change (the
    dashboard sums it rather than recounting 40,000 employments on every paint)."""


class ArchiveFile(Table, table=True):
    """Every file exchanged with the authorities, stored unchanged."""

    __tablename__ = "archive_file"
    __table_args__ = (Index("ix_archive_client_kind_period", "client_id", "kind", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(default=None, foreign_key="client.id")
    kind: str = Field(max_length=32)
    direction: str = Field(max_length=8)
    period: str | None = Field(default=None, max_length=7)
    created_at: datetime
    filename: str | None = Field(default=None, max_length=255)
    content_type: str | None = Field(default=None, max_length=100)
    size: int = 0
    sha256: str = Field(max_length=64)
    correlation_id: str | None = Field(default=None, max_length=100)
    user_login: str | None = Field(default=None, max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class AuditEvent(Table, table=True):
    """Append-only: database triggers refuse UPDATE and DELETE on this table, staff
    database roles may only INSERT and SELECT it (PostgreSQL), and each event carries the
    hash of the event before it, so a rewrite is found by ``byraa audit verify``."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str | None = Field(default=None, max_length=64)
    client_id: int | None = Field(default=None, index=True)
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    prev_hash: str | None = Field(default=None, max_length=64)
    """sha256 of the previous event's canonical form (``core.agency.audit``); "" for the first."""


class AuditChainHead(Table, table=True):
    """The one row naming the newest audit event and its hash.

    Writers lock it (``FOR UPDATE`` / SQLite's write lock) so events chain one after the
    other, and verification compares it with the last event, so removing the newest
    events is found too.
    """

    __tablename__ = "audit_chain_head"

    id: int = Field(default=1, primary_key=True)
    last_id: int = 0
    last_hash: str = Field(default="", max_length=64)
