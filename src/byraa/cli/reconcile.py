"""``byraa reconcile``: run the checks for a client (or a group) and period, print every row.

Exit code 0 when every row is equal, 1 when there are differences, 2 on bad input. A run
is stored as a new version (``--no-save`` only prints). Subcommands work on stored runs:
``runs``, ``show``, ``explain``, ``take-a07``, ``send-payroll``, ``sign-off``,
``corrections``, ``submit`` (send queued corrections, fetch their feedback) and ``mapping``
(account mapping, tolerances, holiday-pay rate, service level, bank guarantee).

Over 400 lines: the run command and its subcommands share one row rendering (table in
the user's words, JSON and CSV with codes) and the client/period options; split, each
would import the other.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, client_option, emit, format_option
from byraa.core.base import ids
from byraa.core.reconcile.checks import CHECKS
from byraa.core.words import formatting, labels
from byraa.core.words.i18n import _

CHECK_CHOICES = CHECKS


def _value(value: Any, unit: str) -> Any:
    return value / 100 if unit == "nok" and isinstance(value, int) else value


def _show(value: Any, unit: str) -> str:
    if value is None:
        return ""
    if unit == "nok" and isinstance(value, int):
        return formatting.nok(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _row_dict(r: Any, *, reveal: bool, client: str | None = None, run_id: int | None = None) -> dict:
    nid = r.national_id
    d = {
        "client": client, "run": run_id, "row": getattr(r, "id", None), "check": r.check,
        "national_id": nid if reveal or nid is None else ids.mask_national_id(nid),
        "key": r.key, "field": r.field, "unit": r.unit,
        "payroll": r.payroll, "a07": r.a07, "ledger": r.ledger, "difference": r.difference, "status": r.status,
        "resolution": getattr(r, "resolution", None), "explanation": getattr(r, "explanation", None),
    }
    return d


def _columns(with_client: bool, with_ids: bool) -> list[Column]:
    cols = [Column("client", _("Org. no."))] if with_client else []
    if with_ids:
        cols.append(Column("row", _("Row"), right=True))
    return cols + [
        Column("check_shown", _("Check")), Column("national_id", _("National id")), Column("key_shown", _("Key")),
        Column("field_shown", _("Field")), Column("payroll_shown", _("Payroll")),
        Column("a07_shown", _("A-ordningen")), Column("ledger_shown", _("Ledger")),
        Column("difference_shown", _("Difference"), right=True), Column("status_shown", _("Status")),
        Column("explanation", _("Explanation")),
    ]


def _emit(rows: list[dict], fmt: str, *, with_client: bool, with_ids: bool, extra: dict | None = None) -> None:
    if fmt == "table":
        # The table is read by people: the checks, fields and statuses in their words;
        # JSON and CSV keep the codes a script matches on.
        for d in rows:
            unit = d["unit"]
            for k in ("payroll", "a07", "ledger"):
                d[f"{k}_shown"] = _show(d[k], unit)
            d["difference_shown"] = _show(d["difference"], "nok")
            d["check_shown"] = labels.check_name(d["check"])
            d["field_shown"] = labels.field_name(d["field"])
            d["key_shown"] = labels.row_key(d["key"])
            d["status_shown"] = labels.row_status(d["status"])
        emit(rows, _columns(with_client, with_ids), fmt)
        return
    out = []
    for d in rows:
        unit = d["unit"]
        out.append({**{k: v for k, v in d.items() if not k.endswith("_shown")},
                    "payroll": _value(d["payroll"], unit), "a07": _value(d["a07"], unit),
                    "ledger": _value(d["ledger"], unit), "difference": _value(d["difference"], "nok")})
    keys = ["client", "run", "row", "check", "national_id", "key", "field", "unit", "payroll", "a07", "ledger",
            "difference", "status", "resolution", "explanation"]
    emit(out, [Column(k, k) for k in keys], fmt, extra=extra)


def _tolerances(values: tuple[str, ...]) -> dict[str, int]:
    from byraa.core.base.errors import UserError
    from byraa.core.reconcile.checks.mapping import _normalise

    out = {}
    for item in values:
        check, sep, kroner = item.partition("=")
        if not sep:
            raise UserError("cli.bad_tolerance", item=item)
        key, ore = _normalise(f"tolerance.{check.strip()}", kroner)
        out[key.partition(".")[2]] = int(ore)
    return out


@click.group("reconcile", invoke_without_command=True)
@click.option("--client", "org_number", metavar="ORGNR", help="The client to reconcile.")
@click.option("--group", "group_name", metavar="NAME", help="Every client of this group you have access to.")
@click.option("--period", metavar="YYYY-MM", help="The month.")
@click.option("--check", "checks", multiple=True, type=click.Choice(CHECK_CHOICES), help="Only this check (repeatable).")
@click.option("--method", type=click.Choice(["simple", "standard"]), default="standard", show_default=True,
              help="Employment matching: national id only, or id + sub-unit + start date + occupation code.")
@click.option("--tolerance", "tolerance", multiple=True, metavar="CHECK=KRONER", help="Override a tolerance.")
@click.option("--differences", is_flag=True, help="Print only the differences.")
@click.option("--reveal", is_flag=True, help="Show full national ids (audited).")
@click.option("--no-save", is_flag=True, help="Only print; do not store a run.")
@click.option("--fetch-a07", is_flag=True, help="Fetch each client's A07 from a-ordningen first.")
@click.option("--job", is_flag=True, help="Run as a durable job (one result per client; resumable).")
@click.option("--include-signed", is_flag=True,
              help="With --group or --job: run signed months again too (a new version, to be signed again).")
@click.option("--resume", "resume_job", type=int, metavar="JOB", help="Resume an interrupted reconcile job.")
@format_option(("table", "json", "csv"))
@click.pass_context
def command(ctx: click.Context, org_number: str | None, group_name: str | None, period: str | None,
            checks: tuple[str, ...], method: str, tolerance: tuple[str, ...], differences: bool, reveal: bool,
            no_save: bool, fetch_a07: bool, job: bool, include_signed: bool, resume_job: int | None,
            fmt: str) -> None:
    """Reconcile payroll, a-ordningen (A07) and the ledger; exit 1 on differences."""
    if ctx.invoked_subcommand is not None:
        return
    from byraa.core.agency import audit
    from byraa.core.base import periods
    from byraa.core.base.errors import UserError
    from byraa.core.clients import registry as core_clients
    from byraa.core.reconcile import runs as core

    if resume_job is not None or job:
        if checks or tolerance or no_save or differences or reveal:
            raise UserError("cli.job_flags")
        from byraa.cli.reconcile_job import run_job

        run_job(org_number, group_name, period, method, resume_job, fmt, fetch_a07=fetch_a07,
                include_signed=include_signed)
        return
    if not period or not (org_number or group_name) or (org_number and group_name):
        raise UserError("cli.reconcile_target")
    periods.parse_period(period)
    tolerances = _tolerances(tolerance)
    ws = workspace()
    assert ws.who is not None
    if group_name:
        members = core_clients.list_clients(ws.store, ws.who, group=group_name)
        targets = [c.org_number for c in members if c.has_access]
        for c in members:
            if not c.has_access:
                click.echo(_("byraa: skipped {org} {name}: no access").format(org=c.org_number, name=c.name), err=True)
        if not include_signed and not no_save:
            targets = _skip_signed(ws, targets, period)
    else:
        targets = [org_number.replace(" ", "")]  # type: ignore[union-attr]
    all_rows: list[dict] = []
    runs = []
    any_difference = False
    if fetch_a07:
        _fetch_a07(ws, targets, period)
    for org in targets:
        if no_save:
            result = core.compute(ws.store, ws.who, org, period, checks=checks or None, method=method,
                                  tolerances=tolerances)
            rows = [_row_dict(r, reveal=reveal, client=org) for r in result]
            any_difference |= any(r.is_difference for r in result)
        else:
            summary = core.run(ws.store, ws.who, org, period, checks=checks or None, method=method,
                               tolerances=tolerances)
            runs.append({"client": org, "run": summary.id, "version": summary.version, "rows": summary.rows,
                         "differences": summary.differences})
            stored = core.rows(ws.store, ws.who, summary.id)
            rows = [_row_dict(r, reveal=reveal, client=org, run_id=summary.id) for r in stored]
            any_difference |= summary.differences > 0
        if differences:
            rows = [r for r in rows if r["status"] in ("differs", "only_payroll", "only_a07", "missing")]
        all_rows.extend(rows)
    if reveal:
        with ws.store.session() as session:
            audit.record(session, actor=ws.who.login, action="reconcile.reveal", entity="client",
                         entity_id=",".join(targets)[:64], after={"period": period, "rows": len(all_rows)})
    _emit(all_rows, fmt, with_client=len(targets) > 1, with_ids=not no_save,
          extra={"period": period, "method": method, "runs": runs, "differences": any_difference})
    if fmt == "table" and runs:
        for r in runs:
            click.echo(_("Run {run} ({client}, version {version}): {rows} rows, {differences} differences.").format(**r))
    sys.exit(1 if any_difference else 0)


def _skip_signed(ws: Any, targets: list[str], period: str) -> list[str]:
    """A group's clients without a signed version of the month (each skipped one said on stderr)."""
    from byraa.core.reconcile import summary

    states = summary.sign_states(ws.store, ws.who, period, targets)
    kept = []
    for org in targets:
        state = states.get(org)
        if state is not None and state.signed:
            click.echo(_("byraa: skipped {org}: {month} is signed (version {n}); --include-signed runs it again")
                       .format(org=org, month=period, n=state.signed_version), err=True)
        else:
            kept.append(org)
    return kept


