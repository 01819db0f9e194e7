"""The tax-card screen: selection, plan, fetch with progress, results, history, stop and resume.

Against the demo agency with a loopback sandbox the test owns (so its order count shows
that a resumed fetch never orders twice); the screen's fetch finds it answering at the
configured address, as ``byraa demo``'s TUI does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete
from textual.widgets import Select

from byraa.core.agency import identity
from byraa.core.clients import groups as core_groups
from byraa.core.store.models_altinn import TaxCard
from byraa.core.store.models_jobs import Job, JobItem, TaxCardFetchResult
from byraa.core.taxcards import fetch
from byraa.demo.database import connect_sandbox
from byraa.sandbox import SandboxState
from byraa.sandbox.server import running
from byraa.tui.app import ByraaApp
from byraa.tui.screens.clients import ClientsScreen
from byraa.tui.screens.taxcards import CardHistoryScreen, TaxCardsScreen
from byraa.tui.widgets.dialogs import ConfirmDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui_support import (
    build_agency,
    clerk_with_partial_access,
    language_restored,
    screen_text,
    settle,
    workspace,
)

QUICK = fetch.FetchOptions(poll_initial_seconds=0.02, poll_max_seconds=0.05)


@pytest.fixture
def sandbox(sqlite_store, tmp_path: Path, monkeypatch) -> Iterator[SandboxState]:  # noqa: ANN001
    """The demo agency pointed at a sandbox on loopback (answers ready at the first poll),
    its tax-card history set aside: these tests start from a first fetch."""
    build_agency(sqlite_store)
    with sqlite_store.session() as s:
        for model in (TaxCardFetchResult, JobItem, Job, TaxCard):
            s.execute(delete(model))
    state = SandboxState(store=sqlite_store, ready_after_polls=0)
    monkeypatch.setattr(TaxCardsScreen, "FETCH_OPTIONS", QUICK)
    with running(state) as server, language_restored():
        connect_sandbox(sqlite_store, "tester", tmp_path, base_url=server.url)
        yield state


async def wait_until(pilot, condition: Callable[[], bool], seconds: float = 20.0) -> None:  # noqa: ANN001
    """Let the app run until ``condition`` holds (a fetch runs in a thread meanwhile)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause()


async def open_taxcards(pilot) -> TaxCardsScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TaxCardsScreen)
    return screen


def choose(screen: TaxCardsScreen, select_id: str, value: object) -> None:
    screen.query_one(select_id, Select).value = value


async def fetch_confirmed(pilot) -> None:  # noqa: ANN001
    """``e``, the plan's dialog, ``y``, then the whole fetch and its results."""
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await pilot.press("y")
    await settle(pilot)
    await settle(pilot)


def a_group(store) -> str:  # noqa: ANN001
    groups = [g for g in core_groups.list_groups(store) if g.clients]
    assert groups, "the demo has a group with clients"
    return groups[0].name


