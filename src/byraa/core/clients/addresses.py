"""Address comparison (the seed's page 404, SPEC check 8) and the sub-units' municipality.

- **Employees.** Each employee's address in the payroll register (as imported from the
  payroll system's employee export) against the population register, where the agency
  has access to one (``register_access``, a manager's setting; the sandbox serves one).
  The register is usually right: the list tells the clerk what to correct in the payroll
  system; a person the register does not know is listed too.
- **Sub-units.** Each sub-unit's business address and municipality from
  Enhetsregisteret (open data: ``/enhetsregisteret/api/underenheter/{orgnr}``). byraa
  holds a sub-unit's municipality and its employer's-contribution (AGA) zone, not its
  street address, so the address is shown and the municipality compared; a municipality
  that differs may move the sub-unit to another AGA zone, so the row is flagged for the
  zone to be checked. Each sub-unit's answer is stored (``sub_unit_register``, replaced
  by the next comparison): the reconciliation's employer's contribution check flags the
  sub-unit from it without asking the register (``stored_units``).

Comparisons ignore case and repeated spaces. Looking people up is audited (who, which
client, how many persons); national ids leave core unmasked only to a caller that asks
(and audits a reveal).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.access import require_manager
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.store import Store
from byraa.core.store.models import Employee, SubUnit
from byraa.core.store.models_posting import RegisterAccess, SubUnitRegister
from byraa.core.words.collation import by_name

if TYPE_CHECKING:
    from byraa.core.altinn.client import AltinnClient, SubUnitEntry


def _norm(value: str | None) -> str:
    return re.sub(r"\s+", " ", (value or "").strip()).casefold()


@dataclass(frozen=True)
class PersonDifference:
    national_id: str
    name: str
    payroll: tuple[str, str, str]
    """Address, postal code, city in the payroll register."""
    register: tuple[str, str, str] | None
    """The same in the population register; None when it does not know the person."""
    fields: tuple[str, ...]
    """``address``, ``postal_code``, ``city`` that differ, or ``not_found``."""


@dataclass(frozen=True)
class UnitDifference:
    org_number: str
    name: str
    municipality: str | None
    """byraa's."""
    register_municipality: str | None
    register_municipality_number: str | None
    register_address: str
    """Business address as Enhetsregisteret has it (street, postal code and place)."""
    aga_zone: str
    fields: tuple[str, ...]
    """``municipality`` or ``not_found``."""

    @property
    def zone_check(self) -> bool:
        """Another municipality may mean another AGA zone."""
        return "municipality" in self.fields


@dataclass
class Comparison:
    client: str
    people_checked: int
    units_checked: int
    register: bool
    """The population register was asked (the agency has access to one)."""
    people: list[PersonDifference] = field(default_factory=list)
    units: list[UnitDifference] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.people and not self.units


def population_register(store: Store) -> bool:
    """Whether the agency has access to a population register."""
    with store.session() as session:
        row = session.get(RegisterAccess, 1)
        return bool(row and row.population_register)


def set_population_register(store: Store, who: Identity, on: bool) -> bool:
    """Record the agency's access to a population register (a manager's setting; audited)."""
    require_manager(who, "change the register access")
    with store.session() as session:
        row = session.get(RegisterAccess, 1) or RegisterAccess(id=1, updated_at=clock.now(), updated_by=who.login)
        before = row.population_register
        row.population_register, row.updated_at, row.updated_by = on, clock.now(), who.login
        session.add(row)
        audit.record(session, actor=who.login, action="register_access", entity="register_access", entity_id=1,
                     before={"population_register": before}, after={"population_register": on})
    return on


def _person(e: Employee, found: object | None) -> PersonDifference | None:
    payroll = (e.address or "", e.postal_code or "", e.city or "")
    if found is None:
        return PersonDifference(e.national_id, e.name, payroll, None, ("not_found",))
    register = (found.address, found.postal_code, found.city)  # type: ignore[attr-defined]
    fields = tuple(name for name, a, b in zip(("address", "postal_code", "city"), payroll, register, strict=True)
                   if _norm(a) != _norm(b))
    return PersonDifference(e.national_id, e.name, payroll, register, fields) if fields else None


def municipality_differs(ours: str | None, register: str | None) -> bool:
    """byraa's municipality is not the register's (nothing to compare when byraa has none)."""
    return bool(ours) and register is not None and _norm(ours) != _norm(register)


def _unit(u: SubUnit, found: SubUnitEntry | None) -> UnitDifference | None:
    if found is None:
        return UnitDifference(u.org_number, u.name, u.municipality, None, None, "", u.aga_zone, ("not_found",))
    f = found
    address = ", ".join(x for x in (f.address, f"{f.postal_code} {f.city}".strip()) if x)
    if not municipality_differs(u.municipality, f.municipality):
        return None
    return UnitDifference(u.org_number, u.name, u.municipality, f.municipality or None,
                          f.municipality_number or None, address, u.aga_zone, ("municipality",))


