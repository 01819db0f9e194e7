"""Who a session is cannot be claimed: PostgreSQL's current_user, or the OS uid.

``USER``/``BYRAA_USER`` are honoured only where nobody else reaches the data: a SQLite
file owned by the user running byraa, and the demo.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from byraa.cli.main import main
from byraa.core.agency import identity
from byraa.core.base.errors import AccessDenied
from byraa.core.store import Store, open_store
from byraa.core.store.models import ClientAccess, StaffUser
from tests.builders import NOW, org, small_agency
from tests.core.agency.conftest import as_role


def _add_staff(store: Store, login: str, role: str) -> None:
    with store.session() as s:
        s.add(StaffUser(login=login, name="Kari Klerk", role=role, created_at=NOW))


def test_byraa_user_cannot_change_who_a_postgresql_session_is(pg_store: Store, staff_role,  # noqa: ANN001
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    small_agency(pg_store)
    kari = staff_role("kari")
    _add_staff(pg_store, kari, "clerk")
    url = as_role(pg_store, kari)
    for claimed in ("tester", "other"):
        monkeypatch.setenv("BYRAA_USER", claimed)
        monkeypatch.setenv("USER", claimed)
        session_store = Store(url)
        try:
            who = identity.resolve(session_store)
        finally:
            session_store.dispose()
        assert (who.login, who.role) == (kari, "clerk")
        result = CliRunner().invoke(main, ["access", "grant", "other", org(3), "--role", "responsible"],
                                    env={"BYRAA_DATABASE_URL": url, "BYRAA_USER": claimed, "USER": claimed})
        assert result.exit_code == 2 and kari in result.stderr, result.output
    with pg_store.session() as s:
        assert s.scalars(select(ClientAccess).where(ClientAccess.client_id == 3)).first() is None


def test_a_postgresql_role_that_is_no_staff_user_is_refused_whatever_it_claims(pg_store: Store, staff_role,  # noqa: ANN001
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    small_agency(pg_store)
    stranger = staff_role("stranger")
    monkeypatch.setenv("BYRAA_USER", "tester")
    session_store = Store(as_role(pg_store, stranger))
    try:
        with pytest.raises(AccessDenied, match=stranger):
            identity.resolve(session_store)
    finally:
        session_store.dispose()


def test_byraa_user_is_honoured_on_a_sqlite_file_of_ones_own(sqlite_store, monkeypatch: pytest.MonkeyPatch) -> None:
    small_agency(sqlite_store)
    monkeypatch.setenv("BYRAA_USER", "clerk")
    assert identity.resolve(sqlite_store).login == "clerk"


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another owner needs root")
def test_a_sqlite_file_of_someone_else_ignores_byraa_user(tmp_path: Path, _sqlite_template: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd
    import shutil

    path = tmp_path / "shared.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    store = open_store(f"sqlite:///{path}")
    try:
        small_agency(store)
        os.chown(path, 4242, -1)
        monkeypatch.setenv("BYRAA_USER", "tester")
        me = pwd.getpwuid(os.getuid()).pw_name
        assert identity.current_login(store) == me
        with pytest.raises(AccessDenied, match=me):
            identity.resolve(store)
    finally:
        store.dispose()
