"""Client groups (categories for monitoring) and the pay-day board of a group.

Over 400 lines (just): the board's columns read the groups' members with the same scope.

A group is a tag, not an access right: any staff user may create one and put clients in
it ("Utbetaling 20.", "Krever oppfølging"), but groups are shared, so only an agency
manager may rename one, take clients out of it or delete it; every change is audited. The board shows,
per client of the group and month, how far the month has come: payroll run, a-melding,
reconciliation, tax cards, who is responsible. The run's state comes from posting control
when the client's posting journal for the month is in byraa (``bokført`` once every
regular run of the month is posted there), else from the payroll system's run.

The board is visible to every staff user, so it says only how far things have come
(statuses and yes/no), never amounts, national ids or card details.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, periods
from byraa.core.base.errors import NotFound, UserError
from byraa.core.clients.latest_amelding import latest_amelding
from byraa.core.importers import payroll_side
from byraa.core.store import Store
from byraa.core.store.models import (
    Client,
    ClientAccess,
    ClientGroup,
    Employment,
    GroupMembership,
    PayrollRun,
    StaffUser,
    in_force,
)
from byraa.core.words.collation import by_name

if TYPE_CHECKING:
    from byraa.core.reconcile.summary import SignState

# The board's tables (reconciliation, posting, tax cards, jobs) are imported where the board
# reads them: listing, creating or filling groups never touches them, and defining them
# costs a headless command about 0.3 s of its start.

SEVERITY_ORDER = ("rejection", "immediate", "guideline")
"""A-melding deviation severities, worst first: avvisning, øyeblikkelig, retningslinje."""


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    description: str | None
    clients: int


def _group(session: Session, name: str) -> ClientGroup:
    group = session.scalars(select(ClientGroup).where(col(ClientGroup.name) == name)).first()
    if group is None:
        raise NotFound("group.not_found", name=name)
    return group


def members(session: Session, name: str):  # noqa: ANN201
    """A subquery of the client ids in the group ``name`` (for ``Client.id.in_(...)``);
    an unknown group is refused, not read as an empty one."""
    return select(col(GroupMembership.client_id)).where(col(GroupMembership.group_id) == _group(session, name).id)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise UserError("group.bad_name")
    from byraa.core.base.text import has_controls

    if has_controls(name):
        raise UserError("name.controls", name=repr(name)[:60])
    return name


def list_groups(store: Store) -> list[GroupRow]:
    with store.session() as session:
        counts = dict(
            session.execute(
                select(col(GroupMembership.group_id), func.count(col(GroupMembership.client_id))).group_by(
                    col(GroupMembership.group_id)
                )
            ).all()
        )
        return [
            GroupRow(gid, g.name, g.description, counts.get(gid, 0))
            for g in by_name(session.scalars(select(ClientGroup)))
            if (gid := g.id) is not None  # stored rows: always a key (narrows the model's int | None)
        ]


def create_group(store: Store, who: Identity, name: str, description: str | None = None) -> GroupRow:
    name = _clean_name(name)
    with store.session() as session:
        if session.scalars(select(col(ClientGroup.id)).where(col(ClientGroup.name) == name)).first():
            raise UserError("group.exists", name=name)
        group = ClientGroup(name=name, description=description, created_at=clock.now())
        session.add(group)
        session.flush()
        audit.record(session, actor=who.login, action="group.create", entity="client_group",
                     entity_id=group.id, after={"name": name, "description": description})
        return GroupRow(group.id or 0, name, description, 0)


def rename_group(store: Store, who: Identity, name: str, new_name: str) -> None:
    new_name = _clean_name(new_name)
    access.require_manager(who, "rename a client group")  # groups are shared: a clerk must not undo others' work
    with store.session() as session:
        group = _group(session, name)
        if new_name != name and session.scalars(
                select(col(ClientGroup.id)).where(col(ClientGroup.name) == new_name)).first():
            raise UserError("group.exists", name=new_name)
        group.name = new_name
        audit.record(session, actor=who.login, action="group.rename", entity="client_group",
                     entity_id=group.id, before={"name": name}, after={"name": new_name})


def delete_group(store: Store, who: Identity, name: str, *, holding_clients: bool = False) -> int:
    """Delete a group (its clients stay); returns how many memberships went with it.

    A group that holds clients is someone's work list: it goes only when the caller says it
    knows (``holding_clients=True``: the CLI's ``--yes``, the TUI's confirmation naming the count).
    """
    access.require_manager(who, "delete a client group")  # groups are shared: a clerk must not undo others' work
    with store.session() as session:
        group = _group(session, name)
        members = list(session.scalars(
            select(col(GroupMembership.client_id)).where(col(GroupMembership.group_id) == group.id)))
        if members and not holding_clients:
            raise UserError("group.holds_clients", name=name, n=len(members))
        session.execute(delete(GroupMembership).where(col(GroupMembership.group_id) == group.id))
        session.delete(group)
        audit.record(session, actor=who.login, action="group.delete", entity="client_group",
                     entity_id=group.id, before={"name": name, "clients": sorted(members)})
        return len(members)


def _client_ids_by_org(session: Session, org_numbers: list[str]) -> list[int]:
    found = {org: cid for org, cid in session.execute(
        select(col(Client.org_number), col(Client.id)).where(col(Client.org_number).in_(org_numbers)))
             if cid is not None}  # stored rows: always a key (narrows the model's int | None)
    missing = [o for o in org_numbers if o not in found]
    if missing:
        raise NotFound("client.not_found", org=", ".join(missing))
    return [found[o] for o in org_numbers]


def add_clients(store: Store, who: Identity, name: str, *, client_ids: list[int] | None = None,
                org_numbers: list[str] | None = None) -> int:
    """Put clients in a group (already-members are skipped); returns how many were added."""
    with store.session() as session:
        group = _group(session, name)
        ids = list(client_ids or []) + _client_ids_by_org(session, list(org_numbers or []))
        present = set(session.scalars(
            select(col(GroupMembership.client_id)).where(col(GroupMembership.group_id) == group.id)))
        known = set(session.scalars(select(col(Client.id)).where(col(Client.id).in_(ids))))
        if unknown := sorted(set(ids) - known):
            raise NotFound("client.id_not_found", id=", ".join(map(str, unknown)))
        new = sorted(set(ids) - present)
        session.add_all(GroupMembership(group_id=group.id or 0, client_id=c) for c in new)
        if new:
            audit.record(session, actor=who.login, action="group.add_clients", entity="client_group",
                         entity_id=group.id, after={"name": name, "clients": new})
        return len(new)


def remove_clients(store: Store, who: Identity, name: str, *, client_ids: list[int] | None = None,
                   org_numbers: list[str] | None = None) -> int:
    """Take clients out of a group; returns how many were members."""
    access.require_manager(who, "take clients out of a client group")  # shared: a clerk must not undo others' work
    with store.session() as session:
        group = _group(session, name)
        ids = list(client_ids or []) + _client_ids_by_org(session, list(org_numbers or []))
        present = set(session.scalars(
            select(col(GroupMembership.client_id)).where(col(GroupMembership.group_id) == group.id)))
        gone = sorted(set(ids) & present)
        if gone:
            session.execute(
                delete(GroupMembership).where(col(GroupMembership.group_id) == group.id,
                                              col(GroupMembership.client_id).in_(gone))
            )
            audit.record(session, actor=who.login, action="group.remove_clients", entity="client_group",
                         entity_id=group.id, before={"name": name, "clients": gone})
        return len(gone)


# --- The pay-day board ---------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    client_id: int
    org_number: str
    name: str
    pay_day: int
    responsible: tuple[str, ...]
    run_status: str | None
    """Status of the month's regular payroll run: open / frozen / posted, or None (no run);
    posting control's when byraa holds the month's posting journal."""
    amelding_status: str | None
    """Newest a-melding for the month: accepted / rejected / pending, or None (not sent)."""
    worst_deviation: str | None
    """The worst deviation severity on that a-melding: rejection / immediate / guideline."""
    reconciliation_signed: bool | None
    """The month's newest reconciliation run is signed off; None when none has been run."""
    reconciliation: SignState | None
    """The month's newest version and newest signed one (``signert v1, v2 åpen``); None if never run."""
    tax_cards_current: bool | None
    """Every employee active in the month has a tax card on file, fetched no earlier than
    the agency's newest change-notice run; None with no active employees (the rule:
    ``tax_cards_current()``)."""
    posting_status: str | None = None
    """Posting control's state of the month's regular runs (the least advanced of them):
    open / frozen / posted, or None when no posting journal is imported."""

    @property
    def done(self) -> bool:
        """Closed and reported: the run is posted and the a-melding accepted."""
        return self.run_status == "posted" and self.amelding_status == "accepted"


