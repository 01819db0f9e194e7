"""Pension premium (reconciliation folder E01) and NAV refunds (A7).

``pension`` — at the end of each term (February, April, …, December):

- the employer's share provided for in payroll (the payroll journal's lines on the
  pension expense accounts) vs the provision booked (credit on the employer's-share
  account);
- the employee's share, the a-meldinger's deduction ``premieTilPensjonsordninger``, vs
  what was booked to the member's-share account (credit);
- the invoices booked in the term (debits on both accounts) vs provision + deduction:
  the difference, for reading;
- that difference moved to the settlement account in the term (its movement, debit
  positive) — not moved is a difference;
- in December the member's-share, employer's-share and settlement accounts must be
  zero (R-118: the year's difference is taken to the result).

Vouchers that touch the settlement account are the transfer, not an invoice or a
provision, and are left out of the other figures; one that touches the settlement account
and the expense is the year's difference taken to the result, not a transfer.

``nav_refunds`` — every month: the refund claims for sick pay and parental benefit in the
payroll journal (debits on the NAV receivable) vs the refunds taken to income in the
ledger (credit on the refund accounts); the receivable at the month's end expected from
the year's claims less the payments received from NAV (credits on the receivable) vs its
balance; and per employee the claims still open more than 90 days after their month's
end (claims and payments settled oldest first; a payment with the employee's sub-ledger
id settles that employee's claims, the rest the oldest claims of anyone). Claims from
before the ledger's opening balance, last year's included, are read too: the newest of
them that make up the opening balance are still open in January and age from their own
month, so a claim open across the year boundary is listed once over 90 days.
"""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from byraa.core.base import periods
from byraa.core.reconcile.checks import ResultRow, Settings, compare_amounts
from byraa.core.reconcile.checks.amounts import Ledger, _months, term_of
from byraa.core.reconcile.checks.inputs import Inputs

PENSION_DEDUCTIONS = ("premieTilPensjonsordninger",)
"""A-melding deduction descriptions that are the employee's pension premium."""

OPEN_CLAIM_DAYS = 90


def _not_transfer(df: pl.DataFrame, transfer_vouchers: set[str]) -> pl.DataFrame:
    return df.filter(pl.col("voucher").is_null() | ~pl.col("voucher").is_in(list(transfer_vouchers)))


def posting_rows(check: str, key: str, lines: pl.DataFrame) -> list[ResultRow]:
    """The postings behind a ledger figure, for reading (``posting DATE VOUCHER TEXT``)."""
    out = []
    for r in lines.sort(["entry_date", "voucher"], nulls_last=True).iter_rows(named=True):
        when = r["entry_date"].isoformat() if r["entry_date"] else r["period"]
        label = " ".join(x for x in (when, r["voucher"] or "", r["account"], r["text"] or "") if x)
        out.append(ResultRow(check, key, f"posting {label}"[:60], None, None, r["amount"], None, "info"))
    return out


def _journal_sum(inputs: Inputs, accounts: tuple[str, ...], months: list[str]) -> int:
    j = inputs.journal.filter(pl.col("account").is_in(list(accounts)), pl.col("period").is_in(months))
    return int(j["amount"].sum() or 0)


# --- E01 Pension premium -----------------------------------------------------------------------


