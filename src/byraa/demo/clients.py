"""The agency's client list: how big each client is, what it does, and how it is paid.

Sizes follow the shape of Norwegian business: most employers have fewer than ten
people, a long tail has tens, and a few have hundreds. The sizes are drawn by
stratified sampling of one fixed distribution (client ``i`` gets a quantile near
``i / n``), so the agency's total head count stays close to 40 per client whatever the
seed, then the tail is scaled so that 1,000 clients give about 40,000 employees.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from byraa.core.base import periods
from byraa.demo import names, places
from byraa.demo.industries import INDUSTRIES, Industry
from byraa.demo.numbers import OrgNumbers
from byraa.demo.places import Municipality

EMPLOYEES_PER_CLIENT = 40
"""The agency average: 1,000 clients is the 40,000-employee agency of the benchmarks."""

# Quantiles of the client size distribution, (share of clients, employees), interpolated
# in log space: half the clients have at most 5 people, 62 % fewer than 10, 1 in 20 more
# than 160, and the largest about 1,600.
_SIZE_QUANTILES = (
    (0.0, 1.0), (0.25, 2.0), (0.5, 5.0), (0.62, 9.5), (0.80, 30.0), (0.90, 78.0),
    (0.95, 160.0), (0.98, 380.0), (0.995, 850.0), (1.0, 1600.0),
)
_TAIL_FROM = 50
"""Only clients this big are rescaled to hit the head count, so the small ones stay small."""

_TAX_LEVEL = {"kunnskap": 0.025, "servering": -0.02, "forening": -0.01}
"""How an industry's typical withholding share differs from the usual 29–35 %."""

PAY_DAYS = (10, 15, 20, 25, 31)
_PAY_DAY_WEIGHTS = (1.0, 1.5, 3.0, 2.5, 2.0)
"""The 20th and 25th are the common pay days; 31 stands for the last day of the month."""


@dataclass
class SubUnitPlan:
    id: int
    org_number: str
    name: str
    municipality: Municipality
    weight: float
    """Share of the client's employees who work here (relative)."""

    @property
    def zone(self) -> str:
        return self.municipality.zone


@dataclass
class ClientPlan:
    index: int
    id: int
    org_number: str
    name: str
    industry: Industry
    status: str
    pay_day: int
    municipality: Municipality
    uses_agency_altinn: bool
    created_at: datetime
    size: int
    first_period: str
    """First month the agency ran this client's payroll inside the demo's 12 months."""
    last_period: str
    """Last month the agency ran it (earlier than today's month for ended clients)."""
    automation: float
    """Share of payslips the payroll system produces without a clerk's touch."""
    withholding_rate: float
    holiday_rate: float
    """10.2 % by law, 12 % where a fifth holiday week is agreed."""
    ref_style: str
    """``seq``: arbeidsforholdId "1", "2" per person; ``prefixed``: "A-123" per client."""
    employee_number_start: int
    board_month: int
    """The month board fees (styrehonorar) are paid, after the general meeting or at year end."""
    overtime_periods: frozenset[str]
    sub_units: list[SubUnitPlan] = field(default_factory=list)


def _size_quantile(u: float) -> float:
    for (u0, s0), (u1, s1) in zip(_SIZE_QUANTILES, _SIZE_QUANTILES[1:], strict=False):
        if u <= u1:
            t = (u - u0) / (u1 - u0)
            return math.exp(math.log(s0) + t * (math.log(s1) - math.log(s0)))
    return _SIZE_QUANTILES[-1][1]


def client_sizes(rng: random.Random, count: int) -> list[int]:
    """Head counts for ``count`` clients, skewed like Norway's, in random order."""
    sizes = [max(1, round(_size_quantile((i + rng.random()) / count))) for i in range(count)]
    target = EMPLOYEES_PER_CLIENT * count
    small = sum(s for s in sizes if s < _TAIL_FROM)
    tail = sum(s for s in sizes if s >= _TAIL_FROM)
    if tail:
        # Clamped, so a tiny agency (a dozen clients, no real tail) is not inflated.
        factor = min(1.6, max(0.6, (target - small) / tail))
        sizes = [max(_TAIL_FROM, round(s * factor)) if s >= _TAIL_FROM else s for s in sizes]
    rng.shuffle(sizes)
    return sizes


