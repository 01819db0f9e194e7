"""The one Altinn client: every call to Maskinporten, Altinn and Skatteetaten goes here.

One file over ~400 lines on purpose: the retry, timeout, archive and token rules live in
``request`` and every call below is a thin use of it; splitting the calls from it would
scatter one policy.

- **Timeouts** on every attempt (httpx's connect/read timeouts, plus an overall deadline
  per attempt, which also bounds in-process transports).
- **Retries** with exponential backoff and jitter on 429, 5xx and connection errors,
  honouring ``Retry-After`` (seconds or an HTTP date, capped), at most ``max_attempts``.
  A POST is retried after a lost answer or a 500/502/504 only when it carries an
  idempotency key (every retry reuses it), so a retried order never becomes a second
  order; 429 and 503 (not taken) are retried either way.
- **One concurrency limit** for the whole process (per event loop: the app has one).
- **Archive**: each request body (once) and each response, with the correlation id, the
  status and the headers with secrets redacted. Token exchanges are archived with the
  assertion and token values redacted from the bodies as well.
- **Never a crash on a bad answer**: an answer that cannot be read becomes a result with
  ``error`` set and its raw bytes archived.

Operations return plain dataclasses. Paths that the contracts page marks unverified are
settings (``settings.py``) whose defaults the sandbox implements.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from byraa.core.altinn.errors import AltinnError
from byraa.core.altinn.maskinporten import Credentials, TokenProvider, load_private_key
from byraa.core.altinn.settings import AltinnSettings
from byraa.core.altinn.tls import verified_context
from byraa.core.base import ids
from byraa.core.base.errors import UserError
from byraa.core.clients.archive import ArchiveRecord, redact_headers, redact_token_body
from byraa.core.taxcards.parse import AnswerRejected, TaxCardAnswer, parse_answer

if TYPE_CHECKING:
    import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_PERSONS_PER_ORDER = 1000
"""NAV's production batch size (§1.7); no official limit is documented."""
ORDER_MODES = {"all": "HENT_ALLE_OPPGITTE", "changes": "HENT_KUN_ENDRING"}
REFERENCE_NOT_FOUND = "REFERENCE_NOT_FOUND"
"""byraa's status for a 204 on ``svar``: Skatteetaten does not know the reference."""


# --- The process-wide concurrency limit ---------------------------------------------------

_limit_size = 8
_semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def set_concurrency_limit(size: int) -> None:
    """Requests in flight at once across every ``AltinnClient`` of the process."""
    global _limit_size
    if size < 1:
        raise ValueError("the concurrency limit must be at least 1")
    _limit_size = size
    _semaphores.clear()


def concurrency_limit() -> int:
    return _limit_size


def _semaphore() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    sem = _semaphores.get(loop)
    if sem is None:
        sem = _semaphores[loop] = asyncio.Semaphore(_limit_size)
    return sem


# --- Results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    content: bytes
    correlation_id: str
    archive_id: int | None
    attempts: int


@dataclass(frozen=True)
class TaxCardOrder:
    reference: str
    dialog_reference: str | None
    idempotency_id: str
    archive_id: int | None


@dataclass(frozen=True)
class A07Order:
    reference: str
    idempotency_key: str
    archive_id: int | None


@dataclass(frozen=True)
class A07Month:
    period: str
    gross: int
    """Øre, as every amount in byraa."""
    withholding: int
    employer_contribution: int
    employments: int
    income_receivers: int
    lines: Mapping[str, Any] | None = None
    """The month's ``inntektsmottakere`` and ``arbeidsgiveravgift`` as answered (asked for with
    ``persons``), for ``core.a07_fetch`` to read into byraa's A07 model; ``None`` when absent."""


@dataclass(frozen=True)
class A07Answer:
    """Skatteetaten's answer to an A07 order, as sent: monthly sums (and lines). byraa's
    A07 model is ``core.reconcile.a07.A07Report``; ``core.reconcile.a07_fetch`` reads this
    answer into it."""

    org_number: str
    months: tuple[A07Month, ...]
    error: str | None = None
    archive_id: int | None = None


