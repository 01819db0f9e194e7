"""A-melding feedback across clients."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from byraa.cli import main
from byraa.core import feedback
from byraa.core.errors import UserError
from tests.builders import small_agency


def test_newest_submission_per_client(store) -> None:
    small = small_agency(store)
    rows = feedback.across_clients(store, small.who(), "2026-10")
    assert [(r.client, r.status, r.worst) for r in rows] == [
        ("Alfa Rør AS", "accepted", None), ("Bakeri Beta AS", "rejected", "rejection"),
        ("Cafe Gamma AS", "accepted", None)]
    assert [r.client for r in feedback.across_clients(store, small.who(), "2026-10", status="rejected")] == [
        "Bakeri Beta AS"]
    assert [r.client for r in feedback.across_clients(store, small.who(), "2026-10", severity="rejection")] == [
        "Bakeri Beta AS"]
    clerk = feedback.across_clients(store, small.who("clerk"), "2026-10")
    assert [r.client for r in clerk] == ["Bakeri Beta AS"]
    with pytest.raises(UserError):
        feedback.across_clients(store, small.who(), "2026-10", severity="fatal")


def test_feedback_command(store, monkeypatch) -> None:
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    result = CliRunner().invoke(main, ["feedback", "--format", "json"])  # default: last month (2026-10)
    assert result.exit_code == 0
    assert [r["status"] for r in json.loads(result.output)] == ["accepted", "rejected", "accepted"]
