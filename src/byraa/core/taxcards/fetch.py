"""Fetching tax cards in bulk: a durable job of a handful of orders for the whole agency.

Over 400 lines: the order, poll and retry of one order and the storing of its answer are one
protocol (what is ordered once, what is retried, what a resume finds).

The planning is ``plan.py`` and the results (written per order, read back) ``results.py``;
this module starts and runs the job and re-exports both, so callers say ``fetch.<name>``.

The flow a screen (from a thread worker) or ``byraa taxcards fetch`` drives:

1. ``plan_fetch(store, who, selection, year, mode=…)`` — the clients (marked ones, a
   group, "all where LOGIN is responsible", or all the user may access; access checked
   here), the income-year rules (refused up front with a clear message), the leaver
   guard (only persons with an employment active in the income year; the others are
   listed as skipped with the reason), and orders of at most N persons spanning several
   employers. Nothing is written.
2. ``start_fetch(store, who, plan)`` — one job, one item per order. Each order's
   idempotency id is stored here, BEFORE anything is sent.
3. ``run_fetch(store, who, job_id, …)`` (async) — works the orders: send (or, after a
   crash, re-send with the same idempotency id, which Skatteetaten and the sandbox answer
   with the same order), store the reference the moment it is known, poll with backoff
   until the answer is ready (202 = not ready; 204 = reference not found, after which the
   order's persons are ordered once more), then store every person's result with the
   raw answer archived, in the same transaction that finishes the order. A crash at any
   point resumes (``interrupted_jobs`` / ``--resume``) without ordering twice.
4. ``fetch_summary``, ``result_rows`` (filter changed / errors / no card / skipped / all)
   and ``card_history`` for the result table and a person's history.

Per-person problems (invalid national id, no card, not liable, invalid org number, an
answer that stays unreadable) are results, never a failure of the job.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.store import Store
from byraa.core.store.models_jobs import Job, JobItem, TaxCardFetchResult
from byraa.core.taxcards.plan import (  # re-exported: callers use ``fetch.<name>``
    DEFAULT_PERSONS_PER_ORDER as DEFAULT_PERSONS_PER_ORDER,
)
from byraa.core.taxcards.plan import JOB_KIND as JOB_KIND
from byraa.core.taxcards.plan import MODES as MODES
from byraa.core.taxcards.plan import FetchPlan as FetchPlan
from byraa.core.taxcards.plan import PlannedClient as PlannedClient
from byraa.core.taxcards.plan import PlannedOrder as PlannedOrder
from byraa.core.taxcards.plan import PlannedPerson as PlannedPerson
from byraa.core.taxcards.plan import Selection as Selection
from byraa.core.taxcards.plan import SkippedPerson as SkippedPerson
from byraa.core.taxcards.plan import _chunks
from byraa.core.taxcards.plan import check_income_year as check_income_year
from byraa.core.taxcards.plan import income_year_problem as income_year_problem
from byraa.core.taxcards.plan import plan_fetch as plan_fetch
from byraa.core.taxcards.plan import require_stored_connection as require_stored_connection
from byraa.core.taxcards.results import FILTERS as FILTERS
from byraa.core.taxcards.results import HOOK_ENV as HOOK_ENV
from byraa.core.taxcards.results import FetchSummary as FetchSummary
from byraa.core.taxcards.results import ResultRow as ResultRow
from byraa.core.taxcards.results import _error_rows, _hook, _job, _store_results, _summary_counts
from byraa.core.taxcards.results import card_history as card_history
from byraa.core.taxcards.results import fetch_summary as fetch_summary
from byraa.core.taxcards.results import result_rows as result_rows
from byraa.core.taxcards.results import shows as shows
from byraa.core.words.i18n import _

if TYPE_CHECKING:
    import threading

    from byraa.core.altinn.client import AltinnClient
    from byraa.core.jobs import ItemContext, ItemOutcome, JobInfo, Progress


# --- Starting the job ----------------------------------------------------------------------


def start_fetch(store: Store, who: Identity, plan: FetchPlan, *, worker: str | None = None) -> int:
    """Create the job: one item per order, each with its idempotency id (stored before any
    send), and the persons skipped up front as results. Returns the job id."""
    from byraa.core import jobs

    if plan.mode == "all" and not plan.orders:
        raise UserError("taxcards.nobody_to_fetch", skipped=plan.skipped)
    by_org = {c.org_number: c for c in plan.clients}
    specs = []
    for n, order in enumerate(plan.orders, start=1):
        groups = {org: len(nids) for org, nids in order.employers.items()}
        if plan.mode == "changes":
            groups = {org: len(by_org[org].persons) for org in order.employers}
        specs.append(jobs.ItemSpec(
            f"order:{n}",
            {"year": plan.year, "mode": plan.mode, "connection": order.connection,
             "employers": order.employers, "idempotency_id": str(uuid.uuid4()),
             "client_ids": {org: by_org[org].id for org in order.employers}},
            weight=max(1, sum(groups.values())), groups=groups,
        ))
    params = {
        "year": plan.year, "mode": plan.mode, "selection": plan.selection.describe(),
        "clients": [c.id for c in plan.clients], "persons": plan.persons, "skipped": plan.skipped,
        "persons_per_order": plan.persons_per_order, "clients_without_access": plan.clients_without_access,
    }

    def write(session: Session, job_id: int) -> None:
        now = clock.now()
        rows = [{"job_id": job_id, "client_id": s.client_id, "employee_id": s.employee_id,
                 "national_id": s.national_id, "income_year": plan.year, "outcome": s.outcome,
                 "reason": s.reason[:300], "changed": False, "created_at": now}
                for c in plan.clients for s in c.skipped]
        for chunk in _chunks(rows, 2000):
            session.execute(insert(TaxCardFetchResult.__table__), list(chunk))  # type: ignore[attr-defined]
        audit.record(session, actor=who.login, action="taxcards.fetch.start", entity="job", entity_id=job_id,
                     after={**params, "orders": len(specs)})

    title = f"Tax cards {plan.year} ({'changes only' if plan.mode == 'changes' else 'all listed'}): " \
            f"{plan.selection.describe()}"
    return jobs.create_job(store, who, JOB_KIND, title=title, params=params, items=specs, worker=worker,
                           write=write)


def interrupted_fetches(store: Store, who: Identity) -> list[JobInfo]:
    """Interrupted tax-card fetches the user may resume (newest first)."""
    from byraa.core import jobs

    return jobs.interrupted_jobs(store, who, JOB_KIND)


# --- Running -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchOptions:
    concurrency: int = 8
    """Orders in flight at once (the Altinn client also limits requests process-wide)."""
    poll_initial_seconds: float = 1.0
    poll_factor: float = 1.6
    poll_max_seconds: float = 30.0
    poll_timeout_seconds: float = 30 * 60.0
    """Give up waiting for an answer after this long (the order stays resumable)."""
    malformed_retries: int = 3
    """Fetch an unreadable answer again this many times before its persons get an error."""
    max_item_attempts: int = 5


ClientFactory = Callable[[str], "AltinnClient"]
"""Connection scope (``agency`` / ``client:<id>``) -> an Altinn client (the runner closes none)."""


def _retryable(exc: Exception) -> bool:
    from byraa.core.altinn.errors import AltinnError

    if not isinstance(exc, AltinnError):
        return False
    return exc.kind in ("timeout", "connection", "malformed") or (exc.status or 0) in (429, 500, 502, 503, 504) \
        or exc.kind == "auth"


UNKNOWN = "unknown"
SENDING = "sending"
UNKNOWN_ERROR = "the order's answer was lost: it may exist at Skatteetaten"


def _maybe_created(exc: Exception) -> bool:
    """Whether a failed order may still have been created: no answer at all, or a 500/502/504
    (a 429 or 503 says the request was not taken)."""
    from byraa.core.altinn.errors import AltinnError

    return isinstance(exc, AltinnError) and (exc.kind in ("timeout", "connection")
                                             or (exc.status or 0) in (500, 502, 504))


def unknown_orders(store: Store, who: Identity, job_id: int) -> list[str]:
    """The orders of a fetch whose answer was lost (they may exist at Skatteetaten)."""
    with store.session() as session:
        _job(session, who, job_id)
        return [key for key, payload in session.execute(
            select(col(JobItem.key),
                   col(JobItem.payload)).where(col(JobItem.job_id) == job_id).order_by(col(JobItem.id)))
            if json.loads(payload).get("order_state") == UNKNOWN and not json.loads(payload).get("reference")]


def reorder_unknown(store: Store, who: Identity, job_id: int) -> int:
    """Order the unknown orders again (the user said so): each gets a new idempotency id,
    goes back to pending, and the job becomes resumable. Audited; returns how many."""
    from sqlalchemy import update

    with store.session() as session:
        job = _job(session, who, job_id)
        count = 0
        for item in session.scalars(select(JobItem).where(col(JobItem.job_id) == job_id)):
            payload = json.loads(item.payload)
            if payload.get("order_state") not in (UNKNOWN, SENDING) or payload.get("reference"):
                continue
            payload.pop("order_state")
            payload.update(idempotency_id=str(uuid.uuid4()), reordered_unknown=True)
            session.execute(update(JobItem).where(col(JobItem.id) == item.id).values(
                payload=json.dumps(payload, ensure_ascii=False), state="pending", claimed_by=None,
                claimed_at=None, error=None, attempts=0, updated_at=clock.now()))
            count += 1
        if count:
            job.status, job.finished_at, job.updated_at = "pending", None, clock.now()
            job.owner, job.heartbeat_at = None, None  # nobody works on it: resumable
            audit.record(session, actor=who.login, action="taxcards.fetch.reorder_unknown", entity="job",
                         entity_id=job_id, after={"orders": count})
        return count


def _order_no(ctx: ItemContext) -> str:
    """The order's number in the job (its item key is ``order:<n>``), for progress lines."""
    return ctx.item.key.partition(":")[2] or ctx.item.key


