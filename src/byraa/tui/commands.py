"""The command palette (``:`` or ctrl+p): only the commands valid on the current screen.

The app yields navigation and app commands, the screen it was opened from yields its
own (``palette_commands()``), named "Noun: Verb" ("Vis: Klienter", "Klienter: Merk alle").

Typing also finds clients (name or org. no.), groups and staff by name (``DirectoryCommands``)
and opens them: a client's detail, a group's board, a staff user's clients on the access
screen. They are searched only, never listed before typing (an agency has 1,000 clients).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from byraa.core.words.i18n import _


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str
    callback: Callable[[], object]


class ByraaCommands(Provider):
    """Lists what the app and the active screen offer."""

    def _commands(self) -> list[PaletteCommand]:
        app = self.app
        return list(app.palette_commands(self.screen)) if hasattr(app, "palette_commands") else []

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, partial(command.callback), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score * 2 if named(query, command.name) else score, matcher.highlight(command.name),
                          partial(command.callback), help=command.help)


def named(query: str, name: str) -> bool:
    """Whether the query is what the command acts on ("klienter": "Vis: Klienter").

    Such a command comes first: the matcher scores "Dashbord: Alle klienter" as high as
    "Vis: Klienter" for "klienter", and listed first, a user who typed the screen's name
    and pressed enter switched the dashboard's scope instead of opening the screen.
    """
    wanted = query.strip().casefold()
    return bool(wanted) and name.rpartition(": ")[2].casefold() == wanted


class DirectoryCommands(Provider):
    """Clients, groups and staff by name: what the user may see, read once per palette."""

    async def startup(self) -> None:
        # The read starts here and is awaited by the searches, not here: Textual's searches
        # wait for a provider's start-up by awaiting its task, so a search cancelled by the
        # next keystroke cancelled that task with it (a fast typist, a slow read), and the
        # provider stayed without a start-up for the palette's life: no client, group or
        # clerk was found, and every later search of the palette came back empty.
        app = self.app
        workspace, who = getattr(app, "workspace", None), getattr(app, "who", None)
        self._entries: asyncio.Future[list[PaletteCommand]] | None = None
        if workspace is None or who is None:
            return
        self._entries = asyncio.ensure_future(asyncio.to_thread(self._read, workspace.store, who))

    def _read(self, store, who) -> list[PaletteCommand]:  # noqa: ANN001
        from byraa.core.agency import access_admin
        from byraa.core.base import ids
        from byraa.core.clients import groups, registry

        app = self.app
        entries = [
            PaletteCommand(_("Client: {name} {org}").format(name=c.name, org=ids.format_org_number(c.org_number)),
                           _("Open the client"), partial(app.open_client, c.id))
            for c in registry.list_clients(store, who) if c.has_access
        ]
        entries += [PaletteCommand(_("Group: {name}").format(name=g.name), _("Open the group's board"),
                                   partial(open_group, app, g.name))
                    for g in groups.list_groups(store)]
        entries += [PaletteCommand(_("Staff: {name} ({login})").format(name=s.name, login=s.login),
                                   _("The user's clients on the access screen"), partial(open_staff, app, s.login))
                    for s in access_admin.list_staff(store)]
        return entries

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2 or self._entries is None:
            return
        entries = await asyncio.shield(self._entries)  # a cancelled search leaves the read to the next
        matcher = self.matcher(query)
        for command in entries:
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score * 0.9, matcher.highlight(command.name), command.callback, help=command.help)


def open_group(app, name: str) -> None:  # noqa: ANN001
    from byraa.tui.screens.board import BoardScreen

    app.push_screen(BoardScreen(name))


def open_staff(app, login: str) -> None:  # noqa: ANN001
    """The access screen's "clients by user" for ``login`` (once the screen has read the staff)."""
    app.action_show("access")
    screen = app.screen
    if not hasattr(screen, "show_user"):
        return
    screen.show_user(login)
