"""The newest a-melding of each client: one definition for every screen and command.

A client may send several a-meldinger for a month (a rejected one, then a corrected
one; or a replacement). What counts is the NEWEST: the latest ``submitted_at``, and of
two sent at the same instant the one stored last (higher id). "The newest a-melding of a
client" without a month is the newest of its latest month. The client list, the
dashboard's attention list and its deadline count, the feedback overview and the group
board all ask this one query, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Subquery, func, select
from sqlmodel import col

from byraa.core.store.models import AmeldingSubmission

NEWEST_FIRST = (col(AmeldingSubmission.submitted_at).desc(), col(AmeldingSubmission.id).desc())
"""Within one month: which submission is the newest."""


def latest_amelding(*, periods: Iterable[str] | None = None, per_period: bool = False,
                    client_ids: Any = None) -> Subquery:
    """A subquery with one row per client (or per client and month, ``per_period``): the
    newest submission's columns (``client_id``, ``period``, ``status``, ``message_id``,
    ``submitted_at``, ``deviations_*``, ``id``).

    ``periods`` limits it to those months (then, without ``per_period``, the newest of
    the latest of those months); ``client_ids`` (a list or a subquery) to those clients.
    """
    a = AmeldingSubmission
    order = NEWEST_FIRST if per_period else (col(a.period).desc(), *NEWEST_FIRST)
    partition = (col(a.client_id), col(a.period)) if per_period else (col(a.client_id),)
    ranked = select(a, func.row_number().over(partition_by=partition, order_by=order).label("rank"))
    if periods is not None:
        ranked = ranked.where(col(a.period).in_(list(periods)))
    if client_ids is not None:
        ranked = ranked.where(col(a.client_id).in_(client_ids))
    inner = ranked.subquery()
    columns = [c for c in inner.c if c.name != "rank"]
    return select(*columns).where(inner.c.rank == 1).subquery("latest_amelding")
