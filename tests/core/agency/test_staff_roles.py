"""PostgreSQL staff roles (`byraa db grant-staff`): the trail is insert-and-read only.

Roles are created in the test (the cluster is shared, so each name carries the process
id) and dropped after. The test database's own role is a superuser, which no privilege
binds: the point is what a staff role can and cannot do.
"""

from __future__ import annotations

import os

import psycopg
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from byraa.cli.main import main
from byraa.core.agency import audit
from byraa.core.store import Store
from tests.builders import small_agency
from tests.core.agency.conftest import as_role


def _psql(url: str, sql: str) -> str | None:
    """Run ``sql`` as that role; the error's SQLSTATE class name, or None if it worked."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        try:
            conn.execute(sql)
        except psycopg.Error as exc:
            return type(exc).__name__
    return None


def test_a_staff_role_appends_to_the_trail_but_cannot_rewrite_it(pg_store: Store, staff_role) -> None:  # noqa: ANN001
    role = staff_role("clerk")
    small_agency(pg_store)
    with pg_store.session() as session:
        audit.record(session, actor="tester", action="test.first", entity="agency")
    staff = Store(as_role(pg_store, role))
    try:
        with staff.session() as session:  # the app's own writes work (as the login it is)
            audit.record(session, actor=role, action="test.second", entity="agency")
    finally:
        staff.dispose()
    url = as_role(pg_store, role)
    for sql in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event", "TRUNCATE audit_event",
                "ALTER TABLE audit_event DISABLE TRIGGER ALL", "DELETE FROM audit_chain_head",
                "TRUNCATE audit_chain_head", "DROP TABLE audit_event"):
        assert _psql(url, sql) == "InsufficientPrivilege", sql
    assert _psql(url, "SELECT count(*) FROM audit_event") is None
    verdict = audit.verify(pg_store)
    assert verdict.intact and verdict.events == 2


def test_grant_staff_refuses_sqlite_and_bad_names(tmp_path, pg_store: Store) -> None:  # noqa: ANN001
    bad = CliRunner().invoke(main, ["db", "grant-staff", 'x"; DROP TABLE client; --'],
                             env={"BYRAA_DATABASE_URL": pg_store.url})
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    missing = CliRunner().invoke(main, ["db", "grant-staff", f"sec_nobody_{os.getpid()}"],
                                 env={"BYRAA_DATABASE_URL": pg_store.url})
    assert missing.exit_code == 2
    sqlite = CliRunner().invoke(main, ["--db", str(tmp_path / "x.sqlite3"), "db", "grant-staff", "kari"])
    assert sqlite.exit_code == 2
