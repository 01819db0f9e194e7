"""The fetch view of the tax-card screen: start the job, follow its progress, stop it.

A mixin of ``TaxCardsScreen`` (its messages and widgets are the screen's).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import work

from byraa.core.base import ids
from byraa.core.jobs import Progress
from byraa.core.taxcards import fetch
from byraa.core.taxcards.fetch import FetchPlan
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.tui.widgets.job_progress import JobProgress
from byraa.tui.widgets.markable_table import Cell, MarkableTable, Row, Toned

if TYPE_CHECKING:
    from byraa.tui.screens.taxcards.screen import TaxCardsScreen


class FetchView:
    """The running fetch: progress line, per-client progress rows, stop (mixed into the screen)."""

    def run_job(self, *, plan: FetchPlan | None = None, job_id: int | None = None) -> None:
        self._cancel = threading.Event()
        self.running = True
        self.progress = None
        self.query_one(JobProgress).display = True
        self.query_one(JobProgress).reset()
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

    def on_tax_cards_screen_started(self, message: TaxCardsScreen.Started) -> None:
        self.job_id = message.job_id
        self.client_names = message.clients
        self._update_subtitle()

    def on_tax_cards_screen_progressed(self, message: TaxCardsScreen.Progressed) -> None:
        if not self.running:
            return
        p = self.progress = message.progress
        clients_done = sum(1 for done, total in p.groups.values() if done >= total)
        self.query_one(JobProgress).show(
            _("{done} of {total} persons").format(done=fmt.count(p.units_done), total=fmt.count(p.units_total)),
            done=p.units_done, total=p.units_total, eta_seconds=p.eta_seconds,
            detail=_("clients {done}/{total}").format(done=clients_done, total=len(p.groups)),
            stopping=p.cancelling or self._cancel.is_set())
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

    def on_tax_cards_screen_finished(self, message: TaxCardsScreen.Finished) -> None:
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
