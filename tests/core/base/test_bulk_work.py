"""Bulk work raises the collector's thresholds while it runs, nested or not, and puts
the defaults back when the last of it ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from byraa.core.base.bulk_work import BULK_THRESHOLDS, fewer_collections


@pytest.fixture(autouse=True)
def _python_defaults() -> Iterator[None]:
    """Python's own thresholds, as a byraa process starts with (the suite runs with the
    bulk work's, see ``tests/conftest.py``)."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_thresholds_are_raised_while_bulk_work_runs_and_restored_after_the_outermost() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        raised = gc.get_threshold()
        with fewer_collections():
            assert gc.get_threshold() == raised
        assert gc.get_threshold() == raised
    assert raised == tuple(max(a, b) for a, b in zip(before, BULK_THRESHOLDS, strict=True)) and raised != before
    assert gc.get_threshold() == before


def test_an_error_in_bulk_work_still_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise ValueError("refused")
    except ValueError:
        pass
    assert gc.get_threshold() == before
