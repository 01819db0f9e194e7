"""Shared pieces for the Altinn client and sandbox tests (no tests here)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx

from byraa.core.altinn.client import AltinnClient
from byraa.core.altinn.maskinporten import Credentials
from byraa.core.altinn.settings import AltinnSettings, settings_for
from byraa.core.clients.archive import MemoryArchiver
from byraa.sandbox import SandboxState, create_app
from tests.builders import org

CLIENT_ID = "byraa-test-client"
KEY_ID = "test-key-1"
AGENCY_ORG = org(0)
CONTACT_EMAIL = "lonn@byraa.example"
CONTACT_PHONE = "+4791234567"


@lru_cache(maxsize=2)
def key_pair(n: int = 0) -> tuple[bytes, bytes]:
    """(private PEM, public PEM), generated once per test session."""
    from cryptography.hazmat.primitives import serialization

    from tests.key_pool import fresh_key

    key = fresh_key()  # kept across tests: not one of the pool's, which each test gets again
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def write_key(directory: Path, n: int = 0, mode: int = 0o600) -> Path:
    path = directory / f"key{n}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.write(fd, key_pair(n)[0])
    os.close(fd)
    os.chmod(path, mode)
    return path


class Recorder(httpx.AsyncBaseTransport):
    """Wraps a transport and keeps every request (with its body) it passes on."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


@dataclass
class Rig:
    state: SandboxState
    app: Any
    settings: AltinnSettings
    credentials: Credentials
    archive: MemoryArchiver = field(default_factory=MemoryArchiver)
    sleeps: list[float] = field(default_factory=list)
    recorder: Recorder | None = None

    def client(self, *, settings: AltinnSettings | None = None, transport: httpx.AsyncBaseTransport | None = None,
               network: bool = False, clock: Any = None) -> AltinnClient:
        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        if transport is None and not network:
            self.recorder = Recorder(httpx.ASGITransport(app=self.app))
            transport = self.recorder
        kwargs = {"clock": clock} if clock else {}
        return AltinnClient(settings or self.settings, self.credentials, transport=transport, archiver=self.archive,
                            sleep=sleep, rng=lambda: 0.5, **kwargs)


def make_rig(tmp_path: Path, *, base_url: str = "http://sandbox", store: Any = None, **state: Any) -> Rig:
    settings = settings_for("sandbox", base_url=base_url, max_attempts=4, contact_email=CONTACT_EMAIL,
                            contact_phone=CONTACT_PHONE)
    sandbox = SandboxState(settings=settings_for("sandbox", base_url="http://sandbox"), store=store, **state)
    sandbox.register_key(CLIENT_ID, KEY_ID, key_pair(0)[1])
    credentials = Credentials(CLIENT_ID, KEY_ID, str(write_key(tmp_path)), AGENCY_ORG)
    return Rig(sandbox, create_app(sandbox), settings, credentials)
