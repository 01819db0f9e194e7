"""The job runner: create, claim, run with progress and cancel, resume (see the package doc).

One file over ~400 lines on purpose: the claim SQL, the heartbeat, the cancel flag and
the run loop are one locking protocol (who may finish an item, when a worker is dead);
split apart, its invariants would no longer be readable in one place.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.store import Store
from byraa.core.store.models_jobs import ITEM_STATES, JOB_STATUSES, Job, JobItem

STALE_SECONDS = 120.0
"""A worker that has not renewed its heartbeat for this long is taken for dead."""
HEARTBEAT_SECONDS = 5.0
FINISHED = ("done", "failed", "skipped", "cancelled")

__all__ = ["ITEM_STATES", "JOB_STATUSES"]


# --- Workers --------------------------------------------------------------------------------


def new_worker_id() -> str:
    """``host:pid:token``: who holds a claim (the token tells two runners of one process apart)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def worker_alive(worker: str | None, last_seen: datetime | None, *, now: datetime | None = None,
                 stale_seconds: float = STALE_SECONDS) -> bool:
    """Whether the worker may still be working: its process exists (same host) and it
    renewed its heartbeat within ``stale_seconds``."""
    if not worker:
        return False
    now = now or clock.now()
    if last_seen is None or (now - _aware(last_seen)).total_seconds() > stale_seconds:
        return False
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname()[:60] and pid_text.isdigit():
        return _pid_alive(int(pid_text))
    return True


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- Plain data -------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    key: str
    """Unique within the job (``order:1`` …)."""
    payload: dict[str, Any]
    weight: int = 1
    """Units of work (persons for a tax-card order): what progress and ETA count."""
    groups: dict[str, int] | None = None
    """Units per group (per client), for per-group progress."""


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    status: str
    title: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    params: dict[str, Any]
    summary: dict[str, Any] | None
    total_units: int
    items: dict[str, int]
    """Item count per state."""
    units_done: int
    cancel_requested: bool
    interrupted: bool
    """Not finished, and no live worker is on it: offer to resume."""


@dataclass(frozen=True)
class ClaimedItem:
    id: int
    key: str
    payload: dict[str, Any]
    attempts: int
    weight: int


@dataclass(frozen=True)
class Progress:
    job_id: int
    items_total: int
    items_finished: int
    units_total: int
    units_done: int
    groups: dict[str, tuple[int, int]]
    """Group (client) -> (units done, units total)."""
    state_counts: dict[str, int]
    elapsed: float
    eta_seconds: float | None
    message: str = ""
    cancelling: bool = False
    finished_key: str | None = None
    """The key of the item this report counts finished (``None`` for other reports)."""

    @property
    def fraction(self) -> float:
        return self.units_done / self.units_total if self.units_total else 1.0


@dataclass
class ItemOutcome:
    """What a handler returns for an item.

    ``write`` runs in the same transaction that marks the item finished, and only if the
    worker still holds the claim: results are stored exactly once.
    """

    state: str = "done"
    """done, failed, skipped, or retry (back to pending, up to ``max_item_attempts``)."""
    result: dict[str, Any] | None = None
    error: str | None = None
    write: Callable[[Session], None] | None = None

    @classmethod
    def failed(cls, error: str, **kw: Any) -> ItemOutcome:
        return cls("failed", error=error[:500], **kw)

    @classmethod
    def retry(cls, error: str) -> ItemOutcome:
        return cls("retry", error=error[:500])


class LostClaim(Exception):
    """The worker no longer holds the item's claim (another worker took it over)."""


# --- Creating and reading jobs ---------------------------------------------------------


