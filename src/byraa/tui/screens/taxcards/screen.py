"""The tax-card screen: the selection panel, loading, and planning a fetch; the fetch view
(``running``) and the results view (``results``) are mixed in.

Over 400 lines (just): the selection panel's choices and their words stay with the screen
that reads them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static
from textual.worker import Worker

from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.jobs import JobInfo, Progress
from byraa.core.taxcards import fetch
from byraa.core.taxcards.fetch import FetchPlan, FetchSummary, ResultRow
from byraa.core.words import formatting as fmt
from byraa.core.words.collation import sort_key
from byraa.core.words.i18n import _
from byraa.tui.commands import PaletteCommand
from byraa.tui.screens.taxcards.cells import SHOWS, Choices
from byraa.tui.screens.taxcards.results import ResultsView
from byraa.tui.screens.taxcards.running import FetchView
from byraa.tui.widgets.bindings import N_, LocalizedBindings, key_shown
from byraa.tui.widgets.filter_bar import FilterBar, FilteredScreen
from byraa.tui.widgets.job_progress import JobProgress
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Column, MarkableTable


class TaxCardsScreen(FetchView, ResultsView, FilteredScreen, Screen, LocalizedBindings):
    """Fetch tax cards for many clients at once, and the results of the last fetch."""

    CSS_PATH = "taxcards.tcss"
    HELP_TITLE = N_("Tax cards")
    WORKER_ERROR_TITLE = N_("Could not read the tax cards")
    WORKER_ERROR_TITLES: ClassVar[dict[str, str]] = {"taxcards-run": N_("The fetch stopped")}
    AUTO_FOCUS = "#tc-clients"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "fetch", N_("Fetch"), id="taxcards.fetch"),
        Binding("slash", "filter", N_("Filter"), id="taxcards.filter", key_display="/", priority=True),
        *(Binding(str(n), f"show('{key}')", label, id=f"taxcards.show_{key}", show=False)
          for n, (key, label) in enumerate(SHOWS, start=1)),
        Binding("escape", "stop_or_back", N_("Stop / back"), id="taxcards.stop_or_back", show=False),
    ]

    FETCH_OPTIONS: ClassVar[fetch.FetchOptions] = fetch.FetchOptions()
    """How the fetch polls (tests make it quicker)."""

    @dataclass
    class ChoicesLoaded(Message):
        choices: Choices

    @dataclass
    class ResultsLoaded(Message):
        summary: FetchSummary | None
        rows: list[ResultRow]

    @dataclass
    class Planned(Message):
        plan: FetchPlan

    @dataclass
    class Refused(Message):
        """The core refused (date rules, no access, nobody to fetch for) or something failed."""

        reason: str
        title: str = ""

    @dataclass
    class Interrupted(Message):
        jobs: list[JobInfo]

    @dataclass
    class Started(Message):
        job_id: int
        clients: dict[str, str]
        """Org number -> client name, for the per-client progress."""

    class Progressed(Message):
        """The job moved on (from the worker thread)."""

        def __init__(self, progress: Progress) -> None:
            super().__init__()
            self.progress = progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TaxCardsScreen.Progressed)

    @dataclass
    class Finished(Message):
        summary: FetchSummary
        paused: bool

    def __init__(self, client_ids: list[int] | None = None, client_words: str = "") -> None:
        super().__init__()
        self.client_ids = list(client_ids or [])
        """Marked clients this screen was opened with (from the client list)."""
        self.client_words = client_words
        self.choices: Choices | None = None
        self.summary: FetchSummary | None = None
        self.results: list[ResultRow] = []
        self.show = "all"
        self.filter_text = ""
        self.running = False
        self.job_id: int | None = None
        self.progress: Progress | None = None
        self.client_names: dict[str, str] = {}
        self.plan_text = ""
        self._cancel = threading.Event()
        self._declined: set[int] = set()
        """Interrupted jobs the user chose not to resume now (not asked again here)."""

    # --- Layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="tc-panel"):
            with Horizontal(classes="tc-line"):
                yield Label(_("Clients"), classes="tc-label")
                yield Select(self._client_options(), value=self._default_choice(), allow_blank=False,
                             compact=True, id="tc-clients")
            with Horizontal(classes="tc-line"):
                yield Label(_("Income year"), classes="tc-label")
                year = clock.today().year
                yield Select([(str(y), y) for y in (year - 1, year, year + 1)], value=year, allow_blank=False,
                             compact=True, id="tc-year")
                yield Label(_("Fetch"), classes="tc-label tc-mode-label")
                yield Select([(_("all listed persons"), "all"), (_("changes only"), "changes")], value="all",
                             allow_blank=False, compact=True, id="tc-mode")
            yield Static("", id="tc-year-problem", markup=False)
        yield Static("", id="tc-status", markup=False)
        yield JobProgress(stopping_text=_("stopping after the orders in flight…"), id="tc-progress")
        yield Static("", id="tc-shows", markup=False)
        yield FilterBar(_("words to look for: name, client, national id, reason…"), id="tc-filter")
        yield MarkableTable(self._result_columns(), markable=False, fixed_columns=2, id="tc-table",
                            empty_text=_("No tax-card fetch yet: choose clients above and press {key}.").format(
                                key=key_shown(self, "taxcards.fetch")))
        yield Static("", id="tc-detail", markup=False)
        yield KeyFooter()

    @staticmethod
    def _result_columns() -> list[Column]:
        return [
            Column("national_id", _("National id"), min_width=11, max_width=11),
            Column("name", _("Name"), max_width=18),
            Column("result", _("Result"), max_width=15),
            Column("kind", _("Kind"), max_width=12),
            Column("table", _("Table"), max_width=5),
            Column("percentage", _("Percent"), justify="right", max_width=7),
            Column("free_card", _("Free card"), justify="right", max_width=9),
            Column("changed_since", _("Changed since"), max_width=10),
            Column("client", _("Client"), max_width=24),
            Column("details", _("Changes / reason"), max_width=60),
        ]

    @staticmethod
    def _progress_columns() -> list[Column]:
        return [
            Column("org_number", _("Org. no."), min_width=11, max_width=11),
            Column("client", _("Client"), max_width=30),
            Column("persons", _("Persons"), justify="right", max_width=8),
            Column("done", _("Done"), justify="right", max_width=8),
            Column("state", _("State"), max_width=14),
        ]

    def _client_options(self) -> list[tuple[str, str]]:
        options: list[tuple[str, str]] = []
        if self.client_ids:
            options.append((_("Marked clients: {clients}").format(
                clients=self.client_words or fmt.count(len(self.client_ids))), "marked"))
        options.append((_("All clients I have access to"), "all"))
        if self.choices is not None:
            who = self.app.who
            staff = sorted(self.choices.staff, key=lambda s: (s[0] != who.login, sort_key(s[1])))
            for login, name in staff:
                label = (_("Clients where I am responsible") if login == who.login
                         else _("Clients where {name} is responsible").format(name=name))
                options.append((label, f"responsible:{login}"))
            options.extend((_("Group: {name}").format(name=name), f"group:{name}") for name in self.choices.groups)
        return options

    def _default_choice(self) -> str:
        return "marked" if self.client_ids else "all"

    def on_mount(self) -> None:
        self.query_one("#tc-progress").display = False
        self.query_one("#tc-year-problem").display = False
        self.query_one("#tc-status").display = False
        self.query_one("#tc-detail").display = False
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        self._update_shows()
        self.load_choices()
        self.load_latest()
        self.find_interrupted()

    def on_screen_resume(self) -> None:
        if not self.running and self.choices is not None:
            self.find_interrupted()

    def on_unmount(self) -> None:
        # Leaving the app mid-fetch: stop it cleanly; it stays interrupted, to resume.
        self._cancel.set()

    # --- Loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="taxcards-choices", description="selection")
    def load_choices(self) -> None:
        from byraa.core.agency import access_admin
        from byraa.core.clients import groups as core_groups

        store = self.app.workspace.store
        groups = [g.name for g in core_groups.list_groups(store)]
        staff = [(s.login, s.name) for s in access_admin.list_staff(store) if s.active and s.responsible]
        self.post_message(self.ChoicesLoaded(Choices(groups, staff)))

    def on_tax_cards_screen_choices_loaded(self, message: ChoicesLoaded) -> None:
        self.choices = message.choices
        select = self.query_one("#tc-clients", Select)
        current = select.value
        select.set_options(self._client_options())
        select.value = current if current != Select.NULL else self._default_choice()

    @work(thread=True, exclusive=True, exit_on_error=False, group="taxcards-results", description="fetch results")
    def load_latest(self) -> None:
        store, who = self.app.workspace.store, self.app.who
        job_id = fetch.latest_fetch(store, who)
        if job_id is None:
            self.post_message(self.ResultsLoaded(None, []))
            return
        self._read_results(job_id)

    def _read_results(self, job_id: int) -> None:
        store, who = self.app.workspace.store, self.app.who
        self.post_message(self.ResultsLoaded(fetch.fetch_summary(store, who, job_id),
                                             fetch.result_rows(store, who, job_id)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="taxcards-results", description="fetch results")
    def load_results(self, job_id: int) -> None:
        self._read_results(job_id)

    def on_tax_cards_screen_results_loaded(self, message: ResultsLoaded) -> None:
        if self.running:
            return
        self.summary = message.summary
        self.results = message.rows
        table = self._replace_table(self._result_columns(), [self._result_row(i, r) for i, r in enumerate(message.rows)])
        table.loading = False
        self._apply_filter()
        if message.summary is not None and not self.plan_text:
            self._set_status(self._summary_words(message.summary))

    @work(thread=True, exclusive=True, exit_on_error=False, group="taxcards-interrupted",
          description="interrupted fetches")
    def find_interrupted(self) -> None:
        found = [j for j in fetch.interrupted_fetches(self.app.workspace.store, self.app.who)
                 if j.id not in self._declined]
        if found:
            self.post_message(self.Interrupted(found))

    def on_tax_cards_screen_interrupted(self, message: Interrupted) -> None:
        if self.running or not self.is_current:
            return
        from byraa.tui.widgets.dialogs import ConfirmDialog

        job = message.jobs[0]
        params = job.params
        text = _("The fetch of tax cards for {year} started {when} by {who} was interrupted: {done} of {total} "
                 "persons done, {clients} client(s). Resume it? Orders already sent are not sent again.").format(
            year=params.get("year", ""), when=fmt.timestamp(job.created_at), who=job.created_by,
            done=fmt.count(job.units_done), total=fmt.count(job.total_units),
            clients=fmt.count(len(params.get("clients", []))))

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_job(job_id=job.id)
            else:
                self._declined.add(job.id)
                self.notify(_("`byraa taxcards fetch --resume` or this screen resumes it later."),
                            title=_("Interrupted fetch kept"))

        self.app.push_screen(ConfirmDialog(_("Resume the interrupted fetch?"), text, yes=_("Resume"),
                                           dangerous=True), answered)

    def worker_failed(self, worker: Worker) -> None:
        """The app has told the user why; the fetch view shows that it stopped."""
        if worker.group == "taxcards-run":
            self._run_ended()
            reason = worker.error if isinstance(worker.error, UserError) else _("Unexpected error")
            self._set_status(_("The fetch stopped: {reason}").format(reason=reason))

    # --- The selection and the plan ------------------------------------------------------

    def selection(self) -> fetch.Selection:
        choice = str(self.query_one("#tc-clients", Select).value)
        if choice == "marked":
            return fetch.Selection(client_ids=tuple(self.client_ids))
        if choice.startswith("group:"):
            return fetch.Selection(group=choice.removeprefix("group:"))
        if choice.startswith("responsible:"):
            return fetch.Selection(responsible=choice.removeprefix("responsible:"))
        return fetch.Selection(all=True)

    @property
    def year(self) -> int:
        return int(self.query_one("#tc-year", Select).value)  # type: ignore[arg-type]

    @property
    def mode(self) -> str:
        return str(self.query_one("#tc-mode", Select).value)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "tc-year":
            problem = fetch.income_year_problem(self.year, clock.today())
            hint = self.query_one("#tc-year-problem", Static)
            hint.update(problem or "")
            hint.display = bool(problem)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action == "fetch":
            return not self.running or None
        if action == "show":
            return (bool(self.results) and not self.running) or None
        return True

    def action_fetch(self) -> None:
        if self.running:
            return
        self.plan(self.selection(), self.year, self.mode)

    @work(thread=True, exclusive=True, exit_on_error=False, group="taxcards-plan", description="plan the fetch")
    def plan(self, selection: fetch.Selection, year: int, mode: str) -> None:
        try:
            plan = fetch.plan_fetch(self.app.workspace.store, self.app.who, selection, year, mode=mode)
            fetch.require_stored_connection(self.app.workspace.store, plan)
        except UserError as exc:
            self.post_message(self.Refused(str(exc), _("Not fetched")))
            return
        self.post_message(self.Planned(plan))

    def on_tax_cards_screen_refused(self, message: Refused) -> None:
        self.notify(message.reason, title=message.title or _("Not fetched"), severity="error", timeout=10)

    def plan_words(self, plan: FetchPlan) -> str:
        words = _("{persons} persons of {clients} client(s) in {orders} order(s); {skipped} skipped "
                  "(no employment in {year})").format(
            persons=fmt.count(plan.persons), clients=fmt.count(len(plan.clients)), orders=fmt.count(len(plan.orders)),
            skipped=fmt.count(plan.skipped), year=plan.year)
        if plan.clients_without_access:
            words += " · " + _("{count} client(s) left out: no access").format(
                count=fmt.count(plan.clients_without_access))
        return words

    def on_tax_cards_screen_planned(self, message: Planned) -> None:
        from byraa.tui.widgets.dialogs import ConfirmDialog

        plan = message.plan
        what = _("Tax cards {year}, all listed persons") if plan.mode == "all" else _("Tax cards {year}, changes only")
        text = what.format(year=plan.year) + ":\n" + self.plan_words(plan)
        if plan.mode == "changes":
            text += "\n" + _("Changes only asks for the cards changed since the last fetch of all.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.plan_text = self.plan_words(plan)
                self.run_job(plan=plan)

        self.app.push_screen(ConfirmDialog(_("Fetch tax cards?"), text, yes=_("Fetch"), dangerous=True), answered)


    def palette_commands(self) -> Iterator[PaletteCommand]:
        if self.running:
            yield PaletteCommand(_("Tax cards: Stop the fetch"), _("Stop after the orders in flight; resumable"),
                                 self.action_stop_or_back)
            return
        yield PaletteCommand(_("Tax cards: Fetch"), _("Plan and fetch for the chosen clients"), self.action_fetch)
        if self.results:
            for key, label in SHOWS:
                yield PaletteCommand(_("Tax cards: Show {what}").format(what=_(label).lower()), "",
                                     lambda key=key: self.action_show(key))
            yield PaletteCommand(_("Tax cards: Filter"), _("Type words to narrow the results"), self.action_filter)
            if self.query_one(MarkableTable).cursor_key is not None:
                yield PaletteCommand(_("Tax cards: Card history"), _("The person's cards, newest first"),
                                     self.action_history)
        yield PaletteCommand(_("Tax cards: Look for interrupted fetches"), _("Offer to resume one"),
                             self._look_again)

    def _look_again(self) -> None:
        self._declined.clear()
        self.find_interrupted()



def open_for_clients(screen: Screen, client_ids: list[int], words: str) -> None:
    """From the client list: this screen with the marked clients chosen."""
    if not client_ids:
        screen.notify(_("Mark clients with space first (or put the cursor on one)."), title=_("No clients"),
                      severity="warning")
        return
    screen.app.push_screen(TaxCardsScreen(client_ids=client_ids, client_words=words))
