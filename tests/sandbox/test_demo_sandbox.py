"""`byraa demo` wires the agency to the sandbox; headless commands run one in-process."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from byraa.cli.main import main
from byraa.core.agency.identity import resolve
from byraa.core.altinn import connection
from byraa.core.altinn.settings import SANDBOX_DEFAULT_URL
from byraa.core.settings.config import sqlite_url
from byraa.core.store import open_store
from byraa.core.store.models_altinn import AltinnConnection
from byraa.sandbox import SandboxState
from byraa.sandbox.ensure import sandbox_answers, sandbox_for
from byraa.sandbox.server import running

UNUSED = "http://127.0.0.1:9"
"""The discard port: nothing answers there, so commands start their own sandbox."""


def _demo(tmp_path: Path, clients: int = 3) -> Path:
    db = tmp_path / "demo.sqlite3"
    result = CliRunner().invoke(main, ["--db", str(db), "demo", "--clients", str(clients), "--no-tui"])
    assert result.exit_code == 0, result.output
    return db


def _point_at(db: Path, url: str) -> None:
    store = open_store(sqlite_url(db))
    try:
        current = connection.agency_connection(store)
        assert current is not None
        from dataclasses import replace

        connection.set_agency_connection(store, resolve(store, "tester"), replace(current, base_url=url))
        with store.session() as s:  # the clients with their own (equal) settings follow
            s.execute(update(AltinnConnection).values(base_url=url))
    finally:
        store.dispose()


def test_demo_generates_a_private_key_and_points_the_agency_at_the_sandbox(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    key = tmp_path / "demo-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert Path(f"{key}.pub").read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    store = open_store(sqlite_url(db))
    try:
        settings = connection.agency_connection(store)
        from byraa.core.agency import setup as agency

        org = agency.info(store).org_number  # type: ignore[union-attr]
    finally:
        store.dispose()
    assert settings is not None
    assert (settings.environment, settings.client_id, settings.key_path, settings.system_user_org,
            settings.base_url[:17]) == ("sandbox", "byraa-demo", str(key), org, "http://127.0.0.1:")
    assert settings.base_url != SANDBOX_DEFAULT_URL  # the agency's own port
    connection.validate(settings)  # the key file passes the 0600 check


def test_fetch_on_the_demo_works_with_no_sandbox_running(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    _point_at(db, UNUSED)
    assert not sandbox_answers(UNUSED)
    result = CliRunner().invoke(main, ["--db", str(db), "taxcards", "fetch", "--all", "--year", "2026",
                                       "--format", "json", "--poll-seconds", "0.05"])
    assert result.exit_code in (0, 1), result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "done" and summary["orders_sent"] >= 1 and summary["orders_failed"] == 0
    assert summary["persons_asked"] == summary["results"] > 0
    assert summary["cards"] > 0
    assert result.exit_code == (1 if summary["errors"] else 0)
    # Progress lines in bokmål: the orders' steps, none of the job runner's log words.
    assert "(bestilling 1: bestiller (" in result.stderr and "lagrer" in result.stderr, result.stderr
    assert "ordering" not in result.stderr and ": done" not in result.stderr, result.stderr
    listed = CliRunner().invoke(main, ["--db", str(db), "taxcards", "results", "--show", "errors", "--format",
                                       "json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert len(rows) == summary["errors"] and all(r["national_id"].endswith("*****") for r in rows)


def test_a_running_sandbox_is_used_and_taught_the_agency_key(tmp_path: Path) -> None:
    db = _demo(tmp_path, clients=2)
    store = open_store(sqlite_url(db))
    try:
        state = SandboxState(store=store, ready_after_polls=0)
        with running(state) as sandbox:
            _point_at(db, sandbox.url)
            result = CliRunner().invoke(main, ["--db", str(db), "taxcards", "fetch", "--all", "--year", "2026",
                                               "--format", "json", "--poll-seconds", "0"])
            assert result.exit_code in (0, 1), result.output
            assert state.orders_created == json.loads(result.stdout)["orders_sent"] >= 1
            assert len(state.keys) == 1
    finally:
        store.dispose()


def test_sandbox_for_leaves_other_environments_alone(tmp_path: Path) -> None:
    settings = connection.ConnectionSettings("test", "c", "k", "/nonexistent", "123456785")
    with sandbox_for(None, settings) as used:  # type: ignore[arg-type]
        assert used is settings


@pytest.mark.parametrize(("args", "words"), [
    (["--year", "2027"], "før 15. desember"),
    (["--all"], "--year må oppgis"),
    (["--all", "--group", "x", "--year", "2026"], "nøyaktig én"),
    (["--resume"], "ingen avbrutt"),
    (["--client", "123", "--year", "2026"], "organisasjonsnummer"),
])
def test_bad_input_exits_2_with_one_message(tmp_path: Path, args: list[str], words: str) -> None:
    db = _demo(tmp_path, clients=1)
    if args[0] == "--year":
        args = ["--all", *args]
    result = CliRunner().invoke(main, ["--db", str(db), "taxcards", "fetch", *args])
    assert result.exit_code == 2, result.output
    assert words in result.output


def _cli(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    return result.exit_code, result.stdout


def test_send_payrolls_value_reaches_a_ordningen_from_the_command_line(tmp_path: Path) -> None:
    db = _demo(tmp_path, clients=3)
    _point_at(db, UNUSED)
    code, out = _cli(db, "clients", "list", "--format", "json")
    org = json.loads(out)[0]["org_number"]
    code, out = _cli(db, "reconcile", "--client", org, "--period", "2026-10", "--check", "employments",
                     "--format", "json")
    assert code == 1, out
    # No A07 stored yet: one row says so; nobody is "only in payroll", nothing to send.
    [missing] = json.loads(out)["rows"]
    assert missing["status"] == "missing" and missing["payroll"] > 0
    refused = CliRunner().invoke(main, ["--db", str(db), "reconcile", "send-payroll", str(missing["run"]),
                                        str(missing["row"])])
    assert refused.exit_code == 2, refused.output
    # With the A07 (the sandbox plants an employment with another position % for one client
    # of the three), the differing employment is payroll's to send.
    rows = []
    for client in json.loads(_cli(db, "clients", "list", "--format", "json")[1]):
        org = client["org_number"]
        assert _cli(db, "a07", "fetch", "--client", org, "--period", "2026-10")[0] == 0
        code, out = _cli(db, "reconcile", "--client", org, "--period", "2026-10", "--check", "employments",
                         "--format", "json")
        rows += [(org, r) for r in json.loads(out)["rows"] if r["status"] == "differs"]
    org, row = rows[0]
    # The demo's payroll side is an imported a-melding: the correction replaces it whole,
    # queued and sent to a-ordningen (the sandbox) like a real agency's.
    result = CliRunner().invoke(main, ["--db", str(db), "reconcile", "send-payroll", str(row["run"]),
                                       str(row["row"])])
    assert result.exit_code == 0, result.output
    code, out = _cli(db, "reconcile", "submit", "--client", org)
    assert code == 0 and out.strip(), out
    # The table in words: headers and the correction's state, not the JSON's keys and codes.
    header = out.splitlines()[0]
    assert "Idempotensnøkkel" in header and "idempotency_key" not in header
    assert any(word in out for word in ("godkjent", "avvist", "venter på tilbakemelding")), out
    code, out = _cli(db, "reconcile", "submit", "--client", "123456789")
    assert code == 2


def test_a07_fetch_from_the_command_line_feeds_the_reconciliation(tmp_path: Path) -> None:
    db = _demo(tmp_path, clients=3)
    _point_at(db, UNUSED)
    org = json.loads(_cli(db, "clients", "list", "--format", "json")[1])[0]["org_number"]
    code, out = _cli(db, "a07", "fetch", "--client", org, "--period", "2026-09", "--to", "2026-10",
                     "--format", "json")
    assert code == 0, out
    months = json.loads(out)
    assert [(m["period"], m["status"]) for m in months] == [("2026-09", "saved"), ("2026-10", "saved")]
    assert all(m["employments"] > 0 and m["withholding"] > 0 for m in months)
    again = _cli(db, "a07", "fetch", "--client", org, "--period", "2026-10")[1]  # the table in words
    assert "2026-10  uendret" in again and "unchanged" not in again
    code, out = _cli(db, "reconcile", "--client", org, "--period", "2026-10", "--format", "json")
    rows = json.loads(out)["rows"]
    employments = [r for r in rows if r["check"] == "employments"]
    assert employments and all(r["status"] != "missing" for r in employments)
    assert any(r["check"] == "withholding" and r["a07"] for r in rows)
    assert _cli(db, "a07", "fetch", "--client", org, "--period", "2026-13")[0] == 2
    assert _cli(db, "a07", "fetch", "--client", "987654321", "--period", "2026-10")[0] == 2


def test_reconcile_job_fetches_the_a07_first(tmp_path: Path) -> None:
    db = _demo(tmp_path, clients=2)
    _point_at(db, UNUSED)
    orgs = [c["org_number"] for c in json.loads(_cli(db, "clients", "list", "--format", "json")[1])]
    code, out = _cli(db, "reconcile", "--client", orgs[0], "--period", "2026-10", "--job", "--fetch-a07",
                     "--include-signed",
                     "--format", "json")
    assert code in (0, 1), out
    [row] = json.loads(out)["rows"]
    assert row["outcome"] in ("equal", "differences") and row["error"] is None
    code, out = _cli(db, "reconcile", "show", str(row["run"]), "--format", "json")
    assert not any(r["check"] == "employments" and r["status"] == "missing" for r in json.loads(out)["rows"])


def test_each_agency_gets_its_own_sandbox_and_refuses_another_agencys(tmp_path: Path) -> None:
    from byraa.sandbox.ensure import agency_of
    from tests.builders import org

    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    db_one, db_two = _demo(first, clients=2), _demo(second, clients=1)
    stores = [open_store(sqlite_url(db)) for db in (db_one, db_two)]
    try:
        urls = [connection.agency_connection(s).base_url for s in stores]  # type: ignore[union-attr]
        assert urls[0] != urls[1]  # each its own port, kept in its settings
        ours = agency_of(stores[0])
        assert ours and ours != org(7)
        # A sandbox serving another agency answers at this agency's address: refused, nothing sent.
        state = SandboxState(store=stores[0], ready_after_polls=0, agency=org(7))
        with running(state) as sandbox:
            _point_at(db_one, sandbox.url)
            args = ["--db", str(db_one), "taxcards", "fetch", "--all", "--year", "2026", "--format", "json",
                    "--poll-seconds", "0"]
            result = CliRunner().invoke(main, args, env={"BYRAA_LANG": "en"})
            assert result.exit_code == 2 and "serves agency" in result.stderr.strip().splitlines()[-1]
            assert state.orders_created == 0 and state.keys == {}
            state.agency = ours  # its own sandbox: used
            result = CliRunner().invoke(main, args)
            assert result.exit_code in (0, 1), result.output
            assert state.orders_created >= 1
    finally:
        for s in stores:
            s.dispose()


def test_the_sandboxs_polls_before_an_answer_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from byraa.core.base.errors import ConfigError
    from byraa.sandbox.ensure import READY_AFTER_ENV, default_ready_after

    monkeypatch.delenv(READY_AFTER_ENV)
    assert default_ready_after() == 1  # the demo shows one "not ready yet"
    monkeypatch.setenv(READY_AFTER_ENV, "3")
    assert default_ready_after() == 3
    for bad in ("x", "-1", "101", "1.5"):
        monkeypatch.setenv(READY_AFTER_ENV, bad)
        with pytest.raises(ConfigError) as refused:
            default_ready_after()
        assert refused.value.code == "sandbox.ready_after_invalid"


def test_a_bad_number_of_polls_is_refused_before_anything_is_ordered(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = _demo(tmp_path, clients=1)
    _point_at(db, UNUSED)
    org = json.loads(_cli(db, "clients", "list", "--format", "json")[1])[0]["org_number"]
    monkeypatch.setenv("BYRAA_SANDBOX_READY_AFTER", "mange")
    result = CliRunner().invoke(main, ["--db", str(db), "a07", "fetch", "--client", org, "--period", "2026-10"])
    assert result.exit_code == 2, result.output
    assert "BYRAA_SANDBOX_READY_AFTER må være et antall" in result.output and "«mange»" in result.output
    monkeypatch.setenv("BYRAA_SANDBOX_READY_AFTER", "0")
    code, out = _cli(db, "a07", "fetch", "--client", org, "--period", "2026-10", "--format", "json")
    assert code == 0 and [m["status"] for m in json.loads(out)] == ["saved"]  # nothing was stored before
