"""The suite's pooled RSA keys (``tests/key_pool.py``) act where the sandbox makes its keys,
and never give one test the same key twice."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from byraa.sandbox.keys import generate_key_pair
from tests import key_pool


def test_two_keys_of_one_test_differ_and_the_next_test_gets_them_again(tmp_path: Path) -> None:
    assert getattr(rsa.generate_private_key, "pooled", False)
    first = generate_key_pair(tmp_path / "a")
    second = generate_key_pair(tmp_path / "b")
    assert first.public_pem != second.public_pem
    assert first.private_path.read_bytes() != second.private_path.read_bytes()
    assert first.private_path.stat().st_mode & 0o777 == 0o600
    key_pool.reset()  # as the next test starts
    again = generate_key_pair(tmp_path / "c")
    assert again.public_pem == first.public_pem and again.private_path != first.private_path
