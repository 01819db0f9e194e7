"""The holiday-pay accrual rules one employee's year follows, shared by the holiday-pay
checks and the demo's ledgers (plain Python, no polars: the demo's planner imports it).

Ferieloven § 10 (3): an employee who turns 60 during the holiday year gets an extra week,
paid at 2.3 % of the earning year's basis, and only on the part of it up to 6 G. The
holiday year is the year after the earning year, so the extra is accrued in the earning
year for everyone who turns 59 or more in it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from byraa.core.base.ids import birth_date

OVER_60_RATE = Decimal("2.3")
"""Extra holiday pay, percent of the basis up to 6 G (ferieloven § 10 (3))."""

G_BY_YEAR = {2024: 12_402_800, 2025: 13_016_000, 2026: 13_016_000}
"""The grunnbeløp in øre in force on 1 January of the accrual year (G from 1 May 2025:
130 160 kr; 2026 uses it until the new G of 1 May 2026 is entered). The 6 G cap of the
over-60 extra is computed from it."""

AGE_IN_EARNING_YEAR = 59
"""Turns 59 in the earning year = turns 60 in the holiday year the extra week falls in."""


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def six_g(year: int) -> int:
    return 6 * G_BY_YEAR.get(year, max(G_BY_YEAR.values()))


def earns_extra_week(national_id: str, year: int) -> bool:
    """Whether holiday pay accrued in ``year`` includes the over-60 extra (by the birth
    date the national id encodes; an id that encodes none earns no extra)."""
    born = birth_date(national_id)
    return born is not None and year - born.year >= AGE_IN_EARNING_YEAR


def over_60_extra(basis: int, year: int, *, capped: bool = True) -> int:
    """The extra on a year's basis (øre); ``capped=False`` is what a payroll system that
    forgets the 6 G cap accrues."""
    return _round(Decimal(min(basis, six_g(year)) if capped else basis) * OVER_60_RATE / 100)


def accrued(basis: int, rate: Decimal, national_id: str, year: int, *, capped: bool = True) -> tuple[int, int]:
    """(holiday pay accrued on one employee's basis of the year so far, the over-60 extra in it).
    ``rate`` is a fraction (0.102)."""
    extra = over_60_extra(basis, year, capped=capped) if earns_extra_week(national_id, year) else 0
    return _round(Decimal(basis) * rate) + extra, extra


__all__ = ["AGE_IN_EARNING_YEAR", "G_BY_YEAR", "OVER_60_RATE", "accrued", "earns_extra_week", "over_60_extra",
           "six_g"]
