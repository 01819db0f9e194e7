"""What a file is, for whom and for which month: read from its content, never its name.

``recognise(path)`` looks at the first bytes and, for XML, the root element's namespace;
it reads only as far as it needs (an a-melding's header, a SAF-T file's header) so a
folder of 1,000 files is sorted in well under a second. Kinds:

- ``amelding``: a-melding XML, namespace ``urn:ske:fastsetting:innsamling:a-meldingen:v2_X``;
- ``amelding_json``: the same model as JSON (``{"leveranse": …}``, the 2026 submission API);
- ``a07``: byraa's A07 JSON (``"format": "byraa-a07"``), or an ODS/XLSX in its export layout;
- ``ledger_saft``: SAF-T Financial XML (``urn:StandardAuditFile-Taxation-Financial:NO``);
- ``ledger_csv``: a CSV with ``account``, ``period`` and ``amount`` columns (carries no
  organisation number, so the intake refuses it: ``byraa import ledger --client``);
- ``taxcards``: Skatteetaten's tax-card answer (XML v3 or the API's JSON).

Anything else is ``None`` with the reason. Nothing here touches the store.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from byraa.core.words.i18n import _

SAFT_NS = "urn:StandardAuditFile-Taxation-Financial:NO"
AMELDING_NS = "urn:ske:fastsetting:innsamling:a-meldingen:"
MAX_JSON_BYTES = 200 * 1024 * 1024
KINDS = ("amelding", "amelding_json", "a07", "ledger_saft", "ledger_csv", "taxcards")


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
    message_id: str | None = None
    replaces: str | None = None
    refusal: str | None = None
    """Why the file cannot be imported, naming the file (and the place in it)."""


def _digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def recognise(path: str | os.PathLike[str]) -> Recognised:
    p = Path(path)
    try:
        size, sha = _digest(p)
        with open(p, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return Recognised(p, 0, "", None, refusal=_("{file}: cannot read the file ({reason})").format(
            file=p.name, reason=exc.strerror or exc))
    base = {"path": p, "size": size, "sha256": sha}
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    try:
        if start == b"<":
            return _xml(p, base)
        if start in (b"{", b"["):
            return _json(p, base)
        if head.startswith(b"PK\x03\x04"):
            return _sheets(p, base)
        if _is_ledger_csv(head):
            return Recognised(**base, kind="ledger_csv", refusal=_(
                "{file}: a ledger CSV carries no organisation number; import it with "
                "byraa import ledger --client ORGNR").format(file=p.name))
    except Exception as exc:  # noqa: BLE001  (a hostile or broken file is a refusal, never a crash)
        return Recognised(**base, kind=None, refusal=f"{p.name}: {exc}")
    return Recognised(**base, kind=None, refusal=_("{file}: not a file byraa can import "
                                                   "(a-melding, A07, SAF-T, ledger CSV, tax-card answer)").format(
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
                elif parent == "SelectionCriteria" and name in ("PeriodStart", "PeriodStartYear"):
                    found[name] = text
    except xmlsafe.XmlRejected as exc:
        return Recognised(**base, kind=kind, refusal=f"{p.name}: {exc.reason}")
    if kind == "amelding":
        return Recognised(**base, kind=kind, client=found.get("org") or None,
                          period=found.get("kalendermaaned") or None, message_id=found.get("meldingsId") or None,
                          replaces=found.get("erstatterMeldingsId") or None)
    period = None
    if found.get("PeriodStartYear", "").isdigit() and found.get("PeriodStart", "").isdigit():
        period = f"{int(found['PeriodStartYear']):04d}-{int(found['PeriodStart']):02d}"
    return Recognised(**base, kind=kind, client=found.get("org") or None, period=period)


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

    report = parse_sheets(p, Where(p))
    return Recognised(**base, kind="a07", client=report.client, period=report.period)


def _is_ledger_csv(head: bytes) -> bool:
    first = head.decode("utf-8", "replace").splitlines()[0].lower() if head else ""
    columns = {c.strip().strip('"') for c in first.replace(";", ",").split(",")}
    return {"account", "period", "amount"} <= columns