def _still_allowed(store: Store, who: Identity, client_ids: dict[str, int]) -> dict[str, int]:
    """The order's clients ``who`` may still see, by org number (none if the user is gone)."""
    from byraa.core.agency.identity import resolve
    from byraa.core.base.errors import AccessDenied

    try:
        now = resolve(store, who.login)
    except AccessDenied:
        return {}
    with store.session() as session:
        visible = access.accessible_client_ids(session, now)
    return {org: cid for org, cid in client_ids.items() if visible is None or cid in visible}


def _handler(store: Store, who: Identity, client_for: ClientFactory, options: FetchOptions,
             sleep: Callable[[float], Any]) -> Callable[[ItemContext], Any]:
    from byraa.core import jobs
    from byraa.core.altinn.client import REFERENCE_NOT_FOUND
    from byraa.core.altinn.errors import AltinnError

    async def handle(ctx: ItemContext) -> ItemOutcome:
        p = dict(ctx.payload)
        year, mode = int(p["year"]), str(p["mode"])
        employers: dict[str, list[str]] = p["employers"]
        client_ids: dict[str, int] = {k: int(v) for k, v in p["client_ids"].items()}
        # Access is checked again as each item runs: a grant revoked (or a user deactivated)
        # since the job began, or before a resume, keeps that client out of the order.
        allowed = await ctx.db(_still_allowed, store, who, client_ids)
        if not allowed:
            return jobs.ItemOutcome("skipped", error="no access to the clients of this order any more")
        if len(allowed) < len(client_ids):
            client_ids = allowed
            employers = {org: persons for org, persons in employers.items() if org in allowed}
        altinn = client_for(p.get("connection", "agency"))
        only = next(iter(employers)) if len(employers) == 1 else None

        def errors(reason: str, archive_id: int | None) -> Callable[[Session], Any]:
            return lambda s: _error_rows(s, ctx.job_id, ctx.item.id, year, employers, client_ids, reason,
                                         archive_id) if mode == "all" else None

        while True:
            reference = p.get("reference")
            keyless = altinn.settings.taxcard_idempotency_param is None
            if not reference and keyless and p.get("order_state") in (SENDING, UNKNOWN):
                # Sent before, with no idempotency id, and no reference came back (a lost
                # answer, or a crash before it was stored): it may exist. Ask, never re-send.
                if p["order_state"] != UNKNOWN:
                    p["order_state"] = UNKNOWN
                    await ctx.save_payload(p)
                return jobs.ItemOutcome.failed(UNKNOWN_ERROR, result={"order_state": UNKNOWN})
            if not reference:
                if keyless:
                    p["order_state"] = SENDING
                    await ctx.save_payload(p)
                _hook("before_order")
                ctx.note(_("order {n}: ordering ({persons} persons)").format(n=_order_no(ctx), persons=ctx.item.weight))
                try:
                    order = await altinn.order_tax_cards(employers if mode == "all" else {}, year, mode,
                                                         idempotency_id=p["idempotency_id"])
                except AltinnError as exc:
                    if keyless and _maybe_created(exc):
                        # No idempotency id: the order may exist at Skatteetaten. Never re-sent
                        # blindly; a resume asks first (``reorder_unknown``).
                        p["order_state"] = UNKNOWN
                        await ctx.save_payload(p)
                        return jobs.ItemOutcome.failed(f"{UNKNOWN_ERROR}: {exc.message}",
                                                       result={"order_state": UNKNOWN})
                    if keyless:  # not taken (429, 503, a refusal): safe to send again
                        p.pop("order_state", None)
                        await ctx.save_payload(p)
                    if _retryable(exc):
                        return jobs.ItemOutcome.retry(exc.message)
                    return jobs.ItemOutcome("failed", error=exc.message[:500], result={"error": exc.message},
                                            write=errors(f"the order was refused: {exc.message}", exc.archive_id))
                except UserError as exc:  # refused before sending (invalid ids): never retried
                    p.pop("order_state", None)
                    await ctx.save_payload(p)
                    return jobs.ItemOutcome.failed(str(exc))
                reference = order.reference
                p.update(reference=reference, dialog_reference=order.dialog_reference,
                         ordered_at=clock.now().isoformat(), order_state="ordered")
                await ctx.save_payload(p)
                _hook("after_order")
            ctx.note(_("order {n}: waiting for the answer").format(n=_order_no(ctx)))
            delay = options.poll_initial_seconds
            waited = 0.0
            unreadable = 0
            while True:
                try:
                    answer = await altinn.fetch_tax_cards(reference, org_number=only, year=year)
                except AltinnError as exc:
                    if _retryable(exc):
                        return jobs.ItemOutcome.retry(exc.message)
                    return jobs.ItemOutcome.failed(exc.message)
                if answer is not None and answer.error is None:
                    break
                if answer is not None:  # unreadable: fetch again a few times, then per-person errors
                    unreadable += 1
                    if unreadable > options.malformed_retries:
                        return jobs.ItemOutcome(
                            "done", result={"reference": reference, "error": answer.error,
                                            "archive_id": answer.archive_id},
                            write=errors(f"the answer could not be read ({answer.error}); raw answer archived",
                                         answer.archive_id))
                if waited >= options.poll_timeout_seconds:
                    return jobs.ItemOutcome.retry(f"no answer to order {reference} after {waited:.0f} s")
                if ctx.cancelled and answer is None:
                    # Leave it for a resume: the order exists, its answer is fetched later.
                    return jobs.ItemOutcome.retry("cancelled while waiting for the answer")
                await sleep(delay)
                waited += delay
                delay = min(options.poll_max_seconds, delay * options.poll_factor)
            if answer.status != REFERENCE_NOT_FOUND:
                break
            # 204: Skatteetaten does not know the reference (SKE-DOC skattekorttilarbeidsgiver.md,
            # Feilkoder). Final for this order; NAV (navikt/sokos-skattekort) orders those
            # persons again, and so does byraa, once, with a new idempotency id stored first.
            if p.get("reordered_from"):
                return jobs.ItemOutcome(
                    "done", result={"reference": reference, "status": REFERENCE_NOT_FOUND},
                    write=errors(f"Skatteetaten does not know the order {reference} (204), also after "
                                 "ordering once more; fetch these persons again later", answer.archive_id))
            ctx.note(_("order {n}: Skatteetaten does not know the order {reference} (204); ordering again").format(
                n=_order_no(ctx), reference=reference))
            p.pop("reference", None)
            p.update(reordered_from=reference, idempotency_id=str(uuid.uuid4()))
            await ctx.save_payload(p)
        ctx.note(_("order {n}: storing {persons} persons").format(n=_order_no(ctx), persons=answer.persons))
        status = answer.status
        if status in ("UGYLDIG_INNTEKTSAAR", "UGYLDIG_FORESPOERSEL"):
            reason = {"UGYLDIG_INNTEKTSAAR": f"Skatteetaten refused the income year {year} (UGYLDIG_INNTEKTSAAR)",
                      "UGYLDIG_FORESPOERSEL": "Skatteetaten refused the order (UGYLDIG_FORESPOERSEL)"}[status]
            return jobs.ItemOutcome("done", result={"reference": reference, "status": status},
                                    write=errors(reason, answer.archive_id))
        if status == "ENDRINGSFORESPOERSEL_UTEN_TIDLIGERE_BESTILLING":
            return jobs.ItemOutcome.failed("changes only needs an earlier order of all listed persons for "
                                           f"{year}: fetch all first (ENDRINGSFORESPOERSEL_UTEN_TIDLIGERE_BESTILLING)")
        result: dict[str, Any] = {"reference": reference, "status": status}
        job_id, item_id = ctx.job_id, ctx.item.id

        def write(session: Session) -> None:
            result.update(_store_results(session, who, job_id, item_id, year, answer, client_ids, reference))

        return jobs.ItemOutcome("done", result=result, write=write)

    return handle


