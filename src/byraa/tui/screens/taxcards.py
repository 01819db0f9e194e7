"""Tax cards (SPEC 4.5): fetch skattekort in bulk, follow the job, read the results.

The selection panel picks the clients (marked ones from the client list, a group, "all
clients where <staff> is responsible", or all the user may access), the income year and
the mode (all listed persons, or changes only). ``e`` plans the fetch in the core (the
date rules and access refuse up front), shows the plan and, once confirmed, runs the job
in a thread worker: a progress bar with the core's ETA, per-client progress in the
table, ``escape`` to stop after confirming. A stopped or crashed fetch is interrupted,
not lost: opening the screen offers to resume it, and the core never orders twice.

The result table shows the last finished fetch: masked national ids, kind, table number,
percentage, free-card amount and "changed since"; ``1``-``5`` filter it, ``enter`` shows
a person's card history (on an error row: the error, whole, in the user's words; the
highlighted error's reason also shows under the table).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState

from byraa.core.base import clock, ids
from byraa.core.base.errors import UserError
from byraa.core.jobs import JobInfo, Progress
from byraa.core.taxcards import fetch
from byraa.core.taxcards.fetch import FetchPlan, FetchSummary, ResultRow
from byraa.core.taxcards.reasons import reason_words
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.filter_bar import FilterBar, FilteredScreen
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned

SHOWS: tuple[tuple[str, str], ...] = (
    ("all", N_("All")),
    ("changed", N_("Changed")),
    ("errors", N_("Errors")),
    ("no_card", N_("No card")),
    ("skipped", N_("Skipped")),
)
"""The result filters, in the order of their keys ``1``-``5``."""


def outcome_word(outcome: str) -> str:
    return {
        "card": _("card"),
        "no_card": _("no card"),
        "not_liable": _("not liable"),
        "error": _("error"),
        "skipped": _("skipped"),
    }.get(outcome, outcome)


_RESULTS = {"skattekortopplysningerOK": "card", "ikkeSkattekort": "no_card", "ikkeTrekkplikt": "not_liable"}
"""Skatteetaten's result codes -> outcomes (for a stored card's words)."""


def _outcome_cell(row: ResultRow) -> Cell:
    word = outcome_word(row.outcome)
    tone = {"error": "error", "no_card": "warning", "not_liable": "warning", "skipped": "muted"}.get(row.outcome)
    if row.changed:
        return Toned(_("changed"), "success")
    return Toned(word, tone) if tone else word


def _amount(ore: int | None) -> str:
    return "" if ore is None else fmt.nok(ore, decimals=False)


def _pct(value: float | None) -> str:
    return "" if value is None else fmt.percent(value, 0 if float(value).is_integer() else 1)


@dataclass(frozen=True)
class Choices:
    """What the selection panel offers (read in a worker)."""

    groups: list[str]
    staff: list[tuple[str, str]]
    """(login, name) of active staff responsible for at least one client."""


class TaxCardsScreen(FilteredScreen, Screen, LocalizedBindings):
    """Fetch tax cards for many clients at once, and the results of the last fetch."""

    CSS_PATH = "taxcards.tcss"
    HELP_TITLE = N_("Tax cards")
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
        with Horizontal(id="tc-progress"):
            yield ProgressBar(total=100, show_eta=False, id="tc-bar")
            yield Label("", id="tc-eta", markup=False)
        yield Static("", id="tc-shows", markup=False)
        yield FilterBar(_("words to look for: name, client, national id, reason…"), id="tc-filter")
        yield MarkableTable(self._result_columns(), markable=False, fixed_columns=2, id="tc-table",
                            empty_text=_("No tax-card fetch yet: choose clients above and press e."))
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
            staff = sorted(self.choices.staff, key=lambda s: (s[0] != who.login, s[1].casefold()))
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

        self.app.push_screen(ConfirmDialog(_("Resume the interrupted fetch?"), text, yes=_("Resume")), answered)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.query_one(MarkableTable).loading = False
        error = event.worker.error
        if event.worker.group == "taxcards-run":
            self._run_ended()
            self.notify(str(error), title=_("The fetch stopped"), severity="error", timeout=10)
            self._set_status(_("The fetch stopped: {reason}").format(reason=error))
            return
        self.notify(str(error), title=_("Could not read the tax cards"), severity="error", timeout=10)

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

        self.app.push_screen(ConfirmDialog(_("Fetch tax cards?"), text, yes=_("Fetch")), answered)

    # --- Running -----------------------------------------------------------------------

    def run_job(self, *, plan: FetchPlan | None = None, job_id: int | None = None) -> None:
        self._cancel = threading.Event()
        self.running = True
        self.progress = None
        self.query_one("#tc-progress").display = True
        self.query_one(ProgressBar).update(total=100, progress=0)
        self.query_one("#tc-eta", Label).update("")
        self._set_status(_("Starting…"))
        self._replace_table(self._progress_columns(), [])
        self._update_shows()
        self.refresh_bindings()
        self._run(plan, job_id, self._cancel)

    @work(thread=True, exit_on_error=False, group="taxcards-run", description="tax-card fetch")
    def _run(self, plan: FetchPlan | None, job_id: int | None, cancel: threading.Event) -> None:
        from byraa.core.clients import registry as core_clients

        store, who = self.app.workspace.store, self.app.who
        if plan is not None:
            job_id = fetch.start_fetch(store, who, plan)
            names = {c.org_number: c.name for c in plan.clients}
        else:
            names = {c.org_number: c.name for c in core_clients.list_clients(store, who)}
        assert job_id is not None
        self.post_message(self.Started(job_id, names))
        summary = fetch.run_fetch_blocking(store, who, job_id, options=self.FETCH_OPTIONS,
                                           on_progress=lambda p: self.post_message(self.Progressed(p)),
                                           cancel_event=cancel, pause_on_cancel=True)
        self.post_message(self.Finished(summary, paused=summary.status in ("pending", "running")))

    def on_tax_cards_screen_started(self, message: Started) -> None:
        self.job_id = message.job_id
        self.client_names = message.clients
        self._update_subtitle()

    def on_tax_cards_screen_progressed(self, message: Progressed) -> None:
        if not self.running:
            return
        p = self.progress = message.progress
        self.query_one(ProgressBar).update(total=max(1, p.units_total), progress=p.units_done)
        eta = "" if p.eta_seconds is None else _("about {time} left").format(time=self._duration(p.eta_seconds))
        clients_done = sum(1 for done, total in p.groups.values() if done >= total)
        self.query_one("#tc-eta", Label).update(
            _("{done} of {total} persons · clients {cd}/{ct}").format(
                done=fmt.count(p.units_done), total=fmt.count(p.units_total), cd=clients_done, ct=len(p.groups))
            + (f" · {eta}" if eta else ""))
        if p.cancelling or self._cancel.is_set():
            self._set_status(_("Stopping after the orders in flight…"))
        else:
            self._set_status(self.plan_text or _("Resuming the interrupted fetch"))
        table = self.query_one(MarkableTable)
        rows = [self._progress_row(org, done, total, p) for org, (done, total) in sorted(
            p.groups.items(), key=lambda kv: self.client_names.get(kv[0], kv[0]).casefold())]
        if table.total_count != len(rows):
            table.set_rows(rows)
        else:
            for row in rows:
                table.update_row(row)

    def _progress_row(self, org: str, done: int, total: int, p: Progress) -> Row:
        state: Cell
        if done >= total:
            state = Toned(_("done"), "success")
        elif p.cancelling:
            state = Toned(_("stopping"), "warning")
        else:
            state = _("working")
        return Row(key=org, cells=(ids.format_org_number(org), self.client_names.get(org, ""), fmt.count(total),
                                   fmt.count(done), state),
                   sort_keys=(org, self.client_names.get(org, "").casefold(), total, done, str(state)))

    def on_tax_cards_screen_finished(self, message: Finished) -> None:
        summary = message.summary
        self._run_ended()
        if message.paused:
            self._set_status(_("Stopped: {done} of {total} orders finished. Open this screen again (or "
                               "`byraa taxcards fetch --resume`) to resume; nothing is ordered twice.").format(
                done=fmt.count(summary.orders - self._open_orders()), total=fmt.count(summary.orders)))
            self.notify(_("The fetch is stopped and can be resumed."), title=_("Fetch stopped"), severity="warning")
            self.load_latest()
            return
        self._set_status(self._summary_words(summary))
        # The arrow keys should move through the results, not the dropdown that started the fetch.
        self.query_one(MarkableTable).focus()
        if summary.ok:
            self.notify(_("{cards} cards, {changed} changed.").format(cards=fmt.count(summary.cards),
                                                                      changed=fmt.count(summary.changed)),
                        title=_("Tax cards fetched"))
        else:
            self.notify(_("{errors} person(s) with errors, {failed} order(s) failed.").format(
                errors=fmt.count(summary.errors), failed=fmt.count(summary.orders_failed)),
                title=_("Tax cards fetched with errors"), severity="warning", timeout=10)
        self.load_results(summary.job_id)

    def _open_orders(self) -> int:
        p = self.progress
        return 0 if p is None else p.items_total - p.items_finished

    def _run_ended(self) -> None:
        self.running = False
        self.plan_text = ""
        self.query_one("#tc-progress").display = False
        self.refresh_bindings()
        self._update_subtitle()

    def action_stop_or_back(self) -> None:
        if not self.running:
            self.app.action_back()
            return
        if self._cancel.is_set():
            return
        from byraa.tui.widgets.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes and self.running:
                self._cancel.set()
                self._set_status(_("Stopping after the orders in flight…"))

        self.app.push_screen(ConfirmDialog(
            _("Stop the fetch?"),
            _("Orders already sent are kept: resuming later fetches their answers without ordering again."),
            yes=_("Stop")), answered)

    # --- Results -------------------------------------------------------------------------

    def _result_row(self, index: int, r: ResultRow) -> Row:
        details = r.changes if r.changed else reason_words(r.result, r.reason)
        return Row(
            key=str(index),
            cells=(r.national_id, r.name, _outcome_cell(r), r.kind if r.kind and r.kind != "none" else "",
                   r.table_number or "",
                   _pct(r.percentage), _amount(r.free_card_amount),
                   fmt.day(r.changed_since) if r.changed and r.changed_since else "",
                   r.client_name, details or ""),
            sort_keys=(r.national_id, r.name.casefold(), r.outcome, r.kind or "", r.table_number or "",
                       r.percentage or -1.0, r.free_card_amount or -1,
                       r.changed_since.isoformat() if r.changed_since else "", r.client_name.casefold(),
                       (details or "").casefold()),
        )

    def _replace_table(self, columns: list[Column], rows: list[Row]) -> MarkableTable:
        """Other columns and rows (the per-client progress, the results)."""
        table = self.query_one(MarkableTable)
        table.show_only(None)
        table.set_rows([])
        table.set_columns(columns)
        table.set_rows(rows)
        return table

    def action_show(self, show: str) -> None:
        self.show = show
        self._apply_filter()

    def _apply_filter(self) -> None:
        if self.running:
            return
        words = self.filter_text.casefold().split()
        keys = []
        for index, r in enumerate(self.results):
            if not fetch.shows(r, self.show):
                continue
            if words:
                text = " ".join((r.national_id, r.name, r.client_name, r.org_number, outcome_word(r.outcome),
                                 r.kind or "", reason_words(r.result, r.reason), r.changes or "")).casefold()
                if not all(w in text for w in words):
                    continue
            keys.append(str(index))
        table = self.query_one(MarkableTable)
        table.show_only(None if self.show == "all" and not words else keys)
        self._update_shows()
        self._update_subtitle()

    def counts(self) -> dict[str, int]:
        """Rows per filter (what the filter line shows)."""
        return {key: sum(1 for r in self.results if fetch.shows(r, key)) for key, _label in SHOWS}

    def _update_shows(self) -> None:
        widget = self.query_one("#tc-shows", Static)
        if self.running or not self.results:
            widget.display = False
            return
        widget.display = True
        counts = self.counts()
        parts = []
        for n, (key, label) in enumerate(SHOWS, start=1):
            text = f"{n} {_(label)} {fmt.count(counts[key])}"
            parts.append(f"[{text}]" if key == self.show else f" {text} ")
        widget.update(" ".join(parts))

    def _summary_words(self, s: FetchSummary) -> str:
        mode = _("all listed") if s.mode == "all" else _("changes only")
        status = {"done": _("done"), "failed": _("failed"), "cancelled": _("cancelled")}.get(s.status, s.status)
        return _("{year} · {mode} · {status} · {asked} asked · {cards} cards · {orders} order(s)").format(
            year=s.year, mode=mode, status=status, asked=fmt.count(s.persons_asked), cards=fmt.count(s.cards),
            orders=fmt.count(s.orders_sent))

    def _set_status(self, text: str) -> None:
        status = self.query_one("#tc-status", Static)
        status.update(text)
        status.display = bool(text)

    def _update_subtitle(self) -> None:
        parts = [_("Tax cards")]
        if self.running and self.job_id is not None:
            parts.append(_("fetch {job} running").format(job=self.job_id))
        elif self.summary is not None:
            parts.append(_("fetch {job}").format(job=self.summary.job_id))
            table = self.query_one(MarkableTable)
            if table.row_count != table.total_count:
                parts.append(_("{shown} of {total}").format(shown=fmt.count(table.row_count),
                                                              total=fmt.count(table.total_count)))
        if self.filter_text.strip():
            parts.append(_("filter “{text}”").format(text=self.filter_text.strip()))
        self.sub_title = " · ".join(parts)

    @staticmethod
    def _duration(seconds: float) -> str:
        seconds = max(0, round(seconds))
        if seconds < 60:
            return _("{s} s").format(s=seconds)
        return _("{m} min {s} s").format(m=seconds // 60, s=seconds % 60)

    # --- History ---------------------------------------------------------------------------

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        row = self._result_at(event.key)
        if row is None:
            return
        if row.outcome in ("error", "skipped"):
            self.open_error(row)
        else:
            self.open_history(row)

    def _result_at(self, key: str | None) -> ResultRow | None:
        """The result row behind a table key (None while the table shows per-client progress,
        whose keys are org numbers)."""
        if self.running or not key or not key.isdigit() or int(key) >= len(self.results):
            return None
        return self.results[int(key)]

    def on_markable_table_row_highlighted(self, event: MarkableTable.RowHighlighted) -> None:
        """Under the table, the highlighted error's reason whole (the column cuts it)."""
        pane = self.query_one("#tc-detail", Static)
        key = event.key
        row = self._result_at(key)
        if row is None or row.outcome not in ("error", "skipped"):
            pane.display = False
            return
        pane.update(_("{name} {nid}: {reason} · enter shows it").format(
            name=row.name or "", nid=row.national_id, reason=reason_words(row.result, row.reason)))
        pane.display = True

    def open_error(self, row: ResultRow) -> None:
        """An error or skipped person: what went wrong, whole, in the user's words."""
        from byraa.tui.widgets.dialogs import TextViewer

        lines = [
            _("Person: {name} {nid}").format(name=row.name or "–", nid=row.national_id),
            _("Client: {org} {name}").format(org=ids.format_org_number(row.org_number), name=row.client_name),
            _("Result: {outcome}").format(outcome=outcome_word(row.outcome)),
            "",
            reason_words(row.result, row.reason),
        ]
        if row.result:
            lines += ["", _("Skatteetaten's code: {code}").format(code=row.result)]
        if row.archive_id is not None:
            lines += [_("Skatteetaten's answer is in the archive (file {id}).").format(id=row.archive_id)]
        title = _("Error: {name}") if row.outcome == "error" else _("Skipped: {name}")
        self.app.push_screen(TextViewer(title.format(name=row.name or row.national_id), "\n".join(lines)))

    def open_history(self, row: ResultRow) -> None:
        if row.employee_id is None:
            self.notify(_("This person is not among the client's employees: no card history."),
                        title=_("No history"), severity="warning")
            return
        self.app.push_screen(CardHistoryScreen(row))

    def action_history(self) -> None:
        key = self.query_one(MarkableTable).cursor_key
        if key is not None and key.isdigit() and not self.running:
            self.open_history(self.results[int(key)])

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


class CardHistoryScreen(ModalScreen[None], LocalizedBindings):
    """One person's tax cards at a client, newest first (current and replaced)."""

    CSS_PATH = "taxcards.tcss"
    HELP_TITLE = N_("Card history")
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
                outcome_word(_RESULTS.get(c.result, c.result)), c.kind if c.kind != "none" else "", c.table_number or "", _pct(c.percentage), _amount(c.free_card_amount),
                "" if c.months is None else f"{c.months:g}".replace(".", ","), fmt.day(c.issued_date),
            ), muted=not c.current)
            for i, c in enumerate(message.cards))
        table.loading = False
        table.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one(MarkableTable).loading = False
            self.notify(str(event.worker.error), title=_("Could not read the history"), severity="error",
                        timeout=10)

    def action_close(self) -> None:
        self.dismiss(None)


def open_for_clients(screen: Screen, client_ids: list[int], words: str) -> None:
    """From the client list: this screen with the marked clients chosen."""
    if not client_ids:
        screen.notify(_("Mark clients with space first (or put the cursor on one)."), title=_("No clients"),
                      severity="warning")
        return
    screen.app.push_screen(TaxCardsScreen(client_ids=client_ids, client_words=words))

