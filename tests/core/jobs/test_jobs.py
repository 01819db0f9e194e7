"""The durable job runner: claims, progress, cancel, resume, and two workers on one store."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter

import pytest
from sqlalchemy import select, update

from byraa.core import jobs
from byraa.core.base.errors import AccessDenied
from byraa.core.store import open_store
from byraa.core.store.models_jobs import Job, JobItem
from tests.builders import small_agency

DEAD_WORKER = "nohost-anywhere:999999:dead"


def _items(n: int, groups: int = 3) -> list[jobs.ItemSpec]:
    return [jobs.ItemSpec(f"item:{i}", {"n": i}, weight=2, groups={f"g{i % groups}": 2}) for i in range(n)]


async def test_items_run_once_with_progress_and_results(store) -> None:
    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="ten items", params={"x": 1}, items=_items(10))
    seen: list[int] = []
    events: list[jobs.Progress] = []

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        seen.append(ctx.payload["n"])
        await ctx.save_payload({**ctx.payload, "touched": True})
        ctx.note(f"working {ctx.item.key}")
        return jobs.ItemOutcome(result={"double": ctx.payload["n"] * 2})

    info = await jobs.run_job(store, who, job_id, handler, concurrency=3, on_progress=events.append,
                              summarize=lambda session, jid: {"items": 10})
    assert info.status == "done" and info.items == {"done": 10} and info.units_done == 20 == info.total_units
    assert info.summary == {"items": 10} and not info.interrupted
    assert sorted(seen) == list(range(10))
    last = events[-1]
    assert last.units_done == last.units_total == 20 and last.fraction == 1.0
    assert last.groups == {"g0": (8, 8), "g1": (6, 6), "g2": (6, 6)}
    assert any(e.eta_seconds is not None for e in events)
    assert any(e.message.startswith("working") for e in events)
    with store.session() as s:
        payloads = [json.loads(p) for p in s.scalars(select(JobItem.payload).where(JobItem.job_id == job_id))]
        results = [json.loads(r) for r in s.scalars(select(JobItem.result).where(JobItem.job_id == job_id))]
    assert all(p["touched"] and p["_groups"] for p in payloads)
    assert sorted(r["double"] for r in results) == [i * 2 for i in range(10)]


async def test_failures_and_retries_are_recorded_per_item(store) -> None:
    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(4))
    calls: Counter = Counter()

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        calls[ctx.item.key] += 1
        if ctx.item.key == "item:0":
            raise RuntimeError("boom")
        if ctx.item.key == "item:1" and ctx.item.attempts < 3:
            return jobs.ItemOutcome.retry("not yet")
        if ctx.item.key == "item:2":
            return jobs.ItemOutcome.retry("never")
        return jobs.ItemOutcome()

    info = await jobs.run_job(store, who, job_id, handler, max_item_attempts=4)
    assert info.status == "done"
    states = {key: (state, attempts, error) for _, key, state, attempts, error in jobs.job_items(store, job_id)}
    assert states["item:0"] == ("failed", 1, "RuntimeError: boom")
    assert states["item:1"][:2] == ("done", 3)
    assert states["item:2"] == ("failed", 4, "never")
    assert states["item:3"][0] == "done"


async def test_a_failure_while_storing_results_fails_the_item_not_the_job(store) -> None:
    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(3))

    def broken_write(session) -> None:  # noqa: ANN001  (as a unique index refusing the results)
        raise RuntimeError("duplicate key value violates unique constraint")

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        return jobs.ItemOutcome(result={"ok": True}, write=broken_write if ctx.item.key == "item:1" else None)

    info = await jobs.run_job(store, who, job_id, handler)
    assert info.status == "done" and not info.interrupted
    states = {key: (state, error) for _, key, state, _attempts, error in jobs.job_items(store, job_id)}
    assert states["item:0"] == ("done", None) and states["item:2"] == ("done", None)
    assert states["item:1"][0] == "failed" and "storing the results failed" in states["item:1"][1]


async def test_cancel_stops_between_items(store) -> None:
    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(8))
    done: list[str] = []

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        done.append(ctx.item.key)
        if len(done) == 3:
            jobs.request_cancel(store, who, job_id)
        return jobs.ItemOutcome()

    event = threading.Event()
    # A heartbeat that never comes round in the test (as on a loaded machine): the claim
    # must see the cancel by itself.
    info = await jobs.run_job(store, who, job_id, handler, concurrency=1, heartbeat_seconds=3600,
                              cancel_event=event)
    assert info.status == "cancelled"
    # The flag is read before every claim (not left to the heartbeat's timing), so with
    # one item at a time the run stops right after the item that asked.
    assert len(done) == 3
    assert info.items == {"done": 3, "cancelled": 5}

    # An in-process event cancels too (the TUI's escape).
    job2 = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(5))
    count = 0

    async def handler2(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        nonlocal count
        count += 1
        event.set()
        return jobs.ItemOutcome()

    event.clear()
    info2 = await jobs.run_job(store, who, job2, handler2, concurrency=1, cancel_event=event)
    assert info2.status == "cancelled" and count == 1 and info2.items == {"done": 1, "cancelled": 4}


@pytest.mark.parametrize("batch", [1, 3])
async def test_an_item_claimed_with_the_last_finish_goes_back_untouched_on_cancel(store, batch: int) -> None:
    """An item's finish claims the next one (in a batch: the next batch's) in the same
    transaction; a cancel seen in the progress report of that finish gives the items
    claimed and not begun back as if never claimed."""
    small = small_agency(store)
    who = small.who()
    event = threading.Event()
    worked: list[tuple[str, int]] = []

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        worked.append((ctx.item.key, ctx.item.attempts))
        return jobs.ItemOutcome()

    def stop_after_two(p: jobs.Progress) -> None:
        if p.items_finished == 2:
            event.set()

    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(5))
    info = await jobs.run_job(store, who, job_id, handler, concurrency=1, cancel_event=event,
                              on_progress=stop_after_two, batch=batch)
    assert info.status == "cancelled" and info.items == {"done": 2, "cancelled": 3}
    # Paused instead (the TUI's escape): the given-back item is pending with no attempt
    # counted, so the resume works it as a first attempt, not as a resume after a kill.
    job2 = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(4))
    event.clear()
    worked.clear()
    paused = await jobs.run_job(store, who, job2, handler, concurrency=1, cancel_event=event,
                                on_progress=stop_after_two, pause_on_cancel=True, batch=batch)
    assert paused.status == "running" and paused.items == {"done": 2, "pending": 2}
    assert {key: attempts for _, key, state, attempts, _e in jobs.job_items(store, job2) if state == "pending"} == {
        "item:2": 0, "item:3": 0}
    event.clear()
    resumed = await jobs.run_job(store, who, job2, handler, concurrency=1)
    assert resumed.status == "done" and worked == [("item:0", 1), ("item:1", 1), ("item:2", 1), ("item:3", 1)]


async def test_a_claim_that_fails_with_a_finish_does_not_fail_the_finished_item(store, monkeypatch) -> None:  # noqa: ANN001
    """The finish and the next claim share a transaction; when the claim's half fails, the
    item is finished alone, as it was worked (not failed for a claim it did not make)."""
    from byraa.core.jobs import runner

    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(3))
    calls = 0
    claim = runner._claim

    def flaky(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        nonlocal calls
        calls += 1
        if calls == 2:  # the claim made with the first item's finish
            raise RuntimeError("database is locked")
        return claim(*args, **kwargs)

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        return jobs.ItemOutcome(result={"n": ctx.payload["n"]})

    monkeypatch.setattr(runner, "_claim", flaky)
    info = await jobs.run_job(store, who, job_id, handler, concurrency=1)
    assert info.status == "done" and info.items == {"done": 3}
    assert {key: (state, error) for _, key, state, _a, error in jobs.job_items(store, job_id)} == {
        f"item:{n}": ("done", None) for n in range(3)}


async def test_one_commit_per_item(store) -> None:
    """Finishing an item and claiming the next is one transaction (the intake's writer pays
    for every commit, once per file)."""
    from sqlalchemy import event as sa_event

    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(20))
    commits = 0

    def count(_conn) -> None:  # noqa: ANN001
        nonlocal commits
        commits += 1

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        return jobs.ItemOutcome()

    sa_event.listen(store.engine, "commit", count)
    try:
        info = await jobs.run_job(store, who, job_id, handler, concurrency=1, heartbeat_seconds=3600)
    finally:
        sa_event.remove(store.engine, "commit", count)
    assert info.items == {"done": 20}
    assert commits <= 20 + 3  # the start, the first claim and the end besides one per item


async def test_a_batch_commits_its_items_together_and_each_is_still_whole(store) -> None:
    """With ``batch`` the items commit together, and are claimed a batch at a time; an item
    that fails leaves none of its writes behind, and the items around it keep theirs."""
    from sqlalchemy import event as sa_event

    from byraa.core.agency import audit
    from byraa.core.base.errors import UserError
    from byraa.core.store.models import AuditEvent

    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(20))
    commits = claims = 0

    def count(_conn) -> None:  # noqa: ANN001
        nonlocal commits
        commits += 1

    def count_claims(_conn, _cursor, statement: str, *_args) -> None:  # noqa: ANN001
        nonlocal claims
        claims += "UPDATE job_item SET state=" in statement and "RETURNING" in statement

    def write(n: int) -> None:
        with store.write_session() as s:
            audit.record(s, actor=who.login, action="test.item", entity="item", entity_id=n)
            if n == 3:
                raise UserError("intake.nothing")  # after its write: the write goes too

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        try:
            await ctx.db(write, ctx.payload["n"])
        except UserError as exc:
            return jobs.ItemOutcome.failed(str(exc))
        return jobs.ItemOutcome()

    sa_event.listen(store.engine, "commit", count)
    sa_event.listen(store.engine, "before_cursor_execute", count_claims)
    try:
        info = await jobs.run_job(store, who, job_id, handler, concurrency=1, heartbeat_seconds=3600, batch=8,
                                  max_item_attempts=1)
    finally:
        sa_event.remove(store.engine, "commit", count)
        sa_event.remove(store.engine, "before_cursor_execute", count_claims)
    assert info.items == {"done": 19, "failed": 1}
    assert commits <= 20 // 8 + 1 + 3  # the batches, the start, the end
    assert claims == 4  # 8, 8, 4, and the one that finds none left
    with store.session() as s:
        written = sorted(int(e) for e in s.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.action == "test.item")))
    assert written == [n for n in range(20) if n != 3]


async def test_a_batch_is_committed_before_a_handler_waits(store, store_url) -> None:
    """``commit_batch``: what the batch holds is committed (seen from another connection),
    and the write lock is free while the handler waits."""
    from byraa.core.agency import audit
    from byraa.core.store.models import AuditEvent

    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(3))
    other = open_store(store_url)
    seen: list[int] = []

    def write(n: int) -> None:
        with store.write_session() as s:
            audit.record(s, actor=who.login, action="test.item", entity="item", entity_id=n)

    def outside() -> int:
        with other.write_session() as s:  # would wait out SQLite's busy timeout on a held lock
            s.execute(update(Job).where(Job.id == job_id).values(title="renamed"))
            return len(s.scalars(select(AuditEvent.id).where(AuditEvent.action == "test.item")).all())

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        await ctx.db(write, ctx.payload["n"])
        if ctx.payload["n"] == 1:
            await ctx.commit_batch()
            seen.append(await asyncio.to_thread(outside))
        return jobs.ItemOutcome()

    try:
        info = await jobs.run_job(store, who, job_id, handler, concurrency=1, heartbeat_seconds=3600, batch=100)
    finally:
        other.dispose()
    assert info.items == {"done": 3} and seen == [2]
    with store.session() as s:
        assert s.scalar(select(Job.title).where(Job.id == job_id)) == "renamed"


async def test_interrupted_job_is_found_and_resumed_without_redoing_finished_items(store) -> None:
    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="crashed", params={}, items=_items(6))
    # A worker that died (its process is gone) after claiming two items and finishing one.
    claimed = jobs.claim_items(store, job_id, DEAD_WORKER.replace("nohost-anywhere", _host()), limit=2)
    assert [c.key for c in claimed] == ["item:0", "item:1"]
    with store.session() as s:
        s.execute(update(JobItem).where(JobItem.id == claimed[0].id).values(state="done"))
        s.execute(update(Job).where(Job.id == job_id).values(status="running", owner=DEAD_WORKER.replace(
            "nohost-anywhere", _host())))
    assert [j.id for j in jobs.interrupted_jobs(store, who, "test.kind")] == [job_id]
    assert jobs.interrupted_jobs(store, who, "other.kind") == []
    clerk = small.who("clerk")
    assert jobs.interrupted_jobs(store, clerk, "test.kind") == []  # not the clerk's job
    with pytest.raises(AccessDenied):
        jobs.get_job(store, clerk, job_id)

    seen: list[str] = []

    async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
        seen.append(ctx.item.key)
        return jobs.ItemOutcome()

    info = await jobs.run_job(store, who, job_id, handler)
    assert info.status == "done" and sorted(seen) == [f"item:{i}" for i in range(1, 6)]
    assert jobs.interrupted_jobs(store, who, "test.kind") == []


async def test_a_live_workers_claim_is_not_taken_over(store) -> None:
    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="t", params={}, items=_items(2))
    live = jobs.new_worker_id()  # this very process: alive
    assert [c.key for c in jobs.claim_items(store, job_id, live)] == ["item:0"]
    other = jobs.new_worker_id()
    assert [c.key for c in jobs.claim_items(store, job_id, other, limit=5)] == ["item:1"]
    assert jobs.claim_items(store, job_id, jobs.new_worker_id(), limit=5) == []


def _host() -> str:
    import socket

    return socket.gethostname()[:60]


def test_two_workers_with_their_own_engines_never_work_the_same_item(store, store_url) -> None:
    small = small_agency(store)
    who = small.who()
    job_id = jobs.create_job(store, who, "test.kind", title="race", params={}, items=_items(60))
    worked: Counter = Counter()
    guard = threading.Lock()
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def worker() -> None:
        own = open_store(store_url)
        try:
            async def handler(ctx: jobs.ItemContext) -> jobs.ItemOutcome:
                with guard:
                    worked[ctx.item.key] += 1
                await asyncio.sleep(0.001)
                return jobs.ItemOutcome(result={"by": ctx.worker})

            barrier.wait()
            asyncio.run(jobs.run_job(own, who, job_id, handler, concurrency=3))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sorted(worked) == sorted(f"item:{i}" for i in range(60))
    assert set(worked.values()) == {1}
    info = jobs.get_job(store, who, job_id)
    assert info.status == "done" and info.items == {"done": 60}
    with store.session() as s:
        by = Counter(json.loads(r)["by"] for r in s.scalars(select(JobItem.result).where(JobItem.job_id == job_id)))
    assert len(by) >= 2, by  # the work really was shared
