"""The intake (``i``): take in a folder of files from the clients' payroll systems.

The path field starts on the agency's inbox folder (setting ``inbox``) and completes
folder names as you type (``tab`` takes the completion); ``enter`` there shows the preview: every file with its client,
kind, month and what importing it will do. ``x`` runs the intake as a durable job in a
worker (progress in the status line; ``escape`` stops it after the file in hand, and the
job can be resumed later). Afterwards the table shows each file's outcome; ``o`` cycles
the outcome shown (all, imported, unchanged, replaced, refused) and ``enter`` on a
refused file shows the reason, with the place in the file where the importer names one.
All the work is the core's (``byraa.core.importers.intake``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import Header, Input, Label, Static
from textual.worker import Worker, WorkerState

from byraa.core.base.bridge import run_sync
from byraa.core.importers import intake as core_intake
from byraa.core.jobs import Progress
from byraa.core.words import formatting as fmt
from byraa.core.words import labels
from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.dialogs import TextViewer
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row, Toned

OUTCOME_TONES = {"imported": "success", "replaced": "warning", "unchanged": "muted", "refused": "error"}
FILTERS: tuple[str | None, ...] = (None, "imported", "unchanged", "replaced", "refused")


class PathInput(Input, LocalizedBindings):
    """The folder field. ``tab`` takes the completion shown (as a shell does; Textual's
    field takes it only with the right arrow) and moves on when there is none; ``?`` opens
    help as on every screen (a path has no use for it; it was typed into the field
    instead); focusing the field keeps the path in it (with the text selected on focus,
    the first key typed replaced the inbox's path). Its keys are in the footer and help."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", N_("Show the files"), id="intake.preview"),
        Binding("tab", "complete", N_("Complete"), id="intake.complete"),
    ]

    def action_complete(self) -> None:
        before = self.value
        if self.cursor_position == len(before):
            self.action_cursor_right()  # at the end, this takes the suggestion shown
        if self.value == before:
            self.screen.focus_next()

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "question_mark":
            event.stop()
            event.prevent_default()
            await self.app.run_action("app.help")
            return
        await super()._on_key(event)


