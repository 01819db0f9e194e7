"""Putting the demo agency together: planned in memory, then written in three steps.

Everything is planned first, as plain dicts. Then (1) the agency's own register (agency,
staff, clients and sub-units, access, groups) is bulk-inserted with Core ``executemany``;
(2) the clients' a-meldinger and ledgers are written into the inbox and imported by the
intake job, which builds the payroll side as for a real agency; (3) what no file carries
is bulk-inserted with ids after the ones the import used. On PostgreSQL the id sequences
are moved past the ids used after (1) and (3), so the import and the app's own inserts
do not collide.

Each stage draws from its own ``random.Random`` seeded by (seed, stage name): the demo is
the same for the same (seed, clients, today), and a change to one stage does not shift
the random numbers of the others.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from byraa.core.agency import audit
from byraa.core.base import periods
from byraa.core.base.bulk_work import fewer_collections
from byraa.core.base.errors import UserError
from byraa.core.clients.activity import refresh_active_employees
from byraa.core.store import Store
from byraa.core.store.models import (
    Agency,
    AmeldingSubmission,
    ArchiveFile,
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
from byraa.core.store.models_posting import PostingSettings
from byraa.core.store.models_reconcile import ReconRow, ReconRun, ReconSetting
from byraa.demo import names
from byraa.demo.clients import ClientPlan, client_rows, plan_clients
from byraa.demo.folder_accounts import deductions, plan_folder_accounts, plan_over_60
from byraa.demo.folder_benefits import plan_benefits
from byraa.demo.folder_faults import FolderFault, plan_late_withholding, plan_leaver_advance
from byraa.demo.inbox import write_file
from byraa.demo.inbox_split import write_inbox_split
from byraa.demo.intake import apply_feedback_status, enrich_register, refer_to_sources, run_intake, submissions
from byraa.demo.journals import JournalFault, plan_faults, posting_settings, write_journals
from byraa.demo.numbers import OrgNumbers
from byraa.demo.payroll import plan_runs
from byraa.demo.people import PayItem, plan_people
from byraa.demo.reconciliation import plan_reconciliation
from byraa.demo.reporting import plan_activity, plan_ameldinger, plan_feedback
from byraa.demo.staff import plan_access, plan_groups, plan_staff, staff_rows
from byraa.demo.taxcards import plan_tax_cards

_BATCH = 5_000
"""Rows per executemany: big enough to be fast, small enough to keep driver buffers modest."""

# Insert order: parents before children (SQLite checks foreign keys per statement).
_TABLES = (
    Agency, StaffUser, Client, SubUnit, ClientAccess, ClientGroup, GroupMembership,
    Employee, Employment, Leave, PayrollRun, AmeldingSubmission, ClientActivity, ArchiveFile, ReconRun, ReconRow,
    TaxCard, Job, JobItem, TaxCardFetchResult,
)


@dataclass(frozen=True)
class DemoSummary:
    clients: int
    employees: int
    employments: int
    payroll_runs: int
    staff: list[tuple[str, str, str]]
    """(login, name, role) for every staff user, managers first."""
    groups: list[str]
    seconds: float
    files: int = 0
    """a-meldinger and ledger files the clients handed over (written, then imported)."""
    inbox: Path | None = None
    """Where those files are (None when they were in a temporary folder)."""
    journal_faults: list[JournalFault] = field(default_factory=list)
    """The posting journals' planted faults (``demo.journals``)."""
    folder_faults: list[FolderFault] = field(default_factory=list)
    """The ledgers' planted faults for the reconciliation folder (``demo.folder_faults``)."""
    folder_accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """org number -> what the client has of ``pension``, ``garnishment``, ``nav_refunds``,
    ``benefits`` and ``employee_loan`` (``demo.folder_accounts``, ``demo.folder_benefits``)."""


def _stage(seed: int, name: str) -> random.Random:
    return random.Random(f"byraa-demo/{seed}/{name}")


def _domain(agency_name: str) -> str:
    return agency_name.split()[0].lower().translate(names.ASCII_FOLD) + ".no"


