"""The Altinn sandbox: a real HTTP server speaking byraa's Altinn contracts, on loopback.

``create_app(SandboxState(...))`` gives the ASGI app (mount it with
``httpx.ASGITransport`` in fast tests); ``server.running()`` serves it on a free
loopback port in a thread; ``byraa sandbox`` serves it in the foreground. Heavy imports
(starlette, uvicorn, jwt, and the app itself) happen only when first used, so the CLI
entry can register the sandbox environment (``ensure.register``) at no cost.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byraa.sandbox.app import create_app
    from byraa.sandbox.keys import DemoKey, generate_key_pair
    from byraa.sandbox.state import ConnectionDropped, Faults, SandboxState

_LAZY = {"ConnectionDropped": "state", "Faults": "state", "SandboxState": "state", "create_app": "app",
         "DemoKey": "keys", "generate_key_pair": "keys"}

__all__ = ["ConnectionDropped", "DemoKey", "Faults", "SandboxState", "create_app", "generate_key_pair"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
