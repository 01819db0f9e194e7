"""Tables of payroll posting control: journals, control, freeze, post once.

- ``posting_settings``: per client, the error account and error customer that must be
  set before posting, the ledger's sub-ledger (employee) accounts and its open fiscal
  years.
- ``posting_run``: one payroll run's posting journal (client, pay form, period, off-cycle),
  pointing at the imported file in ``archive_file``; ``open`` until frozen, ``frozen``
  (no journal import can replace it), then ``posted``.
- ``posting_line``: the journal's lines as the payroll system made them.
- ``posting``: the one posting of a run. ``run_id`` is unique: the store, not a
  read-then-write, makes "post only once" hold when two sessions race.
- ``posted_line``: the voucher lines that posting wrote, with what went to the error
  account or error customer until someone clears it ("tøm feilkonto").
- ``posting_check``: the receipt checklist, one row per ticked point.
- ``posting_settlement``: after posting, a line on a settlement account (salary advance,
  employee loan, arrears) settled against an older open item of the same employee and
  account; ``posted_line.open_amount`` is what of a line is still open.
- ``extract_right``: a staff user's interval of accounts, departments or pay types for the
  payroll extract; ``extract_control`` the agency's switches that turn the checks on.
- ``register_access``: whether the agency may look people up in a population register
  (the address comparison asks it only then).
- ``sub_unit_register``: the last comparison of each sub-unit with Enhetsregisteret (byraa's
  municipality, the register's, when and by whom): the reconciliation's employer's
  contribution check reads it, since it must not ask the register itself.

Amounts are whole øre (BIGINT), debit positive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field

from byraa.core.store import models as _base  # noqa: F401  (client, archive_file: foreign-key targets)

RUN_STATUSES = ("open", "frozen", "posted")


class PostingSettings(_base.Table, table=True):
    __tablename__ = "posting_settings"

    client_id: int = Field(foreign_key="client.id", primary_key=True)
    error_account: str | None = Field(default=None, max_length=20)
    error_customer: str | None = Field(default=None, max_length=20)
    subledger_accounts: str = Field(default="", max_length=500)
    """Comma-separated accounts that are sub-ledger (employee) collective accounts."""
    open_years: str = Field(default="", max_length=100)
    """Comma-separated fiscal years open in the ledger; empty: the years the ledger holds."""
    settle_accounts: str = Field(default="", max_length=500)
    """Comma-separated accounts whose open items are settled per employee after posting."""
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class PostingRun(_base.Table, table=True):
    __tablename__ = "posting_run"
    __table_args__ = (UniqueConstraint("client_id", "pay_form", "period", "off_cycle", name="uq_posting_run_key"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    pay_form: str = Field(max_length=4)
    period: str = Field(max_length=7)
    off_cycle: bool = False
    archive_id: int = Field(foreign_key="archive_file.id")
    sha256: str = Field(max_length=64)
    filename: str | None = Field(default=None, max_length=255)
    imported_at: datetime
    imported_by: str = Field(max_length=64)
    status: str = Field(default="open", max_length=8)
    frozen_at: datetime | None = None
    frozen_by: str | None = Field(default=None, max_length=64)


class PostingLine(_base.Table, table=True):
    __tablename__ = "posting_line"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="posting_run.id", index=True)
    line_no: int
    account: str = Field(max_length=20)
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    national_id: str | None = Field(default=None, max_length=11)
    employee_no: str | None = Field(default=None, max_length=20)
    department: str | None = Field(default=None, max_length=20)
    project: str | None = Field(default=None, max_length=20)
    fiscal_year: int | None = None
    text: str | None = Field(default=None, max_length=200)
    pay_type: str | None = Field(default=None, max_length=20)
    """The payroll system's pay type (lønnsart), for the payroll extract."""


class Posting(_base.Table, table=True):
    __tablename__ = "posting"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="posting_run.id", unique=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    posted_at: datetime
    posted_by: str = Field(max_length=64)
    voucher_from: int
    voucher_to: int
    archive_id: int = Field(foreign_key="archive_file.id")


class PostedLine(_base.Table, table=True):
    __tablename__ = "posted_line"

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    voucher: int
    fiscal_year: int
    account: str = Field(max_length=20)
    customer: str | None = Field(default=None, max_length=20)
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    text: str = Field(max_length=250)
    to_error: bool = False
    """Went to the error account or error customer: listed until cleared."""
    cleared_at: datetime | None = None
    cleared_by: str | None = Field(default=None, max_length=64)
    open_amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    """On a settlement account with an employee: what is not yet settled (None elsewhere)."""


class PostingCheck(_base.Table, table=True):
    __tablename__ = "posting_check"

    run_id: int = Field(foreign_key="posting_run.id", primary_key=True)
    point: str = Field(max_length=24, primary_key=True)
    done_at: datetime
    done_by: str = Field(max_length=64)


class PostingSettlement(_base.Table, table=True):
    __tablename__ = "posting_settlement"

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    line_id: int = Field(foreign_key="posted_line.id")
    """The line that posting just wrote."""
    settled_line_id: int = Field(foreign_key="posted_line.id", index=True)
    """The older open item it settled (part of)."""
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    """Øre taken off the older item's open amount (its sign)."""
    settled_at: datetime


EXTRACT_KINDS = ("account", "department", "pay_type")


class ExtractRight(_base.Table, table=True):
    __tablename__ = "extract_right"
    __table_args__ = (UniqueConstraint("user_id", "kind", "low", name="uq_extract_right_from"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    kind: str = Field(max_length=12)
    low: str = Field(max_length=20)
    high: str = Field(max_length=20)
    created_at: datetime
    created_by: str = Field(max_length=64)


class ExtractControl(_base.Table, table=True):
    """The agency's switches (one row): check accounts, check departments."""

    __tablename__ = "extract_control"

    id: int = Field(default=1, primary_key=True)
    account_control: bool = False
    department_control: bool = False
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class RegisterAccess(_base.Table, table=True):
    """The agency's access to registers (one row)."""

    __tablename__ = "register_access"

    id: int = Field(default=1, primary_key=True)
    population_register: bool = False
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class SubUnitRegister(_base.Table, table=True):
    """A sub-unit's last comparison with Enhetsregisteret (one row per sub-unit, replaced)."""

    __tablename__ = "sub_unit_register"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    sub_unit_id: int = Field(foreign_key="sub_unit.id", unique=True)
    org_number: str = Field(max_length=9)
    municipality: str | None = Field(default=None, max_length=100)
    """byraa's municipality when compared."""
    register_municipality: str | None = Field(default=None, max_length=100)
    register_municipality_number: str | None = Field(default=None, max_length=10)
    found: bool = True
    """Whether the register knew the sub-unit."""
    compared_at: datetime
    compared_by: str = Field(max_length=64)
