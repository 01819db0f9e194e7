"""Pension, garnishment and an over-60 high earner in a few demo clients' payroll, so the
reconciliation folder's ``pension``, ``garnishment`` and ``holiday_pay_year`` checks show
real figures, with one planted fault each (``FolderFault``), drawn from the stage's own
random stream so the demo stays the same for the same seed.

- ``plan_over_60``: on one client whose only employee earning the over-60 extra (by the
  national id, as the checks read it, ``holiday_rules``) works full time all year, that
  employee earns 1.05-1.30 million kroner a year, so the year's holiday-pay basis passes
  6 G by the last closed month and the 2.3 % extra is capped. The client's payroll system
  accrues the extra on the whole basis (the yearly adjustment seed 004 describes), so
  both holiday-pay checks find 2.3 % of the basis above 6 G too much in the ledger. Every
  other client's ledger accrues the extra correctly.
- ``plan_folder_accounts``: five clients, of the months of today's year. Four have an
  occupational pension: the employer's premium (2 % of the wages, 5420 against 2810, in
  the contribution basis as ``tilskuddOgPremieTilPensjon``) and the member's share (1 %,
  deducted from net pay: a-melding ``fradrag`` ``premieTilPensjonsordninger``, 2630); the
  insurer invoices each term in its second month, a few hundred kroner off the provision,
  and the difference is moved to 2820 on the term's last day. Four withhold påleggstrekk
  from one or two employees from a month of the first half year (2610), paid to NAV
  Innkreving on the term's due date. Faults: ``pension_invoice`` (one client's last
  closed term's invoice differs by 2 000-6 000 kroner and is not moved to 2820) and
  ``unpaid_garnishment`` (one client never paid the term before the last closed month's
  term, ``late_term``). These clients get a posting journal for every month of the year:
  the checks read the provision and the deductions from the journals. Three of them also
  claim sick pay back from NAV for two months of the first half year (1574 against 5800
  in the journal and the ledger, paid by NAV six weeks after the month), so the
  ``nav_refunds`` check has claims, income and payments to compare.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from byraa.core.base import periods
from byraa.core.reconcile.checks import holiday_rules
from byraa.demo.clients import ClientPlan
from byraa.demo.folder_faults import FolderFault, late_term
from byraa.demo.payroll import MonthResult, aga_total
from byraa.demo.people import ORDINARY

EMPLOYER_PCT = 2
MEMBER_PCT = 1


@dataclass
class ClientAccounts:
    """One client's pension invoices and garnishment payments, for its ledger."""

    kinds: set[str] = field(default_factory=set)
    """``pension`` and/or ``garnishment``: what the client has."""
    invoice_diff: dict[str, int] = field(default_factory=dict)
    """term end -> invoice less provision (the employer's part)."""
    not_moved: set[str] = field(default_factory=set)
    """Terms whose difference stayed on 2810 (the planted fault)."""
    unpaid: set[str] = field(default_factory=set)
    """Terms whose påleggstrekk was never paid (the planted fault)."""
    loans: list[tuple[date, int, str]] = field(default_factory=list)
    """(day, amount, employee number) of the employee loans paid out (``demo.folder_benefits``)."""
    borrowers: dict[int, str] = field(default_factory=dict)
    """employment id -> employee number (the loan's sub-ledger id) of those loans."""


def _round5(ore: float) -> int:
    return int(round(ore / 500)) * 500


def whole_kroner(ore: float) -> int:
    return int(round(ore / 100)) * 100


def _closed_year(today: date) -> tuple[str, list[str]]:
    closed = periods.shift(periods.period_of(today), -1)
    first = f"{today.year}-01"
    out, p = [], first
    while p <= closed:
        out.append(p)
        p = periods.shift(p, 1)
    return closed, out


