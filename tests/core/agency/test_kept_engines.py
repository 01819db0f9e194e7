"""What the suite keeps between stores (``tests/kept_engines.py``).

PostgreSQL connections: a later store reuses them, sees nothing a former one left
unfinished, and a store that left a connection checked out hands the next store a new
engine. SQLite's compiled SQL: a later store runs a query the first compiled without
compiling it, on its own file and connections."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine.interfaces import CacheStats

from byraa.core.base import clock
from byraa.core.store import open_store
from byraa.core.store.models import Client
from tests.builders import org


def _backend_pid(store) -> int:  # noqa: ANN001
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_later_store_reuses_the_connection_and_sees_no_unfinished_work(_postgres_ready: str) -> None:
    first = open_store(_postgres_ready)
    pid = _backend_pid(first)
    conn = first.engine.connect()
    conn.execute(text("CREATE TEMPORARY TABLE never_committed (x int)"))
    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('not-committed')"))
    conn.close()  # back to the pool unfinished: rolled back there
    first.dispose()

    second = open_store(_postgres_ready)
    try:
        assert second.engine is first.engine and _backend_pid(second) == pid
        with second.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version WHERE version_num = 'not-committed'"))\
                .scalar_one() == 0
            assert conn.execute(text("SELECT to_regclass('pg_temp.never_committed')")).scalar_one() is None
    finally:
        second.dispose()


def test_a_connection_left_checked_out_gives_the_next_store_a_new_engine(_postgres_ready: str) -> None:
    first = open_store(_postgres_ready)
    left = first.engine.connect()  # a thread still working when its test ended
    try:
        second = open_store(_postgres_ready)
        assert second.engine is not first.engine
        assert _backend_pid(second) != left.execute(text("SELECT pg_backend_pid()")).scalar_one()
    finally:
        left.close()


def test_a_later_sqlite_store_runs_the_first_ones_compiled_sql_on_its_own_file(tmp_path: Path) -> None:
    first = open_store(f"sqlite:///{tmp_path / 'first.db'}", upgrade_empty=True)
    second = open_store(f"sqlite:///{tmp_path / 'second.db'}", upgrade_empty=True)
    try:
        assert second.engine.dialect is first.engine.dialect and second.engine.pool is not first.engine.pool
        with first.write_session() as session:
            session.add(Client(org_number=org(1), name="Bare i den første AS", created_at=clock.now()))
        # A label of its own: a statement no other test in this process can have compiled.
        query = select(Client.name.label(f"name_{uuid.uuid4().hex}")).where(Client.org_number == org(1))
        seen = []
        for store in (first, second):
            with store.engine.connect() as conn:
                result = conn.execute(query)
                seen.append((result.context.cache_hit, result.scalars().all()))
        assert seen == [(CacheStats.CACHE_MISS, ["Bare i den første AS"]), (CacheStats.CACHE_HIT, [])]
    finally:
        first.dispose()
        second.dispose()
