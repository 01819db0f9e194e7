"""RSA keys generated once per test process and handed out again in each test.

The demo and the sandbox tests make an agency key (2048-bit RSA) for every agency they
connect: about 40 ms each, and the Maskinporten client then checked each new key's
arithmetic as it read the file (about 35 ms; it keeps a read key by its bytes). Within a
test the n-th key asked for is still a key of its own, different from every other key of
that test (two agencies never share one); the next test gets the same n keys again.
Only the arithmetic is reused: every file, key id and registration is made anew.
"""

from __future__ import annotations

from typing import Any

_POOL: dict[tuple[int, int, int], Any] = {}
"""Keys generated in this process, by public exponent, size and place in the test."""

_handed_out = 0
"""How many keys the running test has asked for."""

_generate: Any = None
"""cryptography's own ``rsa.generate_private_key``."""


def reset() -> None:
    """A new test: its first key is the pool's first again."""
    global _handed_out
    _handed_out = 0


def install() -> None:
    """Make ``rsa.generate_private_key`` hand out pooled keys (looked up when called)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    global _generate
    if _generate is not None:
        return
    _generate = generate = rsa.generate_private_key

    def pooled(public_exponent: int, key_size: int, backend: Any = None) -> Any:
        global _handed_out
        place = (public_exponent, key_size, _handed_out)
        _handed_out += 1
        key = _POOL.get(place)
        if key is None:
            key = _POOL[place] = generate(public_exponent=public_exponent, key_size=key_size)
        return key

    pooled.pooled = True  # type: ignore[attr-defined]
    rsa.generate_private_key = pooled  # type: ignore[assignment]


def fresh_key(key_size: int = 2048) -> Any:
    """A key of its own, outside the pool: for keys a test keeps beyond itself (a cache
    shared by the tests of a module), which a pooled key of a later test would repeat."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return (_generate or rsa.generate_private_key)(public_exponent=65537, key_size=key_size)
