"""``byraa extract`` and ``byraa posting open-items`` as a script uses them."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tests.builders import nid, org
from tests.cli.test_cli import cli  # noqa: F401  (fixture)


def _journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.csv"
    path.write_text("account;amount;national_id;department;pay_type;pay_form;period\n"
                    f"5000;1000,00;{nid(2)};10;100;01;2026-10\n"
                    "5400;141,00;;10;900;01;2026-10\n"
                    "2600;-1141,00;;;;01;2026-10\n", encoding="utf-8")
    return path


def test_extract_formats_rights_and_the_workbook(cli, tmp_path: Path) -> None:  # noqa: F811
    assert cli("import", "journal", str(_journal(tmp_path)), "--client", org(1)).exit_code == 0
    out = json.loads(cli("extract", "--client", org(1), "--accounts", "5000-5999", "--format", "json").output)
    assert out["lines"] == 2 and out["left_out"] == []
    assert [(r["account"], r["sum"]) for r in out["rows"]] == [("5000", 1000.0), ("5400", 141.0)]
    assert out["rows"][0]["national_id"] != nid(2)  # masked
    book = tmp_path / "x.xlsx"
    result = cli("extract", "--form", "lines", "--out", str(book))
    assert result.exit_code == 0 and oct(book.stat().st_mode & 0o777) == "0o600"
    assert len(pl.read_excel(book, sheet_name="Linjer")) == 4  # three lines and the sum
    assert cli("extract", "--out", str(tmp_path / "x.csv")).exit_code == 2
    # Rights: refused for a clerk, given by the manager, then the clerk's extract says what it left out.
    assert cli("extract", "rights", "add", "--user", "clerk", "--kind", "account", "--from", "5000", "--to",
               "5099", user="clerk").exit_code == 2
    assert cli("extract", "rights", "add", "--user", "clerk", "--kind", "account", "--from", "5000", "--to",
               "5099").exit_code == 0
    assert cli("extract", "control", "--accounts", "on").exit_code == 0
    assert cli("access", "grant", "clerk", org(1)).exit_code == 0
    seen = json.loads(cli("extract", "--client", org(1), "--format", "json", user="clerk").output)
    assert seen["lines"] == 1 and seen["left_out"] == [{"control": "account", "lines": 2, "values": ["2600", "5400"]}]
    table = cli("extract", "--client", org(1), user="clerk").output
    assert "2600, 5400" in table
    rights = json.loads(cli("extract", "rights", "list", "--format", "json").output)
    assert [(r["user"], r["from"], r["to"]) for r in rights] == [("clerk", "5000", "5099")]
