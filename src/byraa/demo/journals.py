"""The payroll systems' posting journals (the format ``byraa import journal`` reads).

One CSV per client and month of the regular run (``<org>/<org>_lonnsjournal-<period>.csv``:
the intake takes the client from the ``ORGNR_`` prefix), for the last months up to today
only: every month would double the files the intake imports and the demo's build time.
The lines are the ledger's payroll voucher spelled out per employee: wages (5000) and
holiday pay paid (2940) and travel (7140) per employment with the employee number, then
the withholding (2600) and the net pay owed (2930) in total, so a clean journal sums to
zero on accounts the client's ledger knows. Clients with a pension or påleggstrekk
(``demo.folder_accounts``) also get the premium (5420 per employee, 2810 in total), the
member's share (2630) and the garnishment (2610) per employee, their benefits in kind
(52xx per employee, 5290 in total) and loan instalments (1380 with the national id, a
sub-ledger account), and a journal for every month of the year.

A few clients' latest journal carry one planted fault each (the posting control list's
rules, ``core.posting.control``), drawn from the stage's own random stream:

- ``unknown_account``: one wage line on an account the ledger does not have;
- ``unknown_id``: an advance paid back (1570, a sub-ledger account) by a national id no
  employee of the client has;
- ``subledger_without_id``: an advance paid back on 1570 without a national id;
- ``difference``: the withholding line short by 100 kroner, so the journal does not sum
  to zero.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from byraa.core.base import periods
from byraa.demo.clients import ClientPlan
from byraa.demo.folder_benefits import COUNTER_ACCOUNT
from byraa.demo.numbers import tenor_national_id
from byraa.demo.payroll import MonthResult

MONTHS = 3
"""Journals for this month and the two before it (the months a clerk still posts)."""

FAULTS = ("unknown_account", "unknown_id", "subledger_without_id", "difference")
UNKNOWN_ACCOUNT = "5010"
ADVANCE_ACCOUNT = "1570"
ERROR_ACCOUNT = "2999"
ERROR_CUSTOMER = "99999"
SUBLEDGER_ACCOUNTS = "1380,1570"
SHORT = 100_00
"""What the ``difference`` fault leaves off the withholding line (øre)."""
TEXTS = {"elektroniskKommunikasjon": "Fri telefon", "bil": "Fri bil", "rentefordelLaan": "Rentefordel lån"}
"""The journal's line text per benefit in kind."""
HEADER = "konto;beløp;fødselsnummer;ansattnr;lønnsform;periode;tekst\n"


@dataclass(frozen=True)
class JournalFault:
    org_number: str
    period: str
    problem: str
    account: str
    national_id: str | None = None


def _kr(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    ore = abs(ore)
    return f"{sign}{ore // 100}.{ore % 100:02d}"


def journal_months(months: list[MonthResult], today: date, full_year: frozenset[int] = frozenset(),
                   ) -> list[MonthResult]:
    """The months that get a journal: paid by today, among the last ``MONTHS``; for the
    clients (by index) in ``full_year``, every month of today's year (the reconciliation
    folder's pension and garnishment checks read the year's journals)."""
    first = periods.shift(periods.period_of(today), -(MONTHS - 1))
    year = f"{today.year}-01"
    return [m for m in months if m.pay_date <= today
            and (m.period >= first or (m.client_index in full_year and m.period >= year))]


def plan_faults(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult], today: date,
                taken_ids: set[str]) -> list[JournalFault]:
    """One fault each on as many clients (their latest journal), in ``FAULTS`` order."""
    latest: dict[int, str] = {}
    for m in journal_months(months, today):
        latest[m.client_index] = max(latest.get(m.client_index, ""), m.period)
    candidates = sorted(latest)
    chosen = rng.sample(candidates, min(len(FAULTS), len(candidates)))
    faults = []
    for problem, index in zip(FAULTS, chosen, strict=False):
        client = clients[index]
        account, national_id = ADVANCE_ACCOUNT, None
        if problem == "unknown_account":
            account = UNKNOWN_ACCOUNT
        elif problem == "difference":
            account = "2600"
        elif problem == "unknown_id":
            while national_id is None or national_id in taken_ids:
                national_id = tenor_national_id(rng, date(rng.randint(1960, 2000), rng.randint(1, 12),
                                                          rng.randint(1, 28)), d_number=False)
        faults.append(JournalFault(client.org_number, latest[index], problem, account, national_id))
    return faults


