"""Year-end: the year's a-melding totals per income type against the ledger's year totals.

Each income group of the a-meldinger (January to December, payroll side) is mapped to the
ledger accounts of a role in the client's account mapping (``mapping``, editable per
client):

- ``lønn``: cash pay (``loennsinntekt``, ``kontantytelse``) other than holiday pay and
  board fees, against the movement on ``year_end_wages`` (5000);
- ``feriepenger``: holiday pay paid out (``feriepenger``), against the debits on
  ``holiday_liability`` (2940), the liability it is paid from;
- ``styrehonorar``: ``styrehonorarOgGodtgjoerelseVerv`` against ``year_end_board_fees`` (5330);
- ``naturalytelser``: benefits in kind (``naturalytelse``) against ``benefits`` (52xx).

Only in December (a year-end run); a month without an a-melding makes it ``incomplete``.
"""

from __future__ import annotations

import polars as pl

from byraa.core.reconcile.checks import ResultRow, Settings, compare_amounts
from byraa.core.reconcile.checks.amounts import HOLIDAY_PAY_DESCRIPTIONS, Ledger, _months, _side, _sum
from byraa.core.reconcile.checks.inputs import Inputs

BOARD_FEES = ("styrehonorarOgGodtgjoerelseVerv",)

GROUPS: tuple[tuple[str, str, str], ...] = (
    ("lønn", "year_end_wages", "movement"),
    ("feriepenger", "holiday_liability", "debit"),
    ("styrehonorar", "year_end_board_fees", "movement"),
    ("naturalytelser", "benefits", "movement"),
)
"""(income group, account role, which ledger figure); the group is the row's key, in
the domain's own words."""


def _group(inc: pl.DataFrame, group: str) -> pl.DataFrame:
    cash = inc.filter(pl.col("benefit") == "kontantytelse")
    if group == "lønn":
        return cash.filter(pl.col("category") == "loennsinntekt",
                           ~pl.col("description").is_in([*HOLIDAY_PAY_DESCRIPTIONS, *BOARD_FEES]))
    if group == "feriepenger":
        return cash.filter(pl.col("description").is_in(list(HOLIDAY_PAY_DESCRIPTIONS)))
    if group == "styrehonorar":
        return cash.filter(pl.col("description").is_in(list(BOARD_FEES)))
    return inc.filter(pl.col("benefit") == "naturalytelse")


def year_end(inputs: Inputs, settings: Settings) -> list[ResultRow]:
    p = inputs.period
    if not p.endswith("-12"):
        return []
    months = _months(f"{p[:4]}-01", p)
    missing = [m for m in months if m not in inputs.amelding_periods]
    if missing:
        return [ResultRow("year_end", p[:4], "incomplete: no a-melding for " + ", ".join(missing), None, None, None,
                          None, "incomplete", unit="text")]
    inc = _side(inputs.income, "payroll", months)
    ledger = Ledger(inputs)
    has = ledger.has(*months)
    tol = settings.tolerances.get("year_end", 0)
    out = []
    for group, role, how in GROUPS:
        reported = _sum(_group(inc, group))
        accounts = settings.accounts.get(role, ())
        if not has:
            booked = None
        elif how == "debit":
            booked = ledger.debit(accounts, months)
        else:
            booked = ledger.movement(accounts, months)
        if not reported and not booked:
            continue
        status, diff = compare_amounts(reported, [booked], tol, required=True)
        out.append(ResultRow("year_end", group, f"year total ({','.join(accounts)})", reported, None, booked, diff,
                             status))
    return out
