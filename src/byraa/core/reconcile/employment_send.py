"""Sending an employee's employments to a-ordningen from the employee card.

A clerk sends an employee's employments for a month without a reconciliation behind it
(a change between pay runs, or a month without payroll). The a-melding carries the
leaves (permisjoner) open in the month or ended in it; a leave that ended before the
month is sent only when named (``with_leaves``): a-ordningen may never have had it, say
when it was registered late, and without it the employee's history there is wrong.

The message is built as the reconciliation's "send payroll's value" builds it
(``runs.correction_message``): a replacement of the month's a-melding when byraa holds
one (``replacement.month_base``), else an a-melding of this employee alone. It is queued
as a ``recon_correction`` without run or row, written as v2_3 XML to the archive
(direction out), audited (who, which employee, which leaves) and sent at once through the
shared Altinn client (``corrections.submit`` limited to it).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids, periods
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.reconcile import corrections, replacement
from byraa.core.store import Store
from byraa.core.store.models import Client, Employee, Employment, Leave, SubUnit
from byraa.core.store.models_reconcile import ReconCorrection


@dataclass(frozen=True)
class LeaveChoice:
    id: int
    employment_ref: str
    start_date: date
    end_date: date | None
    leave_pct: float
    description: str
    in_period: bool
    """Open in the month or ended in it: always sent. Otherwise an older ended leave."""


@dataclass(frozen=True)
class EmploymentLine:
    employment_ref: str
    sub_unit: str | None
    employment_type: str
    start_date: date
    end_date: date | None
    occupation_code: str | None
    position_pct: float
    hours_full_week: float


@dataclass(frozen=True)
class SendPlan:
    org_number: str
    client_name: str
    employee_id: int
    name: str
    national_id: str
    """Masked."""
    employee_number: str | None
    period: str
    employments: list[EmploymentLine] = field(default_factory=list)
    leaves: list[LeaveChoice] = field(default_factory=list)

    @property
    def older_leaves(self) -> list[LeaveChoice]:
        return [lv for lv in self.leaves if not lv.in_period]


@dataclass(frozen=True)
class SendResult:
    plan: SendPlan
    with_leaves: tuple[int, ...]
    message: dict[str, Any]
    xml: bytes
    replaces: str | None
    correction: corrections.CorrectionView | None = None
    archive_id: int | None = None

    @property
    def status(self) -> str:
        return "dry_run" if self.correction is None else self.correction.status


def find_employee(session: Session, client: Client, ref: str) -> Employee:
    """The client's employee by employee number, national id or masked national id."""
    ref = ref.strip()
    people = list(session.scalars(select(Employee).where(col(Employee.client_id) == client.id)))
    hits = [p for p in people if ref in (p.employee_number, p.national_id, ids.mask_national_id(p.national_id))]
    if not hits:
        raise UserError("employment_send.no_employee", employee=ref, org=client.org_number)
    if len(hits) > 1:
        raise UserError("employment_send.employee_ambiguous", employee=ref, count=len(hits))
    return hits[0]


def _load(session: Session, who: Identity, org_number: str, employee: str | int,
          period: str) -> tuple[Client, Employee, list[tuple[Employment, SubUnit | None]], list[Leave]]:
    periods.parse_period(period)
    client = resolve_client(session, who, org_number)
    if isinstance(employee, int):
        person = session.get(Employee, employee)
        if person is None or person.client_id != client.id:
            raise UserError("employment_send.no_employee", employee=str(employee), org=client.org_number)
    else:
        person = find_employee(session, client, employee)
    first, last = periods.first_day(period), periods.last_day(period)
    jobs = [(e, session.get(SubUnit, e.sub_unit_id) if e.sub_unit_id else None) for e in session.scalars(
        select(Employment).where(col(Employment.employee_id) == person.id).order_by(col(Employment.start_date)))
        if e.start_date <= last and (e.end_date is None or e.end_date >= first)]
    if not jobs:
        raise UserError("employment_send.no_employment", name=person.name, period=period)
    leaves = list(session.scalars(select(Leave).where(col(Leave.employment_id).in_([e.id for e, _u in jobs]))
                                  .order_by(col(Leave.start_date), col(Leave.id))))
    return client, person, jobs, [lv for lv in leaves if lv.start_date <= last]


def _plan(client: Client, person: Employee, jobs: list[tuple[Employment, SubUnit | None]], leaves: list[Leave],
          period: str) -> SendPlan:
    from byraa.core.reconcile.runs import leave_in_period

    refs = {e.id: e.employment_ref for e, _u in jobs}
    return SendPlan(
        client.org_number, client.name, person.id or 0, person.name, ids.mask_national_id(person.national_id),
        person.employee_number, period,
        [EmploymentLine(e.employment_ref, u.org_number if u else None, e.employment_type, e.start_date, e.end_date,
                        e.occupation_code, e.position_pct, e.hours_full_week) for e, u in jobs],
        [LeaveChoice(lv.id or 0, refs[lv.employment_id], lv.start_date, lv.end_date, lv.leave_pct, lv.description,
                     leave_in_period(lv, period)) for lv in leaves])


def plan(store: Store, who: Identity, org_number: str, employee: str | int, period: str) -> SendPlan:
    """What would be sent: the employments in force in ``period`` and the person's leaves."""
    with store.session() as session:
        return _plan(*_load(session, who, org_number, employee, period), period)


