"""``byraa feedback``: a-melding feedback across clients for a month."""

from __future__ import annotations

import click

from byraa.core import dashboard as core_dashboard
from byraa.core import feedback as core_feedback
from byraa.core import formatting, periods
from byraa.core.i18n import _
from byraa.headless.context import workspace
from byraa.headless.output import Column, emit, format_option


@click.command("feedback")
@click.option("--period", metavar="YYYY-MM", help="The a-melding month (default: last month).")
@click.option("--status", type=click.Choice(list(core_feedback.STATUSES)))
@click.option("--severity", type=click.Choice(list(core_feedback.SEVERITIES)),
              help="Only a-meldinger with deviations of this severity.")
@format_option()
def command(period: str | None, status: str | None, severity: str | None, fmt: str) -> None:
    """Rejected a-meldinger and deviation counts by severity, across your clients."""
    ws = workspace()
    assert ws.who is not None
    period = period or periods.shift(core_dashboard.default_period(), -1)
    rows = core_feedback.across_clients(ws.store, ws.who, period, status=status, severity=severity)
    emit([{**r.__dict__, "worst": r.worst} for r in rows], [
        Column("org_number", _("Org. no.")), Column("client", _("Client")), Column("period", _("Period")),
        Column("status", _("Status"), lambda s: _(s)),
        Column("rejection", _("Rejection"), formatting.count, right=True),
        Column("immediate", _("Immediate"), formatting.count, right=True),
        Column("guideline", _("Guideline"), formatting.count, right=True),
        Column("submitted_at", _("Submitted"), formatting.timestamp),
    ], fmt)
