"""The sandbox's fault layer: pure ASGI around the routes, so it can delay, refuse, drop
and truncate answers as ``SandboxState.faults`` says, and stamps each answer's ``Date``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from byraa.sandbox.state import ConnectionDropped, SandboxState


def _dropped() -> Exception:
    import httpx

    class _Dropped(httpx.RemoteProtocolError, ConnectionDropped):
        pass

    return _Dropped("sandbox dropped the connection")


def _with_date(send: Callable, clock: Callable[[], float]) -> Callable:
    """Every answer carries a ``Date`` header from the sandbox's clock, as real servers do
    (``byraa doctor`` measures clock skew with it)."""
    import email.utils

    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(k.lower() == b"date" for k, _v in headers):
                headers.append((b"date", email.utils.formatdate(clock(), usegmt=True).encode()))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


class FaultLayer:
    def __init__(self, app: Any, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = self.state
        path = scope.get("path", "")
        state.counts[path.split("/")[1] if "/" in path else path] += 1
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            fault = state.next_fault(path)
            if state.faults.latency_ms and not path.startswith("/_sandbox"):
                await asyncio.sleep(state.faults.latency_ms / 1000)
            if fault:
                state.counts[f"fault:{fault}"] += 1
            if fault in ("400", "429", "500", "503"):
                status = int(fault)
                headers = [(b"content-type", b"application/json")]
                if status in (429, 503):
                    headers.append((b"retry-after", str(state.faults.retry_after).encode()))
                melding = "refused by the sandbox" if status == 400 else "fault injected by the sandbox"
                body = json.dumps({"kode": f"SANDBOX_{status}", "melding": melding}).encode()
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            if fault == "timeout":
                await asyncio.Event().wait()  # until the client gives up (cancelled)
                return
            if fault in ("malformed", "truncate", "drop"):
                await self._mangle(scope, receive, send, fault)
                return
            await self.app(scope, receive, _with_date(send, state.clock))
        finally:
            state.in_flight -= 1

    async def _mangle(self, scope: dict, receive: Callable, send: Callable, fault: str) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        ctype = dict(headers).get(b"content-type", b"")
        if fault == "malformed":
            if b"xml" in ctype:
                body = b'<?xml version="1.0"?><skattekortTilArbeidsgiver xmlns="urn:wrong"><arbeidsgiver>'
            else:
                body = b'{"status": "FORESPOERSEL_OK", "arbeidsgiver": [{"arbeidsgiveridentifikator": '
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if fault == "drop":  # the request was handled, but its answer is lost on the way
            await send({"type": "http.response.start", "status": start.get("status", 200),
                        "headers": [*headers, (b"content-length", str(len(body) + 10).encode())]})
            await send({"type": "http.response.body", "body": body[:5], "more_body": True})
            raise _dropped()
        # truncate: announce the whole length, send half. Over a socket the client sees
        # the connection end early; in-process it gets half a document.
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": False})
