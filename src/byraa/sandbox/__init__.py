"""The Altinn sandbox: a real HTTP server speaking byraa's Altinn contracts, on loopback.

``create_app(SandboxState(...))`` gives the ASGI app (mount it with
``httpx.ASGITransport`` in fast tests); ``server.running()`` serves it on a free
loopback port in a thread; ``byraa sandbox`` serves it in the foreground. Heavy imports
(starlette, uvicorn, jwt) happen only when the app is built or served.
"""

from byraa.sandbox.app import ConnectionDropped, Faults, SandboxState, create_app
from byraa.sandbox.keys import DemoKey, generate_key_pair

__all__ = ["ConnectionDropped", "DemoKey", "Faults", "SandboxState", "create_app", "generate_key_pair"]
