"""Tax cards in the store: importing answer files and listing a client's cards.

An import is all-or-nothing per file: every employer in the file must be a client of
the agency (and one the user has access to), otherwise a ``UserError`` names the file
and the org number and nothing is written. Persons not yet registered on the client
become employees without employment. A person's bad entry (invalid national id, an
unreadable card) is a per-person result in the summary, never a refusal of the file.

A new answer for (client, employee, income year) becomes the current card; the one it
replaces stays as history. The same card fetched again changes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import Phrase, UserError
from byraa.core.clients import archive
from byraa.core.clients.lookup import resolve_client
from byraa.core.store import Store
from byraa.core.store.models import Client, Employee
from byraa.core.store.models_altinn import TaxCard, current_tax_card
from byraa.core.taxcards.parse import AnswerRejected, PersonResult, TaxCardAnswer, parse_answer
from byraa.core.words.collation import sort_key
from byraa.core.words.i18n import N_, _

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The portal's own limit is 1 MB (≈15 000 persons); 20 MB leaves room for JSON."""

_UNUSABLE_STATUSES = ("UGYLDIG_INNTEKTSAAR", "UGYLDIG_FORESPOERSEL", "ENDRINGSFORESPOERSEL_UTEN_TIDLIGERE_BESTILLING")


@dataclass(frozen=True)
class PersonError:
    file: str
    org_number: str
    national_id: str
    """Masked."""
    reason: str
    """Why, in the language of the import (``code`` and ``params`` render the whole line anew)."""
    code: str = "taxcards.person_error"
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        from byraa.core.words.errors import render

        return render(self.code, self.params)


@dataclass
class ImportSummary:
    files: int = 0
    persons: int = 0
    cards: int = 0
    """New current results written (cards and no-card results alike)."""
    unchanged: int = 0
    new_employees: int = 0
    errors: list[PersonError] = field(default_factory=list)
    archive_ids: list[int] = field(default_factory=list)

    def merge(self, other: ImportSummary) -> None:
        self.files += other.files
        self.persons += other.persons
        self.cards += other.cards
        self.unchanged += other.unchanged
        self.new_employees += other.new_employees
        self.errors.extend(other.errors)
        self.archive_ids.extend(other.archive_ids)


@dataclass(frozen=True)
class _Prepared:
    path: Path
    data: bytes
    answer: TaxCardAnswer
    clients: dict[str, Client]


def _read(path: Path) -> bytes:
    from byraa.core.files.limits import read_capped

    return read_capped(path, "taxcard")


def _prepare(store: Store, who: Identity, path: Path) -> _Prepared:
    data = _read(path)
    if len(data) > MAX_FILE_BYTES:
        raise UserError("file.over_limit", path=path, limit=f"{MAX_FILE_BYTES:,}")
    try:
        answer = parse_answer(data)
    except AnswerRejected as exc:
        raise UserError("taxcards.not_an_answer", path=path, reason=exc) from None
    if answer.status in _UNUSABLE_STATUSES:
        raise UserError("taxcards.answer_status", path=path, status=answer.status)
    clients: dict[str, Client] = {}
    with store.session() as session:
        for employer in answer.employers:
            org = employer.org_number
            if reason := ids.org_number_error(org):
                raise UserError("taxcards.bad_employer", path=path, org=org or "-", reason=reason)
            clients[org] = resolve_client(session, who, org, file=str(path))
    for employer in answer.employers:  # all or nothing: one broken person refuses the file
        for person in employer.persons:
            if person.error and person.result not in _ANSWERED_ERRORS:
                raise UserError("taxcards.bad_person", path=path, org=employer.org_number,
                                nid=ids.mask_national_id(person.national_id) or "-", reason=Phrase(person.error))
    return _Prepared(path, data, answer, clients)


_ANSWERED_ERRORS = ("ugyldigFoedselsEllerDnummer",)
"""Per-person errors that are Skatteetaten's own answer (kept as results), not a broken file."""


def _deductions_json(person: PersonResult) -> str | None:
    if not person.deductions:
        return None
    return json.dumps([asdict(d) for d in person.deductions], ensure_ascii=False, sort_keys=True)


