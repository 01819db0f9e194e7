"""Importers of the three sides of a reconciliation: payroll, a-ordningen and the ledger.

Every importer is all-or-nothing per file: it reads and checks the whole file, and
everything it writes (the figures, the employee register, the archived file and the
audit event) goes into one transaction, so a refused file leaves no trace. A bad national
id, organisation number, period or amount refuses the whole file with the file and the
element (with its line) or the CSV/sheet line named, as a ``UserError`` (exit 2).

Every imported file is stored unchanged in ``archive_file`` with its SHA-256; a file
already imported for the same client (same checksum, still active) is not imported twice
(``archiving``).

This module holds what reading a file needs (places, refusals, parsing ids, dates and
amounts) and nothing of the store: the intake's reader processes import it, and each
module they import costs every reader its start.

Modules: ``amelding`` (a-melding XML v2_0..v2_3), ``a07`` (A07 as byraa's JSON, ODS or
XLSX), ``ledger`` (SAF-T Financial XML and plain CSV). ``import_paths`` expands folders.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from byraa.core.base import clock, ids
from byraa.core.base.errors import UserError
from byraa.core.words.i18n import _

MAX_XML_BYTES = 1024 * 1024 * 1024
"""1 GB: a-meldinger and SAF-T files are streamed, so their size only costs time."""

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ORE = 99_999_999_999_999
"""999 999 999 999,99 kr: far above any payroll figure, and safe in a BIGINT after sums."""
_AMOUNT = re.compile(r"^([+-]?)(\d{1,15})(?:[.,](\d{1,2}))?$")


class ImportRefused(UserError):
    """A file refused whole: the message names the file and the element or line."""


@dataclass
class ImportResult:
    """What one file brought in."""

    path: str
    kind: str
    client: str
    """The client's org number."""
    period: str | None
    status: str = "imported"
    """``imported``; ``replaced`` when it replaced an earlier file of the month; ``unchanged``
    when the same file was already imported; ``superseded`` when a newer version of it is."""
    counts: dict[str, int] = field(default_factory=dict)
    archive_id: int | None = None
    source_id: int | None = None
    notes: list[str] = field(default_factory=list)


Place = str | Callable[[], str]
"""Where in a file a value stands: the words, or a function that makes them. Readers of
large files pass the function, so the words (a line number looked up, a phrase
translated) are made only for the value that is refused, not for every value read."""


class Where:
    """Names a place in a file for refusals: ``file.xml, <beloep> line 12``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.name = Path(path).name

    def refuse(self, where: Place, code: str, /, **params: object) -> ImportRefused:
        """The file refused at ``where`` for the reason ``code`` (a words code) with ``params``."""
        place = where if isinstance(where, str) else where()
        return ImportRefused("import.refused", file=self.name, where=place, reason=UserError(code, **params))


def element_where(element: Any, what: str | None = None) -> str:
    """``<norskIdentifikator> (line 12)`` for an lxml element."""
    from byraa.core.files import xmlsafe

    name = what or xmlsafe.local_name(element)
    line = getattr(element, "sourceline", None)
    return _("<{name}> (line {line})").format(name=name, line=line) if line else f"<{name}>"


def local_name(element: Any) -> str:
    """The element's tag without its ``{namespace}`` ("" for a comment or processing instruction)."""
    tag = element.tag
    return tag[tag.rfind("}") + 1:] if type(tag) is str else ""


def child(element: Any, name: str) -> Any:
    """The first child called ``name``, or None."""
    for c in element:
        if local_name(c) == name:
            return c
    return None


def children(element: Any) -> dict[str, list[Any]]:
    """An element's children by local name, in one pass (cheaper than a scan per lookup)."""
    out: dict[str, list[Any]] = {}
    for c in element:
        tag = c.tag
        if type(tag) is str:
            name = tag[tag.rfind("}") + 1:]
            if name in out:
                out[name].append(c)
            else:
                out[name] = [c]
    return out


def first_child(kids: dict[str, list[Any]], name: str) -> Any:
    """The first child called ``name`` (of ``children``), or None."""
    found = kids.get(name)
    return found[0] if found else None


def element_text(element: Any) -> str | None:
    """The element's text, stripped; None when there is none."""
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def child_text(kids: dict[str, list[Any]], name: str) -> str | None:
    """The stripped text of the first child called ``name``; None when missing or empty."""
    found = kids.get(name)
    return element_text(found[0]) if found else None


def iter_xml(path: str | os.PathLike[str] | IO[bytes], *, events: tuple[str, ...] = ("start", "end"),
             max_bytes: int = MAX_XML_BYTES) -> Iterator[tuple[str, Any]]:
    """The one way importers stream XML: byraa's hardened ``xmlsafe.iterparse``.

    No DTD, no entities, no network, ``huge_tree`` off, any DOCTYPE refused. An
    ``XmlRejected`` is turned into an ``ImportRefused`` naming the file.
    """
    from byraa.core.files import xmlsafe

    name = Path(path).name if isinstance(path, str | os.PathLike) else getattr(path, "name", "the file")
    try:
        yield from xmlsafe.iterparse(path, events=events, max_bytes=max_bytes)
    except xmlsafe.XmlRejected as exc:
        raise ImportRefused("import.xml_rejected", file=Path(str(name)).name, reason=exc) from None


# --- Values -----------------------------------------------------------------------------


