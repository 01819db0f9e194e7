"""Headless reconciliation: imports, employees, reconcile with exit codes, sign-off, A07 export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from tests.builders import nid, org
from tests.data.reconcile import build as b
from tests.data.reconcile import scenario


@pytest.fixture
def cli(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    scenario.build(store, tmp_path)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)

    def run(*args: str, user: str = "tester"):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


def test_reconcile_exit_codes_and_json(cli) -> None:  # noqa: ANN001
    result = cli("reconcile", "--client", org(1), "--period", "2026-10", "--check", "employments",
                 "--method", "simple", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["differences"] is True and data["runs"][0]["version"] == 1
    assert {(r["national_id"], r["field"], r["status"]) for r in data["rows"]} >= {
        (nid(2)[:6] + "*****", "position_pct", "differs"), (nid(4)[:6] + "*****", "", "only_a07")}
    equal = cli("reconcile", "--client", org(1), "--period", "2026-09", "--check", "income", "--no-save")
    assert equal.exit_code == 0 and "fastloenn" in equal.output
    table = cli("reconcile", "--client", org(1), "--period", "2026-10", "--check", "withholding")
    assert table.exit_code == 1 and "22 000,00" in table.output and "avviker" in table.output and "differs" not in table.output
    # The contribution's keys in words in the table ("sone", "i alt"), as codes in JSON.
    aga = cli("reconcile", "--client", org(1), "--period", "2026-10", "--check", "aga")
    assert f"{org(11)} sone 1" in aga.output and " i alt " in aga.output
    assert " zone " not in aga.output and " total " not in aga.output
    as_json = cli("reconcile", "--client", org(1), "--period", "2026-10", "--check", "aga", "--format", "json")
    assert {r["key"] for r in json.loads(as_json.output)["rows"]} >= {f"{org(11)} zone 1", "total"}
    bad = cli("reconcile", "--client", org(1), "--period", "2026-13")
    assert bad.exit_code == 2 and "ÅÅÅÅ-MM" in bad.output
    refused = cli("reconcile", "--client", org(1), "--period", "2026-10", user="clerk")
    assert refused.exit_code == 2 and "ikke tilgang" in refused.output
    group = cli("reconcile", "--group", "Utbetaling 20.", "--period", "2026-10", "--check", "income", "--format", "json",
                user="tester")
    assert group.exit_code == 1 and {r["client"] for r in json.loads(group.output)["rows"]} == {org(1)}


def test_explain_and_sign_off_from_the_command_line(cli) -> None:  # noqa: ANN001
    data = json.loads(cli("reconcile", "--client", org(1), "--period", "2026-10", "--check", "income",
                          "--format", "json").output)
    run = data["runs"][0]["run"]
    signing = cli("reconcile", "sign-off", str(run), "--status", "explained")
    assert signing.exit_code == 2 and "uten forklaring" in signing.output
    for row in data["rows"]:
        if row["status"] != "equal":
            assert cli("reconcile", "explain", str(run), str(row["row"]), "Bonus rettes i november").exit_code == 0
    assert cli("reconcile", "sign-off", str(run), "--status", "explained", "--date", "2026-11-20").exit_code == 0
    assert cli("reconcile", "explain", str(run), str(data["rows"][0]["row"]), "x").exit_code == 2
    runs = json.loads(cli("reconcile", "runs", "--client", org(1), "--format", "json").output)
    assert runs[0]["sign_status"] == "explained" and runs[0]["sign_date"] == "2026-11-20"
    shown = json.loads(cli("reconcile", "show", str(run), "--differences", "--format", "json").output)
    assert shown["rows"][0]["explanation"] == "Bonus rettes i november"


def test_imports_employees_mapping_and_a07_export(cli, tmp_path: Path) -> None:  # noqa: ANN001
    again = cli("import", "amelding", str(tmp_path / "am-2026-10.xml"), "--format", "json")
    assert again.exit_code == 0 and json.loads(again.output)[0]["status"] == "unchanged"
    table = cli("import", "amelding", str(tmp_path / "am-2026-10.xml")).output  # the table in words
    assert " uendret" in table and "unchanged" not in table
    missing = b.write_amelding(tmp_path / "x.xml", b.amelding(org(70), "2026-10", []))
    assert cli("import", "amelding", str(missing)).exit_code == 2
    people = json.loads(cli("employees", "list", "--client", org(1), "--period", "2026-10", "--format", "json").output)
    a0 = next(p for p in people if p["name"] == "Person A0")
    assert a0["national_id"] == nid(2)[:6] + "*****" and a0["income"] == 45000.0 and a0["withholding"] == 12000.0
    assert a0["employment_type"] == "ordinaertArbeidsforhold" and a0["hours_full_week"] == 37.5  # codes in JSON
    table = cli("employees", "list", "--client", org(1), "--period", "2026-10")
    row = next(line for line in table.output.splitlines() if "Person A0" in line)
    assert "ordinært" in row and "37,5" in row and "ordinaertArbeidsforhold" not in row and "37.5" not in row
    revealed = cli("employees", "list", "--client", org(1), "--reveal", "--format", "csv")
    assert nid(2) in revealed.output
    assert cli("employees", "list", "--client", org(1), user="clerk").exit_code == 2
    mapped = cli("reconcile", "mapping", "--client", org(1), "--set", "account.withholding=2600,2601", "--format", "json")
    assert {r["key"]: r["value"] for r in json.loads(mapped.output)}["account.withholding"] == "2600,2601"
    out = tmp_path / "a07.xlsx"
    assert cli("a07", "export", "--client", org(1), "--period", "2026-10", "--out", str(out)).exit_code == 0
    assert cli("import", "a07", str(out), "--client", org(1), "--period", "2026-10").exit_code == 0
    ledger = tmp_path / "gl.csv"
    ledger.write_text("account,period,amount\n2930,2026-10,1.00\n", encoding="utf-8")
    assert cli("import", "ledger", str(ledger), "--client", org(1)).exit_code == 0
    assert cli("import", "ledger", str(ledger)).exit_code == 2
