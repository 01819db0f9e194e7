"""Maskinporten: the JWT-bearer grant with a system user, and a token cache.

The assertion (``altinn-contracts.md`` §2.1–2.2): RS256 with ``kid`` in the header;
``aud`` = the issuer, ``iss`` = the client id, ``iat``/``exp`` at most 120 s apart, a fresh
``jti``, ``scope``, and ``authorization_details`` naming the agency's system user
(``urn:altinn:systemuser`` with ``systemuser_org`` ``0192:<orgnr>``). No other claims:
Maskinporten answers unknown claims with "Invalid assertion".

Tokens are cached per (scope, system user) until ``token_margin_seconds`` before they
expire. Concurrent callers wanting the same token share one refresh (an asyncio lock
per key, checked again after it is taken).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import stat
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from byraa.core.altinn.errors import AltinnError, MaskinportenError
from byraa.core.altinn.settings import AltinnSettings
from byraa.core.base.errors import UserError

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass(frozen=True)
class Credentials:
    """Who byraa is towards Maskinporten. Holds the key file's path, never the key."""

    client_id: str
    key_id: str
    key_path: str
    system_user_org: str | None = None
    """The org number of the system user's owner (the agency, for client relationships)."""
    external_ref: str | None = None
    """The ``externalRef`` the system user was requested with, if any."""


KEY_FILE_CODES = frozenset({"altinn.key_missing", "altinn.key_unreadable", "altinn.key_not_file",
                            "altinn.key_readable_by_others", "altinn.key_not_pem", "altinn.key_public",
                            "altinn.key_encrypted", "altinn.key_not_rsa"})
"""The codes of ``key_file_problem`` (the settings form marks the key path field for them)."""


def key_file_problem(path: str | os.PathLike[str]) -> UserError | None:
    """Why the key file cannot be used, or ``None``: missing, not a file, readable by others, or
    not an RSA private key (read as the token request will read it)."""
    return _read_key_file(path)[0]


def load_private_key(path: str | os.PathLike[str]) -> bytes:
    """The PEM bytes of the key file, refused unless only its owner can read it and it holds
    an unencrypted RSA private key."""
    problem, pem = _read_key_file(path)
    if problem is not None:
        raise AltinnError(str(problem), kind="config", words=(problem.code, problem.params))
    return pem


def _read_key_file(path: str | os.PathLike[str]) -> tuple[UserError | None, bytes]:
    """The key file's problem (or ``None``) and its bytes, read once."""
    p = Path(path).expanduser()
    try:
        st = p.stat()
    except FileNotFoundError:
        return UserError("altinn.key_missing", path=p), b""
    except OSError as exc:
        return UserError("altinn.key_unreadable", path=p, reason=exc.strerror), b""
    if not stat.S_ISREG(st.st_mode):
        return UserError("altinn.key_not_file", path=p), b""
    if st.st_mode & 0o077:
        return UserError("altinn.key_readable_by_others", path=p, mode=f"{stat.S_IMODE(st.st_mode):04o}"), b""
    try:
        pem = p.read_bytes()
        signing_key(pem)
    except OSError as exc:
        return UserError("altinn.key_unreadable", path=p, reason=exc.strerror), b""
    except AltinnError as exc:
        code, params = exc.words or ("altinn.key_not_pem", {})
        return UserError(code, **{**params, "path": p}), b""
    return None, pem


def authorization_details(system_user_org: str, external_ref: str | None = None) -> list[dict[str, Any]]:
    """The RAR entry naming the system user (ALT-DOC system-user/usetoken). A system user
    requested with an ``externalRef`` must be named with it in the token request too
    (ALT-DOC api/authentication/systemuserrequest/external/model: "når du skal ... hente
    token fra maskinporten, må du inkludere externalRef"); without it Maskinporten finds
    no system user (MP-303)."""
    entry: dict[str, Any] = {
        "type": "urn:altinn:systemuser",
        "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": f"0192:{system_user_org}"},
    }
    if external_ref:
        entry["externalRef"] = external_ref
    return [entry]


@functools.lru_cache(maxsize=4)
def signing_key(private_key_pem: bytes) -> Any:
    """The parsed RSA private key, read once per key file's content.

    Reading a PEM key checks the key's arithmetic, about 35 ms; a bulk run asks for a token
    per scope and again when one runs out, and each assertion read the key anew. The cache
    holds no more than the caller already holds (the file's bytes). A file that is not an
    unencrypted RSA private key is refused with a config error that says what it holds
    instead (the words take the file's path), and is not cached.
    """
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(private_key_pem, password=None)
    except TypeError:  # cryptography's word for "encrypted, and no password given"
        raise _refused("altinn.key_encrypted") from None
    except (ValueError, UnsupportedAlgorithm):
        public = b"PUBLIC KEY-----" in private_key_pem or private_key_pem.lstrip().startswith(b"ssh-")
        raise _refused("altinn.key_public" if public else "altinn.key_not_pem") from None
    if not isinstance(key, RSAPrivateKey):
        kinds = ((ec.EllipticCurvePrivateKey, "EC"), (ed25519.Ed25519PrivateKey, "Ed25519"),
                 (ed448.Ed448PrivateKey, "Ed448"))
        kind = next((name for cls, name in kinds if isinstance(key, cls)), type(key).__name__)
        raise _refused("altinn.key_not_rsa", kind=kind)
    return key


