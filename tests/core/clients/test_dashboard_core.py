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


def test_a_month_in_progress_marks_the_growing_figures_so_far(store, monkeypatch) -> None:  # noqa: ANN001
    from datetime import date

    from byraa.core.agency import identity
    from byraa.core.base import clock
    from byraa.core.clients import dashboard
    from tests.builders import small_agency

    small_agency(store)
    who = identity.resolve(store, "tester")
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 4))
    board = dashboard.build(store, who, "2026-11", "all")
    so_far = {f.key for f in board.figures if f.so_far}
    # Every count grows as the month's a-meldinger arrive; only the automation share does not.
    assert so_far == {"payroll_clients", "active_employees", "payslips", "travel_expenses", "absences",
                      "amelding_rejected", "total_pay"}
    assert not any(f.so_far for f in dashboard.build(store, who, "2026-10", "all").figures)  # a whole month
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 30))
    assert not any(f.so_far for f in dashboard.build(store, who, "2026-11", "all").figures)  # its last day


def test_attention_lists_unsigned_reconciliations_missing_cards_and_leavers(store, tmp_path) -> None:  # noqa: ANN001
    from byraa.core.agency import access_admin, staff
    from byraa.core.reconcile import runs
    from tests.builders import org
    from tests.data.reconcile import scenario

    small = scenario.build(store, tmp_path)
    who = small.who()
    run = runs.run(store, who, org(1), "2026-10")
    assert run.unresolved > 0
    staff.set_active(store, who, "clerk", False)  # B's responsible leaves

    def items(kind: str) -> dict[str, int]:
        board = dashboard.build(store, who, "2026-11", "all")
        return {a.client_name: a.count for a in board.attention if a.kind == kind}

    assert items("reconciliation_unsigned") == {"Alfa Rør AS": run.unresolved}
    # Every client has employees active in November and no tax card for 2026 (B and C one each).
    missing = items("taxcards_missing")
    assert set(missing) == {"Alfa Rør AS", "Bakeri Beta AS", "Cafe Gamma AS"}
    assert missing["Bakeri Beta AS"] == missing["Cafe Gamma AS"] == 1 <= missing["Alfa Rør AS"]
    assert set(items("no_responsible")) == {"Cafe Gamma AS"}
    assert set(items("responsible_left")) == {"Bakeri Beta AS"}
    # The same clients the access review finds without a responsible.
    review = {f.client_name for f in access_admin.review(store, who) if f.kind == "client_without_responsible"}
    assert review == set(items("no_responsible")) | set(items("responsible_left"))
    # Resolving every difference takes the reconciliation off the list.
    for row in runs.rows(store, who, run.id):
        if row.is_difference and not row.resolved:
            runs.explain(store, who, run.id, row.id, "Kjent avvik")
    assert items("reconciliation_unsigned") == {}


def test_early_in_a_month_the_month_befores_a_melding_deadline_comes_first(store, monkeypatch) -> None:  # noqa: ANN001
    """On 4 December the dashboard shows December; November's a-melding, due 7 December, is
    the pressing one (it was missing: only the month shown's deadline, 5 January, was listed)."""
    from byraa.core.base import clock

    small = small_agency(store)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 4))
    board = dashboard.build(store, small.who(), "2026-12")
    due = [(a.period, a.due, a.severity) for a in board.attention if a.kind == "amelding_deadline"]
    assert due == [("2026-11", date(2026, 12, 7), "warning"), ("2026-12", date(2027, 1, 5), "info")]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 8))  # November's is past: December's alone
    board = dashboard.build(store, small.who(), "2026-12")
    assert [a.period for a in board.attention if a.kind == "amelding_deadline"] == ["2026-12"]


def test_the_attention_list_puts_errors_then_close_deadlines_first(store, monkeypatch) -> None:  # noqa: ANN001
    """A deadline three days away came after every "no responsible" and missing tax card."""
    from byraa.core.base import clock

    small = small_agency(store)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 4))
    items = dashboard.build(store, small.who(), "2026-12").attention
    ranks = [(a.severity, a.kind) for a in items]
    warnings = [kind for severity, kind in ranks if severity == "warning"]
    assert warnings and warnings[0] == "amelding_deadline"  # November's, due 7 December
    order = {"error": 0, "warning": 1, "info": 2}
    assert [order[s] for s, _ in ranks] == sorted(order[s] for s, _ in ranks)
