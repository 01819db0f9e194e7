"""Reconcile many clients for one month as a durable job (``core/jobs``).

One job item per client (``client:<org>``); the handler runs ``reconcile.run`` for it and
stores a new version (a month with a signed version is skipped, outcome ``skipped``,
unless the job was started with ``include_signed``: a new version must be signed again), after fetching the month's A07 from a-ordningen when the job was
started with ``fetch_a07`` (a client whose A07 cannot be fetched is that client's error). Results per client (equal / differences / error) are the items'
results, so a job that was interrupted (closed SSH session, crash) resumes where it
stopped and never reconciles a finished client twice. Used by the TUI's "reconcile marked
clients" and by ``byraa reconcile --group NAME --period … --job``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from byraa.core import jobs
from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import periods
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.jobs import ItemContext, ItemOutcome, JobInfo, Progress
from byraa.core.jobs.notes import NoteRelay
from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile import summary as run_summary
from byraa.core.reconcile.checks import METHODS
from byraa.core.store import Store
from byraa.core.store.models import Client
from byraa.core.store.models_jobs import Job, JobItem
from byraa.core.words import labels
from byraa.core.words.i18n import _

JOB_KIND = "reconcile"


@dataclass(frozen=True)
class ClientResult:
    """One client of a reconcile job."""

    org_number: str
    name: str
    state: str
    """The item's state: pending, claimed, done, failed, cancelled."""
    outcome: str | None
    """``equal``, ``differences``, ``skipped`` (a signed month) or ``error`` once finished."""
    run_id: int | None
    version: int | None
    rows: int | None
    differences: int | None
    error: str | None


def start_reconcile_job(store: Store, who: Identity, org_numbers: Sequence[str], period: str,
                        method: str = "standard", *, fetch_a07: bool = False, include_signed: bool = False,
                        worker: str | None = None) -> int:
    """Create the job (one item per client, in the order given); returns the job id."""
    periods.parse_period(period)
    if method not in METHODS:
        raise UserError("reconcile.bad_method", method=method, methods=", ".join(METHODS))
    orgs = list(dict.fromkeys(org_numbers))
    if not orgs:
        raise UserError("reconcile.no_clients")
    with store.session() as session:
        names = dict(session.execute(
            select(col(Client.org_number), col(Client.name)).where(col(Client.org_number).in_(orgs))).all())
    unknown = [o for o in orgs if o not in names]
    if unknown:
        raise NotFound("client.not_found", org=", ".join(unknown))
    specs = [jobs.ItemSpec(f"client:{org}", {"org": org, "name": names[org], "period": period, "method": method,
                                             "fetch_a07": fetch_a07, "include_signed": include_signed},
                           groups={org: 1}) for org in orgs]
    params = {"period": period, "method": method, "clients": orgs, "fetch_a07": fetch_a07,
              "include_signed": include_signed}

    def write(session: Any, job_id: int) -> None:
        audit.record(session, actor=who.login, action="reconcile.job.start", entity="job", entity_id=job_id,
                     after=params)

    title = f"Reconcile {len(orgs)} client(s) for {period} ({method}{', A07 fetched first' if fetch_a07 else ''})"
    return jobs.create_job(store, who, JOB_KIND, title=title, params=params, items=specs, worker=worker, write=write)


def interrupted_reconcile_jobs(store: Store, who: Identity) -> list[JobInfo]:
    """Reconcile jobs whose worker is gone (newest first): offer to resume them."""
    return jobs.interrupted_jobs(store, who, JOB_KIND)


A07_HOOK_POINTS = ("a07_before_order", "a07_after_order")
"""Where the tax cards' test hook (``taxcards.results.HOOK_ENV``) can stop an A07 fetch."""


async def _fetch_a07(ctx: ItemContext, store: Store, who: Identity) -> ItemOutcome | str:
    """The item's A07, ordered at most once across kills and resumes; its status or the item's failure.

    Like the tax-card orders: the idempotency key is stored before the order is sent (a
    re-send after a crash gets the same order), and the reference the moment it is known
    (a resume only fetches). An answer that cannot be read, or a refusal, is stored as the
    item's error and never asked for again.
    """
    from byraa.core.altinn.errors import AltinnError
    from byraa.core.reconcile import a07_fetch
    from byraa.core.taxcards.results import _hook

    p = dict(ctx.payload)
    if p.get("a07_error"):
        return ItemOutcome.failed(f"A07: {p['a07_error']}", result={"outcome": "error"})
    if not p.get("a07_key"):
        p["a07_key"] = str(uuid.uuid4())
        await ctx.save_payload(p)
    loop = asyncio.get_running_loop()

    def ordered(reference: str) -> None:  # in the fetch's thread: store it before polling
        p["a07_reference"] = reference
        asyncio.run_coroutine_threadsafe(ctx.save_payload(dict(p)), loop).result()
        _hook("a07_after_order")

    async def final(error: str) -> ItemOutcome:
        p["a07_error"] = error[:400]
        await ctx.save_payload(p)
        return ItemOutcome.failed(f"A07: {error}", result={"outcome": "error"})

    if not p.get("a07_reference"):
        _hook("a07_before_order")
    try:  # network waits stay off the store lock; the fetch writes in its own sessions
        fetched = await asyncio.to_thread(a07_fetch.fetch_blocking, store, who, p["org"], p["period"],
                                          idempotency_key=p["a07_key"], reference=p.get("a07_reference"),
                                          on_order=ordered)
    except UserError as exc:  # AccessDenied, NotFound, a refused order, not ready
        return ItemOutcome.failed(f"A07: {exc}", result={"outcome": "error"})
    except AltinnError as exc:
        if exc.kind == "malformed" or (exc.status or 0) in range(400, 500):
            return await final(exc.message)
        raise
    if fetched[0].status == "error":
        return await final(fetched[0].error or "error")
    return fetched[0].status


