"""Running the checks over ``Inputs``: one list of result rows in check order."""

from __future__ import annotations

from collections.abc import Iterable

from byraa.core.base.errors import UserError
from byraa.core.reconcile.checks import (
    CHECKS,
    METHODS,
    ResultRow,
    Settings,
    amounts,
    folder,
    open_items,
    pension_refunds,
    year_end,
)
from byraa.core.reconcile.checks import employments as employment_check
from byraa.core.reconcile.checks.inputs import Inputs


def validate(checks: Iterable[str] | None, method: str) -> tuple[str, ...]:
    chosen = tuple(checks) if checks else CHECKS
    unknown = [c for c in chosen if c not in CHECKS]
    if unknown:
        raise UserError("reconcile.unknown_check", name=", ".join(unknown), checks=", ".join(CHECKS))
    if method not in METHODS:
        raise UserError("reconcile.bad_method", method=method, methods="simple, standard")
    return tuple(c for c in CHECKS if c in chosen)


def compute(inputs: Inputs, *, checks: Iterable[str] | None = None, method: str = "standard",
            settings: Settings | None = None) -> list[ResultRow]:
    settings = settings or Settings()
    out: list[ResultRow] = []
    for check in validate(checks, method):
        if check == "employments":
            out.extend(employment_check.rows(inputs.payroll_employments, inputs.a07_employments, method)
                       if inputs.period in inputs.a07_periods else employment_check.a07_missing(inputs.payroll_employments))
        elif check == "year_end":
            out.extend(year_end.year_end(inputs, settings))
        elif check == "open_items":
            out.extend(open_items.open_items_check(inputs, settings))
        elif hasattr(pension_refunds, check):
            out.extend(getattr(pension_refunds, check)(inputs, settings))
        elif hasattr(folder, check):
            out.extend(getattr(folder, check)(inputs, settings))
        else:
            out.extend(getattr(amounts, check)(inputs, settings))
    return out
