"""Who is running byraa: the OS login mapped to a staff user of the agency.

Over SSH every clerk has their own login; byraa trusts the OS for authentication and
the store for authorisation. ``BYRAA_USER`` overrides ``$USER`` (tests, shared demo).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import select

from byraa.core.base.errors import AccessDenied
from byraa.core.store import Store
from byraa.core.store.models import StaffUser


class Deactivated(AccessDenied):
    """The login belongs to a staff user an agency manager has deactivated."""


def current_login() -> str:
    return os.environ.get("BYRAA_USER") or os.environ.get("USER") or getpass.getuser()


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
    """The active staff user for ``login`` (default: the current login), or a refusal."""
    login = login or current_login()
    with store.session() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.login == login)).first()
    if user is None:
        raise AccessDenied("staff.unknown_login", login=login)
    if not user.active:
        raise Deactivated("staff.deactivated", login=login)
    assert user.id is not None
    return Identity(user.id, user.login, user.name, user.role)
