"""The fetch job against the documented answers: 204 (reference not found) re-orders once."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from byraa.core.store.models_jobs import JobItem, TaxCardFetchResult
from byraa.core.taxcards import fetch
from tests.builders import small_agency
from tests.taxcard_fetch_support import Sandbox, no_sleep, run

FAST_ONE = fetch.FetchOptions(concurrency=1, poll_initial_seconds=0.0, poll_max_seconds=0.0)


def _plan(store, who):  # noqa: ANN001, ANN202
    return fetch.plan_fetch(store, who, fetch.Selection(all=True), 2026)


async def test_a_lost_reference_is_ordered_once_more_then_answered(store, tmp_path: Path) -> None:
    small = small_agency(store)
    sandbox = Sandbox(tmp_path, store, forget_next_orders=1)
    plan = _plan(store, small.who())
    summary = await run(store, small.who(), sandbox, plan)
    assert summary.status == "done" and summary.errors == 0 and summary.cards > 0
    assert sandbox.state.orders_created == len(plan.orders) + 1
    with store.session() as s:
        payloads = [json.loads(p) for p in s.scalars(select(JobItem.payload).where(JobItem.job_id == summary.job_id))]
    again = [p for p in payloads if p.get("reordered_from")]
    assert len(again) == 1 and again[0]["reordered_from"] in sandbox.state.forgotten
    assert again[0]["reference"] not in sandbox.state.forgotten


async def test_a_reference_lost_twice_gives_its_persons_an_error_and_stops(store, tmp_path: Path) -> None:
    small = small_agency(store)
    plan = _plan(store, small.who())
    sandbox = Sandbox(tmp_path, store, forget_next_orders=2 * len(plan.orders))
    summary = await run(store, small.who(), sandbox, plan)
    assert sandbox.state.orders_created == 2 * len(plan.orders)  # once more each, never a third time
    assert summary.errors == plan.persons and summary.cards == 0
    with store.session() as s:
        reasons = set(s.scalars(select(TaxCardFetchResult.reason).where(
            TaxCardFetchResult.job_id == summary.job_id, TaxCardFetchResult.outcome == "error")))
    assert len(reasons) == len(plan.orders) and all("(204)" in r for r in reasons)


async def test_without_idempotensid_a_lost_answer_is_unknown_and_reordered_only_when_asked(
        store, tmp_path: Path) -> None:
    from byraa.sandbox import Faults

    small = small_agency(store)
    who = small.who()
    plan = _plan(store, who)
    sandbox = Sandbox(tmp_path, store, idempotency=False, faults=Faults(script=["drop"]), ignore_idempotensid=True)
    summary = await run(store, who, sandbox, plan, options=FAST_ONE)
    assert sandbox.state.orders_created == len(plan.orders)  # the lost one exists; nothing was sent twice
    unknown = fetch.unknown_orders(store, who, summary.job_id)
    assert len(unknown) == 1 and summary.orders_failed == 1
    assert "may exist at Skatteetaten" in summary.item_errors[0]
    # A resume without the explicit step orders nothing: the item stays unknown.
    assert fetch.interrupted_fetches(store, who) == []
    assert fetch.reorder_unknown(store, who, summary.job_id) == 1
    assert [j.id for j in fetch.interrupted_fetches(store, who)] == [summary.job_id]
    again = await fetch.run_fetch(store, who, summary.job_id, client_for=sandbox.factory(who), options=FAST_ONE,
                                  sleep=no_sleep)
    await sandbox.close()
    assert again.status == "done" and again.orders_failed == 0 and again.results == plan.persons
    assert sandbox.state.orders_created == len(plan.orders) + 1
    assert fetch.unknown_orders(store, who, summary.job_id) == []
