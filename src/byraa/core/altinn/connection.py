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
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import NotFound, UserError
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
        raise UserError(f"environment {settings.environment!r} is not one of {', '.join(ENVIRONMENTS)}")
    if not settings.client_id.strip():
        raise UserError("the Maskinporten client id is missing")
    if not settings.key_id.strip():
        raise UserError("the key id is missing")
    if not settings.key_path.strip():
        raise UserError("the key file path is missing")
    if check_key and (problem := key_file_problem(settings.key_path)):
        raise UserError(problem)
    if reason := ids.org_number_error(settings.system_user_org):
        raise UserError(f"system user org number {settings.system_user_org!r}: {reason}")
    if settings.base_url and settings.environment != "sandbox":
        raise UserError("a base URL can only be set for the sandbox environment")
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
        row = session.scalars(select(AltinnConnection).where(AltinnConnection.scope == "agency")).first()
        return _row_to_settings(row) if row else None


def _save(store: Store, who: Identity, scope: str, client_id: int | None, settings: ConnectionSettings) -> None:
    with store.session() as session:
        row = session.scalars(select(AltinnConnection).where(AltinnConnection.scope == scope)).first()
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


def _client(session: Any, org_number: str) -> Client:
    client = session.scalars(select(Client).where(Client.org_number == org_number)).first()
    if client is None:
        raise NotFound(f"no client with the organisation number {org_number}")
    return client


def set_client_connection(store: Store, who: Identity, org_number: str,
                          settings: ConnectionSettings | None) -> None:
    """A client's own settings, or ``None`` to use the agency's (manager only; audited)."""
    access.require_manager(who, "change a client's Altinn connection")
    with store.session() as session:
        client = _client(session, org_number)
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


def connection_for_client(store: Store, who: Identity, org_number: str) -> ConnectionSettings:
    """The settings byraa uses for this client (its own, or the agency's)."""
    with store.session() as session:
        client = _client(session, org_number)
        access.require_client(session, who, client.id or 0, f"{client.org_number} {client.name}")
        if not client.uses_agency_altinn:
            row = session.scalars(
                select(AltinnConnection).where(AltinnConnection.scope == f"client:{client.id}")
            ).first()
            if row is None:
                raise UserError(f"client {org_number} is set to use its own Altinn settings, but none are entered")
            own = _row_to_settings(row)
        else:
            own = None
    if own is not None:
        return with_agency_contact(store, own)
    agency = agency_connection(store)
    if agency is None:
        raise UserError("the agency's Altinn connection is not set up yet")
    return agency


def build_client(settings: ConnectionSettings, *, archiver: Any = None,
                 transport: httpx.AsyncBaseTransport | None = None, **client_kwargs: Any) -> AltinnClient:
    """An ``AltinnClient`` for these settings (the caller closes it)."""
    from byraa.core.altinn.client import AltinnClient
    from byraa.core.altinn.maskinporten import Credentials
    from byraa.core.altinn.settings import settings_for

    altinn = settings_for(settings.environment, base_url=settings.base_url,
                          contact_email=settings.contact_email, contact_phone=settings.contact_phone,
                          taxcard_idempotency_param="idempotensid" if settings.taxcard_idempotency else None)
    creds = Credentials(settings.client_id, settings.key_id, settings.key_path, settings.system_user_org,
                        settings.external_ref or None)
    return AltinnClient(altinn, creds, transport=transport, archiver=archiver, **client_kwargs)


def run_for_client(store: Store, who: Identity, org_number: str, work: Callable[[AltinnClient], Awaitable[T]], *,
                   transport: httpx.AsyncBaseTransport | None = None,
                   sandbox_options: dict[str, Any] | None = None) -> T:
    """Run ``work(client)`` to its end from synchronous code, with the client's Altinn client.

    The one way a headless command or a TUI thread worker talks to the authorities about
    one client: the settings the client uses (its own or the agency's; the user must have
    access), a client that archives every exchange under the user's name, and with the
    sandbox environment and nothing answering, a sandbox in-process for the call.
    """
    import asyncio

    from byraa.core.clients.archive import StoreArchiver
    from byraa.sandbox.ensure import sandbox_for

    settings = connection_for_client(store, who, org_number)
    with sandbox_for(store, settings, **(sandbox_options or {})) as effective:
        async def go() -> T:
            client = build_client(effective, archiver=StoreArchiver(store, who.login), transport=transport)
            try:
                return await work(client)
            finally:
                await client.aclose()

        return asyncio.run(go())


@dataclass(frozen=True)
class StepResult:
    step: str
    """token, exchange, call."""
    ok: bool
    detail: str


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
        return [StepResult("settings", False, str(exc))]
    client = build_client(settings, archiver=archiver, transport=transport)
    try:
        scope = client.settings.scope_taxcards
        started = time.monotonic()
        try:
            await client.maskinporten_token(scope)
            steps.append(StepResult("token", True, f"Maskinporten issued a token for {scope} "
                                                   f"({time.monotonic() - started:.1f} s)"))
        except AltinnError as exc:
            steps.append(StepResult("token", False, exc.message))
            return steps
        try:
            await client.altinn_token(scope)
            steps.append(StepResult("exchange", True, "Altinn exchanged the token"))
        except AltinnError as exc:
            steps.append(StepResult("exchange", False, exc.message))
        try:
            answer = await client.fetch_tax_cards(probe_reference)
            detail = "Skatteetaten accepted the token (no answer for the test reference, as expected)" \
                if answer is None or answer.status == "REFERENCE_NOT_FOUND" else "Skatteetaten accepted the token"
            steps.append(StepResult("call", True, detail))
        except AltinnError as exc:
            message = exc.message
            if exc.code == "AMLD_1063":
                message = f"no system user: {message}"
            steps.append(StepResult("call", False, message))
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
               for row in session.scalars(select(AltinnConnection).where(AltinnConnection.client_id.is_not(None)))}
        return [
            ClientConnectionRow(c.id or 0, c.org_number, c.name, bool(c.uses_agency_altinn), own.get(c.id))
            for c in session.scalars(select(Client).order_by(Client.name, Client.org_number))
        ]


async def test_where_configured(store: Store, settings: ConnectionSettings, *,
                                transport: httpx.AsyncBaseTransport | None = None,
                                ) -> tuple[list[StepResult], str | None]:
    """``test_connection`` as byraa's commands would connect: with the sandbox
    environment and nothing answering at its URL, against a sandbox run in-process for
    the test (as every command does). Returns the steps and, in that case, the URL that
    did not answer. A sandbox that answers is tested as it is, so a key it does not
    know shows as a wrong key.
    """
    import asyncio
    from contextlib import ExitStack

    if transport is not None or settings.environment != "sandbox":
        return await test_connection(settings, transport=transport), None
    try:
        validate(settings)
    except UserError as exc:
        return [StepResult("settings", False, str(exc))], None
    from byraa.core.altinn.settings import SANDBOX_DEFAULT_URL
    from byraa.sandbox.ensure import sandbox_answers, sandbox_for

    url = settings.base_url or SANDBOX_DEFAULT_URL
    if await asyncio.to_thread(sandbox_answers, url):
        return await test_connection(settings), None
    stack = ExitStack()
    try:
        local = await asyncio.to_thread(stack.enter_context, sandbox_for(store, settings))
    except Exception as exc:  # noqa: BLE001  (reported as the first step)
        return [StepResult("settings", False, f"could not start a sandbox in-process: {exc}")], None
    try:
        return await test_connection(local), url
    finally:
        await asyncio.to_thread(stack.close)
