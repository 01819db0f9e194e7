"""What every headless command shares: the global options and opening the workspace."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from byraa.core.settings.config import Settings, load_settings
from byraa.core.settings.workspace import Workspace, open_workspace


@dataclass
class CliState:
    db_path: Path | None = None
    language: str | None = None

    def settings(self) -> Settings:
        import os

        if self.language:
            os.environ["BYRAA_LANG"] = self.language
        return load_settings(db_path=self.db_path)


def state() -> CliState:
    return click.get_current_context().find_root().obj


def workspace() -> Workspace:
    """The workspace of this command: the store and the staff user behind ``$USER``."""
    ws = open_workspace(state().settings())
    click.get_current_context().call_on_close(ws.close)
    return ws
