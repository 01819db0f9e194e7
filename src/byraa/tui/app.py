"""The Textual app: modes for the top-level screens, app-wide keys, the palette.

Each top-level screen (dashboard, clients) is a Textual *mode* with its own stack, so
switching with ``d`` / ``c`` keeps a screen's filter, marks and cursor. ``escape`` pops
the current stack, and on a mode's first screen goes back to the mode before.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker

from byraa.core.settings.workspace import Workspace
from byraa.core.words import i18n
from byraa.core.words.i18n import _
from byraa.tui.commands import ByraaCommands, DirectoryCommands, PaletteCommand
from byraa.tui.navigation import SECTIONS, Section
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.worker_errors import ReportingWorkerManager, error_log_path, log_traceback, report_failed_worker

_CONSTRUCTED = time.perf_counter()


def _prefetch_dashboard(workspace: Workspace) -> Future:
    from byraa.core.clients import dashboard

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="byraa-prefetch")
    future = pool.submit(dashboard.build, workspace.store, workspace.who)
    pool.shutdown(wait=False)  # the one task runs on; nothing else is queued
    return future


def _since_process_start_ms() -> float | None:
    """Milliseconds since this process started (Linux ``/proc``), for the startup log."""
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return (uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError):
        return None


# Screens are imported when first shown: the dashboard is all a start has to pay for.
def _factory(section: Section) -> Callable[[], Screen]:
    def build() -> Screen:
        import importlib

        return getattr(importlib.import_module(section.module), section.cls)()

    return build


def _welcome() -> Screen:
    from byraa.tui.screens.welcome import WelcomeScreen

    return WelcomeScreen()


class ByraaApp(App[None], LocalizedBindings):
    """byraa's TUI on one workspace (store + the staff user behind the login)."""

    CSS_PATH = "app.tcss"
    TITLE = "byraa"
    COMMANDS: ClassVar = {ByraaCommands, DirectoryCommands}
    MODES: ClassVar = {**{s.mode: _factory(s) for s in SECTIONS}, "welcome": _welcome}
    BINDINGS: ClassVar[list[BindingType]] = [
        # The screen keys stay out of the footer (nine of them would push the screen's own
        # keys off an 80-column line); help (?) and the palette (:) list them all.
        *(Binding(s.keys, f"show('{s.mode}')", s.label, id=f"app.{s.mode}", key_display=s.key_display, show=False)
          for s in SECTIONS),
        Binding("question_mark,f1", "help", N_("Help"), id="app.help", key_display="?", show=False),
        Binding("colon,ctrl+p", "command_palette", N_("Commands"), id="app.command_palette", key_display=":",
                show=False),
        Binding("escape", "back", N_("Back"), id="app.back", show=False),
        Binding("q", "quit", N_("Quit"), id="app.quit", show=False),
    ]

    def __init__(self, workspace: Workspace) -> None:
        i18n.set_language(workspace.settings.language)
        # The first screen is the mode Textual opens at start (its ``DEFAULT_MODE``), not a
        # switch away from Textual's blank default screen: that switch mounted and laid out
        # a screen nobody sees and styled the dashboard's widgets again (298 style
        # applications to the first dashboard against 231 now).
        self.DEFAULT_MODE = "dashboard" if workspace.who is not None else "welcome"  # type: ignore[misc]
        super().__init__()
        self.workspace = workspace
        self.animation_level = "none"
        self._started = time.perf_counter()
        self._mode_history: list[str] = []
        self.agency_name = ""
        self._workers = ReportingWorkerManager(self, self._worker_done)
        self.prefetched: Future | None = None
        """The first dashboard, built in a thread from the moment the app exists, so
        the database work overlaps Textual's own start (layout, CSS, first paint)."""
        if workspace.who is not None:
            self.prefetched = _prefetch_dashboard(workspace)

    @property
    def who(self):  # noqa: ANN201
        return self.workspace.who

    # --- Start -------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.workspace.settings.keymap:
            self.set_keymap(self.workspace.settings.keymap)
        if self.who is None:
            return
        from byraa.core.agency import setup as agency

        info = agency.info(self.workspace.store)
        self.agency_name = info.name if info else ""
        self.title = f"{self.agency_name} · {self.who.login}"

    def on_ready(self) -> None:
        # Everything alive now (modules, classes, Textual's DOM) lives as long as the app:
        # keep it out of the cyclic GC, whose full passes over ~170,000 objects took
        # 75-110 ms and landed on random keystrokes (the filter budget is 50 ms).
        gc.freeze()
        since_start = _since_process_start_ms()
        self.log.info(
            f"byraa ready: {1000 * (time.perf_counter() - self._started):.0f} ms after the app was built, "
            f"{1000 * (time.perf_counter() - _CONSTRUCTED):.0f} ms after byraa.tui.app was imported"
            + (f", {since_start:.0f} ms after the process started" if since_start is not None else "")
        )

    def on_unmount(self) -> None:
        # Hand what was frozen back to the collector (matters where one process runs
        # many apps, as the tests do).
        gc.unfreeze()

    def _worker_done(self, worker: Worker) -> None:
        # Every worker of every screen ends here: a failure is reported once, the same way.
        report_failed_worker(self, worker)

    def _fatal_error(self) -> None:
        # A bug outside a worker ends the app (Textual's rule). Textual would print its
        # traceback with the local variables of every frame on the terminal: a national id
        # or a token in a local would land in the scrollback. As for a failed worker, the
        # traceback goes to the 0600 error log and the terminal gets one line with its path.
        error = sys.exc_info()[1] or self._exception
        where = f"app, screen {type(self.screen).__name__}" if self._screen_stack else "app"
        path = log_traceback(error, where) if error is not None else error_log_path()
        self.bell()
        self._exit_renderables.append(Text(  # Text: a path is no markup
            _("Unexpected error: byraa stopped. The details are written to {path}.").format(path=path)))
        self._close_messages_no_wait()

    # --- Keys --------------------------------------------------------------------------

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:  # noqa: ANN001
        # A dimmed key (check_action None) does nothing in Textual; where the screen says
        # why (a clerk on the access screen), answer the press with that reason.
        from byraa.tui.widgets.bindings import dimmed_reason

        target, name, params = self._parse_action(  # textual is pinned: its own parser
            action, self if default_namespace is None else default_namespace, namespaces)
        if target is not self and target.check_action(name, params) is None:
            reason = dimmed_reason(target, name)
            if reason:
                self.notify(reason, severity="warning", timeout=5)
                return True
        return await super().run_action(action, default_namespace, namespaces)

    # --- Navigation --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show":
            if self.who is None:
                return False
            # The key of the screen you are on is not shown (it would do nothing).
            return self.current_mode != parameters[0] or len(self.screen_stack) > 1
        return True

    def action_show(self, mode: str) -> None:
        if self.who is None:
            return
        if self.current_mode == mode:
            # From a client's detail, ``c`` goes back to the list itself.
            while len(self.screen_stack) > 1:
                self.pop_screen()
            return
        self._mode_history.append(self.current_mode)
        self.switch_mode(mode)

    def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self._mode_history:
            self.switch_mode(self._mode_history.pop())

    def action_help(self) -> None:
        from byraa.tui.widgets.help_screen import HelpScreen, sections_from

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(sections_from(self.screen)))

    def open_client(self, client_id: int) -> None:
        """Push a client's detail on the current stack (the screen checks access itself)."""
        from byraa.tui.screens.client_detail import ClientDetailScreen

        self.push_screen(ClientDetailScreen(client_id))

    # --- The command palette -------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # Letters typed right after ":" reach the app only after the palette has opened
        # (see ``Palette.take_text``): they are the search's.
        from byraa.tui.widgets.palette import Palette

        if isinstance(self.screen, Palette):
            self.screen.take_text(event)

    def action_command_palette(self) -> None:
        from byraa.tui.widgets.palette import Palette

        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette", placeholder=_("Type to find a command…")))

    def palette_commands(self, screen: Screen) -> Iterator[PaletteCommand]:
        """Commands valid on ``screen``: the screen's own first (they are what a small
        terminal must show without typing), then navigation, then help and quit."""
        if hasattr(screen, "palette_commands"):
            yield from screen.palette_commands()
        if self.who is not None:
            for section in SECTIONS:
                if self.current_mode != section.mode or screen is not self.screen_stack[0]:
                    yield PaletteCommand(_("Show: {screen}").format(screen=_(section.label)), _("Go to the screen"),
                                         self._show_later(section.mode))
        yield PaletteCommand(_("Help: Keys"), _("The keys that work on this screen"), self.action_help)
        yield PaletteCommand(_("byraa: Quit"), _("Leave byraa"), self.exit)

    def _show_later(self, mode: str) -> Callable[[], None]:
        return lambda: self.action_show(mode)
