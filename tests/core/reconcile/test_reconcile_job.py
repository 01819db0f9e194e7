"""Reconcile many clients as a durable job: one result per client, cancel, resume, access."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from byraa.core import jobs
from byraa.core.base.errors import UserError
from byraa.core.reconcile import job as reconcile_job
from byraa.core.reconcile import runs as reconcile
from tests.builders import org
from tests.data.reconcile import scenario


@pytest.fixture
def small(store, tmp_path: Path):  # noqa: ANN001, ANN201
    return scenario.build(store, tmp_path)


def test_job_reconciles_each_client_once(store, small) -> None:  # noqa: ANN001
    who = small.who()
    job_id = reconcile_job.start_reconcile_job(store, who, [org(1), org(2), org(3)], scenario.PERIOD, "simple")
    seen = []
    info = asyncio.run(reconcile_job.run_reconcile_job(store, who, job_id, on_progress=seen.append))
    assert info.status == "done" and info.summary == {"equal": 0, "differences": 3, "skipped": 0, "error": 0}
    assert seen and seen[-1].units_done == 3
    _, rows = reconcile_job.job_results(store, who, job_id)
    assert [r.org_number for r in rows] == [org(1), org(2), org(3)]
    assert all(r.state == "done" and r.outcome == "differences" and r.version == 1 for r in rows)
    first = reconcile.get_run(store, who, rows[0].run_id)
    assert first.method == "simple" and first.period == scenario.PERIOD
    assert reconcile.latest_runs(store, who, scenario.PERIOD)[org(1)].id == rows[0].run_id


def test_clerk_gets_an_error_row_for_a_client_without_access(store, small) -> None:  # noqa: ANN001
    clerk = small.who("clerk")  # responsible for B only
    job_id = reconcile_job.start_reconcile_job(store, clerk, [org(1), org(2)], scenario.PERIOD)
    asyncio.run(reconcile_job.run_reconcile_job(store, clerk, job_id))
    _, rows = reconcile_job.job_results(store, clerk, job_id)
    assert [(r.state, r.outcome) for r in rows] == [("failed", "error"), ("done", "differences")]
    assert "har ikke tilgang" in (rows[0].error or "")


def test_cancel_stops_and_resume_is_offered(store, small) -> None:  # noqa: ANN001
    who = small.who()
    job_id = reconcile_job.start_reconcile_job(store, who, [org(1), org(2), org(3)], scenario.PERIOD)
    cancel = threading.Event()
    cancel.set()
    info = asyncio.run(reconcile_job.run_reconcile_job(store, who, job_id, cancel_event=cancel))
    assert info.status == "cancelled"
    assert reconcile.latest_runs(store, who, scenario.PERIOD) == {}
    with pytest.raises(UserError):
        reconcile_job.start_reconcile_job(store, who, [], scenario.PERIOD)


def test_interrupted_job_resumes(store, small) -> None:  # noqa: ANN001
    who = small.who()
    job_id = reconcile_job.start_reconcile_job(store, who, [org(1), org(2)], scenario.PERIOD)
    # Nobody runs it (a process that died before it started): it is interrupted.
    assert [j.id for j in reconcile_job.interrupted_reconcile_jobs(store, who)] == [job_id]
    info = asyncio.run(reconcile_job.run_reconcile_job(store, who, job_id))
    assert info.status == "done"
    assert reconcile_job.interrupted_reconcile_jobs(store, who) == []
    assert reconcile_job.latest_job(store, who).id == job_id


def test_employment_pair_shows_both_sides(store, small) -> None:  # noqa: ANN001
    who = small.who()
    run = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["employments", "income"])
    rows = reconcile.rows(store, who, run.id)
    position = next(r for r in rows if r.field == "position_pct")
    pair = reconcile.employment_pair(store, who, run.id, position.id)
    fields = {f.field: f for f in pair.fields}
    assert (fields["position_pct"].payroll, fields["position_pct"].a07) == (100.0, 80.0)
    assert fields["position_pct"].differs and not fields["occupation_code"].differs
    assert pair.name == "Person A0"
    income = next(r for r in rows if r.check == "income")
    assert reconcile.employment_pair(store, who, run.id, income.id) is None
    assert jobs.get_job  # the job package is importable from core


def test_headless_group_as_a_job(store, small, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import json

    from click.testing import CliRunner

    from byraa.cli.main import main

    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    monkeypatch.setenv("BYRAA_USER", "tester")
    result = CliRunner().invoke(main, ["reconcile", "--group", "Utbetaling 20.", "--period", scenario.PERIOD,
                                       "--job", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "done" and [r["client"] for r in data["rows"]] == [org(1), org(3)]
    assert all(r["outcome"] == "differences" and r["version"] == 1 for r in data["rows"])
    # One progress line per client, counted and in the user's words (no runner words like "file:1: done").
    # (Two clients run side by side, so either may be counted first.)
    progress = [line.split(" ", 2) for line in result.stderr.splitlines() if "/2 " in line]
    assert sorted(count for _, count, _ in progress) == ["1/2", "2/2"], result.stderr
    assert sorted(text for _, _, text in progress) == [f"{org(1)}: avvik", f"{org(3)}: avvik"], result.stderr
    assert "done" not in result.stderr and "client:" not in result.stderr, result.stderr
    table = CliRunner().invoke(main, ["reconcile", "--client", org(1), "--period", scenario.PERIOD, "--job"],
                               catch_exceptions=False)
    assert table.exit_code == 1 and "avvik" in table.stdout and "differences" not in table.stdout, table.stdout
    again = CliRunner().invoke(main, ["reconcile", "--resume", str(data["job"])], catch_exceptions=False)
    assert again.exit_code == 2  # the job has ended: nothing to resume
    clerk = CliRunner().invoke(main, ["reconcile", "--client", org(1), "--period", scenario.PERIOD, "--job"],
                               env={"BYRAA_USER": "clerk"}, catch_exceptions=False)
    assert clerk.exit_code == 2 and "har ikke tilgang" in clerk.output
