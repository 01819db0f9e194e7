"""What a person signs from: one headline figure per check and source, and a month's sign state.

A check's rows are not alike (withholding has the month, the payroll runs, the term and
the payment; the employer's contribution has basis and amount per zone, then totals), so
summing a column over them means nothing. Each check instead names the row (or the like
rows) that carries its headline:

- ``income``: the month's income, summed over the person rows (like rows);
- ``withholding``: the month row (payroll's a-melding, A07, ledger credit of the month);
- ``aga``: the total amount (payroll, A07, ledger liability credit), never the basis;
- ``holiday_pay``: the liability at the month's end (expected from payroll, ledger);
- ``clearing``: the clearing accounts' balance at the month's end (ledger);
- ``employments``: none (they compare fields, not amounts);
- ``payments``: the term's amounts owed and paid by the due date (withholding and AGA
  summed), in the term's last month;
- ``benefits``: the month's benefits in kind (payroll, ledger);
- ``holiday_pay_year``: the liability expected vs booked;
- ``garnishment``: the month's deductions withheld vs booked;
- ``pension``: the employer's share provided vs booked, in the term's last month;
- ``nav_refunds``: the NAV receivable expected vs its balance;
- ``open_items``: the personal accounts' balances at the month's end (ledger);
- ``year_end``: the year's income of the mapped groups vs the ledger's year totals.

A folder check that has nothing for the period (a month that ends no term, a client with
no pension) shows no figure rather than "mangler".

A figure is ``None`` when its source was not imported for the month ("mangler" on
screen), and ``NOT_APPLICABLE`` where the check has no such side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access
from byraa.core.agency.identity import Identity
from byraa.core.base import periods
from byraa.core.clients.lookup import resolve_client
from byraa.core.reconcile.checks import CHECKS, DIFFERENCE_STATUSES
from byraa.core.store import Store
from byraa.core.store.models import Client
from byraa.core.store.models_reconcile import ReconRun


class _NotApplicable:
    def __repr__(self) -> str:
        return "NOT_APPLICABLE"


NOT_APPLICABLE: Final = _NotApplicable()
"""The check has no figure on this side (shown empty, unlike a missing source)."""

Figure = int | None | _NotApplicable
SIDES = ("payroll", "a07", "ledger")


@dataclass(frozen=True)
class CheckFigures:
    """One check of a run: counts, and its headline figure per source (øre)."""

    check: str
    rows: int
    differences: int
    unresolved: int
    payroll: Figure
    a07: Figure
    ledger: Figure


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _row_figures(row: Any | None, sides: Sequence[str]) -> tuple[Figure, Figure, Figure]:
    """The row's values on ``sides`` (``None`` when the row is absent or the side missing)."""
    return tuple(  # type: ignore[return-value]
        (_int(getattr(row, side)) if row is not None else None) if side in sides else NOT_APPLICABLE
        for side in SIDES
    )


def _summed(rows: Sequence[Any], side: str) -> int | None:
    """The sum of like rows on ``side``; ``None`` when no row has the side and the check said it is missing."""
    values = [v for r in rows if (v := _int(getattr(r, side))) is not None]
    if values:
        return sum(values)
    if not rows or any(r.status == "missing" for r in rows):
        return None
    return 0


def headline(check: str, rows: Sequence[Any]) -> tuple[Figure, Figure, Figure]:
    """(payroll, a07, ledger) of ``check`` from its rows (``ResultRow``s or ``RowView``s)."""
    if check == "employments":  # no amount of its own; a month with no A07 says so where its figure would be
        missing = any(r.status == "missing" for r in rows)
        return NOT_APPLICABLE, None if missing else NOT_APPLICABLE, NOT_APPLICABLE
    if check == "income":
        return _summed(rows, "payroll"), _summed(rows, "a07"), NOT_APPLICABLE
    if check == "withholding":
        month = next((r for r in rows if r.field == "withholding"), None)
        return _row_figures(month, SIDES)
    if check == "aga":
        total = next((r for r in rows if r.key == "total" and r.field == "amount"), None)
        return _row_figures(total, SIDES)
    if check == "holiday_pay":
        liability = next((r for r in rows if r.field == "liability"), None)
        return _row_figures(liability, ("payroll", "ledger"))
    if check == "clearing":
        balances = [r for r in rows if r.field == "balance at period end"]
        if any(r.status == "missing" for r in balances) or not balances:
            return NOT_APPLICABLE, NOT_APPLICABLE, None
        return NOT_APPLICABLE, NOT_APPLICABLE, sum(_int(r.ledger) or 0 for r in balances)
    return _folder_headline(check, rows)


