"""Altinn connection settings: the agency's, and a client's own where it has them.

Stored in ``altinn_connection``: environment, Maskinporten client id, key id, the PATH
of the private key file (never the key: a file readable by group or others is
refused), the system user's org number, and for the sandbox its URL. Each client
either uses the agency's settings (``Client.uses_agency_altinn``) or its own row.
Every change is audited with before and after; only an agency manager may change them.

``test_connection`` runs token → Altinn exchange → one harmless call and reports each
step with the error in words (wrong key, clock skew, missing scope, no system user).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlmodel import col

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import find_client, resolve_client
from byraa.core.store import Store
from byraa.core.store.models import Client
from byraa.core.store.models_altinn import ENVIRONMENTS, AltinnConnection

T = TypeVar("T")

if TYPE_CHECKING:
    import httpx

    from byraa.core.altinn.client import AltinnClient


@dataclass(frozen=True)
class ConnectionSettings:
    environment: str
    client_id: str
    """The Maskinporten client id."""
    key_id: str
    key_path: str
    system_user_org: str
    base_url: str | None = None
    scope: str = "agency"
    """``agency`` or ``client:<id>``: whose settings these are."""
    contact_email: str = ""
    """Sent as ``kontaktinformasjon`` with every tax-card order (a client's own settings
    without one use the agency's)."""
    contact_phone: str = ""
    external_ref: str = ""
    """The system user's ``externalRef``, sent in ``authorization_details`` when set."""
    taxcard_idempotency: bool = False
    """Send ``?idempotensid=`` with tax-card orders (off: neither Skatteetaten nor NAV does)."""


def _row_to_settings(row: AltinnConnection) -> ConnectionSettings:
    return ConnectionSettings(row.environment, row.maskinporten_client_id, row.key_id, row.key_path,
                              row.system_user_org, row.base_url, row.scope, row.contact_email or "",
                              row.contact_phone or "", row.external_ref or "", bool(row.taxcard_idempotency))


def with_agency_contact(store: Store, settings: ConnectionSettings) -> ConnectionSettings:
    """A client's own settings without contact details take the agency's (an agency setting)."""
    if settings.contact_email or settings.scope == "agency":
        return settings
    agency = agency_connection(store)
    if agency is None:
        return settings
    return replace(settings, contact_email=agency.contact_email, contact_phone=agency.contact_phone)


def _public(settings: ConnectionSettings | None) -> dict[str, Any] | None:
    return asdict(settings) if settings else None


def validate(settings: ConnectionSettings, *, check_key: bool = True) -> None:
    """Refuse incomplete or unsafe settings with one clear message."""
    from byraa.core.altinn.maskinporten import key_file_problem

    if settings.environment not in ENVIRONMENTS:
        raise UserError("altinn.bad_environment", environment=settings.environment,
                        environments=", ".join(ENVIRONMENTS))
    if not settings.client_id.strip():
        raise UserError("altinn.client_id_missing")
    if not settings.key_id.strip():
        raise UserError("altinn.key_id_missing")
    if not settings.key_path.strip():
        raise UserError("altinn.key_path_missing")
    if check_key and (problem := key_file_problem(settings.key_path)):
        raise problem
    if reason := ids.org_number_error(settings.system_user_org):
        raise UserError("altinn.system_user_org_invalid", org=settings.system_user_org, reason=reason)
    if settings.base_url and settings.environment != "sandbox":
        raise UserError("altinn.base_url_sandbox_only")
    email = settings.contact_email.strip()
    if email and ("@" not in email or " " in email or len(email) > 200):
        raise UserError("altinn.contact_email_invalid", email=email)
    phone = settings.contact_phone.replace(" ", "")
    if phone and not (phone.lstrip("+").isdigit() and 8 <= len(phone.lstrip("+")) <= 15):
        raise UserError("altinn.contact_phone_invalid", phone=settings.contact_phone)
    if len(settings.external_ref) > 100:
        raise UserError("altinn.external_ref_too_long")


def agency_connection(store: Store) -> ConnectionSettings | None:
    """The agency's settings, or ``None`` before they are entered."""
    with store.session() as session:
        row = session.scalars(select(AltinnConnection).where(col(AltinnConnection.scope) == "agency")).first()
        return _row_to_settings(row) if row else None


def _save(store: Store, who: Identity, scope: str, client_id: int | None, settings: ConnectionSettings) -> None:
    with store.session() as session:
        row = session.scalars(select(AltinnConnection).where(col(AltinnConnection.scope) == scope)).first()
        before = _public(_row_to_settings(row)) if row else None
        if row is None:
            row = AltinnConnection(scope=scope, client_id=client_id, updated_at=clock.now(), updated_by=who.login)
        row.environment = settings.environment
        row.maskinporten_client_id = settings.client_id.strip()
        row.key_id = settings.key_id.strip()
        row.key_path = settings.key_path.strip()
        row.system_user_org = settings.system_user_org
        row.base_url = settings.base_url or None
        row.contact_email = settings.contact_email.strip()
        row.contact_phone = settings.contact_phone.replace(" ", "")
        row.external_ref = settings.external_ref.strip()
        row.taxcard_idempotency = bool(settings.taxcard_idempotency)
        row.updated_at = clock.now()
        row.updated_by = who.login
        session.add(row)
        session.flush()
        after = _public(_row_to_settings(row))
        if before != after:
            audit.record(session, actor=who.login, action="altinn_connection.set", entity="altinn_connection",
                         entity_id=scope, client_id=client_id, before=before, after=after)


def set_agency_connection(store: Store, who: Identity, settings: ConnectionSettings) -> ConnectionSettings:
    """Enter or change the agency's settings (agency manager only; audited)."""
    access.require_manager(who, "change the Altinn connection")
    settings = replace(settings, scope="agency")
    validate(settings)
    _save(store, who, "agency", None, settings)
    return settings


def set_client_connection(store: Store, who: Identity, org_number: str,
                          settings: ConnectionSettings | None) -> None:
    """A client's own settings, or ``None`` to use the agency's (manager only; audited)."""
    access.require_manager(who, "change a client's Altinn connection")
    with store.session() as session:
        client = find_client(session, org_number)
        client_id = client.id
        before_flag = client.uses_agency_altinn
        client.uses_agency_altinn = settings is None
        session.add(client)
        if before_flag != client.uses_agency_altinn:
            audit.record(session, actor=who.login, action="altinn_connection.use_agency", entity="client",
                         entity_id=client_id, client_id=client_id, before={"uses_agency_altinn": before_flag},
                         after={"uses_agency_altinn": client.uses_agency_altinn})
    if settings is not None:
        scope = f"client:{client_id}"
        settings = replace(settings, scope=scope)
        validate(settings)
        _save(store, who, scope, client_id, settings)


def settings_for_scope(store: Store, scope: str) -> ConnectionSettings:
    """The stored settings of one scope (``agency`` or ``client:<id>``), or a ``UserError``
    saying which are missing.

    The one resolver of stored settings: ``connection_for_client`` (one client's call)
    and the bulk tax-card fetch (one client per scope) both ask it. ``build_client`` then
    turns them into the environment's endpoints (``settings.settings_for``).
    """
    with store.session() as session:
        row = session.scalars(select(AltinnConnection).where(col(AltinnConnection.scope) == scope)).first()
        if row is not None:
            return _row_to_settings(row)
        if scope == "agency":
            raise UserError("connection.agency_not_set_up")
        client = session.get(Client, int(scope.removeprefix("client:")))
        raise UserError("connection.client_settings_missing", org=client.org_number if client else scope)


def connection_for_client(store: Store, who: Identity, org_number: str) -> ConnectionSettings:
    """The settings byraa uses for this client (its own, or the agency's); needs access."""
    with store.session() as session:
        client = resolve_client(session, who, org_number)
        scope = "agency" if client.uses_agency_altinn else f"client:{client.id}"
    return with_agency_contact(store, settings_for_scope(store, scope))


def build_client(settings: ConnectionSettings, *, archiver: Any = None,
                 transport: httpx.AsyncBaseTransport | None = None, behaviour: dict[str, Any] | None = None,
                 **client_kwargs: Any) -> AltinnClient:
    """An ``AltinnClient`` for these settings (the caller closes it); ``behaviour`` overrides
    the client's retry and timeout settings (``byraa doctor`` answers in seconds, not minutes)."""
    from byraa.core.altinn.client import AltinnClient
    from byraa.core.altinn.maskinporten import Credentials
    from byraa.core.altinn.settings import settings_for

    altinn = settings_for(settings.environment, base_url=settings.base_url,
                          contact_email=settings.contact_email, contact_phone=settings.contact_phone,
                          taxcard_idempotency_param="idempotensid" if settings.taxcard_idempotency else None,
                          **(behaviour or {}))
    creds = Credentials(settings.client_id, settings.key_id, settings.key_path, settings.system_user_org,
                        settings.external_ref or None)
    return AltinnClient(altinn, creds, transport=transport, archiver=archiver, **client_kwargs)


def run_for_client(store: Store, who: Identity, org_number: str, work: Callable[[AltinnClient], Awaitable[T]], *,
                   transport: httpx.AsyncBaseTransport | None = None,
                   environment_options: dict[str, Any] | None = None) -> T:
    """Run ``work(client)`` to its end from synchronous code, with the client's Altinn client.

    The one way a headless command or a TUI thread worker talks to the authorities about
    one client: the settings the client uses (its own or the agency's; the user must have
    access), a client that archives every exchange under the user's name, and the
    environment as its registered provider serves it for the call
    (``environments.effective``, given ``environment_options``).
    """
    from byraa.core.altinn import environments
    from byraa.core.base.bridge import run_sync
    from byraa.core.clients.archive import StoreArchiver

    settings = connection_for_client(store, who, org_number)
    with environments.effective(store, settings, **(environment_options or {})) as effective:
        async def go() -> T:
            client = build_client(effective, archiver=StoreArchiver(store, who.login), transport=transport)
            try:
                return await work(client)
            finally:
                await client.aclose()

        return run_sync(go())


@dataclass(frozen=True)
class StepResult:
    step: str
    """settings, token, exchange, call."""
    ok: bool
    code: str
    """The words code of what happened (``byraa.core.words.messages.altinn``)."""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        """What happened, in the current language."""
        from byraa.core.words.errors import render

        return render(self.code, self.params)


def _failed(step: str, exc: Exception) -> StepResult:
    """A failed step from an ``AltinnError``: its words when byraa knows the cause, else its message."""
    words = getattr(exc, "words", None)
    if words:
        return StepResult(step, False, words[0], dict(words[1]))
    return StepResult(step, False, "altinn.step_failed", {"reason": getattr(exc, "message", str(exc))})


async def test_connection(settings: ConnectionSettings, *, archiver: Any = None,
                          transport: httpx.AsyncBaseTransport | None = None,
                          probe_reference: str = "byraa-connection-test") -> list[StepResult]:
    """Token → Altinn exchange → one harmless call; each step's result in words.

    The harmless call fetches a tax-card answer for a reference that does not exist:
    Skatteetaten answers 204 ("Angitt referanse ikke funnet"), which proves the token, the
    scope and the system user are accepted without ordering anything.
    """
    from byraa.core.altinn.errors import AltinnError

    steps: list[StepResult] = []
    try:
        validate(settings)
    except UserError as exc:
        return [StepResult("settings", False, exc.code, exc.params)]
    client = build_client(settings, archiver=archiver, transport=transport)
    try:
        scope = client.settings.scope_taxcards
        started = time.monotonic()
        try:
            await client.maskinporten_token(scope)
            steps.append(StepResult("token", True, "altinn.step_token_ok",
                                    {"scope": scope, "seconds": f"{time.monotonic() - started:.1f}"}))
        except AltinnError as exc:
            steps.append(_failed("token", exc))
            return steps
        try:
            await client.altinn_token(scope)
            steps.append(StepResult("exchange", True, "altinn.step_exchange_ok"))
        except AltinnError as exc:
            steps.append(_failed("exchange", exc))
        try:
            answer = await client.fetch_tax_cards(probe_reference)
            steps.append(StepResult("call", True, "altinn.step_call_ok_nothing"
                                    if answer is None or answer.status == "REFERENCE_NOT_FOUND"
                                    else "altinn.step_call_ok"))
        except AltinnError as exc:
            if exc.code == "AMLD_1063":
                steps.append(StepResult("call", False, "altinn.call_no_system_user", {"reason": exc.message}))
            else:
                steps.append(_failed("call", exc))
    finally:
        await client.aclose()
    return steps


# --- For the settings screen -------------------------------------------------------------


@dataclass(frozen=True)
class ClientConnectionRow:
    """One client and the Altinn settings byraa uses for it."""

    client_id: int
    org_number: str
    name: str
    uses_agency: bool
    own: ConnectionSettings | None
    """The client's own settings when entered (kept while it uses the agency's)."""


def client_connections(store: Store) -> list[ClientConnectionRow]:
    """Every client, by name, with whether it uses the agency's settings or its own.

    Settings hold no secrets (a key file's path, never the key), so every staff user may
    read them; only an agency manager may change them.
    """
    with store.session() as session:
        own = {row.client_id: _row_to_settings(row)
               for row in session.scalars(select(AltinnConnection).where(col(AltinnConnection.client_id).is_not(None)))}
        return [
            ClientConnectionRow(c.id or 0, c.org_number, c.name, bool(c.uses_agency_altinn), own.get(c.id))
            for c in session.scalars(select(Client).order_by(col(Client.name), col(Client.org_number)))
        ]


async def test_where_configured(store: Store, settings: ConnectionSettings, *,
                                transport: httpx.AsyncBaseTransport | None = None,
                                ) -> tuple[list[StepResult], str | None]:
    """``test_connection`` as byraa's commands would connect: through the environment's
    registered provider (``environments.effective``). Returns the steps and, when the
    provider pointed the settings elsewhere for the test (a sandbox run in-process
    because nothing answered at the configured URL), the configured URL. A sandbox that
    answers is tested as it is, so a key it does not know shows as a wrong key.
    """
    import asyncio
    from contextlib import ExitStack

    from byraa.core.altinn import environments

    if transport is not None:
        return await test_connection(settings, transport=transport), None
    try:
        validate(settings)
    except UserError as exc:
        return [StepResult("settings", False, exc.code, exc.params)], None
    stack = ExitStack()
    try:
        used = await asyncio.to_thread(stack.enter_context, environments.effective(store, settings, probe=True))
    except UserError as exc:
        return [StepResult("settings", False, exc.code, exc.params)], None
    except Exception as exc:  # noqa: BLE001  (reported as the first step)
        return [StepResult("settings", False, "altinn.sandbox_not_started", {"reason": exc})], None
    try:
        moved = used.base_url != settings.base_url
        return await test_connection(used), (settings.base_url or _default_url(settings)) if moved else None
    finally:
        await asyncio.to_thread(stack.close)


def _default_url(settings: ConnectionSettings) -> str | None:
    from byraa.core.altinn.settings import SANDBOX_DEFAULT_URL

    return SANDBOX_DEFAULT_URL if settings.environment == "sandbox" else None
