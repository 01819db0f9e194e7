"""The command palette (``:`` or ctrl+p): only the commands valid on the current screen.

The app yields navigation and app commands, the screen it was opened from yields its
own (``palette_commands()``), named "Noun: Verb" ("Vis: Klienter", "Klienter: Merk alle").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


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
                yield Hit(score, matcher.highlight(command.name), partial(command.callback), help=command.help)
