"""A07 — what a-ordningen holds for a client and month — as byraa models it.

One file over ~400 lines on purpose: the model, its JSON and its spreadsheet form are
one format read and written symmetrically (every field in each of the three places);
keeping them side by side is what keeps them in step.

The real "Avstemmingsrapport A-melding API" (successor of A06/A07) is in test since May
2026 and its information model is not published ("ikke tilgjengelig foreløpig",
``altinn-contracts.md`` §3): its paths and JSON field names are **unverified**. So this
module defines byraa's own A07 model, with the content the A07 report is documented to
carry (per month: employments, income per recipient, withholding, AGA per sub-unit and
zone), named after the a-melding's own element names. The Altinn client maps whatever the
API returns onto it; files in this shape (JSON, or ODS/XLSX as ``export`` writes them) are
what ``byraa import a07`` reads. ``docs/formats.md`` documents the three layouts.

JSON (``format`` ``byraa-a07``, ``version`` 1; amounts in kroner as numbers or strings
with at most two decimals; withholding positive)::

    {"format": "byraa-a07", "version": 1, "opplysningspliktig": "310000019",
     "kalendermaaned": "2026-10",
     "arbeidsgiveravgift": [{"virksomhet", "sone", "beregningskode", "grunnlagType",
                             "grunnlag", "sats", "beloep"}],
     "inntektsmottakere": [{"norskIdentifikator", "navn",
        "arbeidsforhold": [{"virksomhet", "arbeidsforholdId", "typeArbeidsforhold",
            "startdato", "sluttdato", "yrke", "stillingsprosent",
            "antallTimerPerUkeSomEnFullStillingTilsvarer",
            "permisjon": [{"permisjonId", "startdato", "sluttdato", "permisjonsprosent",
                           "beskrivelse"}],
            "permittering": [{"permitteringId", "startdato", "sluttdato",
                              "permitteringsprosent", "varslingsdato"}]}],
        "inntekt": [{"virksomhet", "arbeidsforholdId", "inntektstype", "beskrivelse",
                     "fordel", "utloeserArbeidsgiveravgift", "inngaarIGrunnlagForTrekk",
                     "beloep"}],
        "forskuddstrekk": [{"virksomhet", "beloep"}]}]}
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import NotFound, UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.files.limits import read_capped
from byraa.core.files.oserrors import cannot_write
from byraa.core.importers import (
    ImportRefused,
    ImportResult,
    Where,
    amount_from_number,
    check_national_id,
    check_org_number,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_period,
)
from byraa.core.importers.archiving import already_imported, archive_file
from byraa.core.store import Store
from byraa.core.store.models import Client
from byraa.core.store.models_reconcile import (
    ReconAga,
    ReconEmployment,
    ReconIncome,
    ReconSource,
    ReconWithholding,
)
from byraa.core.words.i18n import _

FORMAT = "byraa-a07"
VERSION = 1
ZONES = ("1", "1a", "2", "3", "4", "4a", "5")


@dataclass
class A07Employment:
    national_id: str
    name: str | None
    sub_unit: str
    employment_ref: str | None
    employment_type: str
    start_date: date | None
    end_date: date | None
    occupation_code: str | None
    position_pct: float | None
    hours_full_week: float | None
    leaves: list[dict] = field(default_factory=list)
    """{id, start, end, pct, description} (dates as ``date``)."""
    layoffs: list[dict] = field(default_factory=list)
    """{id, start, end, pct, notified}."""


@dataclass
class A07Income:
    national_id: str
    sub_unit: str
    employment_ref: str | None
    category: str
    description: str
    benefit: str
    triggers_aga: bool
    withholding_basis: bool
    amount: int
    """Øre."""


@dataclass
class A07Withholding:
    national_id: str
    sub_unit: str
    amount: int
    """Øre withheld, positive."""


@dataclass
class A07Aga:
    sub_unit: str
    zone: str
    calc_code: str
    basis_kind: str
    basis: int
    rate: float
    amount: int


@dataclass
class A07Report:
    """byraa's A07 model: one client (opplysningspliktig) and month."""

    client: str
    period: str
    names: dict[str, str] = field(default_factory=dict)
    employments: list[A07Employment] = field(default_factory=list)
    income: list[A07Income] = field(default_factory=list)
    withholding: list[A07Withholding] = field(default_factory=list)
    aga: list[A07Aga] = field(default_factory=list)


# --- JSON ---------------------------------------------------------------------------------


