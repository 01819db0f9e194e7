"""The monthly intake: every file the clients' payroll systems hand over, in one durable job.

Over 400 lines (just): the plan, the job's handler and its results share the outcomes'
rules (what "unchanged" and "replaced" mean, also after a resume).

``plan(paths)`` walks files and folders (recursively), recognises each file from its
content (``recognise``), finds the client by the organisation number inside it (a ledger
CSV or posting journal has none: by column, file name or folder, ``recognise.client_of``)
and says what importing it will do: ``imported``, ``unchanged`` (the same file, by SHA-256, is in
already), ``replaced`` (a newer version of a month already imported: by
``erstatterMeldingsId`` or by period) or ``refused`` with the reason (unknown kind, a
client the agency does not have, no access, unreadable).

``start`` stores the plan as a job on the durable runner (``core/jobs``), one item per
file; ``run`` works it. Each file goes through its importer, which is all or nothing (a
savepoint of its own; ``COMMIT_EVERY`` files commit together); a refused or broken file
is that file's outcome and never stops the others. A-meldinger and SAF-T ledgers are
read ahead in worker processes (``intake_pool``) while the job's one writer stores them
in order. Killed with
``kill -9``, the job resumes (``run`` again, or ``byraa intake --resume``): files
committed are not touched again, those of the batch the kill cut short are imported
again, and a file stored but not yet marked finished is recognised by its checksum, so
nothing is imported twice.
A resumed item (its claim's second attempt) whose file turns out to be in already reports
``imported`` (the killed run did it), not ``unchanged``.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from byraa.core import jobs
from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base.bulk_work import fewer_collections
from byraa.core.base.errors import UserError
from byraa.core.importers import intake_pool
from byraa.core.importers.amelding_read import Parsed
from byraa.core.importers.intake_pool import Prefetch
from byraa.core.importers.ledger_read import SaftRead
from byraa.core.importers.recognise import Recognised, recognise_all
from byraa.core.jobs import ItemContext, ItemOutcome, JobInfo, Progress
from byraa.core.jobs.notes import NoteRelay
from byraa.core.store import Store
from byraa.core.store.columns import pk
from byraa.core.store.models import ArchiveFile, Client
from byraa.core.store.models_jobs import Job, JobItem
from byraa.core.store.models_posting import PostingRun
from byraa.core.store.models_reconcile import ReconSource
from byraa.core.words import labels
from byraa.core.words.i18n import _

JOB_KIND = "intake"
OUTCOMES = ("imported", "unchanged", "replaced", "refused")
COMMIT_EVERY = 16
"""Files per commit (the runner's ``batch``): a commit per file cost SQLite about as much as
a small file's rows. Each file is still all or nothing; a kill undoes at most this many
finished files, and the resume imports them again."""
SOURCE_KIND = {"amelding": "amelding", "amelding_json": "amelding", "a07": "a07", "ledger_saft": "ledger",
               "ledger_csv": "ledger"}
"""Recognised kind -> the ``recon_source.kind`` it is stored as (tax cards have none)."""


@dataclass(frozen=True)
class PlannedFile:
    path: str
    kind: str | None
    client: str | None
    client_name: str | None
    period: str | None
    action: str
    """What importing will do: imported, unchanged, replaced or refused."""
    reason: str | None
    size: int
    sha256: str
    period_to: str | None = None
    """A ledger's last month (its first is ``period``)."""


@dataclass(frozen=True)
class FileResult:
    path: str
    kind: str | None
    client: str | None
    client_name: str | None
    period: str | None
    state: str
    """The job item's state: pending, claimed, done, failed, cancelled."""
    outcome: str | None
    """imported / unchanged / replaced / refused once the file is finished."""
    reason: str | None
    notes: str | None
    period_to: str | None = None


def expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, and every file under given folders (sorted, hidden ones skipped).
    A path that does not exist is a bad invocation (``UserError``)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not any(
                part.startswith(".") for part in f.relative_to(p).parts)))
        elif p.exists():
            out.append(p)
        else:
            raise UserError("file.missing", path=str(p))
    return list(dict.fromkeys(out))