def _fetch_a07(ws: Any, targets: list[str], period: str) -> None:
    """Each client's A07 first; a month a-ordningen's answer fails for is said, not fatal."""
    from byraa.core.reconcile import a07_fetch

    for org in targets:
        for m in a07_fetch.fetch_blocking(ws.store, ws.who, org, period):
            if m.status == "error":
                click.echo(_("byraa: {org}: A07 not fetched: {reason}").format(org=org, reason=m.error), err=True)


@command.command("runs")
@client_option()
@click.option("--period", metavar="YYYY-MM")
@format_option()
def runs_(org_number: str, period: str | None, fmt: str) -> None:
    """The stored runs of a client, newest first."""
    from byraa.core.reconcile import runs as core

    ws = workspace()
    assert ws.who is not None
    rows = [{"run": r.id, "period": r.period, "version": r.version, "method": r.method, "checks": ",".join(r.checks),
             "rows": r.rows, "differences": r.differences, "unresolved": r.unresolved, "created_by": r.created_by,
             "created_at": r.created_at, "sign_status": r.sign_status, "sign_date": r.sign_date,
             "signed_by": r.signed_by} for r in core.list_runs(ws.store, ws.who, org_number.replace(" ", ""), period)]
    emit(rows, [Column("run", _("Run"), right=True), Column("period", _("Period")),
                Column("version", _("Version"), right=True), Column("method", _("Method")),
                Column("rows", _("Rows"), right=True), Column("differences", _("Differences"), right=True),
                Column("unresolved", _("Unresolved"), right=True), Column("created_by", _("By")),
                Column("sign_status", _("Signed")), Column("sign_date", _("Date"), formatting.day),
                Column("signed_by", _("Signed by"))], fmt)


