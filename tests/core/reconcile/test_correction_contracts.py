"""The correction a-melding follows the v2_3 model, and the sandbox refuses the old shape."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from byraa.core.base.errors import UserError
from byraa.core.reconcile import runs as reconcile
from tests.builders import nid, org
from tests.core.altinn.test_altinn_fixtures import make_rig
from tests.core.reconcile.test_corrections import _rig, _submit, queued  # noqa: F401  (fixture)


def _receivers(leveranse: dict) -> list[dict]:
    return [r for u in leveranse["oppgave"]["virksomhet"] for r in u["inntektsmottaker"]]


def test_a_receiver_with_a_national_id_has_no_identifying_block(store, queued, tmp_path: Path) -> None:  # noqa: ANN001, F811
    small, correction = queued
    [sent] = _submit(store, small.who(), _rig(store, tmp_path))
    assert sent.status == "accepted"
    for receiver in _receivers(correction.payload["leveranse"]):
        assert receiver["norskIdentifikator"] and "identifiserendeInformasjon" not in receiver


def test_without_a_national_id_name_and_birth_date_go_together() -> None:
    assert reconcile.receiver_identity(nid(1), "Kari Nordmann") == {"norskIdentifikator": nid(1)}
    assert reconcile.receiver_identity(None, "Kari Nordmann", date(1990, 1, 2)) == {
        "identifiserendeInformasjon": {"navn": "Kari Nordmann", "foedselsdato": "1990-01-02"}}
    with pytest.raises(UserError) as err:
        reconcile.receiver_identity(None, "Kari Nordmann")
    assert err.value.code == "amelding.receiver_unidentified"


async def test_sandbox_refuses_a_name_without_birth_date(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        bearer = await c.maskinporten_token("skatteetaten:innrapporteringamelding")
    leveranse = {"kalendermaaned": "2026-10", "meldingsId": "m1", "opplysningspliktig": {"norskIdentifikator": org(1)},
                 "oppgave": {"virksomhet": [{"norskIdentifikator": org(2), "inntektsmottaker": [
                     {"norskIdentifikator": nid(1), "identifiserendeInformasjon": {"navn": "Kari Nordmann"}}]}]}}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=rig.app), base_url="http://sandbox") as h:
        old = await h.post(f"/v1/innsending/2026-10/{org(1)}", params={"idempotencyKey": "k1"},
                           json={"leveranse": leveranse}, headers={"Authorization": f"Bearer {bearer}"})
        del leveranse["oppgave"]["virksomhet"][0]["inntektsmottaker"][0]["identifiserendeInformasjon"]
        new = await h.post(f"/v1/innsending/2026-10/{org(1)}", params={"idempotencyKey": "k2"},
                           json={"leveranse": leveranse}, headers={"Authorization": f"Bearer {bearer}"})
    assert old.status_code == 400 and old.json()["kode"] == "AMLD_010"
    assert "foedselsdato" in old.json()["melding"]
    assert new.status_code == 201


# --- The correction replaces the month's a-melding ------------------------------------------------


def test_a_correction_replaces_the_imported_month_with_the_whole_content(store, queued, tmp_path: Path) -> None:  # noqa: ANN001, F811
    from sqlalchemy import select

    from byraa.core.store.models_reconcile import ReconSource

    small, correction = queued
    with store.session() as s:
        imported = s.scalars(select(ReconSource).where(ReconSource.kind == "amelding", ReconSource.period == "2026-10",
                                                       ReconSource.active.is_(True))).all()
    [source] = [x for x in imported if x.client_id == small.clients["A"]]
    leveranse = correction.payload["leveranse"]
    assert leveranse["erstatterMeldingsId"] == source.message_id
    assert leveranse["meldingsId"] != source.message_id
    receivers = _receivers(leveranse)
    assert len(receivers) > 1  # the whole month, not one employment
    assert nid(41) in {r["norskIdentifikator"] for r in receivers}
    assert correction.national_id == nid(41)
    rig = _rig(store, tmp_path)
    [sent] = _submit(store, small.who(), rig)
    body = next(iter(rig.state.submissions.values()))["leveranse"]
    assert body["erstatterMeldingsId"] == source.message_id and len(_receivers(body)) == len(receivers)


def test_a_second_correction_replaces_the_first(store, queued) -> None:  # noqa: ANN001, F811
    small, first = queued
    who = small.who()
    run = reconcile.run(store, who, org(1), "2026-10", checks=["employments"])
    rows = [r for r in reconcile.rows(store, who, run.id, differences_only=True)
            if r.check == "employments" and r.national_id != nid(41)]
    if not rows:
        pytest.skip("the scenario has one employment difference only")
    try:
        second = reconcile.send_payroll(store, who, run.id, rows[0].id)
    except UserError:
        pytest.skip("that difference cannot be sent from payroll")
    assert second.payload["leveranse"]["erstatterMeldingsId"] == first.payload["leveranse"]["meldingsId"]


def test_a_month_never_imported_is_refused_with_a_clear_line(store, tmp_path: Path) -> None:
    from sqlalchemy import update

    from byraa.core.store.models_reconcile import ReconSource
    from tests.data.reconcile import scenario

    small = scenario.build(store, tmp_path)
    who = small.who()
    run = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["employments"])
    row = next(r for r in reconcile.rows(store, who, run.id, differences_only=True) if r.national_id == nid(41))
    with store.session() as s:
        s.execute(update(ReconSource).where(ReconSource.kind == "amelding").values(active=False))
    with pytest.raises(UserError) as err:
        reconcile.send_payroll(store, who, run.id, row.id)
    assert err.value.code == "correction.no_imported_amelding"
    assert scenario.PERIOD in str(err.value) and org(1) in str(err.value)


def test_xml_becomes_the_json_model_with_lists_and_numbers() -> None:
    from byraa.core.reconcile.replacement import leveranse_from_xml
    from tests.data.reconcile import build as b

    message = b.amelding(org(1), "2026-10", [b.unit(org(2), [b.recipient(nid(1), "Kari", incomes=[b.income("100.50")])],
                                                   aga=[("1", "100.50", 14.1)])], message_id="m9")
    leveranse = leveranse_from_xml(b.to_xml(message))
    assert leveranse["meldingsId"] == "m9" and leveranse["kalendermaaned"] == "2026-10"
    [unit] = leveranse["oppgave"]["virksomhet"]
    [person] = unit["inntektsmottaker"]
    assert person["norskIdentifikator"] == nid(1) and isinstance(person["arbeidsforhold"], list)
    assert person["inntekt"][0]["beloep"] == 100.5 and person["inntekt"][0]["utloeserArbeidsgiveravgift"] is True
    assert unit["arbeidsgiveravgift"]["loennOgGodtgjoerelse"][0]["sone"] == "1"