def _quota(rng: random.Random, count: int, values: tuple[int, ...], weights: tuple[float, ...]) -> list[int]:
    """Exactly proportional counts (largest remainder), every value at least once when
    there is room, shuffled: so even a 12-client demo has every pay day."""
    total = sum(weights)
    raw = [count * w / total for w in weights]
    counts = [int(r) for r in raw]
    if count >= len(values):
        counts = [max(1, c) for c in counts]
    order = sorted(range(len(values)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(counts) < count:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts) > count:
        biggest = max(range(len(counts)), key=lambda k: counts[k])
        counts[biggest] -= 1
    out = [v for v, c in zip(values, counts, strict=True) for _ in range(c)]
    rng.shuffle(out)
    return out


_NEVER_HUNDREDS = frozenset(("kunnskap", "frisor", "forening", "barnehage", "servering"))
"""Trades where a client with hundreds of employees would look made up."""


def _pick_industry(rng: random.Random, size: int) -> Industry:
    bracket = 0 if size < 10 else 1 if size < 50 else 2
    weights = [0 if size >= 200 and i.key in _NEVER_HUNDREDS else i.size_weights[bracket] for i in INDUSTRIES]
    return rng.choices(INDUSTRIES, weights=weights)[0]


def _client_name(rng: random.Random, industry: Industry, town: str, taken: set[str]) -> str:
    for attempt in range(40):
        pattern = rng.choice(industry.patterns)
        base = pattern.format(
            surname=rng.choice(names.LAST), surname2=rng.choice(names.LAST),
            place=rng.choice(names.PLACE_WORDS), town=town,
        )
        if attempt >= 20:  # a crowded name space: do as Brønnøysund's users do, add the town
            base = f"{base} {town}"
        name = f"{base} {industry.suffix}".strip()
        if name.casefold() not in taken:
            taken.add(name.casefold())
            return name
    name = f"{base} {len(taken)} {industry.suffix}".strip()
    taken.add(name.casefold())
    return name


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on ``day`` (stored in UTC)."""
    return datetime(day.year, day.month, day.day, rng.randint(7, 15), rng.randrange(60), tzinfo=UTC)


def _sub_unit_count(rng: random.Random, size: int) -> int:
    if size < 10:
        return 1
    if size < 50:
        return 1 if rng.random() < 0.7 else 2
    if size < 200:
        return rng.randint(2, 3)
    return rng.randint(3, 6)


def plan_clients(rng: random.Random, count: int, today: date, orgs: OrgNumbers,
                 ids: dict[str, int]) -> list[ClientPlan]:
    """Every client with its sub-units, ids assigned (the store is empty)."""
    this_period = periods.period_of(today)
    window_start = periods.shift(this_period, -11)
    sizes = client_sizes(rng, count)
    pay_days = _quota(rng, count, PAY_DAYS, _PAY_DAY_WEIGHTS)

    # A few onboarding (first payroll with us this month) and a couple that left.
    by_size = sorted(range(count), key=lambda i: (sizes[i], i))
    n_onboarding = max(1, round(count * 0.06))
    n_ended = max(1, round(count * 0.035))
    small = [i for i in by_size if sizes[i] < 50]
    ended = set(rng.sample(small, min(n_ended, len(small))))
    rest = [i for i in by_size[: max(0, count - 3)] if i not in ended]
    onboarding = set(rng.sample(rest, min(n_onboarding, len(rest))))

    taken: set[str] = set()
    plans: list[ClientPlan] = []
    year_start = date(today.year, 1, 1)
    for i in range(count):
        size = sizes[i]
        industry = _pick_industry(rng, size)
        # Employers with a hundred people or more mostly have their head office in a city.
        towns = places.MUNICIPALITIES if size < 100 else places.CITIES
        town = rng.choices(towns, weights=[m.weight for m in towns])[0]
        status = "ended" if i in ended else "onboarding" if i in onboarding else "active"
        first, last = window_start, this_period
        if status == "onboarding":
            created = today - timedelta(days=rng.randint(5, 50))
            first = this_period
        elif status == "active" and rng.random() < 0.12 and (today - year_start).days > 75:
            # Taken on earlier this year: "Nye klienter <year>".
            created = year_start + timedelta(days=rng.randrange((today - year_start).days - 60))
            first = max(window_start, periods.period_of(created))
        else:
            created = today - timedelta(days=rng.randint(400, 12 * 365))
        if status == "ended":
            last = periods.shift(this_period, -rng.randint(2, 6))
        # Higher pay, higher marginal tax; cafés and clubs pay many low part-time wages.
        rate = rng.uniform(0.29, 0.35) + _TAX_LEVEL.get(industry.key, 0.0)
        roll = rng.random() * (0.85 if size >= 100 else 1.0)  # big clients run integrated time systems
        automation = (rng.uniform(0.85, 0.99) if roll < 0.85 else rng.uniform(0.6, 0.85) if roll < 0.95
                      else rng.uniform(0.25, 0.6))
        busy = industry.key in ("bygg", "transport", "industri", "helse", "hotell")
        n_overtime = rng.randint(2, 4) if busy else rng.randint(0, 1)
        overtime = frozenset(rng.sample(periods.last_months(this_period, 12), n_overtime))
        client_id = ids["client"] = ids["client"] + 1
        plan = ClientPlan(
            index=i, id=client_id, org_number=orgs.next(),
            name=_client_name(rng, industry, town.name, taken), industry=industry, status=status,
            pay_day=pay_days[i], municipality=town, uses_agency_altinn=rng.random() < 0.9,
            created_at=_at(created, rng), size=size, first_period=first, last_period=last,
            automation=automation, withholding_rate=max(0.26, min(0.38, rate)),
            holiday_rate=0.12 if rng.random() < 0.6 else 0.102,
            ref_style="seq" if rng.random() < 0.7 else "prefixed",
            employee_number_start=rng.choice((1, 1, 100, 1000, 10001)),
            board_month=rng.choice((5, 6, 6, 12)),
            overtime_periods=overtime,
        )
        _plan_sub_units(rng, plan, orgs, ids)
        plans.append(plan)
    return plans


def _plan_sub_units(rng: random.Random, plan: ClientPlan, orgs: OrgNumbers, ids: dict[str, int]) -> None:
    count = _sub_unit_count(rng, plan.size)
    towns = [plan.municipality]
    while len(towns) < count:
        town = rng.choices(places.MUNICIPALITIES, weights=places.MUNICIPALITY_WEIGHTS)[0]
        if town not in towns:
            towns.append(town)
    for k, town in enumerate(towns):
        # One sub-unit carries the company's own name; branches are "<name> avd. <town>".
        name = plan.name if count == 1 else f"{plan.name} avd. {town.name}"
        sub_id = ids["sub_unit"] = ids["sub_unit"] + 1
        weight = 2.0 if k == 0 else rng.uniform(0.4, 1.4)
        plan.sub_units.append(SubUnitPlan(sub_id, orgs.next(), name, town, weight))


def client_rows(plans: list[ClientPlan]) -> tuple[list[dict], list[dict]]:
    clients = [
        {
            "id": p.id, "org_number": p.org_number, "name": p.name, "status": p.status,
            "pay_day": p.pay_day, "municipality": p.municipality.name,
            "uses_agency_altinn": p.uses_agency_altinn, "created_at": p.created_at,
        }
        for p in plans
    ]
    subs = [
        {
            "id": s.id, "client_id": p.id, "org_number": s.org_number, "name": s.name,
            "municipality": s.municipality.name, "aga_zone": s.zone,
        }
        for p in plans
        for s in p.sub_units
    ]
    return clients, subs
