"""Reports: figures on the hand-built agency, and XLSX/CSV files as a spreadsheet reads them."""

from __future__ import annotations

import csv
import os
import stat
import zipfile
from datetime import date

import polars as pl
import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from byraa.core.base.errors import UserError
from byraa.core.clients import reports
from byraa.core.files import spreadsheet
from tests.builders import org, small_agency


def test_usage_log_and_scope(store) -> None:
    small = small_agency(store)
    report = reports.usage_log(store, small.who(), "2026-10", "2026-11")
    assert len(report.rows) == 6
    first = report.rows[0]
    assert first == {"org_number": org(1), "client": "Alfa Rør AS", "period": "2026-10", "payslips": 2,
                      "travel_expense_claims": 3}
    clerk = reports.usage_log(store, small.who("clerk"), "2026-10", "2026-11")
    assert {r["client"] for r in clerk.rows} == {"Bakeri Beta AS"}
    with pytest.raises(UserError):
        reports.usage_log(store, small.who(), "2026-11", "2026-10")


def test_term_report_and_automation(store) -> None:
    small = small_agency(store)
    term = reports.term_report(store, small.who(), 2026, 6)  # Nov–Dec
    assert [r["withholding"] for r in term.rows] == [50_000_00 // 3] * 3
    assert term.rows[0]["due"] == date(2027, 1, 15)
    auto = reports.automation(store, small.who(), "2026-10", "2026-11")
    beta = next(r for r in auto.rows if r["client"] == "Bakeri Beta AS")
    assert beta["payslips"] == 3 and beta["manual"] == 2 and round(beta["automation"], 1) == 33.3
    mine = reports.my_clients(store, small.who("clerk"))
    assert [(r["client"], r["role"]) for r in mine.rows] == [("Bakeri Beta AS", "responsible")]


def test_xlsx_has_types_frozen_header_and_sum_formulas(store, tmp_path) -> None:
    small = small_agency(store)
    report = reports.term_report(store, small.who(), 2026, 6)
    path = tmp_path / "term.xlsx"
    spreadsheet.write_xlsx(report, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    frame = pl.read_excel(path)
    assert frame.columns[:2] == ["Org.nr.", "Klient"]
    assert frame.height == 4  # three clients and the sum row
    withholding = frame.get_column(frame.columns[3])
    assert withholding.dtype.is_numeric()
    assert withholding[3] == pytest.approx(3 * (50_000_00 // 3) / 100)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>SUM(D2:D4)</f>" in sheet and 'state="frozen"' in sheet
    with pytest.raises(UserError, match="finnes"):
        spreadsheet.write_xlsx(report, path)


def test_reports_command_csv_file(store, tmp_path, monkeypatch) -> None:
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    out = tmp_path / "usage.csv"
    result = CliRunner().invoke(main, ["reports", "usage", "--from", "2026-10", "--to", "2026-11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["org_number"] == org(1) and rows[0]["payslips"] == "2"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    table = CliRunner().invoke(main, ["reports", "term", "--year", "2026", "--term", "6"])
    assert table.exit_code == 0 and "15.01.2027" in table.output
    assert CliRunner().invoke(main, ["reports", "term", "--year", "2026", "--term", "7"]).exit_code == 2


def test_a_reports_months_stay_iso_in_the_terminal_and_in_files(store, tmp_path, monkeypatch) -> None:
    """A report's month stays ``2026-10`` where a month is typed that way (the terminal's
    table, as ``--from``/``--to`` take it, like every headless command's table), in CSV,
    JSON and XLSX; the reports screen shows ``10.2026`` (``tests/tui/test_tui_reports.py``)."""
    import json

    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    table = CliRunner().invoke(main, ["reports", "usage", "--from", "2026-10", "--to", "2026-11"])
    assert table.exit_code == 0, table.output
    assert "2026-10" in table.output and "2026-11" in table.output and "10.2026" not in table.output
    as_json = CliRunner().invoke(main, ["reports", "usage", "--from", "2026-10", "--to", "2026-10", "--format", "json"])
    assert {r["period"] for r in json.loads(as_json.output)} == {"2026-10"}
    out = tmp_path / "usage.csv"
    assert CliRunner().invoke(main, ["reports", "usage", "--from", "2026-10", "--to", "2026-10", "--out", str(out)]).exit_code == 0
    assert {r["period"] for r in csv.DictReader(out.open())} == {"2026-10"}
    xlsx = tmp_path / "usage.xlsx"
    assert CliRunner().invoke(main, ["reports", "usage", "--from", "2026-10", "--to", "2026-10", "--out", str(xlsx)]).exit_code == 0
    assert set(pl.read_excel(xlsx).get_column("Periode").drop_nulls()) == {"2026-10"}


def test_my_clients_says_roles_and_states_in_words_and_files_keep_the_codes(store, tmp_path, monkeypatch) -> None:
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    monkeypatch.setenv("BYRAA_USER", "clerk")
    table = CliRunner().invoke(main, ["reports", "my-clients"])
    assert table.exit_code == 0, table.output
    assert "ansvarlig" in table.output and "responsible" not in table.output
    as_csv = CliRunner().invoke(main, ["reports", "my-clients", "--format", "csv"])
    assert next(csv.DictReader(as_csv.output.splitlines()))["role"] == "responsible"
    xlsx = tmp_path / "mine.xlsx"
    assert CliRunner().invoke(main, ["reports", "my-clients", "--out", str(xlsx)]).exit_code == 0
    assert pl.read_excel(xlsx).get_column("Rolle").drop_nulls().to_list() == ["ansvarlig"]  # and the sum row