def journal_csv(m: MonthResult, employment_of: dict[int, dict], employee_of: dict[int, dict],
                fault: JournalFault | None) -> bytes:
    """The regular run's journal of month ``m`` (amounts in kroner, debit positive)."""
    lines: list[tuple[str, int, str, str, str]] = []
    travel: dict[int, int] = defaultdict(int)
    for eid, amount in m.travel:
        travel[eid] += amount
    for eid in sorted(set(m.wages) | set(m.holiday) | set(travel)):
        number = employee_of[employment_of[eid]["employee_id"]]["employee_number"]
        lines += [("5000", m.wages.get(eid, 0), "", number, "Lønn"),
                  ("2940", m.holiday.get(eid, 0), "", number, "Feriepenger"),
                  ("7140", travel.get(eid, 0), "", number, "Reise")]
    withheld = sum(m.withheld.values())
    net = sum(v for _, v, *_ in lines) - withheld
    # Pension premium (provided for, the member's share deducted) and påleggstrekk.
    for eid in sorted(set(m.pension) | set(m.member) | set(m.garnish)):
        number = employee_of[employment_of[eid]["employee_id"]]["employee_number"]
        lines += [("5420", m.pension.get(eid, 0), "", number, "Pensjonspremie"),
                  ("2630", -m.member.get(eid, 0), "", number, "Pensjonstrekk"),
                  ("2610", -m.garnish.get(eid, 0), "", number, "Påleggstrekk")]
        net -= m.member.get(eid, 0) + m.garnish.get(eid, 0)
    if m.pension:
        lines.append(("2810", -sum(m.pension.values()), "", "", "Skyldig pensjonspremie"))
    # Benefits in kind per employee against the counter-account; loan instalments per
    # employee with the national id (1380 is a sub-ledger account).
    for eid in sorted(m.benefits):
        number = employee_of[employment_of[eid]["employee_id"]]["employee_number"]
        lines += [(account, amount, "", number, TEXTS[description]) for description, account, amount in m.benefits[eid]]
    counter = sum(amount for benefits in m.benefits.values() for _, _, amount in benefits)
    if counter:
        lines.append((COUNTER_ACCOUNT, -counter, "", "", "Motkonto naturalytelser"))
    for eid, amount in sorted(m.loan.items()):
        person = employee_of[employment_of[eid]["employee_id"]]
        lines.append(("1380", -amount, person["national_id"], person["employee_number"], "Avdrag lån"))
        net -= amount
    # Sick pay claimed back from NAV: the receivable per employee, the refund to income.
    for eid, amount in sorted(m.refund.items()):
        number = employee_of[employment_of[eid]["employee_id"]]["employee_number"]
        lines += [("1574", amount, "", number, "Refusjonskrav sykepenger"),
                  ("5800", -amount, "", number, "Refusjon sykepenger")]
    lines = [line for line in lines if line[1]]
    if fault is not None and fault.problem == "unknown_account" and lines:
        account, amount, nid, number, text = next(line for line in lines if line[0] == "5000")
        index = lines.index((account, amount, nid, number, text))
        lines[index] = (fault.account, amount, nid, number, text)
    if fault is not None and fault.problem in ("unknown_id", "subledger_without_id"):
        # An advance paid back out of this month's net pay.
        advance = min(2_000_00, max(net // 10, 100_00))
        lines.append((ADVANCE_ACCOUNT, -advance, fault.national_id or "", "", "Trekk forskudd"))
        net -= advance
    short = SHORT if fault is not None and fault.problem == "difference" else 0
    lines += [("2600", -withheld + short, "", "", "Forskuddstrekk"), ("2930", -net, "", "", "Skyldig lønn")]
    out = [HEADER]
    out += [f"{account};{_kr(amount)};{nid};{number};01;{m.period};{text}\n"
            for account, amount, nid, number, text in lines]
    return "".join(out).encode("utf-8")


def write_journals(folder: Path, clients: list[ClientPlan], months: list[MonthResult], employees: list[dict],
                   employments: list[dict], faults: list[JournalFault], today: date,
                   write: Callable[[Path, bytes], None], full_year: frozenset[int] = frozenset()) -> int:
    """Write the journals into ``folder/<org>/`` (made by the inbox); returns the file count.
    ``full_year``: clients (by index) with a journal for every month of the year."""
    employment_of = {e["id"]: e for e in employments}
    employee_of = {e["id"]: e for e in employees}
    planted = {(f.org_number, f.period): f for f in faults}
    count = 0
    for m in journal_months(months, today, full_year):
        client = clients[m.client_index]
        org = client.org_number
        data = journal_csv(m, employment_of, employee_of, planted.get((org, m.period)))
        write(folder / org / f"{org}_lonnsjournal-{m.period}.csv", data)
        count += 1
    return count


def posting_settings(clients: list[ClientPlan], manager: str, today: date) -> list[dict]:
    """Every client's posting settings: the error account and customer, the employee
    sub-ledger accounts (advances 1570, loans 1380)."""
    from datetime import UTC, datetime

    at = datetime(today.year, today.month, today.day, 7, 0, tzinfo=UTC)
    return [{"client_id": c.id, "error_account": ERROR_ACCOUNT, "error_customer": ERROR_CUSTOMER,
             "subledger_accounts": SUBLEDGER_ACCOUNTS, "open_years": "", "settle_accounts": "",
             "updated_at": at, "updated_by": manager} for c in clients]


__all__ = ["FAULTS", "SHORT", "JournalFault", "plan_faults", "posting_settings", "write_journals"]
