"""Benchmark: every check of a year-end (December) run for one client the size of the
largest demo client.

    .venv/bin/python benchmarks/bench_folder.py [--employees 2600] [--repeat 3]

Synthetic ``Inputs`` for one client, January to December plus January's payments: per
employee and month three income lines (fixed pay, overtime, a benefit in kind), the
withholding, a pension deduction, A07 mirrors of them, payroll-journal lines (wages,
pension provision, a refund claim for every tenth employee) and ledger lines (wages,
withholding, AGA, holiday pay, pension, NAV refunds, advances per employee with dates
spread over the year). The timed part is ``checks.run.compute`` with every check
(employments included, byraa's and A07's employments alike) for 2026-12. Loading from
the store is not timed (``inputs.load`` is one query per table). Budget 2 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

BUDGET_S = 2.0


def build(employees: int):  # noqa: ANN201
    import polars as pl

    from benchmarks.bench_reconcile import _nids
    from byraa.core.reconcile.checks import employments as emp_check
    from byraa.core.reconcile.checks.inputs import (
        AGA_SCHEMA,
        DEDUCTION_SCHEMA,
        INCOME_SCHEMA,
        JOURNAL_SCHEMA,
        LEDGER_SCHEMA,
        RUNS_SCHEMA,
        WITHHOLDING_SCHEMA,
        Inputs,
    )

    rng = random.Random(7)
    nids = _nids(employees)
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    income, withholding, deductions, journal, ledger, aga = [], [], [], [], [], []

    def post(account: str, month: str, amount: int, day: date, party: str | None = None) -> None:
        ledger.append({"account": account, "period": month, "kind": "posting", "entry_date": day, "amount": amount,
                       "voucher": f"L{month}", "text": None, "party": party, "dimension": None})

    for m in months:
        end = date(2026, int(m[5:]), 28)
        gross = 0
        for n, person in enumerate(nids):
            pay = 40_000_00 + rng.randrange(20_000_00)
            gross += pay
            for side in ("payroll", "a07"):
                for desc, benefit, amount in (("fastloenn", "kontantytelse", pay), ("overtidsgodtgjoerelse",
                                              "kontantytelse", 2_000_00), ("elektroniskKommunikasjon",
                                                                           "naturalytelse", 350_00)):
                    income.append({"period": m, "side": side, "national_id": person, "category": "loennsinntekt",
                                   "description": desc, "benefit": benefit, "amount": amount})
                withholding.append({"period": m, "side": side, "national_id": person, "amount": pay // 3})
            deductions.append({"period": m, "side": "payroll", "national_id": person,
                               "description": "premieTilPensjonsordninger", "amount": pay // 50})
            journal.append({"period": m, "account": "5000", "national_id": person, "amount": pay, "text": None,
                            "employee_no": str(n)})
            journal.append({"period": m, "account": "5420", "national_id": person, "amount": pay // 20,
                            "text": None, "employee_no": str(n)})
            if n % 10 == 0:
                journal.append({"period": m, "account": "1574", "national_id": person, "amount": 5_000_00,
                                "text": None, "employee_no": str(n)})
                post("1574", m, 5_000_00, end)
            if n % 7 == 0:
                post("1570", m, 1_000_00, end - timedelta(days=rng.randrange(20)), party=str(n))
        for side in ("payroll", "a07"):
            aga.append({"period": m, "side": side, "sub_unit": "999999999", "zone": "1", "basis": gross,
                        "rate": 14.1, "amount": gross * 141 // 1000})
        post("5000", m, gross, end)
        post("2600", m, -gross // 3, end)
        post("2770", m, -gross * 141 // 1000, end)
        post("5400", m, gross * 141 // 1000, end)
        post("2940", m, -gross * 102 // 1000, end)
        post("5092", m, gross * 102 // 1000, end)
        post("2810", m, -gross // 20, end)
        post("2630", m, -gross // 50, end)
        post("5800", m, -5_000_00 * (employees // 10 + 1), end)
    ledger_frame = pl.DataFrame(ledger, schema=LEDGER_SCHEMA, orient="row")
    people = emp_check.frame([{
        "client_id": 1, "ref": n, "national_id": p, "sub_unit": "999999999", "employment_ref": "1",
        "employment_type": "ordinaertArbeidsforhold", "start_date": date(2020, 1, 1), "end_date": None,
        "occupation_code": "5223102", "position_pct": 100.0, "hours_full_week": 37.5, "leave": ""}
        for n, p in enumerate(nids)])
    return Inputs(
        client_id=1, period="2026-12", payroll_employments=people, a07_employments=people,
        income=pl.DataFrame(income, schema=INCOME_SCHEMA, orient="row"),
        withholding=pl.DataFrame(withholding, schema=WITHHOLDING_SCHEMA, orient="row"),
        aga=pl.DataFrame(aga, schema=AGA_SCHEMA, orient="row"), ledger=ledger_frame,
        runs=pl.DataFrame(schema=RUNS_SCHEMA), amelding_periods=set(months), a07_periods=set(months),
        ledger_periods=set(months) | {"2027-01"},
        journal=pl.DataFrame(journal, schema=JOURNAL_SCHEMA, orient="row"),
        deductions=pl.DataFrame(deductions, schema=DEDUCTION_SCHEMA, orient="row"),
    ), employees


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=2600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from byraa.core.reconcile.checks import CHECKS
    from byraa.core.reconcile.checks.run import compute

    inputs, employees = build(args.employees)
    print(f"{employees} employees, {inputs.income.height} income lines, {inputs.ledger.height} ledger lines, "
          f"{inputs.journal.height} journal lines")
    best = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        rows = compute(inputs, checks=CHECKS)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    print(f"year-end run, {len(CHECKS)} checks, {len(rows)} rows: best of {args.repeat} {best:.2f} s "
          f"(budget {BUDGET_S:.0f} s)")
    return 0 if best is not None and best <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
