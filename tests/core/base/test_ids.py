"""National ids, org numbers and bank accounts: known lists plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byraa.core.base import ids

# Numbers whose check digits were computed with the weights of altinn-contracts.md §5.
VALID_NIDS = [
    "01810110089",  # Tenor: 1 Jan 2001, month 81
    "41810110072",  # Tenor D-number: day + 40
    "15019010063",  # ordinary fødselsnummer (synthetic check digits, not a real person)
    "15519010094",  # H-number: month + 40
    "29028010042",  # 29 February (a leap year in some century)
]
INVALID_NIDS = [
    ("0101901234", "11 digits"),
    ("0101901234a", "11 digits"),
    ("01.01.90123", "11 digits"),
    ("32019012345", "day"),
    ("01139012345", "month"),
    ("01939012345", "month"),  # month 93 = 13 + 80
    ("315190", "11 digits"),
]


def test_complete_gives_valid_ids() -> None:
    for nid in VALID_NIDS:
        assert ids.is_valid_national_id(nid), nid
        assert ids.complete_national_id(nid[:9]) == nid


def test_kinds_and_synthetic_flag() -> None:
    tenor, _ = ids.parse_national_id(VALID_NIDS[0])
    assert tenor and tenor.synthetic and tenor.kind is ids.IdKind.FNR
    dnr, _ = ids.parse_national_id(VALID_NIDS[1])
    assert dnr and dnr.synthetic and dnr.kind is ids.IdKind.DNR
    fnr, _ = ids.parse_national_id(VALID_NIDS[2])
    assert fnr and not fnr.synthetic
    hnr, _ = ids.parse_national_id(VALID_NIDS[3])
    assert hnr and hnr.kind is ids.IdKind.HNR


@pytest.mark.parametrize(("value", "reason"), INVALID_NIDS)
def test_invalid_ids_name_the_reason(value: str, reason: str) -> None:
    assert reason in (ids.national_id_error(value) or "")


def test_wrong_check_digits_are_refused() -> None:
    good = VALID_NIDS[0]
    bad_k1 = good[:9] + str((int(good[9]) + 1) % 10) + good[10]
    bad_k2 = good[:10] + str((int(good[10]) + 1) % 10)
    assert "first check digit" in ids.national_id_error(bad_k1)
    assert "second check digit" in ids.national_id_error(bad_k2)


def test_org_numbers() -> None:
    assert ids.complete_org_number("12345678") == "123456785"  # brreg's own example
    assert ids.is_valid_org_number("123456785")
    assert "check digit" in ids.org_number_error("123456784")
    assert "9 digits" in ids.org_number_error("12345678")
    assert "9 digits" in ids.org_number_error("12345678X")
    assert ids.format_org_number("123456785") == "123 456 785"


def test_bank_accounts() -> None:
    assert ids.is_valid_bank_account("8601.11.17947")  # a well-known example account
    assert ids.is_valid_bank_account("86011117947")
    assert "check digit" in ids.bank_account_error("86011117948")
    assert "11 digits" in ids.bank_account_error("8601111794")


def test_masking_keeps_birth_date_only() -> None:
    assert ids.mask_national_id("01019012345") == "010190*****"
    assert ids.mask_national_id("123") == "***"


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


@given(nine_digits)
def test_completed_national_id_checks_pass_or_none(first: str) -> None:
    full = ids.complete_national_id(first)
    if full is None:
        return
    error = ids.national_id_error(full)
    # The check digits are always right; only the date part may be off for random digits.
    assert error is None or "check digit" not in error


@given(nine_digits, st.integers(0, 10), st.integers(0, 9))
def test_any_single_digit_change_breaks_a_valid_id(first: str, position: int, delta: int) -> None:
    full = ids.complete_national_id(first)
    if full is None or ids.national_id_error(full) is not None or delta == 0:
        return
    changed = full[:position] + str((int(full[position]) + delta) % 10) + full[position + 1:]
    assert not ids.is_valid_national_id(changed)


@given(eight_digits)
def test_org_number_roundtrip(first: str) -> None:
    full = ids.complete_org_number(first)
    if full is None:
        assert all(not ids.is_valid_org_number(first + d) for d in "0123456789")
    else:
        assert ids.is_valid_org_number(full)
        assert sum(ids.is_valid_org_number(first + d) for d in "0123456789") == 1


@given(st.text(max_size=15))
def test_validators_never_crash(value: str) -> None:
    ids.national_id_error(value)
    ids.org_number_error(value)
    ids.bank_account_error(value)
