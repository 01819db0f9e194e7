"""The reconciliation-folder checks on hand-made inputs; expected figures computed here."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from byraa.core.base import ids
from byraa.core.clients import deadlines
from byraa.core.reconcile.checks import Settings, amounts, folder, holiday_rules
from byraa.core.reconcile.checks import employments as emp_check
from byraa.core.reconcile.checks.inputs import (
    AGA_SCHEMA,
    INCOME_SCHEMA,
    JOURNAL_SCHEMA,
    LEDGER_SCHEMA,
    RUNS_SCHEMA,
    WITHHOLDING_SCHEMA,
    Inputs,
)
from tests.builders import nid

YOUNG = nid(2)  # born 1990
OLD = ids.complete_national_id("018160000")  # Tenor id born 1 January 1960: turns 66 in 2026
assert OLD is not None


def frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def inputs(period: str, *, income=(), withholding=(), aga=(), ledger=(), amelding: set[str],
           ledger_periods: set[str]) -> Inputs:  # noqa: ANN001
    return Inputs(client_id=1, period=period, payroll_employments=emp_check.frame([]),
                  a07_employments=emp_check.frame([]), income=frame(list(income), INCOME_SCHEMA),
                  withholding=frame(list(withholding), WITHHOLDING_SCHEMA), aga=frame(list(aga), AGA_SCHEMA),
                  ledger=frame(list(ledger), LEDGER_SCHEMA), runs=frame([], RUNS_SCHEMA),
                  amelding_periods=amelding, a07_periods=set(), ledger_periods=ledger_periods)


def post(account: str, period: str, amount: int, day: date | None = None) -> dict:
    return {"account": account, "period": period, "kind": "posting", "entry_date": day, "amount": amount,
            "voucher": None, "text": None}


def test_a_late_withholding_payment_is_found_with_its_days_late() -> None:
    due = deadlines.term_payment_deadline("2026-10").due  # the 15th of November, moved past holidays
    withheld = [{"period": m, "side": "payroll", "national_id": YOUNG, "amount": a}
                for m, a in (("2026-09", 10_000_00), ("2026-10", 12_000_00))]
    aga = [{"period": m, "side": "payroll", "sub_unit": "x", "zone": "1", "basis": 0, "rate": 0.141, "amount": a}
           for m, a in (("2026-09", 5_000_00), ("2026-10", 5_000_00))]
    late_day = date(2026, 11, 20)
    ledger = [post("2600", "2026-11", 15_000_00, due), post("2600", "2026-11", 7_000_00, late_day),
              post("2770", "2026-11", 10_000_00, date(2026, 11, 10))]
    rows = folder.payments(inputs("2026-10", withholding=withheld, aga=aga, ledger=ledger,
                                  amelding={"2026-09", "2026-10"}, ledger_periods={"2026-11", "2026-12"}),
                           Settings())
    by_field = {r.field: r for r in rows}
    owed = 10_000_00 + 12_000_00
    on_time = by_field[f"withholding paid by {due.isoformat()}"]
    assert (on_time.payroll, on_time.ledger, on_time.difference, on_time.status) == (
        owed, 15_000_00, 15_000_00 - owed, "differs")
    late = by_field[f"withholding paid {late_day.isoformat()}, {(late_day - due).days} days late"]
    assert late.ledger == 7_000_00 and late.status == "differs"
    assert by_field[f"aga paid by {due.isoformat()}"].status == "equal"
    # Only at the term's last month.
    assert folder.payments(inputs("2026-09", amelding={"2026-09"}, ledger_periods=set()), Settings()) == []


def test_payments_say_missing_when_the_term_lacks_an_a_melding() -> None:
    rows = folder.payments(inputs("2026-10", amelding={"2026-10"}, ledger_periods={"2026-11"}), Settings())
    assert {r.status for r in rows} == {"missing"}


def test_benefits_in_kind_against_the_benefit_accounts_month_and_year() -> None:
    income = [{"period": m, "side": "payroll", "national_id": YOUNG, "category": "loennsinntekt",
               "description": d, "benefit": b, "amount": a}
              for m, d, b, a in (("2026-01", "elektroniskKommunikasjon", "naturalytelse", 350_00),
                                 ("2026-02", "elektroniskKommunikasjon", "naturalytelse", 350_00),
                                 ("2026-02", "fastloenn", "kontantytelse", 40_000_00))]
    ledger = [post("5210", "2026-01", 350_00), post("5210", "2026-02", 300_00)]
    rows = folder.benefits(inputs("2026-02", income=income, ledger=ledger, amelding={"2026-01", "2026-02"},
                                  ledger_periods={"2026-01", "2026-02"}), Settings())
    month, year = rows
    assert (month.key, month.payroll, month.ledger, month.difference, month.status) == (
        "2026-02", 350_00, 300_00, -50_00, "differs")
    assert (year.payroll, year.ledger, year.difference) == (700_00, 650_00, -50_00)



def test_benefits_booked_against_the_counter_account_are_not_cancelled_by_it() -> None:
    """52xx against 5290 nets to zero in the result; the check reads the benefit accounts
    for what was booked and gives the counter-entry a row of its own."""
    phone, car = 366_00, 4_500_00
    income = [{"period": "2026-03", "side": "payroll", "national_id": YOUNG, "category": "loennsinntekt",
               "description": d, "benefit": "naturalytelse", "amount": a}
              for d, a in (("elektroniskKommunikasjon", phone), ("bil", car))]
    ledger = [post("5210", "2026-03", phone), post("5200", "2026-03", car), post("5290", "2026-03", -phone - car + 100_00)]
    rows = folder.benefits(inputs("2026-03", income=income, ledger=ledger, amelding={"2026-01", "2026-02", "2026-03"},
                                  ledger_periods={"2026-01", "2026-02", "2026-03"}), Settings())
    by_field = {(r.key, r.field): r for r in rows}
    booked = by_field[("2026-03", "benefits in kind")]
    assert (booked.payroll, booked.ledger, booked.status) == (phone + car, phone + car, "equal")
    counter = by_field[("2026-03", "benefits in kind: counter-account")]
    assert (counter.ledger, counter.difference, counter.status) == (phone + car - 100_00, -100_00, "differs")


def test_benefits_without_a_counter_account_get_no_counter_row() -> None:
    income = [{"period": "2026-01", "side": "payroll", "national_id": YOUNG, "category": "loennsinntekt",
               "description": "bil", "benefit": "naturalytelse", "amount": 3_000_00}]
    rows = folder.benefits(inputs("2026-01", income=income, ledger=[post("5200", "2026-01", 3_000_00)],
                                  amelding={"2026-01"}, ledger_periods={"2026-01"}), Settings())
    assert {r.field for r in rows} == {"benefits in kind"}
    assert {r.status for r in rows} == {"equal"}

def _holiday_inputs(months: list[str], old_basis_per_month: int, young_basis_per_month: int,
                    ledger_liability: int) -> Inputs:
    income = []
    for m in months:
        for person, amount in ((OLD, old_basis_per_month), (YOUNG, young_basis_per_month)):
            income.append({"period": m, "side": "payroll", "national_id": person, "category": "loennsinntekt",
                           "description": "fastloenn", "benefit": "kontantytelse", "amount": amount})
    ledger = [post("2940", months[-1], -ledger_liability)]
    return inputs(months[-1], income=income, ledger=ledger, amelding=set(months), ledger_periods=set(months))


def test_holiday_pay_over_the_year_with_an_over_60_employee_above_6g() -> None:
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    old_month, young_month = 120_000_00, 40_000_00  # the older earns 1.2 mill. by October: above 6 G
    rate = Decimal("10.2") / 100
    old_basis, young_basis = old_month * len(months), young_month * len(months)
    cap = holiday_rules.six_g(2026)
    assert old_basis > cap

    def r(x: Decimal) -> int:
        return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    extra = r(Decimal(cap) * Decimal("2.3") / 100)
    expected = r(Decimal(old_basis) * rate) + extra + r(Decimal(young_basis) * rate)
    rows = folder.holiday_pay_year(_holiday_inputs(months, old_month, young_month, expected), Settings())
    liability = rows[0]
    assert (liability.payroll, liability.ledger, liability.status) == (expected, expected, "equal")
    over_60 = [row for row in rows if row.field.startswith("over 60")]
    assert [(row.national_id, row.payroll) for row in over_60] == [(OLD, extra)]
    # The key is shown as it is (the CLI's table, the TUI's key column): never the full id.
    assert [row.key for row in over_60] == [ids.mask_national_id(OLD)]




def test_from_june_last_years_liability_stands_beside_what_was_paid_out() -> None:
    """The half-year look: 2940's opening balance (last year's holiday pay owed) and the
    holiday pay paid out this year, for reading (leavers make them differ)."""
    months = [f"2026-{m:02d}" for m in range(1, 7)]
    owed, paid = 52_000_00, 49_500_00
    income = [{"period": m, "side": "payroll", "national_id": YOUNG, "category": "loennsinntekt",
               "description": "fastloenn", "benefit": "kontantytelse", "amount": 40_000_00} for m in months]
    income.append({"period": "2026-06", "side": "payroll", "national_id": YOUNG, "category": "loennsinntekt",
                   "description": "feriepenger", "benefit": "kontantytelse", "amount": paid})
    ledger = [post("2940", "2026-01", -owed) | {"kind": "opening"}, post("2940", "2026-06", paid)]
    data = inputs("2026-06", income=income, ledger=ledger, amelding=set(months), ledger_periods=set(months))
    rows = {r.field: r for r in folder.holiday_pay_year(data, Settings())}
    half = rows["last year's liability vs paid out this year"]
    assert (half.key, half.payroll, half.ledger, half.difference, half.status) == (
        "2025", paid, owed, owed - paid, "info")
    # Before June there is nothing paid out to compare with.
    earlier = inputs("2026-05", income=[i for i in income if i["period"] < "2026-06"], ledger=ledger[:1],
                     amelding=set(months[:5]), ledger_periods=set(months[:5]))
    assert "last year's liability vs paid out this year" not in {r.field for r in folder.holiday_pay_year(
        earlier, Settings())}

def test_the_over_60_extra_is_accrued_in_the_year_the_employee_turns_59() -> None:
    """The extra week falls in the holiday year, the year after the earning year: someone
    born on 31 December 1967 turns 60 in 2027, so 2026's accrual holds the extra."""
    last_day_1967 = ids.complete_national_id("319267000")
    first_day_1968 = ids.complete_national_id("018168000")
    assert last_day_1967 is not None and first_day_1968 is not None
    assert holiday_rules.earns_extra_week(last_day_1967, 2026)
    assert not holiday_rules.earns_extra_week(first_day_1968, 2026)
    assert holiday_rules.earns_extra_week(first_day_1968, 2027)