@command.command("show")
@click.argument("run_id", type=int)
@click.option("--differences", is_flag=True, help="Only the differences.")
@click.option("--reveal", is_flag=True, help="Show full national ids (audited).")
@format_option(("table", "json", "csv"))
def show(run_id: int, differences: bool, reveal: bool, fmt: str) -> None:
    """The rows of a stored run, with explanations."""
    from byraa.core.agency import audit
    from byraa.core.reconcile import runs as core

    ws = workspace()
    assert ws.who is not None
    summary = core.get_run(ws.store, ws.who, run_id)
    rows = [_row_dict(r, reveal=reveal, client=summary.org_number, run_id=run_id)
            for r in core.rows(ws.store, ws.who, run_id, differences_only=differences)]
    if reveal:
        with ws.store.session() as session:
            audit.record(session, actor=ws.who.login, action="reconcile.reveal", entity="recon_run",
                         entity_id=run_id, after={"rows": len(rows)})
    _emit(rows, fmt, with_client=False, with_ids=True,
          extra={"run": run_id, "period": summary.period, "version": summary.version,
                 "sign_status": summary.sign_status, "unresolved": summary.unresolved})


@command.command("explain")
@click.argument("run_id", type=int)
@click.argument("row_id", type=int)
@click.argument("text")
def explain(run_id: int, row_id: int, text: str) -> None:
    """Explain a difference of a run (refused once the run is signed)."""
    from byraa.core.reconcile import runs as core

    ws = workspace()
    assert ws.who is not None
    core.explain(ws.store, ws.who, run_id, row_id, text)
    left = core.get_run(ws.store, ws.who, run_id).unresolved
    click.echo(_("Explained. {left} difference(s) left in run {run}.").format(left=left, run=run_id))