def default_client_factory(store: Store, who: Identity, *, transport: Any = None,
                           overrides: dict[str, Any] | None = None) -> tuple[ClientFactory, Callable[[], Any]]:
    """Altinn clients built from the stored connection settings, archiving to the store.

    Returns ``(factory, aclose)``. ``overrides`` maps a scope to ``ConnectionSettings`` to
    use instead (an in-process sandbox's address).
    """
    from byraa.core.altinn import connection
    from byraa.core.clients.archive import StoreArchiver

    made: dict[str, AltinnClient] = {}

    def factory(scope: str) -> AltinnClient:
        if scope not in made:
            settings = (overrides or {}).get(scope) or connection.settings_for_scope(store, scope)
            made[scope] = connection.build_client(settings, archiver=StoreArchiver(store, who.login),
                                                  transport=transport)
        return made[scope]

    async def aclose() -> None:
        for client in made.values():
            await client.aclose()

    return factory, aclose


def connection_scopes(store: Store, job_id: int) -> list[str]:
    """The connection scopes a job's orders use (to set up sandboxes or clients first)."""
    with store.session() as session:
        return sorted({json.loads(p).get("connection", "agency") for p in session.scalars(
            select(col(JobItem.payload)).where(col(JobItem.job_id) == job_id))})


async def run_fetch(
    store: Store,
    who: Identity,
    job_id: int,
    *,
    client_for: ClientFactory | None = None,
    options: FetchOptions = FetchOptions(),
    on_progress: Callable[[Progress], None] | None = None,
    cancel_event: threading.Event | None = None,
    worker: str | None = None,
    sleep: Callable[[float], Any] = asyncio.sleep,
    pause_on_cancel: bool = False,
) -> FetchSummary:
    """Work (or resume) a fetch job to its end; returns its summary.

    ``client_for`` gives the Altinn client per connection scope (default: from the stored
    settings). From a TUI thread worker: ``run_sync(run_fetch(...))`` with a
    ``cancel_event`` the screen sets on escape and an ``on_progress`` that posts to the UI
    (or ``run_fetch_blocking``, which also asks the environment's provider). ``pause_on_cancel``:
    the event stops the fetch and leaves it interrupted, to resume later (orders already
    placed are fetched then, never ordered again).
    """
    from byraa.core import jobs

    started = time.monotonic()
    close = None
    if client_for is None:
        client_for, close = default_client_factory(store, who)
    try:
        info = await jobs.run_job(
            store, who, job_id, _handler(store, who, client_for, options, sleep), worker=worker,
            concurrency=options.concurrency, on_progress=on_progress, cancel_event=cancel_event,
            summarize=lambda session, jid: _summary_counts(session, jid), max_item_attempts=options.max_item_attempts,
            pause_on_cancel=pause_on_cancel,
        )
    finally:
        if close is not None:
            await close()
    return fetch_summary(store, who, info.id, seconds=time.monotonic() - started)


