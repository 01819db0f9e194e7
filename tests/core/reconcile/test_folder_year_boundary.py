"""NAV refund claims and personal open items across the year boundary (SQLite and
PostgreSQL): last year's claims are read so a claim still open in February ages from its
own month, and the drill-down rows name the employee. The fixture is hand-made here:
journals for October–December 2025 and January 2026, a SAF-T file for January–February
2026 with the receivable's opening balance; expected figures are computed from it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from byraa.core.base import ids
from byraa.core.importers.ledger import import_ledger
from byraa.core.posting.journal import import_journal
from byraa.core.reconcile import runs as reconcile
from byraa.core.store.models import Employee
from tests.builders import nid, org, small_agency
from tests.data.reconcile.folder import NS, _line, journal

# (period, person, amount øre): sick-pay refund claims in the payroll journal.
CLAIMS = [("2025-10", 2, 5_000_00), ("2025-11", 3, 2_000_00), ("2025-12", 2, 1_000_00), ("2026-01", 3, 1_500_00)]
OPENING = 6_000_00  # the receivable on 1 January: not all of last year's claims were paid
PAID = 2_000_00  # in February, with nid(3)'s sub-ledger id


def _saft(path: Path, openings: dict[str, int], transactions: list, parties: str = "", *, year: int = 2026,
          last: int = 2) -> Path:
    txs = "".join(
        f"<Transaction><TransactionID>{v}</TransactionID><Period>{int(d[5:7])}</Period><PeriodYear>{year}"
        f"</PeriodYear><TransactionDate>{d}</TransactionDate>{''.join(_line(*x) for x in lines)}</Transaction>"
        for v, d, lines in transactions)
    accounts = "".join(f"<Account><AccountID>{a}</AccountID><OpeningDebitBalance>{o / 100:.2f}"
                       "</OpeningDebitBalance></Account>" for a, o in openings.items())
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><AuditFile xmlns="{NS}"><Header><Company>'
        f"<RegistrationNumber>{org(1)}</RegistrationNumber><Name>Alfa</Name></Company><SelectionCriteria>"
        f"<PeriodStart>1</PeriodStart><PeriodStartYear>{year}</PeriodStartYear><PeriodEnd>{last}</PeriodEnd>"
        f"<PeriodEndYear>{year}</PeriodEndYear></SelectionCriteria></Header><MasterFiles><GeneralLedgerAccounts>"
        f"{accounts}</GeneralLedgerAccounts>{parties}</MasterFiles><GeneralLedgerEntries><Journal>"
        f"<JournalID>GL</JournalID>{txs}</Journal></GeneralLedgerEntries></AuditFile>", encoding="utf-8")
    return path


def _build(store, tmp_path: Path):  # noqa: ANN001, ANN202
    small = small_agency(store)
    who = small.who()
    for period, person, amount in CLAIMS:
        lines = [("1574", amount, nid(person)), ("5800", -amount, nid(person))]
        import_journal(store, who, journal(tmp_path / f"j-{period}.csv", period, lines), client=org(1))
    january = next(a for p, _, a in CLAIMS if p == "2026-01")
    import_ledger(store, who, _saft(tmp_path / "saft.xml", {"1574": OPENING}, [
        ("K1", "2026-01-31", [("1574", january, None, None), ("5800", -january, None, None)]),
        ("NAV", "2026-02-10", [("1574", -PAID, nid(3), None), ("1920", PAID, None, None)]),
    ]))
    return small, who


def test_a_claim_open_across_the_new_year_ages_from_its_month(store, tmp_path: Path) -> None:
    small, who = _build(store, tmp_path)
    run = reconcile.run(store, who, org(1), "2026-02", checks=["nav_refunds"])
    rows = reconcile.rows(store, who, run.id)
    f = {(r.key, r.field): r for r in rows}

    january = CLAIMS[-1][2]
    expected = OPENING + january - PAID
    receivable = f[("2026-02", "receivable at period end")]
    assert (receivable.payroll, receivable.ledger, receivable.status) == (expected, expected, "equal")

    # Still open on 1 January: the newest of last year's claims making up the opening
    # balance (December's 1 000, November's 2 000, 3 000 of October's 5 000). NAV's
    # February payment carries nid(3)'s id: it settles November's claim.
    october_left = OPENING - CLAIMS[2][2] - CLAIMS[1][2]
    end = date(2026, 2, 28)
    open_rows = [r for r in rows if r.field.startswith("claim open")]
    days = (end - date(2025, 10, 31)).days
    assert [(r.key, r.field, r.national_id, r.payroll) for r in open_rows] == [
        ("2025-10", f"claim open {days} days", nid(2), october_left)]
    assert days > 90 and (end - date(2025, 12, 31)).days <= 90  # December's claim is not listed yet
    with store.session() as s:
        name = s.scalars(select(Employee.name).where(Employee.national_id == nid(2))).one()
    assert open_rows[0].name == name
    assert ids.mask_national_id(nid(2)) != nid(2)


def test_an_opening_no_claim_explains_is_listed(store, tmp_path: Path) -> None:
    who = small_agency(store).who()
    import_ledger(store, who, _saft(tmp_path / "saft.xml", {"1574": 700_00}, []))
    rows = reconcile.compute(store, who, org(1), "2026-01", checks=["nav_refunds"])
    f = {r.field: r for r in rows}
    assert f["opening balance older than the claims read"].ledger == 700_00
    assert not any(r.field.startswith("claim open") for r in rows)


# A leaver's (E7) advances last year: August's 4 000, November's 1 000; a December
# repayment of 1 000 settles August's first. E9 takes an advance in January.
LAST_YEAR = [
    ("A1", "2025-08-15", [("1570", 4_000_00, "E7", None), ("1920", -4_000_00, None, None)]),
    ("A2", "2025-11-20", [("1570", 1_000_00, "E7", None), ("1920", -1_000_00, None, None)]),
    ("A3", "2025-12-05", [("1570", -1_000_00, "E7", None), ("1920", 1_000_00, None, None)]),
]
JANUARY = [("A4", "2026-01-10", [("1570", 300_00, "E9", None), ("1920", -300_00, None, None)])]
UNEXPLAINED = 200_00  # in the account's opening, on no employee


def _customers(balances: dict[str, int], *, v130: bool = True) -> str:
    def one(party: str, amount: int) -> str:
        inner = f"<AccountID>1570</AccountID><OpeningDebitBalance>{amount / 100:.2f}</OpeningDebitBalance>"
        return (f"<Customer><CustomerID>{party}</CustomerID><Name>Ansatt {party}</Name>"
                + (f"<BalanceAccount>{inner}</BalanceAccount>" if v130 else inner) + "</Customer>")
    return "<Customers>" + "".join(one(p, a) for p, a in balances.items()) + "</Customers>"


def _last_year_left(party: str) -> list[tuple[date, int]]:
    from byraa.core.reconcile.checks.open_items import open_items

    return open_items((date.fromisoformat(d), a) for _, d, lines in LAST_YEAR for acc, a, p, _ in lines
                      if acc == "1570" and p == party)


@pytest.mark.parametrize("with_last_year", [True, False])
def test_an_employees_opening_balance_ages_from_its_date(store, tmp_path: Path, with_last_year: bool) -> None:
    from byraa.core.reconcile.checks.open_items import bucket

    who = small_agency(store).who()
    left = _last_year_left("E7")
    e7 = sum(a for _, a in left)
    if with_last_year:
        import_ledger(store, who, _saft(tmp_path / "saft-2025.xml", {}, LAST_YEAR, year=2025, last=12))
    import_ledger(store, who, _saft(tmp_path / "saft.xml", {"1570": e7 + UNEXPLAINED}, JANUARY,
                                    _customers({"E7": e7}, v130=with_last_year), last=1))
    rows = reconcile.compute(store, who, org(1), "2026-01", checks=["open_items"])
    f = {(r.key, r.field): r for r in rows}

    assert f[("1570", "balance at period end")].ledger == e7 + UNEXPLAINED + 300_00
    assert f[("1570", "opening balance (not per employee)")].ledger == UNEXPLAINED
    assert f[("1570 E7", "opening balance (per employee)")].ledger == e7
    assert f[("1570 E7", "employee balance")].ledger == e7
    end = date(2026, 1, 31)
    expected: dict[str, int] = {}
    dated = left if with_last_year else [(date(2025, 12, 31), e7)]
    for day, amount in dated:
        expected[bucket((end - day).days)] = expected.get(bucket((end - day).days), 0) + amount
    got = {field: r.ledger for (key, field), r in f.items() if key == "1570 E7" and "days" in field}
    assert got == expected
    if with_last_year:  # August's advance left from last year is over 90 days old
        assert got["over 90 days"] == 3_000_00
    assert f[("1570 E9", "0-30 days")].ledger == 300_00
