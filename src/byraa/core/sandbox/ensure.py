"""Use the configured sandbox, or run one in-process for as long as a command needs it.

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
    from byraa.core.connection import ConnectionSettings
    from byraa.core.sandbox.app import SandboxState
    from byraa.core.store import Store


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


@contextmanager
def sandbox_for(store: Store, settings: ConnectionSettings, *, ready_after_polls: int = 1,
                **state_options: Any) -> Iterator[ConnectionSettings]:
    """The settings to use inside the block: unchanged, or pointing at an in-process sandbox."""
    from byraa.core.altinn.settings import SANDBOX_DEFAULT_URL

    if settings.environment != "sandbox":
        yield settings
        return
    url = settings.base_url or SANDBOX_DEFAULT_URL
    if sandbox_answers(url):
        yield settings
        return
    from byraa.core.altinn.settings import settings_for
    from byraa.core.sandbox.app import SandboxState
    from byraa.core.sandbox.server import running

    state = SandboxState(settings=settings_for("sandbox", base_url=url), store=store,
                         ready_after_polls=ready_after_polls, **state_options)
    register_configured_key(state, settings)
    with running(state) as sandbox:
        yield replace(settings, base_url=sandbox.url)
