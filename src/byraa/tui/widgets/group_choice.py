"""Choosing a client group (or all clients) for the figures of a screen: dashboard, reports."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from byraa.core.clients import groups as core_groups
from byraa.core.clients.groups import GroupRow
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _, ngettext
from byraa.tui.widgets.dialogs import ChoiceDialog

ALL = "all"
_PREFIX = "group:"


def choose_group(screen: Screen, chosen: Callable[[str | None], None]) -> None:
    """Read the groups in a worker, then ask; ``chosen`` gets the group's name, or ``None``
    for all clients (nothing is called when the dialog is cancelled)."""
    app = screen.app

    def load() -> None:
        groups = core_groups.list_groups(app.workspace.store)
        app.call_from_thread(ask, groups)

    def ask(groups: list[GroupRow]) -> None:
        if not groups:
            app.notify(_("No client groups yet: make one on the groups screen (b)."), title=_("No groups"))
            return
        choices = [(ALL, _("All clients"))] + [
            (f"{_PREFIX}{g.name}", ngettext("{group} ({count} client)", "{group} ({count} clients)", g.clients).format(
                group=g.name, count=fmt.count(g.clients)))
            for g in groups
        ]

        def answered(choice: str | None) -> None:
            if choice is not None:
                chosen(None if choice == ALL else choice.removeprefix(_PREFIX))

        app.push_screen(ChoiceDialog(_("Figures for which clients?"), choices), answered)

    screen.run_worker(load, thread=True, exclusive=True, exit_on_error=False, group="group-choice",
                      description="client groups")