def pension(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    p = inputs.period
    term, months = term_of(p)
    if p != months[-1]:
        return []
    acc = settings.accounts
    expense, employer = acc["pension_expense"], acc["pension_employer"]
    member, settlement = acc["pension_member"], acc["pension_settlement"]
    ledger = Ledger(inputs)
    tol = settings.tolerances.get("pension", 0)
    provided = _journal_sum(inputs, expense, months)
    deductions = inputs.deductions.filter(pl.col("side") == "payroll", pl.col("period").is_in(months),
                                          pl.col("description").is_in(list(PENSION_DEDUCTIONS)))
    deducted = int(deductions["amount"].sum() or 0)
    every = employer + member + settlement
    touched = ledger.df.filter(pl.col("account").is_in(list(every))).height > 0
    if not provided and not deducted and not touched:
        return []
    has_ledger = ledger.has(*months)
    has_amelding = all(m in inputs.amelding_periods for m in months)
    settled = set(ledger.postings(settlement, months)["voucher"].drop_nulls().to_list())
    # A voucher on the settlement account and the expense is the year's difference taken
    # to the result (December), not the term's transfer.
    to_result = settled & set(ledger.postings(expense, months)["voucher"].drop_nulls().to_list())
    transfers = settled - to_result
    out: list[ResultRow] = []

    def row(field: str, expected: int | None, booked: int | None, status: str | None = None) -> None:
        st, diff = compare_amounts(expected, [booked], tol, required=True)
        if status is not None and st != "missing":
            st = status
        out.append(ResultRow("pension", term, field, expected, None, booked, diff, st))

    def credit(accounts: tuple[str, ...]) -> int | None:
        if not has_ledger:
            return None
        lines = _not_transfer(ledger.postings(accounts, months), transfers)
        return -int(lines.filter(pl.col("amount") < 0)["amount"].sum() or 0)

    def debit(accounts: tuple[str, ...]) -> int | None:
        if not has_ledger:
            return None
        lines = _not_transfer(ledger.postings(accounts, months), transfers)
        return int(lines.filter(pl.col("amount") > 0)["amount"].sum() or 0)

    row("employer's share: provided vs booked", provided, credit(employer))
    row("employee's share: deducted vs booked", deducted if has_amelding else None, credit(member))
    invoiced = debit(employer + member)
    expected = provided + deducted if has_amelding else None
    row("invoiced vs provided", expected, invoiced, status="info")
    if has_ledger:
        behind = _not_transfer(ledger.postings(employer + member, months), transfers).filter(pl.col("amount") > 0)
        out.extend(posting_rows("pension", term, behind))
    moved = (int(_not_transfer(ledger.postings(settlement, months), to_result)["amount"].sum() or 0)
             if has_ledger else None)
    owed = invoiced - expected if invoiced is not None and expected is not None else None
    row("difference moved to settlement account", owed, moved)
    if months[-1].endswith("-12"):
        for account in member + employer + settlement:
            balance = ledger.balance((account,), p) if has_ledger else None
            st, diff = compare_amounts(0, [balance], tol, required=True)
            out.append(ResultRow("pension", account, "balance at year end", 0, None, balance, diff, st))
    return out


# --- A7 NAV refunds ----------------------------------------------------------------------------


def nav_refunds(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    p = inputs.period
    acc = settings.accounts
    receivable, income = acc["nav_refund_receivable"], acc["nav_refund_income"]
    ledger = Ledger(inputs)
    tol = settings.tolerances.get("nav_refunds", 0)
    ytd = _months(f"{p[:4]}-01", p)
    claims = inputs.journal.filter(pl.col("account").is_in(list(receivable)), pl.col("period").is_in(ytd),
                                   pl.col("amount") > 0)
    # A chart that lists the accounts with a zero opening balance has no refunds to check.
    touched = ledger.df.filter(pl.col("account").is_in(list(receivable + income)), pl.col("amount") != 0).height > 0
    if claims.height == 0 and not touched:
        return []
    has = ledger.has(p)
    out: list[ResultRow] = []
    claimed_month = int(claims.filter(pl.col("period") == p)["amount"].sum() or 0)
    taken = -ledger.movement(income, [p]) if has else None
    status, diff = compare_amounts(claimed_month, [taken], tol, required=True)
    out.append(ResultRow("nav_refunds", p, "claims vs refunds taken to income", claimed_month, None, taken, diff,
                         status))
    opening, start = ledger.opening(receivable, p) if has else (0, f"{p[:4]}-01")
    since = _months(start, p)
    received_lines = ledger.postings(receivable, since).filter(pl.col("amount") < 0) if has else None
    received = -int(received_lines["amount"].sum() or 0) if received_lines is not None else None
    claimed = int(claims.filter(pl.col("period").is_in(since))["amount"].sum() or 0)
    if received_lines is not None and received is not None:
        out.append(ResultRow("nav_refunds", p, "received from NAV", None, None, received, None, "info"))
        out.extend(posting_rows("nav_refunds", p, received_lines.filter(pl.col("period") == p)))
    expected = opening + claimed - received if received is not None else None
    balance = ledger.balance(receivable, p) if has else None
    status, diff = compare_amounts(expected, [balance], tol, required=True)
    out.append(ResultRow("nav_refunds", p, "receivable at period end", expected, None, balance, diff, status))
    if received_lines is not None:
        before, unmatched = _open_at_start(
            pl.concat([inputs.prior_journal.filter(pl.col("account").is_in(list(receivable)), pl.col("amount") > 0),
                       claims.filter(~pl.col("period").is_in(since))]), opening)
        if unmatched:
            out.append(ResultRow("nav_refunds", start, "opening balance older than the claims read", None, None,
                                 unmatched, None, "info"))
        out.extend(_open_claims(pl.concat([before, claims.filter(pl.col("period").is_in(since))]),
                                received_lines, p))
    return out


def _open_at_start(claims: pl.DataFrame, opening: int) -> tuple[pl.DataFrame, int]:
    """The claims from before the opening balance still open at it, and what of the
    opening no claim read explains. NAV's payments before then are not read (the ledger is
    read from the opening on), so the opening balance is taken as the newest claims: with
    payments settling the oldest first, those are the ones still open."""
    keep: list[dict] = []
    left = max(opening, 0)
    for r in sorted(claims.iter_rows(named=True), key=lambda r: (r["period"], r["national_id"] or ""),
                    reverse=True):
        if not left:
            break
        take = min(left, r["amount"])
        keep.append({**r, "amount": take})
        left -= take
    return pl.DataFrame(keep, schema=claims.schema), left


def _open_claims(claims: pl.DataFrame, payments: pl.DataFrame, period: str) -> list[ResultRow]:
    """Claims not yet paid by NAV more than 90 days after their month's end, per employee."""
    by_person: dict[str, list[list]] = defaultdict(list)
    keys: dict[str, str] = {}
    for r in claims.sort("period").iter_rows(named=True):
        person = r["national_id"] or r["employee_no"] or "-"
        by_person[person].append([r["period"], r["amount"]])
        if r["employee_no"]:
            keys[r["employee_no"]] = person
        if r["national_id"]:
            keys[r["national_id"]] = person
    unallocated = 0
    for r in payments.sort("entry_date", nulls_last=True).iter_rows(named=True):
        person = keys.get(r["party"] or "") or keys.get(r["dimension"] or "")
        left = -r["amount"]
        if person is not None:
            left = _settle(by_person[person], left)
        unallocated += left
    if unallocated:
        oldest = sorted(((c[0], person, c) for person, cs in by_person.items() for c in cs), key=lambda x: x[:2])
        for _, _, claim in oldest:
            take = min(unallocated, claim[1])
            claim[1] -= take
            unallocated -= take
    end = periods.last_day(period)
    out = []
    for person in sorted(by_person):
        for month, amount in by_person[person]:
            days = (end - periods.last_day(month)).days
            if amount > 0 and days > OPEN_CLAIM_DAYS:
                out.append(ResultRow("nav_refunds", month, f"claim open {days} days", amount, None, 0, -amount,
                                     "differs", national_id=person if len(person) == 11 else None))
    return out


def _settle(claims: list[list], amount: int) -> int:
    """Settle ``claims`` ([month, open amount], oldest first) with ``amount``; what is left over."""
    for claim in claims:
        take = min(amount, claim[1])
        claim[1] -= take
        amount -= take
        if not amount:
            break
    return amount
