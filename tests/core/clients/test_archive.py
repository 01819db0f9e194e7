"""The archive: stored unchanged, listed by access, shown pretty, exported 0600, no secrets."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.clients import archive
from byraa.core.clients.archive import ArchiveRecord
from tests.builders import org, small_agency

XML = b'<?xml version="1.0"?><a xmlns="urn:x"><b>1</b></a>'


def _fill(store) -> dict[str, int]:  # noqa: ANN001
    small = small_agency(store)
    arch = archive.StoreArchiver(store, "tester")
    ids = {
        "a_xml": arch(ArchiveRecord("taxcard", "in", XML, org_number=org(1), period="2026",
                                    content_type="application/xml", correlation_id="c1", method="GET",
                                    url="http://x/svar/1", status_code=200,
                                    headers={"Authorization": "Bearer SECRET-TOKEN", "Content-Type": "application/xml",
                                             "X-Correlation-ID": "c1"})),
        "b_json": arch(ArchiveRecord("feedback", "in", b'{"mottak":{"mottakstatus":"avvist"}}',
                                     org_number=org(2), period="2026-10", content_type="application/json")),
        "token": arch(ArchiveRecord("token", "out", archive.redact_token_body(
            b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJSECRET",
            "application/x-www-form-urlencoded"), content_type="application/x-www-form-urlencoded",
            headers={"Content-Type": "application/x-www-form-urlencoded"})),
        "a_out": arch(ArchiveRecord("taxcard", "out", b'{"inntektsaar":"2026"}', org_number=org(1), period="2026",
                                    content_type="application/json")),
    }
    ids["small"] = small  # type: ignore[assignment]
    return ids


def test_stored_unchanged_with_checksum_and_redacted_headers(store) -> None:
    ids = _fill(store)
    who = ids["small"].who()
    entry, content = archive.get(store, who, ids["a_xml"])
    assert content == XML and entry.sha256 == hashlib.sha256(XML).hexdigest() and entry.size == len(XML)
    assert entry.headers["authorization"] == "<redacted>" and entry.headers["x-correlation-id"] == "c1"
    assert "SECRET" not in json.dumps(archive.as_dict(entry), default=str)
    token_entry, token_body = archive.get(store, who, ids["token"])
    assert b"eyJSECRET" not in token_body and b"assertion=<redacted>" in token_body


def test_list_filters_and_access(store) -> None:
    ids = _fill(store)
    small = ids["small"]
    manager = small.who()
    assert {e.id for e in archive.list_files(store, manager)} == {ids["a_xml"], ids["b_json"], ids["token"],
                                                                  ids["a_out"]}
    assert [e.id for e in archive.list_files(store, manager, client=org(1), direction="in")] == [ids["a_xml"]]
    assert [e.id for e in archive.list_files(store, manager, kind="feedback", period="2026-10")] == [ids["b_json"]]
    # The clerk is responsible for client B only: never A's files, never agency-level ones.
    clerk = small.who("clerk")
    assert [e.id for e in archive.list_files(store, clerk)] == [ids["b_json"]]
    with pytest.raises(AccessDenied):
        archive.list_files(store, clerk, client=org(1))
    with pytest.raises(AccessDenied):
        archive.get(store, clerk, ids["a_xml"])
    with pytest.raises(AccessDenied, match="gjelder byrået"):
        archive.get(store, clerk, ids["token"])
    with pytest.raises(UserError):
        archive.list_files(store, manager, kind="nonsense")


def test_show_pretty_prints(store) -> None:
    ids = _fill(store)
    who = ids["small"].who()
    _e, text = archive.show(store, who, ids["a_xml"])
    assert text == '<a xmlns="urn:x">\n  <b>1</b>\n</a>\n'
    _e, text = archive.show(store, who, ids["b_json"])
    assert text.startswith('{\n  "mottak": {')
    assert archive.pretty_body(b"<!DOCTYPE x><x/>", "application/xml").startswith("[ikke vist:")


def test_export_is_private_and_never_overwrites_by_accident(store, tmp_path: Path) -> None:
    ids = _fill(store)
    who = ids["small"].who()
    out = tmp_path / "copy.xml"
    old = os.umask(0)
    try:
        archive.export(store, who, ids["a_xml"], out)
    finally:
        os.umask(old)
    assert out.read_bytes() == XML and stat.S_IMODE(out.stat().st_mode) == 0o600
    with pytest.raises(UserError, match="finnes"):
        archive.export(store, who, ids["a_xml"], out)
    out.chmod(0o644)
    archive.export(store, who, ids["b_json"], out, overwrite=True)
    assert out.read_bytes().startswith(b'{"mottak"') and stat.S_IMODE(out.stat().st_mode) == 0o600
    with pytest.raises(AccessDenied):
        archive.export(store, ids["small"].who("clerk"), ids["a_xml"], tmp_path / "no.xml")
    assert not (tmp_path / "no.xml").exists()


def test_cli_archive(store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ids = _fill(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    monkeypatch.setenv("BYRAA_LANG", "en")
    runner = CliRunner()
    listed = json.loads(runner.invoke(main, ["archive", "list", "--client", org(1), "--format", "json"]).output)
    assert [r["id"] for r in listed] == [ids["a_out"], ids["a_xml"]]
    assert "SECRET" not in json.dumps(listed)
    table = runner.invoke(main, ["archive", "list", "--kind", "taxcard", "--direction", "in"])
    assert table.exit_code == 0 and "tax card  in" in table.output  # the table in words, as the screen says them
    csv_out = runner.invoke(main, ["archive", "list", "--format", "csv"]).output
    assert "SECRET" not in csv_out and "<redacted>" in csv_out
    shown = runner.invoke(main, ["archive", "show", str(ids["a_xml"])])
    assert shown.exit_code == 0 and "  <b>1</b>" in shown.output and "SECRET" not in shown.output
    raw = runner.invoke(main, ["archive", "show", "--raw", str(ids["a_xml"])])
    assert raw.stdout_bytes == XML
    out = tmp_path / "x.xml"
    assert runner.invoke(main, ["archive", "export", str(ids["a_xml"]), "--out", str(out)]).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = runner.invoke(main, ["archive", "export", str(ids["a_xml"]), "--out", str(out)])
    assert again.exit_code == 2
    monkeypatch.setenv("BYRAA_USER", "clerk")
    denied = runner.invoke(main, ["archive", "show", str(ids["a_xml"])])
    assert denied.exit_code == 2 and "no access" in denied.output
    monkeypatch.setenv("BYRAA_USER", "tester")
    norsk = runner.invoke(main, ["--lang", "nb", "archive", "list", "--kind", "taxcard", "--direction", "in"])
    assert "skattekort  inn" in norsk.output and "taxcard" not in norsk.output


def test_a_ledger_is_listed_and_found_by_every_month_it_covers(store, monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    from byraa.core.importers.ledger import import_csv

    small = small_agency(store)
    ledger = tmp_path / "hovedbok.csv"
    ledger.write_text("account;period;amount\n2600;2026-03;-100\n5000;2026-01;100\n", encoding="utf-8")
    import_csv(store, small.who(), ledger, client=org(1))
    ours = lambda entries: [(e.kind, e.period, e.period_to) for e in entries]  # noqa: E731
    assert ours(archive.list_files(store, small.who(), client=org(1))) == [("ledger", "2026-01", "2026-03")]
    # Found by its first, a middle and its last month; not by a month it does not cover.
    for month, found in (("2026-01", 1), ("2026-02", 1), ("2026-03", 1), ("2026-04", 0), ("2025-12", 0)):
        assert len(archive.list_files(store, small.who(), period=month)) == found, month
    [entry] = archive.list_files(store, small.who())
    assert archive.get(store, small.who(), entry.id)[0].period_to == "2026-03"
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    runner = CliRunner()
    table = runner.invoke(main, ["archive", "list", "--period", "2026-02"])
    assert table.exit_code == 0 and "2026-01–03" in table.output
    # Every kind the archive holds can be asked for (the choices were a copy that lacked the ledger).
    ledgers = runner.invoke(main, ["archive", "list", "--kind", "ledger", "--format", "json"])
    assert ledgers.exit_code == 0, ledgers.output
    assert [r["kind"] for r in json.loads(ledgers.output)] == ["ledger"]
    [row] = json.loads(runner.invoke(main, ["archive", "list", "--format", "json"]).output)
    assert (row["period"], row["period_to"]) == ("2026-01", "2026-03")  # ISO in JSON
    assert "period_to" in runner.invoke(main, ["archive", "list", "--format", "csv"]).output.splitlines()[0]
