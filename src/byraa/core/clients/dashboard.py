"""The dashboard's key figures across clients, with a 12-month trend and an attention list.

Figures follow the agency overview of seed 002: payroll clients, active employees,
payslips sent, travel/expense registrations, absences, degree of automation, a-meldinger
rejected, total pay. A manager sees all clients (or only their own, by toggle); a clerk
sees the clients they have access to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency.identity import Identity
from byraa.core.base import clock, periods
from byraa.core.clients import deadlines
from byraa.core.clients import groups as core_groups
from byraa.core.clients.latest_amelding import latest_amelding
from byraa.core.reconcile.checks import DIFFERENCE_STATUSES
from byraa.core.store import Store
from byraa.core.store.models import (
    AmeldingSubmission,
    Client,
    ClientAccess,
    ClientActivity,
    Employment,
    PayrollRun,
    StaffUser,
    in_force,
)
from byraa.core.store.models_altinn import no_current_card
from byraa.core.store.models_reconcile import ReconRow, ReconRun
from byraa.core.words.collation import sort_key

TREND_MONTHS = 12
TERM_DEADLINE_DAYS = 10
"""The term payment deadline joins the attention list this many days before it is due."""

FIGURES = (
    ("payroll_clients", "count"),
    ("active_employees", "count"),
    ("payslips", "count"),
    ("travel_expenses", "count"),
    ("absences", "count"),
    ("automation", "percent"),
    ("amelding_rejected", "count"),
    ("total_pay", "nok"),
)
"""The figures in display order, with how each is shown."""

GROWING = frozenset({"payroll_clients", "active_employees", "payslips", "travel_expenses", "absences",
                     "amelding_rejected", "total_pay"})
"""Figures a month in progress has only part of, so they are not compared with a whole month
before (they read "so far"): what happens during the month, and the clients and employees
that only the month's a-meldinger tell of (a client that has not reported December yet
counts none; against November that read as "▼ −100 %" on the 4th)."""


UNKNOWN_REASONS = {"automation": "no_generated_mark"}
"""Why a figure may be unknown (``None``): a code that ``labels.figure_unknown`` puts in words."""


@dataclass(frozen=True)
class Figure:
    key: str
    unit: str
    """``count``, ``percent`` or ``nok`` (øre)."""
    value: float | None
    """``None`` when the data cannot give the figure (shown as "–", never as 0)."""
    previous: float | None
    trend: tuple[float | None, ...]
    """Oldest first, ending with ``value``."""

    so_far: bool = False
    """The month is still in progress and this figure grows with it (``GROWING``): a change
    against the whole month before would mislead, so none is shown."""

    @property
    def change(self) -> float:
        if self.value is None or self.previous is None:
            return 0.0
        return self.value - self.previous

    @property
    def unknown_reason(self) -> str | None:
        """Why ``value`` is ``None`` (a code), or ``None`` when it is known."""
        return UNKNOWN_REASONS.get(self.key, "no_data") if self.value is None else None


@dataclass(frozen=True)
class Attention:
    """Something a clerk should act on; screens turn it into words."""

    kind: str
    """``amelding_rejected``, ``no_responsible``, ``responsible_left``, ``reconciliation_unsigned``,
    ``taxcards_missing``, ``amelding_deadline``, ``term_deadline``."""
    severity: str
    """``error``, ``warning`` or ``info``."""
    client_id: int | None = None
    client_name: str | None = None
    period: str | None = None
    due: date | None = None
    count: int = 0


@dataclass(frozen=True)
class Dashboard:
    period: str
    scope: str
    """``all`` (every client) or ``mine`` (clients the user holds a grant on)."""
    months: tuple[str, ...]
    figures: tuple[Figure, ...]
    attention: tuple[Attention, ...]
    client_count: int
    group: str | None = None
    """The group the figures are restricted to, if any."""


def default_period() -> str:
    return periods.period_of(clock.today())


def in_progress_month(period: str) -> bool:
    """Whether ``period`` is this month and it has days left (its figures are partial)."""
    today = clock.today()
    return period == periods.period_of(today) and today < periods.last_day(period)


@dataclass(frozen=True)
class _Within:
    """Which clients the figures count: the user's scope, and optionally one group."""

    who: Identity
    scope: str
    members: Any = None
    """A subquery of the group's client ids, or ``None`` for no group."""


def _scope_filter(column, within: _Within):  # noqa: ANN001, ANN202
    """Restrict ``column`` (a client id) to the clients in scope; ``None`` for all."""
    conditions = []
    if not (within.scope == "all" and within.who.is_manager):
        conditions.append(column.in_(select(col(ClientAccess.client_id)).where(col(ClientAccess.user_id) == within.who.user_id)))
    if within.members is not None:
        conditions.append(column.in_(within.members))
    return and_(*conditions) if conditions else None


def _where(query, column, within: _Within):  # noqa: ANN001, ANN202
    condition = _scope_filter(column, within)
    return query if condition is None else query.where(condition)


