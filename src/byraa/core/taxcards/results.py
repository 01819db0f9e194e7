"""The results of a bulk tax-card fetch: written per order (every person's outcome, the
new cards, what changed, in the transaction that finishes the order), and read back (the
summary, the result table filtered, a person's card history). The running of the orders
is ``fetch.py``, which re-exports the reading names (``fetch.result_rows`` and so on).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from byraa.core.agency import access, audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.store import Store
from byraa.core.store.models import (
    Client,
    Employee,
)
from byraa.core.store.models_altinn import TaxCard, current_tax_card
from byraa.core.store.models_jobs import Job, JobItem, TaxCardFetchResult
from byraa.core.taxcards.reasons import RESULT_REASONS

if TYPE_CHECKING:

    from byraa.core.jobs import ItemContext
    from byraa.core.taxcards.parse import TaxCardAnswer

from sqlmodel import col

from byraa.core.taxcards.plan import JOB_KIND, _chunks
from byraa.core.words.collation import sort_key

FILTERS = ("all", "changed", "errors", "no_card", "skipped", "cards")


# --- Writing the results (each order's, in the transaction that finishes it) ---------------


HOOK_ENV = "BYRAA_FETCH_HOOK"
"""Test hook: ``<point>:<folder>`` makes the fetch write ``<folder>/<point>`` and stop
there (until killed) at one of ``before_order``, ``after_order``, ``mid_storage``."""

_RESULT_OUTCOME = {
    "skattekortopplysningerOK": "card",
    "ikkeSkattekort": "no_card",
    "ikkeTrekkplikt": "not_liable",
}
_RESULT_REASON = RESULT_REASONS
"""Stored in English (scripts read it); shown through ``reasons.reason_words``."""


def _hook(point: str) -> None:
    spec = os.environ.get(HOOK_ENV, "")
    name, _, folder = spec.partition(":")
    if name != point or not folder:
        return
    marker = Path(folder) / point
    if marker.exists():  # stop only once per folder
        return
    marker.write_text(str(os.getpid()))
    while True:  # until the test kills the process
        time.sleep(3600)


def _card_fields(card: TaxCard) -> tuple[Any, ...]:
    return (card.result, card.kind, card.table_number, card.percentage, card.free_card_amount, card.months)


_FIELD_NAMES = ("result", "kind", "table", "percentage", "free-card amount", "months")


def _describe_change(before: tuple[Any, ...], after: tuple[Any, ...]) -> str:
    parts = []
    for name, a, b in zip(_FIELD_NAMES, before, after, strict=True):
        if a != b:
            if name == "free-card amount":
                a = None if a is None else a // 100
                b = None if b is None else b // 100
            parts.append(f"{name} {'–' if a is None else a} → {'–' if b is None else b}")
    return "; ".join(parts)[:300]


def _store_results(session: Session, who: Identity, job_id: int, item_id: int, year: int,
                   answer: TaxCardAnswer, client_ids: dict[str, int], reference: str) -> dict[str, int]:
    """Store one answer's persons (``store_answer``) and a result row per person."""
    from byraa.core.taxcards.parse import EmployerResult, PersonResult
    from byraa.core.taxcards.parse import TaxCardAnswer as Answer
    from byraa.core.taxcards.store import lock_current_cards, store_answer

    wanted = [e for e in answer.employers if e.org_number in client_ids]
    outside = sum(len(e.persons) for e in answer.employers if e.org_number not in client_ids)
    clients = {c.org_number: c for c in session.scalars(select(Client).where(col(Client.id).in_(
        [client_ids[e.org_number] for e in wanted] or [-1])))}
    ids_ = [c.id for c in clients.values() if c.id is not None]
    # Drop a person listed twice for one employer (the answer's first entry counts).
    employers = []
    for e in wanted:
        first: dict[str, PersonResult] = {}
        for p in e.persons:
            first.setdefault(p.national_id, p)
        employers.append(EmployerResult(e.org_number, tuple(first.values())))
    answer = Answer(answer.status, tuple(employers), answer.format, archive_id=answer.archive_id)

    def currents() -> dict[tuple[int, int], TaxCard]:
        return {(c.client_id, c.employee_id): c for c in session.scalars(select(TaxCard).where(
            col(TaxCard.client_id).in_(ids_ or [-1]), col(TaxCard.income_year) == year,
            current_tax_card()))}

    lock_current_cards(session, ids_)  # before reading "before": another writer may be storing them
    before = {k: (c.id, _card_fields(c), c.fetched_at) for k, c in currents().items()}
    store_answer(session, who, answer, clients, source_archive_id=answer.archive_id,
                 label=f"order {reference}")
    _hook("mid_storage")
    after = currents()
    employees = {(cid, nid): eid for eid, cid, nid in session.execute(
        select(col(Employee.id), col(Employee.client_id),
               col(Employee.national_id)).where(col(Employee.client_id).in_(ids_ or [-1])))}
    now = clock.now()
    rows = []
    counts = {"persons": 0, "card": 0, "no_card": 0, "not_liable": 0, "error": 0, "changed": 0,
              "outside_selection": outside}
    per_client: dict[int, dict[str, int]] = {}
    for employer in answer.employers:
        client = clients[employer.org_number]
        assert client.id is not None
        for person in employer.persons:
            counts["persons"] += 1
            emp_id = employees.get((client.id, person.national_id))
            outcome = _RESULT_OUTCOME.get(person.result, "error")
            reason = person.error or (None if outcome != "error" else _RESULT_REASON.get(
                person.result, f"Skatteetaten answered {person.result or 'nothing'} for this person"))
            if person.error:
                outcome = "error"
            card = after.get((client.id, emp_id)) if emp_id is not None and outcome != "error" else None
            changed, changes, previous_at = False, None, None
            prev = before.get((client.id, emp_id)) if emp_id is not None else None
            if card is not None and prev is not None and prev[0] != card.id:
                fields = _card_fields(card)
                if prev[1] != fields:
                    changed, changes, previous_at = True, _describe_change(prev[1], fields), prev[2]
            counts[outcome] += 1
            counts["changed"] += changed
            pc = per_client.setdefault(client.id, {"cards": 0, "errors": 0, "changed": 0})
            pc["cards"] += outcome != "error"
            pc["errors"] += outcome == "error"
            pc["changed"] += changed
            rows.append({"job_id": job_id, "item_id": item_id, "client_id": client.id, "employee_id": emp_id,
                         "national_id": person.national_id[:11], "income_year": year, "outcome": outcome,
                         "result": (person.result or None) and person.result[:60],
                         "reason": reason and reason[:300], "tax_card_id": card.id if card is not None else None,
                         "changed": changed, "changes": changes, "previous_fetched_at": previous_at,
                         "archive_id": answer.archive_id, "created_at": now})
    for chunk in _chunks(rows, 2000):
        session.execute(insert(TaxCardFetchResult.__table__), list(chunk))  # type: ignore[attr-defined]
    for client_id, pc in per_client.items():
        audit.record(session, actor=who.login, action="taxcards.fetch", entity="job", entity_id=job_id,
                     client_id=client_id, after={"order": reference, "year": year, **pc,
                                                 "archive_id": answer.archive_id})
    return counts


