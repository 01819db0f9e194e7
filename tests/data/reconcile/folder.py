"""A client with the reconciliation folder's personal accounts, pension and NAV refunds
(client A of ``tests.builders.small_agency``), imported as a user would: a-meldinger with
a pension deduction, payroll journals and a SAF-T file with sub-ledger ids and an
analysis dimension. ``build`` gives September and October 2026 (a term run);
``build_year`` adds the year's other a-meldinger and December's ledger (a year-end run).
Used by the store tests and the run-screen snapshots."""

from __future__ import annotations

import csv
from pathlib import Path

from byraa.core.importers.amelding import import_amelding
from byraa.core.importers.ledger import import_ledger
from byraa.core.posting.journal import import_journal
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


def saft(path: Path, transactions: list | None = None, *, first: int = 1, last: int = 11) -> Path:
    txs = "".join(
        f"<Transaction><TransactionID>{v}</TransactionID><Period>{int(d[5:7])}</Period><PeriodYear>2026</PeriodYear>"
        f"<TransactionDate>{d}</TransactionDate>{''.join(_line(*x) for x in lines)}</Transaction>"
        for v, d, lines in (TRANSACTIONS if transactions is None else transactions))
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><AuditFile xmlns="{NS}"><Header><Company>'
        f"<RegistrationNumber>{org(1)}</RegistrationNumber><Name>Alfa</Name></Company><SelectionCriteria>"
        f"<PeriodStart>{first}</PeriodStart><PeriodStartYear>2026</PeriodStartYear><PeriodEnd>{last}</PeriodEnd>"
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
        _amelding(store, who, tmp_path, period, member)
    for period in ("2026-06", "2026-09", "2026-10"):
        lines = [("5420", PROVISION[period], None), ("2810", -PROVISION[period], None)] if period in PROVISION else []
        if period in CLAIMS:
            lines += [("1574", CLAIMS[period], nid(3)), ("5800", -CLAIMS[period], nid(3))]
        import_journal(store, who, journal(tmp_path / f"j-{period}.csv", period, lines), client=org(1))
    import_ledger(store, who, saft(tmp_path / "saft.xml"))
    return small, who


def _amelding(store, who, tmp_path: Path, period: str, member: str | None) -> None:  # noqa: ANN001
    person = b.recipient(nid(2), "Person A0", incomes=[b.income("45000.00")], withheld="12000.00")
    if member:
        person["fradrag"] = [{"beskrivelse": "premieTilPensjonsordninger", "beloep": member}]
    message = b.amelding(org(1), period, [b.unit(org(11), [person], aga=[("1", "45000.00", 14.1)])],
                         message_id=f"m{period}")
    import_amelding(store, who, b.write_amelding(tmp_path / f"am-{period}.xml", message))


DECEMBER = [
    ("L12", "2026-12-31", [("5420", 8_500_00, None, None), ("2810", -8_500_00, None, None)]),
    ("SPK6", "2026-12-10", [("2810", 9_000_00, None, None), ("2400", -9_000_00, None, None)]),
    ("TR6", "2026-12-31", [("2820", 500_00, None, None), ("2810", -500_00, None, None)]),
    ("W12", "2026-12-31", [("5000", 12 * 45_000_00, None, None), ("1920", -12 * 45_000_00, None, None)]),
    ("R12", "2026-12-31", [("2820", -1_000_00, None, None), ("5420", 1_000_00, None, None)]),
    ("A9", "2026-12-15", [("1570", -3_500_00, "E7", None), ("1920", 3_500_00, None, None)]),
]


def build_year(store, tmp_path: Path):  # noqa: ANN001, ANN201
    """``build`` plus the year's other a-meldinger and a ledger file for December."""
    small, who = build(store, tmp_path)
    for m in (1, 2, 3, 4, 5, 6, 7, 8, 11, 12):
        _amelding(store, who, tmp_path, f"2026-{m:02d}", None)
    import_journal(store, who, journal(tmp_path / "j-2026-12.csv", "2026-12",
                                       [("5420", 8_500_00, None), ("2810", -8_500_00, None)]), client=org(1))
    import_ledger(store, who, saft(tmp_path / "saft-12.xml", DECEMBER, first=12, last=12))
    return small, who
