"""Building the engine and checking the schema before anyone uses it.

SQLite runs in WAL mode (readers never wait on the one writer) with foreign keys on;
its file is created 0600 before SQLite opens it, so the journal files inherit that
mode. PostgreSQL is chosen by URL alone.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from byraa.core.base.errors import ConfigError


def _credentials(url: str) -> str:
    """What stands between ``scheme://`` and the last ``@`` (empty without credentials)."""
    _scheme, sep, rest = url.partition("://")
    return rest.rpartition("@")[0] if sep else ""


def _redact(url: str) -> str:
    if "@" in _credentials(url):  # an unencoded @ in the password: the parser would split it
        return url.partition("://")[0] + "://***@" + url.rpartition("@")[2]
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _create_private_file(path: Path) -> None:
    """Create the SQLite file 0600 (and its folder 0700) before SQLite does, with a laxer mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _make_private(path: Path) -> None:
    """An existing SQLite database (and its -wal/-shm, which SQLite creates with the
    database's mode) readable by its owner only: a file copied in or made by an older
    tool at 0644 would let every local user read the agency's payroll."""
    for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = part.stat().st_mode & 0o777
        except FileNotFoundError:
            continue
        if mode & 0o077:
            try:
                os.chmod(part, mode & 0o700 or 0o600)
            except OSError:
                raise ConfigError("db.not_private", path=part, mode=f"{mode:o}") from None


def _on_sqlite_connect(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class Store:
    """The database of one agency: engine, sessions and schema state."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        if "@" in _credentials(url):  # refused before any part of the password reaches a message
            raise ConfigError("db.url_unencoded_at", url=_redact(url))
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigError("db.invalid_url", url=_redact(url)) from None
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ConfigError("db.unsupported_url", url=_redact(url))
        path = _sqlite_file(url)
        if path is not None:
            if not path.exists():
                if not create:
                    raise ConfigError("db.no_database", path=path)
                _create_private_file(path)
            else:
                _make_private(path)
            self.engine: Engine = create_engine(url, connect_args={"timeout": 10}, hide_parameters=True)
            event.listen(self.engine, "connect", _on_sqlite_connect)
        else:
            try:
                # hide_parameters: a database error never prints the bound values
                # (national ids, amounts) into a message or a traceback.
                self.engine = create_engine(
                    url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, hide_parameters=True
                )
            except ModuleNotFoundError as exc:  # a driver name the install lacks
                raise ConfigError("db.missing_driver", url=_redact(url), reason=exc) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._batch = threading.local()

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages and ``byraa locate``."""
        return _redact(self.url)

    @property
    def sqlite_path(self) -> Path | None:
        return _sqlite_file(self.url)

    def check_reachable(self) -> None:
        """Connect once, turning a driver error into one clear message."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConfigError("db.unreachable", url=self.display_url, reason=reason) from exc

    def begin_batch(self) -> None:
        """Open one transaction for this thread's store work until ``end_batch``.

        Until then ``session()`` and ``write_session()`` on this thread are savepoints in it:
        each is still all or nothing, but nothing is committed (nor visible to others)
        before ``end_batch``. The job runner batches many small items this way: SQLite pays
        for every commit, and one per item cost as much as a small file's rows. On SQLite
        the write lock is taken at once (``BEGIN IMMEDIATE``), as ``write_session`` does.
        """
        if self._batch.__dict__.get("session") is not None:
            raise RuntimeError("a batch is open already on this thread")
        session = self._sessions()
        try:
            if self.dialect == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            session.close()
            raise
        self._batch.session = session

    def batch_cache(self) -> dict[Any, Any]:
        """What the work of the thread's batch may keep from one item to the next (the
        register an importer read, a client it resolved), for as long as the batch's
        transaction lasts; outside a batch a fresh dict each time (nothing is kept).

        A savepoint rolled back does not empty it: a user takes its entry out (``pop``)
        while working and puts it back only when its work stood."""
        batch = self._batch.__dict__.get("session")
        return batch.info if batch is not None else {}

    def end_batch(self, *, commit: bool) -> None:
        """Commit (or roll back) the thread's batch; nothing when none is open."""
        session = self._batch.__dict__.pop("session", None)
        if session is None:
            return
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error (in a batch: a
        savepoint, released on success and rolled back on any error)."""
        batch = self._batch.__dict__.get("session")
        if batch is not None:
            with batch.begin_nested():
                yield batch
            return
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session that holds the write lock from its first statement on SQLite.

        SQLite's driver starts a transaction only at the first write, so a read-then-write
        (is this file imported? is this the chain's head?) could read before another
        writer commits and write after it. ``BEGIN IMMEDIATE`` takes the lock first, so
        such sessions run one after the other. PostgreSQL callers lock what they read.
        """
        batch = self._batch.__dict__.get("session") is not None
        with self.session() as session:
            if self.dialect == "sqlite" and not batch:  # a batch holds the lock already
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, upgrade: bool = False, create: bool = True, upgrade_empty: bool = False) -> Store:
    """Open a store and make sure its schema is the one this byraa knows.

    With ``upgrade`` the migrations are applied first; otherwise a database behind
    this version is refused with a hint to run ``byraa db upgrade``, and one ahead of
    it (written by a newer byraa) is refused outright.
    """
    from byraa.core.store import migrate

    store = Store(url, create=create)
    try:
        store.check_reachable()
        if upgrade or (upgrade_empty and migrate.is_empty(store)):
            migrate.upgrade(store)
        else:
            migrate.check_current(store)
    except BaseException:
        store.dispose()
        raise
    return store

