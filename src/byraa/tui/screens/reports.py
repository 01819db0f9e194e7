"""Reports (SPEC 4.9) and a-melding feedback across clients.

``1``–``4`` pick a report (usage log, my clients, term report, degree of automation),
``5`` the a-melding feedback of every client for a month; ``[``/``]`` change the month
(the term, on the term report); ``x`` exports the report to XLSX or CSV (files 0600,
an existing file only replaced after confirming); ``L`` writes the payroll extract of
the year up to the month shown (pivot and lines, ``core.posting.extract``, limited by the
user's extract rights) to XLSX. On the feedback, ``enter`` opens the
archived feedback document of the row, read: reception status, payment details and
every deviation with its severity (``escape`` back). The core only returns clients the
user may see, and refuses a document of a client the user may not.

Over 400 lines: one screen whose views share the table, the period and the export; the view words are in ``screens.words`` and the data in ``core.clients.reports``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label

from byraa.core.base import clock, ids, periods
from byraa.core.base.errors import UserError
from byraa.core.clients import deadlines
from byraa.core.clients import feedback as core_feedback
from byraa.core.clients import reports as core_reports
from byraa.core.clients.feedback import FeedbackRow
from byraa.core.clients.reports import Report
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.core.words.labels import amelding_status, feedback_text, severity
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.dialogs import ConfirmDialog, TextDialog, TextViewer
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.group_choice import choose_group
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.list_screen import ListScreen, filter_binding
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned

VIEWS = ("usage", "my-clients", "term", "automation", "feedback")
STATUS_FILTERS = (None, *core_feedback.STATUSES)
SEVERITY_FILTERS = (None, *core_feedback.SEVERITIES)


def view_title(view: str) -> str:
    return {
        "usage": _("Usage log"),
        "my-clients": _("My clients"),
        "term": _("Term report"),
        "automation": _("Degree of automation"),
        "feedback": _("A-melding feedback"),
    }[view]


def show_value(kind: str, value: Any, words: Callable[[str], str] | None = None) -> str:
    """A report value the Norwegian way (a code in the column's ``words``)."""
    if value is None:
        return "–" if kind == "percent" else ""
    if words is not None:
        return words(value)
    if kind == "nok":
        return fmt.nok(value)
    if kind == "int":
        return fmt.count(value)
    if kind == "percent":
        return fmt.percent(value)
    if kind == "date":
        return fmt.day(value)
    if kind == "month":
        return fmt.month_column(value)
    return str(value)


def term_number(period: str) -> int:
    return (int(period[5:7]) + 1) // 2


class ReportsScreen(ListScreen, Screen, LocalizedBindings):
    """One report (or the feedback list) at a time, in a table."""

    CSS_PATH = "reports.tcss"
    HELP_TITLE = N_("Reports")
    WORKER_ERROR_TITLE = N_("Could not make the report")
    AUTO_FOCUS = "#report-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        filter_binding("reports"),
        Binding("1", "view('usage')", N_("Usage log"), show=False, id="reports.usage"),
        Binding("2", "view('my-clients')", N_("My clients"), show=False, id="reports.my_clients"),
        Binding("3", "view('term')", N_("Term report"), show=False, id="reports.term"),
        Binding("4", "view('automation')", N_("Degree of automation"), show=False, id="reports.automation"),
        Binding("5", "view('feedback')", N_("A-melding feedback"), show=False, id="reports.feedback"),
        Binding("left_square_bracket", "step(-1)", N_("Previous"), id="reports.previous",
                group=Binding.Group(N_("Period"), compact=True)),
        Binding("right_square_bracket", "step(1)", N_("Next"), id="reports.next",
                group=Binding.Group(N_("Period"), compact=True)),
        Binding("x", "export", N_("Export"), id="reports.export"),
        Binding("U", "payroll_extract", N_("Payroll extract"), id="reports.payroll_extract", show=False),
        Binding("p", "choose_group", N_("Group"), id="reports.group"),
        Binding("f", "status_filter", N_("Status"), id="reports.status_filter"),
        Binding("v", "severity_filter", N_("Severity"), id="reports.severity_filter"),
        Binding("r", "reload", N_("Refresh"), id="reports.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        view: str
        period: str
        group: str | None
        report: Report | None = None
        feedback: list[FeedbackRow] | None = None

    @dataclass
    class Exported(Message):
        text: str
        error: bool = False

    @dataclass
    class Document(Message):
        title: str
        text: str

    @dataclass
    class DocumentRefused(Message):
        """The feedback document could not be opened (no access, gone): the core's reason."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.view = "usage"
        self.period = periods.shift(periods.period_of(clock.today()), -1)
        """The month shown (usage, automation, feedback); the term report shows its term."""
        self.status: str | None = None
        self.severity: str | None = None
        self.group: str | None = None
        """Only the clients of this group (``None``: every client the user may see)."""
        self.report: Report | None = None
        self.feedback: dict[str, FeedbackRow] = {}
        self.filter_text = ""
        self._haystack: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="report-views", markup=False)
        yield FilterBar(_("words to look for in any column"), id="filter")
        yield MarkableTable([], markable=False, show_sort_keys=False, fixed_columns=1, id="report-table",
                            empty_text=_("Nothing to report for this period."))
        yield Label("", id="report-totals", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load_view()

    # --- Loading -------------------------------------------------------------------------

    def load_view(self) -> None:
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        self.refresh_bindings()
        self.load(self.view, self.period, self.status, self.severity, self.group)

    @work(thread=True, exclusive=True, exit_on_error=False, group="report", description="report")
    def load(self, view: str, period: str, status: str | None, sev: str | None, group: str | None) -> None:
        store, who = self.app.workspace.store, self.app.who
        if view == "feedback":
            rows = core_feedback.across_clients(store, who, period, status=status, severity=sev, group=group)
            self.post_message(self.Loaded(view, period, group, feedback=rows))
            return
        if view == "usage":
            report = core_reports.usage_log(store, who, period, period, group=group)
        elif view == "my-clients":
            report = core_reports.my_clients(store, who, group=group)
        elif view == "term":
            report = core_reports.term_report(store, who, int(period[:4]), term_number(period), group=group)
        else:
            report = core_reports.automation(store, who, period, period, group=group)
        self.post_message(self.Loaded(view, period, group, report=report))

    def on_reports_screen_loaded(self, message: Loaded) -> None:
        if (message.view, message.period, message.group) != (self.view, self.period, self.group):
            return  # an older request
        table = self.query_one(MarkableTable)
        totals = self.query_one("#report-totals", Label)
        rows: list[Row]
        if message.feedback is not None:
            self.report = None
            self.feedback = {str(r.client_id): r for r in message.feedback}
            table.set_rows([])  # the old rows do not fit the new columns
            table.set_columns(self._feedback_columns())
            rows = [self._feedback_row(r) for r in message.feedback]
            counts = {s: sum(getattr(r, s) for r in message.feedback) for s in core_feedback.SEVERITIES}
            rejected = sum(r.status == "rejected" for r in message.feedback)
            totals.update(_("{count} a-meldinger · {rejected} rejected · deviations: {rejection} rejection, "
                            "{immediate} immediate, {guideline} guideline").format(
                count=len(message.feedback), rejected=rejected, **counts))
            table.empty_text = _("No a-meldinger for this month match.")
        else:
            report = self.report = message.report
            assert report is not None
            self.feedback = {}
            table.set_rows([])
            shown = [c for c in report.columns if c.on_screen]
            # The term report's amounts and due date are as wide as their headers: with the
            # client's name at most 22 wide, the due date fits whole at 80 columns.
            client_width = 22 if message.view == "term" else 26
            table.set_columns([
                Column(c.key, c.header, justify="left" if c.kind in ("text", "date", "month") else "right",
                       max_width=client_width if c.key == "client" else 16)
                for c in shown
            ])
            rows = [
                Row(key=str(i), cells=(cells := tuple(ids.format_org_number(r[c.key]) if c.key == "org_number"
                                                      else show_value(c.kind, r.get(c.key), c.words) for c in shown)),
                    sort_keys=tuple((r.get(c.key) is None, r.get(c.key) or 0) if c.kind != "text"
                                    else cell.casefold() for c, cell in zip(shown, cells, strict=True)))
                for i, r in enumerate(report.rows)
            ]
            sums = [f"{c.header}: {show_value(c.kind, sum(r.get(c.key) or 0 for r in report.rows))}"
                    for c in report.columns if c.total]
            totals.update(" · ".join([_("{count} rows").format(count=fmt.count(len(report.rows))), *sums]))
            table.empty_text = (_("None of the clients is yours (as responsible or associate).")
                                if message.view == "my-clients" else _("Nothing to report for this period."))
        self._haystack = {row.key: " ".join(c if isinstance(c, str) else c.plain for c in row.cells).casefold()
                          for row in rows}
        table.set_rows(rows)
        table.loading = False
        self._apply_filter()
        self.refresh_bindings()

    @staticmethod
    def _feedback_columns() -> list[Column]:
        return [
            Column("client", _("Client"), max_width=24),
            Column("status", _("Status"), max_width=10),
            Column("rejection", _("Rejection"), justify="right", max_width=9),
            Column("immediate", _("Immediate"), justify="right", max_width=11),
            Column("guideline", _("Guideline"), justify="right", max_width=13),
            Column("document", _("Feedback"), max_width=9),
            Column("org_number", _("Org. no."), min_width=11, max_width=11),
        ]

    @staticmethod
    def _feedback_row(r: FeedbackRow) -> Row:
        tone = {"rejected": "error", "pending": "warning"}.get(r.status)
        status: Cell = Toned(amelding_status(r.status), tone) if tone else amelding_status(r.status)

        def counted(value: int, worst_tone: str) -> Cell:
            return Toned(fmt.count(value), worst_tone) if value else fmt.count(value)

        return Row(
            key=str(r.client_id),
            cells=(r.client, status, counted(r.rejection, "error"), counted(r.immediate, "error"),
                   counted(r.guideline, "warning"), _("archived") if r.archive_id else "–",
                   ids.format_org_number(r.org_number)),
            sort_keys=(r.client.casefold(), r.status, r.rejection, r.immediate, r.guideline, r.archive_id or 0,
                       r.org_number),
        )

    # --- Head, filter -------------------------------------------------------------------

    def _period_words(self) -> str:
        if self.view == "my-clients":
            return ""
        if self.view == "term":
            due = deadlines.term_payment_deadline(self.period).due
            return _("term {term} {year} (due {due})").format(term=term_number(self.period), year=self.period[:4],
                                                              due=fmt.day(due))
        return fmt.month_name(self.period)

    def subtitle_parts(self) -> list[str]:
        # The line of views above the table follows the subtitle.
        views = "  ".join(
            f"[{i}] {view_title(v)}" if v != self.view else f"‹{i} {view_title(v)}›" for i, v in enumerate(VIEWS, 1))
        self.query_one("#report-views", Label).update(views)
        parts = [_("Reports"), view_title(self.view)]
        if self.group:  # early in the line: at 80 columns the end of the subtitle is cut
            parts.insert(1, _("group {group}").format(group=self.group))
        if words := self._period_words():
            parts.append(words)
        if self.view == "feedback":
            if self.status:
                parts.append(amelding_status(self.status))
            if self.severity:
                parts.append(severity(self.severity))
        return parts

    def filter_haystack(self, key: str) -> str:
        return self._haystack[key]

    # --- Actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action == "step":
            if self.view == "my-clients":
                return None
            if parameters == (1,):
                step = 2 if self.view == "term" else 1
                return None if periods.shift(self.period, step) > periods.period_of(clock.today()) and \
                    self.view != "term" else True
            return True
        if action == "export":
            return (self.view != "feedback" and self.report is not None) or None
        if action in ("status_filter", "severity_filter"):
            return self.view == "feedback"
        return True

    def action_view(self, view: str) -> None:
        if view == self.view:
            return
        self.view = view
        self.load_view()

    def action_step(self, direction: int) -> None:
        if self.view == "my-clients":
            return
        step = 2 * direction if self.view == "term" else direction
        target = periods.shift(self.period, step)
        if self.view != "term" and target > periods.period_of(clock.today()):
            self.app.bell()
            return
        self.period = target
        self.load_view()

    def action_status_filter(self) -> None:
        self.status = STATUS_FILTERS[(STATUS_FILTERS.index(self.status) + 1) % len(STATUS_FILTERS)]
        self.load_view()

    def action_severity_filter(self) -> None:
        self.severity = SEVERITY_FILTERS[(SEVERITY_FILTERS.index(self.severity) + 1) % len(SEVERITY_FILTERS)]
        self.load_view()

    def action_reload(self) -> None:
        self.load_view()

    def action_choose_group(self) -> None:
        def chosen(group: str | None) -> None:
            self.group = group
            self.load_view()

        choose_group(self, chosen)

    # --- Export --------------------------------------------------------------------------

    def _default_path(self) -> str:
        suffix = "" if self.view == "my-clients" else (
            f"-{self.period[:4]}-T{term_number(self.period)}" if self.view == "term" else f"-{self.period}")
        if self.group:  # the file says whose figures it holds
            slug = "-".join("".join(ch for ch in word if ch.isalnum()) for word in self.group.casefold().split())
            suffix += f"-{slug.strip('-')}"
        return str(Path.home() / f"byraa-{self.view}{suffix}.xlsx")

    def action_export(self) -> None:
        report = self.report
        if report is None or self.view == "feedback":
            return

        def chosen(text: str | None) -> None:
            if not text:
                return
            path = Path(os.path.expanduser(text))
            if path.suffix.lower() not in (".xlsx", ".csv"):
                path = path.with_name(path.name + ".xlsx")
            if path.exists():
                self.app.push_screen(
                    ConfirmDialog(_("Replace the file?"), _("{path} exists. Replace it?").format(path=path),
                                  yes=_("Replace"), dangerous=True),
                    lambda yes: self._export(report, path, True) if yes else None)
            else:
                self._export(report, path, False)

        self.app.push_screen(TextDialog(
            _("Export {report}").format(report=report.title), _("File (.xlsx or .csv)"), self._default_path(),
            hint=_("Readable by you only. Enter writes, Esc cancels."), select=True), chosen)

    @work(thread=True, exit_on_error=False, group="report-export", description="export report")
    def _export(self, report: Report, path: Path, overwrite: bool) -> None:
        from byraa.core.files import spreadsheet

        try:
            spreadsheet.write_report(report, path, overwrite=overwrite)
        except UserError as exc:
            self.post_message(self.Exported(str(exc), error=True))
            return
        self.post_message(self.Exported(_("Wrote {n} rows to {path}.").format(n=len(report.rows), path=path)))

    def on_reports_screen_exported(self, message: Exported) -> None:
        if message.error:
            self.notify(message.text, title=_("Not exported"), severity="error", timeout=10)
        else:
            self.notify(message.text, title=_("Exported"))

    def action_payroll_extract(self) -> None:
        first, last = f"{self.period[:4]}-01", self.period

        def chosen(text: str | None) -> None:
            if not text:
                return
            path = Path(os.path.expanduser(text))
            if path.suffix.lower() != ".xlsx":
                path = path.with_name(path.name + ".xlsx")
            if path.exists():
                self.app.push_screen(
                    ConfirmDialog(_("Replace the file?"), _("{path} exists. Replace it?").format(path=path),
                                  yes=_("Replace"), dangerous=True),
                    lambda yes: self._write_extract(first, last, path, True) if yes else None)
            else:
                self._write_extract(first, last, path, False)

        self.app.push_screen(TextDialog(
            _("Payroll extract {first}–{last}").format(first=fmt.month_name(first), last=fmt.month_name(last)),
            _("File (.xlsx)"), str(Path.home() / f"byraa-uttrekk-{first}-{last}.xlsx"),
            hint=_("Pivot and lines of every client you may see. Readable by you only."), select=True), chosen)

    @work(thread=True, exit_on_error=False, group="report-extract", description="payroll extract")
    def _write_extract(self, first: str, last: str, path: Path, overwrite: bool) -> None:
        from byraa.core.posting import extract, service
        from byraa.core.words.posting import extract_kind

        try:
            result = extract.extract(self.app.workspace.store, self.app.who,
                                     extract.Criteria(period_from=first, period_to=last))
            service.write_private(path, extract.workbook(result, form="both"), overwrite=overwrite)
        except UserError as exc:
            self.post_message(self.Exported(str(exc), error=True))
            return
        text = _("Wrote {n} lines to {path}.").format(n=fmt.count(len(result.lines)), path=path)
        for x in result.left_out:
            text += " " + _("Left out by your extract rights ({control}): {lines} line(s) of {values}").format(
                control=extract_kind(x.control), lines=x.lines, values=", ".join(v or "-" for v in x.values))
        self.post_message(self.Exported(text))

    # --- Opening a feedback row -----------------------------------------------------------

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        if self.view != "feedback":
            return
        row = self.feedback.get(event.key)
        if row is None:
            return
        if row.archive_id is None:
            self.notify(_("No feedback document is archived for {client} for {month}.").format(
                client=row.client, month=fmt.month_name(row.period)), title=_("No feedback"))
            return
        self._open_document(row.archive_id, row.client)

    @work(thread=True, exclusive=True, exit_on_error=False, group="report-document", description="feedback")
    def _open_document(self, archive_id: int, client: str) -> None:
        try:
            doc = core_feedback.document(self.app.workspace.store, self.app.who, archive_id)
        except UserError as exc:
            self.post_message(self.DocumentRefused(str(exc)))
            return
        title = _("A-melding feedback · {client} · {period}").format(
            client=client, period=fmt.month_name(doc.period) if doc.period else "")
        self.post_message(self.Document(title, feedback_text(doc)))

    def on_reports_screen_document(self, message: Document) -> None:
        self.app.push_screen(TextViewer(message.title, message.text))

    def on_reports_screen_document_refused(self, message: DocumentRefused) -> None:
        self.notify(message.text, title=_("Feedback not opened"), severity="error", timeout=10)

    # --- Palette --------------------------------------------------------------------------

    def palette_commands(self) -> Iterator[PaletteCommand]:
        for view in VIEWS:
            if view != self.view:
                yield PaletteCommand(_("Reports: {report}").format(report=view_title(view)), "",
                                     lambda view=view: self.action_view(view))
        if self.view != "my-clients":
            yield PaletteCommand(_("Reports: Previous period"), "", lambda: self.action_step(-1))
            if self.check_action("step", (1,)):
                yield PaletteCommand(_("Reports: Next period"), "", lambda: self.action_step(1))
        if self.check_action("export", ()):
            yield PaletteCommand(_("Reports: Export"), _("To an XLSX or CSV file"), self.action_export)
        if self.view == "feedback":
            yield PaletteCommand(_("Reports: Filter by status"), _("All, accepted, rejected, pending"),
                                 self.action_status_filter)
            yield PaletteCommand(_("Reports: Filter by severity"), _("All, rejection, immediate, guideline"),
                                 self.action_severity_filter)
        yield PaletteCommand(_("Reports: Payroll extract"), _("Pivot and lines of the year to XLSX"),
                             self.action_payroll_extract)
        yield PaletteCommand(_("Reports: Choose group"), _("Only the clients of one group, or all"),
                             self.action_choose_group)
        yield PaletteCommand(_("Reports: Filter"), _("Type words to narrow the list"), self.action_filter)
        yield PaletteCommand(_("Reports: Refresh"), _("Make the report again"), self.action_reload)
