"""The one sync→async bridge: run a coroutine to its end from synchronous code.

Headless commands and the TUI's thread workers are synchronous; the Altinn client, the
job runner and the fetches are async. ``run_sync`` is how they meet. In a thread with
no running event loop (a command, a thread worker) it is ``asyncio.run``; called from
code that runs inside an event loop (a sync helper called by async code) it runs the
coroutine on a fresh loop in a helper thread and waits, instead of failing with
"asyncio.run() cannot be called from a running event loop". Exceptions propagate as
raised; the coroutine is closed (never left un-awaited) whatever happens.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """``coro``'s result, run to its end on an event loop of its own."""
    if not _loop_running():
        return asyncio.run(coro)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001  (re-raised in the caller's thread)
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="byraa-run-sync", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
