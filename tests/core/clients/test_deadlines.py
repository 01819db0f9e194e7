"""Deadlines against known 2026 and 2027 dates (Easter, Whit Monday, Christmas)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from byraa.core.clients import deadlines


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 2), date(2026, 4, 7)),  # Maundy Thursday, Good Friday, weekend, Easter Monday
        (date(2026, 5, 25), date(2026, 5, 26)),  # Whit Monday 2026
        (date(2026, 5, 14), date(2026, 5, 15)),  # Ascension Day 2026
        (date(2026, 12, 25), date(2026, 12, 28)),  # Christmas Day (Fri), Boxing Day (Sat), Sunday
        (date(2027, 3, 25), date(2027, 3, 30)),  # Easter 2027
        (date(2027, 5, 17), date(2027, 5, 18)),  # Whit Monday and Constitution Day 2027
        (date(2027, 12, 25), date(2027, 12, 27)),  # Christmas 2027 falls on the weekend
        (date(2026, 11, 23), date(2026, 11, 23)),  # an ordinary Monday
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert deadlines.next_working_day(day) == expected


def test_between_lists_both_kinds_in_order() -> None:
    found = deadlines.between(date(2026, 12, 1), date(2027, 1, 31))
    assert [(d.kind, d.period, d.due) for d in found] == [
        ("amelding", "2026-11", date(2026, 12, 7)),
        ("amelding", "2026-12", date(2027, 1, 5)),
        ("term_payment", "2026-12", date(2027, 1, 15)),
    ]


def test_deadlines_command(tmp_path) -> None:
    result = CliRunner().invoke(main, ["deadlines", "--from", "2027-03-01", "--to", "2027-05-31", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {"kind": "term_payment", "period": "2027-04", "due": "2027-05-18"} in rows  # 15 May 2027 is a Saturday; 17th holiday
    assert {"kind": "amelding", "period": "2027-03", "due": "2027-04-05"} in rows
    bad = CliRunner().invoke(main, ["deadlines", "--from", "2027-13-01"])
    assert bad.exit_code == 2 and "--from" in bad.output


def test_holiday_dates_are_cached_from_the_library(tmp_path, monkeypatch) -> None:
    import holidays

    monkeypatch.setenv("BYRAA_DATA_DIR", str(tmp_path))
    deadlines._holidays.cache_clear()
    first = deadlines._holidays(2027)
    assert first == frozenset(holidays.country_holidays("NO", years=2027).keys())
    assert (tmp_path / "cache" / "holidays-NO.json").exists()
    deadlines._holidays.cache_clear()
    assert deadlines._holidays(2027) == first  # now read from the cache file
    deadlines._holidays.cache_clear()
