"""The sandbox on its own: Maskinporten's checks, its data rules, and a real loopback socket."""

from __future__ import annotations

import stat
import time
import uuid
from datetime import date
from pathlib import Path

import httpx
import jwt
import pytest

from byraa.core.altinn.errors import explain_token_error
from byraa.core.altinn.maskinporten import Credentials, authorization_details, build_assertion
from byraa.core.altinn.settings import SANDBOX_ISSUER, settings_for
from byraa.core.words import i18n
from byraa.sandbox import SandboxState, data, generate_key_pair
from byraa.sandbox.server import running
from tests.builders import nid, org, small_agency
from tests.core.altinn.test_altinn_fixtures import AGENCY_ORG, CLIENT_ID, KEY_ID, key_pair, make_rig

SCOPE = "skatteetaten:skattekorttilarbeidsgiver"


def _claims(**changes):  # noqa: ANN003, ANN202
    now = int(time.time())
    claims = {"aud": SANDBOX_ISSUER, "iss": CLIENT_ID, "iat": now, "exp": now + 120, "jti": str(uuid.uuid4()),
              "scope": SCOPE, "authorization_details": authorization_details(AGENCY_ORG)}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict, *, key: int = 0, kid: str = KEY_ID) -> str:
    return jwt.encode(claims, key_pair(key)[0], algorithm="RS256", headers={"kid": kid})


async def _post_token(app, assertion: str) -> httpx.Response:  # noqa: ANN001
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as h:
        return await h.post("/token", data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                            "assertion": assertion})


@pytest.mark.parametrize(("name", "assertion", "error", "words"), [
    ("bad signature", lambda: _sign(_claims(), key=1), "invalid_grant", "wrong key"),
    ("unknown kid", lambda: _sign(_claims(), kid="nope"), "invalid_client", "wrong key"),
    ("wrong aud", lambda: _sign(_claims(aud="https://maskinporten.no/")), "invalid_grant", "audience"),
    ("token url as aud", lambda: _sign(_claims(aud="http://sandbox/token")), "invalid_grant", "audience"),
    ("too long", lambda: _sign(_claims(exp=int(time.time()) + 121)), "invalid_grant", "lives too long"),
    ("clock skew", lambda: _sign(_claims(iat=int(time.time()) - 60, exp=int(time.time()) + 30)), "invalid_grant",
     "clock skew"),
    # A grant without authorization_details gets a token (as from Maskinporten); the API
    # refuses it with AMLD_1063 (see tests/core/altinn/test_contracts.py).
    ("bad system user", lambda: _sign(_claims(authorization_details=[{"type": "urn:altinn:systemuser",
                                                                      "systemuser_org": {"ID": AGENCY_ORG}}])),
     "invalid_authorization_details", "no system user"),
    ("unknown claim", lambda: _sign(_claims(sub="x")), "invalid_grant", "Unknown claims"),
    ("wrong iss", lambda: _sign(_claims(iss="someone-else")), "invalid_client", "wrong key"),
])
async def test_token_endpoint_refuses_like_maskinporten(tmp_path: Path, name, assertion, error, words) -> None:  # noqa: ANN001
    rig = make_rig(tmp_path)
    resp = await _post_token(rig.app, assertion())
    assert resp.status_code == 400, name
    body = resp.json()
    assert set(body) == {"error", "error_description"} and body["error"] == error, (name, body)
    i18n.set_language("en")  # the sandbox's explanations are compared in English
    assert words in explain_token_error(body["error"], body["error_description"]) or words in body[
        "error_description"], (name, body)
    assert rig.state.counts["tokens"] == 0


