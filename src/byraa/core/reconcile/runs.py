"""Reconciliation runs: results stored, differences explained or corrected, sign-off.

One file over ~400 lines on purpose: every operation here guards the same run version
(locked, signed or not) and shares its helpers; it is being reworked right now, so a
split (computing / explaining / signing) waits until that settles.

A run (``recon_run``) is one version of the reconciliation of a client and period: it
stores the checksums of every source it read, the settings in force, and every result
row (``recon_row``). Each difference is resolved by an explanation (text, who, when) or a
correction:

- *take a-ordningen's value* (``take_a07``): byraa's employment is updated from the A07
  (or created when only a-ordningen has it), audited with before and after;
- *send payroll's value* (``send_payroll``): an a-melding for that employment is built
  (the JSON model ``{"leveranse": …}``) and queued as a ``recon_correction`` with an
  idempotency key; ``corrections.submit`` sends the queue through the shared Altinn
  client (the same key on a retry, so a-ordningen sees it once) and records the feedback.

Sign-off (date, who, status ``ok`` | ``explained`` | ``client_follows_up``) is allowed only
when every difference is resolved, and ``ok`` only when there is none. A difference on a
check the client follows up (the list the run stored, ``checks.schedule``) is listed but
does not block: it counts as the client's (``client_open``), and a run with such a
difference open is signed ``client_follows_up``. A signed run is
immutable: the core refuses explanations, corrections and a second sign-off; running
again makes a new version. Everything is audited; every function checks that the user
may see the client.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, periods
from byraa.core.base.errors import NotFound, UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.reconcile import corrections
from byraa.core.reconcile.checks import DIFFERENCE_STATUSES, ResultRow, Settings, mapping, schedule
from byraa.core.reconcile.checks import employments as employment_check
from byraa.core.reconcile.checks import inputs as check_inputs
from byraa.core.reconcile.checks.run import compute as compute_rows
from byraa.core.reconcile.checks.run import validate
from byraa.core.store import Store
from byraa.core.store.models import UNNAMED_SUB_UNIT, Client, Employee, Employment, Leave, SubUnit
from byraa.core.store.models_reconcile import ReconCorrection, ReconEmployment, ReconRow, ReconRun

SIGN_STATUSES = ("ok", "explained", "client_follows_up")
RESOLUTIONS = ("explained", "take_a07", "send_payroll")


@dataclass(frozen=True)
class RunSummary:
    id: int
    org_number: str
    client_name: str
    period: str
    version: int
    method: str
    checks: tuple[str, ...]
    created_at: datetime
    created_by: str
    rows: int
    differences: int
    unresolved: int
    signed_at: datetime | None
    signed_by: str | None
    sign_date: date | None
    sign_status: str | None
    inputs: tuple[dict, ...] = ()
    service_level: str = "full"
    """The client's service level when the run was made (``checks.schedule``)."""
    client_checks: tuple[str, ...] = ()
    """The checks the client followed up in this run (stored with it)."""
    client_open: int = 0
    """Differences on those checks nobody resolved: the client's, not counted in ``unresolved``."""

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def can_sign(self) -> bool:
        return not self.signed and self.unresolved == 0


@dataclass(frozen=True)
class RowView:
    id: int
    seq: int
    check: str
    national_id: str | None
    key: str
    field: str
    unit: str
    payroll: Any
    a07: Any
    ledger: Any
    difference: int | None
    status: str
    resolution: str | None
    explanation: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    name: str | None = None
    """The employee's name where the row names a national id the client's register knows."""

    @property
    def is_difference(self) -> bool:
        return self.status in DIFFERENCE_STATUSES

    @property
    def resolved(self) -> bool:
        return self.resolution is not None


def _client(session: Session, who: Identity, org_number: str) -> Client:
    return resolve_client(session, who, org_number)


def _run(session: Session, who: Identity, run_id: int, *, for_update: bool = False) -> tuple[ReconRun, Client]:
    query = select(ReconRun).where(col(ReconRun.id) == run_id)
    if for_update and session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    run = session.scalars(query).first()
    if run is None:
        raise NotFound("reconcile.run_not_found", run=run_id)
    client = session.get(Client, run.client_id)
    assert client is not None and client.id is not None
    access.require_client(session, who, client.id, f"{client.org_number} {client.name}")
    if for_update and run.signed_at is not None:
        raise UserError("reconcile.run_signed_off", run=run_id, org=client.org_number, period=run.period,
                        version=run.version)
    return run, client