async def test_a_group_fetch_fills_the_table_and_the_counts_match_the_summary(sandbox, sqlite_store) -> None:  # noqa: ANN001
    group = a_group(sqlite_store)
    app = ByraaApp(workspace(sqlite_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_taxcards(pilot)
        choose(screen, "#tc-clients", f"group:{group}")
        await fetch_confirmed(pilot)
        assert not screen.running and screen.summary is not None
        who = identity.resolve(sqlite_store, "tester")
        summary = fetch.fetch_summary(sqlite_store, who, screen.summary.job_id)
        assert summary.status == "done"
        with sqlite_store.session() as s:
            assert group in s.get(Job, summary.job_id).title
        table = screen.query_one(MarkableTable)
        counts = screen.counts()
        assert table.total_count == counts["all"] == summary.results + summary.skipped > 0
        assert counts["changed"] == summary.changed
        assert counts["errors"] == summary.errors
        assert counts["no_card"] == summary.no_card + summary.not_liable
        assert counts["skipped"] == summary.skipped
        assert sandbox.orders_created == summary.orders_sent == summary.orders
        text = screen_text(app)
        assert "*****" in text and "Fødselsnr." in text
        assert f"1 Alle {counts['all']}" in text
        # The filters: errors, then no card, then all again.
        await pilot.press("3")
        assert table.row_count == summary.errors
        assert all(screen.results[int(k)].outcome == "error" for k in table.visible_keys)
        await pilot.press("4")
        assert table.row_count == summary.no_card + summary.not_liable
        await pilot.press("1")
        assert table.row_count == table.total_count


async def test_enter_shows_the_card_history(sandbox, sqlite_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(sqlite_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_taxcards(pilot)
        choose(screen, "#tc-clients", f"group:{a_group(sqlite_store)}")
        await fetch_confirmed(pilot)
        table = screen.query_one(MarkableTable)
        index = next(i for i, r in enumerate(screen.results) if r.outcome == "card")
        assert table.move_cursor_to(str(index))
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, CardHistoryScreen)
        person = screen.results[index]
        assert history.cards and all(c.employee_id == person.employee_id for c in history.cards)
        text = screen_text(app)
        assert person.name in text and person.national_id in text and (person.kind or "") in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_next_year_is_refused_up_front_with_the_core_message(sandbox, sqlite_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(sqlite_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_taxcards(pilot)
        choose(screen, "#tc-year", 2027)
        await settle(pilot)
        assert "15. desember" in screen_text(app)  # the hint under the year
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("15. desember 2026" in n.message for n in app._notifications)
        with sqlite_store.session() as s:
            assert s.query(Job).count() == 0
        assert sandbox.orders_created == 0


async def test_escape_stops_the_fetch_and_the_next_open_resumes_it_without_ordering_again(
        sandbox, sqlite_store) -> None:  # noqa: ANN001
    sandbox.ready_after_polls = 10**6  # the answer never comes while the fetch runs
    who = identity.resolve(sqlite_store, "tester")
    app = ByraaApp(workspace(sqlite_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_taxcards(pilot)
        choose(screen, "#tc-clients", f"group:{a_group(sqlite_store)}")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: sandbox.orders_created >= 1 and screen.progress is not None)
        assert screen.running
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert not screen.running
        waiting = fetch.interrupted_fetches(sqlite_store, who)
        assert [j.id for j in waiting] == [screen.job_id]
        ordered = sandbox.orders_created
    sandbox.ready_after_polls = 0
    app = ByraaApp(workspace(sqlite_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # offered on open
        screen = app.screen_stack[-2]
        assert isinstance(screen, TaxCardsScreen)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert screen.summary is not None and screen.summary.job_id == waiting[0].id
        summary = fetch.fetch_summary(sqlite_store, who, waiting[0].id)
        assert summary.status == "done"
        assert sandbox.orders_created == ordered == summary.orders_sent == summary.orders
        assert screen.counts()["all"] == summary.results + summary.skipped
        assert not fetch.interrupted_fetches(sqlite_store, who)


async def test_a_clerk_gets_only_their_clients(sandbox, sqlite_store) -> None:  # noqa: ANN001
    login, granted, refused = clerk_with_partial_access(sqlite_store)
    app = ByraaApp(workspace(sqlite_store, login))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_taxcards(pilot)
        assert screen.query_one("#tc-clients", Select).value == "all"
        await fetch_confirmed(pilot)
        assert screen.results
        assert {r.client_id for r in screen.results} <= granted
        assert not {r.client_id for r in screen.results} & refused
        summary = fetch.fetch_summary(sqlite_store, identity.resolve(sqlite_store, login), screen.summary.job_id)
        assert summary.clients <= len(granted)


async def test_T_on_the_client_list_opens_the_screen_with_the_marked_clients(sandbox, sqlite_store) -> None:  # noqa: ANN001,N802
    app = ByraaApp(workspace(sqlite_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        clients = app.screen
        assert isinstance(clients, ClientsScreen)
        await pilot.press("space", "space", "T")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TaxCardsScreen)
        assert screen.client_ids == clients.marked_ids and len(screen.client_ids) == 2
        assert screen.query_one("#tc-clients", Select).value == "marked"
        await fetch_confirmed(pilot)
        assert {r.client_id for r in screen.results} <= set(clients.marked_ids)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is clients


# --- Pictures ------------------------------------------------------------------------------


def test_snapshot_selection_panel(snap_compare, sandbox, sqlite_store) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_taxcards(pilot)

    assert snap_compare(ByraaApp(workspace(sqlite_store)), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
def test_snapshot_results(snap_compare, sandbox, sqlite_store, size) -> None:  # noqa: ANN001
    group = a_group(sqlite_store)

    async def run_before(pilot) -> None:  # noqa: ANN001
        screen = await open_taxcards(pilot)
        choose(screen, "#tc-clients", f"group:{group}")
        await fetch_confirmed(pilot)
        pilot.app.clear_notifications()
        screen.query_one(MarkableTable).focus()
        await settle(pilot)

    assert snap_compare(ByraaApp(workspace(sqlite_store)), terminal_size=size, run_before=run_before)


async def test_with_no_altinn_connection_the_fetch_is_refused_before_the_confirmation(sqlite_store) -> None:  # noqa: ANN001
    """A fresh agency: the fetch asked "Hente skattekort?" and only then stopped at its first
    order, leaving a failed job; it says so at once, and nothing is created."""
    build_agency(sqlite_store)
    from byraa.core.store.models_altinn import AltinnConnection

    with sqlite_store.session() as s:
        for model in (TaxCardFetchResult, JobItem, Job, TaxCard, AltinnConnection):
            s.execute(delete(model))
    with language_restored():
        app = ByraaApp(workspace(sqlite_store))
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await open_taxcards(pilot)
            await pilot.press("e")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmDialog)
            assert [n.message for n in app._notifications] == [
                "byråets Altinn-tilkobling er ikke satt opp ennå (Innstillinger, eller `byraa demo`)"]
    with sqlite_store.session() as s:
        assert s.query(Job).count() == 0
