"""One client's reconciliation of one month: each check with ✓/✗, sums and differences.

Opens the newest run of the month (or runs the checks when there is none). ``r`` runs
again (a new version), ``m`` switches the matching method (and runs again), ``[``/``]``
change the month, ``enter`` drills into a check, ``o`` signs off (dimmed until every
difference is explained), ``H`` fetches the month's A07 from a-ordningen and runs again,
``p`` sends the client's queued a-melding corrections (and fetches their feedback), ``x``
exports the A07, ``N`` (nivå) shows and sets the client's service level and the checks it follows
up (from the next run). On a month with a signed version, ``r``, ``m`` and ``H`` ask first (the new
run is a new version that must be signed again). A signed run is read-only: the keys that would change it are dimmed and
the header says who signed it when. The fetch and the sending run in a thread worker;
leaving the screen cancels a fetch that is still waiting for a-ordningen.

Over 400 lines: the run screen and its small helpers (the per-check lines, dimmed when
the period does not call for the check and marked ``*`` where a part-service client
follows it up, the facts line and the hint naming what is due) read as one; the modals
are in ``dialogs`` and the words in ``words``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Label
from textual.worker import Worker

from byraa.core.base import ids, periods
from byraa.core.base.errors import UserError
from byraa.core.files.oserrors import cannot_write
from byraa.core.reconcile import a07 as core_a07
from byraa.core.reconcile import a07_fetch
from byraa.core.reconcile import corrections as core_corrections
from byraa.core.reconcile import runs as core_reconcile
from byraa.core.reconcile.checks import schedule
from byraa.core.reconcile.runs import RowView, RunSummary
from byraa.core.reconcile.summary import NOT_APPLICABLE, CheckFigures, Figure, SignState, check_figures, sign_state
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.core.words.labels import (
    check_name,
    correction_outcome,
    method_name,
    month,
    sign_status,
)
from byraa.tui.commands import PaletteCommand
from byraa.tui.screens.reconcile.words import DIFF_MARK, EQUAL_MARK
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned


def check_lines(summary: RunSummary, rows: list[RowView]) -> list[CheckFigures]:
    """Per check of the run: counts and its headline figures (``core.reconcile.summary``)."""
    return check_figures(summary.checks, rows)


def figure_cell(value: Figure) -> Cell:
    """An amount; "mangler" for a source not imported; empty where the check has no such side."""
    if value is NOT_APPLICABLE:
        return ""
    if value is None:
        return Toned(_("missing"), "warning")
    return fmt.nok(value)


def run_facts(summary: RunSummary) -> str:
    """``version 2 · standard · run 22.11.2026 12:00 by tester · signed …``."""
    parts = [_("version {n}").format(n=summary.version), method_name(summary.method),
             _("run {when} by {who}").format(when=fmt.timestamp(summary.created_at), who=summary.created_by)]
    if summary.signed:
        parts.append(_("🔒 signed {day} by {who}: {status}").format(
            day=fmt.day(summary.sign_date), who=summary.signed_by, status=sign_status(summary.sign_status)))
    elif summary.unresolved:
        parts.append(_("{n} of {total} differences to explain").format(n=summary.unresolved,
                                                                      total=summary.differences))
    elif summary.client_open:
        parts.append(_("{n} for the client to follow up: ready to sign").format(n=summary.client_open))
    elif summary.differences:
        parts.append(_("every difference explained: ready to sign"))
    else:
        parts.append(_("no differences: ready to sign"))
    return " · ".join(parts)


class ReconcileRunScreen(Screen, LocalizedBindings):
    """Pushed from the reconciliation list, a client's detail, the clients list or a job."""

    CSS_PATH = "run.tcss"
    HELP_TITLE = N_("Reconciliation")
    WORKER_ERROR_TITLE = N_("Could not reconcile")
    AUTO_FOCUS = "#checks-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", N_("Run again"), id="reconcile_run.run"),
        Binding("m", "method", N_("Matching method"), id="reconcile_run.method", show=False),
        Binding("o", "sign_off", N_("Sign off"), id="reconcile_run.sign_off"),
        Binding("H", "fetch_a07", N_("Fetch A07"), id="reconcile_run.fetch_a07"),
        Binding("x", "export", N_("Export A07"), id="reconcile_run.export", show=False),
        Binding("N", "service_level", N_("Service level"), id="reconcile_run.service_level", show=False),
        Binding("p", "send_corrections", N_("Send corrections"), id="reconcile_run.send_corrections", show=False),
        Binding("left_square_bracket", "month(-1)", N_("Previous month"), id="reconcile_run.previous_month",
                key_display="[", show=False),
        Binding("right_square_bracket", "month(1)", N_("Next month"), id="reconcile_run.next_month",
                key_display="]", show=False),
        Binding("escape", "app.back", N_("Back"), id="reconcile_run.back", show=False),
    ]

    @dataclass
    class Loaded(Message):
        summary: RunSummary
        rows: list[RowView]
        sign: SignState | None = None
        read: int = 0
        """When the store was read (``_reads``): a load that read before a newer one
        (a resume's load racing the load after a sign-off) must not paint over it."""

    @dataclass
    class Failed(Message):
        reason: str

    @dataclass
    class Exported(Message):
        path: Path

    def __init__(self, org_number: str, period: str, *, run_id: int | None = None, method: str = "standard") -> None:
        super().__init__()
        self.org_number = org_number
        self.period = period
        self.run_id = run_id
        self.method = method
        self.summary: RunSummary | None = None
        self.rows: list[RowView] = []
        self.lines: dict[str, CheckFigures] = {}
        self.busy = False
        self.cancel = threading.Event()
        self.sign: SignState | None = None
        """The month's sign state (any version signed: a new run asks first)."""
        self._reads = itertools.count(1)
        self._shown_read = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="run-head"):
            yield Label(ids.format_org_number(self.org_number), id="run-client", markup=False)
            yield Label("…", id="run-facts", markup=False)
        yield MarkableTable(self._columns(), markable=False, show_sort_keys=False, fixed_columns=2,
                            id="checks-table", empty_text=_("No checks yet."))
        yield Label("", id="run-hint", markup=False)
        yield KeyFooter()

    @staticmethod
    def _columns() -> list[Column]:
        return [
            Column("mark", " ", min_width=1, max_width=1, sortable=False),
            Column("check", _("Check"), max_width=24),
            Column("differences", _("Diff."), justify="right", max_width=6),
            Column("unresolved", _("Open"), justify="right", max_width=5),
            Column("payroll", _("Payroll"), justify="right", max_width=14),
            Column("a07", _("A-ordningen"), justify="right", max_width=14),
            Column("ledger", _("Ledger"), justify="right", max_width=14),
            Column("rows", _("Rows"), justify="right", max_width=5),
        ]

    def on_unmount(self) -> None:
        self.cancel.set()

    def on_mount(self) -> None:
        self._update_subtitle()
        self.query_one(MarkableTable).loading = True
        self.load(self.run_id)

    def on_screen_resume(self) -> None:
        # Back from a drilled check: explanations and corrections change the counts.
        if self.summary is not None and not self.busy:
            self.load(self.summary.id)

    # --- Loading and running -------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-run", description="reconciliation")
    def load(self, run_id: int | None = None, *, rerun: bool = False) -> None:
        self._load(run_id, rerun=rerun)

    def _load(self, run_id: int | None, *, rerun: bool) -> None:
        """Load (or run) in the calling worker thread; posts ``Loaded`` or ``Failed``."""
        store, who = self.app.workspace.store, self.app.who
        read = next(self._reads)
        try:
            if rerun:
                summary = core_reconcile.run(store, who, self.org_number, self.period, method=self.method)
            elif run_id is not None:
                summary = core_reconcile.get_run(store, who, run_id)
            else:
                summary = core_reconcile.latest_run(store, who, self.org_number, self.period)
                if summary is None:
                    summary = core_reconcile.run(store, who, self.org_number, self.period, method=self.method)
            rows = core_reconcile.rows(store, who, summary.id)
            sign = sign_state(store, who, self.org_number, summary.period)
        except UserError as exc:  # AccessDenied and NotFound are UserErrors too
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(summary, rows, sign, read))

    def on_reconcile_run_screen_loaded(self, message: Loaded) -> None:
        self.busy = False
        if message.read and message.read < self._shown_read:
            return
        self._shown_read = max(self._shown_read, message.read)
        summary = self.summary = message.summary
        if message.sign is not None:
            self.sign = message.sign
        self.run_id = summary.id
        self.period = summary.period
        self.method = summary.method
        self.rows = message.rows
        lines = check_lines(summary, message.rows)
        self.lines = {line.check: line for line in lines}
        table = self.query_one(MarkableTable)
        table.loading = False
        table.set_rows(self._row(line, summary.period, summary.client_checks) for line in lines)
        self.query_one("#run-client", Label).update(
            f"{ids.format_org_number(summary.org_number)}  {summary.client_name} · {fmt.month_name(summary.period)}")
        self.query_one("#run-facts", Label).update(run_facts(summary))
        self.set_class(summary.signed, "-signed")
        self.query_one("#run-hint", Label).update(
            _("Signed runs cannot change: r runs the checks again as a new version.") if summary.signed
            else self._hint(summary))
        self._update_subtitle()
        self.refresh_bindings()

    def on_reconcile_run_screen_failed(self, message: Failed) -> None:
        self.busy = False
        table = self.query_one(MarkableTable)
        table.loading = False
        table.empty_text = message.reason
        table.set_rows([])
        self.query_one("#run-facts", Label).update(_("Could not reconcile: {reason}").format(reason=message.reason))
        self.notify(message.reason, title=_("Could not reconcile"), severity="error", timeout=10)
        self.refresh_bindings()

    def worker_failed(self, worker: Worker) -> None:
        self.busy = False
        self.refresh_bindings()

    @staticmethod
    def _row(line: CheckFigures, period: str, client_checks: tuple[str, ...]) -> Row:
        ok = line.differences == 0
        name = check_name(line.check)
        theirs = line.check in client_checks
        if theirs:
            name = f"{name} *"
        # A check the period does not call for is still shown (it was run), dimmed.
        check_cell: Cell = name if schedule.due(line.check, period) else Toned(name, "muted")
        mark: Cell = Toned(EQUAL_MARK, "success") if ok else Toned(DIFF_MARK, "error")
        # The client's open differences do not block the sign-off: shown, but not in red.
        open_cell: Cell = (Toned(fmt.count(line.unresolved), "muted" if theirs else "error") if line.unresolved
                           else fmt.count(line.unresolved))
        return Row(
            key=line.check,
            cells=(mark, check_cell, fmt.count(line.differences), open_cell,
                   figure_cell(line.payroll), figure_cell(line.a07), figure_cell(line.ledger),
                   fmt.count(line.rows)),
        )

    @staticmethod
    def _hint(summary: RunSummary) -> str:
        due = [c for c in summary.checks if schedule.frequency(c) != "month" and schedule.due(c, summary.period)]
        parts = [_("enter: the check's rows · o: sign off when every difference is explained")]
        if due:
            parts.append(_("due this period: {checks}").format(checks=", ".join(check_name(c) for c in due)))
        if any(not schedule.due(c, summary.period) for c in summary.checks):
            parts.append(_("dimmed: not due this period"))
        if any(c in summary.client_checks for c in summary.checks):
            parts.append(_("*: client follows up, does not block signing"))
        return " · ".join(parts)

    def _update_subtitle(self) -> None:
        parts = [_("Reconciliation"), month(self.period)]
        if self.summary is not None:
            parts.append(_("v{n}").format(n=self.summary.version))
            if self.summary.signed:
                parts.append(_("signed"))
        self.sub_title = " · ".join(parts)

    # --- Keys ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign_off":
            if self.summary is None or self.busy:
                return None
            return True if self.summary.can_sign else None
        if action in ("run", "method", "export", "month", "fetch_a07", "send_corrections"):
            return None if self.busy else True
        return True

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        if self.summary is None:
            return
        from byraa.tui.screens.reconcile.check import CheckRowsScreen

        self.app.push_screen(CheckRowsScreen(self.summary, event.key))

    def _start(self, *, rerun: bool, run_id: int | None = None) -> None:
        self.busy = True
        self.query_one(MarkableTable).loading = True
        self.refresh_bindings()
        self.load(run_id, rerun=rerun)

    def _unless_signed(self, then: Callable[[], None]) -> None:
        """Run ``then`` now, or after a yes when the month is signed (a new version must be signed again)."""
        sign = self.sign
        if sign is None or not sign.signed or self.summary is None or self.summary.period != self.period:
            then()
            return
        from byraa.tui.widgets.dialogs import ConfirmDialog

        question = _("The month is signed (version {signed}). A new run becomes version {next} and must be "
                     "signed again.").format(signed=sign.signed_version, next=sign.next_version)

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmDialog(_("Signed month"), question, yes=_("Run again")), answered)

    def action_run(self) -> None:
        if not self.busy:
            self._unless_signed(lambda: self._start(rerun=True))

    def action_method(self) -> None:
        if self.busy:
            return

        def switch() -> None:
            self.method = "simple" if self.method == "standard" else "standard"
            self.notify(_("Matching: {method}").format(method=method_name(self.method)), timeout=3)
            self._start(rerun=True)

        self._unless_signed(switch)

    def action_month(self, step: int) -> None:
        self.period = periods.shift(self.period, step)
        self.summary = None
        self.sign = None
        self._update_subtitle()
        self._start(rerun=False)

    def action_sign_off(self) -> None:
        summary = self.summary
        if summary is None or not summary.can_sign:
            return
        from byraa.tui.screens.reconcile.dialogs import SignOffDialog

        what = _("{client}, {month}, version {n}: {d} difference(s), all explained.").format(
            client=summary.client_name, month=fmt.month_name(summary.period), n=summary.version,
            d=summary.differences)

        def answered(answer: tuple[date, str] | None) -> None:
            if answer is not None:
                self._sign(summary.id, answer[0], answer[1])

        self.app.push_screen(SignOffDialog(what, differences=summary.differences,
                                          client_open=summary.client_open), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-sign", description="sign off")
    def _sign(self, run_id: int, day: date, status: str) -> None:
        try:
            core_reconcile.sign_off(self.app.workspace.store, self.app.who, run_id, status=status, sign_date=day)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=_("Not signed"), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, _("Signed off: {status}.").format(status=sign_status(status)),
                                  title=_("Signed"))
        self.app.call_from_thread(self.load, run_id)

    # --- Service level and the client's checks ----------------------------------------------

    def action_service_level(self) -> None:
        self._service_settings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-service", description="service level")
    def _service_settings(self, save: dict[str, str | None] | None = None) -> None:
        from byraa.core.reconcile.checks import mapping
        from byraa.tui.screens.reconcile.service import ServiceLevelDialog, changes

        store, who = self.app.workspace.store, self.app.who
        try:
            found = (mapping.update(store, who, self.org_number, save) if save is not None
                     else mapping.get(store, who, self.org_number))
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=_("Service level"), severity="error", timeout=10)
            return
        values = {r.key: r.value for r in found}
        level = values.get("service_level", schedule.DEFAULT_SERVICE_LEVEL)
        if save is not None:
            self.app.call_from_thread(self.notify, _("Saved: the next run uses it (r runs again)."),
                                      title=_("Service level"))
            return
        checks = tuple(c for c in values.get("client_follows_up", "").split(",") if c in schedule.FREQUENCY)
        what = f"{ids.format_org_number(self.org_number)} {self.summary.client_name if self.summary else ''}"

        def answered(answer: tuple[str, tuple[str, ...], bool] | None) -> None:
            if answer is not None:
                self._service_settings(changes(*answer))

        guarantee = values.get("bank_guarantee") == "yes"
        self.app.call_from_thread(self.app.push_screen, ServiceLevelDialog(what.strip(), level, checks, guarantee),
                                  answered)

    def action_fetch_a07(self) -> None:
        if not self.busy:
            self._unless_signed(self._begin_fetch_a07)

    def _begin_fetch_a07(self) -> None:
        if self.busy:
            return
        self.notify(_("Asking a-ordningen for the A07 of {month}…").format(month=month(self.period)), timeout=4)
        self.busy = True
        self.query_one(MarkableTable).loading = True
        self.refresh_bindings()
        self._fetch_a07(self.period)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-run", description="A07 fetch")
    def _fetch_a07(self, period: str) -> None:
        store, who = self.app.workspace.store, self.app.who
        try:
            [fetched] = a07_fetch.fetch_blocking(store, who, self.org_number, period, cancel=self.cancel)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=_("A07 not fetched"), severity="error",
                                      timeout=10)
            self.post_message(self.Failed(str(exc)) if self.summary is None else self.Loaded(self.summary, self.rows))
            return
        if fetched.status == "error":
            self.app.call_from_thread(self.notify, fetched.error or "", title=_("A07 not fetched"), severity="error",
                                      timeout=10)
        else:
            self.app.call_from_thread(
                self.notify, _("{n} employment(s), withholding {withholding}, employer's contribution {aga}.").format(
                    n=fmt.count(fetched.counts.get("employments", 0)), withholding=fmt.nok(fetched.withholding),
                    aga=fmt.nok(fetched.employer_contribution)),
                title=_("A07 fetched") if fetched.status == "saved" else _("A07 unchanged"))
        self._load(self.run_id, rerun=fetched.status == "saved" or self.summary is None)

    def action_send_corrections(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.refresh_bindings()
        self._send_corrections()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-send", description="send corrections")
    def _send_corrections(self) -> None:
        try:
            done = core_corrections.submit_blocking(self.app.workspace.store, self.app.who, self.org_number)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=_("Not sent"), severity="error", timeout=10)
        else:
            title, text, severity = correction_outcome(done)
            self.app.call_from_thread(self.notify, text, title=title, severity=severity, timeout=10)
        self.app.call_from_thread(self._idle)

    def _idle(self) -> None:
        self.busy = False
        self.refresh_bindings()

    def action_export(self) -> None:
        from byraa.tui.screens.reconcile.dialogs import ExportDialog

        default = str(Path.home() / f"a07-{self.org_number}-{self.period}.xlsx")

        def answered(path: str | None) -> None:
            if path:
                self._export(path, overwrite=False)

        self.app.push_screen(ExportDialog(default), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-export", description="A07 export")
    def _export(self, path: str, *, overwrite: bool) -> None:
        if not overwrite and Path(path).expanduser().exists():
            self.app.call_from_thread(self._ask_overwrite, path)
            return
        try:
            written = core_a07.export(self.app.workspace.store, self.app.who, self.org_number, self.period, path,
                                      overwrite=overwrite)
        except OSError as exc:  # strerror is English: say it in the user's words
            self.app.call_from_thread(self.notify, str(cannot_write(path, exc)), title=_("Not exported"),
                                      severity="error", timeout=10)
            return
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), title=_("Not exported"), severity="error", timeout=10)
            return
        self.post_message(self.Exported(written))

    def _ask_overwrite(self, path: str) -> None:
        from byraa.tui.widgets.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._export(path, overwrite=True)

        self.app.push_screen(ConfirmDialog(_("{path} exists. Replace it?").format(path=path), yes=_("Replace"),
                                           dangerous=True),
                             answered)

    def on_reconcile_run_screen_exported(self, message: Exported) -> None:
        self.notify(_("The A07 for {month} is in {path}.").format(month=month(self.period), path=message.path),
                    title=_("Exported"))

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Reconciliation: Run again"), _("A new version with the current data"),
                             self.action_run)
        yield PaletteCommand(_("Reconciliation: Switch matching method"), _("Simple (national id) or standard"),
                             self.action_method)
        if self.summary is not None and self.summary.can_sign:
            yield PaletteCommand(_("Reconciliation: Sign off"), _("Date, who and status code"),
                                 self.action_sign_off)
        yield PaletteCommand(_("Reconciliation: Fetch A07"), _("From a-ordningen, then run again"),
                             self.action_fetch_a07)
        yield PaletteCommand(_("Reconciliation: Send corrections"), _("Queued a-melding corrections to a-ordningen"),
                             self.action_send_corrections)
        yield PaletteCommand(_("Reconciliation: Export A07"), _("To an .ods or .xlsx file"), self.action_export)
        yield PaletteCommand(_("Reconciliation: Previous month"), "", lambda: self.action_month(-1))
        yield PaletteCommand(_("Reconciliation: Next month"), "", lambda: self.action_month(1))
