"""A correction is a replacement a-melding: the whole month, with ``erstatterMeldingsId``.

a-ordningen counts what each a-melding of a month says; a second a-melding with one
employment and a new ``meldingsId`` adds to the month instead of correcting it, so the
employment may be counted twice. A correction therefore replaces the month's a-melding
(``erstatterMeldingsId`` = its ``meldingsId``) and carries the whole month's content with
the correction applied (SKE-DOC Informasjonsmodell A-meldingen V2_3; altinn-contracts.md
§4.1 field names).

The base is what byraa holds of the month: the newest correction of the month that
a-ordningen did not reject (it replaced the import already), else the a-melding file the
importer archived for the month (``recon_source`` kind ``amelding``, active, and its
archived XML). Without either there is nothing to replace: refused.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.base import clock
from byraa.core.base.errors import UserError

# Elements that repeat in the v2_3 model (lists in the JSON model), from the model's
# field list in altinn-contracts.md §4.1.
REPEATING = frozenset({
    "virksomhet", "inntektsmottaker", "arbeidsforhold", "fradrag", "forskuddstrekk", "inntekt", "utleggstrekk",
    "permisjon", "permittering", "moenstringPaaFartoey", "internasjonalIdentifikator", "loennOgGodtgjoerelse",
    "tilskuddOgPremieTilPensjon", "fradragIGrunnlagetForSone", "sumForskuddstrekkPerLoennsutbetalingsdato",
    "betalingsinformasjonForForenkletOrdning", "pensjonsinnretning",
})
_NUMBER_HINTS = ("beloep", "prosent", "antall", "Beloep", "Prosent", "Antall", "sumForskuddstrekk",
                 "sumArbeidsgiveravgift", "sumFinansskattLoenn", "sumUtleggstrekk")
_TEXT = frozenset({"sone", "yrke", "norskIdentifikator", "meldingsId", "erstatterMeldingsId", "arbeidsforholdId",
                   "permisjonId", "permitteringId", "kalendermaaned", "ansattnummer"})


def _value(name: str, text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    if name not in _TEXT and any(h in name for h in _NUMBER_HINTS):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number
    return text


def _element(el: Any) -> Any:
    from byraa.core.files.xmlsafe import local_name

    children = [c for c in el if isinstance(c.tag, str)]
    if not children:
        return _value(local_name(el), (el.text or "").strip())
    out: dict[str, Any] = {}
    for child in children:
        name = local_name(child)
        value = _element(child)
        if name in REPEATING:
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


def leveranse_from_xml(content: bytes) -> dict[str, Any]:
    """The JSON model (``leveranse``) of an a-melding XML file (v2_0 – v2_3)."""
    from byraa.core.files.xmlsafe import local_name, parse_bytes

    root = parse_bytes(content)
    body = next((c for c in root if isinstance(c.tag, str) and local_name(c) == "Leveranse"), None)
    if local_name(root) != "melding" or body is None:
        raise UserError("correction.base_unreadable")
    return _element(body)


def month_base(session: Session, client_id: int, org_number: str, period: str) -> dict[str, Any]:
    """The month's content as a-ordningen holds it by byraa's knowledge (see the module doc)."""
    from byraa.core.store.models import ArchiveFile
    from byraa.core.store.models_reconcile import ReconCorrection, ReconSource

    earlier = session.scalars(select(ReconCorrection).where(
        col(ReconCorrection.client_id) == client_id, col(ReconCorrection.period) == period,
        col(ReconCorrection.status) != "rejected").order_by(col(ReconCorrection.id).desc())).first()
    if earlier is not None:
        return json.loads(earlier.payload)["leveranse"]
    source = session.scalars(select(ReconSource).where(
        col(ReconSource.client_id) == client_id, col(ReconSource.kind) == "amelding", col(ReconSource.period) == period,
        col(ReconSource.active).is_(True)).order_by(col(ReconSource.imported_at).desc(),
                                                    col(ReconSource.id).desc())).first()
    if source is None or not source.message_id:
        raise UserError("correction.no_imported_amelding", org=org_number, period=period)
    archived = session.get(ArchiveFile, source.archive_id)
    if archived is None:
        raise UserError("correction.no_imported_amelding", org=org_number, period=period)
    return leveranse_from_xml(bytes(archived.content))


def replacement(base: dict[str, Any], *, message_id: str, unit_org: str, receiver: dict[str, Any],
                employment: dict[str, Any] | list[dict[str, Any]]) -> dict[str, Any]:
    """``base`` with ``employment`` (one, or several of the same person and sub-unit) put
    in place (matched by ``arbeidsforholdId``) under the receiver and sub-unit, as a
    replacement of ``base``'s meldingsId."""
    out = copy.deepcopy(base)
    replaces = str(base.get("meldingsId") or "")
    if not replaces:
        raise UserError("correction.base_unreadable")
    out["erstatterMeldingsId"] = replaces
    out["meldingsId"] = message_id
    out["leveringstidspunkt"] = clock.now().isoformat(timespec="seconds")
    out["kildesystem"] = "byraa"
    units = out.setdefault("oppgave", {}).setdefault("virksomhet", [])
    unit = next((u for u in units if str(u.get("norskIdentifikator")) == unit_org), None)
    if unit is None:
        unit = {"norskIdentifikator": unit_org, "inntektsmottaker": []}
        units.append(unit)
    people = unit.setdefault("inntektsmottaker", [])
    nid = receiver.get("norskIdentifikator")
    person = next((p for p in people if nid and str(p.get("norskIdentifikator")) == nid), None)
    if person is None:
        person = {**receiver, "arbeidsforhold": []}
        people.append(person)
    if person.get("norskIdentifikator"):
        person.pop("identifiserendeInformasjon", None)  # the v2_3 model: the id alone is enough
    jobs = person.setdefault("arbeidsforhold", [])
    for one in employment if isinstance(employment, list) else [employment]:
        ref = one.get("arbeidsforholdId")
        for n, job in enumerate(jobs):
            if ref is not None and job.get("arbeidsforholdId") == ref:
                jobs[n] = one
                break
        else:
            jobs.append(one)
    for unit_ in units:  # every receiver of the month follows the v2_3 identity rule
        for p in unit_.get("inntektsmottaker") or []:
            if p.get("norskIdentifikator"):
                p.pop("identifiserendeInformasjon", None)
    return out
