"""The Altinn client against the sandbox: what it sends, retries, idempotency, tokens, archive."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from urllib.parse import parse_qs

import jwt
import pytest

from byraa.core.altinn import client as client_mod
from byraa.core.altinn.errors import AltinnError, MaskinportenError
from byraa.core.base.errors import UserError
from tests.builders import nid, org
from tests.core.altinn.test_altinn_fixtures import AGENCY_ORG, CLIENT_ID, KEY_ID, make_rig

SCOPE = "skatteetaten:skattekorttilarbeidsgiver"


def persons(n: int) -> list[str]:
    return [nid(i) for i in range(n)]


async def test_what_the_client_sends_matches_the_contracts(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        order = await c.order_tax_cards({org(1): persons(2), org(2): persons(3)[2:]}, 2026,
                                        contact_email="lonn@byraa.example")
        await c.fetch_tax_cards(order.reference)
        await c.submit_amelding(org(1), "2026-10", {"kalendermaaned": "2026-10", "meldingsId": "m1",
                                                    "opplysningspliktig": {"norskIdentifikator": org(1)}})
    token_req, order_req, fetch_req, amelding_token_req, amelding_req = rig.recorder.requests

    # §2.1: the JWT-bearer grant
    assert token_req.method == "POST" and token_req.url.path == "/token"
    assert token_req.headers["content-type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(token_req.content.decode()).items()}
    assert set(form) == {"grant_type", "assertion"}
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    header = jwt.get_unverified_header(form["assertion"])
    assert header["alg"] == "RS256" and header["kid"] == KEY_ID and "x5c" not in header
    claims = jwt.decode(form["assertion"], options={"verify_signature": False})
    assert set(claims) == {"aud", "iss", "iat", "exp", "jti", "scope", "authorization_details"}
    assert claims["aud"] == rig.settings.maskinporten_issuer and claims["iss"] == CLIENT_ID
    assert 0 < claims["exp"] - claims["iat"] <= 120 and uuid.UUID(claims["jti"])
    assert claims["scope"] == SCOPE
    # §2.2: the system user
    assert claims["authorization_details"] == [{
        "type": "urn:altinn:systemuser",
        "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": f"0192:{AGENCY_ORG}"},
    }]

    # §1.2 and §1.4: the order
    assert order_req.method == "POST" and order_req.url.path == "/api/forskudd/bestillSkattekort/"
    assert "idempotensid" not in order_req.url.params  # off by default: see test_contracts
    assert order_req.headers["authorization"].startswith("Bearer ")
    assert order_req.headers["content-type"] == "application/json"
    assert order_req.headers["accept"] == "application/json" and order_req.headers["x-correlation-id"]
    body = json.loads(order_req.content)
    assert body == {
        "inntektsaar": "2026",
        "bestillingstype": "HENT_ALLE_OPPGITTE",
        "kontaktinformasjon": {"epostadresse": "lonn@byraa.example", "mobiltelefonummer": "+4791234567"},
        "varslingstype": "INGEN_VARSEL",
        "forespoerselOmSkattekortTilArbeidsgiver": {"arbeidsgiver": [
            {"arbeidsgiveridentifikator": {"organisasjonsnummer": org(1)}, "arbeidstakeridentifikator": persons(2)},
            {"arbeidsgiveridentifikator": {"organisasjonsnummer": org(2)}, "arbeidstakeridentifikator": [nid(2)]},
        ]},
    }
    assert fetch_req.method == "GET"
    assert fetch_req.url.path == f"/api/forskudd/skattekortTilArbeidsgiver/svar/{order.reference}"
    assert fetch_req.headers["accept"] == "application/json"

    # §4.2: a-melding with an idempotency key, its own scope
    mp = jwt.decode(parse_qs(amelding_token_req.content.decode())["assertion"][0],
                    options={"verify_signature": False})
    assert mp["scope"] == "skatteetaten:innrapporteringamelding" and mp["jti"] != claims["jti"]
    assert amelding_req.url.path == f"/v1/innsending/2026-10/{org(1)}"
    assert uuid.UUID(amelding_req.url.params["idempotencyKey"])
    assert json.loads(amelding_req.content)["leveranse"]["kalendermaaned"] == "2026-10"


async def test_changes_only_order_names_nobody(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        await c.order_tax_cards({org(1): persons(1)}, 2026)
        await c.order_tax_cards({}, 2026, mode="changes")
        with pytest.raises(UserError, match="kontrollsifferet|skal ha 9 sifre"):
            await c.order_tax_cards({"123456789": persons(1)}, 2026)
        with pytest.raises(UserError, match="høyst 1000"):
            await c.order_tax_cards({org(1): [nid(0)] * 1001}, 2026)
    body = json.loads(rig.recorder.requests[-1].content)
    assert body["bestillingstype"] == "HENT_KUN_ENDRING" and "forespoerselOmSkattekortTilArbeidsgiver" not in body


async def test_round_trip_not_ready_then_all_result_kinds(tmp_path: Path) -> None:
    rig = make_rig(tmp_path, ready_after_polls=2)
    people = persons(60)
    async with rig.client() as c:
        order = await c.order_tax_cards({org(1): people}, 2026)
        assert await c.fetch_tax_cards(order.reference) is None
        assert await c.fetch_tax_cards(order.reference) is None
        answer = await c.fetch_tax_cards(order.reference)
    assert answer is not None and answer.error is None and answer.status == "FORESPOERSEL_OK"
    results = answer.employers[0].persons
    assert [p.national_id for p in results] == people
    kinds = {p.main.kind for p in results if p.main}
    assert kinds == {"trekktabell", "trekkprosent", "frikort"}
    codes = {p.result for p in results}
    assert {"skattekortopplysningerOK", "ikkeSkattekort", "ikkeTrekkplikt"} <= codes
    # Deterministic: the same person gets the same card again.
    rig.state.ready_after_polls = 0
    async with rig.client() as c:
        again = await c.fetch_tax_cards((await c.order_tax_cards({org(1): people}, 2026)).reference)
    assert [p.main for p in again.employers[0].persons] == [p.main for p in results]


async def test_income_year_rules_follow_the_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        # BYRAA_TODAY = 2026-11-22: 2027 not before 15 December, 2025 not after June.
        for year, status in ((2027, "UGYLDIG_INNTEKTSAAR"), (2025, "UGYLDIG_INNTEKTSAAR"), (2026, "FORESPOERSEL_OK")):
            answer = await c.fetch_tax_cards((await c.order_tax_cards({org(1): persons(1)}, year)).reference)
            assert answer.status == status, year
        monkeypatch.setenv("BYRAA_TODAY", "2026-12-15")
        answer = await c.fetch_tax_cards((await c.order_tax_cards({org(1): persons(1)}, 2027)).reference)
        assert answer.status == "FORESPOERSEL_OK"


async def test_retry_after_is_honoured_and_one_order_is_created(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    rig.state.set_faults(script=["429", "503", "ok"], retry_after=7)
    async with rig.client() as c:
        order = await c.order_tax_cards({org(1): persons(1)}, 2026)
    assert rig.sleeps == [7.0, 7.0]  # 429 and 503 were not taken: sent again without a key
    assert rig.state.orders_created == 1 and order.reference in rig.state.orders


async def test_a_lost_answer_is_retried_with_the_same_key_and_no_second_order(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    rig.state.set_faults(script=["drop", "500"])  # handled then lost; then a 500; then fine
    async with rig.client(settings=rig.settings.with_(taxcard_idempotency_param="idempotensid")) as c:
        order = await c.order_tax_cards({org(1): persons(2)}, 2026)
    keys = {r.url.params["idempotensid"] for r in rig.recorder.requests if "bestill" in r.url.path}
    assert keys == {order.idempotency_id}
    assert rig.state.orders_created == 1 and len(rig.state.orders) == 1
    assert rig.state.requests_per_key[order.idempotency_id] == 2  # the drop reached it, the 500 did not
    assert order.reference in rig.state.orders
    assert len(rig.sleeps) == 2 and rig.sleeps[0] == pytest.approx(0.5 * 0.75)  # backoff with jitter


async def test_attempts_are_bounded(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    rig.state.set_faults(fail_rate=1.0)
    async with rig.client(settings=rig.settings.with_(taxcard_idempotency_param="idempotensid")) as c:
        await c.maskinporten_token(SCOPE)  # /token has no faults unless asked
        with pytest.raises(AltinnError) as err:
            await c.order_tax_cards({org(1): persons(1)}, 2026)
    assert err.value.status in (500, 503)
    assert len(rig.sleeps) == rig.settings.max_attempts - 1
    assert rig.state.orders_created == 0


async def test_timeouts_and_drops_on_fetch_are_retried(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client(settings=rig.settings.with_(timeout_seconds=0.2)) as c:
        order = await c.order_tax_cards({org(1): persons(3)}, 2026)
        rig.state.set_faults(script=["timeout", "drop", "ok"])
        answer = await c.fetch_tax_cards(order.reference)
    assert answer is not None and answer.persons == 3
    assert rig.state.counts["fault:timeout"] == 1 and rig.state.counts["fault:drop"] == 1
    assert [status for _m, url, status in c.sent if "svar" in url] == [0, 0, 200]


async def test_malformed_and_truncated_answers_are_item_errors_with_raw_bytes_archived(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        order = await c.order_tax_cards({org(1): persons(3)}, 2026)
        for fault in ("malformed", "truncate"):
            rig.state.set_faults(script=[fault])
            answer = await c.fetch_tax_cards(order.reference)
            assert answer.status == "MALFORMED" and answer.error and answer.employers == ()
            raw = rig.archive.records[answer.archive_id - 1]
            assert raw.direction == "in" and raw.status_code == 200 and raw.kind == "taxcard"
            assert nid(0) not in answer.error
        xml_answer = await c.fetch_tax_cards(order.reference, accept_xml=True)
        assert xml_answer.format == "xml" and xml_answer.persons == 3


async def test_token_cache_and_one_refresh_under_concurrency(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    now = [1_000_000.0]
    rig.state.clock = lambda: now[0]
    async with rig.client(clock=lambda: now[0]) as c:
        tokens = await asyncio.gather(*(c.maskinporten_token(SCOPE) for _ in range(20)))
        assert len(set(tokens)) == 1 and c.tokens.fetches == 1 and rig.state.counts["tokens"] == 1
        now[0] += 59  # 120 s token, renewed 60 s before expiry
        assert await c.maskinporten_token(SCOPE) == tokens[0]
        now[0] += 2
        fresh = await asyncio.gather(*(c.maskinporten_token(SCOPE) for _ in range(20)))
        assert len(set(fresh)) == 1 and fresh[0] != tokens[0] and c.tokens.fetches == 2
        other = await c.maskinporten_token("skatteetaten:innrapporteringamelding")
        assert other not in (tokens[0], fresh[0]) and c.tokens.fetches == 3
        altinn = await c.altinn_token(SCOPE)
        assert jwt.decode(altinn, options={"verify_signature": False})["sub"] == CLIENT_ID


async def test_archive_never_holds_tokens_or_assertions(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        order = await c.order_tax_cards({org(1): persons(2)}, 2026)
        await c.fetch_tax_cards(order.reference, org_number=org(1))
        await c.altinn_token(SCOPE)
    secrets = list(rig.state.tokens)
    assertions = [parse_qs(r.content.decode())["assertion"][0] for r in rig.recorder.requests if r.url.path == "/token"]
    assert secrets and assertions
    for record in rig.archive.records:
        dumped = json.dumps(dict(record.headers or {})) + record.content.decode("utf-8", "replace")
        for secret in secrets + assertions:
            assert secret not in dumped
    sent = [r for r in rig.archive.records if r.direction == "out" and r.kind == "taxcard"]
    assert sent and all(r.headers["authorization"] == "<redacted>" for r in sent)
    kinds = [(r.kind, r.direction) for r in rig.archive.records]
    assert ("token", "out") in kinds and ("taxcard", "out") in kinds and ("taxcard", "in") in kinds
    order_out = next(r for r in rig.archive.records if r.kind == "taxcard" and r.direction == "out")
    assert json.loads(order_out.content)["inntektsaar"] == "2026"
    assert order_out.correlation_id and any(
        r.correlation_id == order_out.correlation_id and r.direction == "in" for r in rig.archive.records)


async def test_maskinporten_refusal_is_explained(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    rig.state.keys[KEY_ID].scopes = frozenset({"skatteetaten:innrapporteringamelding"})
    async with rig.client() as c:
        with pytest.raises(MaskinportenError) as err:
            await c.order_tax_cards({org(1): persons(1)}, 2026)
    assert err.value.error == "invalid_scope" and "mangler scope" in str(err.value)


async def test_process_wide_concurrency_limit(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    before = client_mod.concurrency_limit()
    client_mod.set_concurrency_limit(2)
    try:
        async with rig.client() as c1, rig.client() as c2:
            order = await c1.order_tax_cards({org(1): persons(1)}, 2026)
            rig.state.set_faults(latency_ms=20)
            rig.state.max_in_flight = 0
            await asyncio.gather(*(c.fetch_tax_cards(order.reference) for c in [c1, c2] * 4))
        assert rig.state.max_in_flight == 2
    finally:
        client_mod.set_concurrency_limit(before)


async def test_a07_amelding_feedback_and_address(tmp_path: Path) -> None:
    rig = make_rig(tmp_path, ready_after_polls=1)
    leveranse = {"kalendermaaned": "2026-10", "meldingsId": "m1", "opplysningspliktig": {"norskIdentifikator": org(1)}}
    async with rig.client() as c:
        a07 = await c.order_a07(org(1), "2026-01", "2026-03")
        assert await c.fetch_a07(org(1), a07.reference) is None
        report = await c.fetch_a07(org(1), a07.reference)
        assert [m.period for m in report.months] == ["2026-01", "2026-02", "2026-03"]
        assert all(m.gross > 0 for m in report.months)
        receipt = await c.submit_amelding(org(1), "2026-10", leveranse, idempotency_key="k-1")
        again = await c.submit_amelding(org(1), "2026-10", leveranse, idempotency_key="k-1")
        assert again.forsendelse_id == receipt.forsendelse_id and len(rig.state.submissions) == 1
        with pytest.raises(AltinnError, match="AMLD_019"):
            await c.submit_amelding(org(1), "2026-10", {**leveranse, "meldingsId": "m2"}, idempotency_key="k-1")
        with pytest.raises(AltinnError, match="AMLD_1052"):
            await c.submit_amelding(org(1), "2026-11", leveranse)
        clean = await c.amelding_feedback(org(1), receipt.dialog_id, period="2026-10")
        assert (clean.status, clean.deviations) == ("mottatt", ())
        # The sandbox's feedback follows the content: a bad meldingsId is rejected, an
        # employment without position % is flagged at once, a 45-hour week is a guideline.
        job = {"typeArbeidsforhold": "ordinaertArbeidsforhold", "yrke": "2512101",
               "antallTimerPerUkeSomEnFullStillingTilsvarer": 45}
        flawed = {**leveranse, "meldingsId": "m 2", "oppgave": {"virksomhet": [{"inntektsmottaker": [
            {"norskIdentifikator": nid(1), "arbeidsforhold": [job]}]}]}}
        r = await c.submit_amelding(org(1), "2026-10", flawed)
        fb = await c.amelding_feedback(org(1), r.dialog_id, period="2026-10")
        assert fb.status == "avvist"
        assert {(d.code, d.severity) for d in fb.deviations} == {
            ("MAGNET_EDAG-181E", "rejection"), ("MAGNET_EDAG-132", "immediate"),
            ("MAGNET_EDAG-227", "guideline")}
        r = await c.submit_amelding(org(1), "2026-10", {**flawed, "meldingsId": "m3"})
        fb = await c.amelding_feedback(org(1), r.dialog_id, period="2026-10")
        assert fb.status == "mottatt" and {d.severity for d in fb.deviations} == {"immediate", "guideline"}
        address = await c.lookup_address(nid(0))
        assert address.postal_code and address.city
        assert await c.lookup_address("01010112345") is None
