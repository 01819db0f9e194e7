"""The file archive (SPEC 4.10): every file sent to or received from the authorities.

Newest first; ``/`` filters on any column's words (client, period, file, user…), ``y``
cycles the kind and ``o`` the direction (both read again from the store, so older
files of that kind are found too). ``enter`` shows a file pretty-printed, ``e`` saves a
copy (created 0600 by the core). What a clerk may see is the core's decision: files of
their clients only, agency-level files (tokens, multi-client orders) only for managers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Input, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from byraa.core.base import ids
from byraa.core.base.errors import UserError
from byraa.core.clients import archive as core_archive
from byraa.core.clients.archive import ArchiveEntry
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.filter_bar import FilterBar, FilteredScreen
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row, Toned

VIEW_LIMIT = 512 * 1024
"""Characters of a file the viewer shows; beyond that it says so (save a copy to read all)."""
PRETTY_LIMIT = 8 * 1024 * 1024
"""Bytes above which a file is shown as stored, not pretty-printed (parsing would take long)."""


def kind_word(code: str) -> str:
    return {
        "taxcard": _("tax card"), "a07": "A07", "amelding": "a-melding", "feedback": _("feedback"),
        "token": _("token"), "register": _("register"),
    }.get(code, code)


def direction_word(code: str) -> str:
    return {"in": _("in"), "out": _("out")}.get(code, code)


def size_text(size: int) -> str:
    """``812 B``, ``3,4 kB``, ``12,0 MB`` (Norwegian decimal comma)."""
    if size < 1024:
        return f"{fmt.count(size)} B"
    for unit, factor in (("kB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        if size < factor * 1024 or unit == "GB":
            return f"{size / factor:.1f}".replace(".", ",") + f" {unit}"
    return str(size)  # pragma: no cover


def client_text(entry: ArchiveEntry) -> str:
    if entry.org_number:
        return f"{ids.format_org_number(entry.org_number)} {entry.client_name or ''}".strip()
    return _("agency")


def default_filename(entry: ArchiveEntry) -> str:
    """The stored file name, else ``byraa-<kind>-<id>.<xml|json|txt>``."""
    if entry.filename:
        return Path(entry.filename).name
    ctype = (entry.content_type or "").lower()
    ext = "json" if "json" in ctype else "xml" if "xml" in ctype else "txt"
    return f"byraa-{entry.kind}-{entry.id}.{ext}"


class ArchiveScreen(FilteredScreen, Screen, LocalizedBindings):
    """Every archived file the user may see."""

    CSS_PATH = "archive.tcss"
    HELP_TITLE = N_("Archive")
    AUTO_FOCUS = "#archive-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", N_("Filter"), id="archive.filter", key_display="/", priority=True),
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
            Column("period", _("Period"), max_width=7),
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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group == "archive":
            self.query_one(MarkableTable).loading = False
            self.notify(str(event.worker.error), title=_("Could not read the archive"), severity="error",
                        timeout=10)
        elif event.worker.group == "archive-export":
            self.notify(str(event.worker.error), title=_("No copy saved"), severity="error", timeout=10)

    def _table_row(self, e: ArchiveEntry) -> Row:
        direction = direction_word(e.direction)
        return Row(
            key=str(e.id),
            cells=(
                fmt.timestamp(e.created_at),
                client_text(e) if e.org_number else Toned(client_text(e), "muted"),
                kind_word(e.kind),
                ("↓ " if e.direction == "in" else "↑ ") + direction,
                fmt.month_column(e.period),
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

    def _apply_filter(self) -> None:
        text = self.filter_text
        table = self.query_one(MarkableTable)
        words = text.casefold().split()
        if words:
            table.show_only(key for key, entry in self.entries.items()
                            if all(word in self._haystack(key, entry) for word in words))
        else:
            table.show_only(None)
        self._update_subtitle()

    def _haystack(self, key: str, e: ArchiveEntry) -> str:
        row = self.query_one(MarkableTable).row(key)
        parts = [cell if isinstance(cell, str) else cell.plain for cell in row.cells]
        parts += [e.org_number or "", e.period or "", e.kind, e.direction, e.sha256, e.content_type or ""]
        if e.period and len(e.period) == 7:  # 2026-10 is also found as 10.2026
            parts.append(f"{e.period[5:7]}.{e.period[:4]}")
        return " ".join(parts).casefold()

    def _update_subtitle(self) -> None:
        table = self.query_one(MarkableTable)
        parts = [_("Archive")]
        if self.entries:
            if table.row_count != table.total_count:
                parts.append(_("{shown} of {total}").format(shown=fmt.count(table.row_count),
                                                              total=fmt.count(table.total_count)))
            else:
                parts.append(fmt.count(table.total_count))
            if self.truncated:
                parts.append(_("newest {count}").format(count=fmt.count(self.limit)))
        parts.append(_("kind: {kind}").format(kind=kind_word(self.kind) if self.kind else _("all")))
        parts.append(_("dir.: {direction}").format(
            direction=direction_word(self.direction) if self.direction else _("all")))
        if self.filter_text.strip():
            parts.append(_("filter “{text}”").format(text=self.filter_text.strip()))
        self.sub_title = " · ".join(parts)

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


# --- Saving a copy ----------------------------------------------------------------------


def save_copy(screen: Screen, entry: ArchiveEntry) -> None:
    """Ask for a path (default ``~/<file name>``), then write the copy; ask before overwriting."""

    def chosen(path: str | None) -> None:
        if path:
            _export(screen, entry, path, overwrite=False)

    screen.app.push_screen(SavePathDialog(entry, f"~/{default_filename(entry)}"), chosen)


def _export(screen: Screen, entry: ArchiveEntry, path: str, *, overwrite: bool) -> None:
    app = screen.app

    def run() -> None:
        try:
            written = core_archive.export(app.workspace.store, app.who, entry.id, path, overwrite=overwrite)
        except core_archive.ExportExists:
            app.call_from_thread(ask_overwrite)
            return
        except UserError as exc:
            app.call_from_thread(app.notify, str(exc), title=_("No copy saved"), severity="error", timeout=10)
            return
        app.call_from_thread(app.notify, _("Saved a copy to {path} (readable by you only).").format(path=written),
                             title=_("Copy saved"))

    def ask_overwrite() -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                _export(screen, entry, path, overwrite=True)

        app.push_screen(ConfirmDialog(_("{path} exists. Overwrite it?").format(path=path), _("Overwrite")),
                        answered)

    screen.run_worker(run, thread=True, exclusive=True, exit_on_error=False, group="archive-export",
                      description="save a copy")


class SavePathDialog(ModalScreen[str | None], LocalizedBindings):
    """Where to save a copy of an archived file."""

    CSS_PATH = "archive.tcss"
    HELP_TITLE = N_("Save a copy")
    AUTO_FOCUS = "#save-path"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="save_copy.cancel"),
    ]

    def __init__(self, entry: ArchiveEntry, default: str) -> None:
        super().__init__()
        self.entry = entry
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog", classes="dialog"):
            yield Label(_("Save a copy of {file}").format(file=default_filename(self.entry)), classes="dialog-title")
            yield Label(_("Path (the file is created readable by you only):"))
            # The suggestion is selected: the first key typed replaces it rather than gluing on.
            yield Input(self.default, id="save-path")
            yield Label("", id="save-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), id="save-ok", variant="primary")
                yield Button(_("Cancel"), id="save-cancel")

    def on_mount(self) -> None:
        field = self.query_one("#save-path", Input)
        field.focus()
        field.select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    @on(Button.Pressed, "#save-ok")
    def _ok(self) -> None:
        self._submit()

    @on(Button.Pressed, "#save-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def _submit(self) -> None:
        path = self.query_one("#save-path", Input).value.strip()
        if not path:
            error = self.query_one("#save-error", Label)
            error.update(_("Give a path."))
            error.display = True
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool], LocalizedBindings):
    """A yes/no question; Enter on the focused button, Esc is no."""

    CSS_PATH = "archive.tcss"
    HELP_TITLE = N_("Question")
    AUTO_FOCUS = "#confirm-no"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "no", N_("No"), id="confirm.no"),
        Binding("y,j", "yes", N_("Yes"), id="confirm.yes", show=False),
    ]

    def __init__(self, question: str, yes_label: str) -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.question, classes="dialog-title", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes_label, id="confirm-yes", variant="warning")
                yield Button(_("Cancel"), id="confirm-no")

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)


# --- The viewer -------------------------------------------------------------------------


class ArchiveFileScreen(Screen, LocalizedBindings):
    """One archived file: its metadata and its content pretty-printed (read only)."""

    CSS_PATH = "archive.tcss"
    HELP_TITLE = N_("Archived file")
    AUTO_FOCUS = "#file-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "save_copy", N_("Save copy"), id="archive_file.save_copy"),
        Binding("escape", "app.back", N_("Back"), id="archive_file.back"),
    ]

    @dataclass
    class Shown(Message):
        entry: ArchiveEntry
        text: str
        cut: bool

    def __init__(self, entry: ArchiveEntry) -> None:
        super().__init__()
        self.entry = entry
        self.text = ""
        self.cut = False
        """The body is longer than the viewer shows."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="file-head"):
            yield Label(self._title_line(), id="file-title", markup=False)
            yield Label(self._facts_line(), id="file-facts", markup=False)
            yield Label("", id="file-note", markup=False)
        yield TextArea("", id="file-body", read_only=True, show_line_numbers=True, soft_wrap=False,
                       show_cursor=True)
        yield KeyFooter()

    def _title_line(self) -> str:
        e = self.entry
        return " · ".join(part for part in (
            default_filename(e), client_text(e), kind_word(e.kind), direction_word(e.direction), e.period or "",
        ) if part)

    def _facts_line(self) -> str:
        e = self.entry
        parts = [fmt.timestamp(e.created_at), size_text(e.size), f"SHA-256 {e.sha256[:16]}…"]
        if e.user_login:
            parts.append(_("by {user}").format(user=e.user_login))
        if e.correlation_id:
            parts.append(_("correlation {id}").format(id=e.correlation_id))
        if e.method or e.status_code is not None:
            parts.append(" ".join(str(p) for p in (e.method, e.status_code) if p is not None))
        return " · ".join(parts)

    def on_mount(self) -> None:
        self.sub_title = f"{_('Archive')} · {default_filename(self.entry)}"
        self.query_one("#file-body").loading = True
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="archive-file", description="archived file")
    def load(self) -> None:
        store, who = self.app.workspace.store, self.app.who
        if self.entry.size > PRETTY_LIMIT:
            entry, content = core_archive.get(store, who, self.entry.id)
            text = content[:VIEW_LIMIT].decode("utf-8", "replace")
            self.post_message(self.Shown(entry, text, True))
            return
        entry, text = core_archive.show(store, who, self.entry.id)
        cut = len(text) > VIEW_LIMIT
        if cut:
            end = text.rfind("\n", 0, VIEW_LIMIT)
            text = text[: end if end > 0 else VIEW_LIMIT]
        self.post_message(self.Shown(entry, text, cut))

    def on_archive_file_screen_shown(self, message: Shown) -> None:
        self.entry = message.entry
        self.text = message.text
        self.cut = message.cut
        body = self.query_one("#file-body", TextArea)
        body.loading = False
        body.load_text(message.text)
        notes = []
        if message.cut and message.entry.size > PRETTY_LIMIT:
            notes.append(_("A large file: the first {shown} as stored; save a copy (e) to read it all.").format(
                shown=size_text(VIEW_LIMIT)))
        elif message.cut:
            notes.append(_("A long file: its first {lines} lines; save a copy (e) to read it all.").format(
                lines=fmt.count(message.text.count("\n") + 1)))
        if message.entry.url:
            notes.append(message.entry.url)
        if message.entry.note:
            notes.append(message.entry.note)
        note = self.query_one("#file-note", Label)
        note.update("  ".join(notes))
        note.display = bool(notes)
        body.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "archive-file":
            self.query_one("#file-body").loading = False
            self.notify(str(event.worker.error), title=_("Could not open the file"), severity="error", timeout=10)
        elif event.state == WorkerState.ERROR and event.worker.group == "archive-export":
            self.notify(str(event.worker.error), title=_("No copy saved"), severity="error", timeout=10)

    def action_save_copy(self) -> None:
        save_copy(self, self.entry)

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Archived file: Save a copy"), _("Write the file to a path of your choice"),
                             self.action_save_copy)
        yield PaletteCommand(_("Archived file: Back"), _("Back to the archive"), self.app.action_back)
