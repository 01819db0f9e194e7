"""Open items per employee on the personal balance accounts (reconciliation folder D01–D04).

The accounts of the roles ``employee_clearing`` (D01, clearing accounts of payroll),
``advance`` and ``travel_advance`` (D03), ``employee_loan`` (D04) and ``error`` (the
posting error account) are read per employee: the ledger line's sub-ledger id (SAF-T
``SupplierID``/``CustomerID``), else its dimension, names whose item it is. Within one
employee debits and credits settle each other oldest first; what is left is the open
items, aged at the period's last day in the buckets 0–30, 31–90 and over 90 days.

Each account must net to zero at the period's end or be explained: one row per account
(expected 0, the ledger's balance), one per employee with a balance, and for reading the
employee's open items per age bucket. Lines without an employee stand under ``-``.
An employee's opening balance (SAF-T's customer/supplier ``OpeningDebitBalance`` per
account, read as kind ``party``) is that employee's item: made of the newest items last
year's postings left open when that ledger was imported (each aging from its own date, so
a leaver's advance from last year is over 90 days when it is), else dated the day before
the opening. What of the account's opening no employee's explains stands as its own row.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from byraa.core.base import periods
from byraa.core.reconcile.checks import ResultRow, Settings, compare_amounts
from byraa.core.reconcile.checks.amounts import Ledger, _months
from byraa.core.reconcile.checks.inputs import Inputs

ROLES = ("employee_clearing", "advance", "travel_advance", "employee_loan", "error")
BUCKETS = ("0-30 days", "31-90 days", "over 90 days")
NO_EMPLOYEE = "-"


def bucket(age_days: int) -> str:
    """The age bucket of an item ``age_days`` old at the period's end (0–30, 31–90, over 90)."""
    if age_days <= 30:
        return BUCKETS[0]
    if age_days <= 90:
        return BUCKETS[1]
    return BUCKETS[2]


def open_items(postings: Iterable[tuple[date, int]]) -> list[tuple[date, int]]:
    """The items left open after debits and credits settle each other oldest first.

    ``postings`` are (date, signed amount); the result keeps the open remainder of each
    item on the side that is left over, in date order.
    """
    debit: deque[list] = deque()
    credit: deque[list] = deque()
    for day, amount in sorted(postings, key=lambda x: x[0]):
        if amount == 0:
            continue
        mine, other = (debit, credit) if amount > 0 else (credit, debit)
        left = abs(amount)
        while left and other:
            take = min(left, other[0][1])
            other[0][1] -= take
            left -= take
            if other[0][1] == 0:
                other.popleft()
        if left:
            mine.append([day, left])
    return [(d, a) for d, a in debit] + [(d, -a) for d, a in credit]


def ageing(items: list[tuple[date, int]], at: date) -> dict[str, int]:
    out = dict.fromkeys(BUCKETS, 0)
    for day, amount in items:
        out[bucket((at - day).days)] += amount
    return out


def _who(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.coalesce(pl.col("party"), pl.col("dimension"), pl.lit(NO_EMPLOYEE)).alias("who"))


def _opening_items(prior: pl.DataFrame, amount: int, day_before: date) -> list[tuple[date, int]]:
    """An employee's opening balance as dated items: the newest of the items left open by
    last year's postings (when that ledger was imported) that make it up, each from its own
    date; what they do not explain is dated the day before the opening."""
    left = amount
    out: list[tuple[date, int]] = []
    rows = ((r["entry_date"] or periods.first_day(r["period"]), r["amount"]) for r in prior.iter_rows(named=True))
    for day, open_amount in sorted(open_items(rows), key=lambda x: x[0], reverse=True):
        if not left or (open_amount > 0) != (left > 0):
            continue
        take = min(abs(left), abs(open_amount)) * (1 if left > 0 else -1)
        out.append((day, take))
        left -= take
    if left:
        out.append((day_before, left))
    return out


def open_items_check(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    """Per account of the roles: the balance must be zero; per employee its open items aged."""
    p = inputs.period
    ledger = Ledger(inputs)
    tol = settings.tolerances.get("open_items", 0)
    end = periods.last_day(p)
    out: list[ResultRow] = []
    seen: set[str] = set()
    for role in ROLES:
        for account in settings.accounts.get(role, ()):
            if account in seen:
                continue
            seen.add(account)
            if not ledger.has(p):
                if ledger.df.filter(pl.col("account") == account).height:
                    out.append(ResultRow("open_items", account, "balance at period end", 0, None, None, None,
                                         "missing"))
                continue
            opening, start = ledger.opening((account,), p)
            lines = _who(ledger.postings((account,), _months(start, p)))
            if opening == 0 and lines.height == 0:
                continue
            balance = opening + int(lines["amount"].sum() or 0)
            status, diff = compare_amounts(0, [balance], tol)
            out.append(ResultRow("open_items", account, "balance at period end", 0, None, balance, diff, status))
            by_who: dict[str, list[tuple[date, int]]] = defaultdict(list)
            for r in lines.iter_rows(named=True):
                by_who[r["who"]].append((r["entry_date"] or periods.first_day(r["period"]), r["amount"]))
            parties = ledger.df.filter(pl.col("kind") == "party", pl.col("account") == account,
                                       pl.col("period") == start)
            prior = _who(inputs.prior_ledger.filter(pl.col("account") == account))
            for party, amount in parties.select("party", "amount").iter_rows():
                by_who[party].extend(_opening_items(prior.filter(pl.col("who") == party), amount,
                                                    periods.first_day(start) - timedelta(days=1)))
                out.append(ResultRow("open_items", f"{account} {party}", "opening balance (per employee)", None,
                                     None, amount, None, "info"))
            rest = opening - int(parties["amount"].sum() or 0)
            if rest:
                out.append(ResultRow("open_items", account, "opening balance (not per employee)", None, None,
                                     rest, None, "info"))
            for who in sorted(by_who):
                own = sum(a for _, a in by_who[who])
                if own == 0:
                    continue
                key = f"{account} {who}"
                out.append(ResultRow("open_items", key, "employee balance", 0, None, own, own,
                                     "differs" if abs(own) > tol else "equal"))
                items = open_items(by_who[who])
                for name, amount in ageing(items, end).items():
                    if amount:
                        out.append(ResultRow("open_items", key, name, None, None, amount, None, "info"))
    return out
