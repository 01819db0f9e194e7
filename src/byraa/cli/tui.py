"""Starting the TUI from the CLI (textual is imported only here, only when needed)."""

from __future__ import annotations

from byraa.cli.context import CliState
from byraa.core.settings.workspace import open_workspace


def run_tui(cli: CliState, *, mouse: bool = True) -> None:
    settings = cli.settings()
    workspace = open_workspace(settings, interactive=True)
    try:
        from byraa.cli import collector
        from byraa.tui.app import ByraaApp

        collector.release()
        app = ByraaApp(workspace)
        app.run(mouse=mouse)
    finally:
        workspace.close()
    if app.return_code:  # a bug ended it (the line with the log's path is printed): not a success
        raise SystemExit(app.return_code)
