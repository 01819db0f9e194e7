"""Posting control for one client (SPEC 4.7), pushed from the client screen and the board.

Top: the client's payroll runs with their state (open, frozen, posted), voucher numbers
and checklist. Below: the highlighted run's control list, one line per journal line with
where posting will put it and every problem named; the DIFFERENCE lines last. ``z``
freezes the run, ``p`` posts it once (both after a confirmation); re-importing the
journal (``byraa import journal`` or the intake) and ``r`` updates the list. ``D`` lists
the client's address differences (employees vs the population register, sub-units vs
Enhetsregisteret; ``core.clients.addresses``); ``byraa addresses --out`` exports them.
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
from textual.worker import Worker, WorkerState

from byraa.core.base import ids
from byraa.core.posting import service
from byraa.core.posting.control import ControlList
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _, ngettext
from byraa.core.words.posting import problem
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings, key_shown
from byraa.tui.widgets.dialogs import ConfirmDialog
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row, Toned


def run_label(run: service.RunInfo) -> str:
    return f"{run.pay_form} {fmt.month_name(run.period)}" + (" " + _("(off-cycle)") if run.off_cycle else "")


class PostingScreen(Screen, LocalizedBindings):
    """A client's payroll runs and the control list before posting."""

    CSS_PATH = "posting.tcss"
    HELP_TITLE = N_("Posting control")
    AUTO_FOCUS = "#posting-runs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "freeze", N_("Freeze"), id="posting.freeze"),
        Binding("p", "post", N_("Post"), id="posting.post"),
        Binding("r", "reload", N_("Refresh"), id="posting.refresh", show=False),
        Binding("D", "addresses", N_("Address differences"), id="posting.addresses", show=False),
        Binding("tab", "app.focus_next", N_("Next table"), id="posting.next_table", show=False),
        Binding("escape", "app.back", N_("Back"), id="posting.back"),
    ]

    @dataclass
    class Runs(Message):
        runs: list[service.RunInfo]

    @dataclass
    class Control(Message):
        run_id: int
        result: ControlList

    def __init__(self, org_number: str, name: str = "") -> None:
        super().__init__()
        self.org_number = org_number
        self.client_name = name
        self.runs: dict[str, service.RunInfo] = {}
        self.current: service.RunInfo | None = None
        self.control: ControlList | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield MarkableTable(
            [Column("run", _("Payroll run"), max_width=24), Column("status", _("Status"), max_width=9),
             Column("lines", _("Lines"), justify="right", max_width=7), Column("vouchers", _("Vouchers"), max_width=9),
             Column("checklist", _("Checklist"), max_width=10)],
            markable=False, openable=False, show_sort_keys=False, id="posting-runs",
            empty_text=_("No posting journal yet: put it in the inbox and take it in ({key}), or "
                         "byraa import journal FILE --client {org}").format(
                key=key_shown(self.app, "app.intake"), org=self.org_number))
        yield Label("", id="posting-summary", markup=False)
        yield MarkableTable(
            [Column("line", _("Line"), justify="right", max_width=6), Column("account", _("Account"), max_width=8),
             Column("amount", _("Amount"), justify="right", max_width=14),
             Column("national_id", _("National id"), max_width=11), Column("post", _("Posted on"), max_width=14),
             Column("problem", _("Problem"), max_width=60)],
            markable=False, openable=False, show_sort_keys=False, id="posting-control",
            empty_text=_("Choose a run above."))
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = " · ".join(p for p in (_("Posting control"), self.client_name, self.org_number) if p)
        self.query_one("#posting-runs", MarkableTable).set_rows([])
        self.query_one("#posting-control", MarkableTable).set_rows([])
        self.query_one("#posting-runs", MarkableTable).loading = True
        self.load_runs()

    # --- Loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="posting-runs", description="posting runs")
    def load_runs(self) -> None:
        self.post_message(self.Runs(service.runs(self.app.workspace.store, self.app.who, self.org_number)))

    def on_posting_screen_runs(self, message: Runs) -> None:
        self.runs = {str(r.id): r for r in message.runs}
        table = self.query_one("#posting-runs", MarkableTable)
        table.loading = False
        table.set_rows(Row(str(r.id), (
            run_label(r),
            Toned(_(r.status), {"open": "warning", "frozen": "muted", "posted": "success"}.get(r.status, "muted")),
            fmt.count(r.lines), r.vouchers or "", f"{len(r.checklist)}/{len(service.CHECKLIST)}"))
            for r in message.runs)
        key = table.cursor_key
        if key in self.runs:
            self._show(self.runs[key])
        elif message.runs:
            self._show(message.runs[0])

    def on_markable_table_row_highlighted(self, event: MarkableTable.RowHighlighted) -> None:
        if event.table.id == "posting-runs" and event.key in self.runs:
            self._show(self.runs[event.key])

    def _show(self, run: service.RunInfo) -> None:
        self.current = run
        self.refresh_bindings()
        self.load_control(run)

    @work(thread=True, exclusive=True, exit_on_error=False, group="posting-control", description="control list")
    def load_control(self, run: service.RunInfo) -> None:
        _info, result = service.check(self.app.workspace.store, self.app.who, self.org_number, run.period,
                                      pay_form=run.pay_form, off_cycle=run.off_cycle)
        self.post_message(self.Control(run.id, result))

    def on_posting_screen_control(self, message: Control) -> None:
        if self.current is None or message.run_id != self.current.id:
            return
        self.control = result = message.result
        rows = [Row(str(r.line_no), (
            str(r.line_no), r.account, fmt.nok(r.amount),
            ids.mask_national_id(r.national_id) if r.national_id else "",
            # A sub-ledger line with its person: the id column already names the customer.
            r.post_account + (f" / {r.customer}" if r.customer and r.customer != r.national_id else ""),
            Toned("; ".join(problem(p) for p in r.problems), "warning") if r.problems else ""))
            for r in result.rows]
        rows += [Row(f"diff-{year}", ("", "", fmt.nok(amount), "", "?", Toned(
            _("DIFFERENCE {year}").format(year=year) + ": " + problem("difference"), "error")))
            for year, amount in result.differences.items()]
        self.query_one("#posting-control", MarkableTable).set_rows(rows)
        summary = ngettext("{problems} problem in {lines} lines", "{problems} problems in {lines} lines",
                           result.problem_count).format(problems=fmt.count(result.problem_count),
                                                        lines=fmt.count(len(result.rows)))
        if result.blocking:
            summary += " · " + "; ".join(problem(b) for b in result.blocking)
        elif result.clean:
            summary = _("Clean: {lines} lines, ready to freeze and post").format(lines=fmt.count(len(result.rows)))
        self.query_one("#posting-summary", Label).update(summary)
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(str(event.worker.error), title=_("Posting control"), severity="error", timeout=10)

    # --- Actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        run = self.current
        if action == "freeze":
            return None if run is None or run.status != "open" else True
        if action == "post":
            return None if run is None or run.status != "frozen" else True
        return True

    def action_reload(self) -> None:
        self.load_runs()

    def action_freeze(self) -> None:
        run = self.current
        if run is None or run.status != "open":
            return
        text = _("Freeze {run}? A new journal import can no longer replace it.").format(run=run_label(run))

        def answered(yes: bool | None) -> None:
            if yes:
                self._act("freeze", run)

        self.app.push_screen(ConfirmDialog(_("Freeze the run"), text, yes=_("Freeze")), answered)

    def action_post(self) -> None:
        run = self.current
        if run is None or run.status != "frozen":
            return
        problems = self.control.problem_count if self.control else 0
        text = _("Post {run} once into the ledger voucher?").format(run=run_label(run))
        if problems:
            text += "\n" + ngettext("{count} line goes to the error account or error customer.",
                                     "{count} lines go to the error account or error customer.",
                                     problems).format(count=fmt.count(problems))

        def answered(yes: bool | None) -> None:
            if yes:
                self._act("post", run)

        self.app.push_screen(ConfirmDialog(_("Post the run"), text, yes=_("Post")), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="posting-act", description="posting")
    def _act(self, what: str, run: service.RunInfo) -> None:
        store, who = self.app.workspace.store, self.app.who
        if what == "freeze":
            service.freeze(store, who, self.org_number, run.period, pay_form=run.pay_form, off_cycle=run.off_cycle)
            self.app.call_from_thread(self.notify, _("{run} is frozen.").format(run=run_label(run)))
        else:
            result = service.post(store, who, self.org_number, run.period, pay_form=run.pay_form,
                                  off_cycle=run.off_cycle)
            text = _("{run} is posted: voucher {vouchers}, archived.").format(run=run_label(run),
                                                                            vouchers=result.run.vouchers)
            if result.settled:
                text += " " + _("{count} open item(s) settled against older ones.").format(count=len(result.settled))
            self.app.call_from_thread(self.notify, text)
        self.load_runs()

    def action_addresses(self) -> None:
        self.notify(_("Asking the registers…"), title=_("Address differences"))
        self._addresses()

    @work(thread=True, exclusive=True, exit_on_error=False, group="posting-addresses", description="addresses")
    def _addresses(self) -> None:
        from byraa.core.clients import addresses
        from byraa.tui.widgets.dialogs import TextViewer

        result = addresses.compare_client(self.app.workspace.store, self.app.who, self.org_number)
        self.app.call_from_thread(self.app.push_screen, TextViewer(
            _("Address differences · {client}").format(client=ids.format_org_number(self.org_number)),
            address_text(result)))

    def palette_commands(self) -> Iterator[PaletteCommand]:
        if self.current is not None and self.current.status == "open":
            yield PaletteCommand(_("Posting: Freeze the run"), run_label(self.current), self.action_freeze)
        if self.current is not None and self.current.status == "frozen":
            yield PaletteCommand(_("Posting: Post the run"), run_label(self.current), self.action_post)
        yield PaletteCommand(_("Posting: Refresh"), _("Read the journal again"), self.action_reload)
        yield PaletteCommand(_("Posting: Address differences"), _("Employees and sub-units against the registers"),
                             self.action_addresses)


