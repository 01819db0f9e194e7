"""A-melding feedback across clients: what a-ordningen rejected or flagged, by severity.

One row per client: its newest a-melding for the month, with the deviation counts of
the three severities (avvisning = rejection, øyeblikkelig = immediate, retningslinje =
guideline) and, when byraa archived the feedback document, the archive id to open it.

``document`` reads such an archived document (the JSON a-ordningen answers with:
``forsendelseId``, ``mottak``, ``avvik``, ``kid``, ``kontonummer`` and ``sum…`` amounts)
into plain data for reading; ``for_client`` finds one client's for a month. Both check
that the user may see the client (the archive's own access rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import col

from byraa.core.agency import access
from byraa.core.agency.identity import Identity
from byraa.core.base import periods
from byraa.core.base.errors import UserError
from byraa.core.clients import archive
from byraa.core.clients import groups as core_groups
from byraa.core.clients.latest_amelding import latest_amelding
from byraa.core.clients.lookup import resolve_client
from byraa.core.store import Store
from byraa.core.store.models import ArchiveFile, Client
from byraa.core.words.collation import sort_key

if TYPE_CHECKING:
    from byraa.core.altinn.client import Deviation

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
                   severity: str | None = None, group: str | None = None) -> list[FeedbackRow]:
    """The newest a-melding of each visible client for ``period``, filtered by status/severity
    (and to the clients of ``group``, when one is named)."""
    period = periods.parse_period(period)
    if status is not None and status not in STATUSES:
        raise UserError("feedback.bad_status", status=status, statuses=", ".join(STATUSES))
    if severity is not None and severity not in SEVERITIES:
        raise UserError("feedback.bad_severity", severity=severity, severities=", ".join(SEVERITIES))
    with store.session() as session:
        allowed = access.accessible_client_ids(session, who)
        ranked = latest_amelding(periods=(period,))
        newest = (select(ranked, col(Client.org_number), col(Client.name))
                  .join(Client, col(Client.id) == ranked.c.client_id))
        if allowed is not None:
            newest = newest.where(ranked.c.client_id.in_(allowed))
        if group is not None:
            newest = newest.where(ranked.c.client_id.in_(core_groups.members(session, group)))
        archived = dict(session.execute(
            select(col(ArchiveFile.client_id), func.max(col(ArchiveFile.id)))
            .where(col(ArchiveFile.kind) == "feedback", col(ArchiveFile.period) == period, col(ArchiveFile.size) > 0)
            .group_by(col(ArchiveFile.client_id))
        ).all())
        rows = [
            FeedbackRow(r.client_id, r.org_number, r.name, r.period, r.message_id, r.submitted_at, r.status,
                        r.deviations_rejection, r.deviations_immediate, r.deviations_guideline,
                        archived.get(r.client_id))
            for r in sorted(session.execute(newest), key=lambda r: (sort_key(r.name), r.client_id))
        ]
    if status is not None:
        rows = [r for r in rows if r.status == status]
    if severity is not None:
        rows = [r for r in rows if getattr(r, severity)]
    return rows


# --- One feedback document, for reading ---------------------------------------------------

RECEPTION_STATUSES = {"mottatt": "accepted", "avvist": "rejected", "erstattet": "replaced",
                      "underbehandling": "pending"}
"""a-ordningen's mottakstatus -> byraa's status code."""


@dataclass(frozen=True)
class FeedbackDocument:
    """An archived a-melding feedback, read: what a-ordningen said about one a-melding."""

    archive_id: int
    client_id: int | None
    org_number: str | None
    client: str | None
    period: str | None
    received_at: datetime
    forsendelse_id: str | None
    message_id: str | None
    reception_status: str | None
    """mottakstatus as a-ordningen wrote it (mottatt, avvist …)."""
    status: str | None
    """The same as byraa's code: accepted, rejected, replaced, pending; None if unknown."""
    deviations: tuple[Deviation, ...]
    kid: str | None
    account: str | None
    sums: tuple[tuple[str, int], ...]
    """(a-ordningen's name, øre) in the document's order: sumForskuddstrekk, sumArbeidsgiveravgift …"""
    problem: str | None = None
    """Why the document could not be read (then only the metadata is filled in): ``empty``,
    ``not_json`` or ``not_object``."""

    def count(self, severity: str) -> int:
        return sum(d.severity == severity for d in self.deviations)


def _read(entry: archive.ArchiveEntry, content: bytes) -> FeedbackDocument:
    from byraa.core.altinn.client import NOT_OBJECT, parse_feedback

    def unread(problem: str) -> FeedbackDocument:
        return FeedbackDocument(entry.id, entry.client_id, entry.org_number, entry.client_name, entry.period,
                                entry.created_at, None, None, None, None, (), None, None, (), problem)

    if not content.strip():
        return unread("empty")
    fb = parse_feedback(content, "", period=entry.period, org_number=entry.org_number, archive_id=entry.id)
    if fb.error:
        return unread("not_object" if fb.error == NOT_OBJECT else "not_json")
    return FeedbackDocument(
        entry.id, entry.client_id, entry.org_number, entry.client_name, fb.period or entry.period, entry.created_at,
        forsendelse_id=fb.forsendelse_id or None, message_id=fb.message_id or None,
        reception_status=fb.status or None, status=RECEPTION_STATUSES.get(fb.status),
        deviations=fb.deviations,
        kid=fb.kid or None, account=fb.account or None, sums=tuple(fb.sums.items()),
    )


def document(store: Store, who: Identity, archive_id: int) -> FeedbackDocument:
    """An archived feedback document, read (refused without access to its client)."""
    entry, content = archive.get(store, who, archive_id)
    if entry.kind != "feedback":
        raise UserError("feedback.not_feedback", id=archive_id, kind=entry.kind)
    return _read(entry, content)


def for_client(store: Store, who: Identity, org_number: str, period: str) -> FeedbackDocument | None:
    """The client's newest archived feedback for ``period``; None when none is archived."""
    period = periods.parse_period(period)
    with store.session() as session:
        client = resolve_client(session, who, org_number)
        archive_id = session.scalar(
            select(func.max(col(ArchiveFile.id))).where(col(ArchiveFile.client_id) == client.id,
                                                        col(ArchiveFile.kind) == "feedback",
                                                        col(ArchiveFile.period) == period, col(ArchiveFile.size) > 0))
    return None if archive_id is None else document(store, who, archive_id)
