"""Dashboard figures query on the large demo agency (budget: 50 ms).

    .venv/bin/python benchmarks/bench_dashboard.py [--rebuild]
"""

from __future__ import annotations

import os
import sys

from common import large_demo, machine, timed

os.environ.setdefault("BYRAA_TODAY", "2026-11-22")


def main() -> None:
    path = large_demo(rebuild="--rebuild" in sys.argv)
    from sqlalchemy import select

    from byraa.core.agency.identity import resolve
    from byraa.core.clients import dashboard
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store
    from byraa.core.store.models import StaffUser

    store = open_store(sqlite_url(path))
    manager = resolve(store, "bench")
    with store.session() as s:
        clerk_login = s.scalars(select(StaffUser.login).where(StaffUser.role == "clerk", StaffUser.active)).first()
    clerk = resolve(store, clerk_login)
    print(f"machine: {machine()}")
    for label, who, scope in (("manager, all clients", manager, "all"), ("clerk, own clients", clerk, "mine")):
        median, p95, best = timed(lambda who=who, scope=scope: dashboard.build(store, who, "2026-11", scope), 20)
        print(f"dashboard figures ({label}): median {median:.1f} ms, p95 {p95:.1f} ms, min {best:.1f} ms")


if __name__ == "__main__":
    main()
