"""The sandbox's A07 per person: what a-ordningen would hold, built from byraa's own store.

The real avstemmingsrapport carries each income recipient's employments, income and
withholding, and the employer's contribution per sub-unit and zone (``altinn-contracts.md``
§3; its field names are unpublished, so the sandbox answers in byraa's A07 model,
``core/a07.py``). a-ordningen holds what the clients' a-meldinger reported, so a month is
built from the a-meldinger imported for it (income lines, withholding, contribution) and
the employments in force in byraa's register, which those a-meldinger built.

A few clients per month get one real difference, planted on purpose (``planted``): of
the clients with an a-melding for the month, ranked by a hash of (org number, month), the
first ``4 × max(1, clients ÷ 30)`` get in turn: an employment with another position
percentage, 1 500 kr more income for one person, 1 000 kr more withholding for one
person, 250 kr less employer's contribution on one sub-unit. Everyone else reconciles
clean. The same demo (seed) always plants the same differences, and every run finds them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
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


PLANTED = ("employment", "income", "withholding", "aga")


def planted_kinds(org_numbers: list[str], period: str) -> dict[str, str]:
    """org number -> the difference planted in its month (only the few that get one)."""
    ranked = sorted(org_numbers, key=lambda org: (_h("a07-planted", org, period), org))
    per_kind = max(1, len(ranked) // 30)
    return {org: PLANTED[rank % len(PLANTED)] for rank, org in enumerate(ranked[:per_kind * len(PLANTED)])}


def planted(store: Store, org_number: str, period: str) -> str | None:
    """The difference planted in this client's month, if any."""
    from sqlalchemy import select

    from byraa.core.store.models import Client
    from byraa.core.store.models_reconcile import ReconSource

    with store.session() as s:
        orgs = list(s.scalars(select(Client.org_number).join(ReconSource, ReconSource.client_id == Client.id).where(
            ReconSource.kind == "amelding", ReconSource.period == period, ReconSource.active.is_(True)).distinct()))
    return planted_kinds(orgs, period).get(org_number)


def month_report(store: Store, org_number: str, period: str) -> A07Report | None:
    """a-ordningen's A07 for a client and month, or ``None`` when the org is no client."""
    from sqlalchemy import select

    from byraa.core.store.models import Client, Employee, Employment, Leave, SubUnit, in_force
    from byraa.core.store.models_reconcile import ReconAga, ReconIncome, ReconSource, ReconWithholding

    first, last = periods.first_day(period), periods.last_day(period)
    with store.session() as s:
        client_id = s.scalars(select(Client.id).where(Client.org_number == org_number)).first()
        if client_id is None:
            return None
        rows = s.execute(
            select(Employment, Employee.national_id, Employee.name, SubUnit.org_number)
            .join(Employee, Employee.id == Employment.employee_id)
            .outerjoin(SubUnit, SubUnit.id == Employment.sub_unit_id)
            .where(Employment.client_id == client_id, in_force(Employment, first, last))
            .order_by(Employee.national_id, Employment.employment_ref)).all()
        leaves: dict[int, list[Leave]] = defaultdict(list)
        ids = [r[0].id for r in rows]
        for i in range(0, len(ids), 5000):
            for lv in s.scalars(select(Leave).where(Leave.employment_id.in_(ids[i:i + 5000]),
                                                    in_force(Leave, first, last))):
                leaves[lv.employment_id].append(lv)
        sources = select(ReconSource.id).where(ReconSource.client_id == client_id, ReconSource.kind == "amelding",
                                               ReconSource.period == period, ReconSource.active.is_(True))
        income = list(s.scalars(select(ReconIncome).where(ReconIncome.source_id.in_(sources))
                                .order_by(ReconIncome.id)))
        withheld = list(s.scalars(select(ReconWithholding).where(ReconWithholding.source_id.in_(sources))
                                  .order_by(ReconWithholding.id)))
        aga = list(s.scalars(select(ReconAga).where(ReconAga.source_id.in_(sources)).order_by(ReconAga.id)))
    if not income and not withheld and not aga:
        return _from_runs(store, org_number, period, client_id, rows)
    kind = planted(store, org_number, period)
    report = A07Report(client=org_number, period=period)
    changed = False
    for e, nid, name, unit in rows:
        pct = e.position_pct
        if kind == "employment" and not changed and e.employment_type == "ordinaertArbeidsforhold":
            pct, changed = max(pct - 20.0, 10.0) if pct > 10.0 else pct + 20.0, True
        report.names[nid] = name
        report.employments.append(A07Employment(
            nid, name, unit or "", e.employment_ref, e.employment_type, e.start_date, e.end_date, e.occupation_code,
            pct, e.hours_full_week,
            [{"id": str(lv.id), "start": lv.start_date, "end": lv.end_date, "pct": lv.leave_pct,
              "description": lv.description} for lv in leaves.get(e.id or 0, [])]))
    for n, line in enumerate(income):
        extra = 1_500_00 if kind == "income" and n == 0 else 0
        report.income.append(A07Income(line.national_id, line.sub_unit, line.employment_ref, line.category,
                                       line.description, line.benefit, line.triggers_aga, line.withholding_basis,
                                       line.amount + extra))
    for n, w in enumerate(withheld):
        extra = 1_000_00 if kind == "withholding" and n == 0 else 0
        report.withholding.append(A07Withholding(w.national_id, w.sub_unit, w.amount + extra))
    for n, a in enumerate(aga):
        less = 250_00 if kind == "aga" and n == 0 else 0
        report.aga.append(A07Aga(a.sub_unit, a.zone, a.calc_code, a.basis_kind, a.basis, a.rate, a.amount - less))
    return report


