"""The file archive: every file exchanged with the authorities, stored unchanged.

Each ``ArchiveFile`` row holds the bytes as sent or received plus who, when, what
(client, kind, direction, period), size, SHA-256 and a correlation id tying a request
to its response. HTTP exchanges also get an ``ArchiveExchange`` row with method, URL,
status and the headers with every secret (Authorization, tokens, assertions, cookies)
replaced by ``<redacted>``. Tokens are never stored: the token exchanges are archived
with the token and assertion values redacted from the body too (and say so in ``note``).

Access: a payroll clerk sees the files of clients they have access to; agency-level
files (no client: tokens, multi-client orders) only an agency manager sees.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.files.oserrors import cannot_write
from byraa.core.store import Store
from byraa.core.store.models import ArchiveFile, Client
from byraa.core.store.models_altinn import ArchiveExchange

KINDS = ("taxcard", "a07", "amelding", "feedback", "token", "register", "ledger", "posting_journal",
         "posting_voucher", "posting_saft")
"""taxcard, A07 report, a-melding, a-melding feedback, Maskinporten/Altinn token
exchange, population-register lookup, the ledger read in, the payroll system's posting
journal, and the voucher (CSV) and SAF-T file byraa wrote when it posted a run."""
DIRECTIONS = ("in", "out")
REDACTED = "<redacted>"

_SECRET_HEADER = re.compile(r"authorization|cookie|token|assertion|secret|password|api-key|apikey", re.I)
_SECRET_JSON_KEYS = ("access_token", "refresh_token", "id_token", "assertion", "client_assertion")


def redact_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """Headers safe to store: any that may carry a credential is replaced by ``<redacted>``."""
    if not headers:
        return {}
    return {str(k).lower(): (REDACTED if _SECRET_HEADER.search(str(k)) else str(v)) for k, v in headers.items()}


def redact_token_body(content: bytes, content_type: str | None) -> bytes:
    """A token request/response body with assertion and token values replaced.

    Form bodies (``assertion=…``), JSON bodies (``access_token``…) and the bare JWT text
    of the Altinn exchange are all handled; anything else becomes ``<redacted>``.
    """
    ctype = (content_type or "").lower()
    text = content.decode("utf-8", "replace")
    if "x-www-form-urlencoded" in ctype:
        from urllib.parse import parse_qsl, urlencode

        pairs = [(k, REDACTED if k in _SECRET_JSON_KEYS else v) for k, v in parse_qsl(text, keep_blank_values=True)]
        return urlencode(pairs, safe="<>:").encode()
    if "json" in ctype:
        try:
            data = json.loads(text)
        except ValueError:
            return REDACTED.encode()
        if isinstance(data, dict):
            data = {k: (REDACTED if k in _SECRET_JSON_KEYS else v) for k, v in data.items()}
            return json.dumps(data, ensure_ascii=False).encode()
        return REDACTED.encode()
    return REDACTED.encode() if content else b""


@dataclass(frozen=True)
class ArchiveRecord:
    """What a producer (the Altinn client, an importer) hands the archive."""

    kind: str
    direction: str
    content: bytes
    org_number: str | None = None
    """The client's org number when the exchange concerns exactly one client."""
    client_id: int | None = None
    period: str | None = None
    filename: str | None = None
    content_type: str | None = None
    correlation_id: str | None = None
    method: str | None = None
    url: str | None = None
    status_code: int | None = None
    headers: Mapping[str, str] | None = None
    note: str | None = None


Archiver = Callable[[ArchiveRecord], "int | None"]
"""Stores a record and returns its archive id (``None`` for a no-op archiver)."""


@dataclass(frozen=True)
class ArchiveEntry:
    """One archived file's metadata (the bytes come from ``get``)."""

    id: int
    client_id: int | None
    org_number: str | None
    client_name: str | None
    kind: str
    direction: str
    period: str | None
    created_at: datetime
    filename: str | None
    content_type: str | None
    size: int
    sha256: str
    correlation_id: str | None
    user_login: str | None
    method: str | None = None
    url: str | None = None
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    period_to: str | None = None
    """A ledger's last month (its first is ``period``): the months the imported file covers."""


