"""Twelve months of payroll runs per client, computed from the employments.

Each month's regular run pays every employment active in it: a twelfth of the yearly
pay, prorated for people who start or leave mid-month, less leave the employer does
not pay, plus what a clerk would see in real months: overtime in a few busy months,
holiday pay (feriepenger less the holiday deduction) in June, holiday pay settled on a
leaver's last payslip, and hours that vary for part-timers. Withholding follows each
client's typical rate, with the Norwegian table pattern of little tax in June and half
tax in December. Employer's contribution is the basis per sub-unit zone times that
zone's rate, zone 1a at the low rate until the year's fribeløp is used up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from byraa.core.base import periods
from byraa.demo.clients import ClientPlan
from byraa.demo.people import PayItem
from byraa.demo.places import AGA_RATES, ZONE_1A_ALLOWANCE_ORE, ZONE_1A_FULL_RATE

_WITHHOLDING_MONTH_FACTOR = {6: 0.6, 12: 0.55}
"""Monthly tax tables withhold nothing on June's holiday pay and half in December, so
those months' withholding is well below the usual share (people on a percentage card
still pay in full, hence not zero and not exactly half)."""

_FROZEN_DAYS_AHEAD = 3
"""A run whose pay date is this close is frozen: approved and waiting for the bank."""


@dataclass(frozen=True)
class MonthResult:
    """One client-month with a regular run: what a-meldinger and activity are built on."""

    client_index: int
    period: str
    pay_date: date
    payslips: int
    off_cycle_date: date | None


def run_status(pay_date: date, today: date) -> str:
    if pay_date < today:
        return "posted"
    if pay_date <= today + timedelta(days=_FROZEN_DAYS_AHEAD):
        return "frozen"
    return "open"


def _aga(basis_by_zone: dict[str, float], saved: dict[int, float], year: int) -> float:
    """Employer's contribution for one run; ``saved`` tracks the client's zone 1a saving per year."""
    total = 0.0
    for zone, basis in basis_by_zone.items():
        if zone != "1a":
            total += basis * AGA_RATES[zone]
            continue
        saving_rate = ZONE_1A_FULL_RATE - AGA_RATES["1a"]
        room = max(0.0, ZONE_1A_ALLOWANCE_ORE - saved.get(year, 0.0))
        low_basis = min(basis, room / saving_rate)
        saved[year] = saved.get(year, 0.0) + low_basis * saving_rate
        total += low_basis * AGA_RATES["1a"] + (basis - low_basis) * ZONE_1A_FULL_RATE
    return total


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0) + 1)


def plan_runs(rng: random.Random, clients: list[ClientPlan], items: list[list[PayItem]], today: date,
              ids: dict[str, int]) -> tuple[list[dict], list[MonthResult]]:
    """Payroll run rows for every client and month, and the months that had a run."""
    this_period = periods.period_of(today)
    months = periods.last_months(this_period, 12)
    today_ord = today.toordinal()
    month_info = []
    for p in months:
        first, last = periods.first_day(p), periods.last_day(p)
        month_info.append((p, first.toordinal(), last.toordinal(), (last - first).days + 1, first.month, first.year))

    runs: list[dict] = []
    results: list[MonthResult] = []
    for client, client_items in zip(clients, items, strict=True):
        saved_1a: dict[int, float] = {}
        main_zone = client.sub_units[0].zone
        for period, first, last, ndays, month, year in month_info:
            if period < client.first_period or period > client.last_period:
                continue
            basis, paid = _month_pay(rng, client, client_items, first, last, ndays, month, year, today_ord)
            if not paid:
                continue
            if period in client.overtime_periods:
                factor = rng.uniform(1.03, 1.09)
                basis = {zone: amount * factor for zone, amount in basis.items()}
            gross = sum(round(amount) for amount in basis.values())
            aga = round(_aga(basis, saved_1a, year))
            rate = client.withholding_rate * _WITHHOLDING_MONTH_FACTOR.get(month, 1.0) * rng.uniform(0.97, 1.03)
            payslips = len(paid)
            manual = min(payslips, round(payslips * (1 - client.automation) * rng.uniform(0.7, 1.3)))
            pay_date = periods.pay_date(period, client.pay_day)
            run_id = ids["payroll_run"] = ids["payroll_run"] + 1
            runs.append({
                "id": run_id, "client_id": client.id, "period": period, "pay_date": pay_date,
                "kind": "regular", "status": run_status(pay_date, today), "payslip_count": payslips,
                "payslips_manual": manual, "gross": gross, "withholding": round(gross * rate),
                "employer_contribution": aga,
            })
            off_date = _off_cycle(rng, client, runs, ids, period, pay_date, payslips, main_zone, today)
            results.append(MonthResult(client.index, period, pay_date, payslips, off_date))
    return runs, results


def _month_pay(rng: random.Random, client: ClientPlan, client_items: list[PayItem], first: int, last: int,
               ndays: int, month: int, year: int, today_ord: int) -> tuple[dict[str, float], set[int]]:
    """The month's pay basis per AGA zone, and the employees paid (one payslip each)."""
    basis: dict[str, float] = {}
    paid: set[int] = set()  # only counted, never iterated
    prev_year_start = date(year - 1, 1, 1).toordinal()
    prev_year_end = date(year - 1, 12, 31).toordinal()
    year_start = date(year, 1, 1).toordinal()
    holiday_days = 25 if client.holiday_rate >= 0.12 else 21
    for it in client_items:
        end = it.end if it.end is not None else last
        if it.start > last or end < first:
            continue
        if it.pay_months is not None:
            # Fees and simplified-scheme wages: fixed sums in the months they fall due.
            if month not in it.pay_months:
                continue
            amount = it.annual / len(it.pay_months)
        else:
            monthly = it.annual / 12
            worked = _overlap(it.start, end, first, last)
            amount = monthly * worked / ndays
            for leave_start, leave_end, pct in it.unpaid_leaves:
                off = _overlap(max(it.start, first), min(end, last), leave_start, leave_end)
                amount -= monthly * off / ndays * pct / 100
            if it.part_time:
                amount *= rng.uniform(0.85, 1.15)  # hourly-paid part-timers work more some months
            if month == 6:
                # Holiday pay on last year's earnings, less the deduction for the holiday weeks.
                share = _overlap(it.start, end, prev_year_start, prev_year_end) / 365
                amount += it.annual * client.holiday_rate * share - monthly * holiday_days / 21.67 * share
            if it.end is not None and first <= it.end <= last and it.end < today_ord:
                # A leaver's last payslip settles this year's accrued holiday pay.
                share = _overlap(it.start, it.end, year_start, it.end) / 365
                amount += it.annual * client.holiday_rate * share
        if amount < 100:  # nothing to pay (a full unpaid leave leaves float dust, not a payslip)
            continue
        basis[it.zone] = basis.get(it.zone, 0.0) + amount
        paid.add(it.employee_id)
    return basis, paid


def _off_cycle(rng: random.Random, client: ClientPlan, runs: list[dict], ids: dict[str, int], period: str,
               regular: date, payslips: int, zone: str, today: date) -> date | None:
    """Now and then an extra run: a forgotten overtime claim, a correction, a bonus."""
    if rng.random() >= 0.02 + min(0.06, client.size / 3000):
        return None
    pay_date = regular + timedelta(days=rng.randint(2, 9))
    if periods.period_of(pay_date) != period:
        pay_date = regular - timedelta(days=rng.randint(2, 9))
    if pay_date > today:
        return None
    count = min(payslips, rng.randint(1, 3 + client.size // 300))
    gross = sum(rng.randint(1_500, 25_000) for _ in range(count)) * 100
    run_id = ids["payroll_run"] = ids["payroll_run"] + 1
    runs.append({
        "id": run_id, "client_id": client.id, "period": period, "pay_date": pay_date,
        "kind": "off_cycle", "status": run_status(pay_date, today), "payslip_count": count,
        # Off-cycle runs are made by hand, payslip by payslip.
        "payslips_manual": count, "gross": gross, "withholding": round(gross * rng.uniform(0.35, 0.5)),
        "employer_contribution": round(gross * AGA_RATES[zone]),
    })
    return pay_date
