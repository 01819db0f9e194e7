"""Reading Skatteetaten's tax-card answers: the API's JSON and the XML v3 document.

One file over ~400 lines on purpose: the reader and the writer (``AnswerBuilder``, used
by the sandbox and tests) are one format both ways, sharing its code tables.

Both spellings the sources show are accepted (``altinn-contracts.md`` §1.5): codes in
camelCase (NAV's production parser: ``loennFraHovedarbeidsgiver``) or UPPER_SNAKE
(Skatteetaten's docs: ``LOENN_FRA_HOVEDARBEIDSGIVER``), numbers as JSON numbers or
strings, and JSON keys in either spelling too. Everything comes out in the camelCase
spelling of NAV's enums.

XML is the ``skattekortTilArbeidsgiver`` v3 document (portal upload / RF-1211 answer,
§1.6) with polymorphic ``forskuddstrekk`` (``xsi:type`` Trekktabell, Trekkprosent,
Frikort), read through ``byraa.core.files.xmlsafe``.

A document that cannot be read at all raises ``AnswerRejected`` (a short reason, no
content). A person whose entry is odd (a bad national id, an unknown result, a missing
field) becomes a ``PersonResult`` with ``error`` set: never a crash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from byraa.core.base import ids
from byraa.core.words.i18n import N_

XML_NS = "urn:no:skatteetaten:fastsetting:formueinntekt:forskudd:skattekorttilarbeidsgiver:v3"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

STATUSES = (
    "FORESPOERSEL_OK", "UGYLDIG_INNTEKTSAAR", "UGYLDIG_FORESPOERSEL", "INGEN_ENDRINGER",
    "ENDRINGSFORESPOERSEL_UTEN_TIDLIGERE_BESTILLING",
)
RESULTS = (
    "skattekortopplysningerOK", "ikkeSkattekort", "ikkeTrekkplikt", "ugyldigOrganisasjonsnummer",
    "ugyldigFoedselsEllerDnummer", "utgaattDnummerSkattekortForFoedselsnummerErLevert",
    "vurderArbeidstillatelse",
)
TREKKODER = (
    "loennFraHovedarbeidsgiver", "loennFraBiarbeidsgiver", "loennFraNAV", "pensjon", "pensjonFraNAV",
    "loennTilUtenrikstjenestemann", "loennKunTrygdeavgiftTilUtenlandskBorger",
    "loennKunTrygdeavgiftTilUtenlandskBorgerSomGrensegjenger", "ufoeretrygdFraNAV",
    "ufoereytelserFraAndre", "introduksjonsstoenad",
)
TILLEGGSOPPLYSNINGER = ("oppholdPaaSvalbard", "kildeskattPaaPensjon", "oppholdITiltakssone", "kildeskattPaaLoenn")
_ALIASES = {"kildeskattpensjonist": "kildeskattPaaPensjon"}
"""The XML v3 example's spelling of one tilleggsopplysning."""

MAIN_TREKKODER = ("loennFraHovedarbeidsgiver", "pensjon", "pensjonFraNAV", "loennFraNAV", "loennFraBiarbeidsgiver")
"""Which deduction is "the" card when a person has several: the first of these present."""


class AnswerRejected(ValueError):
    """A tax-card answer byraa cannot read at all: a words code and parameters quoting nothing from it.

    ``reason`` is the sentence in the current language (``byraa.core.words.errors``).
    """

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def reason(self) -> str:
        from byraa.core.words.errors import render

        return render(self.code, self.params)

    def __str__(self) -> str:
        return self.reason


def _key(value: str) -> str:
    return value.replace("_", "").replace("-", "").lower()


def _canon(known: tuple[str, ...], *extra: dict[str, str]) -> dict[str, str]:
    table = {_key(v): v for v in known}
    for more in extra:
        table.update({_key(k): v for k, v in more.items()})
    return table


_STATUS = _canon(STATUSES)
_RESULT = _canon(RESULTS)
_TREKKODE = _canon(TREKKODER)
_TILLEGG = _canon(TILLEGGSOPPLYSNINGER, _ALIASES)
_KINDS = {"trekktabell": "trekktabell", "trekkprosent": "trekkprosent", "frikort": "frikort"}


def _camel(value: str) -> str:
    """UPPER_SNAKE -> camelCase for a code byraa does not know (kept readable)."""
    if "_" not in value and not value.isupper():
        return value
    head, *rest = value.lower().split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def normalise_status(value: Any) -> str:
    text = str(value or "").strip()
    return _STATUS.get(_key(text), text.upper())