@dataclass(frozen=True)
class Board:
    group: str
    period: str
    rows: tuple[BoardRow, ...]
    """The rows shown (all, or only those not done)."""
    total: int
    """Clients in the group."""
    done: int
    """Clients closed and reported (counted before any filter)."""


def board(store: Store, who: Identity, name: str, period: str, *, only_open: bool = False) -> Board:
    """The group's monitoring board for a month (every staff user may see it)."""
    from byraa.core.reconcile.summary import sign_states_of

    period = periods.parse_period(period)
    with store.session() as session:
        group = _group(session, name)
        members = select(col(GroupMembership.client_id)).where(col(GroupMembership.group_id) == group.id)
        clients = by_name(session.scalars(
            select(Client)
            .join(GroupMembership, col(GroupMembership.client_id) == col(Client.id))
            .where(col(GroupMembership.group_id) == group.id)
        ))
        ids = [c.id for c in clients]
        responsible: dict[int, list[str]] = defaultdict(list)
        for client_id, login in session.execute(
            select(col(ClientAccess.client_id), col(StaffUser.login))
            .join(StaffUser, col(StaffUser.id) == col(ClientAccess.user_id))
            .where(col(ClientAccess.client_id).in_(ids), col(ClientAccess.role) == "responsible")
            .order_by(col(StaffUser.login))
        ):
            responsible[client_id].append(login)
        runs = {
            client_id: status
            for client_id, status in session.execute(
                select(col(PayrollRun.client_id), payroll_side.status_now())
                .where(col(PayrollRun.client_id).in_(ids), col(PayrollRun.period) == period,
                       col(PayrollRun.kind) == "regular")
                .order_by(col(PayrollRun.pay_date))
            )
        }
        posting = posting_states(session, members, period)
        newest = latest_amelding(periods=(period,), client_ids=ids)
        submissions = {s.client_id: s for s in session.execute(select(newest))}
        signed = reconciliation_signed(session, members, period)
        sign = sign_states_of(session, members, period)
        cards = tax_cards_current(session, members, period)
    rows, done = [], 0
    for c in clients:
        s = submissions.get(c.id or 0)
        worst = None
        if s is not None:
            counts = {"rejection": s.deviations_rejection, "immediate": s.deviations_immediate,
                      "guideline": s.deviations_guideline}
            worst = next((sev for sev in SEVERITY_ORDER if counts[sev]), None)
        posted = posting.get(c.id or 0)
        row = BoardRow(c.id or 0, c.org_number, c.name, c.pay_day, tuple(responsible.get(c.id or 0, [])),
                       posted or runs.get(c.id or 0), s.status if s else None, worst, signed.get(c.id or 0),
                       sign.get(c.id or 0), cards.get(c.id or 0), posted)
        done += row.done
        if not (only_open and row.done):
            rows.append(row)
    return Board(name, period, tuple(rows), len(clients), done)


