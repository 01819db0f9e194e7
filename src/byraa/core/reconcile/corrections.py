"""A-melding corrections: queued by "send payroll's value", sent through the shared client.

``reconcile.send_payroll`` queues a correction (status ``pending``) with its a-melding and
an idempotency key stored before anything is sent. ``submit`` sends every pending
correction of a client through the one ``AltinnClient`` (with that key, so a retry after
a lost answer is still one a-melding at a-ordningen), then fetches the feedback
(tilbakemelding) of every correction that went out and has none yet:

``pending`` → ``submitted`` (a-ordningen has it, feedback not ready) → ``accepted``
(mottatt) or ``rejected`` (avvist).

A send that fails stays ``pending`` with the reason in ``detail``; the next submit tries
again with the same key. Feedback is recorded as the client's newest a-melding for the
month (``amelding_submission``, which the pay-day board and the feedback view read) and
the feedback document itself is in the archive (the client archives every exchange).
Every status change is audited.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.clients.feedback import RECEPTION_STATUSES
from byraa.core.clients.lookup import resolve_client
from byraa.core.store import Store
from byraa.core.store.models import AmeldingSubmission
from byraa.core.store.models_reconcile import ReconCorrection

STATUSES = ("pending", "submitted", "accepted", "rejected")


@dataclass(frozen=True)
class CorrectionView:
    id: int
    run_id: int | None
    """None for an employment sent from the employee card (``employment_send``)."""
    row_id: int | None
    period: str
    status: str
    idempotency_key: str
    detail: str | None
    payload: dict
    forsendelse_id: str | None = None
    submitted_at: datetime | None = None
    dialog_id: str | None = None

    @property
    def national_id(self) -> str | None:
        """The person the correction is about (the replacement holds the whole month)."""
        if isinstance(self.payload.get("correction"), dict):
            return self.payload["correction"].get("national_id")
        try:
            unit = self.payload["leveranse"]["oppgave"]["virksomhet"][0]
            return unit["inntektsmottaker"][0]["norskIdentifikator"]
        except (KeyError, IndexError, TypeError):
            return None

    @property
    def employment_ref(self) -> str | None:
        if isinstance(self.payload.get("correction"), dict):
            return self.payload["correction"].get("employment_ref")
        try:
            unit = self.payload["leveranse"]["oppgave"]["virksomhet"][0]
            return unit["inntektsmottaker"][0]["arbeidsforhold"][0].get("arbeidsforholdId")
        except (KeyError, IndexError, TypeError, AttributeError):
            return None


def view(c: ReconCorrection) -> CorrectionView:
    assert c.id is not None
    return CorrectionView(c.id, c.run_id, c.row_id, c.period, c.status, c.idempotency_key, c.detail,
                          json.loads(c.payload), c.forsendelse_id, c.submitted_at, c.dialog_id)


def list_corrections(store: Store, who: Identity, org_number: str, *,
                     status: str | tuple[str, ...] | None = None) -> list[CorrectionView]:
    """The client's corrections, oldest first, optionally only those in ``status``."""
    wanted = (status,) if isinstance(status, str) else status
    if wanted and (bad := [s for s in wanted if s not in STATUSES]):
        raise UserError("reconcile.bad_correction_status", status=bad[0], statuses=", ".join(STATUSES))
    with store.session() as session:
        client = resolve_client(session, who, org_number)
        query = select(ReconCorrection).where(col(ReconCorrection.client_id) == client.id)
        if wanted:
            query = query.where(col(ReconCorrection.status).in_(wanted))
        return [view(c) for c in session.scalars(query.order_by(col(ReconCorrection.id)))]


def _update(store: Store, who: Identity, correction_id: int, action: str, **changes: Any) -> CorrectionView:
    with store.session() as session:
        row = session.get(ReconCorrection, correction_id)
        assert row is not None
        before = {"status": row.status, "detail": row.detail}
        for key, value in changes.items():
            setattr(row, key, value)
        audit.record(session, actor=who.login, action=action, entity="recon_correction", entity_id=row.id,
                     client_id=row.client_id, before=before,
                     after={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in changes.items()})
        session.flush()
        return view(row)