def test_the_monthly_holiday_pay_check_accrues_the_over_60_extra_as_the_year_check_does() -> None:
    months = [f"2026-{m:02d}" for m in range(1, 4)]
    old_month, young_month = 50_000_00, 40_000_00
    rate = Decimal("10.2") / 100

    def r(x: Decimal) -> int:
        return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    old_basis = old_month * len(months)
    expected = (r(Decimal(old_basis) * rate) + r(Decimal(old_basis) * Decimal("2.3") / 100)
                + r(Decimal(young_month * len(months)) * rate))
    data = _holiday_inputs(months, old_month, young_month, expected)
    monthly = {row.field: row for row in amounts.holiday_pay(data, Settings())}
    assert monthly["accrued (year to date)"].payroll == expected
    assert monthly["liability"].payroll == expected and monthly["liability"].status == "equal"
    assert folder.holiday_pay_year(data, Settings())[0].payroll == expected

def test_holiday_pay_over_the_year_names_a_missing_month_instead_of_a_difference() -> None:
    months = [f"2026-{m:02d}" for m in range(1, 11) if m != 4]
    rows = folder.holiday_pay_year(_holiday_inputs(months, 10_000_00, 10_000_00, 1), Settings())
    assert [(row.status, row.field) for row in rows] == [("incomplete", "incomplete: no a-melding for 2026-04")]


