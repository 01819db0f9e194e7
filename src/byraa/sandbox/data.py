"""The sandbox's synthetic answers, deterministic from their inputs.

A person's tax card follows from the national id (a hash picks the kind and figures),
so the same person gets the same card on every run and in every test. Given a store,
the sandbox also follows the agency's data: an employer that is not a client is an
``ugyldigOrganisasjonsnummer``, A07 months sum the client's payroll runs (with a few
planted differences), and addresses are the employees' own (a few differ on purpose).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from byraa.core.base import ids
from byraa.core.taxcards.parse import Deduction, PersonResult

if TYPE_CHECKING:
    from byraa.core.store import Store


def _h(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def income_year_problem(year: int, today: date) -> bool:
    """True when Skatteetaten answers ``UGYLDIG_INNTEKTSAAR`` (§1.7).

    Next year's cards not before 15 December; last year's not after June; no other years.
    """
    if year == today.year:
        return False
    if year == today.year + 1:
        return today < date(today.year, 12, 15)
    if year == today.year - 1:
        return today.month > 6
    return True


def person_result(org_number: str, national_id: str, year: int, *, employer_ok: bool = True) -> PersonResult:
    """The sandbox's answer for one person (all three card kinds, no card, no withholding)."""
    if not employer_ok:
        return PersonResult(national_id, year, "ugyldigOrganisasjonsnummer")
    if ids.national_id_error(national_id):
        return PersonResult(national_id, year, "ugyldigFoedselsEllerDnummer")
    h = _h("card", national_id, year)
    bucket = h % 100
    card_id = str(100000 + h % 900000)
    issued = date(year - 1, 12, 1 + h % 28) if h % 3 else date(year, 1 + h % 5, 1 + h % 28)
    pct = float(25 + h % 26)
    if bucket < 50:
        table = str(8000 + (h // 100 % 40) * 10)
        main = Deduction("loennFraHovedarbeidsgiver", "trekktabell", table, "trekktabellForLoenn", pct,
                         10.5 if h % 2 else None)
    elif bucket < 70:
        main = Deduction("loennFraHovedarbeidsgiver", "trekkprosent", percentage=pct, months=12.0 if h % 2 else None)
    elif bucket < 82:
        amount = None if h % 4 == 0 else (65_000_00 if h % 2 else 60_000_00)
        main = Deduction("loennFraHovedarbeidsgiver", "frikort", free_card_amount=amount)
    elif bucket < 90:
        return PersonResult(national_id, year, "ikkeSkattekort")
    elif bucket < 97:
        return PersonResult(national_id, year, "ikkeTrekkplikt")
    else:  # a well-formed number the population register does not know
        return PersonResult(national_id, year, "ugyldigFoedselsEllerDnummer")
    if main.kind == "frikort":
        others = (Deduction("loennFraBiarbeidsgiver", "frikort", free_card_amount=main.free_card_amount),
                  Deduction("loennFraNAV", "frikort", free_card_amount=main.free_card_amount))
    else:
        others = tuple(Deduction(code, "trekkprosent", percentage=pct)
                       for code in ("loennFraBiarbeidsgiver", "loennFraNAV", "ufoeretrygdFraNAV"))
    extra = ("kildeskattPaaLoenn",) if h % 17 == 0 else (("oppholdPaaSvalbard",) if h % 23 == 0 else ())
    return PersonResult(national_id, year, "skattekortopplysningerOK", (main, *others), extra, card_id, issued)


def changed_persons(national_ids: list[str], since: str) -> list[str]:
    """Whose card changed since ``since`` (HENT_KUN_ENDRING): about one in five."""
    return [n for n in national_ids if _h("change", n, since) % 5 == 0]


@dataclass(frozen=True)
class StoreView:
    """What the sandbox reads from byraa's store (read only, one query per call)."""

    store: Store

    def is_client(self, org_number: str) -> bool:
        from sqlalchemy import select

        from byraa.core.store.models import Client

        with self.store.session() as s:
            return s.scalars(select(Client.id).where(Client.org_number == org_number)).first() is not None

    def payroll_months(self, org_number: str, periods: list[str]) -> dict[str, tuple[int, int, int, int]]:
        """period -> (gross, withholding, employer contribution, payslips), øre."""
        from sqlalchemy import func, select

        from byraa.core.store.models import Client, PayrollRun

        with self.store.session() as s:
            rows = s.execute(
                select(PayrollRun.period, func.sum(PayrollRun.gross), func.sum(PayrollRun.withholding),
                       func.sum(PayrollRun.employer_contribution), func.sum(PayrollRun.payslip_count))
                .join(Client, Client.id == PayrollRun.client_id)
                .where(Client.org_number == org_number, PayrollRun.period.in_(periods))
                .group_by(PayrollRun.period)
            ).all()
        return {p: (int(g or 0), int(w or 0), int(a or 0), int(n or 0)) for p, g, w, a, n in rows}

    def sub_unit(self, org_number: str) -> tuple[str, str | None, str] | None:
        """(name, municipality, the client's org number) of a sub-unit byraa knows."""
        from sqlalchemy import select

        from byraa.core.store.models import Client, SubUnit

        with self.store.session() as s:
            row = s.execute(select(SubUnit.name, SubUnit.municipality, Client.org_number)
                            .join(Client, Client.id == SubUnit.client_id)
                            .where(SubUnit.org_number == org_number)).first()
        return (row[0], row[1], row[2]) if row else None

    def fetched_before(self, year: int) -> set[tuple[str, str]]:
        """(org, national id) of every person with a tax card for ``year`` in the store.

        What Skatteetaten remembers as "ordered before" (for ``HENT_KUN_ENDRING``) when the
        sandbox was restarted since the orders were placed.
        """
        from sqlalchemy import select

        from byraa.core.store.models import Client, Employee
        from byraa.core.store.models_altinn import TaxCard

        with self.store.session() as s:
            rows = s.execute(
                select(Client.org_number, Employee.national_id).distinct().select_from(TaxCard)
                .join(Employee, Employee.id == TaxCard.employee_id).join(Client, Client.id == TaxCard.client_id)
                .where(TaxCard.income_year == year)
            ).all()
        return {(org, nid) for org, nid in rows}

    def address(self, national_id: str) -> tuple[str, str, str] | None:
        from sqlalchemy import select

        from byraa.core.store.models import Employee

        with self.store.session() as s:
            e = s.scalars(select(Employee).where(Employee.national_id == national_id)).first()
            if e is None or not e.address:
                return None
            return e.address, e.postal_code or "", e.city or ""


def months_between(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 36:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def a07_report(org_number: str, first: str, last: str, view: StoreView | None, *,
               persons: bool = False) -> dict[str, Any]:
    """The A07 answer: per month sums, from the store's payroll runs when given one.

    With ``persons`` (``inkluderInntektsmottakere``) and a store, each month also carries
    its income recipients and employer's contribution lines in byraa's A07 model
    (``a07_people``), and its sums are those lines' sums. The differences planted for a
    few clients a month (``a07_people.planted``) are in the sums too.
    """
    from byraa.sandbox.a07_people import planted

    months_ = months_between(first, last)
    if persons and view is not None:
        return {"opplysningspliktig": org_number,
                "kalendermaaneder": [_month_with_people(view, org_number, p) for p in months_]}
    from_store = view.payroll_months(org_number, months_) if view else {}
    months = []
    for period in months_:
        h = _h("a07", org_number, period)
        if view is not None:
            gross, withholding, aga, slips = from_store.get(period, (0, 0, 0, 0))
            kind = planted(view.store, org_number, period)
            gross += 1_500_00 if kind == "income" else 0
            withholding += 1_000_00 if kind == "withholding" else 0
            aga -= 250_00 if kind == "aga" else 0
        else:
            gross = (200_000 + h % 800_000) * 100
            withholding, aga, slips = gross * 32 // 100, gross * 141 // 1000, 3 + h % 20
        months.append({
            "kalendermaaned": period,
            "sumBruttoinntekt": f"{gross / 100:.2f}",
            "sumForskuddstrekk": f"{withholding / 100:.2f}",
            "sumArbeidsgiveravgift": f"{aga / 100:.2f}",
            "antallArbeidsforhold": slips,
            "antallInntektsmottakere": slips,
        })
    return {"opplysningspliktig": org_number, "kalendermaaneder": months}


def _month_with_people(view: StoreView, org_number: str, period: str) -> dict[str, Any]:
    from byraa.core.reconcile.a07 import A07Report, to_json
    from byraa.sandbox.a07_people import month_report

    report = month_report(view.store, org_number, period) or A07Report(org_number, period)
    doc = to_json(report)

    def kr(ore: int) -> str:
        return f"{ore / 100:.2f}"

    return {
        "kalendermaaned": period,
        "sumBruttoinntekt": kr(sum(i.amount for i in report.income)),
        "sumForskuddstrekk": kr(sum(w.amount for w in report.withholding)),
        "sumArbeidsgiveravgift": kr(sum(a.amount for a in report.aga)),
        "antallArbeidsforhold": len(report.employments),
        "antallInntektsmottakere": len(doc["inntektsmottakere"]),
        "inntektsmottakere": doc["inntektsmottakere"],
        "arbeidsgiveravgift": doc["arbeidsgiveravgift"],
    }


MESSAGE_ID = re.compile(r"[A-Za-z0-9._-]{1,150}")
NEEDS_POSITION = ("ordinaertArbeidsforhold", "maritimtArbeidsforhold")


def _deviations(leveranse: dict[str, Any]) -> list[dict[str, str]]:
    """What a-ordningen's control would flag in a leveranse (a few of its real rules).

    avvisning when the meldingsId is not valid or a recipient's id is not a valid
    national id; oeyeblikkelig when an ordinary employment lacks position percentage or
    occupation code; retningslinje when the hours of a full week are above 40.
    """
    found: list[dict[str, str]] = []

    def add(code: str, text: str, severity: str) -> None:
        item = {"kode": code, "beskrivelse": text, "alvorlighetsgrad": severity}
        if item not in found:
            found.append(item)

    if not MESSAGE_ID.fullmatch(str(leveranse.get("meldingsId") or "")):
        add("MAGNET_EDAG-181E", "MeldingsId inneholder ugyldige tegn", "avvisning")
    units = ((leveranse.get("oppgave") or {}).get("virksomhet") or []) if isinstance(leveranse, dict) else []
    for unit in units if isinstance(units, list) else []:
        for person in (unit or {}).get("inntektsmottaker") or []:
            if ids.national_id_error(str((person or {}).get("norskIdentifikator") or "")):
                add("MAGNET_EDAG-010", "Inntektsmottakers identifikator er ikke et gyldig fødselsnummer",
                    "avvisning")
            for job in (person or {}).get("arbeidsforhold") or []:
                if job.get("typeArbeidsforhold") in NEEDS_POSITION:
                    if job.get("stillingsprosent") is None:
                        add("MAGNET_EDAG-132", "Arbeidsforholdet mangler stillingsprosent", "oeyeblikkelig")
                    if not job.get("yrke"):
                        add("MAGNET_EDAG-133", "Arbeidsforholdet mangler yrkeskode", "oeyeblikkelig")
                hours = job.get("antallTimerPerUkeSomEnFullStillingTilsvarer")
                if isinstance(hours, int | float) and hours > 40:
                    add("MAGNET_EDAG-227", "Antall timer for en full stilling er uvanlig høyt", "retningslinje")
    return found


def feedback(forsendelse_id: str, org_number: str, period: str, leveranse: dict[str, Any]) -> dict[str, Any]:
    """A-melding feedback from the leveranse's content: avvist on any avvisning, else mottatt."""
    h = _h("feedback", org_number, period, leveranse.get("meldingsId"))
    avvik = _deviations(leveranse)
    status = "avvist" if any(a["alvorlighetsgrad"] == "avvisning" for a in avvik) else "mottatt"
    return {
        "forsendelseId": forsendelse_id,
        "mottak": {"mottakstatus": status, "kalendermaaned": period, "opplysningspliktig": org_number,
                   "meldingsId": leveranse.get("meldingsId")},
        "avvik": avvik,
        "kid": f"{h % 10**12:012d}",
        "kontonummer": "63450618000",
        "sumForskuddstrekk": f"{(h % 500_000) / 1:.2f}",
        "sumArbeidsgiveravgift": f"{(h % 200_000) / 1:.2f}",
    }


STREETS = ("Storgata", "Kirkeveien", "Fjordvegen", "Skolegata", "Industrivegen", "Bakkeveien")
PLACES = (("0150", "OSLO"), ("5003", "BERGEN"), ("7010", "TRONDHEIM"), ("9008", "TROMSØ"), ("4006", "STAVANGER"))


def address(national_id: str, view: StoreView | None) -> dict[str, str] | None:
    """The registered address; about one in five differs from the payroll's on purpose."""
    if ids.national_id_error(national_id):
        return None
    h = _h("address", national_id)
    known = view.address(national_id) if view else None
    if known and h % 5:
        street, postal, city = known
    else:
        postal, city = PLACES[h % len(PLACES)]
        street = f"{STREETS[h % len(STREETS)]} {1 + h % 120}"
        if known:  # planted difference: the register has moved the person
            street = f"{street}B"
    return {"adresse": street, "postnummer": postal, "poststed": city}


SANDBOX_MUNICIPALITIES = (("0301", "OSLO"), ("4601", "BERGEN"), ("5001", "TRONDHEIM"), ("1103", "STAVANGER"),
                          ("5501", "TROMSØ"), ("1804", "BODØ"), ("3403", "HAMAR"), ("5601", "ALTA"))


def sub_unit(org_number: str, view: StoreView | None) -> dict[str, Any] | None:
    """A sub-unit as Enhetsregisteret's open API gives it (``/enhetsregisteret/api/underenheter/{orgnr}``).

    A sub-unit byraa knows keeps its municipality (written as the register writes it,
    in capitals) except about one in four, which the register has moved to another
    municipality (a planted difference: the AGA zone may change with it).
    """
    if not ids.is_valid_org_number(org_number):
        return None
    known = view.sub_unit(org_number) if view else None
    if view is not None and known is None:
        return None
    h = _h("underenhet", org_number)
    name, municipality, parent = known if known else (f"Underenhet {org_number}", None, None)
    number, place = SANDBOX_MUNICIPALITIES[h % len(SANDBOX_MUNICIPALITIES)]
    if municipality and h % 4:
        place = municipality.upper()
        number = next((n for n, m in SANDBOX_MUNICIPALITIES if m == place), f"{3000 + h % 900:04d}")
    postal, city = next((x for x in PLACES if x[1] == place), PLACES[h % len(PLACES)])
    body: dict[str, Any] = {
        "organisasjonsnummer": org_number, "navn": name.upper(),
        "organisasjonsform": {"kode": "BEDR", "beskrivelse": "Underenhet til næringsdrivende og offentlig forvaltning"},
        "beliggenhetsadresse": {"land": "Norge", "landkode": "NO", "postnummer": postal, "poststed": city.upper(),
                                "adresse": [f"{STREETS[h % len(STREETS)]} {1 + h % 90}"], "kommune": place,
                                "kommunenummer": number},
    }
    if parent:
        body["overordnetEnhet"] = parent
    return body
