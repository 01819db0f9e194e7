"""The newest a-melding per client is one query: the client list, the dashboard (its
attention list and its deadline count), the feedback overview and the group board agree,
on SQLite and PostgreSQL, whatever order the submissions arrived in."""

from __future__ import annotations

from datetime import UTC, datetime

from byraa.core.clients import dashboard, feedback, groups, registry
from byraa.core.store.models import AmeldingSubmission
from tests.builders import small_agency


def _send(s, client_id: int, period: str, message: str, at: datetime, status: str) -> None:  # noqa: ANN001
    s.add(AmeldingSubmission(client_id=client_id, period=period, message_id=message, submitted_at=at, status=status,
                             deviations_rejection=1 if status == "rejected" else 0))
    s.flush()  # one by one: the id order is the arrival order


def test_every_view_agrees_on_the_newest_a_melding(store) -> None:
    small = small_agency(store)
    who = small.who()
    a, b, c = small.clients["A"], small.clients["B"], small.clients["C"]
    same_instant = datetime(2026, 11, 20, 9, tzinfo=UTC)
    with store.session() as s:
        # A: accepted, then a replacement that was rejected: the month is open again.
        _send(s, a, "2026-11", "a-nov-1", datetime(2026, 11, 20, 8, tzinfo=UTC), "accepted")
        _send(s, a, "2026-11", "a-nov-2", datetime(2026, 11, 21, 8, tzinfo=UTC), "rejected")
        # B: two at the same instant: the one stored last is the newest.
        _send(s, b, "2026-11", "b-nov-1", same_instant, "rejected")
        _send(s, b, "2026-11", "b-nov-2", same_instant, "accepted")
        # C: nothing for November, but a correction of October sent last of all.
        _send(s, c, "2026-10", "c-oct-3", datetime(2026, 11, 22, 8, tzinfo=UTC), "rejected")

    listed = {r.id: (r.last_amelding_period, r.last_amelding_status) for r in registry.list_clients(store, who)}
    assert listed[a] == ("2026-11", "rejected")
    assert listed[b] == ("2026-11", "accepted")
    assert listed[c] == ("2026-10", "rejected")

    overview = {r.client_id: (r.message_id, r.status) for r in feedback.across_clients(store, who, "2026-11")}
    assert overview == {a: ("a-nov-2", "rejected"), b: ("b-nov-2", "accepted")}

    groups.create_group(store, who, "Alle")
    groups.add_clients(store, who, "Alle", client_ids=[a, b, c])
    board = {r.client_id: r.amelding_status for r in groups.board(store, who, "Alle", "2026-11").rows}
    assert board == {a: "rejected", b: "accepted", c: None}

    built = dashboard.build(store, who, "2026-11", "all")
    rejected = {(i.client_id, i.period) for i in built.attention if i.kind == "amelding_rejected"}
    # B's October (only a rejected one) still needs work; C's October correction too.
    assert rejected == {(a, "2026-11"), (b, "2026-10"), (c, "2026-10")}
    deadline = next(i for i in built.attention if i.kind == "amelding_deadline")
    assert deadline.count == 2  # A (its newest is rejected) and C (none): B is sent
    # The client list and the dashboard tell the same story for November.
    assert {cid for cid, (p, st) in listed.items() if p == "2026-11" and st == "rejected"} == \
        {cid for cid, p in rejected if p == "2026-11"}


def test_a_list_without_figures_has_the_same_clients_and_access_but_no_a_melding_or_heads(store) -> None:
    small = small_agency(store)
    who = small.who()
    with store.session() as s:
        _send(s, small.clients["A"], "2026-11", "a-nov-1", datetime(2026, 11, 20, 8, tzinfo=UTC), "accepted")
    full = registry.list_clients(store, who)
    light = registry.list_clients(store, who, figures=False)
    assert [(r.id, r.name, r.responsible_names, r.groups, r.has_access) for r in light] == \
        [(r.id, r.name, r.responsible_names, r.groups, r.has_access) for r in full]
    assert any(r.last_amelding_status == "accepted" for r in full)
    assert all(r.last_amelding_status is None and r.employees == 0 for r in light)