def test_birth_dates_follow_the_individual_number_centuries() -> None:
    assert ids.birth_date(OLD) == date(1960, 1, 1)
    assert ids.birth_date(YOUNG) == date(1990, 1, 1)
    assert ids.birth_date("01010550000") == date(2005, 1, 1)  # individual 500, year 05: 2000s
    assert ids.birth_date("41010150000") == date(2001, 1, 1)  # D-number: day + 40


def test_garnishment_withheld_booked_and_an_unpaid_term() -> None:
    journal = [{"period": m, "account": "2610", "national_id": YOUNG, "amount": -a, "text": "Påleggstrekk"}
               for m, a in (("2026-09", 2_500_00), ("2026-10", 2_500_00))]
    ledger = [post("2610", "2026-09", -2_500_00), post("2610", "2026-10", -2_000_00),
              post("2610", "2026-11", 2_500_00)]  # only September's deduction paid on
    data = inputs("2026-10", ledger=ledger, amelding={"2026-10"},
                  ledger_periods={"2026-09", "2026-10", "2026-11", "2026-12"})
    data.journal = frame(journal, JOURNAL_SCHEMA)
    month, term, creditor = folder.garnishment(data, Settings())
    assert (month.payroll, month.ledger, month.difference, month.status) == (2_500_00, 2_000_00, -500_00, "differs")
    assert (term.key, term.payroll, term.ledger, term.difference, term.status) == (
        "2026-T5", 5_000_00, 2_500_00, -2_500_00, "differs")
    # Lines without a sub-ledger id: one creditor, unnamed, owed what is on the account.
    assert (creditor.key, creditor.field, creditor.ledger, creditor.status) == (
        "2610 –", "balance per creditor", 4_500_00, "info")
    # No garnishment in the journal or the ledger: the check has nothing to say.
    assert folder.garnishment(inputs("2026-10", amelding=set(), ledger_periods=set()), Settings()) == []



