"""Synthetic identifiers that can never be a real company or a real person.

Organisation numbers: Brønnøysund hands out numbers starting with 8 or 9, so a number
starting with 31 is valid mod-11 yet belongs to nobody. National ids: only Tenor test
numbers (Skatteetaten's synthetic population), whose month is shifted by 80, so a
demo database can be shown, exported or mailed without ever holding a real person.
"""

from __future__ import annotations

import random
from datetime import date

from byraa.core.base.ids import complete_national_id, complete_org_number

ORG_PREFIX = "31"
TENOR_MONTH_OFFSET = 80
D_NUMBER_DAY_OFFSET = 40


class OrgNumbers:
    """Hands out unique, valid, synthetic organisation numbers for the whole agency."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()  # membership only; never iterated (hash order)

    def next(self) -> str:
        while True:
            number = complete_org_number(f"{ORG_PREFIX}{self._rng.randrange(1_000_000):06d}")
            if number is not None and number not in self._used:
                self._used.add(number)
                return number


def tenor_national_id(rng: random.Random, birth: date, *, d_number: bool) -> str:
    """A Tenor synthetic fødselsnummer (or D-number) for ``birth``.

    The individual number is random within the range that encodes the birth century
    (000–499 for 1900–1999, 500–999 from 2000), so the number says the right age (holiday
    pay's over-60 supplement reads it); about one in six leaves no valid check digit, so
    draw again until ``complete_national_id`` accepts it.
    """
    day = birth.day + (D_NUMBER_DAY_OFFSET if d_number else 0)
    month = birth.month + TENOR_MONTH_OFFSET
    stem = f"{day:02d}{month:02d}{birth.year % 100:02d}"
    while True:
        individual = rng.randrange(500, 1000) if birth.year >= 2000 else rng.randrange(500)
        value = complete_national_id(f"{stem}{individual:03d}")
        if value is not None:
            return value
