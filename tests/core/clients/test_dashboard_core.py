"""Dashboard figures on a hand-built agency with known numbers."""

from __future__ import annotations

from datetime import date

from byraa.core.clients import dashboard, deadlines
from tests.builders import small_agency


def _figures(board) -> dict:
    return {f.key: f for f in board.figures}


def test_manager_sees_all_clients(store) -> None:
    small = small_agency(store)
    board = dashboard.build(store, small.who(), "2026-11")
    f = _figures(board)
    assert board.scope == "all" and len(board.months) == 12 and board.months[-1] == "2026-11"
    assert f["payroll_clients"].value == 3 and f["payroll_clients"].previous == 3
    assert f["active_employees"].value == 3 and f["active_employees"].previous == 6
    assert f["payslips"].value == 3 and f["payslips"].previous == 6
    assert f["total_pay"].value == 3 * 50_000_00 and f["total_pay"].previous == 3 * 100_000_00
    assert f["travel_expenses"].value == 9 and f["absences"].value == 3
    # B had one manual payslip in each month: November 1 of 3 manual, October 1 of 6.
    assert round(f["automation"].value, 1) == 66.7 and round(f["automation"].previous, 1) == 83.3
    assert f["amelding_rejected"].previous == 2 and f["amelding_rejected"].value == 0
    assert f["payslips"].trend[:10] == (0,) * 10


def test_clerk_sees_only_own_clients(store) -> None:
    small = small_agency(store)
    board = dashboard.build(store, small.who("clerk"), "2026-11", scope="all")
    assert board.scope == "mine"
    f = _figures(board)
    assert f["payroll_clients"].value == 1 and f["total_pay"].value == 50_000_00
    kinds = [(a.kind, a.client_name) for a in board.attention]
    assert ("amelding_rejected", "Bakeri Beta AS") in kinds
    assert all(name != "Cafe Gamma AS" for _, name in kinds)


def test_attention_list(store) -> None:
    small = small_agency(store)
    board = dashboard.build(store, small.who(), "2026-11")
    kinds = [(a.kind, a.client_name) for a in board.attention]
    # C's rejection was followed by an accepted resubmission: only B remains.
    assert ("amelding_rejected", "Bakeri Beta AS") in kinds
    assert ("amelding_rejected", "Cafe Gamma AS") not in kinds
    assert ("no_responsible", "Cafe Gamma AS") in kinds
    deadline = next(a for a in board.attention if a.kind == "amelding_deadline")
    assert deadline.due == date(2026, 12, 7)  # 5 Dec 2026 is a Saturday
    assert deadline.count == 3


def test_manager_toggle_to_mine(store) -> None:
    small = small_agency(store)
    board = dashboard.build(store, small.who(), "2026-11", scope="mine")
    assert _figures(board)["payroll_clients"].value == 1


def test_deadlines_move_past_weekends_and_holidays() -> None:
    assert deadlines.amelding_deadline("2026-11").due == date(2026, 12, 7)
    assert deadlines.amelding_deadline("2026-03").due == date(2026, 4, 7)  # 5 Apr 2026 is Easter Sunday, 6th Easter Monday
    assert deadlines.amelding_deadline("2026-12").due == date(2027, 1, 5)
    assert deadlines.term_payment_deadline("2026-11").due == date(2027, 1, 15)
    assert deadlines.term_payment_deadline("2026-03").due == date(2026, 5, 15)
    assert deadlines.term_payment_deadline("2026-04").due == date(2026, 5, 15)


def test_term_deadline_joins_the_attention_list_ten_days_ahead(store, monkeypatch) -> None:  # noqa: ANN001
    small = small_agency(store)
    # Today (22 Nov 2026) the next term payment is 15 Jan 2027: not yet on the list.
    board = dashboard.build(store, small.who(), "2026-11")
    assert not [a for a in board.attention if a.kind == "term_deadline"]
    monkeypatch.setenv("BYRAA_TODAY", "2027-01-05")
    board = dashboard.build(store, small.who(), "2026-12")
    term = next(a for a in board.attention if a.kind == "term_deadline")
    assert (term.period, term.due, term.severity) == ("2026-12", date(2027, 1, 15), "info")
    monkeypatch.setenv("BYRAA_TODAY", "2027-01-11")
    board = dashboard.build(store, small.who(), "2027-01")
    term = next(a for a in board.attention if a.kind == "term_deadline")
    assert term.severity == "warning"
    from byraa.core.words import labels

    assert "15.01.2027" in labels.attention(term)
