"""Staff administration: add a user, correct a name, change a role, deactivate and reactivate
(managers only).

Every change is audited in the same transaction. Two rules keep the agency workable:
the last active agency manager can be neither deactivated nor demoted, and nobody takes
away their own role or access. The acting manager is re-read from the store, so a
session opened before its user was demoted or deactivated cannot change staff any more.
The active managers are read ``FOR UPDATE`` (PostgreSQL; SQLite has one writer at a time)
so two managers demoting each other at the same moment cannot leave the agency without one.
"""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit, audit_chain
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.store import Store
from byraa.core.store.models import ROLES, StaffUser

_LOGIN = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""What an OS login looks like (the login is matched against ``$USER``)."""


def find_user(session: Session, login: str) -> StaffUser:
    user = session.scalars(select(StaffUser).where(col(StaffUser.login) == login)).first()
    if user is None:
        raise NotFound("staff.not_found", login=login)
    return user


def _acting_manager(session: Session, who: Identity) -> list[str]:
    """Refuse unless ``who`` is an active agency manager as the store knows it now.

    Returns the logins of the active managers, read ``FOR UPDATE`` in one statement (a
    fixed order, so two changes never deadlock) and held until commit: a concurrent
    change of a manager waits and then sees this one's result.
    """
    if not who.is_manager:
        raise AccessDenied("staff.managers_only", login=who.login)
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite begins a transaction only at the first write, so reads would not be
        # serialised: a no-op write takes SQLite's single write lock before we read.
        session.execute(update(StaffUser).where(col(StaffUser.login) == who.login).values(active=col(StaffUser.active)))
    managers = list(session.scalars(
        select(col(StaffUser.login)).where(col(StaffUser.role) == "manager", col(StaffUser.active).is_(True))
        .order_by(col(StaffUser.id)).with_for_update()
    ))
    if who.login not in managers:
        active = session.scalar(select(col(StaffUser.active)).where(col(StaffUser.login) == who.login))
        if active:
            raise AccessDenied("staff.managers_only", login=who.login)
        raise AccessDenied("staff.deactivated", login=who.login)
    return managers


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError("staff.bad_role", role=role, roles=", ".join(ROLES))


def _keep_a_manager(managers: list[str], user: StaffUser) -> None:
    """Refuse taking ``user`` out of the active ``managers`` if no other one would remain."""
    if user.login in managers and len(managers) <= 1:
        raise UserError("staff.last_manager", login=user.login)


def _check_name(login: str, name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 200 or not name.isprintable():
        raise UserError("staff.bad_name", login=login)
    return name


def add_staff(store: Store, who: Identity, login: str, name: str, role: str = "clerk") -> None:
    """A new staff user (active) with ``role``."""
    _check_role(role)
    login = login.strip()
    if not _LOGIN.fullmatch(login):
        raise UserError("staff.bad_login", login=login)
    name = _check_name(login, name)
    with store.session() as session:
        _acting_manager(session, who)
        if session.scalars(select(col(StaffUser.id)).where(col(StaffUser.login) == login)).first():
            raise UserError("staff.exists", login=login)
        session.add(StaffUser(login=login, name=name, role=role, created_at=clock.now()))
        audit.record(session, actor=who.login, action="staff.add", entity="staff_user", entity_id=login,
                     after={"login": login, "name": name, "role": role})


def set_role(store: Store, who: Identity, login: str, role: str) -> bool:
    """Make ``login`` a clerk or a manager; ``False`` when it already was."""
    _check_role(role)
    with store.session() as session:
        audit_chain.lock(session)  # `before` is read under the lock: the state the last event left
        managers = _acting_manager(session, who)
        user = find_user(session, login)
        if user.role == role:
            return False
        _keep_a_manager(managers, user)
        if user.login == who.login:
            raise UserError("staff.not_yourself_demote")
        before = user.role
        user.role = role
        audit.record(session, actor=who.login, action="staff.role", entity="staff_user", entity_id=login,
                     before={"role": before}, after={"role": role})
        return True


def set_active(store: Store, who: Identity, login: str, active: bool) -> bool:
    """Deactivate (``active=False``) or reactivate ``login``; ``False`` when nothing changed.

    A deactivated user keeps their history and grants (the access review lists a
    leaver's grants) but ``identity.resolve`` refuses them everywhere.
    """
    with store.session() as session:
        audit_chain.lock(session)  # `before` is read under the lock: the state the last event left
        managers = _acting_manager(session, who)
        user = find_user(session, login)
        if user.active == active:
            return False
        if not active:
            _keep_a_manager(managers, user)
            if user.login == who.login:
                raise UserError("staff.not_yourself_deactivate")
        user.active = active
        audit.record(session, actor=who.login, action="staff.active", entity="staff_user", entity_id=login,
                     before={"active": not active}, after={"active": active})
        return True


def set_name(store: Store, who: Identity, login: str, name: str) -> bool:
    """Correct ``login``'s full name (a typo, a new surname, the login ``init`` used as the
    first manager's name); ``False`` when it already was that. Any user's, one's own too."""
    name = _check_name(login, name)
    with store.session() as session:
        audit_chain.lock(session)  # `before` is read under the lock: the state the last event left
        _acting_manager(session, who)
        user = find_user(session, login)
        if user.name == name:
            return False
        before = user.name
        user.name = name
        audit.record(session, actor=who.login, action="staff.name", entity="staff_user", entity_id=login,
                     before={"name": before}, after={"name": name})
        return True