def create_job(store: Store, who: Identity, kind: str, *, title: str, params: dict[str, Any],
               items: Sequence[ItemSpec], worker: str | None = None,
               write: Callable[[Session, int], None] | None = None) -> int:
    """Store a job and its items (all pending) in one transaction; returns the job id.

    ``write(session, job_id)`` may add more rows in the same transaction (e.g. the
    persons skipped up front). ``worker`` marks the job as owned from the start so it
    does not look interrupted before its runner starts.
    """
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        raise ValueError("item keys must be unique within a job")
    now = clock.now()
    with store.session() as session:
        job = Job(kind=kind, status="pending", created_by=who.login, created_at=now, updated_at=now,
                  title=title[:200], params=json.dumps(params, ensure_ascii=False, default=str),
                  total_units=sum(i.weight for i in items), owner=worker, heartbeat_at=now if worker else None)
        session.add(job)
        session.flush()
        assert job.id is not None
        rows = []
        for spec in items:
            payload = dict(spec.payload)
            if spec.groups:
                payload["_groups"] = spec.groups
            rows.append({"job_id": job.id, "key": spec.key[:120], "state": "pending", "weight": spec.weight,
                         "attempts": 0, "payload": json.dumps(payload, ensure_ascii=False, default=str),
                         "updated_at": now})
        if rows:
            from sqlalchemy import insert

            session.execute(insert(JobItem.__table__), rows)  # type: ignore[attr-defined]
        if write is not None:
            write(session, job.id)
        return job.id


def _may_see(who: Identity, job: Job) -> bool:
    return who.is_manager or job.created_by == who.login


def _info(session: Session, job: Job, now: datetime) -> JobInfo:
    counts = dict(session.execute(
        select(col(JobItem.state), func.count())
        .where(col(JobItem.job_id) == job.id).group_by(col(JobItem.state))).all())
    units_done = session.scalar(select(func.coalesce(func.sum(col(JobItem.weight)), 0)).where(
        col(JobItem.job_id) == job.id, col(JobItem.state).in_(FINISHED))) or 0
    live = worker_alive(job.owner, job.heartbeat_at, now=now)
    if job.status in ("pending", "running") and not live:
        # Another worker may still hold claims (two processes on one job).
        claimers = session.execute(
            select(col(JobItem.claimed_by), func.max(col(JobItem.claimed_at)))
            .where(col(JobItem.job_id) == job.id,
                   col(JobItem.state) == "claimed").group_by(col(JobItem.claimed_by))).all()
        live = any(worker_alive(w, at, now=now) for w, at in claimers)
    assert job.id is not None
    return JobInfo(
        job.id, job.kind, job.status, job.title, job.created_by, job.created_at, job.updated_at, job.finished_at,
        json.loads(job.params or "{}"), json.loads(job.summary) if job.summary else None, job.total_units,
        {s: int(n) for s, n in counts.items()}, int(units_done), job.cancel_requested,
        job.status in ("pending", "running") and not live,
    )


def get_job(store: Store, who: Identity, job_id: int) -> JobInfo:
    """A job's state; only its creator or an agency manager may see it."""
    with store.session() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound("job.not_found", job=job_id)
        if not _may_see(who, job):
            raise AccessDenied("job.not_yours_see", job=job_id, owner=job.created_by, login=who.login)
        return _info(session, job, clock.now())


def interrupted_jobs(store: Store, who: Identity, kind: str) -> list[JobInfo]:
    """Unfinished jobs of ``kind`` whose worker is gone, newest first: the ones to resume.

    A clerk gets their own; an agency manager everyone's.
    """
    now = clock.now()
    with store.session() as session:
        query = (select(Job).where(col(Job.kind) == kind, col(Job.status).in_(("pending", "running")))
                 .order_by(col(Job.id).desc()))
        if not who.is_manager:
            query = query.where(col(Job.created_by) == who.login)
        return [info for job in session.scalars(query) if (info := _info(session, job, now)).interrupted]


def job_items(store: Store, job_id: int) -> list[tuple[int, str, str, int, str | None]]:
    """(id, key, state, attempts, error) of every item (diagnostics and tests)."""
    with store.session() as session:
        return [tuple(r) for r in session.execute(  # type: ignore[misc]
            select(col(JobItem.id), col(JobItem.key), col(JobItem.state), col(JobItem.attempts), col(JobItem.error))
            .where(col(JobItem.job_id) == job_id).order_by(col(JobItem.id)))]


