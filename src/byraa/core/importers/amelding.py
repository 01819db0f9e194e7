"""The a-melding importer (payroll side): XML v2_0 to v2_3, streamed.

Reading the file is ``amelding_read``, writing its rows ``amelding_writer``; listing the
register it builds is ``core.clients.employees``.

``urn:ske:fastsetting:innsamling:a-meldingen:v2_X``, root ``melding`` → ``Leveranse``
(``altinn-contracts.md`` §4.1). ``amelding_read`` turns the file into plain events (it
is pure, so the intake runs it in worker processes); ``Writer`` writes them. Read
in-process, the events are streamed: each ``inntektsmottaker`` is dropped once read, so
a 200 MB file needs memory for one batch of recipients only.

What it writes, in one transaction with the archived file and an audit event, with one
statement per table per batch (no statement per recipient):

- a ``recon_source`` (kind ``amelding``) with the meldingsId, replacing an earlier
  a-melding of the same client and month with the same meldingsId or the one named in
  ``erstatterMeldingsId``;
- per recipient and month the income lines, the withholding, and per sub-unit and zone
  the AGA basis, rate and amount (side ``payroll``);
- byraa's employee register for the client: employees (by national id), their
  employments (by ``arbeidsforholdId``), leaves; new sub-units are added. The register
  is only updated from the newest month imported for the client, so importing an old
  a-melding does not roll the register back.

Recipients identified only by an international id are skipped (counted in the notes).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.importers import ImportResult, Where, payroll_side, sha256_file
from byraa.core.importers.amelding_read import (  # noqa: F401  (the importer's public names)
    INCOME_KINDS,
    NAMESPACE_PREFIX,
    NAMESPACES,
    VERSIONS,
    ZONES,
    Header,
    Parsed,
    _Recipient,
    events,
    parse_aga,
    parse_employment,
    parse_income,
    rate_amount,
    read_file,
)
from byraa.core.importers.amelding_writer import Writer
from byraa.core.importers.archiving import archive_file
from byraa.core.store import Store
from byraa.core.store.models_reconcile import ReconSource

_T_SOURCE = ReconSource.__table__  # type: ignore[attr-defined]


_ATTEMPTS = 3
"""Tries of an import that lost a race: the second re-reads and finds the winner's copy."""


def import_amelding(store: Store, who: Identity, path: str | os.PathLike[str]) -> ImportResult:
    """Import one a-melding XML file (all or nothing), reading it streamed in this process.

    The database keeps one active version per client, month and meldingsId (a partial
    unique index), so importers of the same file at once cannot both store it: the one
    that loses rolls back, reads again and reports the file ``unchanged`` (or, when the
    winner was another version of the same a-melding, ``replaced`` it).
    """
    return _with_retries(store, who, Path(path), None)


def import_parsed(store: Store, who: Identity, parsed: Parsed) -> ImportResult:
    """Store a file ``read_file`` has read (in a worker process): the same outcome as
    ``import_amelding`` of the file, and the archive keeps the very bytes that were read."""
    return _with_retries(store, who, Path(parsed.path), parsed)


def _with_retries(store: Store, who: Identity, path: Path, parsed: Parsed | None) -> ImportResult:
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            result = _import_once(store, who, path, parsed)
        except IntegrityError:  # another importer committed the same version (or sub-unit) first
            if attempt == _ATTEMPTS:
                raise UserError("import.conflict", file=path.name) from None
            continue
        if attempt > 1 and result.status == "imported" and any(n.startswith("replaces ") for n in result.notes):
            result.status = "replaced"
        return result
    raise AssertionError("unreachable")


def _replayed(parsed: Parsed) -> Iterator[tuple]:
    yield from parsed.events
    if parsed.error is not None:
        raise parsed.error


