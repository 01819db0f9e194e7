"""``byraa doctor``: is this Altinn connection able to work? One line per check.

Checks, in order (each independent, so one failure does not hide the next):

- ``settings``: the stored connection settings are complete (and the contact e-mail that
  every tax-card order carries is there);
- ``key``: the private key file exists and only its owner can read it;
- ``clock``: this machine's clock against the ``Date`` header of the token endpoint's
  answer (Maskinporten refuses an assertion whose ``iat`` is off by more than a few
  seconds: Digdir "JWT grant", so more than ``MAX_SKEW_SECONDS`` fails);
- ``scope <name>``: Maskinporten issues a token for each scope byraa uses;
- ``host <url>``: each host answers at all (any HTTP status counts: reachability only).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from byraa.core.altinn.tls import verified_context

if TYPE_CHECKING:
    import httpx

    from byraa.core.altinn.connection import ConnectionSettings

MAX_SKEW_SECONDS = 10.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _hosts(settings: Any) -> list[str]:
    urls = [settings.maskinporten_token_url, settings.altinn_exchange_url, settings.skatteetaten_base,
            settings.amelding_base, settings.a07_base, settings.amelding_feedback_base, settings.dialogporten_base]
    seen: dict[str, None] = {}
    for url in urls:
        if url:
            parts = urlsplit(url)
            seen.setdefault(f"{parts.scheme}://{parts.netloc}", None)
    return list(seen)


async def run_checks(connection: ConnectionSettings, *, transport: httpx.AsyncBaseTransport | None = None,
                     clock: Callable[[], float] = time.time, timeout: float = 10.0) -> list[Check]:
    """Every check's result, in order (never raises for a failed check)."""
    import httpx

    from byraa.core.altinn import connection as conn
    from byraa.core.altinn.errors import AltinnError
    from byraa.core.altinn.maskinporten import key_file_problem
    from byraa.core.base.errors import UserError

    checks: list[Check] = []
    try:
        conn.validate(connection, check_key=False)
        if not connection.contact_email:
            raise UserError("taxcards.no_contact")
        checks.append(Check("settings", True, f"{connection.environment}, client {connection.client_id}, "
                                              f"system user {connection.system_user_org}"))
    except UserError as exc:
        checks.append(Check("settings", False, str(exc)))
    problem = key_file_problem(connection.key_path) if connection.key_path else UserError("doctor.no_key_file")
    checks.append(Check("key", problem is None, str(problem) if problem else f"{connection.key_path} (owner only)"))

    # One retry, short waits: a check that fails should say so at once, not after the
    # backoff a bulk fetch needs to ride out a busy server.
    client = conn.build_client(connection, transport=transport, clock=clock,
                               behaviour={"max_attempts": 2, "backoff_base_seconds": 0.2, "backoff_max_seconds": 1.0})
    s = client.settings
    async with httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False,
                                 verify=verified_context()) as http:
        try:
            resp = await http.get(s.maskinporten_token_url)
            date = resp.headers.get("date")
            when = email.utils.parsedate_to_datetime(date) if date else None
            if when is None:
                checks.append(Check("clock", False, "the token endpoint's answer has no Date header"))
            else:
                skew = clock() - when.timestamp()
                checks.append(Check("clock", abs(skew) <= MAX_SKEW_SECONDS,
                                    f"{skew:+.0f} s against {urlsplit(s.maskinporten_token_url).netloc} "
                                    f"(at most ±{MAX_SKEW_SECONDS:.0f} s)"))
        except (httpx.HTTPError, TypeError, ValueError) as exc:
            checks.append(Check("clock", False, f"the token endpoint did not answer ({type(exc).__name__})"))
        try:
            for scope in dict.fromkeys((s.scope_taxcards, s.scope_amelding, s.scope_a07, s.scope_dialogporten)):
                if problem is not None:
                    checks.append(Check(f"scope {scope}", False, "not tried: the key file is not usable"))
                    continue
                try:
                    await client.maskinporten_token(scope)
                    checks.append(Check(f"scope {scope}", True, "Maskinporten issued a token"))
                except AltinnError as exc:
                    checks.append(Check(f"scope {scope}", False, exc.message))
        finally:
            await client.aclose()
        for host in _hosts(s):
            try:
                resp = await http.get(host + "/")
                checks.append(Check(f"host {host}", True, f"answers (HTTP {resp.status_code})"))
            except httpx.HTTPError as exc:
                checks.append(Check(f"host {host}", False, f"does not answer ({type(exc).__name__})"))
    return checks