def add(session: Session, record: ArchiveRecord, *, user_login: str | None) -> int:
    """Store one file (in the caller's transaction); returns its archive id."""
    if record.kind not in KINDS:
        raise ValueError(f"unknown archive kind {record.kind!r}")
    if record.direction not in DIRECTIONS:
        raise ValueError(f"unknown archive direction {record.direction!r}")
    content = bytes(record.content)
    client_id = record.client_id
    if client_id is None and record.org_number:
        client_id = session.scalars(select(col(Client.id)).where(col(Client.org_number) == record.org_number)).first()
    row = ArchiveFile(
        client_id=client_id,
        kind=record.kind,
        direction=record.direction,
        period=record.period,
        created_at=clock.now(),
        filename=(record.filename or None) and record.filename[:255],
        content_type=(record.content_type or None) and record.content_type[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        correlation_id=record.correlation_id and record.correlation_id[:100],
        user_login=user_login,
        content=content,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    if record.method or record.url or record.status_code is not None or record.headers or record.note:
        session.add(ArchiveExchange(
            archive_id=row.id,
            method=record.method,
            url=record.url and record.url[:1000],
            status_code=record.status_code,
            headers=json.dumps(redact_headers(record.headers), ensure_ascii=False, sort_keys=True),
            note=record.note and record.note[:300],
        ))
    return row.id


class StoreArchiver:
    """An ``Archiver`` writing each record in its own short transaction."""

    def __init__(self, store: Store, user_login: str | None) -> None:
        self.store = store
        self.user_login = user_login

    def __call__(self, record: ArchiveRecord) -> int:
        with self.store.session() as session:
            return add(session, record, user_login=self.user_login)


class MemoryArchiver:
    """An ``Archiver`` keeping records in a list (tests, the sandbox's own tools)."""

    def __init__(self) -> None:
        self.records: list[ArchiveRecord] = []

    def __call__(self, record: ArchiveRecord) -> int:
        self.records.append(record)
        return len(self.records)


# --- Reading ----------------------------------------------------------------------------


def _entry(row: ArchiveFile, client: Client | None, exchange: ArchiveExchange | None,
           period_to: str | None = None) -> ArchiveEntry:
    assert row.id is not None
    return ArchiveEntry(
        id=row.id, client_id=row.client_id,
        org_number=client.org_number if client else None, client_name=client.name if client else None,
        kind=row.kind, direction=row.direction, period=row.period, created_at=row.created_at,
        filename=row.filename, content_type=row.content_type, size=row.size, sha256=row.sha256,
        correlation_id=row.correlation_id, user_login=row.user_login,
        method=exchange.method if exchange else None, url=exchange.url if exchange else None,
        status_code=exchange.status_code if exchange else None,
        headers=json.loads(exchange.headers) if exchange and exchange.headers else {},
        note=exchange.note if exchange else None,
        period_to=period_to if period_to != row.period else None,
    )


def _ledger_last_month() -> Any:
    """The last month of the ledger imported from an archived file (``recon_source``), by its archive id."""
    from byraa.core.store.models_reconcile import ReconSource

    # Asked only for a ledger's row, and by client and kind first: recon_source's index
    # (client, kind, period) finds the client's few ledgers.
    last = (select(col(ReconSource.period_to)).where(col(ReconSource.client_id) == col(ArchiveFile.client_id),
                                                     col(ReconSource.kind) == "ledger",
                                                     col(ReconSource.archive_id) == col(ArchiveFile.id))
            .limit(1).scalar_subquery())
    return case((col(ArchiveFile.kind) == "ledger", last), else_=None)


def list_files(
    store: Store,
    who: Identity,
    *,
    client: str | None = None,
    kind: str | None = None,
    period: str | None = None,
    direction: str | None = None,
    limit: int = 1000,
) -> list[ArchiveEntry]:
    """Archived files, newest first, that ``who`` may see; ``client`` is an org number."""
    if kind is not None and kind not in KINDS:
        raise UserError("archive.bad_kind", kind=kind, kinds=", ".join(KINDS))
    if direction is not None and direction not in DIRECTIONS:
        raise UserError("archive.bad_direction", direction=direction)
    with store.session() as session:
        last_month = _ledger_last_month()
        query = (
            select(ArchiveFile, Client, ArchiveExchange, last_month)
            .outerjoin(Client, col(Client.id) == col(ArchiveFile.client_id))
            .outerjoin(ArchiveExchange, col(ArchiveExchange.archive_id) == col(ArchiveFile.id))
            .order_by(col(ArchiveFile.id).desc())
            .limit(limit)
        )
        if client is not None:
            client_row = resolve_client(session, who, client)
            query = query.where(col(ArchiveFile.client_id) == client_row.id)
        else:
            allowed = access.accessible_client_ids(session, who)
            if allowed is not None:  # a clerk: only their clients, never agency-level files
                query = query.where(col(ArchiveFile.client_id).in_(allowed or {-1}))
        if kind:
            query = query.where(col(ArchiveFile.kind) == kind)
        if period:  # a ledger is found by every month it covers
            query = query.where(or_(col(ArchiveFile.period) == period, and_(
                col(ArchiveFile.kind) == "ledger", col(ArchiveFile.period) <= period, last_month >= period)))
        if direction:
            query = query.where(col(ArchiveFile.direction) == direction)
        # Only metadata columns are needed, but ``content`` is deferred cheaply by the
        # database driver for the row count of a screen; keep it simple and exact.
        return [_entry(f, c, x, last) for f, c, x, last in session.execute(query)]


def _load(session: Session, who: Identity, archive_id: int) -> tuple[ArchiveFile, Client | None, ArchiveExchange | None]:
    row = session.get(ArchiveFile, archive_id)
    if row is None:
        raise NotFound("archive.not_found", id=archive_id)
    client = session.get(Client, row.client_id) if row.client_id is not None else None
    if client is None:
        if not who.is_manager:
            raise AccessDenied("archive.agency_level", id=archive_id)
    else:
        access.require_client(session, who, client.id or 0, f"{client.org_number} {client.name}")
    exchange = session.scalars(select(ArchiveExchange).where(col(ArchiveExchange.archive_id) == archive_id)).first()
    return row, client, exchange


def _period_to(session: Session, row: ArchiveFile) -> str | None:
    return session.scalar(select(_ledger_last_month()).where(col(ArchiveFile.id) == row.id)) \
        if row.kind == "ledger" else None


_ELEVEN_DIGITS = re.compile(rb"(?<![0-9])[0-9]{11}(?![0-9])")


def mask_national_ids(content: bytes) -> bytes:
    """Every valid national id in ``content`` masked (``010190*****``), nothing else touched."""

    def mask(match: re.Match[bytes]) -> bytes:
        value = match.group().decode("ascii")
        return ids.mask_national_id(value).encode("ascii") if ids.is_valid_national_id(value) else match.group()

    return _ELEVEN_DIGITS.sub(mask, content)


def get(store: Store, who: Identity, archive_id: int, *, reveal: bool = False) -> tuple[ArchiveEntry, bytes]:
    """One archived file: metadata and the bytes as exchanged, national ids masked.

    ``reveal`` gives the bytes exactly as exchanged, and is audited (like every reveal).
    """
    with store.session() as session:
        row, client, exchange = _load(session, who, archive_id)
        content = bytes(row.content)
        if reveal:
            audit.record(session, actor=who.login, action="national_id.reveal", entity="archive_file",
                         entity_id=archive_id, client_id=client.id if client else None,
                         after={"archive_id": archive_id})
            return _entry(row, client, exchange, _period_to(session, row)), content
        return _entry(row, client, exchange, _period_to(session, row)), mask_national_ids(content)


def pretty_body(content: bytes, content_type: str | None) -> str:
    """XML re-indented through the hardened parser, JSON indented; else text as is."""
    from byraa.core.files import xmlsafe

    stripped = content.lstrip()
    ctype = (content_type or "").lower()
    if "json" in ctype or stripped[:1] in (b"{", b"["):
        try:
            return json.dumps(json.loads(content), ensure_ascii=False, indent=2)
        except ValueError:
            pass
    if "xml" in ctype or stripped[:1] == b"<":
        try:
            return xmlsafe.pretty(content)
        except xmlsafe.XmlRejected as exc:
            from byraa.core.words.i18n import _

            return _("[not shown: {reason}]").format(reason=exc.reason)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return f"[{len(content)} bytes of binary data]"


def show(store: Store, who: Identity, archive_id: int, *, reveal: bool = False) -> tuple[ArchiveEntry, str]:
    """Metadata and the body pretty-printed for reading (national ids masked unless ``reveal``)."""
    entry, content = get(store, who, archive_id, reveal=reveal)
    return entry, pretty_body(content, entry.content_type)


class ExportExists(UserError):
    """``export`` refused because the file is already there (and overwriting was not asked)."""


def export(store: Store, who: Identity, archive_id: int, out: str | os.PathLike[str], *,
           overwrite: bool = False) -> Path:
    """Write a copy of the file to ``out``, created 0600; refuses to overwrite unless asked."""
    path = Path(out).expanduser()
    with store.session() as session:
        row, client, _ = _load(session, who, archive_id)
        content = bytes(row.content)
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        flags |= os.O_TRUNC if overwrite else os.O_EXCL
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            raise ExportExists("archive.export_exists", path=path) from None
        except OSError as exc:
            raise cannot_write(path, exc) from None
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fd = -1
                fh.write(content)
        finally:
            if fd >= 0:
                os.close(fd)
        audit.record(session, actor=who.login, action="archive.export", entity="archive_file",
                     entity_id=archive_id, client_id=client.id if client else None,
                     after={"path": str(path), "sha256": row.sha256})
    return path


def as_dict(entry: ArchiveEntry) -> dict[str, Any]:
    """The entry as plain data for JSON and CSV (headers included)."""
    from dataclasses import asdict

    return asdict(entry)
