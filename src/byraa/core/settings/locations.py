"""Where byraa keeps its files: config, data and the default databases.

Each location can be overridden by an environment variable so tests and shared
servers never touch the real user directories.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "byraa"


def config_dir() -> Path:
    """The folder of ``config.toml`` (``BYRAA_CONFIG_DIR`` overrides)."""
    if env := os.environ.get("BYRAA_CONFIG_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The folder of the databases, exports and demo key files (``BYRAA_DATA_DIR`` overrides)."""
    if env := os.environ.get("BYRAA_DATA_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The config file (``BYRAA_CONFIG`` overrides the whole path)."""
    if env := os.environ.get("BYRAA_CONFIG"):
        return Path(env)
    return config_dir() / "config.toml"


def default_database_path() -> Path:
    """The user's own agency database when no URL or path is given."""
    return data_dir() / "byraa.sqlite3"


def demo_database_path() -> Path:
    """Where ``byraa demo`` builds its synthetic agency unless ``--db`` says otherwise."""
    return data_dir() / "demo.sqlite3"


def ensure_private_dir(path: Path) -> Path:
    """Create a folder readable by the owner only (0700), parents included."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
