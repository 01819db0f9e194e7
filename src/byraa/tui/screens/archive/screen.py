"""The archive list: every archived file the user may see, newest first."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input

from byraa.core.clients import archive as core_archive
from byraa.core.clients.archive import ArchiveEntry
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.core.words.labels import archive_direction as direction_word
from byraa.core.words.labels import archive_kind as kind_word
from byraa.tui.commands import PaletteCommand
from byraa.tui.screens.archive.file import ArchiveFileScreen, save_copy
from byraa.tui.screens.archive.words import (
    client_text,
    default_filename,
    size_text,
)
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.list_screen import ListScreen, filter_binding
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row, Toned


class ArchiveScreen(ListScreen, Screen, LocalizedBindings):
    """Every archived file the user may see."""

    CSS_PATH = "archive.tcss"
    HELP_TITLE = N_("Archive")
    WORKER_ERROR_TITLE = N_("Could not read the archive")
    WORKER_ERROR_TITLES: ClassVar[dict[str, str]] = {"archive-export": N_("No copy saved")}
    AUTO_FOCUS = "#archive-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        filter_binding("archive"),
        Binding("y", "cycle_kind", N_("Kind"), id="archive.kind"),
        Binding("o", "cycle_direction", N_("In/out"), id="archive.direction"),
        Binding("e", "save_copy", N_("Save copy"), id="archive.save_copy"),
        Binding("r", "reload", N_("Refresh"), id="archive.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        """The worker read the archive's list."""

        entries: list[ArchiveEntry]
        limit: int

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, ArchiveEntry] = {}
        self.kind: str | None = None
        """Only files of this kind (``None``: all)."""
        self.direction: str | None = None
        self.filter_text = ""
        self.limit = 1000
        self.truncated = False
        """The list holds ``limit`` files: older ones exist but are not shown."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(_("words to look for: client, period, file, user, correlation id…"), id="filter")
        yield MarkableTable(self._columns(), markable=False, show_sort_keys=False, fixed_columns=1,
                            id="archive-table", empty_text=_("No archived file matches."))
        yield KeyFooter()

    @staticmethod
    def _columns() -> list[Column]:
        return [
            Column("time", _("Time"), min_width=16, max_width=16),
            Column("client", _("Client"), max_width=32),
            Column("kind", _("Kind"), max_width=14),
            Column("direction", _("Dir."), max_width=4),
            Column("period", _("Period"), max_width=15),
            Column("size", _("Size"), justify="right", max_width=9),
            Column("sha256", "SHA-256", max_width=12),
            Column("correlation", _("Correlation id"), max_width=36),
            Column("user", _("User"), max_width=12),
            Column("file", _("File"), max_width=40),
        ]

    def on_mount(self) -> None:
        table = self.query_one(MarkableTable)
        table.loading = True
        table.focus()
        self._update_subtitle()
        self.load()

    # --- Loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="archive", description="archive list")
    def load(self) -> None:
        entries = core_archive.list_files(self.app.workspace.store, self.app.who, kind=self.kind,
                                          direction=self.direction, limit=self.limit)
        self.post_message(self.Loaded(entries, self.limit))

    def on_archive_screen_loaded(self, message: Loaded) -> None:
        self.entries = {str(e.id): e for e in message.entries}
        self.truncated = len(message.entries) >= message.limit
        table = self.query_one(MarkableTable)
        table.empty_text = (
            _("No archived file matches.") if self.kind or self.direction or message.entries
            else _("The archive is empty: files appear here when byraa sends or receives them."))
        table.set_rows(self._table_row(e) for e in message.entries)
        table.loading = False
        if not isinstance(self.focused, Input):
            table.focus()
        self._apply_filter()
        self.refresh_bindings()

    def _table_row(self, e: ArchiveEntry) -> Row:
        direction = direction_word(e.direction)
        return Row(
            key=str(e.id),
            cells=(
                fmt.timestamp(e.created_at),
                client_text(e) if e.org_number else Toned(client_text(e), "muted"),
                kind_word(e.kind),
                ("↓ " if e.direction == "in" else "↑ ") + direction,
                fmt.months_column(e.period, e.period_to),
                size_text(e.size),
                e.sha256[:12],
                e.correlation_id or "",
                e.user_login or "",
                e.filename or "",
            ),
            sort_keys=(
                -e.id, (e.client_name or "").casefold(), kind_word(e.kind), e.direction, e.period or "",
                e.size, e.sha256, e.correlation_id or "", e.user_login or "", (e.filename or "").casefold(),
            ),
        )

    # --- Filters ---------------------------------------------------------------------

    def action_cycle_kind(self) -> None:
        kinds: list[str | None] = [None, *core_archive.KINDS]
        self.set_kind(kinds[(kinds.index(self.kind) + 1) % len(kinds)])

    def action_cycle_direction(self) -> None:
        directions: list[str | None] = [None, *core_archive.DIRECTIONS]
        self.set_direction(directions[(directions.index(self.direction) + 1) % len(directions)])

    def set_kind(self, kind: str | None) -> None:
        self.kind = kind
        self._reload_filtered()

    def set_direction(self, direction: str | None) -> None:
        self.direction = direction
        self._reload_filtered()

    def _reload_filtered(self) -> None:
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        self.load()

    def filter_haystack(self, key: str) -> str:
        e = self.entries[key]
        row = self.list_table.row(key)
        parts = [cell if isinstance(cell, str) else cell.plain for cell in row.cells]
        parts += [e.org_number or "", e.period or "", e.period_to or "", e.kind, e.direction, e.sha256,
                  e.content_type or ""]
        parts += [fmt.month_column(m) for m in (e.period, e.period_to) if m]  # 2026-10 is also found as 10.2026
        return " ".join(parts).casefold()

    def subtitle_parts(self) -> list[str]:
        parts = [_("Archive")]
        if self.entries:
            parts.append(self.shown_of_total())
            if self.truncated:
                parts.append(_("newest {count}").format(count=fmt.count(self.limit)))
        parts.append(_("kind: {kind}").format(kind=kind_word(self.kind) if self.kind else _("all")))
        parts.append(_("dir.: {direction}").format(
            direction=direction_word(self.direction) if self.direction else _("all")))
        return parts

    # --- Opening, saving ---------------------------------------------------------------

    @property
    def cursor_entry(self) -> ArchiveEntry | None:
        key = self.query_one(MarkableTable).cursor_key
        return self.entries.get(key) if key is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action == "save_copy":
            return self.cursor_entry is not None or None
        return True

    @on(MarkableTable.RowHighlighted)
    def _highlighted(self, event: MarkableTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        entry = self.entries.get(event.key)
        if entry is not None:
            self.app.push_screen(ArchiveFileScreen(entry))

    def action_save_copy(self) -> None:
        entry = self.cursor_entry
        if entry is not None:
            save_copy(self, entry)

    def action_reload(self) -> None:
        self._reload_filtered()

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Archive: Filter"), _("Type words to narrow the list"), self.action_filter)
        entry = self.cursor_entry
        if entry is not None:
            yield PaletteCommand(_("Archive: Open {file}").format(file=default_filename(entry)),
                                 _("The file pretty-printed"), self.query_one(MarkableTable).action_select)
            yield PaletteCommand(_("Archive: Save a copy"), _("Write the file to a path of your choice"),
                                 self.action_save_copy)
        yield PaletteCommand(_("Archive: All kinds"), "", lambda: self.set_kind(None))
        for kind in core_archive.KINDS:
            yield PaletteCommand(_("Archive: Only {kind}").format(kind=kind_word(kind)), "",
                                 lambda kind=kind: self.set_kind(kind))
        yield PaletteCommand(_("Archive: Both directions"), "", lambda: self.set_direction(None))
        yield PaletteCommand(_("Archive: Only received files"), "", lambda: self.set_direction("in"))
        yield PaletteCommand(_("Archive: Only sent files"), "", lambda: self.set_direction("out"))
        yield PaletteCommand(_("Archive: Refresh"), _("Read the list again"), self.action_reload)
