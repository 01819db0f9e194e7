"""A file's months: one month, a ledger's months in a year, across years; ISO in a CLI
table (``period_span``), ``MM.YYYY`` on screen (``months_column``)."""

from __future__ import annotations

import pytest

from byraa.core.words.formatting import months_column, period_span


@pytest.mark.parametrize(("first", "last", "shown"), [
    ("2026-10", None, "2026-10"),
    ("2026-10", "2026-10", "2026-10"),
    ("2026-01", "2026-11", "2026-01–11"),
    ("2025-12", "2026-03", "2025-12–2026-03"),
    (None, None, ""),
    ("2026", None, "2026"),  # a tax-card answer: its income year
])
def test_period_span(first: str | None, last: str | None, shown: str) -> None:
    assert period_span(first, last) == shown


@pytest.mark.parametrize(("first", "last", "shown"), [
    ("2026-10", None, "10.2026"),
    ("2026-10", "2026-10", "10.2026"),
    ("2026-01", "2026-11", "01–11.2026"),
    ("2025-12", "2026-03", "12.2025–03.2026"),
    ("2026", None, "2026"),
    (None, None, ""),
])
def test_months_column(first: str | None, last: str | None, shown: str) -> None:
    assert months_column(first, last) == shown
