"""Times on screen are Norwegian time, whatever zone the shared server runs in."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from byraa.core.words import formatting


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Tokyo"])
def server_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_a_moment_is_shown_in_norwegian_time(server_zone: str) -> None:
    assert formatting.timestamp(datetime(2026, 11, 22, 12, 0, tzinfo=UTC)) == "22.11.2026 13:00"  # winter: +1
    assert formatting.timestamp(datetime(2026, 7, 1, 10, 30, tzinfo=UTC)) == "01.07.2026 12:30"  # summer: +2
    # The day of a moment is its day in Norway: 23:30 UTC on New Year's Eve is already 1 January.
    assert formatting.day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01.01.2027"
    assert formatting.day(date(2026, 12, 31)) == "31.12.2026"
    assert formatting.timestamp(None) == "" and formatting.day(None) == ""