def _handler(store: Store, who: Identity, relay: NoteRelay) -> Callable[[ItemContext], Any]:
    async def work(ctx: ItemContext) -> tuple[ItemOutcome, str | None]:
        a07: str | None = None  # how the A07 fetch went, for the client's line
        p = ctx.payload
        if not p.get("include_signed"):
            try:
                sign = await ctx.db(lambda: run_summary.sign_state(store, who, p["org"], p["period"]))
            except UserError as exc:  # AccessDenied, NotFound
                return ItemOutcome.failed(str(exc), result={"outcome": "error"}), a07
            if sign.signed:
                relay.note(ctx, _("{org}: signed (version {version}), skipped").format(
                    org=p["org"], version=sign.signed_version))
                return ItemOutcome("done", result={"outcome": "skipped", "version": sign.latest_version,
                                                   "signed_version": sign.signed_version}), a07
        if p.get("fetch_a07"):
            status = await _fetch_a07(ctx, store, who)
            if isinstance(status, ItemOutcome):
                return status, a07
            a07 = status
        try:
            summary = await ctx.db(lambda: reconcile.run(store, who, p["org"], p["period"], method=p["method"]))
        except (AccessDenied, NotFound, UserError) as exc:
            return ItemOutcome.failed(str(exc), result={"outcome": "error"}), a07
        result = {"outcome": "differences" if summary.differences else "equal", "run_id": summary.id,
                  "version": summary.version, "rows": summary.rows, "differences": summary.differences}
        return ItemOutcome("done", result=result), a07

    async def handle(ctx: ItemContext) -> ItemOutcome:
        outcome, a07 = await work(ctx)
        code = (outcome.result or {}).get("outcome")
        if code != "skipped" and outcome.state != "retry":  # skipped: its note says why; a retry comes back
            words = labels.reconcile_outcome(code or "error")
            if a07 in ("saved", "unchanged"):
                words = (_("A07 fetched, {outcome}") if a07 == "saved" else _("A07 unchanged, {outcome}")).format(
                    outcome=words)
            relay.note(ctx, _("{org}: {outcome}").format(org=ctx.payload["org"], outcome=words))
        return outcome

    return handle


def _counts(session: Any, job_id: int) -> dict[str, int]:
    counts = {"equal": 0, "differences": 0, "skipped": 0, "error": 0}
    for state, result in session.execute(
            select(col(JobItem.state), col(JobItem.result)).where(col(JobItem.job_id) == job_id)):
        if state == "failed":
            counts["error"] += 1
        elif state == "done" and result:
            outcome = json.loads(result).get("outcome")
            if outcome in counts:
                counts[outcome] += 1
    return counts


async def run_reconcile_job(store: Store, who: Identity, job_id: int, *,
                            on_progress: Callable[[Progress], None] | None = None,
                            cancel_event: threading.Event | None = None, concurrency: int = 2,
                            worker: str | None = None) -> JobInfo:
    """Work (or resume) a reconcile job to its end (from a TUI thread: ``asyncio.run``)."""
    info = jobs.get_job(store, who, job_id)
    if info.kind != JOB_KIND:
        raise NotFound("reconcile.not_reconcile_job", job=job_id)
    relay = NoteRelay(on_progress)  # one line per client, in the user's words
    return await jobs.run_job(store, who, job_id, _handler(store, who, relay), worker=worker, concurrency=concurrency,
                              on_progress=relay.callback, cancel_event=cancel_event, summarize=_counts,
                              max_item_attempts=2)


def job_results(store: Store, who: Identity, job_id: int) -> tuple[JobInfo, list[ClientResult]]:
    """The job and one row per client, in the order they were given."""
    info = jobs.get_job(store, who, job_id)  # checks who may see it
    if info.kind != JOB_KIND:
        raise NotFound("reconcile.not_reconcile_job", job=job_id)
    out = []
    with store.session() as session:
        for state, payload, result, error in session.execute(
                select(col(JobItem.state), col(JobItem.payload), col(JobItem.result), col(JobItem.error))
                .where(col(JobItem.job_id) == job_id).order_by(col(JobItem.id))):
            p = json.loads(payload or "{}")
            r = json.loads(result) if result else {}
            outcome = r.get("outcome") or ("error" if state == "failed" else None)
            out.append(ClientResult(p.get("org", ""), p.get("name", ""), state, outcome, r.get("run_id"),
                                    r.get("version"), r.get("rows"), r.get("differences"), error))
    return info, out


def latest_job(store: Store, who: Identity) -> JobInfo | None:
    """The user's newest reconcile job (an agency manager: anyone's)."""
    with store.session() as session:
        query = select(col(Job.id)).where(col(Job.kind) == JOB_KIND).order_by(col(Job.id).desc()).limit(1)
        if not who.is_manager:
            query = query.where(col(Job.created_by) == who.login)
        job_id = session.scalar(query)
    return jobs.get_job(store, who, job_id) if job_id is not None else None