def plan(store: Store, who: Identity, paths: Iterable[str | os.PathLike[str]]) -> list[PlannedFile]:
    """Recognise every file and say what importing it will do (nothing is written)."""
    found = recognise_all(expand(paths))
    with store.session() as session:
        clients = {c.org_number: c for c in session.scalars(select(Client))}
        allowed = access.accessible_client_ids(session, who)
        # Every source's (client, kind, period, checksum, active) in one query, not three per file.
        known = _Known()
        for client_id, kind, period, sha, active in session.execute(select(
                col(ReconSource.client_id), col(ReconSource.kind), col(ReconSource.period), col(ReconSource.sha256),
                col(ReconSource.active))):
            known.add(client_id, kind, period, sha, active)
        known.taxcards = set(session.scalars(select(col(ArchiveFile.sha256)).where(col(ArchiveFile.kind) == "taxcard")))
        for client_id, pay_form, period, off_cycle, sha in session.execute(select(
                col(PostingRun.client_id), col(PostingRun.pay_form), col(PostingRun.period), col(PostingRun.off_cycle), col(PostingRun.sha256))):
            known.journals[(client_id, pay_form, period, bool(off_cycle))] = sha
        seen: dict[tuple[Any, ...], str] = {}
        return [_plan_one(r, clients, allowed, seen, known) for r in found]


class _Known:
    """What the store holds already, for the plan."""

    def __init__(self) -> None:
        self.any_sha: set[tuple[int, str, str]] = set()
        self.active_sha: set[tuple[int, str, str]] = set()
        self.active_month: set[tuple[int, str, str | None]] = set()
        self.taxcards: set[str] = set()
        self.journals: dict[tuple[int, str, str, bool], str] = {}
        """A posting run's (client, pay form, period, off-cycle) -> its journal's checksum."""

    def add(self, client_id: int, kind: str, period: str | None, sha: str, active: bool) -> None:
        self.any_sha.add((client_id, kind, sha))
        if active:
            self.active_sha.add((client_id, kind, sha))
            self.active_month.add((client_id, kind, period))


def _plan_one(r: Recognised, clients: dict[str, Client], allowed: set[int] | None,
              seen: dict[tuple[Any, ...], str], known: _Known) -> PlannedFile:
    def refused(reason: str, name: str | None = None) -> PlannedFile:
        return PlannedFile(str(r.path), r.kind, r.client, name, r.period, "refused", reason, r.size, r.sha256,
                           r.period_to)

    if r.refusal:
        return refused(r.refusal)
    orgs = (r.client or "").split(",") if r.client else []
    if not orgs:
        return refused(_("{file}: the file names no organisation number").format(file=r.path.name))
    for org in orgs:
        if org not in clients:
            return refused(_("{file}: organisation number {org} is not a client of this agency").format(
                file=r.path.name, org=org))
        if allowed is not None and clients[org].id not in allowed:
            return refused(_("{file}: you have no access to the client {org} {name}").format(
                file=r.path.name, org=org, name=clients[org].name))
    client = clients[orgs[0]]
    name = client.name if len(orgs) == 1 else ", ".join(clients[o].name for o in orgs)
    kind = SOURCE_KIND.get(r.kind or "")
    action = "imported"
    if r.kind == "journal" and r.run is not None:  # a run's journal replaces its lines while open
        run_key = (client.id or 0, *r.run)
        earlier = seen.get(run_key) or known.journals.get(run_key)
        action = "unchanged" if earlier == r.sha256 else "replaced" if earlier else "imported"
        seen.setdefault(run_key, r.sha256)
    elif kind is None:  # tax cards: the archive knows the file by its checksum
        if r.sha256 in known.taxcards:
            action = "unchanged"
    else:
        key = (client.id or 0, kind, r.period)
        # An a-melding replaced since stays unchanged (the importer says so); A07 and ledger come back.
        pool = known.any_sha if kind == "amelding" else known.active_sha
        if (client.id or 0, kind, r.sha256) in pool or seen.get(key) == r.sha256:
            action = "unchanged"
        elif key in seen or key in known.active_month:
            action = "replaced"
        seen.setdefault(key, r.sha256)
    return PlannedFile(str(r.path), r.kind, client.org_number, name, r.period, action, None, r.size, r.sha256,
                       r.period_to)


def start(store: Store, who: Identity, planned: list[PlannedFile], *, worker: str | None = None) -> int:
    """Store the plan as an intake job (one item per file, in order); returns the job id."""
    if not planned:
        raise UserError("intake.nothing")
    specs = [jobs.ItemSpec(f"file:{i}", {
        "path": f.path, "kind": f.kind, "client": f.client, "client_name": f.client_name, "period": f.period,
        "period_to": f.period_to, "planned": f.action, "reason": f.reason, "sha256": f.sha256, "size": f.size},
        weight=1, groups={f.client or "-": 1}) for i, f in enumerate(planned)]
    params = {"files": len(planned), "bytes": sum(f.size for f in planned)}

    def write(session: Any, job_id: int) -> None:
        audit.record(session, actor=who.login, action="intake.start", entity="job", entity_id=job_id, after=params)

    return jobs.create_job(store, who, JOB_KIND, title=f"Intake of {len(planned)} file(s)", params=params,
                           items=specs, worker=worker, write=write)


