"""Building the demo agency into its own database, never over a real agency's data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, text

from byraa.core import clock, identity, locations
from byraa.core.config import sqlite_url
from byraa.core.errors import UserError
from byraa.core.store import Store, migrate, open_store
from byraa.core.store.models import Agency, AuditEvent

if TYPE_CHECKING:
    from byraa.core.demo import DemoSummary


@dataclass(frozen=True)
class DemoResult:
    summary: DemoSummary
    url: str
    display_url: str
    sqlite_path: Path | None


def _is_demo_or_empty(store: Store) -> bool:
    if migrate.is_empty(store):
        return True
    with store.session() as session:
        if session.scalars(select(Agency.id)).first() is None:
            return True
        return session.scalars(select(AuditEvent.id).where(AuditEvent.action == "demo.build")).first() is not None


def _wipe_postgres(store: Store) -> None:
    from sqlmodel import SQLModel

    import byraa.core.store.models  # noqa: F401

    with store.engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        conn.execute(text("DROP FUNCTION IF EXISTS audit_event_append_only() CASCADE"))


def rebuild(*, clients: int, seed: int, db_path: Path | None, database_url: str | None) -> DemoResult:
    """Replace the demo database with a fresh agency of ``clients`` clients."""
    from byraa.core.demo import build_demo

    if database_url:
        url = database_url
        store = Store(url)
        store.check_reachable()
        if store.dialect == "sqlite":
            store.dispose()
            raise UserError("--database-url is for PostgreSQL; use --db PATH for a SQLite file")
        if not _is_demo_or_empty(store):
            store.dispose()
            raise UserError(f"{store.display_url} holds a real agency; the demo only replaces a demo or empty database")
        _wipe_postgres(store)
        store.dispose()
        path = None
    else:
        path = (db_path or locations.demo_database_path()).expanduser().resolve()
        url = sqlite_url(path)
        if path.exists():
            existing = Store(url, create=False)
            try:
                if not _is_demo_or_empty(existing):
                    raise UserError(f"{path} holds a real agency; the demo only replaces a demo or empty database")
            finally:
                existing.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(url, upgrade=True)
    try:
        summary = build_demo(store, clients=clients, seed=seed, manager_login=identity.current_login(),
                             today=clock.today())
    finally:
        store.dispose()
    return DemoResult(summary, url, store.display_url, path)

