"""Where the Altinn client talks to, per environment: every uncertain fact is a setting.

Markers follow ``altinn-contracts.md``: [V] checked against a primary source, [S]
secondary, [I] inference. Items marked [S]/[I], and paths the contracts page calls
unverified, have defaults here and nowhere else; where no source gives a path at all,
the default is byraa's own choice (and the sandbox serves exactly that path).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from byraa.core.altinn import a07_contract

ENVIRONMENTS = ("sandbox", "test", "production")

SANDBOX_ISSUER = "https://maskinporten.sandbox.byraa.invalid/"
"""The sandbox's Maskinporten issuer (the ``aud`` of assertions sent to it): byraa's own."""
SANDBOX_DEFAULT_URL = "http://127.0.0.1:8787"


@dataclass(frozen=True)
class AltinnSettings:
    environment: str

    # --- Maskinporten (§2.1) ---
    maskinporten_issuer: str
    """[V] ``aud`` of the assertion: the issuer, not the token URL."""
    maskinporten_token_url: str
    """[V] ``POST {issuer}token``."""
    altinn_exchange_url: str
    """[V] Altinn token exchange (GET with the Maskinporten bearer token)."""

    # --- Skatteetaten: tax cards (§1) ---
    skatteetaten_base: str
    """[V] ``https://api.skatteetaten.no`` / test ``https://api-test.sits.no``."""
    scope_taxcards: str = "skatteetaten:skattekorttilarbeidsgiver"
    """[I] NAV's production scope; Skatteetaten's docs say ``skatteetaten:forskudd`` (§1.3)."""
    path_taxcard_order: str = "/api/forskudd/bestillSkattekort/"
    """[V] NAV keeps the trailing slash."""
    path_taxcard_fetch: str = "/api/forskudd/skattekortTilArbeidsgiver/svar/{reference}"
    """[V]."""
    taxcard_idempotency_param: str | None = None
    """Off by default: neither SKE-DOC (docs/api/skattekorttilarbeidsgiver.md) nor NAV
    (navikt/sokos-skattekort SkatteetatenClient.kt) uses it; only a third-party client sends
    ``?idempotensid=<uuid>`` [S]. Without it an order whose answer is lost is never re-sent
    blindly (the fetch job records it as unknown). Set it to ``"idempotensid"`` to send it."""
    contact_email: str = ""
    """``kontaktinformasjon.epostadresse``, sent with every order. Source: SKE-DOC
    ``docs/api/skattekorttilarbeidsgiver.md`` example and navikt/sokos-skattekort
    ``BestillSkattekortRequest.kt`` (both always send it); from the agency's settings."""
    contact_phone: str = ""
    """``kontaktinformasjon.mobiltelefonummer`` (sent when set; NAV: ``+4721070000``)."""

    # --- A07 / avstemmingsrapport (§3): paths and fields unverified ---
    a07_base: str = ""
    """[I] host pattern ``https://<api>.api.skatteetaten.no`` (§4.2 url.md)."""
    scope_a07: str = "skatteetaten:innrapporteringamelding"
    """[V] per the avstemmingsrapport page."""
    path_a07_order: str = a07_contract.PATH_ORDER
    """byraa's own choice: the real path is only on SwaggerHub (unverified; a07_contract.py)."""
    path_a07_fetch: str = a07_contract.PATH_FETCH
    """byraa's own choice (unverified; a07_contract.py)."""

    # --- A-melding (§4.2) ---
    amelding_base: str = ""
    """[I] exact a-melding host unknown; pattern from SKE-DOC url.md."""
    scope_amelding: str = "skatteetaten:innrapporteringamelding"
    """[V]."""
    path_amelding_submit: str = "/v1/innsending/{period}/{orgnr}"
    """[S] from third-party code; ``?idempotencyKey=`` [V that the key exists]."""
    amelding_feedback_base: str = ""
    """[S] e.g. ``https://ameldingtilbakemelding.api.skatteetaten-test.no``. Only the
    sandbox's dialogs point here; byraa never builds a feedback URL itself."""
    path_amelding_feedback: str = "/v1/forsendelser/{forsendelse_id}"
    """[S] the sandbox serves it; the real link comes from the dialog."""
    dialogporten_base: str = ""
    """[V] Altinn platform host (``platform.altinn.no`` / ``platform.tt02.altinn.no``)."""
    path_dialog: str = "/dialogporten/api/v1/enduser/dialogs/{dialog_id}"
    """[I] Dialogporten's end-user dialog; the feedback link is a transmission attachment
    URL with ``consumerType: "Api"`` (altinn-contracts.md §4.2 [S])."""
    scope_dialogporten: str = "digdir:dialogporten"
    """[V] SKE-DOC docs/om/systembruker.md scope list."""

    # --- Population register (address check; sandbox) ---
    register_base: str = ""
    """byraa's own path; the real Folkeregisteret API is not part of this client yet."""
    scope_register: str = "folkeregister:deling/offentligmedhjemmel"
    """[I] not used outside the sandbox."""
    path_register_address: str = "/folkeregisteret/v1/personer/{national_id}/adresse"
    """byraa's own choice."""

    # --- Enhetsregisteret (sub-units' business address; open data, no token) ---
    brreg_base: str = "https://data.brreg.no"
    """[V] the open API of Brønnøysundregistrene."""
    path_sub_unit: str = "/enhetsregisteret/api/underenheter/{org_number}"
    """[V] one sub-unit by organisation number (404 when there is none)."""

    # --- Behaviour ---
    timeout_seconds: float = 30.0
    """Per attempt, connect to last byte."""
    connect_timeout_seconds: float = 10.0
    max_attempts: int = 5
    backoff_base_seconds: float = 0.5
    backoff_max_seconds: float = 30.0
    retry_after_max_seconds: float = 120.0
    """A Retry-After longer than this is cut to it (bounded waits)."""
    concurrency: int = 8
    """Requests in flight at once for the whole process."""
    token_margin_seconds: float = 60.0
    """A cached token is renewed this long before it expires (NAV does the same)."""
    assertion_lifetime_seconds: int = 120
    """[V] ``exp - iat`` may be at most 120 s."""
    user_agent: str = "byraa"
    extra: dict[str, str] = field(default_factory=dict)

    def with_(self, **changes: object) -> AltinnSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


# Hosts: SKE-DOC docs/om/url.md ("URL-er til Skatteetatens API-er") lists every API as
# ``https://<name>.api.skatteetaten.no/v<n>`` (test ``…api.skatteetaten-test.no``) where
# <name> is the API's name without hyphens (aksjonaerivirksomhet, mvameldinghendelser …).
# The a-melding hosts are not in that list, so they follow the pattern [I]; the feedback
# host ``ameldingtilbakemelding`` is seen in Dialogporten attachments [S]. All are settings.


def settings_for(environment: str, *, base_url: str | None = None, **overrides: object) -> AltinnSettings:
    """Documented defaults for an environment; ``base_url`` points the sandbox elsewhere."""
    if environment == "production":
        s = AltinnSettings(
            environment="production",
            maskinporten_issuer="https://maskinporten.no/",  # [V]
            maskinporten_token_url="https://maskinporten.no/token",  # [V]
            altinn_exchange_url="https://platform.altinn.no/authentication/api/v1/exchange/maskinporten",  # [V]
            skatteetaten_base="https://api.skatteetaten.no",  # [V]
            a07_base="https://avstemmingsrapportamelding.api.skatteetaten.no",  # [I] url.md pattern
            amelding_base="https://innrapporteringamelding.api.skatteetaten.no",  # [I] url.md pattern
            amelding_feedback_base="https://ameldingtilbakemelding.api.skatteetaten.no",  # [S/I]
            dialogporten_base="https://platform.altinn.no",  # [V]
            register_base="https://folkeregisteret.api.skatteetaten.no",  # [I]
        )
    elif environment == "test":
        s = AltinnSettings(
            environment="test",
            maskinporten_issuer="https://test.maskinporten.no/",  # [V]
            maskinporten_token_url="https://test.maskinporten.no/token",  # [V]
            altinn_exchange_url="https://platform.tt02.altinn.no/authentication/api/v1/exchange/maskinporten",  # [V]
            skatteetaten_base="https://api-test.sits.no",  # [V]
            a07_base="https://avstemmingsrapportamelding.api.skatteetaten-test.no",  # [I] url.md pattern
            amelding_base="https://innrapporteringamelding.api.skatteetaten-test.no",  # [I] url.md pattern
            amelding_feedback_base="https://ameldingtilbakemelding.api.skatteetaten-test.no",  # [S]
            dialogporten_base="https://platform.tt02.altinn.no",  # [V]
            register_base="https://folkeregisteret.api.skatteetaten-test.no",  # [I]
        )
    elif environment == "sandbox":
        base = (base_url or SANDBOX_DEFAULT_URL).rstrip("/")
        s = AltinnSettings(
            environment="sandbox",
            maskinporten_issuer=SANDBOX_ISSUER,
            maskinporten_token_url=f"{base}/token",
            altinn_exchange_url=f"{base}/authentication/api/v1/exchange/maskinporten",
            skatteetaten_base=base,
            a07_base=base,
            amelding_base=base,
            amelding_feedback_base=base,
            dialogporten_base=base,
            register_base=base,
            brreg_base=base,
        )
    else:
        raise ValueError(f"environment {environment!r} is not one of {', '.join(ENVIRONMENTS)}")
    return replace(s, **overrides) if overrides else s  # type: ignore[arg-type]
