"""A client's details: name, pay day, bank accounts and contact fields, read and changed.

Every edit path (``byraa clients add``/``edit``, the client detail screen's edit dialog)
goes through ``clean_fields``, so a bad account number, postal code, phone number or
e-mail address is refused the same way everywhere: one message naming the field and the
value, nothing stored. Changing a client is an agency manager's job, audited with the
values before and after.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import contact, ids
from byraa.core.base.errors import NotFound, UserError
from byraa.core.base.text import has_controls
from byraa.core.store import Store
from byraa.core.store.models import Client

FIELDS = ("bank_account", "tax_deduction_account", "address", "postal_code", "city", "phone", "email")
"""The optional fields, in the order forms show them."""

_LENGTHS = {"address": 200, "city": 100}


@dataclass(frozen=True)
class ClientDetails:
    id: int
    org_number: str
    name: str
    pay_day: int
    bank_account: str | None = None
    tax_deduction_account: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None


def clean_fields(values: dict[str, str | None]) -> dict[str, str | None]:
    """The fields of ``values`` checked and in stored form; an empty text clears a field.

    Raises ``UserError`` for the first invalid field, naming it and the value given.
    """
    out: dict[str, str | None] = {}
    for field in FIELDS:
        if field not in values:
            continue
        raw = values[field]
        value = (raw or "").strip()
        if not value:
            out[field] = None
            continue
        if has_controls(value):
            raise UserError("name.controls", name=repr(value)[:60])
        if field in ("bank_account", "tax_deduction_account"):
            if reason := ids.bank_account_error(value):
                if field == "bank_account":
                    raise UserError("client.bad_bank_account", account=value, reason=reason)
                raise UserError("client.bad_tax_account", account=value, reason=reason)
            value = contact.normal_account(value)
        elif field == "postal_code":
            if reason := contact.postal_code_error(value):
                raise UserError("client.bad_postal_code", value=value, reason=reason)
        elif field == "phone":
            if reason := contact.phone_error(value):
                raise UserError("client.bad_phone", value=value, reason=reason)
            value = contact.normal_phone(value)
        elif field == "email":
            if reason := contact.email_error(value):
                raise UserError("client.bad_email", value=value, reason=reason)
        elif len(value) > _LENGTHS[field]:
            raise UserError("client.field_too_long", value=value[:40], max=_LENGTHS[field])
        out[field] = value
    return out


def _details(client: Client) -> ClientDetails:
    return ClientDetails(client.id or 0, client.org_number, client.name, client.pay_day,
                         **{field: getattr(client, field) for field in FIELDS})


def _find(session: Session, org_number: str) -> Client:
    org_number = org_number.replace(" ", "")
    client = session.scalars(select(Client).where(col(Client.org_number) == org_number)).first()
    if client is None:
        if reason := ids.org_number_error(org_number):
            raise NotFound("client.not_found_invalid", org=org_number, reason=reason)
        raise NotFound("client.not_found", org=org_number)
    return client


def get(store: Store, who: Identity, *, client_id: int | None = None, org_number: str | None = None) -> ClientDetails:
    """One client's details (by id or org number); needs access to the client."""
    with store.session() as session:
        if client_id is not None:
            client = session.get(Client, client_id)
            if client is None:
                raise NotFound("client.id_not_found", id=client_id)
        else:
            client = _find(session, org_number or "")
        access.require_client(session, who, client.id or 0, f"{client.org_number} {client.name}")
        return _details(client)


def update(store: Store, who: Identity, *, client_id: int | None = None, org_number: str | None = None,
           name: str | None = None, pay_day: int | None = None,
           fields: dict[str, str | None] | None = None) -> ClientDetails:
    """Change a client's name, pay day and fields (agency managers); audited before/after."""
    access.require_manager(who, "change a client's details")
    changes: dict[str, object] = dict(clean_fields(fields or {}))
    if name is not None:
        if not name.strip() or len(name) > 200:
            raise UserError("client.bad_name")
        if has_controls(name):
            raise UserError("name.controls", name=repr(name)[:60])
        changes["name"] = name.strip()
    if pay_day is not None:
        if not 1 <= pay_day <= 31:
            raise UserError("client.bad_pay_day", day=pay_day)
        changes["pay_day"] = pay_day
    with store.session() as session:
        if client_id is not None:
            client = session.get(Client, client_id)
            if client is None:
                raise NotFound("client.id_not_found", id=client_id)
        else:
            client = _find(session, org_number or "")
        before = asdict(_details(client))
        changed = {k: v for k, v in changes.items() if getattr(client, k) != v}
        for key, value in changed.items():
            setattr(client, key, value)
        if changed:
            session.flush()
            audit.record(session, actor=who.login, action="client.edit", entity="client", entity_id=client.id,
                         client_id=client.id, before={k: before[k] for k in changed}, after=changed)
        return _details(client)
