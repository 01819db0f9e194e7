"""Checks 2–6 on the hand-built scenario: every known difference found, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile.checks import amounts
from tests.builders import nid, org
from tests.data.reconcile import scenario


@pytest.fixture
def results(store, tmp_path: Path):  # noqa: ANN201
    small = scenario.build(store, tmp_path)
    rows = reconcile.compute(store, small.who(), org(1), scenario.PERIOD,
                             checks=["income", "withholding", "aga", "holiday_pay", "clearing"])
    return {(r.check, r.national_id or r.key, r.field): r for r in rows}


def test_income_per_employee(results) -> None:  # noqa: ANN001
    income = {k: r for k, r in results.items() if k[0] == "income"}
    assert {(k[1], k[2], r.status) for k, r in income.items()} == {
        (nid(2), "fastloenn", "equal"), (nid(3), "fastloenn", "equal"), (nid(3), "bonus", "only_a07")}
    assert income[("income", nid(3), "bonus")].difference == 50000


def test_withholding_month_term_runs_and_payment(results) -> None:  # noqa: ANN001
    month = results[("withholding", "2026-10", "withholding")]
    assert (month.payroll, month.a07, month.ledger, month.difference, month.status) == (
        2200000, 2100000, 2200000, -100000, "differs")
    term = results[("withholding", "2026-T5", "withholding (term)")]
    assert (term.payroll, term.a07, term.ledger, term.status) == (4400000, 4300000, 4400000, "differs")
    paid = results[("withholding", "2026-T5", "paid in 2026-11")]
    assert (paid.ledger, paid.status) == (4400000, "equal")
    runs = results[("withholding", "2026-10", "payroll runs vs a-melding")]
    # The payroll runs' figure is in the payroll column, the a-melding's in the A07 column.
    assert (runs.payroll, runs.a07, runs.ledger) == (100_000_00 // 3, month.payroll, None)
    assert runs.difference == month.payroll - 100_000_00 // 3 and runs.status == "differs"


def test_aga_within_rounding_tolerance(results) -> None:  # noqa: ANN001
    zone = results[("aga", f"{org(11)} zone 1", "amount")]
    assert (zone.payroll, zone.a07, zone.difference, zone.status) == (1198500, 1198550, 50, "equal")
    assert results[("aga", f"{org(11)} zone 1", "basis")].status == "equal"
    total = results[("aga", "total", "amount")]
    assert (total.ledger, total.status) == (1198500, "equal")
    assert results[("aga", "total", "expense")].status == "equal"


def test_aga_tolerance_is_configurable(store, tmp_path: Path) -> None:
    small = scenario.build(store, tmp_path)
    rows = reconcile.compute(store, small.who(), org(1), scenario.PERIOD, checks=["aga"], tolerances={"aga": 0})
    assert [r.status for r in rows if r.field == "amount" and r.key != "total"] == ["differs"]


def test_holiday_pay_and_its_aga(results) -> None:  # noqa: ANN001
    accrued = results[("holiday_pay", "2026-10", "accrued (year to date)")]
    assert (accrued.payroll, accrued.ledger, accrued.status) == (1734000, 1734000, "equal")
    liability = results[("holiday_pay", "2026-10", "liability")]
    assert (liability.payroll, liability.ledger, liability.status) == (6734000, 6734000, "equal")
    aga = results[("holiday_pay", "2026-10", "aga on holiday pay accrued")]
    assert (aga.payroll, aga.ledger, aga.difference, aga.status) == (244494, 244400, -94, "differs")
    assert results[("holiday_pay", "2026-10", "aga on holiday pay liability")].status == "equal"


def test_clearing_account_zero_with_postings_listed(results) -> None:  # noqa: ANN001
    balance = results[("clearing", "2930", "balance at period end")]
    assert (balance.ledger, balance.status) == (0, "equal")
    postings = [r for k, r in results.items() if k[0] == "clearing" and r.status == "info"]
    assert sorted(r.ledger for r in postings) == [-6600000, 6600000]


def test_clearing_balance_left_and_missing_ledger(store, tmp_path: Path) -> None:
    small = scenario.build(store, tmp_path)
    extra = tmp_path / "gl.csv"
    extra.write_text(scenario.LEDGER + "2930;2026-10;-125,50;posting;2026-10-31;L11;rest\n", encoding="utf-8")
    from byraa.core.importers.ledger import import_ledger

    import_ledger(store, small.who(), extra, client=org(1))
    rows = reconcile.compute(store, small.who(), org(1), "2026-10", checks=["clearing"])
    assert (rows[0].ledger, rows[0].difference, rows[0].status) == (-12550, -12550, "differs")
    assert len([r for r in rows if r.status == "info"]) == 3
    rows = reconcile.compute(store, small.who(), org(1), "2026-12", checks=["clearing", "holiday_pay"])
    assert [r.status for r in rows] == ["missing"] * 5  # clearing, and holiday pay without December's ledger


def test_terms() -> None:
    assert amounts.term_of("2026-10") == ("2026-T5", ["2026-09", "2026-10"])
    assert amounts.term_of("2026-01") == ("2026-T1", ["2026-01", "2026-02"])
    assert amounts.term_of("2026-12") == ("2026-T6", ["2026-11", "2026-12"])


def test_income_without_the_months_a_melding_is_one_missing_row(store, tmp_path: Path) -> None:
    from sqlalchemy import update

    from byraa.core.store.models_reconcile import ReconSource

    small = scenario.build(store, tmp_path)
    with store.session() as s:
        s.execute(update(ReconSource).where(ReconSource.kind == "amelding", ReconSource.period == scenario.PERIOD)
                  .values(active=False))
    rows = reconcile.compute(store, small.who(), org(1), scenario.PERIOD, checks=["income"])
    assert [(r.key, r.status, r.payroll) for r in rows] == [("total", "missing", None)]
    assert rows[0].a07 > 0