def normalise_result(value: Any) -> str:
    text = str(value or "").strip()
    return _RESULT.get(_key(text), _camel(text))


def normalise_trekkode(value: Any) -> str:
    text = str(value or "").strip()
    return _TREKKODE.get(_key(text), _camel(text))


def normalise_tillegg(value: Any) -> str:
    text = str(value or "").strip()
    return _TILLEGG.get(_key(text), _camel(text))


@dataclass(frozen=True)
class Deduction:
    """One forskuddstrekk of a card."""

    trekkode: str
    kind: str
    """trekktabell, trekkprosent or frikort."""
    table_number: str | None = None
    table_type: str | None = None
    percentage: float | None = None
    months: float | None = None
    free_card_amount: int | None = None
    """Frikort amount in øre; ``None`` when the card names none."""


@dataclass(frozen=True)
class PersonResult:
    national_id: str
    income_year: int | None
    result: str
    deductions: tuple[Deduction, ...] = ()
    tilleggsopplysning: tuple[str, ...] = ()
    card_id: str | None = None
    issued_date: date | None = None
    error: str | None = None
    """Why this person's entry cannot be used (invalid id, unreadable card…)."""

    @property
    def main(self) -> Deduction | None:
        for code in MAIN_TREKKODER:
            for d in self.deductions:
                if d.trekkode == code:
                    return d
        return self.deductions[0] if self.deductions else None

    @property
    def has_card(self) -> bool:
        return self.result == "skattekortopplysningerOK" and bool(self.deductions)


@dataclass(frozen=True)
class EmployerResult:
    org_number: str
    persons: tuple[PersonResult, ...]


@dataclass(frozen=True)
class TaxCardAnswer:
    status: str
    employers: tuple[EmployerResult, ...]
    format: str
    """json or xml."""
    error: str | None = None
    """Set when the whole answer was unusable (then ``employers`` is empty)."""
    archive_id: int | None = None
    """The archived raw bytes, when the answer came through the Altinn client."""

    @property
    def persons(self) -> int:
        return sum(len(e.persons) for e in self.employers)


# --- Values ------------------------------------------------------------------------------


def _decimal(value: Any, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{what} is not a number")
    try:
        result = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{what} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{what} is not a number")
    return result


def _float(value: Any, what: str) -> float | None:
    d = _decimal(value, what)
    return None if d is None else float(d)


def _oere(value: Any, what: str) -> int | None:
    d = _decimal(value, what)
    return None if d is None else int((d * 100).to_integral_value())


def _year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError("inntektsaar is not a year")
    if not YEARS[0] <= int(text) <= YEARS[1]:
        raise ValueError(f"inntektsaar {text} is outside {YEARS[0]}-{YEARS[1]}")
    return int(text)


YEARS = (2000, 2099)
"""Income years byraa takes a card for: electronic tax cards began in the 2000s."""
MAX_FREE_CARD_OERE = 100_000_000_00
"""100 million kr: far above any frikort (the 2026 limit is 65 000 kr)."""


def _percentage(value: Any) -> float | None:
    """A trekkprosent: 0..100 (a card of 500 % or -10 % is a broken answer, not a card)."""
    pct = _float(value, "prosentsats")
    if pct is not None and not 0 <= pct <= 100:
        raise ValueError(f"prosentsats {pct:g} is outside 0-100")
    return pct


def _free_card(value: Any) -> int | None:
    """A frikort amount in øre: never negative."""
    amount = _oere(value, "frikortbeloep")
    if amount is not None and not 0 <= amount <= MAX_FREE_CARD_OERE:
        raise ValueError(f"frikortbeloep {Decimal(amount).scaleb(-2)} is outside 0-{MAX_FREE_CARD_OERE // 100}")
    return amount


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError("utstedtDato is not a date") from None


def _national_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:011d}"  # a JSON number lost the leading zero
    if isinstance(value, dict):  # tolerate {"foedselsnummer": "..."}-style wrappers
        for v in value.values():
            return _national_id(v)
    return str(value or "").strip()


def _card_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:40]


