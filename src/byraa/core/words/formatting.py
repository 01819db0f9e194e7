"""Numbers and dates the Norwegian way on screen (ISO in JSON and CSV)."""

from __future__ import annotations

from datetime import date, datetime

from byraa.core.base import clock
from byraa.core.words import i18n

MONTHS_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli",
             "august", "september", "oktober", "november", "desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July",
             "August", "September", "October", "November", "December")


def group_thousands(whole: int) -> str:
    return f"{whole:,}".replace(",", " ")


def nok(ore: int, *, decimals: bool = True) -> str:
    """Øre as kroner: ``123456789`` -> ``1 234 567,89`` (or ``1 234 568`` without decimals)."""
    sign = "-" if ore < 0 else ""
    ore = abs(ore)
    if not decimals:
        return sign + group_thousands((ore + 50) // 100)
    return f"{sign}{group_thousands(ore // 100)},{ore % 100:02d}"


def nok_short(ore: int) -> str:
    """Large amounts compactly for figure cards: ``12,3 mill.``."""
    kroner = ore / 100
    if abs(kroner) >= 1_000_000:
        return f"{kroner / 1_000_000:.1f}".replace(".", ",") + " mill."
    return nok(ore, decimals=False)


def count(value: int) -> str:
    return group_thousands(value)


def percent(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{decimals}f}".replace(".", ",") + " %"


def day(value: date | datetime | None) -> str:
    """``31.12.2026`` (a moment: its day in Norway)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(clock.NORWAY)
    return value.strftime("%d.%m.%Y")


def timestamp(value: datetime | None) -> str:
    """``31.12.2026 23:59`` in Norwegian time, whatever the server's zone: the staff are in
    Norway, the shared server often runs on UTC."""
    if value is None:
        return ""
    return value.astimezone(clock.NORWAY).strftime("%d.%m.%Y %H:%M")


def month_name(period: str) -> str:
    """``2026-11`` -> ``november 2026`` (``November 2026`` in English)."""
    names = MONTHS_NB if i18n.language() == "nb" else MONTHS_EN
    return f"{names[int(period[5:7]) - 1]} {period[:4]}"


def month_column(period: str | None) -> str:
    """``2026-11`` -> ``11.2026``: a month in a table column or an input field (docs/formats.md)."""
    return f"{period[5:7]}.{period[:4]}" if period and len(period) == 7 else (period or "")


def period_span(first: str | None, last: str | None) -> str:
    """A file's months in a CLI table, ISO like the rest of it: ``2026-10``, ``2026-01–11``
    (a ledger's months in one year), ``2025-12–2026-03``; empty without a period. The
    screens write the same span as ``months_column`` does."""
    if not first:
        return ""
    if not last or last == first:
        return first
    return f"{first}–{last[5:]}" if last[:4] == first[:4] else f"{first}–{last}"


def months_column(first: str | None, last: str | None) -> str:
    """A file's months in a table column: ``10.2026``, ``01–11.2026`` (a ledger's months in
    one year), ``12.2025–03.2026``."""
    if not last or last == first or not first or len(first) != 7 or len(last) != 7:
        return month_column(first)
    if last[:4] == first[:4]:
        return f"{first[5:7]}–{last[5:7]}.{first[:4]}"
    return f"{month_column(first)}–{month_column(last)}"


def pay_day(value: int) -> str:
    return i18n._("last") if value >= 31 else f"{value}."
