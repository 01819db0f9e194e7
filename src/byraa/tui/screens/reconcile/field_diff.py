"""One row of a check side by side (payroll, a-ordningen, ledger): the field diff modal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from byraa.core.reconcile import runs as core_reconcile
from byraa.core.reconcile.checks import DIFFERENCE_STATUSES
from byraa.core.reconcile.runs import EmploymentPair, RowView, RunSummary
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.core.words.labels import (
    check_name,
    employment_type,
    field_name,
    masked,
    resolution,
    row_status,
    value,
)
from byraa.tui.screens.reconcile.words import PERSON_CHECKS
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned


class FieldDiffScreen(ModalScreen[str | None], LocalizedBindings):
    """One row side by side: payroll, a-ordningen and ledger (every field of an employment pair).

    Dismisses with the action chosen here (``explain``, ``take_a07``, ``send_payroll``) for
    the rows screen to carry out, or ``None``.
    """

    CSS_PATH = "check.tcss"
    HELP_TITLE = N_("Field diff")
    AUTO_FOCUS = "#diff-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "choose('explain')", N_("Explain"), id="field_diff.explain"),
        Binding("t", "choose('take_a07')", N_("Take a-ordningen's"), id="field_diff.take_a07"),
        Binding("p", "choose('send_payroll')", N_("Send payroll's"), id="field_diff.send_payroll"),
        Binding("escape,enter", "close", N_("Close"), id="field_diff.close", key_display="esc"),
    ]

    @dataclass
    class Loaded(Message):
        pair: EmploymentPair | None

    def __init__(self, summary: RunSummary, row: RowView) -> None:
        super().__init__()
        self.summary = summary
        self.row = row
        self.pair: EmploymentPair | None = None

    def compose(self) -> ComposeResult:
        r = self.row
        with Vertical(id="diff-box"):
            yield Label(f"{check_name(r.check)} · {row_status(r.status)}", id="diff-title", markup=False)
            yield Label(" · ".join(p for p in (masked(r.national_id), r.key, field_name(r.field)) if p),
                        id="diff-what", markup=False)
            yield MarkableTable(self._columns(), markable=False, openable=False, show_sort_keys=False,
                                fixed_columns=1, id="diff-table", empty_text="…")
            yield Static(self._explanation_text(), id="diff-explanation", markup=False)
        yield KeyFooter()

    def _columns(self) -> list[Column]:
        cols = [Column("field", _("Field"), max_width=19), Column("payroll", _("Payroll"), max_width=40),
                Column("a07", _("A-ordningen"), max_width=40)]
        if self.row.check not in PERSON_CHECKS:
            cols.append(Column("ledger", _("Ledger"), max_width=16))
        return cols

    def _explanation_text(self) -> str:
        r = self.row
        if r.resolution == "explained":
            return _("Explained by {who} {when}: {text}").format(who=r.resolved_by, when=fmt.timestamp(r.resolved_at),
                                                                 text=r.explanation)
        if r.resolution is not None:
            return f"{resolution(r.resolution)} ({r.resolved_by}, {fmt.timestamp(r.resolved_at)})"
        if r.is_difference:
            return _("Not explained yet: e writes an explanation.")
        return ""

    def on_mount(self) -> None:
        if self.row.check == "employments":
            self.query_one(MarkableTable).loading = True
            self.load()
        else:
            self._show_row()
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="field-diff", description="field diff")
    def load(self) -> None:
        pair = core_reconcile.employment_pair(self.app.workspace.store, self.app.who, self.summary.id, self.row.id)
        self.post_message(self.Loaded(pair))

    def on_field_diff_screen_loaded(self, message: Loaded) -> None:
        self.pair = message.pair
        self.query_one(MarkableTable).loading = False
        if message.pair is None:
            self._show_row()
            return
        if message.pair.name:
            self.query_one("#diff-what", Label).update(" · ".join(
                p for p in (masked(self.row.national_id), message.pair.name, self.row.key) if p))
        units = {"start_date": "date", "end_date": "date", "position_pct": "pct", "hours_full_week": "hours"}
        table = self.query_one(MarkableTable)
        rows = []
        for f in message.pair.fields:
            unit = units.get(f.field, "text")
            payroll, a07 = value(f.payroll, unit), value(f.a07, unit)
            if f.field == "employment_type":
                payroll = employment_type(payroll) if payroll else ""
                a07 = employment_type(a07) if a07 else ""
            missing_side = (self.row.status == "only_payroll" and not a07) or (
                self.row.status == "only_a07" and not payroll)
            tone = "error" if f.differs and not missing_side else None
            label = field_name(f.field)
            rows.append(Row(key=f.field, cells=(
                Toned(label, tone) if tone else label,
                Toned(payroll or "–", tone) if tone else payroll or "–",
                Toned(a07 or "–", tone) if tone else a07 or "–")))
        table.set_rows(rows)

    def _show_row(self) -> None:
        r = self.row
        tone = "error" if r.status in DIFFERENCE_STATUSES else "success" if r.status == "equal" else None
        cells: list[Cell] = [field_name(r.field) or r.key, value(r.payroll, r.unit) or "–",
                             value(r.a07, r.unit) or "–"]
        if r.check not in PERSON_CHECKS:
            cells.append(value(r.ledger, r.unit) or "–")
        rows = [Row(key="value", cells=tuple(Toned(c, tone) if tone and isinstance(c, str) else c for c in cells))]
        if r.difference is not None:
            diff = [_("difference"), "", fmt.nok(r.difference)] + ([""] if r.check not in PERSON_CHECKS else [])
            rows.append(Row(key="difference", cells=tuple(diff)))
        self.query_one(MarkableTable).set_rows(rows)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            what = parameters[0] if parameters else ""
            if what in ("take_a07", "send_payroll"):
                if self.row.check != "employments":
                    return False
                if self.summary.signed or not self.row.is_difference or self.row.resolved:
                    return None
                if what == "take_a07" and self.row.status == "only_payroll":
                    return None
                if what == "send_payroll" and self.row.status == "only_a07":
                    return None
                return True
            return True if self.row.is_difference and not self.summary.signed else None
        return True

    def action_choose(self, what: str) -> None:
        self.dismiss(what)

    def action_close(self) -> None:
        self.dismiss(None)
