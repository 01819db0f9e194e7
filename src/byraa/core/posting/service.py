"""Posting control as the screens and commands use it: settings, control, freeze, post once.

(Over 400 lines: the posting cycle's steps share the run lookup and the ledger view;
settlement and the extract live in their own modules.)

Every function checks the user's access to the client in core; every change is audited.
Posting happens in one transaction: the ``posting`` row (unique per run) is inserted
first, so of two sessions racing to post the same run exactly one commits and the other
gets ``posting.run.already_posted``.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import NotFound, UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.importers.archiving import archive_file
from byraa.core.posting import control as rules
from byraa.core.posting import settlement
from byraa.core.store import Store
from byraa.core.store.models import Client, Employee
from byraa.core.store.models_posting import (
    PostedLine,
    Posting,
    PostingCheck,
    PostingLine,
    PostingRun,
    PostingSettings,
)
from byraa.core.store.models_reconcile import ReconLedger, ReconSource

CHECKLIST = ("control_printed", "corrected", "frozen", "posted", "journal_printed", "error_cleared")
"""The receipt checklist (the seed's appendix A), in order."""


def _csv_list(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


# --- Settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    client: str
    error_account: str | None
    error_customer: str | None
    subledger_accounts: list[str]
    open_years: list[int]
    open_years_from_ledger: bool
    settle_accounts: list[str]


def _ledger(session: Session, client_id: int) -> rules.Ledger:
    row = session.get(PostingSettings, client_id)
    accounts = frozenset(session.scalars(
        select(col(ReconLedger.account)).join(ReconSource, col(ReconSource.id) == col(ReconLedger.source_id))
        .where(col(ReconLedger.client_id) == client_id, col(ReconSource.active).is_(True)).distinct()))
    years = [int(y) for y in _csv_list(row.open_years)] if row and row.open_years else []
    if not years:
        years = sorted({int(p[:4]) for p in session.scalars(
            select(col(ReconLedger.period)).where(col(ReconLedger.client_id) == client_id).distinct())})
    known = frozenset(session.scalars(select(col(Employee.national_id)).where(col(Employee.client_id) == client_id)))
    # A settlement account's items are per employee, so it is a sub-ledger account too.
    subledger = frozenset(_csv_list(row.subledger_accounts) + _csv_list(row.settle_accounts)) if row else frozenset()
    error_account = row.error_account if row else None
    return rules.Ledger(accounts | ({error_account} if error_account else set()), subledger, known,
                        frozenset(years), error_account, row.error_customer if row else None, clock.today().year)


def get_settings(store: Store, who: Identity, org: str) -> Settings:
    with store.session() as session:
        client = resolve_client(session, who, org)
        assert client.id is not None
        row = session.get(PostingSettings, client.id)
        ledger = _ledger(session, client.id)
        return Settings(org, ledger.error_account, ledger.error_customer, sorted(ledger.subledger_accounts),
                        sorted(ledger.open_years), not (row and row.open_years),
                        _csv_list(row.settle_accounts) if row else [])


def _account(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 20 or not value.replace(".", "").replace("-", "").isalnum():
        raise UserError("posting.settings_bad_account", value=repr(value[:30]))
    return value


def set_settings(store: Store, who: Identity, org: str, *, error_account: str | None = None,
                 error_customer: str | None = None, subledger_accounts: list[str] | None = None,
                 open_years: list[str] | None = None, settle_accounts: list[str] | None = None) -> Settings:
    """Change what is given; audited with before and after."""
    for year in open_years or []:
        if not (year.isdigit() and 1900 < int(year) < 2200):
            raise UserError("posting.settings_bad_year", value=repr(year[:10]))
    with store.session() as session:
        client = resolve_client(session, who, org)
        assert client.id is not None
        row = session.get(PostingSettings, client.id) or PostingSettings(
            client_id=client.id, updated_at=clock.now(), updated_by=who.login)
        before = {"error_account": row.error_account, "error_customer": row.error_customer,
                  "subledger_accounts": row.subledger_accounts, "open_years": row.open_years,
                  "settle_accounts": row.settle_accounts}
        if error_account is not None:
            row.error_account = _account(error_account)
        if error_customer is not None:
            row.error_customer = _account(error_customer)
        if subledger_accounts is not None:
            row.subledger_accounts = ",".join(_account(a) for a in subledger_accounts)
        if open_years is not None:
            row.open_years = ",".join(sorted(set(open_years)))
        if settle_accounts is not None:
            row.settle_accounts = ",".join(_account(a) for a in settle_accounts)
        row.updated_at, row.updated_by = clock.now(), who.login
        session.add(row)
        audit.record(session, actor=who.login, action="posting.settings", entity="posting_settings",
                     entity_id=client.id, client_id=client.id, before=before,
                     after={"error_account": row.error_account, "error_customer": row.error_customer,
                            "subledger_accounts": row.subledger_accounts, "open_years": row.open_years,
                            "settle_accounts": row.settle_accounts})
    return get_settings(store, who, org)


# --- Runs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    id: int
    client: str
    client_name: str
    pay_form: str
    period: str
    off_cycle: bool
    status: str
    lines: int
    imported_at: datetime
    imported_by: str
    frozen_by: str | None
    posted_by: str | None
    vouchers: str | None
    checklist: dict[str, str]
    """Point -> who ticked it."""

    @property
    def label(self) -> str:
        return f"{self.pay_form} {self.period}" + (" (ekstra)" if self.off_cycle else "")


def _find_run(session: Session, who: Identity, org: str, period: str, pay_form: str | None,
              off_cycle: bool, *, lock: bool = False) -> tuple[Client, PostingRun]:
    client = resolve_client(session, who, org)
    query = select(PostingRun).where(col(PostingRun.client_id) == client.id, col(PostingRun.period) == period,
                                     col(PostingRun.off_cycle) == off_cycle)
    if pay_form:
        query = query.where(col(PostingRun.pay_form) == pay_form)
    if lock:
        query = query.with_for_update()
    runs = list(session.scalars(query.order_by(col(PostingRun.pay_form))))
    label = f"{pay_form or ''} {period}".strip() + (" (ekstra)" if off_cycle else "")
    if not runs:
        raise NotFound("posting.run_not_found", client=org, run=label)
    if len(runs) > 1:
        raise UserError("posting.run_ambiguous", client=org, period=period, runs=", ".join(r.pay_form for r in runs))
    return client, runs[0]


def _run_label(run: PostingRun) -> str:
    return f"{run.pay_form} {run.period}" + (" (ekstra)" if run.off_cycle else "")


def _info(session: Session, client: Client, run: PostingRun) -> RunInfo:
    lines = session.scalar(select(func.count()).select_from(PostingLine).where(col(PostingLine.run_id) == run.id)) or 0
    posting = session.scalars(select(Posting).where(col(Posting.run_id) == run.id)).first()
    checks = {c.point: c.done_by
              for c in session.scalars(select(PostingCheck).where(col(PostingCheck.run_id) == run.id))}
    vouchers = None
    if posting is not None:
        vouchers = str(posting.voucher_from) if posting.voucher_from == posting.voucher_to \
            else f"{posting.voucher_from}–{posting.voucher_to}"
    assert run.id is not None
    return RunInfo(run.id, client.org_number, client.name, run.pay_form, run.period, run.off_cycle, run.status,
                   int(lines), run.imported_at, run.imported_by, run.frozen_by,
                   posting.posted_by if posting else None, vouchers, checks)


def runs(store: Store, who: Identity, org: str) -> list[RunInfo]:
    """A client's posting runs, newest period first."""
    with store.session() as session:
        client = resolve_client(session, who, org)
        return [_info(session, client, r) for r in session.scalars(
            select(PostingRun).where(col(PostingRun.client_id) == client.id)
            .order_by(col(PostingRun.period).desc(), col(PostingRun.pay_form), col(PostingRun.off_cycle)))]


def _lines(session: Session, run_id: int) -> list[rules.Line]:
    # Plain rows, not ORM objects: a 30,000-line journal must read in well under a second.
    t = PostingLine.__table__.c  # type: ignore[attr-defined]
    return [rules.Line(*row) for row in session.execute(
        select(t.line_no, t.account, t.amount, t.national_id, t.employee_no, t.department, t.project,
               t.fiscal_year, t.text).where(t.run_id == run_id).order_by(t.line_no)).all()]


def check(store: Store, who: Identity, org: str, period: str, *, pay_form: str | None = None,
          off_cycle: bool = False, reveal: bool = False) -> tuple[RunInfo, rules.ControlList]:
    """The run's control list as it stands (re-import the journal and it updates).

    National ids are in the result; a caller that shows them unmasked passes
    ``reveal=True``, which is audited.
    """
    with store.session() as session:
        client, run = _find_run(session, who, org, period, pay_form, off_cycle)
        assert client.id is not None and run.id is not None
        if reveal:
            audit.record(session, actor=who.login, action="national_id.reveal", entity="posting_run",
                         entity_id=run.id, client_id=client.id, after={"what": "posting control list"})
        result = rules.control(_lines(session, run.id), _ledger(session, client.id), pay_form=run.pay_form,
                               period=run.period, off_cycle=run.off_cycle)
        return _info(session, client, run), result


def freeze(store: Store, who: Identity, org: str, period: str, *, pay_form: str | None = None,
           off_cycle: bool = False) -> RunInfo:
    """Freeze the run: no journal import can replace it any more."""
    with store.session() as session:
        client, run = _find_run(session, who, org, period, pay_form, off_cycle, lock=True)
        if run.status != "open":
            raise UserError("posting.run_already_frozen", run=_run_label(run), status=run.status)
        run.status, run.frozen_at, run.frozen_by = "frozen", clock.now(), who.login
        session.add(run)
        _tick(session, run, "frozen", who)
        audit.record(session, actor=who.login, action="posting.freeze", entity="posting_run", entity_id=run.id,
                     client_id=client.id, before={"status": "open"}, after={"status": "frozen"})
        session.flush()
        return _info(session, client, run)


def _tick(session: Session, run: PostingRun, point: str, who: Identity) -> None:
    assert run.id is not None
    if session.get(PostingCheck, (run.id, point)) is None:
        session.add(PostingCheck(run_id=run.id, point=point, done_at=clock.now(), done_by=who.login))


def tick(store: Store, who: Identity, org: str, period: str, point: str, *, pay_form: str | None = None,
         off_cycle: bool = False) -> RunInfo:
    """Tick a point of the receipt checklist (who and when are kept)."""
    if point not in CHECKLIST:
        raise UserError("posting.checklist_unknown_point", point=point, points=", ".join(CHECKLIST))
    with store.session() as session:
        client, run = _find_run(session, who, org, period, pay_form, off_cycle)
        _tick(session, run, point, who)
        audit.record(session, actor=who.login, action="posting.checklist", entity="posting_run", entity_id=run.id,
                     client_id=client.id, after={"point": point})
        session.flush()
        return _info(session, client, run)


@dataclass(frozen=True)
class PostResult:
    run: RunInfo
    lines: list[rules.VoucherLine]
    voucher_csv: bytes
    saft: bytes
    """The same posting as a SAF-T Financial ``GeneralLedgerEntries`` journal."""
    archive_id: int
    settled: list[settlement.Settled]
    """Older open items on settlement accounts that this posting settled (part of)."""


def voucher_csv(lines: list[rules.VoucherLine], *, entry_date: str) -> bytes:
    """The voucher in byraa's documented CSV (docs/formats.md): ISO dates, kroner with a dot."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["voucher", "date", "fiscal_year", "account", "customer", "amount", "text"])
    for v in lines:
        writer.writerow([v.voucher, entry_date, v.fiscal_year, v.account, v.customer or "",
                         f"{v.amount / 100:.2f}", v.text])
    return out.getvalue().encode("utf-8")


def post(store: Store, who: Identity, org: str, period: str, *, pay_form: str | None = None,
         off_cycle: bool = False) -> PostResult:
    """Post a frozen run once: the voucher lines, archived, audited, in one transaction."""
    try:
        with store.session() as session:
            client, run = _find_run(session, who, org, period, pay_form, off_cycle, lock=True)
            assert client.id is not None and run.id is not None
            label = _run_label(run)
            existing = session.scalars(select(Posting).where(col(Posting.run_id) == run.id)).first()
            if existing is not None:
                raise UserError("posting.run_already_posted", run=label, login=existing.posted_by)
            if run.status != "frozen":
                raise UserError("posting.run_not_frozen", run=label)
            ledger = _ledger(session, client.id)
            if not ledger.error_account or not ledger.error_customer:
                raise UserError("posting.settings_missing", client=org)
            result = rules.control(_lines(session, run.id), ledger, pay_form=run.pay_form, period=run.period,
                                   off_cycle=run.off_cycle)
            if result.blocking:
                raise UserError("posting.run_blocked", run=label, problems=", ".join(result.blocking))
            first = (session.scalar(
                select(func.max(col(Posting.voucher_to))).where(col(Posting.client_id) == client.id)) or 0) + 1
            head = rules.posting_text(run.pay_form, run.period, run.off_cycle)
            lines = rules.voucher_lines(result, ledger, first_voucher=first, head=head)
            last = max((v.voucher for v in lines), default=first)
            content = voucher_csv(lines, entry_date=clock.today().isoformat())
            archive_id, _ = archive_file(session, path=None, content=content, client_id=client.id,
                                         kind="posting_voucher", period=run.period, content_type="text/csv",
                                         login=who.login, direction="out",
                                         filename=f"bilag-{org}-{run.period}-{run.pay_form}.csv")
            from byraa import __version__
            from byraa.core.posting import saft

            saft_doc = saft.journal(lines, org_number=client.org_number, client_name=client.name,
                                    period=run.period, head=head, created=clock.today(),
                                    software_version=__version__)
            archive_file(session, path=None, content=saft_doc, client_id=client.id, kind="posting_saft",
                         period=run.period, content_type="application/xml", login=who.login, direction="out",
                         filename=f"bilag-{org}-{run.period}-{run.pay_form}.xml")
            posting = Posting(run_id=run.id, client_id=client.id, posted_at=clock.now(), posted_by=who.login,
                              voucher_from=first, voucher_to=last, archive_id=archive_id)
            session.add(posting)
            session.flush()  # the unique run_id: a racing session fails here, before anything else is written
            assert posting.id is not None
            session.add_all(PostedLine(posting_id=posting.id, client_id=client.id, voucher=v.voucher,
                                       fiscal_year=v.fiscal_year, account=v.account, customer=v.customer,
                                       amount=v.amount, text=v.text, to_error=v.to_error) for v in lines)
            session.flush()
            settings_row = session.get(PostingSettings, client.id)
            settled = settlement.settle(
                session, client_id=client.id, posting_id=posting.id,
                accounts=frozenset(_csv_list(settings_row.settle_accounts)) if settings_row else frozenset(),
                error_customer=ledger.error_customer, now=posting.posted_at)
            run.status = "posted"
            session.add(run)
            _tick(session, run, "posted", who)
            audit.record(session, actor=who.login, action="posting.post", entity="posting_run", entity_id=run.id,
                         client_id=client.id, before={"status": "frozen"},
                         after={"status": "posted", "vouchers": [first, last], "lines": len(lines),
                                "archive_id": archive_id, "settled": len(settled)})
            session.flush()
            info = _info(session, client, run)
    except IntegrityError:
        with store.session() as session:
            client, run = _find_run(session, who, org, period, pay_form, off_cycle)
            winner = session.scalars(select(Posting).where(col(Posting.run_id) == run.id)).first()
            raise UserError("posting.run_already_posted", run=_run_label(run),
                            login=winner.posted_by if winner else "?") from None
    return PostResult(info, lines, content, saft_doc, archive_id, settled)


def journal_printout(store: Store, who: Identity, org: str, period: str, *, pay_form: str | None = None,
                     off_cycle: bool = False) -> bytes:
    """The posted run's journal as XLSX (voucher range, every line, a SUM row); ticks the checklist."""
    import xlsxwriter

    with store.session() as session:
        client, run = _find_run(session, who, org, period, pay_form, off_cycle)
        posting = session.scalars(select(Posting).where(col(Posting.run_id) == run.id)).first()
        if posting is None:
            raise UserError("posting.run_not_posted", run=_run_label(run))
        lines = list(session.scalars(select(PostedLine).where(col(PostedLine.posting_id) == posting.id)
                                     .order_by(col(PostedLine.voucher), col(PostedLine.id))))
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet("Journal")
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "# ##0.00"})
        sheet.write(0, 0, f"{client.name} ({client.org_number})", bold)
        sheet.write(1, 0, f"{_run_label(run)} · bilag {posting.voucher_from}–{posting.voucher_to} · "
                          f"{posting.posted_by} {posting.posted_at:%Y-%m-%d %H:%M}")
        headers = ["voucher", "fiscal_year", "account", "customer", "debit", "credit", "text"]
        for c, h in enumerate(headers):
            sheet.write(3, c, h, bold)
        for r, line in enumerate(lines, start=4):
            sheet.write_number(r, 0, line.voucher)
            sheet.write_number(r, 1, line.fiscal_year)
            sheet.write_string(r, 2, line.account)
            sheet.write_string(r, 3, line.customer or "")
            if line.amount >= 0:
                sheet.write_number(r, 4, line.amount / 100, money)
            else:
                sheet.write_number(r, 5, -line.amount / 100, money)
            sheet.write_string(r, 6, line.text)
        last = 4 + len(lines)
        debit = sum(x.amount for x in lines if x.amount > 0) / 100
        credit = -sum(x.amount for x in lines if x.amount < 0) / 100
        sheet.write(last, 3, "sum", bold)
        # The computed value is stored with the formula, so a reader that does not recalculate shows it.
        sheet.write_formula(last, 4, f"=SUM(E5:E{last})", money, debit)
        sheet.write_formula(last, 5, f"=SUM(F5:F{last})", money, credit)
        sheet.freeze_panes(4, 0)
        sheet.set_column(6, 6, 50)
        book.close()
        _tick(session, run, "journal_printed", who)
        audit.record(session, actor=who.login, action="posting.journal_printed", entity="posting_run",
                     entity_id=run.id, client_id=client.id)
        return out.getvalue()


def write_private(path: Path, content: bytes, *, overwrite: bool = False) -> None:
    """Write an output file created 0600 (refusing to overwrite unless asked)."""
    from byraa.core.files.spreadsheet import _open_private

    with os.fdopen(_open_private(path, overwrite=overwrite), "wb") as fh:
        fh.write(content)


# --- The error account ----------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorLine:
    id: int
    voucher: int
    fiscal_year: int
    account: str
    customer: str | None
    amount: int
    text: str
    posted_at: datetime


def error_lines(store: Store, who: Identity, org: str) -> list[ErrorLine]:
    """What posting put on the error account or error customer and nobody has cleared yet."""
    with store.session() as session:
        client = resolve_client(session, who, org)
        rows = session.execute(
            select(PostedLine, col(Posting.posted_at)).join(Posting, col(Posting.id) == col(PostedLine.posting_id))
            .where(col(PostedLine.client_id) == client.id, col(PostedLine.to_error).is_(True),
                   col(PostedLine.cleared_at).is_(None))
            .order_by(col(PostedLine.voucher), col(PostedLine.id))).all()
        return [ErrorLine(line.id or 0, line.voucher, line.fiscal_year, line.account, line.customer, line.amount,
                          line.text, at) for line, at in rows]


def clear_error_line(store: Store, who: Identity, org: str, line_id: int) -> None:
    """Mark an error-account line as moved to its right account in the ledger."""
    with store.session() as session:
        client = resolve_client(session, who, org)
        line = session.get(PostedLine, line_id)
        if line is None or line.client_id != client.id or not line.to_error:
            raise NotFound("posting.error_line_not_found", line=line_id, client=org)
        line.cleared_at, line.cleared_by = clock.now(), who.login
        session.add(line)
        audit.record(session, actor=who.login, action="posting.error_cleared", entity="posted_line",
                     entity_id=line_id, client_id=client.id, after={"amount": line.amount, "text": line.text})