def _refused(code: str, **params: object) -> AltinnError:
    """A key refused in words; the caller that knows the file's path fills it in."""
    return AltinnError(f"the key file is not a usable RSA private key ({code})", kind="config",
                       words=(code, {"path": "", **params}))


def build_assertion(
    credentials: Credentials,
    private_key_pem: bytes,
    *,
    audience: str,
    scope: str,
    now: float,
    lifetime: int = 120,
    jti: str | None = None,
) -> str:
    """The signed JWT grant (RS256)."""
    import jwt

    if lifetime > 120:
        raise ValueError("a Maskinporten assertion may live at most 120 seconds")
    issued = int(now)
    claims: dict[str, Any] = {
        "aud": audience,
        "iss": credentials.client_id,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": jti or str(uuid.uuid4()),
        "scope": scope,
    }
    if credentials.system_user_org:
        claims["authorization_details"] = authorization_details(credentials.system_user_org,
                                                                credentials.external_ref)
    try:
        key = signing_key(private_key_pem)
    except AltinnError as exc:  # name the file the key came from
        code, params = exc.words or ("altinn.key_not_pem", {})
        raise _refused(code, **{**params, "path": credentials.key_path}) from None
    # The key is a parsed RSA private key: a failure to sign now is no fault of the key file.
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": credentials.key_id})


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_at: float
    scope: str

    def __repr__(self) -> str:  # never print the token itself
        return f"Token(scope={self.scope!r}, expires_at={self.expires_at})"


PostForm = Callable[[str, Callable[[], dict[str, str]]], Awaitable[tuple[int, bytes]]]
"""(url, form factory) -> (status, body): the client's archived, retried POST; the factory
is called for each attempt so a retry never reuses an assertion (``jti``)."""
GetText = Callable[[str, str], Awaitable[tuple[int, bytes]]]
"""(url, bearer token) -> (status, body)."""


class TokenProvider:
    """Maskinporten tokens (and Altinn exchanged tokens), cached and refreshed once."""

    def __init__(
        self,
        credentials: Credentials,
        settings: AltinnSettings,
        post_form: PostForm,
        get_text: GetText | None = None,
        *,
        clock: Callable[[], float] = time.time,
        key_loader: Callable[[str], bytes] = load_private_key,
    ) -> None:
        self.credentials = credentials
        self.settings = settings
        self._post_form = post_form
        self._get_text = get_text
        self._clock = clock
        self._key_loader = key_loader
        self._cache: dict[tuple[str, str], Token] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self.fetches = 0
        """How many tokens were actually requested (tests: one refresh under concurrency)."""

    def _valid(self, key: tuple[str, str]) -> Token | None:
        token = self._cache.get(key)
        if token and token.expires_at - self.settings.token_margin_seconds > self._clock():
            return token
        return None

    async def token(self, scope: str) -> str:
        """A Maskinporten access token for ``scope`` with the system user."""
        key = ("mp", scope)
        if cached := self._valid(key):
            return cached.access_token
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if cached := self._valid(key):
                return cached.access_token
            token = await self._fetch(scope)
            self._cache[key] = token
            return token.access_token

    async def _fetch(self, scope: str) -> Token:
        pem = self._key_loader(self.credentials.key_path)

        def form() -> dict[str, str]:  # a fresh assertion (new jti, iat) for every attempt
            assertion = build_assertion(
                self.credentials, pem, audience=self.settings.maskinporten_issuer, scope=scope,
                now=self._clock(), lifetime=self.settings.assertion_lifetime_seconds,
            )
            return {"grant_type": GRANT_TYPE, "assertion": assertion}

        self.fetches += 1
        status, body = await self._post_form(self.settings.maskinporten_token_url, form)
        now = self._clock()
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if status != 200:
            if isinstance(data, dict) and "error" in data:
                raise MaskinportenError(str(data.get("error")), str(data.get("error_description") or ""),
                                        status=status)
            raise AltinnError(f"Maskinporten answered HTTP {status}", kind="auth", status=status)
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise AltinnError("Maskinporten's answer has no access token", kind="malformed", status=status)
        try:
            expires_in = float(data.get("expires_in", 120))
        except (TypeError, ValueError):
            expires_in = 120.0
        return Token(data["access_token"], now + expires_in, str(data.get("scope") or scope))

    async def altinn_token(self, scope: str) -> str:
        """The Maskinporten token exchanged for an Altinn token (for Altinn's own APIs)."""
        if self._get_text is None:
            raise AltinnError("no Altinn token exchange configured", kind="config")
        key = ("altinn", scope)
        if cached := self._valid(key):
            return cached.access_token
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if cached := self._valid(key):
                return cached.access_token
            mp = await self.token(scope)
            status, body = await self._get_text(self.settings.altinn_exchange_url, mp)
            if status != 200:
                raise AltinnError(f"the Altinn token exchange answered HTTP {status}", kind="auth", status=status)
            text = body.decode("utf-8", "replace").strip().strip('"')
            if not text:
                raise AltinnError("the Altinn token exchange returned no token", kind="malformed")
            expires_at = _jwt_exp(text) or (self._clock() + 120)
            token = Token(text, expires_at, scope)
            self._cache[key] = token
            return text

    def forget(self) -> None:
        """Drop cached tokens (after a 401, or when settings change)."""
        self._cache.clear()


def _jwt_exp(token: str) -> float | None:
    """The ``exp`` of a JWT read without verifying (only to time the cache)."""
    import jwt

    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    return float(exp) if isinstance(exp, int | float) else None
