"""The store on both backends: migrations, schema check, append-only audit, file mode."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from byraa.core.agency import audit
from byraa.core.base.errors import ConfigError
from byraa.core.store import Store, migrate, open_store


def test_migrated_store_is_at_head(store) -> None:
    assert migrate.current_revision(store) == migrate.head_revision()
    migrate.check_current(store)


def test_audit_events_cannot_be_changed_or_deleted(store) -> None:
    with store.session() as session:
        audit.record(session, actor="tester", action="client.add", entity="client", entity_id=1, after={"a": 1})
    rows = None
    with store.session() as session:
        rows = audit.recent(session)
    assert rows[0].action == "client.add" and rows[0].after == {"a": 1}
    for statement in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(statement))
    with store.session() as session:
        assert audit.recent(session)[0].actor == "tester"


def test_sqlite_file_is_private_and_in_wal_mode(tmp_path) -> None:
    path = tmp_path / "sub" / "a.sqlite3"
    s = open_store(f"sqlite:///{path}", upgrade=True)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with s.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    s.dispose()


def test_empty_database_is_refused_until_upgraded(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with pytest.raises(ConfigError, match="byraa db upgrade"):
        open_store(url)
    open_store(url, upgrade=True).dispose()
    open_store(url).dispose()


def test_newer_schema_is_refused_and_left_alone(store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999')"))
    with pytest.raises(ConfigError, match="nyere byraa"):
        migrate.check_current(store)
    with pytest.raises(ConfigError, match="nyere byraa"):
        migrate.upgrade(store)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"


def test_unreachable_postgres_is_one_clear_error() -> None:
    s = Store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(ConfigError) as err:
        s.check_reachable()
    assert err.value.code == "db.unreachable" and "får ikke kontakt med databasen" in str(err.value)
    assert "secret" not in str(err.value)


def test_revision_graph_read_as_text_matches_alembic() -> None:
    assert migrate.heads() == migrate.alembic_heads()
    assert migrate.known_revisions() == migrate.alembic_revisions()


def test_the_migrated_schema_and_the_table_classes_agree(store) -> None:
    """The schema is made only by the migrations; the code reads it through the classes.
    A column, table or index added to one and not the other is found here, on both
    backends (SQLite cannot reflect expression-based indexes: alembic skips those)."""
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from byraa.core.store.tables import load_all

    load_all()  # every table on the metadata
    with store.engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite's note that it skips the expression-based index
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == []
