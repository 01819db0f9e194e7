"""NAV refund claims and personal open items across the year boundary (SQLite and
PostgreSQL): last year's claims are read so a claim still open in February ages from its
own month, and the drill-down rows name the employee. The fixture is hand-made here:
journals for October–December 2025 and January 2026, a SAF-T file for January–February
2026 with the receivable's opening balance; expected figures are computed from it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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


def _saft(path: Path, opening: int, transactions: list, parties: str = "") -> Path:
    txs = "".join(
        f"<Transaction><TransactionID>{v}</TransactionID><Period>{int(d[5:7])}</Period><PeriodYear>2026</PeriodYear>"
        f"<TransactionDate>{d}</TransactionDate>{''.join(_line(*x) for x in lines)}</Transaction>"
        for v, d, lines in transactions)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><AuditFile xmlns="{NS}"><Header><Company>'
        f"<RegistrationNumber>{org(1)}</RegistrationNumber><Name>Alfa</Name></Company><SelectionCriteria>"
        "<PeriodStart>1</PeriodStart><PeriodStartYear>2026</PeriodStartYear><PeriodEnd>2</PeriodEnd>"
        "<PeriodEndYear>2026</PeriodEndYear></SelectionCriteria></Header><MasterFiles><GeneralLedgerAccounts>"
        f"<Account><AccountID>1574</AccountID><OpeningDebitBalance>{opening / 100:.2f}</OpeningDebitBalance>"
        f"</Account></GeneralLedgerAccounts>{parties}</MasterFiles><GeneralLedgerEntries><Journal>"
        f"<JournalID>GL</JournalID>{txs}</Journal></GeneralLedgerEntries></AuditFile>", encoding="utf-8")
    return path


def _build(store, tmp_path: Path):  # noqa: ANN001, ANN202
    small = small_agency(store)
    who = small.who()
    for period, person, amount in CLAIMS:
        lines = [("1574", amount, nid(person)), ("5800", -amount, nid(person))]
        import_journal(store, who, journal(tmp_path / f"j-{period}.csv", period, lines), client=org(1))
    january = next(a for p, _, a in CLAIMS if p == "2026-01")
    import_ledger(store, who, _saft(tmp_path / "saft.xml", OPENING, [
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
    import_ledger(store, who, _saft(tmp_path / "saft.xml", 700_00, []))
    rows = reconcile.compute(store, who, org(1), "2026-01", checks=["nav_refunds"])
    f = {r.field: r for r in rows}
    assert f["opening balance older than the claims read"].ledger == 700_00
    assert not any(r.field.startswith("claim open") for r in rows)