_RUN_ORDER = ("open", "frozen", "posted")


def posting_states(session: Session, client_ids, period: str) -> dict[int, str]:  # noqa: ANN001
    """Per client with a regular posting journal for the month: the least advanced state
    of those runs (a month with one pay form posted and another open is not booked)."""
    from byraa.core.store.models_posting import PostingRun

    out: dict[int, str] = {}
    for client_id, status in session.execute(
        select(col(PostingRun.client_id), col(PostingRun.status))
        .where(col(PostingRun.client_id).in_(client_ids), col(PostingRun.period) == period, col(PostingRun.off_cycle).is_(False))
    ):
        if client_id not in out or _RUN_ORDER.index(status) < _RUN_ORDER.index(out[client_id]):
            out[client_id] = status
    return out


def reconciliation_signed(session: Session, client_ids, period: str) -> dict[int, bool]:  # noqa: ANN001
    """Per client (of ``client_ids``, a list or a subquery): is the month's newest
    reconciliation run signed off? Clients without a run for the month are left out.

    Only the newest version counts: a run signed off and then run again (a new version,
    not yet signed) is not signed. One query; no access check (the answer is a yes/no).
    """
    from byraa.core.store.models_reconcile import ReconRun

    newest = (select(col(ReconRun.client_id), func.max(col(ReconRun.version)).label("version"))
              .where(col(ReconRun.client_id).in_(client_ids), col(ReconRun.period) == period)
              .group_by(col(ReconRun.client_id)).subquery())
    return {
        client_id: signed_at is not None
        for client_id, signed_at in session.execute(
            select(col(ReconRun.client_id), col(ReconRun.signed_at))
            .join(newest, and_(newest.c.client_id == col(ReconRun.client_id),
                               newest.c.version == col(ReconRun.version)))
            .where(col(ReconRun.period) == period))
    }


