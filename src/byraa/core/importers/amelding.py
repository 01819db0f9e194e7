"""The a-melding importer (payroll side): XML v2_0 to v2_3, streamed.

Over ~400 lines on purpose: the register's writer and its reader (``list_employees``)
stay side by side while the intake's rework settles; the reading half of the file is in
``amelding_read`` already.

``urn:ske:fastsetting:innsamling:a-meldingen:v2_X``, root ``melding`` → ``Leveranse``
(``altinn-contracts.md`` §4.1). ``amelding_read`` turns the file into plain events (it
is pure, so the intake runs it in worker processes); this module writes them. Read
in-process, the events are streamed: each ``inntektsmottaker`` is dropped once read, so
a 200 MB file needs memory for one batch of recipients only.

What it writes, in one transaction with the archived file and an audit event, with one
statement per table per batch (no statement per recipient):

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids, periods
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.importers import ImportResult, Where, payroll_side, sha256_file
from byraa.core.importers.amelding_read import (  # noqa: F401  (the importer's public names)
    INCOME_KINDS,
    NAMESPACE_PREFIX,
    NAMESPACES,
    VERSIONS,
    ZONES,
    Header,
    Parsed,
    _Recipient,
    events,
    parse_aga,
    parse_employment,
    parse_income,
    rate_amount,
    read_file,
)
from byraa.core.importers.archiving import archive_file
from byraa.core.store import Store
from byraa.core.store.columns import pk
from byraa.core.store.models import Client, Employee, Employment, Leave, SubUnit
from byraa.core.store.models_reconcile import ReconAga, ReconDeduction, ReconIncome, ReconSource, ReconWithholding

BATCH = 2000
_T_INCOME = ReconIncome.__table__  # type: ignore[attr-defined]
_T_WITHHOLDING = ReconWithholding.__table__  # type: ignore[attr-defined]
_T_AGA = ReconAga.__table__  # type: ignore[attr-defined]
_T_DEDUCTION = ReconDeduction.__table__  # type: ignore[attr-defined]
_T_SOURCE = ReconSource.__table__  # type: ignore[attr-defined]
_T_EMPLOYEE = Employee.__table__  # type: ignore[attr-defined]
_T_EMPLOYMENT = Employment.__table__  # type: ignore[attr-defined]
_T_LEAVE = Leave.__table__  # type: ignore[attr-defined]
_EMPLOYMENT_FIELDS = ("employment_type", "start_date", "end_date", "occupation_code", "position_pct",
                      "hours_full_week", "sub_unit_id")
"""What an a-melding says about an employment (the register's columns it updates)."""


class _Writer:
    """Writes one a-melding's rows in batches into the caller's transaction."""

    def __init__(self, session: Session, client: Client, period: str, source_id: int, *,
                 update_register: bool, where: Where) -> None:
        self.s = session
        self.client = client
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
        self.deductions: list[dict] = []
        self.aga: list[dict] = []
        self.declared: dict[str, int] = {}
        # The month's figures, counted as the rows go by (payroll_side.derive_imported).
        self.persons: set[str] = set()
        self.gross = self.withheld = self.aga_total = self.expenses = 0
        self.earlier = 0
        self.message_id: str | None = None
        self.imported_at = clock.now()
        self.counts = {"recipients": 0, "employments": 0, "income_lines": 0, "withholding_lines": 0,
                       "aga_lines": 0, "employees_added": 0, "employments_added": 0, "sub_units_added": 0,
                       "employees_active": 0, "leaves_active": 0}
        self.month = (periods.first_day(period), periods.last_day(period))
        # Core statements on the tables: the ORM's bulk paths cost more than the rows.
        # With what the register holds now: a month that reports a person or an employment
        # as it stands (most months, for most of them) writes nothing for it.
        self.employees: dict[str, int] = {}
        self.employee_values: dict[int, tuple[str, str | None]] = {}
        te = _T_EMPLOYEE
        for emp_id, nid, name, number in session.execute(
                select(te.c.id, te.c.national_id, te.c.name, te.c.employee_number).where(te.c.client_id == self.client_id)):
            self.employees[nid] = emp_id
            self.employee_values[emp_id] = (name, number)
        self.employments: dict[tuple[int, str], int] = {}
        self.employment_values: dict[int, tuple] = {}
        if self.employees:
            tj = _T_EMPLOYMENT
            for eid, emp, ref, *values in session.execute(
                    select(tj.c.id, tj.c.employee_id, tj.c.employment_ref, *(tj.c[name] for name in _EMPLOYMENT_FIELDS))
                    .where(tj.c.client_id == self.client_id)):
                self.employments[(emp, ref)] = eid
                self.employment_values[eid] = tuple(values)
        self.units: dict[str, int] = dict(session.execute(
            select(col(SubUnit.org_number), pk(SubUnit.id)).where(col(SubUnit.client_id) == self.client_id)).all())

    def unit(self, org: str, place: str, zone: str | None = None) -> int:
        if org in self.units:
            return self.units[org]
        other = self.s.scalars(select(col(SubUnit.client_id)).where(col(SubUnit.org_number) == org)).first()
        if other is not None:
            raise self.where.refuse(place, "import.foreign_sub_unit", org=org)
        t = SubUnit.__table__  # type: ignore[attr-defined]
        unit_id = self.s.execute(insert(t).returning(t.c.id), [{
            "client_id": self.client_id, "org_number": org, "name": f"Virksomhet {org}",
            "aga_zone": zone or "1"}]).scalar_one()
        self.units[org] = unit_id
        self.counts["sub_units_added"] += 1
        return unit_id

    def add_recipient(self, r: _Recipient, income: list[dict], withheld: int | None,
                      deductions: list[dict] | None = None) -> None:
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
            self.gross += line["amount"]
            self.expenses += line["benefit"] == payroll_side.EXPENSE_BENEFIT
        if income:
            self.persons.add(r.national_id)
        if withheld is not None:
            self.withholding.append({**base, "amount": withheld})
            self.withheld += withheld
        for d in deductions or []:
            self.deductions.append({"source_id": self.source_id, "client_id": self.client_id, "period": self.period,
                                    "side": "payroll", "national_id": r.national_id, **d})
        if self.update_register:
            self.pending.append(r)
        if len(self.pending) >= BATCH or len(self.income) >= BATCH * 4:
            self.flush()

    def add_aga(self, unit: str, rows: list[dict]) -> None:
        for row in rows:
            self.aga.append({"source_id": self.source_id, "client_id": self.client_id, "period": self.period,
                             "side": "payroll", "sub_unit": unit, **row})
            self.aga_total += row["amount"]
            self.counts["aga_lines"] += 1

    def flush(self) -> None:
        if self.income:
            self.s.execute(insert(_T_INCOME), self.income)
            self.counts["income_lines"] += len(self.income)
            self.income = []
        if self.withholding:
            self.s.execute(insert(_T_WITHHOLDING), self.withholding)
            self.counts["withholding_lines"] += len(self.withholding)
            self.withholding = []
        if self.aga:
            self.s.execute(insert(_T_AGA), self.aga)
            self.aga = []
        if self.deductions:
            self.s.execute(insert(_T_DEDUCTION), self.deductions)
            self.deductions = []
        if self.pending:
            self._register(self.pending)
            self.pending = []

    def _register(self, recipients: list[_Recipient]) -> None:
        new: dict[str, dict] = {}
        changed: dict[int, dict] = {}
        for r in recipients:
            values: dict[str, Any] = {"name": (r.name or "")[:200], "employee_number": (r.employee_number or None)}
            emp_id = self.employees.get(r.national_id)
            if emp_id is None:
                new.setdefault(r.national_id, {"client_id": self.client_id, "national_id": r.national_id,
                                               "name": values["name"] or r.national_id[:6] + "*****",
                                               "employee_number": values["employee_number"]})
            elif r.name:
                name, number = self.employee_values.get(emp_id, ("", None))
                wanted = (values["name"] or name, values["employee_number"] or number)
                if wanted != (name, number):
                    changed[emp_id] = {"b_id": emp_id, "name": wanted[0], "employee_number": wanted[1]}
                    self.employee_values[emp_id] = wanted
        if new:
            # RETURNING the key with the id: no need for the rows in parameter order.
            self.employees.update(self.s.execute(
                insert(_T_EMPLOYEE).returning(_T_EMPLOYEE.c.national_id, _T_EMPLOYEE.c.id), list(new.values())).all())
            self.counts["employees_added"] += len(new)
        if changed:
            te = _T_EMPLOYEE
            self.s.execute(update(te).where(te.c.id == bindparam("b_id")).values(
                name=bindparam("name"), employee_number=bindparam("employee_number")), list(changed.values()))
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
                elif (stated := tuple(values[name] for name in _EMPLOYMENT_FIELDS)) != self.employment_values.get(existing):
                    updates[existing] = {"b_id": existing, **values}
                    self.employment_values[existing] = stated
                if e.leaves:
                    leaves.append((key, e.leaves))
        if inserts:
            t = _T_EMPLOYMENT
            for eid, emp, ref in self.s.execute(insert(t).returning(t.c.id, t.c.employee_id, t.c.employment_ref),
                                                list(inserts.values())):
                self.employments[(emp, ref)] = eid
            self.counts["employments_added"] += len(inserts)
        if updates:
            tj = _T_EMPLOYMENT
            self.s.execute(update(tj).where(tj.c.id == bindparam("b_id")).values(
                {name: bindparam(name) for name in _EMPLOYMENT_FIELDS}), list(updates.values()))
        if leaves:
            self._leaves(leaves, any(key not in inserts for key, _ in leaves))

    def _leaves(self, leaves: list[tuple[tuple[int, str], list[dict]]], known_employments: bool) -> None:
        ids_ = [self.employments[key] for key, _ in leaves]
        existing: dict[tuple[int, date], int] = {}
        if known_employments:  # employments new in this file have no leaves yet
            existing = {
                (eid, start): lid for lid, eid, start in self.s.execute(
                    select(_T_LEAVE.c.id, _T_LEAVE.c.employment_id, _T_LEAVE.c.start_date)
                    .where(_T_LEAVE.c.employment_id.in_(ids_)))
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
            self.s.execute(insert(_T_LEAVE), add)
        if change:
            self.s.execute(update(Leave), change)


_ATTEMPTS = 3
"""Tries of an import that lost a race: the second re-reads and finds the winner's copy."""


def import_amelding(store: Store, who: Identity, path: str | os.PathLike[str]) -> ImportResult:
    """Import one a-melding XML file (all or nothing), reading it streamed in this process.

    The database keeps one active version per client, month and meldingsId (a partial
    unique index), so importers of the same file at once cannot both store it: the one
    that loses rolls back, reads again and reports the file ``unchanged`` (or, when the
    winner was another version of the same a-melding, ``replaced`` it).
    """
    return _with_retries(store, who, Path(path), None)


def import_parsed(store: Store, who: Identity, parsed: Parsed) -> ImportResult:
    """Store a file ``read_file`` has read (in a worker process): the same outcome as
    ``import_amelding`` of the file, and the archive keeps the very bytes that were read."""
    return _with_retries(store, who, Path(parsed.path), parsed)


def _with_retries(store: Store, who: Identity, path: Path, parsed: Parsed | None) -> ImportResult:
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            result = _import_once(store, who, path, parsed)
        except IntegrityError:  # another importer committed the same version (or sub-unit) first
            if attempt == _ATTEMPTS:
                raise UserError("import.conflict", file=path.name) from None
            continue
        if attempt > 1 and result.status == "imported" and any(n.startswith("replaces ") for n in result.notes):
            result.status = "replaced"
        return result
    raise AssertionError("unreachable")


def _replayed(parsed: Parsed) -> Iterator[tuple]:
    yield from parsed.events
    if parsed.error is not None:
        raise parsed.error


def _import_once(store: Store, who: Identity, path: Path, parsed: Parsed | None) -> ImportResult:
    where = Where(path)
    if parsed is None:
        digest = sha256_file(path)
        stream: Iterator[tuple] = events(path, where)
        content = None
    else:
        if parsed.content is None and parsed.error is not None:  # unreadable: nothing was read
            raise parsed.error
        digest, stream, content = parsed.digest, _replayed(parsed), parsed.content
    result: ImportResult | None = None
    writer: _Writer | None = None
    skipped = 0
    message_id: str | None = None
    with store.write_session() as session:
        for item in stream:
            kind = item[0]
            if kind == "recipient":
                assert writer is not None
                writer.add_recipient(item[1], item[2], item[3], item[4])
            elif kind == "begin":
                message_id = item[1].message_id
                result, writer = _begin(session, who, path, where, digest, item[1], content)
                if writer is None:
                    return result
            elif kind == "unit":
                assert writer is not None
                writer.unit(item[1], item[2])
            elif kind == "skipped":
                skipped += 1
            elif kind == "aga":
                assert writer is not None
                writer.add_aga(item[1], item[2])
            elif kind == "payment":
                assert writer is not None
                writer.declared.update(item[1])
        if writer is None or result is None:
            raise where.refuse("<Leveranse>", "amelding.no_oppgave")
        writer.flush()
        if skipped:
            result.notes.append(f"{skipped} recipients without a Norwegian national id were skipped")
        result.counts = dict(writer.counts)
        session.execute(update(_T_SOURCE).where(_T_SOURCE.c.id == writer.source_id).values(
            employees_active=writer.counts["employees_active"], leaves_active=writer.counts["leaves_active"],
            **writer.declared))
        payroll_side.derive_imported(
            session, writer.client, writer.period, source_id=writer.source_id, message_id=writer.message_id,
            sha256=digest, imported_at=writer.imported_at, earlier=writer.earlier, figures=payroll_side.Figures(
                persons=len(writer.persons), gross=writer.gross, withholding=writer.withheld, aga=writer.aga_total,
                expenses=writer.expenses, absences=writer.counts["leaves_active"],
                active_employees=writer.counts["employees_active"]))
        audit.record(session, actor=who.login, action="import.amelding", entity="recon_source",
                     entity_id=result.source_id, client_id=writer.client_id,
                     after={"file": path.name, "sha256": digest, "period": result.period,
                            "message_id": message_id or "", **result.counts})
    return result


def _begin(session: Session, who: Identity, path: Path, where: Where, digest: str, header: Header,
           content: bytes | None) -> tuple[ImportResult, _Writer | None]:
    """Find the client, decide (one query for the client's a-meldinger), archive and open the source."""
    period, org, message_id, replaces = header.period, header.org, header.message_id, header.replaces
    client = resolve_client(session, who, org, file=where.name)
    assert client.id is not None
    result = ImportResult(path=str(path), kind="amelding", client=org, period=period)
    t = _T_SOURCE
    sources = session.execute(select(t.c.id, t.c.period, t.c.sha256, t.c.active, t.c.message_id,
                                     t.c.replaces_message_id, t.c.imported_at)
                              .where(t.c.client_id == client.id, t.c.kind == "amelding").order_by(t.c.id)).all()
    # The same file again is unchanged, also when a newer a-melding has replaced it since
    # (re-reading a folder must not bring an old version back).
    same = [s for s in sources if s.sha256 == digest]
    if same:
        result.status = "unchanged"
        result.source_id = next((s.id for s in same if s.active), same[0].id)
        return result, None
    newer = any(s.active and s.period is not None and s.period > period for s in sources)
    if message_id and any(s.period == period and s.replaces_message_id == message_id for s in sources):
        # An older version of the month, replaced already by a file imported before it.
        result.status = "superseded"
        result.notes.append(f"the a-melding {message_id} is replaced already by a newer one")
        return result, None
    archive_id, _ = archive_file(session, path=path, content=content, client_id=client.id, kind="amelding",
                                 period=period, content_type="application/xml", login=who.login)
    # A newer a-melding of the month replaces the active ones: by erstatterMeldingsId, by the
    # same meldingsId, or (a payroll system that does not fill erstatterMeldingsId) by period.
    old = [s for s in sources if s.period == period and s.active]
    if old:
        session.execute(update(t).where(t.c.id.in_([s.id for s in old])).values(active=False))
        result.status = "replaced"
        result.notes.extend(f"replaces the a-melding {s.message_id} imported {s.imported_at:%Y-%m-%d}" for s in old)
    now = clock.now()
    stored_id = (message_id or "")[:150] or None
    source_id = session.execute(insert(t).returning(t.c.id), [{
        "client_id": client.id, "kind": "amelding", "period": period, "period_to": period,
        "message_id": stored_id, "replaces_message_id": replaces or None,
        "archive_id": archive_id, "sha256": digest, "filename": path.name[:255], "imported_at": now,
        "imported_by": who.login, "active": True}]).scalar_one()
    result.archive_id, result.source_id = archive_id, source_id
    if newer:
        result.notes.append("a newer month is imported already: the employee register was left as it is")
    writer = _Writer(session, client, period, source_id, update_register=not newer, where=where)
    writer.earlier = sum(1 for s in sources if s.period == period)
    writer.message_id, writer.imported_at = stored_id, now
    return result, writer


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
    from byraa.core.reconcile.checks.employments import leave_text

    if period is not None:
        periods.parse_period(period)
    with store.session() as session:
        client = resolve_client(session, who, org_number)
        assert client.id is not None
        query = (select(Employee, Employment, col(SubUnit.org_number))
                 .outerjoin(Employment, col(Employment.employee_id) == col(Employee.id))
                 .outerjoin(SubUnit, col(SubUnit.id) == col(Employment.sub_unit_id))
                 .where(col(Employee.client_id) == client.id).order_by(col(Employee.name), col(Employee.id),
                                                                       col(Employment.start_date)))
        first = periods.first_day(period) if period else None
        last = periods.last_day(period) if period else None
        rows = session.execute(query).all()
        leaves: dict[int, list[tuple]] = {}
        for leave in session.scalars(select(Leave).join(Employment, col(Employment.id) == col(Leave.employment_id))
                                     .where(col(Employment.client_id) == client.id)):
            leaves.setdefault(leave.employment_id, []).append(
                (leave.start_date, leave.end_date, leave.leave_pct, leave.description))
        income: dict[str, int] = {}
        withheld: dict[str, int] = {}
        if period:
            active = select(col(ReconSource.id)).where(
                col(ReconSource.client_id) == client.id, col(ReconSource.kind) == "amelding",
                col(ReconSource.period) == period, col(ReconSource.active).is_(True))
            income = dict(session.execute(
                select(col(ReconIncome.national_id), func.sum(col(ReconIncome.amount)))
                .where(col(ReconIncome.source_id).in_(active)).group_by(col(ReconIncome.national_id))).all())
            withheld = dict(session.execute(select(col(ReconWithholding.national_id),
                                                   func.sum(col(ReconWithholding.amount)))
                                            .where(col(ReconWithholding.source_id).in_(active))
                                            .group_by(col(ReconWithholding.national_id))).all())
        out: list[EmployeeListRow] = []
        seen: set[int] = set()
        for person, e, unit in rows:
            if first is not None and last is not None and (  # a month asked for
                    e is None or e.start_date > last or (e.end_date is not None and e.end_date < first)):
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
