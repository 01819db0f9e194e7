"""The first start on an empty database: how to get going, instead of a blank screen."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Header, Label, Static

from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.key_footer import KeyFooter


class WelcomeScreen(Screen, LocalizedBindings):
    """Shown when the database has no agency yet (``workspace.who is None``)."""

    CSS_PATH = "welcome.tcss"
    HELP_TITLE = N_("Welcome")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", N_("Quit"), id="welcome.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="welcome"):
            yield Label(_("Welcome to byraa"), id="welcome-title")
            yield Label(_("This database holds no agency yet. Leave with q, then start in one of these ways:"),
                        id="welcome-intro")
            yield Static(self._steps(), id="welcome-steps")
            yield Label(_("Then run byraa again. Over SSH, your login must be a staff user of the agency."),
                        id="welcome-outro")
        yield KeyFooter()

    def _steps(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        steps = (
            ("byraa demo", _("a synthetic agency to try everything on (you are its manager)")),
            ("byraa init --name … --org …", _("set up your own agency, with you as agency manager")),
            ("byraa locate", _("where the config file, data and database are")),
        )
        for command, what in steps:
            table.add_row(Text(command), Text(what))
        return table

    def on_mount(self) -> None:
        self.sub_title = _("Getting started")
