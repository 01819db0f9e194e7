"""Reconciliation (avstemming, SPEC 4.6): pick a client and a month, see where each stands.

The list shows every client with the state of its newest run for the month (not run,
differences to explain, ready to sign, signed). ``enter`` opens a client's run
(``ReconcileRunScreen``); ``[``/``]`` change the month; ``e`` reconciles the marked clients
as a durable job. An interrupted reconcile job (a closed SSH session, a crash) is offered
for resuming when this screen opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input

from byraa.core.base import clock, ids, periods
from byraa.core.clients import registry as core_clients
from byraa.core.clients.registry import ClientRow
from byraa.core.jobs import JobInfo
from byraa.core.reconcile import job as core_job
from byraa.core.reconcile import runs as core_reconcile
from byraa.core.reconcile import summary as run_summary
from byraa.core.reconcile.checks import CHECKS, schedule
from byraa.core.reconcile.runs import RunSummary
from byraa.core.reconcile.summary import SignState
from byraa.core.words import formatting as fmt
from byraa.core.words import labels
from byraa.core.words.i18n import _
from byraa.core.words.labels import frequency_name, month
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.list_screen import ListScreen, filter_binding
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned

LOCK = "⊘"


def default_period() -> str:
    """The month being reconciled: the one before today's."""
    return periods.shift(periods.period_of(clock.today()), -1)


def run_state(run: RunSummary | None) -> Cell:
    """One word for where a client's reconciliation of the month stands."""
    if run is None:
        return Toned(_("not run"), "muted")
    if run.signed:
        return Toned(_("signed"), "success")
    if run.unresolved:
        return Toned(_("{n} to explain").format(n=fmt.count(run.unresolved)), "error")
    return Toned(_("ready to sign"), "warning")


def start_bulk(screen: Screen, org_numbers: list[str], period: str | None = None) -> None:
    """Ask for the month and method, then push the job screen ("reconcile marked clients")."""
    from byraa.tui.screens.reconcile.dialogs import BulkDialog
    from byraa.tui.screens.reconcile.job import ReconcileJobScreen

    if not org_numbers:
        screen.notify(_("Mark clients with space first (or put the cursor on one)."), title=_("No clients"),
                      severity="warning")
        return

    def chosen(answer: tuple[str, str, bool, bool] | None) -> None:
        if answer is not None:
            screen.app.push_screen(ReconcileJobScreen(org_numbers=org_numbers, period=answer[0], method=answer[1],
                                                      fetch_a07=answer[2], include_signed=answer[3]))

    screen.app.push_screen(BulkDialog(len(org_numbers), period or default_period()), chosen)


