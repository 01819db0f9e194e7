"""Settings: a TOML file, overridden by ``BYRAA_*`` environment variables.

Settings are read once at start and passed down; nothing reads them at import time.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from byraa.core.base.errors import ConfigError
from byraa.core.settings import locations

LANGUAGES = ("nb", "en")


@dataclass(frozen=True)
class Settings:
    """What byraa needs to know before it opens a database."""

    database_url: str
    """SQLAlchemy URL of the agency's database (SQLite file or PostgreSQL)."""

    language: str = "nb"
    """UI language: ``nb`` (Norwegian bokmål, the default) or ``en``."""

    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, applied with ``App.set_keymap`` (for keys a terminal swallows)."""

    config_file: Path | None = None
    """The file these settings came from, if any."""

    inbox: Path | None = None
    """The agency's inbox folder: where the clients' payroll files are put for the intake
    (``inbox`` in the config file, ``BYRAA_INBOX``; default ``<data dir>/innboks``)."""

    @property
    def inbox_folder(self) -> Path:
        return self.inbox or locations.data_dir() / "innboks"


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite database file."""
    return f"sqlite:///{path.expanduser().resolve()}"


def _read_file(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("config.unreadable", path=path, reason=exc) from exc


def load_settings(db_path: Path | None = None, database_url: str | None = None) -> Settings:
    """Settings from, in rising order: the config file, the environment, the arguments."""
    path = locations.config_file()
    data = _read_file(path)
    url = (
        database_url
        or (sqlite_url(db_path) if db_path else None)
        or os.environ.get("BYRAA_DATABASE_URL")
        or data.get("database_url")
        or sqlite_url(locations.default_database_path())
    )
    language = os.environ.get("BYRAA_LANG") or data.get("language") or "nb"
    if language not in LANGUAGES:
        raise ConfigError("config.bad_language", language=language, languages=", ".join(LANGUAGES))
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict):
        raise ConfigError("config.bad_keymap", path=path)
    inbox = os.environ.get("BYRAA_INBOX") or data.get("inbox")
    if inbox is not None and not isinstance(inbox, str):
        raise ConfigError("config.bad_inbox", path=path)
    return Settings(database_url=url, language=language, keymap=keymap, config_file=path,
                    inbox=Path(inbox).expanduser() if inbox else None)
