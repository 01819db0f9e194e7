"""The payroll extract (the seed's page 405): journal lines chosen by criteria, as a pivot
(account × person × department × pay type, one column per period, live SUM formulas) or as
every line, for budgets and their follow-up.

Criteria: clients (default: every client the user may see), an account range, pay forms,
a period range and departments; each left out means "all". The lines are the imported
posting journals (``posting_line``) of the clients' runs in the period range. The
extract rights (``extract_rights``) then hide lines the user may not see; the extract
says how many lines of which accounts or departments it left out, never their amounts.

The workbook stores every formula's computed value too, so a reader that does not
recalculate (LibreOffice on open, polars/fastexcel) shows the figures.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.access import accessible_client_ids
from byraa.core.agency.identity import Identity
from byraa.core.base import ids
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.posting import extract_rights
from byraa.core.store import Store
from byraa.core.store.models import Client, Employee
from byraa.core.store.models_posting import PostingLine, PostingRun


@dataclass(frozen=True)
class Criteria:
    clients: tuple[str, ...] = ()
    account_from: str | None = None
    account_to: str | None = None
    pay_forms: tuple[str, ...] = ()
    period_from: str | None = None
    period_to: str | None = None
    departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    client: str
    client_name: str
    period: str
    pay_form: str
    off_cycle: bool
    account: str
    national_id: str | None
    name: str | None
    department: str | None
    pay_type: str | None
    amount: int
    text: str | None


@dataclass(frozen=True)
class LeftOut:
    control: str
    """``account`` or ``department``."""
    lines: int
    values: tuple[str, ...]
    """The accounts (or departments, ``""`` for none) of the lines left out."""


@dataclass(frozen=True)
class PivotRow:
    account: str
    national_id: str | None
    name: str | None
    department: str | None
    pay_type: str | None
    amounts: dict[str, int]
    """Period -> øre."""

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


@dataclass
class Extract:
    criteria: Criteria
    lines: list[Line]
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def periods(self) -> list[str]:
        return sorted({x.period for x in self.lines})

    def pivot(self) -> list[PivotRow]:
        """One row per account, person, department and pay type; sorted as the sheet shows them."""
        sums: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        names: dict[tuple, str | None] = {}
        for x in self.lines:
            key = (x.account, x.national_id, x.department, x.pay_type)
            sums[key][x.period] += x.amount
            names[key] = x.name
        order = sorted(sums, key=lambda k: (extract_rights.sort_key(k[0]), k[1] or "", k[2] or "", k[3] or ""))
        return [PivotRow(k[0], k[1], names[k], k[2], k[3], dict(sums[k])) for k in order]


def _period(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    from byraa.core.base import periods

    try:
        periods.parse_period(value)
    except UserError:
        raise UserError("extract.bad_period", name=name, value=repr(value[:20])) from None
    return value


def extract(store: Store, who: Identity, criteria: Criteria) -> Extract:
    """The lines the criteria choose and the user may see, and what the rights left out."""
    period_from = _period(criteria.period_from, "--from")
    period_to = _period(criteria.period_to, "--to")
    if period_from and period_to and period_from > period_to:
        raise UserError("extract.range_reversed", low=period_from, high=period_to)
    key = extract_rights.sort_key
    if criteria.account_from and criteria.account_to and key(criteria.account_from) > key(criteria.account_to):
        raise UserError("extract.range_reversed", low=criteria.account_from, high=criteria.account_to)
    control = extract_rights.control(store)
    mine = extract_rights.rights(store, who, who.login) if not who.is_manager else []
    check_accounts = control.account_control and not who.is_manager
    check_departments = control.department_control and not who.is_manager
    with store.session() as session:
        if criteria.clients:
            clients = [resolve_client(session, who, org) for org in criteria.clients]
        else:
            allowed = accessible_client_ids(session, who)
            query = select(Client).order_by(col(Client.org_number))
            if allowed is not None:
                query = query.where(col(Client.id).in_(allowed or {-1}))
            clients = list(session.scalars(query))
        by_id = {c.id: c for c in clients}
        t = PostingLine.__table__.c  # type: ignore[attr-defined]
        query = (select(col(PostingRun.client_id), col(PostingRun.period), col(PostingRun.pay_form), col(PostingRun.off_cycle),
                        t.account, t.national_id, t.department, t.pay_type, t.amount, t.text)
                 .join(PostingRun, col(PostingRun.id) == t.run_id)
                 .where(col(PostingRun.client_id).in_(list(by_id) or [-1])))
        if period_from:
            query = query.where(col(PostingRun.period) >= period_from)
        if period_to:
            query = query.where(col(PostingRun.period) <= period_to)
        if criteria.pay_forms:
            query = query.where(col(PostingRun.pay_form).in_(criteria.pay_forms))
        if criteria.departments:
            query = query.where(t.department.in_(criteria.departments))
        rows: Sequence[Any] = session.execute(query.order_by(col(PostingRun.client_id), col(PostingRun.period), col(PostingRun.pay_form),
                                              col(PostingRun.off_cycle), t.line_no)).all()
        names = {(client_id, nid): name for client_id, nid, name in session.execute(
            select(col(Employee.client_id), col(Employee.national_id), col(Employee.name))
            .where(col(Employee.client_id).in_(list(by_id) or [-1])))}
        lines: list[Line] = []
        hidden: dict[str, list[str]] = {"account": [], "department": []}
        account_rights = [r for r in mine if r.kind == "account"]
        pay_type_rights = [r for r in mine if r.kind == "pay_type"]
        department_rights = [r for r in mine if r.kind == "department"]
        for client_id, period, pay_form, off_cycle, account, nid, department, pay_type, amount, text in rows:
            if criteria.account_from and key(account) < key(criteria.account_from):
                continue
            if criteria.account_to and key(account) > key(criteria.account_to):
                continue
            if check_accounts and not (any(r.covers(account) for r in account_rights)
                                       or (pay_type and any(r.covers(pay_type) for r in pay_type_rights))):
                hidden["account"].append(account)
                continue
            if check_departments and not (department and any(r.covers(department) for r in department_rights)):
                hidden["department"].append(department or "")
                continue
            client = by_id[client_id]
            lines.append(Line(client.org_number, client.name, period, pay_form, off_cycle, account, nid,
                              names.get((client_id, nid)) if nid else None, department, pay_type, amount, text))
        left_out = [LeftOut(kind, len(values), tuple(sorted(set(values), key=key)))
                    for kind, values in hidden.items() if values]
        audit.record(session, actor=who.login, action="extract.run", entity="extract",
                     after={"clients": [c.org_number for c in clients], "lines": len(lines),
                            "left_out": {x.control: x.lines for x in left_out}})
        return Extract(criteria, lines, left_out)


def reveal(store: Store, who: Identity, result: Extract) -> None:
    """Audit that the extract's national ids are shown unmasked."""
    with store.session() as session:
        audit.record(session, actor=who.login, action="national_id.reveal", entity="extract",
                     after={"what": "payroll extract", "people": len({x.national_id for x in result.lines
                                                                      if x.national_id})})