def _person(nid: str, year: Any, result: Any, tillegg: list[Any], card: dict[str, Any] | None,
            deductions: list[Deduction], issued: Any, card_id: Any) -> PersonResult:
    """Build one person's result, turning every problem into ``error``."""
    result_code = normalise_result(result)
    reason = ids.national_id_error(nid)
    try:
        income_year = _year(year)
    except ValueError as exc:
        return PersonResult(nid, None, result_code, error=str(exc))
    if reason:
        return PersonResult(nid, income_year, result_code, error=reason)
    if not result_code:
        return PersonResult(nid, income_year, "", error=N_("the answer has no result for this person"))
    try:
        issued_date = _date(issued)
    except ValueError as exc:
        return PersonResult(nid, income_year, result_code, error=str(exc))
    if result_code == "ugyldigFoedselsEllerDnummer":
        return PersonResult(nid, income_year, result_code,
                            error=N_("Skatteetaten does not know this national id (ugyldigFoedselsEllerDnummer)"))
    if result_code == "skattekortopplysningerOK" and not deductions:
        return PersonResult(nid, income_year, result_code, error=N_("the card has no forskuddstrekk"))
    return PersonResult(
        nid, income_year, result_code, tuple(deductions),
        tuple(normalise_tillegg(t) for t in tillegg if str(t or "").strip()),
        _card_id(card_id), issued_date,
    )


# --- JSON --------------------------------------------------------------------------------


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """``obj[name]`` matching keys in either spelling (camelCase, UPPER_SNAKE, lower)."""
    if not isinstance(obj, dict):
        return default
    if name in obj:
        return obj[name]
    wanted = _key(name)
    for k, v in obj.items():
        if isinstance(k, str) and _key(k) == wanted:
            return v
    return default


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _json_deduction(entry: Any) -> Deduction:
    if not isinstance(entry, dict):
        raise ValueError("a forskuddstrekk is not an object")
    trekkode = normalise_trekkode(_get(entry, "trekkode"))
    if not trekkode:
        raise ValueError("a forskuddstrekk has no trekkode")
    found = [(kind, _get(entry, kind)) for kind in _KINDS if _get(entry, kind) is not None]
    if len(found) != 1:
        raise ValueError("a forskuddstrekk must have exactly one of trekktabell, trekkprosent, frikort")
    kind, body = found[0]
    if not isinstance(body, dict):
        raise ValueError(f"{kind} is not an object")
    if kind == "frikort":
        return Deduction(trekkode, kind, free_card_amount=_free_card(_get(body, "frikortbeloep")))
    table = _get(body, "tabellnummer")
    return Deduction(
        trekkode, kind,
        table_number=None if table in (None, "") else str(table).strip()[:8],
        table_type=_get(body, "tabelltype"),
        percentage=_percentage(_get(body, "prosentsats")),
        months=_float(_get(body, "antallMaanederForTrekk"), "antallMaanederForTrekk"),
    )


def _json_person(entry: Any) -> PersonResult:
    if not isinstance(entry, dict):
        return PersonResult("", None, "", error=N_("an arbeidstaker entry is not an object"))
    nid = _national_id(_get(entry, "arbeidstakeridentifikator"))
    result = _get(entry, "resultatForSkattekort")
    if result is None:
        result = _get(entry, "resultatPaaForespoersel")
    card = _get(entry, "skattekort")
    deductions: list[Deduction] = []
    issued = card_id = None
    if card is not None:
        if not isinstance(card, dict):
            return PersonResult(nid, None, normalise_result(result), error=N_("skattekort is not an object"))
        issued, card_id = _get(card, "utstedtDato"), _get(card, "skattekortidentifikator")
        try:
            deductions = [_json_deduction(d) for d in _list(_get(card, "forskuddstrekk"))]
        except ValueError as exc:
            return PersonResult(nid, None, normalise_result(result), error=str(exc))
    tillegg = _list(_get(entry, "tilleggsopplysning"))
    return _person(nid, _get(entry, "inntektsaar"), result, tillegg, card, deductions, issued, card_id)


def parse_json(data: bytes | str | Any) -> TaxCardAnswer:
    """The API's JSON answer (bytes, text, or already-decoded data)."""
    if isinstance(data, bytes | bytearray | str):
        try:
            doc = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested absurdly deep
            raise AnswerRejected("taxcards.answer_not_json") from None
    else:
        doc = data
    if not isinstance(doc, dict):
        raise AnswerRejected("taxcards.answer_not_object")
    employers = []
    for employer in _list(_get(doc, "arbeidsgiver")):
        if not isinstance(employer, dict):
            raise AnswerRejected("taxcards.employer_not_object")
        org = _get(_get(employer, "arbeidsgiveridentifikator"), "organisasjonsnummer")
        if isinstance(org, int) and not isinstance(org, bool):
            org = f"{org:09d}"
        persons = tuple(_json_person(p) for p in _list(_get(employer, "arbeidstaker")))
        employers.append(EmployerResult(str(org or "").strip(), persons))
    status = _get(doc, "status")
    return TaxCardAnswer(normalise_status(status) if status else "FORESPOERSEL_OK", tuple(employers), "json")