def _full_year_clients(clients: list[ClientPlan], months: list[MonthResult], today: date,
                       taken: set[int]) -> tuple[list[int], dict[tuple[int, str], MonthResult]]:
    """Clients paid in every closed month of the year, by today; and the months by (index, period)."""
    _, year = _closed_year(today)
    by_key = {(m.client_index, m.period): m for m in months}
    ok = [c.index for c in clients if c.status != "ended" and c.index not in taken
          and all((c.index, p) in by_key and by_key[(c.index, p)].pay_date <= today for p in year)]
    return ok, by_key


def _runs_of(runs: list[dict], client_id: int, period: str) -> list[dict]:
    return [r for r in runs if r["client_id"] == client_id and r["period"] == period]


def _add_basis(lines: list[tuple[str, str, int, float]], unit: str, delta: int) -> None:
    """Add ``delta`` to the unit's last contribution line (the full rate where zone 1a has two)."""
    for i in range(len(lines) - 1, -1, -1):
        if lines[i][0] == unit:
            u, z, basis, rate = lines[i]
            lines[i] = (u, z, basis + delta, rate)
            return


def add_to_run(m: MonthResult, runs: list[dict], client: ClientPlan, unit: str, *, basis: int, withheld: int,
               gross: int = 0) -> None:
    """The regular run of ``m`` pays ``basis`` more on ``unit`` (withholding already in
    ``m.withheld``): its contribution lines and its payroll run follow; an off-cycle run's
    contribution is what the month's total adds to the regular run's, so it is kept."""
    before = aga_total(m.regular_aga or m.aga), aga_total(m.aga)
    _add_basis(m.aga, unit, basis)
    if m.regular_aga:
        _add_basis(m.regular_aga, unit, basis)
    for r in _runs_of(runs, client.id, m.period):
        if r["kind"] == "regular":
            r["gross"] += gross
            r["withholding"] += withheld
            r["employer_contribution"] += aga_total(m.regular_aga or m.aga) - before[0]
        else:
            r["employer_contribution"] += (aga_total(m.aga) - aga_total(m.regular_aga)) - (before[1] - before[0])


def plan_over_60(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult], runs: list[dict],
                 employees: list[dict], employments: list[dict], today: date,
                 taken: set[int]) -> list[FolderFault]:
    """Raise one over-60 employee's pay in place (wages, withholding, contribution, the
    register's salary, the runs); the fault's ``amount`` is the year's basis to the
    closed month."""
    closed, year = _closed_year(today)
    pool, by_key = _full_year_clients(clients, months, today, taken)
    person = {e["id"]: e for e in employees}
    jobs: dict[int, list[dict]] = {}
    of_client: dict[int, list[dict]] = {}
    for e in employments:
        jobs.setdefault(e["employee_id"], []).append(e)
        of_client.setdefault(e["client_id"], []).append(e)
    candidates = []
    for index in pool:
        over = []
        for e in of_client.get(clients[index].id, []):
            if holiday_rules.earns_extra_week(person[e["employee_id"]]["national_id"], today.year):
                over.append(e)
        if len({e["employee_id"] for e in over}) != 1 or len(over) != 1:
            continue
        e = over[0]
        if (e["employment_type"] == ORDINARY and e["position_pct"] == 100 and len(jobs[e["employee_id"]]) == 1
                and all(e["id"] in by_key[(index, p)].wages for p in year)):
            candidates.append((index, e["id"]))
    if not candidates:
        return []
    index, eid = rng.choice(sorted(candidates))
    client = clients[index]
    employment = next(e for e in employments if e["id"] == eid)
    annual = rng.randint(105, 130) * 10_000_00
    factor = annual / employment["annual_salary"]
    employment["annual_salary"] = annual
    basis = 0
    for m in months:
        if m.client_index != index or eid not in m.wages:
            continue
        old, holiday = m.wages[eid], m.holiday.get(eid, 0)
        new = _round5(old * factor)
        ratio = m.withheld[eid] / (old + holiday) if old + holiday else 0
        withheld = whole_kroner((new + holiday) * ratio)
        delta, withheld_delta = new - old, withheld - m.withheld[eid]
        m.wages[eid], m.withheld[eid] = new, withheld
        add_to_run(m, runs, client, m.units[eid], basis=delta, withheld=withheld_delta, gross=delta)
        if m.period in year:
            basis += new + sum(b for e, b, _ in m.off_cycle if e == eid)
    nid = person[employment["employee_id"]]["national_id"]
    return [FolderFault(client.org_number, "over_60", closed, party=nid, amount=basis)]


