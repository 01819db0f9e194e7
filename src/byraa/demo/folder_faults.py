"""Faults planted in the clients' ledgers for the reconciliation folder's checks
(``core.reconcile.checks.folder``), drawn from the stage's own random stream so the demo
stays the same for the same seed.

- ``late_withholding``: one client paid a term's withholding some days after the due
  date (the contribution on time). The term is the one before the last closed month's,
  so the closed month's own checks stay clean and the fault shows on that term's
  ``payments`` check.
- ``leaver_advance``: an advance on pay (1570, with the employee number as the
  sub-ledger id) paid to an employee in the month they leave, never paid back: the
  ``open_items`` check finds it open on the employee from that month on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from byraa.core.base import periods
from byraa.demo.clients import ClientPlan
from byraa.demo.payroll import MonthResult


@dataclass(frozen=True)
class FolderFault:
    org_number: str
    problem: str
    period: str
    """The month the fault shows in (a term's last month for a payment)."""
    days_late: int = 0
    party: str | None = None
    amount: int = 0


def late_term(today: date) -> str:
    """The last month of the term before the last closed month's term."""
    period = periods.shift(periods.period_of(today), -3)
    return period if int(period[5:7]) % 2 == 0 else periods.shift(period, -1)


def plan_late_withholding(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult],
                          today: date) -> tuple[dict[int, tuple[str, int]], list[FolderFault]]:
    """(client id -> (term end, days late), the faults) for one client with withholding in
    both months of the term."""
    term_end = late_term(today)
    term = {periods.shift(term_end, -1), term_end}
    withheld: dict[int, set[str]] = {}
    for m in months:
        if m.period in term and sum(m.withheld.values()) > 0 and m.pay_date <= today:
            withheld.setdefault(m.client_index, set()).add(m.period)
    candidates = sorted(i for i, seen in withheld.items() if seen == term and clients[i].status != "ended")
    if not candidates:
        return {}, []
    index = rng.choice(candidates)
    days = rng.randint(3, 12)
    client = clients[index]
    return {client.id: (term_end, days)}, [FolderFault(client.org_number, "late_withholding", term_end, days)]


def plan_leaver_advance(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult],
                        employees: list[dict], employments: list[dict], today: date,
                        ) -> tuple[dict[int, list[tuple[date, int, str]]], list[FolderFault]]:
    """(client id -> [(day, amount, employee number)], the faults) for one employee who
    left this year before the last closed month ended, paid on the month they left."""
    closed = periods.shift(periods.period_of(today), -1)
    year_start = f"{today.year}-01"
    employment_of = {e["id"]: e for e in employments}
    number_of = {e["id"]: e["employee_number"] for e in employees}
    candidates = []
    for m in months:
        if not year_start <= m.period <= closed or m.pay_date > today or clients[m.client_index].status == "ended":
            continue
        for eid in sorted(m.wages):
            end = employment_of[eid]["end_date"]
            if end is not None and f"{end.year:04d}-{end.month:02d}" == m.period:
                candidates.append((m.client_index, m.pay_date, number_of[employment_of[eid]["employee_id"]]))
    if not candidates:
        return {}, []
    index, day, number = rng.choice(sorted(candidates))
    amount = rng.randint(4, 16) * 500_00
    client = clients[index]
    return ({client.id: [(day, amount, number)]},
            [FolderFault(client.org_number, "leaver_advance", closed, party=number, amount=amount)])


__all__ = ["FolderFault", "late_term", "plan_late_withholding", "plan_leaver_advance"]
