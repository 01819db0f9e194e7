"""A demo agency built once per test process and copied into each test's store.

Building the demo runs the intake over its files (seconds); the demo is the same for the
same size, seed and day, so on SQLite it is built once per process (an xdist worker) and
copied with SQLite's backup API. Used by the UI tests and by core tests that need a whole
agency.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path

from byraa.core.store import Store

DEMO_TODAY = date(2026, 11, 22)
"""The suite's pinned day (``BYRAA_TODAY`` in conftest)."""
DEMO_CLIENTS = 12


_TEMPLATES: dict[tuple[int, int], Path] = {}
"""Demo agencies built in this process (an xdist worker), by size and seed: built once, copied after."""


def build_agency(store: Store, clients: int = DEMO_CLIENTS, seed: int = 1) -> None:
    """The demo agency (seed 1 unless told) with ``tester`` as one of its managers.

    On SQLite the demo is built once per process and copied into ``store`` with SQLite's
    backup API: the demo is the same for the same seed, size and day, and building it
    for every UI test was most of the suite's time. PostgreSQL stores build it anew.
    """
    from byraa.demo import build_demo

    if store.sqlite_path is None:
        build_demo(store, clients=clients, seed=seed, manager_login="tester", today=DEMO_TODAY)
        return
    template = _TEMPLATES.get((clients, seed))
    if template is None:
        from byraa.core.settings.config import sqlite_url
        from byraa.core.store import open_store

        folder = Path(tempfile.mkdtemp(prefix="byraa-demo-template-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / f"demo-{clients}-{seed}.sqlite3"
        built = open_store(sqlite_url(template), upgrade=True)
        try:
            build_demo(built, clients=clients, seed=seed, manager_login="tester", today=DEMO_TODAY)
        finally:
            built.dispose()
        _TEMPLATES[clients, seed] = template
    store.dispose()  # no pooled connection may hold the old contents
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(store.sqlite_path)) as target:
        source.backup(target)
    store.dispose()


