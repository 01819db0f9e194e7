"""CLI sides of the contract work: connection settings and a resume that asks first."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, update

from byraa.cli.main import main
from byraa.core.altinn.connection import agency_connection
from byraa.core.store.models_jobs import Job, JobItem


def _demo(store, store_url: str, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from byraa.demo.database import connect_sandbox
    from tests.demo_copies import build_agency

    build_agency(store, clients=3, seed=3)  # built once per process, then copied
    connect_sandbox(store, "tester", tmp_path, base_url="http://127.0.0.1:9")
    monkeypatch.setenv("BYRAA_DATABASE_URL", store_url)


def test_connection_set_changes_contact_external_ref_and_idempotensid(store, store_url: str, tmp_path: Path,
                                                                       monkeypatch) -> None:  # noqa: ANN001
    _demo(store, store_url, tmp_path, monkeypatch)
    result = CliRunner().invoke(main, ["connection", "set", "--email", "skatt@byraa.example", "--phone",
                                       "+4790000000", "--external-ref", "agent-1", "--idempotensid"])
    assert result.exit_code == 0, result.output
    s = agency_connection(store)
    assert (s.contact_email, s.contact_phone, s.external_ref, s.taxcard_idempotency) == (
        "skatt@byraa.example", "+4790000000", "agent-1", True)
    bad = CliRunner().invoke(main, ["connection", "set", "--email", "nope"])
    assert bad.exit_code == 2 and "nope" in bad.output


def test_resume_refuses_to_order_unknown_orders_again_without_the_flag(store, store_url: str, tmp_path: Path,
                                                                        monkeypatch) -> None:  # noqa: ANN001
    from byraa.core.agency.identity import resolve
    from byraa.core.taxcards import fetch

    _demo(store, store_url, tmp_path, monkeypatch)
    who = resolve(store, "tester")
    plan = fetch.plan_fetch(store, who, fetch.Selection(all=True), 2026)
    job_id = fetch.start_fetch(store, who, plan)
    with store.session() as s:  # as a run leaves it when an order's answer was lost
        item = s.scalars(select(JobItem).where(JobItem.job_id == job_id)).first()
        payload = {**json.loads(item.payload), "order_state": "unknown"}
        s.execute(update(JobItem).where(JobItem.id == item.id).values(payload=json.dumps(payload), state="failed"))
        s.execute(update(JobItem).where(JobItem.job_id == job_id, JobItem.id != item.id).values(state="done"))
        s.execute(update(Job).where(Job.id == job_id).values(status="failed", finished_at=Job.created_at))
    refused = CliRunner().invoke(main, ["taxcards", "fetch", "--resume"])
    assert refused.exit_code == 2 and "--reorder-unknown" in refused.output
    with store.session() as s:
        assert json.loads(s.get(JobItem, item.id).payload)["order_state"] == "unknown"
    alone = CliRunner().invoke(main, ["taxcards", "fetch", "--reorder-unknown"])
    assert alone.exit_code == 2
