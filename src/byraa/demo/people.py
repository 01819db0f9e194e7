"""Each client's employees, their employments (arbeidsforhold) and leaves (permisjoner).

What a clerk expects to see in a client's register: a daily manager first, people hired
over many years (most on the 1st of a month), a handful of leavers in the last year and
new hires in the last months, part-time staff where the trade has them (cafés, shops,
care), board members paid a fee once a year as frilansere, a few people with two
employments (an extra position, or a change of position that started a new one), and a
few on parental or other leave.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from byraa.core.base import periods
from byraa.demo import names, places
from byraa.demo.clients import ClientPlan, SubUnitPlan
from byraa.demo.industries import Occupation
from byraa.demo.numbers import tenor_national_id

ORDINARY = "ordinaertArbeidsforhold"
FRILANS = "frilanserOppdragstakerHonorarPersonerMm"
SIMPLIFIED = "forenkletOppgjoersordning"

_AGE_BINS = ((16, 19), (20, 24), (25, 34), (35, 44), (45, 54), (55, 62), (63, 70))
_AGE_WEIGHTS = (2, 8, 24, 24, 22, 15, 5)
_AGE_WEIGHTS_YOUNG = (12, 22, 24, 16, 12, 10, 4)
"""Cafés, shops and hotels employ many students and school pupils."""
_YOUNG_TRADES = ("servering", "handel", "hotell")

_FOREIGN_SHARE = {"bygg": 0.18, "renhold": 0.35, "industri": 0.25, "hotell": 0.25,
                  "transport": 0.12, "servering": 0.2}

_PART_TIME_PCTS = (80.0, 60.0, 50.0, 40.0, 20.0)
_PART_TIME_WEIGHTS = (25, 25, 25, 10, 15)

# Leave descriptions from a-ordningen's code list, with how often each occurs, how long
# it lasts (days), the percentages it is taken at, and whether the employer stops paying
# wages for it (parental leave: only when NAV pays the parent directly).
_LEAVES = (
    ("permisjonMedForeldrepenger", 45, (70, 343), (100.0, 100.0, 100.0, 80.0, 60.0, 50.0), "nav"),
    ("velferdspermisjon", 15, (1, 10), (100.0,), "paid"),
    ("utdanningspermisjonLovfestet", 10, (60, 300), (100.0, 50.0), "unpaid"),
    ("utdanningspermisjonIkkeLovfestet", 5, (30, 180), (100.0, 50.0), "unpaid"),
    ("permisjonVedMilitaertjeneste", 5, (180, 365), (100.0,), "unpaid"),
    ("annenPermisjonHjemletILovEllerAvtale", 12, (14, 180), (100.0,), "paid"),
    ("annenPermisjonIkkeHjemletILovEllerAvtale", 8, (14, 120), (100.0, 50.0), "unpaid"),
)
_LEAVE_WEIGHTS = tuple(leave[1] for leave in _LEAVES)


@dataclass(slots=True)
class PayItem:
    """What payroll needs from one employment to compute its months."""

    client_index: int
    employee_id: int
    kind: str
    zone: str
    start: int
    """``date.toordinal()`` of the start date."""
    end: int | None
    annual: int
    """Øre per year as employed (already scaled by position)."""
    part_time: bool
    pay_months: tuple[int, ...] | None
    """Months of the year a frilanser or simplified-scheme payee is paid; None = every month."""
    unpaid_leaves: tuple[tuple[int, int, float], ...]
    """(start ordinal, end ordinal, percent) of leaves the employer does not pay."""
    employment_id: int = 0
    sub_unit: str = ""
    """The org number of the sub-unit (virksomhet) the employment belongs to."""


@dataclass
class ClientPeople:
    employees: list[dict]
    employments: list[dict]
    leaves: list[dict]
    items: list[PayItem]


def _birth_date(rng: random.Random, today: date, young: bool) -> date:
    low, high = rng.choices(_AGE_BINS, weights=_AGE_WEIGHTS_YOUNG if young else _AGE_WEIGHTS)[0]
    age = rng.randint(low, high)
    # Born between ``age`` and ``age + 1`` years ago: the person is exactly ``age``.
    days = int(age * 365.25) + rng.randrange(1, 364)
    return today - timedelta(days=days)


def _person_name(rng: random.Random, female: bool, foreign: bool) -> str:
    if foreign:
        women, men, last = rng.choice(names.FOREIGN)
        return f"{rng.choice(women if female else men)} {rng.choice(last)}"
    firsts = names.FEMALE_FIRST if female else names.MALE_FIRST
    first = rng.choice(firsts)
    if rng.random() < 0.07:  # "Anne Marie", "Per Olav"
        second = rng.choice(firsts)
        if second != first:
            first = f"{first} {second}"
    last = rng.choice(names.LAST)
    if rng.random() < 0.05:  # double surnames: "Berg Hansen"
        other = rng.choice(names.LAST)
        if other != last:
            last = f"{other} {last}"
    return f"{first} {last}"


def _address(rng: random.Random, home: places.Municipality) -> tuple[str, str, str]:
    town = home if rng.random() < 0.92 else rng.choices(places.MUNICIPALITIES, weights=places.MUNICIPALITY_WEIGHTS)[0]
    postal, city = rng.choice(town.postal)
    number = f"{rng.randint(1, 120)}"
    if rng.random() < 0.2:
        number += f" {rng.choice('ABCD')}"
    return f"{rng.choice(names.STREETS)} {number}", postal, city


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return periods.last_day(periods.period_of(day))


def _tenure_start(rng: random.Random, today: date, birth: date, new_hire: bool, *, founder: bool = False) -> date:
    earliest = birth.replace(year=birth.year + 16) if not (birth.month == 2 and birth.day == 29) \
        else date(birth.year + 16, 3, 1)
    if new_hire:
        start = today - timedelta(days=rng.randint(0, 364))
    elif founder:  # the daily manager has usually been there longest
        start = today - timedelta(days=rng.randint(3 * 365, 25 * 365))
    else:
        # Tenure is roughly exponential (mean 5.5 years). Hires of the last twelve months
        # all come from the branch above (one in ten), matching the one in ten who left,
        # so the head count stays level over the demo's year.
        days = int(rng.expovariate(1 / (5.5 * 365)))
        start = today - timedelta(days=min(max(days, 365), 30 * 365))
    start = max(start, earliest)
    if rng.random() < 0.6:
        start = _month_start(start) if _month_start(start) >= earliest else start
    return min(start, today)


def _salary(rng: random.Random, occupation: Occupation, birth: date, today: date) -> int:
    """Yearly pay at 100 % in whole kroner: the occupation's band, less for teenagers."""
    full = rng.uniform(occupation.low, occupation.high)
    if (today - birth).days < 20 * 365:
        full *= 0.85
    return int(round(full / 100) * 100)


