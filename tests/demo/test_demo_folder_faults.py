"""The demo's ledgers carry planted faults for the reconciliation folder's checks, and
the checks find each on its client (what is asserted is computed from the planted
faults, ``DemoSummary.folder_faults``)."""

from __future__ import annotations

from datetime import timedelta

from byraa.core.agency.identity import resolve
from byraa.core.base import periods
from byraa.core.clients import deadlines
from byraa.core.reconcile import runs


def test_the_late_withholding_payment_is_found_on_its_client(demo60) -> None:  # noqa: ANN001
    store, summary = demo60
    who = resolve(store, "tester")
    late = [f for f in summary.folder_faults if f.problem == "late_withholding"]
    assert len(late) == 1
    fault = late[0]
    due = deadlines.term_payment_deadline(fault.period).due
    paid = due + timedelta(days=fault.days_late)
    rows = runs.compute(store, who, fault.org_number, fault.period, checks=["payments"])
    differences = {r.field for r in rows if r.is_difference}
    assert f"withholding paid {paid.isoformat()}, {fault.days_late} days late" in differences
    assert f"withholding paid by {due.isoformat()}" in differences
    assert not any(f.startswith("aga paid") for f in differences)


def test_the_leavers_advance_left_open_is_found_on_its_client(demo60) -> None:  # noqa: ANN001
    store, summary = demo60
    who = resolve(store, "tester")
    leaver = [f for f in summary.folder_faults if f.problem == "leaver_advance"]
    assert len(leaver) == 1
    fault = leaver[0]
    rows = runs.compute(store, who, fault.org_number, fault.period, checks=["open_items"])
    found = {(r.key, r.field): r.ledger for r in rows if r.is_difference}
    assert found[(f"1570 {fault.party}", "employee balance")] == fault.amount
    assert found[("1570", "balance at period end")] == fault.amount


def _rows(store, org: str, period: str, checks: list[str]) -> list:  # noqa: ANN001
    return runs.compute(store, resolve(store, "tester"), org, period, checks=checks)


def _clients_with(summary, kind: str, fault: str) -> tuple[str, list[str]]:  # noqa: ANN001
    """(the faulted client, the clean clients) that have ``kind``."""
    faulted = {f.org_number for f in summary.folder_faults if f.problem == fault}
    assert len(faulted) == 1
    org = faulted.pop()
    having = [other for other, kinds in summary.folder_accounts.items() if kind in kinds]
    assert org in having
    return org, [other for other in having if other != org]


def test_the_unpaid_garnishment_is_found_on_its_client_and_clean_clients_balance(demo60) -> None:  # noqa: ANN001
    store, summary = demo60
    fault = next(f for f in summary.folder_faults if f.problem == "unpaid_garnishment")
    org, clean = _clients_with(summary, "garnishment", "unpaid_garnishment")
    assert fault.org_number == org and fault.amount > 0
    rows = _rows(store, org, fault.period, ["garnishment"])
    term = {r.field: r for r in rows if r.key != fault.period}
    unpaid = term["paid in the next term"]
    assert (unpaid.status, unpaid.payroll, unpaid.ledger, unpaid.difference) == (
        "differs", fault.amount, 0, -fault.amount)
    month = next(r for r in rows if r.field == "withheld vs booked")
    assert month.status == "equal" and 0 < month.payroll <= fault.amount
    assert len(clean) >= 2
    for other in clean:
        rows = _rows(store, other, fault.period, ["garnishment"])
        assert rows and not [r for r in rows if r.is_difference], other
        assert any(r.field == "paid in the next term" and r.payroll > 0 for r in rows), other


