"""Peak RSS of ``byraa import`` for a 100 MB file of every kind (the budget: 300 MB).

Each import runs in its own process on a fresh SQLite store (the test agency), and its
peak RSS is read from ``wait4``. A kind byraa streams is imported whole; a kind over its
size cap is refused before it is read, so each capped kind is also measured with a file
just under its cap (the largest it accepts).

    .venv/bin/python benchmarks/bench_big_files.py [--mb 100] [--only ledger-csv]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.common import machine  # noqa: E402
from byraa.core.base import ids  # noqa: E402
from byraa.core.files.limits import CAPS_MB  # noqa: E402
from tests.builders import nid, org, small_agency  # noqa: E402
from tests.data.reconcile import build as b  # noqa: E402

MB = 1024 * 1024


def _fill(path: Path, head: str, line: Callable[[int], str], tail: str, size: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head)
        written, n = len(head), 0
        while written < size - len(tail):
            chunk = "".join(line(n + i) for i in range(1000))
            fh.write(chunk)
            written += len(chunk.encode())
            n += 1000
        fh.write(tail)
    return path


def ledger_csv(folder: Path, size: int) -> tuple[Path, list[str]]:
    path = _fill(folder / "ledger.csv", "account;period;amount;date;voucher;text\n",
                 lambda n: f"{5000 + n % 900};2026-{1 + n % 12:02d};{n % 99999},{n % 100:02d};"
                           f"2026-{1 + n % 12:02d}-15;V{n};Lønn {n}\n", "", size)
    return path, ["import", "ledger", str(path), "--client", org(1)]


def saft_xml(folder: Path, size: int) -> tuple[Path, list[str]]:
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<AuditFile xmlns="urn:StandardAuditFile-Taxation-Financial:NO">'
            f"<Header><Company><RegistrationNumber>{org(1)}</RegistrationNumber><Name>Alfa</Name></Company>"
            "<SelectionCriteria><PeriodStart>1</PeriodStart><PeriodStartYear>2026</PeriodStartYear>"
            "<PeriodEnd>12</PeriodEnd><PeriodEndYear>2026</PeriodEndYear></SelectionCriteria></Header>"
            "<MasterFiles><GeneralLedgerAccounts><Account><AccountID>5000</AccountID>"
            "<OpeningDebitBalance>0.00</OpeningDebitBalance></Account></GeneralLedgerAccounts></MasterFiles>"
            "<GeneralLedgerEntries><Journal><JournalID>GL</JournalID>\n")
    tail = "</Journal></GeneralLedgerEntries></AuditFile>\n"
    path = _fill(folder / "saft.xml", head, lambda n: (
        f"<Transaction><TransactionID>{n}</TransactionID><Period>{1 + n % 12}</Period>"
        f"<PeriodYear>2026</PeriodYear><TransactionDate>2026-{1 + n % 12:02d}-15</TransactionDate>"
        f"<Description>Lønn {n}</Description><Line><AccountID>5000</AccountID>"
        f"<DebitAmount><Amount>{n % 9999}.00</Amount></DebitAmount></Line><Line><AccountID>1920</AccountID>"
        f"<CreditAmount><Amount>{n % 9999}.00</Amount></CreditAmount></Line></Transaction>\n"), tail, size)
    return path, ["import", "ledger", str(path)]


def a07_json(folder: Path, size: int) -> tuple[Path, list[str]]:
    person = b.a07_person(nid(2), "Person A0", employments=[b.a07_employment(org(11))],
                          incomes=[(org(11), "fastloenn", "45000.00")])
    one = len(json.dumps(person))
    doc = b.a07(org(1), "2026-10", [person] * max(1, size // (one + 2)))
    path = folder / "a07.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path, ["import", "a07", str(path)]


def synthetic_ids() -> Iterator[str]:
    """Valid Tenor test ids (month + 80), as many as needed: a person is in a virksomhet once."""
    for year in range(50, 100):
        for month in range(81, 93):
            for day in range(1, 29):
                for serial in range(1000):
                    value = ids.complete_national_id(f"{day:02d}{month:02d}{year:02d}{serial:03d}")
                    if value:
                        yield value


def amelding_xml(folder: Path, size: int) -> tuple[Path, list[str]]:
    sample = b.recipient(nid(2), "Person A0", incomes=[b.income("45000.00")], withheld="12000")
    one = len(json.dumps(sample)) * 2  # the XML is about twice the JSON
    people = synthetic_ids()
    recipients = [b.recipient(next(people), "Person", incomes=[b.income("45000.00")], withheld="12000")
                  for _ in range(max(1, size // one))]
    doc = b.amelding(org(1), "2026-10", [b.unit(org(11), recipients)])
    path = b.write_amelding(folder / "amelding.xml", doc)
    return path, ["import", "amelding", str(path)]


def taxcards_json(folder: Path, size: int) -> tuple[Path, list[str]]:
    person = {"arbeidstakeridentifikator": nid(2), "resultatForSkattekort": "ikkeSkattekort", "inntektsaar": 2026}
    count = max(1, size // (len(json.dumps(person)) + 2))
    doc = {"status": "FORESPOERSEL_OK", "arbeidsgiver": [
        {"arbeidsgiveridentifikator": {"organisasjonsnummer": org(1)}, "arbeidstaker": [person] * count}]}
    path = folder / "taxcards.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path, ["import", "taxcards", str(path)]


def journal_csv(folder: Path, size: int) -> tuple[Path, list[str]]:
    path = _fill(folder / "journal.csv", "account;pay_form;period;amount;text\n",
                 lambda n: f"{5000 + n % 900};fast;2026-10;{n % 99999},00;Lønn {n}\n", "", size)
    return path, ["import", "journal", str(path), "--client", org(1)]


KINDS: dict[str, tuple[Callable[[Path, int], tuple[Path, list[str]]], str | None]] = {
    "ledger-csv": (ledger_csv, "ledger_csv"),
    "saft-xml": (saft_xml, "saft"),
    "a07-json": (a07_json, "a07"),
    "amelding-xml": (amelding_xml, "amelding"),
    "taxcards-json": (taxcards_json, "taxcard"),
    "journal-csv": (journal_csv, "journal"),
}


def measure(template: Path, folder: Path, args: list[str]) -> tuple[int, float, float, str]:
    """(exit code, peak RSS MB, seconds, last stderr line) of one ``byraa`` import."""  # noqa: D401
    db = folder / "run.sqlite3"
    shutil.copyfile(template, db)
    os.chmod(db, 0o600)
    env = dict(os.environ, BYRAA_USER="tester", BYRAA_LANG="en", PYTHONPATH=str(ROOT / "src"))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, "--db", str(db), *args], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    lines = done.stderr.decode(errors="replace").strip().splitlines()
    peak = next(int(x.split()[1]) for x in lines if x.startswith("VmHWM"))
    last = next((x for x in reversed(lines) if not x.startswith("VmHWM")), "")
    return done.returncode, peak / 1024, seconds, last


WRAPPER = """
import atexit, runpy, sys
def hwm():  # the peak of this program's own memory: VmHWM starts afresh at exec (ru_maxrss would not)
    sys.stderr.write(next(x for x in open('/proc/self/status') if x.startswith('VmHWM')))
atexit.register(hwm)
sys.argv[0] = 'byraa'
runpy.run_module('byraa', run_name='__main__', alter_sys=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--only", choices=sorted(KINDS))
    opts = parser.parse_args()
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.sqlite3"
        store = open_store(sqlite_url(template), upgrade=True)
        small_agency(store)
        store.dispose()
        print(f"machine: {machine()}; budget 300 MB peak RSS")
        for name, (make, cap_kind) in KINDS.items():
            if opts.only and name != opts.only:
                continue
            sizes = [opts.mb * MB]
            cap = CAPS_MB.get(cap_kind or "", 0) * MB
            if cap and cap < opts.mb * MB:
                sizes.append(cap - MB)  # the largest file it accepts
            for size in sizes:
                path, args = make(folder, size)
                real = path.stat().st_size / MB
                code, rss, seconds, last = measure(template, folder, args)
                print(flush=True, end="")
                print(f"{name:<14} {real:7.1f} MB  exit {code}  peak RSS {rss:6.0f} MB  {seconds:6.1f} s  {last[:90]}")
                path.unlink()


if __name__ == "__main__":
    main()
