"""Tables of the durable job runner and of the bulk tax-card fetch it drives.

- ``job``: one bulk action (a tax-card fetch now; reconciliation and exports later) with
  its kind, who started it, its parameters, status, cancel flag and heartbeat.
- ``job_item``: one unit of work of a job (for a tax-card fetch: one order of at most
  N persons), claimed in a transaction by exactly one worker at a time.
- ``taxcard_fetch_result``: the outcome of a fetch for one person (a card, no card, an
  error, a skipped leaver), at most one per (job, client, person).

Registered on ``SQLModel.metadata`` by ``byraa.core.store``; migration ``0004`` creates them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from byraa.core.store import models as _base  # noqa: F401  (client, employee…: foreign-key targets)
from byraa.core.store import models_altinn as _altinn  # noqa: F401  (tax_card, a foreign-key target)

JOB_STATUSES = ("pending", "running", "done", "failed", "cancelled")
ITEM_STATES = ("pending", "claimed", "done", "failed", "skipped", "cancelled")
FETCH_OUTCOMES = ("card", "no_card", "not_liable", "error", "skipped")


class Job(_base.Table, table=True):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_kind_status", "kind", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    """``taxcards.fetch`` …"""
    status: str = Field(default="pending", max_length=16)
    created_by: str = Field(max_length=64)
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    """Renewed by the process working on the job; a stale heartbeat means it died."""
    owner: str | None = Field(default=None, max_length=120)
    """``host:pid:token`` of the worker that last ran the job."""
    cancel_requested: bool = False
    title: str = Field(default="", max_length=200)
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    """JSON: what the job was asked to do (selection, year, mode…)."""
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """JSON written when the job ends."""
    total_units: int = 0
    """Sum of the items' weights (for a tax-card fetch: persons to ask)."""


class JobItem(_base.Table, table=True):
    __tablename__ = "job_item"
    __table_args__ = (
        UniqueConstraint("job_id", "key", name="uq_job_item_job_key"),
        Index("ix_job_item_job_state", "job_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id")
    key: str = Field(max_length=120)
    state: str = Field(default="pending", max_length=16)
    weight: int = 1
    claimed_by: str | None = Field(default=None, max_length=120)
    claimed_at: datetime | None = None
    """Set on claim and renewed while the worker lives (the claim's lease)."""
    attempts: int = 0
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    """JSON the handler works from and may update (e.g. the order reference once sent)."""
    result: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, max_length=500)
    updated_at: datetime


class TaxCardFetchResult(_base.Table, table=True):
    __tablename__ = "taxcard_fetch_result"
    __table_args__ = (
        UniqueConstraint("job_id", "client_id", "national_id", name="uq_taxcard_fetch_result_person"),
        Index("ix_taxcard_fetch_result_job_client", "job_id", "client_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id")
    item_id: int | None = Field(default=None, foreign_key="job_item.id")
    client_id: int = Field(foreign_key="client.id")
    employee_id: int | None = Field(default=None, foreign_key="employee.id")
    national_id: str = Field(max_length=11)
    income_year: int
    outcome: str = Field(max_length=16)
    """card, no_card (ikkeSkattekort), not_liable (ikkeTrekkplikt), error, skipped."""
    result: str | None = Field(default=None, max_length=60)
    """Skatteetaten's resultatForSkattekort, when it answered."""
    reason: str | None = Field(default=None, max_length=300)
    """Why: the error in words, or why the person was skipped."""
    tax_card_id: int | None = Field(default=None, foreign_key="tax_card.id")
    changed: bool = False
    """The card differs from the previous one (kind, table, percentage, free-card amount, months)."""
    changes: str | None = Field(default=None, max_length=300)
    """What changed, in words (``percentage 30 → 35``)."""
    previous_fetched_at: datetime | None = None
    """When the card it changed from was fetched ("changed since")."""
    archive_id: int | None = Field(default=None, foreign_key="archive_file.id")
    """The raw answer this result came from."""
    created_at: datetime
