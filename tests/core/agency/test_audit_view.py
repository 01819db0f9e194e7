"""The audit trail as the screen reads it: newest first, words for who and what, filters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from byraa.core.agency import access_admin, audit_view
from byraa.core.base.errors import AccessDenied
from byraa.core.clients import registry
from byraa.core.store.models import Employee
from tests.builders import org, small_agency


def _trail(store):  # noqa: ANN001, ANN202
    small = small_agency(store)
    with store.session() as s:
        person = s.scalars(select(Employee).where(Employee.client_id == small.clients["A"]).order_by(Employee.id)).first()
        person_id, name, nid = person.id, person.name, person.national_id
    registry.reveal_national_id(store, small.who(), person_id)
    access_admin.grant(store, small.who(), "other", "associate", org_numbers=[org(1)])
    return small, (person_id, name, nid)


def test_newest_first_with_who_and_what(store) -> None:
    small, (_pid, name, nid) = _trail(store)
    trail = audit_view.events(store, small.who())
    assert [r.id for r in trail.rows] == sorted((r.id for r in trail.rows), reverse=True)
    grant, reveal = trail.rows[0], trail.rows[1]
    assert grant.action == "access.grant" and grant.subject == "other" and grant.client_org == org(1)
    assert grant.client_name == "Alfa Rør AS" and grant.actor_name == "Test Leder"
    assert reveal.action == "national_id.reveal" and reveal.subject == f"{name} {nid[:6]}*****"
    assert nid not in repr(trail.rows)  # never the whole national id
    assert not trail.truncated
    assert audit_view.events(store, small.who(), limit=1).truncated


def test_core_filters(store) -> None:
    small, _person = _trail(store)
    who = small.who()
    assert [r.action for r in audit_view.events(store, who, action="national_id").rows] == ["national_id.reveal"]
    assert {r.client_org for r in audit_view.events(store, who, client="alfa").rows} == {org(1)}
    assert audit_view.events(store, who, client="Ingen slik").rows == []
    assert audit_view.events(store, who, user="nobody").rows == []
    assert audit_view.events(store, who, since=date(2099, 1, 1)).rows == []


def test_clerk_is_refused(store) -> None:
    small = small_agency(store)
    with pytest.raises(AccessDenied, match="lese revisjonsloggen"):
        audit_view.events(store, small.who("clerk"))


def test_filter_line(store) -> None:
    small, _person = _trail(store)
    rows = audit_view.events(store, small.who()).rows

    def shown(text: str) -> list[str]:
        wanted = audit_view.parse_filter(text)
        return [r.action for r in rows if audit_view.matches(r, wanted, f"{r.action} {r.subject}".casefold())]

    assert shown("handling:access") == ["access.grant"]
    assert shown("action:national_id.reveal") == ["national_id.reveal"]
    assert shown("klient:alfa bruker:tester") == ["access.grant", "national_id.reveal"]
    assert shown(f"klient:{org(1)} other") == ["access.grant"]
    assert shown("bruker:Leder handling:access") == ["access.grant"]
    assert shown("siden:01.01.2099") == [] and shown("since:2020-01-01") == shown("")
    bad = audit_view.parse_filter("siden:32.13.2026 x")
    assert bad.bad_day == "32.13.2026" and bad.since is None and bad.words == ("x",)