def _import_once(store: Store, who: Identity, path: Path, parsed: Parsed | None) -> ImportResult:
    where = Where(path)
    if parsed is None:
        digest = sha256_file(path)
        stream: Iterator[tuple] = events(path, where)
        content = None
    else:
        if parsed.content is None and parsed.error is not None:  # unreadable: nothing was read
            raise parsed.error
        digest, stream, content = parsed.digest, _replayed(parsed), parsed.content
    result: ImportResult | None = None
    writer: Writer | None = None
    skipped = 0
    message_id: str | None = None
    kept = store.batch_cache()
    with store.write_session() as session:
        for item in stream:
            kind = item[0]
            if kind == "recipient":
                assert writer is not None
                writer.add_recipient(item[1], item[2], item[3], item[4])
            elif kind == "begin":
                message_id = item[1].message_id
                result, writer = _begin(session, who, path, where, digest, item[1], content, kept)
                if writer is None:
                    return result
            elif kind == "unit":
                assert writer is not None
                writer.unit(item[1], item[2])
            elif kind == "skipped":
                skipped += 1
            elif kind == "aga":
                assert writer is not None
                writer.add_aga(item[1], item[2])
            elif kind == "payment":
                assert writer is not None
                writer.declared.update(item[1])
        if writer is None or result is None:
            raise where.refuse("<Leveranse>", "amelding.no_oppgave")
        writer.flush()
        if skipped:
            result.notes.append(f"{skipped} recipients without a Norwegian national id were skipped")
        result.counts = dict(writer.counts)
        session.execute(update(_T_SOURCE).where(_T_SOURCE.c.id == writer.source_id).values(
            employees_active=writer.counts["employees_active"], leaves_active=writer.counts["leaves_active"],
            **writer.declared))
        payroll_side.derive_imported(
            session, writer.client, writer.period, source_id=writer.source_id, message_id=writer.message_id,
            sha256=digest, submitted_at=writer.delivered_at or writer.imported_at, earlier=writer.earlier,
            figures=payroll_side.Figures(
                persons=len(writer.persons), gross=writer.gross, withholding=writer.withheld, aga=writer.aga_total,
                expenses=writer.expenses, absences=writer.counts["leaves_active"],
                active_employees=writer.counts["employees_active"]))
        audit.record(session, actor=who.login, action="import.amelding", entity="recon_source",
                     entity_id=result.source_id, client_id=writer.client_id,
                     after={"file": path.name, "sha256": digest, "period": result.period,
                            "message_id": message_id or "", **result.counts})
    writer.keep()
    return result


def _begin(session: Session, who: Identity, path: Path, where: Where, digest: str, header: Header,
           content: bytes | None, kept: dict[Any, Any]) -> tuple[ImportResult, Writer | None]:
    """Find the client, decide (one query for the client's a-meldinger), archive and open the source."""
    period, org, message_id, replaces = header.period, header.org, header.message_id, header.replaces
    client = kept.get(("client", who.login, org))
    if client is None:  # a batch resolves each client once (``Store.batch_cache``)
        client = kept[("client", who.login, org)] = resolve_client(session, who, org, file=where.name)
    assert client.id is not None
    result = ImportResult(path=str(path), kind="amelding", client=org, period=period)
    t = _T_SOURCE
    sources = session.execute(select(t.c.id, t.c.period, t.c.sha256, t.c.active, t.c.message_id,
                                     t.c.replaces_message_id, t.c.imported_at)
                              .where(t.c.client_id == client.id, t.c.kind == "amelding").order_by(t.c.id)).all()
    # The same file again is unchanged, also when a newer a-melding has replaced it since
    # (re-reading a folder must not bring an old version back).
    same = [s for s in sources if s.sha256 == digest]
    if same:
        result.status = "unchanged"
        result.source_id = next((s.id for s in same if s.active), same[0].id)
        return result, None
    newer = any(s.active and s.period is not None and s.period > period for s in sources)
    if message_id and any(s.period == period and s.replaces_message_id == message_id for s in sources):
        # An older version of the month, replaced already by a file imported before it.
        result.status = "superseded"
        result.notes.append(f"the a-melding {message_id} is replaced already by a newer one")
        return result, None
    archive_id, _ = archive_file(session, path=path, content=content, client_id=client.id, kind="amelding",
                                 period=period, content_type="application/xml", login=who.login)
    # A newer a-melding of the month replaces the active ones: by erstatterMeldingsId, by the
    # same meldingsId, or (a payroll system that does not fill erstatterMeldingsId) by period.
    old = [s for s in sources if s.period == period and s.active]
    if old:
        session.execute(update(t).where(t.c.id.in_([s.id for s in old])).values(active=False))
        result.status = "replaced"
        result.notes.extend(f"replaces the a-melding {s.message_id} imported {s.imported_at:%Y-%m-%d}" for s in old)
    now = clock.now()
    stored_id = (message_id or "")[:150] or None
    source_id = session.execute(insert(t).returning(t.c.id), [{
        "client_id": client.id, "kind": "amelding", "period": period, "period_to": period,
        "message_id": stored_id, "replaces_message_id": replaces or None,
        "archive_id": archive_id, "sha256": digest, "filename": path.name[:255], "imported_at": now,
        "imported_by": who.login, "active": True, "delivered_at": header.delivered_at}]).scalar_one()
    result.archive_id, result.source_id = archive_id, source_id
    if newer:
        result.notes.append("a newer month is imported already: the employee register was left as it is")
    writer = Writer(session, client, period, source_id, update_register=not newer, where=where, kept=kept)
    writer.earlier = sum(1 for s in sources if s.period == period)
    writer.message_id, writer.imported_at = stored_id, now
    writer.delivered_at = header.delivered_at
    return result, writer


def import_many(store: Store, who: Identity, paths: Iterable[str | os.PathLike[str]]) -> list[ImportResult]:
    """Import a-melding files one by one (each all or nothing; the first refusal stops)."""
    from byraa.core.importers import expand_paths

    return [import_amelding(store, who, p) for p in expand_paths(list(paths), (".xml",))]
