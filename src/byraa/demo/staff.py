"""The agency's people, who may touch which client, and the client groups.

Three agency managers and twelve payroll clerks, all active, plus one clerk who has left
(inactive) but still holds grants: exactly what an access review exists to catch. Each
client has one responsible clerk and up to two associates; managers are responsible
for a few clients themselves; and a couple of clients have no responsible at all, for
the dashboard's attention list. Groups mirror how an agency plans its month: by pay day
("Utbetaling 20.") and by categories a manager keeps an eye on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from byraa.demo import names
from byraa.demo.clients import PAY_DAYS, ClientPlan

MANAGERS = 3
CLERKS = 12


@dataclass
class StaffPlan:
    id: int
    login: str
    name: str
    role: str
    active: bool
    created_at: datetime
    email: str | None


def _login(name: str) -> str:
    first, *_, last = name.split()
    return f"{first}.{last}".lower().translate(names.ASCII_FOLD)


def _name_from_login(login: str) -> str:
    if "." in login and all(part.isalpha() for part in login.split(".")):
        return " ".join(part.capitalize() for part in login.split("."))
    return "Demo-bruker"


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(8, 15), rng.randrange(60), tzinfo=UTC)


def plan_staff(rng: random.Random, manager_login: str, today: date, domain: str,
               ids: dict[str, int]) -> tuple[list[StaffPlan], StaffPlan, StaffPlan]:
    """All staff users (managers first, the inactive leaver last), the demo user, the leaver."""
    people: list[tuple[str, str]] = []  # (name, login)
    logins: set[str] = set()  # membership only
    while len(people) < MANAGERS + CLERKS + 1:
        female = rng.random() < 0.7  # payroll is a trade with more women than men
        first = rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST)
        name = f"{first} {rng.choice(names.LAST)}"
        login = _login(name)
        if login in logins:
            continue
        logins.add(login)
        people.append((name, login))
    leaver_name, leaver_login = people[-1]
    if leaver_login == manager_login:  # keep the inactive leaver whoever runs the demo
        leaver_login = f"{leaver_login}2"

    def created(years_low: int, years_high: int) -> datetime:
        return _moment(rng, today - timedelta(days=rng.randint(years_low * 365, years_high * 365)))

    managers = [[name, login, "manager", True, created(6, 15)] for name, login in people[:MANAGERS]]
    clerks = [[name, login, "clerk", True, created(1, 12)] for name, login in people[MANAGERS:-1]]
    demo = None
    for row in managers + clerks:
        if row[1] == manager_login:
            row[2] = "manager"
            demo = row
    if demo is None:
        demo = [_name_from_login(manager_login), manager_login, "manager", True, created(1, 3)]
        managers.append(demo)
    else:
        clerks = [row for row in clerks if row is not demo]
        if demo not in managers:
            managers.append(demo)
    leaver = [leaver_name, leaver_login, "clerk", False, created(4, 9)]

    plans: list[StaffPlan] = []
    for name, login, role, active, at in managers + clerks + [leaver]:
        staff_id = ids["staff_user"] = ids["staff_user"] + 1
        email = f"{login}@{domain}" if login.replace(".", "").isalnum() else None
        plans.append(StaffPlan(staff_id, login, name, role, active, at, email))
    by_login = {p.login: p for p in plans}
    return plans, by_login[manager_login], by_login[leaver_login]


def staff_rows(plans: list[StaffPlan]) -> list[dict]:
    return [
        {"id": p.id, "login": p.login, "name": p.name, "email": p.email, "role": p.role,
         "active": p.active, "created_at": p.created_at}
        for p in plans
    ]


def plan_access(rng: random.Random, clients: list[ClientPlan], staff: list[StaffPlan], demo_user: StaffPlan,
                leaver: StaffPlan, today: date, ids: dict[str, int]) -> tuple[list[dict], set[int]]:
    """ClientAccess rows, and the ids of clients left without a responsible."""
    n = len(clients)
    managers = [s for s in staff if s.role == "manager" and s is not demo_user]
    clerks = [s for s in staff if s.role == "clerk" and s.active]
    grantor = managers[0].login if managers else demo_user.login
    order = list(range(n))
    rng.shuffle(order)

    # Clients with nobody responsible: never an ended one (nobody cares about those).
    candidates = [i for i in order if clients[i].status != "ended"]
    no_responsible = set(candidates[: max(2, round(n * 0.045))])
    rest = [i for i in order if i not in no_responsible]
    responsible: dict[int, StaffPlan] = {}
    cursor = 0

    def take(user: StaffPlan, count: int) -> None:
        nonlocal cursor
        for i in rest[cursor: cursor + count]:
            responsible[i] = user
        cursor += count

    take(leaver, 1)  # the leaver is still responsible for one client: the review must catch it
    for manager in managers:
        take(manager, max(1, round(n * 0.03)))
    take(demo_user, max(2, round(n * 0.05)))  # so "my clients" is not empty for whoever runs the demo
    # Clerks carry different loads: a senior clerk has about twice the clients of a new one.
    loads = [rng.uniform(0.7, 1.3) for _ in clerks]
    for i in rest[cursor:]:
        responsible[i] = rng.choices(clerks, weights=loads)[0]

    rows: list[dict] = []

    def grant(user: StaffPlan, client: ClientPlan, role: str) -> None:
        start = max(client.created_at, user.created_at)
        latest = _moment(rng, today) if user.active else user.created_at + timedelta(days=3 * 365)
        at = min(start + timedelta(days=rng.randint(0, 30), hours=1), max(start, latest))
        row_id = ids["client_access"] = ids["client_access"] + 1
        rows.append({"id": row_id, "user_id": user.id, "client_id": client.id, "role": role,
                     "granted_at": at, "granted_by": grantor})

    leaver_associate = [i for i in rest if responsible[i] is not leaver][:2]
    for i in range(n):
        client = clients[i]
        holders = []
        owner = responsible.get(i)
        if owner is not None:
            grant(owner, client, "responsible")
            holders.append(owner)
        if i in leaver_associate:
            grant(leaver, client, "associate")
            holders.append(leaver)
        roll = rng.random()
        wanted = (1 if roll < 0.5 else 0) if owner is None else (0 if roll < 0.45 else 1 if roll < 0.85 else 2)
        pool = clerks if rng.random() < 0.9 else managers + clerks
        pool = [user for user in pool if all(user is not h for h in holders)]
        for user in rng.sample(pool, min(len(pool), wanted)):
            grant(user, client, "associate")
    return rows, {clients[i].id for i in no_responsible}


def plan_groups(rng: random.Random, clients: list[ClientPlan], follow_up: set[int], today: date,
                ids: dict[str, int]) -> tuple[list[dict], list[dict]]:
    """Pay-day groups and a few categories, with memberships."""
    groups: list[tuple[str, str, list[int]]] = []
    for day in PAY_DAYS:
        label = "siste" if day == 31 else f"{day}."
        when = "siste dag i måneden" if day == 31 else f"den {day}. i måneden"
        members = [c.id for c in clients if c.pay_day == day and c.status != "ended"]
        groups.append((f"Utbetaling {label}", f"Lønn utbetales {when}", members))
    groups.append(("Bygg og anlegg", "Klienter i bygg- og anleggsbransjen",
                   [c.id for c in clients if c.industry.key == "bygg"]))
    groups.append((f"Nye klienter {today.year}",
                   f"Klienter tatt inn i {today.year}: følg opp første lønnskjøringer",
                   [c.id for c in clients if c.created_at.year == today.year or c.status == "onboarding"]))
    groups.append(("Krever oppfølging", "Avviste a-meldinger, lav automatiseringsgrad eller mangler ansvarlig",
                   [c.id for c in clients if c.id in follow_up]))
    group_rows, member_rows = [], []
    for name, description, members in groups:
        group_id = ids["client_group"] = ids["client_group"] + 1
        at = datetime(today.year - rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28), 9, 0, tzinfo=UTC)
        if name.startswith("Nye klienter"):
            at = datetime(today.year, 1, rng.randint(2, 10), 9, 0, tzinfo=UTC)
        group_rows.append({"id": group_id, "name": name, "description": description, "created_at": min(
            at, datetime(today.year, today.month, today.day, tzinfo=UTC))})
        member_rows.extend({"group_id": group_id, "client_id": client_id} for client_id in members)
    return group_rows, member_rows
