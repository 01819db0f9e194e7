"""``byraa posting``: payroll posting control from the command line.

``settings`` (error account, error customer, sub-ledger accounts, open years), ``check``
(the control list; exit 1 when it names problems), ``freeze``, ``post`` (once, into a
voucher CSV), ``status`` (runs and their checklist), ``checklist`` (tick a point) and
``errors`` (what went to the error account until cleared). ``byraa import journal``
brings the payroll system's journal in.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, client_option, emit, format_option
from byraa.core.base import periods
from byraa.core.words import formatting as fmt_
from byraa.core.words.i18n import _, ngettext
from byraa.core.words.posting import problem


def _nok(value: object) -> str:
    return fmt_.nok(int(value)) if value is not None else ""


def _run_options(f):  # noqa: ANN001, ANN202
    f = click.option("--off-cycle", is_flag=True, help="The off-cycle (extra) run of the month.")(f)
    f = click.option("--pay-form", help="The pay form (e.g. 01) when the month has several runs.")(f)
    f = click.option("--period", required=True, help="YYYY-MM")(f)
    f = client_option("org")(f)
    return f


@click.group("posting")
def command() -> None:
    """Payroll posting control: control list, freeze, post once."""


@command.command("settings")
@client_option("org")
@click.option("--error-account")
@click.option("--error-customer")
@click.option("--subledger", help="Comma-separated sub-ledger (employee) accounts.")
@click.option("--open-years", help="Comma-separated open fiscal years (default: the years the ledger holds).")
@click.option("--settle", help="Comma-separated accounts settled per employee after posting (advances, loans).")
@format_option()
def settings(org: str, error_account: str | None, error_customer: str | None, subledger: str | None,
             open_years: str | None, settle: str | None, fmt: str) -> None:
    """Show or change the client's posting settings."""
    from byraa.core.posting import service

    ws = workspace()
    assert ws.who is not None
    if any(v is not None for v in (error_account, error_customer, subledger, open_years, settle)):
        s = service.set_settings(
            ws.store, ws.who, org, error_account=error_account, error_customer=error_customer,
            subledger_accounts=[a for a in subledger.split(",") if a.strip()] if subledger is not None else None,
            open_years=[y.strip() for y in open_years.split(",") if y.strip()] if open_years is not None else None,
            settle_accounts=[a for a in settle.split(",") if a.strip()] if settle is not None else None)
    else:
        s = service.get_settings(ws.store, ws.who, org)
    row = {"client": s.client, "error_account": s.error_account, "error_customer": s.error_customer,
           "subledger_accounts": ",".join(s.subledger_accounts), "open_years": ",".join(map(str, s.open_years)),
           "settle_accounts": ",".join(s.settle_accounts)}
    emit([row], [Column("client", _("Client")), Column("error_account", _("Error account")),
                 Column("error_customer", _("Error customer")), Column("subledger_accounts", _("Sub-ledger accounts")),
                 Column("open_years", _("Open years")), Column("settle_accounts", _("Settled accounts"))], fmt)


