"""Who may see which lines of the payroll extract (the seed's pages 406/406D).

A manager gives a staff user intervals of accounts, departments or pay types, one
interval per row: ``from`` ≤ ``to``, no two intervals of the same user and kind with the
same ``from``, and no two that overlap. Two agency switches turn the checks on:

- account control: a line is shown only when its account lies in one of the user's
  account intervals or its pay type in one of the user's pay-type intervals;
- department control: a line is shown only when its department lies in one of the
  user's department intervals (a line without a department is never shown, as in the
  seed: accounts without a place code cannot be seen).

With a switch off its check is not made. Managers set the rights and are not limited by
them. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.access import require_manager
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import NotFound, UserError
from byraa.core.store import Store
from byraa.core.store.models import StaffUser
from byraa.core.store.models_posting import EXTRACT_KINDS, ExtractControl, ExtractRight
from byraa.core.words.posting import extract_kind


def sort_key(value: str) -> tuple[int, int, str]:
    """Account numbers compare as numbers (``900`` < ``1100``), anything else as text."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


@dataclass(frozen=True)
class Right:
    id: int
    login: str
    kind: str
    low: str
    high: str

    def covers(self, value: str) -> bool:
        return sort_key(self.low) <= sort_key(value) <= sort_key(self.high)


@dataclass(frozen=True)
class Control:
    account_control: bool
    department_control: bool


def _value(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 20 or not value.replace(".", "").replace("-", "").isalnum():
        raise UserError("extract.right_bad_value", value=repr(value[:30]))
    return value


def rights(store: Store, who: Identity, login: str | None = None) -> list[Right]:
    """The rights of ``login`` (all users' when None); a clerk sees only their own."""
    if not who.is_manager:
        login = who.login
    with store.session() as session:
        query = select(ExtractRight, col(StaffUser.login)).join(StaffUser, col(StaffUser.id) == col(ExtractRight.user_id))
        if login is not None:
            query = query.where(col(StaffUser.login) == login)
        rows = session.execute(query).all()
    out = [Right(r.id or 0, user, r.kind, r.low, r.high) for r, user in rows]
    return sorted(out, key=lambda r: (r.login, EXTRACT_KINDS.index(r.kind), sort_key(r.low)))


def add_right(store: Store, who: Identity, login: str, kind: str, low: str, high: str) -> Right:
    """Give ``login`` one more interval; refused when it is reversed or meets one of theirs."""
    require_manager(who, "change extract rights")
    if kind not in EXTRACT_KINDS:
        raise UserError("extract.right_bad_kind", kind=kind, kinds=", ".join(EXTRACT_KINDS))
    low, high = _value(low), _value(high)
    if sort_key(low) > sort_key(high):
        raise UserError("extract.right_reversed", low=low, high=high)
    with store.session() as session:
        user = session.scalars(select(StaffUser).where(col(StaffUser.login) == login)).first()
        if user is None:
            raise NotFound("staff.unknown_login", login=login)
        existing = list(session.scalars(select(ExtractRight).where(
            col(ExtractRight.user_id) == user.id, col(ExtractRight.kind) == kind).with_for_update()))
        for other in existing:
            if other.low == low:
                raise UserError("extract.right_same_from", login=login, kind=extract_kind(kind), low=low)
            if sort_key(other.low) <= sort_key(high) and sort_key(low) <= sort_key(other.high):
                raise UserError("extract.right_overlap", login=login, kind=extract_kind(kind), low=low, high=high,
                                other=f"{other.low}–{other.high}")
        assert user.id is not None
        row = ExtractRight(user_id=user.id, kind=kind, low=low, high=high, created_at=clock.now(),
                           created_by=who.login)
        session.add(row)
        session.flush()
        audit.record(session, actor=who.login, action="extract.right.add", entity="extract_right", entity_id=row.id,
                     after={"login": login, "kind": kind, "from": low, "to": high})
        return Right(row.id or 0, login, kind, low, high)


def remove_right(store: Store, who: Identity, right_id: int) -> None:
    require_manager(who, "change extract rights")
    with store.session() as session:
        row = session.get(ExtractRight, right_id)
        if row is None:
            raise NotFound("extract.right_not_found", id=right_id)
        user = session.get(StaffUser, row.user_id)
        audit.record(session, actor=who.login, action="extract.right.remove", entity="extract_right",
                     entity_id=right_id, before={"login": user.login if user else None, "kind": row.kind,
                                                 "from": row.low, "to": row.high})
        session.delete(row)


def control(store: Store) -> Control:
    with store.session() as session:
        row = session.get(ExtractControl, 1)
        return Control(bool(row and row.account_control), bool(row and row.department_control))


def set_control(store: Store, who: Identity, *, account_control: bool | None = None,
                department_control: bool | None = None) -> Control:
    """Turn the agency's checks on or off (a manager's decision; audited)."""
    require_manager(who, "change extract rights")
    with store.session() as session:
        row = session.get(ExtractControl, 1) or ExtractControl(id=1, updated_at=clock.now(), updated_by=who.login)
        before = {"account_control": row.account_control, "department_control": row.department_control}
        if account_control is not None:
            row.account_control = account_control
        if department_control is not None:
            row.department_control = department_control
        row.updated_at, row.updated_by = clock.now(), who.login
        session.add(row)
        audit.record(session, actor=who.login, action="extract.control", entity="extract_control", entity_id=1,
                     before=before, after={"account_control": row.account_control,
                                           "department_control": row.department_control})
    return control(store)
