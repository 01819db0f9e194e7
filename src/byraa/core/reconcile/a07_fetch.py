"""Fetching the A07 from a-ordningen into byraa's A07 model (``core/a07.py``).

Orders the avstemmingsrapport with its income recipients through the shared Altinn
client, polls until it is ready, and stores each month as the client's current A07 — the
same tables an imported A07 file fills, so the checks cannot tell the two apart. Every
month is read the way an A07 file is (every national id, org number, date and amount
checked; a refusal names the place) and must add up: the persons' withholding and the
sub-units' employer's contribution must equal the month's sums in the same answer. A
month that fails is that month's error; the others are stored. The answer itself is in
the archive (the client archives every exchange) and each stored month points at it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import periods
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.importers import ImportRefused, Where
from byraa.core.importers.archiving import already_imported
from byraa.core.reconcile import a07
from byraa.core.store import Store
from byraa.core.words.i18n import _


@dataclass(frozen=True)
class FetchedMonth:
    period: str
    status: str
    """``saved`` (a new current A07), ``unchanged`` (the same as stored) or ``error``."""
    counts: dict[str, int] = field(default_factory=dict)
    withholding: int = 0
    """Øre, the month's sum as a-ordningen holds it."""
    employer_contribution: int = 0
    error: str | None = None
    archive_id: int | None = None


def report_of(org_number: str, month: Any) -> tuple[a07.A07Report, dict[str, Any]]:
    """byraa's A07 (and the document it was read from) for one month of the answer."""
    where = Where(_("A07 from a-ordningen for {org} {period}").format(org=org_number, period=month.period))
    if month.lines is None:
        raise where.refuse("kalendermaaned", "a07.monthly_sums_only")
    doc = {"format": a07.FORMAT, "version": a07.VERSION, "opplysningspliktig": org_number,
           "kalendermaaned": month.period, **month.lines}
    report = a07.parse_json(json.dumps(doc, ensure_ascii=False).encode(), where)
    withheld = sum(w.amount for w in report.withholding)
    if withheld != month.withholding:
        raise where.refuse("forskuddstrekk", "a07.withholding_sum", found=f"{withheld / 100:.2f}",
                                  expected=f"{month.withholding / 100:.2f}")
    contribution = sum(a.amount for a in report.aga)
    if contribution != month.employer_contribution:
        raise where.refuse("arbeidsgiveravgift", "a07.contribution_sum", found=f"{contribution / 100:.2f}",
                                  expected=f"{month.employer_contribution / 100:.2f}")
    return report, doc


def _save(store: Store, who: Identity, org_number: str, month: Any, archive_id: int | None,
          reference: str) -> FetchedMonth:
    try:
        report, doc = report_of(org_number, month)
    except ImportRefused as exc:
        return FetchedMonth(month.period, "error", error=str(exc), archive_id=archive_id)
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    counts = {"employments": len(report.employments), "income_lines": len(report.income),
              "withholding_lines": len(report.withholding), "aga_lines": len(report.aga)}
    with store.session() as session:
        client = resolve_client(session, who, org_number)
        assert client.id is not None
        status = "unchanged"
        if already_imported(session, client.id, "a07", digest) is None:
            if archive_id is None:
                raise UserError("a07.answer_not_archived")
            source, _replaced = a07.save_report(session, who, client, report, archive_id=archive_id, sha256=digest,
                                     filename=f"a-ordningen {reference}")
            audit.record(session, actor=who.login, action="a07.fetch", entity="recon_source", entity_id=source.id,
                         client_id=client.id, after={"period": month.period, "reference": reference,
                                                     "sha256": digest, **counts})
            status = "saved"
    return FetchedMonth(month.period, status, counts, month.withholding, month.employer_contribution,
                        archive_id=archive_id)


async def fetch(store: Store, who: Identity, org_number: str, first: str, last: str | None, altinn: Any, *,
                polls: int = 10, wait_seconds: float = 1.0, sleep: Callable[[float], Any] = asyncio.sleep,
                cancel: threading.Event | None = None, idempotency_key: str | None = None,
                reference: str | None = None, on_order: Callable[[str], None] | None = None,
                ) -> list[FetchedMonth]:
    """Order, poll and store the client's A07 for ``first``..``last`` (one list entry per month).

    A durable caller (the reconcile job) passes the ``idempotency_key`` it stored before
    calling, gets the order's reference through ``on_order`` (to store it at once) and,
    on a resume, passes that ``reference``: then nothing is ordered again.

    Raises ``UserError`` when the order is refused or the report is not ready after
    ``polls`` polls (``wait_seconds`` doubling, at most 30 s between them), or on cancel.
    """
    first = periods.parse_period(first)
    last = periods.parse_period(last or first)
    if last < first:
        raise UserError("period.months_backwards", first=first, last=last)
    with store.session() as session:  # the user may see the client, before anything is sent
        resolve_client(session, who, org_number)
    if reference is None:
        order = await altinn.order_a07(org_number, first, last, persons=True, idempotency_key=idempotency_key)
        reference = order.reference
        if on_order is not None:
            on_order(reference)
    delay = wait_seconds
    for _attempt in range(max(polls, 1)):
        if cancel is not None and cancel.is_set():
            raise UserError("a07.fetch_cancelled")
        report = await altinn.fetch_a07(org_number, reference)
        if report is not None:
            break
        await sleep(delay)
        delay = min(delay * 2, 30.0)
    else:
        raise UserError("a07.not_ready", polls=polls, order=reference)
    if report.error:
        return [FetchedMonth(first, "error", error=f"the A07 answer is unreadable: {report.error}",
                             archive_id=report.archive_id)]
    return [_save(store, who, org_number, month, report.archive_id, reference) for month in report.months]


def fetch_blocking(store: Store, who: Identity, org_number: str, first: str, last: str | None = None, *,
                   transport: Any = None, environment_options: dict[str, Any] | None = None,
                   **options: Any) -> list[FetchedMonth]:
    """``fetch`` from synchronous code (``byraa a07 fetch`` and the TUI's worker).

    With a ``cancel`` event the waits between polls end as soon as it is set.
    """
    from byraa.core.altinn import connection

    cancel = options.get("cancel")
    if cancel is not None and "sleep" not in options:
        options["sleep"] = lambda seconds: asyncio.to_thread(cancel.wait, seconds)
    return connection.run_for_client(
        store, who, org_number, lambda client: fetch(store, who, org_number, first, last, client, **options),
        transport=transport, environment_options=environment_options)
