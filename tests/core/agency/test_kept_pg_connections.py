"""The suite keeps PostgreSQL connections between stores (``tests/pg_engines.py``): a later
store reuses them, sees nothing a former one left unfinished, and a store that left a
connection checked out hands the next store a new engine."""

from __future__ import annotations

from sqlalchemy import text

from byraa.core.store import open_store


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