def _load(store: Store, who: Identity, org: str) -> tuple[int, list[Employee], list[SubUnit]]:
    with store.session() as session:
        client = resolve_client(session, who, org)
        assert client.id is not None
        people = by_name(session.scalars(select(Employee).where(col(Employee.client_id) == client.id,
                                                                col(Employee.address).is_not(None))))
        units = list(session.scalars(select(SubUnit).where(col(SubUnit.client_id) == client.id)
                                     .order_by(col(SubUnit.org_number))))
        session.expunge_all()
        return client.id, people, units


async def compare(store: Store, who: Identity, org: str, altinn: AltinnClient) -> Comparison:
    """The client's differences, asking the registers through ``altinn``."""
    client_id, people, units = _load(store, who, org)
    asked = population_register(store)
    found_people = await asyncio.gather(*(altinn.lookup_address(e.national_id, org_number=org) for e in people)) \
        if asked else []
    found_units = await asyncio.gather(*(altinn.lookup_sub_unit(u.org_number) for u in units))
    result = Comparison(org, len(people) if asked else 0, len(units), asked)
    if asked:
        result.people = [d for e, f in zip(people, found_people, strict=True) if (d := _person(e, f)) is not None]
    result.units = [ud for u, f in zip(units, found_units, strict=True) if (ud := _unit(u, f)) is not None]
    with store.session() as session:
        _store_units(session, who, client_id, units, found_units)
        audit.record(session, actor=who.login, action="addresses.compare", entity="client", entity_id=client_id,
                     client_id=client_id, after={"persons_looked_up": result.people_checked,
                                                 "sub_units": result.units_checked,
                                                 "differences": len(result.people) + len(result.units)})
    return result


def _store_units(session: Session, who: Identity, client_id: int, units: list[SubUnit],
                 found: list[SubUnitEntry | None]) -> None:
    """Replace each compared sub-unit's stored answer with this one."""
    if not units:
        return
    stored = {r.sub_unit_id: r for r in session.scalars(select(SubUnitRegister).where(
        col(SubUnitRegister.sub_unit_id).in_([u.id for u in units])))}
    now = clock.now()
    for u, f in zip(units, found, strict=True):
        assert u.id is not None
        row = stored.get(u.id) or SubUnitRegister(client_id=client_id, sub_unit_id=u.id, org_number=u.org_number,
                                                  compared_at=now, compared_by=who.login)
        row.org_number, row.municipality, row.found = u.org_number, u.municipality, f is not None
        row.register_municipality = (f.municipality or None) if f else None
        row.register_municipality_number = (f.municipality_number or None) if f else None
        row.compared_at, row.compared_by = now, who.login
        session.add(row)


@dataclass(frozen=True)
class StoredUnit:
    """A sub-unit's last comparison with Enhetsregisteret, against byraa's municipality now."""

    org_number: str
    municipality: str | None
    """byraa's, as the sub-unit has it now (a clerk who corrected it clears the flag)."""
    register_municipality: str | None
    register_municipality_number: str | None
    compared_at: datetime
    compared_by: str

    @property
    def zone_check(self) -> bool:
        return municipality_differs(self.municipality, self.register_municipality)


def stored_units(session: Session, client_id: int) -> dict[str, StoredUnit]:
    """Per sub-unit org number, the client's stored comparisons (no register asked)."""
    found = session.execute(select(SubUnitRegister, col(SubUnit.org_number), col(SubUnit.municipality))
                            .join(SubUnit, col(SubUnit.id) == col(SubUnitRegister.sub_unit_id))
                            .where(col(SubUnitRegister.client_id) == client_id, col(SubUnitRegister.found)))
    return {org: StoredUnit(org, now, r.register_municipality, r.register_municipality_number,
                            r.compared_at, r.compared_by) for r, org, now in found}


def compare_client(store: Store, who: Identity, org: str) -> Comparison:
    """``compare`` over the client's Altinn connection (its own or the agency's)."""
    from byraa.core.altinn import connection
    from byraa.core.altinn.errors import AltinnError

    try:
        return connection.run_for_client(store, who, org, lambda altinn: compare(store, who, org, altinn))
    except AltinnError as exc:
        raise UserError("addresses.register_failed", client=org, reason=str(exc)) from None


def rows(result: Comparison, *, unmasked: bool = False) -> list[dict[str, object]]:
    """One flat row per difference, for CSV/XLSX/JSON (persons first, then sub-units)."""
    from byraa.core.base import ids

    out: list[dict[str, object]] = []
    for p in result.people:
        out.append({"kind": "person", "id": p.national_id if unmasked else ids.mask_national_id(p.national_id),
                    "name": p.name, "payroll": " ".join(x for x in p.payroll if x),
                    "register": " ".join(x for x in p.register if x) if p.register else None,
                    "fields": list(p.fields), "aga_zone": None, "zone_check": False})
    for u in result.units:
        out.append({"kind": "sub_unit", "id": u.org_number, "name": u.name, "payroll": u.municipality,
                    "register": ", ".join(x for x in (u.register_address, u.register_municipality) if x) or None,
                    "fields": list(u.fields), "aga_zone": u.aga_zone, "zone_check": u.zone_check})
    return out
