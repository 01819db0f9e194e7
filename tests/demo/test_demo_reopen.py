"""`byraa demo` on an existing demo opens it; only its manager rebuilds it, after a confirmation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from byraa.cli.main import main


def _demo(db: Path, *args: str, user: str = "tester", input: str | None = None):  # noqa: A002, ANN202
    return CliRunner().invoke(main, ["--db", str(db), "demo", "--no-tui", *args], input=input,
                              env={"BYRAA_USER": user})


def _counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*) FROM client").fetchone()[0],
                conn.execute("SELECT count(*) FROM audit_event").fetchone()[0])


def _clerk(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT login FROM staff_user WHERE role = 'clerk' AND active ORDER BY login").fetchone()[0]


def _built(tmp_path: Path) -> Path:
    db = tmp_path / "demo.sqlite3"
    result = _demo(db, "--clients", "4")
    assert result.exit_code == 0, result.output
    return db


def test_an_existing_demo_is_opened_not_rebuilt(tmp_path: Path) -> None:
    db = _built(tmp_path)
    before = _counts(db)
    result = _demo(db, "--clients", "2")
    assert result.exit_code == 0, result.output
    assert "byraa demo --rebuild" in result.output
    assert _counts(db) == before == (4, before[1])


def test_a_clerk_or_an_unknown_login_cannot_rebuild(tmp_path: Path) -> None:
    db = _built(tmp_path)
    before = _counts(db)
    for login in (_clerk(db), "mallory"):
        result = _demo(db, "--clients", "2", "--rebuild", "--yes", user=login)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and login in result.stderr
        assert _counts(db) == before


def test_a_manager_rebuilds_only_after_confirming_what_is_lost(tmp_path: Path) -> None:
    db = _built(tmp_path)
    before = _counts(db)
    declined = _demo(db, "--clients", "2", "--rebuild", input="n\n")
    assert declined.exit_code == 2
    assert f"{before[0]} klienter" in declined.stderr and f"{before[1]} revisjonshendelser" in declined.stderr
    no_terminal = _demo(db, "--clients", "2", "--rebuild")
    assert no_terminal.exit_code == 2 and _counts(db) == before
    confirmed = _demo(db, "--clients", "2", "--rebuild", input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert _counts(db)[0] == 2


def test_headless_rebuild_with_yes(tmp_path: Path) -> None:
    db = _built(tmp_path)
    result = _demo(db, "--clients", "3", "--rebuild", "--yes")
    assert result.exit_code == 0, result.output
    assert _counts(db)[0] == 3


def test_a_real_agency_or_a_foreign_file_is_never_touched(tmp_path: Path) -> None:
    real = tmp_path / "real.sqlite3"
    from byraa.core.agency import setup
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store

    store = open_store(sqlite_url(real), upgrade=True)
    try:
        setup.initialise(store, name="Ekte Regnskap AS", org_number="310000027", login="tester",
                         user_name="Test Er")
    finally:
        store.dispose()
    data = real.read_bytes()
    for args in ((), ("--rebuild", "--yes")):
        result = _demo(real, *args)
        assert result.exit_code == 2 and "Traceback" not in result.output
    assert real.read_bytes() == data
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("not a database\n")
    result = _demo(text_file, "--rebuild", "--yes")
    assert result.exit_code == 2 and "Traceback" not in result.output and result.stderr.count("\n") == 1
    assert text_file.read_text() == "not a database\n"
