"""The dashboard screen: figures against the month before, months, scope, attention."""

from __future__ import annotations

import pytest

from byraa.core.agency import identity
from byraa.core.clients import dashboard as core_dashboard
from byraa.core.words import formatting as fmt
from byraa.core.words import labels
from byraa.tui.app import ByraaApp
from byraa.tui.screens.client_detail import ClientDetailScreen
from byraa.tui.screens.dashboard import DashboardScreen
from byraa.tui.widgets.figure_card import FigureCard, show_change
from tests.tui_support import (
    build_agency,
    clerk_with_partial_access,
    language_restored,
    screen_text,
    settle,
    workspace,
)


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


async def test_figures_match_the_core_for_the_month(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        expected = core_dashboard.build(agency_store, identity.resolve(agency_store, "tester"), "2026-11", "all")
        assert screen.board == expected
        text = screen_text(app)
        for figure in expected.figures:
            card = screen.query_one(f"#figure-{figure.key}", FigureCard)
            assert card.figure == figure
            assert len(card.query_one("Sparkline").data) == 12
        payslips = next(f for f in expected.figures if f.key == "payslips")
        assert "Lønnsslipper sendt" in text
        assert fmt.count(int(payslips.value)) in text
        assert payslips.so_far and "hittil i måneden" in text  # 22 November: the month is in progress
        assert "Trenger oppfølging" in text


async def test_brackets_change_the_month(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.sub_title.startswith("Dashbord · november 2026")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.period == "2026-10"
        assert screen.board.period == "2026-10"
        assert "oktober 2026" in screen.sub_title
        assert "oktober 2026" in screen_text(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert screen.board.period == "2026-08"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.board.period == "2026-09"
        # Not past the current month.
        await pilot.press(*["right_square_bracket"] * 4)
        await settle(pilot)
        assert screen.board.period == "2026-11"


async def test_a_manager_toggles_all_and_mine(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.board.scope == "all"
        all_clients = screen.board.client_count
        await pilot.press("m")
        await settle(pilot)
        assert screen.board.scope == "mine"
        assert "mine klienter" in screen.sub_title
        assert screen.board.client_count < all_clients
        await pilot.press("m")
        await settle(pilot)
        assert screen.board.scope == "all"


async def test_a_clerk_always_sees_mine(agency_store) -> None:  # noqa: ANN001
    login, granted, _refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store, login))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.board.scope == "mine"
        assert "m Alle / mine" not in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert screen.board.scope == "mine"
        for item in screen.board.attention:
            assert item.client_id is None or item.client_id in granted


async def test_enter_on_an_attention_item_opens_the_client(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        first = next(i for i, item in enumerate(screen.board.attention) if item.client_id is not None)
        attention = screen.query_one("#attention-list")
        attention.focus()
        attention.highlighted = first
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientDetailScreen)
        assert app.screen.client_id == screen.board.attention[first].client_id
        assert app.screen.detail is not None
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_the_cards_reflow_on_a_narrow_terminal(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(60, 30)) as pilot:
        await settle(pilot)
        cards = list(app.screen.query(FigureCard))
        assert len({card.region.x for card in cards}) == 2
        for card in cards:
            assert card.region.right <= 60
    async with ByraaApp(workspace(agency_store)).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        cards = list(pilot.app.screen.query(FigureCard))
        assert len({card.region.x for card in cards}) == 4
        # Every figure's name, value and change fit their card at 80x24 (nothing cut).
        text = screen_text(pilot.app)
        assert "…" not in text
        for figure in pilot.app.screen.board.figures:
            assert labels.figure(figure.key) in text
            assert (show_change(figure, relative=False) if not figure.so_far else "hittil i måneden") in text
