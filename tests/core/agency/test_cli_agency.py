"""Headless groups and access commands on both backends."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from tests.builders import org, small_agency


@pytest.fixture
def cli(store, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)

    def run(*args: str, user: str = "tester"):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


def test_groups_commands(cli) -> None:
    assert cli("groups", "create", "Nye", "--description", "new clients").exit_code == 0
    assert cli("groups", "add", "Nye", org(1), org(2)).exit_code == 0
    listed = json.loads(cli("groups", "list", "--format", "json").output)
    assert {"name": "Nye", "description": "new clients", "clients": 2} in listed
    shown = json.loads(cli("groups", "show", "Nye", "--format", "json").output)
    assert [r["org_number"] for r in shown] == [org(1), org(2)]
    board = json.loads(cli("groups", "board", "Nye", "--period", "2026-10", "--format", "json").output)
    assert board["total"] == 2 and board["rows"][1]["amelding_status"] == "rejected"
    table = cli("groups", "board", "Nye", "--period", "2026-10")
    assert "0 av 2" in table.output
    assert cli("groups", "remove", "Nye", org(1)).exit_code == 0
    assert cli("groups", "add", "Nye", "123456785").exit_code == 2
    assert cli("groups", "board", "Ingen", "--period", "2026-10").exit_code == 2
    assert cli("groups", "delete", "Nye").exit_code == 2  # it holds a client: --yes says the caller knows
    assert cli("groups", "delete", "Nye", "--yes").exit_code == 0


def test_access_commands(cli) -> None:
    assert cli("access", "grant", "other", org(1), org(2), "--role", "associate").exit_code == 0
    mine = json.loads(cli("access", "list", "--user", "other", "--format", "json").output)
    assert sorted(r["org_number"] for r in mine) == [org(1), org(2)]
    refused = cli("access", "grant", "other", org(3), user="clerk")
    assert refused.exit_code == 2 and "bare en byråleder" in refused.output
    assert cli("access", "copy", "other", "clerk").exit_code == 0
    assert cli("access", "revoke", "other", "--all").exit_code == 0
    assert json.loads(cli("access", "list", "--user", "other", "--format", "json").output) == []
    findings = json.loads(cli("access", "review", "--format", "json").output)
    assert {"client_without_responsible"} <= {f["kind"] for f in findings}
    table = cli("access", "review").output  # the table says the finding in words
    assert "ingen ansvarlig" in table and "client_without_responsible" not in table
    assert cli("access", "review", user="clerk").exit_code == 2
    staff = json.loads(cli("access", "staff", "--format", "json").output)
    assert {s["login"] for s in staff} == {"tester", "clerk", "other"}