def build(store: Store, who: Identity, period: str | None = None, scope: str | None = None,
          group: str | None = None) -> Dashboard:
    """The dashboard for ``period`` (default: this month) in ``scope`` (default by role),
    restricted to the clients of ``group`` when one is named (e.g. "Utbetaling 20.")."""
    period = periods.parse_period(period) if period else default_period()
    scope = scope or ("all" if who.is_manager else "mine")
    if scope not in ("all", "mine"):
        raise ValueError(scope)
    if not who.is_manager:
        scope = "mine"
    months = tuple(periods.last_months(period, TREND_MONTHS))
    with store.session() as session:
        within = _Within(who, scope, None if group is None else core_groups.members(session, group))
        series = _series(session, within, months)
        in_progress = in_progress_month(period)
        figures = tuple(
            Figure(key, unit, series[key][-1], series[key][-2], tuple(series[key]),
                   so_far=in_progress and key in GROWING)
            for key, unit in FIGURES
        )
        attention = tuple(sorted(_attention(session, within, period), key=_urgency))
        client_count = session.scalar(
            _where(select(func.count(col(Client.id))).where(col(Client.status) != "ended"), col(Client.id), within)
        ) or 0
    return Dashboard(period, scope, months, figures, attention, client_count, group)


def _series(session: Session, within: _Within, months: tuple[str, ...]) -> dict[str, list[float | None]]:
    first, last = months[0], months[-1]
    # int(): PostgreSQL sums BIGINTs into NUMERIC, which arrives as Decimal.
    # Automation counts only runs that say how many payslips were made by hand: a run
    # derived from an a-melding has no such mark (payslips_manual NULL).
    marked = col(PayrollRun.payslips_manual).is_not(None)
    runs = {
        p: (int(clients), int(slips), int(manual), int(gross), int(marked_slips))
        for p, clients, slips, manual, gross, marked_slips in session.execute(
            _where(
                select(
                    col(PayrollRun.period),
                    func.count(func.distinct(col(PayrollRun.client_id))),
                    func.coalesce(func.sum(col(PayrollRun.payslip_count)), 0),
                    func.coalesce(func.sum(col(PayrollRun.payslips_manual)), 0),
                    func.coalesce(func.sum(col(PayrollRun.gross)), 0),
                    func.coalesce(func.sum(col(PayrollRun.payslip_count)).filter(marked), 0),
                )
                .where(col(PayrollRun.period).between(first, last))
                .group_by(col(PayrollRun.period)),
                col(PayrollRun.client_id), within,
            )
        )
    }
    activity = {
        p: (int(travel or 0), int(absences or 0), int(heads or 0))
        for p, travel, absences, heads in session.execute(
            _where(
                select(
                    col(ClientActivity.period),
                    func.sum(col(ClientActivity.travel_expense_claims)),
                    func.sum(col(ClientActivity.absences)),
                    func.sum(col(ClientActivity.active_employees)),
                )
                .where(col(ClientActivity.period).between(first, last))
                .group_by(col(ClientActivity.period)),
                col(ClientActivity.client_id), within,
            )
        )
    }
    rejected = dict(
        session.execute(
            _where(
                select(col(AmeldingSubmission.period), func.count(col(AmeldingSubmission.id)))
                .where(col(AmeldingSubmission.period).between(first, last), col(AmeldingSubmission.status) == "rejected")
                .group_by(col(AmeldingSubmission.period)),
                col(AmeldingSubmission.client_id), within,
            )
        ).all()
    )
    out: dict[str, list[float | None]] = {key: [] for key, _ in FIGURES}
    for p in months:
        clients, slips, manual, gross, marked_slips = runs.get(p, (0, 0, 0, 0, 0))
        travel, absences, heads = activity.get(p, (0, 0, 0))
        out["payroll_clients"].append(clients)
        out["active_employees"].append(heads)
        out["payslips"].append(slips)
        out["travel_expenses"].append(travel or 0)
        out["absences"].append(absences or 0)
        out["automation"].append(100.0 * (marked_slips - manual) / marked_slips if marked_slips else None)
        out["amelding_rejected"].append(rejected.get(p, 0))
        out["total_pay"].append(gross)
    return out


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_DEADLINES = frozenset({"amelding_deadline", "term_deadline"})


def _urgency(item: Attention) -> tuple[int, int]:
    """Errors first, then warnings with a deadline a few days away before the other
    warnings (on 4 December, November's a-melding due on the 7th came after every
    missing tax card), then what is only for information; otherwise in the order found."""
    return _SEVERITY_RANK.get(item.severity, 3), 0 if item.kind in _DEADLINES else 1