@command.command("check")
@_run_options
@click.option("--by", type=click.Choice(["line", "account", "person"]), default="line", show_default=True)
@click.option("--reveal", is_flag=True, help="Show national ids unmasked (audited).")
@format_option()
def check(org: str, period: str, pay_form: str | None, off_cycle: bool, by: str, reveal: bool, fmt: str) -> None:
    """The control list of a run; exit 1 when it names a problem."""
    from byraa.core.base import ids
    from byraa.core.posting import service

    periods.parse_period(period)
    ws = workspace()
    assert ws.who is not None
    info, result = service.check(ws.store, ws.who, org, period, pay_form=pay_form, off_cycle=off_cycle,
                                 reveal=reveal)

    def nid(value: str | None) -> str | None:
        return value if value is None or reveal else ids.mask_national_id(value)

    if by == "account":
        rows = [{"account": a, "amount": v} for a, v in result.by_account.items()]
        columns = [Column("account", _("Account")), Column("amount", _("Amount"), _nok, right=True)]
    elif by == "person":
        rows = [{"national_id": nid(p), "amount": v} for p, v in result.by_person.items()]
        columns = [Column("national_id", _("National id")), Column("amount", _("Amount"), _nok, right=True)]
    else:
        rows = [{"line": r.line_no, "account": r.account, "amount": r.amount, "national_id": nid(r.national_id),
                 "department": r.department, "post_account": r.post_account, "customer": nid(r.customer),
                 "fiscal_year": r.fiscal_year, "text": r.text if reveal or not r.national_id
                 else r.text.replace(r.national_id, ids.mask_national_id(r.national_id)),
                 "problems": [problem(p) if fmt == "table" else p for p in r.problems]} for r in result.rows]
        rows += [{"line": None, "account": None, "amount": amount, "post_account": "?", "fiscal_year": year,
                  "text": "DIFFERENCE", "problems": [problem("difference") if fmt == "table" else "difference"]}
                 for year, amount in result.differences.items()]
        columns = [Column("line", _("Line")), Column("account", _("Account")),
                   Column("amount", _("Amount"), _nok, right=True), Column("national_id", _("National id")),
                   Column("post_account", _("Posted on")), Column("fiscal_year", _("Year")),
                   Column("problems", _("Problem"), lambda v: "; ".join(v))]
    emit(rows, columns, fmt, extra={"run": info.label, "status": info.status, "clean": result.clean,
                                    "problems": result.problem_count, "blocking": result.blocking}
         if fmt == "json" else None)
    if fmt == "table":
        click.echo("")
        click.echo(ngettext("{run}: {count} problem{blocking}", "{run}: {count} problems{blocking}",
                            result.problem_count).format(
            run=info.label, count=result.problem_count,
            blocking=("; " + "; ".join(problem(b) for b in result.blocking)) if result.blocking else ""))
    if not result.clean:
        sys.exit(1)


@command.command("freeze")
@_run_options
def freeze(org: str, period: str, pay_form: str | None, off_cycle: bool) -> None:
    """Freeze the run: a new journal import can no longer replace it."""
    from byraa.core.posting import service

    periods.parse_period(period)
    ws = workspace()
    assert ws.who is not None
    info = service.freeze(ws.store, ws.who, org, period, pay_form=pay_form, off_cycle=off_cycle)
    click.echo(_("{run} of {client} is frozen.").format(run=info.label, client=org))


