"""Alembic, driven from code: ``byraa db upgrade`` and the schema check at start."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from byraa.core.errors import ConfigError
from byraa.core.store.engine import Store

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

HEAD = "0001"
"""The newest migration's revision. Checking a database against this constant at start
spares every start the import of alembic (about 130 ms); a test keeps it equal to the
head alembic computes from the migration files."""

KNOWN_REVISIONS = frozenset({"0001"})
"""Every revision this byraa ships; a database at any other was written by a newer byraa."""


def _config(store: Store) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return HEAD


def alembic_head() -> str | None:
    """The head as alembic computes it from the migration files (slow; for tests and upgrade)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def alembic_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str]:
    """Apply migrations; returns (revision before, revision after)."""
    before = current_revision(store)
    _refuse_unknown(before)
    from alembic import command

    cfg = _config(store)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current_revision(store) or ""


def _refuse_unknown(revision: str | None) -> None:
    if revision is None:
        return
    if revision not in KNOWN_REVISIONS:
        raise ConfigError(
            f"the database has schema revision {revision}, which this byraa does not know: "
            "it was written by a newer byraa. Upgrade byraa; nothing was changed."
        )


def check_current(store: Store) -> None:
    """Refuse a database whose schema is not exactly this byraa's head."""
    revision = current_revision(store)
    _refuse_unknown(revision)
    if revision != head_revision():
        state = "an empty database" if revision is None else f"schema revision {revision}"
        raise ConfigError(
            f"{store.display_url} has {state}; run `byraa db upgrade` to bring it to {head_revision()}"
        )


def is_empty(store: Store) -> bool:
    return current_revision(store) is None
