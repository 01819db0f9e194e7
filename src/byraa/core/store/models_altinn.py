"""Tables of the Altinn side: tax cards, connection settings, archive exchange details.

Kept apart from ``models.py``; ``byraa.core.store`` imports this module so the
tables register on ``SQLModel.metadata`` with the others. Migration ``0002`` creates them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, select, text, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, col

from byraa.core.store import models as _base  # client, employee…: foreign-key targets; employments

TAX_CARD_KINDS = ("trekktabell", "trekkprosent", "frikort", "none")
ENVIRONMENTS = ("sandbox", "test", "production")


class TaxCard(_base.Table, table=True):
    """One tax-card result for an employee and income year, as Skatteetaten answered.

    A new answer for the same (client, employee, year) becomes the current one; the
    older rows stay as history with ``is_current`` false. A partial unique index keeps
    one current row per (client, employee, year) even under concurrent imports.
    """

    __tablename__ = "tax_card"
    __table_args__ = (
        Index(
            "uq_tax_card_current", "client_id", "employee_id", "income_year", unique=True,
            sqlite_where=text("is_current = 1"), postgresql_where=text("is_current"),
        ),
        Index("ix_tax_card_client_year", "client_id", "income_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    employee_id: int = Field(foreign_key="employee.id", index=True)
    income_year: int
    fetched_at: datetime
    result: str = Field(max_length=60)
    """resultatForSkattekort, camelCase (``skattekortopplysningerOK``, ``ikkeSkattekort`` …)."""
    kind: str = Field(default="none", max_length=16)
    """Of the main deduction: trekktabell, trekkprosent, frikort, or none (no card)."""
    table_number: str | None = Field(default=None, max_length=8)
    percentage: float | None = None
    free_card_amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    """Frikort amount in øre; ``None`` when the card names no amount."""
    months: float | None = None
    trekkode: str | None = Field(default=None, max_length=80)
    """Trekkode of the main deduction (loennFraHovedarbeidsgiver when present)."""
    tilleggsopplysning: str | None = Field(default=None, max_length=300)
    """Comma-separated, camelCase."""
    card_id: str | None = Field(default=None, max_length=40)
    issued_date: date | None = None
    deductions: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """Every forskuddstrekk of the card as JSON (the main one is also in the columns)."""
    source_archive_id: int | None = Field(default=None, foreign_key="archive_file.id")
    is_current: bool = True


class AltinnConnection(_base.Table, table=True):
    """Connection settings: the agency's (``scope`` = "agency") or one client's own.

    Never the private key: only the path of a key file readable by its owner alone.
    """

    __tablename__ = "altinn_connection"

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=40, unique=True)
    """``agency`` or ``client:<client id>``."""
    client_id: int | None = Field(default=None, foreign_key="client.id")
    environment: str = Field(default="sandbox", max_length=16)
    maskinporten_client_id: str = Field(default="", max_length=100)
    key_id: str = Field(default="", max_length=100)
    key_path: str = Field(default="", max_length=500)
    system_user_org: str = Field(default="", max_length=9)
    base_url: str | None = Field(default=None, max_length=300)
    """Only for the sandbox environment: where ``byraa sandbox`` listens."""
    contact_email: str = Field(default="", max_length=200)
    """``kontaktinformasjon.epostadresse`` of every tax-card order (agency setting)."""
    contact_phone: str = Field(default="", max_length=20)
    """``kontaktinformasjon.mobiltelefonummer`` (NAV sends e.g. ``+4721070000``)."""
    external_ref: str = Field(default="", max_length=100)
    """The system user's ``externalRef`` (sent in ``authorization_details``); empty: none."""
    taxcard_idempotency: bool = False
    """Whether tax-card orders carry ``?idempotensid=`` (neither Skatteetaten nor NAV does)."""
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class ArchiveExchange(_base.Table, table=True):
    """The HTTP side of an archived file: method, URL, status and redacted headers."""

    __tablename__ = "archive_exchange"
    __table_args__ = (UniqueConstraint("archive_id", name="uq_archive_exchange_archive"),)

    id: int | None = Field(default=None, primary_key=True)
    archive_id: int = Field(foreign_key="archive_file.id")
    method: str | None = Field(default=None, max_length=10)
    url: str | None = Field(default=None, max_length=1000)
    status_code: int | None = None
    headers: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """JSON object of the headers with Authorization and other secrets redacted."""
    note: str | None = Field(default=None, max_length=300)
    """E.g. why the body was redacted (token exchanges) or could not be parsed."""


def current_tax_card() -> ColumnElement[bool]:
    """A tax card row that is the current one. Written ``is_current = 1`` (not ``IS 1``):
    only then does SQLite use the partial index ``uq_tax_card_current`` instead of
    building a temporary one for every query (the dashboard's check of missing cards:
    80 → 53 ms on 1,000 clients). PostgreSQL reads ``= true`` as its predicate too."""
    return col(TaxCard.is_current) == true()


def no_current_card(year: int) -> ColumnElement[bool]:
    """An employment (of the query's ``employment`` rows) whose employee has no current
    tax card for ``year`` at that client. NOT EXISTS per employment: SQLite walks the
    employments and looks each up in the partial index of current cards (a join against
    a DISTINCT subquery of employments took twice as long on 1,000 clients)."""
    employment = _base.Employment
    return ~select(col(TaxCard.id)).where(
        col(TaxCard.client_id) == col(employment.client_id), col(TaxCard.employee_id) == col(employment.employee_id),
        col(TaxCard.income_year) == year, current_tax_card()).exists()
