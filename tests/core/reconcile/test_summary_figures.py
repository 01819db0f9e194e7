"""The run summary's headline figures: per check and source, from the scenario's own numbers."""

from __future__ import annotations

from pathlib import Path

from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile import summary
from byraa.core.reconcile.checks import CHECKS
from byraa.core.reconcile.summary import NOT_APPLICABLE
from tests.builders import org
from tests.data.reconcile import scenario


def _ledger(account: str, period: str, *, kind: str = "posting") -> list[int]:
    """The scenario ledger's amounts (øre) on ``account`` in ``period``, parsed here, not by byraa."""
    out = []
    for line in scenario.LEDGER.splitlines()[1:]:
        acc, per, amount, k, *_rest = line.split(";")
        if acc == account and per == period and k == kind:
            kroner, _, ore = amount.replace("-", "").partition(",")
            out.append((-1 if amount.startswith("-") else 1) * (int(kroner) * 100 + int(ore or 0)))
    return out


def _figures(store, tmp_path: Path, period: str) -> dict[str, summary.CheckFigures]:  # noqa: ANN001
    small = scenario.build(store, tmp_path)
    rows = reconcile.compute(store, small.who(), org(1), period)
    return {f.check: f for f in summary.check_figures(CHECKS, rows)}, rows


def test_each_check_shows_its_own_figures(store, tmp_path: Path) -> None:
    figures, rows = _figures(store, tmp_path, scenario.PERIOD)
    october = scenario.PERIOD
    # Withholding for the month: payroll's a-melding (12 000 + 10 000), A07 (12 000 + 9 000),
    # the ledger's credit on 2600 in October.
    withholding = figures["withholding"]
    assert (withholding.payroll, withholding.a07, withholding.ledger) == (
        12_000_00 + 10_000_00, 12_000_00 + 9_000_00, -sum(a for a in _ledger("2600", october) if a < 0))
    # Not a column sum over the check's unlike rows (month, payroll runs, term, payment).
    unlike = [r for r in rows if r.check == "withholding"]
    assert len(unlike) > 1 and withholding.a07 != sum(r.a07 for r in unlike if isinstance(r.a07, int))
    # Employer's contribution: the amount only (85 000 × 14.1 %), A07 0.50 above, 2770 credited.
    aga = figures["aga"]
    assert (aga.payroll, aga.a07, aga.ledger) == (
        85_000_00 * 141 // 1000, 85_000_00 * 141 // 1000 + 50, -sum(_ledger("2770", october)))
    # Income: the month's pay per side (A07 has a 500.00 bonus more); no ledger side.
    assert (figures["income"].payroll, figures["income"].a07, figures["income"].ledger) == (
        45_000_00 + 40_000_00, 45_000_00 + 40_000_00 + 500_00, NOT_APPLICABLE)
    # Holiday pay: the liability at the month's end, expected and booked (2940 opening + postings).
    liability = -(sum(_ledger("2940", "2026-01", kind="opening")) + sum(_ledger("2940", "2026-09"))
                  + sum(_ledger("2940", october)))
    holiday = figures["holiday_pay"]
    assert (holiday.payroll, holiday.a07, holiday.ledger) == (liability, NOT_APPLICABLE, liability)
    # Clearing: 2930's balance, on the ledger side only.
    clearing = figures["clearing"]
    assert (clearing.payroll, clearing.a07, clearing.ledger) == (
        NOT_APPLICABLE, NOT_APPLICABLE, sum(_ledger("2930", october)))
    employments = figures["employments"]
    assert (employments.payroll, employments.a07, employments.ledger) == (NOT_APPLICABLE,) * 3
    assert employments.differences == sum(1 for r in rows if r.check == "employments" and r.is_difference)


def test_a_source_not_imported_is_missing_not_zero(store, tmp_path: Path) -> None:
    # November: no a-melding and no A07 imported; the ledger covers the month (only a payment).
    figures, rows = _figures(store, tmp_path, "2026-11")
    withholding = figures["withholding"]
    assert (withholding.payroll, withholding.a07) == (None, None)
    assert withholding.ledger == -sum(a for a in _ledger("2600", "2026-11") if a < 0) == 0
    # The payroll runs row carries the runs' own withholding in the payroll column.
    runs = next(r for r in rows if r.field == "payroll runs vs a-melding")
    assert (runs.payroll, runs.a07, runs.status) == (50_000_00 // 3, None, "missing")
    assert (figures["aga"].payroll, figures["aga"].a07, figures["aga"].ledger) == (None, None, None)
    assert (figures["income"].payroll, figures["income"].a07) == (None, None)
