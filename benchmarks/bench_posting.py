"""The control list for a 1,000-employee client's journal (30,000 lines): budget ≤ 1 s.

Builds a small agency in a fresh SQLite file with one client of 1,000 employees, a ledger
of 60 accounts and a journal of 30 lines per employee (some on a sub-ledger account,
some with faults), imports it, then times ``posting.service.check`` (the store read and
every rule) over several runs. Prints the median, the worst run, the median CPU time of
the process (a shared machine's load inflates the wall clock, not this), and the import
time.

    .venv/bin/python benchmarks/bench_posting.py
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    os.environ.setdefault("BYRAA_TODAY", "2026-11-22")
    from byraa.core.agency.identity import resolve
    from byraa.core.base import ids
    from byraa.core.importers.ledger import import_ledger
    from byraa.core.posting import service
    from byraa.core.posting.journal import import_journal
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store
    from byraa.core.store.models import Agency, Client, Employee, StaffUser
    from tests.builders import org

    work = Path(tempfile.mkdtemp(prefix="byraa-bench-posting-"))
    store = open_store(sqlite_url(work / "b.sqlite3"), upgrade=True)
    now = datetime(2026, 11, 22, tzinfo=UTC)
    people = []
    for day in range(1, 29):
        for serial in range(1000):
            value = ids.complete_national_id(f"{day:02d}8180{serial:03d}")
            if value and len(people) < 1000:
                people.append(value)
    with store.session() as s:
        s.add(Agency(name="Bench AS", org_number=org(0), created_at=now))
        s.add(StaffUser(login="bench", name="Bench", role="manager", created_at=now))
        client = Client(org_number=org(1), name="Stor Kunde AS", created_at=now)
        s.add(client)
        s.flush()
        s.add_all(Employee(client_id=client.id, national_id=p, name=f"P{n}") for n, p in enumerate(people))
    who = resolve(store, "bench")
    accounts = [str(5000 + n) for n in range(58)] + ["2600", "2930"]
    (work / "ledger.csv").write_text("account;period;amount;kind\n" + "".join(
        f"{a};2026-10;0;opening\n" for a in accounts), encoding="utf-8")
    import_ledger(store, who, work / "ledger.csv", client=org(1))
    path = work / "journal.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["account", "amount", "national_id", "department", "pay_form", "period", "fiscal_year", "text"])
        for n, person in enumerate(people):
            for k in range(29):
                w.writerow([accounts[k], "1234,56", person if k % 7 == 0 else "", f"D{n % 12}", "01", "2026-11",
                            "2026", "Lønnsart"])
            w.writerow(["2930", f"-{29 * 1234.56:.2f}".replace(".", ","), person, "", "01", "2026-11", "2026", "Netto"])
    started = time.perf_counter()
    result = import_journal(store, who, path, client=org(1))
    import_seconds = time.perf_counter() - started
    service.set_settings(store, who, org(1), error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026"])
    times, cpu = [], []
    for _ in range(7):
        started, started_cpu = time.perf_counter(), time.process_time()
        _, control = service.check(store, who, org(1), "2026-11")
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"journal lines: {result.lines}, problems named: {control.problem_count}")
    print(f"import: {import_seconds:.2f} s")
    print(f"control list: median {statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms "
          f"(budget 1,000 ms); CPU time of this process: median {statistics.median(cpu) * 1000:.0f} ms "
          f"(what a loaded machine's wall clock hides)")


if __name__ == "__main__":
    main()
