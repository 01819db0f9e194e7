"""The payroll system's posting journal for one payroll run, CSV or XLSX.

Columns (a header row, names in English or Norwegian, any order, case-insensitive):

| column | also | what |
|---|---|---|
| account | konto | the ledger account |
| amount | beløp | kroner, debit positive; or ``debit`` / ``credit`` (debet / kredit) |
| national_id | fødselsnummer | the employee's national id (optional) |
| employee_no | ansattnr | the payroll system's employee number (optional) |
| department | avdeling | dimension (optional) |
| project | prosjekt | dimension (optional) |
| pay_form | lønnsform | e.g. ``01`` monthly, ``02`` hourly |
| period | periode | ``YYYY-MM`` |
| off_cycle | ekstra | ``ja``/``nei``, ``true``/``false``, ``1``/``0`` (optional, default no) |
| fiscal_year | regnskapsår | the fiscal year as the payroll system sees it (optional) |
| text | tekst | free text (optional) |
| pay_type | lønnsart | the pay type, for the payroll extract (optional) |

One file is one run (client, pay form, period, off-cycle): lines of another run refuse
the file. Importing a run again replaces its lines while it is open; a frozen or posted
run is never replaced. All-or-nothing per file; the file is archived unchanged.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock, ids
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.files.limits import check_file
from byraa.core.importers import Where, parse_amount, parse_period, sha256_file
from byraa.core.importers.archiving import archive_file
from byraa.core.store import Store
from byraa.core.store.models_posting import PostingLine, PostingRun

_ALIASES = {
    "account": ("account", "konto"),
    "amount": ("amount", "beløp", "belop"),
    "debit": ("debit", "debet"),
    "credit": ("credit", "kredit"),
    "national_id": ("national_id", "fødselsnummer", "fodselsnummer", "fnr"),
    "employee_no": ("employee_no", "ansattnr", "ansattnummer"),
    "department": ("department", "avdeling"),
    "project": ("project", "prosjekt"),
    "pay_form": ("pay_form", "lønnsform", "lonnsform"),
    "period": ("period", "periode"),
    "off_cycle": ("off_cycle", "ekstra", "aperiodisk"),
    "fiscal_year": ("fiscal_year", "regnskapsår", "regnskapsar"),
    "text": ("text", "tekst"),
    "pay_type": ("pay_type", "lønnsart", "lonnsart"),
}
_TRUE = {"1", "true", "ja", "yes", "j", "y", "x"}
_FALSE = {"", "0", "false", "nei", "no", "n"}


@dataclass(frozen=True)
class RunKey:
    """Which payroll run a journal belongs to."""

    pay_form: str
    period: str
    off_cycle: bool

    def label(self) -> str:
        return f"{self.pay_form} {self.period}" + (" (ekstra)" if self.off_cycle else "")


@dataclass
class JournalResult:
    path: str
    client: str
    run: RunKey
    status: str
    """``imported``, ``replaced`` or ``unchanged``."""
    lines: int
    run_id: int
    totals: dict[str, int] = field(default_factory=dict)


def _bad(where: Where, line: int, column: str, value: str, expected: str) -> UserError:
    return UserError("journal.bad_value", file=where.name, line=line, column=column,
                     value=repr(value[:30]), expected=expected)


def _rows(path: Path, where: Where) -> list[dict[str, str]]:
    """The file's rows as lower-cased column -> text, from CSV (comma or semicolon) or XLSX."""
    try:
        if not path.is_file():
            raise UserError("file.missing", path=str(path))
        check_file(path, "journal")  # read whole: the cap keeps memory in bounds
        head = path.open("rb").read(4)
    except OSError as exc:
        raise UserError("file.unreadable", path=str(path), reason=exc.strerror or type(exc).__name__) from None
    if head.startswith(b"PK"):
        return _xlsx_rows(path, where)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("journal.unreadable", file=where.name, reason="not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise UserError("journal.empty", file=where.name) from None
    return [dict(zip(header, (c.strip() for c in row), strict=False)) for row in reader]


def _xlsx_rows(path: Path, where: Where) -> list[dict[str, str]]:
    import polars as pl

    try:
        frame = pl.read_excel(path, infer_schema_length=0)
    except Exception as exc:  # noqa: BLE001  (any reader failure is a refused file, named)
        raise UserError("journal.unreadable", file=where.name, reason=type(exc).__name__) from None
    columns = [str(c).strip().lower() for c in frame.columns]
    return [{c: ("" if v is None else str(v).strip()) for c, v in zip(columns, row, strict=False)}
            for row in frame.iter_rows()]


def read_rows(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """The file's rows (lower-cased column -> text), CSV or XLSX, for telling what it is."""
    return _rows(Path(path), Where(path))


def is_journal(columns: set[str]) -> bool:
    """A posting journal's header: account, pay form and period, and amount or debit/credit."""
    return all(_has(columns, k) for k in ("account", "pay_form", "period")) and any(
        _has(columns, k) for k in ("amount", "debit", "credit"))


def _pick(row: dict[str, str], key: str) -> str:
    for name in _ALIASES[key]:
        if name in row:
            return row[name]
    return ""


def _has(columns: set[str], key: str) -> bool:
    return any(name in columns for name in _ALIASES[key])


def parse(path: str | os.PathLike[str]) -> tuple[RunKey, list[dict[str, Any]]]:
    """The run and its lines, or a ``UserError`` naming the file, line and column."""
    path = Path(path)
    where = Where(path)
    rows = _rows(path, where)
    columns = set().union(*(r.keys() for r in rows)) if rows else set()
    missing = [k for k in ("account", "pay_form", "period") if not _has(columns, k)]
    if not _has(columns, "amount") and not (_has(columns, "debit") or _has(columns, "credit")):
        missing.append("amount")
    if missing:
        raise UserError("journal.header", file=where.name, columns=", ".join(missing))
    run: RunKey | None = None
    first_line = 0
    lines: list[dict[str, Any]] = []
    for n, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        account = _pick(row, "account")
        if not account or len(account) > 20 or not account.replace(".", "").replace("-", "").isalnum():
            raise _bad(where, n, "account", account, "an account number")
        if _has(columns, "amount") and _pick(row, "amount"):
            amount = parse_amount(_pick(row, "amount"), where, f"line {n}, column amount")
        else:
            debit = parse_amount(_pick(row, "debit") or "0", where, f"line {n}, column debit") or 0
            credit = parse_amount(_pick(row, "credit") or "0", where, f"line {n}, column credit") or 0
            amount = debit - credit
        assert amount is not None
        national_id = _pick(row, "national_id").replace(" ", "") or None
        if national_id is not None and not ids.is_valid_national_id(national_id):
            raise _bad(where, n, "national_id", national_id, "a valid national id")
        pay_form = _pick(row, "pay_form")
        if not pay_form or len(pay_form) > 4 or not pay_form.isalnum():
            raise _bad(where, n, "pay_form", pay_form, "a pay form (up to 4 letters or digits)")
        period = parse_period(_pick(row, "period"), where, f"line {n}, column period")
        flag = _pick(row, "off_cycle").lower()
        if flag not in _TRUE | _FALSE:
            raise _bad(where, n, "off_cycle", flag, "ja or nei")
        year_text = _pick(row, "fiscal_year")
        if year_text and not (year_text.isdigit() and 1900 < int(year_text) < 2200):
            raise _bad(where, n, "fiscal_year", year_text, "a year")
        key = RunKey(pay_form, period, flag in _TRUE)
        if run is None:
            run, first_line = key, n
        elif key != run:
            raise UserError("journal.mixed_runs", file=where.name, line=n, run=key.label(),
                            first=f"{run.label()} (line {first_line})")
        lines.append({"line_no": n, "account": account, "amount": amount, "national_id": national_id,
                      "employee_no": _pick(row, "employee_no")[:20] or None,
                      "department": _pick(row, "department")[:20] or None,
                      "project": _pick(row, "project")[:20] or None,
                      "fiscal_year": int(year_text) if year_text else None,
                      "text": _pick(row, "text")[:200] or None,
                      "pay_type": _pick(row, "pay_type")[:20] or None})
    if run is None:
        raise UserError("journal.empty", file=where.name)
    return run, lines


def import_journal(store: Store, who: Identity, path: str | os.PathLike[str], *, client: str) -> JournalResult:
    """Import one journal for ``client`` (org number): all or nothing, archived, audited."""
    path = Path(path)
    run, lines = parse(path)
    digest = sha256_file(path)
    where = Where(path)
    with store.session() as session:
        target = resolve_client(session, who, client)
        assert target.id is not None
        existing = session.scalars(select(PostingRun).where(
            col(PostingRun.client_id) == target.id, col(PostingRun.pay_form) == run.pay_form,
            col(PostingRun.period) == run.period, col(PostingRun.off_cycle) == run.off_cycle).with_for_update()).first()
        if existing is not None and existing.sha256 == digest:
            return JournalResult(str(path), client, run, "unchanged", len(lines), existing.id or 0)
        if existing is not None and existing.status != "open":
            raise UserError("journal.frozen", file=where.name, run=run.label(), status=existing.status)
        archive_id, _ = archive_file(session, path=path, client_id=target.id, kind="posting_journal",
                                     period=run.period, content_type="text/csv", login=who.login)
        now = clock.now()
        if existing is None:
            row = PostingRun(client_id=target.id, pay_form=run.pay_form, period=run.period, off_cycle=run.off_cycle,
                             archive_id=archive_id, sha256=digest, filename=path.name[:255], imported_at=now,
                             imported_by=who.login)
            session.add(row)
            session.flush()
            status = "imported"
        else:
            row = existing
            session.execute(delete(PostingLine).where(col(PostingLine.run_id) == row.id))
            row.archive_id, row.sha256, row.filename = archive_id, digest, path.name[:255]
            row.imported_at, row.imported_by = now, who.login
            session.add(row)
            status = "replaced"
        assert row.id is not None
        if lines:  # Core, not the ORM's bulk path: cheaper per line
            session.execute(insert(PostingLine.__table__),  # type: ignore[attr-defined]
                            [{**line, "run_id": row.id} for line in lines])
        debit = sum(x["amount"] for x in lines if x["amount"] > 0)
        credit = -sum(x["amount"] for x in lines if x["amount"] < 0)
        audit.record(session, actor=who.login, action=f"posting.journal.{status}", entity="posting_run",
                     entity_id=row.id, client_id=target.id,
                     after={"run": run.label(), "lines": len(lines), "file": path.name, "archive_id": archive_id})
        return JournalResult(str(path), client, run, status, len(lines), row.id,
                             {"debit": debit, "credit": credit, "sum": debit - credit})
