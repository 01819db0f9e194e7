"""The ledger importer: SAF-T Financial XML (v1.10 to v1.30) and a plain CSV.

The files are read and checked by ``ledger_read`` (which says what each format holds);
this module stores them. A ledger file replaces the client's ledger lines for the
months it covers, all or nothing.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
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
from byraa.core.importers import ImportRefused, ImportResult, Where, sha256_file
from byraa.core.importers.archiving import already_imported, archive_file
from byraa.core.importers.ledger_read import Lines, Saft, SaftRead, Spool, parse_saft, read_csv
from byraa.core.store import Store
from byraa.core.store.models import Client
from byraa.core.store.models_reconcile import ReconLedger, ReconSource

BATCH = 5000
_T_LEDGER = ReconLedger.__table__  # type: ignore[attr-defined]
"""Core inserts of the lines: the ORM's bulk path costs more than the rows."""


def _client(session: Any, who: Identity, org: str, name: str) -> Client:
    return resolve_client(session, who, org, file=name)


def _replace(session: Any, client_id: int, first: str, last: str) -> bool:
    """Drop the client's ledger lines of these months; whether there were any (the file
    then replaces an earlier ledger, in whole or in part)."""
    deleted = session.execute(delete(ReconLedger).where(
        col(ReconLedger.client_id) == client_id, col(ReconLedger.period) >= first, col(ReconLedger.period) <= last))
    replaced = bool(deleted.rowcount)
    for old in session.scalars(select(ReconSource).where(
        col(ReconSource.client_id) == client_id, col(ReconSource.kind) == "ledger", col(ReconSource.active).is_(True),
        col(ReconSource.period) >= first, col(ReconSource.period_to) <= last,
    )):
        old.active = False
        replaced = True
    return replaced


def import_saft(store: Store, who: Identity, path: str | os.PathLike[str], *, client: str | None = None,
                read: SaftRead | None = None) -> ImportResult:
    """Import a SAF-T Financial file (all or nothing).

    ``read``: the file as a worker process read it (``ledger_read.read_saft_file``); the
    archive then keeps the very bytes that were read."""
    path = Path(path)
    where = Where(path)
    if read is not None:
        if read.error is not None:
            raise read.error
        assert read.saft is not None  # a worker's read has its parse or its refusal
        return _store_saft(store, who, path, where, client, read.digest, read.saft, read.lines, read.content)
    digest = sha256_file(path, "saft")
    lines = Spool()
    try:
        return _store_saft(store, who, path, where, client, digest, parse_saft(path, where, lines), lines, None)
    finally:
        lines.close()


def _store_saft(store: Store, who: Identity, path: Path, where: Where, client: str | None, digest: str, saft: Saft,
                lines: Lines, content: bytes | None) -> ImportResult:
    if saft.org is None and client is None:
        raise where.refuse("<Header/Company/RegistrationNumber>", "ledger.no_org_number")
    if saft.first is None or saft.last is None:
        raise where.refuse("<SelectionCriteria>", "ledger.no_period")
    if client is not None and saft.org is not None and client != saft.org:
        raise ImportRefused("import.wrong_ledger_client", file=path.name, found=saft.org, expected=client)
    target = client or saft.org
    assert target is not None
    # A party's opening is kind "party": the account's own opening already holds it.
    opening_rows = [{"account": o["account"], "period": saft.first, "kind": "party" if o["party"] else "opening",
                     "amount": o["amount"], "entry_date": None, "voucher": None, "text": None, "party": o["party"],
                     "dimension": None}
                    for o in saft.openings]
    return _write(store, who, path, where, digest, target, saft.first, saft.last,
                  itertools.chain(opening_rows, lines.rows()), "application/xml",
                  {"accounts": saft.accounts, "lines": lines.count}, content)


def import_csv(store: Store, who: Identity, path: str | os.PathLike[str], *, client: str) -> ImportResult:
    """Import a ledger CSV (account, period, amount[, kind, date, voucher, text]), streamed."""
    path = Path(path)
    where = Where(path)
    check_file(path, "ledger_csv")
    lines = Spool()
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first, last = read_csv(fh, where, lines)
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


def _write(store: Store, who: Identity, path: Path, where: Where, digest: str, org: str, first: str, last: str,
           rows: Iterable[dict], ctype: str, counts: dict[str, int], content: bytes | None = None) -> ImportResult:
    result = ImportResult(path=str(path), kind="ledger", client=org, period=first)
    with store.session() as session:
        client = _client(session, who, org, path.name)
        assert client.id is not None
        existing = already_imported(session, client.id, "ledger", digest)
        if existing is not None:
            result.status, result.source_id = "unchanged", existing
            return result
        archive_id, _ = archive_file(session, path=path, content=content, client_id=client.id, kind="ledger", period=first,
                                     content_type=ctype, login=who.login)
        if _replace(session, client.id, first, last):
            result.status = "replaced"
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
