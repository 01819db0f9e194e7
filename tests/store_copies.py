"""Data a test builds the same way every time, built once per test process and copied after.

A builder (the demo agency, the small hand-built agency) writes the same rows into every
empty store it is given. The first call in a process (an xdist worker) runs it and keeps
what it wrote; later calls put those rows into the test's store instead:

- SQLite: the built database is kept as a file and copied over the test's own.
- PostgreSQL: every table's rows are kept as binary ``COPY`` data and the sequences'
  positions, and loaded back with triggers and foreign keys off for the transaction (the
  rows are the builder's own, already checked once), which needs the superuser role the
  suite's database has in CI; another role builds every time.

Only an empty store is filled from a copy: a test that wrote rows before calling the
builder gets the builder itself, so the copy never hides what the test did.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Hashable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text

from byraa.core.store import Store

T = TypeVar("T")


@dataclass
class _Copy:
    result: Any
    sqlite_file: Path | None = None
    tables: list[tuple[str, bytes]] | None = None
    sequences: list[tuple[str, int | None]] | None = None


_COPIES: dict[tuple[str, Hashable], _Copy] = {}
"""What each builder wrote in this process, by backend and key."""


def filled_once(store: Store, key: Hashable, build: Callable[[Store], T]) -> T:
    """``build(store)``'s rows in ``store``, and its result; built once per process and key.

    ``build`` must write the same rows into any empty store and return a result that
    holds no reference to the store (ids, names).
    """
    backend = "sqlite" if store.sqlite_path is not None else "postgresql"
    copy = _COPIES.get((backend, key))
    if copy is not None and _is_empty(store):
        if copy.sqlite_file is not None:
            _restore_sqlite(store, copy.sqlite_file)
            return copy.result
        if copy.tables is not None:
            _restore_postgres(store, copy)
            return copy.result
    if copy is not None or not _is_empty(store):
        return build(store)
    if backend == "sqlite":
        return _build_sqlite(store, key, build)
    result = build(store)
    if _is_superuser(store):
        _COPIES[backend, key] = _dump_postgres(store, result)
    return result


def _table_names() -> list[str]:
    from sqlmodel import SQLModel

    from byraa.core.store.tables import load_all

    load_all()
    return [t.name for t in SQLModel.metadata.sorted_tables]


_SEEDED = frozenset({"audit_chain_head"})
"""Tables the migrations give a row: a fresh store is empty but for these."""


def _is_empty(store: Store) -> bool:
    """No row in any of byraa's tables but the seeded ones (one statement)."""
    total = " + ".join(f'(SELECT count(*) FROM "{name}")' for name in _table_names() if name not in _SEEDED)
    with store.engine.connect() as conn:
        return conn.execute(text(f"SELECT {total}")).scalar() == 0


def _build_sqlite(store: Store, key: Hashable, build: Callable[[Store], T]) -> T:
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store

    folder = Path(tempfile.mkdtemp(prefix="byraa-store-copy-"))
    atexit.register(shutil.rmtree, folder, True)
    template = folder / "built.sqlite3"
    assert store.sqlite_path is not None
    store.dispose()
    with closing(sqlite3.connect(store.sqlite_path)) as source, closing(sqlite3.connect(template)) as target:
        source.backup(target)  # the test's empty, migrated store
    built = open_store(sqlite_url(template))
    try:
        result = build(built)
    finally:
        built.dispose()
    with closing(sqlite3.connect(template)) as conn:  # every page in the file itself, for the copies
        busy, _log, _moved = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0, f"a connection still writes to {template}"
    _COPIES["sqlite", key] = _Copy(result, sqlite_file=template)
    _restore_sqlite(store, template)
    return result


def _restore_sqlite(store: Store, template: Path) -> None:
    """The template's file copied over the test's store: no connection is open on either
    (the store's pool is emptied first; the template's builder closed its own), so the
    database is its one file. SQLite's backup API wrote the pages through the target's
    write-ahead log and synced it twice, about 55 ms against 11 ms for the copy, once for
    nearly every UI test."""
    path = store.sqlite_path
    assert path is not None
    store.dispose()  # no pooled connection may hold the old contents
    for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(template, path)


def _is_superuser(store: Store) -> bool:
    with store.engine.connect() as conn:
        return bool(conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar())


def _dump_postgres(store: Store, result: Any) -> _Copy:
    raw = store.engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        tables = []
        with conn.cursor() as cur:
            for name in _table_names():
                with cur.copy(f'COPY "{name}" TO STDOUT (FORMAT BINARY)') as copy:
                    tables.append((name, b"".join(bytes(chunk) for chunk in copy)))
            cur.execute("SELECT format('%I', sequencename), last_value FROM pg_sequences WHERE schemaname = 'public'")
            sequences = [(name, last) for name, last in cur.fetchall()]
        conn.commit()
    finally:
        raw.close()
    return _Copy(result, tables=tables, sequences=sequences)


def _restore_postgres(store: Store, copy: _Copy) -> None:
    assert copy.tables is not None and copy.sequences is not None
    raw = store.engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        with conn.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")
            for name, data in copy.tables:
                with cur.copy(f'COPY "{name}" FROM STDIN (FORMAT BINARY)') as load:
                    load.write(data)
            for name, last in copy.sequences:
                cur.execute("SELECT setval(%s, %s, %s)", (name, last or 1, last is not None))
        conn.commit()
    finally:
        raw.close()
