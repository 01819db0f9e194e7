"""The a-melding importer (payroll side): XML v2_0 to v2_3, streamed.

One file over ~400 lines on purpose: the streaming reader and the writer share one pass
over the document (state carried from element to element), and the module is being
reworked right now; split it (reader / writer / employee listing) once that settles.

``urn:ske:fastsetting:innsamling:a-meldingen:v2_X``, root ``melding`` → ``Leveranse``
(``altinn-contracts.md`` §4.1). The file is read with ``iterparse`` and each
``inntektsmottaker`` and ``arbeidsgiveravgift`` element is cleared (and dropped from its
parent) once read, so a 200 MB file needs memory for one batch of recipients only.

What it writes, in one transaction with the archived file and an audit event:

- a ``recon_source`` (kind ``amelding``) with the meldingsId, replacing an earlier
  a-melding of the same client and month with the same meldingsId or the one named in
  ``erstatterMeldingsId``;
- per recipient and month the income lines, the withholding, and per sub-unit and zone
  the AGA basis, rate and amount (side ``payroll``);
- byraa's employee register for the client: employees (by national id), their
  employments (by ``arbeidsforholdId``), leaves; new sub-units are added. The register
  is only updated from the newest month imported for the client, so importing an old
  a-melding does not roll the register back.

Recipients identified only by an international id are skipped (counted in the notes).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids, periods
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.importers import (
    ImportResult,
    Where,
    already_imported,
    archive_file,
    check_national_id,
    check_org_number,
    element_where,
    iter_xml,
    parse_amount,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_period,
    payroll_side,
    sha256_file,
)
from byraa.core.store import Store
from byraa.core.store.models import Client, Employee, Employment, Leave, SubUnit
from byraa.core.store.models_reconcile import ReconAga, ReconIncome, ReconSource, ReconWithholding

NAMESPACE_PREFIX = "urn:ske:fastsetting:innsamling:a-meldingen:"
VERSIONS = ("v2_0", "v2_1", "v2_2", "v2_3")
NAMESPACES = tuple(NAMESPACE_PREFIX + v for v in VERSIONS)
ZONES = ("1", "1a", "2", "3", "4", "4a", "5")
INCOME_KINDS = ("loennsinntekt", "ytelseFraOffentlige", "pensjonEllerTrygd", "naeringsinntekt")
BATCH = 2000


def _ln(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1:]


def _child(element: Any, name: str) -> Any:
    for c in element:
        if _ln(c) == name:
            return c
    return None


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in element if _ln(c) == name]


def _text(element: Any, name: str) -> str | None:
    c = _child(element, name)
    if c is None or c.text is None:
        return None
    value = c.text.strip()
    return value or None


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


def parse_employment(e: Any, where: Where) -> _Employment:
    """One ``arbeidsforhold`` element, checked (shared with the A07 XML reader)."""
    def place(name: str) -> str:
        c = _child(e, name)
        return element_where(c if c is not None else e, f"arbeidsforhold/{name}")

    kind = _text(e, "typeArbeidsforhold")
    if not kind:
        raise where.refuse(element_where(e, "arbeidsforhold"), "import.missing", name="typeArbeidsforhold")
    occupation = _text(e, "yrke")
    if occupation is not None and (len(occupation) != 7 or not occupation.isdigit()):
        raise where.refuse(place("yrke"), "import.bad_occupation", value=occupation[:10])
    leaves = []
    for p in _children(e, "permisjon"):
        leaves.append({
            "id": _text(p, "permisjonId"),
            "start": parse_date(_text(p, "startdato"), where, element_where(p, "permisjon/startdato"), required=True),
            "end": parse_date(_text(p, "sluttdato"), where, element_where(p, "permisjon/sluttdato")),
            "pct": parse_decimal(_text(p, "permisjonsprosent"), where, element_where(p, "permisjon/permisjonsprosent")),
            "description": _text(p, "beskrivelse") or "",
        })
    layoffs = []
    for p in _children(e, "permittering"):
        layoffs.append({
            "id": _text(p, "permitteringId"),
            "start": parse_date(_text(p, "startdato") or _text(p, "startdatoPermittering"), where,
                                element_where(p, "permittering/startdato")),
            "end": parse_date(_text(p, "sluttdato") or _text(p, "sluttdatoPermittering"), where,
                              element_where(p, "permittering/sluttdato")),
            "pct": parse_decimal(_text(p, "permitteringsprosent"), where,
                                 element_where(p, "permittering/permitteringsprosent")),
            "notified": parse_date(_text(p, "varslingsdato"), where, element_where(p, "permittering/varslingsdato")),
        })
    start = parse_date(_text(e, "startdato"), where, place("startdato"))
    return _Employment(
        ref=_text(e, "arbeidsforholdId") or (start.isoformat() if start else kind),
        employment_type=kind,
        start=start,
        end=parse_date(_text(e, "sluttdato"), where, place("sluttdato")),
        occupation=occupation,
        position_pct=parse_decimal(_text(e, "stillingsprosent"), where, place("stillingsprosent")),
        hours=parse_decimal(_text(e, "antallTimerPerUkeSomEnFullStillingTilsvarer"), where,
                            place("antallTimerPerUkeSomEnFullStillingTilsvarer")),
        leaves=leaves,
        layoffs=layoffs,
    )


def parse_income(e: Any, where: Where) -> dict:
    """One ``inntekt`` element as a row dict (without client, period, side)."""
    kind = next((k for k in INCOME_KINDS if _child(e, k) is not None), None)
    description = _text(_child(e, kind), "beskrivelse") if kind else None
    if not description:
        raise where.refuse(element_where(e, "inntekt"), "amelding.income_no_description")
    beloep = _child(e, "beloep")
    return {
        "category": kind,
        "description": description[:100],
        "benefit": (_text(e, "fordel") or "kontantytelse")[:30],
        "triggers_aga": parse_bool(_text(e, "utloeserArbeidsgiveravgift"), where,
                                   element_where(e, "inntekt/utloeserArbeidsgiveravgift")),
        "withholding_basis": parse_bool(_text(e, "inngaarIGrunnlagForTrekk"), where,
                                        element_where(e, "inntekt/inngaarIGrunnlagForTrekk")),
        "amount": parse_amount(beloep.text if beloep is not None else None, where,
                               element_where(beloep if beloep is not None else e, "inntekt/beloep")),
        "employment_ref": _text(e, "arbeidsforholdId"),
    }


def parse_aga(e: Any, where: Where) -> list[dict]:
    """The zones of one ``arbeidsgiveravgift`` element."""
    rows = []
    for kind_name, kind in (("loennOgGodtgjoerelse", "loenn"), ("tilskuddOgPremieTilPensjon", "pensjon")):
        for z in _children(e, kind_name):
            zone = _text(z, "sone")
            if zone not in ZONES:
                raise where.refuse(element_where(_child(z, "sone") if _child(z, "sone") is not None else z,
                                                 f"{kind_name}/sone"),
                                   "import.bad_zone", value=(zone or "")[:5], zones=", ".join(ZONES))
            basis_el = _child(z, "avgiftsgrunnlagBeloep")
            basis = parse_amount(basis_el.text if basis_el is not None else None, where,
                                 element_where(basis_el if basis_el is not None else z,
                                               f"{kind_name}/avgiftsgrunnlagBeloep"))
            rate = parse_decimal(_text(z, "prosentsatsForAvgiftsberegning"), where,
                                 element_where(z, f"{kind_name}/prosentsatsForAvgiftsberegning")) or 0.0
            assert basis is not None
            rows.append({"zone": zone, "calc_code": (_text(z, "beregningskodeForArbeidsgiveravgift")
                                                     or "generelleNaeringer")[:60],
                         "basis_kind": kind, "basis": basis, "rate": rate, "amount": rate_amount(basis, rate)})
    return rows


class _Writer:
    """Writes one a-melding's rows in batches into the caller's transaction."""

    def __init__(self, session: Session, client: Client, period: str, source_id: int, *,
                 update_register: bool, where: Where) -> None:
        self.s = session
        self.client_id = client.id or 0
        self.period = period
        self.source_id = source_id
        self.update_register = update_register
        self.where = where
        self.pending: list[_Recipient] = []
        self.seen: set[tuple[str, str]] = set()
        """(sub-unit, national id) already read: a person twice in one virksomhet doubles their income."""
        self.income: list[dict] = []
        self.withholding: list[dict] = []
        self.counts = {"recipients": 0, "employments": 0, "income_lines": 0, "withholding_lines": 0,
                       "aga_lines": 0, "employees_added": 0, "employments_added": 0, "sub_units_added": 0,
                       "employees_active": 0, "leaves_active": 0}
        self.month = (periods.first_day(period), periods.last_day(period))
        self.employees = dict(session.execute(
            select(Employee.national_id, Employee.id).where(Employee.client_id == self.client_id)).all())
        self.employments = {
            (emp, ref): eid for eid, emp, ref in session.execute(
                select(Employment.id, Employment.employee_id, Employment.employment_ref)
                .where(Employment.client_id == self.client_id))
        }
        self.units: dict[str, int] = dict(session.execute(
            select(SubUnit.org_number, SubUnit.id).where(SubUnit.client_id == self.client_id)).all())

    def unit(self, org: str, place: str, zone: str | None = None) -> int:
        if org in self.units:
            return self.units[org]
        other = self.s.scalars(select(SubUnit.client_id).where(SubUnit.org_number == org)).first()
        if other is not None:
            raise self.where.refuse(place, "import.foreign_sub_unit", org=org)
        unit = SubUnit(client_id=self.client_id, org_number=org, name=f"Virksomhet {org}", aga_zone=zone or "1")
        self.s.add(unit)
        self.s.flush()
        assert unit.id is not None
        self.units[org] = unit.id
        self.counts["sub_units_added"] += 1
        return unit.id

    def add_recipient(self, r: _Recipient, income: list[dict], withheld: int | None) -> None:
        self.counts["recipients"] += 1
        self.counts["employments"] += len(r.employments)
        first, last = self.month
        live = [e for e in r.employments if (e.start is None or e.start <= last) and (e.end is None or e.end >= first)]
        self.counts["employees_active"] += 1 if live else 0
        self.counts["leaves_active"] += sum(1 for e in r.employments for lv in e.leaves
                                            if lv["start"] <= last and (lv["end"] is None or lv["end"] >= first))
        base = {"source_id": self.source_id, "client_id": self.client_id, "period": self.period, "side": "payroll",
                "national_id": r.national_id, "sub_unit": r.sub_unit}
        for line in income:
            self.income.append({**base, **line})
        if withheld is not None:
            self.withholding.append({**base, "amount": withheld})
        if self.update_register:
            self.pending.append(r)
        if len(self.pending) >= BATCH or len(self.income) >= BATCH * 4:
            self.flush()

    def add_aga(self, unit: str, rows: list[dict]) -> None:
        for row in rows:
            self.s.execute(insert(ReconAga), [{"source_id": self.source_id, "client_id": self.client_id,
                                               "period": self.period, "side": "payroll", "sub_unit": unit, **row}])
            self.counts["aga_lines"] += 1

    def flush(self) -> None:
        if self.income:
            self.s.execute(insert(ReconIncome), self.income)
            self.counts["income_lines"] += len(self.income)
            self.income = []
        if self.withholding:
            self.s.execute(insert(ReconWithholding), self.withholding)
            self.counts["withholding_lines"] += len(self.withholding)
            self.withholding = []
        if self.pending:
            self._register(self.pending)
            self.pending = []

    def _register(self, recipients: list[_Recipient]) -> None:
        new: dict[str, dict] = {}
        changed: dict[int, dict] = {}
        for r in recipients:
            values = {"name": (r.name or "")[:200], "employee_number": (r.employee_number or None)}
            emp_id = self.employees.get(r.national_id)
            if emp_id is None:
                new.setdefault(r.national_id, {"client_id": self.client_id, "national_id": r.national_id,
                                               "name": values["name"] or r.national_id[:6] + "*****",
                                               "employee_number": values["employee_number"]})
            elif r.name:
                changed[emp_id] = {"id": emp_id, **{k: v for k, v in values.items() if v}}
        if new:
            for emp_id, nid in self.s.execute(
                insert(Employee).returning(Employee.id, Employee.national_id, sort_by_parameter_order=True),
                list(new.values()),
            ):
                self.employees[nid] = emp_id
            self.counts["employees_added"] += len(new)
        if changed:
            self.s.execute(update(Employee), list(changed.values()))
        inserts: dict[tuple[int, str], dict] = {}
        updates: dict[int, dict] = {}
        leaves: list[tuple[tuple[int, str], list[dict]]] = []
        for r in recipients:
            emp_id = self.employees[r.national_id]
            unit_id = self.units.get(r.sub_unit)
            for e in r.employments:
                values = {
                    "employment_type": e.employment_type[:60],
                    "start_date": e.start or periods.first_day(self.period),
                    "end_date": e.end,
                    "occupation_code": e.occupation,
                    "position_pct": e.position_pct if e.position_pct is not None else 0.0,
                    "hours_full_week": e.hours if e.hours is not None else 0.0,
                    "sub_unit_id": unit_id,
                }
                key = (emp_id, e.ref[:150])
                existing = self.employments.get(key)
                if existing is None:
                    inserts[key] = {"employee_id": emp_id, "client_id": self.client_id,
                                    "employment_ref": e.ref[:150], **values}
                else:
                    updates[existing] = {"id": existing, **values}
                if e.leaves:
                    leaves.append((key, e.leaves))
        if inserts:
            keys = list(inserts)
            for (eid,), key in zip(self.s.execute(
                insert(Employment).returning(Employment.id, sort_by_parameter_order=True), list(inserts.values())
            ), keys, strict=True):
                self.employments[key] = eid
            self.counts["employments_added"] += len(inserts)
        if updates:
            self.s.execute(update(Employment), list(updates.values()))
        if leaves:
            self._leaves(leaves)

    def _leaves(self, leaves: list[tuple[tuple[int, str], list[dict]]]) -> None:
        ids_ = [self.employments[key] for key, _ in leaves]
        existing = {
            (eid, start): lid for lid, eid, start in self.s.execute(
                select(Leave.id, Leave.employment_id, Leave.start_date).where(Leave.employment_id.in_(ids_)))
        }
        add, change = [], []
        for key, items in leaves:
            eid = self.employments[key]
            for item in items:
                values = {"end_date": item["end"], "leave_pct": item["pct"] if item["pct"] is not None else 100.0,
                          "description": (item["description"] or "permisjon")[:80]}
                lid = existing.get((eid, item["start"]))
                if lid is None:
                    add.append({"employment_id": eid, "start_date": item["start"], **values})
                    existing[(eid, item["start"])] = -1
                elif lid > 0:
                    change.append({"id": lid, **values})
        if add:
            self.s.execute(insert(Leave), add)
        if change:
            self.s.execute(update(Leave), change)


_ATTEMPTS = 3
"""Tries of an import that lost a race: the second re-reads and finds the winner's copy."""


