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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byraa.core.altinn.connection import ConnectionSettings
    from byraa.core.store import Store
    from byraa.sandbox.app import SandboxState


def public_key_for(key_path: str) -> bytes:
    """The public key of a configured private key: ``<key>.pub`` if there, else derived."""
    pub = Path(f"{key_path}.pub")
    if pub.is_file():
        return pub.read_bytes()
    from cryptography.hazmat.primitives import serialization

    from byraa.core.altinn.maskinporten import load_private_key

    key = serialization.load_pem_private_key(load_private_key(key_path), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def register_configured_key(state: SandboxState, settings: ConnectionSettings) -> None:
    """Let the sandbox accept assertions signed with the configured key (and system user)."""
    state.register_key(settings.client_id, settings.key_id, public_key_for(settings.key_path),
                       system_user_orgs={settings.system_user_org})


def sandbox_answers(url: str, *, timeout: float = 0.5) -> bool:
    """Whether a byraa sandbox answers at ``url`` (its stats endpoint)."""
    import httpx

    try:
        resp = httpx.get(f"{url.rstrip('/')}/_sandbox/stats", timeout=timeout)
    except httpx.HTTPError:
        return False
    try:
        return resp.status_code == 200 and "orders_created" in resp.json()
    except ValueError:
        return False


def register_with(url: str, settings: ConnectionSettings) -> bool:
    """Register the configured key with a running sandbox (best effort)."""
    import httpx

    try:
        resp = httpx.post(f"{url.rstrip('/')}/_sandbox/clients", timeout=2.0, json={
            "client_id": settings.client_id, "key_id": settings.key_id,
            "public_key_pem": public_key_for(settings.key_path).decode(),
            "system_user_orgs": [settings.system_user_org]})
    except (httpx.HTTPError, OSError, ValueError):
        return False
    return resp.status_code in (200, 201)


@contextmanager
def sandbox_for(store: Store, settings: ConnectionSettings, *, ready_after_polls: int = 1, port: int = 0,
                probe: bool = False, **state_options: Any) -> Iterator[ConnectionSettings]:
    """The settings to use inside the block: unchanged, or pointing at an in-process sandbox.

    A sandbox that already answers gets the configured public key registered (its
    control endpoint), so ``byraa sandbox`` started by hand accepts the agency too;
    except for a ``probe`` (a connection test), which must see the running sandbox as it
    is, so a key it does not know shows as a wrong key.
    ``port`` 0 serves the in-process one on any free loopback port.
    """
    from byraa.core.altinn.settings import SANDBOX_DEFAULT_URL

    if settings.environment != "sandbox":
        yield settings
        return
    url = settings.base_url or SANDBOX_DEFAULT_URL
    if sandbox_answers(url):
        if not probe:
            register_with(url, settings)
        yield settings
        return
    from byraa.core.altinn.settings import settings_for
    from byraa.sandbox.app import SandboxState
    from byraa.sandbox.server import running

    state = SandboxState(settings=settings_for("sandbox", base_url=url), store=store,
                         ready_after_polls=ready_after_polls, **state_options)
    register_configured_key(state, settings)
    with running(state, port=port) as sandbox:
        yield replace(settings, base_url=sandbox.url)


def register() -> None:
    """Provide the "sandbox" environment with ``sandbox_for`` (idempotent)."""
    from byraa.core.altinn import environments

    environments.register("sandbox", sandbox_for)
