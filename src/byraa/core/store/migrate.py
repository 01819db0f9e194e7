"""Alembic, driven from code: ``byraa db upgrade`` and the schema check at start."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from byraa.core.base.errors import ConfigError
from byraa.core.store.engine import Store

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

_REVISION = re.compile(r"^revision\s*=\s*['\"](\w+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)


@lru_cache(maxsize=1)
def _graph() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, the heads), read from the migration files as text.

    Checking a database at start this way spares every start the import of alembic
    (about 130 ms); a test keeps it equal to what alembic computes.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        match = _REVISION.search(source)
        if not match:
            continue
        revisions.add(match.group(1))
        down = _DOWN.search(source)
        if down:
            parents.update(re.findall(r"['\"](\w+)['\"]", down.group(1)))
    return frozenset(revisions), frozenset(revisions - parents)


def known_revisions() -> frozenset[str]:
    return _graph()[0]


def heads() -> frozenset[str]:
    return _graph()[1]


def _config(store: Store) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The single head, joined with "+" when branches are not merged yet."""
    return "+".join(sorted(heads()))


def alembic_heads() -> set[str]:
    """The heads as alembic computes them from the migration files (slow; for tests)."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def alembic_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def current_revisions(store: Store) -> frozenset[str]:
    with store.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return frozenset()
        return frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def current_revision(store: Store) -> str | None:
    """The database's revision ("+"-joined if on several branches), or None when empty."""
    revisions = current_revisions(store)
    return "+".join(sorted(revisions)) if revisions else None


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str]:
    """Apply migrations; returns (revision before, revision after)."""
    before = current_revision(store)
    _refuse_unknown(current_revisions(store))
    from alembic import command

    cfg = _config(store)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads" if revision == "head" else revision)
    return before, current_revision(store) or ""


def _refuse_unknown(revisions: frozenset[str]) -> None:
    unknown = sorted(revisions - known_revisions())
    if unknown:
        raise ConfigError("db.newer_schema", revision="+".join(unknown))


def check_current(store: Store) -> None:
    """Refuse a database whose schema is not exactly this byraa's head."""
    revisions = current_revisions(store)
    _refuse_unknown(revisions)
    if revisions != heads():
        if not revisions:
            raise ConfigError("db.empty_needs_upgrade", url=store.display_url, head=head_revision())
        raise ConfigError("db.needs_upgrade", url=store.display_url, revision=current_revision(store),
                          head=head_revision())


def is_empty(store: Store) -> bool:
    return not current_revisions(store)
