"""The cockpit's rows of a client's month, derived from its imported a-meldinger.

The dashboard, the board, the reports and the feedback view read ``payroll_run``,
``client_activity`` and ``amelding_submission``. For a month with an imported
a-melding those rows are derived here, from the active a-meldinger of the month and
nothing else, in the importer's transaction: importing a replacing a-melding (or
deactivating one) calls ``derive`` again and the rows follow. docs/figures.md defines
every figure.

- payroll run: one regular run per client and month. Payslips = persons with at least
  one income line; gross = sum of all income lines; withholding = sum of forskuddstrekk;
  employer's contribution = sum of arbeidsgiveravgift over zones and sub-units. Hand-made
  payslips are unknown (``None``): the a-melding has no such mark.
- activity: travel and expense = income lines with ``fordel`` ``utgiftsgodtgjoerelse``;
  absences = leaves (permisjon) active some day of the month; active employees =
  recipients with an employment active some day of the month.
- a-melding: one row per active a-melding with its meldingsId and version (1 for the
  month's first file, 2 for the one that replaced it …), submitted when the file's
  ``leveringstidspunkt`` says (the import's time without one), state ``pending`` until
  a-ordningen's feedback is recorded (a file from the payroll system says nothing of
  how a-ordningen received it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.base import clock, periods
from byraa.core.store.models import AmeldingSubmission, Client, ClientActivity, PayrollRun
from byraa.core.store.models_reconcile import ReconAga, ReconIncome, ReconSource, ReconWithholding

EXPENSE_BENEFIT = "utgiftsgodtgjoerelse"
"""The a-melding's ``fordel`` of an expense reimbursement (travel, car, per diem …)."""


def pay_date(pay_day: int, period: str) -> date:
    """The client's pay day in the month (31: the month's last day)."""
    last = periods.last_day(period)
    return last if pay_day >= last.day else date(last.year, last.month, max(1, pay_day))


def run_status(paid: date) -> str:
    """A run known from its a-melding: reported, so at least frozen; ``posted`` once its pay
    day has come (as the demo's payroll system has it), not before: an a-melding imported
    on 4 December for a pay day on the 20th is not a run already booked. A posting journal,
    when one is imported, tells the board the posting's own state."""
    return "posted" if paid <= clock.today() else "frozen"


def status_now() -> Any:
    """A run's status as of today, for the readers (the board, the client's runs): a run
    known from its a-melding, stored ``frozen`` when it was imported before its pay day, is
    ``posted`` once that day has come, without waiting for a newer version of the month."""
    return case((and_(col(PayrollRun.source_id).is_not(None), col(PayrollRun.pay_date) <= clock.today()), "posted"),
                else_=col(PayrollRun.status))


def derive(session: Session, client_id: int, period: str) -> None:
    """Replace the month's derived rows with what the active a-meldinger say."""
    sources = list(session.scalars(
        select(ReconSource).where(col(ReconSource.client_id) == client_id, col(ReconSource.kind) == "amelding",
                                  col(ReconSource.period) == period).order_by(col(ReconSource.id))))
    session.execute(delete(PayrollRun).where(col(PayrollRun.client_id) == client_id, col(PayrollRun.period) == period,
                                             col(PayrollRun.source_id).is_not(None)))
    session.execute(delete(AmeldingSubmission).where(
        col(AmeldingSubmission.client_id) == client_id, col(AmeldingSubmission.period) == period,
        col(AmeldingSubmission.source_id).is_not(None)))
    active = [s for s in sources if s.active]
    if not active:
        return
    ids = [s.id for s in active]
    # int(): PostgreSQL sums BIGINTs into NUMERIC (Decimal).
    persons, lines, gross, expenses = session.execute(
        select(func.count(func.distinct(col(ReconIncome.national_id))), func.count(col(ReconIncome.id)),
               func.coalesce(func.sum(col(ReconIncome.amount)), 0),
               func.count(col(ReconIncome.id)).filter(col(ReconIncome.benefit) == EXPENSE_BENEFIT))
        .where(col(ReconIncome.source_id).in_(ids))).one()
    withheld = session.execute(select(func.coalesce(func.sum(col(ReconWithholding.amount)), 0))
                               .where(col(ReconWithholding.source_id).in_(ids))).scalar_one()
    aga = session.execute(select(func.coalesce(func.sum(col(ReconAga.amount)), 0))
                          .where(col(ReconAga.source_id).in_(ids))).scalar_one()
    client = session.get(Client, client_id)
    assert client is not None
    # Core insert: the ORM bulk insert would put the column default (0) in place of None.
    # __table__ exists on table=True models at runtime; SQLModel's types do not declare it.
    session.execute(insert(PayrollRun.__table__), [{  # type: ignore[attr-defined]
        "client_id": client_id, "period": period, "pay_date": (paid := pay_date(client.pay_day, period)),
        "kind": "regular", "status": run_status(paid), "payslip_count": int(persons), "payslips_manual": None, "gross": int(gross),
        "withholding": int(withheld), "employer_contribution": int(aga), "source_id": active[-1].id}])
    for source in active:
        version = 1 + sources.index(source)  # sources are in id order
        session.execute(insert(AmeldingSubmission), [{
            "client_id": client_id, "period": period, "message_id": (source.message_id or source.sha256[:16])[:150],
            "submitted_at": source.delivered_at or source.imported_at, "status": "pending", "source_id": source.id,
            "version": version}])
    values = {"travel_expense_claims": int(expenses),
              "absences": sum(s.leaves_active or 0 for s in active),
              "active_employees": sum(s.employees_active or 0 for s in active)}
    row = session.scalar(select(col(ClientActivity.id)).where(col(ClientActivity.client_id) == client_id,
                                                              col(ClientActivity.period) == period))
    if row is None:
        session.execute(insert(ClientActivity), [{"client_id": client_id, "period": period, **values}])
    else:
        session.execute(update(ClientActivity).where(col(ClientActivity.id) == row).values(**values))


