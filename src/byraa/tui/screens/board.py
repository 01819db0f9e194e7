"""The pay-day board of a group for a month (SPEC 4.3), pushed from the groups screen.

One row per client: payroll run, a-melding (with the worst deviation), reconciliation
signed, tax cards current, responsible; a summary line and the month's deadlines.
Enter opens the client (its detail checks access itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Label

from byraa.core.base import clock, ids, periods
from byraa.core.clients import deadlines
from byraa.core.clients import groups as core_groups
from byraa.core.clients.groups import Board, BoardRow
from byraa.core.words import formatting as fmt
from byraa.core.words import labels
from byraa.core.words.collation import sort_key
from byraa.core.words.i18n import _
from byraa.core.words.labels import amelding_status, run_status, severity
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned

UNKNOWN = "–"
"""Shown where the core has no answer yet (``None``)."""


def _signed(r: BoardRow) -> Cell:
    """Yes / no, or "signert v1, v2 åpen" when a signed month was run again (not a bare "no")."""
    sign = r.reconciliation
    if sign is None:
        return UNKNOWN
    if sign.open_version is not None:
        return Toned(labels.board_signed(sign.signed_version, sign.latest_version) or "", "warning")
    return _yes_no(sign.signed_version == sign.latest_version)


def _yes_no(value: bool | None) -> Cell:
    if value is None:
        return UNKNOWN
    return Toned(_("yes"), "success") if value else Toned(_("no"), "warning")


class BoardScreen(Screen, LocalizedBindings):
    """How far each client of a group has come this month."""

    CSS_PATH = "board.tcss"
    HELP_TITLE = N_("Board")
    WORKER_ERROR_TITLE = N_("Could not read the board")
    AUTO_FOCUS = "#board-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "month(-1)", N_("Previous month"), id="board.previous_month",
                group=Binding.Group(N_("Month"), compact=True)),
        Binding("right_square_bracket", "month(1)", N_("Next month"), id="board.next_month",
                group=Binding.Group(N_("Month"), compact=True)),
        Binding("o", "toggle_open", N_("Not done / all"), id="board.only_open"),
        Binding("e", "reconcile", N_("Reconcile"), id="board.reconcile"),
        Binding("B", "posting", N_("Posting"), id="board.posting"),
        Binding("r", "reload", N_("Refresh"), id="board.refresh", show=False),
        Binding("escape", "app.back", N_("Back"), id="board.back"),
    ]

    @dataclass
    class Loaded(Message):
        board: Board

    def __init__(self, group: str, period: str | None = None) -> None:
        super().__init__()
        self.group = group
        self.period = period or periods.period_of(clock.today())
        self.only_open = False
        self.board: Board | None = None
        self.rows: dict[str, BoardRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("…", id="board-summary", markup=False)
        yield Label("", id="board-deadlines", markup=False)
        yield MarkableTable(
            [
                Column("name", _("Client"), max_width=22),
                Column("run", _("Payroll run"), max_width=11),
                Column("amelding", _("A-melding"), max_width=10),
                Column("deviation", _("Deviation"), max_width=13),
                Column("reconciled", _("Signed"), max_width=19),
                Column("tax_cards", _("Tax cards"), max_width=10),
                Column("responsible", _("Responsible"), max_width=16),
                Column("org_number", _("Org. no."), min_width=11, max_width=11),
            ],
            markable=False, show_sort_keys=False, fixed_columns=1, id="board-table",
            empty_text=_("No clients in this group."),
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="board", description="board")
    def load(self) -> None:
        board = core_groups.board(self.app.workspace.store, self.app.who, self.group, self.period,
                                  only_open=self.only_open)
        self.post_message(self.Loaded(board))

    def on_board_screen_loaded(self, message: Loaded) -> None:
        board = message.board
        if board.period != self.period:
            return
        self.board = board
        self.rows = {str(r.client_id): r for r in board.rows}
        table = self.query_one(MarkableTable)
        table.set_rows(self._row(r) for r in board.rows)
        table.empty_text = _("Every client is closed and reported.") if self.only_open and board.total \
            else _("No clients in this group.")
        table.loading = False
        self.query_one("#board-summary", Label).update(
            _("{done} of {total} closed and reported").format(done=board.done, total=board.total)
            + (" · " + _("showing what is not done") if self.only_open else ""))
        amelding = deadlines.amelding_deadline(board.period).due
        term = deadlines.term_payment_deadline(board.period)
        self.query_one("#board-deadlines", Label).update(
            _("A-melding due {amelding} · term payment due {term}").format(
                amelding=fmt.day(amelding), term=fmt.day(term.due)))
        self._update_subtitle()
        self.refresh_bindings()

    @staticmethod
    def _row(r: BoardRow) -> Row:
        run: Cell = (Toned(run_status(r.run_status), "success") if r.run_status == "posted"
                     else run_status(r.run_status) if r.run_status else Toned(_("none"), "warning"))
        if r.amelding_status is None:
            amelding: Cell = Toned(_("not sent"), "warning")
        else:
            tone = {"accepted": "success", "rejected": "error", "pending": "warning"}[r.amelding_status]
            amelding = Toned(amelding_status(r.amelding_status), tone)
        deviation: Cell = ""
        if r.worst_deviation:
            deviation = Toned(severity(r.worst_deviation),
                              "error" if r.worst_deviation in ("rejection", "immediate") else "warning")
        responsible = ", ".join(r.responsible)
        return Row(
            key=str(r.client_id),
            cells=(r.name, run, amelding, deviation, _signed(r), _yes_no(r.tax_cards_current),
                   responsible or Toned(_("none"), "warning"), ids.format_org_number(r.org_number)),
            sort_keys=(sort_key(r.name), r.run_status or "", r.amelding_status or "", r.worst_deviation or "",
                       r.reconciliation_signed is True, r.tax_cards_current is True, responsible, r.org_number),
            flag="✓" if r.done else " ",
        )

    def _update_subtitle(self) -> None:
        parts = [_("Board"), self.group, fmt.month_name(self.period)]
        if self.only_open:
            parts.append(_("not done"))
        self.sub_title = " · ".join(parts)

    # --- Actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "month" and parameters == (1,):
            return None if self.period >= periods.period_of(clock.today()) else True
        return True

    def action_month(self, step: int) -> None:
        target = periods.shift(self.period, step)
        if target > periods.period_of(clock.today()):
            self.app.bell()
            return
        self.period = target
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        self.refresh_bindings()
        self.load()

    def action_toggle_open(self) -> None:
        self.only_open = not self.only_open
        self._update_subtitle()
        self.load()

    def action_reload(self) -> None:
        self.load()

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        if event.key in self.rows:
            self.app.open_client(int(event.key))

    def action_posting(self) -> None:
        """Posting control of the highlighted client."""
        from byraa.tui.screens.posting import PostingScreen

        key = self.query_one(MarkableTable).cursor_key
        if key in self.rows:
            self.app.push_screen(PostingScreen(self.rows[key].org_number, self.rows[key].name))

    def action_reconcile(self) -> None:
        """Reconcile the group's clients shown (all, or the not-done ones) for the month, as a job."""
        from byraa.tui.screens.reconcile.overview import start_bulk

        table = self.query_one(MarkableTable)
        start_bulk(self, [self.rows[k].org_number for k in table.visible_keys if k in self.rows], self.period)

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Board: Reconcile the clients shown"), _("The month's reconciliation as a job"),
                             self.action_reconcile)
        yield PaletteCommand(_("Board: Previous month"), fmt.month_name(periods.shift(self.period, -1)),
                             lambda: self.action_month(-1))
        if self.period < periods.period_of(clock.today()):
            yield PaletteCommand(_("Board: Next month"), fmt.month_name(periods.shift(self.period, 1)),
                                 lambda: self.action_month(1))
        yield PaletteCommand(_("Board: Show all") if self.only_open else _("Board: Only what is not done"), "",
                             self.action_toggle_open)
        key = self.query_one(MarkableTable).cursor_key
        if key in self.rows:
            yield PaletteCommand(_("Board: Open {client}").format(client=self.rows[key].name), "",
                                 self.query_one(MarkableTable).action_select)
        yield PaletteCommand(_("Board: Refresh"), _("Read the board again"), self.action_reload)