Counts = dict[str, tuple[int, int, int]]
"""Per check of a run: its rows, its differences, its differences nobody resolved."""


def _counts(session: Session, run_ids: list[int]) -> dict[int, Counts]:
    """Per run and check: rows, differences, unresolved differences (one query for all)."""
    out: dict[int, Counts] = {}
    for run_id, check, rows_, differences, open_ in session.execute(
            select(col(ReconRow.run_id), col(ReconRow.check), func.count(col(ReconRow.id)),
                   func.count(col(ReconRow.id)).filter(col(ReconRow.status).in_(DIFFERENCE_STATUSES)),
                   func.count(col(ReconRow.id)).filter(col(ReconRow.status).in_(DIFFERENCE_STATUSES),
                                                  col(ReconRow.resolution).is_(None)))
            .where(col(ReconRow.run_id).in_(run_ids)).group_by(col(ReconRow.run_id), col(ReconRow.check))):
        out.setdefault(run_id, {})[check] = (int(rows_), int(differences), int(open_))
    return out


def _summary(session: Session, run: ReconRun, client: Client, counts: Counts | None = None) -> RunSummary:
    assert run.id is not None
    if counts is None:
        counts = _counts(session, [run.id]).get(run.id, {})
    stored = json.loads(run.settings or "{}") or {}
    theirs = schedule.run_follows_up(stored)
    rows_ = sum(c[0] for c in counts.values())
    differences = sum(c[1] for c in counts.values())
    client_open = sum(c[2] for check, c in counts.items() if check in theirs)
    unresolved = sum(c[2] for c in counts.values()) - client_open
    return RunSummary(run.id, client.org_number, client.name, run.period, run.version, run.method,
                      tuple(run.checks.split(",")), run.created_at, run.created_by, rows_, differences, unresolved,
                      run.signed_at, run.signed_by, run.sign_date, run.sign_status, tuple(json.loads(run.inputs)),
                      stored.get("service_level", "full"), theirs, client_open)


def _settings(session: Session, client_id: int, tolerances: dict[str, int] | None) -> Settings:
    settings = mapping.load(session, client_id)
    if tolerances:
        unknown = [k for k in tolerances if k not in settings.tolerances]
        if unknown:
            raise UserError("reconcile.unknown_tolerance_check", name=", ".join(unknown))
        settings = Settings(settings.accounts, {**settings.tolerances, **tolerances}, settings.holiday_rate,
                            settings.service_level, settings.client_checks)
    return settings


def _inputs(session: Session, client_id: int, period: str, chosen: tuple[str, ...],
            settings: Settings) -> check_inputs.Inputs:
    # Last year's lines on the NAV receivable and the personal accounts: a claim or an
    # advance open across the new year ages from its own date.
    from byraa.core.reconcile.checks.open_items import ROLES

    prior: list[str] = []
    if "nav_refunds" in chosen:
        prior += settings.accounts.get("nav_refund_receivable", ())
    if "open_items" in chosen:
        prior += [a for role in ROLES for a in settings.accounts.get(role, ())]
    return check_inputs.load(session, client_id, period, employments="employments" in chosen,
                             prior_accounts=tuple(dict.fromkeys(prior)))