# --- XML ---------------------------------------------------------------------------------


def _text(parent: Any, name: str) -> str | None:
    child = parent.find(f"{{{XML_NS}}}{name}")
    if child is None or child.text is None:
        return None
    return child.text.strip()


def _xml_deduction(el: Any) -> Deduction:
    kind_attr = (el.get(XSI_TYPE) or "").rsplit(":", 1)[-1]
    kind = _KINDS.get(kind_attr.lower())
    if kind is None:
        raise ValueError("a forskuddstrekk has no known xsi:type (Trekktabell, Trekkprosent, Frikort)")
    trekkode = normalise_trekkode(_text(el, "trekkode"))
    if not trekkode:
        raise ValueError("a forskuddstrekk has no trekkode")
    if kind == "frikort":
        return Deduction(trekkode, kind, free_card_amount=_free_card(_text(el, "frikortbeloep")))
    return Deduction(
        trekkode, kind,
        table_number=(_text(el, "tabellnummer") or None) and _text(el, "tabellnummer")[:8],  # type: ignore[index]
        table_type=_text(el, "tabelltype"),
        percentage=_percentage(_text(el, "prosentsats")),
        months=_float(_text(el, "antallMaanederForTrekk"), "antallMaanederForTrekk"),
    )


def _xml_person(el: Any) -> PersonResult:
    nid = _text(el, "arbeidstakeridentifikator") or ""
    result = _text(el, "resultatPaaForespoersel") or _text(el, "resultatForSkattekort")
    card = el.find(f"{{{XML_NS}}}skattekort")
    deductions: list[Deduction] = []
    issued = card_id = None
    if card is not None:
        issued, card_id = _text(card, "utstedtDato"), _text(card, "skattekortidentifikator")
        try:
            deductions = [_xml_deduction(d) for d in card.findall(f"{{{XML_NS}}}forskuddstrekk")]
        except ValueError as exc:
            return PersonResult(nid, None, normalise_result(result), error=str(exc))
    tillegg = [t.text for t in el.findall(f"{{{XML_NS}}}tilleggsopplysning")]
    return _person(nid, _text(el, "inntektsaar"), result, tillegg, None, deductions, issued, card_id)


def parse_xml(data: bytes, *, max_bytes: int | None = None) -> TaxCardAnswer:
    """The ``skattekortTilArbeidsgiver`` v3 document."""
    from byraa.core.files import xmlsafe

    try:
        root = xmlsafe.parse_bytes(data, **({"max_bytes": max_bytes} if max_bytes else {}))
    except xmlsafe.XmlRejected as exc:
        raise AnswerRejected(exc.code, **exc.params) from None
    if xmlsafe.local_name(root) != "skattekortTilArbeidsgiver" or xmlsafe.namespace(root) != XML_NS:
        raise AnswerRejected("taxcards.answer_bad_root")
    employers = []
    for employer in root.findall(f"{{{XML_NS}}}arbeidsgiver"):
        ident = employer.find(f"{{{XML_NS}}}arbeidsgiveridentifikator")
        org = _text(ident, "organisasjonsnummer") if ident is not None else None
        persons = tuple(_xml_person(p) for p in employer.findall(f"{{{XML_NS}}}arbeidstaker"))
        employers.append(EmployerResult(org or "", persons))
    status = _text(root, "status")
    return TaxCardAnswer(normalise_status(status) if status else "FORESPOERSEL_OK", tuple(employers), "xml")


def parse_answer(data: bytes, content_type: str | None = None) -> TaxCardAnswer:
    """JSON or XML, told apart by the content type or the first character."""
    ctype = (content_type or "").lower()
    head = data.lstrip()[:1]
    if "xml" in ctype or head == b"<":
        return parse_xml(data)
    if "json" in ctype or head in (b"{", b"["):
        return parse_json(data)
    raise AnswerRejected("taxcards.answer_not_json_or_xml")


# --- Writing (the sandbox, tests) ----------------------------------------------------------