def import_amelding(store: Store, who: Identity, path: str | os.PathLike[str]) -> ImportResult:
    """Import one a-melding XML file (all or nothing).

    The database keeps one active version per client, month and meldingsId (a partial
    unique index), so importers of the same file at once cannot both store it: the one
    that loses rolls back, reads again and reports the file ``unchanged`` (or, when the
    winner was another version of the same a-melding, ``replaced`` it).
    """
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            result = _import_once(store, who, path)
        except IntegrityError:  # another importer committed the same version (or sub-unit) first
            if attempt == _ATTEMPTS:
                raise UserError("import.conflict", file=Path(path).name) from None
            continue
        if attempt > 1 and result.status == "imported" and any(n.startswith("replaces ") for n in result.notes):
            result.status = "replaced"
        return result
    raise AssertionError("unreachable")


def _import_once(store: Store, who: Identity, path: str | os.PathLike[str]) -> ImportResult:
    path = Path(path)
    where = Where(path)
    digest = sha256_file(path)
    header: dict[str, Any] = {}
    stack: list[str] = []
    result: ImportResult | None = None
    writer: _Writer | None = None
    unit: str | None = None
    skipped = 0
    with store.write_session() as session:
        for event, el in iter_xml(path):
            name = _ln(el)
            if event == "start":
                if not stack:
                    ns = el.tag[1:].split("}", 1)[0] if isinstance(el.tag, str) and el.tag.startswith("{") else ""
                    if name != "melding" or ns not in NAMESPACES:
                        raise where.refuse(element_where(el, name or "root"), "amelding.not_amelding",
                                           namespace=f"{NAMESPACE_PREFIX}v2_0", last="v2_3")
                stack.append(name)
                if name == "oppgave" and len(stack) == 3:
                    result, writer = _begin(session, who, path, where, digest, header, el)
                    if writer is None:
                        return result
                continue
            stack.pop()
            parent = stack[-1] if stack else ""
            if parent == "Leveranse" and name in ("kalendermaaned", "meldingsId", "erstatterMeldingsId",
                                                  "kildesystem"):
                header[name] = ((el.text or "").strip(), el)
            elif name == "norskIdentifikator" and parent == "opplysningspliktig":
                header["opplysningspliktig"] = ((el.text or "").strip(), el)
            elif writer is None:
                continue
            elif name == "norskIdentifikator" and parent == "virksomhet":
                unit = check_org_number(el.text, where, element_where(el, "virksomhet/norskIdentifikator"))
                writer.unit(unit, element_where(el, "virksomhet/norskIdentifikator"))
            elif name == "inntektsmottaker":
                if unit is None:
                    raise where.refuse(element_where(el), "amelding.recipient_outside_virksomhet")
                if _process_recipient(el, where, writer, unit) is None:
                    skipped += 1
                _drop(el)
            elif name == "arbeidsgiveravgift" and parent == "virksomhet":
                assert unit is not None
                writer.add_aga(unit, parse_aga(el, where))
                _drop(el)
            elif name == "betalingsinformasjon" and parent == "oppgave":
                src = session.get(ReconSource, writer.source_id)
                assert src is not None
                for tag, attr, sign in (("sumForskuddstrekk", "declared_withholding", -1),
                                        ("sumArbeidsgiveravgift", "declared_aga", 1)):
                    c = _child(el, tag)
                    if c is not None:
                        value = parse_amount(c.text, where, element_where(c, f"betalingsinformasjon/{tag}"))
                        assert value is not None
                        if sign < 0 and value > 0:  # withholding is reported negative
                            raise where.refuse(element_where(c, f"betalingsinformasjon/{tag}"),
                                               "amelding.withholding_positive", value=f"{value / 100:.2f}")
                        setattr(src, attr, abs(value) if sign < 0 else value)
                _drop(el)
            elif name == "virksomhet":
                unit = None
                _drop(el)
        if writer is None or result is None:
            raise where.refuse("<Leveranse>", "amelding.no_oppgave")
        writer.flush()
        if skipped:
            result.notes.append(f"{skipped} recipients without a Norwegian national id were skipped")
        result.counts = dict(writer.counts)
        source = session.get(ReconSource, writer.source_id)
        assert source is not None
        source.employees_active, source.leaves_active = writer.counts["employees_active"], writer.counts["leaves_active"]
        session.flush()
        payroll_side.derive(session, writer.client_id, writer.period)
        audit.record(session, actor=who.login, action="import.amelding", entity="recon_source",
                     entity_id=result.source_id, client_id=writer.client_id,
                     after={"file": path.name, "sha256": digest, "period": result.period,
                            "message_id": header.get("meldingsId", ("",))[0], **result.counts})
    return result