def compute(store: Store, who: Identity, org_number: str, period: str, *, checks: Iterable[str] | None = None,
            method: str = "standard", tolerances: dict[str, int] | None = None) -> list[ResultRow]:
    """The result rows without storing a run."""
    periods.parse_period(period)
    chosen = validate(checks, method)
    with store.session() as session:
        client = _client(session, who, org_number)
        settings = _settings(session, client.id or 0, tolerances)
        inputs = _inputs(session, client.id or 0, period, chosen, settings)
        return compute_rows(inputs, checks=chosen, method=method, settings=settings)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def run(store: Store, who: Identity, org_number: str, period: str, *, checks: Iterable[str] | None = None,
        method: str = "standard", tolerances: dict[str, int] | None = None) -> RunSummary:
    """Reconcile a client and period and store the result as a new version (audited)."""
    periods.parse_period(period)
    chosen = validate(checks, method)
    with store.session() as session:
        client = _client(session, who, org_number)
        assert client.id is not None
        settings = _settings(session, client.id, tolerances)
        inputs = _inputs(session, client.id, period, chosen, settings)
        result = compute_rows(inputs, checks=chosen, method=method, settings=settings)
        version = (session.scalar(select(func.max(col(ReconRun.version))).where(
            col(ReconRun.client_id) == client.id, col(ReconRun.period) == period)) or 0) + 1
        row = ReconRun(client_id=client.id, period=period, version=version, method=method, checks=",".join(chosen),
                       inputs=json.dumps(inputs.sources, sort_keys=True), settings=json.dumps(settings.as_dict()),
                       created_at=clock.now(), created_by=who.login)
        session.add(row)
        session.flush()
        batch = [{
            "run_id": row.id, "seq": n, "check": r.check, "national_id": r.national_id, "key": r.key[:300],
            "field": r.field[:60], "unit": r.unit, "payroll": _json(r.payroll), "a07": _json(r.a07),
            "ledger": _json(r.ledger), "difference": r.difference, "status": r.status,
            "payroll_ref": r.payroll_ref, "a07_ref": r.a07_ref,
        } for n, r in enumerate(result, start=1)]
        for i in range(0, len(batch), 5000):
            session.execute(insert(ReconRow), batch[i:i + 5000])
        summary = _summary(session, row, client)
        audit.record(session, actor=who.login, action="reconcile.run", entity="recon_run", entity_id=row.id,
                     client_id=client.id, after={"period": period, "version": version, "method": method,
                                                 "checks": list(chosen), "rows": summary.rows,
                                                 "differences": summary.differences, "inputs": inputs.sources})
        return summary


def get_run(store: Store, who: Identity, run_id: int) -> RunSummary:
    with store.session() as session:
        r, client = _run(session, who, run_id)
        return _summary(session, r, client)


def list_runs(store: Store, who: Identity, org_number: str, period: str | None = None) -> list[RunSummary]:
    """The runs of a client (of one period), newest first."""
    with store.session() as session:
        client = _client(session, who, org_number)
        query = select(ReconRun).where(col(ReconRun.client_id) == client.id)
        if period:
            query = query.where(col(ReconRun.period) == period)
        return [_summary(session, r, client)
                for r in session.scalars(query.order_by(col(ReconRun.period).desc(), col(ReconRun.version).desc()))]


def latest_run(store: Store, who: Identity, org_number: str, period: str) -> RunSummary | None:
    found = list_runs(store, who, org_number, period)
    return found[0] if found else None


def _view(r: ReconRow) -> RowView:
    assert r.id is not None
    load = lambda v: None if v is None else json.loads(v)  # noqa: E731
    return RowView(r.id, r.seq, r.check, r.national_id, r.key, r.field, r.unit, load(r.payroll), load(r.a07),
                   load(r.ledger), r.difference, r.status, r.resolution, r.explanation, r.resolved_by, r.resolved_at)


def rows(store: Store, who: Identity, run_id: int, *, check: str | None = None,
         differences_only: bool = False) -> list[RowView]:
    """A run's result rows in order."""
    with store.session() as session:
        recon, _client = _run(session, who, run_id)
        query = select(ReconRow).where(col(ReconRow.run_id) == run_id)
        if check:
            query = query.where(col(ReconRow.check) == check)
        if differences_only:
            query = query.where(col(ReconRow.status).in_(DIFFERENCE_STATUSES))
        found = [_view(r) for r in session.scalars(query.order_by(col(ReconRow.seq)))]
        people = {r.national_id for r in found if r.national_id}
        if not people:
            return found
        names = _names(session, recon.client_id, people)
        return [replace(r, name=names.get(r.national_id or "")) for r in found]


def _names(session: Session, client_id: int, national_ids: set[str]) -> dict[str, str]:
    """The client's employees' names by national id (in chunks: a run can name thousands)."""
    ids = sorted(national_ids)
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        out.update((national_id, name) for national_id, name in session.execute(
            select(col(Employee.national_id), col(Employee.name)).where(
                col(Employee.client_id) == client_id, col(Employee.national_id).in_(ids[i:i + 500]))))
    return out


def _row(session: Session, run: ReconRun, row_id: int) -> ReconRow:
    row = session.get(ReconRow, row_id)
    if row is None or row.run_id != run.id:
        raise NotFound("reconcile.row_not_found", run=run.id, row=row_id)
    if row.status not in DIFFERENCE_STATUSES:
        raise UserError("reconcile.row_not_difference", row=row_id, status=row.status)
    return row