def test_the_garnishment_balance_is_specified_per_creditor() -> None:
    """The ledger's sub-ledger id on 2610 names the creditor; the opening balance per party
    counts, what it does not split is the unnamed creditor's."""
    def line(period: str, amount: int, party: str | None, kind: str = "posting") -> dict:
        return post("2610", period, amount) | {"party": party, "kind": kind}

    ledger = [line("2026-01", -1_200_00, None, "opening"), line("2026-01", -1_000_00, "NAV Innkreving", "party"),
              line("2026-09", -3_000_00, "NAV Innkreving"), line("2026-09", -500_00, "SI"),
              line("2026-10", 1_000_00, "NAV Innkreving"), line("2026-10", 500_00, "SI")]
    data = inputs("2026-10", ledger=ledger, amelding=set(), ledger_periods={"2026-09", "2026-10"})
    rows = [r for r in folder.garnishment(data, Settings()) if r.field == "balance per creditor"]
    # NAV Innkreving: 1 000 opening + 3 000 withheld - 1 000 paid; SI paid in full (no row);
    # the rest of the opening (200) is nobody's in particular.
    assert [(r.key, r.ledger) for r in rows] == [("2610 NAV Innkreving", 3_000_00), ("2610 –", 200_00)]
    assert {r.status for r in rows} == {"info"}

