"""Checks 2–6: income, withholding, employer's contribution, holiday pay, clearing accounts.

All sums are taken with polars over the frames of ``inputs.Inputs``. Ledger figures use
the client's account mapping (``Settings.accounts``): *booked* is the credit movement of
a liability account in the months, *balance* the opening balance of the year plus the
postings up to the month's end (credit shown positive for liabilities).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from byraa.core.base import periods
from byraa.core.reconcile.checks import ResultRow, Settings, compare_amounts, holiday_rules
from byraa.core.reconcile.checks.inputs import Inputs

HOLIDAY_PAY_DESCRIPTIONS = ("feriepenger",)
"""Income descriptions that are holiday pay paid out (not part of its basis)."""


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _sum(df: pl.DataFrame, *filters: pl.Expr) -> int:
    for f in filters:
        df = df.filter(f)
    return int(df["amount"].sum() or 0)


def term_of(period: str) -> tuple[str, list[str]]:
    """The term (two months) a period belongs to: (``2026-T5``, [``2026-09``, ``2026-10``])."""
    month = int(period[5:7])
    n = (month + 1) // 2
    first = f"{period[:4]}-{2 * n - 1:02d}"
    return f"{period[:4]}-T{n}", [first, periods.shift(first, 1)]


class Ledger:
    """Movements and balances of the client's ledger lines."""

    def __init__(self, inputs: Inputs) -> None:
        self.df = inputs.ledger
        self.covered = inputs.ledger_periods

    def has(self, *months: str) -> bool:
        return all(m in self.covered for m in months)

    def postings(self, accounts: tuple[str, ...], months: list[str]) -> pl.DataFrame:
        return self.df.filter(pl.col("kind") == "posting", pl.col("account").is_in(list(accounts)),
                              pl.col("period").is_in(months))

    def debit(self, accounts: tuple[str, ...], months: list[str]) -> int:
        return _sum(self.postings(accounts, months), pl.col("amount") > 0)

    def credit(self, accounts: tuple[str, ...], months: list[str]) -> int:
        return -_sum(self.postings(accounts, months), pl.col("amount") < 0)

    def movement(self, accounts: tuple[str, ...], months: list[str]) -> int:
        return _sum(self.postings(accounts, months))

    def opening(self, accounts: tuple[str, ...], period: str) -> tuple[int, str]:
        """The opening balance in force for ``period`` and the month it applies from."""
        year_start = f"{period[:4]}-01"
        rows = self.df.filter(pl.col("kind") == "opening", pl.col("account").is_in(list(accounts)),
                              pl.col("period") >= year_start, pl.col("period") <= period)
        if rows.height == 0:
            return 0, year_start
        start = rows["period"].max()
        return _sum(rows, pl.col("period") == start), str(start)

    def balance(self, accounts: tuple[str, ...], period: str) -> int:
        opening, start = self.opening(accounts, period)
        months = [m for m in _months(start, period)]
        return opening + self.movement(accounts, months)


def _months(first: str, last: str) -> list[str]:
    out, p = [], first
    while p <= last:
        out.append(p)
        p = periods.shift(p, 1)
    return out


def _side(df: pl.DataFrame, side: str, months: list[str]) -> pl.DataFrame:
    return df.filter(pl.col("side") == side, pl.col("period").is_in(months))


# --- 2. Income per employee --------------------------------------------------------------