def _resolve(session: Session, who: Identity, client: Client, row: ReconRow, resolution: str, text: str) -> None:
    before = {"resolution": row.resolution, "explanation": row.explanation}
    row.resolution, row.explanation = resolution, text
    row.resolved_by, row.resolved_at = who.login, clock.now()
    audit.record(session, actor=who.login, action=f"reconcile.{resolution}", entity="recon_row", entity_id=row.id,
                 client_id=client.id, before=before, after={"resolution": resolution, "explanation": text,
                                                            "run_id": row.run_id})


def explain(store: Store, who: Identity, run_id: int, row_id: int, text: str) -> RowView:
    """Explain one difference (text, who, when); refused on a signed run."""
    text = (text or "").strip()
    if not text:
        raise UserError("reconcile.explanation_empty")
    if len(text) > 2000:
        raise UserError("reconcile.explanation_too_long")
    with store.session() as session:
        r, client = _run(session, who, run_id, for_update=True)
        row = _row(session, r, row_id)
        _resolve(session, who, client, row, "explained", text)
        session.flush()
        return _view(row)


def sign_off(store: Store, who: Identity, run_id: int, *, status: str, sign_date: date | None = None) -> RunSummary:
    """Sign a run off; every difference must be resolved, and ``ok`` means there were none."""
    if status not in SIGN_STATUSES:
        raise UserError("reconcile.bad_sign_status", status=status, statuses=", ".join(SIGN_STATUSES))
    with store.session() as session:
        r, client = _run(session, who, run_id, for_update=True)
        summary = _summary(session, r, client)
        if summary.unresolved:
            raise UserError("reconcile.unexplained", run=run_id, count=summary.unresolved)
        if status == "ok" and summary.differences:
            raise UserError("reconcile.explained_not_ok", run=run_id, count=summary.differences)
        if summary.client_open and status != "client_follows_up":
            raise UserError("reconcile.client_open_status", run=run_id, count=summary.client_open)
        r.signed_at, r.signed_by = clock.now(), who.login
        r.sign_date, r.sign_status = sign_date or clock.today(), status
        audit.record(session, actor=who.login, action="reconcile.sign_off", entity="recon_run", entity_id=run_id,
                     client_id=client.id, after={"status": status, "date": r.sign_date.isoformat(),
                                                 "period": r.period, "version": r.version})
        session.flush()
        return _summary(session, r, client)


# --- Corrections (employments) ------------------------------------------------------------

_EMPLOYMENT_FIELDS = ("start_date", "end_date", "occupation_code", "position_pct", "hours_full_week",
                      "employment_type")


def _employment_dict(e: Employment) -> dict:
    return {"employment_ref": e.employment_ref, "sub_unit_id": e.sub_unit_id, "employment_type": e.employment_type,
            "start_date": e.start_date, "end_date": e.end_date, "occupation_code": e.occupation_code,
            "position_pct": e.position_pct, "hours_full_week": e.hours_full_week}


def _pair_rows(session: Session, row: ReconRow) -> list[ReconRow]:
    """Every unresolved difference row of the same employment pair in the run."""
    query = select(ReconRow).where(col(ReconRow.run_id) == row.run_id, col(ReconRow.check) == "employments",
                                   col(ReconRow.status).in_(DIFFERENCE_STATUSES), col(ReconRow.resolution).is_(None))
    query = query.where(col(ReconRow.payroll_ref) == row.payroll_ref) if row.payroll_ref is not None else query.where(
        col(ReconRow.payroll_ref).is_(None))
    query = query.where(col(ReconRow.a07_ref) == row.a07_ref) if row.a07_ref is not None else query.where(
        col(ReconRow.a07_ref).is_(None))
    return list(session.scalars(query))


def _unit_id(session: Session, client: Client, org: str) -> int:
    unit = session.scalars(select(SubUnit).where(col(SubUnit.org_number) == org)).first()
    if unit is None:
        unit = SubUnit(client_id=client.id or 0, org_number=org, name=UNNAMED_SUB_UNIT.format(org=org))
        session.add(unit)
        session.flush()
    elif unit.client_id != client.id:
        raise UserError("reconcile.foreign_sub_unit", org=org)
    assert unit.id is not None
    return unit.id