def request_cancel(store: Store, who: Identity, job_id: int) -> None:
    """Ask the job to stop after the items in flight (any process running it sees the flag)."""
    with store.session() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound("job.not_found", job=job_id)
        if not _may_see(who, job):
            raise AccessDenied("job.not_yours_cancel", job=job_id, owner=job.created_by, login=who.login)
        if job.status in ("pending", "running"):
            job.cancel_requested = True
            job.updated_at = clock.now()
            session.add(job)


# --- Claims ------------------------------------------------------------------------------


_T_ITEM = JobItem.__table__  # type: ignore[attr-defined]
_T_JOB = Job.__table__  # type: ignore[attr-defined]
# The claim's statements are built once (Core, bound parameters): a claim is made per item,
# and building, caching and compiling ORM statements each time cost more than running them.
_CLAIMERS = (select(_T_ITEM.c.claimed_by, func.max(_T_ITEM.c.claimed_at))
             .where(_T_ITEM.c.job_id == bindparam("job_id"), _T_ITEM.c.state == "claimed")
             .group_by(_T_ITEM.c.claimed_by))
_CANCEL_REQUESTED = select(_T_JOB.c.cancel_requested).where(_T_JOB.c.id == bindparam("job_id"))
_claim_statements: dict[tuple[str, bool], Any] = {}


def _claim_statement(dialect: str, take_over: bool) -> Any:
    """UPDATE ... RETURNING that claims the next ``limit`` items (pending, or with
    ``take_over`` also those claimed by the workers in ``dead``), built once per shape."""
    key = (dialect, take_over)
    if key in _claim_statements:
        return _claim_statements[key]
    t = _T_ITEM
    claimable = t.c.state == "pending"
    if take_over:
        claimable = claimable | ((t.c.state == "claimed") & t.c.claimed_by.in_(bindparam("b_dead", expanding=True)))
    pick = select(t.c.id).where(t.c.job_id == bindparam("b_job"), claimable).order_by(t.c.id).limit(
        bindparam("b_limit"))
    if dialect == "postgresql":
        # A CTE runs once; a sub-select under IN may be rescanned, and each rescan
        # would skip the rows the last one locked and claim more than ``limit``.
        picked = pick.with_for_update(skip_locked=True).cte("picked")
        target = update(t).where(t.c.id == picked.c.id)
    else:
        target = update(t).where(t.c.id.in_(pick.scalar_subquery()), claimable)
    stmt = _claim_statements[key] = (
        target
        .values(state="claimed", claimed_by=bindparam("b_worker"), claimed_at=bindparam("b_now"),
                updated_at=bindparam("b_now"), attempts=t.c.attempts + 1)
        .returning(t.c.id, t.c.key, t.c.payload, t.c.attempts, t.c.weight)
    )
    return stmt


def _dead_claimers(session: Session, job_id: int, me: str, now: datetime, stale_seconds: float) -> list[str]:
    rows = session.execute(_CLAIMERS, {"job_id": job_id}).all()
    return [w for w, at in rows if w and w != me and not worker_alive(w, at, now=now, stale_seconds=stale_seconds)]


def claim_items(store: Store, job_id: int, worker: str, limit: int = 1, *,
                stale_seconds: float = STALE_SECONDS) -> list[ClaimedItem]:
    """Claim up to ``limit`` pending items (or items of dead workers) in one transaction."""
    with store.session() as session:
        return _claim(session, store, job_id, worker, limit, stale_seconds)


def _claim(session: Session, store: Store, job_id: int, worker: str, limit: int,
           stale_seconds: float) -> list[ClaimedItem]:
    now = clock.now()
    dead = _dead_claimers(session, job_id, worker, now, stale_seconds)
    params: dict[str, Any] = {"b_job": job_id, "b_limit": limit, "b_worker": worker, "b_now": now}
    if dead:
        params["b_dead"] = dead
    rows = session.execute(_claim_statement(store.dialect, bool(dead)), params).all()
    return sorted((ClaimedItem(r.id, r.key, json.loads(r.payload or "{}"), r.attempts, r.weight) for r in rows),
                  key=lambda c: c.id)


