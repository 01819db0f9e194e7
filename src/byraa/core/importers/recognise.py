"""What a file is, for whom and for which month: read from its content, never its name.

``recognise(path)`` looks at the first bytes and, for XML, the root element's namespace;
it reads only as far as it needs (an a-melding's header, a SAF-T file's header) so a
folder of 1,000 files is sorted in well under a second. Kinds:

- ``amelding``: a-melding XML, namespace ``urn:ske:fastsetting:innsamling:a-meldingen:v2_X``;
- ``amelding_json``: the same model as JSON (``{"leveranse": …}``, the 2026 submission API);
- ``a07``: byraa's A07 JSON (``"format": "byraa-a07"``), or an ODS/XLSX in its export layout;
- ``ledger_saft``: SAF-T Financial XML (``urn:StandardAuditFile-Taxation-Financial:NO``);
- ``ledger_csv``: a CSV with ``account``, ``period`` and ``amount`` columns;
- ``journal``: the payroll system's posting journal, CSV or XLSX (``core/posting/journal``:
  account, pay form, period, amount or debit/credit);
- ``taxcards``: Skatteetaten's tax-card answer (XML v3 or the API's JSON).

A ledger CSV and a journal carry no organisation number: their client comes from a
client column, the file name or the folder (``client_of``). Anything else is ``None``
with the reason. Nothing here touches the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from byraa.core.words.i18n import _

SAFT_NS = "urn:StandardAuditFile-Taxation-Financial:NO"
AMELDING_NS = "urn:ske:fastsetting:innsamling:a-meldingen:"
MAX_JSON_BYTES = 200 * 1024 * 1024
KINDS = ("amelding", "amelding_json", "a07", "ledger_saft", "ledger_csv", "journal", "taxcards")


@dataclass(frozen=True)
class Recognised:
    path: Path
    size: int
    sha256: str
    kind: str | None
    client: str | None = None
    """The organisation number the file names (a-melding: opplysningspliktig)."""
    period: str | None = None
    """``YYYY-MM``; a tax-card answer: its income year ``YYYY``."""
    period_to: str | None = None
    """A ledger's last month (``YYYY-MM``): a ledger covers months, the other kinds one."""
    message_id: str | None = None
    replaces: str | None = None
    refusal: str | None = None
    """Why the file cannot be imported, naming the file (and the place in it)."""
    run: tuple[str, str, bool] | None = None
    """A posting journal's run: (pay form, period, off-cycle)."""


def _digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


PARALLEL_FROM = 2000
"""From this many files on, worker processes recognise them (the 1,000-client demo's
14,500 files took 6.7 s on one core); fewer are recognised here, since starting a worker
costs about 0.4 s."""


def recognise_all(paths: list[Path]) -> list[Recognised]:
    """``recognise`` of every file, in order: in worker processes (one per core, up to 4)
    for many files, here for a few, or when no worker can be started."""
    from concurrent.futures.process import BrokenProcessPool

    from byraa.core.base.processes import cores, spawn_pool

    pool = spawn_pool(min(4, cores())) if len(paths) >= PARALLEL_FROM and cores() > 1 else None
    if pool is None:
        return [recognise(p) for p in paths]
    with pool:
        try:
            return list(pool.map(recognise, paths, chunksize=256))
        except BrokenProcessPool:  # a worker was killed: the folder is read here instead
            return [recognise(p) for p in paths]


