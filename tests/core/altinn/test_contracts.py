"""What byraa sends matches the authorities' published contracts, and the sandbox refuses
the old, wrong behaviour. One section per contract point; each names its source."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from byraa.core.base.errors import UserError
from tests.builders import nid, org
from tests.core.altinn.test_altinn_fixtures import CONTACT_EMAIL, CONTACT_PHONE, make_rig


async def _bearer(rig, scope: str) -> str:  # noqa: ANN001
    async with rig.client() as c:
        return await c.maskinporten_token(scope)


def _order_body(**extra: object) -> dict:
    body = {"inntektsaar": "2026", "bestillingstype": "HENT_ALLE_OPPGITTE", "varslingstype": "INGEN_VARSEL",
            "forespoerselOmSkattekortTilArbeidsgiver": {"arbeidsgiver": [
                {"arbeidsgiveridentifikator": {"organisasjonsnummer": org(1)},
                 "arbeidstakeridentifikator": [nid(1)]}]}}
    body.update(extra)
    return body


# --- kontaktinformasjon on every tax-card order ---------------------------------------------


async def test_every_order_sends_the_agency_contact(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        await c.order_tax_cards({org(1): [nid(1)]}, 2026)
        await c.order_tax_cards({}, 2026, mode="changes")
    orders = [r for r in rig.recorder.requests if "bestillSkattekort" in r.url.path]
    assert [json.loads(r.content)["kontaktinformasjon"] for r in orders] == [
        {"epostadresse": CONTACT_EMAIL, "mobiltelefonummer": CONTACT_PHONE}] * 2


async def test_an_order_without_contact_is_refused_before_sending(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client(settings=rig.settings.with_(contact_email="", contact_phone="")) as c:
        with pytest.raises(UserError) as err:
            await c.order_tax_cards({org(1): [nid(1)]}, 2026)
    assert err.value.code == "taxcards.no_contact"
    assert not [r for r in rig.recorder.requests if "bestillSkattekort" in r.url.path]


async def test_sandbox_refuses_an_order_without_contact(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    bearer = await _bearer(rig, "skatteetaten:skattekorttilarbeidsgiver")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=rig.app), base_url="http://sandbox") as h:
        headers = {"Authorization": f"Bearer {bearer}"}
        old = await h.post("/api/forskudd/bestillSkattekort/", json=_order_body(), headers=headers)
        new = await h.post("/api/forskudd/bestillSkattekort/", headers=headers,
                           json=_order_body(kontaktinformasjon={"epostadresse": CONTACT_EMAIL}))
    assert old.status_code == 400 and "kontaktinformasjon" in old.json()["melding"]
    assert new.status_code == 200 and new.json()["bestillingsreferanse"]


# --- 204 on svar: the reference is not found --------------------------------------------------


async def test_204_is_reference_not_found_and_202_is_not_ready(tmp_path: Path) -> None:
    from byraa.core.altinn.client import REFERENCE_NOT_FOUND

    rig = make_rig(tmp_path, ready_after_polls=1)
    async with rig.client() as c:
        order = await c.order_tax_cards({org(1): [nid(1)]}, 2026)
        assert await c.fetch_tax_cards(order.reference) is None  # 202: not ready
        assert (await c.fetch_tax_cards(order.reference)).status == "FORESPOERSEL_OK"
        lost = await c.fetch_tax_cards("no-such-reference")
    assert lost.status == REFERENCE_NOT_FOUND and lost.employers == ()
    statuses = [s for _m, url, s in c.sent if "svar" in url]
    assert statuses == [202, 200, 204]


# --- idempotensid: off by default; a lost answer is never re-sent blindly ---------------------


async def test_the_order_carries_no_idempotensid_unless_switched_on(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        await c.order_tax_cards({org(1): [nid(1)]}, 2026)
    (off,) = [r for r in rig.recorder.requests if "bestillSkattekort" in r.url.path]
    async with rig.client(settings=rig.settings.with_(taxcard_idempotency_param="idempotensid")) as c:
        on = await c.order_tax_cards({org(1): [nid(1)]}, 2026)
    (sent,) = [r for r in rig.recorder.requests if "bestillSkattekort" in r.url.path]
    assert rig.settings.taxcard_idempotency_param is None and "idempotensid" not in off.url.params
    assert sent.url.params["idempotensid"] == on.idempotency_id


async def test_a_lost_order_answer_is_not_sent_again(tmp_path: Path) -> None:
    from byraa.core.altinn.errors import AltinnError

    rig = make_rig(tmp_path)
    rig.state.set_faults(script=["drop"])
    async with rig.client() as c:
        with pytest.raises(AltinnError) as err:
            await c.order_tax_cards({org(1): [nid(1)]}, 2026)
    assert err.value.kind == "connection"
    assert len([r for r in rig.recorder.requests if "bestillSkattekort" in r.url.path]) == 1
    assert rig.state.orders_created == 1  # it exists at "Skatteetaten", and byraa did not order twice


async def test_sandbox_fault_mode_shows_why_a_blind_retry_is_wrong(tmp_path: Path) -> None:
    rig = make_rig(tmp_path, ignore_idempotensid=True)
    rig.state.set_faults(script=["drop"])
    async with rig.client(settings=rig.settings.with_(taxcard_idempotency_param="idempotensid")) as c:
        await c.order_tax_cards({org(1): [nid(1)]}, 2026)  # the old behaviour: retried with the same id
    assert rig.state.orders_created == 2  # the real API may ignore the parameter: a second order


# --- Hosts: hyphen-free, as Skatteetaten names them; still settings ------------------------------


@pytest.mark.parametrize("environment", ["test", "production"])
def test_skatteetaten_hosts_follow_the_published_pattern(environment: str) -> None:
    from urllib.parse import urlsplit

    from byraa.core.altinn.settings import settings_for

    s = settings_for(environment)
    domain = "api.skatteetaten-test.no" if environment == "test" else "api.skatteetaten.no"
    hosts = {name: urlsplit(getattr(s, name)).hostname for name in ("amelding_base", "a07_base",
                                                                    "amelding_feedback_base")}
    assert hosts == {"amelding_base": f"innrapporteringamelding.{domain}",
                     "a07_base": f"avstemmingsrapportamelding.{domain}",
                     "amelding_feedback_base": f"ameldingtilbakemelding.{domain}"}
    assert all("-" not in host.split(".")[0] for host in hosts.values())


async def test_a_host_setting_is_where_the_client_goes(tmp_path: Path) -> None:
    seen: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 120})
        return httpx.Response(201, json={"forsendelseId": "f1", "dialogId": "d1"})

    rig = make_rig(tmp_path)
    settings = rig.settings.with_(amelding_base="https://innrapporteringamelding.example")
    async with rig.client(settings=settings, transport=httpx.MockTransport(handler)) as c:
        await c.submit_amelding(org(1), "2026-10", {"kalendermaaned": "2026-10"})
    assert seen[-1].startswith(f"https://innrapporteringamelding.example/v1/innsending/2026-10/{org(1)}?")


# --- The system user's externalRef in authorization_details ---------------------------------------


def _grant_claims(request: httpx.Request) -> dict:
    from urllib.parse import parse_qs

    import jwt

    return jwt.decode(parse_qs(request.content.decode())["assertion"][0], options={"verify_signature": False})


async def test_external_ref_is_sent_in_authorization_details(tmp_path: Path) -> None:
    from dataclasses import replace

    from tests.core.altinn.test_altinn_fixtures import AGENCY_ORG

    rig = make_rig(tmp_path)
    rig.state.keys[next(iter(rig.state.keys))].external_refs[AGENCY_ORG] = "byraa-agent-1"
    rig.credentials = replace(rig.credentials, external_ref="byraa-agent-1")
    async with rig.client() as c:
        await c.maskinporten_token("skatteetaten:skattekorttilarbeidsgiver")
    (details,) = _grant_claims(rig.recorder.requests[0])["authorization_details"]
    assert details == {"type": "urn:altinn:systemuser", "externalRef": "byraa-agent-1",
                       "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": f"0192:{AGENCY_ORG}"}}


async def test_sandbox_refuses_a_grant_without_the_system_users_external_ref(tmp_path: Path) -> None:
    from byraa.core.altinn.errors import MaskinportenError
    from tests.core.altinn.test_altinn_fixtures import AGENCY_ORG

    rig = make_rig(tmp_path)
    rig.state.keys[next(iter(rig.state.keys))].external_refs[AGENCY_ORG] = "byraa-agent-1"
    async with rig.client() as c:  # the old behaviour: no externalRef
        with pytest.raises(MaskinportenError) as err:
            await c.maskinporten_token("skatteetaten:skattekorttilarbeidsgiver")
    assert "MP-303" in err.value.description and "externalRef" in err.value.message
    assert "externalRef" not in _grant_claims(rig.recorder.requests[0])["authorization_details"][0]


def test_external_ref_is_a_per_connection_setting(store, tmp_path: Path) -> None:
    from byraa.core.altinn import connection
    from tests.builders import small_agency
    from tests.core.altinn.test_altinn_connection import _settings
    from tests.core.altinn.test_altinn_fixtures import write_key

    small = small_agency(store)
    key = write_key(tmp_path)
    connection.set_agency_connection(store, small.who(), _settings(key, external_ref="agent-a"))
    connection.set_client_connection(store, small.who(), org(1), _settings(key, external_ref="agent-b"))
    assert connection.build_client(connection.agency_connection(store)).credentials.external_ref == "agent-a"
    own = connection.connection_for_client(store, small.who(), org(1))
    assert connection.build_client(own).credentials.external_ref == "agent-b"


# --- The sandbox is as strict as the authorities ----------------------------------------------------


@pytest.mark.parametrize("extra", [{"nbf": 0}, {"client_amr": "private_key_jwt"}, {"sub": "x"}])
async def test_sandbox_refuses_grant_claims_outside_the_documented_set(tmp_path: Path, extra: dict) -> None:
    from tests.sandbox.test_sandbox import _claims, _post_token, _sign

    rig = make_rig(tmp_path)
    refused = await _post_token(rig.app, _sign(_claims(**extra)))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert next(iter(extra)) in refused.json()["error_description"]
    documented = await _post_token(rig.app, _sign(_claims(pid=None, resource=None)))
    assert documented.status_code == 200


async def test_client_grant_has_only_documented_claims(tmp_path: Path) -> None:
    from byraa.sandbox.app import ALLOWED_CLAIMS

    rig = make_rig(tmp_path)
    async with rig.client() as c:
        await c.maskinporten_token("skatteetaten:skattekorttilarbeidsgiver")
    assert set(_grant_claims(rig.recorder.requests[0])) <= ALLOWED_CLAIMS


async def test_skatteetaten_token_without_system_user_is_issued_and_the_api_refuses_it(tmp_path: Path) -> None:
    from dataclasses import replace

    from byraa.core.altinn.errors import AltinnError

    rig = make_rig(tmp_path)
    rig.credentials = replace(rig.credentials, system_user_org=None)
    async with rig.client() as c:
        assert await c.maskinporten_token("skatteetaten:innrapporteringamelding")  # Maskinporten issues it
        with pytest.raises(AltinnError) as err:
            await c.submit_amelding(org(1), "2026-10", {"kalendermaaned": "2026-10"})
    assert err.value.status == 403 and err.value.code == "AMLD_1063"


async def test_sandbox_answers_with_the_documented_amld_codes(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        bearer = await c.maskinporten_token("skatteetaten:innrapporteringamelding")
        tax_bearer = await c.maskinporten_token("skatteetaten:skattekorttilarbeidsgiver")
    leveranse = {"kalendermaaned": "2026-10", "meldingsId": "m1", "opplysningspliktig": {"norskIdentifikator": org(1)}}
    path = f"/v1/innsending/2026-10/{org(1)}"
    auth = {"Authorization": f"Bearer {bearer}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=rig.app), base_url="http://sandbox") as h:
        def code(r: httpx.Response) -> tuple[int, str, str | None]:
            body = r.json()
            return r.status_code, body["kode"], body.get("feilspesifiseringskode")

        assert code(await h.post(path, json={"leveranse": leveranse})) == (401, "AMLD_004", "AMLD_1008")
        assert code(await h.post(path, json={"leveranse": leveranse},
                                 headers={"Authorization": f"Bearer {tax_bearer}"}))[:2] == (403, "AMLD_005")
        assert code(await h.post(path, json={"leveranse": leveranse}, headers=auth)) == (400, "AMLD_006", "AMLD_1022")
        assert code(await h.post(path, params={"idempotencyKey": "k"}, content=b"<x/>",
                                 headers={**auth, "Content-Type": "application/xml"})) == (400, "AMLD_006", "AMLD_1047")
        assert code(await h.post(path, params={"idempotencyKey": "k"}, json={"leveranse": leveranse},
                                 headers={**auth, "Accept": "application/xml"})) == (400, "AMLD_006", "AMLD_1030")
        assert (await h.post(path, params={"idempotencyKey": "k"}, json={"leveranse": leveranse},
                             headers=auth)).status_code == 201
        assert code(await h.post(path, params={"idempotencyKey": "k"}, json={"leveranse": {**leveranse, "x": 1}},
                                 headers=auth))[:2] == (409, "AMLD_019")
        assert code(await h.post(f"/v1/innsending/2026-11/{org(1)}", params={"idempotencyKey": "k2"},
                                 json={"leveranse": leveranse}, headers=auth)) == (400, "AMLD_006", "AMLD_1052")
        assert code(await h.get("/v1/forsendelser/nope", headers=auth)) == (404, "AMLD_021", "AMLD_1061")


# --- Feedback through the receipt's dialog; 404 is an error ----------------------------------------


async def test_feedback_is_found_through_the_dialog(tmp_path: Path) -> None:
    rig = make_rig(tmp_path, feedback_after_polls=1)
    leveranse = {"kalendermaaned": "2026-10", "meldingsId": "m1", "opplysningspliktig": {"norskIdentifikator": org(1)}}
    async with rig.client() as c:
        receipt = await c.submit_amelding(org(1), "2026-10", leveranse)
        assert await c.amelding_feedback(org(1), receipt.dialog_id) is None  # no transmission yet
        feedback = await c.amelding_feedback(org(1), receipt.dialog_id, forsendelse_id=receipt.forsendelse_id)
    assert feedback.status == "mottatt" and feedback.forsendelse_id == receipt.forsendelse_id
    gets = [r for r in rig.recorder.requests if r.method == "GET"]
    dialog_paths = [r.url.path for r in gets if "dialogporten" in r.url.path]
    assert dialog_paths == [f"/dialogporten/api/v1/enduser/dialogs/{receipt.dialog_id}"] * 2
    (document,) = [r for r in gets if "/v1/forsendelser/" in r.url.path]
    assert str(document.url).startswith("http://sandbox/v1/forsendelser/")  # the link the dialog gave
    exchange = [r for r in gets if "exchange" in r.url.path]
    assert exchange, "Dialogporten is called with an Altinn token"


async def test_a_404_on_feedback_is_an_error_not_not_ready(tmp_path: Path) -> None:
    from byraa.core.altinn.errors import AltinnError

    rig = make_rig(tmp_path)
    async with rig.client() as c:
        with pytest.raises(AltinnError) as unknown_dialog:
            await c.amelding_feedback(org(1), "no-such-dialog")
        receipt = await c.submit_amelding(org(1), "2026-10", {
            "kalendermaaned": "2026-10", "meldingsId": "m1", "opplysningspliktig": {"norskIdentifikator": org(1)}})
        rig.state.submissions.clear()  # the document behind the dialog's link is gone
        with pytest.raises(AltinnError) as gone:
            await c.amelding_feedback(org(1), receipt.dialog_id)
    assert unknown_dialog.value.status == 404
    assert gone.value.status == 404 and gone.value.code == "AMLD_1061"
