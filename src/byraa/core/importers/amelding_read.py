"""Reading an a-melding XML file into plain data: the a-melding importer's first half.

Pure (no store, no clock): the intake runs it in worker processes while one writer
stores the files, and ``import_amelding`` runs it in-process, streamed. ``events``
yields, in document order, what the writer needs:

- ``("begin", Header)`` once, when the first ``oppgave`` starts (the header is checked:
  period, organisation number);
- ``("unit", org, place)`` for each ``virksomhet`` (``place`` names it in a refusal);
- ``("recipient", _Recipient, income rows, withheld or None, deduction rows)``, or ``("skipped",)`` for a
  recipient with only an international id;
- ``("aga", unit, rows)`` and ``("payment", {declared sums})``.

A refusal is raised where it is found, so the writer sees the header first: an unknown
client or a file imported already is told before a broken recipient further down.
Processed elements are cleared, so a 200 MB file needs memory for one recipient only.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from byraa.core.base import ids
from byraa.core.importers import (
    ImportRefused,
    Where,
    check_national_id,
    check_org_number,
    child,
    child_text,
    children,
    element_where,
    first_child,
    iter_xml,
    parse_amount,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_period,
    parse_timestamp,
    read_whole,
)

NAMESPACE_PREFIX = "urn:ske:fastsetting:innsamling:a-meldingen:"
VERSIONS = ("v2_0", "v2_1", "v2_2", "v2_3")
NAMESPACES = tuple(NAMESPACE_PREFIX + v for v in VERSIONS)
ZONES = ("1", "1a", "2", "3", "4", "4a", "5")
INCOME_KINDS = ("loennsinntekt", "ytelseFraOffentlige", "pensjonEllerTrygd", "naeringsinntekt")


def rate_amount(basis: int, rate: float) -> int:
    """AGA in øre on ``basis`` øre at ``rate`` percent, rounded half up."""
    return int((Decimal(basis) * Decimal(str(rate)) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class _Employment:
    ref: str
    employment_type: str
    start: date | None
    end: date | None
    occupation: str | None
    position_pct: float | None
    hours: float | None
    leaves: list[dict]
    layoffs: list[dict]


@dataclass
class _Recipient:
    national_id: str
    name: str | None
    employee_number: str | None
    sub_unit: str
    employments: list[_Employment] = field(default_factory=list)


@dataclass(frozen=True)
class Header:
    period: str
    org: str
    message_id: str | None
    replaces: str | None
    delivered_at: datetime | None = None
    """``leveringstidspunkt``: when the payroll system delivered the a-melding (aware UTC)."""


def parse_employment(e: Any, where: Where) -> _Employment:
    """One ``arbeidsforhold`` element, checked."""
    k = children(e)

    def place(name: str) -> str:
        c = first_child(k, name)
        return element_where(c if c is not None else e, f"arbeidsforhold/{name}")

    kind = child_text(k, "typeArbeidsforhold")
    if not kind:
        raise where.refuse(element_where(e, "arbeidsforhold"), "import.missing", name="typeArbeidsforhold")
    occupation = child_text(k, "yrke")
    if occupation is not None and (len(occupation) != 7 or not occupation.isdigit()):
        raise where.refuse(place("yrke"), "import.bad_occupation", value=occupation[:10])
    leaves = []
    for p in k.get("permisjon", ()):
        pk = children(p)
        leaves.append({
            "id": child_text(pk, "permisjonId"),
            "start": parse_date(child_text(pk, "startdato"), where, element_where(p, "permisjon/startdato"), required=True),
            "end": parse_date(child_text(pk, "sluttdato"), where, element_where(p, "permisjon/sluttdato")),
            "pct": parse_decimal(child_text(pk, "permisjonsprosent"), where, element_where(p, "permisjon/permisjonsprosent")),
            "description": child_text(pk, "beskrivelse") or "",
        })
    layoffs = []
    for p in k.get("permittering", ()):
        pk = children(p)
        layoffs.append({
            "id": child_text(pk, "permitteringId"),
            "start": parse_date(child_text(pk, "startdato") or child_text(pk, "startdatoPermittering"), where,
                                element_where(p, "permittering/startdato")),
            "end": parse_date(child_text(pk, "sluttdato") or child_text(pk, "sluttdatoPermittering"), where,
                              element_where(p, "permittering/sluttdato")),
            "pct": parse_decimal(child_text(pk, "permitteringsprosent"), where,
                                 element_where(p, "permittering/permitteringsprosent")),
            "notified": parse_date(child_text(pk, "varslingsdato"), where, element_where(p, "permittering/varslingsdato")),
        })
    # A place is only worked out when a value is there to be wrong (element_where is not free).
    start_text, end_text = child_text(k, "startdato"), child_text(k, "sluttdato")
    pct_text, hours_text = child_text(k, "stillingsprosent"), child_text(k, "antallTimerPerUkeSomEnFullStillingTilsvarer")
    start = parse_date(start_text, where, place("startdato")) if start_text else None
    return _Employment(
        ref=child_text(k, "arbeidsforholdId") or (start.isoformat() if start else kind),
        employment_type=kind,
        start=start,
        end=parse_date(end_text, where, place("sluttdato")) if end_text else None,
        occupation=occupation,
        position_pct=parse_decimal(pct_text, where, place("stillingsprosent")) if pct_text else None,
        hours=parse_decimal(hours_text, where, place("antallTimerPerUkeSomEnFullStillingTilsvarer"))
        if hours_text else None,
        leaves=leaves,
        layoffs=layoffs,
    )


def _flag(k: dict[str, list[Any]], e: Any, name: str, where: Where) -> bool:
    text = child_text(k, name)
    if text == "true":  # the common case, without working out a place
        return True
    if text == "false":
        return False
    return parse_bool(text, where, element_where(e, f"inntekt/{name}"))


def parse_income(e: Any, where: Where) -> dict:
    """One ``inntekt`` element as a row dict (without client, period, side)."""
    k = children(e)
    kind = next((name for name in INCOME_KINDS if name in k), None)
    description = child_text(children(k[kind][0]), "beskrivelse") if kind else None
    if not description:
        raise where.refuse(element_where(e, "inntekt"), "amelding.income_no_description")
    beloep = first_child(k, "beloep")
    return {
        "category": kind,
        "description": description[:100],
        "benefit": (child_text(k, "fordel") or "kontantytelse")[:30],
        "triggers_aga": _flag(k, e, "utloeserArbeidsgiveravgift", where),
        "withholding_basis": _flag(k, e, "inngaarIGrunnlagForTrekk", where),
        "amount": _amount(beloep, e, "inntekt/beloep", where),
        "employment_ref": child_text(k, "arbeidsforholdId"),
    }


def parse_deduction(e: Any, where: Where) -> dict:
    """One ``fradrag`` element (e.g. ``premieTilPensjonsordninger``): description and amount."""
    k = children(e)
    description = child_text(k, "beskrivelse")
    if not description:
        raise where.refuse(element_where(e, "fradrag"), "import.missing", name="fradrag/beskrivelse")
    return {"description": description[:100], "amount": _amount(first_child(k, "beloep"), e, "fradrag/beloep", where)}


def _amount(el: Any, parent: Any, what: str, where: Where) -> int:
    text = el.text if el is not None else None
    try:  # the place is worked out only for a refusal (element_where is not free)
        value = parse_amount(text, where, "")
    except ImportRefused:
        value = parse_amount(text, where, element_where(el if el is not None else parent, what))
    assert value is not None
    return value


def parse_aga(e: Any, where: Where) -> list[dict]:
    """The zones of one ``arbeidsgiveravgift`` element."""
    rows = []
    k = children(e)
    for kind_name, kind in (("loennOgGodtgjoerelse", "loenn"), ("tilskuddOgPremieTilPensjon", "pensjon")):
        for z in k.get(kind_name, ()):
            zk = children(z)
            zone = child_text(zk, "sone")
            if zone not in ZONES:
                sone = first_child(zk, "sone")
                raise where.refuse(element_where(sone if sone is not None else z, f"{kind_name}/sone"),
                                   "import.bad_zone", value=(zone or "")[:5], zones=", ".join(ZONES))
            basis = _amount(first_child(zk, "avgiftsgrunnlagBeloep"), z, f"{kind_name}/avgiftsgrunnlagBeloep", where)
            rate = parse_decimal(child_text(zk, "prosentsatsForAvgiftsberegning"), where,
                                 element_where(z, f"{kind_name}/prosentsatsForAvgiftsberegning")) or 0.0
            rows.append({"zone": zone, "calc_code": (child_text(zk, "beregningskodeForArbeidsgiveravgift")
                                                     or "generelleNaeringer")[:60],
                         "basis_kind": kind, "basis": basis, "rate": rate, "amount": rate_amount(basis, rate)})
    return rows


def _recipient(el: Any, where: Where, unit: str) -> tuple[_Recipient, list[dict], int | None, list[dict]] | None:
    k = children(el)
    nid_el = first_child(k, "norskIdentifikator")
    if nid_el is None:
        return None
    text = (nid_el.text or "").strip()
    nid = text if _valid_nid(text) else check_national_id(
        nid_el.text, where, element_where(nid_el, "inntektsmottaker/norskIdentifikator"))
    info = first_child(k, "identifiserendeInformasjon")
    ik = children(info) if info is not None else {}
    r = _Recipient(national_id=nid, name=child_text(ik, "navn"), employee_number=child_text(ik, "ansattnummer"), sub_unit=unit)
    r.employments = [parse_employment(a, where) for a in k.get("arbeidsforhold", ())]
    income = [parse_income(i, where) for i in k.get("inntekt", ())]
    withheld: int | None = None
    for f in k.get("forskuddstrekk", ()):
        value = _amount(child(f, "beloep"), f, "forskuddstrekk/beloep", where)
        withheld = (withheld or 0) - value  # reported negative: withheld is the positive amount
    if withheld is not None and withheld < 0:  # a positive forskuddstrekk: a sign error, not a refund
        f = k["forskuddstrekk"][0]
        raise where.refuse(element_where(f, "forskuddstrekk/beloep"), "amelding.withholding_positive",
                           value=f"{-withheld / 100:.2f}")
    return r, income, withheld, [parse_deduction(f, where) for f in k.get("fradrag", ())]


def _valid_nid(text: str) -> bool:
    return not ids.national_id_error(text)


def _drop(el: Any) -> None:
    """Free a processed element and the siblings before it (bounded memory)."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _header(header: dict[str, tuple[str, Any]], oppgave: Any, where: Where) -> Header:
    if "kalendermaaned" not in header:
        raise where.refuse(element_where(oppgave, "Leveranse"), "import.missing", name="kalendermaaned")
    period = parse_period(header["kalendermaaned"][0], where, element_where(header["kalendermaaned"][1]))
    if "opplysningspliktig" not in header:
        raise where.refuse(element_where(oppgave, "Leveranse"), "import.missing", name="opplysningspliktig")
    text, el = header["opplysningspliktig"]
    org = check_org_number(text, where, element_where(el, "opplysningspliktig/norskIdentifikator"))
    delivered = None
    if "leveringstidspunkt" in header:
        text, el = header["leveringstidspunkt"]
        delivered = parse_timestamp(text, where, element_where(el, "leveringstidspunkt"))
    return Header(period, org, header.get("meldingsId", (None,))[0], header.get("erstatterMeldingsId", (None,))[0],
                  delivered)


