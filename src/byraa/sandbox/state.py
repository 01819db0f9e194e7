"""What the sandbox knows and does on purpose: registered keys, issued tokens, tax-card
orders, A07 orders, submissions, and the faults it injects.

Tests build a ``SandboxState`` and read it back; the routes (``sandbox.app``) and the fault
layer (``sandbox.fault_layer``) read and change it.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from byraa.core.altinn.settings import SANDBOX_ISSUER, AltinnSettings, settings_for
from byraa.sandbox import data

FAULTS = ("400", "429", "500", "503", "drop", "timeout", "malformed", "truncate")
"""``400`` refuses the request outright (not worth retrying); the others are transient."""


class ConnectionDropped(Exception):
    """Raised by the app to drop the connection mid-response.

    Over a socket, uvicorn closes the connection; through ``httpx.ASGITransport`` the
    exception reaches the client as the transport error it is made to look like.
    """


@dataclass
class Faults:
    """What goes wrong, on purpose. Rates are 0–1 per request; ``script`` runs first."""

    latency_ms: int = 0
    fail_rate: float = 0.0
    """500 or 503."""
    rate_limit_rate: float = 0.0
    """429 with Retry-After."""
    malformed_rate: float = 0.0
    truncate_rate: float = 0.0
    drop_rate: float = 0.0
    timeout_rate: float = 0.0
    retry_after: int = 1
    script: list[str] = field(default_factory=list)
    """Faults for the next requests, in order (``"ok"`` for none); consumed as used."""
    include_token: bool = False
    """Whether ``/token`` gets faults too (off: auth stays reliable unless asked)."""
    seed: int = 0


@dataclass
class RegisteredKey:
    client_id: str
    key_id: str
    public_pem: bytes
    scopes: frozenset[str] | None = None
    """``None``: any scope."""
    system_user_orgs: frozenset[str] | None = None
    """Orgs owning a system user this client may act for; ``None``: any valid org."""
    external_refs: dict[str, str] = field(default_factory=dict)
    """Org -> the ``externalRef`` its system user was requested with (then required)."""

    @cached_property
    def public_key(self) -> Any:
        """The parsed public key: PyJWT parsed the PEM for every assertion (trying it as a
        private key first), a few ms each."""
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        return load_pem_public_key(self.public_pem)


@dataclass
class IssuedToken:
    client_id: str
    scopes: frozenset[str]
    system_user_org: str | None
    expires_at: float


@dataclass
class TaxCardOrderState:
    reference: str
    client_id: str
    year: int
    mode: str
    employers: dict[str, list[str]]
    created_at: float
    polls: int = 0
    since: str | None = None


@dataclass
class SandboxState:
    """Everything the sandbox knows; tests build one and read it back."""

    issuer: str = SANDBOX_ISSUER
    settings: AltinnSettings = field(default_factory=lambda: settings_for("sandbox", base_url="http://sandbox"))
    faults: Faults = field(default_factory=Faults)
    store: Any = None
    """A ``byraa.core.store.Store`` to stay consistent with (clients, payroll, addresses)."""
    ready_after_polls: int = 0
    """Answer 204 to this many fetches of an order before the answer is ready."""
    ready_after_seconds: float = 0.0
    token_lifetime: int = 120
    clock: Callable[[], float] = time.time
    keys: dict[str, RegisteredKey] = field(default_factory=dict)
    used_jti: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    orders: dict[str, TaxCardOrderState] = field(default_factory=dict)
    forgotten: set[str] = field(default_factory=set)
    """Order references the sandbox answers 204 for (as if Skatteetaten lost them)."""
    ignore_idempotensid: bool = False
    """Fault mode: a repeated ``?idempotensid=`` makes a new order, as the real API might
    (neither Skatteetaten's docs nor NAV's client use the parameter)."""
    forget_next_orders: int = 0
    """The next this-many orders are forgotten as soon as they are made."""
    ordered_before: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    """client id -> (org, national id) pairs ever ordered (for HENT_KUN_ENDRING)."""
    idempotent: dict[tuple[str, str], tuple[str, int, bytes]] = field(default_factory=dict)
    """(operation, key) -> (request hash, status, body)."""
    requests_per_key: Counter = field(default_factory=Counter)
    orders_created: int = 0
    a07_orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    submissions: dict[str, dict[str, Any]] = field(default_factory=dict)
    dialogs: dict[str, str] = field(default_factory=dict)
    """Dialogporten dialog id -> forsendelse id."""
    feedback_after_polls: int = 0
    """A dialog shows no feedback link for this many lookups."""
    counts: Counter = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    jti_skew_seconds: int = 10
    agency: str | None = None
    """The org number of the agency this sandbox serves (``/_sandbox/stats``): one sandbox per
    agency, so a command of another agency refuses it instead of mixing their data."""

    def __post_init__(self) -> None:
        self._rng = random.Random(self.faults.seed)
        self._view = data.StoreView(self.store) if self.store is not None else None

    def register_key(self, client_id: str, key_id: str, public_pem: bytes, *, scopes: set[str] | None = None,
                     system_user_orgs: set[str] | None = None, external_refs: dict[str, str] | None = None) -> None:
        self.keys[key_id] = RegisteredKey(client_id, key_id, public_pem,
                                          frozenset(scopes) if scopes is not None else None,
                                          frozenset(system_user_orgs) if system_user_orgs is not None else None,
                                          dict(external_refs or {}))

    def set_faults(self, **changes: Any) -> Faults:
        """Change the fault settings named; a setting or scripted fault it does not know is
        refused with ``ValueError`` before anything changes."""
        for k in changes:
            if not hasattr(self.faults, k):
                raise ValueError(f"unknown fault setting {k!r}")
        # A misspelt fault ("50O") was served as no fault at all: whoever scripted it saw a
        # sandbox that never failed.
        unknown = [f for f in changes.get("script", ()) if f not in (*FAULTS, "ok")]
        if unknown:
            raise ValueError(f"unknown fault {unknown[0]!r} in script (known: ok, {', '.join(FAULTS)})")
        for k, v in changes.items():
            setattr(self.faults, k, list(v) if k == "script" else v)
        if "seed" in changes:
            self._rng = random.Random(self.faults.seed)
        return self.faults

    def next_fault(self, path: str) -> str | None:
        if path.startswith("/_sandbox"):
            return None
        if path == "/token" and not self.faults.include_token:
            return None
        f = self.faults
        if f.script:
            fault = f.script.pop(0)
            return None if fault in ("ok", "", None) else fault
        r = self._rng.random
        if f.fail_rate and r() < f.fail_rate:
            return "503" if r() < 0.5 else "500"
        for name, rate in (("429", f.rate_limit_rate), ("malformed", f.malformed_rate), ("truncate", f.truncate_rate), ("drop", f.drop_rate),
                           ("timeout", f.timeout_rate)):
            if rate and r() < rate:
                return name
        return None

    def stats(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "orders_created": self.orders_created,
            "orders": len(self.orders),
            "requests_per_idempotency_key": dict(self.requests_per_key),
            "a07_orders": len(self.a07_orders),
            "submissions": len(self.submissions),
            "tokens_issued": self.counts["tokens"],
            "requests": dict(self.counts),
            "max_in_flight": self.max_in_flight,
        }
