"""A posting as a SAF-T Financial (v1.30) file: the ``GeneralLedgerEntries`` journal.

The client's ledger imports it like any SAF-T: the header names the client and the
periods, one ``Transaction`` per voucher (fiscal year), one ``Line`` per voucher line,
debit or credit in kroner; a sub-ledger line names the employee as ``CustomerID``.
Written with lxml (no string templates); tests validate it against the v1.30 XSD.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from lxml import etree

from byraa.core.posting.control import VoucherLine

NS = "urn:StandardAuditFile-Taxation-Financial:NO"


def _amount(ore: int) -> str:
    return f"{abs(ore) / 100:.2f}"


def journal(lines: list[VoucherLine], *, org_number: str, client_name: str, period: str, head: str,
            created: date, software_version: str) -> bytes:
    """The voucher lines as a SAF-T Financial document (UTF-8 bytes)."""

    def sub(parent: etree._Element, name: str, text: object | None = None) -> etree._Element:
        el = etree.SubElement(parent, f"{{{NS}}}{name}")
        if text is not None:
            el.text = str(text)
        return el

    root = etree.Element(f"{{{NS}}}AuditFile", nsmap={None: NS})
    header = sub(root, "Header")
    sub(header, "AuditFileVersion", "1.30")
    sub(header, "AuditFileCountry", "NO")
    sub(header, "AuditFileDateCreated", created.isoformat())
    sub(header, "SoftwareCompanyName", "byraa")
    sub(header, "SoftwareID", "byraa")
    sub(header, "SoftwareVersion", software_version)
    company = sub(header, "Company")
    sub(company, "RegistrationNumber", org_number)
    sub(company, "Name", client_name[:70])
    address = sub(company, "Address")
    sub(address, "City", "-")
    sub(address, "Country", "NO")
    contact = sub(company, "Contact")
    person = sub(contact, "ContactPerson")
    sub(person, "FirstName", "-")
    sub(person, "LastName", "-")
    sub(header, "DefaultCurrencyCode", "NOK")
    years = sorted({v.fiscal_year for v in lines}) or [int(period[:4])]
    selection = sub(header, "SelectionCriteria")
    sub(selection, "PeriodStart", period[5:7])
    sub(selection, "PeriodStartYear", years[0])
    sub(selection, "PeriodEnd", period[5:7])
    sub(selection, "PeriodEndYear", years[-1])
    sub(header, "TaxAccountingBasis", "A")

    entries = sub(root, "GeneralLedgerEntries")
    by_voucher: dict[int, list[VoucherLine]] = defaultdict(list)
    for v in lines:
        by_voucher[v.voucher].append(v)
    sub(entries, "NumberOfEntries", len(by_voucher))
    sub(entries, "TotalDebit", _amount(sum(v.amount for v in lines if v.amount > 0)))
    sub(entries, "TotalCredit", _amount(sum(-v.amount for v in lines if v.amount < 0)))
    journal_el = sub(entries, "Journal")
    sub(journal_el, "JournalID", "LØN")
    sub(journal_el, "Description", head)
    sub(journal_el, "Type", "GL")
    for voucher, vlines in sorted(by_voucher.items()):
        tx = sub(journal_el, "Transaction")
        sub(tx, "TransactionID", voucher)
        sub(tx, "Period", period[5:7])
        sub(tx, "PeriodYear", vlines[0].fiscal_year)
        sub(tx, "TransactionDate", created.isoformat())
        sub(tx, "Description", head)
        sub(tx, "SystemEntryDate", created.isoformat())
        sub(tx, "GLPostingDate", created.isoformat())
        for n, v in enumerate(vlines, start=1):
            line = sub(tx, "Line")
            sub(line, "RecordID", n)
            sub(line, "AccountID", v.account)
            if v.customer:
                sub(line, "CustomerID", v.customer)
            sub(line, "Description", v.text[:256])
            amount = sub(line, "DebitAmount" if v.amount >= 0 else "CreditAmount")
            sub(amount, "Amount", _amount(v.amount))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
