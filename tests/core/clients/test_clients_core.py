"""Clients: the overview for everyone, the detail only with access, adding (managers only)."""

from __future__ import annotations

import pytest

from byraa.core.agency import audit
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.clients import registry as clients
from tests.builders import nid, org, small_agency


def test_overview_lists_every_client_for_a_clerk_with_access_flags(store) -> None:
    small = small_agency(store)
    rows = clients.list_clients(store, small.who("clerk"))
    assert [r.name for r in rows] == ["Alfa Rør AS", "Bakeri Beta AS", "Cafe Gamma AS"]
    assert [r.has_access for r in rows] == [False, True, False]
    alfa, beta, gamma = rows
    assert alfa.responsible == ("tester",) and gamma.responsible == ()
    assert alfa.groups == ("Utbetaling 20.",) and beta.groups == ()
    assert beta.last_amelding_status == "rejected"
    # C's rejected a-melding was resubmitted and accepted: the newest one counts.
    assert gamma.last_amelding_status == "accepted"
    assert alfa.employees == 1  # the second employee left in October


def test_filters_by_group_responsible_and_text(store) -> None:
    small = small_agency(store)
    who = small.who()
    assert [r.name for r in clients.list_clients(store, who, group="Utbetaling 20.")] == ["Alfa Rør AS", "Cafe Gamma AS"]
    assert [r.name for r in clients.list_clients(store, who, responsible="clerk")] == ["Bakeri Beta AS"]
    rows = clients.list_clients(store, who)
    assert [r.name for r in clients.filter_rows(rows, "beta kari")] == ["Bakeri Beta AS"]
    assert clients.filter_rows(rows, "  ") == rows
    with pytest.raises(NotFound, match="ingen gruppe heter"):
        clients.list_clients(store, who, group="Nope")
    with pytest.raises(NotFound, match="ingen ansatt har brukernavnet"):
        clients.list_clients(store, who, responsible="nobody")


def test_detail_needs_access_and_masks_ids(store) -> None:
    small = small_agency(store)
    with pytest.raises(AccessDenied, match="har ikke tilgang"):
        clients.client_detail(store, small.who("clerk"), small.clients["A"])
    detail = clients.client_detail(store, small.who("clerk"), small.clients["B"])
    assert {e.national_id for e in detail.employees} == {nid(4)[:6] + "*****", nid(5)[:6] + "*****"}
    assert [r.period for r in detail.runs] == ["2026-11", "2026-10"]
    assert detail.submissions[0].status == "rejected"


def test_reveal_needs_access_and_is_audited(store) -> None:
    small = small_agency(store)
    detail = clients.client_detail(store, small.who(), small.clients["A"])
    employee = detail.employees[0]
    with pytest.raises(AccessDenied):
        clients.reveal_national_id(store, small.who("clerk"), employee.id)
    value = clients.reveal_national_id(store, small.who(), employee.id)
    assert value.startswith(employee.national_id[:6]) and "*" not in value
    with store.session() as s:
        assert audit.recent(s, action="national_id.reveal")[0].actor == "tester"


def test_add_client_rules(store) -> None:
    small = small_agency(store)
    with pytest.raises(AccessDenied, match="bare en byråleder"):
        clients.add_client(store, small.who("clerk"), org(50), "Ny AS")
    with pytest.raises(UserError, match="kontrollsifferet"):
        clients.add_client(store, small.who(), "123456784", "Ny AS")
    with pytest.raises(UserError, match="finnes allerede"):
        clients.add_client(store, small.who(), org(1), "Dobbel AS")
    row = clients.add_client(store, small.who(), org(50), "Ny Klient AS", pay_day=31)
    assert row.pay_day == 31 and row.has_access
    with store.session() as s:
        event = audit.recent(s, action="client.add")[0]
    assert event.after["org_number"] == org(50) and event.actor == "tester"
