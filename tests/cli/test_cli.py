"""Headless commands as a script would use them: outputs, exit codes, refusals that change nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from byraa.cli.main import main
from byraa.core.store.models import AuditEvent, Client
from tests.builders import org, small_agency


@pytest.fixture
def cli(store, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Run ``byraa`` against the small agency in ``store`` (SQLite and PostgreSQL)."""
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)

    def run(*args: str, user: str = "tester"):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    run.store = store  # type: ignore[attr-defined]
    return run


def _audit_count(store) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalar(select(func.count(AuditEvent.id)))


def test_clients_list_formats(cli) -> None:
    table = cli("clients", "list")
    assert table.exit_code == 0
    assert "Alfa Rør AS" in table.output and "Org.nr." in table.output
    rows = json.loads(cli("clients", "list", "--format", "json").output)
    assert [r["name"] for r in rows] == ["Alfa Rør AS", "Bakeri Beta AS", "Cafe Gamma AS"]
    assert rows[0]["responsible"] == ["tester"] and rows[1]["last_amelding_status"] == "rejected"
    parsed = list(csv.DictReader(io.StringIO(cli("clients", "list", "--format", "csv").output)))
    assert parsed[0]["org_number"] == org(1) and parsed[0]["groups"] == "Utbetaling 20."
    only = json.loads(cli("clients", "list", "--group", "Utbetaling 20.", "--format", "json").output)
    assert [r["name"] for r in only] == ["Alfa Rør AS", "Cafe Gamma AS"]
    mine = json.loads(cli("clients", "list", "--responsible", "clerk", "--format", "json").output)
    assert [r["name"] for r in mine] == ["Bakeri Beta AS"]


def test_dashboard_json_and_table(cli) -> None:
    data = json.loads(cli("dashboard", "--period", "2026-11", "--format", "json").output)
    figures = {r["key"]: r for r in data["rows"]}
    assert data["period"] == "2026-11" and figures["payroll_clients"]["value"] == 3
    assert len(figures["total_pay"]["trend"]) == 12
    assert any(a["kind"] == "amelding_deadline" and a["due"] == "2026-12-07" for a in data["attention"])
    table = cli("dashboard", "--period", "2026-11")
    assert table.exit_code == 0 and "Lønnsklienter" in table.output and "150 000" in table.output
    assert "07.12.2026" in table.output


def test_clients_add_and_its_refusals(cli) -> None:
    store = cli.store
    before = _audit_count(store)
    for args, user, message in [
        (("clients", "add", "123456784", "--name", "X AS"), "tester", "kontrollsifferet"),
        (("clients", "add", org(1), "--name", "X AS"), "tester", "finnes allerede"),
        (("clients", "add", org(60), "--name", "X AS"), "clerk", "bare en byråleder"),
        (("clients", "add", org(60), "--name", "X AS"), "stranger", "er ikke ansatt i dette byrået"),
    ]:
        result = cli(*args, user=user)
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert _audit_count(store) == before
    ok = cli("clients", "add", org(60), "--name", "Ny AS", "--pay-day", "15")
    assert ok.exit_code == 0
    with store.session() as s:
        assert s.scalar(select(Client.pay_day).where(Client.org_number == org(60))) == 15


@pytest.mark.parametrize(
    "args",
    [("clients", "list", "--format", "xml"), ("dashboard", "--period", "2026-13"), ("clients", "add"),
     ("--bogus",), ("clients", "add", org(61), "--name", "X", "--pay-day", "32")],
)
def test_bad_flags_exit_2(cli, args) -> None:
    result = cli(*args)
    assert result.exit_code == 2


def test_clerk_dashboard_is_scoped(cli) -> None:
    data = json.loads(cli("dashboard", "--period", "2026-11", "--format", "json", user="clerk").output)
    assert data["scope"] == "mine"
    assert {r["key"]: r["value"] for r in data["rows"]}["payroll_clients"] == 1


def test_unreachable_postgres_and_newer_schema(cli, monkeypatch) -> None:
    store = cli.store
    monkeypatch.setenv("BYRAA_DATABASE_URL", "postgresql+psycopg://x:secret@127.0.0.1:1/none")
    result = CliRunner().invoke(main, ["clients", "list"])
    assert result.exit_code == 2 and "får ikke kontakt med databasen" in result.output and "secret" not in result.output
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('ffff')"))
    result = CliRunner().invoke(main, ["clients", "list"])
    assert result.exit_code == 2 and "nyere byraa" in result.output
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 2 and "nyere byraa" in result.output


def test_missing_database_is_not_created(tmp_path) -> None:
    path = tmp_path / "none.sqlite3"
    result = CliRunner().invoke(main, ["--db", str(path), "clients", "list"])
    assert result.exit_code == 2 and "byraa init" in result.output
    assert not path.exists()


def test_init_then_use(tmp_path, monkeypatch) -> None:
    path = tmp_path / "mine.sqlite3"
    monkeypatch.setenv("BYRAA_USER", "boss")
    assert CliRunner().invoke(main, ["--db", str(path), "init", "--name", "Mitt Byrå", "--org", org(0)]).exit_code == 0
    again = CliRunner().invoke(main, ["--db", str(path), "init", "--name", "Igjen", "--org", org(0)])
    assert again.exit_code == 2 and "har allerede et byrå" in again.output
    assert CliRunner().invoke(main, ["--db", str(path), "clients", "list"]).exit_code == 0
    monkeypatch.setenv("BYRAA_USER", "stranger")
    assert CliRunner().invoke(main, ["--db", str(path), "clients", "list"]).exit_code == 2


def test_locate_prints_paths(tmp_path) -> None:
    result = CliRunner().invoke(main, ["locate"])
    assert result.exit_code == 0 and "demo.sqlite3" in result.output and "config.toml" in result.output
    inbox = tmp_path / "kundefiler"
    moved = CliRunner().invoke(main, ["locate"], env={"BYRAA_INBOX": str(inbox)})
    assert f"inbox:         {inbox}" in moved.output.splitlines()
