"""``byraa taxcards list``: a client's tax cards, national ids masked unless revealed."""

from __future__ import annotations

import click

from byraa.core import formatting
from byraa.core.i18n import _
from byraa.headless.context import workspace
from byraa.headless.output import Column, emit, format_option


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
