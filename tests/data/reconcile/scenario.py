"""One hand-built client month with known differences on every check (client A, 2026-10).

Payroll (a-meldinger for September and October), a-ordningen (A07 for both months) and
the ledger (CSV, January–November) for client A of ``tests.builders.small_agency``:

- employments (October A07): nid(2) position 80 % instead of 100 % and a leave;
  nid(3) start date 2020-02-01 instead of 2020-01-01; nid(4) only in a-ordningen;
  nid(41) only in payroll;
- income: nid(3) has a bonus of 500.00 only in a-ordningen;
- withholding: a-ordningen holds 9 000.00 for nid(3), payroll 10 000.00;
- AGA: a-ordningen's amount is 0.50 above payroll's (inside the 1.00 tolerance);
- holiday pay: the AGA on accrued holiday pay is booked 0.94 short;
- clearing: account 2930 is zero at the end of October.
"""

from __future__ import annotations

from pathlib import Path

from byraa.core.importers.amelding import import_amelding
from byraa.core.importers.ledger import import_ledger
from byraa.core.reconcile import a07
from tests.builders import Small, nid, org, small_agency
from tests.data.reconcile import build as b

PERIOD = "2026-10"

LEDGER = """account;period;amount;kind;date;voucher;text
2940;2026-01;-50000,00;opening;;;IB skyldige feriepenger
2600;2026-09;-22000,00;posting;2026-09-20;L9;trekk september
2600;2026-10;-22000,00;posting;2026-10-20;L10;trekk oktober
2600;2026-11;44000,00;posting;2026-11-15;B1;betalt trekk T5
2770;2026-10;-11985,00;posting;2026-10-31;L10;aga oktober
5400;2026-10;11985,00;posting;2026-10-31;L10;aga oktober
5092;2026-09;8670,00;posting;2026-09-30;L9;feriepenger
5092;2026-10;8670,00;posting;2026-10-31;L10;feriepenger
2940;2026-09;-8670,00;posting;2026-09-30;L9;feriepenger
2940;2026-10;-8670,00;posting;2026-10-31;L10;feriepenger
5405;2026-10;2444,00;posting;2026-10-31;L10;aga feriepenger
2781;2026-10;-2444,94;posting;2026-10-31;L10;aga feriepenger
2930;2026-10;-66000,00;posting;2026-10-20;L10;netto lønn
2930;2026-10;66000,00;posting;2026-10-20;U10;utbetalt
"""


def payroll_message(period: str, *, message_id: str) -> dict:
    u = org(11)
    people = [
        b.recipient(nid(2), "Person A0", employments=[b.employment("1")], incomes=[b.income("45000.00")],
                    withheld="12000.00"),
        b.recipient(nid(3), "Person A1", employments=[b.employment("1", end="2026-10-31")],
                    incomes=[b.income("40000.00")], withheld="10000.00"),
    ]
    if period == PERIOD:
        people.append(b.recipient(nid(41), "Kun Lønn", employments=[b.employment("3", start="2026-10-01",
                                                                                  yrke="2512101")]))
    return b.amelding(org(1), period, [b.unit(u, people, aga=[("1", "85000.00", 14.1)])], message_id=message_id,
                      sum_withholding="22000.00", sum_aga="11985.00")


def a07_report(period: str) -> dict:
    u = org(11)
    october = period == PERIOD
    return b.a07(org(1), period, [
        b.a07_person(nid(2), "Person A0", employments=[b.a07_employment(
            u, pct=80.0 if october else 100.0,
            leaves=[{"permisjonId": "p1", "startdato": "2026-10-05", "sluttdato": None, "permisjonsprosent": 20.0,
                     "beskrivelse": "utdanningspermisjon"}] if october else None)],
            incomes=[(u, "fastloenn", "45000.00")], withheld=[(u, "12000.00")]),
        b.a07_person(nid(3), "Person A1", employments=[b.a07_employment(
            u, start="2020-02-01" if october else "2020-01-01", end="2026-10-31")],
            incomes=[(u, "fastloenn", "40000.00")] + ([(u, "bonus", "500.00")] if october else []),
            withheld=[(u, "9000.00" if october else "10000.00")]),
        *([b.a07_person(nid(4), "Kun Aordning", employments=[b.a07_employment(u, "9", start="2025-05-01")])]
          if october else []),
    ], aga=[(u, "1", "85000.00", 14.1, "11985.50" if october else "11985.00")])


def build(store, tmp_path: Path) -> Small:  # noqa: ANN001
    """The small agency with client A's September and October imported on all three sides.

    The files are written under ``tmp_path`` every time (tests import them again); what
    importing them stores is built once per test process and copied after
    (``tests/store_copies.py``)."""
    from tests.store_copies import filled_once

    files = write_files(tmp_path)
    return Small(store, dict(filled_once(store, "reconcile-scenario", lambda s: _build(s, files).clients)))


def write_files(tmp_path: Path) -> dict[str, Path]:
    """The scenario's a-meldinger, A07 reports and ledger, by name."""
    files = {}
    for period, mid in (("2026-09", "s9"), (PERIOD, "s10")):
        files[f"am-{period}"] = b.write_amelding(tmp_path / f"am-{period}.xml",
                                                 payroll_message(period, message_id=mid))
        files[f"a07-{period}"] = b.write_json(tmp_path / f"a07-{period}.json", a07_report(period))
    ledger = files["ledger"] = tmp_path / "hovedbok.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    return files


def _build(store, files: dict[str, Path]) -> Small:  # noqa: ANN001
    small = small_agency(store)
    who = small.who()
    for period in ("2026-09", PERIOD):
        import_amelding(store, who, files[f"am-{period}"])
        a07.import_a07(store, who, files[f"a07-{period}"])
    import_ledger(store, who, files["ledger"], client=org(1))
    return small
