"""The one place a failed worker is reported: a user error in its own words, a bug as
"Unexpected error" plus the path of the log file that holds its traceback.

Textual posts ``Worker.StateChanged`` to the node that started the worker and does not
bubble it, so screens used to copy the same error handler; instead the app installs a
``WorkerManager`` that calls back when any worker ends (see ``ByraaApp``). A screen
keeps only what is its own: ``WORKER_ERROR_TITLE`` (or per group
``WORKER_ERROR_TITLES``) for the notification's title, and an optional
``worker_failed(worker)`` that resets its own state (a ``running`` flag, a status line).
The loading indicators of the worker's screen are cleared here.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.screen import Screen
from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager

from byraa.core.base.errors import UserError
from byraa.core.settings import locations
from byraa.core.words.i18n import _

LOG_NAME = "byraa-errors.log"


def error_log_path() -> Path:
    return locations.data_dir() / LOG_NAME


def log_traceback(error: BaseException, where: str) -> Path:
    """Append ``error``'s traceback to the error log (created 0600) and return its path."""
    path = error_log_path()
    locations.ensure_private_dir(path.parent)
    text = "".join(traceback.format_exception(error))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(f"--- {stamp} {where}\n{text}\n")
    return path


class ReportingWorkerManager(WorkerManager):
    """Textual's worker manager, calling ``on_done(worker)`` when a worker has ended.

    ``_remove_worker`` is the manager's done-callback of every worker (Textual 8.2,
    pinned); it runs on the event loop, after the worker's final state is set.
    """

    def __init__(self, app, on_done: Callable[[Worker], None]) -> None:  # noqa: ANN001
        super().__init__(app)
        self._on_done = on_done

    def _remove_worker(self, worker: Worker) -> None:
        super()._remove_worker(worker)
        self._on_done(worker)


def _screen_of(worker: Worker) -> Screen | None:
    node = worker.node
    if isinstance(node, Screen):
        return node
    try:
        return node.screen  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a widget already removed has no screen
        return None


def report_failed_worker(app, worker: Worker) -> None:  # noqa: ANN001
    """Tell the user a worker failed: its words for a user error, the log's path for a bug."""
    if worker.state != WorkerState.ERROR or worker.error is None:
        return
    error = worker.error
    screen = _screen_of(worker)
    title = None
    if screen is not None:
        for widget in screen.query("*"):
            if widget.loading:
                widget.loading = False
        hook = getattr(screen, "worker_failed", None)
        if hook is not None:
            hook(worker)
        titles = getattr(screen, "WORKER_ERROR_TITLES", {})
        title = titles.get(worker.group) or getattr(screen, "WORKER_ERROR_TITLE", None)
    if isinstance(error, UserError):
        app.notify(str(error), title=_(title) if title else _("Not done"), severity="error", timeout=10)
        return
    path = log_traceback(error, f"worker {worker.name!r} ({worker.description or worker.group})")
    app.notify(_("The details are written to {path}.").format(path=path), title=_("Unexpected error"),
               severity="error", timeout=15)
