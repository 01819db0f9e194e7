"""Benefits in kind and employee loans on the reconciliation folder's demo clients, so the
``benefits`` (A08), ``open_items`` (D04) and year-end ``naturalytelser`` checks read real
figures. Drawn from the folder stage's random stream after everything else it plans, so
the figures planted before stay the same for the same seed.

On the five clients ``demo.folder_accounts`` chose (they have a posting journal for every
month of the year):

- about half the ordinary employees have a phone paid by the employer: the standard
  benefit of 4 392 kroner a year, 366 a month (``elektroniskKommunikasjon``, 5210);
- on three of them one employee has a company car, 2 500-6 500 kroner a month (``bil``,
  5200);
- on two of them one employee borrowed 50 000-200 000 kroner interest free in the first
  quarter (1380 with the employee number as sub-ledger id, paid from the bank), paid back
  by a fixed instalment deducted from net pay every month after, and taxed on the interest
  benefit at the demo's normrente (``rentefordelLaan``, 5240).

Each benefit is reported in the regular run's a-melding as a ``naturalytelse``, adds to the
contribution basis of the employee's sub-unit and to the withholding (at the employee's
rate that month), and is booked 52xx against the counter-account 5290, so the ledger's
result is unchanged. The payroll runs' withholding and contribution follow.
"""

from __future__ import annotations

import random
from datetime import date

from byraa.core.base import periods
from byraa.demo.clients import ClientPlan
from byraa.demo.folder_accounts import ClientAccounts, add_to_run, whole_kroner
from byraa.demo.payroll import MonthResult
from byraa.demo.people import ORDINARY

PHONE = ("elektroniskKommunikasjon", "5210", 366_00)
CAR = ("bil", "5200")
INTEREST = ("rentefordelLaan", "5240")
NORMRENTE_PCT = 4.5
"""The interest rate below which a loan from the employer is a taxable benefit; the
demo's assumption for the whole year."""


def plan_benefits(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult], runs: list[dict],
                  employments: list[dict], numbers: dict[int, str], today: date,
                  accounts: dict[int, ClientAccounts]) -> None:
    """Fill the months' ``benefits`` and ``loan`` and the clients' ``loans`` in place
    (module docstring). ``numbers``: employment id -> the employee number."""
    kind_of = {e["id"]: e["employment_type"] for e in employments}
    year = str(today.year)
    chosen = [c for c in clients if c.id in accounts]
    for n, client in enumerate(chosen):
        mine = sorted((m for m in months if m.client_index == client.index and m.period[:4] == year),
                      key=lambda m: m.period)
        ordinary = sorted({e for m in mine for e in m.wages if kind_of[e] == ORDINARY})
        if not ordinary:
            continue
        given: dict[int, list[tuple[str, str, int]]] = {}
        for e in rng.sample(ordinary, max(1, len(ordinary) // 2)):
            given.setdefault(e, []).append(PHONE)
        if n < 3:
            car = rng.choice(ordinary)
            given.setdefault(car, []).append((*CAR, rng.randint(25, 65) * 100_00))
        for m in mine:
            for e, benefits in given.items():
                if e in m.wages:
                    m.benefits[e] = list(benefits)
        if n < 2:
            _plan_loan(rng, client, mine, ordinary, numbers, accounts[client.id])
        accounts[client.id].kinds.add("benefits")
        for m in mine:
            for e, benefits in sorted(m.benefits.items()):
                _report(m, runs, client, e, sum(amount for _, _, amount in benefits))


def _plan_loan(rng: random.Random, client: ClientPlan, months: list[MonthResult], ordinary: list[int],
               numbers: dict[int, str], accounts: ClientAccounts) -> None:
    """One interest-free loan, paid out in the first quarter and paid back from the month after."""
    paid_all = [e for e in ordinary if all(e in m.wages for m in months)]
    first_quarter = [m for m in months if int(m.period[5:7]) <= 3]
    if not paid_all or not first_quarter:
        return
    employee = rng.choice(paid_all)
    start = rng.choice(first_quarter)
    amount = rng.randint(10, 40) * 5_000_00
    instalment = amount // rng.choice((24, 36, 48)) // 100_00 * 100_00
    accounts.loans.append((periods.first_day(start.period).replace(day=15), amount, numbers[employee]))
    accounts.borrowers[employee] = numbers[employee]
    accounts.kinds.add("employee_loan")
    balance = amount
    for m in months:
        if m.period <= start.period or balance <= 0:
            continue
        interest = whole_kroner(balance * NORMRENTE_PCT / 100 / 12)
        m.benefits.setdefault(employee, []).append((*INTEREST, interest))
        m.loan[employee] = min(instalment, balance)
        balance -= m.loan[employee]


COUNTER_ACCOUNT = "5290"
"""Motkonto for gruppe 52: the benefits are costs only for the employee's tax."""


def benefit_lines(m: MonthResult) -> list[tuple[str, int]]:
    """The month's benefits in kind as ledger lines: per account, against ``COUNTER_ACCOUNT``."""
    per_account: dict[str, int] = {}
    for benefits in m.benefits.values():
        for _, account, amount in benefits:
            per_account[account] = per_account.get(account, 0) + amount
    total = sum(per_account.values())
    return [*sorted(per_account.items()), (COUNTER_ACCOUNT, -total)] if total else []


def _report(m: MonthResult, runs: list[dict], client: ClientPlan, employment: int, amount: int) -> None:
    """A benefit in the regular run: the contribution basis and the withholding grow, at
    the employee's own withholding rate that month, and the run's gross (the sum of every
    income line, as the intake derives it from an a-melding)."""
    paid = m.wages.get(employment, 0) + m.holiday.get(employment, 0)
    withheld = whole_kroner(amount * m.withheld.get(employment, 0) / paid) if paid else 0
    m.withheld[employment] = m.withheld.get(employment, 0) + withheld
    add_to_run(m, runs, client, m.units[employment], basis=amount, withheld=withheld, gross=amount)


__all__ = ["COUNTER_ACCOUNT", "NORMRENTE_PCT", "benefit_lines", "plan_benefits"]
