"""Reading what the checks compare from the store, as polars frames.

``load`` reads one client and period: byraa's employments in force in the month (payroll
side of check 1), the current A07, the figures of the active a-meldinger from January to
the month after (year to date for holiday pay, the term, the payment month), the ledger
lines of the year, and the payroll runs' withholding. ``Inputs.sources`` lists every
source read with its checksum; a run stores it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.base import periods
from byraa.core.clients.addresses import StoredUnit, stored_units
from byraa.core.reconcile.checks import employments as emp_check
from byraa.core.store.models import Employee, Employment, Leave, PayrollRun, SubUnit, in_force
from byraa.core.store.models_reconcile import (
    ReconAga,
    ReconDeduction,
    ReconEmployment,
    ReconIncome,
    ReconLedger,
    ReconSource,
    ReconWithholding,
)

INCOME_SCHEMA = {"period": pl.Utf8(), "side": pl.Utf8(), "national_id": pl.Utf8(), "category": pl.Utf8(),
                 "description": pl.Utf8(), "benefit": pl.Utf8(), "amount": pl.Int64()}
WITHHOLDING_SCHEMA = {"period": pl.Utf8(), "side": pl.Utf8(), "national_id": pl.Utf8(), "amount": pl.Int64()}
AGA_SCHEMA = {"period": pl.Utf8(), "side": pl.Utf8(), "sub_unit": pl.Utf8(), "zone": pl.Utf8(),
              "basis": pl.Int64(), "rate": pl.Float64(), "amount": pl.Int64(), "basis_kind": pl.Utf8()}
LEDGER_SCHEMA = {"account": pl.Utf8(), "period": pl.Utf8(), "kind": pl.Utf8(), "entry_date": pl.Date(),
                 "amount": pl.Int64(), "voucher": pl.Utf8(), "text": pl.Utf8(), "party": pl.Utf8(),
                 "dimension": pl.Utf8()}
RUNS_SCHEMA = {"period": pl.Utf8(), "withholding": pl.Int64()}
DEDUCTION_SCHEMA = {"period": pl.Utf8(), "side": pl.Utf8(), "national_id": pl.Utf8(), "description": pl.Utf8(),
                    "amount": pl.Int64()}
JOURNAL_SCHEMA = {"period": pl.Utf8(), "account": pl.Utf8(), "national_id": pl.Utf8(), "amount": pl.Int64(),
                  "text": pl.Utf8(), "employee_no": pl.Utf8()}


@dataclass
class Inputs:
    client_id: int
    period: str
    payroll_employments: pl.DataFrame
    a07_employments: pl.DataFrame
    income: pl.DataFrame
    withholding: pl.DataFrame
    aga: pl.DataFrame
    ledger: pl.DataFrame
    runs: pl.DataFrame
    amelding_periods: set[str] = field(default_factory=set)
    """Months with an active a-melding."""
    a07_periods: set[str] = field(default_factory=set)
    ledger_periods: set[str] = field(default_factory=set)
    """Months covered by an active ledger file."""
    sources: list[dict] = field(default_factory=list)
    journal: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=JOURNAL_SCHEMA))
    """The payroll system's posting-journal lines of the year (every imported run)."""
    deductions: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DEDUCTION_SCHEMA))
    """The a-meldinger's deductions (``fradrag``) of the year, e.g. the employee's pension premium."""
    prior_journal: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=JOURNAL_SCHEMA))
    """The previous year's journal lines on the accounts ``load`` was asked for (the NAV
    receivable): last year's claims still open in January age from their own month."""
    prior_ledger: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LEDGER_SCHEMA))
    """The previous year's ledger postings on those accounts: an employee's opening balance
    on a personal account ages from the items it is made of."""
    unit_register: dict[str, StoredUnit] = field(default_factory=dict)
    """Per sub-unit org number, its last stored comparison with Enhetsregisteret (the AGA
    check flags a municipality that differs; no comparison stored, no flag)."""


def _frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)


def _months(first: str, last: str) -> list[str]:
    out, p = [], first
    while p <= last:
        out.append(p)
        p = periods.shift(p, 1)
    return out


