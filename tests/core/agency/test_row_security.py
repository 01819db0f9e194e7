"""Row-level security: a staff role's own database session (``psql``) reads and changes only
the payroll rows of its clients; an agency manager's role sees all; the owner is not bound."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import inspect, text, update
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from byraa.core.agency import audit, row_security
from byraa.core.store import Store
from byraa.core.store.models import StaffUser
from byraa.core.store.tables import load_all
from tests.builders import small_agency
from tests.core.agency.conftest import as_role


def _rows(url: str, sql: str) -> list[tuple]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(sql).fetchall()


def _as_login(store: Store, login: str, role_name: str) -> None:
    """Give the staff user ``login`` the database role's name as its login."""
    with store.session() as session:
        session.execute(update(StaffUser).where(StaffUser.login == login).values(login=role_name))


def test_a_clerk_role_reads_only_its_own_clients_rows(pg_store: Store, staff_role) -> None:  # noqa: ANN001
    small = small_agency(pg_store)
    clerk = staff_role("rlsclerk")
    _as_login(pg_store, "clerk", clerk)  # the clerk is responsible for B only
    url = as_role(pg_store, clerk)
    b = small.clients["B"]
    for table in ("employee", "employment", "payroll_run", "amelding_submission", "client_activity"):
        seen = {row[0] for row in _rows(url, f"SELECT DISTINCT client_id FROM {table}")}
        assert seen == {b}, table
    leaves_or_children = _rows(url, "SELECT count(*) FROM leave")  # a child table answers without error
    assert leaves_or_children[0][0] >= 0
    # The client register itself stays readable (the client list shows it to everyone).
    assert len(_rows(url, "SELECT id FROM client")) == 3
    # A write to another client's rows touches nothing; into another client is refused.
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        changed = conn.execute("UPDATE employee SET name = 'x' WHERE client_id <> %s", (b,)).rowcount
        assert changed == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO payroll_run (client_id, period, payslip_count, payslips_manual, gross, "
                         "withholding, employer_contribution) VALUES (%s, '2026-12', 1, 0, 1, 0, 0)",
                         (small.clients["A"],))
    # The trail: she appends (the app's own writes work) and reads only her own events.
    staff = Store(url)
    try:
        with staff.session() as session:
            audit.record(session, actor=clerk, action="test.mine", entity="agency")
    finally:
        staff.dispose()
    with pg_store.session() as session:
        audit.record(session, actor="tester", action="test.theirs", entity="agency")
    assert _rows(url, "SELECT action FROM audit_event") == [("test.mine",)]
    assert audit.verify(pg_store).intact
    # The owner's session (migrations, the demo) is not bound.
    with pg_store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(DISTINCT client_id) FROM employee")).scalar() == 3


def test_a_manager_role_sees_every_client_and_a_deactivated_one_nothing(pg_store: Store, staff_role) -> None:  # noqa: ANN001
    small_agency(pg_store)
    manager = staff_role("rlsboss")
    _as_login(pg_store, "tester", manager)
    url = as_role(pg_store, manager)
    assert len({row[0] for row in _rows(url, "SELECT DISTINCT client_id FROM employee")}) == 3
    with pg_store.session() as session:
        session.execute(update(StaffUser).where(StaffUser.login == manager).values(active=False))
    assert _rows(url, "SELECT count(*) FROM employee") == [(0,)]


def test_a_role_no_staff_user_has_sees_no_payroll_rows(pg_store: Store, staff_role) -> None:  # noqa: ANN001
    small_agency(pg_store)
    stranger = staff_role("rlsnobody")
    url = as_role(pg_store, stranger)
    for table in row_security.CLIENT_TABLES:
        assert _rows(url, f"SELECT count(*) FROM {table}") == [(0,)], table


def test_every_table_with_a_client_id_is_protected_or_named_open(pg_store: Store, staff_role) -> None:  # noqa: ANN001
    load_all()
    with_client = {t.name for t in SQLModel.metadata.sorted_tables if "client_id" in t.c}
    listed = set(row_security.CLIENT_TABLES) | row_security.OPEN_TABLES | {row_security.AUDIT_TABLE}
    assert with_client == listed, with_client ^ listed
    staff_role("rlscheck")  # grant-staff applies the policies
    tables = inspect(pg_store.engine).get_table_names()
    with pg_store.engine.connect() as conn:
        protected = {row[0] for row in conn.execute(text(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r'"))}
    expected = set(row_security.CLIENT_TABLES) | set(row_security.CHILD_TABLES)
    assert expected <= protected and expected <= set(tables)
