"""Months (``YYYY-MM`` periods) and terms (two-month periods for withholding and AGA)."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from byraa.core.base.errors import UserError

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_period(value: str) -> str:
    """Validate a ``YYYY-MM`` period; a ``UserError`` names the bad value."""
    if not _PERIOD.match(value or ""):
        raise UserError("period.invalid", period=value)
    return value


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shift(period: str, months: int) -> str:
    year, month = int(period[:4]), int(period[5:7])
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_months(period: str, count: int) -> list[str]:
    """The ``count`` months ending with ``period``, oldest first."""
    return [shift(period, -i) for i in range(count - 1, -1, -1)]


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


def last_day(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, monthrange(year, month)[1])


def pay_date(period: str, pay_day: int) -> date:
    """The pay date of a month for a pay day of month (31 or more: the last day)."""
    end = last_day(period)
    return end if pay_day >= end.day else end.replace(day=pay_day)