def payroll_employments(session: Session, client_id: int, period: str) -> pl.DataFrame:
    """byraa's employments in force in the month, with their leaves as text."""
    first, last = periods.first_day(period), periods.last_day(period)
    rows = session.execute(
        select(Employment, col(Employee.national_id), col(SubUnit.org_number))
        .join(Employee, col(Employee.id) == col(Employment.employee_id))
        .outerjoin(SubUnit, col(SubUnit.id) == col(Employment.sub_unit_id))
        .where(col(Employment.client_id) == client_id, in_force(Employment, first, last))
    ).all()
    leaves: dict[int, list[tuple]] = defaultdict(list)
    ids = [e.id for e, _, _ in rows]
    for i in range(0, len(ids), 5000):
        for lv in session.scalars(select(Leave).where(
                col(Leave.employment_id).in_(ids[i:i + 5000]), in_force(Leave, first, last))):
            leaves[lv.employment_id].append((lv.start_date, lv.end_date, lv.leave_pct, lv.description))
    return emp_check.frame([{
        "client_id": client_id, "ref": e.id, "national_id": nid, "sub_unit": unit or "",
        "employment_ref": e.employment_ref, "employment_type": e.employment_type, "start_date": e.start_date,
        "end_date": e.end_date, "occupation_code": e.occupation_code, "position_pct": e.position_pct,
        "hours_full_week": e.hours_full_week, "leave": emp_check.leave_text(leaves.get(e.id or 0, []), first, last),
    } for e, nid, unit in rows])


def a07_employments(session: Session, client_id: int, period: str, source_id: int | None) -> pl.DataFrame:
    if source_id is None:
        return emp_check.frame([])
    first, last = periods.first_day(period), periods.last_day(period)
    out = []
    for e in session.scalars(select(ReconEmployment).where(col(ReconEmployment.source_id) == source_id)):
        leaves = [(date.fromisoformat(x["start"]), date.fromisoformat(x["end"]) if x.get("end") else None,
                   x.get("pct"), x.get("description")) for x in json.loads(e.leaves)] if e.leaves else []
        out.append({
            "client_id": client_id, "ref": e.id, "national_id": e.national_id, "sub_unit": e.sub_unit,
            "employment_ref": e.employment_ref, "employment_type": e.employment_type, "start_date": e.start_date,
            "end_date": e.end_date, "occupation_code": e.occupation_code, "position_pct": e.position_pct,
            "hours_full_week": e.hours_full_week, "leave": emp_check.leave_text(leaves, first, last),
        })
    return emp_check.frame(out)