@dataclass(frozen=True)
class Deviation:
    """One deviation (avvik) a-ordningen found in an a-melding: the one class for it, from
    the client's answer to the feedback screen and the corrections."""

    code: str
    severity: str
    """rejection, immediate or guideline (``SEVERITY_CODES``); a-ordningen's own word
    when it is none of them."""
    description: str


@dataclass(frozen=True)
class AmeldingFeedback:
    forsendelse_id: str
    status: str
    """mottatt, avvist or erstattet; empty when the answer was unreadable."""
    period: str | None
    org_number: str | None
    message_id: str | None
    deviations: tuple[Deviation, ...] = ()
    kid: str | None = None
    account: str | None = None
    sums: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    archive_id: int | None = None


@dataclass(frozen=True)
class AmeldingReceipt:
    forsendelse_id: str
    message_id: str | None
    dialog_id: str | None
    idempotency_key: str
    archive_id: int | None


@dataclass(frozen=True)
class Address:
    national_id: str
    address: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class SubUnitEntry:
    """A sub-unit as Enhetsregisteret has it (``beliggenhetsadresse``)."""

    org_number: str
    name: str
    address: str
    postal_code: str
    city: str
    municipality_number: str
    municipality: str


# --- Small helpers -------------------------------------------------------------------------


def retry_after_seconds(value: str | None, *, now: float) -> float | None:
    """``Retry-After`` as seconds: an integer, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def _oere(value: Any) -> int:
    from decimal import Decimal, InvalidOperation

    try:
        return int((Decimal(str(value)) * 100).to_integral_value())
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError("an amount is not a number") from None


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise ValueError(NOT_JSON) from None


SEVERITY_CODES = {"avvisning": "rejection", "oeyeblikkelig": "immediate", "øyeblikkelig": "immediate",
                  "retningslinje": "guideline"}
"""a-ordningen's alvorlighetsgrad -> byraa's severity code."""


def _severity(value: Any) -> str:
    text = str(value or "").strip().lower().replace("_", "")
    return SEVERITY_CODES.get(text, text)


NOT_JSON = "the answer is not valid JSON"
NOT_OBJECT = "the answer is not a JSON object"


def parse_feedback(content: bytes, forsendelse_id: str, *, period: str | None = None, org_number: str | None = None,
                   archive_id: int | None = None) -> AmeldingFeedback:
    """An a-melding feedback (tilbakemelding) document; unreadable → ``error`` set, never raised.

    The one reader of this document: the client's answers and archived copies alike
    (``core.feedback``). Amounts become øre; severities byraa's codes (``SEVERITY_CODES``).
    """
    try:
        data = _json(content)
        if not isinstance(data, dict):
            raise ValueError(NOT_OBJECT)
        mottak = data.get("mottak")
        if not isinstance(mottak, dict):
            mottak = {}
        deviations = tuple(
            Deviation(str(a.get("kode", "")), _severity(a.get("alvorlighetsgrad")), str(a.get("beskrivelse", "")))
            for a in data.get("avvik") or [] if isinstance(a, dict)
        )
        sums = {k: _oere(v) for k, v in data.items() if k.startswith("sum") and v is not None}
        return AmeldingFeedback(
            str(data.get("forsendelseId") or forsendelse_id), str(mottak.get("mottakstatus", "")).lower(),
            mottak.get("kalendermaaned") or period, mottak.get("opplysningspliktig") or org_number,
            mottak.get("meldingsId"), deviations, data.get("kid"), data.get("kontonummer"), sums,
            archive_id=archive_id,
        )
    except (ValueError, TypeError, AttributeError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "the feedback lacks expected fields"
        return AmeldingFeedback(forsendelse_id, "", period, org_number, None, error=reason, archive_id=archive_id)


# --- The client ----------------------------------------------------------------------------


class AltinnClient:
    """Async client for the authorities' APIs. Use as ``async with AltinnClient(...) as c``.

    ``transport`` replaces the network (``httpx.ASGITransport(app=sandbox)`` in tests);
    ``archiver`` stores every exchanged body (``archive.StoreArchiver``); ``sleep``,
    ``clock`` and ``rng`` are injectable so tests never wait for real.
    """

    def __init__(
        self,
        settings: AltinnSettings,
        credentials: Credentials | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        archiver: Callable[[ArchiveRecord], int | None] | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
        key_loader: Callable[[str], bytes] = load_private_key,
    ) -> None:
        import httpx

        self.settings = settings
        self.credentials = credentials
        self._archiver = archiver
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout_seconds, connect=settings.connect_timeout_seconds),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent},
            verify=verified_context(),
        )
        self.tokens: TokenProvider | None = None
        if credentials is not None:
            self.tokens = TokenProvider(credentials, settings, self._post_token_form, self._exchange_get,
                                        clock=clock, key_loader=key_loader)
        self.sent: list[tuple[str, str, int]] = []
        """(method, url, status or 0) of every attempt, for diagnostics and tests."""

    async def __aenter__(self) -> AltinnClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- The one place requests are made --------------------------------------------------

    def _archive(self, record: ArchiveRecord) -> int | None:
        if self._archiver is None:
            return None
        return self._archiver(record)

    def _backoff(self, attempt: int) -> float:
        cap = min(self.settings.backoff_max_seconds, self.settings.backoff_base_seconds * 2 ** (attempt - 1))
        return cap * (0.5 + 0.5 * self._rng())

    async def request(
        self,
        method: str,
        url: str,
        *,
        kind: str,
        scope: str | None = None,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        content_factory: Callable[[], bytes] | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
        org_number: str | None = None,
        period: str | None = None,
        idempotent: bool | None = None,
        redact_bodies: bool = False,
        bearer: str | None = None,
    ) -> Response:
        """Send with retries, archive both ways; returns the last response (any status).

        Raises ``AltinnError`` only when no response came at all after every attempt.
        """
        import httpx

        method = method.upper()
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "PUT", "DELETE")
        if json_body is not None:
            content = json.dumps(json_body, ensure_ascii=False).encode()
            content_type = content_type or "application/json"
        correlation_id = str(uuid.uuid4())
        headers = {"Accept": accept, "X-Correlation-ID": correlation_id}
        if content_type:
            headers["Content-Type"] = content_type
        attempt = 0
        auth_retried = False
        request_archived = False
        max_attempts = max(1, self.settings.max_attempts)
        while True:
            attempt += 1
            body = content_factory() if content_factory else content
            if scope is not None:
                if self.tokens is None:
                    raise AltinnError("no Maskinporten credentials are configured", kind="config")
                headers["Authorization"] = f"Bearer {await self.tokens.token(scope)}"
            elif bearer is not None:
                headers["Authorization"] = f"Bearer {bearer}"
            full_url = str(httpx.URL(url, params=dict(params) if params else None))
            if body is not None and not request_archived:
                self._archive(ArchiveRecord(
                    kind=kind, direction="out",
                    content=redact_token_body(body, content_type) if redact_bodies else body,
                    org_number=org_number, period=period, content_type=content_type,
                    correlation_id=correlation_id, method=method, url=full_url, headers=redact_headers(headers),
                    note="assertion redacted" if redact_bodies else None,
                ))
                request_archived = True
            try:
                async with _semaphore():
                    async with asyncio.timeout(self.settings.timeout_seconds):
                        resp = await self._http.request(method, full_url, content=body, headers=headers)
            except (httpx.TransportError, TimeoutError) as exc:
                reason = "timeout" if isinstance(exc, TimeoutError | httpx.TimeoutException) else "connection"
                self.sent.append((method, full_url, 0))
                if attempt >= max_attempts or not idempotent:
                    raise AltinnError(
                        f"{method} {url}: no answer after {attempt} attempt(s) ({reason}: {type(exc).__name__})",
                        kind=reason,
                    ) from None
                await self._sleep(self._backoff(attempt))
                continue
            self.sent.append((method, full_url, resp.status_code))
            resp_ctype = resp.headers.get("content-type")
            archive_id = self._archive(ArchiveRecord(
                kind=kind, direction="in",
                content=redact_token_body(resp.content, resp_ctype) if redact_bodies else resp.content,
                org_number=org_number, period=period, content_type=resp_ctype, correlation_id=correlation_id,
                method=method, url=full_url, status_code=resp.status_code, headers=redact_headers(resp.headers),
                note="token redacted" if redact_bodies else None,
            ))
            if resp.status_code == 401 and scope is not None and not auth_retried and self.tokens is not None:
                auth_retried = True
                self.tokens.forget()
                attempt -= 1
                continue
            # 429 and 503 say the request was not taken, so even a POST without an
            # idempotency key is safe to send again; 500/502/504 may hide a created order.
            if (resp.status_code in RETRY_STATUSES and (idempotent or resp.status_code in (429, 503))
                    and attempt < max_attempts):
                delay = retry_after_seconds(resp.headers.get("retry-after"), now=self._clock())
                if delay is None:
                    delay = self._backoff(attempt)
                await self._sleep(min(delay, self.settings.retry_after_max_seconds))
                continue
            return Response(resp.status_code, dict(resp.headers), resp.content, correlation_id, archive_id, attempt)

    # --- Tokens ---------------------------------------------------------------------------

    async def _post_token_form(self, url: str, form: Callable[[], dict[str, str]]) -> tuple[int, bytes]:
        from urllib.parse import urlencode

        resp = await self.request(
            "POST", url, kind="token", content_factory=lambda: urlencode(form()).encode(),
            content_type="application/x-www-form-urlencoded", idempotent=True, redact_bodies=True,
        )
        return resp.status, resp.content

    async def _exchange_get(self, url: str, token: str) -> tuple[int, bytes]:
        resp = await self.request("GET", url, kind="token", bearer=token, accept="text/plain, application/json",
                                  redact_bodies=True)
        return resp.status, resp.content

    async def maskinporten_token(self, scope: str) -> str:
        if self.tokens is None:
            raise AltinnError("no Maskinporten credentials are configured", kind="config")
        return await self.tokens.token(scope)

    async def altinn_token(self, scope: str) -> str:
        """Maskinporten token exchanged for an Altinn token (Altinn's own APIs need it)."""
        if self.tokens is None:
            raise AltinnError("no Maskinporten credentials are configured", kind="config")
        return await self.tokens.altinn_token(scope)

    def _fail(self, what: str, resp: Response) -> AltinnError:
        code = None
        detail = ""
        try:
            data = json.loads(resp.content)
        except (ValueError, UnicodeDecodeError):
            data = None
        if isinstance(data, dict):
            # The detail code (e.g. AMLD_1063) says more than the general one (AMLD_005).
            code = str(data.get("feilspesifiseringskode") or data.get("kode") or data.get("code")
                       or data.get("error") or "") or None
            message = data.get("melding") or data.get("message") or data.get("error_description")
            if message:
                detail = f": {str(message)[:200]}"
        kind = "auth" if resp.status in (401, 403) else "http"
        label = f" {code}" if code else ""
        return AltinnError(f"{what}: HTTP {resp.status}{label}{detail}", kind=kind, status=resp.status, code=code,
                           archive_id=resp.archive_id)

    # --- Tax cards ------------------------------------------------------------------------

    async def order_tax_cards(
        self,
        employers: Mapping[str, Sequence[str]],
        year: int,
        mode: str = "all",
        *,
        idempotency_id: str | None = None,
        contact_email: str | None = None,
        contact_phone: str | None = None,
        notify: bool = False,
        changes_from: date | None = None,
    ) -> TaxCardOrder:
        """``bestillSkattekort`` for several employers at once; returns the order reference.

        ``mode`` "all" orders every listed person (``HENT_ALLE_OPPGITTE``); "changes"
        (``HENT_KUN_ENDRING``) names nobody and returns changes since the last order.
        """
        if mode not in ORDER_MODES:
            raise UserError("altinn.bad_order_mode", mode=mode)
        persons = 0
        for org, nids in employers.items():
            if reason := ids.org_number_error(org):
                raise UserError("altinn.bad_employer", org=org, reason=reason)
            for nid in nids:
                if reason := ids.national_id_error(nid):
                    raise UserError("altinn.bad_employee", org=org, nid=ids.mask_national_id(nid), reason=reason)
            persons += len(nids)
        if mode == "all" and persons == 0:
            raise UserError("altinn.order_empty")
        if persons > MAX_PERSONS_PER_ORDER:
            raise UserError("altinn.order_too_big", persons=persons, limit=MAX_PERSONS_PER_ORDER)
        body: dict[str, Any] = {"inntektsaar": str(year), "bestillingstype": ORDER_MODES[mode]}
        # Always sent: every example in SKE-DOC docs/api/skattekorttilarbeidsgiver.md and
        # navikt/sokos-skattekort BestillSkattekortRequest.kt carry kontaktinformasjon.
        email = contact_email or self.settings.contact_email
        phone = contact_phone or self.settings.contact_phone
        if not email:
            raise UserError("taxcards.no_contact")
        body["kontaktinformasjon"] = {k: v for k, v in (("epostadresse", email), ("mobiltelefonummer", phone)) if v}
        body["varslingstype"] = "VARSEL_VED_FOERSTE_ENDRING" if notify else "INGEN_VARSEL"
        if mode == "changes":
            if changes_from:
                body["endringFraDato"] = changes_from.isoformat()
        else:
            body["forespoerselOmSkattekortTilArbeidsgiver"] = {"arbeidsgiver": [
                {"arbeidsgiveridentifikator": {"organisasjonsnummer": org}, "arbeidstakeridentifikator": list(nids)}
                for org, nids in employers.items()
            ]}
        key = idempotency_id or str(uuid.uuid4())
        param = self.settings.taxcard_idempotency_param
        only = next(iter(employers)) if len(employers) == 1 else None
        resp = await self.request(
            "POST", self.settings.skatteetaten_base + self.settings.path_taxcard_order,
            kind="taxcard", scope=self.settings.scope_taxcards, json_body=body,
            params={param: key} if param else None, org_number=only, period=str(year),
            idempotent=bool(param),
        )
        if resp.status not in (200, 201):
            raise self._fail("ordering tax cards", resp)
        try:
            data = _json(resp.content)
            reference = data.get("bestillingsreferanse") if isinstance(data, dict) else None
        except ValueError:
            reference = None
        if not reference:
            raise AltinnError("the tax-card order answer has no bestillingsreferanse", kind="malformed",
                              status=resp.status, archive_id=resp.archive_id)
        return TaxCardOrder(str(reference), data.get("dialogreferanse"), key, resp.archive_id)

    async def fetch_tax_cards(self, reference: str, *, org_number: str | None = None,
                              year: int | None = None, accept_xml: bool = False) -> TaxCardAnswer | None:
        """The answer to an order, or ``None`` while it is not ready (202, or 503 to the end).

        ``204`` is "Angitt referanse ikke funnet" (SKE-DOC docs/api/skattekorttilarbeidsgiver.md,
        Feilkoder): final, answered as status ``REFERENCE_NOT_FOUND``; NAV re-orders those
        persons (navikt/sokos-skattekort). How Skatteetaten says "not ready yet" is not
        published: byraa takes 202 (and a lasting 503) for it, and the sandbox answers 202.
        An unreadable answer is returned with ``error`` set (raw bytes archived).
        """
        from urllib.parse import quote

        resp = await self.request(
            "GET", self.settings.skatteetaten_base + self.settings.path_taxcard_fetch.format(
                reference=quote(reference, safe="")),
            kind="taxcard", scope=self.settings.scope_taxcards, org_number=org_number,
            period=str(year) if year else None, accept="application/xml" if accept_xml else "application/json",
        )
        if resp.status == 204:
            return TaxCardAnswer(REFERENCE_NOT_FOUND, (), "none", archive_id=resp.archive_id)
        if resp.status in (202, 503):
            return None
        if resp.status != 200:
            raise self._fail("fetching tax cards", resp)
        try:
            answer = parse_answer(resp.content, resp.headers.get("content-type"))
        except AnswerRejected as exc:
            return TaxCardAnswer("MALFORMED", (), "unknown", error=exc.reason, archive_id=resp.archive_id)
        return TaxCardAnswer(answer.status, answer.employers, answer.format, archive_id=resp.archive_id)

    # --- A07 reconciliation report (paths: byraa's own, unverified) ----------------------

    async def order_a07(self, org_number: str, period_from: str, period_to: str | None = None, *,
                        idempotency_key: str | None = None, persons: bool = True) -> A07Order:
        """Order the avstemmingsrapport (A07) for a client and months (JSON, idempotency key).

        The field names and paths are byraa's own choice: the information model is "not
        available yet" (§3) and the sandbox implements exactly this.
        """
        from byraa.core.altinn import a07_contract as A07

        if reason := ids.org_number_error(org_number):
            raise UserError("org.invalid", org=org_number, reason=reason)
        key = idempotency_key or str(uuid.uuid4())
        body = {A07.ORDER["org_number"]: org_number, A07.ORDER["first_month"]: period_from,
                A07.ORDER["last_month"]: period_to or period_from, A07.ORDER["persons"]: persons}
        resp = await self.request(
            "POST", self.settings.a07_base + self.settings.path_a07_order.format(orgnr=org_number),
            kind="a07", scope=self.settings.scope_a07, json_body=body, params={A07.IDEMPOTENCY_PARAM: key},
            org_number=org_number, period=period_from if not period_to or period_to == period_from else None,
            idempotent=True,
        )
        if resp.status not in (200, 201, 202):
            raise self._fail("ordering the A07 report", resp)
        try:
            data = _json(resp.content)
            reference = next((data[n] for n in A07.ORDER_ANSWER["reference"] if data.get(n)), None)
        except (ValueError, AttributeError, TypeError):
            reference = None
        if not reference:
            raise AltinnError("the A07 order answer has no reference", kind="malformed", status=resp.status,
                              archive_id=resp.archive_id)
        return A07Order(str(reference), key, resp.archive_id)

    async def fetch_a07(self, org_number: str, reference: str) -> A07Answer | None:
        """The A07 report, ``None`` while not ready; unreadable → ``error`` set."""
        from byraa.core.altinn import a07_contract as A07

        m_ = A07.MONTH
        resp = await self.request(
            "GET", self.settings.a07_base + self.settings.path_a07_fetch.format(orgnr=org_number, reference=reference),
            kind="a07", scope=self.settings.scope_a07, org_number=org_number,
        )
        if resp.status in (202, 204, 503):
            return None
        if resp.status != 200:
            raise self._fail("fetching the A07 report", resp)
        try:
            data = _json(resp.content)
            if not isinstance(data, dict):
                raise ValueError("the answer is not a JSON object")
            months = tuple(
                A07Month(
                    str(m[m_["period"]]), _oere(m.get(m_["gross"], 0)), _oere(m.get(m_["withholding"], 0)),
                    _oere(m.get(m_["employer_contribution"], 0)), int(m.get(m_["employments"], 0)),
                    int(m.get(m_["income_receivers"], 0)),
                    {k: m[k] for k in (m_["persons"], m_["contribution_lines"]) if k in m}
                    if m_["persons"] in m else None,
                )
                for m in data.get(A07.REPORT["months"], [])
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "the report lacks expected fields"
            return A07Answer(org_number, (), error=reason, archive_id=resp.archive_id)
        return A07Answer(str(data.get(A07.REPORT["org_number"]) or org_number), months, archive_id=resp.archive_id)

    # --- A-melding ------------------------------------------------------------------------

    async def submit_amelding(self, org_number: str, period: str, leveranse: Mapping[str, Any], *,
                              idempotency_key: str | None = None) -> AmeldingReceipt:
        """Submit an a-melding (``{"leveranse": …}``) with an idempotency key (§4.2, path [S])."""
        key = idempotency_key or str(uuid.uuid4())
        resp = await self.request(
            "POST", self.settings.amelding_base + self.settings.path_amelding_submit.format(
                period=period, orgnr=org_number),
            kind="amelding", scope=self.settings.scope_amelding, json_body={"leveranse": dict(leveranse)},
            params={"idempotencyKey": key}, org_number=org_number, period=period, idempotent=True,
        )
        if resp.status not in (200, 201, 202):
            raise self._fail("submitting the a-melding", resp)
        try:
            data = _json(resp.content)
            forsendelse = data["forsendelseId"]
        except (ValueError, KeyError, TypeError):
            raise AltinnError("the a-melding receipt has no forsendelseId", kind="malformed",
                              status=resp.status, archive_id=resp.archive_id) from None
        return AmeldingReceipt(str(forsendelse), data.get("meldingsId"), data.get("dialogId"), key, resp.archive_id)

    async def feedback_link(self, dialog_id: str, *, org_number: str | None = None,
                            period: str | None = None) -> str | None:
        """The feedback document's URL from the submission's Dialogporten dialog (the
        receipt's ``dialogId``): a transmission attachment URL for ``consumerType`` Api.
        ``None`` while the dialog has none yet; an unknown dialog (404) is an error."""
        from urllib.parse import quote

        resp = await self.request(
            "GET", self.settings.dialogporten_base + self.settings.path_dialog.format(
                dialog_id=quote(dialog_id, safe="")),
            kind="feedback", bearer=await self.altinn_token(self.settings.scope_dialogporten),
            org_number=org_number, period=period,
        )
        if resp.status != 200:
            raise self._fail("looking up the a-melding dialog", resp)
        try:
            data = _json(resp.content)
            transmissions = data.get("transmissions") or []
        except (ValueError, AttributeError):
            raise AltinnError("the dialog is not readable", kind="malformed", archive_id=resp.archive_id) from None
        for transmission in reversed(transmissions):  # the newest transmission last
            for attachment in (transmission or {}).get("attachments") or []:
                for link in (attachment or {}).get("urls") or []:
                    if str((link or {}).get("consumerType", "")).lower() == "api" and link.get("url"):
                        return str(link["url"])
        return None

    async def amelding_feedback(self, org_number: str, dialog_id: str, *, forsendelse_id: str | None = None,
                                period: str | None = None) -> AmeldingFeedback | None:
        """The tilbakemelding for a submission, found through its dialog (SKE-DOC
        innrapportering-amelding.md: feedback is announced in Dialogporten); ``None`` while
        the dialog has no feedback yet. A 404 on the document is an error: Skatteetaten
        says the item does not exist (AMLD_021 / AMLD_1061)."""
        url = await self.feedback_link(dialog_id, org_number=org_number, period=period)
        if url is None:
            return None
        resp = await self.request("GET", url, kind="feedback", scope=self.settings.scope_amelding,
                                  org_number=org_number, period=period)
        if resp.status == 204:
            return None
        if resp.status != 200:
            raise self._fail("fetching a-melding feedback", resp)
        return parse_feedback(resp.content, forsendelse_id or url.rstrip("/").rsplit("/", 1)[-1], period=period,
                              org_number=org_number, archive_id=resp.archive_id)

    # --- Enhetsregisteret (sub-unit check) -------------------------------------------------

    async def lookup_sub_unit(self, org_number: str) -> SubUnitEntry | None:
        """A sub-unit's business address and municipality from Enhetsregisteret (open data)."""
        resp = await self.request("GET", self.settings.brreg_base + self.settings.path_sub_unit.format(
            org_number=org_number), kind="register", org_number=org_number)
        if resp.status in (404, 410):
            return None
        if resp.status != 200:
            raise self._fail("looking up the sub-unit", resp)
        try:
            data = _json(resp.content)
            where = data.get("beliggenhetsadresse") or {}
            return SubUnitEntry(str(data["organisasjonsnummer"]), str(data.get("navn") or ""),
                                ", ".join(str(x) for x in where.get("adresse") or []),
                                str(where.get("postnummer") or ""), str(where.get("poststed") or ""),
                                str(where.get("kommunenummer") or ""), str(where.get("kommune") or ""))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AltinnError(f"the sub-unit answer is unreadable ({type(exc).__name__})", kind="malformed",
                              archive_id=resp.archive_id) from None

    # --- Population register (address check) --------------------------------------------

    async def lookup_address(self, national_id: str, *, org_number: str | None = None) -> Address | None:
        """A person's registered address (sandbox path; byraa's own), ``None`` if unknown."""
        resp = await self.request(
            "GET", self.settings.register_base + self.settings.path_register_address.format(national_id=national_id),
            kind="register", scope=self.settings.scope_register, org_number=org_number,
        )
        if resp.status == 404:
            return None
        if resp.status != 200:
            raise self._fail("looking up the address", resp)
        try:
            data = _json(resp.content)
            return Address(national_id, str(data["adresse"]), str(data["postnummer"]), str(data["poststed"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise AltinnError(f"the address answer is unreadable ({type(exc).__name__})", kind="malformed",
                              archive_id=resp.archive_id) from None