def take_a07(store: Store, who: Identity, run_id: int, row_id: int) -> list[RowView]:
    """Take a-ordningen's value: update (or create) byraa's employment from the A07; audited.

    Applies to every differing field of the employment pair and resolves those rows.
    """
    with store.session() as session:
        r, client = _run(session, who, run_id, for_update=True)
        row = _row(session, r, row_id)
        if row.check != "employments":
            raise UserError("reconcile.take_employments_only")
        if row.a07_ref is None:
            raise UserError("reconcile.take_no_employment")
        theirs = session.get(ReconEmployment, row.a07_ref)
        assert theirs is not None
        first, last = periods.first_day(r.period), periods.last_day(r.period)
        if row.payroll_ref is None:  # only in a-ordningen: create it in byraa
            person = session.scalars(select(Employee).where(col(Employee.client_id) == client.id,
                                                            col(Employee.national_id) == theirs.national_id)).first()
            if person is None:
                person = Employee(client_id=client.id or 0, national_id=theirs.national_id,
                                  name=theirs.name or theirs.national_id[:6] + "*****")
                session.add(person)
                session.flush()
            ours = Employment(employee_id=person.id or 0, client_id=client.id or 0,
                              employment_ref=theirs.employment_ref or (theirs.start_date or first).isoformat(),
                              start_date=theirs.start_date or first)
            session.add(ours)
            before: dict | None = None
        else:
            stored = session.get(Employment, row.payroll_ref)
            assert stored is not None
            ours = stored
            before = _employment_dict(ours)
        ours.sub_unit_id = _unit_id(session, client, theirs.sub_unit)
        ours.employment_type = theirs.employment_type
        ours.start_date = theirs.start_date or ours.start_date
        ours.end_date = theirs.end_date
        ours.occupation_code = theirs.occupation_code
        ours.position_pct = theirs.position_pct or 0.0
        ours.hours_full_week = theirs.hours_full_week or 0.0
        session.flush()
        leaves_before = None
        their_leaves = json.loads(theirs.leaves) if theirs.leaves else []
        current = list(session.scalars(select(Leave).where(col(Leave.employment_id) == ours.id)))
        in_month = [lv for lv in current if lv.start_date <= last and (lv.end_date is None or lv.end_date >= first)]
        if in_month or their_leaves:
            leaves_before = [{"start": lv.start_date, "end": lv.end_date, "pct": lv.leave_pct,
                              "description": lv.description} for lv in in_month]
            for lv in in_month:
                session.delete(lv)
            for x in their_leaves:
                session.add(Leave(employment_id=ours.id or 0, start_date=date.fromisoformat(x["start"]),
                                  end_date=date.fromisoformat(x["end"]) if x.get("end") else None,
                                  leave_pct=x.get("pct") if x.get("pct") is not None else 100.0,
                                  description=(x.get("description") or "permisjon")[:80]))
        session.flush()
        audit.record(session, actor=who.login, action="employment.take_a07", entity="employment", entity_id=ours.id,
                     client_id=client.id, before={"employment": before, "leaves": leaves_before},
                     after={"employment": _employment_dict(ours), "leaves": their_leaves, "run_id": run_id})
        resolved = _pair_rows(session, row)
        for pair_row in resolved:
            _resolve(session, who, client, pair_row, "take_a07", "byraa's employment updated from a-ordningen (A07)")
        session.flush()
        return [_view(x) for x in resolved]


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def receiver_identity(national_id: str | None, name: str | None = None,
                      birth_date: date | None = None) -> dict[str, Any]:
    """How an inntektsmottaker is identified in the a-melding (v2_3 model, SKE-DOC
    docs/api/innrapportering-amelding.md Informasjonsmodell V2_3): by ``norskIdentifikator``
    alone when there is one; otherwise ``identifiserendeInformasjon`` with ``navn`` and
    ``foedselsdato`` together (the model requires both in that block)."""
    if national_id:
        return {"norskIdentifikator": national_id}
    if not (name and birth_date):
        raise UserError("amelding.receiver_unidentified", name=name or "?")
    return {"identifiserendeInformasjon": {"navn": name, "foedselsdato": birth_date.isoformat()}}


def leave_in_period(leave: Leave, period: str) -> bool:
    """An a-melding carries the leaves open in its month or ended in it (an older ended
    leave goes only when named: ``correction_message``'s ``also``)."""
    return leave.start_date <= periods.last_day(period) and (
        leave.end_date is None or leave.end_date >= periods.first_day(period))


