"""Tax-card answers: both JSON spellings, the XML v3 sample, import, listing and access."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from byraa.cli.main import main
from byraa.core import taxcards
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.store.models import ArchiveFile, AuditEvent, Client, Employee, Employment
from byraa.core.store.models_altinn import TaxCard
from byraa.core.taxcards.parse import AnswerBuilder, Deduction, EmployerResult, PersonResult
from tests.builders import NOW, nid, org, small_agency

DATA = Path(__file__).resolve().parents[2] / "data"
SAMPLE = DATA / "skattekortresponse-eksempel.xml"
SAMPLE_ORG = "312485494"

SKE_DOC_STYLE = {  # strings and UPPER_SNAKE, as Skatteetaten's documentation shows them
    "status": "FORESPOERSEL_OK",
    "arbeidsgiver": [{
        "arbeidsgiveridentifikator": {"organisasjonsnummer": "{org}"},
        "arbeidstaker": [{
            "arbeidstakeridentifikator": "{nid}",
            "resultatForSkattekort": "SKATTEKORTOPPLYSNINGER_OK",
            "inntektsaar": "2026",
            "skattekort": {
                "utstedtDato": "2026-01-05",
                "skattekortidentifikator": "12345",
                "forskuddstrekk": [
                    {"trekkode": "LOENN_FRA_HOVEDARBEIDSGIVER",
                     "trekktabell": {"tabellnummer": "8140", "prosentsats": "41", "antallMaanederForTrekk": "10.5"}},
                    {"trekkode": "LOENN_FRA_NAV", "trekkprosent": {"prosentsats": "41"}},
                ],
            },
            "tilleggsopplysning": ["KILDESKATT_PAA_LOENN"],
        }],
    }],
}

NAV_STYLE = {  # numbers and camelCase, as NAV's production fixtures
    "status": "FORESPOERSEL_OK",
    "arbeidsgiver": [{
        "arbeidsgiveridentifikator": {"organisasjonsnummer": "{org}"},
        "arbeidstaker": [{
            "arbeidstakeridentifikator": "{nid}",
            "resultatForSkattekort": "skattekortopplysningerOK",
            "inntektsaar": 2026,
            "skattekort": {
                "utstedtDato": "2026-01-05",
                "skattekortidentifikator": 12345,
                "forskuddstrekk": [
                    {"trekkode": "loennFraHovedarbeidsgiver",
                     "trekktabell": {"tabellnummer": 8140, "prosentsats": 41, "antallMaanederForTrekk": 10.5}},
                    {"trekkode": "loennFraNAV", "trekkprosent": {"prosentsats": 41.0}},
                ],
            },
            "tilleggsopplysning": ["kildeskattPaaLoenn"],
        }],
    }],
}


def _fill(doc: dict, org_number: str, national_id: str) -> bytes:
    return json.dumps(doc).replace("{org}", org_number).replace("{nid}", national_id).encode()


def test_both_json_spellings_parse_the_same() -> None:
    a = taxcards.parse_json(_fill(SKE_DOC_STYLE, org(1), nid(0)))
    b = taxcards.parse_json(_fill(NAV_STYLE, org(1), nid(0)))
    assert a.employers == b.employers
    person = a.employers[0].persons[0]
    assert person.result == "skattekortopplysningerOK" and person.income_year == 2026
    assert person.main == Deduction("loennFraHovedarbeidsgiver", "trekktabell", "8140", None, 41.0, 10.5, None)
    assert person.deductions[1].trekkode == "loennFraNAV" and person.card_id == "12345"
    assert person.tilleggsopplysning == ("kildeskattPaaLoenn",)


def test_upper_snake_keys_and_odd_entries_become_per_person_errors() -> None:
    doc = {"STATUS": "FORESPOERSEL_OK", "ARBEIDSGIVER": [{
        "ARBEIDSGIVERIDENTIFIKATOR": {"ORGANISASJONSNUMMER": org(1)},
        "ARBEIDSTAKER": [
            {"ARBEIDSTAKERIDENTIFIKATOR": "12345678901", "RESULTAT_FOR_SKATTEKORT": "IKKE_SKATTEKORT",
             "INNTEKTSAAR": "2026"},
            {"arbeidstakeridentifikator": nid(1), "resultatForSkattekort": "skattekortopplysningerOK",
             "inntektsaar": "2026", "skattekort": {"forskuddstrekk": [{"trekkode": "pensjon"}]}},
            {"arbeidstakeridentifikator": nid(2), "resultatForSkattekort": "ikkeTrekkplikt", "inntektsaar": "2026"},
            "nonsense",
        ]}]}
    answer = taxcards.parse_json(json.dumps(doc).encode())
    persons = answer.employers[0].persons
    assert persons[0].error and persons[0].result == "ikkeSkattekort"
    assert "exactly one" in persons[1].error
    assert persons[2].error is None and persons[2].result == "ikkeTrekkplikt"
    assert persons[3].error


def test_malformed_json_is_rejected_not_crashed() -> None:
    for bad in (b"{", b"[]", b"\xff\xfe", b'{"arbeidsgiver": [1]}'):
        with pytest.raises(taxcards.AnswerRejected):
            taxcards.parse_answer(bad)


def test_sample_xml_parses_all_three_kinds() -> None:
    answer = taxcards.parse_xml(SAMPLE.read_bytes())
    persons = answer.employers[0].persons
    assert answer.employers[0].org_number == SAMPLE_ORG and len(persons) == 8
    assert all(p.error is None for p in persons)
    kinds = {p.main.kind for p in persons}
    assert kinds == {"trekkprosent", "frikort", "trekktabell"}
    first = persons[0]
    assert first.tilleggsopplysning == ("kildeskattPaaLoenn", "kildeskattPaaPensjon")
    table = next(p for p in persons if p.national_id == "27899996262").main
    assert (table.table_number, table.table_type, table.percentage) == ("8170", "trekktabellForLoenn", 46.0)


def test_xml_round_trip_and_wrong_namespace() -> None:
    person = PersonResult(nid(0), 2026, "skattekortopplysningerOK",
                          (Deduction("loennFraHovedarbeidsgiver", "frikort", free_card_amount=65_000_00),),
                          card_id="7")
    xml = AnswerBuilder(employers=[EmployerResult(org(1), (person,))]).xml()
    assert taxcards.parse_xml(xml).employers[0].persons[0] == person
    wrong = xml.replace(b":v3", b":v9")
    with pytest.raises(taxcards.AnswerRejected, match="v3-navnerommet"):
        taxcards.parse_xml(wrong)
    with pytest.raises(taxcards.AnswerRejected, match="ikke velformet"):
        taxcards.parse_xml(xml[:200])


def _add_sample_client(store) -> int:  # noqa: ANN001
    with store.session() as s:
        client = Client(org_number=SAMPLE_ORG, name="Eksempel AS", created_at=NOW)
        s.add(client)
        s.flush()
        return client.id


def test_sample_imports_and_persons_become_employees(store) -> None:
    small = small_agency(store)
    client_id = _add_sample_client(store)
    who = small.who()
    summary = taxcards.import_file(store, who, SAMPLE)
    assert (summary.files, summary.persons, summary.cards, summary.new_employees) == (1, 8, 8, 8)
    assert summary.errors == []
    with store.session() as s:
        assert s.scalar(select(func.count(Employee.id)).where(Employee.client_id == client_id)) == 8
        assert s.scalar(select(func.count(Employment.id)).where(Employment.client_id == client_id)) == 0
        archived = s.get(ArchiveFile, summary.archive_ids[0])
        assert archived.content == SAMPLE.read_bytes() and archived.client_id == client_id
        assert archived.kind == "taxcard" and archived.direction == "in" and archived.user_login == "tester"
    rows = taxcards.list_cards(store, who, SAMPLE_ORG, 2026)
    assert len(rows) == 8 and all(r.national_id.endswith("*****") for r in rows)
    assert {r.kind for r in rows} == {"trekkprosent", "frikort", "trekktabell"}
    # The same file again changes nothing; a changed card becomes current, the old one history.
    again = taxcards.import_file(store, who, SAMPLE)
    assert (again.cards, again.unchanged, again.new_employees) == (0, 8, 0)
    person = PersonResult("27899996262", 2026, "skattekortopplysningerOK",
                          (Deduction("loennFraHovedarbeidsgiver", "trekkprosent", percentage=30.0),), card_id="2")
    changed = DATA.parent / "_changed.json"
    try:
        changed.write_text(json.dumps(AnswerBuilder(employers=[EmployerResult(SAMPLE_ORG, (person,))]).json()))
        assert taxcards.import_file(store, who, changed).cards == 1
    finally:
        changed.unlink()
    rows = taxcards.list_cards(store, who, SAMPLE_ORG, 2026, reveal=True)
    row = next(r for r in rows if r.national_id == "27899996262")
    assert (row.kind, row.percentage) == ("trekkprosent", 30.0)
    history = taxcards.list_cards(store, who, SAMPLE_ORG, 2026, history=True)
    assert len(history) == 9
    with store.session() as s:
        current = s.scalar(select(func.count(TaxCard.id)).where(TaxCard.is_current.is_(True)))
        assert current == 8


def test_unknown_employer_refuses_the_whole_command(store, tmp_path: Path) -> None:
    small = small_agency(store)
    good = tmp_path / "good.json"
    good.write_bytes(_fill(NAV_STYLE, org(1), nid(0)))
    with pytest.raises(UserError) as err:
        taxcards.import_files(store, small.who(), [good, SAMPLE])
    assert str(SAMPLE) in str(err.value) and SAMPLE_ORG in str(err.value)
    with store.session() as s:
        assert s.scalar(select(func.count(TaxCard.id))) == 0
        assert s.scalar(select(func.count(ArchiveFile.id))) == 0


def test_clerk_without_access_is_refused(store, tmp_path: Path) -> None:
    small = small_agency(store)
    path = tmp_path / "a.json"
    path.write_bytes(_fill(NAV_STYLE, org(1), nid(0)))  # client A: clerk has no access
    with pytest.raises(AccessDenied):
        taxcards.import_file(store, small.who("clerk"), path)
    taxcards.import_file(store, small.who(), path)
    with pytest.raises(AccessDenied):
        taxcards.list_cards(store, small.who("clerk"), org(1))
    with pytest.raises(AccessDenied):
        taxcards.list_cards(store, small.who("clerk"), org(1), reveal=True)


@pytest.fixture
def cli(store, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    monkeypatch.setenv("BYRAA_LANG", "en")

    def run(*args: str, user: str = "tester"):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


def test_cli_import_and_list(cli, store, tmp_path: Path) -> None:
    bad = cli("import", "taxcards", str(SAMPLE))
    assert bad.exit_code == 2 and SAMPLE_ORG in bad.output
    _add_sample_client(store)
    ok = cli("import", "taxcards", str(SAMPLE), "--format", "json")
    assert ok.exit_code == 0, ok.output
    summary = json.loads(ok.output)
    assert (summary["files"], summary["persons"], summary["cards"], summary["new_employees"]) == (1, 8, 8, 8)
    table = cli("taxcards", "list", "--client", SAMPLE_ORG)
    assert table.exit_code == 0 and "068598*****" in table.output and "06859899852" not in table.output
    rows = json.loads(cli("taxcards", "list", "--client", SAMPLE_ORG, "--format", "json").output)
    assert all(r["national_id"].endswith("*****") for r in rows)
    csv_out = cli("taxcards", "list", "--client", SAMPLE_ORG, "--year", "2026", "--format", "csv").output
    assert "06859899852" not in csv_out and "068598*****" in csv_out

    def reveals() -> int:
        with store.session() as s:
            return s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "national_id.reveal"))

    before = reveals()
    shown = json.loads(cli("taxcards", "list", "--client", SAMPLE_ORG, "--reveal", "--format", "json").output)
    assert "06859899852" in {r["national_id"] for r in shown}
    assert reveals() == before + 1
    refused = cli("taxcards", "list", "--client", org(1), "--reveal", user="other")
    assert refused.exit_code == 2 and "no access" in refused.output
    assert reveals() == before + 1


def test_cli_import_refuses_a_file_with_a_broken_person(cli, tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    doc = json.loads(_fill(NAV_STYLE, org(1), nid(0)))
    doc["arbeidsgiver"][0]["arbeidstaker"].append(
        {"arbeidstakeridentifikator": "01010112345", "resultatForSkattekort": "ikkeSkattekort", "inntektsaar": 2026})
    path.write_text(json.dumps(doc))
    out = cli("import", "taxcards", str(path))
    # All or nothing per file: the broken person refuses it, named masked; the good one is not stored.
    assert out.exit_code == 2 and "010101*****" in out.output and "nothing was imported" in out.output
    assert "01010112345" not in out.output
    assert json.loads(cli("taxcards", "list", "--client", org(1), "--format", "json").output) == []
    broken = tmp_path / "broken.xml"
    broken.write_bytes(SAMPLE.read_bytes()[:500])
    res = cli("import", "taxcards", str(broken))
    assert res.exit_code == 2 and "broken.xml" in res.output and "not well-formed" in res.output


def test_hostile_files_are_refused_without_leaking(store, tmp_path: Path) -> None:
    small = small_agency(store)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-77")
    files = {
        "xxe.xml": f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
                   f'<skattekortTilArbeidsgiver xmlns="urn:no:skatteetaten:fastsetting:formueinntekt:forskudd:'
                   f'skattekorttilarbeidsgiver:v3"><arbeidsgiver>&x;</arbeidsgiver></skattekortTilArbeidsgiver>',
        "dtd.xml": f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file://{secret}"><r/>',
        "laughs.xml": '<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>',
        "wrongns.xml": '<skattekortTilArbeidsgiver xmlns="urn:other"/>',
        "truncated.xml": SAMPLE.read_text()[:300],
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(UserError) as err:
            taxcards.import_file(store, small.who(), path)
        assert name in str(err.value) and "TOPSECRET" not in str(err.value)
    big = tmp_path / "big.xml"
    with big.open("wb") as fh:
        fh.seek(50 * 1024 * 1024)
        fh.write(b"x")
    with pytest.raises(UserError, match="over grensen"):
        taxcards.import_file(store, small.who(), big)
    with store.session() as s:
        assert s.scalar(select(func.count(ArchiveFile.id))) == 0