def _error_rows(session: Session, job_id: int, item_id: int, year: int, employers: dict[str, list[str]],
                client_ids: dict[str, int], reason: str, archive_id: int | None) -> dict[str, int]:
    """Every person of an order gets the same error (the answer stayed unreadable, or the
    order was refused), with the raw answer's archive id."""
    now = clock.now()
    employees = {(cid, nid): eid for eid, cid, nid in session.execute(
        select(col(Employee.id), col(Employee.client_id), col(Employee.national_id))
        .where(col(Employee.client_id).in_(list(client_ids.values()) or [-1])))}
    rows = [{"job_id": job_id, "item_id": item_id, "client_id": client_ids[org],
             "employee_id": employees.get((client_ids[org], nid)), "national_id": nid, "income_year": year,
             "outcome": "error", "reason": reason[:300], "changed": False, "archive_id": archive_id,
             "created_at": now}
            for org, nids in employers.items() for nid in dict.fromkeys(nids)]
    for chunk in _chunks(rows, 2000):
        session.execute(insert(TaxCardFetchResult.__table__), list(chunk))  # type: ignore[attr-defined]
    return {"persons": len(rows), "error": len(rows)}


def _person_errors(ctx: ItemContext, year: int, employers: dict[str, list[str]], client_ids: dict[str, int],
                   reason: str, archive_id: int | None) -> Callable[[Session], dict[str, int]]:
    """The write that gives every person of the order the same error; every value is
    bound here, when the outcome is made, not read later from the handler's variables."""
    job_id, item_id = ctx.job_id, ctx.item.id

    def write(session: Session) -> dict[str, int]:
        return _error_rows(session, job_id, item_id, year, employers, client_ids, reason, archive_id)

    return write


# --- Reading the results -------------------------------------------------------------------


@dataclass(frozen=True)
class FetchSummary:
    job_id: int
    status: str
    year: int
    mode: str
    clients: int
    persons_asked: int
    """Persons named in the orders (for changes only: the persons the selection covers)."""
    results: int
    cards: int
    changed: int
    no_card: int
    not_liable: int
    errors: int
    skipped: int
    """Leavers (no employment in the income year), never asked."""
    orders: int
    orders_sent: int
    orders_failed: int
    seconds: float = 0.0
    item_errors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.orders_failed == 0 and self.status == "done"


def _summary_counts(session: Session, job_id: int) -> dict[str, int]:
    outcomes = dict(session.execute(
        select(col(TaxCardFetchResult.outcome), func.count()).where(col(TaxCardFetchResult.job_id) == job_id)
        .group_by(col(TaxCardFetchResult.outcome))).all())
    changed = session.scalar(select(func.count()).where(col(TaxCardFetchResult.job_id) == job_id,
                                                        col(TaxCardFetchResult.changed).is_(True))) or 0
    return {**{k: int(v) for k, v in outcomes.items()}, "changed": int(changed)}


