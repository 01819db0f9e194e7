"""The dashboard (SPEC 4.1): eight key figures for a month, their trend, what needs attention."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList
from textual.widgets.option_list import Option

from byraa.core.base import periods
from byraa.core.clients import dashboard as core_dashboard
from byraa.core.clients.dashboard import Dashboard
from byraa.core.importers import inbox
from byraa.core.importers.inbox import InboxState
from byraa.core.words import formatting as fmt
from byraa.core.words import labels
from byraa.core.words.i18n import _, ngettext
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.figure_card import FigureCard
from byraa.tui.widgets.group_choice import choose_group
from byraa.tui.widgets.key_footer import KeyFooter

SEVERITY = {"error": ("✗", "$text-error"), "warning": ("!", "$text-warning"), "info": ("·", "$foreground-muted")}


class DashboardScreen(Screen, LocalizedBindings):
    """Figures for the chosen month against the month before, for all clients or mine."""

    CSS_PATH = "dashboard.tcss"
    HELP_TITLE = N_("Dashboard")
    WORKER_ERROR_TITLE = N_("Could not build the dashboard")
    AUTO_FOCUS = "#attention-list"
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (64, "-normal"), (110, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar = [(0, "-short"), (34, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "month(-1)", N_("Previous month"), id="dashboard.previous_month",
                group=Binding.Group(N_("Month"), compact=True)),
        Binding("right_square_bracket", "month(1)", N_("Next month"), id="dashboard.next_month",
                group=Binding.Group(N_("Month"), compact=True)),
        Binding("m", "toggle_scope", N_("All / mine"), id="dashboard.scope"),
        Binding("p", "choose_group", N_("Group"), id="dashboard.group"),
        Binding("r", "reload", N_("Refresh"), id="dashboard.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        """The worker built the dashboard."""

        board: Dashboard
        inbox: InboxState | None = None

    def __init__(self) -> None:
        super().__init__()
        self.period = core_dashboard.default_period()
        self.scope = "all" if self.app.who.is_manager else "mine"
        self.group: str | None = None
        """Figures for this client group only (``None``: every client in scope)."""
        self.board: Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid(id="figures"):
            for key, _unit in core_dashboard.FIGURES:
                yield FigureCard(key, labels.figure(key), id=f"figure-{key}")
        with Vertical(id="attention"):
            yield Label(_("Needs attention"), id="attention-title")
            yield OptionList(id="attention-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._update_subtitle()
        self.load()

    def on_screen_resume(self) -> None:
        if self.board is not None:
            self.load()  # back from the intake, a run or the client list: the figures may have moved

    def on_resize(self) -> None:
        # With room to spare, each card also says what its change is measured against.
        tall = self.size.height >= 34
        for card in self.query(FigureCard):
            card.show_previous = tall

    # --- Loading ---------------------------------------------------------------------

    def load(self) -> None:
        self._update_subtitle()
        self._build(self.period, self.scope, self.group)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard", description="dashboard")
    def _build(self, period: str, scope: str, group: str | None) -> None:
        board = None
        prefetched, self.app.prefetched = self.app.prefetched, None
        if prefetched is not None:
            board = prefetched.result()  # the app's first build, started before the screen
            if (board.period, board.scope, board.group) != (period, scope, group):
                board = None
        if board is None:
            board = core_dashboard.build(self.app.workspace.store, self.app.who, period, scope, group)
        self.post_message(self.Loaded(board, self._inbox()))

    def _inbox(self) -> InboxState | None:
        """The inbox folder's new files; a folder the process cannot read is no news, not an error."""
        workspace = self.app.workspace
        try:
            return inbox.state(workspace.store, workspace.settings.inbox_folder)
        except OSError:
            return None

    def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        board = message.board
        if (board.period, board.scope, board.group) != (self.period, self.scope, self.group):
            return  # an older request finished after a newer one started
        self.board = board
        previous_month = fmt.month_name(periods.shift(board.period, -1))
        for figure in board.figures:
            self.query_one(f"#figure-{figure.key}", FigureCard).update(figure, previous_month)
        self._show_attention(board, message.inbox)
        self._update_subtitle()

    def _show_attention(self, board: Dashboard, waiting: InboxState | None = None) -> None:
        options = self.query_one("#attention-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        if waiting is not None and waiting.new:
            text = ngettext("{n} new file in the inbox", "{n} new files in the inbox", waiting.new).format(
                n=fmt.count(waiting.new))
            options.add_option(Option(Content.assemble(("! ", "$text-warning"), text), id="inbox"))
        if waiting is not None and waiting.refused:
            text = ngettext("{n} file in the inbox was refused by the intake",
                            "{n} files in the inbox were refused by the intake", waiting.refused).format(
                n=fmt.count(waiting.refused))
            options.add_option(Option(Content.assemble(("! ", "$text-warning"), text), id="inbox-refused"))
        if not board.attention and options.option_count:
            return
        if not board.attention:
            options.add_option(Option(Content(_("Nothing needs attention this month.")), disabled=True))
            return
        for index, item in enumerate(board.attention):
            glyph, style = SEVERITY.get(item.severity, SEVERITY["info"])
            prompt = Content.assemble((f"{glyph} ", style), labels.attention(item))
            option_id = f"client-{item.client_id}-{index}" if item.client_id is not None else f"item-{index}"
            options.add_option(Option(prompt, id=option_id))
        # Enter works at once: the first item is highlighted until the user moves.
        options.highlighted = highlighted if highlighted is not None and highlighted < options.option_count else 0

    @on(OptionList.OptionSelected, "#attention-list")
    def _open_attention(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id in ("inbox", "inbox-refused"):
            self.app.action_show("intake")
            self.app.call_after_refresh(_preview_inbox, self.app)
        elif option_id.startswith("client-"):
            self.app.open_client(int(option_id.split("-")[1]))

    def _update_subtitle(self) -> None:
        scope = _("all clients") if self.scope == "all" else _("my clients")
        parts = [_("Dashboard"), fmt.month_name(self.period), scope]
        if self.group:  # early in the line: at 80 columns the end of the subtitle is cut
            parts.insert(1, _("group {group}").format(group=self.group))
        self.sub_title = " · ".join(parts)

    # --- Actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_scope":
            return self.app.who.is_manager  # a clerk always sees "mine"
        if action == "month" and parameters == (1,):
            return None if self.period >= core_dashboard.default_period() else True
        return True

    def action_month(self, step: int) -> None:
        target = periods.shift(self.period, step)
        if target > core_dashboard.default_period():
            self.app.bell()
            return
        self.period = target
        self.refresh_bindings()
        self.load()

    def action_toggle_scope(self) -> None:
        if not self.app.who.is_manager:
            return
        self.scope = "mine" if self.scope == "all" else "all"
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_choose_group(self) -> None:
        def chosen(group: str | None) -> None:
            self.group = group
            self.load()

        choose_group(self, chosen)

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Dashboard: Previous month"), fmt.month_name(periods.shift(self.period, -1)),
                             lambda: self.action_month(-1))
        if self.period < core_dashboard.default_period():
            yield PaletteCommand(_("Dashboard: Next month"), fmt.month_name(periods.shift(self.period, 1)),
                                 lambda: self.action_month(1))
        if self.app.who.is_manager:
            if self.scope == "all":
                yield PaletteCommand(_("Dashboard: Only my clients"), _("Figures for the clients you hold a grant on"),
                                     self.action_toggle_scope)
            else:
                yield PaletteCommand(_("Dashboard: All clients"), _("Figures for every client of the agency"),
                                     self.action_toggle_scope)
        yield PaletteCommand(_("Dashboard: Choose group"), _("Figures for the clients of one group, or all"),
                             self.action_choose_group)
        yield PaletteCommand(_("Dashboard: Refresh"), _("Read the figures again"), self.action_reload)


def _preview_inbox(app) -> None:  # noqa: ANN001
    """The intake screen, just shown from the dashboard's inbox line, reads the inbox."""
    from byraa.tui.screens.intake import IntakeScreen

    if isinstance(app.screen, IntakeScreen):
        app.screen.preview_inbox()
