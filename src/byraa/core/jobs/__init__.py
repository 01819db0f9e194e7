"""Durable jobs: bulk actions that survive a crash, a closed SSH session or a cancel.

A job (``job`` table) is a list of items (``job_item``), each a unit of work the kind's
handler knows how to do (for a tax-card fetch: one order of at most N persons). Items
are claimed in a transaction, one worker at a time:

- PostgreSQL: ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING``,
  so two processes on the same database never work the same item;
- SQLite: the same single ``UPDATE … RETURNING`` statement, which SQLite's one writer
  makes atomic (and the runner keeps its own writes to one thread at a time).

A claim belongs to a worker (``host:pid:token``). The runner renews its claims and the
job's heartbeat while it lives; a claim whose worker is gone (same host, process no
longer there; or no heartbeat for ``STALE_SECONDS``) may be claimed again, which is how
an interrupted job resumes. An item's payload can be updated while it is claimed (the
tax-card handler stores the order reference there the moment it has one), and finishing
an item writes its results and its new state in one transaction, guarded by the claim.

Progress is reported through a callback (counts, units, per-group progress, ETA);
cancel is a flag on the job (``request_cancel``) or an in-process ``threading.Event``,
checked between items. ``interrupted_jobs`` lists jobs whose worker died, for the TUI
to offer resuming them; headless commands resume with ``--resume``.

The runner is async (the Altinn client is); the TUI runs it from a thread worker with
``asyncio.run``. Store work happens in ``asyncio.to_thread`` so the event loop keeps
the network busy meanwhile. A job of many small items (the intake's files) may commit
them in batches (``run_job``'s ``batch``: one thread and one transaction, a savepoint
per item).
"""

from byraa.core.jobs.runner import (
    ITEM_STATES,
    JOB_STATUSES,
    STALE_SECONDS,
    ClaimedItem,
    ItemContext,
    ItemOutcome,
    ItemSpec,
    JobInfo,
    LostClaim,
    Progress,
    claim_items,
    create_job,
    get_job,
    interrupted_jobs,
    job_items,
    new_worker_id,
    request_cancel,
    run_job,
    worker_alive,
)

__all__ = [
    "ITEM_STATES", "JOB_STATUSES", "STALE_SECONDS", "ClaimedItem", "ItemContext", "ItemOutcome", "ItemSpec",
    "JobInfo", "LostClaim", "Progress", "claim_items", "create_job", "get_job", "interrupted_jobs", "job_items",
    "new_worker_id", "request_cancel", "run_job", "worker_alive",
]
