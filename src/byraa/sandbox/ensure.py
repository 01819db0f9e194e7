"""The provider of the "sandbox" Altinn environment: the configured sandbox, or one run
in-process for as long as a command needs it.

Core does not start sandboxes: it asks ``byraa.core.altinn.environments`` for the
provider of an environment. ``register()`` makes ``sandbox_for`` that provider; the CLI
entry (and so the TUI), ``byraa demo``, ``byraa sandbox`` and the tests call it.

With the demo's settings (environment "sandbox") every command works with no other
process running: when nothing answers at the configured address, ``sandbox_for`` serves
a sandbox on a free loopback port for the ``with`` block, given the store (so its
answers follow the agency's clients and people) and the agency's public key (so it
accepts the agency's Maskinporten assertions). Any other environment is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from byraa.core.altinn.tls import verified_context

if TYPE_CHECKING:
    from byraa.core.altinn.connection import ConnectionSettings
    from byraa.core.store import Store
    from byraa.sandbox.state import SandboxState


READY_AFTER_ENV = "BYRAA_SANDBOX_READY_AFTER"
"""Polls an in-process sandbox answers "not ready yet" before a tax card, an A07 or a
correction's feedback is ready (0-100; 1 when not set, so the demo shows the wait once).
The test suite sets 0: each demo A07 fetch otherwise waited a second for its second poll.
``byraa sandbox --ready-after`` reads it too."""


def default_ready_after() -> int:
    """``READY_AFTER_ENV``'s number of polls, 1 when it is not set."""
    from byraa.core.base.errors import ConfigError

    raw = os.environ.get(READY_AFTER_ENV, "").strip()
    if not raw:
        return 1
    polls = int(raw) if raw.isdigit() else -1
    if not 0 <= polls <= 100:
        raise ConfigError("sandbox.ready_after_invalid", name=READY_AFTER_ENV, value=raw)
    return polls


def public_key_for(key_path: str) -> bytes:
    """The public key of a configured private key: ``<key>.pub`` if there, else derived."""
    pub = Path(f"{key_path}.pub")
    if pub.is_file():
        return pub.read_bytes()
    from cryptography.hazmat.primitives import serialization

    from byraa.core.altinn.maskinporten import load_private_key, signing_key

    key = signing_key(load_private_key(key_path))
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def register_configured_key(state: SandboxState, settings: ConnectionSettings) -> None:
    """Let the sandbox accept assertions signed with the configured key (and system user)."""
    state.register_key(settings.client_id, settings.key_id, public_key_for(settings.key_path),
                       system_user_orgs={settings.system_user_org})


def sandbox_stats(url: str, *, timeout: float = 0.5) -> dict[str, Any] | None:
    """The stats of the byraa sandbox answering at ``url``, or ``None`` when none does."""
    import httpx

    try:
        resp = httpx.get(f"{url.rstrip('/')}/_sandbox/stats", timeout=timeout, verify=verified_context())
    except httpx.HTTPError:
        return None
    try:
        data = resp.json()
    except ValueError:
        return None
    return data if resp.status_code == 200 and isinstance(data, dict) and "orders_created" in data else None


def sandbox_answers(url: str, *, timeout: float = 0.5) -> bool:
    """Whether a byraa sandbox answers at ``url`` (its stats endpoint)."""
    return sandbox_stats(url, timeout=timeout) is not None


def agency_of(store: Store | None) -> str | None:
    """The org number of the store's agency (``None`` before ``byraa init``)."""
    if store is None:
        return None
    from sqlalchemy import select

    from byraa.core.store.models import Agency

    with store.session() as session:
        return session.scalars(select(Agency.org_number)).first()


def free_loopback_url() -> str:
    """``http://127.0.0.1:<a port free now>``: an agency's own sandbox address."""
    import socket

    from byraa.sandbox.server import LOOPBACK

    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return f"http://{LOOPBACK}:{sock.getsockname()[1]}"


def register_with(url: str, settings: ConnectionSettings) -> bool:
    """Register the configured key with a running sandbox (best effort)."""
    import httpx

    try:
        resp = httpx.post(f"{url.rstrip('/')}/_sandbox/clients", timeout=2.0, verify=verified_context(), json={
            "client_id": settings.client_id, "key_id": settings.key_id,
            "public_key_pem": public_key_for(settings.key_path).decode(),
            "system_user_orgs": [settings.system_user_org]})
    except (httpx.HTTPError, OSError, ValueError):
        return False
    return resp.status_code in (200, 201)


@contextmanager
def sandbox_for(store: Store, settings: ConnectionSettings, *, ready_after_polls: int | None = None, port: int = 0,
                probe: bool = False, **state_options: Any) -> Iterator[ConnectionSettings]:
    """The settings to use inside the block: unchanged, or pointing at an in-process sandbox.

    A sandbox that already answers gets the configured public key registered (its
    control endpoint), so ``byraa sandbox`` started by hand accepts the agency too;
    except for a ``probe`` (a connection test), which must see the running sandbox as it
    is, so a key it does not know shows as a wrong key.
    ``port`` 0 serves the in-process one on any free loopback port; ``ready_after_polls``
    is ``READY_AFTER_ENV``'s unless given.
    """
    from byraa.core.altinn.settings import SANDBOX_DEFAULT_URL

    if settings.environment != "sandbox":
        yield settings
        return
    from byraa.core.base.errors import UserError

    url = settings.base_url or SANDBOX_DEFAULT_URL
    ours = agency_of(store)
    stats = sandbox_stats(url)
    if stats is not None:
        theirs = stats.get("agency")
        if theirs and ours and theirs != ours:  # never send one agency's people to another's sandbox
            raise UserError("sandbox.other_agency", url=url, other=theirs, ours=ours)
        if not probe:
            register_with(url, settings)
        yield settings
        return
    from byraa.core.altinn.settings import settings_for
    from byraa.sandbox.server import running
    from byraa.sandbox.state import SandboxState

    polls = default_ready_after() if ready_after_polls is None else ready_after_polls
    state = SandboxState(settings=settings_for("sandbox", base_url=url), store=store, ready_after_polls=polls,
                         agency=ours, **state_options)
    register_configured_key(state, settings)
    with ExitStack() as stack:
        sandbox = None
        if port == 0 and (wanted := urlsplit(url).port or 0) > 1024:  # the agency's own port, as its settings say
            try:
                sandbox = stack.enter_context(running(state, port=wanted))
            except RuntimeError:  # taken by something else: any free port for this command
                sandbox = None
        if sandbox is None:
            sandbox = stack.enter_context(running(state, port=port))
        yield replace(settings, base_url=sandbox.url)


def register() -> None:
    """Provide the "sandbox" environment with ``sandbox_for`` (idempotent)."""
    from byraa.core.altinn import environments

    environments.register("sandbox", sandbox_for)