def _nid(value: str | None, unmasked: bool) -> str:
    if not value:
        return ""
    return value if unmasked else ids.mask_national_id(value)


def _col(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def workbook(result: Extract, *, form: str = "pivot", unmasked: bool = False) -> bytes:
    """The extract as XLSX: ``pivot`` (sums with live formulas), ``lines`` (every line) or ``both``."""
    import xlsxwriter

    if form not in ("pivot", "lines", "both"):
        raise UserError("extract.bad_form", form=form)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "# ##0.00"})
    money_bold = book.add_format({"num_format": "# ##0.00", "bold": True})
    if form in ("pivot", "both"):
        _pivot_sheet(book, result, bold, money, money_bold, unmasked)
    if form in ("lines", "both"):
        _lines_sheet(book, result, bold, money, unmasked)
    if result.left_out:
        sheet = book.add_worksheet("Utelatt")
        for c, h in enumerate(("control", "lines", "values")):
            sheet.write_string(0, c, h, bold)
        for r, x in enumerate(result.left_out, start=1):
            sheet.write_string(r, 0, x.control)
            sheet.write_number(r, 1, x.lines)
            sheet.write_string(r, 2, ", ".join(v or "-" for v in x.values))
    book.close()
    return out.getvalue()


def _pivot_sheet(book, result: Extract, bold, money, money_bold, unmasked: bool) -> None:  # noqa: ANN001
    """Rows grouped by account with a SUBTOTAL row each and a grand total that skips them."""
    sheet = book.add_worksheet("Pivot")
    periods = result.periods
    headers = ["account", "national_id", "name", "department", "pay_type", *periods, "sum"]
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h, bold)
    first_amount, total_col = 5, 5 + len(periods)
    row = 1
    rows = result.pivot()
    grand = [0] * (len(periods) + 1)
    for account in dict.fromkeys(r.account for r in rows):
        group = [r for r in rows if r.account == account]
        start = row
        for p in group:
            sheet.write_string(row, 0, p.account)
            sheet.write_string(row, 1, _nid(p.national_id, unmasked))
            sheet.write_string(row, 2, p.name or "")
            sheet.write_string(row, 3, p.department or "")
            sheet.write_string(row, 4, p.pay_type or "")
            for i, period in enumerate(periods):
                if period in p.amounts:
                    sheet.write_number(row, first_amount + i, p.amounts[period] / 100, money)
            # Excel rows are 1-based: data row ``row`` is row+1 in a formula.
            sheet.write_formula(row, total_col, f"=SUM({_col(first_amount)}{row + 1}:{_col(total_col - 1)}{row + 1})",
                                money, p.total / 100)
            row += 1
        sheet.write_string(row, 0, f"sum {account}", bold)
        for i in range(len(periods) + 1):
            col = _col(first_amount + i)
            value = sum((p.amounts.get(periods[i], 0) if i < len(periods) else p.total) for p in group)
            grand[i] += value
            sheet.write_formula(row, first_amount + i, f"=SUBTOTAL(9,{col}{start + 1}:{col}{row})", money_bold,
                                value / 100)
        row += 1
    sheet.write_string(row, 0, "sum", bold)
    for i in range(len(periods) + 1):
        col = _col(first_amount + i)
        sheet.write_formula(row, first_amount + i, f"=SUBTOTAL(9,{col}2:{col}{row})", money_bold, grand[i] / 100)
    sheet.freeze_panes(1, 5)
    sheet.set_column(2, 2, 24)
    sheet.set_column(first_amount, total_col, 14)


def _lines_sheet(book, result: Extract, bold, money, unmasked: bool) -> None:  # noqa: ANN001
    sheet = book.add_worksheet("Linjer")
    headers = ["client", "client_name", "period", "pay_form", "off_cycle", "account", "national_id", "name",
               "department", "pay_type", "amount", "text"]
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h, bold)
    for r, x in enumerate(result.lines, start=1):
        for c, value in enumerate((x.client, x.client_name, x.period, x.pay_form, "ja" if x.off_cycle else "nei",
                                   x.account, _nid(x.national_id, unmasked), x.name or "", x.department or "",
                                   x.pay_type or "")):
            sheet.write_string(r, c, value)
        sheet.write_number(r, 10, x.amount / 100, money)
        sheet.write_string(r, 11, x.text or "")
    last = len(result.lines) + 1
    sheet.write_string(last, 9, "sum", bold)
    sheet.write_formula(last, 10, f"=SUM(K2:K{last})", money, sum(x.amount for x in result.lines) / 100)
    sheet.freeze_panes(1, 0)
