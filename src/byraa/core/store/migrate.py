"""Alembic, driven from code: ``byraa db upgrade`` and the schema check at start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from byraa.core.errors import ConfigError
from byraa.core.store.engine import Store

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(store: Store) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str]:
    """Apply migrations; returns (revision before, revision after)."""
    before = current_revision(store)
    _refuse_unknown(before)
    cfg = _config(store)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current_revision(store) or ""


def _refuse_unknown(revision: str | None) -> None:
    if revision is None:
        return
    script = ScriptDirectory(str(MIGRATIONS))
    try:
        known = script.get_revision(revision)
    except Exception:  # alembic raises several kinds for an unknown id
        known = None
    if known is None:
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