@command.command("take-a07")
@click.argument("run_id", type=int)
@click.argument("row_id", type=int)
def take_a07(run_id: int, row_id: int) -> None:
    """Correct byraa's employment with a-ordningen's value (audited)."""
    from byraa.core.reconcile import runs as core

    ws = workspace()
    assert ws.who is not None
    done = core.take_a07(ws.store, ws.who, run_id, row_id)
    click.echo(_("Updated the employment from a-ordningen; {n} row(s) resolved.").format(n=len(done)))


@command.command("send-payroll")
@click.argument("run_id", type=int)
@click.argument("row_id", type=int)
def send_payroll(run_id: int, row_id: int) -> None:
    """Queue an a-melding correction with payroll's value of the employment."""
    from byraa.core.reconcile import runs as core

    ws = workspace()
    assert ws.who is not None
    c = core.send_payroll(ws.store, ws.who, run_id, row_id)
    click.echo(_("Correction {id} queued (idempotency key {key}); send it with "
                 "`byraa reconcile submit --client {org}`.").format(id=c.id, key=c.idempotency_key,
                                                                    org=c.payload["leveranse"]["opplysningspliktig"]
                                                                    ["norskIdentifikator"]))


@command.command("sign-off")
@click.argument("run_id", type=int)
@click.option("--status", required=True, type=click.Choice(["ok", "explained", "client_follows_up"]))
@click.option("--date", "sign_date", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), help="Default: today.")
def sign_off(run_id: int, status: str, sign_date: Any) -> None:
    """Sign a run off (every difference explained or corrected)."""
    from byraa.core.reconcile import runs as core

    ws = workspace()
    assert ws.who is not None
    s = core.sign_off(ws.store, ws.who, run_id, status=status, sign_date=sign_date.date() if sign_date else None)
    click.echo(_("Run {run} signed off as {status} on {date}.").format(run=run_id, status=status,
                                                                       date=formatting.day(s.sign_date)))


CORRECTION_COLUMNS = ("id", "run", "row", "period", "national_id", "employment", "status", "forsendelse_id",
                      "idempotency_key", "detail")
"""The keys of a correction in JSON and CSV; the table names them in words (``_correction_columns``)."""


def _correction_columns() -> list[Column]:
    return [Column("id", _("Id"), str, right=True), Column("run", _("Run"), str, right=True),
            Column("row", _("Row"), str, right=True), Column("period", _("Period")),
            Column("national_id", _("National id")), Column("employment", _("Employment")),
            Column("status", _("Status"), labels.correction_status), Column("forsendelse_id", "forsendelseId"),
            Column("idempotency_key", _("Idempotency key")), Column("detail", _("Detail"))]