def _same(card: TaxCard, person: PersonResult) -> bool:
    return (
        card.result == person.result
        and card.card_id == person.card_id
        and card.issued_date == person.issued_date
        and (card.deductions or None) == _deductions_json(person)
        and (card.tilleggsopplysning or None) == (",".join(person.tilleggsopplysning) or None)
    )


def lock_current_cards(session: Session, client_ids: Iterable[int]) -> None:
    """Serialise writers of these clients' current cards until the transaction ends.

    Two fetches (or a fetch and an import) storing the same person's card at once would
    both find the same current card and both insert a new one: the second hit
    ``uq_tax_card_current`` and failed. Locking the clients' rows (in id order, so two
    writers never wait on each other crosswise) makes the second writer read the
    first one's card after it commits and merge into it (unchanged, or a newer card
    replacing it). SQLite has one writer already (``BEGIN IMMEDIATE``); there this
    is a plain read.
    """
    wanted = sorted(set(client_ids))
    if wanted:
        session.execute(select(col(Client.id)).where(col(Client.id).in_(wanted)).order_by(col(Client.id)).with_for_update())


def store_answer(
    session: Session,
    who: Identity,
    answer: TaxCardAnswer,
    clients: dict[str, Client],
    *,
    source_archive_id: int | None,
    label: str,
    fetched_at: datetime | None = None,
) -> ImportSummary:
    """Write one parsed answer's results (in the caller's transaction).

    ``clients`` maps each employer's org number to its client (already checked). Also
    used by the bulk fetch job for answers that came through the Altinn client.
    """
    summary = ImportSummary()
    fetched_at = fetched_at or clock.now()
    lock_current_cards(session, (c.id for c in clients.values() if c.id is not None))
    for employer in answer.employers:
        client = clients[employer.org_number]
        assert client.id is not None
        known = {
            e.national_id: e
            for e in session.scalars(select(Employee).where(col(Employee.client_id) == client.id))
        }
        # The current cards in one query per employer, not one per person (a bulk fetch
        # stores 40,000 persons).
        years = {p.income_year for p in employer.persons if p.income_year is not None}
        currents = {
            (c.employee_id, c.income_year): c
            for c in session.scalars(select(TaxCard).where(
                col(TaxCard.client_id) == client.id, col(TaxCard.income_year).in_(years or {0}),
                current_tax_card()))
        }
        for person in employer.persons:
            summary.persons += 1
            if person.error or person.income_year is None:
                reason = Phrase(person.error or N_("the answer has no inntektsaar for this person"))
                masked = ids.mask_national_id(person.national_id)
                summary.errors.append(PersonError(
                    label, employer.org_number, masked, _(reason), "taxcards.person_error",
                    {"file": label, "org": employer.org_number, "nid": masked, "reason": reason},
                ))
                continue
            employee = known.get(person.national_id)
            if employee is None:
                employee = Employee(client_id=client.id, national_id=person.national_id, name="")
                session.add(employee)
                session.flush()
                known[person.national_id] = employee
                summary.new_employees += 1
            assert employee.id is not None  # loaded or just flushed
            current = currents.get((employee.id, person.income_year))
            if current is not None and _same(current, person):
                summary.unchanged += 1
                continue
            if current is not None:
                current.is_current = False
                session.add(current)
                session.flush()
            main = person.main
            currents[(employee.id, person.income_year)] = card = TaxCard(
                client_id=client.id, employee_id=employee.id or 0, income_year=person.income_year,
                fetched_at=fetched_at, result=person.result, kind=main.kind if main else "none",
                table_number=main.table_number if main else None,
                percentage=main.percentage if main else None,
                free_card_amount=main.free_card_amount if main else None,
                months=main.months if main else None, trekkode=main.trekkode if main else None,
                tilleggsopplysning=",".join(person.tilleggsopplysning)[:300] or None,
                card_id=person.card_id, issued_date=person.issued_date,
                deductions=_deductions_json(person), source_archive_id=source_archive_id, is_current=True,
            )
            session.add(card)
            summary.cards += 1
        session.flush()
    return summary


