"""Writing one a-melding's rows: the payroll side's figures and the employee register.

``amelding`` decides what a file does (new, replacing, unchanged) and opens the source;
``Writer`` then takes the recipients, sub-units and AGA as ``amelding_read`` reads them
and writes them in batches into the same transaction, one Core statement per table per
batch. The register (employees, employments, leaves, sub-units) is written only where a
month says something new, and only from the newest month imported for the client.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.base import clock, periods
from byraa.core.importers import Where, payroll_side
from byraa.core.importers.amelding_read import _Recipient
from byraa.core.store.columns import pk
from byraa.core.store.models import UNNAMED_SUB_UNIT, Client, Employee, Employment, Leave, SubUnit
from byraa.core.store.models_reconcile import ReconAga, ReconDeduction, ReconIncome, ReconWithholding

BATCH = 2000
_T_INCOME = ReconIncome.__table__  # type: ignore[attr-defined]
_T_WITHHOLDING = ReconWithholding.__table__  # type: ignore[attr-defined]
_T_AGA = ReconAga.__table__  # type: ignore[attr-defined]
_T_DEDUCTION = ReconDeduction.__table__  # type: ignore[attr-defined]
_T_EMPLOYEE = Employee.__table__  # type: ignore[attr-defined]
_T_EMPLOYMENT = Employment.__table__  # type: ignore[attr-defined]
_T_LEAVE = Leave.__table__  # type: ignore[attr-defined]
_EMPLOYMENT_FIELDS = ("employment_type", "start_date", "end_date", "occupation_code", "position_pct",
                      "hours_full_week", "sub_unit_id")
"""What an a-melding says about an employment (the register's columns it updates)."""


class Writer:
    """Writes one a-melding's rows in batches into the caller's transaction."""

    def __init__(self, session: Session, client: Client, period: str, source_id: int, *,
                 update_register: bool, where: Where, kept: dict[Any, Any] | None = None) -> None:
        """``kept``: ``Store.batch_cache()``: the register as the batch's last import of
        the client left it, instead of reading it again (``keep`` puts it there)."""
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
        self.delivered_at: datetime | None = None
        self.counts = {"recipients": 0, "employments": 0, "income_lines": 0, "withholding_lines": 0,
                       "aga_lines": 0, "employees_added": 0, "employments_added": 0, "sub_units_added": 0,
                       "employees_active": 0, "leaves_active": 0}
        self.month = (periods.first_day(period), periods.last_day(period))
        # Core statements on the tables: the ORM's bulk paths cost more than the rows.
        # With what the register holds now: a month that reports a person or an employment
        # as it stands (most months, for most of them) writes nothing for it.
        self.kept = kept if kept is not None else {}
        self.employees: dict[str, int]
        self.employee_values: dict[int, tuple[str, str | None]]
        self.employments: dict[tuple[int, str], int]
        self.employment_values: dict[int, tuple]
        self.units: dict[str, int]
        # Taken out while this import works: one that fails leaves nothing behind to be trusted.
        register = self.kept.pop(("register", self.client_id), None)
        if register is None:
            register = self._read_register()
        self.employees, self.employee_values, self.employments, self.employment_values, self.units = register

    def _read_register(self) -> tuple[dict, dict, dict, dict, dict]:
        employees: dict[str, int] = {}
        employee_values: dict[int, tuple[str, str | None]] = {}
        te = _T_EMPLOYEE
        for emp_id, nid, name, number in self.s.execute(
                select(te.c.id, te.c.national_id, te.c.name, te.c.employee_number).where(te.c.client_id == self.client_id)):
            employees[nid] = emp_id
            employee_values[emp_id] = (name, number)
        employments: dict[tuple[int, str], int] = {}
        employment_values: dict[int, tuple] = {}
        if employees:
            tj = _T_EMPLOYMENT
            for eid, emp, ref, *values in self.s.execute(
                    select(tj.c.id, tj.c.employee_id, tj.c.employment_ref, *(tj.c[name] for name in _EMPLOYMENT_FIELDS))
                    .where(tj.c.client_id == self.client_id)):
                employments[(emp, ref)] = eid
                employment_values[eid] = tuple(values)
        units = dict(self.s.execute(
            select(col(SubUnit.org_number), pk(SubUnit.id)).where(col(SubUnit.client_id) == self.client_id)).all())
        return employees, employee_values, employments, employment_values, units

    def keep(self) -> None:
        """The register as this import left it, for the batch's next import of the client
        (call when the import stands)."""
        self.kept[("register", self.client_id)] = (self.employees, self.employee_values, self.employments,
                                                   self.employment_values, self.units)

    def unit(self, org: str, place: str, zone: str | None = None) -> int:
        if org in self.units:
            return self.units[org]
        other = self.s.scalars(select(col(SubUnit.client_id)).where(col(SubUnit.org_number) == org)).first()
        if other is not None:
            raise self.where.refuse(place, "import.foreign_sub_unit", org=org)
        t = SubUnit.__table__  # type: ignore[attr-defined]
        unit_id = self.s.execute(insert(t).returning(t.c.id), [{
            "client_id": self.client_id, "org_number": org, "name": UNNAMED_SUB_UNIT.format(org=org),
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
