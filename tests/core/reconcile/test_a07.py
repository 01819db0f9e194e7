"""A07: byraa's JSON model, the ODS/XLSX export and its import (round trip)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.reconcile import a07
from byraa.core.store.models_reconcile import ReconEmployment, ReconSource
from tests.builders import nid, org, small_agency
from tests.data.reconcile import build as b


def report_json() -> dict:
    u = org(11)
    return b.a07(org(1), "2026-10", [
        b.a07_person(nid(2), "Person A0", employments=[b.a07_employment(u, pct=80.0, leaves=[
            {"permisjonId": "p1", "startdato": "2026-10-10", "sluttdato": None, "permisjonsprosent": 50.0,
             "beskrivelse": "utdanningspermisjon"}])],
            incomes=[(u, "fastloenn", "45000.00"), (u, "overtidsgodtgjoerelse", "1234.56")],
            withheld=[(u, "12000.00")]),
        b.a07_person(nid(3), "Person A1", employments=[b.a07_employment(u, "2", end="2026-10-31", layoffs=[
            {"permitteringId": "x", "startdato": "2026-09-01", "sluttdato": None, "permitteringsprosent": 100.0,
             "varslingsdato": "2026-08-15"}])], incomes=[(u, "fastloenn", "100")]),
    ], aga=[(u, "1", "46334.56", 14.1, "6533.17")])


def test_json_import_then_ods_and_xlsx_round_trip(store, tmp_path: Path) -> None:
    small = small_agency(store)
    src = b.write_json(tmp_path / "a07.json", report_json())
    result = a07.import_a07(store, small.who(), src, client=org(1), period="2026-10")
    assert result.counts == {"employments": 2, "income_lines": 3, "withholding_lines": 1, "aga_lines": 1}
    with store.session() as s:
        original = a07.load_report(s, small.clients["A"], org(1), "2026-10")
    assert original is not None and original.employments[0].leaves[0]["pct"] == 50.0
    for suffix in ("ods", "xlsx"):
        out = a07.export(store, small.who(), org(1), "2026-10", tmp_path / f"a07.{suffix}")
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
        employments = pl.read_excel(out, sheet_name="Arbeidsforhold", engine="calamine")
        assert employments.height == 2 and "stillingsprosent" in employments.columns
        income = pl.read_excel(out, sheet_name="Inntekt", engine="calamine")
        assert income["beloep"].sum() == pytest.approx(46334.56)
        again = a07.import_a07(store, small.who(), out)
        assert again.status == "replaced"  # the month's A07 imported before it goes inactive
        with store.session() as s:
            back = a07.load_report(s, small.clients["A"], org(1), "2026-10")
        assert back == original, suffix
    with pytest.raises(UserError, match="finnes"):
        a07.export(store, small.who(), org(1), "2026-10", tmp_path / "a07.ods")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReconSource).where(ReconSource.active.is_(True))) == 1


def test_export_needs_access_and_data(store, tmp_path: Path) -> None:
    small = small_agency(store)
    with pytest.raises(NotFound, match="ingen A07 er lagret"):
        a07.export(store, small.who(), org(1), "2026-10", tmp_path / "x.xlsx")
    a07.import_a07(store, small.who(), b.write_json(tmp_path / "a07.json", report_json()))
    with pytest.raises(AccessDenied):
        a07.export(store, small.who("clerk"), org(1), "2026-10", tmp_path / "y.xlsx")
    assert not (tmp_path / "y.xlsx").exists()


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["inntektsmottakere"][0].update(norskIdentifikator="01819000300"),
     "inntektsmottakere[0].norskIdentifikator"),
    (lambda d: d.update(opplysningspliktig="310000010"), "opplysningspliktig"),
    (lambda d: d.update(kalendermaaned="2026-1"), "kalendermaaned"),
    (lambda d: d["inntektsmottakere"][0]["inntekt"][1].update(beloep="12.3.4"), "inntektsmottakere[0].inntekt[1].beloep"),
    (lambda d: d["arbeidsgiveravgift"][0].update(virksomhet="31000012"), "arbeidsgiveravgift[0].virksomhet"),
])
def test_bad_json_is_refused_whole(store, tmp_path: Path, mutate, where: str) -> None:  # noqa: ANN001
    small = small_agency(store)
    data = report_json()
    mutate(data)
    with pytest.raises(UserError) as err:
        a07.import_a07(store, small.who(), b.write_json(tmp_path / "a07.json", data))
    assert str(err.value).startswith(f"a07.json, {where}:"), str(err.value)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReconEmployment)) == 0


def test_sheet_refusal_names_sheet_and_line(store, tmp_path: Path) -> None:
    small = small_agency(store)
    a07.import_a07(store, small.who(), b.write_json(tmp_path / "a07.json", report_json()))
    with store.session() as s:
        report = a07.load_report(s, small.clients["A"], org(1), "2026-10")
    assert report is not None
    report.income[1].national_id = "01819000300"
    a07.write_xlsx(report, tmp_path / "bad.xlsx")
    with pytest.raises(UserError, match=r"bad.xlsx, ark Inntekt linje 3, kolonne norskIdentifikator"):
        a07.import_a07(store, small.who(), tmp_path / "bad.xlsx")
    with pytest.raises(UserError, match="ikke 2026-11"):
        a07.import_a07(store, small.who(), tmp_path / "a07.json", period="2026-11")
    assert json.loads((tmp_path / "a07.json").read_text())["format"] == "byraa-a07"
