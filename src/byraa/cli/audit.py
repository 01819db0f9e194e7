"""``byraa audit [filters]`` and ``byraa audit verify``: read the trail, check its hash chain."""

from __future__ import annotations

import sys
from datetime import date

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.agency import audit
from byraa.core.words import formatting as fmt_words
from byraa.core.words.audit_actions import action_words, entity_words
from byraa.core.words.i18n import _


@click.group("audit", invoke_without_command=True)
@click.option("--client", "org_number", metavar="ORGNR", help="Only events about this client.")
@click.option("--user", "login", metavar="LOGIN", help="Only events by this staff login.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only events on or after this day (YYYY-MM-DD).")
@click.option("--action", help="Only this action (e.g. access.grant), or a family of them (access).")
@click.option("--limit", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Show at most this many events: the newest.")
@format_option()
@click.pass_context
def command(ctx: click.Context, org_number: str | None, login: str | None, since, action: str | None,  # noqa: ANN001
            limit: int, fmt: str) -> None:
    """The audit trail (agency managers only); `audit verify` checks that nobody rewrote it."""
    if ctx.invoked_subcommand is not None:
        return
    ws = workspace()
    day: date | None = since.date() if since is not None else None
    # One more than shown: only then is it known that older events were left out.
    events = audit.trail(ws.store, ws.who, client=org_number, user=login, since=day, action=action, limit=limit + 1)
    if len(events) > limit:
        events = events[1:]
        click.echo(_("byraa: the newest {n} events, oldest first; older ones with --since, --client, --user, "
                     "--action or a larger --limit.").format(n=fmt_words.count(limit)), err=True)
    # JSON output gets the values; a table (cut short) and CSV get the stored JSON as it is
    # (sorted keys): CSV wrote Python's repr of them ({'role': …}), which no program reads.
    parsed = fmt == "json"
    rows = [{"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "entity": e.entity,
             "entity_id": e.entity_id, "client": e.client,
             "before": e.before if parsed else e.before_json, "after": e.after if parsed else e.after_json}
            for e in events]
    emit(rows, [Column("id", _("Event"), str, right=True), Column("at", _("When"), fmt_words.timestamp),
                Column("actor", _("Who")), Column("action", _("Action"), action_words),
                Column("entity", _("What"), entity_words),
                Column("entity_id", _("Id")), Column("client", _("Client")),
                Column("before", _("Before"), _short), Column("after", _("After"), _short)], fmt)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


@command.command("verify")
def verify() -> None:
    """Check the hash chain of the audit trail: exit 0 intact, 1 with the first broken event named."""
    ws = workspace()
    verdict = audit.verify(ws.store)
    if verdict.intact:
        click.echo(_("The audit trail is intact: {n} events, each chained to the one before it.").format(
            n=verdict.events))
        return
    if verdict.reason == "link":
        click.echo(_("The audit trail is broken at event {id} ({at}, {action}): it does not follow the event stored "
                     "before it; an event there was changed, removed, inserted or moved.").format(
            id=verdict.broken_at, at=fmt_words.timestamp(verdict.at) if verdict.at else "?",
            action=verdict.action), err=True)
    elif verdict.reason == "head":
        click.echo(_("The audit trail is broken after event {id}: the newest events were changed or removed.").format(
            id=verdict.broken_at or 0), err=True)
    else:
        click.echo(_("The audit trail is broken: its chain head is missing."), err=True)
    sys.exit(1)