def test_pension_premium_and_holiday_pay_in_the_contribution_basis_are_rows_of_their_own() -> None:
    months = ("2026-05", "2026-06")
    aga = [{"period": m, "side": "payroll", "sub_unit": "x", "zone": "1", "basis": b, "rate": 14.1,
            "amount": b * 141 // 1000, "basis_kind": kind}
           for m in months for kind, b in (("loenn", 100_000_00), ("pensjon", 4_000_00))]
    holiday = {"2026-06": 30_000_00}
    income = [{"period": m, "side": "payroll", "national_id": YOUNG, "category": "loennsinntekt",
               "description": "feriepenger", "benefit": "kontantytelse", "amount": a} for m, a in holiday.items()]
    ledger = [post("5420", m, 4_000_00) for m in months] + [post("2940", "2026-06", 29_000_00)]
    rows = folder.payments(inputs("2026-06", aga=aga, income=income, ledger=ledger, amelding=set(months),
                                  ledger_periods=set(months)), Settings())
    by_field = {r.field: r for r in rows}
    pension = by_field["aga basis: pension premium"]
    assert (pension.payroll, pension.ledger, pension.status) == (2 * 4_000_00, 2 * 4_000_00, "equal")
    paid = by_field["aga basis: holiday pay"]
    assert (paid.payroll, paid.ledger, paid.difference) == (holiday["2026-06"], 29_000_00, 29_000_00 - 30_000_00)


def _term_with_a_tax_account(set_aside: list[int]) -> Inputs:
    """September and October withheld and booked on 2600; ``set_aside`` moved to 1950 each month."""
    withheld = [{"period": m, "side": "payroll", "national_id": YOUNG, "amount": a}
                for m, a in (("2026-09", 10_000_00), ("2026-10", 12_000_00))]
    ledger = [post("2600", "2026-09", -10_000_00), post("2600", "2026-10", -12_000_00)]
    ledger += [post("1950", m, a) for m, a in zip(("2026-09", "2026-10"), set_aside, strict=True)]
    return inputs("2026-10", withholding=withheld, ledger=ledger, amelding={"2026-09", "2026-10"},
                  ledger_periods={"2026-09", "2026-10"})


def test_the_liability_at_term_end_and_the_tax_deduction_account_covering_it() -> None:
    rows = {r.field: r for r in amounts.withholding(_term_with_a_tax_account([10_000_00, 12_000_00]), Settings())}
    term_end = rows["liability at term end"]
    assert (term_end.key, term_end.payroll, term_end.ledger, term_end.status) == (
        "2026-T5", 22_000_00, 22_000_00, "equal")
    covered = rows["tax-deduction account covers the liability"]
    assert (covered.payroll, covered.ledger, covered.difference, covered.status) == (
        22_000_00, 22_000_00, 0, "equal")


def test_a_tax_deduction_account_short_of_the_liability_is_a_difference_unless_there_is_a_guarantee() -> None:
    short = 2_500_00
    data = _term_with_a_tax_account([10_000_00, 12_000_00 - short])
    covered = next(r for r in amounts.withholding(data, Settings())
                   if r.field == "tax-deduction account covers the liability")
    assert (covered.ledger, covered.difference, covered.status) == (22_000_00 - short, -short, "differs")
    # More than the liability set aside is no difference.
    more = next(r for r in amounts.withholding(_term_with_a_tax_account([10_000_00, 13_000_00]), Settings())
                if r.field == "tax-deduction account covers the liability")
    assert (more.difference, more.status) == (0, "equal")
    guaranteed = [r for r in amounts.withholding(data, Settings(bank_guarantee=True)) if r.key == "2026-10"
                  and "tax-deduction account" in r.field]
    assert [(r.field, r.payroll, r.status) for r in guaranteed] == [
        ("bank guarantee instead of a tax-deduction account", 22_000_00, "info")]
