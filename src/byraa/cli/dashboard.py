"""``byraa dashboard``: the dashboard's key figures, headless."""

from __future__ import annotations

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.clients import dashboard as core_dashboard
from byraa.core.words import formatting, labels
from byraa.core.words.i18n import _


def show_value(unit: str, value: float | None) -> str:
    if value is None:
        return "–"
    if unit == "nok":
        return formatting.nok(int(value), decimals=False)
    if unit == "percent":
        return formatting.percent(value)
    return formatting.count(int(value))


@click.command("dashboard")
@click.option("--period", metavar="YYYY-MM", help="The month (default: this month).")
@click.option("--scope", type=click.Choice(["all", "mine"]), help="All clients or mine (clerks: always mine).")
@click.option("--group", metavar="GROUP", help="Only the clients of this group (e.g. \"Utbetaling 20.\").")
@format_option(("table", "json"))
def command(period: str | None, scope: str | None, group: str | None, fmt: str) -> None:
    """Print the dashboard figures for a month against the month before."""
    ws = workspace()
    assert ws.who is not None
    board = core_dashboard.build(ws.store, ws.who, period, scope, group)
    rows = [
        {"key": f.key, "figure": labels.figure(f.key), "unit": f.unit, "value": f.value,
         "previous": f.previous, "change": f.change, "so_far": f.so_far, "trend": list(f.trend),
         "unknown_reason": f.unknown_reason}
        for f in board.figures
    ]
    if fmt == "json":
        attention = [
            {"kind": a.kind, "severity": a.severity, "client_id": a.client_id, "client": a.client_name,
             "period": a.period, "due": a.due, "count": a.count}
            for a in board.attention
        ]
        emit(rows, [], "json", extra={"period": board.period, "scope": board.scope, "group": board.group,
                                      "months": list(board.months),
                                      "attention": attention})
        return
    scope_words = _("all clients") if board.scope == "all" else _("my clients")
    if board.group:
        scope_words = _("{scope}, group {group}").format(scope=scope_words, group=board.group)
    click.echo(_("Dashboard for {month} ({scope})").format(month=formatting.month_name(board.period), scope=scope_words))
    by_key = {f.key: f for f in board.figures}
    emit(
        [{"figure": r["figure"], "value": show_value(r["unit"], r["value"]),
          "previous": show_value(r["unit"], r["previous"]), "change": _signed(by_key[r["key"]])} for r in rows],
        [Column("figure", _("Figure")), Column("value", _("This month"), right=True),
         Column("previous", _("Month before"), right=True), Column("change", _("Change"), right=True)],
        "table",
    )
    unknown = [f for f in board.figures if f.unknown_reason]
    for f in unknown:
        click.echo(f"– {labels.figure(f.key)}: {labels.figure_unknown(f.unknown_reason or '')}")
    if board.attention:
        click.echo("")
        click.echo(_("Needs attention:"))
        for item in board.attention:
            click.echo(f"  {labels.attention(item)}")


def _signed(figure: core_dashboard.Figure) -> str:
    if figure.value is None or figure.previous is None:
        return "–"
    text = show_value(figure.unit, abs(figure.change))
    if figure.so_far:
        return _("so far")
    return ("+" if figure.change > 0 else "-" if figure.change < 0 else "±") + text
