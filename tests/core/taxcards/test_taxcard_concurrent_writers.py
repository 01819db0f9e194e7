"""Several processes fetching the same persons' tax cards at once merge into one current
card per person: none crashes on ``uq_tax_card_current`` and no job is left running."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from byraa.core.agency.identity import resolve
from byraa.core.altinn.connection import agency_connection
from byraa.core.store.models_altinn import TaxCard
from byraa.core.store.models_jobs import Job
from byraa.core.taxcards import fetch
from byraa.demo.database import connect_sandbox
from byraa.sandbox import SandboxState
from byraa.sandbox.ensure import register_configured_key
from byraa.sandbox.server import running
from tests import forked
from tests.core.taxcards.test_taxcard_fetch_reliability import _command
from tests.demo_copies import build_agency

PARALLEL = 6


def test_parallel_fetches_of_the_same_cards_merge(store, store_url: str, tmp_path: Path) -> None:
    build_agency(store, clients=3, seed=3)  # built once per process, then copied
    with store.session() as s:
        earlier = set(s.scalars(select(Job.id)))  # the demo's own history
    state = SandboxState(store=store, ready_after_polls=0)
    with running(state) as sandbox:
        connect_sandbox(store, "tester", tmp_path, base_url=sandbox.url)
        settings = agency_connection(store)
        assert settings is not None
        register_configured_key(state, settings)
        cmd, env = _command(store_url, "--all", "--year", "2026", "--persons-per-order", "5",
                            "--poll-seconds", "0.01")
        procs = [forked.Command.from_cmd(cmd, env)
                 for _ in range(PARALLEL)]
        outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outs, strict=True):
        assert proc.returncode in (0, 1), err
        summary = json.loads(out)
        assert summary["status"] == "done" and summary["orders_failed"] == 0, summary
    with store.session() as s:
        statuses = Counter(s.scalars(select(Job.status).where(Job.kind == fetch.JOB_KIND, Job.id.not_in(earlier))))
        current = Counter(dict(s.execute(
            select(TaxCard.employee_id, func.count()).where(TaxCard.income_year == 2026,
                                                            TaxCard.is_current.is_(True))
            .group_by(TaxCard.employee_id)).all()))
    assert statuses == {"done": PARALLEL}
    assert current and set(current.values()) == {1}
    assert fetch.interrupted_fetches(store, resolve(store, "tester")) == []
