"""``byraa feedback``: a-melding feedback across clients for a month; ``show``: one client's."""

from __future__ import annotations

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.base import clock, periods
from byraa.core.base.errors import NotFound
from byraa.core.clients import feedback as core_feedback
from byraa.core.words import formatting
from byraa.core.words.i18n import _
from byraa.core.words.labels import feedback_text


def _last_month() -> str:
    return periods.shift(periods.period_of(clock.today()), -1)


@click.group("feedback", invoke_without_command=True)
@click.option("--period", metavar="YYYY-MM", help="The a-melding month (default: last month).")
@click.option("--status", type=click.Choice(list(core_feedback.STATUSES)))
@click.option("--severity", type=click.Choice(list(core_feedback.SEVERITIES)),
              help="Only a-meldinger with deviations of this severity.")
@format_option()
@click.pass_context
def command(ctx: click.Context, period: str | None, status: str | None, severity: str | None, fmt: str) -> None:
    """Rejected a-meldinger and deviation counts by severity, across your clients."""
    if ctx.invoked_subcommand is not None:
        return
    ws = workspace()
    assert ws.who is not None
    period = period or _last_month()
    rows = core_feedback.across_clients(ws.store, ws.who, period, status=status, severity=severity)
    emit([{**r.__dict__, "worst": r.worst} for r in rows], [
        Column("org_number", _("Org. no.")), Column("client", _("Client")), Column("period", _("Period")),
        Column("status", _("Status"), lambda s: _(s)),
        Column("rejection", _("Rejection"), formatting.count, right=True),
        Column("immediate", _("Immediate"), formatting.count, right=True),
        Column("guideline", _("Guideline"), formatting.count, right=True),
        Column("submitted_at", _("Submitted"), formatting.timestamp),
    ], fmt)


@command.command("show")
@click.argument("org_number", metavar="ORGNR")
@click.option("--period", metavar="YYYY-MM", help="The a-melding month (default: last month).")
@format_option(("table", "json"))
def show(org_number: str, period: str | None, fmt: str) -> None:
    """Print a client's archived feedback for a month: reception, payment, every deviation."""
    ws = workspace()
    assert ws.who is not None
    period = period or _last_month()
    doc = core_feedback.for_client(ws.store, ws.who, org_number.replace(" ", ""), period)
    if doc is None:
        raise NotFound("feedback.none_archived", org=org_number, period=period)
    if fmt == "json":
        emit([{"code": d.code, "severity": d.severity, "description": d.description} for d in doc.deviations], [],
             "json", extra={"archive_id": doc.archive_id, "org_number": doc.org_number, "client": doc.client,
                            "period": doc.period, "received_at": doc.received_at,
                            "forsendelse_id": doc.forsendelse_id, "message_id": doc.message_id,
                            "reception_status": doc.reception_status, "status": doc.status, "kid": doc.kid,
                            "account": doc.account, "sums": dict(doc.sums), "problem": doc.problem})
        return
    click.echo(_("A-melding feedback · {client} · {period}").format(
        client=doc.client or doc.org_number or "", period=formatting.month_name(doc.period or period)))
    click.echo(feedback_text(doc))
