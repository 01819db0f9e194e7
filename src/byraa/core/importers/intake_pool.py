"""The intake's second core: a-meldinger and SAF-T ledgers are read in worker processes
while this one stores.

Reading an a-melding or a SAF-T file (XML parse, every id, date and amount checked) is
pure and costs about as much as storing it, so the intake hands the files it will import
next to a small process pool (``amelding_read.read_file``, ``ledger_read.read_saft_file``)
and its one writer stores each file from what a worker read (``amelding.import_parsed``,
``ledger.import_saft``), in the job's order and each file all or nothing as before.
Only so many files are read ahead (``window``), so memory stays bounded; a file over
``MAX_POOLED_BYTES`` is left to the streamed in-process reader. Anything that goes wrong
with the pool (a worker killed, a result that will not cross) only means the file is
read in-process instead: the pool never decides an outcome.

The workers are ``core.base.processes``'s: spawned, in the parent's language (a
refusal's words are made where it is found).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from byraa.core.base.processes import cores, spawn_pool
from byraa.core.importers.amelding_read import Parsed, read_file
from byraa.core.importers.ledger_read import SaftRead, read_saft_file

READERS: dict[str, tuple[Any, type[Parsed] | type[SaftRead]]] = {
    "amelding": (read_file, Parsed), "ledger_saft": (read_saft_file, SaftRead)}
"""The recognised kinds a worker reads: how, and what that gives (what the kind's importer takes)."""

MIN_FILES = 8
MIN_BYTES = 10 * 1024 * 1024
"""Fewer files, or fewer bytes, to read than these are read in-process: starting workers
costs more than it saves. A spawned reader takes about 0.5 s of CPU (Python and the
readers' imports) before its first file, and reading runs at some 17 MB/s: a 5-client
demo's 48 a-meldinger (9.4 MB) took in 2.06 s with a reader and 2.08 s without, the
reader's half second of CPU on top (2.43 against 2.06 s of CPU)."""
MAX_POOLED_BYTES = 16 * 1024 * 1024
"""A larger file is streamed in-process (a worker would hold it, and its rows, whole)."""
AHEAD_FILES = 256
AHEAD_BYTES = 16 * 1024 * 1024
"""How far the readers may run ahead of the writer: up to this many files and bytes of
files read but not stored yet (at least one). Far enough that the readers keep working
while the writer stores small files, so a large client's a-meldinger are read before the
writer gets to them (with 32 files and 8 MB the writer waited 0.6-0.7 s for them over the
60-client demo, 0.15 s with these); near enough that memory stays bounded by the bytes
(what was read takes about twice the file's size in the writer's process: some 35 MB
here), not by the agency's size."""


def workers() -> int:
    """A reader per core beside the writer's (at least one; at most 3: reading a file costs
    about half of storing it, so the one writer is the limit long before that)."""
    return max(1, min(3, cores() - 1))


class Prefetch:
    """Reads a job's a-meldinger and SAF-T files ahead of its writer in a pool of processes."""

    def __init__(self, files: list[tuple[int, str, str, int]], *, processes: int | None = None,
                 window: int = AHEAD_FILES, window_bytes: int = AHEAD_BYTES) -> None:
        """``files``: (item id, kind, path, size in bytes) in the order the runner claims them;
        ``kind`` one of ``READERS``."""
        self.processes = processes or workers()
        self.window = window
        self.window_bytes = window_bytes
        self.queue = list(files)
        self.next = 0
        self.inflight: OrderedDict[int, tuple[str, Future[Any]]] = OrderedDict()
        self.sizes: dict[int, int] = {}
        self.pool: ProcessPoolExecutor | None = spawn_pool(self.processes)
        self._fill()

    def _fill(self) -> None:
        while self.pool is not None and len(self.inflight) < self.window and self.next < len(self.queue):
            item_id, kind, path, size = self.queue[self.next]
            if self.inflight and sum(self.sizes.values()) + size > self.window_bytes:
                return
            self.next += 1
            try:
                self.inflight[item_id] = (kind, self.pool.submit(READERS[kind][0], path))
                self.sizes[item_id] = size
            except Exception:  # noqa: BLE001  (the pool broke or could not start a worker: read in-process from now on)
                self.close()

    def ready(self, item_id: int) -> bool:
        """Whether ``take`` has the item's answer at once (read already, or not read here)."""
        entry = self.inflight.get(item_id)
        return entry is None or entry[1].done()

    async def take(self, item_id: int) -> Parsed | SaftRead | None:
        """What a worker read of the item's file, or ``None`` (then read it in-process)."""
        # Items before this one were claimed by another runner of the same job: drop them.
        while self.inflight and next(iter(self.inflight)) < item_id:
            dropped, (_kind, stale) = self.inflight.popitem(last=False)
            stale.cancel()
            self.sizes.pop(dropped, None)
        entry = self.inflight.pop(item_id, None)
        self.sizes.pop(item_id, None)
        if entry is None:
            while self.next < len(self.queue) and self.queue[self.next][0] <= item_id:
                self.next += 1
        self._fill()
        if entry is None:
            return None
        kind, future = entry
        try:
            read: Any = await asyncio.wrap_future(future)
        except Exception:  # noqa: BLE001  (a broken pool is no outcome: the file is read in-process)
            return None
        return read if isinstance(read, READERS[kind][1]) else None

    def close(self) -> None:
        pool, self.pool = self.pool, None
        for _kind, future in self.inflight.values():
            future.cancel()
        self.inflight.clear()
        self.sizes.clear()
        if pool is not None:  # waits for the file each worker is on (bounded: ≤ MAX_POOLED_BYTES)
            pool.shutdown(wait=True, cancel_futures=True)