@fewer_collections()
def build_demo(store: Store, *, clients: int = 60, seed: int = 1, manager_login: str, today: date,
               inbox: Path | None = None) -> DemoSummary:
    """Fill an empty, migrated store with a synthetic agency of ``clients`` clients.

    ``manager_login`` becomes an agency manager (so whoever runs the demo can see it all);
    ``today`` anchors every date: twelve months of payroll end with its month. The
    clients' a-meldinger and ledgers are written to ``inbox`` (default: the
    ``<stem>-innboks`` folder next to a SQLite database, else a temporary folder) and
    imported with the intake, as an agency receives them.
    """
    if clients < 1:
        raise UserError("demo.no_clients")
    if not manager_login:
        raise UserError("demo.no_login")
    started = time.perf_counter()
    with store.session() as session:
        if session.scalars(select(Agency.id)).first() is not None:
            raise UserError("demo.not_empty", url=store.display_url)

    ids: dict[str, int] = {table.__tablename__: 0 for table in _TABLES}
    orgs = OrgNumbers(_stage(seed, "org-numbers"))
    agency_name = _stage(seed, "agency").choice(names.AGENCY_NAMES)
    agency = {"id": 1, "name": agency_name, "org_number": orgs.next(),
              "created_at": datetime(today.year - 18, 3, 1, 9, 0, tzinfo=UTC)}
    ids["agency"] = 1

    plans = plan_clients(_stage(seed, "clients"), clients, today, orgs, ids)
    people_rng = _stage(seed, "people")
    employees: list[dict] = []
    employments: list[dict] = []
    leaves: list[dict] = []
    items: list[list[PayItem]] = []
    for plan in plans:
        people = plan_people(people_rng, plan, today, ids)
        employees += people.employees
        employments += people.employments
        leaves += people.leaves
        items.append(people.items)
    runs, months = plan_runs(_stage(seed, "payroll"), plans, items, today, ids)
    del items
    ameldinger = plan_ameldinger(_stage(seed, "a-meldinger"), plans, months, today, ids)
    activity = plan_activity(_stage(seed, "activity"), plans, months, today, ids)

    staff, demo_user, leaver = plan_staff(_stage(seed, "staff"), manager_login, today, _domain(agency_name), ids)
    access, no_responsible = plan_access(_stage(seed, "access"), plans, staff, demo_user, leaver, today, ids)
    follow_up = _needs_follow_up(plans, ameldinger, no_responsible, today)
    groups, members = plan_groups(_stage(seed, "groups"), plans, follow_up, today, ids)
    client_list, sub_units = client_rows(plans)
    # Who does a client's work: its responsible clerk while employed, else the manager.
    logins = {user.id: user.login for user in staff if user.active}
    responsible = {a["client_id"]: logins[a["user_id"]] for a in access
                   if a["role"] == "responsible" and a["user_id"] in logins}

    # 1. The agency's own register, written directly: the agency, staff, clients, access, groups.
    first_rows = {
        Agency: [agency], StaffUser: staff_rows(staff), Client: client_list, SubUnit: sub_units,
        ClientAccess: access, ClientGroup: groups, GroupMembership: members,
    }
    with store.session() as session:
        for table in _TABLES[:7]:
            _bulk_insert(session, table, first_rows[table])
        if store.dialect == "postgresql":
            _advance_sequences(session, {t.__tablename__: ids[t.__tablename__] for t in _TABLES[:7]})

    # 2. What the payroll systems hand over, through the intake: the payroll side.
    folder, temporary = _inbox_folder(store, inbox)
    try:
        # About one client in seven has a bank guarantee instead of a tax-deduction account.
        guarantee_rng = _stage(seed, "bank-guarantee")
        guarantees = frozenset(c.id for c in plans if guarantee_rng.random() < 0.15)
        folder_rng = _stage(seed, "folder-faults")
        late, folder_faults = plan_late_withholding(folder_rng, plans, months, today)
        advances, leaver_faults = plan_leaver_advance(folder_rng, plans, months, employees, employments, today)
        folder_faults += leaver_faults
        # Pension, garnishment and an over-60 high earner on clients the faults above left alone.
        accounts_rng = _stage(seed, "folder-accounts")
        taken = {c.index for c in plans if c.id in late or c.id in advances}
        folder_faults += plan_over_60(accounts_rng, plans, months, runs, employees, employments, today, taken)
        taken |= {c.index for c in plans if c.org_number in {f.org_number for f in folder_faults}}
        accounts, account_faults = plan_folder_accounts(accounts_rng, plans, months, runs, employments, today, taken)
        folder_faults += account_faults
        number_of = {e["id"]: e["employee_number"] for e in employees}
        plan_benefits(accounts_rng, plans, months, runs, employments,
                      {e["id"]: number_of[e["employee_id"]] for e in employments}, today, accounts)
        files = write_inbox_split(folder, plans, months, submissions(plans, months, ameldinger), employees,
                                  employments, leaves, agency_name, today, late, advances, accounts,
                                  frozenset(c.id for c in plans if (c.org_number, "over_60") in
                                            {(f.org_number, f.problem) for f in folder_faults}), guarantees)
        faults = plan_faults(_stage(seed, "journals"), plans, months, today, {e["national_id"] for e in employees})
        full_year = frozenset(c.index for c in plans if c.id in accounts)
        files += write_journals(folder, plans, months, employees, employments, faults, today, write_file, full_year)
        imported = run_intake(store, manager_login, folder, today)
    finally:
        if temporary is not None:
            temporary.cleanup()

    # 3. What no file carries: a-ordningen's feedback, this month's runs not reported yet,
    # the register's addresses and salaries, tax-card history and signed reconciliations.
    with store.session() as session:
        for table in _TABLES:
            column = table.__table__.c.get("id")  # type: ignore[attr-defined]
            if column is not None:
                ids[table.__tablename__] = session.scalar(select(func.max(column))) or 0
        reported = {(c, p) for c, p in session.execute(select(PayrollRun.client_id, PayrollRun.period))}
        emp_ids, employment_ids = enrich_register(session, employees, employments)
        apply_feedback_status(session, ameldinger)
    unreported_runs = [dict(r, id=None) for r in runs if (r["client_id"], r["period"]) not in reported]
    unreported_activity = [dict(a, id=None) for a in activity if (a["client_id"], a["period"]) not in reported]
    for rows_ in (unreported_runs, unreported_activity):
        for r in rows_:
            del r["id"]
    feedback = plan_feedback(_stage(seed, "feedback"), plans, ameldinger, runs, responsible, ids)
    recon_runs, recon_rows = plan_reconciliation(_stage(seed, "reconciliation"), plans, runs, manager_login,
                                                 responsible, today, ids, deductions(months, plans))
    registered = [dict(e, id=emp_ids[e["id"]]) for e in employees if e["id"] in emp_ids]
    jobs_of = [dict(e, id=employment_ids[e["id"]], employee_id=emp_ids[e["employee_id"]])
               for e in employments if e["id"] in employment_ids]
    cards = plan_tax_cards(_stage(seed, "tax-cards"), plans, registered, jobs_of, manager_login, responsible,
                           today, ids)
    later = {
        PayrollRun: unreported_runs, ClientActivity: unreported_activity, ArchiveFile: feedback,
        ReconRun: recon_runs, ReconRow: recon_rows, TaxCard: cards.cards, Job: cards.jobs, JobItem: cards.items,
        TaxCardFetchResult: cards.results,
    }
    with store.session() as session:
        refer_to_sources(session, recon_runs)
        for table in _TABLES:
            if table in later:
                _bulk_insert(session, table, later[table])
        _bulk_insert(session, PostingSettings, posting_settings(plans, manager_login, today))
        _bulk_insert(session, ReconSetting, [
            {"client_id": c, "key": "bank_guarantee", "value": "yes", "updated_by": manager_login,
             "updated_at": datetime(today.year, 1, 2, 8, 0, tzinfo=UTC)} for c in sorted(guarantees)])
        if store.dialect == "postgresql":
            _advance_sequences(session, ids)
        refresh_active_employees(session, sorted({m.period for m in months}))
        counts = {name: session.scalar(select(func.count()).select_from(model)) or 0
                  for name, model in (("employees", Employee), ("employments", Employment),
                                      ("payroll_runs", PayrollRun))}
        audit.record(
            session, actor=manager_login, action="demo.build", entity="agency", entity_id=agency["id"],
            after={"clients": clients, "seed": seed, "today": today.isoformat(), **counts, "agency": agency_name,
                   "files": files, "imported": imported},
        )
    return DemoSummary(
        clients=clients, employees=counts["employees"], employments=counts["employments"],
        payroll_runs=counts["payroll_runs"], staff=[(s.login, s.name, s.role) for s in staff],
        groups=[g["name"] for g in groups], seconds=time.perf_counter() - started, files=files,
        inbox=None if temporary is not None else folder, journal_faults=faults,
        folder_faults=folder_faults,
        folder_accounts={c.org_number: tuple(sorted(accounts[c.id].kinds)) for c in plans if c.id in accounts},
    )