def run_fetch_blocking(
    store: Store,
    who: Identity,
    job_id: int,
    *,
    options: FetchOptions = FetchOptions(),
    on_progress: Callable[[Progress], None] | None = None,
    cancel_event: threading.Event | None = None,
    pause_on_cancel: bool = False,
    environment_options: dict[str, Any] | None = None,
) -> FetchSummary:
    """Run (or resume) a fetch to its end from synchronous code: ``byraa taxcards fetch``
    and the TUI's thread worker.

    The Altinn clients come from the stored settings, each connection scope's through its
    environment's registered provider for the fetch's lifetime (``environments.effective``,
    given ``environment_options``: a sandbox run in-process where none answers). With a
    ``cancel_event`` the waits between polls end as soon as it is set, so a cancel lands
    at once.
    """
    from contextlib import ExitStack

    from byraa.core.altinn import connection, environments
    from byraa.core.base.bridge import run_sync

    def wait(seconds: float) -> Any:
        if cancel_event is None:
            return asyncio.sleep(seconds)
        return asyncio.to_thread(cancel_event.wait, seconds)

    with ExitStack() as stack:
        overrides = {}
        for scope in connection_scopes(store, job_id):
            settings = connection.settings_for_scope(store, scope)
            overrides[scope] = stack.enter_context(environments.effective(store, settings, **(environment_options or {})))
        factory, aclose = default_client_factory(store, who, overrides=overrides)

        async def go() -> FetchSummary:
            try:
                return await run_fetch(store, who, job_id, client_for=factory, options=options,
                                       on_progress=on_progress, cancel_event=cancel_event, sleep=wait,
                                       pause_on_cancel=pause_on_cancel)
            finally:
                await aclose()

        return run_sync(go())


def latest_fetch(store: Store, who: Identity) -> int | None:
    """The newest finished fetch the user may see (their own; a manager: anyone's)."""
    with store.session() as session:
        query = (select(col(Job.id)).where(col(Job.kind) == JOB_KIND, col(Job.finished_at).is_not(None))
                 .order_by(col(Job.id).desc()).limit(1))
        if not who.is_manager:
            query = query.where(col(Job.created_by) == who.login)
        return session.scalars(query).first()

