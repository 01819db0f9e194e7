"""Pictures of the groups, board, access and reports screens (SVGs in ``snapshots/``).

Deterministic like ``test_tui_snapshots``: the pinned day, the demo agency of seed 1,
every worker finished before the picture.
"""

from __future__ import annotations

import pytest

from byraa.tui.app import ByraaApp
from tests.tui_support import (
    build_agency,
    clerk_with_partial_access,
    language_restored,
    press_then_settle,
    workspace,
)


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
def test_groups(snap_compare, agency_store, size) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=size, run_before=press_then_settle("b"))


def test_board(snap_compare, agency_store) -> None:  # noqa: ANN001
    """"Utbetaling 15.": paid a week ago, so reconciled and tax cards with a yes and a no."""
    app = ByraaApp(workspace(agency_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("b", "G", "k", "k", "k", "enter"))


def test_access_staff(snap_compare, agency_store) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=(80, 24), run_before=press_then_settle("A"))


def test_access_review(snap_compare, agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("A", "4"))


def test_access_as_clerk(snap_compare, agency_store) -> None:  # noqa: ANN001
    login, _granted, _refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store, login))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("A", "2"))


def test_reports_term(snap_compare, agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("R", "3"))


def test_reports_feedback(snap_compare, agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("R", "5"))
