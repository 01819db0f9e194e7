"""``byraa extract``: the payroll extract (pivot or lines, XLSX or table/JSON/CSV) and its rights.

``byraa extract [criteria] [--form pivot|lines] [--out FILE.xlsx] [--format ...]`` prints
(or writes) the extract; ``byraa extract rights`` lists, adds or removes a user's
intervals; ``byraa extract control`` turns the agency's account and department checks
on or off (managers).
"""

from __future__ import annotations

from pathlib import Path

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.words import formatting as fmt_
from byraa.core.words.i18n import _
from byraa.core.words.posting import extract_kind


def _nok(value: object) -> str:
    return fmt_.nok(int(value)) if value is not None else ""


def _range(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    # ``FROM..TO`` for accounts that themselves hold a hyphen (``1920-01..1920-99``).
    low, _sep, high = value.partition("..") if ".." in value else value.partition("-")
    return low.strip() or None, high.strip() or None


@click.group("extract", invoke_without_command=True)
@click.option("--client", "clients", multiple=True, metavar="ORGNR", help="Org number (repeat); default: every client you may see.")
@click.option("--accounts", help="Account range FROM-TO or FROM..TO (either end may be left out).")
@click.option("--pay-form", "pay_forms", multiple=True, help="Pay form (repeat).")
@click.option("--from", "period_from", help="First period YYYY-MM.")
@click.option("--to", "period_to", help="Last period YYYY-MM.")
@click.option("--department", "departments", multiple=True, help="Department (repeat).")
@click.option("--form", type=click.Choice(["pivot", "lines"]), default="pivot", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write FILE.xlsx (0600).")
@click.option("--overwrite", is_flag=True)
@click.option("--reveal", is_flag=True, help="National ids unmasked (audited).")
@format_option()
@click.pass_context
def command(ctx: click.Context, clients: tuple[str, ...], accounts: str | None, pay_forms: tuple[str, ...],
            period_from: str | None, period_to: str | None, departments: tuple[str, ...], form: str,
            out: Path | None, overwrite: bool, reveal: bool, fmt: str) -> None:
    """The payroll extract: journal lines by client, account, pay form, period and department."""
    if ctx.invoked_subcommand is not None:
        return
    from byraa.core.base import ids
    from byraa.core.base.errors import UserError
    from byraa.core.posting import extract, service

    if out is not None and out.suffix.lower() != ".xlsx":
        raise UserError("extract.out_extension", path=str(out))
    low, high = _range(accounts)
    criteria = extract.Criteria(tuple(clients), low, high, tuple(pay_forms), period_from, period_to,
                                tuple(departments))
    ws = workspace()
    assert ws.who is not None
    result = extract.extract(ws.store, ws.who, criteria)
    if reveal:
        extract.reveal(ws.store, ws.who, result)
    if out is not None:
        service.write_private(out, extract.workbook(result, form=form, unmasked=reveal), overwrite=overwrite)

    def nid(value: str | None) -> str | None:
        return value if value is None or reveal else ids.mask_national_id(value)

    left = [{"control": x.control, "lines": x.lines, "values": list(x.values)} for x in result.left_out]
    if form == "pivot":
        rows = [{"account": p.account, "national_id": nid(p.national_id), "name": p.name,
                 "department": p.department, "pay_type": p.pay_type, "amounts": p.amounts, "sum": p.total}
                for p in result.pivot()]
        if fmt == "csv":  # one flat row per period: CSV has no nested values
            rows = [{**{k: v for k, v in r.items() if k != "amounts"}, "period": period, "amount": amount}
                    for r in rows for period, amount in sorted(r["amounts"].items())]
        columns = [Column("account", _("Account")), Column("national_id", _("National id")),
                   Column("name", _("Name")), Column("department", _("Department")),
                   Column("pay_type", _("Pay type")), Column("sum", _("Amount"), _nok, right=True)]
        if fmt == "csv":
            columns += [Column("period", _("Period")), Column("amount", _("Amount"))]
    else:
        rows = [{"client": x.client, "period": x.period, "pay_form": x.pay_form, "off_cycle": x.off_cycle,
                 "account": x.account, "national_id": nid(x.national_id), "name": x.name,
                 "department": x.department, "pay_type": x.pay_type, "amount": x.amount, "text": x.text}
                for x in result.lines]
        columns = [Column("client", _("Client")), Column("period", _("Period")), Column("account", _("Account")),
                   Column("national_id", _("National id")), Column("department", _("Department")),
                   Column("pay_type", _("Pay type")), Column("amount", _("Amount"), _nok, right=True)]
    if fmt != "table":  # programs get kroner with a dot, as every command's JSON and CSV
        rows = [{k: (v / 100 if k in ("sum", "amount") and v is not None else
                     {p: a / 100 for p, a in v.items()} if k == "amounts" else v) for k, v in r.items()}
                for r in rows]
    emit(rows, columns, fmt, extra={"lines": len(result.lines), "left_out": left} if fmt == "json" else None)
    if fmt == "table":
        for x in result.left_out:
            click.echo(_("Left out by your extract rights ({control}): {lines} line(s) of {values}").format(
                control=extract_kind(x.control), lines=x.lines, values=", ".join(v or "-" for v in x.values)))
    if out is not None and fmt == "table":
        click.echo(str(out))


@command.group("rights")
def rights_group() -> None:
    """Extract rights: intervals of accounts, departments and pay types per user."""


@rights_group.command("list")
@click.option("--user", "login")
@format_option()
def rights_list(login: str | None, fmt: str) -> None:
    """The rights of one user (or everyone's, for a manager)."""
    from byraa.core.posting import extract_rights

    ws = workspace()
    assert ws.who is not None
    rows = [{"id": r.id, "user": r.login, "kind": r.kind, "from": r.low, "to": r.high}
            for r in extract_rights.rights(ws.store, ws.who, login)]
    emit(rows, [Column("id", "Id", right=True), Column("user", _("User")), Column("kind", _("Kind"), extract_kind),
                Column("from", _("From")), Column("to", _("To"))], fmt)


@rights_group.command("add")
@click.option("--user", "login", required=True)
@click.option("--kind", type=click.Choice(["account", "department", "pay_type"]), required=True)
@click.option("--from", "low", required=True)
@click.option("--to", "high", required=True)
def rights_add(login: str, kind: str, low: str, high: str) -> None:
    """Give a user one more interval (managers)."""
    from byraa.core.posting import extract_rights

    ws = workspace()
    assert ws.who is not None
    right = extract_rights.add_right(ws.store, ws.who, login, kind, low, high)
    click.echo(_("{user}: {kind} {low}–{high} added.").format(user=right.login, kind=extract_kind(right.kind),
                                                              low=right.low, high=right.high))


@rights_group.command("remove")
@click.argument("right_id", type=int)
def rights_remove(right_id: int) -> None:
    """Remove an interval (managers)."""
    from byraa.core.posting import extract_rights

    ws = workspace()
    assert ws.who is not None
    extract_rights.remove_right(ws.store, ws.who, right_id)
    click.echo(_("Extract right {id} removed.").format(id=right_id))


@command.command("control")
@click.option("--accounts", type=click.Choice(["on", "off"]), help="Check accounts (and pay types).")
@click.option("--departments", type=click.Choice(["on", "off"]), help="Check departments.")
@format_option()
def control(accounts: str | None, departments: str | None, fmt: str) -> None:
    """Show or set the agency's extract checks (managers set them)."""
    from byraa.core.posting import extract_rights

    ws = workspace()
    assert ws.who is not None
    if accounts is not None or departments is not None:
        state = extract_rights.set_control(
            ws.store, ws.who, account_control=None if accounts is None else accounts == "on",
            department_control=None if departments is None else departments == "on")
    else:
        state = extract_rights.control(ws.store)
    emit([{"account_control": state.account_control, "department_control": state.department_control}],
         [Column("account_control", _("Account control"), lambda v: _("on") if v else _("off")),
          Column("department_control", _("Department control"), lambda v: _("on") if v else _("off"))], fmt)
