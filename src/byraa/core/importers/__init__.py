"""Importers of the three sides of a reconciliation: payroll, a-ordningen and the ledger.

Every importer is all-or-nothing per file: it reads and checks the whole file, and
everything it writes (the figures, the employee register, the archived file and the
audit event) goes into one transaction, so a refused file leaves no trace. A bad national
id, organisation number, period or amount refuses the whole file with the file and the
element (with its line) or the CSV/sheet line named, as a ``UserError`` (exit 2).

Every imported file is stored unchanged in ``archive_file`` with its SHA-256; a file
already imported for the same client (same checksum, still active) is not imported twice.

Modules: ``amelding`` (a-melding XML v2_0..v2_3), ``a07`` (A07 as byraa's JSON, ODS or
XLSX), ``ledger`` (SAF-T Financial XML and plain CSV). ``import_paths`` expands folders.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.base import clock, ids
from byraa.core.base.errors import UserError
from byraa.core.clients.archive import KINDS
from byraa.core.store.columns import pk
from byraa.core.store.models import ArchiveFile
from byraa.core.words.i18n import _

MAX_XML_BYTES = 1024 * 1024 * 1024
"""1 GB: a-meldinger and SAF-T files are streamed, so their size only costs time."""

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ORE = 99_999_999_999_999
"""999 999 999 999,99 kr: far above any payroll figure, and safe in a BIGINT after sums."""
_AMOUNT = re.compile(r"^([+-]?)(\d{1,15})(?:[.,](\d{1,2}))?$")


class ImportRefused(UserError):
    """A file refused whole: the message names the file and the element or line."""


@dataclass
class ImportResult:
    """What one file brought in."""

    path: str
    kind: str
    client: str
    """The client's org number."""
    period: str | None
    status: str = "imported"
    """``imported``; ``replaced`` when it replaced an earlier file of the month; ``unchanged``
    when the same file was already imported; ``superseded`` when a newer version of it is."""
    counts: dict[str, int] = field(default_factory=dict)
    archive_id: int | None = None
    source_id: int | None = None
    notes: list[str] = field(default_factory=list)


