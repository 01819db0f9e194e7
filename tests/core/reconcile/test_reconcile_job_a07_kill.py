"""``byraa reconcile --job --fetch-a07`` killed with SIGKILL again and again places one A07
order per client, no more; an unreadable A07 answer is the client's error at once and is
not asked for again on a resume. Real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from byraa.core.agency.identity import resolve
from byraa.core.altinn.connection import agency_connection
from byraa.core.reconcile import job as reconcile_job
from byraa.core.store.models import Client
from byraa.core.store.models_jobs import JobItem
from byraa.core.taxcards.results import HOOK_ENV
from byraa.demo import build_demo
from byraa.demo.database import connect_sandbox
from byraa.sandbox import SandboxState
from byraa.sandbox.ensure import register_configured_key
from byraa.sandbox.server import running
from tests import forked
from tests.conftest import ROOT

TODAY = date(2026, 11, 22)
PERIOD = "2026-10"


def _command(store_url: str, *args: str) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ, BYRAA_USER="tester", PYTHONPATH=str(ROOT / "src"))
    env.pop(HOOK_ENV, None)
    if store_url.startswith("sqlite:///"):
        db = ["--db", store_url.removeprefix("sqlite:///")]
    else:
        db = []
        env["BYRAA_DATABASE_URL"] = store_url
    return [sys.executable, "-m", "byraa", *db, "reconcile", *args, "--format", "json"], env


def _kill_at(store_url: str, job_id: int, point: str, hooks: Path) -> bool:
    """Resume the job in a new process and SIGKILL it once it reaches ``point``; False when
    the job finished before reaching it (nothing left to order), True when it was killed."""
    hooks.mkdir()
    cmd, env = _command(store_url, "--resume", str(job_id))
    env[HOOK_ENV] = f"{point}:{hooks}"
    proc = forked.Command.from_cmd(cmd, env)
    try:
        deadline = time.monotonic() + 90
        while not (hooks / point).exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                assert proc.returncode in (0, 1), f"the job failed before {point}: {proc.returncode}\n{out}\n{err}"
                return False
            assert time.monotonic() < deadline, f"the job never reached {point}"
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return True


def _setup(store, tmp_path: Path, state: SandboxState, url: str) -> tuple[int, list[str]]:  # noqa: ANN001
    connect_sandbox(store, "tester", tmp_path, base_url=url)
    settings = agency_connection(store)
    assert settings is not None
    register_configured_key(state, settings)
    who = resolve(store, "tester")
    with store.session() as s:
        orgs = list(s.scalars(select(Client.org_number).order_by(Client.id)))
    job_id = reconcile_job.start_reconcile_job(store, who, orgs, PERIOD, fetch_a07=True, include_signed=True)
    return job_id, orgs


def test_killed_again_and_again_orders_one_a07_per_client(store, store_url: str, tmp_path: Path) -> None:
    build_demo(store, clients=4, seed=3, manager_login="tester", today=TODAY)
    # Each A07 is ready at the first poll: the kills fall at the orders, and a wait for a
    # report not ready yet (test_a07_fetch) would only add a second per client here.
    state = SandboxState(store=store, ready_after_polls=0)
    with running(state) as sandbox:
        job_id, orgs = _setup(store, tmp_path, state, sandbox.url)
        # Killed before an order is sent, right after one was placed, and after again.
        kills, finished = 0, False
        for n, point in enumerate(["a07_before_order", "a07_after_order", "a07_after_order",
                                   "a07_before_order", "a07_after_order"]):
            if not _kill_at(store_url, job_id, point, tmp_path / f"hooks{n}"):
                finished = True  # every client was ordered before this point came round again
                break
            kills += 1
        assert kills >= 3
        placed = len(state.a07_orders)
        assert 1 <= placed <= len(orgs)
        if not finished:
            cmd, env = _command(store_url, "--resume", str(job_id))
            done = forked.run(cmd, env, timeout=180)
            assert done.returncode in (0, 1), done.stderr
            out = json.loads(done.stdout)
            assert out["status"] == "done"
            assert len(out["rows"]) == len(orgs) and all(r["state"] == "done" for r in out["rows"])
        with store.session() as s:
            states = list(s.scalars(select(JobItem.state).where(JobItem.job_id == job_id)))
        assert len(states) == len(orgs) and set(states) == {"done"}
        # One order per client over all the kills: each re-send reused its stored key.
        assert len(state.a07_orders) == len(orgs)
        assert sorted(o["org"] for o in state.a07_orders.values()) == sorted(orgs)
        with store.session() as s:
            payloads = [json.loads(p) for p in s.scalars(select(JobItem.payload).where(JobItem.job_id == job_id))]
        assert {p["a07_reference"] for p in payloads} == set(state.a07_orders)


def test_an_unreadable_answer_fails_once_and_is_not_fetched_again(store, store_url: str, tmp_path: Path) -> None:
    build_demo(store, clients=1, seed=3, manager_login="tester", today=TODAY)
    state = SandboxState(store=store, ready_after_polls=0)
    with running(state) as sandbox:
        job_id, orgs = _setup(store, tmp_path, state, sandbox.url)
        assert _kill_at(store_url, job_id, "a07_after_order", tmp_path / "hooks")
        [reference] = state.a07_orders
        state.set_faults(malformed_rate=1.0)
        cmd, env = _command(store_url, "--resume", str(job_id))
        done = forked.run(cmd, env, timeout=180)
        assert done.returncode == 2, done.stderr
        [row] = json.loads(done.stdout)["rows"]
        assert row["state"] == "failed" and row["outcome"] == "error" and row["error"].startswith("A07:")
        polls = state.a07_orders[reference]["polls"]
        assert polls == 1  # asked once
        state.set_faults(malformed_rate=0.0)
        # A resume (the job is finished, so nothing is claimed) does not ask again.
        done = forked.run(cmd, env, timeout=180)
        assert done.returncode == 2
        assert state.a07_orders[reference]["polls"] == polls and list(state.a07_orders) == [reference]
