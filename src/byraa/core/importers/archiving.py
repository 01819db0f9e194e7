"""Storing an imported file unchanged in the archive, and finding one imported already.

Every importer archives the file it stores in the same transaction (``archive_file``),
by its SHA-256; ``already_imported`` finds the active source of a client with the same
checksum. Kept apart from the parsing helpers in the package, which the intake's reader
processes import without the store.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.clients.archive import KINDS
from byraa.core.store.columns import pk
from byraa.core.store.models import ArchiveFile

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
