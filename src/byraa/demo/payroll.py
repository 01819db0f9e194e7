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
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

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


@dataclass
class MonthResult:
    """One client-month with a regular run: what the a-meldinger, ledger and activity are built on.

    Amounts are øre per employment id, as the client's payroll system would report them:
    wages rounded to whole 5 kroner (so holiday pay accrued per person and in total agree
    to the øre), holiday pay as paid, withholding in whole kroner.
    """

    client_index: int
    period: str
    pay_date: date
    payslips: int
    off_cycle_date: date | None
    wages: dict[int, int] = field(default_factory=dict)
    holiday: dict[int, int] = field(default_factory=dict)
    withheld: dict[int, int] = field(default_factory=dict)
    travel: list[tuple[int, int]] = field(default_factory=list)
    """(employment id, øre) expense reimbursements paid with the wages."""
    aga: list[tuple[str, str, int, float]] = field(default_factory=list)
    """(sub-unit, zone, basis øre, rate percent) of the month's final a-melding."""
    regular_aga: list[tuple[str, str, int, float]] = field(default_factory=list)
    """The same before the off-cycle run (its first a-melding), when there was one."""
    off_cycle: list[tuple[int, int, int]] = field(default_factory=list)
    """(employment id, bonus øre, withheld øre) of the off-cycle run."""
    units: dict[int, str] = field(default_factory=dict)
    """employment id -> sub-unit org number (of every employment paid)."""
    garnish: dict[int, int] = field(default_factory=dict)
    """employment id -> påleggstrekk withheld from the regular run's net pay (``demo.folder_accounts``)."""
    pension: dict[int, int] = field(default_factory=dict)
    """employment id -> the employer's pension premium provided for (5420/2810)."""
    member: dict[int, int] = field(default_factory=dict)
    """employment id -> the employee's pension premium deducted (a-melding ``fradrag``, 2630)."""
    pension_aga: list[tuple[str, str, int, float]] = field(default_factory=list)
    """(sub-unit, zone, basis øre, rate percent): the premium in the contribution basis
    (``tilskuddOgPremieTilPensjon``)."""
    refund: dict[int, int] = field(default_factory=dict)
    """employment id -> sick pay claimed back from NAV for the month (1574 against 5800)."""
    benefits: dict[int, list[tuple[str, str, int]]] = field(default_factory=dict)
    """employment id -> (a-melding ``beskrivelse``, ledger account, øre) of the benefits in
    kind reported with the regular run (``demo.folder_benefits``; 52xx against 5290)."""
    loan: dict[int, int] = field(default_factory=dict)
    """employment id -> the employee loan's instalment deducted from net pay (1380)."""


def run_status(pay_date: date, today: date) -> str:
    if pay_date < today:
        return "posted"
    if pay_date <= today + timedelta(days=_FROZEN_DAYS_AHEAD):
        return "frozen"
    return "open"


def rate_amount(basis: int, rate: float) -> int:
    """AGA as the a-melding importer computes it: basis × rate %, rounded half up."""
    return int((Decimal(basis) * Decimal(str(rate)) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _aga_lines(basis: dict[tuple[str, str], int], saved: dict[int, float],
               year: int) -> list[tuple[str, str, int, float]]:
    """AGA lines per sub-unit and zone; ``saved`` tracks the client's zone 1a saving per year.

    Zone 1a pays its low rate until the fribeløp is used up, the rest at the full rate
    (two lines for that sub-unit and zone)."""
    out = []
    for (unit, zone), amount in sorted(basis.items()):
        if zone != "1a":
            out.append((unit, zone, amount, round(AGA_RATES[zone] * 100, 2)))
            continue
        saving_rate = ZONE_1A_FULL_RATE - AGA_RATES["1a"]
        room = max(0.0, ZONE_1A_ALLOWANCE_ORE - saved.get(year, 0.0))
        low = min(amount, int(room / saving_rate))
        saved[year] = saved.get(year, 0.0) + low * saving_rate
        if low:
            out.append((unit, zone, low, round(AGA_RATES["1a"] * 100, 2)))
        if amount - low:
            out.append((unit, zone, amount - low, round(ZONE_1A_FULL_RATE * 100, 2)))
    return out


def aga_total(lines: list[tuple[str, str, int, float]]) -> int:
    return sum(rate_amount(basis, rate) for _, _, basis, rate in lines)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0) + 1)


