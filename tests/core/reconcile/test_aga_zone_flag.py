"""The employer's contribution check flags a sub-unit whose municipality in Enhetsregisteret
(its last stored comparison) is not byraa's; no stored comparison, no flag."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from byraa.core.base.errors import UserError
from byraa.core.clients import addresses
from byraa.core.reconcile import runs as reconcile
from byraa.core.store.models import SubUnit
from byraa.core.store.models_posting import SubUnitRegister
from byraa.core.store.models_reconcile import ReconAga, ReconSource
from byraa.core.words.labels import field_name
from tests.builders import org
from tests.core.altinn.test_altinn_fixtures import make_rig
from tests.data.reconcile import scenario

CANDIDATES = range(40, 48)


@pytest.fixture
def setup(store, tmp_path: Path):  # noqa: ANN201
    """Scenario A plus eight sub-units in Narvik; one the register moved and one it kept
    carry the month's AGA on both sides: (small, moved org, kept org, register's place)."""
    from byraa.sandbox import data

    small = scenario.build(store, tmp_path)
    client_id = small.clients["A"]
    with store.session() as s:
        for n in CANDIDATES:
            s.add(SubUnit(client_id=client_id, org_number=org(n), name=f"Avdeling {n}", municipality="Narvik"))
    view = data.StoreView(store)
    places = {org(n): data.sub_unit(org(n), view)["beliggenhetsadresse"] for n in CANDIDATES}
    moved = next(o for o, p in places.items() if p["kommune"] != "NARVIK")
    kept = next(o for o, p in places.items() if p["kommune"] == "NARVIK")
    with store.session() as s:
        sources = {src.kind: src.id for src in s.scalars(select(ReconSource).where(
            ReconSource.client_id == client_id, ReconSource.period == scenario.PERIOD, ReconSource.active,
            ReconSource.kind.in_(("amelding", "a07"))))}
        for unit in (moved, kept):
            for kind, side in (("amelding", "payroll"), ("a07", "a07")):
                s.add(ReconAga(source_id=sources[kind], client_id=client_id, period=scenario.PERIOD, side=side,
                               sub_unit=unit, zone="1", basis=10_000_00, rate=14.1, amount=1_410_00))
    return small, moved, kept, places[moved]


async def _compare(store, small, tmp_path: Path) -> addresses.Comparison:  # noqa: ANN001
    rig = make_rig(tmp_path, store=store)
    async with rig.client() as altinn:
        return await addresses.compare(store, small.who(), org(1), altinn)


def _zone_rows(store, small, run_id: int) -> list[reconcile.RowView]:  # noqa: ANN001
    return [r for r in reconcile.rows(store, small.who(), run_id, check="aga") if r.field.startswith("check zone")]


async def test_a_moved_municipality_flags_exactly_that_sub_unit(store, setup, tmp_path: Path) -> None:  # noqa: ANN001
    small, moved, kept, place = setup
    who = small.who()
    # No comparison stored yet: no flag and no error.
    before = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["aga"])
    assert _zone_rows(store, small, before.id) == []

    result = await _compare(store, small, tmp_path)
    assert moved in {u.org_number for u in result.units} and kept not in {u.org_number for u in result.units}
    with store.session() as s:
        stored = {r.org_number: r for r in s.scalars(select(SubUnitRegister))}
    assert len(stored) == result.units_checked and stored[moved].compared_by == "tester"
    assert (stored[moved].municipality, stored[moved].register_municipality) == ("Narvik", place["kommune"])

    run = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["aga"])
    flagged = _zone_rows(store, small, run.id)
    assert [(r.key, r.status, r.payroll) for r in flagged] == [(f"{moved} zone 1", "differs", "Narvik")]
    register = f"{place['kommunenummer']} {place['kommune'].title()}"
    assert field_name(flagged[0].field) == f"kommune i Enhetsregisteret: {register}, lønn: Narvik — kontroller sonen"
    # The sub-unit's amounts agree; only the flag is the difference, and it blocks sign-off until explained.
    assert all(r.status == "equal" for r in reconcile.rows(store, who, run.id, check="aga")
               if r.key == f"{moved} zone 1" and r.field in ("basis", "amount"))
    for r in reconcile.rows(store, who, run.id, differences_only=True):
        if r.id != flagged[0].id:
            reconcile.explain(store, who, run.id, r.id, "kjent")
    with pytest.raises(UserError, match="uten forklaring"):
        reconcile.sign_off(store, who, run.id, status="explained")
    reconcile.explain(store, who, run.id, flagged[0].id, "Sonen er kontrollert, fortsatt sone 1")
    assert reconcile.sign_off(store, who, run.id, status="explained").signed

    # byraa's municipality corrected to the register's: the next run has no flag.
    with store.session() as s:
        s.execute(update(SubUnit).where(SubUnit.org_number == moved).values(municipality=place["kommune"].title()))
    again = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["aga"])
    assert _zone_rows(store, small, again.id) == []


async def test_a_second_comparison_replaces_the_stored_one(store, setup, tmp_path: Path) -> None:  # noqa: ANN001
    small, *_ = setup
    first = await _compare(store, small, tmp_path)
    await _compare(store, small, tmp_path)
    with store.session() as s:
        rows = list(s.scalars(select(SubUnitRegister)))
    assert len(rows) == first.units_checked == len({r.sub_unit_id for r in rows})


async def test_the_command_line_shows_the_flag(store, setup, tmp_path: Path,  # noqa: ANN001
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from click.testing import CliRunner

    from byraa.cli.main import main

    small, moved, kept, place = setup
    await _compare(store, small, tmp_path)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    monkeypatch.setenv("BYRAA_USER", "tester")
    args = ["reconcile", "--client", org(1), "--period", scenario.PERIOD, "--check", "aga", "--no-save"]
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    flags = [r for r in json.loads(result.output)["rows"] if r["field"].startswith("check zone")]
    register = f"{place['kommunenummer']} {place['kommune'].title()}"
    assert [(r["key"], r["field"], r["status"]) for r in flags] == [
        (f"{moved} zone 1", f"check zone: register {register}, payroll Narvik", "differs")]
    table = CliRunner().invoke(main, args, catch_exceptions=False)
    # The table speaks the user's language (bokmål here); JSON above keeps the code.
    assert f"kommune i Enhetsregisteret: {register}, lønn: Narvik — kontroller sonen" in table.output
    assert kept not in table.output.split("kontroller sonen")[1]
