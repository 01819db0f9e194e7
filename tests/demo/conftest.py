"""One 60-client demo (seed 1) for the demo tests that only read it: building it runs the
intake over some 860 files (about 9-12 s), too slow to repeat per test, and too slow to
repeat per xdist worker, so its tests go to one worker together."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = date(2026, 11, 22)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Send every test that reads ``demo60`` to one worker (``--dist loadgroup``)."""
    for item in items:
        if "demo60" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo60"))


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
