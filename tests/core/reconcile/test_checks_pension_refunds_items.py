"""Pension premium (E01), NAV refunds (A7) and open items per employee (D01–D04) on
hand-made inputs; every expected figure is computed here from the fixture's lines."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from byraa.core.reconcile.checks import Settings
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
from byraa.core.reconcile.checks.open_items import BUCKETS, ageing, bucket, open_items, open_items_check
from byraa.core.reconcile.checks.pension_refunds import nav_refunds, pension
from tests.builders import nid

A, B = nid(2), nid(3)


def frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def make(period: str, *, ledger=(), journal=(), deductions=(), amelding=(), ledger_periods=()) -> Inputs:  # noqa: ANN001
    return Inputs(client_id=1, period=period, payroll_employments=emp_check.frame([]),
                  a07_employments=emp_check.frame([]), income=frame([], INCOME_SCHEMA),
                  withholding=frame([], WITHHOLDING_SCHEMA), aga=frame([], AGA_SCHEMA),
                  ledger=frame(list(ledger), LEDGER_SCHEMA), runs=frame([], RUNS_SCHEMA),
                  amelding_periods=set(amelding), a07_periods=set(), ledger_periods=set(ledger_periods),
                  journal=frame(list(journal), JOURNAL_SCHEMA), deductions=frame(list(deductions), DEDUCTION_SCHEMA))


def post(account: str, period: str, amount: int, day: date | None = None, *, voucher: str | None = None,
         party: str | None = None, kind: str = "posting") -> dict:
    return {"account": account, "period": period, "kind": kind, "entry_date": day, "amount": amount,
            "voucher": voucher, "text": None, "party": party, "dimension": None}


def jline(period: str, account: str, amount: int, person: str | None = None, employee_no: str | None = None) -> dict:
    return {"period": period, "account": account, "national_id": person, "amount": amount, "text": None,
            "employee_no": employee_no}


def by_field(rows: list) -> dict:
    return {(r.key, r.field): r for r in rows}


# --- Pension ----------------------------------------------------------------------------------------


def _pension_term(invoice_employer: int, moved: int, *, december: bool = False):  # noqa: ANN202
    months = ["2026-11", "2026-12"] if december else ["2026-09", "2026-10"]
    provision = {months[0]: 8_000_00, months[1]: 8_500_00}
    member = {months[0]: {A: 1_000_00, B: 500_00}, months[1]: {A: 1_000_00, B: 600_00}}
    journal = [jline(m, "5420", a) for m, a in provision.items()] + [jline(m, "2810", -a) for m, a in provision.items()]
    deductions = [{"period": m, "side": "payroll", "national_id": who, "description": "premieTilPensjonsordninger",
                   "amount": a} for m, per in member.items() for who, a in per.items()]
    ledger = [post("2810", m, -a, voucher=f"L{m}") for m, a in provision.items()]
    ledger += [post("2630", m, -sum(per.values()), voucher=f"L{m}") for m, per in member.items()]
    member_total = sum(sum(per.values()) for per in member.values())
    ledger += [post("2810", months[1], invoice_employer, voucher="INV"), post("2630", months[1], member_total,
                                                                             voucher="INV")]
    if moved:
        ledger += [post("2820", months[1], moved, voucher="TR"), post("2810", months[1], -moved, voucher="TR")]
    data = make(months[1], ledger=ledger, journal=journal, deductions=deductions, amelding=months,
                ledger_periods=months)
    return data, sum(provision.values()), member_total


def test_pension_term_provision_member_share_invoice_and_the_settlement_transfer() -> None:
    invoice_employer = 17_200_00
    data, provided, deducted = _pension_term(invoice_employer, moved=0)
    rows = by_field(pension(data, Settings()))
    term = "2026-T5"
    employer = rows[(term, "employer's share: provided vs booked")]
    assert (employer.payroll, employer.ledger, employer.status) == (provided, provided, "equal")
    member = rows[(term, "employee's share: deducted vs booked")]
    assert (member.payroll, member.ledger, member.status) == (deducted, deducted, "equal")
    invoiced = rows[(term, "invoiced vs provided")]
    owed = invoice_employer + deducted - (provided + deducted)
    assert (invoiced.ledger, invoiced.difference, invoiced.status) == (invoice_employer + deducted, owed, "info")
    moved = rows[(term, "difference moved to settlement account")]
    assert (moved.payroll, moved.ledger, moved.difference, moved.status) == (owed, 0, -owed, "differs")
    # Once the difference is moved to 2820 the transfer voucher is no provision or invoice.
    data, provided, _ = _pension_term(invoice_employer, moved=owed)
    rows = by_field(pension(data, Settings()))
    assert rows[(term, "difference moved to settlement account")].status == "equal"
    assert rows[(term, "employer's share: provided vs booked")].ledger == provided
    # Not at a term's first month.
    data.period = "2026-09"
    assert pension(data, Settings()) == []


def test_pension_accounts_must_be_zero_in_december() -> None:
    data, provided, deducted = _pension_term(16_500_00, moved=0, december=True)
    rows = by_field(pension(data, Settings()))
    # 2630: member share credited then invoiced: zero. 2810: provision − invoice. 2820: untouched.
    assert rows[("2630", "balance at year end")].status == "equal"
    left = -provided + 16_500_00
    assert (rows[("2810", "balance at year end")].ledger, rows[("2810", "balance at year end")].status) == (
        left, "differs" if left else "equal")
    assert rows[("2820", "balance at year end")].ledger == 0


def test_pension_without_a_ledger_is_missing_and_without_pension_is_silent() -> None:
    data, _, _ = _pension_term(1, moved=0)
    data.ledger_periods = set()
    assert {r.status for r in pension(data, Settings())} == {"missing"}
    assert pension(make("2026-10", amelding={"2026-09", "2026-10"}), Settings()) == []


# --- NAV refunds --------------------------------------------------------------------------------------


def test_nav_refund_claims_receivable_and_claims_open_over_90_days() -> None:
    claims = {("2026-05", A): 12_000_00, ("2026-07", B): 9_000_00, ("2026-10", A): 4_000_00}
    journal = [jline(m, "1574", a, who, employee_no=f"E{who[-2:]}") for (m, who), a in claims.items()]
    journal += [jline(m, "5800", -a, who) for (m, who), a in claims.items()]
    paid_b = 9_000_00  # NAV paid B's July claim, with B's sub-ledger id
    ledger = [post("1574", m, a, voucher=f"K{m}") for (m, _), a in claims.items()]
    ledger += [post("5800", m, -a, voucher=f"K{m}") for (m, _), a in claims.items() if m != "2026-10"]
    ledger += [post("5800", "2026-10", -3_000_00)]  # October booked short
    ledger += [post("1574", "2026-09", -paid_b, date(2026, 9, 12), party=f"E{B[-2:]}")]
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    rows = nav_refunds(make("2026-10", ledger=ledger, journal=journal, ledger_periods=months), Settings())
    f = by_field(rows)
    month = f[("2026-10", "claims vs refunds taken to income")]
    assert (month.payroll, month.ledger, month.difference, month.status) == (4_000_00, 3_000_00, -1_000_00, "differs")
    receivable = f[("2026-10", "receivable at period end")]
    expected = sum(claims.values()) - paid_b
    assert (receivable.payroll, receivable.ledger, receivable.status) == (expected, expected, "equal")
    assert f[("2026-10", "received from NAV")].ledger == paid_b
    open_claims = [r for r in rows if r.field.startswith("claim open")]
    days = (date(2026, 10, 31) - date(2026, 5, 31)).days
    assert [(r.key, r.national_id, r.payroll, r.field) for r in open_claims] == [
        ("2026-05", A, 12_000_00, f"claim open {days} days")]  # July is paid, October is young


def test_an_unallocated_nav_payment_settles_the_oldest_claim() -> None:
    journal = [jline("2026-03", "1574", 5_000_00, A), jline("2026-04", "1574", 5_000_00, B)]
    ledger = [post("1574", "2026-03", 5_000_00), post("1574", "2026-04", 5_000_00),
              post("1574", "2026-05", -5_000_00, date(2026, 5, 20))]
    months = [f"2026-{m:02d}" for m in range(1, 10)]
    rows = nav_refunds(make("2026-09", ledger=ledger, journal=journal, ledger_periods=months), Settings())
    assert [(r.key, r.national_id) for r in rows if r.field.startswith("claim open")] == [("2026-04", B)]


# --- Open items ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "expected"), [(0, BUCKETS[0]), (30, BUCKETS[0]), (31, BUCKETS[1]),
                                               (90, BUCKETS[1]), (91, BUCKETS[2])])
def test_age_bucket_boundaries(age: int, expected: str) -> None:
    assert bucket(age) == expected


def test_open_items_settle_oldest_first() -> None:
    d = date(2026, 1, 10)
    items = open_items([(d, 1_000_00), (d + timedelta(days=5), 500_00), (d + timedelta(days=9), -1_200_00)])
    assert items == [(d + timedelta(days=5), 300_00)]
    assert open_items([(d, 100), (d, -100)]) == []
    assert open_items([(d, -300), (d + timedelta(days=1), 100)]) == [(d, -200)]


def test_advances_per_employee_aged_at_the_month_end() -> None:
    end = date(2026, 10, 31)
    day = {age: end - timedelta(days=age) for age in (30, 31, 90, 91)}
    ledger = [
        post("1570", "2026-07", 2_000_00, day[91], party="E1"),   # over 90
        post("1570", "2026-08", 1_500_00, day[90], party="E1"),   # 31–90
        post("1570", "2026-09", 700_00, day[31], party="E1"),     # 31–90
        post("1570", "2026-10", 400_00, day[30], party="E1"),     # 0–30
        post("1570", "2026-10", -2_000_00, end, party="E1"),      # repays the oldest
        post("1570", "2026-10", 900_00, end, party="E2"),
        post("1570", "2026-10", -900_00, end, party="E2"),        # E2 nets to zero: not listed
        post("1571", "2026-10", 250_00, day[30]),                 # a travel advance with no employee
    ]
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    rows = open_items_check(make("2026-10", ledger=ledger, ledger_periods=months), Settings())
    f = by_field(rows)
    e1 = 2_000_00 + 1_500_00 + 700_00 + 400_00 - 2_000_00
    assert (f[("1570", "balance at period end")].ledger, f[("1570", "balance at period end")].status) == (e1, "differs")
    assert f[("1570 E1", "employee balance")].ledger == e1
    assert f[("1570 E1", BUCKETS[0])].ledger == 400_00
    assert f[("1570 E1", BUCKETS[1])].ledger == 1_500_00 + 700_00
    assert ("1570 E1", BUCKETS[2]) not in f
    assert not any(k.startswith("1570 E2") for k, _ in f)
    assert f[("1571 -", BUCKETS[0])].ledger == 250_00
    assert ageing(open_items([(day[91], 100)]), end) == {BUCKETS[0]: 0, BUCKETS[1]: 0, BUCKETS[2]: 100}


def test_open_items_zero_accounts_are_equal_and_unused_accounts_silent() -> None:
    ledger = [post("2999", "2026-10", 100_00, party="E1"), post("2999", "2026-10", -100_00, party="E1")]
    rows = open_items_check(make("2026-10", ledger=ledger, ledger_periods={"2026-10"}), Settings())
    assert [(r.key, r.status) for r in rows] == [("2999", "equal")]
    assert open_items_check(make("2026-10", ledger_periods={"2026-10"}), Settings()) == []


# --- Year-end payroll vs ledger ----------------------------------------------------------------------------


def test_year_end_income_types_against_the_mapped_ledger_accounts() -> None:
    from dataclasses import replace

    from byraa.core.reconcile.checks.inputs import INCOME_SCHEMA
    from byraa.core.reconcile.checks.year_end import year_end

    months = [f"2026-{m:02d}" for m in range(1, 13)]
    lines = [(A, "fastloenn", "kontantytelse", 40_000_00), (B, "timeloenn", "kontantytelse", 10_000_00),
             (A, "elektroniskKommunikasjon", "naturalytelse", 350_00)]
    income = [{"period": m, "side": "payroll", "national_id": who, "category": "loennsinntekt", "description": d,
               "benefit": fordel, "amount": a} for m in months for who, d, fordel, a in lines]
    income.append({"period": "2026-06", "side": "payroll", "national_id": A, "category": "loennsinntekt",
                   "description": "feriepenger", "benefit": "kontantytelse", "amount": 45_000_00})
    ledger = [post("5000", m, 50_000_00) for m in months] + [post("5010", "2026-12", 1_000_00)]
    ledger += [post("5210", m, 350_00) for m in months] + [post("2940", "2026-06", 44_000_00)]
    data = make("2026-12", ledger=ledger, amelding=months, ledger_periods=months)
    data.income = frame(income, INCOME_SCHEMA)
    rows = {r.key: r for r in year_end(data, Settings())}
    wages = 12 * (40_000_00 + 10_000_00)
    assert (rows["lønn"].payroll, rows["lønn"].ledger, rows["lønn"].status) == (wages, 12 * 50_000_00, "equal")
    assert (rows["feriepenger"].payroll, rows["feriepenger"].ledger, rows["feriepenger"].difference) == (
        45_000_00, 44_000_00, -1_000_00)
    assert rows["naturalytelser"].status == "equal" and "styrehonorar" not in rows
    # The client maps wages to 5000 and 5010: the extra 1 000.00 on 5010 is now a difference.
    settings = Settings()
    settings = replace(settings, accounts={**settings.accounts, "year_end_wages": ("5000", "5010")})
    mapped = {r.key: r for r in year_end(data, settings)}["lønn"]
    assert (mapped.field, mapped.ledger, mapped.difference) == ("year total (5000,5010)", wages + 1_000_00, 1_000_00)
    data.period = "2026-11"
    assert year_end(data, Settings()) == []


def test_no_refunds_when_the_chart_only_lists_the_accounts_with_a_zero_opening() -> None:
    """A client without sick pay claims gets no rows of zeros (its chart lists 1574 and 5800)."""
    ledger = [post("1574", "2026-01", 0, kind="opening"), post("5800", "2026-01", 0, kind="opening")]
    assert nav_refunds(make("2026-10", ledger=ledger, ledger_periods={"2026-10"}), Settings()) == []
    ledger.append(post("1574", "2026-10", 1_000_00))
    assert nav_refunds(make("2026-10", ledger=ledger, ledger_periods={"2026-10"}), Settings()) != []