def _from_runs(store: Store, org_number: str, period: str, client_id: int, rows: list) -> A07Report:
    """A month no a-melding was imported for (an agency keyed in by hand, as in tests): the
    employments in force, and the payroll runs' totals split over them by yearly pay."""
    from sqlalchemy import func, select

    from byraa.core.store.models import PayrollRun, SubUnit

    with store.session() as s:
        gross, withheld, aga = s.execute(
            select(func.coalesce(func.sum(PayrollRun.gross), 0), func.coalesce(func.sum(PayrollRun.withholding), 0),
                   func.coalesce(func.sum(PayrollRun.employer_contribution), 0))
            .where(PayrollRun.client_id == client_id, PayrollRun.period == period)).one()
        zones = dict(s.execute(select(SubUnit.org_number, SubUnit.aga_zone).where(SubUnit.client_id == client_id)).all())
    report = A07Report(client=org_number, period=period)
    for e, nid, name, unit in rows:
        report.names[nid] = name
        report.employments.append(A07Employment(nid, name, unit or "", e.employment_ref, e.employment_type,
                                                e.start_date, e.end_date, e.occupation_code, e.position_pct,
                                                e.hours_full_week))
    if not rows or not gross:
        return report
    weights = [max(e.annual_salary, 1) for e, *_ in rows]
    unit_basis: dict[str, int] = defaultdict(int)
    for (e, nid, _, unit), pay, tax in zip(rows, split(int(gross), weights), split(int(withheld), weights),
                                           strict=True):
        report.income.append(A07Income(nid, unit or "", e.employment_ref, "loennsinntekt", "fastloenn",
                                       "kontantytelse", True, True, pay))
        if tax:
            report.withholding.append(A07Withholding(nid, unit or "", tax))
        unit_basis[unit or ""] += pay
    units = sorted(unit_basis)
    for unit, amount in zip(units, split(int(aga), [unit_basis[u] for u in units]), strict=True):
        zone = zones.get(unit) or "1"
        report.aga.append(A07Aga(unit, zone, "generelleNaeringer", "loenn", unit_basis[unit],
                                 AGA_RATES.get(zone, 14.1), amount))
    return report