class Where:
    """Names a place in a file for refusals: ``file.xml, <beloep> line 12``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.name = Path(path).name

    def refuse(self, where: str, code: str, /, **params: object) -> ImportRefused:
        """The file refused at ``where`` for the reason ``code`` (a words code) with ``params``."""
        return ImportRefused("import.refused", file=self.name, where=where, reason=UserError(code, **params))


def element_where(element: Any, what: str | None = None) -> str:
    """``<norskIdentifikator> (line 12)`` for an lxml element."""
    from byraa.core.files import xmlsafe

    name = what or xmlsafe.local_name(element)
    line = getattr(element, "sourceline", None)
    return _("<{name}> (line {line})").format(name=name, line=line) if line else f"<{name}>"


def iter_xml(path: str | os.PathLike[str] | IO[bytes], *, events: tuple[str, ...] = ("start", "end"),
             max_bytes: int = MAX_XML_BYTES) -> Iterator[tuple[str, Any]]:
    """The one way importers stream XML: byraa's hardened ``xmlsafe.iterparse``.

    No DTD, no entities, no network, ``huge_tree`` off, any DOCTYPE refused. An
    ``XmlRejected`` is turned into an ``ImportRefused`` naming the file.
    """
    from byraa.core.files import xmlsafe

    name = Path(path).name if isinstance(path, str | os.PathLike) else getattr(path, "name", "the file")
    try:
        yield from xmlsafe.iterparse(path, events=events, max_bytes=max_bytes)
    except xmlsafe.XmlRejected as exc:
        raise ImportRefused("import.xml_rejected", file=Path(str(name)).name, reason=exc) from None


# --- Values -----------------------------------------------------------------------------


def parse_amount(text: str | None, where: Where, place: str, *, required: bool = True) -> int | None:
    """A decimal amount in kroner (at most two decimals) as øre."""
    value = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not value:
        if required:
            raise where.refuse(place, "import.amount_missing")
        return None
    match = _AMOUNT.match(value)
    if not match:
        raise where.refuse(place, "import.not_amount_decimals", value=value[:30])
    sign, whole, frac = match.groups()
    ore = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    return _in_range(-ore if sign == "-" else ore, value, where, place)


def _in_range(ore: int, shown: object, where: Where, place: str) -> int:
    if abs(ore) > MAX_ORE:
        raise where.refuse(place, "import.amount_out_of_range", value=repr(str(shown)[:30]))
    return ore


def amount_from_number(value: Any, where: Where, place: str, *, required: bool = True) -> int | None:
    """An amount from JSON or a spreadsheet cell (number or text) as øre."""
    if value is None or value == "":
        if required:
            raise where.refuse(place, "import.amount_missing")
        return None
    if isinstance(value, bool):
        raise where.refuse(place, "import.not_amount", value=value)
    if isinstance(value, int):
        return _in_range(value * 100, value, where, place)
    if isinstance(value, float | Decimal):
        try:
            dec = Decimal(str(value)) if isinstance(value, float) else value
            ore = dec * 100
        except InvalidOperation:
            raise where.refuse(place, "import.not_amount", value=value) from None
        if not ore.is_finite():
            raise where.refuse(place, "import.not_amount", value=value)
        rounded = ore.to_integral_value()
        if abs(ore - rounded) > Decimal("0.000001"):
            raise where.refuse(place, "import.too_many_decimals", value=value)
        return _in_range(int(rounded), value, where, place)
    return parse_amount(str(value), where, place, required=required)


def parse_period(text: str | None, where: Where, place: str) -> str:
    value = (text or "").strip()
    if not _PERIOD.match(value):
        raise where.refuse(place, "import.not_month", value=value[:20])
    return value


def parse_date(text: Any, where: Where, place: str, *, required: bool = False) -> date | None:
    if isinstance(text, date):
        return text
    value = (str(text) if text is not None else "").strip()
    if not value:
        if required:
            raise where.refuse(place, "import.date_missing")
        return None
    if len(value) > 10 and value[10] in "T ":
        value = value[:10]
    try:
        if not _DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise where.refuse(place, "import.not_date", value=value[:20]) from None


def parse_decimal(text: Any, where: Where, place: str) -> float | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise where.refuse(place, "import.not_number", value=str(text)[:20]) from None
    if not value.is_finite() or value < 0 or value > 1000:
        raise where.refuse(place, "import.out_of_range", value=str(text)[:20])
    return float(value)


def parse_bool(text: Any, where: Where, place: str, *, default: bool = True) -> bool:
    if text is None or text == "":
        return default
    if isinstance(text, bool):
        return text
    value = str(text).strip().lower()
    if value in ("true", "1", "ja", "yes", "sann"):
        return True
    if value in ("false", "0", "nei", "no", "usann"):
        return False
    raise where.refuse(place, "import.not_boolean", value=value[:10])


def check_national_id(value: Any, where: Where, place: str) -> str:
    text = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():  # a spreadsheet number
        text = f"{int(value):011d}"
    reason = ids.national_id_error(text)
    if reason:
        shown = ids.mask_national_id(text) if len(text) == 11 else "the value"
        raise where.refuse(place, "import.bad_national_id", value=shown, reason=reason)
    return text


def check_org_number(value: Any, where: Where, place: str) -> str:
    text = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = f"{int(value):09d}"
    reason = ids.org_number_error(text)
    if reason:
        raise where.refuse(place, "import.bad_org_number", value=text[:20], reason=reason)
    return text


# --- Archive ----------------------------------------------------------------------------


def sha256_file(path: str | os.PathLike[str], kind: str = "amelding") -> str:
    """The file's checksum; refuses a non-regular file or one over ``kind``'s cap first."""
    from byraa.core.files.limits import check_file

    check_file(path, kind)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


STREAM_ARCHIVE_BYTES = 4 * 1024 * 1024
"""Files above this are written into SQLite's ``archive_file.content`` in chunks (blob I/O),
so a 200 MB a-melding is never held in memory whole."""


def archive_file(session: Session, *, path: str | os.PathLike[str] | None, content: bytes | None = None,
                 client_id: int, kind: str, period: str | None, content_type: str, login: str,
                 direction: str = "in", filename: str | None = None) -> tuple[int, str]:
    """Store the file unchanged in ``archive_file`` (in the caller's transaction)."""
    if kind not in KINDS:  # the archive screen filters by these: an unlisted kind could not be found
        raise ValueError(f"unknown archive kind {kind!r}")
    name = (filename or (Path(path).name if path is not None else None) or "")[:255] or None
    values = {"client_id": client_id, "kind": kind, "direction": direction, "period": period,
              "created_at": clock.now(), "filename": name, "content_type": content_type, "user_login": login}
    bind = session.connection()
    if content is None and path is not None:
        size = Path(path).stat().st_size
        if size > STREAM_ARCHIVE_BYTES:
            if bind.dialect.name == "sqlite":
                return _archive_streamed(session, Path(path), size, values)
            return _archive_appended(session, Path(path), size, values)
    if content is None:
        assert path is not None
        content = Path(path).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    t = ArchiveFile.__table__  # type: ignore[attr-defined]
    archive_id = session.execute(insert(t).returning(t.c.id), [
        {**values, "size": len(content), "sha256": digest, "content": content}]).scalar_one()
    assert archive_id is not None  # a primary key, just stored
    return archive_id, digest


def _archive_appended(session: Session, path: Path, size: int, values: dict) -> tuple[int, str]:
    """PostgreSQL: the file appended to ``content`` in chunks, so byraa never holds it whole
    (a 100 MB ledger read at once, plus the driver's copy, broke the 300 MB budget)."""
    from sqlalchemy import bindparam, update

    archive_id = session.execute(insert(ArchiveFile).returning(pk(ArchiveFile.id)), [
        {**values, "size": size, "sha256": "", "content": b""}]).scalar_one()
    digest = hashlib.sha256()
    written = 0
    append = update(ArchiveFile).where(col(ArchiveFile.id) == archive_id).values(
        content=col(ArchiveFile.content).concat(bindparam("chunk")))
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(STREAM_ARCHIVE_BYTES), b""):
            written += len(chunk)
            if written > size:
                raise UserError("import.changed_while_read", file=path.name)
            session.execute(append, {"chunk": chunk})
            digest.update(chunk)
    if written != size:
        raise UserError("import.changed_while_read", file=path.name)
    session.execute(update(ArchiveFile).where(col(ArchiveFile.id) == archive_id).values(sha256=digest.hexdigest()))
    return archive_id, digest.hexdigest()