def _drop(el: Any) -> None:
    """Free a processed element and the siblings before it (bounded memory)."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _begin(session: Session, who: Identity, path: Path, where: Where, digest: str, header: dict,
           oppgave: Any) -> tuple[ImportResult, _Writer | None]:
    """Check the header, find the client, archive the file and open the source."""
    if "kalendermaaned" not in header:
        raise where.refuse(element_where(oppgave, "Leveranse"), "import.missing", name="kalendermaaned")
    period = parse_period(header["kalendermaaned"][0], where, element_where(header["kalendermaaned"][1]))
    if "opplysningspliktig" not in header:
        raise where.refuse(element_where(oppgave, "Leveranse"), "import.missing", name="opplysningspliktig")
    text, el = header["opplysningspliktig"]
    org = check_org_number(text, where, element_where(el, "opplysningspliktig/norskIdentifikator"))
    client = resolve_client(session, who, org, file=where.name)
    assert client.id is not None
    message_id = header.get("meldingsId", (None,))[0]
    replaces = header.get("erstatterMeldingsId", (None,))[0]
    result = ImportResult(path=str(path), kind="amelding", client=org, period=period)
    # The same file again is unchanged, also when a newer a-melding has replaced it since
    # (re-reading a folder must not bring an old version back).
    existing = already_imported(session, client.id, "amelding", digest) or session.scalar(
        select(ReconSource.id).where(ReconSource.client_id == client.id, ReconSource.kind == "amelding",
                                     ReconSource.sha256 == digest).limit(1))
    if existing is not None:
        result.status, result.source_id = "unchanged", existing
        return result, None
    newer = session.scalar(select(func.count(ReconSource.id)).where(
        ReconSource.client_id == client.id, ReconSource.kind == "amelding", ReconSource.active.is_(True),
        ReconSource.period > period))
    if message_id and session.scalar(select(ReconSource.id).where(
        ReconSource.client_id == client.id, ReconSource.kind == "amelding", ReconSource.period == period,
        ReconSource.replaces_message_id == message_id)) is not None:
        # An older version of the month, replaced already by a file imported before it.
        result.status = "superseded"
        result.notes.append(f"the a-melding {message_id} is replaced already by a newer one")
        return result, None
    archive_id, _ = archive_file(session, path=path, client_id=client.id, kind="amelding", period=period,
                                 content_type="application/xml", login=who.login)
    # A newer a-melding of the month replaces the active ones: by erstatterMeldingsId, by the
    # same meldingsId, or (a payroll system that does not fill erstatterMeldingsId) by period.
    for old in session.scalars(select(ReconSource).where(
        ReconSource.client_id == client.id, ReconSource.kind == "amelding", ReconSource.period == period,
        ReconSource.active.is_(True),
    )):
        old.active = False
        result.status = "replaced"
        result.notes.append(f"replaces the a-melding {old.message_id} imported {old.imported_at:%Y-%m-%d}")
    source = ReconSource(client_id=client.id, kind="amelding", period=period, period_to=period,
                         message_id=(message_id or "")[:150] or None, replaces_message_id=(replaces or None),
                         archive_id=archive_id, sha256=digest, filename=path.name[:255],
                         imported_at=clock.now(), imported_by=who.login)
    session.add(source)
    session.flush()
    assert source.id is not None
    result.archive_id, result.source_id = archive_id, source.id
    if newer:
        result.notes.append("a newer month is imported already: the employee register was left as it is")
    return result, _Writer(session, client, period, source.id, update_register=not newer, where=where)


def _process_recipient(el: Any, where: Where, writer: _Writer, unit: str) -> _Recipient | None:
    nid_el = _child(el, "norskIdentifikator")
    if nid_el is None:
        return None
    nid = check_national_id(nid_el.text, where, element_where(nid_el, "inntektsmottaker/norskIdentifikator"))
    if (unit, nid) in writer.seen:
        raise where.refuse(element_where(nid_el, "inntektsmottaker/norskIdentifikator"),
                           "amelding.recipient_twice", nid=ids.mask_national_id(nid), unit=unit)
    writer.seen.add((unit, nid))
    info = _child(el, "identifiserendeInformasjon")
    r = _Recipient(national_id=nid, name=_text(info, "navn") if info is not None else None,
                   employee_number=_text(info, "ansattnummer") if info is not None else None, sub_unit=unit)
    r.employments = [parse_employment(a, where) for a in _children(el, "arbeidsforhold")]
    income = [parse_income(i, where) for i in _children(el, "inntekt")]
    withheld: int | None = None
    for f in _children(el, "forskuddstrekk"):
        b = _child(f, "beloep")
        value = parse_amount(b.text if b is not None else None, where,
                             element_where(b if b is not None else f, "forskuddstrekk/beloep"))
        assert value is not None
        withheld = (withheld or 0) - value  # reported negative: withheld is the positive amount
    if withheld is not None and withheld < 0:  # a positive forskuddstrekk: a sign error, not a refund
        f = _children(el, "forskuddstrekk")[0]
        raise where.refuse(element_where(f, "forskuddstrekk/beloep"), "amelding.withholding_positive",
                           value=f"{-withheld / 100:.2f}")
    writer.add_recipient(r, income, withheld)
    return r


def import_many(store: Store, who: Identity, paths: Iterable[str | os.PathLike[str]]) -> list[ImportResult]:
    """Import a-melding files one by one (each all or nothing; the first refusal stops)."""
    from byraa.core.importers import expand_paths

    return [import_amelding(store, who, p) for p in expand_paths(list(paths), (".xml",))]


def employment_leaves_json(leaves: list[dict]) -> str:
    return json.dumps(leaves, default=str, sort_keys=True)


# --- Reading the payroll side back -----------------------------------------------------


@dataclass(frozen=True)
class EmployeeListRow:
    """One employment of an employee (or the employee alone) with the month's figures."""

    national_id: str
    """Masked (``010190*****``) unless revealed."""
    name: str
    employee_number: str | None
    employment_ref: str | None
    sub_unit: str | None
    employment_type: str | None
    start_date: date | None
    end_date: date | None
    occupation_code: str | None
    position_pct: float | None
    hours_full_week: float | None
    leave: str
    income: int | None
    """Øre, the payroll side of the month (first employment row of a person only)."""
    withholding: int | None


