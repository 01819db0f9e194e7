"""Worker processes for pure, CPU-bound work beside the one that stores (a second core).

``spawn_pool`` starts a process pool with ``spawn`` (never ``fork``: the parent has
threads, and a TUI) whose workers speak the parent's language, since words made in a
worker (a refusal found while reading a file) are shown as they are. It returns ``None``
when no pool can be started (e.g. no semaphores): callers then do the work in-process,
so a pool never decides an outcome.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from byraa.core.words import i18n


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_worker(language: str) -> None:
    i18n.set_language(language)
    _end_with_parent()


def _end_with_parent() -> None:
    """End this worker when its parent ends, however it ends.

    A pool's worker waits on its call queue, and holds that queue's writing end itself, so
    a parent killed with SIGKILL (or by a dropped SSH session's SIGHUP) never wakes it: it
    waited forever, some 70 MB each. A thread waits on the parent's sentinel instead."""
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="byraa-parent-watch", daemon=True).start()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the process's real stderr.

    The tracker's process is given ``sys.stderr.fileno()``; under the TUI ``sys.stderr`` is
    Textual's capture, whose ``fileno()`` is -1, and starting any worker then fails with
    "bad value(s) in fds_to_keep". The real stderr is put back for the moment the tracker
    starts (once per process; later pools find it running)."""
    from multiprocessing import resource_tracker

    real = sys.__stderr__
    if real is None or sys.stderr is real:
        resource_tracker.ensure_running()
        return
    captured, sys.stderr = sys.stderr, real
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured


def spawn_pool(processes: int) -> ProcessPoolExecutor | None:
    """A pool of ``processes`` spawned workers in the parent's language, or ``None``."""
    try:
        _start_resource_tracker()
        return ProcessPoolExecutor(processes, mp_context=get_context("spawn"), initializer=_start_worker,
                                   initargs=(i18n.language(),))
    except Exception:  # noqa: BLE001  (no pool, e.g. no semaphores: the caller works in-process)
        return None


__all__ = ["cores", "spawn_pool"]
