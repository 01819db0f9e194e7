"""Reading ledger files into checked lines: the ledger importer's first half.

Pure (no store, no clock): the intake reads SAF-T files in its worker processes
(``read_saft_file``) while its one writer stores them, and ``ledger`` reads in-process,
into a spool on disk for a file too big to hold.

SAF-T (namespace ``urn:StandardAuditFile-Taxation-Financial:NO``) is streamed: the
company's ``RegistrationNumber`` in the header, the selection's periods, every
account's opening balance (``OpeningDebitBalance`` − ``OpeningCreditBalance``), and
every journal line (account, period, date, debit − credit, voucher, text, its sub-ledger
id ``SupplierID``/``CustomerID`` and its first ``Analysis`` as ``type:id``). Of the
customer and supplier master data only the opening balance per party and account is
read (kind ``party``: part of the account's opening, so the personal accounts' items
can be followed per employee from the first month).

CSV: a header row with ``account``, ``period`` (YYYY-MM) and ``amount`` (kroner, debit
positive, credit negative; decimal comma or point), optionally ``kind``
(``posting`` or ``opening``), ``date``, ``voucher``, ``text``, ``party`` (sub-ledger id,
e.g. the employee number) and ``dimension``. Comma or semicolon
separated, UTF-8.
"""

from __future__ import annotations

import csv
import io
import marshal
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, Any

from byraa.core.importers import (
    Place,
    Where,
    check_org_number,
    child,
    child_text,
    children,
    element_text,
    element_where,
    first_child,
    iter_xml,
    local_name,
    parse_amount,
    parse_date,
    parse_period,
    read_whole,
)
from byraa.core.words.i18n import _

SAFT_NAMESPACE = "urn:StandardAuditFile-Taxation-Financial:NO"
_ACCOUNT = re.compile(r"^[0-9A-Za-z._-]{1,20}$")


def _pack(row: dict[str, Any]) -> tuple:
    day = row["entry_date"]
    return (row["account"], row["period"], row["kind"], row["amount"], day.isoformat() if day is not None else None,
            row["voucher"], row["text"], row.get("party"), row.get("dimension"))


def _unpack(packed: tuple) -> dict[str, Any]:
    account, period, kind, amount, day, voucher, text, party, dimension = packed
    return {"account": account, "period": period, "kind": kind, "amount": amount,
            "entry_date": date.fromisoformat(day) if day else None, "voucher": voucher, "text": text,
            "party": party, "dimension": dimension}


class Lines:
    """Checked ledger lines in memory, as tuples (what a reader process hands the writer)."""

    def __init__(self) -> None:
        self.packed: list[tuple] = []

    @property
    def count(self) -> int:
        return len(self.packed)

    def add(self, row: dict[str, Any]) -> None:
        self.packed.append(_pack(row))

    def rows(self) -> Iterator[dict[str, Any]]:
        return map(_unpack, self.packed)

    def close(self) -> None:
        self.packed = []


class Spool(Lines):
    """Checked ledger lines on disk until the transaction writes them.

    A 100 MB ledger holds millions of lines: as dicts in memory they took 1.8 GB. Each
    line is checked as it is read, written here (``marshal``, into an unlinked 0600
    temporary file), and read back in batches by the writer.
    """

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile()  # noqa: SIM115  (closed in close())
        self.spooled = 0

    @property
    def count(self) -> int:
        return self.spooled

    def add(self, row: dict[str, Any]) -> None:
        marshal.dump(_pack(row), self.fh)
        self.spooled += 1

    def rows(self) -> Iterator[dict[str, Any]]:
        self.fh.seek(0)
        for _n in range(self.spooled):
            yield _unpack(marshal.load(self.fh))

    def close(self) -> None:
        self.fh.close()


def _text(el: Any, name: str) -> str | None:
    return element_text(child(el, name))


def _opening(el: Any, where: Where) -> int | None:
    """``OpeningDebitBalance`` − ``OpeningCreditBalance`` of ``el`` (None when it has neither)."""
    debit = child(el, "OpeningDebitBalance")
    credit = child(el, "OpeningCreditBalance")
    if debit is None and credit is None:
        return None
    amount = 0
    if debit is not None:
        amount += parse_amount(debit.text, where, element_where(debit)) or 0
    if credit is not None:
        amount -= parse_amount(credit.text, where, element_where(credit)) or 0
    return amount


