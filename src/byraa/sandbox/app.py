"""The sandbox: an ASGI app (starlette) speaking the contracts of ``altinn-contracts.md``.

Over 400 lines: every route the authorities' APIs offer, as closures over the one
``SandboxState`` they share, so each contract reads in one place. What the sandbox knows
is ``sandbox.state``; the faults it injects around the routes are ``sandbox.fault_layer``.

Served on loopback by ``byraa sandbox`` (uvicorn) or mounted in-process through
``httpx.ASGITransport``. It implements:

- Maskinporten ``POST /token``: verifies the RS256 signature against the registered
  public key of the ``kid``, ``iss`` = the key's client, ``aud`` = the issuer, lifetime
  at most 120 s, ``iat`` within ±10 s, ``jti`` not reused, no unknown claims, granted
  scopes, and the system user's ``authorization_details``. Errors are Maskinporten's
  ``{error, error_description}``.
- Altinn token exchange ``GET /authentication/api/v1/exchange/maskinporten``.
- Tax cards: ``POST /api/forskudd/bestillSkattekort/`` and ``GET
  /api/forskudd/skattekortTilArbeidsgiver/svar/{ref}`` (202 until ready, byraa's own
  choice; 204 for a reference it does not know, as Skatteetaten documents).
- Dialogporten ``GET /dialogporten/api/v1/enduser/dialogs/{id}``: the submission's dialog,
  whose transmission attachment (``consumerType`` Api) links to the feedback document.
- A07, a-melding submission and feedback, and an address lookup, on the paths of
  ``AltinnSettings`` (where the contracts page marks them unverified, these paths are
  byraa's own choice).
- Faults, per run (``Faults``) and through ``/_sandbox/faults``; counters on
  ``/_sandbox/stats`` (orders per idempotency key, so tests can prove no duplicates).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import asdict
from typing import Any

from byraa.core.base import clock as byraa_clock
from byraa.core.base import ids
from byraa.core.taxcards.parse import AnswerBuilder, EmployerResult
from byraa.sandbox import data
from byraa.sandbox.fault_layer import FaultLayer
from byraa.sandbox.state import IssuedToken, SandboxState, TaxCardOrderState

# The JWT grant's claims (Digdir "JWT grant" page, docs.digdir.no maskinporten_protocol_jwtgrant):
# nothing else is accepted, so ``nbf`` or ``client_amr`` in a grant is refused.
ALLOWED_CLAIMS = {"aud", "iss", "iat", "exp", "jti", "scope", "resource", "pid", "consumer_org",
                  "authorization_details"}


# --- Responses ----------------------------------------------------------------------------


def _json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None):  # noqa: ANN202
    from starlette.responses import Response

    return Response(json.dumps(payload, ensure_ascii=False).encode(), status_code=status,
                    media_type="application/json", headers=headers)


def _mp_error(error: str, description: str, status: int = 400):  # noqa: ANN202
    return _json_response({"error": error, "error_description": description}, status)


def _ske_error(status: int, code: str, message: str, *, detail: str | None = None):  # noqa: ANN202
    """Skatteetaten's error body (SKE-DOC docs/om/feil.md: kode, melding, korrelasjonsid).
    The detail code's field name (``feilspesifiseringskode``) is byraa's own: the a-melding
    pages name the codes but not the field."""
    body = {"kode": code, "melding": message, "korrelasjonsid": str(uuid.uuid4())}
    if detail:
        body["feilspesifiseringskode"] = detail
    return _json_response(body, status)


def _receiver_problem(leveranse: dict) -> str | None:
    """The v2_3 model: an inntektsmottaker is named by norskIdentifikator, or by
    identifiserendeInformasjon with navn and foedselsdato together."""
    try:
        units = leveranse.get("oppgave", {}).get("virksomhet", []) or []
        receivers = [r for u in units for r in (u.get("inntektsmottaker") or [])]
    except AttributeError:
        return "oppgave/virksomhet/inntektsmottaker er ugyldig"
    for n, r in enumerate(receivers, start=1):
        if not isinstance(r, dict):
            return f"inntektsmottaker {n} er ugyldig"
        info = r.get("identifiserendeInformasjon")
        if info is not None and not (isinstance(info, dict) and info.get("navn") and info.get("foedselsdato")):
            return f"inntektsmottaker {n}: identifiserendeInformasjon krever navn og foedselsdato"
        if not r.get("norskIdentifikator") and not r.get("internasjonalIdentifikator") and info is None:
            return f"inntektsmottaker {n}: mangler identifikator"
    return None


# --- The app -------------------------------------------------------------------------------


def create_app(state: SandboxState | None = None) -> Any:
    """The sandbox ASGI app (``app.state.sandbox`` is its ``SandboxState``)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    state = state or SandboxState()
    s = state.settings

    # --- Maskinporten ---

    async def token(request: Request) -> Response:
        from urllib.parse import parse_qsl

        import jwt
        from cryptography.exceptions import UnsupportedAlgorithm

        if "x-www-form-urlencoded" not in request.headers.get("content-type", ""):
            return _mp_error("invalid_request", "The body must be application/x-www-form-urlencoded")
        try:
            form = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return _mp_error("invalid_request", "The body is not UTF-8")
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return _mp_error("unsupported_grant_type", "Invalid grant_type")
        assertion = str(form.get("assertion") or "")
        if not assertion:
            return _mp_error("invalid_request", "Missing assertion")
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            return _mp_error("invalid_grant", "Invalid assertion. Not a JWT")
        if header.get("alg") not in ("RS256", "RS384", "RS512"):
            return _mp_error("invalid_grant", "Invalid assertion. Unsupported alg")
        key = state.keys.get(str(header.get("kid") or ""))
        if key is None:
            return _mp_error("invalid_client", "Invalid assertion. Client authentication failed. Unknown kid")
        try:
            public_key = key.public_key
        except (ValueError, UnsupportedAlgorithm):  # what was registered is no public key
            return _mp_error("invalid_grant", "Invalid assertion. Could not be decoded")
        try:
            claims = jwt.decode(assertion, public_key, algorithms=[header["alg"]],
                                options={"verify_aud": False, "verify_exp": False, "verify_iat": False,
                                         "verify_nbf": False, "verify_iss": False})
        except jwt.InvalidSignatureError:
            return _mp_error("invalid_grant", "Invalid assertion. Client authentication failed. Invalid signature")
        except (jwt.PyJWTError, TypeError):  # PyJWT's TypeError: a registered key that is not RSA
            return _mp_error("invalid_grant", "Invalid assertion. Could not be decoded")
        unknown = sorted(set(claims) - ALLOWED_CLAIMS)
        if unknown:
            return _mp_error("invalid_grant", f"Invalid assertion. Unknown claims: {', '.join(unknown)}")
        if claims.get("iss") != key.client_id:
            return _mp_error("invalid_client", "Invalid assertion. Client authentication failed. iss is not the "
                             "client of this kid")
        if claims.get("aud") != state.issuer:
            return _mp_error("invalid_grant", f"Invalid assertion. Invalid audience: expected {state.issuer}")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int | float) or not isinstance(exp, int | float):
            return _mp_error("invalid_grant", "Invalid assertion. iat and exp are required")
        if exp - iat > 120:
            return _mp_error("invalid_grant", "Invalid assertion. JWT lifetime exceeds 120 seconds (exp - iat)")
        now = state.clock()
        if abs(iat - now) > state.jti_skew_seconds:
            return _mp_error("invalid_grant", "Invalid assertion. iat is not within the allowed clock skew "
                             f"(±{state.jti_skew_seconds} s): check the clock")
        if exp <= now:
            return _mp_error("invalid_grant", "Invalid assertion. The assertion has expired: check the clock")
        jti = claims.get("jti")
        if jti:
            for old, until in list(state.used_jti.items()):
                if until < now - 300:
                    del state.used_jti[old]
            if jti in state.used_jti:
                return _mp_error("invalid_grant", "Invalid assertion. jti has already been used (replay)")
            state.used_jti[jti] = exp
        scopes = frozenset(str(claims.get("scope") or "").split())
        if not scopes:
            return _mp_error("invalid_scope", "No scope requested")
        if key.scopes is not None and not scopes <= key.scopes:
            missing = " ".join(sorted(scopes - key.scopes))
            return _mp_error("invalid_scope", f"Client is not granted the scope(s): {missing}")
        system_user = None
        details = claims.get("authorization_details")
        if details is not None:
            ok = isinstance(details, list) and len(details) == 1 and isinstance(details[0], dict)
            entry = details[0] if ok else {}
            org = entry.get("systemuser_org") if isinstance(entry, dict) else None
            ident = str(org.get("ID", "")) if isinstance(org, dict) else ""
            if (not ok or entry.get("type") != "urn:altinn:systemuser" or not isinstance(org, dict)
                    or org.get("authority") != "iso6523-actorid-upis" or not ident.startswith("0192:")
                    or ids.org_number_error(ident[5:])):
                return _mp_error("invalid_authorization_details",
                                 "authorization_details must be one urn:altinn:systemuser with systemuser_org "
                                 "iso6523-actorid-upis 0192:<orgnr>")
            system_user = ident[5:]
            if key.system_user_orgs is not None and system_user not in key.system_user_orgs:
                return _mp_error("invalid_authorization_details",
                                 f"No system user found for systemuser_org 0192:{system_user} and this client")
            # A system user requested with an externalRef is only found with it (ALT-DOC
            # systemuserrequest model); Maskinporten answers MP-303 otherwise.
            wanted = key.external_refs.get(system_user)
            if wanted is not None and entry.get("externalRef") != wanted:
                return _mp_error("invalid_authorization_details",
                                 f"MP-303: No system user found for systemuser_org 0192:{system_user} and "
                                 f"externalRef {entry.get('externalRef')!r}")
        # Maskinporten issues a token for skatteetaten:* scopes without a system user too;
        # the API refuses it (AMLD_1063), as Skatteetaten documents.
        access_token = secrets.token_urlsafe(32)
        state.tokens[access_token] = IssuedToken(key.client_id, scopes, system_user, now + state.token_lifetime)
        state.counts["tokens"] += 1
        return _json_response({"access_token": access_token, "token_type": "Bearer",
                               "expires_in": state.token_lifetime, "scope": " ".join(sorted(scopes))})

    def _bearer(request: Request, scope: str | None, *, amld: bool = False) -> IssuedToken | Response:
        """The token check. A-melding APIs (``amld``) answer with their documented codes
        (SKE-DOC docs/api/avstemmingsrapport-amelding.md, Feilkoder): AMLD_004 (401),
        AMLD_005 (403), AMLD_1008 (invalid token), AMLD_1063 (no system user). The tax-card
        API documents only "403 Feil i forbindelse med autentisering" and no code."""
        auth = request.headers.get("authorization", "")
        tok = state.tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        if tok is None or tok.expires_at <= state.clock():
            if amld:
                return _ske_error(401, "AMLD_004", "Ugyldig token", detail="AMLD_1008")
            return Response(status_code=401)
        if scope and scope not in tok.scopes:
            if amld:
                return _ske_error(403, "AMLD_005", f"Tokenet mangler scope {scope}")
            return _ske_error(403, "", f"Tokenet mangler scope {scope}")
        if scope and scope.startswith("skatteetaten:") and not tok.system_user_org:
            if amld:
                return _ske_error(403, "AMLD_005", "Tokenet mangler informasjon om systembruker i "
                                  "authorization_details", detail="AMLD_1063")
            return _ske_error(403, "", "Tokenet mangler informasjon om systembruker i authorization_details")
        return tok

    def _amld_request(request: Request, *, body: bool) -> Response | None:
        """Headers the a-melding APIs insist on: JSON only both ways (AMLD_1030, AMLD_1047)."""
        accept = request.headers.get("accept", "")
        if accept and "json" not in accept and "*/*" not in accept:
            return _ske_error(400, "AMLD_006", "Accept-header må være application/json", detail="AMLD_1030")
        if body and "json" not in request.headers.get("content-type", ""):
            return _ske_error(400, "AMLD_006", "Content type må være application/json", detail="AMLD_1047")
        return None

    async def exchange(request: Request) -> Response:
        import jwt

        tok = _bearer(request, None)
        if not isinstance(tok, IssuedToken):
            return tok
        claims = {"iss": "sandbox-altinn", "sub": tok.client_id, "scope": " ".join(sorted(tok.scopes)),
                  "exp": int(min(tok.expires_at, state.clock() + 1800)), "jti": str(uuid.uuid4())}
        token_text = jwt.encode(claims, "byraa-sandbox-altinn-signing-key-32b", algorithm="HS256")
        state.tokens[token_text] = IssuedToken(tok.client_id, tok.scopes, tok.system_user_org, claims["exp"])
        return PlainTextResponse(token_text)

    # --- Idempotency ---

    def _replay(op: str, key: str | None, body: bytes) -> Response | None:
        if not key:
            return None
        state.requests_per_key[key] += 1
        seen = state.idempotent.get((op, key))
        if seen is None:
            return None
        digest, status, payload = seen
        if digest != hashlib.sha256(body).hexdigest():
            return _ske_error(409, "AMLD_019", "Idempotensnøkkel er benyttet tidligere")
        return Response(payload, status_code=status, media_type="application/json")

    def _remember(op: str, key: str | None, body: bytes, response: Response) -> Response:
        if key:
            state.idempotent[(op, key)] = (hashlib.sha256(body).hexdigest(), response.status_code, response.body)
        return response

    # --- Tax cards ---

    async def order_taxcards(request: Request) -> Response:
        tok = _bearer(request, s.scope_taxcards)
        if not isinstance(tok, IssuedToken):
            return tok
        raw = await request.body()
        key = request.query_params.get(s.taxcard_idempotency_param or "idempotensid")
        if state.ignore_idempotensid:
            key = None
        if replay := _replay("taxcard-order", key, raw):
            return replay
        try:
            body = json.loads(raw)
        except ValueError:
            return _ske_error(400, "FOR_002", "Kunne ikke lese forespørselen")
        if not isinstance(body, dict):
            return _ske_error(400, "FOR_002", "Kunne ikke lese forespørselen")
        year = str(body.get("inntektsaar", ""))
        mode = body.get("bestillingstype")
        if not (len(year) == 4 and year.isdigit()):
            return _ske_error(400, "FOR_001", "inntektsaar mangler eller er ugyldig")
        if mode not in ("HENT_ALLE_OPPGITTE", "HENT_KUN_ENDRING"):
            return _ske_error(400, "FOR_001", "bestillingstype er ugyldig")
        # Every example (SKE-DOC docs/api/skattekorttilarbeidsgiver.md) and NAV's client
        # (navikt/sokos-skattekort BestillSkattekortRequest.kt) send kontaktinformasjon;
        # the sandbox insists on it (code and status: byraa's own, unpublished).
        contact = body.get("kontaktinformasjon")
        if not isinstance(contact, dict) or not str(contact.get("epostadresse") or "").strip():
            return _ske_error(400, "FOR_001", "kontaktinformasjon med epostadresse mangler")
        employers: dict[str, list[str]] = {}
        if mode == "HENT_ALLE_OPPGITTE":
            try:
                for a in body["forespoerselOmSkattekortTilArbeidsgiver"]["arbeidsgiver"]:
                    org = str(a["arbeidsgiveridentifikator"]["organisasjonsnummer"])
                    employers.setdefault(org, []).extend(str(n) for n in a["arbeidstakeridentifikator"])
            except (KeyError, TypeError):
                return _ske_error(400, "FOR_001", "forespoerselOmSkattekortTilArbeidsgiver er ugyldig")
            if not employers:
                return _ske_error(400, "FOR_001", "Ingen arbeidsgivere i bestillingen")
        reference = str(uuid.uuid4())
        state.orders[reference] = TaxCardOrderState(reference, tok.client_id, int(year), mode, employers,
                                                    state.clock(), since=body.get("endringFraDato"))
        state.orders_created += 1
        if state.forget_next_orders > 0:
            state.forget_next_orders -= 1
            state.forgotten.add(reference)
        response = _json_response({"dialogreferanse": str(uuid.uuid4()), "bestillingsreferanse": reference})
        return _remember("taxcard-order", key, raw, response)

    def _answer(order: TaxCardOrderState) -> AnswerBuilder:
        today = byraa_clock.today()
        if data.income_year_problem(order.year, today):
            return AnswerBuilder(status="UGYLDIG_INNTEKTSAAR")
        view = state._view
        seen = state.ordered_before.setdefault(order.client_id, set())
        if order.mode == "HENT_KUN_ENDRING":
            if not seen and view is not None:  # restarted since the orders: the store remembers
                seen.update(view.fetched_before(order.year))
            if not seen:
                return AnswerBuilder(status="ENDRINGSFORESPOERSEL_UTEN_TIDLIGERE_BESTILLING")
            by_org: dict[str, list[str]] = {}
            for org, nid in sorted(seen):
                by_org.setdefault(org, []).append(nid)
            employers = {org: data.changed_persons(nids, order.since or today.isoformat())
                         for org, nids in by_org.items()}
            employers = {org: nids for org, nids in employers.items() if nids}
            if not employers:
                return AnswerBuilder(status="INGEN_ENDRINGER")
        else:
            employers = order.employers
        results = []
        for org, nids in employers.items():
            employer_ok = not ids.org_number_error(org) and (view is None or view.is_client(org))
            persons = tuple(data.person_result(org, n, order.year, employer_ok=employer_ok) for n in nids)
            if order.mode == "HENT_ALLE_OPPGITTE" and employer_ok:
                seen.update((org, n) for n in nids if not ids.national_id_error(n))
            results.append(EmployerResult(org, persons))
        return AnswerBuilder(status="FORESPOERSEL_OK", employers=results)

    async def fetch_taxcards(request: Request) -> Response:
        tok = _bearer(request, s.scope_taxcards)
        if not isinstance(tok, IssuedToken):
            return tok
        # 204 = "Angitt referanse ikke funnet" (SKE-DOC docs/api/skattekorttilarbeidsgiver.md).
        # Not ready yet: 202, byraa's own choice (Skatteetaten publishes none).
        order = state.orders.get(request.path_params["reference"])
        if order is None or order.client_id != tok.client_id or order.reference in state.forgotten:
            return Response(status_code=204)
        order.polls += 1
        if order.polls <= state.ready_after_polls or state.clock() - order.created_at < state.ready_after_seconds:
            return Response(status_code=202)
        answer = _answer(order)
        if "xml" in request.headers.get("accept", "") and "json" not in request.headers.get("accept", ""):
            return Response(answer.xml(), media_type="application/xml")
        # Alternate the documented spellings so both parsers get exercised.
        upper = int(hashlib.sha256(order.reference.encode()).hexdigest(), 16) % 2 == 0
        return _json_response(answer.json(upper=upper, strings=upper))

    # --- A07 (paths and fields: byraa's own choice, see settings) ---

    async def order_a07(request: Request) -> Response:
        tok = _bearer(request, s.scope_a07, amld=True)
        if not isinstance(tok, IssuedToken):
            return tok
        if refused := _amld_request(request, body=True):
            return refused
        raw = await request.body()
        key = request.query_params.get("idempotencyKey")
        if not key:
            return _ske_error(400, "AMLD_006", "idempotencyKey mangler", detail="AMLD_1022")
        if replay := _replay("a07-order", key, raw):
            return replay
        from byraa.core.altinn import a07_contract as A07

        try:
            body = json.loads(raw)
            first = str(body[A07.ORDER["first_month"]])
            last = str(body.get(A07.ORDER["last_month"]) or first)
        except (ValueError, KeyError, TypeError):
            return _ske_error(400, "AMLD_010", "Forespørselen må være JSON med fraOgMedKalendermaaned",
                              detail="AMLD_1032")
        org = request.path_params["orgnr"]
        if str(body.get(A07.ORDER["org_number"], org)) != org:
            return _ske_error(400, "AMLD_006", "Opplysningspliktig i path og i innsending er ulike",
                              detail="AMLD_1051")
        reference = str(uuid.uuid4())
        state.a07_orders[reference] = {"org": org, "first": first, "last": last, "client": tok.client_id,
                                       "polls": 0, "persons": bool(body.get(A07.ORDER["persons"]))}
        answer = {A07.ORDER_ANSWER["reference"][0]: reference}
        return _remember("a07-order", key, raw, _json_response(answer, 201))

    async def fetch_a07(request: Request) -> Response:
        tok = _bearer(request, s.scope_a07, amld=True)
        if not isinstance(tok, IssuedToken):
            return tok
        if refused := _amld_request(request, body=False):
            return refused
        order = state.a07_orders.get(request.path_params["reference"])
        if order is None or order["org"] != request.path_params["orgnr"]:
            return _ske_error(404, "AMLD_021", "Finner ingen ressurs for denne urlen", detail="AMLD_1023")
        order["polls"] += 1
        if order["polls"] <= state.ready_after_polls:
            return Response(status_code=204)
        return _json_response(data.a07_report(order["org"], order["first"], order["last"], state._view,
                                              persons=order["persons"]))

    # --- A-melding ---

    async def submit_amelding(request: Request) -> Response:
        tok = _bearer(request, s.scope_amelding, amld=True)
        if not isinstance(tok, IssuedToken):
            return tok
        if refused := _amld_request(request, body=True):
            return refused
        raw = await request.body()
        key = request.query_params.get("idempotencyKey")
        if not key:
            return _ske_error(400, "AMLD_006", "idempotencyKey mangler", detail="AMLD_1022")
        if replay := _replay("amelding", key, raw):
            return replay
        try:
            leveranse = json.loads(raw)["leveranse"]
        except (ValueError, KeyError, TypeError):
            return _ske_error(400, "AMLD_010", "Innholdet må være JSON med leveranse", detail="AMLD_1032")
        period, org = request.path_params["period"], request.path_params["orgnr"]
        if not isinstance(leveranse, dict):
            return _ske_error(400, "AMLD_010", "Innholdet må være JSON med leveranse", detail="AMLD_1032")
        if str(leveranse.get("kalendermaaned")) != period:
            return _ske_error(400, "AMLD_006", "Periode (kalendermåned) i path og i innsending er ulike",
                              detail="AMLD_1052")
        body_org = (leveranse.get("opplysningspliktig") or {}).get("norskIdentifikator")
        if str(body_org) != org:
            return _ske_error(400, "AMLD_006", "Opplysningspliktig i path og i innsending er ulike",
                              detail="AMLD_1051")
        if problem := _receiver_problem(leveranse):
            return _ske_error(400, "AMLD_010", problem, detail="AMLD_1032")
        forsendelse = str(uuid.uuid4())
        dialog = str(uuid.uuid4())
        state.submissions[forsendelse] = {"org": org, "period": period, "message_id": leveranse.get("meldingsId"),
                                          "client": tok.client_id, "leveranse": leveranse, "dialog": dialog,
                                          "dialog_polls": 0}
        state.dialogs[dialog] = forsendelse
        response = _json_response({"forsendelseId": forsendelse, "meldingsId": leveranse.get("meldingsId"),
                                   "dialogId": dialog}, 201)
        return _remember("amelding", key, raw, response)

    async def amelding_feedback(request: Request) -> Response:
        tok = _bearer(request, s.scope_amelding, amld=True)
        if not isinstance(tok, IssuedToken):
            return tok
        fid = request.path_params["forsendelse_id"]
        sub = state.submissions.get(fid)
        if sub is None:
            return _ske_error(404, "AMLD_021", "Det finnes ingen forsendelse med denne IDen for denne ordningen",
                              detail="AMLD_1061")
        return _json_response(data.feedback(fid, sub["org"], sub["period"], sub["leveranse"]))

    # --- Dialogporten: the submission's dialog carries the feedback link ---

    async def dialog(request: Request) -> Response:
        tok = _bearer(request, s.scope_dialogporten)
        if not isinstance(tok, IssuedToken):
            return tok
        dialog_id = request.path_params["dialog_id"]
        fid = state.dialogs.get(dialog_id)
        if fid is None:
            return _json_response({"title": "Not Found", "status": 404}, 404)
        sub = state.submissions.get(fid)  # a dialog may outlive its submission: its link still shows
        if sub is not None:
            sub["dialog_polls"] += 1
        transmissions = []
        if sub is None or sub["dialog_polls"] > state.feedback_after_polls:
            url = str(request.base_url).rstrip("/") + s.path_amelding_feedback.format(forsendelse_id=fid)
            transmissions.append({"type": "Information", "attachments": [
                {"urls": [{"url": url, "mediaType": "application/json", "consumerType": "Api"}]}]})
        return _json_response({"id": dialog_id, "serviceResource": "urn:altinn:resource:ske-innrapportering-amelding",
                               "transmissions": transmissions})

    # --- Population register ---

    async def address(request: Request) -> Response:
        tok = _bearer(request, s.scope_register)
        if not isinstance(tok, IssuedToken):
            return tok
        found = data.address(request.path_params["national_id"], state._view)
        if found is None:
            return _ske_error(404, "FREG_404", "Fant ikke personen")
        return _json_response(found)

    # --- Enhetsregisteret (open data, no token) ---

    async def sub_unit(request: Request) -> Response:
        found = data.sub_unit(request.path_params["org_number"], state._view)
        if found is None:
            return _json_response({"status": 404, "error": "Not Found",
                                   "message": "Ingen underenhet med organisasjonsnummer "
                                              f"{request.path_params['org_number']} ble funnet"}, 404)
        return _json_response(found)

    # --- Control ---

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                changes = json.loads(await request.body() or b"{}")
                state.set_faults(**changes)
            except (ValueError, TypeError) as exc:
                return _json_response({"error": str(exc)}, 400)
        return _json_response(asdict(state.faults))

    async def stats(request: Request) -> Response:
        return _json_response(state.stats())

    async def register(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            state.register_key(str(body["client_id"]), str(body["key_id"]), str(body["public_key_pem"]).encode(),
                               scopes=set(body["scopes"]) if body.get("scopes") is not None else None,
                               system_user_orgs=set(body["system_user_orgs"])
                               if body.get("system_user_orgs") is not None else None)
        except (ValueError, KeyError, TypeError) as exc:
            return _json_response({"error": f"bad registration ({type(exc).__name__})"}, 400)
        return _json_response({"registered": body["key_id"]}, 201)

    routes = [
        Route("/token", token, methods=["POST"]),
        Route("/authentication/api/v1/exchange/maskinporten", exchange, methods=["GET"]),
        Route(s.path_taxcard_order, order_taxcards, methods=["POST"]),
        Route(s.path_taxcard_fetch, fetch_taxcards, methods=["GET"]),
        Route(s.path_a07_order, order_a07, methods=["POST"]),
        Route(s.path_a07_fetch, fetch_a07, methods=["GET"]),
        Route(s.path_amelding_submit, submit_amelding, methods=["POST"]),
        Route(s.path_amelding_feedback, amelding_feedback, methods=["GET"]),
        Route(s.path_dialog, dialog, methods=["GET"]),
        Route(s.path_register_address, address, methods=["GET"]),
        Route(s.path_sub_unit, sub_unit, methods=["GET"]),
        Route("/_sandbox/faults", faults, methods=["GET", "POST"]),
        Route("/_sandbox/stats", stats, methods=["GET"]),
        Route("/_sandbox/clients", register, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = state
    wrapped = FaultLayer(app, state)
    wrapped.state = state  # type: ignore[attr-defined]
    return wrapped