def inbox_beside(database: Path) -> Path:
    """The demo's inbox folder next to its SQLite file."""
    return database.parent / f"{database.stem}-innboks"


def _inbox_folder(store: Store, inbox: Path | None) -> tuple[Path, tempfile.TemporaryDirectory | None]:
    """The folder the clients' files go to (emptied of an earlier demo's), and the temporary
    folder to clean up when there is no place next to the database."""
    if inbox is None and store.sqlite_path is not None:
        inbox = inbox_beside(store.sqlite_path)
    if inbox is None:
        temporary = tempfile.TemporaryDirectory(prefix="byraa-demo-innboks-")
        return Path(temporary.name), temporary
    if inbox.is_dir():
        shutil.rmtree(inbox)
    return inbox, None


def _needs_follow_up(plans: list[ClientPlan], ameldinger: list[dict], no_responsible: set[int],
                     today: date) -> set[int]:
    """Clients a manager watches: no responsible, last month's a-melding rejected, or much
    hand work (low automation)."""
    last_period = periods.shift(periods.period_of(today), -1)
    latest: dict[int, str] = {}
    for row in ameldinger:  # in submission order per client, so the last one wins
        if row["period"] == last_period:
            latest[row["client_id"]] = row["status"]
    rejected = {client_id for client_id, status in latest.items() if status == "rejected"}
    low = {p.id for p in plans if p.automation < 0.6 and p.status != "ended"}
    return no_responsible | rejected | low


def _bulk_insert(session: Session, model: type, rows: list[dict]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), _BATCH):
        session.execute(insert(table), rows[start: start + _BATCH])


def _advance_sequences(session: Session, ids: dict[str, int]) -> None:
    """Explicit ids leave PostgreSQL's serial sequences behind: move each to its table's
    max id (never back: the intake's own inserts took ids from the sequence)."""
    for table, last_id in ids.items():
        if last_id:
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST(:last, (SELECT COALESCE(MAX(id), 1) FROM {table})))"), {"last": last_id})


__all__ = ["DemoSummary", "build_demo"]