def test_the_pension_invoice_differing_from_the_provision_is_found_and_clean_clients_balance(demo60) -> None:  # noqa: ANN001
    store, summary = demo60
    fault = next(f for f in summary.folder_faults if f.problem == "pension_invoice")
    org, clean = _clients_with(summary, "pension", "pension_invoice")
    rows = {r.field: r for r in _rows(store, org, fault.period, ["pension"]) if not r.field.startswith("posting")}
    provided = rows["employer's share: provided vs booked"]
    deducted = rows["employee's share: deducted vs booked"]
    assert provided.status == deducted.status == "equal" and provided.payroll > 0 and deducted.payroll > 0
    invoiced = rows["invoiced vs provided"]
    assert invoiced.status == "info"
    assert invoiced.payroll == provided.payroll + deducted.payroll
    assert invoiced.ledger - invoiced.payroll == fault.amount
    moved = rows["difference moved to settlement account"]
    assert (moved.status, moved.payroll, moved.ledger) == ("differs", fault.amount, 0)
    # The premium is in the term's contribution basis, as the ledger expensed it.
    payments = {r.field: r for r in _rows(store, org, fault.period, ["payments"])}
    assert payments["aga basis: pension premium"].status == "equal"
    assert payments["aga basis: pension premium"].payroll == provided.payroll
    assert len(clean) >= 2
    for other in clean:
        rows = _rows(store, other, fault.period, ["pension", "payments"])
        assert not [r for r in rows if r.is_difference], other
        moved = next(r for r in rows if r.field == "difference moved to settlement account")
        assert moved.payroll != 0 and moved.ledger == moved.payroll


def test_the_over_60_extra_accrued_past_6g_is_found_by_both_holiday_pay_checks(demo60) -> None:  # noqa: ANN001
    """The planted client's payroll system accrues the over-60 extra on the whole basis:
    the ledger's liability holds 2.3 % of the basis above 6 G too much, in both checks."""
    from decimal import ROUND_HALF_UP, Decimal

    from byraa.core.reconcile.checks.holiday_rules import OVER_60_RATE, six_g

    def r(x: Decimal) -> int:
        return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    store, summary = demo60
    fault = next(f for f in summary.folder_faults if f.problem == "over_60")
    cap = six_g(int(fault.period[:4]))
    assert fault.amount > cap  # the year's basis to the closed month passes 6 G
    extra = r(Decimal(cap) * OVER_60_RATE / 100)
    too_much = r(Decimal(fault.amount) * OVER_60_RATE / 100) - extra
    rows = _rows(store, fault.org_number, fault.period, ["holiday_pay", "holiday_pay_year"])
    info = [r for r in rows if r.check == "holiday_pay_year" and r.field.startswith("over 60")]
    assert [(r.national_id, r.payroll) for r in info] == [(fault.party, extra)]
    year = next(r for r in rows if r.check == "holiday_pay_year" and r.status != "info")
    month = next(r for r in rows if r.check == "holiday_pay" and r.field == "liability")
    # Both compare with the balance of 2940 and reckon the same accrual.
    assert (month.payroll, month.ledger) == (year.payroll, year.ledger)
    assert (year.status, year.difference) == ("differs", too_much)
    assert month.status == "differs"


def test_sick_pay_claimed_from_nav_balances_on_the_clients_that_claim_it(demo60) -> None:  # noqa: ANN001
    """Three of the folder clients claim sick pay back from NAV for two months of the
    first half year; the journal's claims equal the refunds taken to income, NAV's
    payments clear the receivable, and nothing stays open."""
    store, summary = demo60
    having = [org for org, kinds in summary.folder_accounts.items() if "nav_refunds" in kinds]
    assert len(having) == 3
    for org in having:
        claimed: dict[str, int] = {}
        for month in range(1, 10):
            period = f"2026-{month:02d}"
            rows = _rows(store, org, period, ["nav_refunds"])
            assert not [r for r in rows if r.is_difference], (org, period, rows)
            claims = next((r for r in rows if r.field == "claims vs refunds taken to income"), None)
            if claims is not None and claims.payroll:
                assert claims.ledger == claims.payroll
                claimed[period] = claims.payroll
        assert len(claimed) == 2, (org, claimed)
        later = _rows(store, org, "2026-09", ["nav_refunds"])
        receivable = next(r for r in later if r.field == "receivable at period end")
        received = next(r for r in later if r.field == "received from NAV")
        assert (receivable.payroll, receivable.ledger) == (0, 0)
        assert received.ledger == sum(claimed.values())


def _benefits_per_month(store, org: str, description: str) -> dict[str, int]:  # noqa: ANN001
    """period -> the benefit in kind ``description`` reported in the client's a-meldinger."""
    from sqlmodel import select

    from byraa.core.store.models import Client
    from byraa.core.store.models_reconcile import ReconIncome

    with store.session() as session:
        rows = session.execute(select(ReconIncome.period, ReconIncome.amount).join(
            Client, Client.id == ReconIncome.client_id).where(
            Client.org_number == org, ReconIncome.side == "payroll", ReconIncome.benefit == "naturalytelse",
            ReconIncome.description == description)).all()
    out: dict[str, int] = {}
    for period, amount in rows:
        out[period] = out.get(period, 0) + amount
    return out