def recognise(path: str | os.PathLike[str]) -> Recognised:
    p = Path(path)
    try:
        size, sha = _digest(p)
        with open(p, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return Recognised(p, 0, "", None, refusal=_("{file}: cannot read the file ({reason})").format(
            file=p.name, reason=exc.strerror or exc))
    base: dict[str, Any] = {"path": p, "size": size, "sha256": sha}
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    try:
        if start == b"<":
            return _xml(p, base)
        if start in (b"{", b"["):
            return _json(p, base)
        if head.startswith(b"PK\x03\x04"):
            return _sheets(p, base)
        if _csv_columns(head) & _TABLE_COLUMNS:
            table = _table(p, base)
            if table.kind is not None:
                return table
    except Exception as exc:  # noqa: BLE001  (a hostile or broken file is a refusal, never a crash)
        return Recognised(**base, kind=None, refusal=f"{p.name}: {exc}")
    return Recognised(**base, kind=None, refusal=_("{file}: not a file byraa can import "
                                                   "(a-melding, A07, SAF-T, ledger CSV, posting journal, tax-card answer)").format(
        file=p.name))


def _xml(p: Path, base: dict[str, Any]) -> Recognised:
    from byraa.core.files import xmlsafe

    stack: list[str] = []
    found: dict[str, str] = {}
    kind: str | None = None
    try:
        for event, el in _head_events(p):
            name = xmlsafe.local_name(el)
            if event == "start":
                if not stack:
                    ns = xmlsafe.namespace(el) or ""
                    if name == "melding" and ns.startswith(AMELDING_NS):
                        kind = "amelding"
                    elif name == "AuditFile" and ns == SAFT_NS:
                        kind = "ledger_saft"
                    elif name == "skattekortTilArbeidsgiver":
                        return _taxcards(p, base)
                    else:
                        return Recognised(**base, kind=None, refusal=_(
                            "{file}: an XML file byraa does not know (root <{root}>)").format(file=p.name, root=name))
                stack.append(name)
                if kind == "amelding" and name == "oppgave" or kind == "ledger_saft" and name == "MasterFiles":
                    break
                continue
            stack.pop()
            parent = stack[-1] if stack else ""
            text = (el.text or "").strip()
            if kind == "amelding":
                if parent == "Leveranse" and name in ("kalendermaaned", "meldingsId", "erstatterMeldingsId"):
                    found[name] = text
                elif name == "norskIdentifikator" and parent == "opplysningspliktig":
                    found["org"] = text
            elif kind == "ledger_saft":
                if name == "RegistrationNumber" and parent == "Company" and len(stack) == 3:
                    found["org"] = text
                elif parent == "SelectionCriteria" and name in ("PeriodStart", "PeriodStartYear", "PeriodEnd",
                                                                "PeriodEndYear"):
                    found[name] = text
    except xmlsafe.XmlRejected as exc:
        return Recognised(**base, kind=kind, refusal=f"{p.name}: {exc.reason}")
    if kind == "amelding":
        return Recognised(**base, kind=kind, client=found.get("org") or None,
                          period=found.get("kalendermaaned") or None, message_id=found.get("meldingsId") or None,
                          replaces=found.get("erstatterMeldingsId") or None)
    return Recognised(**base, kind=kind, client=found.get("org") or None, period=_month(found, "Start"),
                      period_to=_month(found, "End"))


def _month(found: dict[str, str], edge: str) -> str | None:
    """A SAF-T header's first or last month (``SelectionCriteria``), ``YYYY-MM``."""
    year, month = found.get(f"Period{edge}Year", ""), found.get(f"Period{edge}", "")
    return f"{int(year):04d}-{int(month):02d}" if year.isdigit() and month.isdigit() else None


class _Sips:
    """Hands the parser 8 KB at a time: it parses what it is given whole, and the header
    is near the top, so a 60 KB a-melding is not parsed to its end just to be sorted."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh

    def read(self, size: int = -1) -> bytes:
        return self.fh.read(8192 if size is None or size < 0 else min(size, 8192))


def _head_events(p: Path) -> Iterator[tuple[str, Any]]:
    from byraa.core.files import xmlsafe

    with open(p, "rb") as fh:
        yield from xmlsafe.iterparse(_Sips(fh), events=("start", "end"))  # type: ignore[arg-type]


def _taxcards(p: Path, base: dict[str, Any]) -> Recognised:
    from byraa.core.taxcards.parse import AnswerRejected, parse_answer

    try:
        answer = parse_answer(p.read_bytes())
    except AnswerRejected as exc:
        return Recognised(**base, kind="taxcards", refusal=f"{p.name}: {exc.reason}")
    orgs = sorted({e.org_number for e in answer.employers})
    years = sorted({str(x.income_year) for e in answer.employers for x in e.persons if x.income_year})
    return Recognised(**base, kind="taxcards", client=",".join(orgs) or None, period=",".join(years) or None)


def _json(p: Path, base: dict[str, Any]) -> Recognised:
    if base["size"] > MAX_JSON_BYTES:
        return Recognised(**base, kind=None, refusal=_("{file}: a JSON file over {limit} MB").format(
            file=p.name, limit=MAX_JSON_BYTES // 1024 // 1024))
    try:
        data = json.loads(p.read_bytes())
    except (ValueError, RecursionError) as exc:
        return Recognised(**base, kind=None, refusal=_("{file}: not valid JSON ({reason})").format(
            file=p.name, reason=str(exc)[:80]))
    if isinstance(data, dict) and data.get("format") == "byraa-a07":
        return Recognised(**base, kind="a07", client=str(data.get("opplysningspliktig") or "") or None,
                          period=str(data.get("kalendermaaned") or "") or None)
    lev = data.get("leveranse", data.get("Leveranse")) if isinstance(data, dict) else None
    if isinstance(lev, dict):
        org = (lev.get("opplysningspliktig") or {}).get("norskIdentifikator") if isinstance(
            lev.get("opplysningspliktig"), dict) else None
        return Recognised(**base, kind="amelding_json", client=str(org or "") or None,
                          period=str(lev.get("kalendermaaned") or "") or None,
                          message_id=lev.get("meldingsId"), replaces=lev.get("erstatterMeldingsId"))
    return _taxcards(p, base)


def _sheets(p: Path, base: dict[str, Any]) -> Recognised:
    from byraa.core.importers import Where
    from byraa.core.reconcile.a07 import parse_sheets

    try:
        report = parse_sheets(p, Where(p))
    except Exception:
        table = _table(p, base)  # not an A07 workbook: perhaps a posting journal
        if table.kind is not None:
            return table
        raise
    return Recognised(**base, kind="a07", client=report.client, period=report.period)


_TABLE_COLUMNS = {"account", "konto"}
CLIENT_COLUMNS = ("client", "klient", "orgnr", "org_number", "organisasjonsnummer")
"""Columns that name a ledger CSV's or posting journal's client (the first one present counts)."""
_ORG_PREFIX = re.compile(r"^(\d{9})_")


def _csv_columns(head: bytes) -> set[str]:
    first = head.decode("utf-8-sig", "replace").splitlines()[0].lower() if head else ""
    return {c.strip().strip('"') for c in first.replace(";", ",").split(",")}


def _table(p: Path, base: dict[str, Any]) -> Recognised:
    """A ledger CSV or a posting journal (CSV/XLSX), and its client: they carry no
    organisation number of their own (``client_of``)."""
    from byraa.core.base.errors import UserError
    from byraa.core.posting import journal

    try:
        rows = journal.read_rows(p)
    except UserError as exc:
        return Recognised(**base, kind=None, refusal=str(exc))
    columns = set().union(*(r.keys() for r in rows)) if rows else set()
    if journal.is_journal(columns):
        kind = "journal"
    elif {"account", "period", "amount"} <= columns:
        kind = "ledger_csv"
    else:
        return Recognised(**base, kind=None)
    client, refusal = client_of(p, rows)
    if refusal:
        return Recognised(**base, kind=kind, refusal=refusal)
    if kind == "journal":
        try:
            run, _lines = journal.parse(p)
        except UserError as exc:
            return Recognised(**base, kind=kind, client=client, refusal=str(exc))
        return Recognised(**base, kind=kind, client=client, period=run.period,
                          run=(run.pay_form, run.period, run.off_cycle))
    months = sorted(v for r in rows if len(v := (r.get("period") or "").strip()) == 7)
    return Recognised(**base, kind=kind, client=client, period=months[0] if months else None,
                      period_to=months[-1] if months else None)


def client_of(p: Path, rows: list[dict[str, str]]) -> tuple[str | None, str | None]:
    """(organisation number, refusal) of a file without one of its own, first rule that speaks:

    1. a client column (``CLIENT_COLUMNS``): every line that fills it names the same one;
    2. the file name starts with the organisation number and ``_`` (``310000019_hovedbok.csv``);
    3. the nearest folder above it named by an organisation number (``innboks/310000019/…``).
    """
    from byraa.core.base import ids

    def checked(value: str, source: str) -> tuple[str | None, str | None]:
        reason = ids.org_number_error(value)
        if reason:
            return None, _("{file}: {value} ({source}) is not a valid organisation number ({reason})").format(
                file=p.name, value=value[:20], source=source, reason=reason)
        return value, None

    column = next((c for c in CLIENT_COLUMNS if any(c in r for r in rows)), None)
    if column is not None:
        values = {(r.get(column) or "").replace(" ", "") for r in rows} - {""}
        if len(values) > 1:
            return None, _("{file}: the column {column} names more than one client ({orgs})").format(
                file=p.name, column=column, orgs=", ".join(sorted(values)[:3]))
        if values:
            return checked(values.pop(), _("column {column}").format(column=column))
    match = _ORG_PREFIX.match(p.name)
    if match:
        return checked(match.group(1), _("file name"))
    for folder in p.parents:
        if len(folder.name) == 9 and folder.name.isdigit():
            return checked(folder.name, _("folder name"))
    return None, _("{file}: no client is named: give the file a client column, start its name with the "
                   "organisation number and _ (ORGNR_name.csv), or put it in a folder named by the "
                   "organisation number").format(file=p.name)
