"""Tables of reconciliation: imported sources, their figures, runs and results.

Kept apart from ``models.py``; ``byraa.core.store`` imports this module so the tables
register on ``SQLModel.metadata``. Migration ``0003`` creates them.

- ``recon_source``: one row per imported file (a-melding, A07, ledger), pointing at the
  unchanged file in ``archive_file``. A newer file that replaces an older one (a new A07
  for the month, an a-melding with ``erstatterMeldingsId``) marks the older one inactive;
  checks read only active sources.
- ``recon_employment`` / ``recon_income`` / ``recon_withholding`` / ``recon_aga``: the
  figures of a source, per employee (or sub-unit and zone) and month, with ``side``
  ``payroll`` (from an a-melding) or ``a07`` (what a-ordningen holds).
- ``recon_ledger``: ledger opening balances and postings per account and period.
- ``recon_deduction``: an a-melding's deductions (``fradrag``) per employee and month.
- ``recon_setting``: per client account mapping, tolerances and holiday-pay rate.
- ``recon_run`` / ``recon_row``: a reconciliation run (a version per client and period)
  with every result row and its explanation or correction.
- ``recon_correction``: an a-melding correction built from payroll's value.

Amounts are whole øre (BIGINT). Withholding is stored as the positive amount withheld.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field

from byraa.core.store import models as _base  # noqa: F401  (client, employee…: foreign-key targets)

SOURCE_KINDS = ("amelding", "a07", "ledger")
SIDES = ("payroll", "a07")


def _money() -> Field:  # type: ignore[valid-type]
    return Field(default=0, sa_column=Column(BigInteger, nullable=False))


def _money_or_none() -> Field:  # type: ignore[valid-type]
    return Field(default=None, sa_column=Column(BigInteger, nullable=True))


class ReconSource(_base.Table, table=True):
    __tablename__ = "recon_source"
    __table_args__ = (
        Index("ix_recon_source_client_kind_period", "client_id", "kind", "period"),
        # One active version of an a-melding per client, month and meldingsId: concurrent
        # importers of one file cannot both store it (migration 0006).
        Index("uq_recon_source_active_amelding", "client_id", "period", text("coalesce(message_id, '')"),
              unique=True, sqlite_where=text("kind = 'amelding' AND active"),
              postgresql_where=text("kind = 'amelding' AND active")),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    kind: str = Field(max_length=16)
    period: str | None = Field(default=None, max_length=7)
    """The month of an a-melding or A07; the first month of a ledger file."""
    period_to: str | None = Field(default=None, max_length=7)
    """The last month a ledger file covers (equal to ``period`` for the others)."""
    message_id: str | None = Field(default=None, max_length=150)
    replaces_message_id: str | None = Field(default=None, max_length=150)
    archive_id: int = Field(foreign_key="archive_file.id")
    sha256: str = Field(max_length=64)
    filename: str | None = Field(default=None, max_length=255)
    imported_at: datetime
    imported_by: str = Field(max_length=64)
    active: bool = True
    delivered_at: datetime | None = None
    """An a-melding's ``leveringstidspunkt``: when the payroll system delivered it to
    a-ordningen (the a-melding list's "submitted"); ``imported_at`` stands in without it."""
    declared_withholding: int | None = _money_or_none()
    """betalingsinformasjon/sumForskuddstrekk of an a-melding (or an A07's total)."""
    declared_aga: int | None = _money_or_none()
    employees_active: int | None = None
    """An a-melding's recipients with an employment active some day of the month."""
    leaves_active: int | None = None
    """An a-melding's leaves (permisjon) active some day of the month."""


class ReconEmployment(_base.Table, table=True):
    """An employment as a source reports it (A07: what a-ordningen holds)."""

    __tablename__ = "recon_employment"
    __table_args__ = (Index("ix_recon_employment_client_period", "client_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="recon_source.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    side: str = Field(max_length=8)
    national_id: str = Field(max_length=11)
    name: str | None = Field(default=None, max_length=200)
    sub_unit: str = Field(max_length=9)
    employment_ref: str | None = Field(default=None, max_length=150)
    employment_type: str = Field(max_length=60)
    start_date: date | None = None
    end_date: date | None = None
    occupation_code: str | None = Field(default=None, max_length=7)
    position_pct: float | None = None
    hours_full_week: float | None = None
    leaves: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """JSON list of {start, end, pct, description, id}."""
    layoffs: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """JSON list of {id, start, end, pct, notified}."""


class ReconIncome(_base.Table, table=True):
    __tablename__ = "recon_income"
    __table_args__ = (Index("ix_recon_income_client_period", "client_id", "period", "side"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="recon_source.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    side: str = Field(max_length=8)
    national_id: str = Field(max_length=11)
    sub_unit: str = Field(max_length=9)
    employment_ref: str | None = Field(default=None, max_length=150)
    category: str = Field(default="loennsinntekt", max_length=30)
    description: str = Field(max_length=100)
    benefit: str = Field(default="kontantytelse", max_length=30)
    triggers_aga: bool = True
    withholding_basis: bool = True
    amount: int = _money()


class ReconWithholding(_base.Table, table=True):
    __tablename__ = "recon_withholding"
    __table_args__ = (Index("ix_recon_withholding_client_period", "client_id", "period", "side"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="recon_source.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    side: str = Field(max_length=8)
    national_id: str = Field(max_length=11)
    sub_unit: str = Field(max_length=9)
    amount: int = _money()
    """The amount withheld, positive (the a-melding reports it negative)."""


class ReconAga(_base.Table, table=True):
    __tablename__ = "recon_aga"
    __table_args__ = (Index("ix_recon_aga_client_period", "client_id", "period", "side"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="recon_source.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    side: str = Field(max_length=8)
    sub_unit: str = Field(max_length=9)
    zone: str = Field(max_length=3)
    calc_code: str = Field(default="generelleNaeringer", max_length=60)
    basis_kind: str = Field(default="loenn", max_length=8)
    """``loenn`` (loennOgGodtgjoerelse) or ``pensjon`` (tilskuddOgPremieTilPensjon)."""
    basis: int = _money()
    rate: float = 0.0
    """Percent, e.g. 14.1."""
    amount: int = _money()


class ReconLedger(_base.Table, table=True):
    __tablename__ = "recon_ledger"
    __table_args__ = (Index("ix_recon_ledger_client_account_period", "client_id", "account", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="recon_source.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    account: str = Field(max_length=20)
    period: str = Field(max_length=7)
    kind: str = Field(default="posting", max_length=8)
    """``opening`` (balance at the start of ``period``'s year) or ``posting``."""
    entry_date: date | None = None
    amount: int = _money()
    """Debit positive, credit negative."""
    voucher: str | None = Field(default=None, max_length=70)
    text: str | None = Field(default=None, max_length=200)
    party: str | None = Field(default=None, max_length=40)
    """The sub-ledger id of the line (SAF-T ``SupplierID``/``CustomerID``): the employee
    on the personal accounts (advances, loans, clearing)."""
    dimension: str | None = Field(default=None, max_length=60)
    """The line's first analysis dimension as ``type:id`` (SAF-T ``Analysis``)."""


class ReconDeduction(_base.Table, table=True):
    """Deductions (``fradrag``) of an a-melding per employee and month, e.g. the
    employee's pension premium; kept apart from income so income sums stay income."""

    __tablename__ = "recon_deduction"
    __table_args__ = (Index("ix_recon_deduction_client_period", "client_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="recon_source.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    side: str = Field(max_length=8)
    national_id: str = Field(max_length=11)
    description: str = Field(max_length=100)
    amount: int = _money()


class ReconSetting(_base.Table, table=True):
    __tablename__ = "recon_setting"
    __table_args__ = (UniqueConstraint("client_id", "key", name="uq_recon_setting_client_key"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    key: str = Field(max_length=60)
    value: str = Field(max_length=200)
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class ReconRun(_base.Table, table=True):
    __tablename__ = "recon_run"
    __table_args__ = (UniqueConstraint("client_id", "period", "version", name="uq_recon_run_client_period_version"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    version: int
    method: str = Field(max_length=10)
    checks: str = Field(max_length=200)
    inputs: str = Field(sa_column=Column(Text, nullable=False))
    """JSON: the checksums of every source the run read."""
    settings: str = Field(sa_column=Column(Text, nullable=False))
    """JSON: tolerances, accounts and holiday-pay rate in force."""
    created_at: datetime
    created_by: str = Field(max_length=64)
    signed_at: datetime | None = None
    signed_by: str | None = Field(default=None, max_length=64)
    sign_date: date | None = None
    sign_status: str | None = Field(default=None, max_length=24)


class ReconRow(_base.Table, table=True):
    __tablename__ = "recon_row"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="recon_run.id", index=True)
    seq: int
    check: str = Field(max_length=20)
    national_id: str | None = Field(default=None, max_length=11)
    key: str = Field(max_length=300)
    field: str = Field(max_length=60)
    unit: str = Field(default="text", max_length=8)
    payroll: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    a07: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    ledger: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """The three values as JSON scalars (amounts in øre, dates ISO)."""
    difference: int | None = _money_or_none()
    status: str = Field(max_length=16)
    payroll_ref: int | None = None
    """byraa's ``employment.id`` (employments check)."""
    a07_ref: int | None = None
    """``recon_employment.id`` (employments check)."""
    resolution: str | None = Field(default=None, max_length=16)
    explanation: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resolved_by: str | None = Field(default=None, max_length=64)
    resolved_at: datetime | None = None


class ReconCorrection(_base.Table, table=True):
    """An a-melding correction built from payroll's value of an employment."""

    __tablename__ = "recon_correction"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="recon_run.id", index=True)
    """None for an employment sent from the employee card (no reconciliation behind it)."""
    row_id: int | None = Field(default=None, foreign_key="recon_row.id")
    client_id: int = Field(foreign_key="client.id")
    period: str = Field(max_length=7)
    employment_id: int | None = Field(default=None, foreign_key="employment.id")
    payload: str = Field(sa_column=Column(Text, nullable=False))
    """The a-melding (JSON ``{"leveranse": …}``) for the employment."""
    idempotency_key: str = Field(max_length=36, unique=True)
    status: str = Field(default="pending", max_length=16)
    detail: str | None = Field(default=None, max_length=300)
    created_at: datetime
    created_by: str = Field(max_length=64)
    forsendelse_id: str | None = Field(default=None, max_length=64)
    dialog_id: str | None = Field(default=None, max_length=64)
    """The receipt's Dialogporten dialog: where its feedback is found."""
    """a-ordningen's id of the submission (to fetch its feedback)."""
    submitted_at: datetime | None = None