@dataclass(frozen=True)
class Figures:
    """One a-melding's own figures, as its importer counted them while writing its rows."""

    persons: int
    gross: int
    withholding: int
    aga: int
    expenses: int
    absences: int
    active_employees: int


def derive_imported(session: Session, client: Client, period: str, *, source_id: int, message_id: str | None,
                    sha256: str, submitted_at: datetime, earlier: int, figures: Figures) -> None:
    """``derive`` for a month whose one active a-melding was just imported: the same rows from
    the importer's own counts, without reading back what it wrote (an import replaces every
    active a-melding of its month, so the new one is the month's only active one).
    ``earlier``: the month's a-meldinger imported before it (its version is ``earlier + 1``)."""
    assert client.id is not None
    if earlier:  # rows derived from a replaced version go; a fresh month has none
        session.execute(delete(_RUN).where(_RUN.c.client_id == client.id, _RUN.c.period == period,
                                           _RUN.c.source_id.is_not(None)))
        session.execute(delete(_SUBMISSION).where(_SUBMISSION.c.client_id == client.id,
                                                  _SUBMISSION.c.period == period, _SUBMISSION.c.source_id.is_not(None)))
    session.execute(insert(_RUN), [{
        "client_id": client.id, "period": period, "pay_date": (paid := pay_date(client.pay_day, period)),
        "kind": "regular", "status": run_status(paid), "payslip_count": figures.persons, "payslips_manual": None, "gross": figures.gross,
        "withholding": figures.withholding, "employer_contribution": figures.aga, "source_id": source_id}])
    session.execute(insert(_SUBMISSION), [{
        "client_id": client.id, "period": period, "message_id": (message_id or sha256[:16])[:150],
        "submitted_at": submitted_at, "status": "pending", "source_id": source_id, "version": earlier + 1}])
    values = {"travel_expense_claims": figures.expenses, "absences": figures.absences,
              "active_employees": figures.active_employees}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    # One statement on the (period, client) unique key, whether or not the month has a row.
    session.execute(upsert(_ACTIVITY).values(client_id=client.id, period=period, **values)
                    .on_conflict_do_update(index_elements=["period", "client_id"], set_=values))


_RUN = PayrollRun.__table__  # type: ignore[attr-defined]
_SUBMISSION = AmeldingSubmission.__table__  # type: ignore[attr-defined]
_ACTIVITY = ClientActivity.__table__  # type: ignore[attr-defined]


def derived_months(session: Session, client_ids: list[int] | None = None) -> set[tuple[int, str]]:
    """(client, month) pairs whose activity comes from an active a-melding."""
    query = select(col(ReconSource.client_id), col(ReconSource.period)).where(
        col(ReconSource.kind) == "amelding", col(ReconSource.active).is_(True)).distinct()
    if client_ids is not None:
        query = query.where(col(ReconSource.client_id).in_(client_ids))
    return {(c, p) for c, p in session.execute(query) if p}
