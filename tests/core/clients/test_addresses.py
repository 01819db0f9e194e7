"""Address comparison: employees vs the population register, sub-units vs Enhetsregisteret."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from byraa.core.base.errors import AccessDenied
from byraa.core.clients import addresses
from byraa.core.store.models import AuditEvent, Employee, SubUnit
from tests.builders import nid, org, small_agency
from tests.core.altinn.test_altinn_fixtures import make_rig

MUNICIPALITIES = ("Oslo", "Bergen", "Trondheim", "Tromsø")


@pytest.fixture
def agency(store):  # noqa: ANN201
    small = small_agency(store)
    client_id = small.clients["A"]
    with store.session() as s:
        for n in range(20):
            s.add(Employee(client_id=client_id, national_id=nid(100 + n), name=f"Ansatt {n:02d}",
                           address=f"Storgata {n + 1}", postal_code="0150", city="Oslo"))
        for n in range(8):
            s.add(SubUnit(client_id=client_id, org_number=org(40 + n), name=f"Avdeling {n}",
                          municipality=MUNICIPALITIES[n % 4], aga_zone="1"))
    return small


async def _compare(store, small, tmp_path: Path) -> addresses.Comparison:  # noqa: ANN001
    rig = make_rig(tmp_path, store=store)
    async with rig.client() as altinn:
        return await addresses.compare(store, small.who(), org(1), altinn)


async def test_without_register_access_only_the_sub_units_are_compared(agency, store, tmp_path: Path) -> None:
    result = await _compare(store, agency, tmp_path)
    assert result.register is False and result.people == [] and result.people_checked == 0
    assert result.units_checked == 9  # the builder's sub-unit and eight more


async def test_differences_are_listed_and_a_moved_municipality_flags_the_zone(agency, store, tmp_path: Path) -> None:
    from byraa.sandbox import data

    assert addresses.set_population_register(store, agency.who(), True) is True
    result = await _compare(store, agency, tmp_path)
    with store.session() as s:
        people = list(s.scalars(select(Employee).where(Employee.client_id == agency.clients["A"],
                                                       Employee.address.is_not(None))))
        units = list(s.scalars(select(SubUnit).where(SubUnit.client_id == agency.clients["A"])))
    # What the register says, person by person, read straight from its answer.
    view = data.StoreView(store)
    expected_people = set()
    for e in people:
        answer = data.address(e.national_id, view)
        if (answer["adresse"], answer["postnummer"], answer["poststed"].casefold()) != \
                (e.address, e.postal_code, (e.city or "").casefold()):
            expected_people.add(e.national_id)
    assert result.people_checked == 20
    assert {p.national_id for p in result.people} == expected_people
    assert 0 < len(expected_people) < 20  # some moved, most did not
    moved = next(p for p in result.people if p.national_id in expected_people)
    assert moved.register is not None and moved.fields and moved.payroll[0].startswith("Storgata")
    expected_units = set()
    for u in units:
        answer = data.sub_unit(u.org_number, view)
        if u.municipality and answer["beliggenhetsadresse"]["kommune"].casefold() != u.municipality.casefold():
            expected_units.add(u.org_number)
    assert {x.org_number for x in result.units} == expected_units and expected_units
    assert all(x.zone_check and x.aga_zone == "1" and x.register_address for x in result.units)
    # Lookups are audited; national ids are masked in the rows unless asked.
    with store.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "addresses.compare")).first()
    assert event is not None
    flat = addresses.rows(result)
    assert not any(p.national_id in str(flat) for p in result.people)
    assert {r["kind"] for r in flat} == {"person", "sub_unit"}


def test_only_a_manager_sets_the_register_access(agency, store) -> None:
    from byraa.core.agency.identity import resolve

    with pytest.raises(AccessDenied):
        addresses.set_population_register(store, resolve(store, "clerk"), True)
    assert addresses.population_register(store) is False