def _claim_next(store: Store, job_id: int, worker: str, stale_seconds: float, limit: int = 1) -> list[ClaimedItem] | None:
    """The next item (or ``limit`` items) to work, or ``None`` when a cancel was requested.

    The cancel flag is read right before each claim, not only by the heartbeat: a cancel
    requested while an item runs (from another process, or by the handler itself) stops
    the run before the next item however late the heartbeat task gets its turn.
    """
    with store.session() as session:  # one transaction for both: a file's bookkeeping is per file
        if session.execute(_CANCEL_REQUESTED, {"job_id": job_id}).scalar():
            return None
        return _claim(session, store, job_id, worker, limit, stale_seconds)


_GUARD = update(_T_ITEM).where(_T_ITEM.c.id == bindparam("b_id"), _T_ITEM.c.claimed_by == bindparam("b_worker"),
                               _T_ITEM.c.state == "claimed")
_guard_statements: dict[tuple[str, ...], Any] = {}
"""One guarded UPDATE per set of columns it sets, built once: building it per item, and its
cache key, cost as much as running it."""


def _guard(session: Session, item_id: int, worker: str, **values: Any) -> bool:
    names = ("updated_at", *sorted(values))
    stmt = _guard_statements.get(names)
    if stmt is None:
        stmt = _guard_statements[names] = _GUARD.values({name: bindparam(f"v_{name}") for name in names})
    params = {f"v_{name}": value for name, value in values.items()}
    params.update(b_id=item_id, b_worker=worker, v_updated_at=clock.now())
    # An UPDATE gives a CursorResult (it has rowcount); Session.execute is typed as the general Result.
    result = cast(CursorResult[Any], session.execute(stmt, params))
    return result.rowcount == 1


def _save_payload(store: Store, item_id: int, worker: str, payload: dict[str, Any]) -> None:
    with store.session() as session:
        if not _guard(session, item_id, worker, payload=json.dumps(payload, ensure_ascii=False, default=str)):
            raise LostClaim(f"item {item_id} is no longer claimed by this worker")


def _finish_item(store: Store, item: ClaimedItem, worker: str, outcome: ItemOutcome, max_attempts: int) -> bool:
    with store.session() as session:
        return _finish(session, item, worker, outcome, max_attempts)


def _finish_and_claim(store: Store, item: ClaimedItem, worker: str, outcome: ItemOutcome, max_attempts: int,
                      job_id: int, stale_seconds: float, limit: int = 1) -> tuple[bool, list[ClaimedItem] | None]:
    """``_finish_item`` and then ``_claim_next`` in one session: one commit per item, not two
    (a lost item's finish is rolled back, and the claim still made)."""
    with store.session() as session:
        finished = _finish(session, item, worker, outcome, max_attempts)
        if session.execute(_CANCEL_REQUESTED, {"job_id": job_id}).scalar():
            return finished, None
        return finished, _claim(session, store, job_id, worker, limit, stale_seconds)


_UNCLAIM = _GUARD.values(state="pending", claimed_by=None, claimed_at=None, attempts=_T_ITEM.c.attempts - 1,
                         updated_at=bindparam("b_now"))


def _unclaim(store: Store, item_id: int, worker: str) -> None:
    """Give back an item claimed with the last one's finish but never begun: as if not
    claimed at all (its attempt is not counted: a second attempt means a resume)."""
    with store.session() as session:
        session.execute(_UNCLAIM, {"b_id": item_id, "b_worker": worker, "b_now": clock.now()})


def _finish(session: Session, item: ClaimedItem, worker: str, outcome: ItemOutcome, max_attempts: int) -> bool:
    state = outcome.state
    values: dict[str, Any] = {"error": outcome.error}
    if state == "retry":
        if item.attempts >= max_attempts:
            state = "failed"
        else:
            values.update(state="pending", claimed_by=None, claimed_at=None)
    if state != "retry":
        if state not in ("done", "failed", "skipped"):
            raise ValueError(f"an item cannot end as {state!r}")
        values.update(state=state, result=json.dumps(outcome.result, ensure_ascii=False, default=str)
                      if outcome.result is not None else None)
    # The guarded UPDATE first: it takes the row (PostgreSQL) or the database (SQLite)
    # lock, so nobody can take the claim over before this commits. When it finds no row
    # it wrote nothing, and nothing else is written.
    if not _guard(session, item.id, worker, **values):
        return False
    if outcome.write is not None and values.get("state") in ("done", "failed", "skipped"):
        outcome.write(session)
    return True


