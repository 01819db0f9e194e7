"""Pictures of the reconciliation screens on the hand-built client month (top-level ``snapshots/``).

The check overview at 80x24 and 120x40, a drilled check and the field diff at 80x24.
Update with ``pytest tests/test_tui_reconcile_snapshots.py --snapshot-update`` and look
at the SVGs first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from byraa.tui.app import ByraaApp
from tests.data.reconcile import scenario
from tests.tui_support import language_restored, press_then_settle, workspace


@pytest.fixture
def recon_store(sqlite_store, tmp_path: Path):  # noqa: ANN001, ANN201
    scenario.build(sqlite_store, tmp_path)
    with language_restored():
        yield sqlite_store


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
def test_check_overview(snap_compare, recon_store, size) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    assert snap_compare(app, terminal_size=size, run_before=press_then_settle("v", "enter"))


def test_drilled_check(snap_compare, recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("v", "enter", "enter"))


def test_field_diff(snap_compare, recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("v", "enter", "enter", "j",
                                                                                   "enter"))


def test_reconcile_list(snap_compare, recon_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(recon_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("v"))


def test_check_overview_with_missing_sources(snap_compare, recon_store) -> None:  # noqa: ANN001
    """November: no a-melding and no A07 imported, so their figures say "mangler", not 0,00."""
    app = ByraaApp(workspace(recon_store))
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=press_then_settle("v", "enter", "right_square_bracket"))
