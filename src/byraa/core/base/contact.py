"""Contact fields: Norwegian postal codes, phone numbers and e-mail addresses.

Like ``ids``, each validator returns why a value is invalid (a phrase for a message that
names the field and the value) or ``None``; ``normal_*`` gives the form that is stored.
The rules are those of the form messages in seed 001: a postal code is 4 digits, a phone
number 8 digits (``+47``/``0047`` and spaces allowed), an e-mail address name@domain.
"""

from __future__ import annotations

import re

from byraa.core.base.errors import Phrase
from byraa.core.words.i18n import N_

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def postal_code_error(value: str) -> str | None:
    if len(value) != 4 or not value.isascii() or not value.isdigit():
        return Phrase(N_("a postal code is 4 digits"))
    return None


def normal_phone(value: str) -> str:
    """``+47 912 34 567`` -> ``91234567``: the country code and spaces go."""
    digits = value.replace(" ", "").replace("-", "")
    for prefix in ("+47", "0047"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 8:
            return digits[len(prefix):]
    return digits


def phone_error(value: str) -> str | None:
    digits = normal_phone(value)
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        return Phrase(N_("a Norwegian phone number has 8 digits (+47 in front is allowed)"))
    return None


def email_error(value: str) -> str | None:
    if len(value) > 254 or not _EMAIL.match(value):
        return Phrase(N_("an e-mail address looks like name@domain.no"))
    return None


def normal_account(value: str) -> str:
    """``6345.06.18000`` -> ``63450618000``."""
    return value.replace(".", "").replace(" ", "")


def format_account(value: str) -> str:
    """``63450618000`` -> ``6345.06.18000``, the way Norwegian banks print it."""
    return f"{value[:4]}.{value[4:6]}.{value[6:]}" if len(value) == 11 else value