def _release(store: Store, job_id: int, worker: str) -> None:
    """Give this worker's unfinished claims back (a clean stop; a crash leaves them to time out)."""
    t = JobItem.__table__  # type: ignore[attr-defined]
    with store.session() as session:
        session.execute(update(t).where(t.c.job_id == job_id, t.c.claimed_by == worker, t.c.state == "claimed")
                        .values(state="pending", claimed_by=None, claimed_at=None, updated_at=clock.now()))


def _heartbeat(store: Store, job_id: int, worker: str) -> bool:
    """Renew the job's heartbeat and this worker's claims; returns the cancel flag."""
    t = JobItem.__table__  # type: ignore[attr-defined]
    now = clock.now()
    with store.session() as session:
        session.execute(update(t).where(t.c.job_id == job_id, t.c.claimed_by == worker, t.c.state == "claimed")
                        .values(claimed_at=now))
        job = session.get(Job, job_id)
        if job is None:
            return True
        job.heartbeat_at = now
        job.owner = worker
        session.add(job)
        return job.cancel_requested


def _start(store: Store, who: Identity, job_id: int, worker: str) -> tuple[JobInfo, list[tuple[int, str, int, str]]]:
    with store.session() as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None:
            raise NotFound("job.not_found", job=job_id)
        if not _may_see(who, job):
            raise AccessDenied("job.not_yours_run", job=job_id, owner=job.created_by, login=who.login)
        if job.status not in ("pending", "running"):
            raise UserError("job.ended", job=job_id, status=job.status)
        now = clock.now()
        job.status = "running"
        job.owner = worker
        job.heartbeat_at = now
        job.updated_at = now
        session.add(job)
        session.flush()
        items = [(r.id, r.state, r.weight, r.payload) for r in session.execute(
            select(col(JobItem.id), col(JobItem.state), col(JobItem.weight),
                   col(JobItem.payload)).where(col(JobItem.job_id) == job_id))]
        return _info(session, job, now), items


def _end(store: Store, job_id: int, worker: str, cancelled: bool,
         summarize: Callable[[Session, int], dict[str, Any]] | None, paused: bool = False) -> JobInfo:
    t = JobItem.__table__  # type: ignore[attr-defined]
    now = clock.now()
    with store.session() as session:
        job = session.get(Job, job_id, with_for_update=True)
        assert job is not None
        if paused and not job.cancel_requested and (session.scalar(select(func.count()).where(
                col(JobItem.job_id) == job_id, col(JobItem.state).in_(("pending", "claimed")))) or 0):
            # Stopped for now: the items left stay pending and the job shows as interrupted
            # (no owner), to be resumed later without redoing what is done.
            if job.owner == worker:
                job.owner = None
                job.heartbeat_at = None
            job.updated_at = now
            session.add(job)
            session.flush()
            return _info(session, job, now)
        if paused:  # nothing was left to pause: the job ends as it would have
            cancelled = False
        if cancelled or job.cancel_requested:
            session.execute(update(t).where(t.c.job_id == job_id, t.c.state == "pending")
                            .values(state="cancelled", updated_at=now))
        open_items = session.scalar(select(func.count()).where(
            col(JobItem.job_id) == job_id, col(JobItem.state).in_(("pending", "claimed")))) or 0
        if not open_items and job.status in ("pending", "running"):
            if job.cancel_requested or cancelled:
                job.status = "cancelled"
            else:
                failed = session.scalar(select(func.count()).where(
                    col(JobItem.job_id) == job_id, col(JobItem.state) == "failed")) or 0
                done = session.scalar(select(func.count()).where(
                    col(JobItem.job_id) == job_id, col(JobItem.state) == "done")) or 0
                job.status = "failed" if failed and not done else "done"
            job.finished_at = now
            if summarize is not None:
                job.summary = json.dumps(summarize(session, job_id), ensure_ascii=False, default=str)
        if job.owner == worker:
            job.heartbeat_at = now if job.status in ("pending", "running") else job.heartbeat_at
        job.updated_at = now
        session.add(job)
        session.flush()
        return _info(session, job, now)


