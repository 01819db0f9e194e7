"""One archived file: the pretty-printed view, and saving a copy (path dialog, overwrite question)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Input, Label, TextArea

from byraa.core.base.errors import UserError
from byraa.core.clients import archive as core_archive
from byraa.core.clients.archive import ArchiveEntry
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.core.words.labels import archive_direction as direction_word
from byraa.core.words.labels import archive_kind as kind_word
from byraa.tui.commands import PaletteCommand
from byraa.tui.screens.archive.words import (
    PRETTY_LIMIT,
    VIEW_LIMIT,
    client_text,
    default_filename,
    size_text,
)
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.dialogs import ConfirmDialog
from byraa.tui.widgets.key_footer import KeyFooter

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

        app.push_screen(ConfirmDialog(_("{path} exists. Overwrite it?").format(path=path), yes=_("Overwrite"),
                                  dangerous=True),
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

    def on_mount(self) -> None:
        field = self.query_one("#save-path", Input)
        field.focus()
        field.select_all()

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


class FileBody(TextArea, LocalizedBindings):
    """The file's text as a pager, like ``less -S``: the arrow keys move the view, not a
    cursor, so a long line (an XML element with its attributes, a JSON record on one line)
    is read by scrolling sideways; ``home``/``end`` jump to the left edge and the end of
    the longest line, ``g``/``G`` to the top and the bottom."""

    STEP = 8
    """Columns per left/right press: one column at a time is too slow to read a line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "sideways(-1)", N_("Scroll left"), show=False, id="archive_file.left", key_display="←"),
        Binding("right,l", "sideways(1)", N_("Scroll right"), show=False, id="archive_file.right", key_display="→"),
        Binding("home", "edge(False)", N_("Line starts"), show=False, id="archive_file.home"),
        Binding("end", "edge(True)", N_("Line ends"), show=False, id="archive_file.end"),
        Binding("up,k", "lines(-1)", show=False),
        Binding("down,j", "lines(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown,space", "page(1)", show=False),
        Binding("g,ctrl+home", "top(False)", show=False),
        Binding("G,ctrl+end", "top(True)", show=False),
    ]

    def action_sideways(self, step: int) -> None:
        self.scroll_to(x=max(0, min(self.max_scroll_x, self.scroll_x + step * self.STEP)), animate=False)

    def action_edge(self, end: bool) -> None:
        self.scroll_to(x=self.max_scroll_x if end else 0, animate=False)

    def action_lines(self, step: int) -> None:
        self.scroll_to(y=max(0, min(self.max_scroll_y, self.scroll_y + step)), animate=False)

    def action_page(self, step: int) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=max(0, min(self.max_scroll_y, self.scroll_y + step * page)), animate=False)

    def action_top(self, bottom: bool) -> None:
        self.scroll_to(y=self.max_scroll_y if bottom else 0, animate=False)


class ArchiveFileScreen(Screen, LocalizedBindings):
    """One archived file: its metadata and its content pretty-printed (read only)."""

    CSS_PATH = "archive.tcss"
    HELP_TITLE = N_("Archived file")
    WORKER_ERROR_TITLE = N_("Could not open the file")
    WORKER_ERROR_TITLES: ClassVar[dict[str, str]] = {"archive-export": N_("No copy saved")}
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
        yield FileBody("", id="file-body", read_only=True, show_line_numbers=True, soft_wrap=False,
                       show_cursor=False)
        yield KeyFooter()

    def _title_line(self) -> str:
        e = self.entry
        return " · ".join(part for part in (
            default_filename(e), client_text(e), kind_word(e.kind), direction_word(e.direction),
            fmt.months_column(e.period, e.period_to),
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
        body = self.query_one("#file-body", FileBody)
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

    def action_save_copy(self) -> None:
        save_copy(self, self.entry)

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Archived file: Save a copy"), _("Write the file to a path of your choice"),
                             self.action_save_copy)
        yield PaletteCommand(_("Archived file: Back"), _("Back to the archive"), self.app.action_back)
