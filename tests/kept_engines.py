"""Engines a test process keeps: one per PostgreSQL URL, and one SQL compiler for SQLite.

byraa opens a ``Store`` (an engine, a connection pool) per process: the TUI once, each
``byraa`` command once. The suite opens one per test and per command it invokes, which
cost it twice over.

**PostgreSQL: the engine and its connections are kept.** The suite opened 958
connections in a run, and for each PostgreSQL forked a server process, authenticated it
(SCRAM, on both ends) and loaded its catalog caches again: about 10 ms of the server's
CPU per store opened, and 18 ms of the test's time. With the engines kept a run makes
168 connections (the subprocesses' own), and the server's CPU over the run fell from
31 to 25 s.

Here a store on PostgreSQL gets the process's engine for its URL, whose pooled
connections outlive the store: ``dispose`` leaves them open for the next test. Nothing
of a session is kept that a test could see: each connection goes back to the pool
rolled back (SQLAlchemy's reset on return), and byraa sets no session state (no
``SET``, no advisory lock, no temporary table). Every subprocess (a ``byraa`` command
run as a process, a job killed with SIGKILL) opens its own connections as before.

A test that ends with a connection still checked out (a thread still working, a session
never closed) leaves it to that test's engine: the next store gets a new engine, as
before, so one test's leftovers never block or fill another's pool.

**SQLite: each store has its own engine and file, and all share one compiled SQL.**
SQLAlchemy keeps the SQL it compiled for a statement in the engine, keyed by the
engine's dialect: a process that runs for a day compiles each query once. Each test's new
engine compiled every query it ran again, 20 s of a run's CPU (the dashboard's queries
at every app start, first of all). A later SQLite engine with the same arguments takes
the first one's dialect and compiled cache: the same library, the same options, so the
same SQL; its pool, its connections and its file stay its own.
"""

from __future__ import annotations

from typing import Any

_ENGINES: dict[tuple[str, tuple], Any] = {}
"""The kept engine by URL and engine arguments."""

_SQLITE: dict[tuple, tuple[Any, Any]] = {}
"""The first SQLite engine's dialect and compiled SQL, shared by the later ones with the
same engine arguments."""


def install() -> None:
    """Make ``byraa.core.store.engine`` take its engines from here."""
    from byraa.core.store import engine as module

    create = module.create_engine

    def shared(url: Any, **kwargs: Any) -> Any:
        arguments = tuple(sorted((k, repr(v)) for k, v in kwargs.items()))
        if not str(url).startswith("postgresql"):
            engine = create(url, **kwargs)
            engine.dialect, engine._compiled_cache = _SQLITE.setdefault(
                arguments, (engine.dialect, engine._compiled_cache))
            return engine
        key = (str(url), arguments)
        engine = _ENGINES.get(key)
        if engine is None or engine.pool.checkedout():
            engine = _ENGINES[key] = create(url, **kwargs)
            engine.dispose = _keep_connections
        return engine

    module.create_engine = shared  # type: ignore[assignment]


def _keep_connections(close: bool = True) -> None:
    """A store's ``dispose``: the pooled connections stay for the next store of the URL."""
