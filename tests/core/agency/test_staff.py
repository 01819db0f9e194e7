"""Staff administration: add, change role, deactivate; managers only, audited, never without a manager."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from byraa.core.agency import access_admin, audit, identity, staff
from byraa.core.agency.identity import Deactivated
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.store import open_store
from byraa.core.store.models import AuditEvent
from tests.builders import small_agency


def _staff(store) -> dict[str, tuple[str, bool]]:  # noqa: ANN001
    return {r.login: (r.role, r.active) for r in access_admin.list_staff(store)}


def _audit_count(store) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalar(select(func.count(AuditEvent.id))) or 0


def test_a_manager_adds_promotes_and_deactivates_with_audit(store) -> None:
    small = small_agency(store)
    boss = small.who()
    staff.add_staff(store, boss, "kari.nordmann", "  Kari Nordmann ", "clerk")
    assert _staff(store)["kari.nordmann"] == ("clerk", True)
    assert identity.resolve(store, "kari.nordmann").name == "Kari Nordmann"
    assert staff.set_role(store, boss, "kari.nordmann", "manager") is True
    assert staff.set_role(store, boss, "kari.nordmann", "manager") is False  # no change, no audit row
    assert staff.set_active(store, boss, "kari.nordmann", False) is True
    assert _staff(store)["kari.nordmann"] == ("manager", False)
    assert staff.set_active(store, boss, "kari.nordmann", True) is True
    with store.session() as s:
        events = [e for e in reversed(audit.recent(s, limit=50)) if e.entity_id == "kari.nordmann"]
    assert [e.action for e in events] == ["staff.add", "staff.role", "staff.active", "staff.active"]
    assert all(e.actor == "tester" for e in events)
    assert events[2].before == {"active": True} and events[2].after == {"active": False}
    assert events[3].after == {"active": True}


def test_a_deactivated_login_is_refused_with_its_own_code(store) -> None:
    small = small_agency(store)
    staff.set_active(store, small.who(), "clerk", False)
    with pytest.raises(Deactivated) as refused:
        identity.resolve(store, "clerk")
    assert refused.value.code == "staff.deactivated"
    assert str(refused.value) == "den ansatte clerk er deaktivert; kontakt en byråleder"
    with pytest.raises(AccessDenied) as unknown:
        identity.resolve(store, "stranger")
    assert unknown.value.code == "staff.unknown_login" and not isinstance(unknown.value, Deactivated)


def test_the_last_active_manager_stays(store) -> None:
    small = small_agency(store)
    boss = small.who()
    before = _audit_count(store)
    for change in (lambda: staff.set_role(store, boss, "tester", "clerk"),
                   lambda: staff.set_active(store, boss, "tester", False)):
        with pytest.raises(UserError) as last:
            change()
        assert last.value.code == "staff.last_manager"
        assert str(last.value).startswith("tester er den siste aktive byrålederen")
    assert _audit_count(store) == before
    # With a second manager, one may demote the other, but nobody themselves.
    staff.add_staff(store, boss, "leder2", "Annen Leder", "manager")
    second = identity.resolve(store, "leder2")
    with pytest.raises(UserError) as demote_self:
        staff.set_role(store, second, "leder2", "clerk")
    assert demote_self.value.code == "staff.not_yourself_demote"
    assert staff.set_role(store, second, "tester", "clerk") is True
    # tester's identity (resolved as a manager) is stale now: the store decides.
    with pytest.raises(AccessDenied) as stale:
        staff.set_active(store, boss, "leder2", False)
    assert stale.value.code == "staff.managers_only"
    with pytest.raises(UserError) as last:
        staff.set_active(store, second, "leder2", False)
    assert last.value.code == "staff.last_manager"
    assert _staff(store)["leder2"] == ("manager", True)


def test_two_managers_demoting_each_other_at_once_leave_one(store) -> None:
    small = small_agency(store)
    staff.add_staff(store, small.who(), "leder2", "Annen Leder", "manager")
    first, second = small.who(), identity.resolve(store, "leder2")
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def demote(actor: identity.Identity, target: str) -> None:
        other_store = open_store(store.url)
        try:
            barrier.wait()
            outcomes.append(staff.set_role(other_store, actor, target, "clerk"))
        except (UserError, OperationalError) as exc:  # SQLite: the second writer is refused
            outcomes.append(exc)
        finally:
            other_store.dispose()

    threads = [threading.Thread(target=demote, args=(first, "leder2")),
               threading.Thread(target=demote, args=(second, "tester"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(True) == 1
    managers = [login for login, (role, active) in _staff(store).items() if role == "manager" and active]
    assert len(managers) == 1


def test_a_deactivated_manager_s_old_session_cannot_change_staff(store) -> None:
    small = small_agency(store)
    boss = small.who()
    staff.add_staff(store, boss, "leder2", "Annen Leder", "manager")
    second = identity.resolve(store, "leder2")
    staff.set_active(store, boss, "leder2", False)
    with pytest.raises(AccessDenied) as refused:
        staff.add_staff(store, second, "ny", "Ny Person")
    assert refused.value.code == "staff.deactivated"
    assert "ny" not in _staff(store)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("has space", "Navn"), "staff.bad_login"),
        (("", "Navn"), "staff.bad_login"),
        (("x" * 65, "Navn"), "staff.bad_login"),
        (("ok.login", "   "), "staff.bad_name"),
        (("ok.login", "Navn\x1b[31m"), "staff.bad_name"),
        (("ok.login", "Navn", "owner"), "staff.bad_role"),
        (("clerk", "Igjen"), "staff.exists"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(store, args: tuple[str, ...], code: str) -> None:
    small = small_agency(store)
    before, events = _staff(store), _audit_count(store)
    with pytest.raises(UserError) as refused:
        staff.add_staff(store, small.who(), *args)
    assert refused.value.code == code
    assert _staff(store) == before and _audit_count(store) == events


def test_clerks_change_nothing(store) -> None:
    small = small_agency(store)
    clerk = small.who("clerk")
    before, events = _staff(store), _audit_count(store)
    for change in (
        lambda: staff.add_staff(store, clerk, "ny", "Ny Person"),
        lambda: staff.set_role(store, clerk, "clerk", "manager"),
        lambda: staff.set_active(store, clerk, "other", False),
        lambda: staff.set_name(store, clerk, "clerk", "Nytt Navn"),
    ):
        with pytest.raises(AccessDenied) as refused:
            change()
        assert refused.value.code == "staff.managers_only"
    with pytest.raises(NotFound):
        staff.set_role(store, small.who(), "nobody", "manager")
    assert _staff(store) == before and _audit_count(store) == events


def test_a_manager_corrects_a_name_audited_and_bad_names_change_nothing(store) -> None:
    small = small_agency(store)
    boss = small.who()
    staff.add_staff(store, boss, "kari.n", "Kari Nordman")
    assert staff.set_name(store, boss, "kari.n", " Kari Nordmann ") is True
    assert identity.resolve(store, "kari.n").name == "Kari Nordmann"
    assert staff.set_name(store, boss, "kari.n", "Kari Nordmann") is False  # no change, no audit row
    own = identity.resolve(store, "tester").name
    assert staff.set_name(store, boss, "tester", "Tor Tester") is True  # one's own name too
    with store.session() as s:
        events = [e for e in reversed(audit.recent(s, limit=50)) if e.action == "staff.name"]
    assert [(e.entity_id, e.before, e.after) for e in events] == [
        ("kari.n", {"name": "Kari Nordman"}, {"name": "Kari Nordmann"}),
        ("tester", {"name": own}, {"name": "Tor Tester"}),
    ]
    before, count = identity.resolve(store, "kari.n").name, _audit_count(store)
    for bad in ("   ", "Kari\x1b[31m", "x" * 201):
        with pytest.raises(UserError) as refused:
            staff.set_name(store, boss, "kari.n", bad)
        assert refused.value.code == "staff.bad_name"
    with pytest.raises(NotFound):
        staff.set_name(store, boss, "nobody", "Ingen")
    assert identity.resolve(store, "kari.n").name == before and _audit_count(store) == count
