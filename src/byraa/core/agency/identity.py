"""Who is running byraa: a login that the person cannot simply claim, mapped to a staff user.

- PostgreSQL: the database's own authentication decides. Each person connects as their
  own role (peer authentication over the Unix socket maps the OS login to the role of the
  same name), and byraa reads ``current_user``; ``USER``/``BYRAA_USER`` change nothing.
  A session as the schema's owner (or a superuser) is the administrator's: it can rewrite
  every table anyway, so its claimed login is honoured (setup, scripts, the test suite).
- A SQLite file owned by the OS user running byraa: no one else can reach the data, so
  ``BYRAA_USER`` (tests, trying the demo as a clerk) or ``$USER`` is honoured.
- A SQLite file owned by someone else: the OS login of the process's real uid.
- The demo (a database built by ``byraa demo``): ``BYRAA_USER``/``$USER``, to try it as
  any of its staff.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlmodel import col

from byraa.core.base.errors import AccessDenied
from byraa.core.store import Store
from byraa.core.store.models import AuditEvent, StaffUser


class Deactivated(AccessDenied):
    """The login belongs to a staff user an agency manager has deactivated."""


def _claimed_login() -> str:
    return os.environ.get("BYRAA_USER") or os.environ.get("USER") or getpass.getuser()


def _os_login() -> str:
    """The login of the real uid: what ``$USER`` cannot change."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry (containers)
        return str(os.getuid())


_WHO_SQL = """
SELECT current_user,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       OR coalesce(pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = to_regclass('agency')),
                               'MEMBER'), false)
"""
"""Who the session is, and whether it owns the schema (or is a superuser)."""


def _is_demo(store: Store) -> bool:
    with store.session() as session:
        return session.scalars(
            select(col(AuditEvent.id)).where(col(AuditEvent.action) == "demo.build").limit(1)).first() is not None


def current_login(store: Store | None = None) -> str:
    """The login byraa acts as on ``store`` (without a store: the claimed login, for a new demo)."""
    if store is None:
        return _claimed_login()
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            user, administers = conn.execute(text(_WHO_SQL)).one()
        return _claimed_login() if administers or _is_demo(store) else str(user)
    path = store.sqlite_path
    if path is None or not path.exists() or path.stat().st_uid == os.getuid() or _is_demo(store):
        return _claimed_login()
    return _os_login()


@dataclass(frozen=True)
class Identity:
    """The staff user behind this process."""

    user_id: int
    login: str
    name: str
    role: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def resolve(store: Store, login: str | None = None) -> Identity:
    """The active staff user for ``login`` (default: who this process is on ``store``), or a refusal."""
    login = login or current_login(store)
    with store.session() as session:
        user = session.scalars(select(StaffUser).where(col(StaffUser.login) == login)).first()
    if user is None:
        raise AccessDenied("staff.unknown_login", login=login)
    if not user.active:
        raise Deactivated("staff.deactivated", login=login)
    assert user.id is not None
    return Identity(user.id, user.login, user.name, user.role)
