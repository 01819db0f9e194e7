"""The demo's ledgers carry planted faults for the reconciliation folder's checks, and
the checks find each on its client (what is asserted is computed from the planted
faults, ``DemoSummary.folder_faults``)."""

from __future__ import annotations

from datetime import timedelta

from byraa.core.agency.identity import resolve
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