def correction_message(client: Client, period: str, employment: Employment, employee: Employee,
                       unit_org: str, leaves: list[Leave], message_id: str, *,
                       also: Collection[int] = ()) -> dict:
    """The a-melding (JSON model) reporting one employment as byraa holds it, with the
    leaves of the month and those of ``also`` (leave ids) besides."""
    return {"leveranse": {
        "leveringstidspunkt": clock.now().isoformat(timespec="seconds"),
        "kalendermaaned": period,
        "kildesystem": "byraa",
        "meldingsId": message_id,
        "opplysningspliktig": {"norskIdentifikator": client.org_number},
        "oppgave": {"virksomhet": [{
            "norskIdentifikator": unit_org,
            "inntektsmottaker": [{
                **receiver_identity(employee.national_id, employee.name),
                "arbeidsforhold": [{k: v for k, v in {
                    "arbeidsforholdId": employment.employment_ref,
                    "typeArbeidsforhold": employment.employment_type,
                    "startdato": employment.start_date.isoformat(),
                    "sluttdato": employment.end_date.isoformat() if employment.end_date else None,
                    "antallTimerPerUkeSomEnFullStillingTilsvarer": _num(employment.hours_full_week) or None,
                    "yrke": employment.occupation_code,
                    "stillingsprosent": _num(employment.position_pct),
                    "permisjon": [{k2: v2 for k2, v2 in {
                        "startdato": lv.start_date.isoformat(),
                        "sluttdato": lv.end_date.isoformat() if lv.end_date else None,
                        "permisjonsprosent": _num(lv.leave_pct), "permisjonId": str(lv.id),
                        "beskrivelse": lv.description}.items() if v2 is not None}
                        for lv in leaves if leave_in_period(lv, period) or lv.id in also],
                }.items() if v not in (None, [])}],
            }],
        }]},
    }}


def send_payroll(store: Store, who: Identity, run_id: int, row_id: int) -> corrections.CorrectionView:
    """Send payroll's value: queue an a-melding correction for the employment (idempotency key).

    The correction is ``pending`` until ``corrections.submit`` sends it through the shared
    Altinn client; the pair's difference rows are resolved as ``send_payroll``.
    """
    with store.session() as session:
        r, client = _run(session, who, run_id, for_update=True)
        row = _row(session, r, row_id)
        if row.check != "employments":
            raise UserError("reconcile.send_employments_only")
        if row.payroll_ref is None:
            raise UserError("reconcile.send_no_employment")
        ours = session.get(Employment, row.payroll_ref)
        assert ours is not None
        person = session.get(Employee, ours.employee_id)
        unit = session.get(SubUnit, ours.sub_unit_id) if ours.sub_unit_id else None
        if person is None or unit is None:
            raise UserError("reconcile.send_no_sub_unit")
        leaves = list(session.scalars(select(Leave).where(col(Leave.employment_id) == ours.id)))
        key = str(uuid.uuid4())
        from byraa.core.reconcile import replacement

        single = correction_message(client, r.period, ours, person, unit.org_number, leaves,
                                    f"byraa{key.replace('-', '')[:24]}")["leveranse"]
        corrected = single["oppgave"]["virksomhet"][0]["inntektsmottaker"][0]
        # The whole month, replacing what a-ordningen has (erstatterMeldingsId): refused when
        # byraa never imported the month's a-melding.
        base = replacement.month_base(session, client.id or 0, client.org_number, r.period)
        message = {"leveranse": replacement.replacement(
            base, message_id=single["meldingsId"], unit_org=unit.org_number,
            receiver={k: v for k, v in corrected.items() if k != "arbeidsforhold"},
            employment=corrected["arbeidsforhold"][0]),
            # Which person and employment this correction is about (not sent: only "leveranse" is).
            "correction": {"national_id": person.national_id, "employment_ref": ours.employment_ref}}
        correction = ReconCorrection(run_id=run_id, row_id=row_id, client_id=client.id or 0, period=r.period,
                                     employment_id=ours.id, payload=json.dumps(message, ensure_ascii=False),
                                     idempotency_key=key, created_at=clock.now(), created_by=who.login)
        session.add(correction)
        session.flush()
        audit.record(session, actor=who.login, action="employment.send_payroll", entity="recon_correction",
                     entity_id=correction.id, client_id=client.id,
                     after={"run_id": run_id, "employment_id": ours.id, "idempotency_key": key, "period": r.period})
        for pair_row in _pair_rows(session, row):
            _resolve(session, who, client, pair_row, "send_payroll",
                     f"payroll's value queued to a-ordningen (correction {correction.id})")
        return corrections.view(correction)


