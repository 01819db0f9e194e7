"""The migration that starts the chain links the events already stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from byraa.core.agency import audit
from byraa.core.store import Store, migrate


def test_upgrading_chains_the_events_already_stored(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        migrate.upgrade(store, "0006")
        with store.engine.begin() as conn:
            for n in range(4):
                conn.execute(text("INSERT INTO audit_event (at, actor, action, entity, after) "
                                  "VALUES (:at, 'tester', 'old.event', 'agency', :after)"),
                             {"at": datetime(2026, 1, 1 + n, 12, tzinfo=UTC).replace(tzinfo=None),
                              "after": f'{{"n": {n}}}'})
        migrate.upgrade(store)
        verdict = audit.verify(store)
        assert verdict.intact and verdict.events == 4
        with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("UPDATE audit_event SET actor = 'x'"))  # the triggers are back
    finally:
        store.dispose()
