"""The one sync→async bridge runs a coroutine from plain code, from a thread, and from
code that is itself called inside a running event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from byraa.core.base.bridge import run_sync


async def _answer(value: int) -> int:
    await asyncio.sleep(0)
    return value


async def _fail() -> None:
    await asyncio.sleep(0)
    raise LookupError("from the coroutine")


def test_from_plain_code_and_errors_propagate_as_raised() -> None:
    assert run_sync(_answer(7)) == 7
    with pytest.raises(LookupError, match="from the coroutine"):
        run_sync(_fail())


def test_from_a_thread_worker() -> None:
    got: list[int] = []
    worker = threading.Thread(target=lambda: got.append(run_sync(_answer(3))))
    worker.start()
    worker.join()
    assert got == [3]


async def test_from_sync_code_called_inside_a_running_loop() -> None:
    # asyncio.run would refuse here ("cannot be called from a running event loop").
    outer = asyncio.get_running_loop()

    async def where() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    inner = run_sync(where())
    assert inner is not outer
    with pytest.raises(LookupError):
        run_sync(_fail())


def test_the_old_bridges_are_gone() -> None:
    from pathlib import Path

    import byraa

    src = Path(byraa.__file__).parent
    callers = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                     if "asyncio.run(" in p.read_text() and p.name != "bridge.py")
    assert callers == []
