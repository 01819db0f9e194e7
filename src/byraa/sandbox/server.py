"""Serving the sandbox over a real loopback socket (uvicorn), in the foreground or a thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from byraa.sandbox.app import create_app
from byraa.sandbox.state import SandboxState

LOOPBACK = "127.0.0.1"


@dataclass
class RunningSandbox:
    url: str
    port: int
    state: SandboxState
    server: Any
    thread: threading.Thread


def _config(app: Any, port: int, log_level: str) -> Any:
    import uvicorn

    return uvicorn.Config(app, host=LOOPBACK, port=port, log_level=log_level, lifespan="off",
                          timeout_graceful_shutdown=2, access_log=False,
                          date_header=False)  # the app sets Date from the sandbox's clock


def _stopping_at_once(config: Any) -> Any:
    """A uvicorn server for a thread that stops as soon as it is asked to.

    uvicorn looks at ``should_exit`` every 0.1 s and then gives open connections a fixed
    0.1 s before it looks at them: about 150 ms for each sandbox a command or a test
    stopped, with every answer already given. Here the stop wakes the loop, idle
    keep-alive connections are closed and the listening socket too, and any request
    still running ends with the thread's loop.
    """
    import uvicorn

    class Server(uvicorn.Server):
        wake: asyncio.Event | None = None
        loop: asyncio.AbstractEventLoop | None = None

        async def main_loop(self) -> None:
            self.loop, self.wake = asyncio.get_running_loop(), asyncio.Event()
            counter = 0
            while not await self.on_tick(counter):
                counter = (counter + 1) % 864000
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), 0.1)

        async def shutdown(self, sockets: Any = None) -> None:
            for server in self.servers:
                server.close()
            for connection in list(self.server_state.connections):
                connection.shutdown()
            for server in self.servers:
                await server.wait_closed()

        def stop(self) -> None:
            self.should_exit = True
            if self.loop is not None and self.wake is not None:
                with contextlib.suppress(RuntimeError):  # the loop already ended
                    self.loop.call_soon_threadsafe(self.wake.set)

    return Server(config)


def serve(state: SandboxState, *, port: int = 8787, log_level: str = "info") -> None:
    """Serve in the foreground until interrupted (``byraa sandbox``). Loopback only."""
    import uvicorn

    uvicorn.Server(_config(create_app(state), port, log_level)).run()


@contextmanager
def running(state: SandboxState | None = None, *, port: int = 0, log_level: str = "warning") -> Iterator[RunningSandbox]:
    """The sandbox on a free loopback port in a background thread; stopped on exit."""
    state = state or SandboxState()
    server = _stopping_at_once(_config(create_app(state), port, log_level))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  (not the main thread)
    started = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            server.run()
        except BaseException as exc:  # noqa: BLE001  (reported to the caller below)
            failed.append(exc)
        finally:
            started.set()

    original_startup = server.startup

    async def startup(sockets: Any = None) -> None:
        await original_startup(sockets=sockets)
        started.set()

    server.startup = startup  # type: ignore[method-assign]
    thread = threading.Thread(target=run, name="byraa-sandbox", daemon=True)
    thread.start()
    if not started.wait(timeout=30) or failed or not server.started:
        server.stop()
        thread.join(timeout=5)
        raise RuntimeError(f"the sandbox did not start: {failed[0] if failed else 'timeout'}")
    actual = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RunningSandbox(f"http://{LOOPBACK}:{actual}", actual, state, server, thread)
    finally:
        server.stop()
        thread.join(timeout=10)
