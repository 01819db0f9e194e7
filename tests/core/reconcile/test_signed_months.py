"""Signed months: their sign state, and bulk reconcile (job, headless group) skipping them unless asked."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from byraa.core.reconcile import job as reconcile_job
from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile import summary
from tests.builders import org
from tests.data.reconcile import scenario

PERIOD = scenario.PERIOD


@pytest.fixture
def signed_a(store, tmp_path: Path):  # noqa: ANN001, ANN201
    """The scenario with client A's October run as version 1, every difference explained and signed."""
    small = scenario.build(store, tmp_path)
    who = small.who()
    run = reconcile.run(store, who, org(1), PERIOD)
    for row in reconcile.rows(store, who, run.id):
        if row.is_difference:
            reconcile.explain(store, who, run.id, row.id, "Kjent avvik")
    reconcile.sign_off(store, who, run.id, status="explained")
    return small


def test_sign_state_of_a_month(store, signed_a) -> None:  # noqa: ANN001
    who = signed_a.who()
    assert summary.sign_state(store, who, org(1), PERIOD) == summary.SignState(1, 1)
    assert summary.sign_state(store, who, org(3), PERIOD) == summary.SignState(None, None)
    reconcile.run(store, who, org(1), PERIOD)  # version 2, open
    state = summary.sign_state(store, who, org(1), PERIOD)
    assert (state.signed, state.signed_version, state.open_version, state.next_version) == (True, 1, 2, 3)
    # A clerk sees only the clients they may: B, never A.
    assert set(summary.sign_states(store, signed_a.who("clerk"), PERIOD)) == set()
    assert set(summary.sign_states(store, who, PERIOD)) == {org(1)}


def test_the_job_skips_a_signed_month_unless_asked(store, signed_a) -> None:  # noqa: ANN001
    who = signed_a.who()
    job_id = reconcile_job.start_reconcile_job(store, who, [org(1), org(3)], PERIOD)
    info = asyncio.run(reconcile_job.run_reconcile_job(store, who, job_id))
    assert info.summary == {"equal": 0, "differences": 1, "skipped": 1, "error": 0}
    _, rows = reconcile_job.job_results(store, who, job_id)
    assert [(r.org_number, r.outcome, r.version) for r in rows] == [(org(1), "skipped", 1), (org(3), "differences", 1)]
    assert [r.version for r in reconcile.list_runs(store, who, org(1), PERIOD)] == [1]  # untouched
    job_id = reconcile_job.start_reconcile_job(store, who, [org(1)], PERIOD, include_signed=True)
    asyncio.run(reconcile_job.run_reconcile_job(store, who, job_id))
    _, rows = reconcile_job.job_results(store, who, job_id)
    assert [(r.outcome, r.version) for r in rows] == [("differences", 2)]
    assert summary.sign_state(store, who, org(1), PERIOD).open_version == 2


def test_headless_group_skips_signed_months(store, signed_a, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    monkeypatch.setenv("BYRAA_USER", "tester")
    group = ["reconcile", "--group", "Utbetaling 20.", "--period", PERIOD]
    result = CliRunner().invoke(main, [*group, "--job", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1, result.output  # C has differences; A is skipped, not an error
    data = json.loads(result.stdout)
    assert [(r["client"], r["outcome"]) for r in data["rows"]] == [(org(1), "skipped"), (org(3), "differences")]
    plain = CliRunner().invoke(main, [*group, "--format", "json"], catch_exceptions=False)
    assert f"byraa: hoppet over {org(1)}: {PERIOD} er signert (versjon 1)" in plain.stderr
    assert [r["client"] for r in json.loads(plain.stdout)["runs"]] == [org(3)]
    assert [r.version for r in reconcile.list_runs(store, signed_a.who(), org(1), PERIOD)] == [1]
    again = CliRunner().invoke(main, [*group, "--job", "--include-signed", "--format", "json"],
                               catch_exceptions=False)
    assert [(r["client"], r["version"]) for r in json.loads(again.stdout)["rows"]] == [(org(1), 2), (org(3), 3)]