def load(session: Session, client_id: int, period: str, *, employments: bool = True,
         prior_accounts: tuple[str, ...] = ()) -> Inputs:
    """Everything the checks need for one client and period; of the previous year, the
    journal lines on ``prior_accounts``."""
    year_start = f"{period[:4]}-01"
    last = periods.shift(period, 1)  # the payment month of a term ending in ``period``
    sources = list(session.scalars(select(ReconSource).where(
        col(ReconSource.client_id) == client_id, col(ReconSource.active).is_(True),
        or_(and_(col(ReconSource.kind).in_(("amelding", "a07")), col(ReconSource.period) >= year_start,
                 col(ReconSource.period) <= last),
            and_(col(ReconSource.kind) == "ledger", col(ReconSource.period) <= last,
                 col(ReconSource.period_to) >= year_start)),
    ).order_by(col(ReconSource.id))))
    by_kind: dict[str, list[ReconSource]] = defaultdict(list)
    for s in sources:
        by_kind[s.kind].append(s)
    amelding_ids = [s.id for s in by_kind["amelding"]]
    a07_ids = [s.id for s in by_kind["a07"]]
    current_a07 = next((s.id for s in reversed(by_kind["a07"]) if s.period == period), None)
    ledger_periods: set[str] = set()
    for s in by_kind["ledger"]:
        ledger_periods.update(_months(s.period or period, s.period_to or s.period or period))
    figures = amelding_ids + a07_ids

    def query(model, cols):  # noqa: ANN001, ANN202
        if not figures:
            return []
        return [dict(zip(cols, r, strict=True)) for r in session.execute(
            select(*[getattr(model, c) for c in cols]).where(model.source_id.in_(figures)))]

    income = query(ReconIncome, ["period", "side", "national_id", "category", "description", "benefit", "amount"])
    withholding = query(ReconWithholding, ["period", "side", "national_id", "amount"])
    aga = query(ReconAga, ["period", "side", "sub_unit", "zone", "basis", "rate", "amount", "basis_kind"])
    deductions = query(ReconDeduction, list(DEDUCTION_SCHEMA))
    ledger = [dict(zip(LEDGER_SCHEMA, r, strict=True)) for r in session.execute(
        select(col(ReconLedger.account), col(ReconLedger.period), col(ReconLedger.kind), col(ReconLedger.entry_date),
               col(ReconLedger.amount), col(ReconLedger.voucher), col(ReconLedger.text), col(ReconLedger.party), col(ReconLedger.dimension))
        .where(col(ReconLedger.client_id) == client_id, col(ReconLedger.period) >= year_start, col(ReconLedger.period) <= last))]
    # Runs derived from the a-melding itself (source_id set) would only compare it with itself.
    runs = [{"period": p, "withholding": w} for p, w in session.execute(
        select(col(PayrollRun.period), col(PayrollRun.withholding)).where(
            col(PayrollRun.client_id) == client_id, col(PayrollRun.period) >= year_start,
            col(PayrollRun.period) <= last, col(PayrollRun.source_id).is_(None)))]
    from byraa.core.store.models_posting import PostingLine, PostingRun

    journal = [dict(zip(JOURNAL_SCHEMA, r, strict=True)) for r in session.execute(
        select(col(PostingRun.period), col(PostingLine.account), col(PostingLine.national_id), col(PostingLine.amount), col(PostingLine.text),
               col(PostingLine.employee_no))
        .join(PostingRun, col(PostingRun.id) == col(PostingLine.run_id))
        .where(col(PostingRun.client_id) == client_id, col(PostingRun.period) >= year_start, col(PostingRun.period) <= last))]
    prior: list[dict] = []
    if prior_accounts:
        prior_year = str(int(period[:4]) - 1)
        prior = [dict(zip(JOURNAL_SCHEMA, r, strict=True)) for r in session.execute(
            select(col(PostingRun.period), col(PostingLine.account), col(PostingLine.national_id),
                   col(PostingLine.amount), col(PostingLine.text), col(PostingLine.employee_no))
            .join(PostingRun, col(PostingRun.id) == col(PostingLine.run_id))
            .where(col(PostingRun.client_id) == client_id, col(PostingRun.period) >= f"{prior_year}-01",
                   col(PostingRun.period) < year_start, col(PostingLine.account).in_(list(prior_accounts))))]
    prior_ledger: list[dict] = []
    if prior_accounts:
        prior_ledger = [dict(zip(LEDGER_SCHEMA, r, strict=True)) for r in session.execute(
            select(col(ReconLedger.account), col(ReconLedger.period), col(ReconLedger.kind),
                   col(ReconLedger.entry_date), col(ReconLedger.amount), col(ReconLedger.voucher),
                   col(ReconLedger.text), col(ReconLedger.party), col(ReconLedger.dimension))
            .where(col(ReconLedger.client_id) == client_id, col(ReconLedger.kind) == "posting",
                   col(ReconLedger.period) >= f"{int(period[:4]) - 1}-01", col(ReconLedger.period) < year_start,
                   col(ReconLedger.account).in_(list(prior_accounts))))]
    return Inputs(
        client_id=client_id, period=period, journal=_frame(journal, JOURNAL_SCHEMA),
        prior_journal=_frame(prior, JOURNAL_SCHEMA), prior_ledger=_frame(prior_ledger, LEDGER_SCHEMA),
        deductions=_frame(deductions, DEDUCTION_SCHEMA),
        payroll_employments=payroll_employments(session, client_id, period) if employments else emp_check.frame([]),
        a07_employments=a07_employments(session, client_id, period, current_a07) if employments
        else emp_check.frame([]),
        income=_frame(income, INCOME_SCHEMA), withholding=_frame(withholding, WITHHOLDING_SCHEMA),
        aga=_frame(aga, AGA_SCHEMA), ledger=_frame(ledger, LEDGER_SCHEMA), runs=_frame(runs, RUNS_SCHEMA),
        amelding_periods={s.period for s in by_kind["amelding"] if s.period},
        a07_periods={s.period for s in by_kind["a07"] if s.period},
        ledger_periods=ledger_periods, unit_register=stored_units(session, client_id),
        sources=[{"id": s.id, "kind": s.kind, "period": s.period, "period_to": s.period_to, "sha256": s.sha256,
                  "file": s.filename} for s in sources],
    )