def list_employees(store: Store, who: Identity, org_number: str, *, period: str | None = None,
                   reveal: bool = False) -> list[EmployeeListRow]:
    """The client's employees with their employments, and with ``period`` the month's income
    and withholding from the active a-meldinger. ``reveal`` (audited) shows full national ids."""
    from byraa.core.base import ids
    from byraa.core.reconcile.checks.employments import leave_text

    if period is not None:
        periods.parse_period(period)
    with store.session() as session:
        client = resolve_client(session, who, org_number)
        assert client.id is not None
        query = (select(Employee, Employment, SubUnit.org_number)
                 .outerjoin(Employment, Employment.employee_id == Employee.id)
                 .outerjoin(SubUnit, SubUnit.id == Employment.sub_unit_id)
                 .where(Employee.client_id == client.id).order_by(Employee.name, Employee.id, Employment.start_date))
        first = periods.first_day(period) if period else None
        last = periods.last_day(period) if period else None
        rows = session.execute(query).all()
        leaves: dict[int, list[tuple]] = {}
        for lv in session.scalars(select(Leave).join(Employment, Employment.id == Leave.employment_id)
                                  .where(Employment.client_id == client.id)):
            leaves.setdefault(lv.employment_id, []).append((lv.start_date, lv.end_date, lv.leave_pct, lv.description))
        income: dict[str, int] = {}
        withheld: dict[str, int] = {}
        if period:
            active = select(ReconSource.id).where(ReconSource.client_id == client.id, ReconSource.kind == "amelding",
                                                  ReconSource.period == period, ReconSource.active.is_(True))
            income = dict(session.execute(select(ReconIncome.national_id, func.sum(ReconIncome.amount)).where(
                ReconIncome.source_id.in_(active)).group_by(ReconIncome.national_id)).all())
            withheld = dict(session.execute(select(ReconWithholding.national_id, func.sum(ReconWithholding.amount))
                                            .where(ReconWithholding.source_id.in_(active))
                                            .group_by(ReconWithholding.national_id)).all())
        out: list[EmployeeListRow] = []
        seen: set[int] = set()
        for person, e, unit in rows:
            if period and (e is None or e.start_date > last or (e.end_date is not None and e.end_date < first)):
                continue
            shown = person.national_id if reveal else ids.mask_national_id(person.national_id)
            first_row = person.id not in seen
            seen.add(person.id or 0)
            lv = leave_text(leaves.get(e.id or 0, []), first or date.min, last or date.max) if e is not None else ""
            out.append(EmployeeListRow(
                shown, person.name, person.employee_number, e.employment_ref if e else None, unit,
                e.employment_type if e else None, e.start_date if e else None, e.end_date if e else None,
                e.occupation_code if e else None, e.position_pct if e else None, e.hours_full_week if e else None, lv,
                (int(income[person.national_id]) if person.national_id in income else None) if first_row else None,
                (int(withheld[person.national_id]) if person.national_id in withheld else None) if first_row else None,
            ))
        if reveal:
            audit.record(session, actor=who.login, action="employees.reveal", entity="client", entity_id=client.id,
                         client_id=client.id, after={"period": period, "national_ids": len(seen)})
        return out
