"""Files that are well formed but whose values no payroll has: each must be refused with
the record named, exit 2, nothing stored (added to the corpus by ``make_corpus.make``)."""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.builders import nid, org
from tests.data.reconcile import build as b

Add = Callable[..., None]


def _taxcard(**changes: object) -> dict:
    """A one-person tax-card answer for org(1) in the NAV spelling, with ``changes`` applied."""
    card = {"utstedtDato": "2026-01-05", "skattekortidentifikator": 12345,
            "forskuddstrekk": [{"trekkode": "loennFraHovedarbeidsgiver",
                                "trekktabell": {"tabellnummer": 8140, "prosentsats": 41,
                                                "antallMaanederForTrekk": 10.5}}]}
    person = {"arbeidstakeridentifikator": nid(2), "resultatForSkattekort": "skattekortopplysningerOK",
              "inntektsaar": 2026, "skattekort": card}
    if "forskuddstrekk" in changes:
        card["forskuddstrekk"] = changes.pop("forskuddstrekk")
    person.update(changes)
    return {"status": "FORESPOERSEL_OK", "arbeidsgiver": [
        {"arbeidsgiveridentifikator": {"organisasjonsnummer": org(1)}, "arbeidstaker": [person]}]}


def _a07_xlsx_with_uncomputed_formula(path: Path) -> None:
    """byraa's own A07 workbook with one amount turned into a formula with no stored value
    (what a script writing with openpyxl leaves)."""
    from byraa.core.importers import Where
    from byraa.core.reconcile import a07

    doc = b.a07(org(1), "2026-10", [b.a07_person(nid(2), "Person A0", employments=[b.a07_employment(org(11))],
                                                 incomes=[(org(11), "fastloenn", "45000.00")])])
    report = a07.parse_json(json.dumps(doc).encode(), Where("a07.json"))
    plain = path.with_name("plain-" + path.name)
    a07.write_xlsx(report, plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/") and b"45000" in data:
                data = re.sub(rb'<c r="([A-Z]+\d+)"([^>]*)><v>45000</v></c>',
                              rb'<c r="\1"\2><f>40000+5000</f></c>', data, count=1)
            dst.writestr(info, data)
    plain.unlink()
    path.write_bytes(out.getvalue())


def add_value_cases(folder: Path, add: Add, amelding: Callable[[str], dict]) -> None:
    # A person twice in one virksomhet (their income counted twice).
    doc = amelding("100.00")
    unit = doc["leveranse"]["oppgave"]["virksomhet"][0]
    unit["inntektsmottaker"].append(copy.deepcopy(unit["inntektsmottaker"][0]))
    path = b.write_amelding(folder / "amelding-recipient-twice.xml", doc)
    add("amelding recipient twice", ["import", "amelding", str(path)], "inntektsmottaker/norskIdentifikator")
    # A positive forskuddstrekk (reported negative; a positive one would be stored as -12 000 kr).
    doc = amelding("100.00")
    doc["leveranse"]["oppgave"]["virksomhet"][0]["inntektsmottaker"][0]["forskuddstrekk"][0]["beloep"] = "12000.00"
    path = b.write_amelding(folder / "amelding-positive-withholding.xml", doc)
    add("amelding positive forskuddstrekk", ["import", "amelding", str(path)], "forskuddstrekk/beloep")
    # Tax cards: 500 % and -10 %, a negative frikort, income year 1800, and one bad person
    # among good ones (the whole file is refused, not the others imported).
    for tag, changes in (
        ("percent-500", {"forskuddstrekk": [{"trekkode": "loennFraNAV", "trekkprosent": {"prosentsats": 500}}]}),
        ("percent-minus-10", {"forskuddstrekk": [{"trekkode": "loennFraNAV", "trekkprosent": {"prosentsats": -10}}]}),
        ("frikort-negative", {"forskuddstrekk": [{"trekkode": "loennFraHovedarbeidsgiver",
                                                  "frikort": {"frikortbeloep": -65000}}]}),
        ("frikort-huge", {"forskuddstrekk": [{"trekkode": "loennFraHovedarbeidsgiver",
                                              "frikort": {"frikortbeloep": "999999999999999.99"}}]}),
        ("year-1800", {"inntektsaar": 1800}),
    ):
        path = folder / f"taxcards-{tag}.json"
        path.write_text(json.dumps(_taxcard(**changes)), encoding="utf-8")
        add(f"taxcards {tag}", ["import", "taxcards", str(path)], org(1), "*****")
    doc = _taxcard()
    good = doc["arbeidsgiver"][0]["arbeidstaker"][0]
    doc["arbeidsgiver"][0]["arbeidstaker"] = [good, {**good, "arbeidstakeridentifikator": "01010112345"},
                                             {**good, "arbeidstakeridentifikator": nid(3)}]
    path = folder / "taxcards-one-bad-person.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    add("taxcards one bad person of three", ["import", "taxcards", str(path)], org(1), "010101*****")
    # An XLSX amount that is a formula with no computed value (read as 0 kr before).
    path = folder / "a07-uncomputed-formula.xlsx"
    _a07_xlsx_with_uncomputed_formula(path)
    add("a07 xlsx formula without value", ["import", "a07", str(path)], "Inntekt")
