"""A client's employees and employments as byraa holds them (the register the a-meldinger
build), with a month's income and withholding from its active a-meldinger: ``byraa
employees`` and the employee list read this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import ids, periods
from byraa.core.clients.lookup import resolve_client
from byraa.core.store import Store
from byraa.core.store.models import Employee, Employment, Leave, SubUnit
from byraa.core.store.models_reconcile import ReconIncome, ReconSource, ReconWithholding
from byraa.core.words.collation import sort_key


@dataclass(frozen=True)
class EmployeeListRow:
    """One employment of an employee (or the employee alone) with the month's figures."""

    national_id: str
    """Masked (``010190*****``) unless revealed."""
    name: str
    employee_number: str | None
    employment_ref: str | None
    sub_unit: str | None
    employment_type: str | None
    start_date: date | None
    end_date: date | None
    occupation_code: str | None
    position_pct: float | None
    hours_full_week: float | None
    leave: str
    income: int | None
    """Øre, the payroll side of the month (first employment row of a person only)."""
    withholding: int | None


def list_employees(store: Store, who: Identity, org_number: str, *, period: str | None = None,
                   reveal: bool = False) -> list[EmployeeListRow]:
    """The client's employees with their employments, and with ``period`` the month's income
    and withholding from the active a-meldinger. ``reveal`` (audited) shows full national ids."""
    from byraa.core.reconcile.checks.employments import leave_text

    if period is not None:
        periods.parse_period(period)
    with store.session() as session:
        client = resolve_client(session, who, org_number)
        assert client.id is not None
        query = (select(Employee, Employment, col(SubUnit.org_number))
                 .outerjoin(Employment, col(Employment.employee_id) == col(Employee.id))
                 .outerjoin(SubUnit, col(SubUnit.id) == col(Employment.sub_unit_id))
                 .where(col(Employee.client_id) == client.id).order_by(col(Employee.id), col(Employment.start_date)))
        first = periods.first_day(period) if period else None
        last = periods.last_day(period) if period else None
        # Norwegian name order (the database's own collation differs between backends).
        rows = sorted(session.execute(query).all(), key=lambda r: (sort_key(r[0].name), r[0].id or 0))
        leaves: dict[int, list[tuple]] = {}
        for leave in session.scalars(select(Leave).join(Employment, col(Employment.id) == col(Leave.employment_id))
                                     .where(col(Employment.client_id) == client.id)):
            leaves.setdefault(leave.employment_id, []).append(
                (leave.start_date, leave.end_date, leave.leave_pct, leave.description))
        income: dict[str, int] = {}
        withheld: dict[str, int] = {}
        if period:
            active = select(col(ReconSource.id)).where(
                col(ReconSource.client_id) == client.id, col(ReconSource.kind) == "amelding",
                col(ReconSource.period) == period, col(ReconSource.active).is_(True))
            income = dict(session.execute(
                select(col(ReconIncome.national_id), func.sum(col(ReconIncome.amount)))
                .where(col(ReconIncome.source_id).in_(active)).group_by(col(ReconIncome.national_id))).all())
            withheld = dict(session.execute(select(col(ReconWithholding.national_id),
                                                   func.sum(col(ReconWithholding.amount)))
                                            .where(col(ReconWithholding.source_id).in_(active))
                                            .group_by(col(ReconWithholding.national_id))).all())
        out: list[EmployeeListRow] = []
        seen: set[int] = set()
        for person, e, unit in rows:
            if first is not None and last is not None and (  # a month asked for
                    e is None or e.start_date > last or (e.end_date is not None and e.end_date < first)):
                continue
            shown = person.national_id if reveal else ids.mask_national_id(person.national_id)
            first_row = person.id not in seen
            seen.add(person.id or 0)
            lv = leave_text(leaves.get(e.id or 0, []), first or date.min, last or date.max) if e is not None else ""
            out.append(EmployeeListRow(
                shown, person.name, person.employee_number, e.employment_ref if e else None, unit,
                e.employment_type if e else None, e.start_date if e else None, e.end_date if e else None,
                e.occupation_code if e else None, e.position_pct if e else None, e.hours_full_week if e else None, lv,
                (int(income[person.national_id]) if person.national_id in income else None) if first_row else None,
                (int(withheld[person.national_id]) if person.national_id in withheld else None) if first_row else None,
            ))
        if reveal:
            audit.record(session, actor=who.login, action="employees.reveal", entity="client", entity_id=client.id,
                         client_id=client.id, after={"period": period, "national_ids": len(seen)})
        return out
