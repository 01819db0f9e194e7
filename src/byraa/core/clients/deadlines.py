"""Statutory deadlines, moved to the next working day past weekends and public holidays.

- a-melding: the 5th of the month after the period;
- withholding and employer's contribution for a term: the 15th of the month after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from byraa.core.base import periods

_CACHE_NAME = "holidays-NO.json"


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    """Norway's public holidays of ``year``, from the ``holidays`` library.

    Importing the library costs about 120 ms (it loads every country), which the TUI
    would pay on each start before the dashboard's deadline can show; so each year's
    dates are cached in the data dir once the library has computed them.
    """
    cached = _read_cache()
    if str(year) in cached:
        return frozenset(date.fromisoformat(d) for d in cached[str(year)])
    import holidays

    days = frozenset(holidays.country_holidays("NO", years=year).keys())
    cached[str(year)] = sorted(d.isoformat() for d in days)
    _write_cache(cached)
    return days


def _cache_path():  # noqa: ANN202
    from byraa.core.settings import locations

    return locations.data_dir() / "cache" / _CACHE_NAME


def _read_cache() -> dict[str, list[str]]:
    import json

    try:
        data = json.loads(_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(data: dict[str, list[str]]) -> None:
    """Best effort and atomic: a read-only data dir only costs the import next time."""
    import json
    import os
    import tempfile

    path = _cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".holidays-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except OSError:
        pass


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class Deadline:
    kind: str
    """``amelding`` or ``term_payment``."""
    period: str
    """The month (a-melding) or the term's last month (payments), ``YYYY-MM``."""
    due: date


def amelding_deadline(period: str) -> Deadline:
    """The a-melding for ``period`` is due the 5th of the next month (or the next working day)."""
    following = periods.first_day(periods.shift(period, 1))
    return Deadline("amelding", period, next_working_day(following.replace(day=5)))


def term_of(period: str) -> tuple[str, str]:
    """The two months of the term a month belongs to (Jan–Feb, Mar–Apr, …)."""
    month = int(period[5:7])
    first = month if month % 2 else month - 1
    start = f"{period[:4]}-{first:02d}"
    return start, periods.shift(start, 1)


def term_payment_deadline(period: str) -> Deadline:
    """Withholding and AGA for the term holding ``period``: the 15th after the term."""
    _, last = term_of(period)
    following = periods.first_day(periods.shift(last, 1))
    return Deadline("term_payment", last, next_working_day(following.replace(day=15)))


def between(first: date, last: date) -> list[Deadline]:
    """Every a-melding and term-payment deadline due from ``first`` to ``last``, by date."""
    found: dict[tuple[str, str], Deadline] = {}
    period = periods.shift(periods.period_of(first), -3)
    while periods.first_day(period) <= last:
        for deadline in (amelding_deadline(period), term_payment_deadline(period)):
            if first <= deadline.due <= last:
                found[(deadline.kind, deadline.period)] = deadline
        period = periods.shift(period, 1)
    return sorted(found.values(), key=lambda d: (d.due, d.kind))
