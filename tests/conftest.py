"""Shared fixtures: isolated dirs, a pinned clock, and the store on SQLite and PostgreSQL.

Every test that touches the store asks for ``store``, which runs it twice: on a fresh
SQLite file and on the PostgreSQL named by ``BYRAA_TEST_POSTGRES_URL``. Locally the
PostgreSQL half is skipped (with the reason shown) when no URL is set; in CI a missing
PostgreSQL fails the run.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BYRAA_TEST_POSTGRES_URL")
TODAY = "2026-11-22"
"""The pinned date of the test suite (``BYRAA_TODAY``): the demo and deadlines follow it."""


def _snapshot_dir() -> None:
    """Keep snapshot SVGs in the top-level ``snapshots/`` folder, one folder per test module."""
    from pytest_textual_snapshot import SVGImageExtension

    def dirname(cls, *, test_location) -> str:  # noqa: ANN001
        return str(ROOT / "snapshots" / Path(test_location.filepath).stem)

    SVGImageExtension.dirname = classmethod(dirname)  # type: ignore[method-assign]


_snapshot_dir()


def _idle_from_the_apps_queues() -> None:
    """The pilot waits until the app's queues and workers are done, not a clock step more
    (``tests/idle_wait.py``): the UI tests still wait on workers and messages."""
    from tests import idle_wait

    idle_wait.install()


_idle_from_the_apps_queues()


def _rsa_keys_pooled() -> None:
    """RSA keys generated once per process, each test getting its own n keys again
    (``tests/key_pool.py``)."""
    from tests import key_pool

    key_pool.install()


_rsa_keys_pooled()


def _engines_kept() -> None:
    """One engine per PostgreSQL URL and process, its connections kept between tests, and
    one compiled SQL for all SQLite engines (``tests/kept_engines.py``)."""
    from tests import kept_engines

    kept_engines.install()


_engines_kept()


def _steady_cursors() -> None:
    """Text cursors that do not blink in tests.

    An input's cursor shows and hides every 0.5 s: a snapshot taken more than half a
    second after the focus (a loaded machine, more test workers than cores) caught it
    hidden and failed. Kept shown, as right after a key, so a snapshot does not depend on
    the clock. ``test_a_focused_input_keeps_its_cursor_shown`` fails if a new Textual moves these names.
    """
    from textual.widgets import Input, TextArea

    def shown(self) -> None:  # noqa: ANN001
        self._cursor_visible = True

    Input._toggle_cursor = shown  # type: ignore[method-assign]
    TextArea._toggle_cursor_blink_visible = shown  # type: ignore[method-assign]


_steady_cursors()


def _transitions_drawn_at_once() -> None:
    """No 50 ms mask over a mode switch or a chosen command in tests.

    Textual holds a screen's repaints back for 50 ms on a timer after a mode switch and
    after a command chosen in the palette (``App.delay_update``: it hides the frame in
    between). The pilot's idle check waits for that timer (a picture taken before it ends
    shows the screen of the moment before): 180 of them a run, 9 s of waiting. Here
    Textual's own calls (with no delay given) hold it for 1 ms: the same repaint, drawn
    once, only without the wait (Textual's timers refuse 0). A delay given is kept.
    ``test_a_transition_is_drawn_at_once`` fails if a new Textual moves the name.
    """
    from textual.app import App

    delay_update = App.delay_update

    def at_once(self, delay: float | None = None) -> None:  # noqa: ANN001
        delay_update(self, 0.001 if delay is None else delay)

    App.delay_update = at_once  # type: ignore[method-assign]


_transitions_drawn_at_once()


_PARSED_CSS: dict[tuple, list] = {}
"""Textual's parsed rules, by CSS source, origin and theme variables, across apps."""


def _css_parsed_once_per_process() -> None:
    """Share parsed CSS between the apps of one test process.

    Textual parses each CSS source once per stylesheet, and builds a new stylesheet (and
    parses every source again) each time a screen class is first shown or the theme is
    set: some 25 ms each, several times per UI test and again in the next test's app.
    The result depends only on the source, its origin and the theme's variables, which
    are the key here; Textual reads parsed rules and never changes them (its own cache
    hands the same lists to each parse of a stylesheet).
    """
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules

    def shared(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):  # noqa: ANN001, ANN202
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = _PARSED_CSS.get(key)
        if rules is None:
            rules = _PARSED_CSS[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    Stylesheet._parse_rules = shared  # type: ignore[method-assign]


_css_parsed_once_per_process()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Collect garbage as bulk work does (``core.base.bulk_work``), with the start frozen.

    With Python's default thresholds the collector took a fifth of a UI test worker's CPU
    (17.6 of 89.9 s over ``tests/tui tests/cli``, 41 full collections): each full
    collection scanned every module the tests import, and every object the tests keep,
    again. What collecting built is frozen (it lives until the process ends) and the
    thresholds are the bulk work's: 3.0-3.3 s of collector then. Cycles are still
    collected, later; a worker's peak memory rose from about 330 to 780 MB.
    """
    import gc

    from byraa.core.base.bulk_work import BULK_THRESHOLDS

    gc.collect()
    gc.freeze()
    gc.set_threshold(*BULK_THRESHOLDS)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Freeze what the tests left, so pytest's closing collections have nothing to scan.

    pytest ends a session with five full collections (to report exceptions raised in
    finalizers); over the 700-900 MB a worker holds by then they took about 11 s per
    worker, the last seconds of every run, with every test already done. Exceptions a
    finalizer raises during a test are still reported with that test.
    """
    import gc

    gc.freeze()


_HOMES = itertools.count()
"""Numbers for the tests' home folders in this process."""


@pytest.fixture(autouse=True)
def _isolate(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the machine running the tests out of them: own dirs, own login, pinned day."""
    # Numbered here, not by ``mktemp``: it lists every folder made so far to find the next
    # number, a thousand times per worker (about 1.5 s of CPU over a run).
    home = tmp_path_factory.getbasetemp() / f"byraa-home-{next(_HOMES)}"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("BYRAA_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("BYRAA_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("BYRAA_TODAY", TODAY)
    monkeypatch.setenv("BYRAA_LANG", "nb")
    monkeypatch.delenv("BYRAA_DATABASE_URL", raising=False)
    monkeypatch.delenv("BYRAA_CONFIG", raising=False)
    monkeypatch.setenv("BYRAA_USER", "tester")
    # The demo's sandbox answers at the first poll: its one "not ready yet" cost each A07
    # fetch through it a second's wait. The tests of waiting set their sandbox's polls.
    monkeypatch.setenv("BYRAA_SANDBOX_READY_AFTER", "0")
    # The language is process state: a test that switched it must not leak English
    # into the next test on the same worker.
    from byraa.core.words import i18n

    i18n.set_language("nb")
    # The sandbox environment is provided explicitly, as the CLI entry does; a test that
    # unregisters it (to see the refusal) cannot leak that into the next test.
    from byraa.sandbox.ensure import register as provide_sandbox

    provide_sandbox()
    from tests import key_pool

    key_pool.reset()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session, copied for each test (migrations run once)."""
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    open_store(sqlite_url(path), upgrade=True).dispose()
    return path


def _worker_database(url: str, worker: str) -> str:
    """``url`` with a database of this xdist worker's own (created on first use).

    Each worker truncates and migrates its own database, so workers never see each
    other's rows. The role in ``BYRAA_TEST_POSTGRES_URL`` needs CREATEDB.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgres_ready(worker_id: str) -> str:
    """Migrate this worker's test PostgreSQL database once per session (from empty)."""
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but BYRAA_TEST_POSTGRES_URL is not set: PostgreSQL must run in CI")
        pytest.skip("PostgreSQL half skipped: set BYRAA_TEST_POSTGRES_URL to run it")
    from byraa.core.store import Store, migrate

    url = PG_URL if worker_id == "master" else _worker_database(PG_URL, worker_id)
    store = Store(url)
    store.check_reachable()
    with store.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(store)
    store.dispose()
    return url


_EMPTIERS: dict[str, Any] = {}
"""The store that empties this worker's PostgreSQL database between tests, by URL."""

_EMPTYING: dict[str, str] = {}
"""The statement that empties this worker's PostgreSQL database, by URL (built once)."""


def _truncate_all(store) -> None:  # noqa: ANN001
    """Empty every table and restart every sequence, as a fresh migrated database.

    TRUNCATE of the 44 tables took about 0.3 s per test (new files for each table), so a
    superuser role (as in CI) deletes the rows instead with triggers and foreign keys off
    for the transaction (``session_replication_role = replica``; the audit trail's guards
    are triggers), about 2 ms. Another role falls back to TRUNCATE.
    """
    from sqlmodel import SQLModel

    from byraa.core.store import migrate
    from byraa.core.store.tables import load_all

    statement = _EMPTYING.get(store.url)
    if statement is None:
        load_all()
        tables = [f'"{t.name}"' for t in SQLModel.metadata.sorted_tables]
        with store.engine.connect() as conn:
            superuser = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
        if superuser:
            statement = "; ".join([
                "SET LOCAL session_replication_role = replica",
                *(f"DELETE FROM {name}" for name in reversed(tables)),
                "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = 'public'",
            ])
        else:
            statement = f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"
        _EMPTYING[store.url] = statement
    with store.engine.begin() as conn:
        conn.exec_driver_sql(statement)
        # A test may have moved the schema revision (to test refusals): put it back.
        conn.execute(text("DELETE FROM alembic_version"))
        for head in sorted(migrate.heads()):
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head})


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL: SQLite and PostgreSQL in turn."""
    if request.param == "sqlite":
        path = tmp_path / "byraa.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        os.chmod(path, 0o600)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("_postgres_ready")
    from byraa.core.store import Store

    # One store per worker empties the database, its connection kept between tests: a
    # new PostgreSQL connection per test (a server process forked, authenticated) cost
    # more than the emptying itself.
    store = _EMPTIERS.get(url)
    if store is None:
        store = _EMPTIERS[url] = Store(url)
    _truncate_all(store)
    yield url


@pytest.fixture
def store(store_url: str):  # noqa: ANN201
    """An open, migrated, empty store on SQLite and on PostgreSQL."""
    from byraa.core.store import open_store

    s = open_store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path, _sqlite_template: Path):  # noqa: ANN201
    """A migrated SQLite store only, for UI tests that need data but not both backends."""
    from byraa.core.store import open_store

    path = tmp_path / "ui.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    s = open_store(f"sqlite:///{path}")
    yield s
    s.dispose()
