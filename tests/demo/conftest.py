"""One 60-client demo (seed 1) per test process for the demo tests that only read it:
building it runs the intake over some 680 files, too slow to repeat per test."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def demo60(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """(store, summary) of a 60-client demo in a SQLite file with its inbox beside it."""
    from byraa.core.store import open_store
    from byraa.demo import build_demo

    folder = tmp_path_factory.mktemp("demo60")
    store = open_store(f"sqlite:///{folder / 'demo.sqlite3'}", upgrade=True)
    summary = build_demo(store, clients=60, seed=1, manager_login="tester", today=TODAY)
    yield store, summary
    store.dispose()
