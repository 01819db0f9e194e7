"""``byraa archive list|show|export``: the files exchanged with the authorities."""

from __future__ import annotations

import json
from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.clients.archive import DIRECTIONS, KINDS
from byraa.core.words import formatting, labels
from byraa.core.words.i18n import _


@click.group("archive")
def command() -> None:
    """The archive of every file exchanged with the authorities."""


@command.command("list")
@click.option("--client", "org_number", metavar="ORGNR", help="Only this client's files.")
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--period", help="Only this period (YYYY-MM, a ledger by any month it covers; a year for tax cards).")
@click.option("--direction", type=click.Choice(DIRECTIONS))
@click.option("--limit", type=int, default=1000, show_default=True)
@format_option()
def list_(org_number: str | None, kind: str | None, period: str | None, direction: str | None, limit: int,
          fmt: str) -> None:
    """Archived files you may see, newest first."""
    from byraa.core.clients import archive as core_archive

    ws = workspace()
    assert ws.who is not None
    entries = core_archive.list_files(ws.store, ws.who, client=org_number, kind=kind, period=period,
                                      direction=direction, limit=limit)
    rows = [core_archive.as_dict(e) for e in entries]
    if fmt == "csv":
        for r in rows:
            r["headers"] = json.dumps(r["headers"], sort_keys=True)
    elif fmt == "table":  # a ledger's months as a span; JSON and CSV keep period and period_to
        for r in rows:
            r["period"] = formatting.period_span(r["period"], r["period_to"])
    emit(rows, [
        Column("id", _("Id"), str, right=True),
        Column("created_at", _("Time"), formatting.timestamp),
        Column("org_number", _("Org. no.")),
        Column("kind", _("Kind"), labels.archive_kind),
        Column("direction", _("Direction"), labels.archive_direction),
        Column("period", _("Period")),
        Column("status_code", _("Status"), str),
        Column("filename", _("File")),
        Column("size", _("Size"), formatting.count, right=True),
        Column("user_login", _("User")),
        Column("sha256", _("SHA-256"), lambda s: s[:12]),
    ] + ([Column("period_to", "period_to"), Column("correlation_id", "correlation_id"),
          Column("content_type", "content_type"),
          Column("method", "method"), Column("url", "url"), Column("headers", "headers")]
         if fmt == "csv" else []), fmt)


@command.command("show")
@click.argument("archive_id", type=int)
@click.option("--raw", is_flag=True, help="The bytes as exchanged, not pretty-printed.")
@click.option("--reveal", is_flag=True, help="Show national ids in full (audited).")
def show(archive_id: int, raw: bool, reveal: bool) -> None:
    """One archived file: its metadata and its content pretty-printed (national ids masked)."""
    from byraa.core.clients import archive as core_archive

    ws = workspace()
    assert ws.who is not None
    if raw:
        _entry, content = core_archive.get(ws.store, ws.who, archive_id, reveal=reveal)
        click.echo(content, nl=False)
        return
    entry, body = core_archive.show(ws.store, ws.who, archive_id, reveal=reveal)
    meta = [
        (_("Id"), str(entry.id)), (_("Time"), formatting.timestamp(entry.created_at)),
        (_("Client"), f"{entry.org_number} {entry.client_name}" if entry.org_number else _("agency")),
        (_("Kind"), entry.kind), (_("Direction"), entry.direction), (_("Period"), entry.period or ""),
        (_("File"), entry.filename or ""), (_("Content type"), entry.content_type or ""),
        (_("Size"), formatting.count(entry.size)), ("SHA-256", entry.sha256),
        (_("Correlation id"), entry.correlation_id or ""), (_("User"), entry.user_login or ""),
    ]
    if entry.method or entry.url:
        meta.append(("HTTP", f"{entry.method or ''} {entry.url or ''} {entry.status_code or ''}".strip()))
    if entry.note:
        meta.append((_("Note"), entry.note))
    width = max(len(k) for k, _v in meta)
    for key, value in meta:
        click.echo(f"{key.ljust(width)}  {value}")
    for key, value in sorted(entry.headers.items()):
        click.echo(f"{'':{width}}  {key}: {value}")
    click.echo("")
    click.echo(body)


@command.command("export")
@click.argument("archive_id", type=int)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Where to write the copy.")
@click.option("--overwrite", is_flag=True, help="Replace an existing file.")
def export(archive_id: int, out: Path, overwrite: bool) -> None:
    """Save a copy of an archived file (created readable by you only)."""
    from byraa.core.clients import archive as core_archive

    ws = workspace()
    assert ws.who is not None
    path = core_archive.export(ws.store, ws.who, archive_id, out, overwrite=overwrite)
    click.echo(_("Saved {path}.").format(path=path))