def _kr(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100}.{abs(ore) % 100:02d}"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def to_json(report: A07Report) -> dict[str, Any]:
    """The report as byraa's A07 JSON (amounts as strings in kroner)."""
    people: dict[str, dict] = {}

    def person(nid: str) -> dict:
        if nid not in people:
            people[nid] = {"norskIdentifikator": nid, "navn": report.names.get(nid),
                           "arbeidsforhold": [], "inntekt": [], "forskuddstrekk": []}
        return people[nid]

    for e in report.employments:
        person(e.national_id)["arbeidsforhold"].append({
            "virksomhet": e.sub_unit, "arbeidsforholdId": e.employment_ref,
            "typeArbeidsforhold": e.employment_type, "startdato": _iso(e.start_date),
            "sluttdato": _iso(e.end_date), "yrke": e.occupation_code, "stillingsprosent": e.position_pct,
            "antallTimerPerUkeSomEnFullStillingTilsvarer": e.hours_full_week,
            "permisjon": [{"permisjonId": x.get("id"), "startdato": _iso(x.get("start")),
                           "sluttdato": _iso(x.get("end")), "permisjonsprosent": x.get("pct"),
                           "beskrivelse": x.get("description")} for x in e.leaves],
            "permittering": [{"permitteringId": x.get("id"), "startdato": _iso(x.get("start")),
                              "sluttdato": _iso(x.get("end")), "permitteringsprosent": x.get("pct"),
                              "varslingsdato": _iso(x.get("notified"))} for x in e.layoffs],
        })
    for i in report.income:
        person(i.national_id)["inntekt"].append({
            "virksomhet": i.sub_unit, "arbeidsforholdId": i.employment_ref, "inntektstype": i.category,
            "beskrivelse": i.description, "fordel": i.benefit,
            "utloeserArbeidsgiveravgift": i.triggers_aga, "inngaarIGrunnlagForTrekk": i.withholding_basis,
            "beloep": _kr(i.amount)})
    for w in report.withholding:
        person(w.national_id)["forskuddstrekk"].append({"virksomhet": w.sub_unit, "beloep": _kr(w.amount)})
    return {
        "format": FORMAT, "version": VERSION, "opplysningspliktig": report.client, "kalendermaaned": report.period,
        "arbeidsgiveravgift": [{"virksomhet": a.sub_unit, "sone": a.zone, "beregningskode": a.calc_code,
                                "grunnlagType": a.basis_kind, "grunnlag": _kr(a.basis), "sats": a.rate,
                                "beloep": _kr(a.amount)} for a in report.aga],
        "inntektsmottakere": list(people.values()),
    }


def _get(obj: Any, key: str, where: Where, place: str, *, required: bool = False) -> Any:
    if not isinstance(obj, dict):
        raise where.refuse(place, "a07.expected_object")
    value = obj.get(key)
    if required and (value is None or value == ""):
        raise where.refuse(f"{place}.{key}", "a07.is_missing")
    return value


def _list(obj: dict, key: str, where: Where, place: str) -> list:
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise where.refuse(f"{place}.{key}", "a07.expected_list")
    return value


def _occupation(value: Any, where: Where, place: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    if len(text) != 7 or not text.isdigit():
        raise where.refuse(place, "import.bad_occupation", value=text[:10])
    return text


def _zone(value: Any, where: Where, place: str) -> str:
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value or "").strip()
    if text not in ZONES:
        raise where.refuse(place, "import.bad_zone", value=text[:5], zones=", ".join(ZONES))
    return text


def _ref(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:150]


