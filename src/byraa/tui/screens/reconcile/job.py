"""Reconcile marked clients for a month: a durable job with progress, ETA and cancel.

Started from the clients list, the reconciliation list (or a group) with the marked
clients, or opened to resume an interrupted job. The job runs in a thread worker
(``run_sync`` of the core runner) and reports progress as messages; ``escape`` asks
before stopping it (clients already reconciled keep their runs). The table has one row per
client (equal / differences / error); ``enter`` opens that client's run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Label
from textual.worker import Worker

from byraa.core.base import ids
from byraa.core.base.bridge import run_sync
from byraa.core.base.errors import UserError
from byraa.core.jobs import JobInfo, Progress
from byraa.core.reconcile import job as core_job
from byraa.core.reconcile.job import ClientResult
from byraa.core.words import formatting as fmt
from byraa.core.words import labels
from byraa.core.words.i18n import _, ngettext
from byraa.core.words.labels import method_name, month
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.job_progress import JobProgress
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned


def outcome_cell(r: ClientResult) -> Cell:
    # The outcome's words are the CLI's too (labels.reconcile_outcome).
    if r.outcome == "equal":
        return Toned("✓ " + labels.reconcile_outcome("equal"), "success")
    if r.outcome == "differences":
        return Toned("✗ " + labels.reconcile_outcome("differences"), "error")
    if r.outcome == "skipped":
        return Toned(labels.reconcile_outcome("skipped"), "muted")
    if r.outcome == "error" or r.state == "failed":
        return Toned(labels.reconcile_outcome("error"), "error")
    if r.state == "cancelled":
        return Toned(_("stopped"), "muted")
    if r.state == "claimed":
        return Toned(_("working…"), "warning")
    return Toned(_("waiting"), "muted")


class ReconcileJobScreen(Screen, LocalizedBindings):
    """A reconcile job: progress while it runs, then a row per client."""

    CSS_PATH = "job.tcss"
    HELP_TITLE = N_("Reconciliation job")
    WORKER_ERROR_TITLE = N_("The reconciliation job failed")
    AUTO_FOCUS = "#job-results"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop_or_back", N_("Stop / back"), id="reconcile_job.stop_or_back", key_display="esc"),
    ]

    @dataclass
    class Started(Message):
        job_id: int

    @dataclass
    class Progressed(Message):
        progress: Progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ReconcileJobScreen.Progressed)

    @dataclass
    class Finished(Message):
        info: JobInfo

    @dataclass
    class Results(Message):
        info: JobInfo
        rows: list[ClientResult]

    @dataclass
    class Failed(Message):
        reason: str

    def __init__(self, *, job_id: int | None = None, org_numbers: list[str] | None = None,
                 period: str | None = None, method: str = "standard", fetch_a07: bool = False,
                 include_signed: bool = False) -> None:
        super().__init__()
        self.job_id = job_id
        self.org_numbers = list(org_numbers or [])
        self.period = period or ""
        self.method = method
        self.fetch_a07 = fetch_a07
        self.include_signed = include_signed
        self.running = False
        self.finished: JobInfo | None = None
        self.results: dict[str, ClientResult] = {}
        self.cancel_event = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="job-head"):
            yield Label(_("Reconcile clients"), id="job-title", markup=False)
            yield JobProgress(stopping_text=_("stopping after the clients in progress…"), id="job-progress")
            yield Label(_("Starting…"), id="job-status", markup=False)
        yield MarkableTable(self._columns(), markable=False, show_sort_keys=False, fixed_columns=2,
                            id="job-results", empty_text=_("No clients yet."))
        yield KeyFooter()

    @staticmethod
    def _columns() -> list[Column]:
        return [
            Column("org_number", _("Org. no."), min_width=11, max_width=11),
            Column("name", _("Client"), max_width=25),
            Column("result", _("Result"), max_width=16),
            Column("differences", _("Differences"), justify="right", max_width=11),
            Column("version", _("Version"), justify="right", max_width=7),
            Column("error", _("Error"), max_width=60),
        ]

    def on_mount(self) -> None:
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        if self.job_id is None:
            self.start()
        else:
            self.running = True
            self.run_it(self.job_id)
        self.refresh_bindings()

    def on_unmount(self) -> None:
        # Leaving byraa while the job runs stops it after the clients in flight.
        self.cancel_event.set()

    # --- Start and run ---------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-job-start", description="start job")
    def start(self) -> None:
        try:
            job_id = core_job.start_reconcile_job(self.app.workspace.store, self.app.who, self.org_numbers,
                                                  self.period, self.method, fetch_a07=self.fetch_a07,
                                                  include_signed=self.include_signed)
        except UserError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Started(job_id))

    def on_reconcile_job_screen_started(self, message: Started) -> None:
        self.job_id = message.job_id
        self.running = True
        self.refresh_bindings()
        self.run_it(message.job_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-job", description="reconcile job")
    def run_it(self, job_id: int) -> None:
        store, who = self.app.workspace.store, self.app.who
        self.app.call_from_thread(self.load_results, job_id)
        info = run_sync(core_job.run_reconcile_job(
            store, who, job_id, on_progress=lambda p: self.post_message(self.Progressed(p)),
            cancel_event=self.cancel_event))
        self.post_message(self.Finished(info))

    def on_reconcile_job_screen_progressed(self, message: Progressed) -> None:
        p = message.progress
        self.query_one(JobProgress).show(
            _("{done} of {total} clients").format(done=p.items_finished, total=p.items_total),
            done=p.units_done, total=p.units_total, eta_seconds=p.eta_seconds,
            stopping=p.cancelling or self.cancel_event.is_set())
        self.query_one("#job-status", Label).update("")
        if self.job_id is not None:
            self.load_results(self.job_id)

    def on_reconcile_job_screen_finished(self, message: Finished) -> None:
        self.running = False
        self.finished = message.info
        counts = message.info.summary or {}
        words = {"done": _("done"), "cancelled": _("stopped"), "failed": _("failed")}
        text = _("{status}: {equal} equal · {diff} with differences · {errors} errors").format(
            status=words.get(message.info.status, message.info.status), equal=counts.get("equal", 0),
            diff=counts.get("differences", 0), errors=counts.get("error", 0))
        if counts.get("skipped"):
            text += " · " + _("{n} signed, skipped").format(n=counts["skipped"])
        self.query_one("#job-status", Label).update(text + " · " + _("enter opens a client's run"))
        self.add_class("-finished")
        if self.job_id is not None:
            self.load_results(self.job_id)
        self.refresh_bindings()

    def on_reconcile_job_screen_failed(self, message: Failed) -> None:
        self.running = False
        self.query_one(MarkableTable).loading = False
        self.query_one(MarkableTable).set_rows([])
        self.query_one("#job-status", Label).update(message.reason)
        self.notify(message.reason, title=_("Not started"), severity="error", timeout=10)
        self.refresh_bindings()

    # --- Results ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-job-results", description="results")
    def load_results(self, job_id: int) -> None:
        info, rows = core_job.job_results(self.app.workspace.store, self.app.who, job_id)
        self.post_message(self.Results(info, rows))

    def on_reconcile_job_screen_results(self, message: Results) -> None:
        info = message.info
        self.period = info.params.get("period", self.period)
        self.method = info.params.get("method", self.method)
        self.results = {r.org_number: r for r in message.rows}
        table = self.query_one(MarkableTable)
        table.loading = False
        table.set_rows(Row(
            key=r.org_number,
            cells=(ids.format_org_number(r.org_number), r.name, outcome_cell(r),
                   fmt.count(r.differences) if r.differences is not None else "",
                   str(r.version) if r.version else "", r.error or ""),
            muted=r.state in ("pending", "cancelled"),
        ) for r in message.rows)
        self._update_subtitle()
        if not self.running and self.finished is None and info.status in ("done", "failed", "cancelled"):
            # Opened on a job that had already ended.
            self.on_reconcile_job_screen_finished(self.Finished(info))

    def _update_subtitle(self) -> None:
        n = len(self.results or self.org_numbers)
        parts = [_("Reconciliation"), ngettext("{n} client", "{n} clients", n).format(n=fmt.count(n))]
        if self.period:
            parts.append(month(self.period))
        parts.append(method_name(self.method))
        self.sub_title = " · ".join(parts)
        if self.period:
            self.query_one("#job-title", Label).update(
                _("Reconcile {n} client(s) for {month}").format(n=len(self.results or self.org_numbers),
                                                                 month=fmt.month_name(self.period)))

    def worker_failed(self, worker: Worker) -> None:
        if worker.group == "reconcile-job":
            self.running = False
            self.refresh_bindings()

    # --- Keys ------------------------------------------------------------------------

    def action_stop_or_back(self) -> None:
        if not self.running:
            self.app.action_back()
            return
        if self.cancel_event.is_set():
            return
        from byraa.tui.widgets.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes and self.job_id is not None:
                self.cancel_event.set()
                self.query_one("#job-status", Label).update(_("stopping after the clients in progress…"))

        self.app.push_screen(ConfirmDialog(_("Stop the reconciliation? Clients already reconciled keep their runs."),
                                           yes=_("Stop")), answered)

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        r = self.results.get(event.key)
        if r is None or r.run_id is None:
            if r is not None and r.error:
                self.notify(r.error, title=_("No run for this client"), severity="warning")
            return
        from byraa.tui.screens.reconcile.run import ReconcileRunScreen

        self.app.push_screen(ReconcileRunScreen(r.org_number, self.period, run_id=r.run_id))

    def palette_commands(self) -> Iterator[PaletteCommand]:
        if self.running:
            yield PaletteCommand(_("Job: Stop"), _("After the clients in progress"), self.action_stop_or_back)
