"""The suite's short idle check (``tests/conftest._short_idle_checks``) is the one Textual's
pilot uses: if a new Textual moved or renamed it, the UI tests would silently go back to
20 ms steps (or wait on something else), so this fails instead."""

from __future__ import annotations

from textual import _wait, pilot


def test_the_idle_check_is_the_one_the_pilot_uses() -> None:
    assert pilot.wait_for_idle is _wait.wait_for_idle
    # The step and the idle threshold are read when the check runs, not when it was defined.
    assert {"SLEEP_GRANULARITY", "SLEEP_IDLE"} <= set(_wait.wait_for_idle.__code__.co_names)
    assert _wait.SLEEP_GRANULARITY == 1 / 500
    assert _wait.SLEEP_IDLE == _wait.SLEEP_GRANULARITY / 20