def deduction_json(d: Deduction, *, upper: bool = False) -> dict[str, Any]:
    code = _upper(d.trekkode) if upper else d.trekkode
    if d.kind == "frikort":
        body: dict[str, Any] = {}
        if d.free_card_amount is not None:
            body["frikortbeloep"] = d.free_card_amount // 100
        return {"trekkode": code, "frikort": body}
    body = {}
    if d.table_number:
        body["tabellnummer"] = d.table_number
    if d.percentage is not None:
        body["prosentsats"] = d.percentage
    if d.months is not None:
        body["antallMaanederForTrekk"] = d.months
    return {"trekkode": code, d.kind: body}


def _upper(code: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", code).upper()


@dataclass
class AnswerBuilder:
    """Builds an answer document (JSON in either spelling, or XML v3) from results."""

    status: str = "FORESPOERSEL_OK"
    employers: list[EmployerResult] = field(default_factory=list)

    def json(self, *, upper: bool = False, strings: bool = False) -> dict[str, Any]:
        def num(v: Any) -> Any:
            return str(v) if strings and v is not None else v

        out: dict[str, Any] = {"status": self.status, "arbeidsgiver": []}
        for e in self.employers:
            people = []
            for p in e.persons:
                item: dict[str, Any] = {
                    "arbeidstakeridentifikator": p.national_id,
                    "resultatForSkattekort": _upper(p.result) if upper else p.result,
                    "inntektsaar": str(p.income_year) if p.income_year else None,
                }
                if p.deductions:
                    trekk = []
                    for d in p.deductions:
                        dj = deduction_json(d, upper=upper)
                        for body in dj.values():
                            if isinstance(body, dict):
                                for k in list(body):
                                    body[k] = num(body[k])
                        trekk.append(dj)
                    item["skattekort"] = {
                        "utstedtDato": p.issued_date.isoformat() if p.issued_date else None,
                        "skattekortidentifikator": num(int(p.card_id)) if p.card_id and p.card_id.isdigit()
                        else p.card_id,
                        "forskuddstrekk": trekk,
                    }
                if p.tilleggsopplysning:
                    item["tilleggsopplysning"] = [_upper(t) if upper else t for t in p.tilleggsopplysning]
                people.append(item)
            out["arbeidsgiver"].append({
                "arbeidsgiveridentifikator": {"organisasjonsnummer": e.org_number},
                "arbeidstaker": people,
            })
        return out

    def xml(self) -> bytes:
        from lxml import etree

        n = f"{{{XML_NS}}}"
        root = etree.Element(n + "skattekortTilArbeidsgiver", nsmap={None: XML_NS})
        for e in self.employers:
            emp = etree.SubElement(root, n + "arbeidsgiver")
            etree.SubElement(etree.SubElement(emp, n + "arbeidsgiveridentifikator"),
                             n + "organisasjonsnummer").text = e.org_number
            for p in e.persons:
                person = etree.SubElement(emp, n + "arbeidstaker")
                etree.SubElement(person, n + "arbeidstakeridentifikator").text = p.national_id
                etree.SubElement(person, n + "resultatPaaForespoersel").text = p.result
                if p.deductions:
                    card = etree.SubElement(person, n + "skattekort")
                    if p.issued_date:
                        etree.SubElement(card, n + "utstedtDato").text = p.issued_date.isoformat()
                    if p.card_id:
                        etree.SubElement(card, n + "skattekortidentifikator").text = p.card_id
                    for d in p.deductions:
                        el = etree.SubElement(card, n + "forskuddstrekk",
                                              nsmap={"xsi": "http://www.w3.org/2001/XMLSchema-instance"})
                        el.set(XSI_TYPE, d.kind.capitalize())
                        etree.SubElement(el, n + "trekkode").text = d.trekkode
                        if d.kind == "frikort":
                            if d.free_card_amount is not None:
                                etree.SubElement(el, n + "frikortbeloep").text = str(d.free_card_amount // 100)
                            continue
                        if d.kind == "trekktabell":
                            etree.SubElement(el, n + "tabelltype").text = d.table_type or "trekktabellForLoenn"
                            etree.SubElement(el, n + "tabellnummer").text = d.table_number or ""
                        if d.percentage is not None:
                            etree.SubElement(el, n + "prosentsats").text = f"{d.percentage:.1f}"
                        if d.months is not None:
                            etree.SubElement(el, n + "antallMaanederForTrekk").text = f"{d.months:.1f}"
                for t in p.tilleggsopplysning:
                    etree.SubElement(person, n + "tilleggsopplysning").text = t
                if p.income_year:
                    etree.SubElement(person, n + "inntektsaar").text = str(p.income_year)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
