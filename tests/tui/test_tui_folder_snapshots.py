"""Pictures of a term run (October 2026) and a year-end run (December 2026) of the
reconciliation folder's client at 80x24 (``tests.data.reconcile.folder``).

Update with ``--snapshot-update`` only after looking at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from byraa.tui.app import ByraaApp
from tests.data.reconcile.folder import build_year
from tests.tui_support import language_restored, press_then_settle, workspace


@pytest.fixture
def folder_store(sqlite_store, tmp_path: Path):  # noqa: ANN001, ANN201
    build_year(sqlite_store, tmp_path)
    with language_restored():
        yield sqlite_store


def test_term_run(snap_compare, folder_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(folder_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("v", "enter"))


def test_year_end_run(snap_compare, folder_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(folder_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle(
        "v", "right_square_bracket", "right_square_bracket", "enter"))
