"""The sandbox's A07 per person: what a-ordningen would hold, built from byraa's own store.

The real avstemmingsrapport carries each income recipient's employments, income and
withholding, and the employer's contribution per sub-unit and zone (``altinn-contracts.md``
§3; its field names are unpublished, so the sandbox answers in byraa's A07 model,
``core/a07.py``). Here a month is built from the store's employments in force and the
month's payroll-run totals (split over the employments by their pay), with differences
planted on purpose, stable per employment so every run finds the same ones:

- about one employment in eleven has another position percentage at a-ordningen;
- about one in thirteen has a start date a month later;
- about one in seventeen never reached a-ordningen (only in payroll);
- about one ended employment in seven was never reported ended (only in a-ordningen);
- in about one month of four a-ordningen holds 1 000 kr more withholding for one person,
  in one of five 250 kr less employer's contribution on one sub-unit.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING

from byraa.core.base import periods
from byraa.core.reconcile.a07 import A07Aga, A07Employment, A07Income, A07Report, A07Withholding

if TYPE_CHECKING:
    from byraa.core.store import Store

AGA_RATES = {"1": 14.1, "1a": 10.6, "2": 10.6, "3": 6.4, "4": 5.1, "4a": 7.9, "5": 0.0}


def _h(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def split(total: int, weights: list[int]) -> list[int]:
    """``total`` øre over ``weights`` (largest remainder): the parts add up to ``total`` exactly."""
    if not weights:
        return []
    whole = sum(weights)
    if whole <= 0:
        weights, whole = [1] * len(weights), len(weights)
    raw = [total * w for w in weights]
    parts = [r // whole for r in raw]
    left = total - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: (-(raw[i] % whole), i))[:left]:
        parts[i] += 1
    return parts


def _later_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=min(day.day, 28))


def month_report(store: Store, org_number: str, period: str) -> A07Report | None:
    """a-ordningen's A07 for a client and month, or ``None`` when the org is no client."""
    from sqlalchemy import func, or_, select

    from byraa.core.store.models import Client, Employee, Employment, Leave, PayrollRun, SubUnit

    first, last = periods.first_day(period), periods.last_day(period)
    with store.session() as s:
        client_id = s.scalars(select(Client.id).where(Client.org_number == org_number)).first()
        if client_id is None:
            return None
        gross, withheld, aga = s.execute(
            select(func.coalesce(func.sum(PayrollRun.gross), 0), func.coalesce(func.sum(PayrollRun.withholding), 0),
                   func.coalesce(func.sum(PayrollRun.employer_contribution), 0))
            .where(PayrollRun.client_id == client_id, PayrollRun.period == period)).one()
        rows = s.execute(
            select(Employment, Employee.national_id, Employee.name, SubUnit.org_number, SubUnit.aga_zone)
            .join(Employee, Employee.id == Employment.employee_id)
            .join(SubUnit, SubUnit.id == Employment.sub_unit_id)
            .where(Employment.client_id == client_id, Employment.start_date <= last)
            .order_by(Employee.national_id, Employment.employment_ref)).all()
        active = [r for r in rows if r[0].end_date is None or r[0].end_date >= first]
        leaves: dict[int, list[Leave]] = defaultdict(list)
        ids = [r[0].id for r in active]
        for i in range(0, len(ids), 5000):
            for lv in s.scalars(select(Leave).where(Leave.employment_id.in_(ids[i:i + 5000]), Leave.start_date <= last,
                                                    or_(Leave.end_date.is_(None), Leave.end_date >= first))):
                leaves[lv.employment_id].append(lv)
        ended = [r for r in rows if r[0].end_date is not None and r[0].end_date < first]
    report = A07Report(client=org_number, period=period)
    reported = []
    for e, nid, name, unit, _zone in active:
        h = _h("a07-employment", org_number, nid, e.employment_ref)
        if h % 17 == 2:
            continue  # never reached a-ordningen
        report.names[nid] = name
        report.employments.append(A07Employment(
            nid, name, unit, e.employment_ref, e.employment_type,
            _later_month(e.start_date) if h % 13 == 1 else e.start_date, e.end_date, e.occupation_code,
            max(e.position_pct - 20.0, 10.0) if h % 11 == 0 else e.position_pct, e.hours_full_week,
            [{"id": str(lv.id), "start": lv.start_date, "end": lv.end_date, "pct": lv.leave_pct,
              "description": lv.description} for lv in leaves.get(e.id or 0, [])]))
        reported.append((e, nid, unit))
    for e, nid, name, unit, _zone in ended:
        if _h("a07-not-ended", org_number, nid, e.employment_ref) % 7 == 0 and e.end_date >= first - timedelta(days=366):
            report.names[nid] = name
            report.employments.append(A07Employment(nid, name, unit, e.employment_ref, e.employment_type,
                                                    e.start_date, None, e.occupation_code, e.position_pct,
                                                    e.hours_full_week))
    if not reported or not gross:
        return report
    weights = [max(e.annual_salary, 1) for e, _, _ in reported]
    h = _h("a07", org_number, period)
    withholding_parts = split(int(withheld), weights)
    if h % 4 == 0:
        withholding_parts[0] += 1_000_00
    unit_basis: dict[str, int] = defaultdict(int)
    zones = {unit: zone for _, _, _, unit, zone in active}
    for (e, nid, unit), pay, tax in zip(reported, split(int(gross), weights), withholding_parts, strict=True):
        report.income.append(A07Income(nid, unit, e.employment_ref, "loennsinntekt", "fastloenn", "kontantytelse",
                                       True, True, pay))
        if tax:
            report.withholding.append(A07Withholding(nid, unit, tax))
        unit_basis[unit] += pay
    units = sorted(unit_basis)
    aga_parts = split(int(aga), [unit_basis[u] for u in units])
    if h % 5 == 0:
        aga_parts[0] -= 250_00
    for unit, amount in zip(units, aga_parts, strict=True):
        zone = zones.get(unit) or "1"
        report.aga.append(A07Aga(unit, zone, "generelleNaeringer", "loenn", unit_basis[unit],
                                 AGA_RATES.get(zone, 14.1), amount))
    return report
