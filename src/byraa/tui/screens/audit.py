"""The audit trail (agency managers): who did what, newest first.

Who revealed which national id (the employee's name and the masked id), who signed a
reconciliation, who changed access. ``/`` filters by words and by ``klient:``, ``bruker:``,
``siden:`` (31.10.2026) and ``handling:`` (``handling:access`` is the whole family);
``y`` cycles the action family; ``enter`` shows the event's before and after; ``x``
exports the rows shown to XLSX or CSV (the reports' save dialog, files 0600). A clerk is
refused by the core, and the screen says why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input

from byraa.core.agency import audit_view
from byraa.core.agency.audit_view import EventRow, Trail
from byraa.core.base import ids
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.clients.reports import Report, ReportColumn
from byraa.core.words import formatting as fmt
from byraa.core.words.audit_actions import ACTION_WORDS, action_words, entity_words
from byraa.core.words.i18n import _
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.dialogs import ConfirmDialog, TextDialog, TextViewer
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.list_screen import ListScreen, filter_binding
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row, Toned

FAMILY_FILTERS: tuple[str | None, ...] = (None, "national_id", "reconcile", "access", "staff", "posting")


class AuditScreen(ListScreen, Screen, LocalizedBindings):
    """Every audit event, newest first (agency managers only)."""

    HELP_TITLE = N_("Audit trail")
    WORKER_ERROR_TITLE = N_("Could not read the audit trail")
    AUTO_FOCUS = "#audit-table"
    DEFAULT_CSS = "#audit-table { height: 1fr; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        filter_binding("audit"),
        Binding("y", "cycle_family", N_("Action"), id="audit.family"),
        Binding("x", "export", N_("Export"), id="audit.export"),
        Binding("r", "reload", N_("Refresh"), id="audit.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        trail: Trail | None
        refused: str | None = None

    @dataclass
    class Exported(Message):
        text: str
        error: bool = False

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, EventRow] = {}
        self.family: str | None = None
        self.filter_text = ""
        self.truncated = False
        self.refused: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(_("words, or klient: bruker: siden:31.10.2026 handling:access"), id="filter")
        yield MarkableTable(self._columns(), markable=False, show_sort_keys=False, fixed_columns=1,
                            id="audit-table", empty_text=_("No audit event matches."))
        yield KeyFooter()

    @staticmethod
    def _columns() -> list[Column]:
        return [
            Column("time", _("Time"), min_width=16, max_width=16),
            Column("who", _("Who"), max_width=14),
            Column("action", _("Action"), max_width=28),
            Column("subject", _("Concerns"), max_width=30),
            Column("client", _("Client"), max_width=28),
            Column("id", _("Event"), justify="right", max_width=7),
        ]

    def on_mount(self) -> None:
        table = self.query_one(MarkableTable)
        table.loading = True
        table.focus()
        self._update_subtitle()
        self.load()

    # --- Loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit", description="audit trail")
    def load(self) -> None:
        try:
            trail = audit_view.events(self.app.workspace.store, self.app.who, action=self.family)
        except AccessDenied as exc:
            self.post_message(self.Loaded(None, str(exc)))
            return
        self.post_message(self.Loaded(trail))

    def on_audit_screen_loaded(self, message: Loaded) -> None:
        table = self.query_one(MarkableTable)
        table.loading = False
        self.refused = message.refused
        if message.trail is None:
            self.rows = {}
            table.empty_text = message.refused or ""
            table.set_rows([])
        else:
            self.rows = {str(r.id): r for r in message.trail.rows}
            self.truncated = message.trail.truncated
            table.empty_text = _("No audit event matches.")
            table.set_rows(self._table_row(r) for r in message.trail.rows)
        if not isinstance(self.focused, Input):
            table.focus()
        self._apply_filter()
        self.refresh_bindings()

    @staticmethod
    def _table_row(r: EventRow) -> Row:
        action = action_words(r.action)
        return Row(
            key=str(r.id),
            cells=(fmt.timestamp(r.at), r.actor, Toned(action, "warning") if r.family == "national_id" else action,
                   r.subject, r.client_name or "", str(r.id)),
            sort_keys=(-r.id, r.actor, r.action, r.subject, (r.client_name or "").casefold(), -r.id),
        )

    # --- Filter ----------------------------------------------------------------------

    def filter_haystack(self, key: str) -> str:
        r = self.rows[key]
        row = self.list_table.row(key)
        parts = [c if isinstance(c, str) else c.plain for c in row.cells]
        parts += [r.action, r.client_org or "", r.actor_name or "", r.entity, entity_words(r.entity), r.entity_id or ""]
        return " ".join(parts).casefold()

    def matching_keys(self, text: str) -> list[str] | None:
        if not text.strip():
            return None
        wanted = audit_view.parse_filter(text)
        return [key for key in self.list_table.keys
                if audit_view.matches(self.rows[key], wanted, self.filter_haystack(key))]

    def subtitle_parts(self) -> list[str]:
        parts = [_("Audit trail")]
        if self.rows:
            parts.append(self.shown_of_total())
            if self.truncated:
                parts.append(_("newest {count}").format(count=fmt.count(len(self.rows))))
        if self.family:
            parts.append(_("action: {family}").format(family=self.family))
        bad = audit_view.parse_filter(self.filter_text).bad_day
        if bad:
            parts.append(_("“{value}” is not a day (31.10.2026)").format(value=bad))
        return parts

    # --- Actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action == "export":
            return bool(self.list_table.visible_keys) or None
        if action == "cycle_family":
            return self.refused is None or None
        return True

    def dimmed_reason(self, action: str) -> str | None:
        if self.refused:
            return self.refused
        if action == "export":
            return _("No events shown to export.")
        return None

    def action_cycle_family(self) -> None:
        self.set_family(FAMILY_FILTERS[(FAMILY_FILTERS.index(self.family) + 1) % len(FAMILY_FILTERS)])

    def set_family(self, family: str | None) -> None:
        self.family = family
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        self.load()

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        r = self.rows.get(event.key)
        if r is None:
            return
        head = [
            f"{_('Time')}: {fmt.timestamp(r.at)}",
            f"{_('Who')}: {r.actor}" + (f" ({r.actor_name})" if r.actor_name else ""),
            f"{_('Action')}: {action_words(r.action)}" + (f" ({r.action})" if r.action in ACTION_WORDS else ""),
            f"{_('Concerns')}: {entity_words(r.entity)} {r.subject}".rstrip(),
        ]
        if r.client_name:
            head.append(f"{_('Client')}: {ids.format_org_number(r.client_org or '')} {r.client_name}")
        text = "\n".join([*head, "", f"{_('Before')}:", audit_view.event_text(r.before), "",
                          f"{_('After')}:", audit_view.event_text(r.after)])
        self.app.push_screen(TextViewer(_("Audit event {id}").format(id=r.id), text))

    # --- Export ----------------------------------------------------------------------

    def _report(self) -> Report:
        shown = [self.rows[key] for key in self.list_table.visible_keys]
        return Report("audit", _("Audit trail"), (
            ReportColumn("id", _("Event"), "int"), ReportColumn("at", _("Time")), ReportColumn("actor", _("Who")),
            ReportColumn("action", _("Action")), ReportColumn("client_org", _("Org. no.")),
            ReportColumn("client", _("Client")), ReportColumn("subject", _("Concerns")),
            ReportColumn("before", _("Before")), ReportColumn("after", _("After"))),
            audit_view.report_rows(shown))

    def action_export(self) -> None:
        if not self.list_table.visible_keys:
            return
        report = self._report()

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
            _("Export {report}").format(report=report.title), _("File (.xlsx or .csv)"),
            str(Path.home() / "byraa-audit.xlsx"), hint=_("Readable by you only. Enter writes, Esc cancels."),
            select=True), chosen)

    @work(thread=True, exit_on_error=False, group="audit-export", description="export audit trail")
    def _export(self, report: Report, path: Path, overwrite: bool) -> None:
        from byraa.core.files import spreadsheet

        try:
            spreadsheet.write_report(report, path, overwrite=overwrite)
        except UserError as exc:
            self.post_message(self.Exported(str(exc), error=True))
            return
        self.post_message(self.Exported(_("Wrote {n} rows to {path}.").format(n=len(report.rows), path=path)))

    def on_audit_screen_exported(self, message: Exported) -> None:
        if message.error:
            self.notify(message.text, title=_("Not exported"), severity="error", timeout=10)
        else:
            self.notify(message.text, title=_("Exported"))

    # --- Palette ---------------------------------------------------------------------

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Audit trail: Filter"), _("Words, or klient: bruker: siden: handling:"),
                             self.action_filter)
        yield PaletteCommand(_("Audit trail: Every action"), "", lambda: self.set_family(None))
        for family in FAMILY_FILTERS[1:]:
            yield PaletteCommand(_("Audit trail: Only {family}").format(family=family), "",
                                 lambda family=family: self.set_family(family))
        if self.check_action("export", ()):
            yield PaletteCommand(_("Audit trail: Export"), _("The rows shown, to an XLSX or CSV file"),
                                 self.action_export)
        yield PaletteCommand(_("Audit trail: Refresh"), _("Read the trail again"), self.action_reload)
