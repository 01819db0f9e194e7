"""A-melding feedback across clients: what a-ordningen rejected or flagged, by severity.

One row per client: its newest a-melding for the month, with the deviation counts of
the three severities (avvisning = rejection, øyeblikkelig = immediate, retningslinje =
guideline) and, when byraa archived the feedback document, the archive id to open it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from byraa.core import access, periods
from byraa.core.errors import UserError
from byraa.core.identity import Identity
from byraa.core.store import Store
from byraa.core.store.models import AmeldingSubmission, ArchiveFile, Client

SEVERITIES = ("rejection", "immediate", "guideline")
STATUSES = ("accepted", "rejected", "pending")


@dataclass(frozen=True)
class FeedbackRow:
    client_id: int
    org_number: str
    client: str
    period: str
    message_id: str
    submitted_at: datetime
    status: str
    rejection: int
    immediate: int
    guideline: int
    archive_id: int | None
    """The archived feedback document for this client and month, if any."""

    @property
    def worst(self) -> str | None:
        return next((s for s in SEVERITIES if getattr(self, s)), None)


def across_clients(store: Store, who: Identity, period: str, *, status: str | None = None,
                   severity: str | None = None) -> list[FeedbackRow]:
    """The newest a-melding of each visible client for ``period``, filtered by status/severity."""
    period = periods.parse_period(period)
    if status is not None and status not in STATUSES:
        raise UserError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if severity is not None and severity not in SEVERITIES:
        raise UserError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    with store.session() as session:
        allowed = access.accessible_client_ids(session, who)
        ranked = (
            select(
                AmeldingSubmission,
                func.row_number().over(
                    partition_by=AmeldingSubmission.client_id,
                    order_by=(AmeldingSubmission.submitted_at.desc(), AmeldingSubmission.id.desc()),
                ).label("rank"),
            ).where(AmeldingSubmission.period == period)
        ).subquery()
        newest = select(ranked, Client.org_number, Client.name).join(Client, Client.id == ranked.c.client_id).where(
            ranked.c.rank == 1).order_by(Client.name)
        if allowed is not None:
            newest = newest.where(ranked.c.client_id.in_(allowed))
        archived = dict(session.execute(
            select(ArchiveFile.client_id, func.max(ArchiveFile.id))
            .where(ArchiveFile.kind == "feedback", ArchiveFile.period == period)
            .group_by(ArchiveFile.client_id)
        ).all())
        rows = [
            FeedbackRow(r.client_id, r.org_number, r.name, r.period, r.message_id, r.submitted_at, r.status,
                        r.deviations_rejection, r.deviations_immediate, r.deviations_guideline,
                        archived.get(r.client_id))
            for r in session.execute(newest)
        ]
    if status is not None:
        rows = [r for r in rows if r.status == status]
    if severity is not None:
        rows = [r for r in rows if getattr(r, severity)]
    return rows