def test_benefits_in_kind_are_reported_and_booked_alike_on_the_clients_that_give_them(demo60) -> None:  # noqa: ANN001
    """Five folder clients give phones, three a company car: every month the a-meldinger's
    benefits in kind equal the 52xx accounts and the 5290 counter-entry, and the year to
    date is the months added up."""
    store, summary = demo60
    having = [org for org, kinds in summary.folder_accounts.items() if "benefits" in kinds]
    assert len(having) == 5
    cars = 0
    for org in having:
        monthly = 0
        for month in range(1, 11):
            period = f"2026-{month:02d}"
            rows = _rows(store, org, period, ["benefits"])
            assert not [r for r in rows if r.is_difference], (org, period, rows)
            by_field = {(r.key, r.field): r for r in rows}
            this = by_field[(period, "benefits in kind")]
            assert this.payroll > 0 and this.ledger == this.payroll
            assert by_field[(period, "benefits in kind: counter-account")].ledger == this.payroll
            monthly += this.payroll
            assert by_field[("2026 hittil", "benefits in kind")].payroll == monthly
        phones = _benefits_per_month(store, org, "elektroniskKommunikasjon")
        assert phones and all(amount % 366_00 == 0 for amount in phones.values())
        cars += bool(_benefits_per_month(store, org, "bil"))
    assert cars == 3


def test_an_employee_loan_is_paid_back_from_pay_and_taxed_on_the_interest_benefit(demo60) -> None:  # noqa: ANN001
    """Two clients lent an employee money interest free: the loan's balance on 1380 (per
    employee) falls by one instalment a month, and each month's interest benefit in the
    a-melding is the normrente on the balance the month started with."""
    from byraa.demo.folder_benefits import NORMRENTE_PCT

    store, summary = demo60
    borrowers = 0
    for org in summary.folder_accounts:
        interest = _benefits_per_month(store, org, "rentefordelLaan")
        if not interest:
            continue
        borrowers += 1
        balances: dict[str, int] = {}
        for month in range(1, 11):
            period = f"2026-{month:02d}"
            rows = _rows(store, org, period, ["open_items"])
            per_employee = [r for r in rows if r.key.startswith("1380 ") and r.field == "employee balance"]
            assert len(per_employee) <= 1
            if per_employee:
                balances[period] = per_employee[0].ledger
        first = min(balances)
        assert min(interest) == periods.shift(first, 1)
        steps = {balances[periods.shift(p, -1)] - balances[p] for p in balances if p != first}
        assert len(steps) == 1 and steps.pop() > 0
        for period, amount in interest.items():
            start = balances[periods.shift(period, -1)]
            assert amount == round(start * NORMRENTE_PCT / 100 / 12 / 100) * 100, (org, period)
    assert borrowers == 2


def test_withheld_tax_is_set_aside_on_the_tax_deduction_account_or_covered_by_a_guarantee(demo60) -> None:  # noqa: ANN001
    """Most clients move the withheld tax to 1950 on each pay day and pay the term from it;
    about one in seven has a bank guarantee instead (a client setting the check reads)."""
    from sqlmodel import select

    from byraa.core.store.models import Client
    from byraa.core.store.models_reconcile import ReconSetting

    store, summary = demo60
    with store.session() as session:
        guaranteed = set(session.execute(select(Client.org_number).join(
            ReconSetting, ReconSetting.client_id == Client.id).where(
            ReconSetting.key == "bank_guarantee", ReconSetting.value == "yes")).scalars())
    assert 3 <= len(guaranteed) <= 20
    late = {f.org_number for f in summary.folder_faults if f.problem == "late_withholding"}
    for org in sorted(guaranteed)[:2] + sorted(set(summary.folder_accounts) - guaranteed - late)[:2]:
        rows = {r.field: r for r in _rows(store, org, "2026-10", ["withholding"])}
        term_end = rows["liability at term end"]
        assert term_end.status == "equal" and term_end.ledger > 0
        if org in guaranteed:
            assert rows["bank guarantee instead of a tax-deduction account"].status == "info"
        else:
            covered = rows["tax-deduction account covers the liability"]
            assert (covered.status, covered.ledger) == ("equal", term_end.ledger)
