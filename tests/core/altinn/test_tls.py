"""Every client of a process verifies with one TLS context, loaded once."""

from __future__ import annotations

import ssl

import httpx

from byraa.core.altinn.client import AltinnClient
from byraa.core.altinn.settings import settings_for
from byraa.core.altinn.tls import verified_context


def _context_of(client: AltinnClient) -> ssl.SSLContext:
    transport = client._http._transport
    assert isinstance(transport, httpx.AsyncHTTPTransport)
    return transport._pool._ssl_context


async def test_clients_share_one_verifying_context() -> None:
    """httpx loaded the CA bundle into a new context for every client: 25 ms each."""
    made: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        made.append(real(*args, **kwargs))
        return made[-1]

    verified_context.cache_clear()
    ssl.create_default_context = counted
    try:
        first, second = AltinnClient(settings_for("production")), AltinnClient(settings_for("test"))
    finally:
        ssl.create_default_context = real
    try:
        assert len(made) == 1 and _context_of(first) is _context_of(second) is made[0]
        context = made[0]
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] > 0  # the bundle is loaded: it still verifies
    finally:
        await first.aclose()
        await second.aclose()
