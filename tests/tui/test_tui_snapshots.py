"""Pictures of the key screens at 80x24 and 120x40 (SVGs in the top-level ``snapshots/``).

Deterministic: the pinned day, the demo agency of seed 1, every worker finished before
the picture (``run_before``), no clock, no notifications. Update with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the SVGs first.
"""

from __future__ import annotations

import pytest

from byraa.tui.app import ByraaApp
from tests.tui_support import build_agency, language_restored, press_then_settle, workspace

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare, agency_store, size) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(agency_store)), terminal_size=size, run_before=press_then_settle())


@pytest.mark.parametrize("size", SIZES)
def test_clients(snap_compare, agency_store, size) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    assert snap_compare(app, terminal_size=size, run_before=press_then_settle("c", "j", "space", "space"))


def test_client_detail(snap_compare, agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("c", "enter"))


def test_help(snap_compare, agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("c", "question_mark"))


def test_welcome(snap_compare, sqlite_store) -> None:  # noqa: ANN001
    with language_restored():
        assert snap_compare(ByraaApp(workspace(sqlite_store)), terminal_size=(80, 24),
                            run_before=press_then_settle())