def import_one(store: Store, who: Identity, kind: str, path: Path, parsed: Parsed | SaftRead | None = None,
               client: str | None = None) -> tuple[str, list[str]]:
    """Import one recognised file with its importer; returns (status, notes).

    ``parsed``: an a-melding or SAF-T file a worker has read already (``intake_pool``);
    ``client``: the org number the plan found for a file that does not carry its own
    (ledger CSV, journal)."""
    if kind == "amelding":
        from byraa.core.importers.amelding import import_amelding, import_parsed

        r = import_parsed(store, who, parsed) if isinstance(parsed, Parsed) else import_amelding(store, who, path)
        return r.status, r.notes
    if kind == "amelding_json":
        return _import_amelding_json(store, who, path)
    if kind == "a07":
        from byraa.core.reconcile.a07 import import_a07

        head = path.read_bytes()[:4]
        suffix = ".json" if not head.startswith(b"PK") else (path.suffix.lower() if path.suffix.lower() in (
            ".ods", ".xlsx") else ".xlsx")
        r = import_a07(store, who, path, suffix=suffix)
        return r.status, r.notes
    if kind == "ledger_saft":
        from byraa.core.importers.ledger import import_saft

        r = import_saft(store, who, path, read=parsed if isinstance(parsed, SaftRead) else None)
        return r.status, r.notes
    if kind in ("ledger_csv", "journal") and not client:  # the plan found none: refused there
        raise UserError("intake.unknown_kind", file=path.name)
    if kind == "ledger_csv":
        from byraa.core.importers.ledger import import_csv

        assert client is not None
        r = import_csv(store, who, path, client=client)
        return r.status, r.notes
    if kind == "journal":
        from byraa.core.posting.journal import import_journal

        assert client is not None
        j = import_journal(store, who, path, client=client)
        return j.status, [f"{j.run.label()}: {j.lines} lines"]
    if kind == "taxcards":
        from byraa.core.taxcards import store as taxcards

        store.batch_cache().clear()  # it may add employees: the a-melding importer's copy of the register goes

        summary = taxcards.import_file(store, who, path)
        notes = [f"{e.national_id}: {e.reason}" for e in summary.errors]
        return "imported", notes
    raise UserError("intake.unknown_kind", file=path.name)


def _import_amelding_json(store: Store, who: Identity, path: Path) -> tuple[str, list[str]]:
    """The JSON model is written as the XML it stands for and imported as such (archived as XML)."""
    from byraa.core.importers.amelding import import_amelding
    from byraa.core.importers.amelding_xml import to_xml

    try:
        xml = to_xml(json.loads(path.read_bytes()))
    except (ValueError, TypeError) as exc:
        raise UserError("intake.bad_json", file=path.name, reason=str(exc)[:100]) from None
    with tempfile.TemporaryDirectory(prefix="byraa-intake-") as folder:
        target = Path(folder) / (path.stem + ".xml")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(xml)
        r = import_amelding(store, who, target)
    return r.status, [*r.notes, "imported from the JSON model"]


def _outcome(planned: str, status: str, resumed: bool) -> str:
    if status == "superseded":
        return "unchanged"
    if status == "unchanged":
        return "imported" if resumed and planned != "unchanged" else "unchanged"
    # The importer's word, not the plan's: a file planned to replace one refused before it
    # in the same job replaces nothing.
    return "replaced" if status == "replaced" else "imported"


def _handler(store: Store, who: Identity, prefetch: Prefetch | None, relay: NoteRelay) -> Callable[[ItemContext], Any]:
    async def handle(ctx: ItemContext) -> ItemOutcome:
        p = ctx.payload
        name = Path(p["path"]).name

        def note(outcome: str) -> None:
            relay.note(ctx, _("{file}: {outcome}").format(file=name, outcome=labels.intake_outcome(outcome)))

        if p.get("planned") == "refused":
            note("refused")
            return ItemOutcome.failed(p.get("reason") or "refused", result={"outcome": "refused"})
        # A claim counts an attempt, so a second attempt is a resume after a kill (one
        # attempt per run otherwise): no write per file to mark it (``attempted``: older jobs).
        resumed = bool(p.get("attempted")) or ctx.item.attempts > 1
        try:
            parsed = None
            if prefetch is not None and p["kind"] in intake_pool.READERS:
                if not prefetch.ready(ctx.item.id):  # the files before it are not kept waiting
                    await ctx.commit_batch()
                parsed = await prefetch.take(ctx.item.id)
            status, notes = await ctx.db(import_one, store, who, p["kind"], Path(p["path"]), parsed, p.get("client"))
        except UserError as exc:
            note("refused")
            return ItemOutcome.failed(str(exc), result={"outcome": "refused"})
        except OSError as exc:
            note("refused")
            return ItemOutcome.failed(_("{file}: cannot read the file ({reason})").format(
                file=name, reason=exc.strerror or exc), result={"outcome": "refused"})
        outcome = _outcome(p.get("planned", "imported"), status, resumed)
        note(outcome)
        return ItemOutcome("done", result={"outcome": outcome, "notes": "; ".join(notes)[:500] or None})

    return handle