def employment_fields() -> tuple[str, ...]:
    return employment_check.FIELDS


# --- Read-only views for the screens --------------------------------------------------------


def latest_runs(store: Store, who: Identity, period: str) -> dict[str, RunSummary]:
    """The newest run of ``period`` per client the user may see, by org number."""
    periods.parse_period(period)
    with store.session() as session:
        allowed = access.accessible_client_ids(session, who)
        newest = (select(col(ReconRun.client_id), func.max(col(ReconRun.version)).label("version"))
                  .where(col(ReconRun.period) == period).group_by(col(ReconRun.client_id)).subquery())
        query = select(ReconRun, Client).join(
            newest, (newest.c.client_id == col(ReconRun.client_id)) & (newest.c.version == col(ReconRun.version))).join(
            Client, col(Client.id) == col(ReconRun.client_id)).where(col(ReconRun.period) == period)
        found = [(run_row, client) for run_row, client in session.execute(query).all()
                 if allowed is None or client.id in allowed]
        # The row counts of every run in one query: one per client made the reconciliation
        # screen of a 1,000-client agency take seconds to open.
        counts = _counts(session, [run_row.id for run_row, _client in found if run_row.id is not None])
        return {client.org_number: _summary(session, run_row, client, counts.get(run_row.id or 0, {}))
                for run_row, client in found}


@dataclass(frozen=True)
class PairField:
    field: str
    payroll: Any
    a07: Any

    @property
    def differs(self) -> bool:
        return self.payroll != self.a07


@dataclass(frozen=True)
class EmploymentPair:
    """Both sides of an employment row, every field (as they stand now), for a side-by-side diff."""

    name: str | None
    national_id: str | None
    fields: tuple[PairField, ...]


def employment_pair(store: Store, who: Identity, run_id: int, row_id: int) -> EmploymentPair | None:
    """The payroll and a-ordningen employment behind an ``employments`` row (None for other checks)."""
    with store.session() as session:
        r, client = _run(session, who, run_id)
        row = session.get(ReconRow, row_id)
        if row is None or row.run_id != r.id:
            raise NotFound("reconcile.row_not_found", run=run_id, row=row_id)
        if row.check != "employments":
            return None
        first, last = periods.first_day(r.period), periods.last_day(r.period)
        ours: dict[str, Any] = {}
        theirs: dict[str, Any] = {}
        name = None
        if row.payroll_ref is not None and (e := session.get(Employment, row.payroll_ref)) is not None:
            person = session.get(Employee, e.employee_id)
            unit = session.get(SubUnit, e.sub_unit_id) if e.sub_unit_id else None
            leaves = [(lv.start_date, lv.end_date, lv.leave_pct, lv.description)
                      for lv in session.scalars(select(Leave).where(col(Leave.employment_id) == e.id))]
            name = person.name if person else None
            ours = {"sub_unit": unit.org_number if unit else None, "employment_ref": e.employment_ref,
                    "employment_type": e.employment_type, "start_date": e.start_date, "end_date": e.end_date,
                    "occupation_code": e.occupation_code, "position_pct": e.position_pct,
                    "hours_full_week": e.hours_full_week,
                    "leave": employment_check.leave_text(leaves, first, last) or None}
        if row.a07_ref is not None and (a := session.get(ReconEmployment, row.a07_ref)) is not None:
            raw = json.loads(a.leaves) if a.leaves else []
            leaves = [(date.fromisoformat(x["start"]), date.fromisoformat(x["end"]) if x.get("end") else None,
                       x.get("pct"), x.get("description")) for x in raw]
            name = name or a.name
            theirs = {"sub_unit": a.sub_unit, "employment_ref": a.employment_ref,
                      "employment_type": a.employment_type, "start_date": a.start_date, "end_date": a.end_date,
                      "occupation_code": a.occupation_code, "position_pct": a.position_pct,
                      "hours_full_week": a.hours_full_week,
                      "leave": employment_check.leave_text(leaves, first, last) or None}
        order = ("sub_unit", "employment_ref", "employment_type", "start_date", "end_date", "occupation_code",
                 "position_pct", "hours_full_week", "leave")
        return EmploymentPair(name, row.national_id, tuple(PairField(f, ours.get(f), theirs.get(f)) for f in order))
