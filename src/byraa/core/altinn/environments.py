"""Altinn environments and who provides each: a registry, filled from outside core.

"test" and "production" are real authorities: the stored settings are used as they are.
The "sandbox" environment is byraa's own fake of the authorities; core does not know how
to run one and never imports ``byraa.sandbox``. Whoever can serve it registers a
*provider* for it (``byraa.sandbox.ensure.register`` does, called by the CLI entry, by
``byraa demo``/``byraa sandbox`` and by the tests). A provider is a context manager
factory ``provider(store, settings, **options)`` that yields the settings to use inside
the block (the same ones, or ones pointing at a sandbox it started for the block).
Every provider accepts ``probe=True``: the caller only tests the connection, so a
service that already runs is used as it is, never changed to make the test pass.

With no provider registered, using the "sandbox" environment is a clear ``UserError``,
never a silent fallback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from byraa.core.base.errors import UserError

if TYPE_CHECKING:
    from byraa.core.altinn.connection import ConnectionSettings
    from byraa.core.store import Store

Provider = Callable[..., AbstractContextManager["ConnectionSettings"]]
"""``provider(store, settings, **options)`` -> a context manager yielding effective settings."""

NEEDS_PROVIDER = frozenset({"sandbox"})
"""Environments that cannot be used as stored: something must provide them."""

_providers: dict[str, Provider] = {}
_lock = threading.Lock()


def register(environment: str, provider: Provider) -> None:
    """Make ``provider`` serve ``environment`` (replacing any earlier one)."""
    with _lock:
        _providers[environment] = provider


def unregister(environment: str) -> Provider | None:
    """Forget the provider of ``environment``; returns it (``None`` when there was none)."""
    with _lock:
        return _providers.pop(environment, None)


def provider_for(environment: str) -> Provider | None:
    with _lock:
        return _providers.get(environment)


@contextmanager
def effective(store: Store, settings: ConnectionSettings, **options: Any) -> Iterator[ConnectionSettings]:
    """The settings to use for the block: the stored ones, or the provider's.

    ``options`` go to the provider (a sandbox's ``ready_after_polls``, say); they are
    ignored for environments used as stored.
    """
    provider = provider_for(settings.environment)
    if provider is None:
        if settings.environment in NEEDS_PROVIDER:
            raise UserError("environment.unavailable", environment=settings.environment)
        yield settings
        return
    with provider(store, settings, **options) as used:
        yield used
