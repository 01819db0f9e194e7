"""Bulk tax-card fetch for the 1,000-client demo (about 40,000 persons) against the sandbox.

    .venv/bin/python benchmarks/bench_taxcards.py [--latency-ms 100] [--baseline-clients 50]

Budget: the whole fetch ≤ 30 s wall and ≤ 400 MB peak RSS, and ≥ 20× faster than
fetching one client at a time with one request in flight.

- The sandbox runs as its own process (``byraa sandbox --with-store``) on loopback with
  ``--latency-ms`` added to every request, answers 204 (not ready) to the first fetch of
  each order, and is consistent with the store.
- The whole fetch is the real headless command (``byraa taxcards fetch --all --year
  2026``) on a fresh copy of the demo database; wall time and the child's peak RSS are
  measured from here.
- The baseline, in the same run, on another fresh copy: one job per client, one order
  in flight, one request in flight (the process-wide limit set to 1), same sandbox, same
  polling. It is run for ``--baseline-clients`` clients spread over the agency (0 = all;
  all takes about 20 minutes) and scaled to the whole agency by client count; the ratio
  is the scaled baseline over the whole fetch.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from common import TODAY, large_demo, machine, peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BYRAA_TODAY", TODAY.isoformat())
os.environ.setdefault("BYRAA_USER", "bench")
os.environ.setdefault("BYRAA_LANG", "en")


def _fresh_copy(source: Path, target: Path, sandbox_url: str) -> Path:
    """A copy of the demo, at this byraa's schema, wired to the sandbox with a demo key."""
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store
    from byraa.demo.database import connect_sandbox

    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    store = open_store(sqlite_url(target), upgrade=True)
    try:
        connect_sandbox(store, "bench", target.parent, name=f"{target.stem}-key", base_url=sandbox_url)
    finally:
        store.dispose()
    return target


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_sandbox(db: Path, port: int, latency_ms: int) -> subprocess.Popen:
    from byraa.sandbox.ensure import sandbox_answers

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "byraa", "--db", str(db), "sandbox", "--port", str(port), "--latency",
         str(latency_ms), "--ready-after", "1", "--with-store"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not sandbox_answers(f"http://127.0.0.1:{port}"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the sandbox did not start")
        time.sleep(0.05)
    return proc


def _stats(port: int) -> dict:
    import httpx

    return httpx.get(f"http://127.0.0.1:{port}/_sandbox/stats", timeout=10).json()


def whole_fetch(db: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "byraa", "--db", str(db), "taxcards", "fetch", "--all",
                           "--year", "2026", "--format", "json"], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        raise SystemExit(f"the fetch failed ({done.returncode}):\n{done.stderr}")
    summary = json.loads(done.stdout)
    return {"wall": wall, "rss_mb": max(rss, before) / 1024, "summary": summary,
            "rss_note": "" if rss > before else " (a larger earlier child hides it)"}


def baseline_child(db: Path, clients: int) -> None:
    """One client at a time, one request in flight (run in its own process)."""
    import asyncio

    from byraa.core.agency.identity import resolve
    from byraa.core.altinn import client as altinn_client
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store
    from byraa.core.taxcards import fetch

    altinn_client.set_concurrency_limit(1)
    store = open_store(sqlite_url(db))
    who = resolve(store, "bench")
    all_clients = fetch.plan_fetch(store, who, fetch.Selection(all=True), 2026, persons_per_order=1000).clients
    chosen = [c for c in all_clients if c.persons]
    if clients and clients < len(chosen):
        step = len(chosen) / clients
        chosen = [chosen[int(i * step)] for i in range(clients)]
    options = fetch.FetchOptions(concurrency=1)
    persons = 0
    started = time.perf_counter()

    async def one_by_one() -> None:
        nonlocal persons
        factory, aclose = fetch.default_client_factory(store, who)
        try:
            for c in chosen:
                plan = fetch.plan_fetch(store, who, fetch.Selection(client_ids=(c.id,)), 2026)
                job_id = fetch.start_fetch(store, who, plan)
                summary = await fetch.run_fetch(store, who, job_id, client_for=factory, options=options)
                persons += summary.persons_asked
        finally:
            await aclose()

    asyncio.run(one_by_one())
    print(json.dumps({"seconds": time.perf_counter() - started, "clients": len(chosen), "persons": persons,
                      "all_clients": len([c for c in all_clients if c.persons]),
                      "all_persons": sum(len(c.persons) for c in all_clients)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--baseline-clients", type=int, default=50, help="0 = every client (about 20 minutes)")
    parser.add_argument("--baseline-child", nargs=2, metavar=("DB", "CLIENTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_child:
        baseline_child(Path(args.baseline_child[0]), int(args.baseline_child[1]))
        return

    source = large_demo()
    work = Path("/tmp/byraa-bench/taxcards")
    work.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    bulk_db = _fresh_copy(source, work / "bulk.sqlite3", url)
    base_db = _fresh_copy(source, work / "baseline.sqlite3", url)

    print(f"machine: {machine()}; sandbox latency {args.latency_ms} ms per request, answers ready on the 2nd poll")
    sandbox = _start_sandbox(bulk_db, port, args.latency_ms)
    try:
        bulk = whole_fetch(bulk_db)
        bulk_stats = _stats(port)
    finally:
        sandbox.send_signal(signal.SIGINT)
        sandbox.wait(timeout=30)
    s = bulk["summary"]
    print(f"whole fetch: {bulk['wall']:.1f} s wall (budget 30 s), peak RSS {bulk['rss_mb']:.0f} MB (budget 400 MB)"
          f"{bulk['rss_note']}")
    print(f"  {s['clients']} clients, {s['persons_asked']} persons asked, {s['cards']} cards, {s['no_card']} no card, "
          f"{s['not_liable']} not liable, {s['errors']} errors, {s['skipped']} skipped leavers, "
          f"{s['orders_sent']} orders; sandbox saw {bulk_stats['orders_created']} orders, "
          f"{sum(bulk_stats['requests'].values())} requests, at most {bulk_stats['max_in_flight']} in flight")

    sandbox = _start_sandbox(base_db, port, args.latency_ms)
    try:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        done = subprocess.run([sys.executable, __file__, "--baseline-child", str(base_db), str(args.baseline_clients)],
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"the baseline failed:\n{done.stderr}")
        base = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        sandbox.send_signal(signal.SIGINT)
        sandbox.wait(timeout=30)
    per_client = base["seconds"] / base["clients"]
    scaled = per_client * base["all_clients"]
    by_persons = base["seconds"] / max(1, base["persons"]) * base["all_persons"]
    print(f"baseline (one client at a time, one request in flight): {base['seconds']:.1f} s for {base['clients']} "
          f"clients / {base['persons']} persons = {per_client:.2f} s per client")
    print(f"  scaled to {base['all_clients']} clients: {scaled:.0f} s (by persons: {by_persons:.0f} s)")
    print(f"ratio: {scaled / bulk['wall']:.0f}× (goal ≥ 20×)")
    print(f"bench process peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