_FOLDER_ROWS = {
    "benefits": lambda r, p: r.field == "benefits in kind" and not r.key.endswith("hittil"),
    "holiday_pay_year": lambda r, p: r.key == p and r.status != "info",
    "garnishment": lambda r, p: r.field == "withheld vs booked",
    "pension": lambda r, p: r.field == "employer's share: provided vs booked",
    "nav_refunds": lambda r, p: r.field == "receivable at period end",
}


def _folder_headline(check: str, rows: Sequence[Any]) -> tuple[Figure, Figure, Figure]:
    if not rows or check not in (*_FOLDER_ROWS, "payments", "open_items", "year_end"):
        return NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE
    if check == "payments":
        paid_by = [r for r in rows if " paid by " in r.field]
        return _summed(paid_by, "payroll"), NOT_APPLICABLE, _summed(paid_by, "ledger")
    if check == "year_end":
        groups = [r for r in rows if r.status != "incomplete"]
        if not groups:
            return None, NOT_APPLICABLE, None
        return _summed(groups, "payroll"), NOT_APPLICABLE, _summed(groups, "ledger")
    if check == "open_items":
        balances = [r for r in rows if r.field == "balance at period end"]
        return NOT_APPLICABLE, NOT_APPLICABLE, _summed(balances, "ledger")
    # The month row's key is the period; the first row is the period's own.
    period = rows[0].key
    pick = _FOLDER_ROWS[check]
    row = next((r for r in rows if pick(r, period)), None)
    return _row_figures(row, ("payroll", "ledger"))


def check_figures(checks: Sequence[str], rows: Sequence[Any]) -> list[CheckFigures]:
    """Per check of a run (in check order): counts and headline figures."""
    out = []
    for check in (c for c in CHECKS if c in checks):
        mine = [r for r in rows if r.check == check]
        differences = [r for r in mine if r.status in DIFFERENCE_STATUSES]
        unresolved = sum(1 for r in differences if getattr(r, "resolution", None) is None)
        out.append(CheckFigures(check, len(mine), len(differences), unresolved, *headline(check, mine)))
    return out


# --- Sign state of a month -----------------------------------------------------------------


@dataclass(frozen=True)
class SignState:
    """A client's month: its newest version and its newest signed one."""

    latest_version: int | None
    signed_version: int | None

    @property
    def signed(self) -> bool:
        return self.signed_version is not None

    @property
    def open_version(self) -> int | None:
        """A version newer than the signed one, not signed itself (it needs signing again)."""
        if self.signed_version is not None and self.latest_version is not None \
                and self.latest_version > self.signed_version:
            return self.latest_version
        return None

    @property
    def next_version(self) -> int:
        return (self.latest_version or 0) + 1


def sign_states_of(session: Session, client_ids: Any, period: str) -> dict[int, SignState]:
    """Per client id (of ``client_ids``, a list or a subquery) with a run of the month: its
    sign state. One query, no access check (the board shows it to every staff user)."""
    query = (select(col(ReconRun.client_id), func.max(col(ReconRun.version)),
                    func.max(col(ReconRun.version)).filter(col(ReconRun.signed_at).is_not(None)))
             .where(col(ReconRun.client_id).in_(client_ids), col(ReconRun.period) == period)
             .group_by(col(ReconRun.client_id)))
    return {client_id: SignState(latest, signed) for client_id, latest, signed in session.execute(query)}


def sign_states(store: Store, who: Identity, period: str,
                org_numbers: Sequence[str] | None = None) -> dict[str, SignState]:
    """Per org number (the clients ``who`` may see, or those named): the month's sign state."""
    periods.parse_period(period)
    with store.session() as session:
        allowed = access.accessible_client_ids(session, who)
        query = (select(col(Client.id), col(Client.org_number), func.max(col(ReconRun.version)),
                        func.max(col(ReconRun.version)).filter(col(ReconRun.signed_at).is_not(None)))
                 .join(ReconRun, col(ReconRun.client_id) == col(Client.id))
                 .where(col(ReconRun.period) == period).group_by(col(Client.id), col(Client.org_number)))
        if org_numbers is not None:
            query = query.where(col(Client.org_number).in_(list(org_numbers)))
        return {org: SignState(latest, signed) for client_id, org, latest, signed in session.execute(query)
                if allowed is None or client_id in allowed}


def sign_state(store: Store, who: Identity, org_number: str, period: str) -> SignState:
    """One client's month (``SignState(None, None)`` when it was never reconciled)."""
    with store.session() as session:
        resolve_client(session, who, org_number)
    return sign_states(store, who, period, [org_number]).get(org_number, SignState(None, None))
