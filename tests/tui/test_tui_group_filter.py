"""A group filter on the dashboard and the reports screen: `p` chooses a group (or all clients)."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from byraa.core.agency import identity
from byraa.core.clients import dashboard as core_dashboard
from byraa.core.clients import reports as core_reports
from byraa.tui.app import ByraaApp
from byraa.tui.screens.dashboard import DashboardScreen
from byraa.tui.screens.reports import ReportsScreen
from byraa.tui.widgets.dialogs import ChoiceDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui_support import build_agency, language_restored, settle, workspace

GROUP = "Utbetaling 20."


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


async def choose(pilot, option_id: str) -> None:  # noqa: ANN001
    """Press `p`, highlight ``option_id`` in the dialog and press Enter."""
    await pilot.press("p")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ChoiceDialog)
    options = dialog.query_one(OptionList)
    options.highlighted = options.get_option_index(option_id)
    await pilot.press("enter")
    await settle(pilot)


async def test_dashboard_figures_for_one_group_and_back_to_all(agency_store) -> None:  # noqa: ANN001
    who = identity.resolve(agency_store, "tester")
    grouped = core_dashboard.build(agency_store, who, group=GROUP)
    every = core_dashboard.build(agency_store, who)
    assert grouped.figures[0].value != every.figures[0].value  # the group is a real restriction
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await choose(pilot, f"group:{GROUP}")
        assert screen.group == GROUP and screen.board is not None and screen.board.group == GROUP
        assert [f.value for f in screen.board.figures] == [f.value for f in grouped.figures]
        assert f"gruppen {GROUP}" in screen.sub_title
        await choose(pilot, "all")
        assert screen.group is None and screen.board.group is None
        assert [f.value for f in screen.board.figures] == [f.value for f in every.figures]
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("escape")  # cancelled: nothing changes
        await settle(pilot)
        assert app.screen is screen and screen.group is None


async def test_reports_for_one_group(agency_store) -> None:  # noqa: ANN001
    who = identity.resolve(agency_store, "tester")
    expected = core_reports.usage_log(agency_store, who, "2026-10", "2026-10", group=GROUP)
    every = core_reports.usage_log(agency_store, who, "2026-10", "2026-10")
    assert 0 < len(expected.rows) < len(every.rows)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await choose(pilot, f"group:{GROUP}")
        table = screen.query_one(MarkableTable)
        assert table.total_count == len(expected.rows)
        assert f"gruppen {GROUP}" in screen.sub_title
        assert screen._default_path().endswith("byraa-usage-2026-10-utbetaling-20.xlsx")
        await pilot.press("3")  # the term report keeps the group
        await settle(pilot)
        term = core_reports.term_report(agency_store, who, 2026, 5, group=GROUP)
        assert table.total_count == len(term.rows) and f"gruppen {GROUP}" in screen.sub_title
        names = [c.name for c in app.palette_commands(screen)]
        assert "Rapporter: Velg gruppe" in names


def _choose_before(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await choose(pilot, f"group:{GROUP}")

    return run_before


def test_snapshot_dashboard_with_group(snap_compare, agency_store) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=(80, 24), run_before=_choose_before())


def test_snapshot_reports_with_group(snap_compare, agency_store) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=(80, 24), run_before=_choose_before("R"))


def test_snapshot_group_dialog(snap_compare, agency_store) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=(80, 24), run_before=run_before)
