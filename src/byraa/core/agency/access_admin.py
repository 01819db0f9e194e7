"""Access administration: the staff list and per-client grants (agency managers only).

Adding staff, roles and deactivation live in ``byraa.core.agency.staff``.

Grants are one row per (user, client), written with an upsert so two sessions granting
the same user access at the same time both keep their change (no read-modify-write of
a list). Every change is audited with before and after.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access, audit, audit_chain
from byraa.core.agency.identity import Identity
from byraa.core.agency.staff import find_user
from byraa.core.base import clock
from byraa.core.base.errors import NotFound, UserError
from byraa.core.clients.lookup import find_client
from byraa.core.store import Store
from byraa.core.store.models import ACCESS_ROLES, Client, ClientAccess, StaffUser
from byraa.core.words.collation import sort_key


@dataclass(frozen=True)
class StaffRow:
    id: int
    login: str
    name: str
    role: str
    active: bool
    responsible: int
    associate: int


@dataclass(frozen=True)
class GrantRow:
    login: str
    user_name: str
    user_active: bool
    client_id: int
    org_number: str
    client_name: str
    client_status: str
    role: str


def _client_ids(session: Session, org_numbers: list[str] | None, client_ids: list[int] | None) -> list[int]:
    ids = list(client_ids or [])
    if org_numbers:
        found = {org: cid for org, cid in session.execute(
            select(col(Client.org_number), col(Client.id)).where(col(Client.org_number).in_(org_numbers)))
                 if cid is not None}  # stored rows: always a key (narrows the model's int | None)
        missing = [o for o in org_numbers if o not in found]
        if missing:
            raise NotFound("client.not_found", org=", ".join(missing))
        ids += [found[o] for o in org_numbers]
    if ids:
        known = set(session.scalars(select(col(Client.id)).where(col(Client.id).in_(ids))))
        if unknown := sorted(set(ids) - known):
            raise NotFound("client.id_not_found", id=", ".join(map(str, unknown)))
    return sorted(set(ids))


def list_staff(store: Store) -> list[StaffRow]:
    """Every staff user with how many clients they are responsible for / associate on."""
    with store.session() as session:
        counts: dict[tuple[int, str], int] = {
            (user_id, role): n
            for user_id, role, n in session.execute(
                select(col(ClientAccess.user_id), col(ClientAccess.role), func.count(col(ClientAccess.id))).group_by(
                    col(ClientAccess.user_id), col(ClientAccess.role)
                )
            )
        }
        return [
            StaffRow(u.id or 0, u.login, u.name, u.role, u.active, counts.get((u.id or 0, "responsible"), 0),
                     counts.get((u.id or 0, "associate"), 0))
            for u in sorted(session.scalars(select(StaffUser)), key=lambda u: (u.role, sort_key(u.name), u.login))
        ]


def list_grants(store: Store, *, login: str | None = None, org_number: str | None = None) -> list[GrantRow]:
    """Grants, filtered by user and/or client ("clients by user", "users by client")."""
    with store.session() as session:
        query = (
            # ClientAccess.client_id (joined to Client.id): the same number, typed int.
            select(col(StaffUser.login), col(StaffUser.name), col(StaffUser.active), col(ClientAccess.client_id),
                   col(Client.org_number), col(Client.name), col(Client.status), col(ClientAccess.role))
            .join(StaffUser, col(StaffUser.id) == col(ClientAccess.user_id))
            .join(Client, col(Client.id) == col(ClientAccess.client_id))
        )
        if login is not None:
            find_user(session, login)
            query = query.where(col(StaffUser.login) == login)
        if org_number is not None:
            find_client(session, org_number)
            query = query.where(col(Client.org_number) == org_number)
        # Client names in Norwegian order (core.words.collation), then logins.
        return [GrantRow(*row) for row in sorted(session.execute(query), key=lambda r: (sort_key(r[5]), r[0]))]


def _upsert_grant(session: Session, user_id: int, client_id: int, role: str, by: str) -> None:
    """Insert or update one grant atomically (ON CONFLICT), so concurrent grants never clash."""
    values = {"user_id": user_id, "client_id": client_id, "role": role, "granted_at": clock.now(), "granted_by": by}
    from sqlalchemy.dialects import postgresql, sqlite

    # Both dialects' insert() build the same ON CONFLICT statement; picked as a module so one
    # name does not carry two different types.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ClientAccess).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "client_id"],
        set_={"role": statement.excluded.role, "granted_at": statement.excluded.granted_at,
              "granted_by": statement.excluded.granted_by},
    )
    session.execute(statement)


def grant(store: Store, who: Identity, login: str, role: str, *, org_numbers: list[str] | None = None,
          client_ids: list[int] | None = None) -> int:
    """Give ``login`` the same ``role`` on every named client; returns how many grants changed."""
    access.require_manager(who, "change access")
    if role not in ACCESS_ROLES:
        raise UserError("staff.bad_role", role=role, roles=", ".join(ACCESS_ROLES))
    with store.session() as session:
        audit_chain.lock(session)  # `before` is read under the lock: the state the last event left
        user = find_user(session, login)
        ids = _client_ids(session, org_numbers, client_ids)
        if not ids:
            raise UserError("access.no_clients")
        before = dict(session.execute(
            select(col(ClientAccess.client_id), col(ClientAccess.role)).where(
                col(ClientAccess.user_id) == user.id, col(ClientAccess.client_id).in_(ids))
        ).all())
        changed = [c for c in ids if before.get(c) != role]
        for client_id in changed:
            _upsert_grant(session, user.id or 0, client_id, role, who.login)
            audit.record(session, actor=who.login, action="access.grant", entity="client_access",
                         entity_id=f"{login}:{client_id}", client_id=client_id,
                         before={"role": before.get(client_id)}, after={"login": login, "role": role})
        return len(changed)


def revoke(store: Store, who: Identity, login: str, *, org_numbers: list[str] | None = None,
           client_ids: list[int] | None = None, all_clients: bool = False) -> int:
    """End ``login``'s access to the named clients (or all); returns how many grants ended."""
    access.require_manager(who, "change access")
    with store.session() as session:
        audit_chain.lock(session)  # `before` is read under the lock: the state the last event left
        user = find_user(session, login)
        query = select(col(ClientAccess.client_id), col(ClientAccess.role)).where(col(ClientAccess.user_id) == user.id)
        if not all_clients:
            ids = _client_ids(session, org_numbers, client_ids)
            if not ids:
                raise UserError("access.no_clients_or_all")
            query = query.where(col(ClientAccess.client_id).in_(ids))
        ended = list(session.execute(query))
        for client_id, role in ended:
            session.execute(delete(ClientAccess).where(col(ClientAccess.user_id) == user.id,
                                                       col(ClientAccess.client_id) == client_id))
            audit.record(session, actor=who.login, action="access.revoke", entity="client_access",
                         entity_id=f"{login}:{client_id}", client_id=client_id,
                         before={"login": login, "role": role}, after=None)
        return len(ended)