def _correction_rows(found: list[Any]) -> list[dict]:
    return [{"id": c.id, "run": c.run_id, "row": c.row_id, "period": c.period,
             "national_id": ids.mask_national_id(c.national_id) if c.national_id else None,
             "employment": c.employment_ref, "status": c.status, "forsendelse_id": c.forsendelse_id,
             "idempotency_key": c.idempotency_key, "detail": c.detail} for c in found]


@command.command("corrections")
@client_option()
@click.option("--status", type=click.Choice(["pending", "submitted", "accepted", "rejected"]),
              help="Only corrections in this state.")
@format_option()
def corrections_(org_number: str, status: str | None, fmt: str) -> None:
    """Queued and sent a-melding corrections of a client."""
    from byraa.core.reconcile import corrections as core

    ws = workspace()
    assert ws.who is not None
    found = core.list_corrections(ws.store, ws.who, org_number.replace(" ", ""), status=status)
    emit(_correction_rows(found), _correction_columns(), fmt)


@command.command("submit")
@client_option()
@click.option("--feedback-polls", default=3, show_default=True, type=click.IntRange(1, 20),
              help="How many times to ask for the feedback before leaving it for the next submit.")
@format_option()
def submit(org_number: str, feedback_polls: int, fmt: str) -> None:
    """Send the client's queued corrections to a-ordningen and fetch their feedback.

    Exit 0 when every correction sent is accepted or awaiting feedback, 1 when one was
    rejected or could not be sent (it stays queued with the reason), 2 on bad input.
    """
    from byraa.core.reconcile import corrections as core

    ws = workspace()
    assert ws.who is not None
    done = core.submit_blocking(ws.store, ws.who, org_number.replace(" ", ""), feedback_attempts=feedback_polls)
    emit(_correction_rows(done), _correction_columns(), fmt)
    if fmt == "table":
        click.echo(_("{n} correction(s): {accepted} accepted, {rejected} rejected, {waiting} awaiting feedback, "
                     "{pending} not sent.").format(
            n=len(done), accepted=sum(c.status == "accepted" for c in done),
            rejected=sum(c.status == "rejected" for c in done),
            waiting=sum(c.status == "submitted" for c in done),
            pending=sum(c.status == "pending" for c in done)), err=True)
    if any(c.status in ("rejected", "pending") for c in done):
        sys.exit(1)


@command.command("mapping")
@client_option()
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="account.ROLE=ACCOUNTS, tolerance.CHECK=KRONER, holiday_rate=PERCENT, service_level=full|part "
                   "or client_follows_up=CHECK,CHECK|none (repeatable).")
@click.option("--reset", "resets", multiple=True, metavar="KEY", help="Back to the default (repeatable).")
@format_option()
def mapping_(org_number: str, sets: tuple[str, ...], resets: tuple[str, ...], fmt: str) -> None:
    """Show or change the client's account mapping, tolerances, holiday-pay rate, service level and the
    checks the client follows up (audited)."""
    from byraa.core.base.errors import UserError
    from byraa.core.reconcile.checks import mapping

    ws = workspace()
    assert ws.who is not None
    org = org_number.replace(" ", "")
    changes: dict[str, str | None] = {}
    for item in sets:
        key, sep, value = item.partition("=")
        if not sep:
            raise UserError("cli.bad_set", item=item)
        changes[key.strip()] = value
    for key in resets:
        changes[key.strip()] = None
    rows = mapping.update(ws.store, ws.who, org, changes) if changes else mapping.get(ws.store, ws.who, org)
    emit([r.__dict__ for r in rows], [Column("key", _("Setting")), Column("value", _("Value")),
                                      Column("default", _("Default")), Column("changed", _("Changed"),
                                                                               lambda v: "*" if v else "")], fmt)