def _write(store: Store, who: Identity, prepared: _Prepared) -> ImportSummary:
    label = str(prepared.path)
    only = next(iter(prepared.clients.values())) if len(prepared.clients) == 1 else None
    years = {p.income_year for e in prepared.answer.employers for p in e.persons if p.income_year}
    try:
        with store.session() as session:
            archive_id = archive.add(session, archive.ArchiveRecord(
                kind="taxcard", direction="in", content=prepared.data,
                client_id=only.id if only else None,
                period=f"{min(years)}" if len(years) == 1 else None,
                filename=prepared.path.name,
                content_type="application/xml" if prepared.answer.format == "xml" else "application/json",
                note="imported from a file",
            ), user_login=who.login)
            summary = store_answer(session, who, prepared.answer, prepared.clients,
                                   source_archive_id=archive_id, label=label)
            summary.files = 1
            summary.archive_ids.append(archive_id)
            for org, client in prepared.clients.items():
                audit.record(session, actor=who.login, action="taxcards.import", entity="archive_file",
                             entity_id=archive_id, client_id=client.id,
                             after={"file": prepared.path.name, "org_number": org, "cards": summary.cards,
                                    "new_employees": summary.new_employees, "errors": len(summary.errors)})
    except IntegrityError:
        raise UserError("taxcards.import_conflict", path=prepared.path) from None
    return summary


def import_files(store: Store, who: Identity, paths: Sequence[str | os.PathLike[str]]) -> ImportSummary:
    """Import tax-card answer files (XML v3 or the API's JSON).

    Every file is read and checked before anything is written, so one bad file (or an
    employer that is not a client) refuses the whole command with nothing changed.
    """
    if not paths:
        raise UserError("taxcards.no_files")
    prepared = [_prepare(store, who, Path(p)) for p in paths]
    total = ImportSummary()
    for item in prepared:
        total.merge(_write(store, who, item))
    return total


def import_file(store: Store, who: Identity, path: str | os.PathLike[str]) -> ImportSummary:
    return import_files(store, who, [path])


# --- Listing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxCardRow:
    employee_id: int
    national_id: str
    """Masked (``010190*****``) unless revealed."""
    name: str
    income_year: int
    result: str
    kind: str
    table_number: str | None
    percentage: float | None
    free_card_amount: int | None
    """Øre."""
    months: float | None
    trekkode: str | None
    tilleggsopplysning: tuple[str, ...]
    card_id: str | None
    issued_date: date | None
    fetched_at: datetime
    current: bool


def list_cards(
    store: Store,
    who: Identity,
    client: str,
    year: int | None = None,
    *,
    reveal: bool = False,
    history: bool = False,
) -> list[TaxCardRow]:
    """A client's tax cards (current ones unless ``history``), national ids masked.

    ``reveal`` shows the full national ids; it needs access to the client like any
    listing, and each reveal is written to the audit log.
    """
    with store.session() as session:
        row = resolve_client(session, who, client)
        query = (
            select(TaxCard, Employee)
            .join(Employee, col(Employee.id) == col(TaxCard.employee_id))
            .where(col(TaxCard.client_id) == row.id)
        )
        if year is not None:
            query = query.where(col(TaxCard.income_year) == year)
        if not history:
            query = query.where(current_tax_card())
        rows = [
            TaxCardRow(
                e.id or 0, e.national_id if reveal else ids.mask_national_id(e.national_id), e.name,
                c.income_year, c.result, c.kind, c.table_number, c.percentage, c.free_card_amount, c.months,
                c.trekkode, tuple(t for t in (c.tilleggsopplysning or "").split(",") if t), c.card_id,
                c.issued_date, c.fetched_at, c.is_current,
            )
            # Newest year first, then names in Norwegian order (core.words.collation).
            for c, e in sorted(session.execute(query), key=lambda x: (-x[0].income_year, sort_key(x[1].name),
                                                                    x[1].national_id, -(x[0].id or 0)))
        ]
        if reveal:
            audit.record(session, actor=who.login, action="national_id.reveal", entity="tax_card",
                         client_id=row.id,
                         after={"listing": "taxcards", "year": year,
                                "employee_ids": sorted({r.employee_id for r in rows})})
        return rows


def employers_in(answer: TaxCardAnswer) -> Iterable[str]:
    return (e.org_number for e in answer.employers)