def parse_json(data: bytes, where: Where) -> A07Report:
    """byraa's A07 JSON, every value checked (refusals name the JSON path)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: nested absurdly deep
        raise where.refuse("JSON", "a07.not_json", reason=type(exc).__name__) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise where.refuse("format", "a07.bad_format", format=FORMAT)
    if doc.get("version") != VERSION:
        raise where.refuse("version", "a07.bad_version", version=doc.get("version"), supported=VERSION)
    report = A07Report(
        client=check_org_number(_get(doc, "opplysningspliktig", where, "$", required=True), where,
                                "opplysningspliktig"),
        period=parse_period(str(_get(doc, "kalendermaaned", where, "$", required=True)), where, "kalendermaaned"),
    )
    for n, a in enumerate(_list(doc, "arbeidsgiveravgift", where, "$")):
        p = f"arbeidsgiveravgift[{n}]"
        basis = amount_from_number(_get(a, "grunnlag", where, p, required=True), where, f"{p}.grunnlag")
        amount = amount_from_number(_get(a, "beloep", where, p, required=True), where, f"{p}.beloep")
        assert basis is not None and amount is not None
        report.aga.append(A07Aga(
            sub_unit=check_org_number(_get(a, "virksomhet", where, p, required=True), where, f"{p}.virksomhet"),
            zone=_zone(a.get("sone"), where, f"{p}.sone"),
            calc_code=str(a.get("beregningskode") or "generelleNaeringer")[:60],
            basis_kind=str(a.get("grunnlagType") or "loenn")[:8],
            basis=basis, rate=parse_decimal(a.get("sats"), where, f"{p}.sats") or 0.0, amount=amount))
    for n, person in enumerate(_list(doc, "inntektsmottakere", where, "$")):
        p = f"inntektsmottakere[{n}]"
        nid = check_national_id(_get(person, "norskIdentifikator", where, p, required=True), where,
                                f"{p}.norskIdentifikator")
        if person.get("navn"):
            report.names[nid] = str(person["navn"])[:200]
        for k, e in enumerate(_list(person, "arbeidsforhold", where, p)):
            q = f"{p}.arbeidsforhold[{k}]"
            report.employments.append(A07Employment(
                national_id=nid, name=report.names.get(nid),
                sub_unit=check_org_number(_get(e, "virksomhet", where, q, required=True), where, f"{q}.virksomhet"),
                employment_ref=_ref(e.get("arbeidsforholdId")),
                employment_type=str(_get(e, "typeArbeidsforhold", where, q, required=True))[:60],
                start_date=parse_date(e.get("startdato"), where, f"{q}.startdato"),
                end_date=parse_date(e.get("sluttdato"), where, f"{q}.sluttdato"),
                occupation_code=_occupation(e.get("yrke"), where, f"{q}.yrke"),
                position_pct=parse_decimal(e.get("stillingsprosent"), where, f"{q}.stillingsprosent"),
                hours_full_week=parse_decimal(e.get("antallTimerPerUkeSomEnFullStillingTilsvarer"), where,
                                              f"{q}.antallTimerPerUkeSomEnFullStillingTilsvarer"),
                leaves=[{"id": _ref(x.get("permisjonId")),
                         "start": parse_date(x.get("startdato"), where, f"{q}.permisjon[{j}].startdato", required=True),
                         "end": parse_date(x.get("sluttdato"), where, f"{q}.permisjon[{j}].sluttdato"),
                         "pct": parse_decimal(x.get("permisjonsprosent"), where, f"{q}.permisjon[{j}].permisjonsprosent"),
                         "description": str(x.get("beskrivelse") or "")}
                        for j, x in enumerate(_list(e, "permisjon", where, q))],
                layoffs=[{"id": _ref(x.get("permitteringId")),
                          "start": parse_date(x.get("startdato"), where, f"{q}.permittering[{j}].startdato"),
                          "end": parse_date(x.get("sluttdato"), where, f"{q}.permittering[{j}].sluttdato"),
                          "pct": parse_decimal(x.get("permitteringsprosent"), where,
                                               f"{q}.permittering[{j}].permitteringsprosent"),
                          "notified": parse_date(x.get("varslingsdato"), where, f"{q}.permittering[{j}].varslingsdato")}
                         for j, x in enumerate(_list(e, "permittering", where, q))],
            ))
        for k, i in enumerate(_list(person, "inntekt", where, p)):
            q = f"{p}.inntekt[{k}]"
            amount = amount_from_number(_get(i, "beloep", where, q, required=True), where, f"{q}.beloep")
            assert amount is not None
            report.income.append(A07Income(
                national_id=nid,
                sub_unit=check_org_number(_get(i, "virksomhet", where, q, required=True), where, f"{q}.virksomhet"),
                employment_ref=_ref(i.get("arbeidsforholdId")),
                category=str(i.get("inntektstype") or "loennsinntekt")[:30],
                description=str(_get(i, "beskrivelse", where, q, required=True))[:100],
                benefit=str(i.get("fordel") or "kontantytelse")[:30],
                triggers_aga=parse_bool(i.get("utloeserArbeidsgiveravgift"), where, f"{q}.utloeserArbeidsgiveravgift"),
                withholding_basis=parse_bool(i.get("inngaarIGrunnlagForTrekk"), where,
                                             f"{q}.inngaarIGrunnlagForTrekk"),
                amount=amount))
        for k, w in enumerate(_list(person, "forskuddstrekk", where, p)):
            q = f"{p}.forskuddstrekk[{k}]"
            amount = amount_from_number(_get(w, "beloep", where, q, required=True), where, f"{q}.beloep")
            assert amount is not None
            report.withholding.append(A07Withholding(
                national_id=nid,
                sub_unit=check_org_number(_get(w, "virksomhet", where, q, required=True), where, f"{q}.virksomhet"),
                amount=abs(amount)))
    return report


# --- Spreadsheets (ODS / XLSX) -----------------------------------------------------------

SHEETS: dict[str, tuple[tuple[str, str], ...]] = {
    # sheet -> (column, kind) with kind text | date | number | amount | bool
    "Arbeidsforhold": (
        ("norskIdentifikator", "text"), ("navn", "text"), ("virksomhet", "text"), ("arbeidsforholdId", "text"),
        ("typeArbeidsforhold", "text"), ("startdato", "date"), ("sluttdato", "date"), ("yrke", "text"),
        ("stillingsprosent", "number"), ("antallTimerPerUkeSomEnFullStillingTilsvarer", "number"),
    ),
    "Permisjoner": (
        ("norskIdentifikator", "text"), ("virksomhet", "text"), ("arbeidsforholdId", "text"),
        ("permisjonId", "text"), ("startdato", "date"), ("sluttdato", "date"), ("permisjonsprosent", "number"),
        ("beskrivelse", "text"),
    ),
    "Permitteringer": (
        ("norskIdentifikator", "text"), ("virksomhet", "text"), ("arbeidsforholdId", "text"),
        ("permitteringId", "text"), ("startdato", "date"), ("sluttdato", "date"),
        ("permitteringsprosent", "number"), ("varslingsdato", "date"),
    ),
    "Inntekt": (
        ("norskIdentifikator", "text"), ("virksomhet", "text"), ("arbeidsforholdId", "text"),
        ("inntektstype", "text"), ("beskrivelse", "text"), ("fordel", "text"),
        ("utloeserArbeidsgiveravgift", "bool"), ("inngaarIGrunnlagForTrekk", "bool"), ("beloep", "amount"),
    ),
    "Forskuddstrekk": (("norskIdentifikator", "text"), ("virksomhet", "text"), ("beloep", "amount")),
    "Arbeidsgiveravgift": (
        ("virksomhet", "text"), ("sone", "text"), ("beregningskode", "text"), ("grunnlagType", "text"),
        ("grunnlag", "amount"), ("sats", "number"), ("beloep", "amount"),
    ),
}
HEADER_SHEET = "A07"


def sheet_rows(report: A07Report) -> dict[str, list[list[Any]]]:
    """The report as the rows of each sheet (values typed: str, date, float, bool)."""
    def kr(ore: int) -> float:
        return ore / 100

    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    for e in report.employments:
        rows["Arbeidsforhold"].append([e.national_id, report.names.get(e.national_id) or e.name, e.sub_unit,
                                       e.employment_ref, e.employment_type, e.start_date, e.end_date,
                                       e.occupation_code, e.position_pct, e.hours_full_week])
        for x in e.leaves:
            rows["Permisjoner"].append([e.national_id, e.sub_unit, e.employment_ref, x.get("id"), x.get("start"),
                                        x.get("end"), x.get("pct"), x.get("description")])
        for x in e.layoffs:
            rows["Permitteringer"].append([e.national_id, e.sub_unit, e.employment_ref, x.get("id"), x.get("start"),
                                           x.get("end"), x.get("pct"), x.get("notified")])
    for i in report.income:
        rows["Inntekt"].append([i.national_id, i.sub_unit, i.employment_ref, i.category, i.description, i.benefit,
                                i.triggers_aga, i.withholding_basis, kr(i.amount)])
    for w in report.withholding:
        rows["Forskuddstrekk"].append([w.national_id, w.sub_unit, kr(w.amount)])
    for a in report.aga:
        rows["Arbeidsgiveravgift"].append([a.sub_unit, a.zone, a.calc_code, a.basis_kind, kr(a.basis), a.rate,
                                           kr(a.amount)])
    return rows


def _open_private(path: Path, overwrite: bool) -> int:
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise UserError("file.exists", path=path) from None
    except OSError as exc:
        raise cannot_write(path, exc) from None
    os.fchmod(fd, 0o600)
    return fd


def write_xlsx(report: A07Report, path: Path, *, overwrite: bool = False) -> None:
    import io

    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "#,##0.00"})
    head = book.add_worksheet(HEADER_SHEET)
    for r, (k, v) in enumerate((("felt", "verdi"), ("format", FORMAT), ("versjon", str(VERSION)),
                                ("opplysningspliktig", report.client), ("kalendermaaned", report.period))):
        head.write_string(r, 0, k, bold if r == 0 else None)
        head.write_string(r, 1, v, bold if r == 0 else None)
    for name, rows in sheet_rows(report).items():
        ws = book.add_worksheet(name)
        cols = SHEETS[name]
        for c, (heading, _kind) in enumerate(cols):
            ws.write_string(0, c, heading, bold)
            ws.set_column(c, c, max(12, min(len(heading) + 2, 30)))
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, ((_col, kind), value) in enumerate(zip(cols, row, strict=True)):
                if value is None:
                    continue
                if kind == "date":
                    ws.write_datetime(r, c, value, day)
                elif kind == "amount":
                    ws.write_number(r, c, value, money)
                elif kind == "number":
                    ws.write_number(r, c, value)
                elif kind == "bool":
                    ws.write_boolean(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
    book.close()
    with os.fdopen(_open_private(path, overwrite), "wb") as fh:
        fh.write(buf.getvalue())


def write_ods(report: A07Report, path: Path, *, overwrite: bool = False) -> None:
    import io

    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()

    def cell(value: Any, kind: str) -> TableCell:
        if value is None:
            return TableCell()
        if kind == "date":
            c = TableCell(valuetype="date", datevalue=value.isoformat())
            c.addElement(P(text=value.isoformat()))
        elif kind in ("amount", "number"):
            c = TableCell(valuetype="float", value=repr(float(value)))
            c.addElement(P(text=f"{value:.2f}" if kind == "amount" else f"{value:g}"))
        elif kind == "bool":
            c = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
            c.addElement(P(text="TRUE" if value else "FALSE"))
        else:
            c = TableCell(valuetype="string")
            c.addElement(P(text=str(value)))
        return c

    head = Table(name=HEADER_SHEET)
    for k, v in (("felt", "verdi"), ("format", FORMAT), ("versjon", str(VERSION)),
                 ("opplysningspliktig", report.client), ("kalendermaaned", report.period)):
        tr = TableRow()
        tr.addElement(cell(k, "text"))
        tr.addElement(cell(v, "text"))
        head.addElement(tr)
    doc.spreadsheet.addElement(head)
    for name, rows in sheet_rows(report).items():
        table = Table(name=name)
        cols = SHEETS[name]
        tr = TableRow()
        for heading, _kind in cols:
            tr.addElement(cell(heading, "text"))
        table.addElement(tr)
        for row in rows:
            tr = TableRow()
            for (_col, kind), value in zip(cols, row, strict=True):
                tr.addElement(cell(value, kind))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    with os.fdopen(_open_private(path, overwrite), "wb") as fh:
        fh.write(buf.getvalue())


def _sheet_records(path: Path, where: Where) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Every sheet's rows as (line number, {column: text}) read with fastexcel."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:  # noqa: BLE001  (calamine raises its own error types)
        raise where.refuse(_("the workbook"), "a07.not_workbook", reason=type(exc).__name__) from None
    with path.open("rb") as fh:
        zipped = fh.read(4) == b"PK\x03\x04"
    if zipped:
        from byraa.core.files import xlsx_formulas

        try:
            uncomputed = xlsx_formulas.first_uncomputed(path)
        except Exception as exc:  # noqa: BLE001  (a broken zip or part: not a workbook)
            raise where.refuse(_("the workbook"), "a07.not_workbook", reason=type(exc).__name__) from None
        if uncomputed is not None:
            raise where.refuse(_("sheet {sheet} cell {cell}").format(sheet=uncomputed[0], cell=uncomputed[1]),
                               "file.formula_without_value")
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for name in [HEADER_SHEET, *SHEETS]:
        if name not in reader.sheet_names:
            raise where.refuse(_("sheet {sheet}").format(sheet=name), "a07.sheet_missing")
        frame = reader.load_sheet(name, dtypes="string").to_polars()
        expected = ["felt", "verdi"] if name == HEADER_SHEET else [c for c, _ in SHEETS[name]]
        missing = [c for c in expected if c not in frame.columns]
        if missing:
            raise where.refuse(_("sheet {sheet} line {line}").format(sheet=name, line=1), "a07.missing_columns",
                                  columns=", ".join(missing))
        out[name] = [(n + 2, row) for n, row in enumerate(frame.select(expected).iter_rows(named=True))
                     if any(v not in (None, "") for v in row.values())]
    return out


def parse_sheets(path: Path, where: Where) -> A07Report:
    """An A07 workbook in byraa's layout (the one ``export`` writes), every cell checked."""
    sheets = _sheet_records(path, where)
    header = {str(r["felt"]).strip(): r["verdi"] for _, r in sheets[HEADER_SHEET]}
    if header.get("format") != FORMAT:
        raise where.refuse(_("sheet {sheet}").format(sheet=HEADER_SHEET), "a07.bad_layout", format=FORMAT)
    line_of = {str(r["felt"]).strip(): n for n, r in sheets[HEADER_SHEET]}
    report = A07Report(
        client=check_org_number(header.get("opplysningspliktig"), where,
                                _("sheet {sheet} line {line}").format(sheet=HEADER_SHEET, line=line_of.get("opplysningspliktig", "?"))),
        period=parse_period(header.get("kalendermaaned"), where,
                            _("sheet {sheet} line {line}").format(sheet=HEADER_SHEET, line=line_of.get("kalendermaaned", "?"))),
    )

    def at(sheet: str, line: int, col: str) -> str:
        return _("sheet {sheet} line {line}, column {column}").format(sheet=sheet, line=line, column=col)

    by_employment: dict[tuple[str, str, str | None], A07Employment] = {}
    for line, r in sheets["Arbeidsforhold"]:
        s = "Arbeidsforhold"
        nid = check_national_id(r["norskIdentifikator"], where, at(s, line, "norskIdentifikator"))
        if r["navn"]:
            report.names[nid] = str(r["navn"])[:200]
        typ = r["typeArbeidsforhold"]
        if not typ:
            raise where.refuse(at(s, line, "typeArbeidsforhold"), "a07.is_missing")
        emp = A07Employment(
            national_id=nid, name=report.names.get(nid),
            sub_unit=check_org_number(r["virksomhet"], where, at(s, line, "virksomhet")),
            employment_ref=_ref(r["arbeidsforholdId"]), employment_type=str(typ)[:60],
            start_date=parse_date(r["startdato"], where, at(s, line, "startdato")),
            end_date=parse_date(r["sluttdato"], where, at(s, line, "sluttdato")),
            occupation_code=_occupation(r["yrke"], where, at(s, line, "yrke")),
            position_pct=parse_decimal(r["stillingsprosent"], where, at(s, line, "stillingsprosent")),
            hours_full_week=parse_decimal(r["antallTimerPerUkeSomEnFullStillingTilsvarer"], where,
                                          at(s, line, "antallTimerPerUkeSomEnFullStillingTilsvarer")))
        report.employments.append(emp)
        by_employment[(nid, emp.sub_unit, emp.employment_ref)] = emp
    for s in ("Permisjoner", "Permitteringer"):
        for line, r in sheets[s]:
            nid = check_national_id(r["norskIdentifikator"], where, at(s, line, "norskIdentifikator"))
            unit = check_org_number(r["virksomhet"], where, at(s, line, "virksomhet"))
            e = by_employment.get((nid, unit, _ref(r["arbeidsforholdId"])))
            if e is None:
                raise where.refuse(at(s, line, "arbeidsforholdId"), "a07.unknown_employment")
            if s == "Permisjoner":
                e.leaves.append({"id": _ref(r["permisjonId"]),
                                 "start": parse_date(r["startdato"], where, at(s, line, "startdato"), required=True),
                                 "end": parse_date(r["sluttdato"], where, at(s, line, "sluttdato")),
                                 "pct": parse_decimal(r["permisjonsprosent"], where, at(s, line, "permisjonsprosent")),
                                 "description": str(r["beskrivelse"] or "")})
            else:
                e.layoffs.append({"id": _ref(r["permitteringId"]),
                                  "start": parse_date(r["startdato"], where, at(s, line, "startdato")),
                                  "end": parse_date(r["sluttdato"], where, at(s, line, "sluttdato")),
                                  "pct": parse_decimal(r["permitteringsprosent"], where,
                                                       at(s, line, "permitteringsprosent")),
                                  "notified": parse_date(r["varslingsdato"], where, at(s, line, "varslingsdato"))})
    for line, r in sheets["Inntekt"]:
        s = "Inntekt"
        if not r["beskrivelse"]:
            raise where.refuse(at(s, line, "beskrivelse"), "a07.is_missing")
        amount = amount_from_number(r["beloep"], where, at(s, line, "beloep"))
        assert amount is not None
        report.income.append(A07Income(
            national_id=check_national_id(r["norskIdentifikator"], where, at(s, line, "norskIdentifikator")),
            sub_unit=check_org_number(r["virksomhet"], where, at(s, line, "virksomhet")),
            employment_ref=_ref(r["arbeidsforholdId"]), category=str(r["inntektstype"] or "loennsinntekt")[:30],
            description=str(r["beskrivelse"])[:100], benefit=str(r["fordel"] or "kontantytelse")[:30],
            triggers_aga=parse_bool(r["utloeserArbeidsgiveravgift"], where, at(s, line, "utloeserArbeidsgiveravgift")),
            withholding_basis=parse_bool(r["inngaarIGrunnlagForTrekk"], where,
                                         at(s, line, "inngaarIGrunnlagForTrekk")),
            amount=amount))
    for line, r in sheets["Forskuddstrekk"]:
        s = "Forskuddstrekk"
        amount = amount_from_number(r["beloep"], where, at(s, line, "beloep"))
        assert amount is not None
        report.withholding.append(A07Withholding(
            national_id=check_national_id(r["norskIdentifikator"], where, at(s, line, "norskIdentifikator")),
            sub_unit=check_org_number(r["virksomhet"], where, at(s, line, "virksomhet")), amount=abs(amount)))
    for line, r in sheets["Arbeidsgiveravgift"]:
        s = "Arbeidsgiveravgift"
        basis = amount_from_number(r["grunnlag"], where, at(s, line, "grunnlag"))
        amount = amount_from_number(r["beloep"], where, at(s, line, "beloep"))
        assert basis is not None and amount is not None
        report.aga.append(A07Aga(
            sub_unit=check_org_number(r["virksomhet"], where, at(s, line, "virksomhet")),
            zone=_zone(r["sone"], where, at(s, line, "sone")),
            calc_code=str(r["beregningskode"] or "generelleNaeringer")[:60],
            basis_kind=str(r["grunnlagType"] or "loenn")[:8], basis=basis,
            rate=parse_decimal(r["sats"], where, at(s, line, "sats")) or 0.0, amount=amount))
    return report


