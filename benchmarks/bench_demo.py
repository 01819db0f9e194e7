"""Benchmark: build the large demo agency (1,000 clients, ~40,000 employees) into a fresh SQLite.

    .venv/bin/python benchmarks/bench_demo.py [--clients 1000] [--seed 1] [--today 2026-11-22]

The timed part is ``build_demo`` alone: planning, the direct inserts, writing the
clients' a-meldinger and ledgers into the inbox next to the database, the intake job that
imports them, and what is written after it; the migration of the empty file is timed
separately. CPU seconds are the process's (user + system, all threads) over the build,
the figure to compare on a shared machine. Peak RSS is the whole process's, as the kernel
reports it (``ru_maxrss``), imports included. Budget: 60 clients ≤ 10 s, 1,000 clients
≤ 120 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from byraa.core.store import open_store  # noqa: E402
from byraa.demo import build_demo  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 22))
    parser.add_argument("--keep", type=Path, help="build into this SQLite file (must not exist) and keep it")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="byraa-bench-") as tmp:
        path = args.keep or Path(tmp) / "demo.sqlite3"
        if path.exists():
            parser.error(f"{path} exists; the demo needs an empty database")
        started = time.perf_counter()
        store = open_store(f"sqlite:///{path}", upgrade=True)
        migrated = time.perf_counter() - started
        cpu = _cpu()
        try:
            summary = build_demo(store, clients=args.clients, seed=args.seed, manager_login="bench", today=args.today)
        finally:
            store.dispose()
        cpu = _cpu() - cpu
        size_mb = path.stat().st_size / 1e6
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(
        f"demo generation ({summary.clients} clients): {summary.seconds:.2f} s wall, {cpu:.2f} s CPU; "
        f"{summary.employees} employees, {summary.employments} employments, {summary.payroll_runs} payroll runs; "
        f"{summary.files} files through the intake"
    )
    print(f"migration: {migrated:.2f} s; database file: {size_mb:.1f} MB; peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