def _message(session: Session, client: Client, person: Employee, jobs: list[tuple[Employment, SubUnit | None]],
             leaves: list[Leave], period: str, also: Collection[int], message_id: str) -> tuple[dict, str | None]:
    from byraa.core.reconcile.runs import correction_message

    try:
        base: dict[str, Any] | None = replacement.month_base(session, client.id or 0, client.org_number, period)
    except UserError:
        base = None  # nothing of the month to replace: this employee's a-melding alone
    replaces = str(base.get("meldingsId")) if base else None
    out: dict[str, Any] = {}
    for e, unit in jobs:
        if unit is None:
            raise UserError("reconcile.send_no_sub_unit")
        single = correction_message(client, period, e, person, unit.org_number,
                                    [lv for lv in leaves if lv.employment_id == e.id], message_id, also=also)
        leveranse = single["leveranse"]
        if not out:
            out = base or {**{k: v for k, v in leveranse.items() if k != "oppgave"}, "meldingsId": "-",
                           "oppgave": {"virksomhet": []}}
        receiver = leveranse["oppgave"]["virksomhet"][0]["inntektsmottaker"][0]
        out = replacement.replacement(out, message_id=message_id, unit_org=unit.org_number,
                                      receiver={k: v for k, v in receiver.items() if k != "arbeidsforhold"},
                                      employment=receiver["arbeidsforhold"])
    out.pop("erstatterMeldingsId", None)
    head = {k: v for k, v in out.items() if k != "oppgave"}
    if replaces:
        head["erstatterMeldingsId"] = replaces
    return {**head, "oppgave": out["oppgave"]}, replaces  # the header before oppgave, as the XSD orders it


def queue(store: Store, who: Identity, org_number: str, employee: str | int, period: str | None = None, *,
          with_leaves: Collection[int] = (), dry_run: bool = False) -> SendResult:
    """Build the a-melding; unless ``dry_run``, queue, archive and audit it (not sent yet)."""
    from byraa.core.clients import archive
    from byraa.core.importers.amelding_xml import to_xml

    period = period or periods.period_of(clock.today())
    chosen = tuple(sorted(set(with_leaves)))
    with store.session() as session:
        client, person, jobs, leaves = _load(session, who, org_number, employee, period)
        the_plan = _plan(client, person, jobs, leaves, period)
        older = {lv.id for lv in the_plan.older_leaves}
        if bad := [i for i in chosen if i not in older]:
            raise UserError("employment_send.unknown_leave", leave=bad[0], name=person.name, period=period)
        key = str(uuid.uuid4())
        message_id = f"byraa{key.replace('-', '')[:24]}"
        leveranse, replaces = _message(session, client, person, jobs, leaves, period, chosen, message_id)
        xml = to_xml({"leveranse": leveranse})
        if dry_run:
            return SendResult(the_plan, chosen, {"leveranse": leveranse}, xml, replaces)
        sent_leaves = [{"id": lv.id, "employment_ref": lv.employment_ref, "start": lv.start_date.isoformat(),
                        "end": lv.end_date.isoformat() if lv.end_date else None, "chosen": lv.id in chosen}
                       for lv in the_plan.leaves if lv.in_period or lv.id in chosen]
        payload = {"leveranse": leveranse, "correction": {
            "national_id": person.national_id, "employment_ref": jobs[0][0].employment_ref,
            "employee_id": person.id, "leaves": sent_leaves}}
        row = ReconCorrection(client_id=client.id or 0, period=period, employment_id=jobs[0][0].id,
                              payload=json.dumps(payload, ensure_ascii=False), idempotency_key=key,
                              created_at=clock.now(), created_by=who.login)
        session.add(row)
        session.flush()
        archive_id = archive.add(session, archive.ArchiveRecord(
            kind="amelding", direction="out", content=xml, client_id=client.id, period=period,
            filename=f"a-melding-{client.org_number}-{period}-{message_id}.xml", content_type="application/xml",
            correlation_id=key, note="employment sent from the employee card"), user_login=who.login)
        audit.record(session, actor=who.login, action="employment.send", entity="recon_correction",
                     entity_id=row.id, client_id=client.id,
                     after={"employee_id": person.id, "national_id": ids.mask_national_id(person.national_id),
                            "employments": [e.employment_ref for e, _u in jobs], "period": period,
                            "leaves": sent_leaves, "chosen_leaves": list(chosen), "replaces": replaces,
                            "archive_id": archive_id, "idempotency_key": key})
        session.flush()
        return SendResult(the_plan, chosen, {"leveranse": leveranse}, xml, replaces, corrections.view(row),
                          archive_id)


def after_submit(result: SendResult, touched: list[corrections.CorrectionView]) -> SendResult:
    assert result.correction is not None
    mine = next((c for c in touched if c.id == result.correction.id), result.correction)
    return SendResult(result.plan, result.with_leaves, result.message, result.xml, result.replaces, mine,
                      result.archive_id)


def send_blocking(store: Store, who: Identity, org_number: str, employee: str | int, period: str | None = None, *,
                  with_leaves: Collection[int] = (), dry_run: bool = False, transport: Any = None,
                  environment_options: dict[str, Any] | None = None, **options: Any) -> SendResult:
    """``queue`` then send it at once through the client's Altinn connection and read the feedback."""
    result = queue(store, who, org_number, employee, period, with_leaves=with_leaves, dry_run=dry_run)
    if result.correction is None:
        return result
    touched = corrections.submit_blocking(store, who, org_number, transport=transport,
                                          environment_options=environment_options,
                                          only={result.correction.id}, **options)
    return after_submit(result, touched)
