"""Per client and month counts kept up to date from the employments.

The dashboard's "active employees" figure sums ``ClientActivity.active_employees``.
For a month with an imported a-melding the row is derived from the file
(``byraa.core.importers.payroll_side``) and left alone here; for other months whatever
changes employments (the demo, corrections) calls ``refresh_active_employees`` for the
clients and months it touched, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.base import periods
from byraa.core.store.models import ClientActivity, Employment, in_force


def _store(session: Session, counts: dict[tuple[int, str], int]) -> None:
    """Update the rows that exist, insert the rest (an ON CONFLICT upsert would burn a
    PostgreSQL sequence value per updated row, so ids would differ from SQLite's)."""
    if not counts:
        return
    existing: set[tuple[int, str]] = set()
    for period in sorted({p for _, p in counts}):
        clients = sorted(c for c, p in counts if p == period)
        for chunk in range(0, len(clients), 900):
            existing.update(
                (c, period) for c in session.scalars(
                    select(col(ClientActivity.client_id)).where(
                        col(ClientActivity.period) == period,
                        col(ClientActivity.client_id).in_(clients[chunk: chunk + 900]))
                )
            )
    updates = [{"c": c, "p": p, "n": n} for (c, p), n in sorted(counts.items()) if (c, p) in existing]
    inserts = [{"client_id": c, "period": p, "active_employees": n, "travel_expense_claims": 0, "absences": 0}
               for (c, p), n in sorted(counts.items()) if (c, p) not in existing]
    # __table__ exists on table=True models at runtime; SQLModel's types do not declare it.
    t = ClientActivity.__table__  # type: ignore[attr-defined]
    if updates:
        session.execute(
            update(t)
            .where(t.c.client_id == bindparam("c"), t.c.period == bindparam("p"))
            .values(active_employees=bindparam("n")),
            updates,
        )
    if inserts:
        session.execute(insert(t), inserts)


def refresh_active_employees(session: Session, months: Iterable[str], client_ids: Iterable[int] | None = None) -> None:
    """Recount, for each month (and only the given clients, if any), the distinct employees
    with an employment active some day of that month."""
    wanted = None if client_ids is None else sorted(set(client_ids))
    counts_by_key: dict[tuple[int, str], int] = {}
    for period in sorted(set(months)):
        start, end = periods.first_day(period), periods.last_day(period)
        query = (
            select(col(Employment.client_id), func.count(func.distinct(col(Employment.employee_id))))
            .where(in_force(Employment, start, end))
            .group_by(col(Employment.client_id))
        )
        if wanted is not None:
            query = query.where(col(Employment.client_id).in_(wanted))
        counts = dict(session.execute(query).all())
        clients = wanted if wanted is not None else sorted(counts)
        counts_by_key.update({(c, period): int(counts.get(c, 0)) for c in clients})
    # A month with an imported a-melding counts the file's employees, not the register's.
    from byraa.core.importers.payroll_side import derived_months

    for key in derived_months(session, wanted) & set(counts_by_key):
        del counts_by_key[key]
    _store(session, counts_by_key)