# --- Store --------------------------------------------------------------------------------


def save_report(session: Session, who: Identity, client: Client, report: A07Report, *, archive_id: int,
                sha256: str, filename: str | None) -> tuple[ReconSource, bool]:
    """Store an A07 as the current one for its client and month (the older one stays
    inactive); returns the new source and whether it replaced an A07 of the month."""
    assert client.id is not None
    replaced = False
    for old in session.scalars(select(ReconSource).where(
        col(ReconSource.client_id) == client.id, col(ReconSource.kind) == "a07",
        col(ReconSource.period) == report.period, col(ReconSource.active).is_(True),
    )):
        old.active = False
        replaced = True
    source = ReconSource(client_id=client.id, kind="a07", period=report.period, period_to=report.period,
                         archive_id=archive_id, sha256=sha256, filename=(filename or "")[:255] or None,
                         imported_at=clock.now(), imported_by=who.login,
                         declared_withholding=sum(w.amount for w in report.withholding),
                         declared_aga=sum(a.amount for a in report.aga))
    session.add(source)
    session.flush()
    base = {"source_id": source.id, "client_id": client.id, "period": report.period, "side": "a07"}
    if report.employments:
        session.execute(insert(ReconEmployment), [{
            **base, "national_id": e.national_id, "name": report.names.get(e.national_id) or e.name,
            "sub_unit": e.sub_unit, "employment_ref": e.employment_ref, "employment_type": e.employment_type,
            "start_date": e.start_date, "end_date": e.end_date, "occupation_code": e.occupation_code,
            "position_pct": e.position_pct, "hours_full_week": e.hours_full_week,
            "leaves": json.dumps(e.leaves, default=str, sort_keys=True) if e.leaves else None,
            "layoffs": json.dumps(e.layoffs, default=str, sort_keys=True) if e.layoffs else None,
        } for e in report.employments])
    if report.income:
        session.execute(insert(ReconIncome), [{**base, **{k: v for k, v in asdict(i).items()}}
                                              for i in report.income])
    if report.withholding:
        session.execute(insert(ReconWithholding), [{**base, **asdict(w)} for w in report.withholding])
    if report.aga:
        session.execute(insert(ReconAga), [{**base, **asdict(a)} for a in report.aga])
    return source, replaced