def _job(session: Session, who: Identity, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.kind != JOB_KIND:
        raise NotFound("taxcards.fetch_not_found", job=job_id)
    if not (who.is_manager or job.created_by == who.login):
        raise AccessDenied("taxcards.fetch_not_yours", job=job_id, owner=job.created_by, login=who.login)
    return job


def fetch_summary(store: Store, who: Identity, job_id: int, *, seconds: float = 0.0) -> FetchSummary:
    with store.session() as session:
        job = _job(session, who, job_id)
        params = json.loads(job.params or "{}")
        counts = _summary_counts(session, job_id)
        items = session.execute(select(col(JobItem.state), col(JobItem.payload), col(JobItem.error),
                                       col(JobItem.weight))
                                .where(col(JobItem.job_id) == job_id)).all()
    sent = sum(1 for _, payload, _, _ in items if json.loads(payload).get("reference"))
    failed = [e or "failed" for state, _, e, _ in items if state == "failed"]
    persons = sum(w for *_, w in items) if params.get("mode") == "all" else int(params.get("persons", 0))
    return FetchSummary(
        job_id, job.status, int(params.get("year", 0)), str(params.get("mode", "all")),
        len(params.get("clients", [])), persons,
        sum(v for k, v in counts.items() if k not in ("changed", "skipped")),
        counts.get("card", 0), counts.get("changed", 0), counts.get("no_card", 0), counts.get("not_liable", 0),
        counts.get("error", 0), counts.get("skipped", 0), len(items), sent, len(failed), seconds, tuple(failed),
    )


@dataclass(frozen=True)
class ResultRow:
    """One person's row in the result table (national id masked)."""

    client_id: int
    org_number: str
    client_name: str
    employee_id: int | None
    national_id: str
    """Masked (``010190*****``)."""
    name: str
    outcome: str
    """card, no_card, not_liable, error, skipped."""
    result: str | None
    kind: str | None
    table_number: str | None
    percentage: float | None
    free_card_amount: int | None
    """Øre."""
    months: float | None
    changed: bool
    changes: str | None
    changed_since: datetime | None
    """When the card it replaced was fetched."""
    reason: str | None
    archive_id: int | None


def result_rows(store: Store, who: Identity, job_id: int, *, show: str = "all",
                client: str | None = None) -> list[ResultRow]:
    """The job's per-person results: ``show`` one of all, changed, errors, no_card, skipped, cards.

    Only clients the user has access to appear (a clerk never sees another's cards).
    """
    if show not in FILTERS:
        raise UserError("taxcards.bad_filter", show=show, filters=", ".join(FILTERS))
    with store.session() as session:
        _job(session, who, job_id)
        allowed = access.accessible_client_ids(session, who)
        query = (
            select(TaxCardFetchResult, TaxCard, col(Employee.name), col(Client.org_number), col(Client.name))
            .join(Client, col(Client.id) == col(TaxCardFetchResult.client_id))
            .outerjoin(TaxCard, col(TaxCard.id) == col(TaxCardFetchResult.tax_card_id))
            .outerjoin(Employee, col(Employee.id) == col(TaxCardFetchResult.employee_id))
            .where(col(TaxCardFetchResult.job_id) == job_id)
        )
        if allowed is not None:
            query = query.where(col(TaxCardFetchResult.client_id).in_(allowed or {-1}))
        if client is not None:
            query = query.where(col(Client.org_number) == client)
        if show == "changed":
            query = query.where(col(TaxCardFetchResult.changed).is_(True))
        elif show == "errors":
            query = query.where(col(TaxCardFetchResult.outcome) == "error")
        elif show == "no_card":
            query = query.where(col(TaxCardFetchResult.outcome).in_(("no_card", "not_liable")))
        elif show == "skipped":
            query = query.where(col(TaxCardFetchResult.outcome) == "skipped")
        elif show == "cards":
            query = query.where(col(TaxCardFetchResult.outcome) == "card")
        return [
            ResultRow(r.client_id, org, cname, r.employee_id, ids.mask_national_id(r.national_id), ename or "",
                      r.outcome, r.result, card.kind if card else None, card.table_number if card else None,
                      card.percentage if card else None, card.free_card_amount if card else None,
                      card.months if card else None, r.changed, r.changes, r.previous_fetched_at, r.reason,
                      r.archive_id)
            # Names in Norwegian order (core.words.collation): client, then person.
            for r, card, ename, org, cname in sorted(
                session.execute(query), key=lambda x: (sort_key(x[4]), sort_key(x[2]), x[0].national_id))
        ]


def shows(row: ResultRow, show: str) -> bool:
    """Whether ``result_rows(show=...)`` lists ``row``: filters rows already read, in place."""
    return {
        "all": True,
        "changed": row.changed,
        "errors": row.outcome == "error",
        "no_card": row.outcome in ("no_card", "not_liable"),
        "skipped": row.outcome == "skipped",
        "cards": row.outcome == "card",
    }[show]


def card_history(store: Store, who: Identity, client: str, employee_id: int, year: int | None = None) -> list[Any]:
    """A person's tax cards at a client, newest first (current and replaced ones)."""
    from byraa.core.taxcards.store import list_cards

    return [r for r in list_cards(store, who, client, year, history=True) if r.employee_id == employee_id]
