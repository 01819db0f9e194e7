"""One SQLAlchemy engine per PostgreSQL URL for a whole test process, its connections kept.

byraa opens a ``Store`` (an engine, a connection pool) per process: the TUI once, each
``byraa`` command once. The suite opened one per test and per command it invokes, 958
connections in a run, and for each PostgreSQL forked a server process, authenticated it
(SCRAM, on both ends) and loaded its catalog caches again: about 10 ms of the server's
CPU per store opened, and 18 ms of the test's time. With the engines kept a run makes
168 connections (the subprocesses' own), and the server's CPU over the run fell from
31 to 25 s.

Here a store on PostgreSQL gets the process's engine for its URL, whose pooled
connections outlive the store: ``dispose`` leaves them open for the next test. Nothing
of a session is kept that a test could see: each connection goes back to the pool
rolled back (SQLAlchemy's reset on return), and byraa sets no session state (no
``SET``, no advisory lock, no temporary table). SQLite stores are untouched, and every
subprocess (a ``byraa`` command run as a process, a job killed with SIGKILL) opens its
own connections as before.

A test that ends with a connection still checked out (a thread still working, a session
never closed) leaves it to that test's engine: the next store gets a new engine, as
before, so one test's leftovers never block or fill another's pool.
"""

from __future__ import annotations

from typing import Any

_ENGINES: dict[tuple[str, tuple], Any] = {}
"""The kept engine by URL and engine arguments."""


def install() -> None:
    """Make ``byraa.core.store.engine`` take PostgreSQL engines from here."""
    from byraa.core.store import engine as module

    create = module.create_engine

    def shared(url: Any, **kwargs: Any) -> Any:
        if not str(url).startswith("postgresql"):
            return create(url, **kwargs)
        key = (str(url), tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        engine = _ENGINES.get(key)
        if engine is None or engine.pool.checkedout():
            engine = _ENGINES[key] = create(url, **kwargs)
            engine.dispose = _keep_connections
        return engine

    module.create_engine = shared  # type: ignore[assignment]


def _keep_connections(close: bool = True) -> None:
    """A store's ``dispose``: the pooled connections stay for the next store of the URL."""