def import_a07(store: Store, who: Identity, path: str | os.PathLike[str], *, client: str | None = None,
               period: str | None = None, suffix: str | None = None) -> ImportResult:
    """Import an A07 file (byraa's JSON, ODS or XLSX); ``client``/``period`` must match the file's.
    ``suffix`` overrides the file name's (the intake knows the kind from the content)."""
    path = Path(path)
    where = Where(path)
    suffix = suffix or path.suffix.lower()
    content = read_capped(path, "a07")
    if suffix == ".json":
        report, ctype = parse_json(content, where), "application/json"
    elif suffix in (".ods", ".xlsx"):
        report = parse_sheets(path, where)
        ctype = ("application/vnd.oasis.opendocument.spreadsheet" if suffix == ".ods"
                 else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        raise UserError("a07.import_suffix", file=path.name)
    if client is not None and client != report.client:
        raise ImportRefused("import.wrong_client", file=path.name, found=report.client, expected=client)
    if period is not None and period != report.period:
        raise ImportRefused("import.wrong_period", file=path.name, found=report.period, expected=period)
    result = ImportResult(path=str(path), kind="a07", client=report.client, period=report.period)
    with store.session() as session:
        row = resolve_client(session, who, report.client, file=path.name)
        assert row.id is not None
        import hashlib

        digest = hashlib.sha256(content).hexdigest()
        existing = already_imported(session, row.id, "a07", digest)
        if existing is not None:
            result.status, result.source_id = "unchanged", existing
            return result
        archive_id, _ = archive_file(session, path=path, content=content, client_id=row.id, kind="a07",
                                     period=report.period, content_type=ctype, login=who.login)
        source, replaced = save_report(session, who, row, report, archive_id=archive_id, sha256=digest,
                                       filename=path.name)
        if replaced:
            result.status = "replaced"
        result.archive_id, result.source_id = archive_id, source.id
        result.counts = {"employments": len(report.employments), "income_lines": len(report.income),
                         "withholding_lines": len(report.withholding), "aga_lines": len(report.aga)}
        audit.record(session, actor=who.login, action="import.a07", entity="recon_source", entity_id=source.id,
                     client_id=row.id, after={"file": path.name, "sha256": digest, "period": report.period,
                                              **result.counts})
    return result


def load_report(session: Session, client_id: int, org: str, period: str) -> A07Report | None:
    """The current A07 of a client and month as stored, or ``None``."""
    source_id = session.scalars(select(col(ReconSource.id)).where(
        col(ReconSource.client_id) == client_id, col(ReconSource.kind) == "a07", col(ReconSource.period) == period,
        col(ReconSource.active).is_(True)).order_by(col(ReconSource.id).desc())).first()
    if source_id is None:
        return None
    report = A07Report(client=org, period=period)

    def dates(items: list[dict], keys: tuple[str, ...]) -> list[dict]:
        for item in items:
            for k in keys:
                if item.get(k):
                    item[k] = date.fromisoformat(item[k])
        return items

    for e in session.scalars(select(ReconEmployment).where(col(ReconEmployment.source_id) == source_id)
                             .order_by(col(ReconEmployment.id))):
        if e.name:
            report.names[e.national_id] = e.name
        report.employments.append(A07Employment(
            e.national_id, e.name, e.sub_unit, e.employment_ref, e.employment_type, e.start_date, e.end_date,
            e.occupation_code, e.position_pct, e.hours_full_week,
            dates(json.loads(e.leaves), ("start", "end")) if e.leaves else [],
            dates(json.loads(e.layoffs), ("start", "end", "notified")) if e.layoffs else []))
    for i in session.scalars(
            select(ReconIncome).where(col(ReconIncome.source_id) == source_id).order_by(col(ReconIncome.id))):
        report.income.append(A07Income(i.national_id, i.sub_unit, i.employment_ref, i.category, i.description,
                                       i.benefit, i.triggers_aga, i.withholding_basis, i.amount))
    for w in session.scalars(select(ReconWithholding).where(col(ReconWithholding.source_id) == source_id)
                             .order_by(col(ReconWithholding.id))):
        report.withholding.append(A07Withholding(w.national_id, w.sub_unit, w.amount))
    for a in session.scalars(select(ReconAga).where(col(ReconAga.source_id) == source_id).order_by(col(ReconAga.id))):
        report.aga.append(A07Aga(a.sub_unit, a.zone, a.calc_code, a.basis_kind, a.basis, a.rate, a.amount))
    return report


def export(store: Store, who: Identity, org: str, period: str, out: str | os.PathLike[str], *,
           overwrite: bool = False) -> Path:
    """Write the client's current A07 for the month to ``out`` (.ods or .xlsx), created 0600."""
    path = Path(out).expanduser()
    suffix = path.suffix.lower()
    if suffix not in (".ods", ".xlsx"):
        raise UserError("a07.export_suffix", file=path.name)
    from byraa.core.base.periods import parse_period as check_period

    check_period(period)
    with store.session() as session:
        client = resolve_client(session, who, org)
        assert client.id is not None
        report = load_report(session, client.id, org, period)
        if report is None:
            raise NotFound("a07.not_stored", org=org, period=period)
        (write_ods if suffix == ".ods" else write_xlsx)(report, path, overwrite=overwrite)
        audit.record(session, actor=who.login, action="a07.export", entity="client", entity_id=client.id,
                     client_id=client.id, after={"period": period, "path": str(path)})
    return path


def summary(report: A07Report) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    totals["employments"] = len(report.employments)
    totals["income"] = sum(i.amount for i in report.income)
    totals["withholding"] = sum(w.amount for w in report.withholding)
    totals["aga"] = sum(a.amount for a in report.aga)
    return dict(totals)
