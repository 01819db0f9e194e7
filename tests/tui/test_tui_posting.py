"""The posting screen: runs and control list, freeze and post after a confirmation; its picture."""

from __future__ import annotations

from pathlib import Path

import pytest

from byraa.core.importers.ledger import import_ledger
from byraa.core.posting import service
from byraa.core.posting.journal import import_journal
from byraa.tui.app import ByraaApp
from byraa.tui.screens.posting import PostingScreen
from tests.builders import nid, org, small_agency
from tests.core.posting.test_posting import journal, ledger
from tests.tui_support import language_restored, screen_text, settle, workspace


@pytest.fixture
def posting_store(sqlite_store, tmp_path: Path):  # noqa: ANN001, ANN201
    small = small_agency(sqlite_store)
    who = small.who()
    import_ledger(sqlite_store, who, ledger(tmp_path, ["5000", "2600", "2930", "7999"]), client=org(1))
    import_journal(sqlite_store, who, journal(tmp_path, [
        {"account": "5000", "amount": "48000,00", "text": "Fastlønn"},
        {"account": "5001", "amount": "2000,00", "text": "Overtid"},
        {"account": "2600", "amount": "-15000,00"},
        {"account": "2930", "amount": "-34000,00", "national_id": nid(2)},
        {"account": "2930", "amount": "-1000,00"},
    ]), client=org(1))
    service.set_settings(sqlite_store, who, org(1), error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026"])
    with language_restored():
        yield sqlite_store


async def open_posting(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    pilot.app.push_screen(PostingScreen(org(1), "Alfa Rør AS"))
    await settle(pilot)


async def test_control_list_then_freeze_and_post_once(posting_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(posting_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_posting(pilot)
        text = screen_text(app)
        assert "2 problemer i 5 linjer" in text
        assert "kontoen finnes ikke i regnskapet" in text and "7999" in text and "2930 / 99999" in text
        assert "åpen" in text
        await pilot.press("p")  # not frozen: post is not offered
        await settle(pilot)
        assert service.runs(posting_store, app.who, org(1))[0].status == "open"
        await pilot.press("z")
        await settle(pilot)
        assert "A new journal import can no longer replace it" not in screen_text(app)
        assert "Frys" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert service.runs(posting_store, app.who, org(1))[0].status == "frozen"
        await pilot.press("p")
        await settle(pilot)
        assert "feilkonto eller feilkunde" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        run = service.runs(posting_store, app.who, org(1))[0]
        assert run.status == "posted" and run.vouchers == "1"
        assert "bokført" in screen_text(app)


async def test_one_problem_is_one_problem(sqlite_store, tmp_path: Path) -> None:  # noqa: ANN001
    small = small_agency(sqlite_store)
    who = small.who()
    import_ledger(sqlite_store, who, ledger(tmp_path, ["5000", "2600", "2930", "7999"]), client=org(1))
    import_journal(sqlite_store, who, journal(tmp_path, [
        {"account": "5000", "amount": "48000,00"}, {"account": "5001", "amount": "2000,00"},
        {"account": "2600", "amount": "-15000,00"}, {"account": "2930", "amount": "-35000,00", "national_id": nid(2)},
    ]), client=org(1))
    service.set_settings(sqlite_store, who, org(1), error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026"])
    with language_restored():
        app = ByraaApp(workspace(sqlite_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await open_posting(pilot)
            assert "1 problem i 4 linjer" in screen_text(app)


def test_snapshot_control_list(snap_compare, posting_store) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(posting_store)), terminal_size=(80, 24), run_before=open_posting)


async def test_with_no_journal_it_says_the_intake_takes_one_in(sqlite_store) -> None:  # noqa: ANN001
    """The monthly intake is the door for journals too: the empty list names its key."""
    small_agency(sqlite_store)
    with language_restored():
        app = ByraaApp(workspace(sqlite_store))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            pilot.app.push_screen(PostingScreen(org(2), "Bakeri Beta AS"))
            await settle(pilot)
            assert "legg den i innboksen og les den inn (I)" in screen_text(app)