def _record_feedback(store: Store, who: Identity, c: CorrectionView, feedback: Any) -> CorrectionView:
    """Store a readable feedback: the correction's status and the month's newest a-melding."""
    # A replacing melding (erstattet) went through; anything a-ordningen did not take is rejected.
    status = {"accepted": "accepted", "replaced": "accepted"}.get(RECEPTION_STATUSES.get(feedback.status, ""),
                                                                  "rejected")
    severities = [d.severity for d in feedback.deviations]
    counts = {f"deviations_{s}": severities.count(s) for s in ("rejection", "immediate", "guideline")}
    words = "; ".join(f"{d.code} {d.description}" for d in feedback.deviations) or "no deviations"
    with store.session() as session:
        row = session.get(ReconCorrection, c.id)
        assert row is not None
        session.add(AmeldingSubmission(
            client_id=row.client_id, period=row.period, message_id=str(feedback.message_id or c.forsendelse_id)[:150],
            submitted_at=row.submitted_at or clock.now(), status=status, **counts))
    return _update(store, who, c.id, "correction.feedback", status=status,
                   detail=f"{feedback.status}: {words}"[:300])


async def submit(store: Store, who: Identity, org_number: str, altinn: Any, *, feedback_attempts: int = 3,
                 wait_seconds: float = 1.0, sleep: Callable[[float], Any] = asyncio.sleep,
                 only: Collection[int] | None = None) -> list[CorrectionView]:
    """Send the client's pending corrections and fetch feedback for those that went out.

    ``only`` limits the work to those correction ids (an employment sent from the employee
    card goes at once, without sending what a reconciliation queued for later).

    ``altinn`` is the shared client (``submit_amelding``, ``amelding_feedback``). Feedback
    not ready after ``feedback_attempts`` polls (``wait_seconds`` doubling between them)
    leaves the correction ``submitted``; the next call asks again. Returns the
    corrections touched, in id order.
    """
    touched: dict[int, CorrectionView] = {}
    def wanted(c: CorrectionView) -> bool:
        return only is None or c.id in only

    for c in filter(wanted, list_corrections(store, who, org_number, status="pending")):
        try:
            receipt = await altinn.submit_amelding(org_number, c.period, c.payload["leveranse"],
                                                   idempotency_key=c.idempotency_key)
        except Exception as exc:  # noqa: BLE001  (AltinnError and transport errors alike stay pending)
            touched[c.id] = _update(store, who, c.id, "correction.submit", detail=f"not sent: {exc}"[:300])
            continue
        touched[c.id] = _update(store, who, c.id, "correction.submit", status="submitted",
                                forsendelse_id=str(receipt.forsendelse_id)[:64], submitted_at=clock.now(),
                                dialog_id=(receipt.dialog_id or None) and str(receipt.dialog_id)[:64],
                                detail=f"forsendelseId {receipt.forsendelse_id}"[:300])
    waiting = [c for c in list_corrections(store, who, org_number, status="submitted")
               if c.forsendelse_id and wanted(c)]
    delay = wait_seconds
    for attempt in range(max(feedback_attempts, 1)):
        still = []
        for c in waiting:
            if not c.dialog_id:  # feedback is found only through the receipt's dialog
                touched[c.id] = _update(store, who, c.id, "correction.feedback",
                                        detail="feedback not fetched: the receipt named no dialogId")
                continue
            try:
                feedback = await altinn.amelding_feedback(org_number, c.dialog_id, forsendelse_id=c.forsendelse_id,
                                                          period=c.period)
            except Exception as exc:  # noqa: BLE001  (a broken answer is this correction's error, not a crash)
                touched[c.id] = _update(store, who, c.id, "correction.feedback",
                                        detail=f"feedback not fetched: {exc}"[:300])
                continue
            if feedback is None or RECEPTION_STATUSES.get(feedback.status) == "pending":
                still.append(c)  # not ready, or a-ordningen is still processing it
            elif getattr(feedback, "error", None):
                touched[c.id] = _update(store, who, c.id, "correction.feedback",
                                        detail=f"feedback unreadable: {feedback.error}"[:300])
            else:
                touched[c.id] = _record_feedback(store, who, c, feedback)
        waiting = still
        if not waiting:
            break
        if attempt + 1 < feedback_attempts:
            await sleep(delay)
            delay *= 2
    for c in waiting:
        touched.setdefault(c.id, c)
    return [touched[k] for k in sorted(touched)]


def submit_blocking(store: Store, who: Identity, org_number: str, *, transport: Any = None,
                    environment_options: dict[str, Any] | None = None, **options: Any) -> list[CorrectionView]:
    """``submit`` from synchronous code (``byraa reconcile submit`` and the TUI's worker).

    The client comes from the connection settings the client uses (its own or the
    agency's) and archives every exchange; the environment is served by its registered
    provider (``environments.effective``) for the call.
    """
    from byraa.core.altinn import connection

    return connection.run_for_client(store, who, org_number,
                                     lambda client: submit(store, who, org_number, client, **options),
                                     transport=transport, environment_options=environment_options)
