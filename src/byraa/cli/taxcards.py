"""``byraa taxcards list``: a client's tax cards, national ids masked unless revealed."""

from __future__ import annotations

import click

from byraa.cli.context import workspace
from byraa.cli.output import Column, emit, format_option
from byraa.core.words import formatting
from byraa.core.words.i18n import _


@click.group("taxcards")
def command() -> None:
    """Tax cards (skattekort)."""


def _amount(ore: int | None) -> str:
    return "" if ore is None else formatting.nok(ore, decimals=False)


@command.command("list")
@click.option("--client", "org_number", required=True, metavar="ORGNR", help="The client's org number.")
@click.option("--year", type=int, help="Income year (default: all years).")
@click.option("--reveal", is_flag=True, help="Show full national ids (audited).")
@click.option("--history", is_flag=True, help="Include replaced cards.")
@format_option()
def list_(org_number: str, year: int | None, reveal: bool, history: bool, fmt: str) -> None:
    """The client's current tax cards."""
    from dataclasses import asdict

    from byraa.core import taxcards as core_taxcards

    ws = workspace()
    assert ws.who is not None
    rows = core_taxcards.list_cards(ws.store, ws.who, org_number.replace(" ", ""), year, reveal=reveal,
                                    history=history)
    data = []
    for r in rows:
        d = asdict(r)
        d.pop("employee_id")
        d["free_card_amount"] = None if r.free_card_amount is None else r.free_card_amount / 100
        data.append(d)
    columns = [
        Column("national_id", _("National id")),
        Column("name", _("Name")),
        Column("income_year", _("Year"), str, right=True),
        Column("result", _("Result")),
        Column("kind", _("Kind")),
        Column("table_number", _("Table")),
        Column("percentage", _("Percent"), lambda v: formatting.percent(v), right=True),
        Column("free_card_amount", _("Free-card amount"), lambda v: _amount(round(v * 100)), right=True),
        Column("tilleggsopplysning", _("Additional information"), ", ".join),
        Column("issued_date", _("Issued"), formatting.day),
        Column("card_id", _("Card id")),
    ]
    emit(data, columns, fmt)


# --- fetch ------------------------------------------------------------------------------