# --- Running -------------------------------------------------------------------------------


_sqlite_locks: weakref.WeakKeyDictionary[Store, threading.Lock] = weakref.WeakKeyDictionary()
_locks_guard = threading.Lock()


def _writer_lock(store: Store) -> threading.Lock | None:
    """SQLite has one writer: the runner's threads take turns instead of waiting on busy."""
    if store.dialect != "sqlite":
        return None
    with _locks_guard:
        lock = _sqlite_locks.get(store)
        if lock is None:
            lock = _sqlite_locks[store] = threading.Lock()
        return lock


@dataclass
class ItemContext:
    """What a handler gets for one claimed item."""

    store: Store
    job_id: int
    item: ClaimedItem
    worker: str
    _runner: _Run = field(repr=False)

    @property
    def payload(self) -> dict[str, Any]:
        return self.item.payload

    @property
    def cancelled(self) -> bool:
        # Checks the in-process event too, so a handler waiting in a loop sees escape at once.
        return self._runner.check_cancel()

    async def save_payload(self, payload: dict[str, Any]) -> None:
        """Store the item's payload now (committed before this returns); raises ``LostClaim``."""
        merged = dict(payload)
        if "_groups" in self.item.payload:
            merged.setdefault("_groups", self.item.payload["_groups"])
        await self._runner.db(_save_payload, self.store, self.item.id, self.worker, merged)
        self.item.payload.clear()
        self.item.payload.update(merged)

    async def db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run store work off the event loop (one writer at a time on SQLite)."""
        return await self._runner.db(fn, *args)

    async def commit_batch(self) -> None:
        """Commit the items finished so far in this run's batch (``run_job``'s ``batch``),
        before waiting on something slow: the batch's transaction holds SQLite's write
        lock, and nobody else should wait on it while this item waits."""
        await self._runner.commit_batch()

    def note(self, message: str) -> None:
        """A line of progress for the user (``order 3 sent``)."""
        self._runner.emit(message)


Handler = Callable[[ItemContext], Awaitable[ItemOutcome]]


class _Run:
    def __init__(self, store: Store, job_id: int, worker: str, on_progress: Callable[[Progress], None] | None,
                 cancel_event: threading.Event | None, batch: int = 1) -> None:
        self.store = store
        self.batch = batch
        # A batch's transaction is the thread's (``Store.begin_batch``): all of the run's
        # store work goes to one thread of its own while batches are on.
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="byraa-job") if batch > 1 else None
        self.batch_open = False
        self.in_batch = 0
        self.job_id = job_id
        self.worker = worker
        self.on_progress = on_progress
        self.cancel_event = cancel_event
        self.lock = _writer_lock(store)
        self.cancelling = False
        self.started = time.monotonic()
        self.units_at_start = 0
        self.units_total = 0
        self.items_total = 0
        self.states: dict[int, str] = {}
        self.weights: dict[int, int] = {}
        self.groups: dict[int, dict[str, int]] = {}
        self.group_totals: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.items_finished = 0
        self.units_finished = 0
        self.done_groups: dict[str, int] = {}

    def _locked(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.lock is None:
            return fn(*args)
        with self.lock:
            return fn(*args)

    async def db(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.executor is None:
            return await asyncio.to_thread(self._locked, fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._batched, fn, *args)

    def _batched(self, fn: Callable[..., Any], *args: Any) -> Any:
        if not self.batch_open:
            if self.lock is not None:  # held until the batch ends (on this same thread)
                self.lock.acquire()
            try:
                self.store.begin_batch()
            except BaseException:
                if self.lock is not None:
                    self.lock.release()
                raise
            self.batch_open = True
        return fn(*args)

    def _end_batch(self, commit: bool) -> None:
        if not self.batch_open:
            return
        self.batch_open = False
        self.in_batch = 0
        try:
            self.store.end_batch(commit=commit)
        finally:
            if self.lock is not None:
                self.lock.release()

    async def commit_batch(self) -> None:
        if self.executor is not None and self.batch_open:
            await asyncio.get_running_loop().run_in_executor(self.executor, self._end_batch, True)

    async def item_finished(self) -> None:
        """Count the item into the open batch; commit when the batch is full."""
        self.in_batch += 1
        if self.in_batch >= self.batch:
            await self.commit_batch()

    async def close(self, clean: bool) -> None:
        """Commit what the open batch holds and go back to a transaction per call.

        Committed also after an error: each finished item in it is whole (its savepoint was
        released), and one that failed was rolled back to its savepoint already. Only when
        the commit itself fails is the batch rolled back (its items are done again on resume).
        """
        if self.executor is None:
            return
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self.executor, self._end_batch, True)
        except Exception:
            await loop.run_in_executor(self.executor, self._end_batch, False)
            if clean:
                raise
        finally:
            executor, self.executor = self.executor, None
            executor.shutdown(wait=True)

    def load(self, items: list[tuple[int, str, int, str]]) -> None:
        for item_id, state, weight, payload in items:
            self.weights[item_id] = weight
            groups = json.loads(payload or "{}").get("_groups") or {}
            self.groups[item_id] = {str(k): int(v) for k, v in groups.items()}
            for g, n in self.groups[item_id].items():
                self.group_totals[g] = self.group_totals.get(g, 0) + int(n)
            self.set_state(item_id, state)
        self.items_total = len(items)
        self.units_total = sum(self.weights.values())
        self.units_at_start = self.units_done()

    def set_state(self, item_id: int, state: str) -> None:
        """An item's new state, and the running totals progress reads: kept as states
        change, so each progress report costs the same however many items the job has."""
        before = self.states.get(item_id)
        if before == state:
            return
        if before is not None:
            self.counts[before] -= 1
            if before in FINISHED:
                self._finished(item_id, -1)
        self.states[item_id] = state
        self.counts[state] = self.counts.get(state, 0) + 1
        if state in FINISHED:
            self._finished(item_id, 1)

    def _finished(self, item_id: int, sign: int) -> None:
        self.items_finished += sign
        self.units_finished += sign * self.weights.get(item_id, 0)
        for g, n in self.groups.get(item_id, {}).items():
            self.done_groups[g] = self.done_groups.get(g, 0) + sign * n

    def units_done(self) -> int:
        return self.units_finished

    def progress(self, message: str = "", finished_key: str | None = None) -> Progress:
        units = self.units_done()
        elapsed = time.monotonic() - self.started
        rate_units = units - self.units_at_start
        eta = None
        if rate_units > 0 and elapsed > 0:
            eta = (self.units_total - units) / (rate_units / elapsed)
        return Progress(
            self.job_id, self.items_total, self.items_finished, self.units_total, units,
            {g: (self.done_groups.get(g, 0), total) for g, total in self.group_totals.items()},
            {state: n for state, n in self.counts.items() if n}, elapsed, eta, message, self.cancelling, finished_key,
        )

    def emit(self, message: str = "", finished_key: str | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(self.progress(message, finished_key))

    def check_cancel(self) -> bool:
        if self.cancel_event is not None and self.cancel_event.is_set():
            self.cancelling = True
        return self.cancelling


async def run_job(
    store: Store,
    who: Identity,
    job_id: int,
    handler: Handler,
    *,
    worker: str | None = None,
    concurrency: int = 4,
    on_progress: Callable[[Progress], None] | None = None,
    cancel_event: threading.Event | None = None,
    summarize: Callable[[Session, int], dict[str, Any]] | None = None,
    max_item_attempts: int = 5,
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
    stale_seconds: float = STALE_SECONDS,
    pause_on_cancel: bool = False,
    batch: int = 1,
) -> JobInfo:
    """Work the job's items until none is left (or cancel); also resumes an interrupted job.

    Up to ``concurrency`` items are in flight at once. Another process may run the same
    job at the same time: each item is worked by one of them only. Returns the job's
    state at the end (``done``/``failed``/``cancelled``, or still ``running`` when another
    worker holds the last items).

    With ``pause_on_cancel`` the in-process ``cancel_event`` stops the run after the items
    in flight but cancels nothing: the job is left interrupted, for a resume (the TUI's
    escape: orders already placed are not thrown away). ``request_cancel`` still cancels.

    With ``batch`` above 1, up to that many items commit together (``Store.begin_batch``):
    each item and its finish are still all or nothing, but a crash undoes the whole open
    batch, whose items are done again on resume. For many small items on SQLite, where a
    commit per item cost as much as the item's own work; a handler that may wait long
    commits first (``ItemContext.commit_batch``).
    """
    worker = worker or new_worker_id()
    run = _Run(store, job_id, worker, on_progress, cancel_event, batch)
    try:
        info, items = await run.db(_start, store, who, job_id, worker)
        await run.commit_batch()  # the job shows as running at once
    except BaseException:
        await asyncio.shield(run.close(False))
        raise
    if info.cancel_requested:
        run.cancelling = True
    run.load(items)
    run.emit()  # the runner's own reports carry no words: a handler's notes do (``ctx.note``)

    async def beat() -> None:
        while True:
            await asyncio.sleep(heartbeat_seconds)
            if await run.db(_heartbeat, store, job_id, worker):
                run.cancelling = True
            await run.commit_batch()  # a heartbeat is for others to see (and never holds the lock)
            run.check_cancel()

    async def work() -> None:
        # Claimed and not begun: the item claimed with the last one's finish, or in a batch
        # as many items as the batch holds (one claim, and one cancel check, per batch).
        queue: list[ClaimedItem] = []
        drained = False  # the last finish's claim found nothing left
        while True:
            if run.check_cancel():  # a cancel since those claims: their items go back untouched
                for left in queue:
                    await run.db(_unclaim, store, left.id, worker)
                return
            if not queue:
                if drained:
                    return
                claimed = await run.db(_claim_next, store, job_id, worker, stale_seconds, run.batch)
                if claimed is None:
                    run.cancelling = True
                    return
                if not claimed:
                    return
                queue = claimed
            item = queue.pop(0)
            run.set_state(item.id, "claimed")
            ctx = ItemContext(store, job_id, item, worker, run)
            try:
                outcome = await handler(ctx)
            except LostClaim:
                run.set_state(item.id, "lost")
                continue
            except Exception as exc:  # noqa: BLE001  (an item's failure is recorded, the job goes on)
                outcome = ItemOutcome.failed(f"{type(exc).__name__}: {exc}")
            try:
                if run.check_cancel() or queue:  # stopping, or the next is claimed already
                    finished = await run.db(_finish_item, store, item, worker, outcome, max_item_attempts)
                else:
                    try:
                        finished, claimed = await run.db(_finish_and_claim, store, item, worker, outcome,
                                                         max_item_attempts, job_id, stale_seconds, run.batch)
                        if claimed is None:  # a cancel was requested: nothing more is claimed
                            run.cancelling = True
                        else:
                            queue, drained = claimed, not claimed
                    except Exception:  # noqa: BLE001  (the claim's half may be what failed: the finish alone, as it was)
                        finished = await run.db(_finish_item, store, item, worker, outcome, max_item_attempts)
            except Exception as exc:  # noqa: BLE001  (storing the results failed: the item's error, not a job left "running")
                outcome = ItemOutcome.failed(f"storing the results failed: {type(exc).__name__}: {exc}")
                finished = await run.db(_finish_item, store, item, worker, outcome, max_item_attempts)
            if finished:
                if outcome.state == "retry" and item.attempts < max_item_attempts:
                    run.set_state(item.id, "pending")
                else:
                    run.set_state(item.id, outcome.state if outcome.state != "retry" else "failed")
            else:
                run.set_state(item.id, "lost")
            await run.item_finished()
            run.emit(finished_key=item.key)

    heart = asyncio.create_task(beat())
    clean = False
    try:
        await asyncio.gather(*(work() for _ in range(max(1, concurrency))))
        clean = True
    finally:
        heart.cancel()
        await asyncio.shield(run.close(clean))
        if not clean:
            await asyncio.shield(run.db(_release, store, job_id, worker))
    paused = pause_on_cancel and run.cancelling and not info.cancel_requested
    final = await run.db(_end, store, job_id, worker, run.cancelling, summarize, paused)
    run.emit()
    return final
