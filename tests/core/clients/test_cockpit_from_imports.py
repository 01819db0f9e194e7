"""A fresh agency (no demo) imports three months of a-meldinger: the dashboard, the reports
and the board show what the files say, computed here from the files themselves."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from byraa.core.agency import setup
from byraa.core.agency.identity import resolve
from byraa.core.clients import dashboard, groups, reports
from byraa.core.clients import registry as clients
from byraa.core.importers.amelding import import_amelding
from byraa.core.store.models import ClientActivity, PayrollRun
from byraa.core.words import labels
from tests.builders import org
from tests.data.payroll_months import Facts, facts, month_message
from tests.data.reconcile import build as b

MONTHS = ("2026-08", "2026-09", "2026-10")
PEOPLE = {1: 23, 2: 9}
"""Client number -> recipients per month."""


def fresh_agency(store, tmp_path: Path):  # noqa: ANN001, ANN201
    setup.initialise(store, name="Nytt Byrå AS", org_number=org(0), login="leder", user_name="Lea Leder")
    who = resolve(store, "leder")
    for n in PEOPLE:
        clients.add_client(store, who, org(n), f"Kunde {n} AS", pay_day=25)
    groups.create_group(store, who, "Alle")
    groups.add_clients(store, who, "Alle", org_numbers=[org(n) for n in PEOPLE])
    files: list[Path] = []
    for n, people in PEOPLE.items():
        for i, period in enumerate(MONTHS):
            message = month_message(org(n), org(n + 10), period, people, seed=n * 3 + i, pay_step=i)
            files.append(b.write_amelding(tmp_path / f"am-{n}-{period}.xml", message))
    # The October a-melding of client 1 is replaced by a second version with one more person.
    second = month_message(org(1), org(11), "2026-10", PEOPLE[1] + 1, seed=5, pay_step=9,
                           message_id="v2", replaces=f"{org(1)}-2026-10-1")
    files.append(b.write_amelding(tmp_path / "am-1-2026-10-v2.xml", second))
    results = [import_amelding(store, who, f) for f in files]
    assert [r.status for r in results] == ["imported"] * 6 + ["replaced"]
    # Only the newest version of a month counts.
    current: dict[tuple[str, str], Facts] = {}
    for f in files:
        fact = facts(f)
        current[(fact.org, fact.period)] = fact
    return who, current


def test_cockpit_figures_equal_what_the_files_say(store, tmp_path: Path) -> None:
    who, current = fresh_agency(store, tmp_path)

    def month(period: str) -> list[Facts]:
        return [f for (_, p), f in current.items() if p == period]

    for period in MONTHS:
        board = dashboard.build(store, who, period, "all")
        got = {f.key: f.value for f in board.figures}
        want = month(period)
        assert got["payroll_clients"] == len(want)
        assert got["payslips"] == sum(f.persons_paid for f in want)
        assert got["active_employees"] == sum(f.employees_active for f in want)
        assert got["travel_expenses"] == sum(f.expense_lines for f in want)
        assert got["absences"] == sum(f.leaves_active for f in want)
        assert got["total_pay"] == sum(f.gross for f in want)
        assert got["amelding_rejected"] == 0
        # The a-melding does not mark generated payslips: unknown, never 0 or 100 %.
        automation = next(f for f in board.figures if f.key == "automation")
        assert automation.value is None and automation.unknown_reason == "no_generated_mark"
        assert "a-melding" in labels.figure_unknown(automation.unknown_reason)
    # Sanity of the generated data: the figures are not trivially zero.
    october = month("2026-10")
    assert all(f.expense_lines and f.leaves_active and f.persons_paid < f.employees_active + 2 for f in october)

    usage = reports.usage_log(store, who, MONTHS[0], MONTHS[-1])
    assert {(r["org_number"], r["period"]): (r["payslips"], r["travel_expense_claims"]) for r in usage.rows} == {
        k: (f.persons_paid, f.expense_lines) for k, f in current.items()}
    term = reports.term_report(store, who, 2026, 5)  # September and October
    assert {r["org_number"]: (r["withholding"], r["employer_contribution"]) for r in term.rows} == {
        o: (sum(current[(o, p)].withholding for p in ("2026-09", "2026-10")),
            sum(current[(o, p)].contribution for p in ("2026-09", "2026-10"))) for o in (org(1), org(2))}
    auto = reports.automation(store, who, MONTHS[0], MONTHS[-1])
    assert [r["automation"] for r in auto.rows] == [None, None]

    board = groups.board(store, who, "Alle", "2026-10")
    assert {r.org_number: (r.run_status, r.amelding_status) for r in board.rows} == {
        org(1): ("posted", "pending"), org(2): ("posted", "pending")}


def test_replacing_a_month_replaces_its_rows(store, tmp_path: Path) -> None:
    who, current = fresh_agency(store, tmp_path)
    with store.session() as s:
        from byraa.core.clients.lookup import find_client

        client_id = find_client(s, org(1)).id
        runs = list(s.scalars(select(PayrollRun).where(PayrollRun.client_id == client_id,
                                                       PayrollRun.period == "2026-10")))
        activity = s.scalars(select(ClientActivity).where(ClientActivity.client_id == client_id,
                                                          ClientActivity.period == "2026-10")).one()
    v2 = current[(org(1), "2026-10")]
    assert v2.message_id == "v2"
    assert [(r.payslip_count, r.gross, r.withholding, r.employer_contribution, r.payslips_manual) for r in runs] == [
        (v2.persons_paid, v2.gross, v2.withholding, v2.contribution, None)]
    assert (activity.active_employees, activity.absences, activity.travel_expense_claims) == (
        v2.employees_active, v2.leaves_active, v2.expense_lines)
    detail = clients.client_detail(store, who, client_id)
    october = [a for a in detail.submissions if a.period == "2026-10"]
    assert [a.message_id for a in october] == ["v2"]


def test_a_sub_unit_the_files_only_number_is_shown_by_its_number(store, tmp_path: Path) -> None:
    """An a-melding gives a virksomhet's number, not its name: the client's employments show
    "310 000 116" (as an organisation number reads), not the stand-in stored as its name."""
    from byraa.core.base import ids
    from byraa.core.clients.lookup import find_client
    from byraa.core.store.models import UNNAMED_SUB_UNIT, SubUnit

    who, _current = fresh_agency(store, tmp_path)
    with store.session() as s:
        client_id = find_client(s, org(1)).id
        unit = s.scalars(select(SubUnit).where(SubUnit.org_number == org(11))).one()
        assert unit.name == UNNAMED_SUB_UNIT.format(org=org(11))
    detail = clients.client_detail(store, who, client_id)
    units = {e.sub_unit for employee in detail.employees for e in employee.employments}
    assert units == {ids.format_org_number(org(11))}
    with store.session() as s:  # a name of its own is shown as it is
        s.scalars(select(SubUnit).where(SubUnit.org_number == org(11))).one().name = "Avdeling Nord"
        s.commit()
    detail = clients.client_detail(store, who, client_id)
    assert {e.sub_unit for employee in detail.employees for e in employee.employments} == {"Avdeling Nord"}


def test_a_run_known_from_its_a_melding_is_posted_only_once_its_pay_day_has_come(store, tmp_path: Path,
                                                                                 monkeypatch) -> None:  # noqa: ANN001
    """An a-melding imported before the pay day (22 November, pay day the 25th) is a frozen
    run, not one already booked ("bokført" on the board for a run not paid yet)."""
    from datetime import date

    from byraa.core.base import clock
    from byraa.core.clients.lookup import find_client

    who, _current = fresh_agency(store, tmp_path)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 22))
    import_amelding(store, who, b.write_amelding(tmp_path / "nov.xml", month_message(org(1), org(11), "2026-11", 5)))
    board = {r.org_number: r.run_status for r in groups.board(store, who, "Alle", "2026-11").rows}
    assert board == {org(1): "frozen", org(2): None}
    assert labels.run_status("frozen") == "frosset"
    # Once the pay day has come the board and the client's runs say posted, the same file still in.
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 25))
    assert {r.org_number: r.run_status for r in groups.board(store, who, "Alle", "2026-11").rows}[org(1)] == "posted"
    with store.session() as s:
        client_id = find_client(s, org(1)).id
    detail = clients.client_detail(store, who, client_id)
    assert [r.status for r in detail.runs if r.period == "2026-11"] == ["posted"]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 22))
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 26))  # a newer version after the pay day
    import_amelding(store, who, b.write_amelding(tmp_path / "nov2.xml", month_message(
        org(1), org(11), "2026-11", 6, message_id="nov-v2", replaces=f"{org(1)}-2026-11-1")))
    with store.session() as s:
        client_id = find_client(s, org(1)).id
        statuses = [r.status for r in s.scalars(select(PayrollRun).where(PayrollRun.client_id == client_id))]
    assert sorted(statuses) == ["posted"] * 4  # August–October as before, November now paid
