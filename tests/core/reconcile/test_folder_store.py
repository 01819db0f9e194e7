"""Pension, NAV refunds and open items through the store (SQLite and PostgreSQL): an
a-melding with a pension deduction, two payroll journals and a SAF-T file with sub-ledger
ids and an analysis dimension, imported as a user would; expected figures from the
fixture's own lines."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from byraa.core.importers.amelding import import_amelding
from byraa.core.importers.ledger import import_ledger
from byraa.core.posting.journal import import_journal
from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile import summary
from byraa.core.reconcile.checks import CHECKS
from byraa.core.store.models_reconcile import ReconDeduction, ReconLedger
from tests.builders import nid, org, small_agency
from tests.data.reconcile import build as b

NS = "urn:StandardAuditFile-Taxation-Financial:NO"
MEMBER = {"2026-09": "1000.00", "2026-10": "1100.00"}  # nid(2)'s pension deduction per month
PROVISION = {"2026-09": 8_000_00, "2026-10": 8_500_00}
CLAIMS = {"2026-06": 6_000_00, "2026-09": 3_000_00}  # nid(3)'s sick-pay refund claims
PAID_BY_NAV = 3_000_00  # settles nid(3)'s oldest claim first (June), not the one it was meant for

# (voucher, date, [(account, amount øre, supplier id, analysis)])
TRANSACTIONS = [
    ("K6", "2026-06-30", [("1574", CLAIMS["2026-06"], None, None), ("5800", -CLAIMS["2026-06"], None, None)]),
    ("A1", "2026-07-01", [("1570", 4_000_00, "E7", None), ("1920", -4_000_00, None, None)]),
    ("A2", "2026-09-15", [("1570", 1_000_00, "E7", None), ("1920", -1_000_00, None, None)]),
    ("A3", "2026-10-20", [("1570", -1_500_00, "E7", None), ("2930", 1_500_00, None, None)]),
    ("A4", "2026-10-15", [("1571", 800_00, None, "A:E8"), ("1920", -800_00, None, None)]),
    ("L9", "2026-09-30", [("5420", PROVISION["2026-09"], None, None), ("2810", -PROVISION["2026-09"], None, None),
                          ("2630", -1_000_00, None, None), ("2930", 1_000_00, None, None),
                          ("1574", CLAIMS["2026-09"], None, None), ("5800", -CLAIMS["2026-09"], None, None)]),
    ("L10", "2026-10-31", [("5420", PROVISION["2026-10"], None, None), ("2810", -PROVISION["2026-10"], None, None),
                           ("2630", -1_100_00, None, None), ("2930", 1_100_00, None, None)]),
    ("SPK", "2026-10-10", [("2810", 17_000_00, None, None), ("2630", 2_100_00, None, None),
                           ("2400", -19_100_00, None, None)]),
    ("TR", "2026-10-31", [("2820", 500_00, None, None), ("2810", -500_00, None, None)]),
    ("NAV", "2026-10-05", [("1574", -PAID_BY_NAV, nid(3), None), ("1920", PAID_BY_NAV, None, None)]),
]


def _line(account: str, amount: int, supplier: str | None, analysis: str | None) -> str:
    side = "DebitAmount" if amount >= 0 else "CreditAmount"
    extra = f"<SupplierID>{supplier}</SupplierID>" if supplier else ""
    if analysis:
        kind, ident = analysis.split(":")
        extra += f"<Analysis><AnalysisType>{kind}</AnalysisType><AnalysisID>{ident}</AnalysisID></Analysis>"
    return (f"<Line><AccountID>{account}</AccountID>{extra}<{side}><Amount>{abs(amount) / 100:.2f}</Amount>"
            f"</{side}></Line>")


def saft(path: Path) -> Path:
    txs = "".join(
        f"<Transaction><TransactionID>{v}</TransactionID><Period>{int(d[5:7])}</Period><PeriodYear>2026</PeriodYear>"
        f"<TransactionDate>{d}</TransactionDate>{''.join(_line(*x) for x in lines)}</Transaction>"
        for v, d, lines in TRANSACTIONS)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><AuditFile xmlns="{NS}"><Header><Company>'
        f"<RegistrationNumber>{org(1)}</RegistrationNumber><Name>Alfa</Name></Company><SelectionCriteria>"
        "<PeriodStart>1</PeriodStart><PeriodStartYear>2026</PeriodStartYear><PeriodEnd>11</PeriodEnd>"
        "<PeriodEndYear>2026</PeriodEndYear></SelectionCriteria></Header><MasterFiles><GeneralLedgerAccounts>"
        "<Account><AccountID>1570</AccountID><OpeningDebitBalance>0.00</OpeningDebitBalance></Account>"
        "</GeneralLedgerAccounts></MasterFiles><GeneralLedgerEntries><Journal><JournalID>GL</JournalID>"
        f"{txs}</Journal></GeneralLedgerEntries></AuditFile>", encoding="utf-8")
    return path


def journal(path: Path, period: str, lines: list[tuple[str, int, str | None]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["account", "amount", "national_id", "pay_form", "period"], delimiter=";")
        writer.writeheader()
        for account, amount, person in lines:
            writer.writerow({"account": account, "amount": f"{amount / 100:.2f}".replace(".", ","),
                             "national_id": person or "", "pay_form": "01", "period": period})
    return path


def build(store, tmp_path: Path):  # noqa: ANN001, ANN201
    small = small_agency(store)
    who = small.who()
    for period, member in MEMBER.items():
        person = b.recipient(nid(2), "Person A0", incomes=[b.income("45000.00")], withheld="12000.00")
        person["fradrag"] = [{"beskrivelse": "premieTilPensjonsordninger", "beloep": member}]
        message = b.amelding(org(1), period, [b.unit(org(11), [person], aga=[("1", "45000.00", 14.1)])],
                             message_id=f"m{period}")
        import_amelding(store, who, b.write_amelding(tmp_path / f"am-{period}.xml", message))
    for period in ("2026-06", "2026-09", "2026-10"):
        lines = [("5420", PROVISION[period], None), ("2810", -PROVISION[period], None)] if period in PROVISION else []
        if period in CLAIMS:
            lines += [("1574", CLAIMS[period], nid(3)), ("5800", -CLAIMS[period], nid(3))]
        import_journal(store, who, journal(tmp_path / f"j-{period}.csv", period, lines), client=org(1))
    import_ledger(store, who, saft(tmp_path / "saft.xml"))
    return small, who


def test_the_folder_checks_read_what_was_imported(store, tmp_path: Path) -> None:
    small, who = build(store, tmp_path)
    with store.session() as s:
        parties = {(r.account, r.party, r.dimension) for r in s.scalars(select(ReconLedger).where(
            ReconLedger.account.in_(["1570", "1571"]), ReconLedger.kind == "posting"))}
        assert parties == {("1570", "E7", None), ("1571", None, "A:E8")}
        assert sorted(s.scalars(select(ReconDeduction.amount))) == sorted(
            int(float(m) * 100) for m in MEMBER.values())
    rows = reconcile.compute(store, who, org(1), "2026-10", checks=["pension", "nav_refunds", "open_items"])
    f = {(r.check, r.key, r.field): r for r in rows}

    provided = sum(PROVISION.values())
    member = sum(int(float(m) * 100) for m in MEMBER.values())
    employer = f[("pension", "2026-T5", "employer's share: provided vs booked")]
    assert (employer.payroll, employer.ledger, employer.status) == (provided, provided, "equal")
    share = f[("pension", "2026-T5", "employee's share: deducted vs booked")]
    assert (share.payroll, share.ledger, share.status) == (member, member, "equal")
    invoiced = 17_000_00 + 2_100_00
    moved = f[("pension", "2026-T5", "difference moved to settlement account")]
    assert (moved.payroll, moved.ledger, moved.status) == (invoiced - provided - member, 500_00, "equal")

    month = f[("nav_refunds", "2026-10", "claims vs refunds taken to income")]
    assert (month.payroll, month.ledger, month.status) == (0, 0, "equal")
    receivable = f[("nav_refunds", "2026-10", "receivable at period end")]
    left = sum(CLAIMS.values()) - PAID_BY_NAV
    assert (receivable.payroll, receivable.ledger, receivable.status) == (left, left, "equal")
    days = (date(2026, 10, 31) - date(2026, 6, 30)).days
    open_claim = f[("nav_refunds", "2026-06", f"claim open {days} days")]
    assert (open_claim.national_id, open_claim.payroll) == (nid(3), CLAIMS["2026-06"] - PAID_BY_NAV)
    assert not any(r.field.startswith("claim open") for r in rows if r.key == "2026-09")  # 31 days: not yet

    e7 = 4_000_00 + 1_000_00 - 1_500_00
    assert f[("open_items", "1570", "balance at period end")].ledger == e7
    # E7's repayment settles the July advance first: 2 500.00 of it left, over 90 days old.
    assert f[("open_items", "1570 E7", "over 90 days")].ledger == 4_000_00 - 1_500_00
    assert f[("open_items", "1570 E7", "31-90 days")].ledger == 1_000_00
    assert f[("open_items", "1571 A:E8", "0-30 days")].ledger == 800_00

    figures = {x.check: x for x in summary.check_figures(CHECKS, rows)}
    assert (figures["pension"].payroll, figures["pension"].ledger) == (provided, provided)
    assert (figures["nav_refunds"].payroll, figures["nav_refunds"].ledger) == (left, left)
    assert figures["open_items"].ledger == e7 + 800_00
    assert figures["open_items"].differences == sum(
        1 for r in rows if r.check == "open_items" and r.is_difference)
