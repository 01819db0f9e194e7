"""``models.in_force``: the one rule for "an employment (or a leave) in force some day of
a period" that the dashboard, the board, the client list, the tax-card plan, the
activity counts, the checks and the sandbox's A07 all ask, on both backends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import col

from byraa.core.store.models import Employment, Leave, in_force
from tests.builders import small_agency


def _count(store, table, first: date, last: date) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(table).where(in_force(table, first, last)))


def test_in_force_counts_what_began_by_the_last_day_and_had_not_ended_before_the_first(store) -> None:
    small = small_agency(store)  # per client: one open since 2020, one ended 31.10.2026
    with store.session() as s:
        first = s.scalars(select(Employment).where(col(Employment.client_id) == small.clients["A"])
                          .order_by(col(Employment.id))).first()
        assert first is not None
        s.add(Employment(employee_id=first.employee_id, client_id=first.client_id, employment_ref="2",
                         start_date=date(2026, 12, 1)))
        s.add(Leave(employment_id=first.id, start_date=date(2026, 11, 10), end_date=date(2026, 11, 20),
                    description="permisjon"))
        s.commit()
    assert _count(store, Employment, date(2026, 10, 1), date(2026, 10, 31)) == 6
    assert _count(store, Employment, date(2026, 10, 31), date(2026, 10, 31)) == 6  # the last day counts
    assert _count(store, Employment, date(2026, 11, 1), date(2026, 11, 30)) == 3
    assert _count(store, Employment, date(2026, 12, 1), date(2026, 12, 1)) == 4  # the first day counts
    assert _count(store, Employment, date(2019, 1, 1), date(2019, 12, 31)) == 0
    assert _count(store, Leave, date(2026, 11, 1), date(2026, 11, 9)) == 0
    assert _count(store, Leave, date(2026, 11, 20), date(2026, 11, 30)) == 1
    assert _count(store, Leave, date(2026, 11, 21), date(2026, 11, 30)) == 0