def copy_access(store: Store, who: Identity, source: str, target: str) -> int:
    """Give ``target`` every grant ``source`` has (same roles); returns how many changed."""
    access.require_manager(who, "change access")
    if source == target:
        raise UserError("access.copy_same_user")
    with store.session() as session:
        src = find_user(session, source)
        grants = list(session.execute(select(col(ClientAccess.client_id), col(ClientAccess.role))
                                      .where(col(ClientAccess.user_id) == src.id)))
    by_role: dict[str, list[int]] = defaultdict(list)
    for client_id, role in grants:
        by_role[role].append(client_id)
    return sum(grant(store, who, target, role, client_ids=ids) for role, ids in sorted(by_role.items()))


# --- Access review ---------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str
    """``leaver_with_access``, ``client_without_responsible``, ``grant_on_inactive_client``,
    ``user_without_grants``."""
    login: str | None
    client_id: int | None
    org_number: str | None
    client_name: str | None
    detail: str | None = None


def review(store: Store, who: Identity) -> list[Finding]:
    """What an agency manager should tidy up in the access setup (managers only)."""
    access.require_manager(who, "review access")
    findings: list[Finding] = []
    with store.session() as session:
        for login, client_id, org, name, role in sorted(session.execute(
            select(col(StaffUser.login), col(Client.id), col(Client.org_number), col(Client.name),
                   col(ClientAccess.role))
            .join(ClientAccess, col(ClientAccess.user_id) == col(StaffUser.id))
            .join(Client, col(Client.id) == col(ClientAccess.client_id))
            .where(col(StaffUser.active).is_(False))
        ), key=lambda r: (r[0], sort_key(r[3]))):
            findings.append(Finding("leaver_with_access", login, client_id, org, name, role))
        responsible = (select(col(ClientAccess.client_id))
                       .join(StaffUser, col(StaffUser.id) == col(ClientAccess.user_id))
                       .where(col(ClientAccess.role) == "responsible", col(StaffUser.active).is_(True)))
        for client_id, org, name in sorted(session.execute(
            select(col(Client.id), col(Client.org_number), col(Client.name))
            .where(col(Client.status) != "ended", ~col(Client.id).in_(responsible))
        ), key=lambda r: sort_key(r[2])):
            findings.append(Finding("client_without_responsible", None, client_id, org, name))
        for login, client_id, org, name, role in sorted(session.execute(
            select(col(StaffUser.login), col(Client.id), col(Client.org_number), col(Client.name),
                   col(ClientAccess.role))
            .join(ClientAccess, col(ClientAccess.user_id) == col(StaffUser.id))
            .join(Client, col(Client.id) == col(ClientAccess.client_id))
            .where(col(Client.status) == "ended")
        ), key=lambda r: (sort_key(r[3]), r[0])):
            findings.append(Finding("grant_on_inactive_client", login, client_id, org, name, role))
        for (login,) in session.execute(
            select(col(StaffUser.login))
            .where(col(StaffUser.active).is_(True), col(StaffUser.role) == "clerk",
                   ~col(StaffUser.id).in_(select(col(ClientAccess.user_id))))
            .order_by(col(StaffUser.login))
        ):
            findings.append(Finding("user_without_grants", login, None, None, None))
    return findings
