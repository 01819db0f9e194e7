"""Building the demo agency into its own database, never over a real agency's data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, text

from byraa.core.agency import identity
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.settings import locations
from byraa.core.settings.config import sqlite_url
from byraa.core.store import Store, migrate, open_store
from byraa.core.store.models import Agency, AuditEvent, Client

if TYPE_CHECKING:
    from byraa.demo import DemoSummary


@dataclass(frozen=True)
class DemoResult:
    summary: DemoSummary
    url: str
    display_url: str
    sqlite_path: Path | None
    key_path: Path | None = None
    """The demo's Maskinporten private key (0600), next to the demo database."""
    sandbox_url: str | None = None


DEMO_CLIENT_ID = "byraa-demo"


def connect_sandbox(store: Store, manager_login: str, key_dir: Path, *, name: str = "demo-key",
                    base_url: str | None = None) -> tuple[Path, str]:
    """Generate a demo key pair in ``key_dir`` (private key 0600, ``.pub`` beside it) and
    point the agency's Altinn settings at the sandbox: environment sandbox, the demo
    client id, the key, and the agency's own org number as system user.

    The sandbox (``byraa sandbox``, or the one a command runs in-process) registers the
    public key from ``<key>.pub``. Returns (private key path, sandbox URL).
    """
    import os

    from byraa.core.altinn import connection
    from byraa.core.altinn.settings import SANDBOX_DEFAULT_URL
    from byraa.sandbox.keys import generate_key_pair

    key = generate_key_pair(key_dir, name=name, key_id=f"{name}-{os.urandom(4).hex()}")
    pub = Path(f"{key.private_path}.pub")
    fd = os.open(pub, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        os.write(fd, key.public_pem)
    finally:
        os.close(fd)
    with store.session() as session:
        agency_org = session.scalars(select(Agency.org_number)).one()
    url = base_url or SANDBOX_DEFAULT_URL
    who = identity.resolve(store, manager_login)
    settings = connection.ConnectionSettings("sandbox", DEMO_CLIENT_ID, key.key_id, str(key.private_path),
                                             agency_org, url, contact_email="lonn@byraa.example",
                                             contact_phone="+4791234567")
    connection.set_agency_connection(store, who, settings)
    # The demo's clients that "use their own settings" get the same system user's settings
    # entered as their own, so every client works out of the box.
    with store.session() as session:
        own = list(session.scalars(select(Client.org_number).where(Client.uses_agency_altinn.is_(False))))
    for org in own:
        connection.set_client_connection(store, who, org, settings)
    return key.private_path, url


def _is_demo_or_empty(store: Store) -> bool:
    if migrate.is_empty(store):
        return True
    with store.session() as session:
        if session.scalars(select(Agency.id)).first() is None:
            return True
        return session.scalars(select(AuditEvent.id).where(AuditEvent.action == "demo.build")).first() is not None


def _wipe_postgres(store: Store) -> None:
    from sqlmodel import SQLModel

    from byraa.core.store.tables import load_all

    load_all()

    with store.engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        conn.execute(text("DROP FUNCTION IF EXISTS audit_event_append_only() CASCADE"))


def rebuild(*, clients: int, seed: int, db_path: Path | None, database_url: str | None) -> DemoResult:
    """Replace the demo database with a fresh agency of ``clients`` clients."""
    from byraa.demo import build_demo

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
    manager = identity.current_login()
    try:
        summary = build_demo(store, clients=clients, seed=seed, manager_login=manager, today=clock.today())
        key_dir = path.parent if path is not None else locations.ensure_private_dir(locations.data_dir())
        key_name = f"{path.stem}-key" if path is not None else "demo-postgres-key"
        key_path, sandbox_url = connect_sandbox(store, manager, key_dir, name=key_name)
    finally:
        store.dispose()
    return DemoResult(summary, url, store.display_url, path, key_path, sandbox_url)