def plan_folder_accounts(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult],
                         runs: list[dict], employments: list[dict], today: date, taken: set[int],
                         ) -> tuple[dict[int, ClientAccounts], list[FolderFault]]:
    """Pension and garnishment on five clients (module docstring): fills the months'
    ``pension``, ``member``, ``pension_aga`` and ``garnish`` in place; returns client id ->
    its invoices and payments, and the faults."""
    closed, year = _closed_year(today)
    pool, by_key = _full_year_clients(clients, months, today, taken)
    pool = [i for i in pool if max(len(by_key[(i, p)].wages) for p in year) <= 80]
    if len(pool) < 5:
        return {}, []
    chosen = rng.sample(pool, 5)
    pension_clients, garnish_clients = chosen[:4], chosen[1:]
    kind_of = {e["id"]: e["employment_type"] for e in employments}
    this_year = [m for m in months if m.period[:4] == str(today.year)]
    out: dict[int, ClientAccounts] = {clients[i].id: ClientAccounts() for i in chosen}
    faults: list[FolderFault] = []

    for index in pension_clients:
        client = clients[index]
        accounts = out[client.id]
        accounts.kinds.add("pension")
        for m in this_year:
            if m.client_index != index:
                continue
            basis: dict[str, int] = {}
            for e, wage in m.wages.items():
                if kind_of[e] != ORDINARY:
                    continue
                m.pension[e] = whole_kroner(wage * EMPLOYER_PCT / 100)
                m.member[e] = whole_kroner(wage * MEMBER_PCT / 100)
                basis[m.units[e]] = basis.get(m.units[e], 0) + m.pension[e]
            for unit, amount in sorted(basis.items()):
                rate = next(r for u, _, _, r in reversed(m.aga) if u == unit)
                zone = next(z for u, z, _, _ in reversed(m.aga) if u == unit)
                m.pension_aga.append((unit, zone, amount, rate))
            for r in _runs_of(runs, client.id, m.period):
                if r["kind"] == "regular":
                    r["employer_contribution"] += aga_total(m.pension_aga)
            month = int(m.period[5:7])
            if month % 2 == 0:
                accounts.invoice_diff[m.period] = rng.choice((-1, 1)) * rng.randint(150, 900) * 100
    fault_term = closed if int(closed[5:7]) % 2 == 0 else periods.shift(closed, -1)
    accounts = out[clients[pension_clients[0]].id]
    accounts.invoice_diff[fault_term] = rng.choice((-1, 1)) * rng.randint(20, 60) * 100_00
    accounts.not_moved.add(fault_term)
    faults.append(FolderFault(clients[pension_clients[0]].org_number, "pension_invoice", fault_term,
                              amount=accounts.invoice_diff[fault_term]))

    for index in garnish_clients:
        client = clients[index]
        paid = sorted({e for p in year for e, w in by_key[(index, p)].wages.items() if kind_of[e] == ORDINARY
                       and all(e in by_key[(index, q)].wages for q in year)})
        if not paid:
            continue
        out[client.id].kinds.add("garnishment")
        for e in rng.sample(paid, min(len(paid), rng.randint(1, 2))):
            start = f"{today.year}-{rng.randint(1, 6):02d}"
            amount = rng.randint(15, 60) * 100_00
            for m in this_year:
                if m.client_index == index and m.period >= start and e in m.wages:
                    m.garnish[e] = amount
    unpaid_term = late_term(today)
    last = clients[garnish_clients[-1]]
    out[last.id].unpaid.add(unpaid_term)
    term = {periods.shift(unpaid_term, -1), unpaid_term}
    owed = sum(sum(m.garnish.values()) for m in this_year if m.client_index == last.index and m.period in term)
    if owed:
        faults.append(FolderFault(last.org_number, "unpaid_garnishment", unpaid_term, amount=owed))
    _plan_refunds(rng, [clients[i] for i in chosen], this_year, kind_of, today, out)
    return out, faults


