"""Access administration: managers only, audited, bulk, and safe under concurrency."""

from __future__ import annotations

import threading

import pytest

from byraa.core.agency import access_admin, audit, staff
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.store import open_store
from byraa.core.store.models import Client
from tests.builders import NOW, org, small_agency


def _grants(store, login: str) -> dict[str, str]:  # noqa: ANN001
    return {g.org_number: g.role for g in access_admin.list_grants(store, login=login)}


def test_only_managers_change_access(store) -> None:
    small = small_agency(store)
    with pytest.raises(AccessDenied, match="bare en byråleder"):
        access_admin.grant(store, small.who("clerk"), "other", "associate", org_numbers=[org(1)])
    with pytest.raises(AccessDenied):
        access_admin.revoke(store, small.who("clerk"), "clerk", all_clients=True)
    with pytest.raises(AccessDenied):
        staff.set_role(store, small.who("clerk"), "clerk", "manager")
    with pytest.raises(AccessDenied):
        access_admin.review(store, small.who("clerk"))
    assert _grants(store, "other") == {}


def test_bulk_grant_revoke_copy_with_audit(store) -> None:
    small = small_agency(store)
    boss = small.who()
    assert access_admin.grant(store, boss, "other", "associate", org_numbers=[org(1), org(2), org(3)]) == 3
    assert access_admin.grant(store, boss, "other", "associate", org_numbers=[org(1)]) == 0
    assert access_admin.grant(store, boss, "other", "responsible", org_numbers=[org(3)]) == 1
    assert _grants(store, "other") == {org(1): "associate", org(2): "associate", org(3): "responsible"}
    assert access_admin.copy_access(store, boss, "other", "clerk") == 3
    assert _grants(store, "clerk") == {org(1): "associate", org(2): "associate", org(3): "responsible"}
    assert access_admin.revoke(store, boss, "other", org_numbers=[org(2)]) == 1
    assert access_admin.revoke(store, boss, "other", all_clients=True) == 2
    assert _grants(store, "other") == {}
    with pytest.raises(UserError, match="rollen"):
        access_admin.grant(store, boss, "other", "owner", org_numbers=[org(1)])
    with store.session() as s:
        events = audit.recent(s, limit=500)
    revokes = [e for e in events if e.action == "access.revoke"]
    assert len(revokes) == 3 and all(e.before["login"] == "other" for e in revokes)
    upgrade = next(e for e in events if e.action == "access.grant" and e.entity_id == f"other:{3}")
    assert upgrade.before == {"role": "associate"} and upgrade.after["role"] == "responsible"


def test_two_sessions_granting_the_same_user_keep_both(store) -> None:
    small = small_agency(store)
    with store.session() as s:
        extra = [Client(org_number=org(100 + i), name=f"Ekstra {i} AS", created_at=NOW) for i in range(20)]
        s.add_all(extra)
    first = [org(100 + i) for i in range(10)]
    second = [org(100 + i) for i in range(10, 20)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(orgs: list[str]) -> None:
        other_store = open_store(store.url)
        try:
            barrier.wait()
            access_admin.grant(other_store, small.who(), "other", "associate", org_numbers=orgs)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            other_store.dispose()

    threads = [threading.Thread(target=work, args=(orgs,)) for orgs in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert set(_grants(store, "other")) == set(first + second)


def test_review_findings(store) -> None:
    from sqlalchemy import update

    from byraa.core.store.models import Client as C

    small = small_agency(store)
    boss = small.who()
    staff.set_active(store, boss, "clerk", False)
    with store.session() as s:
        s.execute(update(C).where(C.org_number == org(1)).values(status="ended"))
    kinds = {(f.kind, f.login, f.org_number) for f in access_admin.review(store, boss)}
    assert ("leaver_with_access", "clerk", org(2)) in kinds
    # B's only responsible left, C never had one; A ended so it needs none.
    assert ("client_without_responsible", None, org(2)) in kinds
    assert ("client_without_responsible", None, org(3)) in kinds
    assert ("grant_on_inactive_client", "tester", org(1)) in kinds
    assert ("user_without_grants", "other", None) in kinds
    with pytest.raises(UserError, match="siste aktive byrålederen"):
        staff.set_active(store, boss, "tester", False)


def test_staff_list_and_add(store) -> None:
    small = small_agency(store)
    staff.add_staff(store, small.who(), "ny.klerk", "Ny Klerk")
    with pytest.raises(UserError, match="finnes allerede"):
        staff.add_staff(store, small.who(), "ny.klerk", "Igjen")
    rows = {r.login: r for r in access_admin.list_staff(store)}
    assert rows["ny.klerk"].role == "clerk" and rows["tester"].responsible == 1