def address_text(result) -> str:  # noqa: ANN001
    """The differences as the viewer shows them (national ids masked)."""
    from byraa.core.words.posting import address_field

    lines = []
    if not result.register:
        lines += [_("The agency has no access to a population register: only the sub-units were compared "
                    "(byraa addresses register on)."), ""]
    for p in result.people:
        lines.append(f"{ids.mask_national_id(p.national_id)}  {p.name}")
        lines.append("  " + _("In payroll") + ": " + " ".join(x for x in p.payroll if x))
        lines.append("  " + _("In the register") + ": " + (" ".join(x for x in p.register if x) if p.register
                                                            else address_field("not_found")))
    for u in result.units:
        lines.append(f"{ids.format_org_number(u.org_number)}  {u.name}")
        lines.append("  " + _("In payroll") + f": {u.municipality or ''}")
        lines.append("  " + _("In the register") + ": " + (", ".join(
            x for x in (u.register_address, u.register_municipality) if x) or address_field("not_found")))
        if u.zone_check:
            lines.append("  " + _("Another municipality: check the AGA zone (now {zone}).").format(zone=u.aga_zone))
    lines += ["", _("{people} person(s) and {units} sub-unit(s) checked: {differences} difference(s).").format(
        people=result.people_checked, units=result.units_checked, differences=len(result.people) + len(result.units))]
    return "\n".join(lines)