def _plan_refunds(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult],
                  kind_of: dict[int, str], today: date, out: dict[int, ClientAccounts]) -> None:
    """Sick pay claimed back from NAV on three of the five clients: one ordinary employee
    off sick for two months of the first half year (past the employer's 16 days, so
    NAV refunds the days after them, about 60 % of the month's wages). Drawn last, so the
    figures planted before stay as they were for the same seed."""
    for client in clients[:3]:
        mine = sorted((m for m in months if m.client_index == client.index and m.pay_date <= today),
                      key=lambda m: m.period)
        first_half = [m for m in mine if int(m.period[5:7]) <= 6]
        if len(first_half) < 2:
            continue
        start = rng.randrange(len(first_half) - 1)
        sick = first_half[start:start + 2]
        paid = sorted(e for e in sick[0].wages if kind_of[e] == ORDINARY and e in sick[1].wages)
        if not paid:
            continue
        employment = rng.choice(paid)
        out[client.id].kinds.add("nav_refunds")
        for m in sick:
            m.refund[employment] = whole_kroner(m.wages[employment] * rng.randint(55, 65) / 100)


def pension_invoice(journal: Any, term_end: str, members: list[MonthResult], accounts: ClientAccounts,
                     today: date) -> None:
    """The insurer's invoice for a closed term (on the 10th of its second month) and, unless
    planted otherwise, its difference from the provision moved to 2820 on the term's last day."""
    end = periods.last_day(term_end)
    diff = accounts.invoice_diff.get(term_end)
    if diff is None or end > today:
        return
    provided = sum(sum(m.pension.values()) for m in members)
    member = sum(sum(m.member.values()) for m in members)
    day = end.replace(day=10)
    journal.add(day, f"I{day.strftime('%m%d')}", f"Pensjonsforsikring termin {term_end}",
                [("2810", provided + diff), ("2630", member), ("1920", -provided - diff - member)])
    if term_end not in accounts.not_moved:
        journal.add(end, f"V{end.strftime('%m%d')}", f"Avregning pensjon termin {term_end}",
                    [("2820", diff), ("2810", -diff)])


CREDITORS = ("NAV Innkreving", "Statens innkrevingssentral")
"""Who a påleggstrekk is paid to (the ledger's sub-ledger id on 2610): child support goes
to NAV Innkreving, other public claims to Statens innkrevingssentral."""


def garnishment_lines(garnish: dict[int, int], sign: int) -> list[tuple[str, int, str]]:
    """Lines on 2610 per creditor of the employments' deductions (withheld: ``sign`` -1,
    paid: 1); an employment's creditor is fixed by its id."""
    per: dict[str, int] = {}
    for employment, amount in garnish.items():
        creditor = CREDITORS[employment % len(CREDITORS)]
        per[creditor] = per.get(creditor, 0) + amount
    return [("2610", sign * amount, creditor) for creditor, amount in sorted(per.items())]


def deductions(months: list[MonthResult], clients: list[ClientPlan]) -> dict[tuple[int, str], int]:
    """(client id, period) -> what the regular run's gross holds beyond tax that is not paid
    out: deductions from net pay and the benefits in kind."""
    out = {}
    for m in months:
        taken = (sum(m.member.values()) + sum(m.garnish.values()) + sum(m.loan.values())
                 + sum(amount for benefits in m.benefits.values() for _, _, amount in benefits))
        if taken:
            out[(clients[m.client_index].id, m.period)] = taken
    return out


__all__ = ["CREDITORS", "ClientAccounts", "add_to_run", "deductions", "garnishment_lines", "pension_invoice",
           "plan_folder_accounts", "plan_over_60", "whole_kroner"]
