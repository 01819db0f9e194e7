"""One person's tax cards at a client, newest first: the modal opened from a result row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label

from byraa.core.base import ids
from byraa.core.taxcards import fetch
from byraa.core.taxcards.fetch import ResultRow
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.tui.screens.taxcards.cells import RESULTS, amount_cell, outcome_word, pct_cell
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row, Toned


class CardHistoryScreen(ModalScreen[None], LocalizedBindings):
    """One person's tax cards at a client, newest first (current and replaced)."""

    CSS_PATH = "taxcards.tcss"
    HELP_TITLE = N_("Card history")
    WORKER_ERROR_TITLE = N_("Could not read the history")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", N_("Close"), id="taxcards.history_close", key_display="Esc"),
    ]

    @dataclass
    class Loaded(Message):
        cards: list[Any]

    def __init__(self, row: ResultRow) -> None:
        super().__init__()
        self.row = row
        self.cards: list[Any] | None = None

    def compose(self) -> ComposeResult:
        r = self.row
        with Vertical(id="tc-history"):
            yield Label(_("Card history: {name} {nid}").format(name=r.name, nid=r.national_id),
                        id="tc-history-title", markup=False)
            yield Label(f"{ids.format_org_number(r.org_number)} {r.client_name}", id="tc-history-client",
                        markup=False)
            yield MarkableTable([
                Column("year", _("Year"), max_width=4),
                Column("fetched", _("Fetched"), max_width=16),
                Column("current", _("Current"), max_width=7),
                Column("result", _("Result"), max_width=14),
                Column("kind", _("Kind"), max_width=12),
                Column("table", _("Table"), max_width=5),
                Column("percentage", _("Percent"), justify="right", max_width=7),
                Column("free_card", _("Free card"), justify="right", max_width=9),
                Column("months", _("Months"), justify="right", max_width=6),
                Column("issued", _("Issued"), max_width=10),
            ], markable=False, openable=False, show_sort_keys=False, id="tc-history-table",
                empty_text=_("No cards stored for this person."))
            yield Label(_("Esc closes"), id="tc-history-hint")

    def on_mount(self) -> None:
        self.query_one(MarkableTable).loading = True
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="taxcards-history", description="card history")
    def load(self) -> None:
        r = self.row
        assert r.employee_id is not None
        self.post_message(self.Loaded(fetch.card_history(self.app.workspace.store, self.app.who, r.org_number,
                                                         r.employee_id)))

    def on_card_history_screen_loaded(self, message: Loaded) -> None:
        self.cards = message.cards
        table = self.query_one(MarkableTable)
        table.set_rows(
            Row(key=str(i), cells=(
                str(c.income_year), fmt.timestamp(c.fetched_at),
                Toned(_("yes"), "success") if c.current else Toned(_("no"), "muted"),
                outcome_word(RESULTS.get(c.result, c.result)), c.kind if c.kind != "none" else "", c.table_number or "", pct_cell(c.percentage), amount_cell(c.free_card_amount),
                "" if c.months is None else f"{c.months:g}".replace(".", ","), fmt.day(c.issued_date),
            ), muted=not c.current)
            for i, c in enumerate(message.cards))
        table.loading = False
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
