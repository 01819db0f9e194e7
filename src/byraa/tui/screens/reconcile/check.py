"""One check of a reconciliation run: its rows, explanations and corrections (the field diff
modal is in ``field_diff``).

Rows are green when equal and red when they differ (yellow: only on one side). ``enter``
shows the row side by side (payroll, a-ordningen, ledger; for an employment every field of
both employments). ``e`` explains the marked differences (else the one under the cursor),
``t`` takes a-ordningen's value into byraa and ``p`` queues payroll's value for
a-ordningen (employments; both after a confirmation). On a signed run those keys are
dimmed: it cannot change. National ids are shown masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label

from byraa.core.base.errors import UserError
from byraa.core.reconcile import corrections as core_corrections
from byraa.core.reconcile import runs as core_reconcile
from byraa.core.reconcile.runs import RowView, RunSummary
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _, ngettext
from byraa.core.words.labels import (
    check_name,
    comparison,
    correction_outcome,
    field_name,
    masked,
    month,
    resolution,
    row_key,
    row_status,
    value,
)
from byraa.tui.commands import PaletteCommand
from byraa.tui.screens.reconcile.field_diff import FieldDiffScreen
from byraa.tui.screens.reconcile.words import employment_cell, status_cell
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.list_screen import ListScreen, filter_binding
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned


def columns_for(check: str) -> list[Column]:
    status = Column("status", _("Status"), max_width=20)
    payroll = Column("payroll", _("Payroll"), justify="right", max_width=16)
    a07 = Column("a07", _("A-ordningen"), justify="right", max_width=16)
    explanation = Column("explanation", _("Explanation"), max_width=40)
    if check == "employments":
        # The differing field stands in the status column, so payroll's and a-ordningen's
        # values fit side by side in 80 columns.
        return [Column("status", _("Difference"), max_width=20),
                Column("national_id", _("National id"), min_width=11, max_width=11),
                Column("payroll", _("Payroll"), max_width=22), Column("a07", _("A-ordningen"), max_width=22),
                Column("key", _("Employment"), max_width=14), explanation]
    if check == "income":
        return [status, Column("national_id", _("National id"), min_width=11, max_width=11),
                Column("field", _("Description"), max_width=18), payroll, a07,
                Column("difference", _("Difference"), justify="right", max_width=14),
                Column("key", _("Benefit"), max_width=16), explanation]
    if check == "nav_refunds":
        # Open claims are per employee: who, masked, and the name, before the amounts.
        return [status, Column("key", _("Key"), max_width=10), Column("employee", _("Employee"), max_width=26),
                Column("field", _("Field"), max_width=18), payroll,
                Column("ledger", _("Ledger"), justify="right", max_width=16),
                Column("difference", _("Difference"), justify="right", max_width=14), explanation]
    return [status, Column("key", _("Key"), max_width=16), Column("field", _("Field"), max_width=18), payroll, a07,
            Column("ledger", _("Ledger"), justify="right", max_width=16),
            Column("difference", _("Difference"), justify="right", max_width=14), explanation]


def row_cells(check: str, r: RowView) -> tuple[Cell, ...]:
    explanation: Cell = ""
    if r.resolution is not None:
        text = r.explanation if r.resolution == "explained" else resolution(r.resolution)
        explanation = Toned(text or "", "muted" if r.resolution != "explained" else "success")
    elif r.is_difference:
        explanation = Toned(_("to explain"), "error")
    diff = fmt.nok(r.difference) if r.difference is not None else ""
    payroll, a07 = value(r.payroll, r.unit), value(r.a07, r.unit)
    if check == "employments":
        return (employment_cell(r.status, r.field), masked(r.national_id), payroll or "–", a07 or "–", r.key,
                explanation)
    if check == "income":
        return (status_cell(r.status), masked(r.national_id), field_name(r.field), payroll, a07, diff,
                row_key(r.key), explanation)
    if check == "nav_refunds":
        who = " ".join(x for x in (masked(r.national_id), r.name or "") if x)
        return (status_cell(r.status), r.key, who, field_name(r.field), payroll, value(r.ledger, r.unit), diff,
                explanation)
    return (status_cell(r.status), row_key(r.key), field_name(r.field), payroll, a07, value(r.ledger, r.unit), diff,
            explanation)


def search_text(r: RowView) -> str:
    return " ".join(str(x) for x in (r.key, row_key(r.key), r.field, field_name(r.field), row_status(r.status), r.payroll, r.a07,
                                     r.ledger, r.explanation or "", masked(r.national_id), r.name)
                    if x is not None).lower()


class CheckRowsScreen(ListScreen, Screen, LocalizedBindings):
    """The rows of one check of a run (pushed from ``ReconcileRunScreen``)."""

    CSS_PATH = "check.tcss"
    HELP_TITLE = N_("Check")
    WORKER_ERROR_TITLE = N_("Could not read the check")
    AUTO_FOCUS = "#check-rows"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "explain", N_("Explain"), id="reconcile_check.explain"),
        Binding("t", "take_a07", N_("Take a-ordningen's"), id="reconcile_check.take_a07"),
        Binding("p", "send_payroll", N_("Send payroll's"), id="reconcile_check.send_payroll"),
        Binding("f", "differences_only", N_("Differences only"), id="reconcile_check.differences_only"),
        filter_binding("reconcile_check", show=False),
        Binding("escape", "app.back", N_("Back"), id="reconcile_check.back", show=False),
    ]

    @dataclass
    class Loaded(Message):
        summary: RunSummary
        rows: list[RowView]

    @dataclass
    class Done(Message):
        """A change went through (or not): say so, then read the rows again."""

        message: str
        errors: list[str]
        title: str | None = None

    def __init__(self, summary: RunSummary, check: str) -> None:
        super().__init__()
        self.summary = summary
        self.check = check
        self.rows: dict[str, RowView] = {}
        self.differences_only = False
        self.filter_text = ""

    @property
    def locked(self) -> bool:
        return self.summary.signed

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="check-head"):
            yield Label(self._title(), id="check-title", markup=False)
            yield Label("…", id="check-facts", markup=False)
        yield FilterBar(_("words to look for in any column"), id="filter")
        yield MarkableTable(columns_for(self.check), fixed_columns=1, id="check-rows",
                            empty_text=_("No rows."))
        yield KeyFooter()

    def _title(self) -> str:
        return (f"{check_name(self.check)} · {self.summary.client_name} · {fmt.month_name(self.summary.period)} · "
                + _("v{n}").format(n=self.summary.version))

    def on_mount(self) -> None:
        self.query_one(MarkableTable).loading = True
        self.set_class(self.locked, "-signed")
        self._update_subtitle()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-check", description="check rows")
    def load(self) -> None:
        store, who = self.app.workspace.store, self.app.who
        summary = core_reconcile.get_run(store, who, self.summary.id)
        self.post_message(self.Loaded(summary, core_reconcile.rows(store, who, summary.id, check=self.check)))

    def on_check_rows_screen_loaded(self, message: Loaded) -> None:
        self.summary = message.summary
        self.rows = {str(r.id): r for r in message.rows}
        table = self.query_one(MarkableTable)
        table.set_rows(Row(key=str(r.id), cells=row_cells(self.check, r), muted=r.status == "info")
                       for r in message.rows)
        table.loading = False
        self._apply_filter()
        diffs = [r for r in message.rows if r.is_difference]
        open_ = sum(1 for r in diffs if not r.resolved)
        facts = [ngettext("{n} row", "{n} rows", len(message.rows)).format(n=fmt.count(len(message.rows))),
                 _("{n} differences").format(n=fmt.count(len(diffs))),
                 _("{n} to explain").format(n=fmt.count(open_))]
        if self.locked:
            facts.insert(0, _("🔒 signed {day} by {who}: read only").format(day=fmt.day(self.summary.sign_date),
                                                                          who=self.summary.signed_by))
        self.query_one("#check-facts", Label).update(" · ".join(facts))
        self.refresh_bindings()

    # --- Filter and subtitle -----------------------------------------------------------

    def matching_keys(self, text: str) -> Iterable[str] | None:
        words = text.lower().split()
        if not words and not self.differences_only:
            return None
        return [key for key, r in self.rows.items()
                if (not self.differences_only or r.is_difference) and all(w in search_text(r) for w in words)]

    def subtitle_parts(self) -> list[str]:
        table = self.list_table
        parts = [_("Reconciliation"), month(self.summary.period), check_name(self.check)]
        if table.row_count != table.total_count:
            parts.append(self.shown_of_total())
        if self.differences_only:
            parts.append(_("differences only"))
        return parts

    def action_differences_only(self) -> None:
        self.differences_only = not self.differences_only
        self._apply_filter()

    # --- Which rows a key works on ------------------------------------------------------

    def _selected(self) -> list[RowView]:
        table = self.query_one(MarkableTable)
        keys = [k for k in table.visible_keys if k in table.marked] or (
            [table.cursor_key] if table.cursor_key else [])
        return [self.rows[k] for k in keys if k in self.rows]

    def _differences(self) -> list[RowView]:
        return [r for r in self._selected() if r.is_difference]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action in ("take_a07", "send_payroll"):
            if self.check != "employments":
                return False
            return None if self.locked else True
        if action == "explain":
            return None if self.locked else True
        return True

    # --- Field diff ------------------------------------------------------------------

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        row = self.rows.get(event.key)
        if row is None:
            return

        def chosen(action: str | None) -> None:
            if action == "explain":
                self._explain([row])
            elif action == "take_a07":
                self._confirm_take([row])
            elif action == "send_payroll":
                self._confirm_send([row])

        self.app.push_screen(FieldDiffScreen(self.summary, row), chosen)

    # --- Explain ---------------------------------------------------------------------

    def action_explain(self) -> None:
        if self.locked:
            return
        self._explain(self._differences())

    def _explain(self, rows: list[RowView]) -> None:
        rows = [r for r in rows if r.is_difference]
        if not rows:
            self.notify(_("Only differences are explained; put the cursor on one or mark some."),
                        title=_("Nothing to explain"), severity="warning")
            return
        from byraa.tui.screens.reconcile.dialogs import ExplainDialog

        if len(rows) == 1:
            r = rows[0]
            what = " · ".join(p for p in (row_status(r.status), masked(r.national_id), row_key(r.key), field_name(r.field),
                                          comparison(r)) if p)
        else:
            what = _("{n} marked differences get the same explanation.").format(n=len(rows))
        current = rows[0].explanation if len(rows) == 1 and rows[0].resolution == "explained" else ""

        def answered(text: str | None) -> None:
            if text:
                self._save_explanations([r.id for r in rows], text)

        self.app.push_screen(ExplainDialog(what, current or ""), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-change", description="explain")
    def _save_explanations(self, row_ids: list[int], text: str) -> None:
        errors = []
        for row_id in row_ids:
            try:
                core_reconcile.explain(self.app.workspace.store, self.app.who, self.summary.id, row_id, text)
            except UserError as exc:
                errors.append(str(exc))
        done = len(row_ids) - len(errors)
        self.post_message(self.Done(_("{n} difference(s) explained.").format(n=done), errors))

    # --- Corrections -----------------------------------------------------------------

    @staticmethod
    def _pairs(rows: list[RowView]) -> list[RowView]:
        """One row per employment pair (a correction covers every differing field of it)."""
        seen, out = set(), []
        for r in rows:
            if r.is_difference and not r.resolved and (r.national_id, r.key) not in seen:
                seen.add((r.national_id, r.key))
                out.append(r)
        return out

    def action_take_a07(self) -> None:
        if not self.locked and self.check == "employments":
            self._confirm_take(self._differences())

    def action_send_payroll(self) -> None:
        if not self.locked and self.check == "employments":
            self._confirm_send(self._differences())

    def _confirm(self, rows: list[RowView], question: str, yes: str, action: str, *, dangerous: bool = False) -> None:
        pairs = self._pairs(rows)
        if not pairs:
            self.notify(_("Put the cursor on an unresolved employment difference, or mark some."),
                        title=_("Nothing to correct"), severity="warning")
            return
        from byraa.tui.widgets.dialogs import ConfirmDialog

        def answered(yes_: bool | None) -> None:
            if yes_:
                self._correct(action, [r.id for r in pairs])

        self.app.push_screen(ConfirmDialog(question.format(n=len(pairs)), yes=yes, dangerous=dangerous), answered)

    def _confirm_take(self, rows: list[RowView]) -> None:
        self._confirm(rows, _("Update {n} employment(s) in byraa with a-ordningen's values? The change is logged."),
                      _("Take a-ordningen's"), "take_a07")

    def _confirm_send(self, rows: list[RowView]) -> None:
        self._confirm(rows, _("Send payroll's values of {n} employment(s) to a-ordningen as a corrected "
                              "a-melding?"), _("Send payroll's"), "send_payroll", dangerous=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile-change", description="correct")
    def _correct(self, action: str, row_ids: list[int]) -> None:
        store, who = self.app.workspace.store, self.app.who
        errors = []
        for row_id in row_ids:
            try:
                if action == "take_a07":
                    core_reconcile.take_a07(store, who, self.summary.id, row_id)
                else:
                    core_reconcile.send_payroll(store, who, self.summary.id, row_id)
            except UserError as exc:
                errors.append(str(exc))
        done = len(row_ids) - len(errors)
        if action == "take_a07":
            self.post_message(self.Done(_("{n} employment(s) updated from a-ordningen.").format(n=done), errors))
            return
        message, title = _("{n} correction(s) queued.").format(n=done), None
        if done:  # queued corrections go out at once; a failure leaves them queued for `s` later
            try:
                sent = core_corrections.submit_blocking(store, who, self.summary.org_number)
            except UserError as exc:
                errors.append(_("Queued, not sent: {reason}").format(reason=exc))
            else:
                title, message, severity = correction_outcome(sent)
                if severity == "error":
                    errors.append(message)
        self.post_message(self.Done(message, errors, title))

    def on_check_rows_screen_done(self, message: Done) -> None:
        if message.errors:
            self.notify("\n".join(message.errors[:3]), title=_("Not everything went through"), severity="error",
                        timeout=10)
        else:
            self.notify(message.message, title=message.title or _("Saved"))
        self.query_one(MarkableTable).action_unmark_all()
        self.load()

    def palette_commands(self) -> Iterator[PaletteCommand]:
        if not self.locked:
            yield PaletteCommand(_("Check: Explain"), _("The marked differences, else the one under the cursor"),
                                 self.action_explain)
            if self.check == "employments":
                yield PaletteCommand(_("Check: Take a-ordningen's value"), _("Update byraa's employment (logged)"),
                                     self.action_take_a07)
                yield PaletteCommand(_("Check: Send payroll's value"), _("A corrected a-melding to a-ordningen"),
                                     self.action_send_payroll)
        yield PaletteCommand(_("Check: Differences only"), _("Hide or show the equal rows"),
                             self.action_differences_only)
        yield PaletteCommand(_("Check: Filter"), _("Type words to narrow the rows"), self.action_filter)
