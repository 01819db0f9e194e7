"""Output that would attack its reader: spreadsheet formulas, terminal escape codes,
passwords in URLs and bound parameters in database errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, text

from byraa.cli.main import main
from byraa.core.base.errors import ConfigError, UserError
from byraa.core.clients import groups, registry
from byraa.core.clients.reports import Report, ReportColumn
from byraa.core.files.spreadsheet import safe_cell, write_csv
from byraa.core.store import Store
from byraa.core.store.models import Client
from tests.builders import NOW, org, small_agency

FORMULAS = ["=HYPERLINK(\"http://x\",\"klikk\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
            "\t=1+1"]


def test_csv_cells_that_start_a_formula_are_neutralised_but_numbers_stay(tmp_path: Path) -> None:
    for value in FORMULAS:
        assert safe_cell(value).startswith("'")
    assert [safe_cell(v) for v in ("-1234.50", "+47", "1,5", "Alfa Rør AS", 12)] == [
        "-1234.50", "+47", "1,5", "Alfa Rør AS", 12]
    report = Report("x", "X", (ReportColumn("name", "Navn"), ReportColumn("sum", "Sum", "nok")),
                    [{"name": v, "sum": -12345} for v in FORMULAS])
    out = tmp_path / "r.csv"
    write_csv(report, out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))[1:]
    assert all(name.startswith("'") for name, _ in rows) and {s for _, s in rows} == {"-123.45"}


def test_cli_csv_and_table_output_are_safe(sqlite_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    small_agency(sqlite_store)
    with sqlite_store.session() as s:  # as if imported from a file: a formula and terminal codes
        s.execute(insert(Client).values(org_number=org(5), name="=HYPERLINK(\"x\")\x1b]0;pwned\x07\x1b[2J",
                                        pay_day=20, created_at=NOW))
    monkeypatch.setenv("BYRAA_DATABASE_URL", sqlite_store.url)
    table = CliRunner().invoke(main, ["clients", "list"])
    assert table.exit_code == 0 and "\x1b" not in table.output and "\x07" not in table.output
    assert "HYPERLINK" in table.output
    listed = CliRunner().invoke(main, ["clients", "list", "--format", "csv"])
    assert "\x1b" not in listed.output and ",'=HYPERLINK" in listed.output.replace('"', "")


def test_control_characters_are_refused_in_names_typed_in(sqlite_store: Store) -> None:
    small = small_agency(sqlite_store)
    for name in ("Ond\x1b]0;tittel\x07 AS", "Tøm\x1b[2J", "Snu\u202eSA"):
        with pytest.raises(UserError):
            registry.add_client(sqlite_store, small.who(), org(6), name)
        with pytest.raises(UserError):
            groups.create_group(sqlite_store, small.who(), name)
    assert [g.name for g in groups.list_groups(sqlite_store)] == ["Utbetaling 20."]


def test_a_password_with_an_unencoded_at_is_never_printed() -> None:
    with pytest.raises(ConfigError) as caught:
        Store("postgresql+psycopg://byraa:hemme@lig@127.0.0.1:5432/x")
    assert "hemme" not in str(caught.value) and "lig" not in str(caught.value).replace("127.0.0.1", "")
    result = CliRunner().invoke(main, ["clients", "list"],
                                env={"BYRAA_DATABASE_URL": "postgresql+psycopg://u:p4ss@w0rd@127.0.0.1:9/x"})
    assert result.exit_code == 2 and "p4ss" not in result.output and "w0rd" not in result.output


def test_a_database_error_never_shows_its_parameters(store: Store) -> None:
    secret = "SECRET-VALUE-17"
    with pytest.raises(Exception) as caught, store.engine.begin() as conn:
        conn.execute(text("INSERT INTO client (org_number, name, pay_day, created_at) VALUES (:o, :n, :p, :c)"),
                     {"o": secret * 10, "n": secret, "p": "not a number" if store.dialect == "postgresql" else None,
                      "c": NOW})
    assert secret not in str(caught.value)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_out_never_writes_through_a_symlink(sqlite_store: Store, tmp_path: Path, suffix: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    small_agency(sqlite_store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", sqlite_store.url)
    monkeypatch.setenv("BYRAA_LANG", "en")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / f"link.{suffix}"
    link.symlink_to(victim)
    result = CliRunner().invoke(main, ["reports", "my-clients", "--out", str(link), "--overwrite"])
    line = result.stderr.strip()
    assert result.exit_code == 2 and "\n" not in line and "symbolic link" in line and f"link.{suffix}" in line
    assert victim.read_text() == "keep me" and link.is_symlink()
    dangling = tmp_path / f"dangling.{suffix}"  # a link to a file not there yet: not created through it
    dangling.symlink_to(tmp_path / "created-elsewhere")
    result = CliRunner().invoke(main, ["reports", "my-clients", "--out", str(dangling), "--overwrite"])
    assert result.exit_code == 2 and not (tmp_path / "created-elsewhere").exists()


def test_an_open_database_readable_by_others_becomes_private(tmp_path: Path, _sqlite_template: Path) -> None:
    import os
    import shutil

    from byraa.core.store import open_store

    path = tmp_path / "shared.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if not part.exists():
            part.write_bytes(b"")
        os.chmod(part, 0o644)
    Path(f"{path}-wal").unlink()  # SQLite would read an empty -wal as a broken one; -shm it rebuilds
    store = open_store(f"sqlite:///{path}")
    try:
        with store.session() as s:
            s.execute(text("SELECT 1"))
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if part.exists():
                assert part.stat().st_mode & 0o777 == 0o600, part
    finally:
        store.dispose()