class ReconcileScreen(ListScreen, Screen, LocalizedBindings):
    """Top-level: the clients with their reconciliation state for a month."""

    CSS_PATH = "overview.tcss"
    HELP_TITLE = N_("Reconciliation")
    WORKER_ERROR_TITLE = N_("Could not read the reconciliations")
    AUTO_FOCUS = "#reconcile-clients"
    BINDINGS: ClassVar[list[BindingType]] = [
        filter_binding("reconcile"),
        Binding("left_square_bracket", "month(-1)", N_("Previous month"), id="reconcile.previous_month",
                key_display="[", group=Binding.Group(N_("Month"), compact=True)),
        Binding("right_square_bracket", "month(1)", N_("Next month"), id="reconcile.next_month", key_display="]",
                group=Binding.Group(N_("Month"), compact=True)),
        Binding("e", "bulk", N_("Reconcile marked"), id="reconcile.bulk"),
        Binding("r", "reload", N_("Refresh"), id="reconcile.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        period: str
        clients: list[ClientRow]
        runs: dict[str, RunSummary]
        signs: dict[str, SignState]

    @dataclass
    class Interrupted(Message):
        jobs: list[JobInfo]

    def __init__(self) -> None:
        super().__init__()
        self.period = default_period()
        self.clients: dict[str, ClientRow] = {}
        self.runs: dict[str, RunSummary] = {}
        self.signs: dict[str, SignState] = {}
        """Per org number: the month's newest and newest signed version."""
        self.filter_text = ""
        self._offered = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(_("words to look for: name, org. no., responsible, group…"), id="filter")
        yield MarkableTable(self._columns(), fixed_columns=2, id="reconcile-clients",
                            empty_text=_("No client matches the filter."),
                            none_text=_("No clients yet: an agency manager adds them on the client list (c, then n)."))
        yield KeyFooter()

    @staticmethod
    def _columns() -> list[Column]:
        return [
            Column("org_number", _("Org. no."), min_width=11, max_width=11),
            Column("name", _("Client"), max_width=25),
            Column("state", _("Reconciliation"), max_width=16),
            Column("version", _("Version"), justify="right", max_width=7),
            Column("differences", _("Differences"), justify="right", max_width=11),
            Column("signed", _("Signed"), max_width=22),
            Column("responsible", _("Responsible"), max_width=16),
        ]

    def on_mount(self) -> None:
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        self.load()
        self.find_interrupted()

    def on_screen_resume(self) -> None:
        if self.clients:
            self.load()

    # --- Loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-list", description="reconcile list")
    def load(self) -> None:
        store, who = self.app.workspace.store, self.app.who
        period = self.period
        clients = core_clients.list_clients(store, who, figures=False)
        self.post_message(self.Loaded(period, clients, core_reconcile.latest_runs(store, who, period),
                                      run_summary.sign_states(store, who, period)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-interrupted",
          description="interrupted reconcile jobs")
    def find_interrupted(self) -> None:
        found = core_job.interrupted_reconcile_jobs(self.app.workspace.store, self.app.who)
        if found:
            self.post_message(self.Interrupted(found))

    def on_reconcile_screen_loaded(self, message: Loaded) -> None:
        if message.period != self.period:
            return
        self.clients = {str(c.id): c for c in message.clients}
        self.runs = message.runs
        self.signs = message.signs
        table = self.query_one(MarkableTable)
        table.set_rows(self._row(c) for c in message.clients)
        table.loading = False
        if self.focused is None:  # the loading indicator took the focus away: the list keys work at once
            table.focus()
        self._apply_filter()

    def on_reconcile_screen_interrupted(self, message: Interrupted) -> None:
        if self._offered:
            return
        self._offered = True
        from byraa.tui.screens.reconcile.job import ReconcileJobScreen
        from byraa.tui.widgets.dialogs import ConfirmDialog

        job = message.jobs[0]
        clients = len(job.params.get("clients", []))
        question = _("A reconciliation of {n} client(s) for {month}, started {when} by {who}, was interrupted "
                     "({done} of {total} done). Resume it?").format(
            n=clients, month=month(job.params.get("period", "")), when=fmt.timestamp(job.created_at),
            who=job.created_by, done=job.units_done, total=job.total_units)

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(ReconcileJobScreen(job_id=job.id))

        self.app.push_screen(ConfirmDialog(question, yes=_("Resume")), answered)

    def _row(self, c: ClientRow) -> Row:
        run = self.runs.get(c.org_number) if c.has_access else None
        signed: Cell = ""
        sign = self.signs.get(c.org_number) if c.has_access else None
        if run is not None and run.signed:
            signed = f"{fmt.day(run.sign_date)} {run.signed_by or ''}".strip()
        elif sign is not None and sign.open_version is not None:
            signed = Toned(labels.sign_state(sign.signed_version, sign.latest_version) or "", "warning")
        responsible = ", ".join(c.responsible_names)
        return Row(
            key=str(c.id),
            cells=(ids.format_org_number(c.org_number), c.name,
                   run_state(run) if c.has_access else Toned(_("no access"), "muted"),
                   str(run.version) if run else "", fmt.count(run.differences) if run else "", signed,
                   responsible),
            sort_keys=(c.org_number, c.name.casefold(),
                       (0 if run is None else 3 if run.signed else 1 if run.unresolved else 2,
                        -(run.unresolved if run else 0)),
                       run.version if run else 0, run.differences if run else -1,
                       signed if isinstance(signed, str) else signed.plain, responsible.casefold()),
            muted=not c.has_access,
            flag=" " if c.has_access else LOCK,
        )

    # --- Filter, month ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        return True

    def matching_keys(self, text: str) -> Iterable[str] | None:
        if not text.strip():
            return None
        return [str(c.id) for c in core_clients.filter_rows(list(self.clients.values()), text)]

    def action_month(self, step: int) -> None:
        self.period = periods.shift(self.period, step)
        self._update_subtitle()
        self.query_one(MarkableTable).loading = True
        self.load()

    def subtitle_parts(self) -> list[str]:
        parts = [_("Reconciliation"), fmt.month_name(self.period)]
        # The rhythms beyond the month that this period calls for (term, half-year, year end).
        rhythms = [f for f in schedule.FREQUENCIES[1:]
                   if any(schedule.frequency(c) == f and schedule.due(c, self.period) for c in CHECKS)]
        if rhythms:
            parts.append(_("due: {what}").format(what=", ".join(frequency_name(f) for f in rhythms)))
        if self.clients:
            signed = sum(1 for r in self.runs.values() if r.signed)
            parts.append(_("{signed} of {total} signed").format(signed=fmt.count(signed),
                                                               total=fmt.count(self.list_table.total_count)))
        return parts

    # --- Open, bulk ------------------------------------------------------------------

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        client = self.clients.get(event.key)
        if client is None:
            return
        if not client.has_access:
            self.notify(_("You have no access to {client}. An agency manager can grant it on the access screen.")
                        .format(client=f"{ids.format_org_number(client.org_number)} {client.name}"),
                        title=_("No access"), severity="error", timeout=10)
            return
        from byraa.tui.screens.reconcile.run import ReconcileRunScreen

        self.app.push_screen(ReconcileRunScreen(client.org_number, self.period))

    def _selected_orgs(self) -> list[str]:
        table = self.query_one(MarkableTable)
        keys = [k for k in table.visible_keys if k in table.marked] or (
            [table.cursor_key] if table.cursor_key else [])
        return [self.clients[k].org_number for k in keys if k in self.clients]

    def action_bulk(self) -> None:
        start_bulk(self, self._selected_orgs(), self.period)

    def action_reload(self) -> None:
        self.load()

    def palette_commands(self) -> Iterator[PaletteCommand]:
        table = self.query_one(MarkableTable)
        yield PaletteCommand(_("Reconciliation: Filter"), _("Type words to narrow the list"), self.action_filter)
        yield PaletteCommand(_("Reconciliation: Previous month"), "", lambda: self.action_month(-1))
        yield PaletteCommand(_("Reconciliation: Next month"), "", lambda: self.action_month(1))
        key = table.cursor_key
        if key is not None and key in self.clients:
            yield PaletteCommand(_("Reconciliation: Open {client}").format(client=self.clients[key].name),
                                 _("Checks, differences and sign-off"), table.action_select)
        yield PaletteCommand(_("Reconciliation: Reconcile marked clients"), _("As a job with progress"),
                             self.action_bulk)
        yield PaletteCommand(_("Reconciliation: Mark all"), _("Mark every client shown"), table.action_mark_all)
        yield PaletteCommand(_("Reconciliation: Refresh"), _("Read the list again"), self.action_reload)
