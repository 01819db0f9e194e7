"""The payroll extract: criteria, the pivot with live formulas read back, the line form, rights."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from byraa.core.agency.identity import resolve
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.posting import extract, extract_rights
from byraa.core.posting.journal import import_journal
from tests.builders import nid, org
from tests.core.posting.test_posting import HEADER, agency  # noqa: F401  (fixture)

HEAD = [*HEADER, "pay_type"]


def _journal(tmp_path: Path, period: str, lines: list[dict]) -> Path:
    import csv

    path = tmp_path / f"j-{period}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, HEAD, delimiter=";")
        writer.writeheader()
        for line in lines:
            writer.writerow({"pay_form": "01", "period": period, "off_cycle": "nei", **line})
    return path


LINES = [
    {"account": "5000", "amount": "30000,00", "national_id": nid(2), "department": "10", "pay_type": "100"},
    {"account": "5000", "amount": "20000,00", "national_id": nid(3), "department": "20", "pay_type": "100"},
    {"account": "5000", "amount": "1500,50", "national_id": nid(2), "department": "10", "pay_type": "210"},
    {"account": "5400", "amount": "7050,00", "department": "10", "pay_type": "900"},
    {"account": "2600", "amount": "-15000,00"},
]


@pytest.fixture
def runs(agency, store, tmp_path: Path):  # noqa: ANN201, F811
    small, who, client = agency
    for period, factor in (("2026-10", 1), ("2026-11", 2)):
        lines = [{**x, "amount": x["amount"] if factor == 1 else
                  str(float(x["amount"].replace(",", ".")) * factor).replace(".", ",")} for x in LINES]
        import_journal(store, who, _journal(tmp_path, period, lines), client=client)
    return small, who, client


def _ore(text: str) -> int:
    return round(float(text.replace(",", ".")) * 100)


def test_the_pivot_sums_per_account_person_department_and_pay_type(runs, store, tmp_path: Path) -> None:
    small, who, client = runs
    result = extract.extract(store, who, extract.Criteria(clients=(client,), account_from="5000",
                                                          account_to="5999"))
    assert result.periods == ["2026-10", "2026-11"]
    assert {x.account for x in result.lines} == {"5000", "5400"} and len(result.lines) == 8
    pivot = {(p.account, p.national_id, p.department, p.pay_type): p for p in result.pivot()}
    key = ("5000", nid(2), "10", "100")
    assert pivot[key].amounts == {"2026-10": 3_000_000, "2026-11": 6_000_000}
    assert pivot[key].name == "Person A0"
    # Read the workbook back as a reader that does not recalculate: the cached values are there.
    path = tmp_path / "pivot.xlsx"
    path.write_bytes(extract.workbook(result, form="pivot"))
    frame = pl.read_excel(path, sheet_name="Pivot", infer_schema_length=0)
    rows = frame.rows(named=True)
    expected_total = sum(x.amount for x in result.lines)
    assert _ore(rows[-1]["sum"]) == expected_total
    sub_5000 = next(r for r in rows if r["account"] == "sum 5000")
    assert _ore(sub_5000["2026-10"]) == sum(_ore(x["amount"]) for x in LINES if x["account"] == "5000")
    data = [r for r in rows if r["account"] in ("5000", "5400")]
    assert len(data) == len(pivot)
    for r in data:
        assert _ore(r["sum"]) == sum(_ore(r[p]) for p in result.periods if r[p] is not None)
    # The formulas are live: each sum cell holds a SUM/SUBTOTAL formula.
    import zipfile

    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>SUM(F2:G2)</f>" in sheet_xml and "SUBTOTAL(9," in sheet_xml
    # National ids are masked unless revealed.
    assert nid(2) not in sheet_xml and nid(2) not in zipfile.ZipFile(path).read("xl/sharedStrings.xml").decode()


def test_the_line_form_has_every_line(runs, store, tmp_path: Path) -> None:
    small, who, client = runs
    result = extract.extract(store, who, extract.Criteria(period_from="2026-11", period_to="2026-11",
                                                          departments=("10",)))
    assert len(result.lines) == 3 and {x.period for x in result.lines} == {"2026-11"}
    path = tmp_path / "lines.xlsx"
    path.write_bytes(extract.workbook(result, form="lines", unmasked=True))
    frame = pl.read_excel(path, sheet_name="Linjer", infer_schema_length=0)
    body = frame.rows(named=True)[:-1]
    assert [r["account"] for r in body] == ["5000", "5000", "5400"]
    assert body[0]["national_id"] == nid(2)
    assert _ore(frame.rows(named=True)[-1]["amount"]) == sum(x.amount for x in result.lines)


def test_criteria_refuse_reversed_ranges_and_other_clients(runs, store) -> None:
    small, who, client = runs
    with pytest.raises(UserError) as reversed_:
        extract.extract(store, who, extract.Criteria(period_from="2026-12", period_to="2026-01"))
    assert reversed_.value.code == "extract.range_reversed"
    with pytest.raises(UserError):
        extract.extract(store, who, extract.Criteria(period_from="2026-13"))
    other = resolve(store, "other")  # a clerk with no grant
    with pytest.raises(AccessDenied):
        extract.extract(store, other, extract.Criteria(clients=(client,)))
    assert extract.extract(store, other, extract.Criteria()).lines == []
    assert extract.extract(store, who, extract.Criteria(pay_forms=("02",))).lines == []


def test_rights_intervals_are_checked(runs, store) -> None:
    small, who, client = runs
    with pytest.raises(UserError) as rev:
        extract_rights.add_right(store, who, "clerk", "account", "5999", "5000")
    assert rev.value.code == "extract.right_reversed"
    extract_rights.add_right(store, who, "clerk", "account", "5000", "5099")
    with pytest.raises(UserError) as same:
        extract_rights.add_right(store, who, "clerk", "account", "5000", "5000")
    assert same.value.code == "extract.right_same_from"
    with pytest.raises(UserError) as overlap:
        extract_rights.add_right(store, who, "clerk", "account", "900", "5000")
    assert overlap.value.code == "extract.right_overlap"
    extract_rights.add_right(store, who, "clerk", "account", "900", "1100")  # numbers, not text: 900 < 5000
    clerk = resolve(store, "clerk")
    with pytest.raises(AccessDenied):
        extract_rights.add_right(store, clerk, "clerk", "account", "1", "2")
    with pytest.raises(AccessDenied):
        extract_rights.set_control(store, clerk, account_control=True)
    assert [(r.low, r.high) for r in extract_rights.rights(store, clerk)] == [("900", "1100"), ("5000", "5099")]


def test_a_user_sees_only_the_lines_of_their_intervals_and_is_told_what_was_left_out(runs, store) -> None:
    small, who, client = runs
    from byraa.core.agency import access_admin

    access_admin.grant(store, who, "clerk", "associate", org_numbers=[client])
    clerk = resolve(store, "clerk")
    criteria = extract.Criteria(clients=(client,), period_from="2026-10", period_to="2026-10")
    # Switches off: the clerk sees everything of the client.
    assert len(extract.extract(store, clerk, criteria).lines) == len(LINES)
    extract_rights.set_control(store, who, account_control=True)
    nothing = extract.extract(store, clerk, criteria)
    assert nothing.lines == [] and [(x.control, x.lines, x.values) for x in nothing.left_out] == \
        [("account", 5, ("2600", "5000", "5400"))]
    extract_rights.add_right(store, who, "clerk", "account", "5000", "5099")
    extract_rights.add_right(store, who, "clerk", "pay_type", "900", "999")
    seen = extract.extract(store, clerk, criteria)
    assert sorted(x.account for x in seen.lines) == ["5000", "5000", "5000", "5400"]  # 5400 by its pay type
    assert [(x.control, x.lines, x.values) for x in seen.left_out] == [("account", 1, ("2600",))]
    extract_rights.set_control(store, who, department_control=True)
    extract_rights.add_right(store, who, "clerk", "department", "10", "19")
    by_dept = extract.extract(store, clerk, criteria)
    assert sorted((x.account, x.department) for x in by_dept.lines) == [("5000", "10"), ("5000", "10"),
                                                                          ("5400", "10")]
    assert ("department", 1, ("20",)) in [(x.control, x.lines, x.values) for x in by_dept.left_out]
    # The manager who sets the rights is not limited by them.
    assert len(extract.extract(store, who, criteria).lines) == len(LINES)
    assert org(1) == client
