"""Client groups (categories for monitoring) and the pay-day board of a group.

A group is a tag, not an access right: any staff user may create one and put clients in
it ("Utbetaling 20.", "Krever oppfølging"); every change is audited. The board shows,
per client of the group and month, how far the month has come: payroll run, a-melding,
reconciliation, tax cards, who is responsible.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from byraa.core import audit, clock, periods
from byraa.core.errors import NotFound, UserError
from byraa.core.identity import Identity
from byraa.core.store import Store
from byraa.core.store.models import (
    AmeldingSubmission,
    Client,
    ClientAccess,
    ClientGroup,
    GroupMembership,
    PayrollRun,
    StaffUser,
)

SEVERITY_ORDER = ("rejection", "immediate", "guideline")
"""A-melding deviation severities, worst first: avvisning, øyeblikkelig, retningslinje."""


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    description: str | None
    clients: int


def _group(session: Session, name: str) -> ClientGroup:
    group = session.scalars(select(ClientGroup).where(ClientGroup.name == name)).first()
    if group is None:
        raise NotFound(f"no group named {name!r}")
    return group


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise UserError("a group name has 1 to 100 characters")
    return name


def list_groups(store: Store) -> list[GroupRow]:
    with store.session() as session:
        counts = dict(
            session.execute(
                select(GroupMembership.group_id, func.count(GroupMembership.client_id)).group_by(
                    GroupMembership.group_id
                )
            ).all()
        )
        return [
            GroupRow(g.id or 0, g.name, g.description, counts.get(g.id, 0))
            for g in session.scalars(select(ClientGroup).order_by(ClientGroup.name))
        ]


def create_group(store: Store, who: Identity, name: str, description: str | None = None) -> GroupRow:
    name = _clean_name(name)
    with store.session() as session:
        if session.scalars(select(ClientGroup.id).where(ClientGroup.name == name)).first():
            raise UserError(f"a group named {name!r} already exists")
        group = ClientGroup(name=name, description=description, created_at=clock.now())
        session.add(group)
        session.flush()
        audit.record(session, actor=who.login, action="group.create", entity="client_group",
                     entity_id=group.id, after={"name": name, "description": description})
        return GroupRow(group.id or 0, name, description, 0)


def rename_group(store: Store, who: Identity, name: str, new_name: str) -> None:
    new_name = _clean_name(new_name)
    with store.session() as session:
        group = _group(session, name)
        if new_name != name and session.scalars(select(ClientGroup.id).where(ClientGroup.name == new_name)).first():
            raise UserError(f"a group named {new_name!r} already exists")
        group.name = new_name
        audit.record(session, actor=who.login, action="group.rename", entity="client_group",
                     entity_id=group.id, before={"name": name}, after={"name": new_name})


def delete_group(store: Store, who: Identity, name: str) -> int:
    """Delete a group (its clients stay); returns how many memberships went with it."""
    with store.session() as session:
        group = _group(session, name)
        members = list(session.scalars(select(GroupMembership.client_id).where(GroupMembership.group_id == group.id)))
        session.execute(delete(GroupMembership).where(GroupMembership.group_id == group.id))
        session.delete(group)
        audit.record(session, actor=who.login, action="group.delete", entity="client_group",
                     entity_id=group.id, before={"name": name, "clients": sorted(members)})
        return len(members)


def _client_ids_by_org(session: Session, org_numbers: list[str]) -> list[int]:
    found = dict(session.execute(select(Client.org_number, Client.id).where(Client.org_number.in_(org_numbers))).all())
    missing = [o for o in org_numbers if o not in found]
    if missing:
        raise NotFound(f"no client with the organisation number {', '.join(missing)}")
    return [found[o] for o in org_numbers]


def add_clients(store: Store, who: Identity, name: str, *, client_ids: list[int] | None = None,
                org_numbers: list[str] | None = None) -> int:
    """Put clients in a group (already-members are skipped); returns how many were added."""
    with store.session() as session:
        group = _group(session, name)
        ids = list(client_ids or []) + _client_ids_by_org(session, list(org_numbers or []))
        present = set(session.scalars(select(GroupMembership.client_id).where(GroupMembership.group_id == group.id)))
        known = set(session.scalars(select(Client.id).where(Client.id.in_(ids))))
        if unknown := sorted(set(ids) - known):
            raise NotFound(f"no client with id {', '.join(map(str, unknown))}")
        new = sorted(set(ids) - present)
        session.add_all(GroupMembership(group_id=group.id or 0, client_id=c) for c in new)
        if new:
            audit.record(session, actor=who.login, action="group.add_clients", entity="client_group",
                         entity_id=group.id, after={"name": name, "clients": new})
        return len(new)


def remove_clients(store: Store, who: Identity, name: str, *, client_ids: list[int] | None = None,
                   org_numbers: list[str] | None = None) -> int:
    """Take clients out of a group; returns how many were members."""
    with store.session() as session:
        group = _group(session, name)
        ids = list(client_ids or []) + _client_ids_by_org(session, list(org_numbers or []))
        present = set(session.scalars(select(GroupMembership.client_id).where(GroupMembership.group_id == group.id)))
        gone = sorted(set(ids) & present)
        if gone:
            session.execute(
                delete(GroupMembership).where(GroupMembership.group_id == group.id, GroupMembership.client_id.in_(gone))
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
    """Status of the month's regular payroll run: open / frozen / posted, or None (no run)."""
    amelding_status: str | None
    """Newest a-melding for the month: accepted / rejected / pending, or None (not sent)."""
    worst_deviation: str | None
    """The worst deviation severity on that a-melding: rejection / immediate / guideline."""
    reconciliation_signed: bool | None
    """None until reconciliation runs exist in byraa (a later feature)."""
    tax_cards_current: bool | None
    """None until tax-card fetches exist in byraa (a later feature)."""

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
    period = periods.parse_period(period)
    with store.session() as session:
        group = _group(session, name)
        clients = list(
            session.scalars(
                select(Client)
                .join(GroupMembership, GroupMembership.client_id == Client.id)
                .where(GroupMembership.group_id == group.id)
                .order_by(Client.name)
            )
        )
        ids = [c.id for c in clients]
        responsible: dict[int, list[str]] = defaultdict(list)
        for client_id, login in session.execute(
            select(ClientAccess.client_id, StaffUser.login)
            .join(StaffUser, StaffUser.id == ClientAccess.user_id)
            .where(ClientAccess.client_id.in_(ids), ClientAccess.role == "responsible")
            .order_by(StaffUser.login)
        ):
            responsible[client_id].append(login)
        runs = {
            client_id: status
            for client_id, status in session.execute(
                select(PayrollRun.client_id, PayrollRun.status)
                .where(PayrollRun.client_id.in_(ids), PayrollRun.period == period, PayrollRun.kind == "regular")
                .order_by(PayrollRun.pay_date)
            )
        }
        submissions: dict[int, AmeldingSubmission] = {}
        for s in session.scalars(
            select(AmeldingSubmission)
            .where(AmeldingSubmission.client_id.in_(ids), AmeldingSubmission.period == period)
            .order_by(AmeldingSubmission.submitted_at, AmeldingSubmission.id)
        ):
            submissions[s.client_id] = s  # the newest wins
    rows, done = [], 0
    for c in clients:
        s = submissions.get(c.id or 0)
        worst = None
        if s is not None:
            counts = {"rejection": s.deviations_rejection, "immediate": s.deviations_immediate,
                      "guideline": s.deviations_guideline}
            worst = next((sev for sev in SEVERITY_ORDER if counts[sev]), None)
        row = BoardRow(c.id or 0, c.org_number, c.name, c.pay_day, tuple(responsible.get(c.id or 0, [])),
                       runs.get(c.id or 0), s.status if s else None, worst, None, None)
        done += row.done
        if not (only_open and row.done):
            rows.append(row)
    return Board(name, period, tuple(rows), len(clients), done)
