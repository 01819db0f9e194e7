"""Benchmark: one month's intake for an agency of N clients (one a-melding per client).

    .venv/bin/python benchmarks/bench_intake.py [--clients 1000] [--people 40] [--postgres URL]

A fresh agency with ``--clients`` clients (no demo) and a folder of generated a-meldinger
for 2026-10, ``--people`` income recipients each (about 40,000 for 1,000 clients:
expense lines, leaves, leavers, see ``tests/data/payroll_months.py``). Timed: the whole
``intake.plan`` + ``start`` + ``run`` (recognise, import, derive the cockpit's rows, the
job's bookkeeping), in a child process so its peak RSS is the intake's alone. Reports
files per second, MB per second, peak RSS, the writer's CPU time and its reader processes'
(the wall time on a machine shared with other work says more about the machine than
about the intake). Budget: 1,000 a-meldinger ≤ 20 s, ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def prepare(folder: Path, clients: int, people: int, url: str | None) -> str:
    from sqlalchemy import insert

    from byraa.core.agency import setup
    from byraa.core.base import ids
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store
    from byraa.core.store.models import Client
    from tests.data.payroll_months import month_message
    from tests.data.reconcile import build as b

    orgs: list[str] = []
    i = 0
    while len(orgs) < 2 * clients + 1:
        value = ids.complete_org_number(f"31{i:06d}")
        if value:
            orgs.append(value)
        i += 1
    url = url or sqlite_url(folder / "bench.sqlite3")
    store = open_store(url, upgrade=True)
    setup.initialise(store, name="Benkbyrå AS", org_number=orgs[0], login="bench", user_name="Bench")
    now = datetime.now(UTC)
    with store.session() as s:
        s.execute(insert(Client.__table__), [  # type: ignore[attr-defined]
            {"org_number": orgs[1 + n], "name": f"Klient {n} AS", "status": "active", "pay_day": 20,
             "uses_agency_altinn": True, "created_at": now} for n in range(clients)])
    store.dispose()
    inbox = folder / "innboks"
    inbox.mkdir()
    for n in range(clients):
        message = month_message(orgs[1 + n], orgs[1 + clients + n], "2026-10", people, seed=n % 50)
        b.write_amelding(inbox / f"{n:04d}.xml", message)
    return url


def child(url: str, inbox: str) -> None:
    import resource

    from byraa.core.agency.identity import resolve
    from byraa.core.importers import intake, intake_pool
    from byraa.core.store import open_store

    store = open_store(url)
    who = resolve(store, "bench")
    cpu0 = time.process_time()
    start = time.perf_counter()
    planned = intake.plan(store, who, [inbox])
    planned_at = time.perf_counter()
    job = intake.start(store, who, planned)
    info = asyncio.run(intake.run(store, who, job))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    _, rows = intake.results(store, who, job)
    with open("/proc/self/status") as fh:
        hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reader processes, joined by now
    print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "load": load, "plan_seconds": planned_at - start, "status": info.status,
                      "files": len(rows), "imported": sum(r.outcome == "imported" for r in rows),
                      "bytes": sum(f.size for f in planned), "rss_mb": hwm / 1024,
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "worker_cpu_seconds": workers.ru_utime + workers.ru_stime,
                      "worker_rss_mb": workers.ru_maxrss / 1024, "workers": intake_pool.workers()}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--postgres", help="A PostgreSQL URL of an empty database (default: SQLite).")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from benchmarks.common import machine

    with tempfile.TemporaryDirectory(prefix="byraa-bench-intake-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        url = prepare(folder, args.clients, args.people, args.postgres)
        print(f"prepared {args.clients} clients and files in {time.perf_counter() - t0:.1f} s")
        out = subprocess.run([sys.executable, __file__, "--child", url, str(folder / "innboks")],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
    mb = r["bytes"] / 1024 / 1024
    print(f"machine: {machine()}")
    print(f"{r['files']} a-meldinger ({r['imported']} imported, job {r['status']}), "
          f"{args.clients * args.people:,} income recipients, {mb:.1f} MB")
    print(f"intake: {r['seconds']:.1f} s (plan {r['plan_seconds']:.1f} s), "
          f"{r['files'] / r['seconds']:.0f} files/s, {mb / r['seconds']:.1f} MB/s, peak RSS {r['rss_mb']:.0f} MB")
    print(f"CPU time of the intake process (the one writer): {r['cpu_seconds']:.1f} s "
          f"({r['files'] / r['cpu_seconds']:.0f} files per CPU second); of its {r['workers']} reader processes "
          f"{r['worker_cpu_seconds']:.1f} s (largest peak RSS {r['worker_rss_mb']:.0f} MB); load average at the end "
          f"{r['load']} (the wall time is the machine's, shared)")


if __name__ == "__main__":
    main()
