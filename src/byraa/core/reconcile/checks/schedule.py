"""When each check of the reconciliation folder is due, and who follows it up.

The folder's checks have their own rhythm: most every month, the term checks (payment
of withholding and contribution, the pension premium) at the end of each two-month term,
holiday pay over the year at the half-year (June, December). A run still computes every
check it is asked for; the schedule says which of them the period calls for, so the
run screen and the reconciliation list can show what is due.

A client has a service level: ``full`` (the agency does every check) or ``part`` (the
client does some itself). For a part-service client the checks in
``CLIENT_FOLLOWS_UP["part"]`` are "kunde følger opp" by default: they are run and shown,
and the person signing knows the client answers for them. A client's own list
(the ``client_follows_up`` setting) overrides its level's default. The run stores the
list in force; a difference on such a check is listed but does not block the sign-off
(``runs``).
"""

from __future__ import annotations

FREQUENCIES = ("month", "term", "half_year", "year_end")

FREQUENCY: dict[str, str] = {
    "employments": "month", "income": "month", "withholding": "month", "aga": "month", "holiday_pay": "month",
    "clearing": "month", "benefits": "month", "garnishment": "month", "nav_refunds": "month",
    "open_items": "month", "payments": "term", "pension": "term", "holiday_pay_year": "half_year",
    "year_end": "year_end",
}

SERVICE_LEVELS = ("full", "part")
DEFAULT_SERVICE_LEVEL = "full"

CLIENT_FOLLOWS_UP: dict[str, tuple[str, ...]] = {
    "full": (),
    "part": ("benefits", "nav_refunds", "open_items", "pension"),
}
"""Per service level the checks the client follows up itself (the folder's "Kunde" column)."""


def frequency(check: str) -> str:
    return FREQUENCY.get(check, "month")


def due(check: str, period: str) -> bool:
    """Whether ``check`` is due for ``period`` (``YYYY-MM``)."""
    month = int(period[5:7])
    kind = frequency(check)
    if kind == "term":
        return month % 2 == 0
    if kind == "half_year":
        return month in (6, 12)
    if kind == "year_end":
        return month == 12
    return True


def due_checks(checks: tuple[str, ...] | list[str], period: str) -> tuple[str, ...]:
    return tuple(c for c in checks if due(c, period))


def client_follows_up(service_level: str, check: str) -> bool:
    return check in CLIENT_FOLLOWS_UP.get(service_level, ())


def run_follows_up(settings: dict) -> tuple[str, ...]:
    """The checks the client followed up in a run, from its stored settings (older runs
    stored only the service level: its default)."""
    stored = settings.get("client_follows_up")
    if stored is not None:
        return tuple(stored)
    return CLIENT_FOLLOWS_UP.get(settings.get("service_level") or DEFAULT_SERVICE_LEVEL, ())
