"""The synthetic demo agency: deterministic, synthetic identifiers only, and realistic
enough that the screens have something true-looking to show (on SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from byraa.core.agency.identity import resolve
from byraa.core.base import ids, periods
from byraa.core.base.errors import UserError
from byraa.core.clients import groups
from byraa.core.importers import payroll_side
from byraa.core.store import open_store
from byraa.core.store.models import (
    Agency,
    AmeldingSubmission,
    ArchiveFile,
    AuditEvent,
    Client,
    ClientAccess,
    ClientActivity,
    ClientGroup,
    Employee,
    Employment,
    GroupMembership,
    Leave,
    PayrollRun,
    StaffUser,
    SubUnit,
)
from byraa.core.store.models_altinn import TaxCard
from byraa.core.store.models_jobs import Job, JobItem, TaxCardFetchResult
from byraa.core.store.models_reconcile import ReconRow, ReconRun
from byraa.demo import build_demo

TODAY = date(2026, 11, 22)
PAY_DAY_GROUPS = {10: "Utbetaling 10.", 15: "Utbetaling 15.", 20: "Utbetaling 20.", 25: "Utbetaling 25.",
                  31: "Utbetaling siste"}
DATA_TABLES = (Agency, StaffUser, Client, SubUnit, ClientAccess, ClientGroup, GroupMembership, Employee,
               Employment, Leave, PayrollRun, AmeldingSubmission, ClientActivity, ArchiveFile, ReconRun, ReconRow,
               TaxCard, Job, JobItem, TaxCardFetchResult)


def _build(store, clients: int = 40, seed: int = 1, login: str = "tester"):  # noqa: ANN001, ANN202
    return build_demo(store, clients=clients, seed=seed, manager_login=login, today=TODAY)


_INBOX = re.compile(r'"path": "[^"]*/(\d{9}/[^"/]+)"')


_REDERIVED = (PayrollRun, AmeldingSubmission, ClientActivity)
"""Rows the intake deletes and derives again when a later a-melding replaces a month: SQLite
hands a deleted top id out again, PostgreSQL's sequence does not, so these are compared
without their id."""


def _digest(store) -> str:  # noqa: ANN001
    """A hash over every row of every demo table, in primary-key order (the intake job
    names the files by their path: the inbox folder itself is left out)."""
    h = hashlib.sha256()
    with store.session() as session:
        for model in DATA_TABLES:
            table = model.__table__
            rows = [tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))]
            if model in _REDERIVED:
                rows = sorted((row[1:] for row in rows), key=repr)
            for row in rows:
                h.update(_INBOX.sub(r"\1", repr(row)).encode())
    return h.hexdigest()


def _all(store, model):  # noqa: ANN001, ANN202
    with store.session() as session:
        return list(session.scalars(select(model).order_by(*model.__table__.primary_key.columns)))


def _fresh_sqlite(tmp_path, name: str):  # noqa: ANN001, ANN202
    return open_store(f"sqlite:///{tmp_path / name}", upgrade=True)


def test_same_seed_gives_identical_data_on_both_backends(store, sqlite_store) -> None:
    first = _build(store, clients=5, seed=7)
    second = _build(sqlite_store, clients=5, seed=7)
    assert _digest(store) == _digest(sqlite_store)
    assert (first.employees, first.employments, first.payroll_runs, first.staff, first.groups) == (
        second.employees, second.employments, second.payroll_runs, second.staff, second.groups)


def test_other_seed_gives_other_data(sqlite_store, tmp_path) -> None:
    other = _fresh_sqlite(tmp_path, "other.sqlite3")
    try:
        _build(sqlite_store, clients=3, seed=1)
        _build(other, clients=3, seed=2)
        assert _digest(sqlite_store) != _digest(other)
    finally:
        other.dispose()


def test_identifiers_are_valid_synthetic_and_unique(demo60) -> None:
    store, summary = demo60
    employees = _all(store, Employee)
    assert summary.employees == len(employees) and summary.clients == 60
    kinds = Counter()
    for e in employees:
        parsed, reason = ids.parse_national_id(e.national_id)
        assert reason is None, (e.national_id, reason)
        assert parsed.synthetic, e.national_id  # Tenor only: month + 80
        kinds[parsed.kind] += 1
        day, month, yy = int(e.national_id[:2]) % 40, int(e.national_id[2:4]) - 80, int(e.national_id[4:6])
        ages = {(TODAY - date(century + yy, month, min(day, 28))).days // 365 for century in (1900, 2000)}
        assert any(16 <= age <= 71 for age in ages), e.national_id
    assert kinds[ids.IdKind.DNR] > 0 and kinds[ids.IdKind.FNR] > kinds[ids.IdKind.DNR]
    assert len({(e.client_id, e.national_id) for e in employees}) == len(employees)
    assert all(e.postal_code and len(e.postal_code) == 4 and e.city and e.address for e in employees)

    numbers = [a.org_number for a in _all(store, Agency)]
    numbers += [c.org_number for c in _all(store, Client)] + [s.org_number for s in _all(store, SubUnit)]
    assert len(numbers) == len(set(numbers))
    assert all(ids.is_valid_org_number(n) and n.startswith("31") for n in numbers)


def test_clients_employments_and_leaves_look_like_an_agency(demo60) -> None:
    store, _ = demo60
    clients = _all(store, Client)
    assert {c.pay_day for c in clients} == {10, 15, 20, 25, 31}
    status = Counter(c.status for c in clients)
    assert status["active"] > 30 and status["onboarding"] >= 1 and status["ended"] >= 1
    assert sum(c.uses_agency_altinn for c in clients) > len(clients) / 2
    subs = _all(store, SubUnit)
    assert {s.client_id for s in subs} == {c.id for c in clients}
    assert Counter(s.aga_zone for s in subs).most_common(1)[0][0] == "1"

    employments = _all(store, Employment)
    types = Counter(e.employment_type for e in employments)
    assert types.most_common(1)[0][0] == "ordinaertArbeidsforhold"
    assert types["frilanserOppdragstakerHonorarPersonerMm"] > 0
    ordinary = [e for e in employments if e.employment_type == "ordinaertArbeidsforhold"]
    assert all(e.occupation_code and len(e.occupation_code) == 7 and e.occupation_code.isdigit() for e in ordinary)
    assert all(e.hours_full_week in (35.5, 37.5, 40.0) for e in ordinary)
    assert Counter(e.position_pct for e in ordinary).most_common(1)[0][0] == 100.0
    assert any(e.position_pct < 100 for e in ordinary)
    for e in ordinary:
        full_time_nok = e.annual_salary / 100 * 100 / e.position_pct
        assert 300_000 <= full_time_nok <= 1_350_000, e
    assert any(e.end_date and e.end_date < TODAY for e in employments)  # leavers
    assert any(e.start_date > date(2026, 6, 1) for e in employments)  # new hires
    per_employee = Counter(e.employee_id for e in employments)
    assert 0 < sum(1 for n in per_employee.values() if n == 2) < len(per_employee) / 10
    refs = {e.employment_ref for e in employments}
    assert "1" in refs or any(r.startswith("A-") for r in refs)

    leaves = _all(store, Leave)
    assert "permisjonMedForeldrepenger" in {lv.description for lv in leaves}
    by_id = {e.id: e for e in employments}
    for lv in leaves:
        e = by_id[lv.employment_id]
        assert e.start_date <= lv.start_date and (lv.end_date is None or lv.start_date <= lv.end_date)
        assert 0 < lv.leave_pct <= 100


def test_twelve_months_of_payroll_with_plausible_amounts(demo60) -> None:
    store, summary = demo60
    runs = _all(store, PayrollRun)
    clients = {c.id: c for c in _all(store, Client)}
    subs = defaultdict(set)
    for s in _all(store, SubUnit):
        subs[s.client_id].add(s.aga_zone)
    assert summary.payroll_runs == len(runs)
    assert sorted({r.period for r in runs}) == periods.last_months("2026-11", 12)
    regular = Counter((r.client_id, r.period) for r in runs if r.kind == "regular")
    assert max(regular.values()) == 1
    # A month with an a-melding has the run the intake derived from it (payslips made by
    # hand are unknown there); this month's runs not reported yet are the payroll system's.
    for r in runs:
        if r.source_id is not None:
            assert r.kind == "regular" and r.status == "posted" and r.payslips_manual is None
            assert r.pay_date == payroll_side.pay_date(clients[r.client_id].pay_day, r.period)
        else:
            assert r.period == "2026-11", r
            assert (r.status == "posted") == (r.pay_date < TODAY), r
            assert 0 <= r.payslips_manual <= r.payslip_count
        assert r.payslip_count > 0
        # Rounded per sub-unit; a few clients' pension premium (2 % of wages) is in the basis too.
        assert r.gross > 0 and 0 <= r.employer_contribution <= r.gross * 1.02 * 0.141 + 5
        month = int(r.period[5:7])
        if r.kind == "regular" and month not in (6, 12):
            assert 0.2 <= r.withholding / r.gross <= 0.40, r
        if r.kind == "regular":
            assert 1_000_00 <= r.gross / r.payslip_count <= 250_000_00, r
    # June (tax-free holiday pay) and December (half tax) withhold far less.
    share = {m: sum(r.withholding for r in runs if r.period == m) / sum(r.gross for r in runs if r.period == m)
             for m in ("2026-05", "2026-06", "2025-12")}
    assert share["2026-06"] < share["2026-05"] * 0.75 and share["2025-12"] < share["2026-05"] * 0.75
    # The degree of automation varies between clients (this month's runs say it).
    auto = [1 - r.payslips_manual / r.payslip_count for r in runs
            if r.payslips_manual is not None and r.kind == "regular" and r.payslip_count >= 10]
    assert max(auto) > 0.9 and min(auto) < max(auto)
    assert {r.status for r in runs if r.period == "2026-11"} >= {"posted", "open"}
    # Activity follows the runs: a row for every client-month with a run (and months
    # with employees but no run yet, for the active-employee count).
    activity = _all(store, ClientActivity)
    assert {(a.client_id, a.period) for a in activity} >= set(regular)
    # (A client new this month is in no a-melding yet: its register, so its count, is empty.)
    assert all(a.active_employees > 0 for a in activity if (a.client_id, a.period) in set(regular)
               and a.period < "2026-11")
    assert sum(a.absences for a in activity) > 0 and sum(a.travel_expense_claims for a in activity) > 0


def test_ameldinger_rejected_last_month_and_pending_this_month(demo60) -> None:
    store, _ = demo60
    rows = _all(store, AmeldingSubmission)
    assert all(r.period <= "2026-11" for r in rows)
    assert {r.status for r in rows if r.period == "2026-11"} == {"pending"}
    assert 0 < sum(r.period == "2026-11" for r in rows) < 10  # most not sent yet
    assert all(r.deviations_rejection >= 1 for r in rows if r.status == "rejected")
    assert all(r.deviations_rejection == 0 for r in rows if r.status == "accepted")
    assert any(r.deviations_guideline for r in rows) and any(r.deviations_immediate for r in rows)
    assert len({r.message_id for r in rows}) == len(rows)
    # One row per month: the a-melding in force (the intake replaced earlier files of the
    # month); a-ordningen's feedback on every file sent is in the archive.
    latest = {(r.client_id, r.period): r for r in rows}
    assert len(latest) == len(rows) and all(r.source_id is not None for r in rows)
    still_rejected = [k for k, r in latest.items() if k[1] == "2026-10" and r.status == "rejected"]
    assert len(still_rejected) >= 2
    history = defaultdict(list)
    for f in sorted(_all(store, ArchiveFile), key=lambda f: (f.created_at, f.id)):
        if f.kind == "feedback":
            history[(f.client_id, f.period)].append((f.created_at, json.loads(f.content)["mottak"]["mottakstatus"]))
    assert any([s for _, s in h][:2] == ["avvist", "mottatt"] for k, h in history.items() if k[1] == "2026-10")
    # Every client-month with a run before November has an a-melding, first sent before the 5th.
    run_months = {(r.client_id, r.period) for r in _all(store, PayrollRun) if r.period < "2026-11"}
    assert run_months == {k for k in latest if k[1] < "2026-11"}
    assert all(r.submitted_at <= datetime(2026, 11, 22, 23, tzinfo=UTC) for r in rows)
    for (_, period), h in history.items():
        assert h[0][0].date() <= periods.first_day(periods.shift(period, 1)).replace(day=5), (period, h)


def test_reconciliation_runs_are_signed_only_when_every_difference_is_explained(demo60) -> None:
    store, _ = demo60
    runs = _all(store, ReconRun)
    rows = defaultdict(list)
    for r in _all(store, ReconRow):
        rows[r.run_id].append(r)
    assert {r.period for r in runs} == {"2026-10", "2026-11"}
    assert Counter(r.sign_status for r in runs).keys() >= {"ok", None}
    for run in runs:
        differences = [r for r in rows[run.id] if r.status == "differs"]
        assert rows[run.id][0].field == "balance at period end" and run.checks == "clearing"
        assert sum(int(r.ledger) for r in rows[run.id][1:]) == int(rows[run.id][0].ledger)  # the postings add up
        if run.signed_at is not None:
            assert all(r.resolution == "explained" and r.explanation for r in differences)
            assert (run.sign_status == "ok") == (not differences)
            assert run.created_at < run.signed_at <= datetime(2026, 11, 22, 11, tzinfo=UTC)
        assert run.created_at <= datetime(2026, 11, 22, 11, tzinfo=UTC)
    versions = Counter((r.client_id, r.period) for r in runs)
    assert any(n == 2 for n in versions.values())
    # Each run names the imported a-meldinger and ledger it read.
    read = [{i["kind"] for i in json.loads(run.inputs)} for run in runs]
    assert all("ledger" in kinds for kinds in read)
    assert sum("amelding" in kinds for kinds in read) >= 0.9 * len(runs)  # not a client new this month
    with store.session() as session:
        paid = set(session.execute(select(PayrollRun.client_id, PayrollRun.period).where(
            PayrollRun.pay_date < TODAY, PayrollRun.kind == "regular")).all())
    assert set(versions) <= paid  # a month is reconciled after its pay day


def test_tax_card_fetches_and_cards_of_the_year(demo60) -> None:
    store, _ = demo60
    jobs = [j for j in _all(store, Job) if j.kind != "intake"]  # the intake job read the clients' files
    # The first fetch of all clients and the change notices; people hired this month are
    # in no a-melding yet, so not in the register, and no fetch of new hires follows.
    assert [j.status for j in jobs] == ["done"] * len(jobs) and len(jobs) >= 2
    assert [j.finished_at for j in jobs] == sorted(j.finished_at for j in jobs)  # ids in the order they ran
    modes = [json.loads(j.params)["mode"] for j in jobs]
    assert modes[0] == "all" and modes.count("changes") == 1
    cards = _all(store, TaxCard)
    current = Counter((c.client_id, c.employee_id) for c in cards if c.is_current)
    assert set(current.values()) == {1} and all(c.income_year == 2026 for c in cards)
    assert any(not c.is_current for c in cards)  # replaced by the change notices
    results = _all(store, TaxCardFetchResult)
    by_id = {c.id: c for c in cards}
    for r in results:
        if r.outcome in ("card", "no_card", "not_liable"):
            assert by_id[r.tax_card_id].employee_id == r.employee_id
        else:
            assert r.tax_card_id is None and r.reason
    assert {r.outcome for r in results} >= {"card", "no_card", "not_liable", "skipped"}
    fetches = {j.id for j in jobs}
    items = [i for i in _all(store, JobItem) if i.job_id in fetches]
    assert all(i.state == "done" and json.loads(i.payload)["reference"] for i in items)
    # The pay-day board shows a mix: most cards current, a few not.
    board = groups.board(store, resolve(store, "tester"), "Utbetaling 20.", "2026-11")
    flags = Counter(r.tax_cards_current for r in board.rows)
    assert flags[True] > flags[False] > 0
    assert {r.reconciliation_signed for r in board.rows} == {True, False, None}


def test_staff_grants_and_groups(demo60) -> None:
    store, summary = demo60
    staff = _all(store, StaffUser)
    roles = Counter((s.role, s.active) for s in staff)
    assert roles[("manager", True)] == 4 and roles[("clerk", True)] == 12 and roles[("clerk", False)] == 1
    assert ("tester", "Demo-bruker", "manager") in summary.staff
    assert [role for _, _, role in summary.staff] == sorted((s.role for s in staff), key=lambda r: r != "manager")
    assert all(s.login == s.login.lower() and " " not in s.login for s in staff)

    grants = _all(store, ClientAccess)
    leaver = next(s for s in staff if not s.active)
    assert any(g.user_id == leaver.id for g in grants)
    responsible = Counter(g.client_id for g in grants if g.role == "responsible")
    assert max(responsible.values()) == 1
    clients = _all(store, Client)
    without = [c for c in clients if c.id not in responsible]
    assert 2 <= len(without) <= 4
    managers = {s.id for s in staff if s.role == "manager"}
    assert any(g.user_id in managers and g.role == "responsible" for g in grants)
    assert any(g.role == "associate" for g in grants)
    assert all(g.granted_at <= datetime(2026, 11, 23, tzinfo=UTC) for g in grants)

    groups = {g.id: g.name for g in _all(store, ClientGroup)}
    assert set(PAY_DAY_GROUPS.values()) <= set(groups.values()) and len(groups) >= 7
    assert summary.groups == list(groups.values())
    members = defaultdict(set)
    per_client = Counter()
    for m in _all(store, GroupMembership):
        members[groups[m.group_id]].add(m.client_id)
        per_client[m.client_id] += 1
    for c in clients:
        if c.status != "ended":
            assert c.id in members[PAY_DAY_GROUPS[c.pay_day]]
    assert {c.id for c in without} <= members["Krever oppfølging"]
    assert members["Nye klienter 2026"] and members["Bygg og anlegg"]
    assert max(per_client.values()) >= 2

    with store.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "demo.build")).all()
    assert len(events) == 1 and events[0].actor == "tester" and '"clients": 60' in events[0].after


def test_normal_inserts_work_after_the_demo(store) -> None:
    _build(store, clients=4)
    with store.session() as session:
        before = session.scalar(select(func.max(Client.id)))
        client = Client(org_number=ids.complete_org_number("99999999") or "999999999", name="Etter Demo AS",
                        created_at=datetime(2026, 11, 22, tzinfo=UTC))
        session.add(client)
        session.flush()
        employee = Employee(client_id=client.id, national_id="01819012345", name="Ny Ansatt")
        user = StaffUser(login="ny.bruker", name="Ny Bruker", role="clerk",
                         created_at=datetime(2026, 11, 22, tzinfo=UTC))
        session.add_all([employee, user])
        session.flush()
        session.add(Employment(employee_id=employee.id, client_id=client.id, employment_ref="1",
                               start_date=date(2026, 11, 1)))
        session.add(PayrollRun(client_id=client.id, period="2026-11", pay_date=date(2026, 11, 25)))
        session.add(ClientGroup(name="Ny gruppe", created_at=datetime(2026, 11, 22, tzinfo=UTC)))
        # The app's own archive, reconciliation and fetch rows after the demo's.
        session.add(ArchiveFile(client_id=client.id, kind="feedback", direction="in", created_at=datetime(
            2026, 11, 22, tzinfo=UTC), sha256="0" * 64, content=b""))
        session.add(ReconRun(client_id=client.id, period="2026-11", version=1, method="standard", checks="clearing",
                             inputs="[]", settings="{}", created_at=datetime(2026, 11, 22, tzinfo=UTC),
                             created_by="tester"))
        session.add(Job(kind="taxcards.fetch", created_by="tester", created_at=datetime(2026, 11, 22, tzinfo=UTC),
                        updated_at=datetime(2026, 11, 22, tzinfo=UTC)))
        session.add(TaxCard(client_id=client.id, employee_id=employee.id, income_year=2026,
                            fetched_at=datetime(2026, 11, 22, tzinfo=UTC), result="ikkeSkattekort"))
    assert client.id > before
    with store.session() as session:
        employment = session.scalars(select(Employment).where(Employment.client_id == client.id)).one()
    assert employment.annual_salary == 0  # the column's default


def test_client_sizes_are_skewed_like_norway(demo60) -> None:
    import random

    from byraa.demo.clients import plan_clients
    from byraa.demo.numbers import OrgNumbers

    ids_ = {"client": 0, "sub_unit": 0}
    plans = plan_clients(random.Random("byraa-demo/1/clients"), 200, TODAY,
                         OrgNumbers(random.Random("byraa-demo/1/org-numbers")), ids_)
    sizes = [p.size for p in plans]
    assert statistics.median(sizes) < 10
    assert max(sizes) >= 100
    assert sum(s < 10 for s in sizes) > 100  # most clients are small
    assert 0.85 * 40 * 200 <= sum(sizes) <= 1.15 * 40 * 200
    # The register the a-meldinger built follows the plan: small clients, a few big ones.
    store, summary = demo60
    with store.session() as session:
        registered = list(session.scalars(select(func.count(Employee.id)).group_by(Employee.client_id)))
    assert statistics.median(registered) < 15 and max(registered) >= 60
    assert 0.7 * 40 * 60 <= summary.employees <= 1.3 * 40 * 60


def test_manager_login_of_a_generated_clerk_makes_that_clerk_a_manager(sqlite_store, tmp_path) -> None:
    first = _build(sqlite_store, clients=5)
    clerk_login, clerk_name, _ = next(s for s in first.staff if s[2] == "clerk")
    other = _fresh_sqlite(tmp_path, "clerk.sqlite3")
    try:
        summary = _build(other, clients=5, login=clerk_login)
    finally:
        other.dispose()
    roles = Counter(role for _, _, role in summary.staff)
    assert (clerk_login, clerk_name, "manager") in summary.staff
    assert roles["manager"] == 4 and len(summary.staff) == 16


def test_refuses_a_store_that_already_holds_an_agency(sqlite_store) -> None:
    _build(sqlite_store, clients=3)
    with pytest.raises(UserError, match="har allerede et byrå"):
        _build(sqlite_store, clients=3)
