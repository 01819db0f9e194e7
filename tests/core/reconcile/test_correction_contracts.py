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
