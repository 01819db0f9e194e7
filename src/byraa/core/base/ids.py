"""Norwegian identifiers: national ids, organisation numbers and bank accounts.

All three use mod-11 check digits (``altinn-contracts.md`` §5). A validator returns the
reason a value is invalid (for messages that name the record) or ``None`` when valid.

National ids (11 digits, ``DDMMYY`` + individual number + two check digits) come in
several kinds, told apart by offsets on the day and month:

- fødselsnummer: day 01–31, month 01–12;
- D-number: day + 40 (41–71);
- H-number (old, used by some health registers): month + 40 (41–52);
- Tenor synthetic test numbers (Skatteetaten): month + 80 (81–92), also on D-numbers.

From 2032 new numbers may carry a second control scheme; we do not derive gender or
century from the number, so nothing here depends on the individual number's meaning.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from operator import mul

from byraa.core.base.errors import Phrase
from byraa.core.words.i18n import N_

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORG = (3, 2, 7, 6, 5, 4, 3, 2)
_ACCOUNT = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


class IdKind(StrEnum):
    FNR = "fødselsnummer"
    DNR = "D-nummer"
    HNR = "H-nummer"


@dataclass(frozen=True)
class NationalId:
    """A parsed national id."""

    value: str
    kind: IdKind
    synthetic: bool
    """True for Tenor test numbers (month + 80)."""


def mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    """The mod-11 check digit for ``digits``; ``None`` when the remainder gives 10 (no valid number)."""
    if len(digits) != len(weights):
        raise ValueError(f"{len(digits)} digits for {len(weights)} weights")
    # map() over the pairs: a tax-card fetch plan checks 40,000 ids, and a generator here
    # was most of the confirmation's wait.
    total = sum(map(mul, map(int, digits), weights))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _plain_digits(value: str, length: int, reason: str) -> str | None:
    if len(value) != length or not value.isascii() or not value.isdigit():
        return Phrase(reason)
    return None


def parse_national_id(value: str) -> tuple[NationalId | None, str | None]:
    """Parse an 11-digit national id; returns (id, None) or (None, reason)."""
    if reason := _plain_digits(value, 11, N_("a national id must be 11 digits")):
        return None, reason
    day, month = int(value[0:2]), int(value[2:4])
    kind = IdKind.FNR
    if day > 40:
        kind, day = IdKind.DNR, day - 40
    synthetic = False
    if month > 80:
        synthetic, month = True, month - 80
    elif month > 40:
        if kind is IdKind.DNR:
            return None, Phrase(N_("a national id cannot be both a D-number and an H-number"))
        kind, month = IdKind.HNR, month - 40
    if not 1 <= month <= 12:
        return None, Phrase(N_("the month of the national id is not a month"))
    if not 1 <= day <= _max_day(month, int(value[4:6])):
        return None, Phrase(N_("the day of the national id is not a day of that month"))
    k1 = mod11(value[:9], _K1)
    if k1 is None or k1 != int(value[9]):
        return None, Phrase(N_("the first check digit of the national id is wrong"))
    k2 = mod11(value[:10], _K2)
    if k2 is None or k2 != int(value[10]):
        return None, Phrase(N_("the second check digit of the national id is wrong"))
    return NationalId(value, kind, synthetic), None


@lru_cache(maxsize=1200)
def _max_day(month: int, year: int) -> int:
    """The last day of ``month`` in a two-digit ``year``. The century is not derivable for
    every kind; accept 29 February in any year that could be a leap year in one of the
    three centuries the individual number spans."""
    return max(monthrange(century + year, month)[1] for century in (1800, 1900, 2000))


def national_id_error(value: str) -> str | None:
    """Why ``value`` is not a valid national id, or ``None`` if it is."""
    return parse_national_id(value)[1]


def is_valid_national_id(value: str) -> bool:
    return national_id_error(value) is None


def org_number_error(value: str) -> str | None:
    """Why ``value`` is not a valid organisation number, or ``None`` if it is."""
    if reason := _plain_digits(value, 9, N_("an organisation number must be 9 digits")):
        return reason
    check = mod11(value[:8], _ORG)
    if check is None or check != int(value[8]):
        return Phrase(N_("the check digit of the organisation number is wrong"))
    return None


def is_valid_org_number(value: str) -> bool:
    return org_number_error(value) is None


def bank_account_error(value: str) -> str | None:
    """Why ``value`` (dots and spaces allowed) is not a valid bank account, or ``None``."""
    digits = value.replace(".", "").replace(" ", "")
    if reason := _plain_digits(digits, 11, N_("a bank account number must be 11 digits")):
        return reason
    check = mod11(digits[:10], _ACCOUNT)
    if check is None or check != int(digits[10]):
        return Phrase(N_("the check digit of the bank account number is wrong"))
    return None


def is_valid_bank_account(value: str) -> bool:
    return bank_account_error(value) is None


def mask_national_id(value: str) -> str:
    """``01019012345`` -> ``010190*****``: the birth date stays, the person does not."""
    if len(value) != 11:
        return "*" * len(value)
    return value[:6] + "*****"


def complete_national_id(first_nine: str) -> str | None:
    """Append both check digits to nine digits; ``None`` when no valid id exists for them."""
    k1 = mod11(first_nine, _K1)
    if k1 is None:
        return None
    k2 = mod11(first_nine + str(k1), _K2)
    if k2 is None:
        return None
    return f"{first_nine}{k1}{k2}"


def complete_org_number(first_eight: str) -> str | None:
    """Append the check digit to eight digits; ``None`` when no valid number exists for them."""
    check = mod11(first_eight, _ORG)
    return None if check is None else f"{first_eight}{check}"


def format_org_number(value: str) -> str:
    """``123456785`` -> ``123 456 785``, the way Brønnøysund prints it."""
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 9 else value


def birth_date(national_id: str) -> date | None:
    """The birth date a national id (or D-/H-number, Tenor month + 80) encodes, by the
    individual number's century rules; None where it encodes none."""
    if len(national_id) != 11 or not national_id.isdigit():
        return None
    day, month, yy, individual = (int(national_id[0:2]), int(national_id[2:4]), int(national_id[4:6]),
                                  int(national_id[6:9]))
    day = day - 40 if day > 40 else day
    month = month - 80 if month > 80 else month - 40 if month > 40 else month
    if individual <= 499:
        century = 1900
    elif individual <= 749 and yy >= 54:
        century = 1800
    elif yy <= 39:
        century = 2000
    elif individual >= 900:
        century = 1900
    else:
        return None
    try:
        return date(century + yy, month, day)
    except ValueError:
        return None
