"""Posting control: journal import, each control rule, freeze, post once, error account, checklist.

Expected figures are computed here from the journal lines the test writes, not copied
from output.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from byraa.core.base.errors import UserError
from byraa.core.importers.ledger import import_ledger
from byraa.core.posting import service
from byraa.core.posting.journal import import_journal
from byraa.core.store.models import ArchiveFile
from byraa.core.store.models_posting import PostedLine, Posting, PostingLine
from tests.builders import nid, org, small_agency

HEADER = ["account", "amount", "national_id", "department", "pay_form", "period", "off_cycle", "fiscal_year", "text"]


def journal(tmp_path: Path, lines: list[dict], name: str = "journal.csv", delimiter: str = ";") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, HEADER, delimiter=delimiter)
        writer.writeheader()
        for line in lines:
            writer.writerow({"pay_form": "01", "period": "2026-11", "off_cycle": "nei", **line})
    return path


def ledger(tmp_path: Path, accounts: list[str], period: str = "2026-10") -> Path:
    path = tmp_path / "ledger.csv"
    rows = ["account;period;amount;kind"] + [f"{a};{period};0;opening" for a in accounts]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def agency(store, tmp_path: Path):  # noqa: ANN201
    small = small_agency(store)
    who = small.who()
    client = org(1)  # client A: employees nid(2) and nid(3)
    import_ledger(store, who, ledger(tmp_path, ["5000", "2600", "1920", "2930", "1570", "7999"]), client=client)
    return small, who, client


def good_lines() -> list[dict]:
    return [
        {"account": "5000", "amount": "50000,00", "text": "Fastlønn"},
        {"account": "2600", "amount": "-15000,00", "text": "Forskuddstrekk"},
        {"account": "2930", "amount": "-35000,00", "national_id": nid(2), "text": "Netto"},
    ]


def test_a_clean_journal_posts_once_with_its_posting_text(agency, store, tmp_path: Path) -> None:
    small, who, client = agency
    lines = good_lines()
    result = import_journal(store, who, journal(tmp_path, lines), client=client)
    assert (result.status, result.lines, result.totals["sum"]) == ("imported", 3, 0)
    service.set_settings(store, who, client, error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026"])
    info, control = service.check(store, who, client, "2026-11")
    assert control.clean, [r.problems for r in control.rows]
    assert control.by_account == {"2600": -1_500_000, "2930": -3_500_000, "5000": 5_000_000}
    assert control.by_person == {nid(2): -3_500_000}
    # The subledger line carries the person as customer; text starts LØN01,202611.
    assert [(r.post_account, r.customer) for r in control.rows] == [("5000", None), ("2600", None), ("2930", nid(2))]
    assert all(r.text.startswith("LØN01,202611") for r in control.rows)
    # Not frozen: refused. Frozen: posted once; again: refused with who posted.
    with pytest.raises(UserError) as refused:
        service.post(store, who, client, "2026-11")
    assert refused.value.code == "posting.run_not_frozen"
    service.freeze(store, who, client, "2026-11")
    posted = service.post(store, who, client, "2026-11")
    assert posted.run.status == "posted" and posted.run.vouchers == "1"
    assert sum(v.amount for v in posted.lines) == 0 and not any(v.to_error for v in posted.lines)
    assert posted.voucher_csv.decode().splitlines()[0] == "voucher;date;fiscal_year;account;customer;amount;text"
    assert "50000.00" in posted.voucher_csv.decode()
    with pytest.raises(UserError) as again:
        service.post(store, who, client, "2026-11")
    assert again.value.code == "posting.run_already_posted"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Posting)) == 1
        assert s.scalar(select(func.count()).select_from(ArchiveFile).where(
            ArchiveFile.kind == "posting_voucher", ArchiveFile.direction == "out")) == 1
    assert {"frozen", "posted"} <= set(service.runs(store, who, client)[0].checklist)


def test_every_rule_names_its_lines(agency, store, tmp_path: Path) -> None:
    small, who, client = agency
    stranger = nid(40)  # a valid id that is no employee of client A
    lines = [
        {"account": "5000", "amount": "1000,00", "national_id": nid(2)},          # id on a plain account
        {"account": "4444", "amount": "200,00"},                                  # account unknown to the ledger
        {"account": "2930", "amount": "-300,00"},                                 # sub-ledger without id
        {"account": "5000", "amount": "50,00", "national_id": stranger},           # unknown national id
        {"account": "2600", "amount": "-900,00"},
    ]
    import_journal(store, who, journal(tmp_path, lines), client=client)
    service.set_settings(store, who, client, error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026"])
    _, control = service.check(store, who, client, "2026-11")
    problems = {r.line_no: r.problems for r in control.rows}
    assert problems == {2: ["id_on_plain_account"], 3: ["unknown_account"], 4: ["subledger_without_id"],
                        5: ["unknown_id"], 6: []}
    rows = {r.line_no: r for r in control.rows}
    assert rows[3].post_account == "7999" and rows[3].text.endswith("KTO: 4444")
    assert rows[4].customer == "99999"
    assert rows[5].post_account == "7999" and stranger in rows[5].text
    assert nid(2) in rows[2].text and rows[2].post_account == "5000"
    expected_difference = -sum(int(float(x["amount"].replace(",", ".")) * 100) for x in lines)
    assert control.differences == {2026: expected_difference}
    # Posting puts the DIFFERENCE and the error lines where the rules say, listed until cleared.
    service.freeze(store, who, client, "2026-11")
    posted = service.post(store, who, client, "2026-11")
    assert sum(v.amount for v in posted.lines) == 0
    errors = service.error_lines(store, who, client)
    assert sorted(e.text.split(" ", 1)[1] for e in errors if e.account == "7999") == sorted(
        ["DIFFERENCE", "KTO: 4444", stranger])
    assert [e.customer for e in errors if e.account != "7999"] == ["99999"]
    service.clear_error_line(store, who, client, errors[0].id)
    assert len(service.error_lines(store, who, client)) == len(errors) - 1


def test_fiscal_year_falls_back_and_a_run_may_span_two_years(agency, store, tmp_path: Path) -> None:
    small, who, client = agency
    lines = [
        {"account": "5000", "amount": "100,00", "fiscal_year": "2025"},   # 2025 closed: calendar year 2026
        {"account": "2600", "amount": "-100,00", "fiscal_year": "2025"},
        {"account": "5000", "amount": "70,00", "fiscal_year": "2027"},    # 2027 open: stays
        {"account": "2600", "amount": "-70,00", "fiscal_year": "2027"},
    ]
    import_journal(store, who, journal(tmp_path, lines), client=client)
    service.set_settings(store, who, client, error_account="7999", error_customer="99999", open_years=["2026", "2027"])
    _, control = service.check(store, who, client, "2026-11")
    assert [r.fiscal_year for r in control.rows] == [2026, 2026, 2027, 2027]
    service.freeze(store, who, client, "2026-11")
    posted = service.post(store, who, client, "2026-11")
    assert posted.run.vouchers == "1–2"
    assert {(v.voucher, v.fiscal_year) for v in posted.lines} == {(1, 2026), (2, 2027)}
    # Neither the payroll's year nor the calendar year open: the run cannot be posted.
    service.set_settings(store, who, client, open_years=["2030"])
    _, blocked = service.check(store, who, client, "2026-11")
    assert "no_open_year" in blocked.blocking


def test_freeze_stops_replacement_and_reimport_updates_an_open_run(agency, store, tmp_path: Path) -> None:
    small, who, client = agency
    first = journal(tmp_path, [{"account": "5000", "amount": "10,00"}, {"account": "2600", "amount": "-9,00"}])
    import_journal(store, who, first, client=client)
    _, control = service.check(store, who, client, "2026-11")
    assert control.differences == {2026: -100}
    assert import_journal(store, who, first, client=client).status == "unchanged"
    fixed = journal(tmp_path, [{"account": "5000", "amount": "10,00"}, {"account": "2600", "amount": "-10,00"}],
                    name="fixed.csv")
    assert import_journal(store, who, fixed, client=client).status == "replaced"
    _, control = service.check(store, who, client, "2026-11")
    assert control.differences == {}
    service.freeze(store, who, client, "2026-11")
    with pytest.raises(UserError) as frozen:
        import_journal(store, who, first, client=client)
    assert frozen.value.code == "journal.frozen"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(PostingLine)) == 2


def test_posting_needs_error_account_and_customer(agency, store, tmp_path: Path) -> None:
    small, who, client = agency
    import_journal(store, who, journal(tmp_path, good_lines()), client=client)
    service.freeze(store, who, client, "2026-11")
    with pytest.raises(UserError) as refused:
        service.post(store, who, client, "2026-11")
    assert refused.value.code == "posting.settings_missing"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(PostedLine)) == 0


@pytest.mark.parametrize(("lines", "code", "line_no"), [
    ([{"account": "5000", "amount": "12x"}], None, 2),
    ([{"account": "5000", "amount": "1,00", "national_id": "12345678901"}], "journal.bad_value", 2),
    ([{"account": "5000", "amount": "1,00"}, {"account": "2600", "amount": "-1,00", "period": "2026-12"}],
     "journal.mixed_runs", 3),
    ([{"account": "5000", "amount": "1,00", "off_cycle": "kanskje"}], "journal.bad_value", 2),
])
def test_a_bad_journal_is_refused_whole_naming_the_line(agency, store, tmp_path: Path, lines, code, line_no) -> None:
    small, who, client = agency
    with pytest.raises(UserError) as refused:
        import_journal(store, who, journal(tmp_path, lines), client=client)
    message = str(refused.value)
    assert "journal.csv" in message and str(line_no) in message
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(PostingLine)) == 0


def test_a_clerk_without_access_gets_nothing(agency, store, tmp_path: Path) -> None:
    small, who, client = agency
    import_journal(store, who, journal(tmp_path, good_lines()), client=client)
    other = small.who("other")
    with pytest.raises(UserError):
        service.check(store, other, client, "2026-11")
    with pytest.raises(UserError):
        import_journal(store, other, journal(tmp_path, good_lines(), name="b.csv"), client=client)


def test_two_processes_racing_to_post_one_run_exactly_one_wins(agency, store, store_url: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    small, who, client = agency
    import_journal(store, who, journal(tmp_path, good_lines()), client=client)
    service.set_settings(store, who, client, error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026"])
    service.freeze(store, who, client, "2026-11")
    env = {**os.environ, "BYRAA_DATABASE_URL": store_url, "BYRAA_USER": "tester", "BYRAA_LANG": "nb"}
    cmd = [sys.executable, "-m", "byraa", "posting", "post", "--client", client, "--period", "2026-11"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2, 2], results
    losers = [err for code, _, err in results if code == 2]
    assert all(len(err.strip().splitlines()) == 1 and "Traceback" not in err for err in losers), losers
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Posting)) == 1
        assert s.scalar(select(func.count()).select_from(PostedLine)) == 3


def test_cli_check_counts_its_problems_in_words(agency, store, store_url: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from byraa.cli.main import main

    _small, _who, client = agency
    path = journal(tmp_path, [{"account": "5000", "amount": "10,00"}, {"account": "4444", "amount": "-5,00"},
                              {"account": "4445", "amount": "-5,00"}])
    env = {"BYRAA_DATABASE_URL": store_url}
    assert CliRunner().invoke(main, ["import", "journal", str(path), "--client", client], env=env).exit_code == 0
    said = CliRunner().invoke(main, ["--lang", "nb", "posting", "check", "--client", client, "--period", "2026-11"],
                              env=env)
    assert said.exit_code == 1
    assert said.output.strip().splitlines()[-1] == "01 2026-11: 2 problemer"
    said = CliRunner().invoke(main, ["--lang", "en", "posting", "check", "--client", client, "--period", "2026-11"],
                              env=env)
    assert said.output.strip().splitlines()[-1] == "01 2026-11: 2 problems"


def test_cli_check_freeze_post_and_status(agency, store, store_url: str, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from byraa.cli.main import main

    small, who, client = agency
    path = journal(tmp_path, [{"account": "5000", "amount": "10,00"}, {"account": "4444", "amount": "-10,00"}])

    def run(*args: str):  # noqa: ANN202
        return CliRunner().invoke(main, list(args), env={"BYRAA_DATABASE_URL": store_url})

    assert run("import", "journal", str(path), "--client", client).exit_code == 0
    checked = run("posting", "check", "--client", client, "--period", "2026-11", "--format", "json")
    assert checked.exit_code == 1
    payload = json.loads(checked.output)
    assert payload["problems"] == 1 and payload["rows"][1]["problems"] == ["unknown_account"]
    assert run("posting", "freeze", "--client", client, "--period", "2026-11").exit_code == 0
    refused = run("posting", "post", "--client", client, "--period", "2026-11")
    assert refused.exit_code == 2
    assert run("posting", "settings", "--client", client, "--error-account", "7999",
               "--error-customer", "99999", "--open-years", "2026").exit_code == 0
    out = tmp_path / "bilag.csv"
    posted = run("posting", "post", "--client", client, "--period", "2026-11", "--out", str(out))
    assert posted.exit_code == 0, posted.output
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert out.read_text().count("\n") == 3  # header + two lines
    status = json.loads(run("posting", "status", "--client", client, "--format", "json").output)
    assert status[0]["status"] == "posted" and status[0]["checklist"] == ["frozen", "posted"]
    errors = json.loads(run("posting", "errors", "--client", client, "--format", "json").output)
    assert [e["text"] for e in errors] == ["LØN01,202611 KTO: 4444"]
    assert run("posting", "journal", "--client", client, "--period", "2026-11", "--out",
               str(tmp_path / "j.pdf")).exit_code == 2
    printout = tmp_path / "journal.xlsx"
    assert run("posting", "journal", "--client", client, "--period", "2026-11", "--out", str(printout)).exit_code == 0
    import polars as pl

    sheet = pl.read_excel(printout, has_header=False, infer_schema_length=0)
    values = [list(r) for r in sheet.iter_rows()]
    assert values[-1][3] == "sum" and float(values[-1][4]) == 10.0 and float(values[-1][5]) == 10.0
    status = json.loads(run("posting", "status", "--client", client, "--format", "json").output)
    assert "journal_printed" in status[0]["checklist"]


def _xsd() -> Path:
    root = Path(__file__).resolve().parents[3]
    for folder in (root.parent / "shared" / "samples", Path("/work/shared/samples")):
        if (folder / "Norwegian_SAF-T_Financial_Schema_v_1.30.xsd").exists():
            return folder / "Norwegian_SAF-T_Financial_Schema_v_1.30.xsd"
    pytest.fail("the SAF-T v1.30 schema is not beside the repository (../shared/samples)")


def test_the_saft_journal_validates_against_the_v130_schema(agency, store, tmp_path: Path) -> None:
    from lxml import etree

    small, who, client = agency
    lines = good_lines() + [{"account": "4444", "amount": "10,00"}, {"account": "2600", "amount": "-10,00",
                                                                       "fiscal_year": "2027"}]
    import_journal(store, who, journal(tmp_path, lines), client=client)
    service.set_settings(store, who, client, error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026", "2027"])
    service.freeze(store, who, client, "2026-11")
    posted = service.post(store, who, client, "2026-11")
    schema = etree.XMLSchema(etree.parse(str(_xsd())))
    document = etree.fromstring(posted.saft)
    assert schema.validate(document), schema.error_log
    ns = {"s": "urn:StandardAuditFile-Taxation-Financial:NO"}
    assert document.findtext("s:GeneralLedgerEntries/s:NumberOfEntries", namespaces=ns) == "2"
    debit = sum(v.amount for v in posted.lines if v.amount > 0)
    assert document.findtext("s:GeneralLedgerEntries/s:TotalDebit", namespaces=ns) == f"{debit / 100:.2f}"
    assert document.findall(".//s:Line/s:CustomerID", namespaces=ns)[0].text == nid(2)
