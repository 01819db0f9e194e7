"""Check 1: employments vs A07 with both matching methods of seed 000."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile.checks import employments as check
from tests.builders import nid, org
from tests.data.reconcile import scenario

BASE = dict(client_id=1, national_id="01819000391", sub_unit="310000124", employment_ref="1",
            employment_type="ordinaertArbeidsforhold", start_date=date(2020, 1, 1), end_date=None,
            occupation_code="5223102", position_pct=100.0, hours_full_week=37.5, leave="")
CHANGES = {
    "start_date": date(2021, 3, 1),
    "end_date": date(2026, 10, 31),
    "occupation_code": "2512101",
    "position_pct": 60.0,
    "hours_full_week": 35.5,
    "employment_type": "maritimtArbeidsforhold",
    "leave": "2026-10-05–… 20 % utdanningspermisjon",
    "sub_unit": "310000132",
}
KEY_FIELDS = {"start_date", "occupation_code", "sub_unit"}


def _pair(field: str | None = None) -> tuple:
    payroll = check.frame([{**BASE, "ref": 1}])
    theirs = {**BASE, "ref": 101}
    if field:
        theirs[field] = CHANGES[field]
    return payroll, check.frame([theirs])


@pytest.mark.parametrize("method", ["simple", "standard"])
def test_equal_pair(method: str) -> None:
    rows = check.rows(*_pair(), method)
    assert [(r.status, r.payroll_ref, r.a07_ref) for r in rows] == [("equal", 1, 101)]


@pytest.mark.parametrize("method", ["simple", "standard"])
@pytest.mark.parametrize("field", list(CHANGES))
def test_one_field_differs(method: str, field: str) -> None:
    rows = check.rows(*_pair(field), method)
    if method == "standard" and field in KEY_FIELDS:
        # part of the standard key: no pair, one on each side
        assert sorted(r.status for r in rows) == ["only_a07", "only_payroll"]
        return
    if method == "standard" and field == "sub_unit":  # pragma: no cover  (covered above)
        return
    assert [(r.status, r.field) for r in rows] == [("differs", field)]
    r = rows[0]
    shown = CHANGES[field].isoformat() if isinstance(CHANGES[field], date) else CHANGES[field]
    assert r.a07 == shown and r.payroll == (None if field in ("end_date", "leave") else
                                             (BASE[field].isoformat() if isinstance(BASE[field], date) else BASE[field]))
    assert (r.payroll_ref, r.a07_ref, r.national_id) == (1, 101, BASE["national_id"])


@pytest.mark.parametrize("method", ["simple", "standard"])
def test_only_on_one_side(method: str) -> None:
    payroll = check.frame([{**BASE, "ref": 1}])
    other = check.frame([{**BASE, "ref": 102, "national_id": "01819000472"}])
    rows = check.rows(payroll, other, method)
    assert sorted((r.status, r.national_id) for r in rows) == [
        ("only_a07", "01819000472"), ("only_payroll", BASE["national_id"])]
    assert all(r.is_difference for r in rows)
    assert check.rows(payroll, check.frame([]), method)[0].status == "only_payroll"
    assert check.rows(check.frame([]), other, method)[0].status == "only_a07"


def test_simple_pairs_several_employments_in_start_order() -> None:
    payroll = check.frame([{**BASE, "ref": 2, "employment_ref": "2", "start_date": date(2024, 1, 1)},
                           {**BASE, "ref": 1}])
    theirs = check.frame([{**BASE, "ref": 11}, {**BASE, "ref": 12, "employment_ref": "2",
                                                  "start_date": date(2024, 1, 1), "position_pct": 50.0}])
    rows = check.rows(payroll, theirs, "simple")
    assert [(r.status, r.field, r.payroll_ref, r.a07_ref) for r in rows] == [
        ("differs", "position_pct", 2, 12), ("equal", "", 1, 11)]


def test_missing_position_counts_as_zero() -> None:
    payroll = check.frame([{**BASE, "ref": 1, "employment_type": "frilanserOppdragstakerHonorarPersonerMm",
                            "position_pct": 0.0, "hours_full_week": 0.0}])
    theirs = check.frame([{**BASE, "ref": 2, "employment_type": "frilanserOppdragstakerHonorarPersonerMm",
                           "position_pct": None, "hours_full_week": None}])
    assert check.rows(payroll, theirs)[0].status == "equal"


def test_leave_text_only_for_the_month() -> None:
    leaves = [(date(2026, 10, 5), None, 20.0, "utdanningspermisjon"), (date(2025, 1, 1), date(2025, 2, 1), 100.0, "x")]
    assert check.leave_text(leaves, date(2026, 10, 1), date(2026, 10, 31)) == "2026-10-05–… 20 % utdanningspermisjon"


def test_scenario_both_methods_from_the_store(store, tmp_path: Path) -> None:
    small = scenario.build(store, tmp_path)
    simple = reconcile.compute(store, small.who(), org(1), scenario.PERIOD, checks=["employments"], method="simple")
    assert sorted((r.national_id, r.status, r.field) for r in simple) == sorted([
        (nid(2), "differs", "position_pct"), (nid(2), "differs", "leave"), (nid(3), "differs", "start_date"),
        (nid(4), "only_a07", ""), (nid(41), "only_payroll", "")])
    standard = reconcile.compute(store, small.who(), org(1), scenario.PERIOD, checks=["employments"])
    assert sorted((r.national_id, r.status, r.field) for r in standard) == sorted([
        (nid(2), "differs", "position_pct"), (nid(2), "differs", "leave"), (nid(3), "only_payroll", ""),
        (nid(3), "only_a07", ""), (nid(4), "only_a07", ""), (nid(41), "only_payroll", "")])
    leave = next(r for r in simple if r.field == "leave")
    assert leave.payroll is None and leave.a07 == "2026-10-05–… 20 % utdanningspermisjon"
