"""When each check is due, and the per-client service level saying which the client follows up."""

from __future__ import annotations

import pytest

from byraa.core.base.errors import UserError
from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile.checks import CHECKS, mapping, schedule
from tests.builders import org, small_agency


@pytest.mark.parametrize(("check", "due_months"), [
    ("withholding", list(range(1, 13))),
    ("payments", [2, 4, 6, 8, 10, 12]),
    ("pension", [2, 4, 6, 8, 10, 12]),
    ("holiday_pay_year", [6, 12]),
])
def test_due_months_follow_the_frequency(check: str, due_months: list[int]) -> None:
    assert [m for m in range(1, 13) if schedule.due(check, f"2026-{m:02d}")] == due_months


def test_every_check_has_a_frequency_and_part_service_names_known_checks() -> None:
    assert set(schedule.FREQUENCY) == set(CHECKS)
    assert set(schedule.FREQUENCY.values()) <= set(schedule.FREQUENCIES)
    assert set(schedule.CLIENT_FOLLOWS_UP["part"]) <= set(CHECKS)
    assert schedule.due_checks(CHECKS, "2026-09") == tuple(c for c in CHECKS if schedule.frequency(c) == "month")


def test_service_level_is_a_client_setting_kept_in_the_run(store) -> None:  # noqa: ANN001
    small = small_agency(store)
    who = small.who()
    assert {r.key: r.value for r in mapping.get(store, who, org(1))}["service_level"] == "full"
    rows = {r.key: r for r in mapping.update(store, who, org(1), {"service_level": "part"})}
    assert (rows["service_level"].value, rows["service_level"].changed) == ("part", True)
    run = reconcile.run(store, who, org(1), "2026-10", checks=["pension"])
    assert run.service_level == "part"
    assert all(schedule.client_follows_up(run.service_level, c) for c in ("pension", "nav_refunds", "open_items"))
    with pytest.raises(UserError) as bad:
        mapping.update(store, who, org(1), {"service_level": "half"})
    assert bad.value.code == "reconcile.bad_service_level"
    mapping.update(store, who, org(1), {"service_level": None})
    assert reconcile.run(store, who, org(1), "2026-10", checks=["pension"]).service_level == "full"


def test_open_items_read_the_posting_control_error_account(store) -> None:  # noqa: ANN001
    from byraa.core.posting import service

    small = small_agency(store)
    who = small.who()
    assert {r.key: r.value for r in mapping.get(store, who, org(1))}["account.error"] == "2999"
    service.set_settings(store, who, org(1), error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026"])
    assert {r.key: r.value for r in mapping.get(store, who, org(1))}["account.error"] == "7999"
    # The client's own reconciliation mapping still wins.
    rows = {r.key: r.value for r in mapping.update(store, who, org(1), {"account.error": "1999"})}
    assert rows["account.error"] == "1999"
