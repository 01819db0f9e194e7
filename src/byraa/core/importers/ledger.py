"""The ledger importer: SAF-T Financial XML (v1.10 to v1.30) and a plain CSV.

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

A ledger file replaces the client's ledger lines for the months it covers.
"""

from __future__ import annotations

import csv
import itertools
import marshal
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.files.limits import check_file
from byraa.core.importers import (
    ImportRefused,
    ImportResult,
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
    sha256_file,
)
from byraa.core.importers.archiving import already_imported, archive_file
from byraa.core.store import Store
from byraa.core.store.models import Client
from byraa.core.store.models_reconcile import ReconLedger, ReconSource
from byraa.core.words.i18n import _

SAFT_NAMESPACE = "urn:StandardAuditFile-Taxation-Financial:NO"
_ACCOUNT = re.compile(r"^[0-9A-Za-z._-]{1,20}$")
BATCH = 5000
_T_LEDGER = ReconLedger.__table__  # type: ignore[attr-defined]
"""Core inserts of the lines: the ORM's bulk path costs more than the rows."""


class _Spool:
    """Checked ledger lines on disk until the transaction writes them.

    A 100 MB ledger holds millions of lines: as dicts in memory they took 1.8 GB. Each
    line is checked as it is read, written here (``marshal``, into an unlinked 0600
    temporary file), and read back in batches by ``_write``.
    """

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile()  # noqa: SIM115  (closed in close())
        self.count = 0

    def add(self, row: dict[str, Any]) -> None:
        day = row["entry_date"]
        marshal.dump((row["account"], row["period"], row["kind"], row["amount"],
                      day.isoformat() if day is not None else None, row["voucher"], row["text"],
                      row.get("party"), row.get("dimension")), self.fh)
        self.count += 1

    def rows(self) -> Iterator[dict[str, Any]]:
        self.fh.seek(0)
        for _n in range(self.count):
            account, period, kind, amount, day, voucher, text, party, dimension = marshal.load(self.fh)
            yield {"account": account, "period": period, "kind": kind, "amount": amount,
                   "entry_date": date.fromisoformat(day) if day else None, "voucher": voucher, "text": text,
                   "party": party, "dimension": dimension}

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


def _client(session: Any, who: Identity, org: str, name: str) -> Client:
    return resolve_client(session, who, org, file=name)


def _replace(session: Any, client_id: int, first: str, last: str) -> None:
    session.execute(delete(ReconLedger).where(col(ReconLedger.client_id) == client_id, col(ReconLedger.period) >= first,
                                              col(ReconLedger.period) <= last))
    for old in session.scalars(select(ReconSource).where(
        col(ReconSource.client_id) == client_id, col(ReconSource.kind) == "ledger", col(ReconSource.active).is_(True),
        col(ReconSource.period) >= first, col(ReconSource.period_to) <= last,
    )):
        old.active = False


def import_saft(store: Store, who: Identity, path: str | os.PathLike[str], *, client: str | None = None) -> ImportResult:
    """Import a SAF-T Financial file (all or nothing)."""
    path = Path(path)
    where = Where(path)
    digest = sha256_file(path, "saft")
    lines = _Spool()
    try:
        return _import_saft(store, who, path, where, client, digest, lines)
    finally:
        lines.close()


def _import_saft(store: Store, who: Identity, path: Path, where: Where, client: str | None, digest: str,
                 lines: _Spool) -> ImportResult:
    stack: list[str] = []
    org: str | None = None
    selection: dict[str, tuple[str, Any]] = {}
    openings: list[dict] = []
    first: str | None = None
    last: str | None = None
    count = 0
    for event, el in iter_xml(path):
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
                count += 1
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
    if not stack and org is None and client is None:
        raise where.refuse("<Header/Company/RegistrationNumber>", "ledger.no_org_number")
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
    if first is None or last is None:
        raise where.refuse("<SelectionCriteria>", "ledger.no_period")
    if client is not None and org is not None and client != org:
        raise ImportRefused("import.wrong_ledger_client", file=path.name, found=org, expected=client)
    target = client or org
    assert target is not None
    # A party's opening is kind "party": the account's own opening already holds it.
    opening_rows = [{"account": o["account"], "period": first, "kind": "party" if o["party"] else "opening",
                     "amount": o["amount"], "entry_date": None, "voucher": None, "text": None, "party": o["party"],
                     "dimension": None}
                    for o in openings]
    return _write(store, who, path, where, digest, target, first, last,
                  itertools.chain(opening_rows, lines.rows()), "application/xml",
                  {"accounts": sum(1 for o in openings if not o["party"]), "lines": count})