def _party_openings(el: Any, name: str, where: Where) -> list[dict]:
    """A customer's or supplier's opening balance per account: SAF-T 1.30 has one
    ``BalanceAccount`` per account, 1.10 the ``AccountID`` and balances on the party itself."""
    party = ((_text(el, f"{name}ID") or "")[:40]) or None
    if party is None:
        return []
    out = []
    for box in [c for c in el if local_name(c) == "BalanceAccount"] or [el]:
        account_id = _text(box, "AccountID")
        amount = _opening(box, where)
        if account_id is None or amount is None or amount == 0:
            continue
        out.append({"account": _account(account_id, where, element_where(box, f"{name}/AccountID")),
                    "amount": amount, "party": party})
    return out


def _analysis(analysis: Any) -> str | None:
    """A line's first analysis dimension (its ``Analysis`` element) as ``type:id`` (None without one)."""
    if analysis is None:
        return None
    kind, ident = _text(analysis, "AnalysisType"), _text(analysis, "AnalysisID")
    if not ident:
        return None
    return f"{kind or ''}:{ident}"[:60]


def _account(value: str | None, where: Where, place: Place) -> str:
    text = (value or "").strip()
    if not _ACCOUNT.match(text):
        raise where.refuse(place, "ledger.bad_account", value=text[:25])
    return text


def _month(year: str | None, month: str | None, where: Where, place: Place) -> str:
    try:
        y, m = int(year or ""), int(month or "")
    except ValueError:
        raise where.refuse(place, "ledger.bad_period", year=year, month=month) from None
    if not (1900 <= y <= 2200 and 1 <= m <= 12):
        raise where.refuse(place, "ledger.bad_period_range", year=year, month=month)
    return f"{y:04d}-{m:02d}"


@dataclass
class Saft:
    """What a SAF-T file says besides its journal lines (those went to the caller's ``Lines``)."""

    org: str | None
    """The company's ``RegistrationNumber`` (None when the header has none)."""
    first: str | None
    last: str | None
    """The months the file covers (the selection's and the transactions'; None when it says none)."""
    openings: list[dict]
    accounts: int


def parse_saft(source: str | Path | IO[bytes], where: Where, lines: Lines) -> Saft:
    """Check a SAF-T Financial file; its journal lines go to ``lines`` (refusals raised as found)."""
    stack: list[str] = []
    org: str | None = None
    selection: dict[str, tuple[str, Any]] = {}
    openings: list[dict] = []
    first: str | None = None
    last: str | None = None
    for event, el in iter_xml(source):
        name = local_name(el)
        if event == "start":
            if not stack:
                ns = el.tag[1:].split("}", 1)[0] if isinstance(el.tag, str) and el.tag.startswith("{") else ""
                if name != "AuditFile" or ns != SAFT_NAMESPACE:
                    raise where.refuse(element_where(el, name or "root"), "ledger.not_saft", namespace=SAFT_NAMESPACE)
            stack.append(name)
            continue
        stack.pop()
        parent = stack[-1] if stack else ""
        if name == "RegistrationNumber" and parent == "Company" and len(stack) == 3:
            org = check_org_number(el.text, where, element_where(el, "Header/Company/RegistrationNumber"))
        elif parent == "SelectionCriteria":
            selection[name] = ((el.text or "").strip(), el)
        elif name == "Account" and parent == "GeneralLedgerAccounts":
            account = _account(_text(el, "AccountID"), where, element_where(el, "Account/AccountID"))
            amount = _opening(el, where)
            if amount is not None:
                openings.append({"account": account, "amount": amount, "party": None})
            el.clear(keep_tail=True)
        elif name == "Transaction":
            k = children(el)
            period_el = first_child(k, "Period")
            year = child_text(k, "PeriodYear")
            date_el = first_child(k, "TransactionDate")
            day = parse_date(child_text(k, "TransactionDate"), where, partial(
                element_where, date_el if date_el is not None else el, "Transaction/TransactionDate"))
            if period_el is not None:
                period = _month(year or (str(day.year) if day else None), period_el.text, where,
                                partial(element_where, period_el, "Transaction/Period"))
            elif day is not None:
                period = f"{day.year:04d}-{day.month:02d}"
            else:
                raise where.refuse(element_where(el, "Transaction"), "ledger.transaction_no_period")
            voucher = (child_text(k, "TransactionID") or "")[:70] or None
            tx_text = child_text(k, "Description")
            for line in el:
                if local_name(line) != "Line":
                    continue
                lk = children(line)
                account = _account(child_text(lk, "AccountID"), where, partial(element_where, line, "Line/AccountID"))
                amount = 0
                for side, sign in (("DebitAmount", 1), ("CreditAmount", -1)):
                    box = first_child(lk, side)
                    if box is not None:
                        a = child(box, "Amount")
                        value = parse_amount(a.text if a is not None else None, where, partial(
                            element_where, a if a is not None else box, f"{side}/Amount"))
                        amount += sign * (value or 0)
                lines.add({"account": account, "period": period, "kind": "posting", "amount": amount,
                           "entry_date": parse_date(child_text(lk, "ValueDate"), where,
                                                    partial(element_where, line, "Line/ValueDate")) or day,
                           "voucher": voucher,
                           "text": ((child_text(lk, "Description") or tx_text) or "")[:200] or None,
                           "party": ((child_text(lk, "SupplierID") or child_text(lk, "CustomerID")) or "")[:40] or None,
                           "dimension": _analysis(first_child(lk, "Analysis"))})
            first = period if first is None or period < first else first
            last = period if last is None or period > last else last
            el.clear(keep_tail=True)
            p = el.getparent()
            if p is not None:
                while el.getprevious() is not None:
                    del p[0]
        elif name in ("Customer", "Supplier"):
            openings.extend(_party_openings(el, name, where))
            el.clear(keep_tail=True)
    if "PeriodStart" in selection and "PeriodStartYear" in selection:
        start = _month(selection["PeriodStartYear"][0], selection["PeriodStart"][0], where,
                       element_where(selection["PeriodStart"][1], "SelectionCriteria/PeriodStart"))
        first = start if first is None or start < first else first
    if "PeriodEnd" in selection and "PeriodEndYear" in selection:
        end = _month(selection["PeriodEndYear"][0], selection["PeriodEnd"][0], where,
                     element_where(selection["PeriodEnd"][1], "SelectionCriteria/PeriodEnd"))
        last = end if last is None or end > last else last
    if "SelectionStartDate" in selection and first is None:
        d = parse_date(selection["SelectionStartDate"][0], where, "SelectionCriteria/SelectionStartDate")
        first = f"{d.year:04d}-{d.month:02d}" if d else None
    return Saft(org, first, last, openings, sum(1 for o in openings if not o["party"]))