class _Refs:
    """arbeidsforholdId as the client's payroll system writes them."""

    def __init__(self, style: str, rng: random.Random) -> None:
        self.style = style
        self.counter = rng.randint(1, 400)

    def ref(self, nth_of_person: int) -> str:
        if self.style == "seq":
            return str(nth_of_person)
        self.counter += 1
        return f"A-{self.counter}"


def plan_people(rng: random.Random, client: ClientPlan, today: date, ids: dict[str, int]) -> ClientPeople:
    """Employees, employments and leaves of one client, ids assigned."""
    industry = client.industry
    young = industry.key in _YOUNG_TRADES
    foreign_share = _FOREIGN_SHARE.get(industry.key, 0.05)
    sub_weights = [s.weight for s in client.sub_units]
    is_association = industry.key == "forening"
    board = 0 if is_association or client.size < 6 else min(rng.randint(1, 3), client.size // 6)
    taken_ids: set[str] = set()  # membership only

    people: list[dict] = []  # one per employee, employments attached, numbered afterwards
    for k in range(client.size):
        female = rng.random() < 0.5
        foreign = rng.random() < foreign_share
        d_number = foreign and rng.random() < 0.4
        is_board = k >= client.size - board
        birth = _birth_date(rng, today, young and not is_board and k > 0)
        if is_board and (today - birth).days < 35 * 365:
            birth = birth.replace(year=birth.year - 20) if birth.month != 2 or birth.day != 29 \
                else date(birth.year - 20, 2, 28)
        while True:
            national_id = tenor_national_id(rng, birth, d_number=d_number)
            if national_id not in taken_ids:
                taken_ids.add(national_id)
                break
        sub = rng.choices(client.sub_units, weights=sub_weights)[0]
        address, postal, city = _address(rng, sub.municipality)  # people live near where they work
        person = {
            "national_id": national_id, "name": _person_name(rng, female, foreign),
            "address": address, "postal_code": postal, "city": city,
            "birth": birth, "employments": [],
        }
        if is_board:
            person["employments"].append(_board(rng, client, today, birth, sub))
        else:
            person["employments"].extend(_ordinary(rng, client, today, birth, sub, leader=k == 0,
                                                    association=is_association))
        people.append(person)

    # Employee numbers follow hiring order, as a payroll system assigns them.
    people.sort(key=lambda p: (min(e["start_date"] for e in p["employments"]), p["national_id"]))
    refs = _Refs(client.ref_style, rng)
    out = ClientPeople([], [], [], [])
    for n, person in enumerate(people):
        employee_id = ids["employee"] = ids["employee"] + 1
        out.employees.append({
            "id": employee_id, "client_id": client.id, "national_id": person["national_id"],
            "name": person["name"], "address": person["address"], "postal_code": person["postal_code"],
            "city": person["city"], "employee_number": str(client.employee_number_start + n),
        })
        for nth, emp in enumerate(person["employments"], start=1):
            employment_id = ids["employment"] = ids["employment"] + 1
            sub: SubUnitPlan = emp.pop("sub")
            pay_months = emp.pop("pay_months")
            leaves = _leaves(rng, emp, person["birth"], today) if emp["employment_type"] == ORDINARY else []
            unpaid = []
            for leave in leaves:
                leave_id = ids["leave"] = ids["leave"] + 1
                unpaid_flag = leave.pop("unpaid")
                out.leaves.append({"id": leave_id, "employment_id": employment_id, **leave})
                if unpaid_flag:
                    end = leave["end_date"] or today + timedelta(days=365)
                    unpaid.append((leave["start_date"].toordinal(), end.toordinal(), leave["leave_pct"]))
            out.employments.append({
                "id": employment_id, "employee_id": employee_id, "client_id": client.id,
                "sub_unit_id": sub.id, "employment_ref": refs.ref(nth), **emp,
            })
            out.items.append(PayItem(
                client.index, employee_id, emp["employment_type"], sub.zone,
                emp["start_date"].toordinal(), emp["end_date"].toordinal() if emp["end_date"] else None,
                emp["annual_salary"], 0 < emp["position_pct"] < 100, pay_months, tuple(unpaid),
                employment_id, sub.org_number,
            ))
    return out


def _employment(kind: str, start: date, end: date | None, occupation: str | None, pct: float,
                hours: float, annual_ore: int, sub: SubUnitPlan, pay_months: tuple[int, ...] | None) -> dict:
    return {
        "employment_type": kind, "start_date": start, "end_date": end, "occupation_code": occupation,
        "position_pct": pct, "hours_full_week": hours, "annual_salary": annual_ore,
        "sub": sub, "pay_months": pay_months,
    }


def _board(rng: random.Random, client: ClientPlan, today: date, birth: date, sub: SubUnitPlan) -> dict:
    """A board member's fee: a frilanser with no position, paid once a year."""
    start = _tenure_start(rng, today, birth, new_hire=False)
    fee = rng.choice((10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 75_000))
    # Frilansere report no position, hours or occupation in the a-melding.
    return _employment(FRILANS, start, None, None, 0.0, 0.0, fee * 100, sub, (client.board_month,))


def _ordinary(rng: random.Random, client: ClientPlan, today: date, birth: date, sub: SubUnitPlan,
              *, leader: bool, association: bool) -> list[dict]:
    industry = client.industry
    if association and not leader:
        roll = rng.random()
        if roll < 0.5:  # trainers and conductors on fees, paid monthly outside July
            start = _tenure_start(rng, today, birth, new_hire=rng.random() < 0.1)
            fee = rng.randrange(15_000, 80_000, 1_000)
            months = tuple(m for m in range(1, 13) if m != 7)
            return [_employment(FRILANS, start, _leaver_end(rng, today, start), None, 0.0, 0.0,
                                fee * 100, sub, months)]
        if roll < 0.65:  # small wages reported under the simplified scheme
            start = _tenure_start(rng, today, birth, new_hire=rng.random() < 0.1)
            pay = rng.randrange(8_000, 45_000, 500)
            months = tuple(m for m in range(1, 13) if m not in (7, 12))
            return [_employment(SIMPLIFIED, start, _leaver_end(rng, today, start), None, 0.0, 0.0,
                                pay * 100, sub, months)]
    occupation = industry.leader if leader else rng.choices(
        industry.occupations, weights=[o.weight for o in industry.occupations])[0]
    teenager = (today - birth).days < 20 * 365
    part_time = not leader and (rng.random() < (0.85 if teenager else industry.part_time))
    pct = rng.choices(_PART_TIME_PCTS, weights=_PART_TIME_WEIGHTS)[0] if part_time else 100.0
    hours = 37.5
    if industry.shift_hours and not leader and occupation.code not in ("3344101", "4110101") and rng.random() < 0.7:
        hours = industry.shift_hours
    elif rng.random() < 0.04:
        hours = 40.0
    full = _salary(rng, occupation, birth, today)
    start = _tenure_start(rng, today, birth, new_hire=not leader and rng.random() < 0.10, founder=leader)
    end = None if leader else _leaver_end(rng, today, start)

    def annual(p: float) -> int:
        return int(round(full * p / 100)) * 100

    first = _employment(ORDINARY, start, end, occupation.code, pct, hours, annual(pct), sub, None)
    if leader or rng.random() >= 0.03:
        return [first]
    until = min(end, today) if end else today
    if rng.random() < 0.5 and (until - start).days > 500:
        # A change of position ended the first employment and started a new one.
        change = start + timedelta(days=rng.randint(365, (until - start).days - 60))
        change = _month_start(change) if _month_start(change) > start else change
        new_pct = 100.0 if pct < 100 else rng.choice((80.0, 60.0))
        first["end_date"] = change - timedelta(days=1)
        second = _employment(ORDINARY, change, end, occupation.code, new_pct, hours, annual(new_pct), sub, None)
        return [first, second]
    # An extra position next to the main one, often at another branch.
    extra_start = start + timedelta(days=rng.randint(0, max(0, (until - start).days)))
    extra_pct = rng.choice((10.0, 20.0, 20.0, 30.0, 40.0))
    extra_sub = rng.choice(client.sub_units)
    other = rng.choices(industry.occupations, weights=[o.weight for o in industry.occupations])[0]
    second = _employment(ORDINARY, extra_start, end, other.code, extra_pct, hours,
                         int(round(_salary(rng, other, birth, today) * extra_pct / 100)) * 100, extra_sub, None)
    return [first, second]


def _leaver_end(rng: random.Random, today: date, start: date) -> date | None:
    """About one in ten left during the last year; a few are on contracts ending soon."""
    roll = rng.random()
    if roll < 0.10:
        end = today - timedelta(days=rng.randint(1, 364))
        if rng.random() < 0.55:
            end = _month_end(end) if _month_end(end) < today else end
        return end if end >= start else None
    if roll < 0.12:  # fixed-term contracts (midlertidig ansatt) running out in the months ahead
        return today + timedelta(days=rng.randint(14, 240))
    return None


def _leaves(rng: random.Random, employment: dict, birth: date, today: date) -> list[dict]:
    start, end = employment["start_date"], employment["end_date"]
    if end is not None and end < today - timedelta(days=300):
        return []
    if rng.random() >= 0.05:
        return []
    age = (today - birth).days // 365
    for _ in range(5):
        kind, _w, (low, high), pcts, paid = rng.choices(_LEAVES, weights=_LEAVE_WEIGHTS)[0]
        if kind == "permisjonMedForeldrepenger" and not 22 <= age <= 48:
            continue
        if kind == "permisjonVedMilitaertjeneste" and age > 26:
            continue
        break
    else:
        return []
    until = min(end, today) if end else today
    leave_start = max(start, until - timedelta(days=rng.randint(0, 300)))
    leave_end: date | None = leave_start + timedelta(days=rng.randint(low, high))
    if end is not None and leave_end > end:
        leave_end = max(end, leave_start)
    if kind.startswith("annenPermisjon") and rng.random() < 0.15:
        leave_end = None  # open-ended until the employee comes back
    unpaid = paid == "unpaid" or (paid == "nav" and rng.random() < 0.5)
    return [{
        "start_date": leave_start, "end_date": leave_end, "leave_pct": rng.choice(pcts),
        "description": kind, "unpaid": unpaid,
    }]
