"""Small hand-built agencies with known figures, for tests that must not depend on the demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache

from byraa.core.agency.identity import Identity, resolve
from byraa.core.base import ids
from byraa.core.clients.activity import refresh_active_employees
from byraa.core.store import Store
from byraa.core.store.models import (
    Agency,
    AmeldingSubmission,
    Client,
    ClientAccess,
    ClientActivity,
    ClientGroup,
    Employee,
    Employment,
    GroupMembership,
    PayrollRun,
    StaffUser,
    SubUnit,
)

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@cache
def _valid(kind: str, limit: int) -> tuple[str, ...]:
    """Every valid number of a kind among its first ``limit`` candidates, in order (each
    later ``org(n)`` or ``nid(n)`` is a look-up, not a new count from the start)."""
    if kind == "org":
        found = (ids.complete_org_number(f"31{i:06d}") for i in range(limit))
    else:
        found = (ids.complete_national_id(f"018190{i:03d}") for i in range(limit))
    return tuple(value for value in found if value)


def _nth(kind: str, n: int, limit: int) -> str:
    valid = _valid(kind, limit)
    top = 1_000_000 if kind == "org" else 1_000  # the candidates a kind has (six or three digits)
    while n >= len(valid) and limit < top:
        limit *= 10
        valid = _valid(kind, limit)
    if n >= len(valid):
        raise AssertionError(f"no {n}-th synthetic {kind}")
    return valid[n]


def org(n: int) -> str:
    """The n-th valid synthetic org number in the 31x range."""
    return _nth("org", n, 1_000)


def nid(n: int) -> str:
    """The n-th valid Tenor national id (born 1 Jan 1990, month + 80)."""
    return _nth("nid", n, 1_000)


@dataclass
class Small:
    """Three clients: A (tester responsible), B (clerk responsible), C (nobody responsible)."""

    store: Store
    clients: dict[str, int] = field(default_factory=dict)

    def who(self, login: str = "tester") -> Identity:
        return resolve(self.store, login)


def small_agency(store: Store) -> Small:
    """The small agency in ``store``: built once per test process, copied after
    (``tests/store_copies.py``)."""
    from tests.store_copies import filled_once

    return Small(store, dict(filled_once(store, "small_agency", lambda s: _build_small(s).clients)))


def _build_small(store: Store) -> Small:
    small = Small(store)
    with store.session() as s:
        s.add(Agency(name="Testbyrå AS", org_number=org(0), created_at=NOW))
        tester = StaffUser(login="tester", name="Test Leder", role="manager", created_at=NOW)
        clerk = StaffUser(login="clerk", name="Kari Klerk", role="clerk", created_at=NOW)
        other = StaffUser(login="other", name="Ola Annen", role="clerk", created_at=NOW)
        s.add_all([tester, clerk, other])
        s.flush()
        group = ClientGroup(name="Utbetaling 20.", created_at=NOW)
        s.add(group)
        s.flush()
        for index, (key, name, pay_day, responsible) in enumerate(
            [("A", "Alfa Rør AS", 20, tester), ("B", "Bakeri Beta AS", 10, clerk), ("C", "Cafe Gamma AS", 20, None)],
            start=1,
        ):
            client = Client(org_number=org(index), name=name, pay_day=pay_day, created_at=NOW)
            s.add(client)
            s.flush()
            small.clients[key] = client.id
            unit = SubUnit(client_id=client.id, org_number=org(index + 10), name=f"{name} avd. 1")
            s.add(unit)
            s.flush()
            if responsible is not None:
                s.add(ClientAccess(user_id=responsible.id, client_id=client.id, role="responsible", granted_at=NOW))
            if pay_day == 20:
                s.add(GroupMembership(group_id=group.id, client_id=client.id))
            # Two employees each; the second left at the end of October 2026.
            for n in range(2):
                person = Employee(client_id=client.id, national_id=nid(index * 2 + n), name=f"Person {key}{n}")
                s.add(person)
                s.flush()
                s.add(Employment(employee_id=person.id, client_id=client.id, sub_unit_id=unit.id,
                                 employment_ref="1", start_date=date(2020, 1, 1),
                                 end_date=None if n == 0 else date(2026, 10, 31), occupation_code="5223102"))
            for period, slips, gross in (("2026-10", 2, 100_000_00), ("2026-11", 1, 50_000_00)):
                s.add(PayrollRun(client_id=client.id, period=period, pay_date=date(2026, int(period[5:]), pay_day),
                                 payslip_count=slips, payslips_manual=1 if key == "B" else 0, gross=gross,
                                 withholding=gross // 3, employer_contribution=gross * 141 // 1000))
                s.add(ClientActivity(client_id=client.id, period=period, travel_expense_claims=3, absences=1))
        s.add(AmeldingSubmission(client_id=small.clients["A"], period="2026-10", message_id="a1",
                                 submitted_at=NOW, status="accepted"))
        s.add(AmeldingSubmission(client_id=small.clients["B"], period="2026-10", message_id="b1",
                                 submitted_at=datetime(2026, 11, 3, tzinfo=UTC), status="rejected",
                                 deviations_rejection=1))
        s.add(AmeldingSubmission(client_id=small.clients["C"], period="2026-10", message_id="c1",
                                 submitted_at=datetime(2026, 11, 3, tzinfo=UTC), status="rejected",
                                 deviations_rejection=2))
        s.add(AmeldingSubmission(client_id=small.clients["C"], period="2026-10", message_id="c2",
                                 submitted_at=datetime(2026, 11, 4, tzinfo=UTC), status="accepted"))
        s.flush()
        refresh_active_employees(s, ["2026-10", "2026-11"])
    return small