@dataclass
class SaftRead:
    """One SAF-T file read whole in a worker: its bytes, checksum and lines, or the refusal met."""

    path: str
    content: bytes | None = None
    digest: str = ""
    saft: Saft | None = None
    lines: Lines = field(default_factory=Lines)
    error: Exception | None = None


def read_saft_file(path: str) -> SaftRead:
    """Read, check and parse one SAF-T file (pure; for a worker process)."""
    from byraa.core.base.errors import UserError

    p = Path(path)
    out = SaftRead(path)
    try:
        out.content, out.digest = read_whole(p, "saft")
        out.saft = parse_saft(io.BytesIO(out.content), Where(p), out.lines)
    except (UserError, OSError) as exc:
        out.error, out.lines = exc, Lines()
    return out


def _csv_rows(reader: csv.DictReader, where: Where):  # noqa: ANN202
    """(line number, row) pairs; a field over the csv module's limit or broken quoting refuses the file."""
    try:
        yield from enumerate(reader, start=2)
    except csv.Error:
        raise where.refuse(f"line {reader.line_num + 1}", "import.csv_broken") from None


def read_csv(fh: Any, where: Where, lines: Lines) -> tuple[str, str]:
    """Check every line into ``lines``; the months the file covers."""
    first_line = fh.readline(64 * 1024)
    fh.seek(0)
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(fh, delimiter=delimiter)
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in ("account", "period", "amount") if c not in columns]
    if missing:
        raise where.refuse(_("line {line}").format(line=1), "ledger.header_lacks", columns=", ".join(missing))
    first = last = None
    for n, raw_row in _csv_rows(reader, where):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw_row.items()}
        if not any(row.values()):
            continue
        account = _account(row["account"], where, _("line {line}, column {column}").format(line=n, column="account"))
        period = parse_period(row["period"], where, _("line {line}, column {column}").format(line=n, column="period"))
        amount = parse_amount(row["amount"], where, _("line {line}, column {column}").format(line=n, column="amount"))
        kind = row.get("kind") or "posting"
        if kind not in ("posting", "opening"):
            raise where.refuse(_("line {line}, column {column}").format(line=n, column="kind"), "ledger.bad_kind", value=kind[:12])
        lines.add({"account": account, "period": period, "kind": kind, "amount": amount,
                   "entry_date": parse_date(row.get("date"), where, _("line {line}, column {column}").format(line=n, column="date")),
                   "voucher": (row.get("voucher") or "")[:70] or None, "text": (row.get("text") or "")[:200] or None,
                   "party": (row.get("party") or "")[:40] or None,
                   "dimension": (row.get("dimension") or "")[:60] or None})
        first = period if first is None or period < first else first
        last = period if last is None or period > last else last
    if first is None or last is None:
        raise where.refuse(_("the file"), "ledger.no_lines")
    return first, last


__all__ = ["SAFT_NAMESPACE", "Lines", "Saft", "SaftRead", "Spool", "parse_saft", "read_csv", "read_saft_file"]
