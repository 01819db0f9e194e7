"""Benchmark: employment reconciliation across a large agency, and a 100 MB a-melding import.

    .venv/bin/python benchmarks/bench_reconcile.py [--employments 40000] [--clients 1000] [--mb 100]

1. Employments vs A07 for every client at once (check 1, both matching methods): synthetic
   payroll and A07 frames of ``--employments`` rows over ``--clients`` clients, about 3 % of
   the A07 rows changed (position, start date, occupation code, leave) or missing. Timed:
   ``employments.compare`` plus turning the result into ``ResultRow``s. Budget 3 s.
2. Importing an a-melding of about ``--mb`` MB (generated in a temp dir) into a fresh SQLite
   store, in a child process so its peak RSS (``VmHWM``) is the import's alone, imports
   of modules included. Budget 300 MB.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def _nids(count: int) -> list[str]:
    """``count`` distinct valid Tenor national ids (synthetic: month + 80)."""
    from byraa.core.base import ids

    out: list[str] = []
    for year in range(50, 100):
        for day in range(1, 29):
            for month in range(81, 93):
                for individual in range(0, 1000, 7):
                    value = ids.complete_national_id(f"{day:02d}{month:02d}{year:02d}{individual:03d}")
                    if value:
                        out.append(value)
                        if len(out) == count:
                            return out
    return out


def bench_employments(employments: int, clients: int) -> None:
    import polars as pl

    from byraa.core.reconcile.checks import employments as check

    rng = random.Random(5)
    nids = _nids(employments)
    rows = []
    for n in range(employments):
        rows.append({
            "client_id": n % clients, "ref": n, "national_id": nids[n], "sub_unit": f"{900000000 + n % clients * 3}",
            "employment_ref": "1", "employment_type": "ordinaertArbeidsforhold",
            "start_date": date(2015, 1, 1) + timedelta(days=rng.randrange(4000)),
            "end_date": None, "occupation_code": f"{rng.randrange(1000000, 9999999)}",
            "position_pct": rng.choice([100.0, 80.0, 50.0]), "hours_full_week": 37.5, "leave": "",
        })
    theirs = []
    for r in rows:
        u = rng.random()
        if u < 0.005:
            continue  # only in payroll
        t = dict(r, ref=r["ref"] + 10_000_000)
        if u < 0.015:
            t["position_pct"] = 60.0
        elif u < 0.02:
            t["start_date"] = r["start_date"] + timedelta(days=31)
        elif u < 0.025:
            t["occupation_code"] = "2512101"
        elif u < 0.03:
            t["leave"] = "2026-10-05–… 20 % utdanningspermisjon"
        theirs.append(t)
    payroll, a07 = check.frame(rows), check.frame(theirs)
    print(f"employments: {payroll.height:,} payroll, {a07.height:,} A07, {clients:,} clients")
    for method in ("simple", "standard"):
        check.compare(payroll.head(100), a07.head(100), method)  # warm polars up
        started = time.perf_counter()
        result = check.compare(payroll, a07, method)
        compared = time.perf_counter() - started
        from byraa.core.reconcile.checks import ResultRow  # noqa: F401

        objs = check.rows(payroll, a07, method)
        total = time.perf_counter() - started
        counts = result.group_by("status").len().sort("status").rows()
        print(f"  {method:8s} compare {compared:.2f} s, with result rows {total:.2f} s "
              f"(budget 3 s): {len(objs):,} rows {dict(counts)}")
    del pl


def write_amelding(path: Path, org: str, unit: str, target_bytes: int) -> int:
    """Stream an a-melding of about ``target_bytes`` to ``path``; returns recipients written."""
    from byraa.core.importers.amelding_xml import write

    nids = _nids(min(200_000, target_bytes // 1500 + 10))
    size = {"n": 0}

    def people():  # noqa: ANN202
        n = 0
        while True:
            if n >= len(nids) or (n % 1000 == 0 and path.stat().st_size >= target_bytes):
                size["n"] = n
                return
            yield {
                "norskIdentifikator": nids[n],
                "identifiserendeInformasjon": {"navn": f"Syntetisk Person {n}"},
                "arbeidsforhold": [{
                    "arbeidsforholdId": "1", "typeArbeidsforhold": "ordinaertArbeidsforhold",
                    "startdato": "2020-01-01", "antallTimerPerUkeSomEnFullStillingTilsvarer": 37.5,
                    "avloenningstype": "fastloennet", "yrke": "5223102", "arbeidstidsordning": "ikkeSkift",
                    "stillingsprosent": 100, "sisteLoennsendringsdato": "2026-01-01",
                    "permisjon": [{"startdato": "2026-10-05", "permisjonsprosent": 20, "permisjonId": "p1",
                                   "beskrivelse": "utdanningspermisjon"}] if n % 50 == 0 else [],
                }],
                "forskuddstrekk": [{"beskrivelse": "trekk", "beloep": "-12000.00"}],
                "inntekt": [
                    {"fordel": "kontantytelse", "utloeserArbeidsgiveravgift": True, "inngaarIGrunnlagForTrekk": True,
                     "beloep": "45000.00", "loennsinntekt": {"beskrivelse": "fastloenn"}},
                    {"fordel": "kontantytelse", "utloeserArbeidsgiveravgift": True, "inngaarIGrunnlagForTrekk": True,
                     "beloep": "1250.50", "loennsinntekt": {"beskrivelse": "overtidsgodtgjoerelse"}},
                    {"fordel": "naturalytelse", "utloeserArbeidsgiveravgift": True, "inngaarIGrunnlagForTrekk": True,
                     "beloep": "400.00", "loennsinntekt": {"beskrivelse": "elektroniskKommunikasjon"}},
                ],
            }
            n += 1

    with path.open("w", encoding="utf-8", buffering=1024 * 1024) as fh:
        write(fh, {"leveranse": {
            "leveringstidspunkt": "2026-10-28T12:00:00", "kalendermaaned": "2026-10", "kildesystem": "bench",
            "meldingsId": "bench1", "opplysningspliktig": {"norskIdentifikator": org},
            "oppgave": {"virksomhet": [{"norskIdentifikator": unit, "inntektsmottaker": people(),
                                        "arbeidsgiveravgift": {"loennOgGodtgjoerelse": [{
                                            "beregningskodeForArbeidsgiveravgift": "generelleNaeringer", "sone": "1",
                                            "avgiftsgrunnlagBeloep": "1000000.00",
                                            "prosentsatsForAvgiftsberegning": 14.1}]}}]},
        }})
    return size["n"]


def _peak_mb() -> float:
    """This process's peak RSS. ``VmHWM`` where the kernel has it: ``ru_maxrss`` survives
    ``fork``/``exec`` on Linux and would report the parent's peak (the polars frames above)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(db: str, path: str, org: str) -> None:
    from byraa.core.agency.identity import resolve
    from byraa.core.importers.amelding import import_amelding
    from byraa.core.store import open_store

    store = open_store(f"sqlite:///{db}")
    started = time.perf_counter()
    result = import_amelding(store, resolve(store, "bench"), path)
    took = time.perf_counter() - started
    peak = _peak_mb()
    print(f"  imported {result.counts['recipients']:,} recipients, {result.counts['income_lines']:,} income lines "
          f"in {took:.1f} s; peak RSS {peak:.0f} MB (budget 300 MB)")


