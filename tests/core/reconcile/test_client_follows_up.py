"""The checks a client follows up itself ("kunde følger opp"): a setting of the client,
kept in the run, and a difference there does not block the sign-off (SQLite and
PostgreSQL). The fixture is ``tests.data.reconcile.folder``; expected counts come from
the run's own rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from byraa.core.base.errors import UserError
from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile.checks import mapping, schedule
from byraa.core.store.models import AuditEvent
from tests.builders import org
from tests.data.reconcile.folder import build

CHECKS = ["pension", "nav_refunds", "open_items"]


def _open(store, who, run_id: int, check: str) -> int:  # noqa: ANN001
    return sum(1 for r in reconcile.rows(store, who, run_id, check=check) if r.is_difference and not r.resolved)


def test_the_client_checks_are_a_setting_with_the_level_as_default(store, tmp_path: Path) -> None:
    small, who = build(store, tmp_path)
    rows = {r.key: r for r in mapping.get(store, who, org(1))}
    assert (rows["client_follows_up"].value, rows["client_follows_up"].changed) == ("none", False)
    rows = {r.key: r for r in mapping.update(store, who, org(1), {"service_level": "part"})}
    assert rows["client_follows_up"].value == ",".join(schedule.CLIENT_FOLLOWS_UP["part"])
    assert not rows["client_follows_up"].changed
    # Typed in any order, stored in check order.
    rows = {r.key: r for r in mapping.update(store, who, org(1), {"client_follows_up": "open_items, benefits"})}
    assert (rows["client_follows_up"].value, rows["client_follows_up"].changed) == ("benefits,open_items", True)
    with pytest.raises(UserError) as bad:
        mapping.update(store, who, org(1), {"client_follows_up": "open_items,coffee"})
    assert bad.value.code == "reconcile.unknown_check"
    with store.session() as s:
        events = [e for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "reconcile.setting"))]
    assert {e.entity_id for e in events} == {"service_level", "client_follows_up"}
    rows = {r.key: r for r in mapping.update(store, who, org(1), {"client_follows_up": None})}
    assert rows["client_follows_up"].value == ",".join(schedule.CLIENT_FOLLOWS_UP["part"])


def test_a_difference_the_client_follows_up_does_not_block_signing(store, tmp_path: Path) -> None:
    small, who = build(store, tmp_path)
    full = reconcile.run(store, who, org(1), "2026-10", checks=CHECKS)
    expected = {c: _open(store, who, full.id, c) for c in CHECKS}
    assert expected["open_items"] and expected["nav_refunds"]  # the fixture leaves both open
    assert (full.unresolved, full.client_open, full.client_checks) == (sum(expected.values()), 0, ())
    assert not full.can_sign

    mapping.update(store, who, org(1), {"service_level": "part", "client_follows_up": "nav_refunds,open_items"})
    part = reconcile.run(store, who, org(1), "2026-10", checks=CHECKS)
    assert part.client_checks == ("nav_refunds", "open_items")
    assert part.client_open == expected["nav_refunds"] + expected["open_items"]
    assert part.unresolved == expected["pension"]
    for r in reconcile.rows(store, who, part.id, check="pension", differences_only=True):
        reconcile.explain(store, who, part.id, r.id, "invoice came late")
    part = reconcile.get_run(store, who, part.id)
    assert part.can_sign and part.unresolved == 0
    with pytest.raises(UserError) as bad:
        reconcile.sign_off(store, who, part.id, status="explained")
    assert bad.value.code == "reconcile.client_open_status"
    signed = reconcile.sign_off(store, who, part.id, status="client_follows_up")
    assert signed.signed and signed.client_open == part.client_open

    # The run keeps the list it was made with: a later change of the setting does not move it.
    mapping.update(store, who, org(1), {"client_follows_up": "none"})
    assert reconcile.get_run(store, who, part.id).client_checks == ("nav_refunds", "open_items")
    assert reconcile.get_run(store, who, full.id).client_checks == ()


def test_a_bank_guarantee_is_a_client_setting_the_withholding_check_reads(store, tmp_path: Path) -> None:
    """Set with yes/ja, refused when neither yes nor no, audited, read by the run's check."""
    small, who = build(store, tmp_path)
    before = {r.field for r in reconcile.compute(store, who, org(1), "2026-10", checks=["withholding"])}
    assert "tax-deduction account covers the liability" in before
    rows = {r.key: r for r in mapping.get(store, who, org(1))}
    assert (rows["bank_guarantee"].value, rows["bank_guarantee"].changed) == ("no", False)
    rows = {r.key: r for r in mapping.update(store, who, org(1), {"bank_guarantee": "Ja"})}
    assert (rows["bank_guarantee"].value, rows["bank_guarantee"].changed) == ("yes", True)
    with pytest.raises(UserError) as bad:
        mapping.update(store, who, org(1), {"bank_guarantee": "kanskje"})
    assert bad.value.code == "reconcile.bad_yes_no"
    fields = {r.field: r.status for r in reconcile.compute(store, who, org(1), "2026-10", checks=["withholding"])}
    assert fields.get("bank guarantee instead of a tax-deduction account") == "info"
    assert "tax-deduction account covers the liability" not in fields
    with store.session() as s:
        events = [e for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "reconcile.setting"))]
    assert [(e.entity_id, json.loads(e.after)) for e in events] == [("bank_guarantee", {"bank_guarantee": "yes"})]
    rows = {r.key: r for r in mapping.update(store, who, org(1), {"bank_guarantee": None})}
    assert rows["bank_guarantee"].value == "no"
