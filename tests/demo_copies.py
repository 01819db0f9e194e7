"""The demo agency, built once per test process and copied into each test's store.

Building the demo runs the intake over its files (seconds); the demo is the same for the
same size, seed and day, so it is built once per process (an xdist worker) and copied
(``tests/store_copies``) on both backends. Used by the UI tests and by core tests that
need a whole agency.
"""

from __future__ import annotations

from datetime import date

from byraa.core.store import Store

DEMO_TODAY = date(2026, 11, 22)
"""The suite's pinned day (``BYRAA_TODAY`` in conftest)."""
DEMO_CLIENTS = 12


def build_agency(store: Store, clients: int = DEMO_CLIENTS, seed: int = 1) -> None:
    """The demo agency (seed 1 unless told) with ``tester`` as one of its managers.

    Built once per process and copied into each empty store after (``tests/store_copies``):
    the demo is the same for the same seed, size and day, and building it for every UI
    test was most of the suite's time.
    """
    from byraa.demo import build_demo
    from tests.store_copies import filled_once

    filled_once(store, ("demo", clients, seed), lambda s: build_demo(
        s, clients=clients, seed=seed, manager_login="tester", today=DEMO_TODAY))