def _round5(ore: float) -> int:
    return int(round(ore / 500)) * 500


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
        for period, first, last, ndays, month, year in month_info:
            if period < client.first_period or period > client.last_period:
                continue
            pay_date = periods.pay_date(period, client.pay_day)
            m = MonthResult(client.index, period, pay_date, 0, None)
            _month_pay(rng, client, client_items, m, first, last, ndays, month, year, today_ord)
            if not m.wages:
                continue
            if period in client.overtime_periods:
                factor = rng.uniform(1.03, 1.09)
                m.wages = {e: _round5(amount * factor) for e, amount in m.wages.items()}
            rate = client.withholding_rate * _WITHHOLDING_MONTH_FACTOR.get(month, 1.0) * rng.uniform(0.97, 1.03)
            m.withheld = {e: round((m.wages[e] + m.holiday.get(e, 0)) * rate / 100) * 100 for e in m.wages}
            m.travel = _travel(rng, client, m, month, today)
            m.payslips = len({it.employee_id for it in client_items if it.employment_id in m.wages})
            basis: dict[tuple[str, str], int] = {}
            zones = {it.employment_id: it.zone for it in client_items}
            for e, amount in m.wages.items():
                key = (m.units[e], zones[e])
                basis[key] = basis.get(key, 0) + amount + m.holiday.get(e, 0)
            manual = min(m.payslips, round(m.payslips * (1 - client.automation) * rng.uniform(0.7, 1.3)))
            off = _off_cycle(rng, client, m, pay_date, today)
            if off:
                m.regular_aga = _aga_lines(basis, dict(saved_1a), year)
                for e, bonus, _ in m.off_cycle:
                    key = (m.units[e], zones[e])
                    basis[key] = basis.get(key, 0) + bonus
            m.aga = _aga_lines(basis, saved_1a, year)
            gross = sum(m.wages.values()) + sum(m.holiday.values()) + sum(a for _, a in m.travel)
            run_id = ids["payroll_run"] = ids["payroll_run"] + 1
            regular_aga = m.regular_aga if off else m.aga
            runs.append({
                "id": run_id, "client_id": client.id, "period": period, "pay_date": pay_date,
                "kind": "regular", "status": run_status(pay_date, today), "payslip_count": m.payslips,
                "payslips_manual": manual, "gross": gross, "withholding": sum(m.withheld.values()),
                "employer_contribution": aga_total(regular_aga),
            })
            if off:
                run_id = ids["payroll_run"] = ids["payroll_run"] + 1
                bonus_gross = sum(b for _, b, _ in m.off_cycle)
                runs.append({
                    "id": run_id, "client_id": client.id, "period": period, "pay_date": m.off_cycle_date,
                    "kind": "off_cycle", "status": run_status(m.off_cycle_date, today),
                    # Off-cycle runs are made by hand, payslip by payslip.
                    "payslip_count": len(m.off_cycle), "payslips_manual": len(m.off_cycle), "gross": bonus_gross,
                    "withholding": sum(w for _, _, w in m.off_cycle),
                    "employer_contribution": aga_total(m.aga) - aga_total(m.regular_aga),
                })
            results.append(m)
    return runs, results


_SEASON_TRAVEL = {1: 0.8, 2: 1.0, 3: 1.1, 4: 1.0, 5: 1.1, 6: 1.0, 7: 0.4, 8: 0.8, 9: 1.2, 10: 1.2, 11: 1.2, 12: 0.8}


def _travel(rng: random.Random, client: ClientPlan, m: MonthResult, month: int, today: date) -> list[tuple[int, int]]:
    """Travel and expense claims paid with the month's wages (per diem, mileage, tickets)."""
    if m.pay_date > today:
        return []
    paid = sorted(m.wages)
    count = int(len(paid) * client.industry.claims_per_employee * _SEASON_TRAVEL[month] * rng.uniform(0.75, 1.25)
                + rng.random())
    return [(rng.choice(paid), rng.randrange(150, 4_500) * 100) for _ in range(count)]


def _month_pay(rng: random.Random, client: ClientPlan, client_items: list[PayItem], m: MonthResult, first: int,
               last: int, ndays: int, month: int, year: int, today_ord: int) -> None:
    """The month's pay per employment into ``m``: wages, holiday pay, the sub-unit."""
    prev_year_start = date(year - 1, 1, 1).toordinal()
    prev_year_end = date(year - 1, 12, 31).toordinal()
    year_start = date(year, 1, 1).toordinal()
    holiday_days = 25 if client.holiday_rate >= 0.12 else 21
    for it in client_items:
        end = it.end if it.end is not None else last
        if it.start > last or end < first:
            continue
        holiday = 0.0
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
                holiday += it.annual * client.holiday_rate * share
                amount -= monthly * holiday_days / 21.67 * share
            if it.end is not None and first <= it.end <= last and it.end < today_ord:
                # A leaver's last payslip settles this year's accrued holiday pay.
                share = _overlap(it.start, it.end, year_start, it.end) / 365
                holiday += it.annual * client.holiday_rate * share
        wage = _round5(max(0.0, amount))
        if wage < 100 and holiday < 100:  # nothing to pay (a full unpaid leave leaves float dust)
            continue
        m.wages[it.employment_id] = wage
        if holiday >= 100:
            m.holiday[it.employment_id] = round(holiday)
        m.units[it.employment_id] = it.sub_unit


def _off_cycle(rng: random.Random, client: ClientPlan, m: MonthResult, regular: date, today: date) -> bool:
    """Now and then an extra run: a forgotten overtime claim, a correction, a bonus."""
    if rng.random() >= 0.02 + min(0.06, client.size / 3000):
        return False
    pay_date = regular + timedelta(days=rng.randint(2, 9))
    if periods.period_of(pay_date) != m.period:
        pay_date = regular - timedelta(days=rng.randint(2, 9))
    if pay_date > today:
        return False
    paid = sorted(m.wages)
    count = min(len(paid), rng.randint(1, 3 + client.size // 300))
    rate = rng.uniform(0.35, 0.5)
    for e in rng.sample(paid, count):
        bonus = rng.randint(300, 5_000) * 500
        m.off_cycle.append((e, bonus, round(bonus * rate / 100) * 100))
    m.off_cycle_date = pay_date
    return True