def income(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    """Income per employee and description (beskrivelse, fordel): a-melding vs A07."""
    tol = settings.tolerances.get("income", 0)
    p = inputs.period
    keys = ["national_id", "description", "benefit"]
    pay = _side(inputs.income, "payroll", [p]).group_by(keys).agg(pl.col("amount").sum().alias("payroll"))
    a07 = _side(inputs.income, "a07", [p]).group_by(keys).agg(pl.col("amount").sum().alias("a07"))
    has_a07 = p in inputs.a07_periods
    if p not in inputs.amelding_periods:
        # No a-melding imported for the month: one row saying so, not one per person.
        if not has_a07:
            return []
        total = int(a07["a07"].sum() or 0)
        return [ResultRow("income", "total", "income", None, total, None, None, "missing")]
    if not has_a07:
        # No A07 for the month: one row saying so, with payroll's total, not a "missing" per
        # person and description (nobody's income is missing from a-ordningen: the report is).
        total = int(pay["payroll"].sum() or 0)
        return [ResultRow("income", "total", "income", total, None, None, None, "missing")]
    joined = pay.join(a07, on=keys, how="full", coalesce=True).sort(keys)
    out = []
    for r in joined.iter_rows(named=True):
        pv, av = r["payroll"], r["a07"]
        if pv is None and av is not None:
            status, diff = "only_a07", av
        elif av is None and has_a07:
            status, diff = "only_payroll", -pv
        else:
            status, diff = compare_amounts(pv, [av], tol, required=True)
        out.append(ResultRow("income", r["benefit"], r["description"], pv, av, None, diff, status,
                             national_id=r["national_id"]))
    return out


# --- 3. Withholding ----------------------------------------------------------------------


def withholding(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    """Per month and per term: a-melding vs A07 vs ledger; payroll runs; payment."""
    tol = settings.tolerances.get("withholding", 0)
    accounts = settings.accounts["withholding"]
    ledger = Ledger(inputs)
    p = inputs.period
    out: list[ResultRow] = []

    def figures(months: list[str]) -> tuple[int | None, int | None, int | None]:
        pay = _sum(_side(inputs.withholding, "payroll", months)) if all(
            m in inputs.amelding_periods for m in months) else None
        a07 = _sum(_side(inputs.withholding, "a07", months)) if all(m in inputs.a07_periods for m in months) else None
        book = ledger.credit(accounts, months) if ledger.has(*months) else None
        return pay, a07, book

    pay, a07, book = figures([p])
    if pay is not None or a07 is not None or book is not None:
        status, diff = compare_amounts(pay, [a07, book], tol)
        if a07 is None and pay is not None:
            status = "missing"
        out.append(ResultRow("withholding", p, "withholding", pay, a07, book, diff, status))
    runs = inputs.runs.filter(pl.col("period") == p)
    if runs.height:
        # The payroll system's own runs are the payroll figure; the a-melding it sent is
        # what a-ordningen got, so it stands in the A07 column (never the payroll's).
        run_total = int(runs["withholding"].sum() or 0)
        status, diff = compare_amounts(run_total, [pay], tol, required=True)
        out.append(ResultRow("withholding", p, "payroll runs vs a-melding", run_total, pay, None, diff, status))
    term, months = term_of(p)
    if p == months[-1]:
        tpay, ta07, tbook = figures(months)
        status, diff = compare_amounts(tpay, [ta07, tbook], tol)
        if ta07 is None and tpay is not None:
            status = "missing"
        out.append(ResultRow("withholding", term, "withholding (term)", tpay, ta07, tbook, diff, status))
        due = periods.shift(p, 1)
        if ledger.has(due) and tpay is not None:
            paid = ledger.debit(accounts, [due])
            status, diff = compare_amounts(tpay, [paid], tol)
            out.append(ResultRow("withholding", term, f"paid in {due}", tpay, None, paid, diff, status))
        if ledger.has(p) and tpay is not None:
            # Earlier terms are paid by now: what stays on the account is this term's.
            held = -ledger.balance(accounts, p)
            status, diff = compare_amounts(tpay, [held], tol)
            out.append(ResultRow("withholding", term, "liability at term end", tpay, None, held, diff, status))
    if ledger.has(p):
        out.append(_tax_deduction_account(ledger, settings, p, tol))
    return out


def _tax_deduction_account(ledger: Ledger, settings: Settings, p: str, tol: int) -> ResultRow:
    """The withheld tax set aside: the tax-deduction account holds at least the liability at
    the month's end, unless the client has a bank guarantee instead (a client setting)."""
    liability = -ledger.balance(settings.accounts["withholding"], p)
    if settings.bank_guarantee:
        return ResultRow("withholding", p, "bank guarantee instead of a tax-deduction account", liability, None,
                         None, None, "info")
    held = ledger.balance(settings.accounts["tax_deduction_bank"], p)
    short = min(0, held - liability)
    return ResultRow("withholding", p, "tax-deduction account covers the liability", liability, None, held,
                     short, "equal" if -short <= tol else "differs")


# --- 4. Employer's contribution ----------------------------------------------------------

ZONE_CHECK = "check zone: register {register}, payroll {payroll}"
"""The field of a sub-unit whose municipality in Enhetsregisteret (its last stored
comparison) is not byraa's: another municipality may mean another AGA zone."""
FIELD_LENGTH = 60
"""``recon_row.field``'s length: the two names share what the words leave."""


def register_municipality(number: str | None, name: str | None) -> str:
    """``1804 Bodø`` from the register's ``1804`` and ``BODØ`` (it writes names in capitals)."""
    shown = (name or "").title() if (name or "").isupper() else (name or "")
    return " ".join(x for x in (number, shown) if x)


def zone_check_field(register: str, payroll: str) -> str:
    room = FIELD_LENGTH - len(ZONE_CHECK.format(register="", payroll=""))
    if len(register) + len(payroll) > room:
        def cut(v: str, n: int) -> str:
            return v if len(v) <= n else v[:n - 1] + "…"

        payroll = cut(payroll, max(room // 2, room - len(register)))
        register = cut(register, room - len(payroll))
    return ZONE_CHECK.format(register=register, payroll=payroll)


def aga(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    """Basis and amount per sub-unit and zone (a-melding vs A07), totals vs the ledger."""
    tol = settings.tolerances.get("aga", 100)
    p = inputs.period
    keys = ["sub_unit", "zone"]
    agg = [pl.col("basis").sum(), pl.col("amount").sum()]
    pay = _side(inputs.aga, "payroll", [p]).group_by(keys).agg(agg)
    a07 = _side(inputs.aga, "a07", [p]).group_by(keys).agg(agg)
    joined = pay.join(a07, on=keys, how="full", coalesce=True, suffix="_a07").sort(keys)
    has_pay, has_a07 = p in inputs.amelding_periods, p in inputs.a07_periods
    out: list[ResultRow] = []
    flagged: set[str] = set()
    for r in joined.iter_rows(named=True):
        key = f"{r['sub_unit']} zone {r['zone']}"
        for name, pv, av, t in (("basis", r["basis"], r["basis_a07"], 0), ("amount", r["amount"], r["amount_a07"], tol)):
            pv = pv if pv is not None or not has_pay else 0
            av = av if av is not None or not has_a07 else 0
            status, diff = compare_amounts(pv, [av], t, required=True)
            out.append(ResultRow("aga", key, name, pv, av, None, diff, status))
        stored = inputs.unit_register.get(r["sub_unit"] or "")
        if stored is not None and stored.zone_check and r["sub_unit"] not in flagged:
            # Once per sub-unit (on its first zone): the zone to check is the sub-unit's.
            flagged.add(r["sub_unit"])
            register = register_municipality(stored.register_municipality_number, stored.register_municipality)
            out.append(ResultRow("aga", key, zone_check_field(register, stored.municipality or ""),
                                 stored.municipality, None, None, None, "differs", unit="text"))
    ledger = Ledger(inputs)
    total_pay = int(pay["amount"].sum() or 0) if has_pay else None
    total_a07 = int(a07["amount"].sum() or 0) if has_a07 else None
    booked = ledger.credit(settings.accounts["aga_liability"], [p]) if ledger.has(p) else None
    if total_pay is not None or total_a07 is not None:
        status, diff = compare_amounts(total_pay, [total_a07, booked], tol)
        if total_a07 is None and total_pay is not None:
            status = "missing"
        out.append(ResultRow("aga", "total", "amount", total_pay, total_a07, booked, diff, status))
        if total_pay is not None and ledger.has(p):
            expense = ledger.movement(settings.accounts["aga_expense"], [p])
            status, diff = compare_amounts(total_pay, [expense], tol)
            out.append(ResultRow("aga", "total", "expense", total_pay, None, expense, diff, status))
    return out


# --- 5. Holiday pay ----------------------------------------------------------------------


def holiday_accrual(inc: pl.DataFrame, settings: Settings, year: int) -> tuple[int, list[tuple[str, int]]]:
    """(holiday pay accrued on the income lines ``inc`` of ``year``, the over-60 extras in it
    per national id). Per employee: the basis is the cash wages (``loennsinntekt``,
    ``kontantytelse``), holiday pay itself excluded, at the client's rate, plus the
    over-60 extra (``holiday_rules``)."""
    basis = (inc.filter(pl.col("category") == "loennsinntekt", pl.col("benefit") == "kontantytelse",
                        ~pl.col("description").is_in(list(HOLIDAY_PAY_DESCRIPTIONS)))
             .group_by("national_id").agg(pl.col("amount").sum()).sort("national_id"))
    rate = Decimal(str(settings.holiday_rate)) / 100
    total, extras = 0, []
    for person, amount in basis.iter_rows():
        accrued, extra = holiday_rules.accrued(int(amount), rate, person or "", year)
        total += accrued
        if extra:
            extras.append((person, extra))
    return total, extras


def holiday_pay(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    """Holiday pay accrued this year vs the ledger, and the AGA on it.

    Accrued: ``holiday_accrual`` of the a-meldinger from January to the month (the over-60
    extra included, as ``holiday_pay_year`` reckons it). Liability expected at the month's
    end: the opening balance + accrued − holiday pay paid out this year. AGA on it at the
    payroll's effective rate this year (AGA ÷ basis).
    """
    tol = settings.tolerances.get("holiday_pay", 0)
    p = inputs.period
    ytd = [m for m in _months(f"{p[:4]}-01", p) if m in inputs.amelding_periods]
    if not ytd:
        return []
    ledger = Ledger(inputs)
    has_ledger = ledger.has(p)
    inc = _side(inputs.income, "payroll", ytd)
    paid = _sum(inc, pl.col("description").is_in(list(HOLIDAY_PAY_DESCRIPTIONS)))
    accrued, _ = holiday_accrual(inc, settings, int(p[:4]))
    aga_rows = _side(inputs.aga, "payroll", ytd)
    aga_basis, aga_amount = int(aga_rows["basis"].sum() or 0), int(aga_rows["amount"].sum() or 0)
    aga_rate = Decimal(aga_amount) / Decimal(aga_basis) if aga_basis else Decimal("0.141")
    acc = settings.accounts
    out = []

    def row(key: str, name: str, expected: int, ledger_value: int | None) -> None:
        status, diff = compare_amounts(expected, [ledger_value], tol, required=True)
        out.append(ResultRow("holiday_pay", key, name, expected, None, ledger_value, diff, status))

    row(p, "accrued (year to date)", accrued,
        ledger.movement(acc["holiday_expense"], _months(f"{p[:4]}-01", p)) if has_ledger else None)
    opening = -ledger.opening(acc["holiday_liability"], p)[0] if has_ledger else 0
    row(p, "liability", opening + accrued - paid, -ledger.balance(acc["holiday_liability"], p) if has_ledger else None)
    aga_accrued = _round(Decimal(accrued) * aga_rate)
    aga_paid = _round(Decimal(paid) * aga_rate)
    row(p, "aga on holiday pay accrued", aga_accrued,
        ledger.movement(acc["aga_holiday_expense"], _months(f"{p[:4]}-01", p)) if has_ledger else None)
    aga_opening = -ledger.opening(acc["aga_holiday_liability"], p)[0] if has_ledger else 0
    row(p, "aga on holiday pay liability", aga_opening + aga_accrued - aga_paid,
        -ledger.balance(acc["aga_holiday_liability"], p) if has_ledger else None)
    return out


# --- 6. Clearing accounts ----------------------------------------------------------------


def clearing(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    """Each net-pay clearing account must be 0.00 at the month's end; its postings listed."""
    tol = settings.tolerances.get("clearing", 0)
    p = inputs.period
    ledger = Ledger(inputs)
    out = []
    for account in settings.accounts["net_pay_clearing"]:
        if not ledger.has(p):
            out.append(ResultRow("clearing", account, "balance at period end", 0, None, None, None, "missing"))
            continue
        balance = ledger.balance((account,), p)
        status, diff = compare_amounts(0, [balance], tol)
        out.append(ResultRow("clearing", account, "balance at period end", 0, None, balance, diff, status))
        for r in ledger.postings((account,), [p]).sort(["entry_date", "voucher"], nulls_last=True).iter_rows(named=True):
            when = r["entry_date"].isoformat() if r["entry_date"] else p
            label = " ".join(x for x in (when, r["voucher"] or "", r["text"] or "") if x)
            out.append(ResultRow("clearing", account, f"posting {label}"[:60], None, None, r["amount"], None, "info"))
    return out