def _csv_rows(reader: csv.DictReader, where: Where):  # noqa: ANN202
    """(line number, row) pairs; a field over the csv module's limit or broken quoting refuses the file."""
    try:
        yield from enumerate(reader, start=2)
    except csv.Error:
        raise where.refuse(f"line {reader.line_num + 1}", "import.csv_broken") from None


def import_csv(store: Store, who: Identity, path: str | os.PathLike[str], *, client: str) -> ImportResult:
    """Import a ledger CSV (account, period, amount[, kind, date, voucher, text]), streamed."""
    path = Path(path)
    where = Where(path)
    check_file(path, "ledger_csv")
    lines = _Spool()
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first, last = _read_csv(fh, where, lines)
    except (OSError, UnicodeDecodeError) as exc:
        lines.close()
        raise UserError("import.not_utf8", file=path.name, reason=type(exc).__name__) from None
    except BaseException:
        lines.close()
        raise
    try:
        return _write(store, who, path, where, sha256_file(path, "ledger_csv"), client, first, last, lines.rows(),
                      "text/csv", {"lines": lines.count})
    finally:
        lines.close()


def _read_csv(fh: Any, where: Where, lines: _Spool) -> tuple[str, str]:
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


def _write(store: Store, who: Identity, path: Path, where: Where, digest: str, org: str, first: str, last: str,
           rows: Iterable[dict], ctype: str, counts: dict[str, int]) -> ImportResult:
    result = ImportResult(path=str(path), kind="ledger", client=org, period=first)
    with store.session() as session:
        client = _client(session, who, org, path.name)
        assert client.id is not None
        existing = already_imported(session, client.id, "ledger", digest)
        if existing is not None:
            result.status, result.source_id = "unchanged", existing
            return result
        archive_id, _ = archive_file(session, path=path, client_id=client.id, kind="ledger", period=first,
                                     content_type=ctype, login=who.login)
        _replace(session, client.id, first, last)
        source = ReconSource(client_id=client.id, kind="ledger", period=first, period_to=last, archive_id=archive_id,
                             sha256=digest, filename=path.name[:255], imported_at=clock.now(),
                             imported_by=who.login)
        session.add(source)
        session.flush()
        rows = iter(rows)
        while batch := list(itertools.islice(rows, BATCH)):
            session.execute(insert(_T_LEDGER), [{**r, "source_id": source.id, "client_id": client.id}
                                                for r in batch])
        result.archive_id, result.source_id, result.counts = archive_id, source.id, counts
        result.notes.append(f"covers {first} to {last}")
        audit.record(session, actor=who.login, action="import.ledger", entity="recon_source", entity_id=source.id,
                     client_id=client.id, after={"file": path.name, "sha256": digest, "from": first, "to": last,
                                                 **counts})
    return result


def import_ledger(store: Store, who: Identity, path: str | os.PathLike[str], *, client: str | None = None) -> ImportResult:
    """SAF-T (.xml) or CSV (.csv) by the file's suffix."""
    p = Path(path)
    if p.suffix.lower() == ".xml":
        return import_saft(store, who, p, client=client)
    if p.suffix.lower() in (".csv", ".txt"):
        if client is None:
            raise UserError("ledger.csv_needs_client", file=p.name)
        return import_csv(store, who, p, client=client)
    raise UserError("ledger.bad_suffix", file=p.name)
