"""Hand-built reconciliation inputs: a-meldinger (XML), A07 (JSON) and ledger CSV.

Synthetic people only (Tenor national ids from ``tests.builders.nid``). Amounts are in
kroner as the files carry them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from byraa.core.importers.amelding_xml import to_xml


def employment(ref: str = "1", *, kind: str = "ordinaertArbeidsforhold", start: str | None = "2020-01-01",
               end: str | None = None, yrke: str | None = "5223102", pct: float | None = 100.0,
               hours: float | None = 37.5, leaves: list[dict] | None = None) -> dict:
    return {
        "arbeidsforholdId": ref,
        "typeArbeidsforhold": kind,
        "startdato": start,
        "sluttdato": end,
        "antallTimerPerUkeSomEnFullStillingTilsvarer": hours,
        "avloenningstype": "fastloennet",
        "yrke": yrke,
        "arbeidstidsordning": "ikkeSkift",
        "stillingsprosent": pct,
        "permisjon": leaves or [],
    }


def leave(start: str, end: str | None = None, pct: float = 100.0, description: str = "permisjonMedForeldrepenger",
          ident: str = "p1") -> dict:
    return {"startdato": start, "sluttdato": end, "permisjonsprosent": pct, "permisjonId": ident,
            "beskrivelse": description}


def income(amount: str, description: str = "fastloenn", *, fordel: str = "kontantytelse",
           aga: bool = True, trekk: bool = True, kind: str = "loennsinntekt") -> dict:
    return {"fordel": fordel, "utloeserArbeidsgiveravgift": aga, "inngaarIGrunnlagForTrekk": trekk,
            "beloep": amount, kind: {"beskrivelse": description}}


def recipient(national_id: str, name: str, *, employments: list[dict] | None = None,
              incomes: list[dict] | None = None, withheld: str | None = None) -> dict:
    return {
        "norskIdentifikator": national_id,
        "identifiserendeInformasjon": {"navn": name},
        "arbeidsforhold": employments if employments is not None else [employment()],
        "forskuddstrekk": [{"beskrivelse": "trekkILoennForFerie", "beloep": f"-{withheld}"}] if withheld else [],
        "inntekt": incomes or [],
    }


def unit(org: str, recipients: list[dict], *, aga: list[tuple[str, str, float]] | None = None) -> dict:
    zones = [{"beregningskodeForArbeidsgiveravgift": "generelleNaeringer", "sone": z,
              "avgiftsgrunnlagBeloep": basis, "prosentsatsForAvgiftsberegning": rate} for z, basis, rate in aga or []]
    return {"norskIdentifikator": org, "inntektsmottaker": recipients,
            "arbeidsgiveravgift": {"loennOgGodtgjoerelse": zones} if zones else None}


def amelding(client_org: str, period: str, units: list[dict], *, message_id: str = "m1",
             replaces: str | None = None, sum_withholding: str | None = None, sum_aga: str | None = None) -> dict:
    pay = None
    if sum_withholding is not None or sum_aga is not None:
        pay = {"sumForskuddstrekk": f"-{sum_withholding}" if sum_withholding else None,
               "sumArbeidsgiveravgift": sum_aga}
    return {"leveranse": {
        "leveringstidspunkt": f"{period}-28T12:00:00",
        "kalendermaaned": period,
        "kildesystem": "testlønn",
        "erstatterMeldingsId": replaces,
        "meldingsId": message_id,
        "opplysningspliktig": {"norskIdentifikator": client_org},
        "oppgave": {"betalingsinformasjon": pay, "virksomhet": units},
    }}


def write_amelding(path: Path, message: dict, version: str = "v2_3") -> Path:
    path.write_bytes(to_xml(message, version=version))
    return path


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def a07_employment(sub_unit: str, ref: str | None = "1", *, kind: str = "ordinaertArbeidsforhold",
                   start: str | None = "2020-01-01", end: str | None = None, yrke: str | None = "5223102",
                   pct: float | None = 100.0, hours: float | None = 37.5, leaves: list[dict] | None = None,
                   layoffs: list[dict] | None = None) -> dict:
    return {"virksomhet": sub_unit, "arbeidsforholdId": ref, "typeArbeidsforhold": kind, "startdato": start,
            "sluttdato": end, "yrke": yrke, "stillingsprosent": pct,
            "antallTimerPerUkeSomEnFullStillingTilsvarer": hours, "permisjon": leaves or [],
            "permittering": layoffs or []}


def a07_person(national_id: str, name: str, *, employments: list[dict] | None = None,
               incomes: list[tuple[str, str, str]] | None = None, withheld: list[tuple[str, str]] | None = None) -> dict:
    """``incomes``: (sub-unit, beskrivelse, beløp); ``withheld``: (sub-unit, beløp)."""
    return {"norskIdentifikator": national_id, "navn": name, "arbeidsforhold": employments or [],
            "inntekt": [{"virksomhet": u, "inntektstype": "loennsinntekt", "beskrivelse": d, "fordel": "kontantytelse",
                         "utloeserArbeidsgiveravgift": True, "inngaarIGrunnlagForTrekk": True, "beloep": a}
                        for u, d, a in incomes or []],
            "forskuddstrekk": [{"virksomhet": u, "beloep": a} for u, a in withheld or []]}


def a07(client_org: str, period: str, people: list[dict], *, aga: list[tuple[str, str, str, float, str]] | None = None) -> dict:
    """``aga``: (sub-unit, zone, grunnlag, sats, beløp)."""
    return {"format": "byraa-a07", "version": 1, "opplysningspliktig": client_org, "kalendermaaned": period,
            "arbeidsgiveravgift": [{"virksomhet": u, "sone": z, "beregningskode": "generelleNaeringer",
                                    "grunnlagType": "loenn", "grunnlag": g, "sats": r, "beloep": a}
                                   for u, z, g, r, a in aga or []],
            "inntektsmottakere": people}
