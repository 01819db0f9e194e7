"""Building the demo agency into its own database, never over a real agency's data.

An existing demo is opened, not rebuilt: people work in it, and a rebuild loses that work.
Only a manager of that demo may rebuild it, after a confirmation naming what is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from byraa.core.agency import identity
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.settings import locations
from byraa.core.settings.config import sqlite_url
from byraa.core.store import Store, migrate, open_store
from byraa.core.store.models import Agency, AuditEvent, Client, StaffUser

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
    opened: bool = False
    """True when an existing demo was opened as it is (nothing rebuilt)."""


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
    from byraa.sandbox.ensure import free_loopback_url

    url = base_url or free_loopback_url()  # each agency its own sandbox port, kept in its settings
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


def _is_empty(store: Store) -> bool:
    """No schema yet, or a schema with no agency in it."""
    try:
        if migrate.is_empty(store):
            return True
        with store.session() as session:
            return session.scalars(select(Agency.id)).first() is None
    except DBAPIError as exc:  # not a database at all (a text file named like one)
        raise UserError("demo.not_a_database", where=store.display_url) from exc


def _is_demo(store: Store) -> bool:
    with store.session() as session:
        return session.scalars(select(AuditEvent.id).where(AuditEvent.action == "demo.build")).first() is not None


def _wipe_postgres(store: Store) -> None:
    from sqlmodel import SQLModel

    from byraa.core.store.tables import load_all

    load_all()

    with store.engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        conn.execute(text("DROP FUNCTION IF EXISTS audit_event_append_only() CASCADE"))


@dataclass(frozen=True)
class ExistingDemo:
    """What a rebuild would delete: shown in the confirmation before anything is touched."""

    where: str
    clients: int
    audit_events: int


def _describe(store: Store) -> ExistingDemo:
    with store.session() as session:
        clients = session.scalar(select(func.count()).select_from(Client)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return ExistingDemo(store.display_url, clients, events)


def _require_demo_manager(store: Store) -> None:
    """Only a manager of this very demo may rebuild it (an unknown login is refused too)."""
    from byraa.core.agency.access import require_manager

    who = identity.resolve(store)
    require_manager(who, "rebuild the demo")


def _opened(store: Store, path: Path | None) -> DemoResult:
    """The existing demo as it is: nothing is written."""
    from byraa.core.altinn import connection

    with store.session() as session:
        clients = session.scalar(select(func.count()).select_from(Client)) or 0
        staff = [(u.login, u.name, u.role) for u in session.scalars(
            select(StaffUser).order_by(StaffUser.role.desc(), StaffUser.login))]
    settings = connection.agency_connection(store)
    key = Path(settings.key_path) if settings is not None and settings.key_path else None
    summary = OpenedDemo(clients=clients, staff=staff)
    return DemoResult(summary, store.url, store.display_url, path, key,  # type: ignore[arg-type]
                      settings.base_url if settings is not None else None, opened=True)


@dataclass(frozen=True)
class OpenedDemo:
    clients: int
    staff: list[tuple[str, str, str]]


def open_or_build(*, clients: int, seed: int, db_path: Path | None, database_url: str | None,
                  rebuild: bool = False, confirm: Callable[[ExistingDemo], bool] | None = None) -> DemoResult:
    """Open the demo database if it holds a demo; build one where there is none.

    An existing demo is replaced only with ``rebuild``, only when the current login is a
    manager of that demo, and only after ``confirm`` (shown what is lost) says yes. A
    database that holds anything but a demo is refused and never touched.
    """
    if database_url:
        store = Store(database_url)
        store.check_reachable()
        if store.dialect == "sqlite":
            store.dispose()
            raise UserError("demo.url_not_postgres")
        path = None
    else:
        path = (db_path or locations.demo_database_path()).expanduser().resolve()
        if path.exists() and not path.is_file():
            raise UserError("demo.not_a_file", path=path)
        store = Store(sqlite_url(path), create=False) if path.exists() else None
    try:
        if store is not None and not _is_empty(store):
            if not _is_demo(store):
                raise UserError("demo.not_a_demo", where=store.display_url)
            if not rebuild:
                migrate.upgrade(store)
                return _opened(store, path)
            _require_demo_manager(store)
            if confirm is None or not confirm(_describe(store)):
                raise UserError("demo.rebuild_not_confirmed")
        if database_url:
            assert store is not None
            _wipe_postgres(store)
    finally:
        if store is not None:
            store.dispose()
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return _build(clients=clients, seed=seed, url=database_url or sqlite_url(path), path=path)  # type: ignore[arg-type]


def _build(*, clients: int, seed: int, url: str, path: Path | None) -> DemoResult:
    from byraa.demo import build_demo

    store = open_store(url, upgrade=True)
    manager = identity.current_login()
    try:
        # The clients' files go next to the database (a PostgreSQL demo: in byraa's data folder).
        inbox = None if path is not None else locations.ensure_private_dir(locations.data_dir()) / "demo-postgres-innboks"
        summary = build_demo(store, clients=clients, seed=seed, manager_login=manager, today=clock.today(),
                             inbox=inbox)
        key_dir = path.parent if path is not None else locations.ensure_private_dir(locations.data_dir())
        key_name = f"{path.stem}-key" if path is not None else "demo-postgres-key"
        key_path, sandbox_url = connect_sandbox(store, manager, key_dir, name=key_name)
    finally:
        store.dispose()
    return DemoResult(summary, url, store.display_url, path, key_path, sandbox_url)