def _attention(session: Session, within: _Within, period: str) -> list[Attention]:
    items: list[Attention] = []
    previous = periods.shift(period, -1)
    # Rejected a-meldinger of this month and the one before whose latest submission is
    # still the rejected one (a resubmission that was accepted clears it).
    newest = latest_amelding(periods=(previous, period), per_period=True)
    rejected = _where(
        select(newest.c.client_id, col(Client.name), newest.c.period)
        .join(Client, col(Client.id) == newest.c.client_id)
        .where(newest.c.status == "rejected"),
        newest.c.client_id, within,
    )
    # Names in Norwegian order (core.words.collation), newest month first.
    for client_id, name, p in sorted(sorted(session.execute(rejected), key=lambda r: sort_key(r[1])),
                                     key=lambda r: r[2], reverse=True):
        items.append(Attention("amelding_rejected", "error", client_id, name, p))
    # Without a responsible, as the access review counts it: no responsible grant at all,
    # or only ones held by staff who have left (said apart: the fix differs).
    held = select(col(ClientAccess.client_id)).where(col(ClientAccess.role) == "responsible")
    held_by_active = (held.join(StaffUser, col(StaffUser.id) == col(ClientAccess.user_id))
                      .where(col(StaffUser.active).is_(True)))
    orphan = _where(
        select(col(Client.id), col(Client.name), col(Client.id).in_(held))
        .where(col(Client.status) != "ended", ~col(Client.id).in_(held_by_active)),
        col(Client.id), within,
    )
    for client_id, name, had_one in sorted(session.execute(orphan), key=lambda r: sort_key(r[1])):
        items.append(Attention("responsible_left" if had_one else "no_responsible", "warning", client_id, name))
    items += _unsigned_reconciliations(session, within, previous)
    items += _missing_tax_cards(session, within, period)
    # The a-melding deadlines still ahead (or today): the month shown's, and in the first
    # days of a month the month before's (November's is due about 5 December, the most
    # pressing one on the 4th, when the dashboard shows December).
    for month_of in (previous, period):
        due = deadlines.amelding_deadline(month_of).due
        if due < clock.today():
            continue
        # Sent: the month's newest a-melding is accepted (an accepted one replaced by a
        # rejected one is outstanding again, as the attention list above says).
        month = latest_amelding(periods=(month_of,))
        sent = select(month.c.client_id).where(month.c.status == "accepted")
        outstanding = session.scalar(
            _where(
                select(func.count(col(Client.id))).where(col(Client.status) == "active", ~col(Client.id).in_(sent)),
                col(Client.id), within,
            )
        ) or 0
        severity = "warning" if (due - clock.today()).days <= 5 and outstanding else "info"
        items.append(Attention("amelding_deadline", severity, period=month_of, due=due, count=outstanding))
    # The term payment (withholding and employer's contribution) once it is 10 days away.
    today = clock.today()
    for deadline in deadlines.between(today, today + timedelta(days=TERM_DEADLINE_DAYS)):
        if deadline.kind == "term_payment":
            severity = "warning" if (deadline.due - today).days <= 5 else "info"
            items.append(Attention("term_deadline", severity, period=deadline.period, due=deadline.due))
    return items


def _unsigned_reconciliations(session: Session, within: _Within, period: str) -> list[Attention]:
    """Clients whose newest reconciliation of ``period`` (the month before the one shown,
    the month being reconciled) is unsigned and has differences nobody has resolved."""
    newest = (
        select(col(ReconRun.client_id), func.max(col(ReconRun.version)).label("version"))
        .where(col(ReconRun.period) == period).group_by(col(ReconRun.client_id))
    ).subquery()
    query = _where(
        select(col(Client.id), col(Client.name), func.count(col(ReconRow.id)))
        .join(newest, newest.c.client_id == col(Client.id))
        .join(ReconRun, and_(col(ReconRun.client_id) == newest.c.client_id, col(ReconRun.period) == period,
                             col(ReconRun.version) == newest.c.version))
        .join(ReconRow, col(ReconRow.run_id) == col(ReconRun.id))
        .where(col(ReconRun.signed_at).is_(None), col(ReconRow.status).in_(DIFFERENCE_STATUSES),
               col(ReconRow.resolution).is_(None))
        .group_by(col(Client.id), col(Client.name)),
        col(Client.id), within,
    )
    return [Attention("reconciliation_unsigned", "warning", client_id, name, period, count=int(n))
            for client_id, name, n in sorted(session.execute(query), key=lambda r: sort_key(r[1]))]


def _missing_tax_cards(session: Session, within: _Within, period: str) -> list[Attention]:
    """Clients with employees active in ``period`` who have no tax card for its year on
    file (never asked, or Skatteetaten could not answer): payroll would withhold 50 %."""
    year = int(period[:4])
    first, last = periods.first_day(period), periods.last_day(period)
    query = _where(
        select(col(Client.id), col(Client.name), func.count(func.distinct(col(Employment.employee_id))))
        .select_from(Employment).join(Client, col(Client.id) == col(Employment.client_id))
        .where(in_force(Employment, first, last), col(Client.status) != "ended", no_current_card(year))
        .group_by(col(Client.id), col(Client.name)),
        col(Client.id), within,
    )
    return [Attention("taxcards_missing", "warning", client_id, name, period, count=int(n))
            for client_id, name, n in sorted(session.execute(query), key=lambda r: sort_key(r[1]))]