def tax_cards_current(session: Session, client_ids, period: str) -> dict[int, bool]:  # noqa: ANN001
    """Per client (of ``client_ids``, a list or a subquery): are its tax cards current for
    the month? Clients with no employee active in the month are left out (no answer).

    The rule, for the month's income year:

    1. every employee with an employment active some day of the month has a tax card on
       file: Skatteetaten's current answer for the year, whatever it says (a card, "no
       card" — withhold 50 % —, or "not liable"). A person never asked, or one Skatteetaten
       could not answer for (an unknown national id), has none;
    2. and the client's newest tax-card fetch for the year (any mode) finished no earlier
       than the agency's newest change-notice fetch (changes only, ``HENT_KUN_ENDRING``)
       for the year: changes published since the client's last fetch may be missing. A
       fetch counts for a client when the job finished ("done") and the client's orders in
       it were answered. Before any change-notice run has finished, rule 1 alone decides.

    Cards imported from files count for rule 1 but are not fetches. A bounded number of
    queries for any number of clients; no access check (the answer is a yes/no).
    """
    from byraa.core.store.models_altinn import no_current_card

    year = int(period[:4])
    first, last = periods.first_day(period), periods.last_day(period)
    # Per client with anyone active: how many of them have no current card.
    counts = session.execute(
        select(col(Employment.client_id), func.count(func.distinct(col(Employment.employee_id))).filter(
            no_current_card(year)))
        .where(col(Employment.client_id).in_(client_ids), in_force(Employment, first, last))
        .group_by(col(Employment.client_id))
    ).all()
    if not counts:
        return {}
    last_fetch, change_run = _fetches(session, year)
    out = {}
    for client_id, missing in counts:
        fetched = last_fetch.get(client_id)
        out[client_id] = missing == 0 and (
            change_run is None or (fetched is not None and fetched >= change_run))
    return out


def _fetches(session: Session, year: int) -> tuple[dict[int, datetime], datetime | None]:
    """(per client, when its newest fetch for ``year`` finished; when the agency's newest
    change-notice fetch for ``year`` finished). Two queries: the finished fetch jobs (their
    parameters name year, mode and clients) and the orders of theirs that were not answered."""
    from byraa.core.store.models_jobs import Job, JobItem
    from byraa.core.taxcards.fetch import JOB_KIND as TAXCARD_FETCH

    jobs: dict[int, tuple[datetime, str, list[int]]] = {}
    for job_id, finished_at, params in session.execute(
            select(col(Job.id), col(Job.finished_at), col(Job.params))
            .where(col(Job.kind) == TAXCARD_FETCH, col(Job.status) == "done", col(Job.finished_at).is_not(None))):
        assert job_id is not None and finished_at is not None  # a stored job, and the query keeps finished ones
        p = json.loads(params or "{}")
        if p.get("year") == year:
            jobs[job_id] = (finished_at, str(p.get("mode", "all")), [int(c) for c in p.get("clients", [])])
    if not jobs:
        return {}, None
    # An order that failed (or was cancelled) inside a finished job leaves its clients unfetched.
    unanswered: dict[int, set[int]] = defaultdict(set)
    for job_id, payload in session.execute(
            select(col(JobItem.job_id), col(JobItem.payload))
            .where(col(JobItem.job_id).in_(list(jobs)), col(JobItem.state) != "done")):
        unanswered[job_id].update(int(c) for c in (json.loads(payload or "{}").get("client_ids") or {}).values())
    last: dict[int, datetime] = {}
    change_run: datetime | None = None
    for job_id, (finished_at, mode, clients) in jobs.items():
        if mode == "changes" and (change_run is None or finished_at > change_run):
            change_run = finished_at
        for client_id in clients:
            if client_id not in unanswered[job_id] and (client_id not in last or finished_at > last[client_id]):
                last[client_id] = finished_at
    return last, change_run
