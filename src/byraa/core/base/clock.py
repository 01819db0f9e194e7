"""The one place byraa asks what time and day it is, so tests can pin both."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

NORWAY = ZoneInfo("Europe/Oslo")
"""The zone of a time a Norwegian file states without an offset (a payroll system's clock)."""


def now() -> datetime:
    """Aware UTC now; ``BYRAA_TODAY=YYYY-MM-DD`` pins it to noon that day (tests, demos)."""
    if pinned := os.environ.get("BYRAA_TODAY"):
        return datetime.fromisoformat(pinned).replace(hour=12, tzinfo=UTC)
    return datetime.now(UTC)


def today() -> date:
    return now().date()
