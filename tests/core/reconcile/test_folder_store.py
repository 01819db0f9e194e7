"""Pension, NAV refunds and open items through the store (SQLite and PostgreSQL): an
a-melding with a pension deduction, two payroll journals and a SAF-T file with sub-ledger
ids and an analysis dimension, imported as a user would (``tests.data.reconcile.folder``);
expected figures from the fixture's own lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile import summary
from byraa.core.reconcile.checks import CHECKS
from byraa.core.store.models_reconcile import ReconDeduction, ReconLedger
from tests.builders import nid, org
from tests.data.reconcile.folder import CLAIMS, MEMBER, PAID_BY_NAV, PROVISION, build


def test_the_folder_checks_read_what_was_imported(store, tmp_path: Path) -> None:
    small, who = build(store, tmp_path)
    with store.session() as s:
        parties = {(r.account, r.party, r.dimension) for r in s.scalars(select(ReconLedger).where(
            ReconLedger.account.in_(["1570", "1571"]), ReconLedger.kind == "posting"))}
        assert parties == {("1570", "E7", None), ("1571", None, "A:E8")}
        assert sorted(s.scalars(select(ReconDeduction.amount))) == sorted(
            int(float(m) * 100) for m in MEMBER.values())
    rows = reconcile.compute(store, who, org(1), "2026-10", checks=["pension", "nav_refunds", "open_items"])
    f = {(r.check, r.key, r.field): r for r in rows}

    provided = sum(PROVISION.values())
    member = sum(int(float(m) * 100) for m in MEMBER.values())
    employer = f[("pension", "2026-T5", "employer's share: provided vs booked")]
    assert (employer.payroll, employer.ledger, employer.status) == (provided, provided, "equal")
    share = f[("pension", "2026-T5", "employee's share: deducted vs booked")]
    assert (share.payroll, share.ledger, share.status) == (member, member, "equal")
    invoiced = 17_000_00 + 2_100_00
    moved = f[("pension", "2026-T5", "difference moved to settlement account")]
    assert (moved.payroll, moved.ledger, moved.status) == (invoiced - provided - member, 500_00, "equal")

    month = f[("nav_refunds", "2026-10", "claims vs refunds taken to income")]
    assert (month.payroll, month.ledger, month.status) == (0, 0, "equal")
    receivable = f[("nav_refunds", "2026-10", "receivable at period end")]
    left = sum(CLAIMS.values()) - PAID_BY_NAV
    assert (receivable.payroll, receivable.ledger, receivable.status) == (left, left, "equal")
    days = (date(2026, 10, 31) - date(2026, 6, 30)).days
    open_claim = f[("nav_refunds", "2026-06", f"claim open {days} days")]
    assert (open_claim.national_id, open_claim.payroll) == (nid(3), CLAIMS["2026-06"] - PAID_BY_NAV)
    assert not any(r.field.startswith("claim open") for r in rows if r.key == "2026-09")  # 31 days: not yet

    e7 = 4_000_00 + 1_000_00 - 1_500_00
    assert f[("open_items", "1570", "balance at period end")].ledger == e7
    # E7's repayment settles the July advance first: 2 500.00 of it left, over 90 days old.
    assert f[("open_items", "1570 E7", "over 90 days")].ledger == 4_000_00 - 1_500_00
    assert f[("open_items", "1570 E7", "31-90 days")].ledger == 1_000_00
    assert f[("open_items", "1571 A:E8", "0-30 days")].ledger == 800_00

    figures = {x.check: x for x in summary.check_figures(CHECKS, rows)}
    assert (figures["pension"].payroll, figures["pension"].ledger) == (provided, provided)
    assert (figures["nav_refunds"].payroll, figures["nav_refunds"].ledger) == (left, left)
    assert figures["open_items"].ledger == e7 + 800_00
    assert figures["open_items"].differences == sum(
        1 for r in rows if r.check == "open_items" and r.is_difference)


def test_a_year_end_run_closes_the_pension_accounts(store, tmp_path: Path) -> None:
    from tests.data.reconcile.folder import DECEMBER, build_year

    small, who = build_year(store, tmp_path)
    rows = reconcile.compute(store, who, org(1), "2026-12", checks=["pension", "year_end"])
    f = {(r.key, r.field): r for r in rows}
    december = {v: lines for v, _, lines in DECEMBER}
    invoiced = december["SPK6"][0][1]
    provided = december["L12"][0][1]
    moved = f[("2026-T6", "difference moved to settlement account")]
    # The year's difference taken to the result (2820 against 5420) is not the term's transfer.
    assert (moved.payroll, moved.ledger, moved.status) == (invoiced - provided, december["TR6"][0][1], "equal")
    for account in ("2630", "2810", "2820"):
        assert f[(account, "balance at year end")].status == "equal", account
    wages = f[("lønn", "year total (5000)")]
    assert (wages.payroll, wages.ledger, wages.status) == (12 * 45_000_00, december["W12"][0][1], "equal")
