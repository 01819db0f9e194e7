"""Shared by the benchmark scripts: the large demo agency, built once and reused."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

TODAY = date(2026, 11, 22)
LARGE_CLIENTS = 1000


def large_demo(path: Path | None = None, *, rebuild: bool = False) -> Path:
    """The 1,000-client demo agency (about 40,000 employees) as a SQLite file."""
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store
    from byraa.demo import build_demo

    path = path or Path(os.environ.get("BYRAA_BENCH_DB", "/tmp/byraa-bench/large.sqlite3"))
    if path.exists() and not rebuild:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(sqlite_url(path), upgrade=True)
    build_demo(store, clients=LARGE_CLIENTS, seed=1, manager_login="bench", today=TODAY)
    store.dispose()
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def timed(fn, repeat: int) -> tuple[float, float, float]:  # noqa: ANN001
    """(median, p95, min) in milliseconds over ``repeat`` calls after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], samples[0]