def _archive_streamed(session: Session, path: Path, size: int, values: dict) -> tuple[int, str]:
    from sqlalchemy import func, update

    archive_id = session.execute(insert(ArchiveFile).returning(pk(ArchiveFile.id)), [
        {**values, "size": size, "sha256": "", "content": b""}]).scalar_one()
    assert archive_id is not None  # a primary key, just stored
    session.execute(update(ArchiveFile).where(col(ArchiveFile.id) == archive_id).values(content=func.zeroblob(size)))
    raw = session.connection().connection.dbapi_connection
    digest = hashlib.sha256()
    written = 0
    with open(path, "rb") as fh, raw.blobopen("archive_file", "content", archive_id) as blob:  # type: ignore[union-attr]
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            if written + len(chunk) > size:
                raise UserError("import.changed_while_read", file=path.name)
            blob.write(chunk)
            digest.update(chunk)
            written += len(chunk)
    if written != size:
        raise UserError("import.changed_while_read", file=path.name)
    session.execute(update(ArchiveFile).where(col(ArchiveFile.id) == archive_id).values(sha256=digest.hexdigest()))
    return archive_id, digest.hexdigest()


def already_imported(session: Session, client_id: int, kind: str, sha256: str) -> int | None:
    """The active source of the same client and kind with this checksum, if any."""
    from byraa.core.store.models_reconcile import ReconSource

    return session.scalars(
        select(col(ReconSource.id)).where(col(ReconSource.client_id) == client_id, col(ReconSource.kind) == kind,
                                          col(ReconSource.sha256) == sha256, col(ReconSource.active).is_(True))
    ).first()


def expand_paths(paths: list[str | os.PathLike[str]], suffixes: tuple[str, ...]) -> list[Path]:
    """Files as given, and the files with one of ``suffixes`` in folders (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in suffixes))
        elif p.is_file():
            out.append(p)
        elif p.exists():  # a device, a FIFO or a link to one: never read
            raise UserError("file.not_regular", path=p.name)
        else:
            raise UserError("file.missing", path=p)
    return out