def events(source: str | Path | IO[bytes], where: Where) -> Iterator[tuple]:
    """The document as the writer's events (see the module's doc); refusals raised as found."""
    header: dict[str, tuple[str, Any]] = {}
    stack: list[str] = []
    begun = False
    unit: str | None = None
    seen: set[tuple[str, str]] = set()
    for event, el in iter_xml(source):
        tag = el.tag
        name = tag[tag.rfind("}") + 1:] if type(tag) is str else ""
        if event == "start":
            if not stack:
                ns = tag[1:].split("}", 1)[0] if type(tag) is str and tag.startswith("{") else ""
                if name != "melding" or ns not in NAMESPACES:
                    raise where.refuse(element_where(el, name or "root"), "amelding.not_amelding",
                                       namespace=f"{NAMESPACE_PREFIX}v2_0", last="v2_3")
            stack.append(name)
            if name == "oppgave" and len(stack) == 3 and not begun:
                begun = True
                yield ("begin", _header(header, el, where))
            continue
        stack.pop()
        parent = stack[-1] if stack else ""
        if parent == "Leveranse" and name in ("kalendermaaned", "meldingsId", "erstatterMeldingsId", "kildesystem",
                                                    "leveringstidspunkt"):
            header[name] = ((el.text or "").strip(), el)
        elif name == "norskIdentifikator" and parent == "opplysningspliktig":
            header["opplysningspliktig"] = ((el.text or "").strip(), el)
        elif not begun:
            continue
        elif name == "norskIdentifikator" and parent == "virksomhet":
            place = element_where(el, "virksomhet/norskIdentifikator")
            unit = check_org_number(el.text, where, place)
            yield ("unit", unit, place)
        elif name == "inntektsmottaker":
            if unit is None:
                raise where.refuse(element_where(el), "amelding.recipient_outside_virksomhet")
            got = _recipient(el, where, unit)
            if got is not None:
                # A person twice in one virksomhet would double their income.
                if (unit, got[0].national_id) in seen:
                    raise where.refuse(element_where(el, "inntektsmottaker/norskIdentifikator"),
                                       "amelding.recipient_twice", nid=ids.mask_national_id(got[0].national_id),
                                       unit=unit)
                seen.add((unit, got[0].national_id))
            yield ("skipped",) if got is None else ("recipient", *got)
            _drop(el)
        elif name == "arbeidsgiveravgift" and parent == "virksomhet":
            assert unit is not None
            yield ("aga", unit, parse_aga(el, where))
            _drop(el)
        elif name == "betalingsinformasjon" and parent == "oppgave":
            declared: dict[str, int] = {}
            k = children(el)
            for tag_name, attr, sign in (("sumForskuddstrekk", "declared_withholding", -1),
                                         ("sumArbeidsgiveravgift", "declared_aga", 1)):
                c = first_child(k, tag_name)
                if c is not None:
                    value = parse_amount(c.text, where, element_where(c, f"betalingsinformasjon/{tag_name}"))
                    assert value is not None
                    if sign < 0 and value > 0:  # withholding is reported negative
                        raise where.refuse(element_where(c, f"betalingsinformasjon/{tag_name}"),
                                           "amelding.withholding_positive", value=f"{value / 100:.2f}")
                    declared[attr] = abs(value) if sign < 0 else value
            yield ("payment", declared)
            _drop(el)
        elif name == "virksomhet":
            unit = None
            _drop(el)
    if not begun:
        raise where.refuse("<Leveranse>", "amelding.no_oppgave")


@dataclass
class Parsed:
    """One file read whole in a worker: its bytes, checksum and events, or the refusal met.

    ``error`` comes after ``events`` (what was read before it), so the writer still
    reports an unknown client or a file imported already first, as the streamed reader does."""

    path: str
    content: bytes | None = None
    digest: str = ""
    events: list[tuple] = field(default_factory=list)
    error: Exception | None = None


def read_file(path: str) -> Parsed:
    """Read, check and parse one a-melding (pure; for a worker process)."""
    from byraa.core.base.errors import UserError

    p = Path(path)
    out = Parsed(path)
    try:
        out.content, out.digest = read_whole(p, "amelding")
        for item in events(io.BytesIO(out.content), Where(p)):
            out.events.append(item)
    except (UserError, OSError) as exc:
        out.error = exc
    return out
