"""PostgreSQL staff roles made for a test: created with `byraa db grant-staff --create`,
given a password for the loopback connection, dropped after (the cluster is shared, so
each name carries the process id)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from byraa.cli.main import main
from byraa.core.store import Store

PASSWORD = "staff-test-pw"


@pytest.fixture
def pg_store(store) -> Store:  # noqa: ANN001
    if store.dialect != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    return store


def as_role(store: Store, role: str) -> str:
    """``store``'s URL, connecting as ``role``."""
    return make_url(store.url).set(username=role, password=PASSWORD).render_as_string(hide_password=False)


@pytest.fixture
def staff_role(pg_store: Store) -> Iterator[Callable[[str], str]]:
    """``make(name)`` -> a new staff database role ``sec_<name>_<pid>``."""
    made: list[str] = []

    def make(name: str) -> str:
        role = f"sec_{name}_{os.getpid()}"
        result = CliRunner().invoke(main, ["db", "grant-staff", role, "--create"],
                                    env={"BYRAA_DATABASE_URL": pg_store.url})
        assert result.exit_code == 0, result.output
        made.append(role)
        with pg_store.engine.begin() as conn:
            conn.execute(text(f"ALTER ROLE \"{role}\" PASSWORD '{PASSWORD}'"))
        return role

    yield make
    pg_store.dispose()
    with pg_store.engine.begin() as conn:
        for role in made:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
