"""Groups and the pay-day board on a hand-built agency."""

from __future__ import annotations

import pytest

from byraa.core import audit, groups
from byraa.core.errors import NotFound, UserError
from tests.builders import org, small_agency


def test_create_rename_add_remove_delete(store) -> None:
    small = small_agency(store)
    who = small.who("clerk")
    groups.create_group(store, who, "Krever oppfølging", "follow up")
    with pytest.raises(UserError, match="already exists"):
        groups.create_group(store, who, "Krever oppfølging")
    with pytest.raises(UserError, match="1 to 100"):
        groups.create_group(store, who, "  ")
    assert groups.add_clients(store, who, "Krever oppfølging", org_numbers=[org(1), org(2)]) == 2
    assert groups.add_clients(store, who, "Krever oppfølging", org_numbers=[org(1)]) == 0
    with pytest.raises(NotFound, match="organisation number"):
        groups.add_clients(store, who, "Krever oppfølging", org_numbers=["123456785"])
    groups.rename_group(store, who, "Krever oppfølging", "Oppfølging")
    counts = {g.name: g.clients for g in groups.list_groups(store)}
    assert counts == {"Oppfølging": 2, "Utbetaling 20.": 2}
    assert groups.remove_clients(store, who, "Oppfølging", org_numbers=[org(2), org(3)]) == 1
    assert groups.delete_group(store, who, "Oppfølging") == 1
    assert [g.name for g in groups.list_groups(store)] == ["Utbetaling 20."]
    with store.session() as s:
        actions = [e.action for e in audit.recent(s)]
    assert actions[:5] == ["group.delete", "group.remove_clients", "group.rename", "group.add_clients",
                           "group.create"]


def test_board_for_a_month(store) -> None:
    small = small_agency(store)
    board = groups.board(store, small.who(), "Utbetaling 20.", "2026-10")
    assert [r.name for r in board.rows] == ["Alfa Rør AS", "Cafe Gamma AS"]
    alfa, gamma = board.rows
    assert alfa.run_status == "open" and alfa.amelding_status == "accepted" and alfa.responsible == ("tester",)
    # Gamma's newest a-melding is the accepted resubmission.
    assert gamma.amelding_status == "accepted" and gamma.responsible == ()
    assert board.total == 2 and board.done == 0
    assert len(groups.board(store, small.who(), "Utbetaling 20.", "2026-10", only_open=True).rows) == 2


def test_board_worst_deviation_and_done(store) -> None:
    from sqlalchemy import update

    from byraa.core.store.models import PayrollRun

    small = small_agency(store)
    with store.session() as s:
        s.execute(update(PayrollRun).where(PayrollRun.period == "2026-10").values(status="posted"))
    board = groups.board(store, small.who(), "Utbetaling 20.", "2026-10")
    assert board.done == 2
    assert groups.board(store, small.who(), "Utbetaling 20.", "2026-10", only_open=True).rows == ()
    groups.create_group(store, small.who(), "B")
    groups.add_clients(store, small.who(), "B", org_numbers=[org(2)])
    row = groups.board(store, small.who(), "B", "2026-10").rows[0]
    assert row.amelding_status == "rejected" and row.worst_deviation == "rejection" and not row.done
