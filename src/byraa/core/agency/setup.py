"""The agency itself: whether one exists yet, and setting up a real (non-demo) one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.base import clock, ids
from byraa.core.base.errors import UserError
from byraa.core.store import Store
from byraa.core.store.models import Agency, StaffUser


@dataclass(frozen=True)
class AgencyInfo:
    name: str
    org_number: str
    staff: int


def info(store: Store) -> AgencyInfo | None:
    """The agency in this database, or ``None`` for an empty one (show how to start)."""
    with store.session() as session:
        agency = session.scalars(select(Agency)).first()
        staff = session.scalar(select(func.count(col(StaffUser.id)))) or 0
    if agency is None:
        return None
    return AgencyInfo(agency.name, agency.org_number, staff)


def initialise(store: Store, *, name: str, org_number: str, login: str, user_name: str) -> AgencyInfo:
    """Create the agency and make ``login`` its first agency manager (only on an empty database)."""
    if reason := ids.org_number_error(org_number):
        raise UserError("org.invalid", org=org_number, reason=reason)
    if not name.strip():
        raise UserError("agency.no_name")
    with store.session() as session:
        if session.scalars(select(Agency)).first() or session.scalars(select(StaffUser)).first():
            raise UserError("agency.exists")
        now = clock.now()
        session.add(Agency(name=name.strip(), org_number=org_number, created_at=now))
        session.add(StaffUser(login=login, name=user_name.strip() or login, role="manager", created_at=now))
        audit.record(session, actor=login, action="agency.init", entity="agency",
                     after={"name": name.strip(), "org_number": org_number, "manager": login})
    return AgencyInfo(name.strip(), org_number, 1)