def bench_import(mb: int) -> None:
    from byraa.core.store import open_store
    from byraa.core.store.models import Agency, Client, StaffUser, SubUnit
    from tests.builders import org

    with tempfile.TemporaryDirectory(prefix="byraa-bench-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        store = open_store(f"sqlite:///{db}", upgrade=True)
        now = datetime.now(UTC)
        with store.session() as s:
            s.add(Agency(name="Bench", org_number=org(0), created_at=now))
            s.add(StaffUser(login="bench", name="Bench", role="manager", created_at=now))
            client = Client(org_number=org(1), name="Stor Klient AS", created_at=now)
            s.add(client)
            s.flush()
            s.add(SubUnit(client_id=client.id, org_number=org(2), name="Avd 1"))
        store.dispose()
        path = Path(tmp) / "amelding.xml"
        started = time.perf_counter()
        people = write_amelding(path, org(1), org(2), mb * 1024 * 1024)
        print(f"a-melding: {path.stat().st_size / 1024 / 1024:.0f} MB, {people:,} recipients, "
              f"written in {time.perf_counter() - started:.1f} s")
        subprocess.run([sys.executable, __file__, "--child-import", str(db), str(path), org(1)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employments", type=int, default=40_000)
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--child-import", nargs=3, metavar=("DB", "FILE", "ORG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_import:
        child_import(*args.child_import)
        return 0
    bench_employments(args.employments, args.clients)
    if not args.skip_import:
        bench_import(args.mb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
