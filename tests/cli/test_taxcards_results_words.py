"""``byraa taxcards results``: the table in the user's words, JSON as stored (for scripts)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from byraa.cli.main import main
from tests.tui_support import build_agency


def test_the_results_table_says_outcomes_and_changes_in_words(sqlite_store, monkeypatch) -> None:  # noqa: ANN001
    build_agency(sqlite_store)  # the demo's fetch history: cards changed since the fetch before
    monkeypatch.setenv("BYRAA_DATABASE_URL", sqlite_store.url)
    monkeypatch.setenv("BYRAA_USER", "tester")
    rows = json.loads(CliRunner().invoke(main, ["taxcards", "results", "--format", "json"]).output)
    changed = [r for r in rows if r["changes"]]
    assert changed and {r["outcome"] for r in rows} >= {"card"}
    assert any(r["changes"].startswith(("table ", "percentage ", "kind ")) for r in changed)  # stored in English
    table = CliRunner().invoke(main, ["--lang", "nb", "taxcards", "results"]).output
    assert " kort " in table and " card " not in table
    assert any(word in table for word in ("tabell ", "prosent ", "art ")) and "percentage " not in table
