"""``byraa deadlines``: a-melding and term-payment deadlines in a date range."""

from __future__ import annotations

from datetime import date, timedelta

import click

from byraa.cli.output import Column, emit, format_option
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.clients import deadlines as core_deadlines
from byraa.core.words import formatting, labels
from byraa.core.words.i18n import _


def _date(value: str | None, default: date, flag: str) -> date:
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UserError("cli.bad_date", flag=flag, value=value) from exc


@click.command("deadlines")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (default: today).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day (default: 90 days on).")
@format_option(("table", "json", "csv"))
def command(start: str | None, end: str | None, fmt: str) -> None:
    """List deadlines (kind, period, due date), moved past weekends and public holidays."""
    first = _date(start, clock.today(), "--from")
    last = _date(end, first + timedelta(days=90), "--to")
    if last < first:
        raise UserError("cli.to_before_from")
    rows = [{"kind": d.kind, "period": d.period, "due": d.due} for d in core_deadlines.between(first, last)]
    emit(rows, [Column("kind", _("Deadline"), labels.deadline_kind), Column("period", _("Period")),
                Column("due", _("Due date"), formatting.day)], fmt)