def parse_amount(text: str | None, where: Where, place: Place, *, required: bool = True) -> int | None:
    """A decimal amount in kroner (at most two decimals) as øre."""
    value = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not value:
        if required:
            raise where.refuse(place, "import.amount_missing")
        return None
    match = _AMOUNT.match(value)
    if not match:
        raise where.refuse(place, "import.not_amount_decimals", value=value[:30])
    sign, whole, frac = match.groups()
    ore = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    return _in_range(-ore if sign == "-" else ore, value, where, place)


def _in_range(ore: int, shown: object, where: Where, place: Place) -> int:
    if abs(ore) > MAX_ORE:
        raise where.refuse(place, "import.amount_out_of_range", value=repr(str(shown)[:30]))
    return ore


def amount_from_number(value: Any, where: Where, place: Place, *, required: bool = True) -> int | None:
    """An amount from JSON or a spreadsheet cell (number or text) as øre."""
    if value is None or value == "":
        if required:
            raise where.refuse(place, "import.amount_missing")
        return None
    if isinstance(value, bool):
        raise where.refuse(place, "import.not_amount", value=value)
    if isinstance(value, int):
        return _in_range(value * 100, value, where, place)
    if isinstance(value, float | Decimal):
        try:
            dec = Decimal(str(value)) if isinstance(value, float) else value
            ore = dec * 100
        except InvalidOperation:
            raise where.refuse(place, "import.not_amount", value=value) from None
        if not ore.is_finite():
            raise where.refuse(place, "import.not_amount", value=value)
        rounded = ore.to_integral_value()
        if abs(ore - rounded) > Decimal("0.000001"):
            raise where.refuse(place, "import.too_many_decimals", value=value)
        return _in_range(int(rounded), value, where, place)
    return parse_amount(str(value), where, place, required=required)


def parse_period(text: str | None, where: Where, place: Place) -> str:
    value = (text or "").strip()
    if not _PERIOD.match(value):
        raise where.refuse(place, "import.not_month", value=value[:20])
    return value


def parse_timestamp(text: str | None, where: Where, place: Place) -> datetime | None:
    """An ``xs:dateTime`` as aware UTC; one without an offset is Norwegian time (a payroll
    system states its own clock). Empty: ``None``."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        if not _DATE.match(value[:10]) or len(value) < 19 or value[10] != "T":
            raise ValueError
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise where.refuse(place, "import.not_timestamp", value=value[:30]) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.NORWAY)
    return moment.astimezone(UTC)


def parse_date(text: Any, where: Where, place: Place, *, required: bool = False) -> date | None:
    if isinstance(text, date):
        return text
    value = (str(text) if text is not None else "").strip()
    if not value:
        if required:
            raise where.refuse(place, "import.date_missing")
        return None
    if len(value) > 10 and value[10] in "T ":
        value = value[:10]
    try:
        if not _DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise where.refuse(place, "import.not_date", value=value[:20]) from None


def parse_decimal(text: Any, where: Where, place: Place) -> float | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise where.refuse(place, "import.not_number", value=str(text)[:20]) from None
    if not value.is_finite() or value < 0 or value > 1000:
        raise where.refuse(place, "import.out_of_range", value=str(text)[:20])
    return float(value)


def parse_bool(text: Any, where: Where, place: Place, *, default: bool = True) -> bool:
    if text is None or text == "":
        return default
    if isinstance(text, bool):
        return text
    value = str(text).strip().lower()
    if value in ("true", "1", "ja", "yes", "sann"):
        return True
    if value in ("false", "0", "nei", "no", "usann"):
        return False
    raise where.refuse(place, "import.not_boolean", value=value[:10])


def check_national_id(value: Any, where: Where, place: Place) -> str:
    text = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():  # a spreadsheet number
        text = f"{int(value):011d}"
    reason = ids.national_id_error(text)
    if reason:
        shown = ids.mask_national_id(text) if len(text) == 11 else "the value"
        raise where.refuse(place, "import.bad_national_id", value=shown, reason=reason)
    return text


def check_org_number(value: Any, where: Where, place: Place) -> str:
    text = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = f"{int(value):09d}"
    reason = ids.org_number_error(text)
    if reason:
        raise where.refuse(place, "import.bad_org_number", value=text[:20], reason=reason)
    return text


# --- Checksums ----------------------------------------------------------------------


def sha256_file(path: str | os.PathLike[str], kind: str = "amelding") -> str:
    """The file's checksum; refuses a non-regular file or one over ``kind``'s cap first."""
    from byraa.core.files.limits import check_file

    check_file(path, kind)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_whole(path: str | os.PathLike[str], kind: str) -> tuple[bytes, str]:
    """The file's bytes and their checksum, for a reader that parses it from memory;
    refuses a non-regular file or one over ``kind``'s cap first."""
    from byraa.core.files.limits import check_file

    check_file(path, kind)
    content = Path(path).read_bytes()
    return content, hashlib.sha256(content).hexdigest()


def expand_paths(paths: list[str | os.PathLike[str]], suffixes: tuple[str, ...]) -> list[Path]:
    """Files as given, and the files with one of ``suffixes`` in folders (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in suffixes))
        elif p.is_file():
            out.append(p)
        elif p.exists():  # a device, a FIFO or a link to one: never read
            raise UserError("file.not_regular", path=p.name)
        else:
            raise UserError("file.missing", path=p)
    return out
