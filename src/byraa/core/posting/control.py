"""The control list before posting (the seed's page 402) and the voucher it becomes.

Rules, per journal line, against the client's ledger (its imported SAF-T or ledger CSV:
the accounts it knows; the posting settings: sub-ledger accounts, open fiscal years,
error account and error customer):

1. The lines of a fiscal year do not sum to zero: a ``DIFFERENCE`` line on the error
   account balances them.
2. An account the ledger does not know: the line goes to the error account with the
   text ``KTO: <account>``.
3. A national id on an account that is not a sub-ledger account: posted on the account,
   the id in the text (the ledger cannot carry it as a customer).
4. A sub-ledger account line without a national id: posted on the account with the
   error customer.
5. A national id the client does not know (no employee of the client has it): the line
   goes to the error account with the id in the text.
6. The fiscal year is the payroll's own if it is open in the ledger, else the calendar
   year; when neither is open the run cannot be posted.

Every voucher line's text starts ``LØN<pay form>,<yyyy><mm>`` (plus ``a`` for an
off-cycle run). Pure functions over plain data: the service reads the store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

PROBLEMS = ("difference", "unknown_account", "id_on_plain_account", "subledger_without_id", "unknown_id",
            "no_open_year")
BLOCKING = ("no_open_year", "no_chart")


@dataclass(frozen=True)
class Ledger:
    """What the client's ledger knows, for the rules."""

    accounts: frozenset[str]
    subledger_accounts: frozenset[str]
    known_ids: frozenset[str]
    open_years: frozenset[int]
    error_account: str | None
    error_customer: str | None
    calendar_year: int


class Line(NamedTuple):
    """A journal line as the rules read it (a tuple: 30,000 of them are made per control list)."""

    line_no: int
    account: str
    amount: int
    national_id: str | None = None
    employee_no: str | None = None
    department: str | None = None
    project: str | None = None
    fiscal_year: int | None = None
    text: str | None = None


@dataclass(slots=True)
class ControlRow:
    """One journal line and what posting will make of it."""

    line_no: int
    account: str
    amount: int
    national_id: str | None
    department: str | None
    problems: list[str]
    post_account: str
    customer: str | None
    fiscal_year: int | None
    text: str


@dataclass
class ControlList:
    rows: list[ControlRow]
    differences: dict[int, int]
    """Fiscal year -> the DIFFERENCE line's amount (what balances the year)."""
    blocking: list[str] = field(default_factory=list)
    by_account: dict[str, int] = field(default_factory=dict)
    by_person: dict[str, int] = field(default_factory=dict)

    @property
    def problem_count(self) -> int:
        return sum(1 for r in self.rows if r.problems) + len(self.differences)

    @property
    def clean(self) -> bool:
        return not self.problem_count and not self.blocking


def posting_text(pay_form: str, period: str, off_cycle: bool) -> str:
    """``LØN01,202611`` (``LØN01,202611a`` for an off-cycle run)."""
    return f"LØN{pay_form},{period[:4]}{period[5:7]}" + ("a" if off_cycle else "")


def fiscal_year(line: Line, ledger: Ledger) -> int | None:
    """The payroll's year if open in the ledger, else the calendar year if open, else None."""
    if line.fiscal_year is not None and line.fiscal_year in ledger.open_years:
        return line.fiscal_year
    if ledger.calendar_year in ledger.open_years:
        return ledger.calendar_year
    return None


def control(lines: list[Line], ledger: Ledger, *, pay_form: str, period: str, off_cycle: bool) -> ControlList:
    """The control list of a run's journal lines (rules in the module docstring)."""
    head = posting_text(pay_form, period, off_cycle)
    rows: list[ControlRow] = []
    per_year: dict[int, int] = defaultdict(int)
    blocking: list[str] = []
    if not ledger.accounts:
        blocking.append("no_chart")
    error_account = ledger.error_account or "?"
    for line in lines:
        problems: list[str] = []
        post_account, customer = line.account, None
        text = head + (f" {line.text}" if line.text else "")
        year = fiscal_year(line, ledger)
        if year is None:
            problems.append("no_open_year")
        if line.account not in ledger.accounts and line.account not in ledger.subledger_accounts:
            problems.append("unknown_account")
            post_account, text = error_account, f"{head} KTO: {line.account}"
        elif line.national_id and line.national_id not in ledger.known_ids:
            problems.append("unknown_id")
            post_account, text = error_account, f"{head} {line.national_id}"
        elif line.account in ledger.subledger_accounts:
            if line.national_id:
                customer = line.national_id
            else:
                problems.append("subledger_without_id")
                customer = ledger.error_customer or "?"
        elif line.national_id:
            problems.append("id_on_plain_account")
            text = f"{head} {line.national_id}"
        rows.append(ControlRow(line.line_no, line.account, line.amount, line.national_id, line.department, problems,
                               post_account, customer, year, text[:250]))
        if year is not None:
            per_year[year] += line.amount
    if any("no_open_year" in r.problems for r in rows):
        blocking.append("no_open_year")
    differences = {year: -total for year, total in sorted(per_year.items()) if total}
    by_account: dict[str, int] = defaultdict(int)
    by_person: dict[str, int] = defaultdict(int)
    for line in lines:
        by_account[line.account] += line.amount
        if line.national_id:
            by_person[line.national_id] += line.amount
    return ControlList(rows, differences, blocking, dict(sorted(by_account.items())), dict(sorted(by_person.items())))


@dataclass(frozen=True)
class VoucherLine:
    voucher: int
    fiscal_year: int
    account: str
    customer: str | None
    amount: int
    text: str
    to_error: bool


def voucher_lines(result: ControlList, ledger: Ledger, *, first_voucher: int, head: str) -> list[VoucherLine]:
    """The posting: one voucher per fiscal year, lines in journal order, then the DIFFERENCE line."""
    years = sorted({r.fiscal_year for r in result.rows if r.fiscal_year is not None})
    numbers = {year: first_voucher + i for i, year in enumerate(years)}
    error_account = ledger.error_account or "?"
    out: list[VoucherLine] = []
    for year in years:
        for r in result.rows:
            if r.fiscal_year != year:
                continue
            to_error = r.post_account == error_account or r.customer == ledger.error_customer
            out.append(VoucherLine(numbers[year], year, r.post_account, r.customer, r.amount, r.text, to_error))
        if result.differences.get(year):
            out.append(VoucherLine(numbers[year], year, error_account, None, result.differences[year],
                                   f"{head} DIFFERENCE", True))
    return out
