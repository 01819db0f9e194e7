"""The agency's standard reports: usage log, my clients, term report, degree of automation.

Each report is a ``Report``: typed columns and plain rows, written to CSV or XLSX by
``byraa.core.files.spreadsheet``. Reports with amounts only include clients the user may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from byraa.core.agency import access
from byraa.core.agency.identity import Identity
from byraa.core.base import periods
from byraa.core.base.errors import UserError
from byraa.core.clients import deadlines
from byraa.core.clients import groups as core_groups
from byraa.core.clients import registry as core_clients
from byraa.core.store import Store
from byraa.core.store.models import Client, ClientActivity, PayrollRun
from byraa.core.words import labels
from byraa.core.words.collation import by_name
from byraa.core.words.i18n import _


@dataclass(frozen=True)
class ReportColumn:
    key: str
    header: str
    kind: str = "text"
    """``text``, ``int``, ``nok`` (øre in rows, kroner in files), ``percent``, ``date``, ``month``
    (``2026-10`` in rows and files, ``10.2026`` on screen)."""
    total: bool = False
    """Whether the column gets a sum row (a formula in XLSX)."""
    words: Callable[[str], str] | None = None
    """A text column of codes (``responsible``, ``active``): how a person reads one (the
    screen, the terminal's table, XLSX). CSV and JSON keep the code."""
    on_screen: bool = True
    """Whether the reports screen's table shows it: not when every row holds what the
    screen's head already says (the term), so the rest fits 80 columns. Files and the
    terminal's table have every column."""


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    columns: tuple[ReportColumn, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)


def _visible_clients(store: Store, who: Identity, group: str | None = None) -> dict[int, Client]:
    """The clients the user may see, by name; only those of ``group`` when one is named."""
    with store.session() as session:
        allowed = access.accessible_client_ids(session, who)
        query = select(Client)
        if allowed is not None:
            query = query.where(col(Client.id).in_(allowed))
        if group is not None:
            query = query.where(col(Client.id).in_(core_groups.members(session, group)))
        return {c.id or 0: c for c in by_name(session.scalars(query))}


def _months(first: str, last: str) -> list[str]:
    first, last = periods.parse_period(first), periods.parse_period(last)
    if last < first:
        raise UserError("period.range_backwards", first=first, last=last)
    months = [first]
    while months[-1] < last:
        months.append(periods.shift(months[-1], 1))
    return months


def usage_log(store: Store, who: Identity, first: str, last: str, *, group: str | None = None) -> Report:
    """Payslips and travel/expense claims per client per month: the agency's billing basis."""
    months = _months(first, last)
    visible = _visible_clients(store, who, group)
    with store.session() as session:
        slips = {
            (c, p): int(n)
            for c, p, n in session.execute(
                select(col(PayrollRun.client_id), col(PayrollRun.period), func.sum(col(PayrollRun.payslip_count)))
                .where(col(PayrollRun.period).between(months[0], months[-1]))
                .group_by(col(PayrollRun.client_id), col(PayrollRun.period))
            )
        }
        claims = {
            (c, p): n
            for c, p, n in session.execute(
                select(col(ClientActivity.client_id), col(ClientActivity.period),
                       col(ClientActivity.travel_expense_claims))
                .where(col(ClientActivity.period).between(months[0], months[-1]))
            )
        }
    rows = [
        {"org_number": c.org_number, "client": c.name, "period": p, "payslips": slips.get((cid, p), 0),
         "travel_expense_claims": claims.get((cid, p), 0)}
        for cid, c in visible.items()
        for p in months
        if (cid, p) in slips or (cid, p) in claims
    ]
    return Report(
        "usage", _("Usage log"),
        (ReportColumn("org_number", _("Org. no.")), ReportColumn("client", _("Client")), ReportColumn("period", _("Period"), "month"),
         ReportColumn("payslips", _("Payslips"), "int", True),
         ReportColumn("travel_expense_claims", _("Travel and expense claims"), "int", True)),
        rows,
    )


def my_clients(store: Store, who: Identity, *, group: str | None = None) -> Report:
    """The user's own clients (held grants) with their status."""
    rows = [
        {"org_number": r.org_number, "client": r.name, "role": "responsible" if who.login in r.responsible else "associate",
         "status": r.status, "pay_day": r.pay_day, "last_amelding_period": r.last_amelding_period,
         "last_amelding_status": r.last_amelding_status, "employees": r.employees}
        for r in core_clients.list_clients(store, who, only_mine=True, group=group)
    ]
    return Report(
        "my-clients", _("My clients"),
        (ReportColumn("org_number", _("Org. no.")), ReportColumn("client", _("Client")),
         ReportColumn("role", _("Role"), words=labels.role),
         ReportColumn("status", _("Status"), words=labels.client_status), ReportColumn("pay_day", _("Pay day"), "int"),
         ReportColumn("last_amelding_period", _("A-melding"), "month"),
         ReportColumn("last_amelding_status", _("A-melding status"), words=labels.amelding_status),
         ReportColumn("employees", _("Employees"), "int", True)),
        rows,
    )


def term_report(store: Store, who: Identity, year: int, term: int, *, group: str | None = None) -> Report:
    """Withholding and employer's contribution per client for a term, with the due date."""
    if not 1 <= term <= 6:
        raise UserError("report.bad_term", term=term)
    first = f"{year:04d}-{2 * term - 1:02d}"
    last = deadlines.term_of(first)[1]
    due = deadlines.term_payment_deadline(first).due
    visible = _visible_clients(store, who, group)
    with store.session() as session:
        sums = {
            c: (int(w), int(a))
            for c, w, a in session.execute(
                select(col(PayrollRun.client_id), func.sum(col(PayrollRun.withholding)),
                       func.sum(col(PayrollRun.employer_contribution)))
                .where(col(PayrollRun.period).between(first, last))
                .group_by(col(PayrollRun.client_id))
            )
        }
    rows = [
        {"org_number": c.org_number, "client": c.name, "term": f"{year}-{term}", "withholding": sums[cid][0],
         "employer_contribution": sums[cid][1], "due": due}
        for cid, c in visible.items()
        if cid in sums
    ]
    return Report(
        "term", _("Term report {year} term {term}").format(year=year, term=term),
        (ReportColumn("org_number", _("Org. no.")), ReportColumn("client", _("Client")), ReportColumn("term", _("Term"), on_screen=False),
         ReportColumn("withholding", _("Withholding"), "nok", True),
         ReportColumn("employer_contribution", _("Employer's contribution"), "nok", True),
         ReportColumn("due", _("Due"), "date")),
        rows,
    )


def automation(store: Store, who: Identity, first: str, last: str, *, group: str | None = None) -> Report:
    """Degree of automation per client: share of payslips produced without manual changes."""
    months = _months(first, last)
    visible = _visible_clients(store, who, group)
    # Only runs that mark hand-made payslips count towards automation; a run derived from
    # an a-melding has no such mark, so a client with only those shows "–" (None), not 100 %.
    totals: dict[int, list[int | None]] = defaultdict(lambda: [0, None, 0])
    marked = col(PayrollRun.payslips_manual).is_not(None)
    with store.session() as session:
        for c, n, manual, marked_n in session.execute(
            select(col(PayrollRun.client_id), func.sum(col(PayrollRun.payslip_count)),
                   func.sum(col(PayrollRun.payslips_manual)),
                   func.coalesce(func.sum(col(PayrollRun.payslip_count)).filter(marked), 0))
            .where(col(PayrollRun.period).between(months[0], months[-1]))
            .group_by(col(PayrollRun.client_id))
        ):
            totals[c] = [int(n), None if manual is None else int(manual), int(marked_n)]

    def share(n: int, manual: int | None, marked_n: int) -> float | None:
        return 100.0 * (marked_n - manual) / marked_n if manual is not None and marked_n else None

    rows = [
        {"org_number": c.org_number, "client": c.name, "payslips": totals[cid][0], "manual": totals[cid][1],
         "automation": share(*totals[cid])}  # type: ignore[arg-type]
        for cid, c in visible.items()
        if cid in totals
    ]
    return Report(
        "automation", _("Degree of automation"),
        (ReportColumn("org_number", _("Org. no.")), ReportColumn("client", _("Client")),
         ReportColumn("payslips", _("Payslips"), "int", True), ReportColumn("manual", _("Changed by hand"), "int", True),
         ReportColumn("automation", _("Degree of automation"), "percent")),
        rows,
    )