class FolderSuggester(Suggester):
    """Completes the last part of a path with a folder (or file) that exists."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        path = Path(value).expanduser()
        parent, stem = (path, "") if value.endswith("/") else (path.parent, path.name)
        try:
            names = sorted(p.name + ("/" if p.is_dir() else "") for p in parent.iterdir()
                           if p.name.startswith(stem) and not p.name.startswith("."))
        except OSError:
            return None
        if not names:
            return None
        return value + names[0][len(stem):]


@dataclass
class _Line:
    path: str
    kind: str | None
    client: str | None
    client_name: str | None
    period: str | None
    outcome: str | None
    reason: str | None
    period_to: str | None = None


class IntakeScreen(Screen, LocalizedBindings):
    CSS_PATH = "intake.tcss"
    HELP_TITLE = N_("Intake")
    AUTO_FOCUS = "#intake-path"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "run", N_("Take in"), id="intake.run"),
        Binding("o", "cycle_outcome", N_("Outcome"), id="intake.outcome"),
        Binding("p", "focus_path", N_("Folder"), id="intake.folder"),
        Binding("escape", "cancel", N_("Stop"), id="intake.cancel", priority=True),
    ]

    class Planned(Message):
        def __init__(self, lines: list[_Line]) -> None:
            super().__init__()
            self.lines = lines

    class Ran(Message):
        def __init__(self, lines: list[_Line], status: str) -> None:
            super().__init__()
            self.lines = lines
            self.status = status

    class Step(Message):
        def __init__(self, progress: Progress) -> None:
            super().__init__()
            self.progress = progress

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, _Line] = {}
        self.filter: str | None = None
        self.running = False
        self.done = False
        self.last_note = ""
        self.cancel_event = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="intake-bar"):
            yield Label(_("Folder:"), id="intake-label")
            yield PathInput(str(self.app.workspace.settings.inbox_folder), id="intake-path",
                            suggester=FolderSuggester(), select_on_focus=False)
        yield Static(_("Press enter to see what is in the folder."), id="intake-status", markup=False)
        yield MarkableTable([
            Column("file", _("File"), max_width=28), Column("client", _("Client"), max_width=22),
            Column("kind", _("Kind"), max_width=12), Column("period", _("Period"), max_width=15),
            Column("outcome", _("What happens"), max_width=12),
        ], markable=False, show_sort_keys=False, id="intake-table", empty_text=_("No files."))
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Intake")
        self.query_one(MarkableTable).set_rows([])  # lays the columns out before any preview

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running
        if action == "run":
            return bool(self.lines) and not self.running and not self.done
        return True

    # --- Preview --------------------------------------------------------------------

    @on(Input.Submitted, "#intake-path")
    def _preview(self, event: Input.Submitted) -> None:
        self._read(event.value)

    def preview_inbox(self) -> None:
        """What waits in the agency's inbox folder, at once: the dashboard's "new files" line
        leads here, and the files are what the user came for."""
        if self.running:
            return
        field = self.query_one("#intake-path", Input)
        field.value = str(self.app.workspace.settings.inbox_folder)
        self._read(field.value)

    def _read(self, value: str) -> None:
        if not value.strip():  # an empty path would read the folder byraa was started in
            self.query_one("#intake-status", Static).update(_("Type the folder (or a file) to take in."))
            return
        self.done = False
        self.query_one("#intake-status", Static).update(_("Reading the folder…"))
        self.query_one(MarkableTable).loading = True
        self.plan(value.strip())

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-plan", description="intake preview")
    def plan(self, path: str) -> None:
        planned = core_intake.plan(self.app.workspace.store, self.app.who, [path])
        self.planned = planned
        self.post_message(self.Planned([
            _Line(f.path, f.kind, f.client, f.client_name, f.period, f.action, f.reason, f.period_to) for f in planned]))

    def on_intake_screen_planned(self, message: Planned) -> None:
        self._show(message.lines)
        counts = self._counts()
        self.query_one("#intake-status", Static).update(_(
            "{files} files: {imported} to import, {replaced} replace a month, {unchanged} unchanged, "
            "{refused} refused. x takes them in.").format(files=fmt.count(len(message.lines)), **counts))
        self.query_one(MarkableTable).focus()

    # --- Running --------------------------------------------------------------------

    def action_run(self) -> None:
        self.running = True
        self.last_note = ""
        self.cancel_event.clear()
        self.refresh_bindings()
        self.query_one("#intake-status", Static).update(_("Taking in…"))
        self.take_in()

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-run", description="intake")
    def take_in(self) -> None:
        store, who = self.app.workspace.store, self.app.who
        job = core_intake.start(store, who, self.planned)
        info = run_sync(core_intake.run(store, who, job, cancel_event=self.cancel_event, pause_on_cancel=True,
                                           on_progress=lambda p: self.post_message(self.Step(p))))
        _, results = core_intake.results(store, who, job)
        self.post_message(self.Ran([
            _Line(r.path, r.kind, r.client, r.client_name, r.period, r.outcome, r.reason, r.period_to) for r in results],
            info.status))

    def on_intake_screen_step(self, message: Step) -> None:
        p = message.progress
        if p.message:  # the last file's outcome stays until the next one's
            self.last_note = p.message
        self.query_one("#intake-status", Static).update(_("Taking in {done} of {total} files… {message}").format(
            done=fmt.count(p.items_finished), total=fmt.count(p.items_total), message=self.last_note))

    def on_intake_screen_ran(self, message: Ran) -> None:
        self.running = False
        self.done = True
        self._show(message.lines, keep_filter=True)
        counts = self._counts()
        text = _("Imported {imported}, unchanged {unchanged}, replaced {replaced}, refused {refused}").format(**counts)
        if message.status not in ("done", "failed"):
            text = _("Stopped; resume with byraa intake --resume. ") + text
        self.query_one("#intake-status", Static).update(text)
        self.refresh_bindings()

    def action_cancel(self) -> None:
        self.cancel_event.set()
        self.query_one("#intake-status", Static).update(_("Stopping after the file in hand…"))

    # --- The table ------------------------------------------------------------------

    def _show(self, lines: list[_Line], *, keep_filter: bool = False) -> None:
        self.lines = {str(i): line for i, line in enumerate(lines)}
        if not keep_filter:
            self.filter = None
        table = self.query_one(MarkableTable)
        table.set_rows(Row(key, (
            Path(line.path).name, line.client_name or line.client or "–", labels.intake_kind(line.kind),
            fmt.months_column(line.period, line.period_to),
            Toned(self._outcome_word(line.outcome), OUTCOME_TONES.get(line.outcome or "", "muted")),
        )) for key, line in self.lines.items())
        table.loading = False
        self._apply_filter()
        self.refresh_bindings()

    def _outcome_word(self, code: str | None) -> str:
        """What will happen to a file in the preview ("importeres"), what did after the run."""
        return labels.intake_outcome(code) if self.done else labels.intake_action(code)

    def _counts(self) -> dict[str, str]:
        counts = {o: 0 for o in core_intake.OUTCOMES}
        for line in self.lines.values():
            if line.outcome in counts:
                counts[line.outcome] += 1
        return {k: fmt.count(v) for k, v in counts.items()}

    def action_cycle_outcome(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._apply_filter()

    def _apply_filter(self) -> None:
        table = self.query_one(MarkableTable)
        wanted = self.filter
        table.show_only(None if wanted is None else (k for k, line in self.lines.items() if line.outcome == wanted))
        shown = _("all") if wanted is None else self._outcome_word(wanted)
        self.sub_title = _("Intake · {shown} of {total} · outcome: {outcome}").format(
            shown=fmt.count(table.row_count), total=fmt.count(table.total_count), outcome=shown)

    def action_focus_path(self) -> None:
        self.query_one("#intake-path", Input).focus()

    @on(MarkableTable.RowSelected)
    def _open(self, event: MarkableTable.RowSelected) -> None:
        line = self.lines.get(event.key)
        if line is None:
            return
        if line.outcome == "refused":
            self.app.push_screen(TextViewer(Path(line.path).name, f"{line.path}\n\n{line.reason or ''}"))
        else:
            self.notify(f"{Path(line.path).name}: {self._outcome_word(line.outcome)}", timeout=4)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.group not in ("intake-plan", "intake-run"):
            return
        self.running = False
        self.query_one(MarkableTable).loading = False
        self.query_one("#intake-status", Static).update(str(event.worker.error))
        self.notify(str(event.worker.error), title=_("Intake"), severity="error", timeout=10)
        self.refresh_bindings()