class _ProgressPrinter:
    """Progress on stderr: a bar on a terminal, plain lines otherwise."""

    def __init__(self, stream=None) -> None:  # noqa: ANN001
        import sys

        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_line = ""
        self.last_time = 0.0

    def __call__(self, p) -> None:  # noqa: ANN001
        import time

        pct = int(p.fraction * 100)
        eta = "" if p.eta_seconds is None else _(" · about {s:.0f} s left").format(s=p.eta_seconds)
        clients_done = sum(1 for done, total in p.groups.values() if done >= total)
        text = _("{done}/{total} persons · orders {fin}/{items} · clients {cd}/{ct}{eta}").format(
            done=p.units_done, total=p.units_total, fin=p.items_finished, items=p.items_total, cd=clients_done,
            ct=len(p.groups), eta=eta)
        if self.tty:
            width = 24
            filled = int(width * p.fraction)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {pct:3d}% {text}\033[K")
            self.stream.flush()
            return
        now = time.monotonic()
        line = f"{pct:3d}% {text}" + (f" ({p.message})" if p.message else "")
        if line != self.last_line and (now - self.last_time >= 1.0 or p.items_finished == p.items_total
                                       or ":" in p.message):
            self.stream.write(line + "\n")
            self.stream.flush()
            self.last_line, self.last_time = line, now

    def done(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


@command.command("fetch")
@click.option("--client", "orgs", multiple=True, metavar="ORGNR", help="A client's org number (repeatable).")
@click.option("--group", metavar="NAME", help="Every client in this group.")
@click.option("--responsible", metavar="LOGIN", help="Every client where this staff member is responsible.")
@click.option("--all", "all_", is_flag=True, help="Every client you have access to.")
@click.option("--year", type=int, help="Income year (required unless --resume).")
@click.option("--changes-only", is_flag=True, help="Only cards changed since the last fetch (HENT_KUN_ENDRING).")
@click.option("--resume", is_flag=True, help="Continue the last interrupted fetch instead of starting one.")
@click.option("--reorder-unknown", is_flag=True,
              help="With --resume: order again the orders whose answer was lost (they may exist already).")
@click.option("--persons-per-order", type=click.IntRange(1, 1000), default=1000, show_default=True,
              help="At most this many persons in one order.")
@click.option("--poll-seconds", type=click.FloatRange(0, 600), default=1.0, hidden=True,
              help="First wait before asking for an answer again (grows with backoff).")
@format_option(("table", "json"))
def fetch_(orgs: tuple[str, ...], group: str | None, responsible: str | None, all_: bool, year: int | None,
           changes_only: bool, resume: bool, reorder_unknown: bool, persons_per_order: int, poll_seconds: float,
           fmt: str) -> None:
    """Fetch tax cards in bulk: a handful of orders for many clients; resumable."""
    import sys
    from dataclasses import asdict

    from byraa.core.base.errors import UserError
    from byraa.core.taxcards import fetch

    ws = workspace()
    assert ws.who is not None
    store, who = ws.store, ws.who
    if reorder_unknown and not resume:
        raise UserError("taxcards.reorder_needs_resume")
    if resume:
        latest = fetch.latest_fetch(store, who)
        unknown = fetch.unknown_orders(store, who, latest) if latest is not None else []
        if unknown and not reorder_unknown:
            # Without an idempotency id a second order may duplicate the first: ask.
            raise UserError("taxcards.unknown_orders", job=latest, orders=", ".join(unknown))
        if unknown:
            fetch.reorder_unknown(store, who, latest)
        waiting = fetch.interrupted_fetches(store, who)
        if not waiting:
            raise UserError("taxcards.no_interrupted_fetch")
        job_id = waiting[0].id
        click.echo(_("Resuming job {id}: {title}").format(id=job_id, title=waiting[0].title), err=True)
    else:
        if year is None:
            raise UserError("cli.year_required")
        if waiting := fetch.interrupted_fetches(store, who):
            click.echo(_("Note: job {id} was interrupted; `byraa taxcards fetch --resume` continues it.").format(
                id=waiting[0].id), err=True)
        selection = fetch.Selection(clients=tuple(o.replace(" ", "") for o in orgs), group=group,
                                    responsible=responsible, all=all_)
        plan = fetch.plan_fetch(store, who, selection, year, mode="changes" if changes_only else "all",
                                persons_per_order=persons_per_order)
        fetch.require_stored_connection(store, plan)
        job_id = fetch.start_fetch(store, who, plan)
        click.echo(_("Job {id}: {persons} persons of {clients} clients in {orders} order(s); "
                     "{skipped} skipped").format(id=job_id, persons=plan.persons, clients=len(plan.clients),
                                                 orders=len(plan.orders), skipped=plan.skipped), err=True)
    options = fetch.FetchOptions(poll_initial_seconds=poll_seconds)
    printer = _ProgressPrinter()
    try:
        summary = fetch.run_fetch_blocking(store, who, job_id, options=options, on_progress=printer)
    finally:
        printer.done()
    data = asdict(summary)
    data["item_errors"] = list(summary.item_errors)
    data["seconds"] = round(summary.seconds, 2)
    if fmt == "json":
        import json

        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        labels = [
            ("job_id", _("Job")), ("status", _("Status")), ("year", _("Income year")), ("mode", _("Mode")),
            ("clients", _("Clients")), ("persons_asked", _("Persons asked")), ("cards", _("Cards")),
            ("changed", _("Changed")), ("no_card", _("No card")), ("not_liable", _("Not liable")),
            ("errors", _("Errors")), ("skipped", _("Skipped (leavers)")), ("orders_sent", _("Orders sent")),
            ("seconds", _("Seconds")),
        ]
        width = max(len(label) for _k, label in labels)
        for key, label in labels:
            click.echo(f"{label:<{width}}  {data[key]}")
        for error in summary.item_errors:
            click.echo(_("Order failed: {error}").format(error=error))
        if unknown_now := fetch.unknown_orders(store, who, job_id):
            click.echo(str(UserError("taxcards.unknown_orders", job=job_id, orders=", ".join(unknown_now))))
        if summary.errors:
            click.echo(_("Per-person errors: byraa taxcards results --job {id} --show errors").format(id=job_id))
    if not summary.ok:
        sys.exit(1)


@command.command("results")
@click.option("--job", "job_id", type=int, help="The fetch job (default: your latest).")
@click.option("--show", type=click.Choice(["all", "changed", "errors", "no_card", "skipped", "cards"]),
              default="all", show_default=True, help="Which persons.")
@click.option("--client", "org_number", metavar="ORGNR", help="Only this client.")
@format_option()
def results_(job_id: int | None, show: str, org_number: str | None, fmt: str) -> None:
    """The per-person results of a fetch (national ids masked)."""
    from dataclasses import asdict

    from sqlalchemy import select

    from byraa.core.base.errors import UserError
    from byraa.core.store.models_jobs import Job
    from byraa.core.taxcards import fetch

    ws = workspace()
    assert ws.who is not None
    if job_id is None:
        with ws.store.session() as session:
            query = select(Job.id).where(Job.kind == fetch.JOB_KIND).order_by(Job.id.desc())
            if not ws.who.is_manager:
                query = query.where(Job.created_by == ws.who.login)
            job_id = session.scalars(query).first()
        if job_id is None:
            raise UserError("taxcards.no_fetch_yet")
    rows = fetch.result_rows(ws.store, ws.who, job_id, show=show, client=org_number)
    from byraa.core.taxcards.reasons import change_words, reason_words
    from byraa.core.words.labels import outcome_word

    data = []
    for r in rows:
        d = asdict(r)
        d["free_card_amount"] = None if r.free_card_amount is None else r.free_card_amount / 100
        if fmt == "table":  # read by people: the outcome, change and reason in words (JSON and CSV keep them as stored)
            d["outcome"], d["changes"] = outcome_word(r.outcome), change_words(r.changes)
            d["reason"] = reason_words(r.result, r.reason)
        data.append(d)
    columns = [
        Column("org_number", _("Client")),
        Column("national_id", _("National id")),
        Column("name", _("Name")),
        Column("outcome", _("Outcome")),
        Column("kind", _("Kind")),
        Column("table_number", _("Table")),
        Column("percentage", _("Percent"), lambda v: formatting.percent(v), right=True),
        Column("free_card_amount", _("Free-card amount"), lambda v: _amount(round(v * 100)), right=True),
        Column("changes", _("Changed")),
        Column("changed_since", _("Changed since"), lambda v: formatting.day(v.date()) if v else ""),
        Column("reason", _("Reason")),
    ]
    emit(data, columns, fmt)