def _counts(session: Any, job_id: int) -> dict[str, int]:
    counts: Counter[str] = Counter({o: 0 for o in OUTCOMES})
    for state, result in session.execute(
            select(col(JobItem.state), col(JobItem.result)).where(col(JobItem.job_id) == job_id)):
        outcome = json.loads(result).get("outcome") if result else None
        if outcome is not None and outcome in counts:
            counts[outcome] += 1
        elif state == "failed":
            counts["refused"] += 1
    return dict(counts)


async def run(store: Store, who: Identity, job_id: int, *, on_progress: Callable[[Progress], None] | None = None,
              cancel_event: threading.Event | None = None, concurrency: int = 1,
              worker: str | None = None, pause_on_cancel: bool = False) -> JobInfo:
    """Work (or resume) an intake job to its end.

    One file at a time by default: two versions of a client's month must be imported in
    order for the newer to replace the older (on PostgreSQL two could otherwise race)."""
    info = jobs.get_job(store, who, job_id)
    if info.kind != JOB_KIND:
        raise UserError("intake.not_an_intake_job", job=job_id)
    prefetch = _prefetch(store, job_id)
    relay = NoteRelay(on_progress)  # one line per file, in the user's words
    try:
        # One attempt per file: a refusal is the file's outcome; a retry would refuse it again.
        with fewer_collections():
            return await jobs.run_job(store, who, job_id, _handler(store, who, prefetch, relay), worker=worker,
                                      concurrency=concurrency, on_progress=relay.callback,
                                      cancel_event=cancel_event,
                                      summarize=_counts, max_item_attempts=1, pause_on_cancel=pause_on_cancel,
                                      batch=COMMIT_EVERY)
    finally:
        if prefetch is not None:
            prefetch.close()


def _prefetch(store: Store, job_id: int) -> Prefetch | None:
    """A pool reading the job's a-meldinger and SAF-T files ahead, when there are enough
    of them to pay."""
    with store.session() as session:
        rows = session.execute(select(pk(JobItem.id), col(JobItem.payload)).where(
            col(JobItem.job_id) == job_id, col(JobItem.state).in_(("pending", "claimed"))).order_by(col(JobItem.id))).all()
    files = []
    for item_id, payload in rows:
        p = json.loads(payload or "{}")
        if p.get("kind") in intake_pool.READERS and p.get("planned") != "refused" and \
                int(p.get("size") or 0) <= intake_pool.MAX_POOLED_BYTES:
            files.append((item_id, str(p["kind"]), str(p["path"]), int(p.get("size") or 0)))
    enough = len(files) >= intake_pool.MIN_FILES and sum(size for *_, size in files) >= intake_pool.MIN_BYTES
    return intake_pool.Prefetch(files) if enough else None


def results(store: Store, who: Identity, job_id: int) -> tuple[JobInfo, list[FileResult]]:
    """The job and one row per file, in the order they were planned."""
    info = jobs.get_job(store, who, job_id)
    if info.kind != JOB_KIND:
        raise UserError("intake.not_an_intake_job", job=job_id)
    out = []
    with store.session() as session:
        for state, payload, result, error in session.execute(
                select(col(JobItem.state), col(JobItem.payload), col(JobItem.result), col(JobItem.error))
                .where(col(JobItem.job_id) == job_id).order_by(col(JobItem.id))):
            p = json.loads(payload or "{}")
            r = json.loads(result) if result else {}
            outcome = r.get("outcome") or ("refused" if state == "failed" else None)
            out.append(FileResult(p.get("path", ""), p.get("kind"), p.get("client"), p.get("client_name"),
                                  p.get("period"), state, outcome, error if outcome == "refused" else None,
                                  r.get("notes"), p.get("period_to")))
    return info, out


def interrupted(store: Store, who: Identity) -> list[JobInfo]:
    """Intake jobs whose worker is gone (newest first): resume them."""
    return jobs.interrupted_jobs(store, who, JOB_KIND)


def latest_job(store: Store, who: Identity) -> int | None:
    with store.session() as session:
        query = select(col(Job.id)).where(col(Job.kind) == JOB_KIND).order_by(col(Job.id).desc()).limit(1)
        if not who.is_manager:
            query = query.where(col(Job.created_by) == who.login)
        return session.scalar(query)
