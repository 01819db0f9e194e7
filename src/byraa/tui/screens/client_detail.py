"""One client: employees, payroll runs and a-meldinger (needs access to the client).

National ids are shown masked; ``i`` reveals the id of the employee under the cursor
(audited by the core) for that row only, until another row is revealed or ``i`` again.
``E`` edits the client's details (agency managers; the dialog is ``client_edit``).
``O`` sends the highlighted employee's employments to a-ordningen for this month, with
chosen older ended leaves (the dialog is ``employment_send``).

Over 400 lines: the three tabs of one client share its head, loading and refusal; the
dialogs it opens live in their own modules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Label, Static, TabbedContent, TabPane

from byraa.core.base import ids
from byraa.core.base.errors import AccessDenied
from byraa.core.clients import registry as core_clients
from byraa.core.clients.registry import ClientDetail, EmployeeRow, EmploymentRow
from byraa.core.words import formatting as fmt
from byraa.core.words.collation import sort_key
from byraa.core.words.i18n import _
from byraa.core.words.labels import amelding_status, client_status, employment_type, run_kind, run_status
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings, key_shown
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned

TABS = ("employees", "runs", "submissions")


def _pct(value: float) -> str:
    return f"{value:g}".replace(".", ",") + " %"


def _main_employment(employee: EmployeeRow) -> EmploymentRow | None:
    """The employment a one-line summary shows: the latest started active one, else the latest."""
    if not employee.employments:
        return None
    ongoing = [e for e in employee.employments if e.end_date is None]
    return (ongoing or list(employee.employments))[-1]


def employment_line(e: EmploymentRow) -> str:
    parts = [
        e.sub_unit or "–",
        employment_type(e.employment_type),
        f"{fmt.day(e.start_date)}–{fmt.day(e.end_date)}",
        _("occupation {code}").format(code=e.occupation_code) if e.occupation_code else "",
        _pct(e.position_pct),
        _("{hours} h/week").format(hours=f"{e.hours_full_week:g}".replace(".", ",")),
    ]
    if e.leaves:
        parts.append(_("leave: {leaves}").format(leaves="; ".join(e.leaves)))
    return " · ".join(p for p in parts if p)


class ClientDetailScreen(Screen, LocalizedBindings):
    """Pushed from the client list or the dashboard; escape goes back."""

    CSS_PATH = "client_detail.tcss"
    HELP_TITLE = N_("Client")
    WORKER_ERROR_TITLE = N_("Could not read the client")
    AUTO_FOCUS = "#employees-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "reveal", N_("Show national id"), id="client.reveal_national_id"),
        Binding("v", "reconcile", N_("Reconciliation"), id="client.reconcile"),
        Binding("B", "posting", N_("Posting"), id="client.posting"),
        Binding("E", "edit", N_("Edit"), id="client.edit"),
        Binding("O", "send_employment", N_("Send employment"), id="client.send_employment"),
        Binding("1", "tab('employees')", N_("Employees"), show=False, id="client.tab_employees"),
        Binding("2", "tab('runs')", N_("Payroll runs"), show=False, id="client.tab_runs"),
        Binding("3", "tab('submissions')", N_("A-meldinger"), show=False, id="client.tab_submissions"),
        Binding("escape", "app.back", N_("Back"), id="client.back"),
    ]

    @dataclass
    class Loaded(Message):
        detail: ClientDetail

    @dataclass
    class Refused(Message):
        reason: str

    @dataclass
    class ReconcileState(Message):
        """The newest reconciliation run of the client (any month), for the header."""

        text: str

    @dataclass
    class Revealed(Message):
        employee_id: int
        national_id: str

    @dataclass
    class SendPlanned(Message):
        plan: object
        """An ``employment_send.SendPlan``."""

    @dataclass
    class SendDone(Message):
        title: str
        text: str
        ok: bool

    @dataclass
    class Feedback(Message):
        """An a-melding's feedback read for the viewer (``text`` None: none is archived)."""

        title: str
        text: str | None

    def __init__(self, client_id: int) -> None:
        super().__init__()
        self.client_id = client_id
        self.detail: ClientDetail | None = None
        self.refused: str | None = None
        self.revealed: int | None = None
        """The employee whose national id is shown unmasked, if any."""
        self._employees: dict[str, EmployeeRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="client-head"):
            yield Label("…", id="client-name", markup=False)
            yield Label("", id="client-facts", markup=False)
            yield Label("", id="client-reconcile", markup=False)
        yield Static("", id="no-access", markup=False)
        with TabbedContent(id="detail-tabs"):
            with TabPane(_("1 Employees"), id="employees"):
                yield self._table(self._employee_columns(), "employees-table", _("No employees."), fixed=2)
                yield Static("", id="employment-panel", markup=False)
            with TabPane(_("2 Payroll runs"), id="runs"):
                yield self._table(self._run_columns(), "runs-table", _("No payroll runs."))
            with TabPane(_("3 A-meldinger"), id="submissions"):
                yield self._table(self._submission_columns(), "submissions-table", _("No a-meldinger."),
                                  openable=True)
        yield KeyFooter()

    @staticmethod
    def _table(columns: list[Column], table_id: str, empty: str, fixed: int = 1,
               openable: bool = False) -> MarkableTable:
        """A read-only table: nothing to mark (only the a-meldinger open, to their feedback)."""
        return MarkableTable(columns, markable=False, openable=openable, show_sort_keys=False, fixed_columns=fixed,
                             id=table_id, empty_text=empty)

    @staticmethod
    def _employee_columns() -> list[Column]:
        return [
            Column("national_id", _("National id"), min_width=11, max_width=11),
            Column("name", _("Name"), max_width=24),
            Column("status", _("Status"), max_width=8),
            Column("sub_unit", _("Sub-unit"), max_width=22),
            Column("type", _("Type"), max_width=12),
            Column("start", _("Start"), max_width=10),
            Column("end", _("End"), max_width=10),
            Column("occupation", _("Occupation"), max_width=10),
            Column("position", _("Position"), justify="right", max_width=9),
            Column("leave", _("Leave"), max_width=24),
            Column("address", _("Address"), max_width=36),
        ]

    @staticmethod
    def _run_columns() -> list[Column]:
        return [
            Column("period", _("Period"), max_width=7),
            Column("pay_date", _("Pay date"), max_width=10),
            Column("kind", _("Kind"), max_width=10),
            Column("status", _("Status"), max_width=9),
            Column("payslips", _("Payslips"), justify="right", max_width=10),
            Column("gross", _("Gross"), justify="right", max_width=16),
            Column("withholding", _("Withholding"), justify="right", max_width=16),
            Column("aga", _("Employer's contr."), justify="right", max_width=16),
        ]

    @staticmethod
    def _submission_columns() -> list[Column]:
        return [
            Column("period", _("Period"), max_width=7),
            Column("status", _("Status"), max_width=10),
            Column("submitted", _("Submitted"), max_width=16),
            Column("rejecting", _("Rejection"), justify="right", max_width=10),
            Column("immediate", _("Immediate"), justify="right", max_width=12),
            Column("guideline", _("Guideline"), justify="right", max_width=13),
            Column("message_id", _("Message id"), max_width=40),
        ]

    def on_mount(self) -> None:
        self.sub_title = _("Client")
        self.query_one("#detail-tabs").loading = True
        self.load()

    # --- Loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="client-detail", description="client detail")
    def load(self) -> None:
        try:
            detail = core_clients.client_detail(self.app.workspace.store, self.app.who, self.client_id)
        except AccessDenied as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.Loaded(detail))

    def on_client_detail_screen_refused(self, message: Refused) -> None:
        self.refused = message.reason
        self.add_class("-refused")
        self.query_one("#detail-tabs").loading = False
        self.query_one("#client-name", Label).update(_("No access"))
        self.query_one("#client-facts", Label).update("")
        self.query_one("#no-access", Static).update(
            _("You have no access to this client's payroll data.\n{reason}\n\n"
              "An agency manager can grant access. Esc goes back.").format(reason=message.reason))
        self.sub_title = _("No access")
        self.refresh_bindings()

    def on_client_detail_screen_loaded(self, message: Loaded) -> None:
        detail = self.detail = message.detail
        client = detail.client
        self.query_one("#detail-tabs").loading = False
        self.query_one("#client-name", Label).update(f"{ids.format_org_number(client.org_number)}  {client.name}")
        facts = [
            client_status(client.status),
            _("pay day {day}").format(day=fmt.pay_day(client.pay_day)),
            _("responsible: {names}").format(names=", ".join(client.responsible_names) or _("none")),
        ]
        if client.groups:
            facts.append(_("groups: {names}").format(names=", ".join(client.groups)))
        self.query_one("#client-facts", Label).update(" · ".join(facts))
        self.sub_title = f"{_('Client')} · {client.name}"
        self._employees = {str(e.id): e for e in detail.employees}
        self.query_one("#employees-table", MarkableTable).set_rows(self._employee_row(e) for e in detail.employees)
        self.query_one("#runs-table", MarkableTable).set_rows(
            Row(
                key=f"{r.period}-{i}",
                cells=(fmt.month_column(r.period), fmt.day(r.pay_date), run_kind(r.kind), run_status(r.status),
                       fmt.count(r.payslip_count), fmt.nok(r.gross), fmt.nok(r.withholding),
                       fmt.nok(r.employer_contribution)),
                sort_keys=(r.period, r.pay_date, r.kind, r.status, r.payslip_count, r.gross, r.withholding,
                           r.employer_contribution),
            )
            for i, r in enumerate(detail.runs)
        )
        self.query_one("#submissions-table", MarkableTable).set_rows(
            Row(
                key=f"{s.message_id}-{i}",
                cells=(fmt.month_column(s.period), self._status_cell(s.status), fmt.timestamp(s.submitted_at),
                       fmt.count(s.deviations_rejection), fmt.count(s.deviations_immediate),
                       fmt.count(s.deviations_guideline), s.message_id),
                sort_keys=(s.period, s.status, str(s.submitted_at), s.deviations_rejection,
                           s.deviations_immediate, s.deviations_guideline, s.message_id),
            )
            for i, s in enumerate(detail.submissions)
        )
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("employees").label = _("1 Employees ({count})").format(count=len(detail.employees))
        tabs.get_tab("runs").label = _("2 Payroll runs ({count})").format(count=len(detail.runs))
        tabs.get_tab("submissions").label = _("3 A-meldinger ({count})").format(count=len(detail.submissions))
        self.query_one("#employees-table", MarkableTable).focus()
        self._show_employments()
        self.refresh_bindings()
        self._load_reconcile_state(client.org_number)

    # --- Reconciliation state in the header ------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="client-reconcile", description="reconcile state")
    def _load_reconcile_state(self, org_number: str) -> None:
        from byraa.core.reconcile import runs as core_reconcile
        from byraa.tui.screens.reconcile.run import run_facts

        runs = core_reconcile.list_runs(self.app.workspace.store, self.app.who, org_number)
        if not runs:
            text = _("Reconciliation: not run yet ({key} opens it)").format(key=key_shown(self, "client.reconcile"))
        else:
            text = _("Reconciliation {month}: {facts}").format(month=fmt.month_name(runs[0].period), facts=run_facts(runs[0]))
        self.post_message(self.ReconcileState(text))

    def on_client_detail_screen_reconcile_state(self, message: ReconcileState) -> None:
        self.query_one("#client-reconcile", Label).update(message.text)

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self._load_reconcile_state(self.detail.client.org_number)

    def action_posting(self) -> None:
        if self.detail is None:
            return
        from byraa.tui.screens.posting import PostingScreen

        self.app.push_screen(PostingScreen(self.detail.client.org_number, self.detail.client.name))

    def action_reconcile(self) -> None:
        if self.detail is None:
            return
        from byraa.tui.screens.reconcile.overview import default_period
        from byraa.tui.screens.reconcile.run import ReconcileRunScreen

        self.app.push_screen(ReconcileRunScreen(self.detail.client.org_number, default_period()))

    @staticmethod
    def _status_cell(status: str) -> Cell:
        tone = {"rejected": "error", "pending": "warning"}.get(status)
        return Toned(amelding_status(status), tone) if tone else amelding_status(status)

    def _employee_row(self, e: EmployeeRow, national_id: str | None = None) -> Row:
        main = _main_employment(e)
        more = len(e.employments) - 1
        unit = (main.sub_unit or "–") if main else ""
        if more > 0:
            unit = f"{unit} (+{more})"
        leaves = "; ".join(main.leaves) if main else ""
        return Row(
            key=str(e.id),
            cells=(
                national_id or e.national_id,
                e.name,
                _("active") if e.active else _("left"),
                unit,
                employment_type(main.employment_type) if main else "",
                fmt.day(main.start_date) if main else "",
                fmt.day(main.end_date) if main else "",
                (main.occupation_code or "") if main else "",
                _pct(main.position_pct) if main else "",
                leaves,
                e.address,
            ),
            sort_keys=(
                e.national_id, sort_key(e.name), not e.active, unit.casefold(),
                main.employment_type if main else "", main.start_date.isoformat() if main else "",
                (main.end_date.isoformat() if main and main.end_date else "9999"),
                (main.occupation_code or "") if main else "", main.position_pct if main else 0.0,
                leaves, e.address.casefold(),
            ),
            muted=not e.active,
        )

    # --- Employments of the highlighted employee -----------------------------------------

    @on(MarkableTable.RowHighlighted, "#employees-table")
    def _employee_highlighted(self, event: MarkableTable.RowHighlighted) -> None:
        self._show_employments()

    def _show_employments(self) -> None:
        panel = self.query_one("#employment-panel", Static)
        key = self.query_one("#employees-table", MarkableTable).cursor_key
        employee = self._employees.get(key or "")
        if employee is None:
            panel.update("")
            return
        lines = [_("{name}: {count} employment(s)").format(name=employee.name, count=len(employee.employments))]
        lines += [f"  {employment_line(e)}" for e in employee.employments]
        panel.update("\n".join(lines))

    # --- Actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            if self.detail is None:
                return False
            return self.query_one(TabbedContent).active == "employees" or None
        if action == "tab":
            return self.detail is not None
        if action == "reconcile":
            return True if self.detail is not None else None
        if action == "edit":
            return (self.detail is not None and self.app.who.is_manager) or None
        if action == "send_employment":
            if self.detail is None:
                return False
            return self.query_one(TabbedContent).active == "employees" or None
        return True

    def dimmed_reason(self, action: str) -> str | None:
        if action == "edit" and not self.app.who.is_manager:
            return _("Only an agency manager can change a client's details.")
        return None

    def action_edit(self) -> None:
        """The name, pay day, accounts and contact fields, in a dialog; read again once saved."""
        from byraa.tui.screens.client_edit import ClientEditDialog

        def done(saved: bool | None) -> None:
            if saved:
                self.notify(_("The client's details are saved."), title=_("Saved"))
                self.load()

        self.app.push_screen(ClientEditDialog(self.client_id), done)

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        self.set_focus(self.query_one(f"#{tab}-table", MarkableTable))

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def action_reveal(self) -> None:
        table = self.query_one("#employees-table", MarkableTable)
        key = table.cursor_key
        if key is None or key not in self._employees:
            return
        if self.revealed is not None:
            previous = self._employees.get(str(self.revealed))
            self.revealed = None
            if previous is not None:
                table.update_row(self._employee_row(previous))
            if previous is not None and str(previous.id) == key:
                return  # ``i`` on the revealed row hides it again
        self._reveal(int(key))

    @work(thread=True, exclusive=True, exit_on_error=False, group="reveal", description="reveal national id")
    def _reveal(self, employee_id: int) -> None:
        national_id = core_clients.reveal_national_id(self.app.workspace.store, self.app.who, employee_id)
        self.post_message(self.Revealed(employee_id, national_id))

    def on_client_detail_screen_revealed(self, message: Revealed) -> None:
        employee = self._employees.get(str(message.employee_id))
        if employee is None:
            return
        self.revealed = message.employee_id
        self.query_one("#employees-table", MarkableTable).update_row(
            self._employee_row(employee, national_id=message.national_id))

    # --- Sending the employee's employments to a-ordningen ----------------------------------

    def action_send_employment(self) -> None:
        key = self.query_one("#employees-table", MarkableTable).cursor_key
        if self.detail is None or key is None or key not in self._employees:
            return
        self._plan_send(int(key))

    @work(thread=True, exclusive=True, exit_on_error=False, group="employment-send", description="send employment")
    def _plan_send(self, employee_id: int) -> None:
        from byraa.core.base import clock, periods
        from byraa.core.base.errors import UserError
        from byraa.core.reconcile import employment_send

        assert self.detail is not None
        try:
            plan = employment_send.plan(self.app.workspace.store, self.app.who, self.detail.client.org_number,
                                        employee_id, periods.period_of(clock.today()))
        except UserError as exc:
            self.post_message(self.SendDone(_("Not sent"), str(exc), False))
            return
        self.post_message(self.SendPlanned(plan))

    def on_client_detail_screen_send_planned(self, message: SendPlanned) -> None:
        from byraa.tui.screens.employment_send import EmploymentSendDialog

        plan = message.plan

        def chosen(leaves: tuple[int, ...] | None) -> None:
            if leaves is not None:
                self._send(plan, leaves)

        self.app.push_screen(EmploymentSendDialog(plan), chosen)  # type: ignore[arg-type]

    @work(thread=True, exclusive=True, exit_on_error=False, group="employment-send", description="send employment")
    def _send(self, plan: object, leaves: tuple[int, ...]) -> None:
        from byraa.core.base.errors import UserError
        from byraa.core.reconcile import employment_send

        assert isinstance(plan, employment_send.SendPlan)
        try:
            result = employment_send.send_blocking(self.app.workspace.store, self.app.who, plan.org_number,
                                                   plan.employee_id, plan.period, with_leaves=leaves)
        except UserError as exc:
            self.post_message(self.SendDone(_("Not sent"), str(exc), False))
            return
        c = result.correction
        status = result.status
        text = {"accepted": _("a-ordningen accepted the a-melding ({id})."),
                "rejected": _("a-ordningen rejected the a-melding ({id})."),
                "submitted": _("Sent ({id}); the feedback is not ready yet."),
                }.get(status, _("Not sent yet ({id}); it goes with the next submit.")).format(
                    id=result.message["leveranse"]["meldingsId"])
        if c is not None and c.detail and status != "accepted":
            text += "\n" + c.detail
        self.post_message(self.SendDone(_("Employment · {name}").format(name=plan.name), text, status == "accepted"))

    def on_client_detail_screen_send_done(self, message: SendDone) -> None:
        self.notify(message.text, title=message.title, severity="information" if message.ok else "error",
                    timeout=10)

    # --- An a-melding's feedback -----------------------------------------------------------

    @on(MarkableTable.RowSelected, "#submissions-table")
    def _submission_selected(self, event: MarkableTable.RowSelected) -> None:
        if self.detail is None:
            return
        index = int(event.key.rsplit("-", 1)[1])
        self._open_feedback(self.detail.submissions[index].period)

    @work(thread=True, exclusive=True, exit_on_error=False, group="client-feedback", description="feedback")
    def _open_feedback(self, period: str) -> None:
        from byraa.core.clients import feedback as core_feedback
        from byraa.core.words.labels import feedback_text

        assert self.detail is not None
        client = self.detail.client
        doc = core_feedback.for_client(self.app.workspace.store, self.app.who, client.org_number, period)
        title = _("A-melding feedback · {client} · {period}").format(client=client.name,
                                                                     period=fmt.month_name(period))
        self.post_message(self.Feedback(title, None if doc is None else feedback_text(doc)))

    def on_client_detail_screen_feedback(self, message: Feedback) -> None:
        if message.text is None:
            self.notify(_("No feedback from a-ordningen is archived for this month."), title=_("No feedback"))
            return
        from byraa.tui.widgets.dialogs import TextViewer

        self.app.push_screen(TextViewer(message.title, message.text))

    def palette_commands(self) -> Iterator[PaletteCommand]:
        if self.detail is None:
            return
        yield PaletteCommand(_("Client: Employees"), "", lambda: self.action_tab("employees"))
        yield PaletteCommand(_("Client: Payroll runs"), "", lambda: self.action_tab("runs"))
        yield PaletteCommand(_("Client: A-meldinger"), "", lambda: self.action_tab("submissions"))
        yield PaletteCommand(_("Client: Show national id"), _("Of the employee under the cursor (logged)"),
                             self.action_reveal)
        yield PaletteCommand(_("Client: Reconciliation"), _("Checks, differences and sign-off for a month"),
                             self.action_reconcile)
        yield PaletteCommand(_("Client: Posting"), _("Control list, freeze and post a payroll run's journal"),
                             self.action_posting)
        if self.check_action("send_employment", ()):
            yield PaletteCommand(_("Client: Send employment"),
                                 _("The employments of the employee under the cursor, to a-ordningen"),
                                 self.action_send_employment)
        if self.app.who.is_manager:
            yield PaletteCommand(_("Client: Edit details"), _("Name, pay day, bank accounts, contact"),
                                 self.action_edit)