@pytest.mark.parametrize("registered", [b"not a key", "ec"])
async def test_a_registered_key_that_is_no_rsa_public_key_refuses_the_assertion(tmp_path: Path, registered) -> None:  # noqa: ANN001
    """The sandbox reads a registered key once; one that is no key, or not RSA, refuses
    each assertion in Maskinporten's words instead of failing the request."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    if registered == "ec":
        registered = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    rig = make_rig(tmp_path)
    rig.state.register_key(CLIENT_ID, KEY_ID, registered)
    resp = await _post_token(rig.app, _sign(_claims()))
    assert resp.status_code == 400
    assert resp.json() == {"error": "invalid_grant", "error_description": "Invalid assertion. Could not be decoded"}
    assert rig.state.counts["tokens"] == 0


async def test_replayed_jti_and_ungranted_scope(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    assertion = _sign(_claims())
    ok = await _post_token(rig.app, assertion)
    assert ok.status_code == 200 and set(ok.json()) == {"access_token", "token_type", "expires_in", "scope"}
    replay = await _post_token(rig.app, assertion)
    assert replay.json()["error"] == "invalid_grant" and "already been used" in replay.json()["error_description"]
    rig.state.keys[KEY_ID].scopes = frozenset({"other:scope"})
    missing = await _post_token(rig.app, _sign(_claims()))
    assert missing.json()["error"] == "invalid_scope"
    rig.state.keys[KEY_ID].scopes = None
    rig.state.keys[KEY_ID].system_user_orgs = frozenset({org(5)})
    nosu = await _post_token(rig.app, _sign(_claims()))
    assert "No system user" in nosu.json()["error_description"]


async def test_client_built_assertion_is_accepted_and_api_needs_system_user(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    creds = Credentials(CLIENT_ID, KEY_ID, "-", None)  # no system user
    token = await _post_token(rig.app, build_assertion(creds, key_pair(0)[0], audience=SANDBOX_ISSUER,
                                                       scope="folkeregister:deling/offentligmedhjemmel",
                                                       now=time.time()))
    bearer = token.json()["access_token"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=rig.app), base_url="http://sandbox") as h:
        refused = await h.post("/api/forskudd/bestillSkattekort/", json={},
                               headers={"Authorization": f"Bearer {bearer}"})
        assert refused.status_code == 403
        assert (await h.post("/api/forskudd/bestillSkattekort/", json={})).status_code == 401


def test_income_year_rules() -> None:
    assert data.income_year_problem(2027, date(2026, 12, 14))
    assert not data.income_year_problem(2027, date(2026, 12, 15))
    assert not data.income_year_problem(2025, date(2026, 6, 30))
    assert data.income_year_problem(2025, date(2026, 7, 1))
    assert not data.income_year_problem(2026, date(2026, 1, 1))
    assert data.income_year_problem(2024, date(2026, 1, 1))


def test_person_results_cover_every_kind_and_are_deterministic() -> None:
    results = [data.person_result(org(1), nid(i), 2026) for i in range(200)]
    assert {r.result for r in results} == {"skattekortopplysningerOK", "ikkeSkattekort", "ikkeTrekkplikt",
                                           "ugyldigFoedselsEllerDnummer"}
    assert {r.main.kind for r in results if r.main} == {"trekktabell", "trekkprosent", "frikort"}
    assert results == [data.person_result(org(1), nid(i), 2026) for i in range(200)]
    assert data.person_result(org(1), "01010112345", 2026).result == "ugyldigFoedselsEllerDnummer"
    assert data.person_result(org(1), nid(0), 2026, employer_ok=False).result == "ugyldigOrganisasjonsnummer"


async def test_sandbox_follows_the_store(store, tmp_path: Path) -> None:
    small_agency(store)
    rig = make_rig(tmp_path, store=store)
    async with rig.client() as c:
        order = await c.order_tax_cards({org(1): [nid(2)], org(9): [nid(3)]}, 2026)  # org(9) is no client
        answer = await c.fetch_tax_cards(order.reference)
        by_org = {e.org_number: e.persons[0].result for e in answer.employers}
        assert by_org[org(9)] == "ugyldigOrganisasjonsnummer" and by_org[org(1)] != "ugyldigOrganisasjonsnummer"
        a07 = await c.fetch_a07(org(1), (await c.order_a07(org(1), "2026-10", "2026-11")).reference)
    # The small agency: 1 000 000 kr gross in October and 500 000 in November (with planted differences).
    gross = {m.period: m.gross for m in a07.months}
    assert gross == {"2026-10": 100_000_00, "2026-11": 50_000_00}
    withholding = {m.period: m.withholding for m in a07.months}
    assert all(withholding[p] - gross[p] // 3 in (0, 1_000_00) for p in gross)


def test_demo_key_pair_is_private(tmp_path: Path) -> None:
    key = generate_key_pair(tmp_path / "keys")
    assert stat.S_IMODE(key.private_path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert key.public_pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    state = SandboxState()
    state.register_key("demo", key.key_id, key.public_pem)
    assert state.keys[key.key_id].client_id == "demo"


async def test_round_trip_over_a_real_loopback_socket(tmp_path: Path) -> None:
    state = SandboxState(settings=settings_for("sandbox", base_url="http://x"))
    state.register_key(CLIENT_ID, KEY_ID, key_pair(0)[1])
    with running(state) as sandbox:
        assert sandbox.url.startswith("http://127.0.0.1:") and sandbox.port > 0
        rig = make_rig(tmp_path, base_url=sandbox.url)
        rig.state = state
        async with rig.client(network=True, settings=rig.settings.with_(taxcard_idempotency_param="idempotensid")) as c:
            order = await c.order_tax_cards({org(1): [nid(i) for i in range(5)]}, 2026)
            # Faults through the control endpoint, over the socket.
            async with httpx.AsyncClient(base_url=sandbox.url) as h:
                r = await h.post("/_sandbox/faults", json={"script": ["truncate", "drop", "503", "ok"],
                                                           "retry_after": 3})
                assert r.status_code == 200 and r.json()["script"] == ["truncate", "drop", "503", "ok"]
            answer = await c.fetch_tax_cards(order.reference)
            again = await c.order_tax_cards({org(1): [nid(i) for i in range(5)]}, 2026,
                                            idempotency_id=order.idempotency_id)
        async with httpx.AsyncClient(base_url=sandbox.url) as h:
            stats = (await h.get("/_sandbox/stats")).json()
    assert answer is not None and answer.persons == 5 and answer.error is None
    assert 3.0 in rig.sleeps  # Retry-After from the 503
    assert again.reference == order.reference
    assert stats["orders_created"] == 1 and stats["requests_per_idempotency_key"][order.idempotency_id] == 2
    assert stats["requests"]["fault:truncate"] == 1 and stats["requests"]["fault:drop"] == 1


def test_byraa_sandbox_command_options() -> None:
    from click.testing import CliRunner

    from byraa.cli.main import main

    result = CliRunner().invoke(main, ["sandbox", "--help"])
    assert result.exit_code == 0 and "--fail-rate" in result.output and "--malformed-rate" in result.output


def test_a_running_sandbox_stops_with_its_connections_closed_and_its_port_free() -> None:
    """Stopped while a client still holds a kept-alive connection: the thread ends, the
    port no longer answers, and the client's next request fails to connect."""
    import httpx

    from byraa.sandbox.server import running

    with running() as sandbox, httpx.Client() as client:
        assert client.get(f"{sandbox.url}/no-such-page").status_code == 404  # kept alive
        thread, url = sandbox.thread, sandbox.url
        sandbox.server.stop()
        thread.join(timeout=10)
        assert not thread.is_alive()
        with pytest.raises(httpx.TransportError):
            client.get(f"{url}/no-such-page")


async def test_a_misspelt_fault_in_a_script_is_refused_not_served_as_no_fault() -> None:
    """A script of ``["50O"]`` passed every request through: a test of the retry path then
    tested nothing, and said so nowhere."""
    from byraa.sandbox import create_app

    state = SandboxState(settings=settings_for("sandbox", base_url="http://x"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(state)), base_url="http://x") as h:
        refused = await h.post("/_sandbox/faults", json={"script": ["503", "50O"]})
        taken = await h.post("/_sandbox/faults", json={"script": ["drop", "ok"]})
    assert refused.status_code == 400 and "'50O'" in refused.json()["error"]
    assert taken.status_code == 200 and state.faults.script == ["drop", "ok"]
    with pytest.raises(ValueError, match="unknown fault 'timout'"):
        state.set_faults(retry_after=9, script=["timout"])
    assert state.faults.script == ["drop", "ok"] and state.faults.retry_after == 1  # nothing changed