@command.command("post")
@_run_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the voucher here (0600): .csv (byraa's voucher CSV) or .xml (SAF-T Financial).")
@click.option("--overwrite", is_flag=True)
def post(org: str, period: str, pay_form: str | None, off_cycle: bool, out: Path | None, overwrite: bool) -> None:
    """Post a frozen run once into a voucher (archived; --out writes a copy)."""
    from byraa.core.base.errors import UserError
    from byraa.core.posting import service

    periods.parse_period(period)
    if out is not None and out.suffix.lower() not in (".csv", ".xml"):
        raise UserError("posting.out_extension", path=str(out))
    ws = workspace()
    assert ws.who is not None
    result = service.post(ws.store, ws.who, org, period, pay_form=pay_form, off_cycle=off_cycle)
    if out is not None:
        service.write_private(out, result.saft if out.suffix.lower() == ".xml" else result.voucher_csv,
                              overwrite=overwrite)
    errors = sum(1 for v in result.lines if v.to_error)
    click.echo(_("{run} of {client} is posted: voucher {vouchers}, {lines} lines, {errors} on the error "
                 "account or error customer.").format(run=result.run.label, client=org,
                                                      vouchers=result.run.vouchers, lines=len(result.lines),
                                                      errors=errors))
    if result.settled:
        click.echo(_("{count} open item(s) settled against older ones.").format(count=len(result.settled)))


@command.command("journal")
@_run_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.xlsx (0600)")
@click.option("--overwrite", is_flag=True)
def journal_(org: str, period: str, pay_form: str | None, off_cycle: bool, out: Path, overwrite: bool) -> None:
    """The posted run's journal as XLSX (ticks "journal printed" on the checklist)."""
    from byraa.core.base.errors import UserError
    from byraa.core.posting import service

    periods.parse_period(period)
    if out.suffix.lower() != ".xlsx":
        raise UserError("posting.journal_out_extension", path=str(out))
    ws = workspace()
    assert ws.who is not None
    content = service.journal_printout(ws.store, ws.who, org, period, pay_form=pay_form, off_cycle=off_cycle)
    service.write_private(out, content, overwrite=overwrite)
    click.echo(str(out))


@command.command("status")
@client_option("org")
@format_option()
def status(org: str, fmt: str) -> None:
    """The client's posting runs, their state and checklist."""
    from byraa.core.posting import service

    ws = workspace()
    assert ws.who is not None
    rows = [{"run": r.label, "status": r.status, "lines": r.lines, "vouchers": r.vouchers,
             "checklist": [p for p in service.CHECKLIST if p in r.checklist]}
            for r in service.runs(ws.store, ws.who, org)]
    emit(rows, [Column("run", _("Payroll run")), Column("status", _("Status"), _), Column("lines", _("Lines"), right=True),
                Column("vouchers", _("Vouchers")),
                Column("checklist", _("Checklist"), lambda v: f"{len(v)}/{len(service.CHECKLIST)}")], fmt)


@command.command("checklist")
@_run_options
@click.option("--tick", "point", required=True, help="control_printed, corrected, journal_printed, error_cleared")
def checklist(org: str, period: str, pay_form: str | None, off_cycle: bool, point: str) -> None:
    """Tick a point of the run's receipt checklist."""
    from byraa.core.posting import service

    periods.parse_period(period)
    ws = workspace()
    assert ws.who is not None
    info = service.tick(ws.store, ws.who, org, period, point, pay_form=pay_form, off_cycle=off_cycle)
    click.echo(_("{run}: {done} of {total} points ticked.").format(
        run=info.label, done=len(info.checklist), total=len(service.CHECKLIST)))


@command.command("errors")
@client_option("org")
@click.option("--clear", "clear_id", type=int, help="Mark this line as moved to its right account.")
@format_option()
def errors(org: str, clear_id: int | None, fmt: str) -> None:
    """What posting put on the error account or error customer, until cleared."""
    from byraa.core.posting import service

    ws = workspace()
    assert ws.who is not None
    if clear_id is not None:
        service.clear_error_line(ws.store, ws.who, org, clear_id)
    rows = [{"id": e.id, "voucher": e.voucher, "fiscal_year": e.fiscal_year, "account": e.account,
             "customer": e.customer, "amount": e.amount, "text": e.text}
            for e in service.error_lines(ws.store, ws.who, org)]
    emit(rows, [Column("id", "Id", right=True), Column("voucher", _("Voucher"), right=True),
                Column("account", _("Account")), Column("customer", _("Customer")),
                Column("amount", _("Amount"), _nok, right=True), Column("text", _("Text"))], fmt)


@command.command("open-items")
@client_option("org")
@format_option()
def open_items(org: str, fmt: str) -> None:
    """Items on settlement accounts not yet (fully) settled, per employee, oldest first."""
    from byraa.core.base import ids
    from byraa.core.posting import settlement

    ws = workspace()
    assert ws.who is not None
    rows = [{"id": x.id, "voucher": x.voucher, "account": x.account,
             "customer": ids.mask_national_id(x.customer) if ids.is_valid_national_id(x.customer) else x.customer,
             "amount": x.amount, "open_amount": x.open_amount, "posted_at": x.posted_at}
            for x in settlement.client_open_items(ws.store, ws.who, org)]
    emit(rows, [Column("voucher", _("Voucher"), right=True), Column("account", _("Account")),
                Column("customer", _("Customer")), Column("amount", _("Amount"), _nok, right=True),
                Column("open_amount", _("Open"), _nok, right=True)], fmt)
